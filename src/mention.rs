//! Where a message first names what was searched for. Chinese puts its topic first: a message
//! about 外卡收单 starts with it, one that reaches it only at its end ("…, 外卡收单的过渡户")
//! mentions it in passing. Judged by hand, half the trivial hits in the top 30 first name the
//! term in their second half, a quarter of the substantive ones do; the ranking key takes a
//! little off for it ([`crate::rank::late`]).
//!
//! The place is read from the index (the positions of the `grams` field, see
//! [`crate::tokenize`]), not from the stored text, and only for a message whose key
//! could still enter the page.

use crate::tokenize::{query_grams, term_variants};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, Term};

/// The forms a query's positive terms are found by, each placed by its rarest gram in the
/// whole index (of equally rare ones the last: a term's first characters are the common ones,
/// 支付 in 支付宝), with that gram's offset in the form. Chosen over the whole index, not per
/// segment, so a message's place does not depend on how the index is cut into segments. A form
/// ending in a prefix (a single CJK character the text may continue) counts its whole grams
/// only; a form of a single such character has none and is left out (no place is read for it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Mentions {
    field: Option<Field>,
    grams: Vec<(u32, Term)>,
    /// For a question's key terms ([`Mentions::weighted`]): each gram's key and each key's
    /// weight; empty otherwise.
    keys: Vec<usize>,
    weights: Vec<f32>,
}

impl Mentions {
    /// The forms of `terms` (the alternatives of the positive terms; one that holds another,
    /// 网联平台 beside 网联, adds nothing: the other is at its place) in `field`, as `searcher`
    /// sees the index.
    pub(crate) fn of<'a>(
        searcher: &Searcher,
        field: Field,
        terms: impl IntoIterator<Item = &'a str>,
    ) -> tantivy::Result<Mentions> {
        let mut grams: Vec<(u32, Term)> = Vec::new();
        for term in terms {
            add_forms(searcher, field, term, &mut grams)?;
        }
        Ok(Mentions { field: Some(field), grams, keys: Vec::new(), weights: Vec::new() })
    }

    /// The forms of a question's key terms, each key with its weight: what
    /// [`SegmentMentions::place`] reads is then how often each key stands in a message
    /// ([`Placed::repeated`]), not where. A key counts its own mentions, even where another key
    /// holds it (通道 inside 选择通道), and those of the glossary forms its recall adds
    /// (`chargeback`'s 拒付, 调单, …: the archive is written in Chinese).
    pub(crate) fn weighted<'a>(
        searcher: &Searcher,
        field: Field,
        keys_forms: impl IntoIterator<Item = (Vec<&'a str>, f32)>,
    ) -> tantivy::Result<Mentions> {
        let (mut grams, mut keys, mut weights) = (Vec::new(), Vec::new(), Vec::new());
        for (k, (forms, weight)) in keys_forms.into_iter().enumerate() {
            let mut own = Vec::new();
            for term in forms {
                add_forms(searcher, field, term, &mut own)?;
            }
            keys.extend(std::iter::repeat_n(k, own.len()));
            grams.extend(own);
            weights.push(weight);
        }
        Ok(Mentions { field: Some(field), grams, keys, weights })
    }

    /// The postings of the forms' grams in one segment (a gram the segment lacks is left out:
    /// its form cannot match there).
    pub(crate) fn for_segment(&self, seg: &SegmentReader) -> tantivy::Result<SegmentMentions> {
        let Some(field) = self.field.filter(|_| !self.grams.is_empty()) else {
            return Ok(SegmentMentions::default());
        };
        let inverted = seg.inverted_index(field)?;
        // Counting needs the frequencies only; placing, the positions.
        let option = if self.weights.is_empty() {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        let (mut grams, mut keys) = (Vec::with_capacity(self.grams.len()), Vec::new());
        for (g, (off, term)) in self.grams.iter().enumerate() {
            if let Some(postings) = inverted.read_postings(term, option)? {
                grams.push((*off, postings));
                keys.extend(self.keys.get(g));
            }
        }
        let norms = if grams.is_empty() { None } else { Some(seg.get_fieldnorms_reader(field)?) };
        Ok(SegmentMentions { grams, norms, positions: Vec::new(), keys, weights: self.weights.clone() })
    }
}

/// Adds the forms of `term` (its variants, each placed by its rarest gram in `field`) to
/// `grams`, unless there already; a form that occurs nowhere adds nothing.
fn add_forms(searcher: &Searcher, field: Field, term: &str, grams: &mut Vec<(u32, Term)>) -> tantivy::Result<()> {
    for variant in term_variants(term) {
        let form = query_grams(&variant);
        let whole = form.grams.len() - usize::from(form.prefix);
        let mut rarest: Option<(u64, u32, Term)> = None;
        for (off, gram) in &form.grams[..whole] {
            let gram = Term::from_field_text(field, gram);
            let n = searcher.doc_freq(&gram)?;
            if n == 0 {
                // The form occurs nowhere.
                rarest = None;
                break;
            }
            if rarest.as_ref().is_none_or(|(r, _, _)| n <= *r) {
                rarest = Some((n, *off as u32, gram));
            }
        }
        if let Some((_, off, gram)) = rarest {
            if !grams.contains(&(off, gram.clone())) {
                grams.push((off, gram));
            }
        }
    }
    Ok(())
}

/// Where a message names the forms, and how often (see [`SegmentMentions::place`]).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Placed {
    /// How far into the message the first form comes, as a share of its tokens (0 to 1).
    pub share: f32,
    /// How many times the forms stand in it.
    pub count: u32,
    /// For a question's keys ([`Mentions::weighted`]), instead of the two above: the sum over
    /// the keys of its weight × [`crate::rank::repeats`] of its mentions in the message.
    pub repeated: f32,
}

