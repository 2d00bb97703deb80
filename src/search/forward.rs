//! An excluded term's query, sought only forward: tantivy's `Exclude` calls `seek_danger` on
//! an excluded clause with targets that only grow, which the `DocSet` contract allows after a
//! miss (the clause may then stand past the next target), but tantivy's phrase scorer asserts,
//! in a debug build, that a target is never below its current document (tantivy issue #2811):
//! `=一下群 -=一个万` reported a damaged index there. The default `seek_danger` seeks only
//! when the target is ahead, so the clause is always in a valid state; a release build
//! answered the same before.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query`, answering `seek_danger` with `seek` (see the module).
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

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ForwardScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}
