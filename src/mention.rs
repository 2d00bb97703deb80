//! Where a message first names what was searched for. Chinese puts its topic first: a message
//! about 外卡收单 starts with it, one that reaches it only at its end ("…, 外卡收单的过渡户")
//! mentions it in passing. Judged by hand, half the trivial hits in the top 30 first name the
//! term in their second half, a quarter of the substantive ones do; the ranking key takes a
//! little off for it ([`crate::rank::late`]).
//!
//! The place is read from the index (the positions of the `grams` field, see
//! [`crate::index::tokenize`]), not from the stored text, and only for a message whose key
//! could still enter the page.

use crate::index::tokenize::{query_grams, term_variants};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, SegmentReader, Term};

/// The forms a query's positive terms are found by: each one the grams of one variant with
/// their offsets from the first (a phrase). A form ending in a prefix (a single CJK character
/// the text may continue) keeps its whole grams only; a form of a single such character has
/// none and is left out (no place is read for it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Mentions {
    field: Option<Field>,
    forms: Vec<Vec<(u32, Term)>>,
}

impl Mentions {
    /// The forms of `terms` (the alternatives of the positive terms; one that holds another,
    /// 网联平台 beside 网联, adds nothing: the other is at its place) in `field`.
    pub(crate) fn of<'a>(field: Field, terms: impl IntoIterator<Item = &'a str>) -> Mentions {
        let mut forms: Vec<Vec<(u32, Term)>> = Vec::new();
        for term in terms {
            for variant in term_variants(term) {
                let grams = query_grams(&variant);
                let whole = grams.grams.len() - usize::from(grams.prefix);
                let form: Vec<(u32, Term)> = grams.grams[..whole]
                    .iter()
                    .map(|(off, g)| (*off as u32, Term::from_field_text(field, g)))
                    .collect();
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        Mentions { field: Some(field), forms }
    }

    /// Each form's rarest gram in one segment (of equally rare ones the last: a term's first
    /// characters are the common ones, 支付 in 支付宝), with its offset in the form; a form with
    /// a gram the segment lacks cannot match there and is left out.
    pub(crate) fn for_segment(&self, seg: &SegmentReader) -> tantivy::Result<SegmentMentions> {
        let Some(field) = self.field.filter(|_| !self.forms.is_empty()) else {
            return Ok(SegmentMentions::default());
        };
        let inverted = seg.inverted_index(field)?;
        let mut grams = Vec::with_capacity(self.forms.len());
        'forms: for form in &self.forms {
            let mut rarest: Option<(u32, tantivy::postings::TermInfo)> = None;
            for (off, term) in form {
                match inverted.get_term_info(term)? {
                    Some(info) if rarest.as_ref().is_none_or(|(_, r)| info.doc_freq <= r.doc_freq) => {
                        rarest = Some((*off, info))
                    }
                    Some(_) => {}
                    None => continue 'forms,
                }
            }
            if let Some((off, info)) = rarest {
                grams.push((
                    off,
                    inverted.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)?,
                ));
            }
        }
        let norms = if grams.is_empty() { None } else { Some(seg.get_fieldnorms_reader(field)?) };
        Ok(SegmentMentions { grams, norms, positions: Vec::new() })
    }
}

/// [`Mentions`] in one segment, read for documents in increasing order (the order a collector
/// sees them in).
#[derive(Default)]
pub(crate) struct SegmentMentions {
    /// Per form, its rarest gram and that gram's offset in the form.
    grams: Vec<(u32, SegmentPostings)>,
    norms: Option<tantivy::fieldnorm::FieldNormReader>,
    positions: Vec<u32>,
}

