//! A query's required part with optional clauses that only add to its score: what tantivy's
//! `BooleanQuery` of `Must` (and `MustNot`) clauses beside `Should` ones gives (the same
//! matches, the same scores to the bit), with a scorer that tells the matches holding an
//! optional clause from the rest.
//!
//! A glossary's Latin synonym (`UnionPay` for 银联) scores beside a term's required recall
//! (see `State::compile`): a match scores what the recall scores, plus the word's score where
//! it holds the word. tantivy's scorer of that combination tells no best score, so a ranked
//! walk (`crate::split`) never stopped scoring such a query. Here a match that holds no
//! optional word scores at most the required part's best ([`crate::union::most_score`]); the
//! few that hold one are told apart, and sought and scored once the walk only counts the rest
//! (see [`Bounded`]).

use crate::union::{Bounded, LazyUnionScorer};
use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// `$body` with `$b` bound to `$scorer` (a `&mut dyn Scorer`) as its own type where that
/// tells bounds apart ([`Bounded`]: a lazy union, an [`Optional`]'s scorer), else as any scorer.
macro_rules! with_bounds {
    ($scorer:expr, |$b:ident| $body:expr) => {{
        use $crate::optional::OptionalScorer;
        use $crate::union::LazyUnionScorer;
        let s: &mut dyn tantivy::query::Scorer = $scorer;
        if let Some($b) = s.downcast_mut::<OptionalScorer<LazyUnionScorer>>() {
            $body
        } else if let Some($b) = s.downcast_mut::<OptionalScorer>() {
            $body
        } else if let Some($b) = s.downcast_mut::<LazyUnionScorer>() {
            $body
        } else {
            let $b = s;
            $body
        }
    }};
}
pub(crate) use with_bounds;

/// tantivy's `BooleanQuery` of `clauses`, as an [`Optional`] where some are `Should` beside a
/// `Must` (they only add to the score), else tantivy's own.
pub(crate) fn boolean(clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    let has = |occur: Occur| clauses.iter().any(|(o, _)| *o == occur);
    if !has(Occur::Should) || !has(Occur::Must) {
        return Box::new(BooleanQuery::new(clauses));
    }
    let (optional, mut required): (Vec<_>, Vec<_>) = clauses.into_iter().partition(|(o, _)| *o == Occur::Should);
    // tantivy's scorer of the whole is the `Must` clauses' intersection (less the `MustNot`
    // ones), with the `Should` clauses' union as the optional part: those of a `BooleanQuery`
    // of each kind alone, or one clause's own.
    let required = match required.len() {
        1 => required.pop().expect("one clause").1,
        _ => Box::new(BooleanQuery::new(required)),
    };
    let mut optional: Vec<Box<dyn Query>> = optional.into_iter().map(|(_, q)| q).collect();
    let optional = match optional.len() {
        1 => optional.pop().expect("one clause"),
        _ => Box::new(BooleanQuery::new(optional.into_iter().map(|q| (Occur::Should, q)).collect())),
    };
    Box::new(Optional { required, optional })
}

/// See [`boolean`]: the matches of `required`, each scoring its score plus `optional`'s where
/// that matches.
#[derive(Debug)]
pub(crate) struct Optional {
    required: Box<dyn Query>,
    optional: Box<dyn Query>,
}

impl Optional {
    /// The part that decides the matches.
    pub(crate) fn required(&self) -> &dyn Query {
        &*self.required
    }
}

impl Clone for Optional {
    fn clone(&self) -> Optional {
        Optional { required: self.required.box_clone(), optional: self.optional.box_clone() }
    }
}

