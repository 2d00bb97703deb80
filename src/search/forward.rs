//! An excluded phrase's query, sought only forward. tantivy's `Exclude` asks its excluded
//! clause `seek_danger(doc)` for each candidate, with targets that only grow; after a miss the
//! `DocSet` contract lets the clause stand past the next target (its `doc()` is then only a
//! lower bound of its next match). tantivy's phrase scorers assert, in a debug build, that a
//! target is never below their current document (tantivy issue #2811): `=一下群 -=一个万`
//! reported a damaged index there. A release build answered right.
//!
//! [`Forward`] answers a target below the phrase's current document itself (that document is
//! a lower bound of the phrase's next match, which is all `seek_danger` owes on a miss) and
//! passes every other target on to the phrase's own `seek_danger`, which checks the one
//! document and does not look for the next match as a `seek` would. Only the queries that
//! need it are wrapped ([`forward_only`]): tantivy's term and union scorers, and chatlore's
//! own, seek forward by themselves.

use tantivy::query::{EnableScoring, Explanation, PhrasePrefixQuery, PhraseQuery, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query`, wrapped in [`Forward`] if it is one of tantivy's phrase queries (the ones that
/// assert on a target behind them); any other query as it is.
pub(super) fn forward_only(query: Box<dyn Query>) -> Box<dyn Query> {
    if query.is::<PhraseQuery>() || query.is::<PhrasePrefixQuery>() {
        Box::new(Forward(query))
    } else {
        query
    }
}

/// `query`, whose scorer never gets a `seek_danger` target behind it (see the module).
#[derive(Debug)]
pub(super) struct Forward(pub(super) Box<dyn Query>);

impl Clone for Forward {
    fn clone(&self) -> Forward {
        Forward(self.0.box_clone())
    }
}

impl Query for Forward {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ForwardWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ForwardWeight(Box<dyn Weight>);

impl Weight for ForwardWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ForwardScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct ForwardScorer(Box<dyn Scorer>);

impl DocSet for ForwardScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> tantivy::SeekDangerResult {
        // Past `target` already (after a miss, or at the end): nothing of the scorer lies in
        // `target..doc`, so `doc` is a lower bound of its next match, as the contract asks.
        let doc = self.0.doc();
        if doc > target {
            return tantivy::SeekDangerResult::SeekLowerBound(doc);
        }
        self.0.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for ForwardScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument};
    use tantivy::{SeekDangerResult, TERMINATED};

    /// A scorer over `docs` that records the calls it gets, and has a `cost` of its own.
    struct Recorder {
        docs: Vec<DocId>,
        at: usize,
        calls: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    }

    impl DocSet for Recorder {
        fn advance(&mut self) -> DocId {
            self.at += 1;
            self.doc()
        }
        fn seek(&mut self, target: DocId) -> DocId {
            self.calls.lock().unwrap().push(format!("seek {target}"));
            while self.doc() < target {
                self.at += 1;
            }
            self.doc()
        }
        fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
            self.calls.lock().unwrap().push(format!("seek_danger {target}"));
            assert!(target >= self.doc(), "a target behind the scorer");
            // A lazy miss: one step, and the document reached as a lower bound.
            if self.doc() < target {
                self.at += 1;
            }
            if self.doc() == target {
                SeekDangerResult::Found
            } else {
                SeekDangerResult::SeekLowerBound(self.doc())
            }
        }
        fn doc(&self) -> DocId {
            self.docs.get(self.at).copied().unwrap_or(TERMINATED)
        }
        fn size_hint(&self) -> u32 {
            self.docs.len() as u32
        }
        fn cost(&self) -> u64 {
            7_000
        }
    }

    impl Scorer for Recorder {
        fn score(&mut self) -> Score {
            1.0
        }
    }

    /// The scorer passes its inner scorer's `cost` on, and answers `seek_danger` with the
    /// inner one's (never a `seek`, which for a phrase reads on to its next match), except for
    /// a target behind it, which it answers itself. On the old code: the default `cost` (the
    /// size hint, 4) and a `seek` for every target.
    #[test]
    fn seek_danger_is_passed_on_and_never_behind() {
        let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let inner = Recorder { docs: vec![2, 9, 10, 20], at: 0, calls: calls.clone() };
        let mut s = ForwardScorer(Box::new(inner));
        assert_eq!(s.cost(), 7_000);
        assert_eq!(s.seek_danger(2), SeekDangerResult::Found);
        assert_eq!(s.seek_danger(5), SeekDangerResult::SeekLowerBound(9));
        // Behind the scorer now (it stands on 9): answered without asking it.
        assert_eq!(s.seek_danger(7), SeekDangerResult::SeekLowerBound(9));
        assert_eq!(s.seek_danger(10), SeekDangerResult::Found);
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls, vec!["seek_danger 2", "seek_danger 5", "seek_danger 10"]);
    }

    /// A synthetic index where tantivy's `Exclude` asks an excluded phrase for a document
    /// behind the one it stands on: `x -"a b"` over documents where `a` is rare and comes
    /// after several `x`s. The phrase's first term lands past the next candidate on a miss.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in ["x b", "x b", "x", "x b", "x a b", "x b a", "x", "b x", "a b"] {
            let mut doc = TantivyDocument::default();
            doc.add_text(body, text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        (index, body)
    }

    fn excluding(body: tantivy::schema::Field, phrase: Box<dyn Query>) -> BooleanQuery {
        let x = Term::from_field_text(body, "x");
        BooleanQuery::new(vec![
            (Occur::Must, Box::new(TermQuery::new(x, IndexRecordOption::Basic)) as Box<dyn Query>),
            (Occur::MustNot, phrase),
        ])
    }

    fn phrase(body: tantivy::schema::Field) -> Box<dyn Query> {
        let t = |w: &str| Term::from_field_text(body, w);
        Box::new(PhraseQuery::new(vec![t("a"), t("b")]))
    }

    /// What the excluded phrase leaves: every `x` but the one followed by `a b`.
    #[test]
    fn an_excluded_phrase_is_answered_forward_only() {
        let (index, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let q = excluding(body, forward_only(phrase(body)));
        let mut docs: Vec<DocId> =
            searcher.search(&q, &tantivy::collector::DocSetCollector).unwrap().into_iter().map(|a| a.doc_id).collect();
        docs.sort_unstable();
        assert_eq!(docs, vec![0, 1, 2, 3, 5, 6, 7]);
        // In a union whose other alternative is absent from the segment, tantivy scores the
        // phrase alone: wrapped inside the union, it is still sought forward only.
        let absent = || -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(body, "zzz"), IndexRecordOption::Basic))
        };
        let union = BooleanQuery::new(vec![(Occur::Should, forward_only(phrase(body))), (Occur::Should, absent())]);
        let q = excluding(body, Box::new(union));
        assert_eq!(searcher.search(&q, &tantivy::collector::Count).unwrap(), 7);
        // Only the phrase queries are wrapped.
        assert!(forward_only(phrase(body)).is::<Forward>());
        let term: Box<dyn Query> = Box::new(TermQuery::new(Term::from_field_text(body, "a"), IndexRecordOption::Basic));
        assert!(forward_only(term).is::<TermQuery>());
    }

    /// The synthetic index reproduces tantivy #2811 in a debug build: the phrase unwrapped,
    /// excluded, panics. When this fails, tantivy has fixed it and [`Forward`] can go.
    #[cfg(debug_assertions)]
    #[test]
    fn the_synthetic_index_reproduces_tantivy_2811() {
        let (index, body) = index();
        let searcher = index.reader().unwrap().searcher();
        let absent: Box<dyn Query> =
            Box::new(TermQuery::new(Term::from_field_text(body, "zzz"), IndexRecordOption::Basic));
        let union = BooleanQuery::new(vec![(Occur::Should, phrase(body)), (Occur::Should, absent)]);
        for q in [excluding(body, phrase(body)), excluding(body, Box::new(union))] {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                searcher.search(&q, &tantivy::collector::Count).unwrap()
            }));
            assert!(outcome.is_err(), "tantivy answered a target behind an excluded phrase: #2811 is fixed");
        }
    }
}
