//! Searching discussions: which discussions a query finds, and in which order.
//!
//! A discussion matches when each positive term of the query occurs in at least one of its
//! messages, and the filters hold for those messages (so `group:G date:D` with no term lists
//! that day's partition, chatter included). Messages are found by the same compiled queries
//! as `search`, one per positive term (a question pasted whole: one query of its key terms, any
//! of which recalls a message, as `search` plans it); each message document carries its discussion's first
//! line (`disc`), and the discussion documents carry what ranking needs as a fast value.
//!
//! Relevance: for each term, the best ranking key (as `search` ranks messages, see
//! [`crate::rank::score`]) of the discussion's messages holding it, summed; a little for every
//! further matching message; and substance (messages, people, an opening question). Chatter
//! ranks below every discussion.

use crate::discussions::{Discussion, SpanKind};
use crate::index::discussion_docs::{DiscussionDocs, Place};
use crate::index::schema::{names, unpack_disc_info};
use crate::query::Query;
use crate::search::{Engine, Highlighter, KeyColumns, SearchError, Sort, State};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::Value as _;
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument};

/// One discussion found, with the lines of its matching messages.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DiscussionHit {
    #[serde(flatten)]
    pub discussion: Discussion,
    /// The people behind its participants' nicknames, each once (see [`crate::people`]).
    pub people: Vec<String>,
    /// Header lines of the messages that matched the query's terms (empty without terms).
    pub hits: Vec<u32>,
    pub score: f32,
    /// Where the query's terms occur in its title and summary lines.
    pub highlights: DiscussionHighlights,
}

/// Where the query's terms (glossary forms included, or a pasted question's key terms) occur
/// in what a discussion shows: `[start, end)` in characters of the text, on the original
/// characters a folded match covers, as a message hit's `highlights` ([`crate::search::char_offsets`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DiscussionHighlights {
    pub title: Vec<[usize; 2]>,
    /// One list per summary line, in order.
    pub summary: Vec<Vec<[usize; 2]>>,
}

/// A page of discussions and how many matched.
#[derive(Debug, Clone, Default)]
pub struct DiscussionResults {
    pub total: usize,
    pub discussions: Vec<DiscussionHit>,
    pub elapsed: Duration,
    /// What the discussions are highlighted on: the query's terms with their glossary forms,
    /// or a pasted question's key terms ([`crate::search::Results::terms`]).
    pub terms: Vec<String>,
}

/// What the messages matching one term say about one discussion.
#[derive(Debug, Clone)]
struct Matches {
    best: f32,
    lines: Vec<u32>,
}

impl Default for Matches {
    fn default() -> Matches {
        // Keys can be negative (a bare mention sinks 100 below the rest).
        Matches { best: f32::NEG_INFINITY, lines: Vec::new() }
    }
}

/// (path id, first line): a discussion's identity within one [`DiscussionDocs`].
type Key = (u32, u64);

/// Per discussion: summed best scores, matching messages, their lines.
type Found = Vec<(Key, (f32, u32, Vec<u32>))>;

/// What one term's messages say, per discussion (each discussion once).
type PerDiscussion = Vec<(Key, Matches)>;

impl Engine {
    /// The discussions `query` finds: `limit` of them (`None`: all) in `sort` order. Without
    /// a positive term, relevance means date order, oldest first (a day reads in order).
    pub fn discussions(
        &self,
        query: &Query,
        limit: Option<usize>,
        sort: Sort,
    ) -> Result<DiscussionResults, SearchError> {
        self.discussions_from(query, 0, limit, sort)
    }

    /// [`Engine::discussions`] past the first `offset` of them: the next page of a list (the
    /// browser's, as the selection nears its end). The ones skipped are put in order but not
    /// read, so a page costs about what the first does.
    pub fn discussions_from(
        &self,
        query: &Query,
        offset: usize,
        limit: Option<usize>,
        sort: Sort,
    ) -> Result<DiscussionResults, SearchError> {
        self.with_state(|state| discussions(state, query, offset, limit, sort))
    }
}

