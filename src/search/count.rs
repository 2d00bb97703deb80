//! A query's number of matches in a segment without deletes, told by its terms' document
//! frequencies instead of a walk over its postings.
//!
//! A ranked search stops scoring a sorted segment early (`crate::split`) and then only needs
//! the number of the rest of its matches: at 100× a common term has hundreds of thousands, and
//! walking them was most of a search. In a segment without deletes a term matches its document
//! frequency; a trigram phrase its trigram's (see `trigram`); a union its largest clause's
//! matches plus those of each smaller clause that no clause before it holds (the smaller
//! clauses' matches walked, the larger sought at each), leaving out a clause that matches only
//! where the recall does ([`Best::term_within`]); a smaller clause may be a phrase of bigrams
//! (it is walked). Anything else (a phrase of bigrams alone, an intersection, an exclusion, a
//! filter, a union whose smaller clauses outnumber its largest) is not told here: the search
//! walks it.

use super::trigram::TrigramPhrase;
use crate::lift::Lifted;
use crate::optional::Optional;
use crate::union::{Best, LazyUnion};
use tantivy::query::{BooleanQuery, EnableScoring, Occur, PhraseQuery, Query, Scorer, TermQuery};
use tantivy::{DocSet, Searcher, SegmentReader, TERMINATED};

/// The matches of `q` in `reader`, alive, without walking them (see the module
/// documentation); `None` where the segment has deletes or `q` is not a query told here.
/// `exact` false: only whether they are told, from the terms' document frequencies alone (a
/// union's smaller clauses are not walked: the number is then its largest clause's).
pub(crate) fn matches(
    q: &dyn Query,
    searcher: &Searcher,
    reader: &SegmentReader,
    exact: bool,
) -> tantivy::Result<Option<u32>> {
    if reader.has_deletes() {
        return Ok(None);
    }
    of(q, &Segment { searcher, reader, exact })
}

/// Where a count is taken, and whether exactly (see [`matches`]).
struct Segment<'a> {
    searcher: &'a Searcher,
    reader: &'a SegmentReader,
    exact: bool,
}

/// [`matches`] in a segment without deletes.
fn of(q: &dyn Query, at: &Segment) -> tantivy::Result<Option<u32>> {
    let reader = at.reader;
    if let Some(t) = q.downcast_ref::<TermQuery>() {
        let term = t.term();
        Ok(Some(reader.inverted_index(term.field())?.doc_freq(term)?))
    } else if let Some(p) = q.downcast_ref::<TrigramPhrase>() {
        p.doc_freq(reader).map(Some)
    } else if let Some(b) = q.downcast_ref::<Best>() {
        of(b.inner(), at)
    } else if let Some(l) = q.downcast_ref::<Lifted>() {
        of(l.parts().0, at)
    } else if let Some(o) = q.downcast_ref::<Optional>() {
        of(o.required(), at)
    } else if let Some(b) = q.downcast_ref::<BooleanQuery>() {
        match b.clauses() {
            [(Occur::Must, q)] => of(&**q, at),
            _ => Ok(None),
        }
    } else if let Some(u) = q.downcast_ref::<LazyUnion>() {
        union(u.clauses(), at)
    } else {
        Ok(None)
    }
}

/// The matches of a union of `clauses`: its largest clause's, and each smaller clause's that no
/// larger one holds. `None` unless the largest is told and the others together are at most
/// its size (each other clause's matches, or its phrase's rarest term's documents, as an
/// upper bound): their matches are walked and the larger clauses sought at each, which costs
/// about what walking the union after a stop did.
fn union(clauses: &[Box<dyn Query>], at: &Segment) -> tantivy::Result<Option<u32>> {
    let (searcher, reader) = (at.searcher, at.reader);
    // (at most this many matches, told exactly, the clause)
    let mut sized: Vec<(u32, bool, &dyn Query)> = Vec::with_capacity(clauses.len());
    for c in clauses.iter().filter(|c| !c.downcast_ref::<Best>().is_some_and(Best::within)) {
        let (n, told) = match of(&**c, at)? {
            Some(n) => (n, true),
            None => match phrase_most(&**c, reader)? {
                Some(n) => (n, false),
                None => return Ok(None),
            },
        };
        if n > 0 {
            sized.push((n, told, &**c));
        }
    }
    sized.sort_by_key(|&(n, told, _)| std::cmp::Reverse((n, told)));
    let Some(&(most, told, _)) = sized.first() else { return Ok(Some(0)) };
    let others: u64 = sized[1..].iter().map(|&(n, _, _)| u64::from(n)).sum();
    if !told || others > u64::from(most) {
        return Ok(None);
    }
    if !at.exact {
        return Ok(Some(most));
    }
    let scorer = |q: &dyn Query| -> tantivy::Result<Box<dyn Scorer>> {
        q.weight(EnableScoring::disabled_from_searcher(searcher))?.scorer(reader, 1.0)
    };
    let mut total = most;
    for k in 1..sized.len() {
        let mut larger = sized[..k].iter().map(|&(_, _, q)| scorer(q)).collect::<tantivy::Result<Vec<_>>>()?;
        let mut docs = scorer(sized[k].2)?;
        let mut doc = docs.doc();
        while doc != TERMINATED {
            // Each larger clause is sought forward only, to the documents in order.
            let held = larger.iter_mut().any(|s| s.doc() == doc || (s.doc() < doc && s.seek(doc) == doc));
            total += u32::from(!held);
            doc = docs.advance();
        }
    }
    Ok(Some(total))
}

