//! Character classes and matching rules shared by the tokenizer, the topic tagger and the
//! highlighter, so that "what matches" means the same thing everywhere: Chinese (and other
//! CJK) text matches as a substring, Latin words match whole, case-insensitively.

use std::ops::Range;

/// Han ideographs, kana and hangul: scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // hangul syllables
        | '\u{F900}'..='\u{FAFF}' // compatibility ideographs
        | '\u{20000}'..='\u{2FFFF}')
}

/// A character of a Latin (space-separated) word: letters and digits of any non-CJK script.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Byte ranges in `text` where `term` occurs: case-insensitively, and for the Latin words at
/// the term's edges only at word boundaries (`pos` matches `POS机` but not `position`).
/// Occurrences do not overlap.
pub fn find_term(text: &str, term: &str) -> Vec<Range<usize>> {
    let term_lower = term.to_lowercase();
    if term_lower.is_empty() {
        return Vec::new();
    }
    let (text_lower, map) = lower_with_map(text);
    let first = term_lower.chars().next().is_some_and(is_word_char);
    let last = term_lower.chars().next_back().is_some_and(is_word_char);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text_lower[from..].find(&term_lower) {
        let start = from + pos;
        let end = start + term_lower.len();
        let before_ok = !first || !text_lower[..start].chars().next_back().is_some_and(is_word_char);
        let after_ok = !last || !text_lower[end..].chars().next().is_some_and(is_word_char);
        if before_ok && after_ok {
            out.push(map[start]..map[end]);
            from = end;
        } else {
            from = start + text_lower[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// Lowercases `text`, returning also a map from each byte offset of the lowercased text
/// (plus its end) to the byte offset in `text`, since lowercasing may change lengths.
fn lower_with_map(text: &str) -> (String, Vec<usize>) {
    let mut lower = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let before = lower.len();
        lower.extend(c.to_lowercase());
        map.extend(std::iter::repeat_n(i, lower.len() - before));
    }
    map.push(text.len());
    (lower, map)
}

/// Byte ranges of `@nickname` mentions (up to the next white space, which for WeChat is often
/// U+2005): a mention names a person, not a topic.
pub fn mention_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '@' {
            let mut end = i + 1;
            while let Some(&(j, d)) = iter.peek() {
                if d.is_whitespace() {
                    break;
                }
                end = j + d.len_utf8();
                iter.next();
            }
            out.push(i..end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_substring_and_latin_whole_word() {
        let t = "网联和银联，POS机不是position，pos";
        assert_eq!(find_term(t, "联").len(), 2);
        assert_eq!(find_term(t, "网联"), vec![0..6]);
        let pos: Vec<&str> = find_term(t, "pos").into_iter().map(|r| &t[r]).collect();
        assert_eq!(pos, vec!["POS", "pos"]);
        assert!(find_term(t, "").is_empty());
    }

    #[test]
    fn mixed_terms_and_case_changing_lowercase() {
        let t = "支付宝API接口 İstanbul api";
        assert_eq!(find_term(t, "宝api").len(), 1);
        assert_eq!(find_term(t, "api").len(), 2);
        let r = find_term(t, "istanbul");
        assert!(r.is_empty() || &t[r[0].clone()] == "İstanbul");
    }

    #[test]
    fn mentions_end_at_any_white_space() {
        let t = "@聚合支付_程昱\u{2005}聚合支付怎么做 @dio 好";
        let spans: Vec<&str> = mention_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(spans, vec!["@聚合支付_程昱", "@dio"]);
    }
}