fn discussions(
    state: &State,
    query: &Query,
    offset: usize,
    limit: Option<usize>,
    sort: Sort,
) -> Result<DiscussionResults, SearchError> {
    let started = Instant::now();
    // Read as `search` reads it: English words spelling one glossary form are one term
    // (`cross border`), not a pass each.
    let query = &state.expand(query);
    let docs = state.discussion_docs()?;
    let searcher = &docs.searcher;
    // One pass per positive term (each must occur in the discussion), or, for a question pasted
    // whole, one pass of its key terms, any of which recalls a message (as `search` runs it).
    let mut passes: Vec<(Box<dyn tantivy::query::Query>, f32, u32)> = Vec::new();
    let mut terms: Vec<String> = query.highlight_terms().into_iter().map(str::to_owned).collect();
    if let Some(((tq, match_weight), keys)) = state.question(query)? {
        passes.push((tq, match_weight, 0));
        terms = keys;
    } else {
        for sub in query.per_positive_term() {
            let query_substance = state.expand(&sub).substance();
            passes.push((state.compile(&sub)?, crate::rank::MATCH_WEIGHT, query_substance));
        }
    }
    let scoring = !passes.is_empty();
    if !scoring {
        passes.push((state.compile(query)?, crate::rank::MATCH_WEIGHT, 0));
    }
    let mut matched: Option<Found> = None;
    for (tq, match_weight, query_substance) in &passes {
        let collector =
            MessageCollector { scoring, docs: &docs, match_weight: *match_weight, query_substance: *query_substance };
        let found = searcher.search(tq, &collector)?;
        matched = Some(match matched {
            None => found.into_iter().map(|(k, m)| (k, (m.best, m.lines.len() as u32, m.lines))).collect(),
            Some(acc) => {
                // Only discussions every term finds stay.
                let found: FxHashMap<Key, Matches> = found.into_iter().collect();
                acc.into_iter()
                    .filter_map(|(k, (best, n, mut lines))| {
                        let m = found.get(&k)?;
                        lines.extend(&m.lines);
                        Some((k, (best + m.best, n + m.lines.len() as u32, lines)))
                    })
                    .collect()
            }
        });
    }
    let matched = matched.unwrap_or_default();

    struct Candidate {
        tier: u8,
        score: f32,
        ts: u64,
        key: Key,
        addr: DocAddress,
        lines: Vec<u32>,
    }
    let mut candidates: Vec<Candidate> = matched
        .into_iter()
        .filter_map(|(key, (best, n, lines))| {
            let d = docs.get(key.0, key.1)?;
            let (messages, people, chatter, question) = unpack_disc_info(d.info);
            let substance = 0.3 * (1.0 + messages as f32).ln()
                + 0.3 * (1.0 + people as f32).ln()
                + if question { 0.5 } else { 0.0 };
            let score = if scoring { best + 0.5 * (n as f32).ln_1p() + substance } else { 0.0 };
            Some(Candidate { tier: u8::from(!chatter), score, ts: d.ts, key, addr: d.addr, lines })
        })
        .collect();
    let sort = if sort == Sort::Relevance && !scoring { Sort::Oldest } else { sort };
    // Path ids are numbered in path order, so this is the order of (path, first line).
    let by_place = |a: &Candidate, b: &Candidate| a.key.cmp(&b.key);
    let order = |a: &Candidate, b: &Candidate| match sort {
        Sort::Relevance => {
            b.tier.cmp(&a.tier).then(b.score.total_cmp(&a.score)).then(b.ts.cmp(&a.ts)).then(by_place(a, b))
        }
        Sort::Newest => b.ts.cmp(&a.ts).then(by_place(a, b)),
        Sort::Oldest => a.ts.cmp(&b.ts).then(by_place(a, b)),
    };
    let total = candidates.len();
    let keep = limit.map_or(total, |l| offset.saturating_add(l)).min(total);
    // Only the page and those before it are put in order: the rest is only counted.
    if keep < total {
        if keep > 0 {
            candidates.select_nth_unstable_by(keep - 1, order);
        }
        candidates.truncate(keep);
    }
    candidates.sort_by(order);
    candidates.drain(..offset.min(keep));
    // Only the page's lines are put in order (a long discussion matches hundreds of times).
    for c in &mut candidates {
        if scoring {
            c.lines.sort_unstable();
            c.lines.dedup();
        } else {
            c.lines.clear();
        }
    }
    let f = &state.handle.fields;
    let people = state.people()?;
    let marker = Highlighter::new(&terms.iter().map(String::as_str).collect::<Vec<_>>());
    let discussions = candidates
        .into_iter()
        .map(|c| {
            let doc: TantivyDocument = searcher.doc(c.addr)?;
            let json = doc.get_first(f.disc_json).and_then(|v| v.as_str()).unwrap_or_default();
            let discussion: Discussion =
                serde_json::from_str(json).unwrap_or_else(|_| bare(docs.path(c.key.0), c.key.1));
            let people = people.labels(&discussion.participants);
            let highlights = DiscussionHighlights {
                title: marker.offsets(&discussion.title),
                summary: discussion.summary.iter().map(|l| marker.offsets(&l.text)).collect(),
            };
            Ok(DiscussionHit { discussion, people, hits: c.lines, score: c.score, highlights })
        })
        .collect::<Result<Vec<_>, SearchError>>()?;
    Ok(DiscussionResults { total, discussions, elapsed: started.elapsed(), terms })
}

/// A discussion whose stored record cannot be read (an index written by a broken build):
/// its place, so it can still be opened.
fn bare(path: &str, line: u64) -> Discussion {
    let line = u32::try_from(line).unwrap_or(0);
    Discussion {
        path: path.to_owned(),
        group: path.split('/').next().unwrap_or_default().to_owned(),
        date: String::new(),
        start_time: String::new(),
        end_time: String::new(),
        start_line: line,
        end_line: line,
        messages: 0,
        participants: Vec::new(),
        title: String::new(),
        summary: Vec::new(),
        topics: Vec::new(),
        kind: SpanKind::Discussion,
    }
}

