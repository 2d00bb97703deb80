//! Searching on the search threads in parts of about equal size: a big segment is cut into
//! ranges of documents, each searched on its own, so that the threads end together.
//!
//! tantivy hands each thread whole segments, and an index's segments are seldom of one size
//! (a full build leaves a few big ones and a small one): the search waited for the thread with
//! the most. Every range is searched with a scorer of its own, sought to the range's first
//! document; a document's score does not depend on where its scorer started, so the answers
//! are the same, and a collector whose segment collectors add up (a count, a top that merges)
//! gives the same fruit.
//!
//! Once a part needs only the number of its later matches, they are counted with a walk, or,
//! where the caller can tell a segment's matches without walking them (`crate::search::count`:
//! a segment without deletes), not at all: the segment's number less the matches its parts
//! walked is added to one part that stopped.

use crate::union::Bounded;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, Executor, Score, Searcher, SegmentReader, TERMINATED};

/// A segment collector that may not need a match's score: it is handed the best score any
/// match of the query could have, and asks for the score itself only if it needs it.
pub(crate) trait ScoreOnDemand: SegmentCollector {
    /// Whether it uses the best score (computing it reads each term's statistics again).
    fn wants_most(&self) -> bool;

    /// [`SegmentCollector::collect`] of `doc`, whose score is `score()`, at most `most`
    /// (infinite when not wanted). [`Walk::Count`]: no later match of the segment can change
    /// the fruit but by its number (the segment is in an order the collector knows): they are
    /// counted without scores and handed to [`ScoreOnDemand::count_more`].
    fn collect_on_demand(&mut self, doc: DocId, most: Score, score: impl FnOnce() -> Score) -> Walk;

    /// `n` more matches, alive, of the segment, none collected, that need only be counted.
    fn count_more(&mut self, n: usize);
}

/// What a [`ScoreOnDemand`] collector wants of the walk after a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walk {
    /// The next match, with its score on demand.
    Score,
    /// Only the number of the part's later matches.
    Count,
}

/// Parts per search thread: a few more parts than threads, so that one that runs slower (more
/// matches in its range) does not leave the others waiting.
const PARTS_PER_THREAD: u64 = 2;

/// A range of one segment's documents: its ordinal, the first document and the one past the last.
type Part = (u32, DocId, DocId);

/// A segment's matches, alive, when told without walking them (`None`: not told); with
/// `false`, only whether they are (cheaply: the number may then be less).
pub(crate) type Total<'a> = dyn Fn(&SegmentReader, bool) -> tantivy::Result<Option<u32>> + Sync + 'a;

/// What `searcher.search(query, collector)` gives, searched in parts on the search threads
/// (see the module documentation). With one thread, each segment is one part. `total`: a
/// segment's matches where told without a walk.
pub(crate) fn search<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    total: &Total,
) -> tantivy::Result<C::Fruit>
where
    C::Child: ScoreOnDemand + Send,
{
    let executor = searcher.index().search_executor();
    let threads = match executor {
        Executor::SingleThread => 1,
        Executor::ThreadPool(pool) => pool.current_num_threads(),
    };
    let parts = parts(searcher, threads);
    search_parts(searcher, query, collector, total, executor, parts)
}

/// The parts to search with `threads` threads: segments cut into ranges of at most the index's
/// documents over (threads × [`PARTS_PER_THREAD`]), of about equal size; whole segments with
/// one thread.
fn parts(searcher: &Searcher, threads: usize) -> Vec<Part> {
    let readers = searcher.segment_readers();
    let docs: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
    let size = if threads < 2 { u64::MAX } else { docs.div_ceil(threads as u64 * PARTS_PER_THREAD).max(1) };
    ranges(readers.iter().map(|r| r.max_doc()), size)
}

/// Each segment of `max_docs` (their `max_doc`s, by ordinal) cut into the fewest ranges of at
/// most `size` documents, of about equal size.
fn ranges(max_docs: impl Iterator<Item = DocId>, size: u64) -> Vec<Part> {
    let mut out = Vec::new();
    for (ord, max_doc) in max_docs.enumerate() {
        let n = u64::from(max_doc).div_ceil(size).max(1);
        for k in 0..n {
            // Both bounds fit a DocId: k ≤ n and k × max_doc / n ≤ max_doc.
            let lo = (k * u64::from(max_doc) / n) as DocId;
            let hi = ((k + 1) * u64::from(max_doc) / n) as DocId;
            out.push((ord as u32, lo, hi));
        }
    }
    out
}

