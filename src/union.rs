//! A union of a few scoring queries that scores a match only when asked: what
//! `BooleanQuery` of `Should` clauses gives (the same matches, the same score to the bit),
//! without scoring every match.
//!
//! tantivy's union buffers a window of 4,096 documents ahead and sums each match's scores as it
//! fills the window, whether or not anyone reads them. A search that can tell from a match's
//! best possible score that it cannot enter the page ([`most_score`], see
//! `crate::search::prune`) then skips the scoring.

use crate::lift::Lifted;
use std::sync::{Arc, OnceLock};
use tantivy::query::{
    Bm25StatisticsProvider, Bm25Weight, BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

/// Above this many clauses a union is tantivy's: advancing a few clauses is cheaper one by
/// one, many are cheaper buffered.
const MOST_CLAUSES: usize = 8;

/// Any of `clauses`, each match scoring the sum of the clauses that match it (in clause
/// order, as tantivy's union sums them): a [`LazyUnion`], or tantivy's `BooleanQuery` of
/// `Should` clauses for many clauses.
pub(crate) fn any_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() > MOST_CLAUSES {
        return Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (Occur::Should, q)).collect()));
    }
    Box::new(LazyUnion { clauses })
}

/// See [`any_of`].
#[derive(Debug)]
pub(crate) struct LazyUnion {
    clauses: Vec<Box<dyn Query>>,
}

impl LazyUnion {
    /// Its clauses, in order.
    pub(crate) fn clauses(&self) -> &[Box<dyn Query>] {
        &self.clauses
    }
}

impl Clone for LazyUnion {
    fn clone(&self) -> LazyUnion {
        LazyUnion { clauses: self.clauses.iter().map(|q| q.box_clone()).collect() }
    }
}

impl Query for LazyUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self.clauses.iter().map(|q| q.weight(enable_scoring)).collect::<tantivy::Result<_>>()?;
        // The best score is computed only if a search asks (it reads each term's statistics
        // again), with the statistics the clauses score with: the searcher's.
        let searcher = match enable_scoring {
            EnableScoring::Enabled { searcher, statistics_provider }
                if std::ptr::addr_eq(searcher as *const Searcher, statistics_provider) =>
            {
                Some(searcher.clone())
            }
            _ => None,
        };
        let ceiling =
            Arc::new(Ceiling { union: self.clone(), searcher, best: OnceLock::new(), clauses: OnceLock::new() });
        Ok(Box::new(LazyUnionWeight { weights, ceiling }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.clauses {
            q.query_terms(visitor);
        }
    }
}

struct LazyUnionWeight {
    weights: Vec<Box<dyn Weight>>,
    ceiling: Arc<Ceiling>,
}

/// What a union can score at most (see [`best`]), and each of its clauses, computed the
/// first time it is asked.
struct Ceiling {
    union: LazyUnion,
    searcher: Option<Searcher>,
    best: OnceLock<Option<Score>>,
    clauses: OnceLock<Vec<Option<Score>>>,
}

impl Ceiling {
    fn get(&self) -> Option<Score> {
        *self.best.get_or_init(|| self.searcher.as_ref().and_then(|s| best(&self.union, s).ok().flatten()))
    }

    /// Clause `k`'s best.
    fn clause(&self, k: usize) -> Option<Score> {
        let clauses = self.clauses.get_or_init(|| {
            let best = |c: &dyn Query| self.searcher.as_ref().and_then(|s| best(c, s).ok().flatten());
            self.union.clauses.iter().map(|c| best(&**c)).collect()
        });
        clauses.get(k).copied().flatten()
    }
}

