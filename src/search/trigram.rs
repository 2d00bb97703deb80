//! A term of three CJK characters (`支付宝`) found through its trigram: one postings list of
//! the `tri` field instead of the phrase of its two bigrams (`支付` + `付宝`), whose positions
//! tantivy reads for every document holding both bigrams. The field holds only trigrams whose
//! two bigrams are both frequent (see [`crate::tokenize::indexed_trigram`]); any other
//! term of three characters stays the phrase.
//!
//! A text holds the trigram exactly where the phrase matches, as many times (see
//! [`crate::tokenize::trigram_tokens`]), so the matches are the phrase's. The score is the
//! phrase's to the bit: tantivy's `PhraseScorer` scores a match with the phrase's BM25 weight
//! (the idf of both bigrams summed, the `grams` field's average length), the `grams` field's
//! norm of the document and the phrase's count; here the count is the trigram's frequency.
//! Its size hint and cost are the phrase scorer's too (from the bigrams' document counts), so
//! an intersection orders its clauses, and sums their scores, as it did.

use crate::tokenize::indexed_trigram;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// The phrase of two CJK bigrams that overlap by a character (see the module doc).
#[derive(Debug, Clone)]
pub(crate) struct TrigramPhrase {
    /// The phrase's two terms, in the `grams` field.
    bigrams: [Term; 2],
    /// Their trigram, in the `tri` field.
    trigram: Term,
}

impl TrigramPhrase {
    /// The query for a phrase of `grams` (offsets and grams of the `grams` field, no prefix
    /// end) where it is two CJK bigrams at offsets 0 and 1 that overlap by a character and the
    /// `tri` field holds their trigram (see [`indexed_trigram`]); `None` otherwise, and the
    /// phrase is looked up as a phrase.
    pub(crate) fn of(grams: Field, tri: Field, phrase: &[(usize, String)]) -> Option<TrigramPhrase> {
        let [(0, first), (1, second)] = phrase else { return None };
        let trigram = indexed_trigram(first, second)?;
        Some(TrigramPhrase {
            bigrams: [Term::from_field_text(grams, first), Term::from_field_text(grams, second)],
            trigram: Term::from_field_text(tri, &trigram),
        })
    }

    /// The phrase's terms (what its best score is computed from).
    pub(crate) fn bigrams(&self) -> Vec<Term> {
        self.bigrams.to_vec()
    }

    /// Its matches in `reader`, deleted or not: the trigram's document frequency (where both
    /// bigrams are in the segment, as the scorer requires).
    pub(crate) fn doc_freq(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let grams = reader.inverted_index(self.bigrams[0].field())?;
        for term in &self.bigrams {
            if grams.get_term_info(term)?.is_none() {
                return Ok(0);
            }
        }
        Ok(reader.inverted_index(self.trigram.field())?.doc_freq(&self.trigram)?)
    }
}

impl Query for TrigramPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // As `PhraseQuery::phrase_weight`.
        let bm25 = match enable_scoring {
            EnableScoring::Enabled { statistics_provider, .. } => {
                Some(Bm25Weight::for_terms(statistics_provider, &self.bigrams)?)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(TrigramWeight { phrase: self.clone(), bm25 }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in &self.bigrams {
            visitor(term, true);
        }
    }
}

struct TrigramWeight {
    phrase: TrigramPhrase,
    bm25: Option<Bm25Weight>,
}

impl TrigramWeight {
    fn trigram_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Option<TrigramScorer>> {
        let grams = self.phrase.bigrams[0].field();
        // As `PhraseWeight::fieldnorm_reader`.
        let norms = match &self.bm25 {
            Some(_) => reader.fieldnorms_readers().get_field(grams)?,
            None => None,
        }
        .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        // The phrase scorer needs both bigrams' postings; it sizes itself by their counts.
        let inverted = reader.inverted_index(grams)?;
        let mut counts = [0u32; 2];
        for (count, term) in counts.iter_mut().zip(&self.phrase.bigrams) {
            let Some(info) = inverted.get_term_info(term)? else { return Ok(None) };
            *count = info.doc_freq;
        }
        let both = phrase_intersection_hint(counts, norms.num_docs());
        let record = if self.bm25.is_some() { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
        let postings =
            reader.inverted_index(self.phrase.trigram.field())?.read_postings(&self.phrase.trigram, record)?;
        let bm25 = self.bm25.as_ref().map(|w| w.boost_by(boost));
        Ok(Some(TrigramScorer { postings, norms, bm25, both }))
    }
}

impl Weight for TrigramWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.trigram_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.trigram_scorer(reader, 1.0)?.ok_or_else(|| does_not_match(doc))?;
        if scorer.seek(doc) != doc {
            return Err(does_not_match(doc));
        }
        let mut explanation = Explanation::new("Trigram Phrase Scorer", scorer.score());
        if let Some(w) = &self.bm25 {
            explanation.add_detail(w.explain(scorer.norms.fieldnorm_id(doc), scorer.phrase_count()));
        }
        Ok(explanation)
    }
}