#[cfg(test)]
thread_local! {
    /// Matches this thread's walks counted without offering them (tests: the walk stops).
    pub(crate) static UNSCORED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Matches this thread's searches counted without walking them (tests: told by the caller).
    pub(crate) static UNWALKED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// What [`search`] gives with every segment cut into ranges of at most `size` documents, on
/// the caller's thread (tests: answers must not depend on the cut).
#[cfg(test)]
pub(crate) fn search_in_parts_of<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    total: &Total,
    size: u64,
) -> tantivy::Result<C::Fruit>
where
    C::Child: ScoreOnDemand + Send,
{
    let parts = ranges(searcher.segment_readers().iter().map(|r| r.max_doc()), size);
    search_parts(searcher, query, collector, total, &Executor::single_thread(), parts)
}

/// `parts` searched on `executor`, each part's fruit merged by the collector.
fn search_parts<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    total: &Total,
    executor: &Executor,
    parts: Vec<Part>,
) -> tantivy::Result<C::Fruit>
where
    C::Child: ScoreOnDemand + Send,
{
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    collector.check_schema(searcher.schema())?;
    // The weight that counts the matches a part no longer scores, made by the first part
    // that stops scoring.
    let counting: OnceLock<Box<dyn Weight>> = OnceLock::new();
    let counter = || -> tantivy::Result<&dyn Weight> {
        if let Some(w) = counting.get() {
            return Ok(w.as_ref());
        }
        let w = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        Ok(counting.get_or_init(|| w).as_ref())
    };
    // Whether each segment's matches are told without a walk, asked by the first part that
    // stops; their number, counted by that part once its own walk is done (the other parts
    // walk meanwhile, and none counts it twice).
    let segments = searcher.segment_readers().len();
    let tellable: Vec<OnceLock<bool>> = (0..segments).map(|_| OnceLock::new()).collect();
    let numbers: Vec<OnceLock<u32>> = (0..segments).map(|_| OnceLock::new()).collect();
    let claimed: Vec<AtomicBool> = (0..segments).map(|_| AtomicBool::new(false)).collect();
    let told = |ord: u32| -> tantivy::Result<bool> {
        let slot = &tellable[ord as usize];
        if let Some(&b) = slot.get() {
            return Ok(b);
        }
        let b = total(searcher.segment_reader(ord), false)?.is_some();
        Ok(*slot.get_or_init(|| b))
    };
    let mut walked = executor.map(
        |part| {
            let walker =
                Walker { searcher, range: part, scoring: collector.requires_scoring(), counter: &counter, told: &told };
            let done = walker.collect_part(collector, weight.as_ref())?;
            let ord = part.0 as usize;
            if done.2.stopped && !claimed[ord].swap(true, Ordering::AcqRel) {
                let n = total(searcher.segment_reader(part.0), true)?.ok_or_else(|| untold(part.0))?;
                numbers[ord].get_or_init(|| n);
            }
            Ok(done)
        },
        parts.into_iter(),
    )?;
    // A segment a part stopped in without counting the rest: its number less what its parts
    // collected, added to that part.
    for ord in 0..segments as u32 {
        let Some(stopped) = walked.iter().position(|(p, _, w)| p.0 == ord && w.stopped) else { continue };
        let collected: usize = walked.iter().filter(|(p, _, _)| p.0 == ord).map(|(_, _, w)| w.collected).sum();
        let all = *numbers[ord as usize].get().ok_or_else(|| untold(ord))? as usize;
        debug_assert!(all >= collected, "segment {ord}: {all} matches, {collected} collected");
        let rest = all.saturating_sub(collected);
        #[cfg(test)]
        UNWALKED.with(|n| n.set(n.get() + rest));
        walked[stopped].1.count_more(rest);
    }
    collector.merge_fruits(walked.into_iter().map(|(_, child, _)| child.harvest()).collect())
}

/// The error of a segment whose number was said to be told and was not (a bug).
fn untold(ord: u32) -> tantivy::TantivyError {
    tantivy::TantivyError::InternalError(format!("segment {ord}: its number of matches was not told"))
}

/// What a part's walk did: the matches it handed to the collector, and whether it stopped
/// without counting the rest (the segment's number is told, see [`search_parts`]).
struct Walked {
    collected: usize,
    stopped: bool,
}

/// A walk of one part's matches (see [`Walker::collect_part`]).
struct Walker<'a, 'w> {
    searcher: &'a Searcher,
    /// The segment's ordinal, the part's first document and the one past its last.
    range: Part,
    scoring: bool,
    counter: &'a dyn Fn() -> tantivy::Result<&'w dyn Weight>,
    /// Whether a segment's matches are told without a walk (see [`search_parts`]).
    told: &'a (dyn Fn(u32) -> tantivy::Result<bool> + Sync),
}