/// Groups matching messages by discussion: best score and header lines.
struct MessageCollector<'a> {
    scoring: bool,
    docs: &'a DiscussionDocs,
    /// How the text match weighs against the substance prior (a question's cover weighs more).
    match_weight: f32,
    /// See [`Query::substance`].
    query_substance: u32,
}

struct MessageSegment {
    ids: Arc<[u32]>,
    place: Place,
    line: Option<Column<u64>>,
    /// A message counts by its relevance key, as `search` ranks it: by what it says, not by
    /// its bare text match (which favours the shortest mention of the term).
    keys: KeyColumns,
    found: ByDiscussion,
}

/// Matches per discussion, each discussion once, in order of its first match.
struct ByDiscussion {
    found: PerDiscussion,
    /// Where each discussion is in `found`.
    at: FxHashMap<Key, usize>,
    /// The discussion last asked for (an index into `found`): a discussion's messages are
    /// neighbours in a segment, so most messages need no lookup.
    last: usize,
}

impl ByDiscussion {
    fn new() -> ByDiscussion {
        ByDiscussion { found: Vec::new(), at: FxHashMap::default(), last: usize::MAX }
    }

    /// The entry of discussion `k`, added when it is new.
    fn entry(&mut self, k: Key) -> &mut Matches {
        if self.found.get(self.last).is_none_or(|(last, _)| *last != k) {
            self.last = match self.at.get(&k) {
                Some(&i) => i,
                None => {
                    self.at.insert(k, self.found.len());
                    self.found.push((k, Matches::default()));
                    self.found.len() - 1
                }
            };
        }
        &mut self.found[self.last].1
    }

    /// Adds what `m` says about discussion `k`: its best key, its lines.
    fn add(&mut self, k: Key, m: Matches) {
        let e = self.entry(k);
        e.best = e.best.max(m.best);
        if e.lines.is_empty() {
            e.lines = m.lines;
        } else {
            e.lines.extend(m.lines);
        }
    }
}

impl Collector for MessageCollector<'_> {
    type Fruit = PerDiscussion;
    type Child = MessageSegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<MessageSegment> {
        Ok(MessageSegment {
            ids: self.docs.path_ids(segment),
            place: Place::of(seg)?,
            line: seg.fast_fields().u64(names::LINE).ok(),
            keys: KeyColumns::new(seg, self.match_weight, self.query_substance),
            found: ByDiscussion::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, mut fruits: Vec<PerDiscussion>) -> tantivy::Result<PerDiscussion> {
        if fruits.len() == 1 {
            return Ok(fruits.pop().unwrap_or_default());
        }
        let mut out = ByDiscussion::new();
        for (k, m) in fruits.into_iter().flatten() {
            out.add(k, m);
        }
        Ok(out.found)
    }
}

impl SegmentCollector for MessageSegment {
    type Fruit = PerDiscussion;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some((ord, disc)) = self.place.get(doc) else { return };
        let Some(&path) = self.ids.get(ord as usize) else { return };
        let line = self.line.as_ref().and_then(|c| c.first(doc)).and_then(|l| u32::try_from(l).ok()).unwrap_or(0);
        let key = self.keys.key(doc, score);
        let e = self.found.entry((path, disc));
        e.best = e.best.max(key);
        e.lines.push(line);
    }

    fn harvest(self) -> PerDiscussion {
        self.found.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(best: f32, lines: &[u32]) -> Matches {
        Matches { best, lines: lines.to_vec() }
    }

    #[test]
    fn by_discussion_keeps_each_discussion_once_whatever_the_order_of_its_matches() {
        let (a, b, c) = ((1, 10), (1, 20), (2, 10));
        let mut by = ByDiscussion::new();
        // Neighbours, then a discussion seen before but not last, then two new ones.
        for (k, best, line) in [(a, 1.0, 11), (a, 3.0, 12), (b, -100.0, 21), (a, 2.0, 13), (c, 0.5, 14), (b, 4.0, 22)] {
            let e = by.entry(k);
            e.best = e.best.max(best);
            e.lines.push(line);
        }
        let got: Vec<(Key, f32, Vec<u32>)> = by.found.into_iter().map(|(k, m)| (k, m.best, m.lines)).collect();
        assert_eq!(got, vec![(a, 3.0, vec![11, 12, 13]), (b, 4.0, vec![21, 22]), (c, 0.5, vec![14])]);
    }

    #[test]
    fn merging_segments_joins_a_discussion_found_in_two() {
        let mut by = ByDiscussion::new();
        for (k, x) in
            [((1, 10), m(1.0, &[11])), ((3, 5), m(-1.0, &[6])), ((1, 10), m(2.0, &[12])), ((3, 5), m(-2.0, &[7]))]
        {
            by.add(k, x);
        }
        let got: Vec<(Key, f32, Vec<u32>)> = by.found.into_iter().map(|(k, m)| (k, m.best, m.lines)).collect();
        assert_eq!(got, vec![((1, 10), 2.0, vec![11, 12]), ((3, 5), -1.0, vec![6, 7])]);
    }
}