impl Query for Optional {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let required = self.required.weight(enable_scoring)?;
        // Without scores the optional clauses change nothing (as in tantivy's).
        if !enable_scoring.is_scoring_enabled() {
            return Ok(required);
        }
        Ok(Box::new(OptionalWeight { required, optional: self.optional.weight(enable_scoring)? }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.required.query_terms(visitor);
        self.optional.query_terms(visitor);
    }
}

struct OptionalWeight {
    required: Box<dyn Weight>,
    optional: Box<dyn Weight>,
}

impl Weight for OptionalWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let required = self.required.scorer(reader, boost)?;
        if required.doc() == TERMINATED {
            return Ok(required);
        }
        // As tantivy: where no optional clause matches, the required part alone (its score is
        // the whole's).
        let optional = self.optional.scorer(reader, boost)?;
        if optional.doc() == TERMINATED {
            return Ok(required);
        }
        Ok(match required.downcast::<LazyUnionScorer>() {
            Ok(required) => Box::new(OptionalScorer { required, optional }),
            Err(required) => Box::new(OptionalScorer { required, optional }),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        let mut explanation = Explanation::new("BooleanClause. sum of ...", scorer.score());
        for w in [&self.required, &self.optional] {
            if let Ok(e) = w.explain(reader, doc) {
                explanation.add_detail(e);
            }
        }
        Ok(explanation)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.required.count(reader)
    }
}

/// The scorer of an [`Optional`] whose parts both match in a segment: its required part a
/// lazy union, or any scorer.
pub(crate) struct OptionalScorer<R: ?Sized = dyn Scorer> {
    required: Box<R>,
    optional: Box<dyn Scorer>,
}

impl<R: Bounded + ?Sized> OptionalScorer<R> {
    /// Whether the optional part matches the document the scorer is on (seeking it there).
    #[inline]
    fn holds_optional(&mut self) -> bool {
        let doc = self.required.doc();
        let mut at = self.optional.doc();
        if at < doc {
            at = self.optional.seek(doc);
        }
        at == doc
    }
}

impl<R: Bounded + ?Sized> DocSet for OptionalScorer<R> {
    #[inline]
    fn advance(&mut self) -> DocId {
        self.required.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.required.seek(target)
    }

    #[inline]
    fn doc(&self) -> DocId {
        self.required.doc()
    }

    fn size_hint(&self) -> u32 {
        self.required.size_hint()
    }

    fn cost(&self) -> u64 {
        self.required.cost()
    }
}

impl<R: Bounded + ?Sized> Scorer for OptionalScorer<R> {
    /// As tantivy's `RequiredOptionalScorer` sums with its `SumCombiner`: 0, plus the required
    /// part's score, plus the optional part's where it matches.
    #[inline]
    fn score(&mut self) -> Score {
        let mut sum: Score = 0.0;
        sum += self.required.score();
        if self.holds_optional() {
            sum += self.optional.score();
        }
        sum
    }
}

impl<R: Bounded + ?Sized> Bounded for OptionalScorer<R> {
    /// A match holding no optional clause scores what the required part scores.
    fn most(&self) -> Score {
        self.required.most()
    }

    #[inline]
    fn most_here(&mut self, most: Score) -> Score {
        if self.holds_optional() {
            Score::INFINITY
        } else {
            self.required.most_here(most)
        }
    }