impl Walker<'_, '_> {
    /// The part's collector, with its documents that match, alive, each collected with its
    /// score (0 when the collector needs none), computed when the collector asks.
    fn collect_part<C: Collector>(
        &self,
        collector: &C,
        weight: &dyn Weight,
    ) -> tantivy::Result<(Part, C::Child, Walked)>
    where
        C::Child: ScoreOnDemand,
    {
        let ord = self.range.0;
        let reader = self.searcher.segment_reader(ord);
        let mut child = collector.for_segment(ord, reader)?;
        let mut scorer = weight.scorer(reader, 1.0)?;
        let walked = crate::optional::with_bounds!(&mut *scorer, |s| self.collect(reader, &mut child, s)?);
        Ok((self.range, child, walked))
    }

    /// The part's matches of `scorer` collected by `child`. Each is handed the best score it
    /// can have ([`Bounded`]); once the collector needs only the number of the later ones,
    /// those that can still score above the bound it stopped at are still collected, and the
    /// others are counted, or left to the segment's told number.
    fn collect<S: Bounded + ?Sized>(
        &self,
        reader: &SegmentReader,
        child: &mut impl ScoreOnDemand,
        scorer: &mut S,
    ) -> tantivy::Result<Walked> {
        let (ord, lo, hi) = self.range;
        let scoring = self.scoring;
        let mut walked = Walked { collected: 0, stopped: false };
        let mut doc = scorer.doc();
        if doc < lo {
            doc = scorer.seek(lo);
        }
        let alive = reader.alive_bitset();
        let alive = |doc: DocId| alive.is_none_or(|a| a.is_alive(doc));
        let wanted = scoring && child.wants_most();
        let most = if wanted { scorer.most() } else { Score::INFINITY };
        while doc != TERMINATED && doc < hi {
            if alive(doc) {
                walked.collected += 1;
                let here = if wanted { scorer.most_here(most) } else { most };
                if child.collect_on_demand(doc, here, || if scoring { scorer.score() } else { 0.0 }) == Walk::Count {
                    // Counted (or told) among the rest, the matches that may score above
                    // `most` are collected with their scores, until the collector needs none
                    // of them.
                    let rest = match (self.told)(ord)? {
                        true => None,
                        false => Some(count_from((self.counter)()?, reader, doc + 1, hi)?),
                    };
                    let mut collected = 0;
                    let mut next = scorer.next_unbounded(doc + 1);
                    while next < hi {
                        let at = scorer.seek(next);
                        debug_assert_eq!(at, next, "a match the scorer told");
                        if alive(next) {
                            collected += 1;
                            if child.collect_on_demand(next, Score::INFINITY, || scorer.score()) == Walk::Count {
                                break;
                            }
                        }
                        next = scorer.next_unbounded(next + 1);
                    }
                    walked.collected += collected;
                    match rest {
                        Some(rest) => {
                            #[cfg(test)]
                            UNSCORED.with(|n| n.set(n.get() + rest - collected));
                            child.count_more(rest - collected);
                        }
                        None => walked.stopped = true,
                    }
                    break;
                }
            }
            doc = scorer.advance();
        }
        Ok(walked)
    }
}

/// The matches of `weight` (made without scores) from `lo` to before `hi` in `reader`, alive.
fn count_from(weight: &dyn Weight, reader: &SegmentReader, lo: DocId, hi: DocId) -> tantivy::Result<usize> {
    if lo >= hi {
        return Ok(0);
    }
    let mut docs = weight.scorer(reader, 1.0)?;
    let mut doc = docs.doc();
    if doc < lo {
        doc = docs.seek(lo);
    }
    let alive = reader.alive_bitset();
    let mut n = 0;
    while doc != TERMINATED && doc < hi {
        n += usize::from(alive.is_none_or(|a| a.is_alive(doc)));
        doc = docs.advance();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_every_document_once_in_parts_of_at_most_the_size() {
        for (max_docs, size) in [(vec![10u32, 3, 0, 7], 4u64), (vec![1], 1), (vec![100, 101], 7), (vec![5], u64::MAX)] {
            let parts = ranges(max_docs.iter().copied(), size);
            for (ord, &max_doc) in max_docs.iter().enumerate() {
                let mine: Vec<&Part> = parts.iter().filter(|p| p.0 == ord as u32).collect();
                assert_eq!(mine.first().map(|p| p.1), Some(0), "{max_docs:?} {size}");
                assert_eq!(mine.last().map(|p| p.2), Some(max_doc), "{max_docs:?} {size}");
                assert!(mine.windows(2).all(|w| w[0].2 == w[1].1), "{mine:?}");
                assert!(mine.iter().all(|p| u64::from(p.2 - p.1) <= size), "{mine:?}");
                let fewest = u64::from(max_doc).div_ceil(size).max(1);
                assert_eq!(mine.len() as u64, fewest, "{mine:?}");
            }
        }
    }
}