impl Weight for LazyUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        let mut clauses = Vec::with_capacity(self.weights.len());
        for (k, w) in self.weights.iter().enumerate() {
            let s = w.scorer(reader, boost)?;
            if s.doc() != TERMINATED {
                scorers.push(s);
                clauses.push(k);
            }
        }
        // As tantivy: no clause matches nothing; one clause is its own scorer (its score is the
        // union's: 0 + s = s).
        match scorers.len() {
            0 => return Ok(Box::new(EmptyScorer)),
            1 => return Ok(scorers.pop().expect("one scorer")),
            _ => {}
        }
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        let ceiling = Arc::clone(&self.ceiling);
        // A clause far rarer than the commonest is told apart (see `Bounded`).
        let most_cost = scorers.iter().map(|s| s.cost()).max().unwrap_or(0);
        let rare = scorers.iter().map(|s| s.cost().saturating_mul(RARE) <= most_cost).collect();
        Ok(Box::new(LazyUnionScorer { scorers, docs, doc, ceiling, boost, num_docs: reader.num_docs(), clauses, rare }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        let mut explanation = Explanation::new("LazyUnion", scorer.score());
        for w in &self.weights {
            if let Ok(e) = w.explain(reader, doc) {
                explanation.add_detail(e);
            }
        }
        Ok(explanation)
    }
}

/// The scorer of a [`LazyUnion`] of two or more clauses, each on a document or past its last.
pub(crate) struct LazyUnionScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// Each clause's document (read once, not asked of the clause at each step).
    docs: Vec<DocId>,
    doc: DocId,
    ceiling: Arc<Ceiling>,
    boost: Score,
    num_docs: u32,
    /// Each scorer's clause of the union.
    clauses: Vec<usize>,
    /// Whether each scorer is a rare one ([`RARE`]).
    rare: Vec<bool>,
}

/// A clause of a union whose postings are at least this many times fewer than the largest
/// clause's is rare: a match it holds is bounded apart, and sought once a walk only counts.
const RARE: u64 = 4;

impl LazyUnionScorer {
    /// See [`most_score`]: a clause's scorer scales its scores by the boost; the margin covers
    /// the rounding of the scores' own arithmetic.
    fn most(&self) -> Score {
        self.ceiling.get().map_or(Score::INFINITY, |b| b * self.boost * (1.0 + 1e-3))
    }
}

impl DocSet for LazyUnionScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        let mut least = TERMINATED;
        for (s, d) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *d == doc {
                *d = s.advance();
            }
            least = least.min(*d);
        }
        self.doc = least;
        least
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut least = TERMINATED;
        for (s, d) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *d < target {
                *d = s.seek(target);
            }
            least = least.min(*d);
        }
        self.doc = least;
        least
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// tantivy's union's estimate (an intersection orders its clauses by it).
    fn size_hint(&self) -> u32 {
        estimate_union(self.scorers.iter().map(|s| s.size_hint()), self.num_docs)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for LazyUnionScorer {
    /// The sum of the scores of the clauses on the document, in clause order from 0, as
    /// tantivy's union sums them.
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut sum: Score = 0.0;
        for (s, &d) in self.scorers.iter_mut().zip(&self.docs) {
            if d == doc {
                sum += s.score();
            }
        }
        sum
    }
}

/// tantivy's estimate of a union's size (`query::size_hint::estimate_union`, not public).
fn estimate_union(sizes: impl Iterator<Item = u32>, max_docs: u32) -> u32 {
    let mut not_in_any = 1.0;
    for size in sizes {
        not_in_any *= 1.0 - (size as f64 / max_docs as f64) * 0.8;
    }
    (max_docs as f64 * (1.0 - not_in_any)).round().min(max_docs as f64) as u32
}

/// A score no match of `scorer` exceeds (infinite where not known): a lazy union's best
/// (see [`best`]).
pub(crate) fn most_score(scorer: &dyn Scorer) -> Score {
    if let Some(u) = scorer.downcast_ref::<LazyUnionScorer>() {
        u.most()
    } else if let Some(b) = scorer.downcast_ref::<Box<dyn Scorer>>() {
        most_score(&**b)
    } else {
        Score::INFINITY
    }
}