/// At most how many documents a phrase of bigrams matches in `reader`: its rarest term's;
/// `None` for any other query.
fn phrase_most(q: &dyn Query, reader: &SegmentReader) -> tantivy::Result<Option<u32>> {
    let Some(p) = q.downcast_ref::<PhraseQuery>() else { return Ok(None) };
    let mut least = u32::MAX;
    for term in p.phrase_terms() {
        least = least.min(reader.inverted_index(term.field())?.doc_freq(&term)?);
    }
    Ok(Some(least))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::union::any_of;
    use tantivy::query::{BoostQuery, PhraseQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Where a segment's matches are told, they are the number a walk finds; terms, trigram-less
        /// phrases as smaller clauses, lifted, optional and single-`Must` queries are told.
        #[test]
        fn a_told_count_is_the_walked_count(
            segments in proptest::collection::vec(proptest::collection::vec("[abcd ]{0,12}", 0..60), 1..4),
            clauses in proptest::collection::vec(0usize..6, 1..5),
        ) {
            let (searcher, body) = crate::union::tests::index_of(&segments);
            let t = |w: &str| Term::from_field_text(body, w);
            let term = |w: &str| -> Box<dyn Query> { Box::new(TermQuery::new(t(w), IndexRecordOption::WithFreqs)) };
            let clause = |k: usize| -> Box<dyn Query> {
                match k {
                    0 => term("a"),
                    1 => term("b"),
                    2 => Box::new(PhraseQuery::new(vec![t("c"), t("d")])),
                    3 => Box::new(Lifted::new(term("c"), 8.0)),
                    // Within the union: `a` is always one of its clauses below.
                    4 => Best::term_within(Box::new(BoostQuery::new(term("a"), 0.5)), t("a"), 0.5),
                    _ => term("zzz"),
                }
            };
            let union = || any_of(std::iter::once(0).chain(clauses.iter().copied()).map(clause).collect());
            let queries: Vec<Box<dyn Query>> = vec![
                union(),
                Box::new(Lifted::new(union(), 2.0)),
                crate::optional::boolean(vec![(Occur::Must, union()), (Occur::Should, term("d"))]),
                crate::optional::boolean(vec![(Occur::Must, union())]),
                crate::optional::boolean(vec![(Occur::Must, union()), (Occur::MustNot, term("b"))]),
            ];
            for (i, q) in queries.iter().enumerate() {
                let weight = q.weight(EnableScoring::disabled_from_searcher(&searcher)).unwrap();
                for reader in searcher.segment_readers() {
                    let mut s = weight.scorer(reader, 1.0).unwrap();
                    let mut walked = 0;
                    while s.doc() != TERMINATED {
                        walked += 1;
                        s.advance();
                    }
                    let told = matches(&**q, &searcher, reader, true).unwrap();
                    proptest::prop_assert_eq!(told.is_some(), matches(&**q, &searcher, reader, false).unwrap().is_some());
                    if let Some(n) = told {
                        proptest::prop_assert_eq!(n, walked, "query {}: {:?}", i, clauses);
                    }
                    // An exclusion is walked; the rest is told where the largest clause is
                    // told and the others add up to at most its size.
                    let df = |w: &str| reader.inverted_index(body).unwrap().doc_freq(&t(w)).unwrap();
                    let mut sizes: Vec<(u32, bool)> = std::iter::once(0)
                        .chain(clauses.iter().copied())
                        .filter_map(|k| match k {
                            0 => Some((df("a"), true)),
                            1 => Some((df("b"), true)),
                            2 => Some((df("c").min(df("d")), false)),
                            3 => Some((df("c"), true)),
                            _ => None,
                        })
                        .filter(|&(n, _)| n > 0)
                        .collect();
                    sizes.sort_by_key(|&s| std::cmp::Reverse(s));
                    let others: u32 = sizes.iter().skip(1).map(|&(n, _)| n).sum();
                    let expected = sizes.first().is_none_or(|&(n, told)| told && others <= n);
                    if i < 4 {
                        proptest::prop_assert_eq!(told.is_some(), expected, "query {}: {:?} {:?}", i, clauses, sizes);
                    }
                    if i == 4 {
                        proptest::prop_assert!(told.is_none());
                    }
                }
            }
        }
    }
}