impl SegmentMentions {
    /// How far into message `doc` the first of the forms comes, as a share of its tokens: 0 at
    /// the start, near 1 at the end; 0 where none is placed (none found in it, or `doc` asked
    /// for out of order).
    ///
    /// A form is placed by its rarest gram (less that gram's offset), the only one whose
    /// positions are read: where that gram also stands outside the form, earlier, the form
    /// counts as named earlier. The share is never later than the true one, so a message is
    /// never taken more off than its words say.
    pub(crate) fn share(&mut self, doc: DocId) -> f32 {
        let Some(norms) = &self.norms else { return 0.0 };
        let mut first: Option<u32> = None;
        for (off, postings) in &mut self.grams {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                continue;
            }
            self.positions.clear();
            postings.positions(&mut self.positions);
            if let Some(at) = self.positions.first().map(|p| p.saturating_sub(*off)) {
                first = Some(first.map_or(at, |f| f.min(at)));
            }
        }
        let Some(first) = first else { return 0.0 };
        let tokens = norms.fieldnorm(doc).max(1);
        (first as f32 / tokens as f32).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::index_of;
    use tantivy::schema::Value as _;

    /// Each message's text and its share for `terms`, read as a collector would: in doc order.
    fn shares(texts: &[&str], terms: &[&str]) -> Vec<(String, f32)> {
        let day: Vec<(u32, String, String)> =
            texts.iter().enumerate().map(|(i, t)| (36_000 + 60 * i as u32, format!("p{i}"), (*t).to_owned())).collect();
        let (_dir, engine) = index_of(&[day]);
        engine
            .with_state(|state| {
                let fields = &state.handle.fields;
                let mentions = Mentions::of(fields.grams, terms.iter().copied());
                let searcher = state.handle.searcher();
                let mut out = Vec::new();
                for seg in searcher.segment_readers() {
                    let mut placed = mentions.for_segment(seg)?;
                    let store = seg.get_store_reader(1).map_err(tantivy::TantivyError::from)?;
                    for doc in seg.doc_ids_alive() {
                        let stored: tantivy::TantivyDocument = store.get(doc)?;
                        if let Some(text) = stored.get_first(fields.text).and_then(|v| v.as_str()) {
                            out.push((text.to_owned(), placed.share(doc)));
                        }
                    }
                }
                Ok(out)
            })
            .unwrap()
    }

    fn share_of(all: &[(String, f32)], text: &str) -> f32 {
        all.iter().find(|(t, _)| t == text).unwrap_or_else(|| panic!("{text} not indexed")).1
    }

    #[test]
    fn a_term_named_first_is_at_the_start_and_one_named_last_near_the_end() {
        let first = "外卡收单环迅快钱易票联通联都可以做要看商户";
        let last = "这个要看商户的情况比如担保支付的过渡户外卡收单";
        let middle = "商户的情况比如外卡收单的过渡户要看清楚";
        let none = "担保支付的过渡户";
        let all = shares(&[first, last, middle, none], &["外卡收单"]);
        assert_eq!(share_of(&all, first), 0.0);
        assert!(share_of(&all, last) > 0.75, "{all:?}");
        let m = share_of(&all, middle);
        assert!(m > 0.2 && m < 0.6, "{all:?}");
        assert_eq!(share_of(&all, none), 0.0, "not found: nothing is taken off");
    }

    #[test]
    fn a_phrase_is_placed_by_its_rarest_gram_not_by_its_first() {
        // 支付 comes first, 支付宝 only at the end: the phrase's place is the end.
        let text = "支付行业的规则很多最后说一下支付宝";
        let other = "网络支付的规则";
        let all = shares(&[text, other], &["支付宝"]);
        assert!(share_of(&all, text) > 0.7, "{all:?}");
        assert_eq!(share_of(&all, other), 0.0, "{all:?}");
        // The earliest of several terms (or alternatives) counts.
        let all = shares(&[text, other], &["支付宝", "规则"]);
        let s = share_of(&all, text);
        assert!(s > 0.2 && s < 0.4, "{all:?}");
    }

    #[test]
    fn a_latin_word_and_a_term_across_a_separator_are_placed() {
        let text = "我们的系统 最后接了 NetsUnion";
        let all = shares(&[text], &["netsunion"]);
        assert!(share_of(&all, text) > 0.5, "{all:?}");
        let text = "规则很多，最后是快捷 支付";
        let all = shares(&[text], &["快捷 支付"]);
        assert!(share_of(&all, text) > 0.5, "{all:?}");
    }
}