/// What a ranked walk (`crate::split`) asks of a scorer beyond its matches and scores: how
/// much they can score.
pub(crate) trait Bounded: Scorer {
    /// A score no match exceeds but those [`Bounded::most_here`] tells apart (infinite where
    /// not known).
    fn most(&self) -> Score;

    /// A score the match the scorer is on does not exceed, `most` being [`Bounded::most`].
    #[inline]
    fn most_here(&mut self, most: Score) -> Score {
        most
    }

    /// The first match at or after `target` (past the scorer's document) that may score above
    /// [`Bounded::most`], `TERMINATED` when none; the caller seeks the scorer there next (and
    /// never to a document before it).
    fn next_unbounded(&mut self, _target: DocId) -> DocId {
        TERMINATED
    }
}

/// A lazy union: a match holding no rare clause scores at most the sum of the other clauses'
/// bests; the rare clauses' matches are sought one by one.
impl Bounded for LazyUnionScorer {
    fn most(&self) -> Score {
        let mut sum: Score = 0.0;
        for (&k, &rare) in self.clauses.iter().zip(&self.rare) {
            if !rare {
                let Some(b) = self.ceiling.clause(k) else { return Score::INFINITY };
                sum += b;
            }
        }
        sum * self.boost * (1.0 + 1e-3)
    }

    #[inline]
    fn most_here(&mut self, most: Score) -> Score {
        let doc = self.doc;
        if self.rare.iter().zip(&self.docs).any(|(&rare, &d)| rare && d == doc) {
            Score::INFINITY
        } else {
            most
        }
    }

    fn next_unbounded(&mut self, target: DocId) -> DocId {
        // Only the rare clauses are sought: the union's document stays, and no rare clause has
        // a match before the one returned, which the caller seeks next.
        let mut least = TERMINATED;
        for ((s, d), &rare) in self.scorers.iter_mut().zip(self.docs.iter_mut()).zip(&self.rare) {
            if rare {
                if *d < target {
                    *d = s.seek(target);
                }
                least = least.min(*d);
            }
        }
        least
    }
}

/// Any scorer: its best is [`most_score`]'s, for every match.
impl Bounded for dyn Scorer {
    #[inline]
    fn most(&self) -> Score {
        most_score(self)
    }
}