fn does_not_match(doc: DocId) -> tantivy::TantivyError {
    tantivy::TantivyError::InvalidArgument(format!("document {doc} does not match"))
}

/// What tantivy's `Intersection` of the phrase's two postings lists estimates for its size
/// (`size_hint::estimate_intersection`, not public, of the counts in increasing order): the
/// phrase scorer's size hint and cost are derived from it.
fn phrase_intersection_hint(mut counts: [u32; 2], num_docs: u32) -> u32 {
    if num_docs == 0 {
        return 0;
    }
    counts.sort_unstable();
    let [small, large] = counts.map(f64::from);
    // tantivy's co-location factor for a second set, computed as it computes it.
    let co_location = (1.3f64 - 0.1).max(1.0);
    let estimate = small * ((large / f64::from(num_docs)) * co_location);
    estimate.round().min(small) as u32
}

/// The scorer of a [`TrigramPhrase`] in one segment.
struct TrigramScorer {
    /// The trigram's postings; none where no text of the segment holds it (then the scorer is
    /// past its last document, as the phrase's would be).
    postings: Option<SegmentPostings>,
    norms: FieldNormReader,
    bm25: Option<Bm25Weight>,
    /// The intersection estimate of the bigrams (see [`phrase_intersection_hint`]).
    both: u32,
}

impl TrigramScorer {
    /// The phrase's count in the current document.
    fn phrase_count(&self) -> u32 {
        self.postings.as_ref().map_or(0, |p| p.term_freq())
    }
}

impl DocSet for TrigramScorer {
    fn advance(&mut self) -> DocId {
        self.postings.as_mut().map_or(TERMINATED, |p| p.advance())
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.as_mut().map_or(TERMINATED, |p| p.seek(target))
    }

    fn doc(&self) -> DocId {
        self.postings.as_ref().map_or(TERMINATED, |p| p.doc())
    }

    /// `PhraseScorer::size_hint` of two terms.
    fn size_hint(&self) -> u32 {
        self.both / 20
    }

    /// `PhraseScorer::cost` of two terms.
    fn cost(&self) -> u64 {
        u64::from(self.both) * 20
    }
}

impl Scorer for TrigramScorer {
    /// `PhraseScorer::score`, the phrase's count being the trigram's frequency.
    fn score(&mut self) -> Score {
        match &self.bm25 {
            Some(w) => w.score(self.norms.fieldnorm_id(self.doc()), self.phrase_count()),
            None => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::{register_grams, Fields};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::{doc, Index, Searcher};

    /// An index of `texts` in the real schema (`grams` and `tri` fields), one segment per
    /// chunk, so that segments differ in their statistics.
    fn index_of(texts: &[Vec<String>]) -> (Searcher, Fields) {
        let (schema, f) = Fields::build();
        let index = Index::create_in_ram(schema);
        register_grams(&index);
        // The `body` field is left empty; its tokenizer must still exist.
        index.tokenizers().register(crate::tokenize::JIEBA, tantivy::tokenizer::SimpleTokenizer::default());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for chunk in texts {
            for t in chunk {
                writer.add_document(doc!(f.grams => t.as_str(), f.tri => t.as_str())).unwrap();
            }
            writer.commit().unwrap();
        }
        (index.reader().unwrap().searcher(), f)
    }

    /// The phrase of `term`'s grams, as tantivy matches it.
    fn phrase_of(f: &Fields, term: &str) -> PhraseQuery {
        let grams = crate::tokenize::query_grams(term);
        assert!(!grams.prefix);
        let terms = grams.grams.iter().map(|(o, g)| (*o, Term::from_field_text(f.grams, g))).collect();
        PhraseQuery::new_with_offset(terms)
    }

    /// Every document, score (as bits), size hint and cost of both queries' scorers in each
    /// segment, with a boost.
    /// A segment's size, its matches with their scores as bits, the size hint and the cost.
    type Segment = (u32, Vec<(DocId, u32)>, u32, u64);

    fn scored(searcher: &Searcher, q: &dyn Query) -> Vec<Segment> {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher)).unwrap();
        searcher
            .segment_readers()
            .iter()
            .map(|seg| {
                let mut s = weight.scorer(seg, 0.7).unwrap();
                let (hint, cost) = (s.size_hint(), s.cost());
                let mut docs = Vec::new();
                while s.doc() != TERMINATED {
                    docs.push((s.doc(), s.score().to_bits()));
                    s.advance();
                }
                (seg.max_doc(), docs, hint, cost)
            })
            .collect()
    }

