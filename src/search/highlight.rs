//! Where a page shows the query's terms: the byte ranges of a message to highlight, matched
//! as search matches (folded, full-width and traditional forms included), and the one-line
//! excerpt around the first of them.

use crate::normalise::fold;
use crate::text::{find_folded_term, is_separator, normalise_for, TermFinder};
use std::ops::Range;

/// Byte ranges of `text` to highlight: every occurrence of every term, matched as search
/// matches it (folded, separators inside a term matching zero or more), or, where none of the
/// terms occurs, each part of those with separators; merged.
pub fn highlights(text: &str, terms: &[&str]) -> Vec<Range<usize>> {
    Highlighter::new(terms).ranges(text)
}

/// [`highlights`] for many texts of one page (a discussion's title and summary lines, a page
/// of discussions): the terms folded and their finders built once, not once per text.
pub struct Highlighter {
    terms: Vec<String>,
    finders: Vec<TermFinder>,
}

impl Highlighter {
    pub fn new(terms: &[&str]) -> Highlighter {
        let terms: Vec<String> = terms.iter().map(|t| fold(t)).collect();
        let finders = finders(&terms);
        Highlighter { terms, finders }
    }

    /// [`highlights`] of `text`.
    pub fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        highlights_found(text, &self.terms, &self.finders)
    }

    /// [`Highlighter::ranges`] as JSON gives them ([`char_offsets`]).
    pub fn offsets(&self, text: &str) -> Vec<[usize; 2]> {
        char_offsets(text, &self.ranges(text))
    }
}

/// A [`TermFinder`] for each of `terms`: a page builds them once for all its hits.
pub(super) fn finders(terms: &[String]) -> Vec<TermFinder> {
    terms.iter().map(|t| TermFinder::new(t)).collect()
}

