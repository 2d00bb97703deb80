//! A tantivy query that adds a constant to its inner query's score where it matches: the lift
//! of a term's typed forms over the synonyms the glossary added. Where a [`ConstScoreQuery`]
//! beside the same query would run its phrases twice (once for the score, once for the
//! lift), this runs them once.
//!
//! [`ConstScoreQuery`]: tantivy::query::ConstScoreQuery

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `inner`, each match scoring `lift` more.
#[derive(Debug)]
pub(crate) struct Lifted {
    inner: Box<dyn Query>,
    lift: Score,
}

impl Lifted {
    pub(crate) fn new(inner: Box<dyn Query>, lift: Score) -> Lifted {
        Lifted { inner, lift }
    }

    /// The inner query and what a match scores more than in it.
    pub(crate) fn parts(&self) -> (&dyn Query, Score) {
        (&*self.inner, self.lift)
    }
}

impl Clone for Lifted {
    fn clone(&self) -> Lifted {
        Lifted { inner: self.inner.box_clone(), lift: self.lift }
    }
}

impl Query for Lifted {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() { Box::new(LiftedWeight { inner, lift: self.lift }) } else { inner })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct LiftedWeight {
    inner: Box<dyn Weight>,
    lift: Score,
}

impl Weight for LiftedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(LiftedScorer { inner: self.inner.scorer(reader, boost)?, lift: boost * self.lift }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = Explanation::new("Lifted", self.lift);
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

struct LiftedScorer {
    inner: Box<dyn Scorer>,
    lift: Score,
}

impl DocSet for LiftedScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for LiftedScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.lift
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    #[test]
    fn matches_as_the_inner_query_and_scores_the_lift_more() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in ["alpha beta", "beta", "alpha alpha gamma", "gamma"] {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let alpha = TermQuery::new(Term::from_field_text(body, "alpha"), IndexRecordOption::WithFreqs);
        let top = |q: &dyn Query| {
            let mut v: Vec<(u32, Score)> = searcher
                .search(q, &TopDocs::with_limit(10).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(s, a)| (a.doc_id, s))
                .collect();
            v.sort_by_key(|d| d.0);
            v
        };
        let plain = top(&alpha);
        let lifted = top(&Lifted::new(Box::new(alpha.clone()), 2.5));
        assert_eq!(plain.iter().map(|d| d.0).collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(lifted.iter().map(|d| d.0).collect::<Vec<_>>(), vec![0, 2]);
        for (p, l) in plain.iter().zip(&lifted) {
            assert!((l.1 - p.1 - 2.5).abs() < 1e-5, "{p:?} {l:?}");
        }
    }
}