    /// The next match holding an optional clause, or that the required part bounds apart: the
    /// parts sought in turn (the optional part is the rare one).
    fn next_unbounded(&mut self, target: DocId) -> DocId {
        let mut target = target;
        loop {
            let mut at = self.optional.doc();
            if at < target {
                at = self.optional.seek(target);
            }
            let apart = self.required.next_unbounded(target);
            if apart <= at {
                return apart;
            }
            let mut doc = self.required.doc();
            if doc < at {
                doc = self.required.seek(at);
            }
            if doc == at || doc == TERMINATED {
                return doc;
            }
            target = doc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::union::{any_of, Best};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{AllQuery, BoostQuery, PhraseQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Searcher;

    /// Every match of `weight` in each segment with its score, in order.
    fn scored(searcher: &Searcher, weight: &dyn Weight) -> Vec<(u32, DocId, u32)> {
        let mut out = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let mut s = weight.scorer(reader, 1.0).unwrap();
            while s.doc() != TERMINATED {
                out.push((ord as u32, s.doc(), s.score().to_bits()));
                s.advance();
            }
        }
        out
    }

    type Walked = (Vec<(u32, DocId, u32)>, Vec<(u32, DocId)>, Vec<(u32, DocId)>);

    /// Each match of `weight` with its score as a ranked walk sees it (every score at most the
    /// scorer's bound for the match), the matches bounded apart, and those
    /// [`Bounded::next_unbounded`] finds from each match on.
    fn walked(searcher: &Searcher, weight: &dyn Weight) -> Walked {
        let (mut out, mut apart, mut unbounded) = (Vec::new(), Vec::new(), Vec::new());
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            fn walk<S: Bounded + ?Sized>(
                ord: u32,
                s: &mut S,
                out: &mut Vec<(u32, DocId, u32)>,
                apart: &mut Vec<(u32, DocId)>,
            ) {
                let most = s.most();
                while s.doc() != TERMINATED {
                    let (here, score) = (s.most_here(most), s.score());
                    assert!(score <= here, "{score} above {here}");
                    if here != most {
                        apart.push((ord, s.doc()));
                    }
                    out.push((ord, s.doc(), score.to_bits()));
                    s.advance();
                }
            }
            let mut s = weight.scorer(reader, 1.0).unwrap();
            with_bounds!(&mut *s, |b| walk(ord as u32, b, &mut out, &mut apart));
            // A fresh scorer, walked by the unbounded matches only.
            fn seek_apart<S: Bounded + ?Sized>(ord: u32, s: &mut S, unbounded: &mut Vec<(u32, DocId)>) {
                // Where no match is bounded (the best is not known), the walk never counts.
                let mut doc = if s.most().is_finite() { s.next_unbounded(0) } else { TERMINATED };
                while doc != TERMINATED {
                    assert_eq!(s.seek(doc), doc);
                    unbounded.push((ord, doc));
                    doc = s.next_unbounded(doc + 1);
                }
            }
            let mut s = weight.scorer(reader, 1.0).unwrap();
            with_bounds!(&mut *s, |b| seek_apart(ord as u32, b, &mut unbounded));
        }
        (out, apart, unbounded)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// The same matches, scores bit for bit, counts, tops and seeks as tantivy's
        /// `BooleanQuery` of the same clauses; no score of a match without an optional clause
        /// above the required part's best; the matches with one are those of both parts.
        #[test]
        fn an_optional_query_is_tantivys_boolean_query(
            segments in proptest::collection::vec(proptest::collection::vec("[abcde ]{0,14}", 0..40), 1..4),
            required in proptest::collection::vec((0usize..7, proptest::bool::ANY), 1..4),
            optional in proptest::collection::vec(0usize..4, 1..4),
            order in proptest::collection::vec(proptest::bool::ANY, 8),
            seek in 0u32..40,
        ) {
            let (searcher, body) = crate::union::tests::index_of(&segments);
            let t = |w: &str| Term::from_field_text(body, w);
            let term = |w: &str| -> Box<dyn Query> { Box::new(TermQuery::new(t(w), IndexRecordOption::WithFreqs)) };
            let required_clause = |k: usize| -> Box<dyn Query> {
                match k {
                    0 => term("a"),
                    1 => any_of(vec![term("a"), term("b")]),
                    2 => any_of(vec![term("b"), Box::new(PhraseQuery::new(vec![t("a"), t("c")])), term("c")]),
                    3 => term("c"),
                    4 => Box::new(AllQuery),
                    5 => any_of(vec![term("d"), Best::term(Box::new(BoostQuery::new(term("e"), 0.5)), t("e"), 0.5)]),
                    _ => term("zzz"),
                }
            };
            let optional_clause = |k: usize| -> Box<dyn Query> {
                match k {
                    0 => Best::term(Box::new(BoostQuery::new(term("d"), 0.5)), t("d"), 0.5),
                    1 => term("e"),
                    2 => term("a"),
                    _ => term("zzz"),
                }
            };
            // The first required clause is a `Must`, the others `Must` or `MustNot`; the
            // optional ones among them in an order of the case's.
            let clauses = || {
                let mut req: Vec<(Occur, Box<dyn Query>)> = required
                    .iter()
                    .enumerate()
                    .map(|(i, &(k, must))| (if i == 0 || must { Occur::Must } else { Occur::MustNot }, required_clause(k)))
                    .collect();
                let mut opt: Vec<(Occur, Box<dyn Query>)> =
                    optional.iter().map(|&k| (Occur::Should, optional_clause(k))).collect();
                let mut all = Vec::new();
                for &first in &order {
                    let from = if first { &mut req } else { &mut opt };
                    if !from.is_empty() {
                        all.push(from.remove(0));
                    }
                }
                all.append(&mut req);
                all.append(&mut opt);
                all
            };
            let ours = boolean(clauses());
            let tantivy = BooleanQuery::new(clauses());
            let weight = |q: &dyn Query| q.weight(EnableScoring::enabled_from_searcher(&searcher)).unwrap();
            let (wo, wt) = (weight(&*ours), weight(&tantivy));
            let (walk, apart, unbounded) = walked(&searcher, &*wo);
            proptest::prop_assert_eq!(&walk, &scored(&searcher, &*wt));
            proptest::prop_assert_eq!(scored(&searcher, &*wo), walk);
            // The matches bounded apart are those sought once the walk counts, and they include
            // every match holding an optional clause: those of both parts.
            proptest::prop_assert_eq!(&apart, &unbounded);
            let required_only: Vec<(Occur, Box<dyn Query>)> = clauses().into_iter().filter(|(o, _)| *o != Occur::Should).collect();
            let optional_only: Vec<(Occur, Box<dyn Query>)> = clauses().into_iter().filter(|(o, _)| *o == Occur::Should).collect();
            let both = BooleanQuery::new(vec![
                (Occur::Must, Box::new(BooleanQuery::new(required_only)) as Box<dyn Query>),
                (Occur::Must, Box::new(BooleanQuery::new(optional_only))),
            ]);
            let both: Vec<(u32, DocId)> = scored(&searcher, &*weight(&both)).into_iter().map(|(s, d, _)| (s, d)).collect();
            let bounded = |d: &(u32, DocId)| {
                let reader = &searcher.segment_readers()[d.0 as usize];
                let mut s = wo.scorer(reader, 1.0).unwrap();
                with_bounds!(&mut *s, |b| b.most().is_finite())
            };
            proptest::prop_assert!(both.iter().filter(|d| bounded(d)).all(|d| unbounded.contains(d)), "{both:?} {unbounded:?}");
            proptest::prop_assert_eq!(searcher.search(&*ours, &Count).unwrap(), searcher.search(&tantivy, &Count).unwrap());
            let top = |q: &dyn Query| searcher.search(q, &TopDocs::with_limit(7).order_by_score()).unwrap()
                .into_iter().map(|(s, a)| (s.to_bits(), a)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(top(&*ours), top(&tantivy));
            for reader in searcher.segment_readers() {
                let (mut o, mut t) = (wo.scorer(reader, 1.0).unwrap(), wt.scorer(reader, 1.0).unwrap());
                proptest::prop_assert_eq!(o.doc(), t.doc());
                // A seek never goes back (tantivy asserts it in debug builds).
                let target = seek.max(o.doc());
                proptest::prop_assert_eq!(o.seek(target), t.seek(target));
                if o.doc() != TERMINATED {
                    proptest::prop_assert_eq!(o.score().to_bits(), t.score().to_bits());
                    proptest::prop_assert_eq!(o.advance(), t.advance());
                }
            }
        }
    }
}