/// What a query's clause can score at most, as its scorer with boost 1 computes it with the
/// same statistics: a term's or a phrase's BM25 saturates at its weight; a lift adds its own;
/// a union sums its clauses'. `None` where not known.
fn best(q: &dyn Query, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Option<Score>> {
    // Not `Bm25Weight::max_score`: it assumes a term frequency no higher than the field's
    // length, and tantivy keeps lengths over 40 rounded down, so a field that is one word
    // repeated scores above it. BM25 is its weight times `tf / (tf + norm)`, below 1 for every
    // length: the shortest norm with the largest frequency gives the weight itself.
    let bm25 = |terms: &[Term]| Bm25Weight::for_terms(stats, terms).map(|w| Some(w.score(0, u32::MAX)));
    if let Some(t) = q.downcast_ref::<TermQuery>() {
        bm25(std::slice::from_ref(t.term()))
    } else if let Some(p) = q.downcast_ref::<PhraseQuery>() {
        bm25(&p.phrase_terms())
    } else if let Some(h) = q.downcast_ref::<Best>() {
        Ok(match &h.most {
            Most::Bm25(terms, boost) => bm25(terms)?.map(|b| b * boost),
            Most::Const(c) => Some(*c),
        })
    } else if let Some(l) = q.downcast_ref::<Lifted>() {
        let (inner, lift) = l.parts();
        Ok(best(inner, stats)?.map(|b| b + lift))
    } else if let Some(u) = q.downcast_ref::<LazyUnion>() {
        let mut sum: Score = 0.0;
        for c in &u.clauses {
            let Some(b) = best(&**c, stats)? else { return Ok(None) };
            sum += b;
        }
        Ok(Some(sum))
    } else {
        Ok(None)
    }
}

/// A query, with what it can score at most where that is not readable from it (a boosted
/// term, a constant): its weight is the query's own.
#[derive(Debug)]
pub(crate) struct Best {
    inner: Box<dyn Query>,
    most: Most,
    /// It matches only where another clause of its union does (see [`Best::term_within`]).
    within: bool,
}

#[derive(Debug, Clone)]
enum Most {
    /// The BM25 of these terms, times a boost.
    Bm25(Vec<Term>, Score),
    /// A constant score.
    Const(Score),
}

impl Clone for Best {
    fn clone(&self) -> Best {
        Best { inner: self.inner.box_clone(), most: self.most.clone(), within: self.within }
    }
}

impl Best {
    /// `inner`, which scores at most the BM25 of `term` times `boost` (a boosted term query).
    pub(crate) fn term(inner: Box<dyn Query>, term: Term, boost: Score) -> Box<dyn Query> {
        Box::new(Best { inner, most: Most::Bm25(vec![term], boost), within: false })
    }

    /// `inner`, which scores as the phrase of `terms` scores (BM25 of the phrase's count).
    pub(crate) fn phrase(inner: Box<dyn Query>, terms: Vec<Term>) -> Box<dyn Query> {
        Box::new(Best { inner, most: Most::Bm25(terms, 1.0), within: false })
    }

    /// [`Best::term`] of a clause that matches only where another clause of the union it is
    /// put in matches (a word of the ranking field whose text the recall finds): counting the
    /// union's matches leaves it out (`crate::search::count`).
    pub(crate) fn term_within(inner: Box<dyn Query>, term: Term, boost: Score) -> Box<dyn Query> {
        Box::new(Best { inner, most: Most::Bm25(vec![term], boost), within: true })
    }

    /// The query it scores as.
    pub(crate) fn inner(&self) -> &dyn Query {
        &*self.inner
    }

    /// Whether it was made by [`Best::term_within`].
    pub(crate) fn within(&self) -> bool {
        self.within
    }

    /// `inner`, which scores `score` wherever it matches.
    pub(crate) fn constant(inner: Box<dyn Query>, score: Score) -> Box<dyn Query> {
        Box::new(Best { inner, most: Most::Const(score), within: false })
    }
}

impl Query for Best {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.inner.weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lift::Lifted;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BoostQuery, ConstScoreQuery, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, Searcher};

    /// A one-field (`body`) index in RAM of one segment per list of texts (tests of unions).
    pub(crate) fn index_of(segments: &[Vec<String>]) -> (Searcher, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for docs in segments {
            for text in docs {
                writer.add_document(doc!(body => text.as_str())).unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), body)
    }

    /// Every match of `q` in each segment with its score, in order.
    fn scored(searcher: &Searcher, q: &dyn Query) -> Vec<(u32, DocId, u32)> {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher)).unwrap();
        let mut out = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mut s = weight.scorer(reader, 1.0).unwrap();
            let most = most_score(&*s);
            while s.doc() != TERMINATED {
                let score = s.score();
                assert!(score <= most, "{score} above {most}");
                out.push((ord as u32, s.doc(), score.to_bits()));
                s.advance();
            }
        }
        out
    }

    /// A message whose field is one word said over and over, longer than 40 words: tantivy
    /// keeps its length rounded down (a field norm of one byte), so its term frequency is
    /// above the length BM25 is computed with, and its score above `Bm25Weight::max_score`
    /// (which assumes a frequency no higher than the length). The best a union tells must stay
    /// above it, or a search would stop before a match that belongs on its page.
    #[test]
    fn a_word_repeated_past_its_rounded_length_scores_no_more_than_the_best() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for n in [41, 57, 130, 200, 1000, 5000] {
            writer.add_document(doc!(body => "a ".repeat(n))).unwrap();
        }
        for _ in 0..200 {
            writer.add_document(doc!(body => "b")).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let a = || -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(body, "a"), IndexRecordOption::WithFreqs))
        };
        let b = || -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(body, "b"), IndexRecordOption::WithFreqs))
        };
        let boosted = || Best::term(Box::new(BoostQuery::new(a(), 0.5)), Term::from_field_text(body, "a"), 0.5);
        for q in [a(), boosted()] {
            let most = best(&*q, &searcher).unwrap().unwrap();
            let weight = q.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let mut s = weight.scorer(&searcher.segment_readers()[0], 1.0).unwrap();
            let mut n = 0;
            while s.doc() != TERMINATED {
                assert!(s.score() <= most, "{} above {most}", s.score());
                n += 1;
                s.advance();
            }
            assert_eq!(n, 6);
        }
        // And in a union, where `scored` checks every score against the scorer's best.
        assert_eq!(scored(&searcher, &*any_of(vec![a(), b()])).len(), 206);
        assert_eq!(scored(&searcher, &*any_of(vec![boosted(), b()])).len(), 206);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// The same matches, scores bit for bit, and counts as tantivy's union of the same
        /// clauses; no score above the union's best.
        #[test]
        fn a_lazy_union_is_tantivys_union(
            segments in proptest::collection::vec(proptest::collection::vec("[abcd ]{0,12}", 0..40), 1..4),
            clauses in proptest::collection::vec(0usize..6, 1..5),
            seek in 0u32..40,
        ) {
            let (searcher, body) = crate::union::tests::index_of(&segments);
            let term = |w: &str| TermQuery::new(Term::from_field_text(body, w), IndexRecordOption::WithFreqs);
            let clause = |k: usize| -> Box<dyn Query> {
                match k {
                    0 => Box::new(term("a")),
                    1 => Best::term(Box::new(BoostQuery::new(Box::new(term("b")), 0.5)), Term::from_field_text(body, "b"), 0.5),
                    2 => Box::new(PhraseQuery::new(vec![
                        Term::from_field_text(body, "a"),
                        Term::from_field_text(body, "b"),
                    ])),
                    3 => Box::new(Lifted::new(Box::new(term("c")), 8.0)),
                    4 => Best::constant(Box::new(ConstScoreQuery::new(Box::new(term("d")), 0.0)), 0.0),
                    _ => Box::new(term("zzz")),
                }
            };
            let lazy = any_of(clauses.iter().map(|&k| clause(k)).collect());
            let tantivy = BooleanQuery::new(clauses.iter().map(|&k| (Occur::Should, clause(k))).collect());
            proptest::prop_assert_eq!(scored(&searcher, &*lazy), scored(&searcher, &tantivy));
            proptest::prop_assert_eq!(searcher.search(&*lazy, &Count).unwrap(), searcher.search(&tantivy, &Count).unwrap());
            // Inside a required clause beside another, and sought: the same.
            let other = || -> Box<dyn Query> { Box::new(term("a")) };
            let both = |q: Box<dyn Query>| BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, other())]);
            let top = |q: &dyn Query| searcher.search(q, &TopDocs::with_limit(100).order_by_score()).unwrap()
                .into_iter().map(|(s, a)| (s.to_bits(), a)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(top(&both(lazy.box_clone())), top(&both(Box::new(tantivy.clone()))));
            let weight = |q: &dyn Query| q.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let (wl, wt) = (weight(&*lazy), weight(&tantivy));
            for reader in searcher.segment_readers() {
                let (mut l, mut t) = (wl.scorer(reader, 1.0).unwrap(), wt.scorer(reader, 1.0).unwrap());
                proptest::prop_assert_eq!(l.doc(), t.doc());
                // A seek never goes back (tantivy asserts it in debug builds).
                let target = seek.max(l.doc());
                proptest::prop_assert_eq!(l.seek(target), t.seek(target));
                if l.doc() != TERMINATED {
                    proptest::prop_assert_eq!(l.score().to_bits(), t.score().to_bits());
                }
            }
        }
    }
}