/// [`highlights`] of terms already folded (see [`fold`]), with their finders built.
pub(super) fn highlights_found(text: &str, terms: &[String], finders: &[TermFinder]) -> Vec<Range<usize>> {
    if terms.is_empty() {
        return Vec::new();
    }
    // Folded once, whatever the number of terms (a glossary entry brings several).
    let folded = normalise_for(text, terms);
    let mut ranges: Vec<Range<usize>> = finders.iter().flat_map(|finder| finder.find(&folded)).collect();
    // Only where no term occurs: a message matching `网联 OR "快捷 支付"` by 网联 had every 支付
    // highlighted too. Only the words of a phrase (white space between them): the parts of a
    // glossary form of classes written together (`2、3类户`, `一、二、三类户`) are other classes
    // or lone numerals, and a discussion's title or summary line holding no form of 一类户 had
    // every 一, 二 and 2 highlighted. Nor a word of one character (`class I account`: every I).
    if ranges.is_empty() {
        let phrase = |t: &&String| t.contains(is_separator) && t.chars().all(|c| !is_separator(c) || c.is_whitespace());
        for term in terms.iter().filter(phrase) {
            ranges.extend(
                term.split(is_separator)
                    .filter(|w| w.chars().nth(1).is_some())
                    .flat_map(|w| find_folded_term(&folded, w)),
            );
        }
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `ranges` (byte ranges of `text`, as [`highlights`] gives them) as `[start, end)` offsets in
/// characters (Unicode scalar values) of `text`: what JSON gives (`search --json`, the MCP
/// server), so that a client in any language can slice the text it got.
pub fn char_offsets(text: &str, ranges: &[Range<usize>]) -> Vec<[usize; 2]> {
    let chars = |at: usize| text.get(..at).map_or(0, |t| t.chars().count());
    ranges.iter().map(|r| [chars(r.start), chars(r.end)]).collect()
}

/// `offsets` (`[start, end)` in characters of `text`, as [`char_offsets`] gives them) as byte
/// ranges of `text`: where a page shows the core's highlights (an offset past the end is the
/// end).
pub fn byte_ranges(text: &str, offsets: &[[usize; 2]]) -> Vec<Range<usize>> {
    let bytes: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(text.len());
    offsets.iter().map(|&[a, b]| byte(a)..byte(b)).filter(|r| r.start < r.end).collect()
}

/// A one-line excerpt of `text` of at most `width` display columns around the first
/// highlight, with the highlights moved into it. Line breaks become spaces; `…` marks cuts.
pub fn snippet(text: &str, highlights: &[Range<usize>], width: usize) -> (String, Vec<Range<usize>>) {
    let w = display_width;
    let focus = highlights.first().map_or(0, |r| r.start);
    // Start up to a third of the width before the first match, more if the rest is short.
    // Counted only as far as it can matter: a rest as wide as the snippet leaves a third.
    let mut rest = 0;
    for c in text[focus..].chars() {
        rest += w(c);
        if rest >= width {
            break;
        }
    }
    let budget = (width / 3).max(width.saturating_sub(rest + 1));
    let mut start = focus;
    let mut lead = 0;
    for (i, c) in text[..focus].char_indices().rev() {
        if lead + w(c) > budget {
            break;
        }
        lead += w(c);
        start = i;
    }
    let mut out = String::with_capacity((text.len() - start).min(4 * width) + 6);
    let mut map = Vec::with_capacity(width.min(text.len() - start) + 1); // (source byte, output byte) at each char
    if start > 0 {
        out.push('…');
    }
    let mut used = usize::from(start > 0);
    let mut end = start;
    for (i, c) in text[start..].char_indices().map(|(i, c)| (i + start, c)) {
        let cw = w(c).max(usize::from(c == '\n' || c == '\t'));
        if used + cw > width.saturating_sub(1) && i + c.len_utf8() < text.len() {
            break;
        }
        map.push((i, out.len()));
        out.push(if c.is_whitespace() { ' ' } else { c });
        used += cw;
        end = i + c.len_utf8();
    }
    map.push((end, out.len()));
    if end < text.len() {
        out.push('…');
    }
    let to_out = |b: usize| map.iter().find(|(s, _)| *s >= b).map_or(out.len(), |(_, o)| *o);
    let ranges = highlights
        .iter()
        .filter(|r| r.end > start && r.start < end)
        .map(|r| to_out(r.start.max(start))..to_out(r.end.min(end)))
        .filter(|r| r.start < r.end)
        .collect();
    (out, ranges)
}

/// The columns `c` takes on a terminal, as `unicode_width` counts them (0 where it has no
/// width); printable ASCII, the ideographs and the full-width forms, most of a Chinese text,
/// without its table lookup (a test checks every one).
#[inline]
fn display_width(c: char) -> usize {
    use unicode_width::UnicodeWidthChar;
    match c {
        ' '..='~' => 1,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF60}' => 2,
        _ => c.width().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_widths_are_unicode_widths() {
        use unicode_width::UnicodeWidthChar;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(display_width(c), c.width().unwrap_or(0), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn highlights_merge_and_fall_back_to_phrase_words() {
        let t = "快捷支付和网联，快捷 支付，快捷甲支付";
        let h = highlights(t, &["快捷 支付", "网联"]);
        let shown: Vec<&str> = h.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(shown, vec!["快捷支付", "网联", "快捷 支付"]);
        let t = "快捷甲支付";
        let shown: Vec<&str> = highlights(t, &["快捷 支付"]).into_iter().map(|r| &t[r]).collect();
        assert_eq!(shown, vec!["快捷", "支付"]);
        let t = "結售匯和ＰＯＳ";
        let shown: Vec<&str> = highlights(t, &["结售汇", "pos"]).into_iter().map(|r| &t[r]).collect();
        assert_eq!(shown, vec!["結售匯", "ＰＯＳ"]);
        let h = highlights("快捷支付", &["快捷 支付"]);
        assert_eq!(h, vec![0..12]);
        // A text holding another term (an alternative: `网联 OR "快捷 支付"`) shows that one
        // only, not the phrase's words.
        let t = "网联的全称是非银行支付机构网络支付清算平台";
        let shown: Vec<&str> = highlights(t, &["网联", "快捷 支付"]).into_iter().map(|r| &t[r]).collect();
        assert_eq!(shown, vec!["网联"]);
        assert_eq!(highlights("网联网联", &["网联", "联网"]), vec![0..12]);
    }

    /// The glossary's forms of classes written together (`II、III类户`, `1、2、3类户`) are not
    /// phrases: where none of the terms occurs, their parts (another class, a lone numeral) are
    /// not highlighted. A discussion's title or summary line holding no form of 一类户 had every
    /// 一, 二 and 2 highlighted, and III类户 for 二类户 (which README says it is not).
    #[test]
    fn the_parts_of_classes_written_together_are_not_highlighted_alone() {
        let one = ["一类户", "I类户", "1类户", "I、II、III类户", "一、二、三类户", "1、2、3类户"];
        for t in ["一笔2元的手续费，二是", "只有III类户和三类户"] {
            assert_eq!(highlights(t, &one), Vec::<Range<usize>>::new(), "{t}");
        }
        // Nor a phrase's word of one character: `class I account` highlighted every I and Ⅰ.
        let t = "I think Ⅰ is fine";
        assert_eq!(highlights(t, &["一类户", "class I account", "type I account"]), Vec::<Range<usize>>::new());
        let two = ["二类户", "II、III类户", "二、三类户", "2、3类户", "二类、三类户", "class II account"];
        assert_eq!(highlights("只说III类户的限额", &two), Vec::<Range<usize>>::new());
        assert_eq!(highlights("二是有2家", &two), Vec::<Range<usize>>::new());
        // The forms themselves still are, whatever joins the classes.
        let t = "开立Ⅱ、Ⅲ类户和2/3类户";
        let shown: Vec<&str> = highlights(t, &two).into_iter().map(|r| &t[r]).collect();
        assert_eq!(shown, ["Ⅱ、Ⅲ类户", "2/3类户"]);
        // A phrase's words still are, and an English name's.
        let t = "快捷甲支付";
        let shown: Vec<&str> = highlights(t, &two.iter().copied().chain(["快捷 支付"]).collect::<Vec<_>>())
            .into_iter()
            .map(|r| &t[r])
            .collect();
        assert_eq!(shown, ["快捷", "支付"]);
    }

    /// Character offsets back to byte ranges: the inverse of [`char_offsets`]; an offset past
    /// the end is the end, an empty range none.
    #[test]
    fn byte_ranges_undo_char_offsets() {
        let t = "結售匯和ＰＯＳ，pos";
        let ranges = highlights(t, &["结售汇", "pos"]);
        assert_eq!(byte_ranges(t, &char_offsets(t, &ranges)), ranges);
        assert_eq!(byte_ranges("网联", &[[1, 9], [2, 2]]), vec![3..6]);
    }

    #[test]
    fn snippet_centres_on_the_first_match_and_moves_ranges() {
        let text = format!("{}网联来了{}", "前".repeat(40), "后".repeat(40));
        let h = highlights(&text, &["网联"]);
        let (s, r) = snippet(&text, &h, 30);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(&s[r[0].clone()], "网联");
        assert!(unicode_width::UnicodeWidthStr::width(s.as_str()) <= 31, "{s}");
        let long_tail = format!("{}对账才发现的", "数据库".repeat(5));
        assert!(!snippet(&long_tail, &highlights(&long_tail, &["对账"]), 80).0.starts_with('…'));
        let (s, r) = snippet("短\n消息 pos", &highlights("短\n消息 pos", &["pos"]), 80);
        assert_eq!(s, "短 消息 pos");
        assert_eq!(&s[r[0].clone()], "pos");
    }
}