/// [`Mentions`] in one segment, read for documents in increasing order (the order a collector
/// sees them in).
#[derive(Default)]
pub(crate) struct SegmentMentions {
    /// Per form, its rarest gram and that gram's offset in the form.
    grams: Vec<(u32, SegmentPostings)>,
    norms: Option<tantivy::fieldnorm::FieldNormReader>,
    positions: Vec<u32>,
    /// See [`Mentions::weighted`]: each gram's key (in the order of `grams`) and each key's
    /// weight; empty for forms placed.
    keys: Vec<usize>,
    weights: Vec<f32>,
}

impl SegmentMentions {
    /// How far into message `doc` the first of the forms comes, as a share of its tokens: 0 at
    /// the start, near 1 at the end; 0 where none is placed (none found in it, or `doc` asked
    /// for out of order).
    ///
    /// A form is placed by its rarest gram (less that gram's offset), the only one whose
    /// positions are read: where that gram also stands outside the form, earlier, the form
    /// counts as named earlier, never later. The length is the index's count of the message's
    /// tokens, exact up to 40 and kept to within about a tenth beyond (tantivy's fieldnorm), so
    /// for a long message the share is that close.
    ///
    /// With it, how many times the forms stand in `doc` (by their rarest grams: where such a
    /// gram also stands outside its form, more); 0 where none is placed.
    ///
    /// For a question's keys ([`Mentions::weighted`]) it counts instead: how often each key
    /// stands in `doc` ([`Placed::repeated`]), and places nothing.
    pub(crate) fn place(&mut self, doc: DocId) -> Placed {
        let Some(norms) = &self.norms else { return Placed::default() };
        if !self.weights.is_empty() {
            return Placed { repeated: self.repeated(doc), ..Placed::default() };
        }
        let mut first: Option<u32> = None;
        let mut count = 0u32;
        for (off, postings) in &mut self.grams {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                continue;
            }
            self.positions.clear();
            postings.positions(&mut self.positions);
            count += self.positions.len() as u32;
            if let Some(at) = self.positions.first().map(|p| p.saturating_sub(*off)) {
                first = Some(first.map_or(at, |f| f.min(at)));
            }
        }
        let Some(first) = first else { return Placed::default() };
        let tokens = norms.fieldnorm(doc).max(1);
        Placed { share: (first as f32 / tokens as f32).min(1.0), count, repeated: 0.0 }
    }

    /// See [`Placed::repeated`]: a key's forms are next to each other in `grams`.
    fn repeated(&mut self, doc: DocId) -> f32 {
        let mut sum = 0.0;
        let mut current: Option<(usize, u32)> = None;
        for ((_, postings), &key) in self.grams.iter_mut().zip(&self.keys) {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            let count = if postings.doc() == doc { postings.term_freq() } else { 0 };
            match &mut current {
                Some((k, n)) if *k == key => *n += count,
                _ => {
                    if let Some((k, n)) = current {
                        sum += self.weights[k] * crate::rank::repeats(n);
                    }
                    current = Some((key, count));
                }
            }
        }
        if let Some((k, n)) = current {
            sum += self.weights[k] * crate::rank::repeats(n);
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tests::{index_of, update_index, write_day};
    use tantivy::schema::Value as _;

    fn day(texts: &[&str]) -> Vec<(u32, String, String)> {
        texts.iter().enumerate().map(|(i, t)| (36_000 + 60 * i as u32, format!("p{i}"), (*t).to_owned())).collect()
    }

    /// Each message's text and its share for `terms`, read as a collector would: in doc order.
    fn shares(texts: &[&str], terms: &[&str]) -> Vec<(String, f32)> {
        let (_dir, engine) = index_of(&[day(texts)]);
        shares_in(&engine, terms)
    }

    fn shares_in(engine: &crate::search::Engine, terms: &[&str]) -> Vec<(String, f32)> {
        engine
            .with_state(|state| {
                let fields = &state.handle.fields;
                let searcher = state.handle.searcher();
                let mentions = Mentions::of(&searcher, fields.grams, terms.iter().copied())?;
                let mut out = Vec::new();
                for seg in searcher.segment_readers() {
                    let mut placed = mentions.for_segment(seg)?;
                    let store = seg.get_store_reader(1).map_err(tantivy::TantivyError::from)?;
                    for doc in seg.doc_ids_alive() {
                        let stored: tantivy::TantivyDocument = store.get(doc)?;
                        if let Some(text) = stored.get_first(fields.text).and_then(|v| v.as_str()) {
                            out.push((text.to_owned(), placed.place(doc).share));
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

    #[test]
    fn a_place_does_not_depend_on_how_the_index_is_cut_into_segments() {
        // In its own day 外卡, 卡收 and 收单 are equally rare; across both days 卡收 is the
        // rarest, and it stands at the start.
        let first = ["卡收到了以后再说外卡收单"];
        let second = ["收单收单", "外卡的事"];
        let one = tempfile::tempdir().unwrap();
        write_day(one.path(), 1, &day(&first));
        write_day(one.path(), 2, &day(&second));
        let together = shares_in(&update_index(one.path()), &["外卡收单"]);
        let two = tempfile::tempdir().unwrap();
        write_day(two.path(), 1, &day(&first));
        update_index(two.path());
        write_day(two.path(), 2, &day(&second));
        let engine = update_index(two.path());
        assert!(engine.handle().searcher().segment_readers().len() >= 2, "two segments");
        let mut apart = shares_in(&engine, &["外卡收单"]);
        let mut together = together;
        together.sort_by(|a, b| a.0.cmp(&b.0));
        apart.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(together, apart);
    }
}