    /// The search's recall query for `term` (the trigram where the index holds it, else the
    /// phrase) matches, scores, counts and sizes itself as the phrase of its bigrams. Returns
    /// whether it was the trigram.
    fn assert_same(searcher: &Searcher, f: &Fields, term: &str) -> bool {
        let phrase = phrase_of(f, term);
        let held = TrigramPhrase::of(f.grams, f.tri, &crate::tokenize::query_grams(term).grams).is_some();
        let recall = super::super::grams_query(searcher, f, term).unwrap();
        assert_eq!(scored(searcher, &phrase), scored(searcher, &*recall), "{term}");
        assert_eq!(searcher.search(&phrase, &Count).unwrap(), searcher.search(&*recall, &Count).unwrap(), "{term}");
        // Inside an intersection with a frequent term (clauses ordered by cost, scores summed).
        let with = |q: Box<dyn Query>| {
            let other = Box::new(TermQuery::new(
                Term::from_field_text(f.grams, "哈"),
                tantivy::schema::IndexRecordOption::WithFreqs,
            ));
            BooleanQuery::new(vec![(Occur::Must, q), (Occur::Should, other)])
        };
        let top = |q: &dyn Query| -> Vec<(u32, tantivy::DocAddress)> {
            let hits = searcher.search(q, &TopDocs::with_limit(1000).order_by_score()).unwrap();
            hits.into_iter().map(|(s, a): (Score, _)| (s.to_bits(), a)).collect()
        };
        assert_eq!(top(&with(Box::new(phrase))), top(&with(recall)), "{term}");
        held
    }

    #[test]
    fn overlapping_occurrences_count_as_the_phrase_counts_them() {
        let texts = ["哈哈哈哈", "哈哈哈", "哈哈 哈", "哈哈哈哈哈哈 支付宝支付宝", "支付宝", "付宝支付"];
        let (searcher, f) = index_of(&[texts.iter().map(|t| t.to_string()).collect()]);
        assert!(assert_same(&searcher, &f, "哈哈哈"));
        assert!(assert_same(&searcher, &f, "支付宝"));
        // 宝支 is not a frequent bigram: the index holds no 宝支付, and the term is the phrase.
        assert!(!assert_same(&searcher, &f, "宝支付"));
        assert!(!assert_same(&searcher, &f, "付宝支"));
        // Not three CJK characters overlapping as bigrams: no trigram phrase.
        let of = |t: &str| TrigramPhrase::of(f.grams, f.tri, &crate::tokenize::query_grams(t).grams);
        assert!(of("支付").is_none() && of("支付宝卡").is_none() && of("支pos").is_none() && of("a支付").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Matches, scores (to the bit, boosted), counts, size hints and costs are the phrase's,
        /// alone and in a boolean query, across segments with different statistics: texts of
        /// different lengths (the norm is the `grams` field's) with repeated and overlapping
        /// occurrences (the count is the trigram's frequency). The terms are both trigrams the
        /// index holds (支付宝, 银行卡, 哈哈哈) and ones it does not (宝支付, 卡哈银): the
        /// query side asks the index side's rule, or a term would find nothing.
        #[test]
        fn a_trigram_phrase_is_the_phrase_of_its_bigrams(
            texts in proptest::collection::vec(
                proptest::collection::vec("[哈支付宝银行卡 a，]{0,30}|支付宝|银行卡|[哈宝]{1,9}", 1..25),
                1..4,
            ),
            term in "[哈支付宝银行卡]{3}|支付宝|银行卡",
        ) {
            let (searcher, f) = index_of(&texts);
            assert_same(&searcher, &f, &term);
        }
    }
}
