//! The one folding rule shared by indexing and querying, so that matching stays exact on the
//! folded text: zero-width characters removed, NFKC (full-width ＰＯＳ → pos, Ｔ＋１ → t+1,
//! Ⅱ → ii, the ideographic space → a space), lowercase, traditional → simplified (fast2s's
//! compiled-in table, one character for one character) and the archive's variant characters
//! (帐 → 账: every 帐 in the archive means an account).
//!
//! [`normalise`] also returns an offset map, so a match found in the folded text is shown on the
//! original characters.

use std::ops::Range;

/// Characters that render as nothing and only hide a word from search.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// The CJK unified ideographs and extension A, which NFKC and lowercasing leave unchanged.
fn is_plain_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// Punctuation NFKC and lowercasing leave unchanged (dashes, quotes, bullets; the CJK
/// symbols and punctuation 、。〈〉「」【】): a test checks every one.
fn is_stable_punctuation(c: char) -> bool {
    matches!(c, '\u{2010}' | '\u{2012}'..='\u{2016}' | '\u{2018}'..='\u{2023}' | '\u{3001}'..='\u{3035}' | '\u{303B}'..='\u{303F}')
}

/// The ASCII character NFKC makes of a full-width form (U+FF01–U+FF5E: ！ to ～).
fn full_width_ascii(c: char) -> Option<char> {
    matches!(c, '\u{FF01}'..='\u{FF5E}').then(|| char::from_u32(u32::from(c) - 0xFEE0)).flatten()
}

/// Variant characters of the archive, after traditional → simplified: (variant, standard).
const VARIANTS: &[(char, char)] = &[('帐', '账')];

/// Text folded for matching, with where each of its bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    pub text: String,
    origins: Origins,
}

/// Where the bytes of a folded text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origins {
    /// For each byte offset (and the end), the byte offset in the original of the character
    /// it is in.
    Bytes(Vec<usize>),
    /// Only the characters that did not fold into one character of their own length (most of
    /// a Chinese text's are plain ideographs, ASCII or full-width punctuation, only the last
    /// of which change it), in order: every other character is where the one before it puts
    /// it.
    Edits(Vec<Edit>),
}

/// A character that folded into something else than one character of its length.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    /// What it folded into (empty if it vanished), in the folded text.
    folded: Range<usize>,
    /// Where it starts and ends in the original.
    original: Range<usize>,
}

impl Normalised {
    /// The original byte offset of a byte offset of the folded text.
    pub fn original(&self, at: usize) -> usize {
        match &self.origins {
            Origins::Bytes(map) => map.get(at).copied().unwrap_or_else(|| map.last().copied().unwrap_or(0)),
            Origins::Edits(edits) => {
                let at = at.min(self.text.len());
                let k = edits.partition_point(|e| e.folded.start <= at);
                let (folded_end, original_end) = match k.checked_sub(1).map(|k| &edits[k]) {
                    Some(e) if at < e.folded.end => return e.original.start,
                    Some(e) => (e.folded.end, e.original.end),
                    None => (0, 0),
                };
                // Past the edit, each character is as long as it was: a byte inside one comes
                // from where that character starts.
                let start = (folded_end..=at).rev().find(|&b| self.text.is_char_boundary(b)).unwrap_or(folded_end);
                start - folded_end + original_end
            }
        }
    }
}

/// Folds `text` (see the module doc).
pub fn normalise(text: &str) -> Normalised {
    unconverted(text).converted()
}

/// `text` folded as [`normalise`] folds it but for the traditional → simplified step, which
/// [`Unconverted::converted`] takes: a caller that can tell the step changes nothing it
/// looks at skips fast2s (see [`crate::text::normalise_for`]).
pub(crate) struct Unconverted {
    pub folded: Normalised,
    /// Whether any character of `folded` is one fast2s may convert ([`may_be_traditional`]).
    pub traditional: bool,
}

/// [`normalise`] up to the traditional → simplified step. Runs of characters that fold to
/// themselves (ASCII but capitals, plain ideographs but variants) are copied whole.
pub(crate) fn unconverted(text: &str) -> Unconverted {
    let bytes = text.as_bytes();
    let mut folded = String::with_capacity(text.len());
    let mut edits = Vec::new();
    let mut traditional = false;
    // The start of the run of characters that fold to themselves, not copied yet.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 && !b.is_ascii_uppercase() {
            i += 1;
            continue;
        }
        if (0xE3..=0xE9).contains(&b) {
            // U+3000–U+9FFF: three bytes, the two after it continuation bytes (valid UTF-8).
            let c =
                (u32::from(b & 0x0F) << 12) | (u32::from(bytes[i + 1] & 0x3F) << 6) | u32::from(bytes[i + 2] & 0x3F);
            if let Some(c) = char::from_u32(c).filter(|&c| is_plain_han(c) && standard(c) == c) {
                traditional |= may_be_traditional(c);
                i += 3;
                continue;
            }
        }
        folded.push_str(&text[run..i]);
        let c = text[i..].chars().next().unwrap_or_default();
        let before = folded.len();
        traditional |= fold_char(c, &mut folded);
        let one_of_its_length = folded.len() - before == c.len_utf8() && folded[before..].chars().nth(1).is_none();
        if !one_of_its_length {
            edits.push(Edit { folded: before..folded.len(), original: i..i + c.len_utf8() });
        }
        i += c.len_utf8();
        run = i;
    }
    folded.push_str(&text[run..]);
    Unconverted { folded: Normalised { text: folded, origins: Origins::Edits(edits) }, traditional }
}

impl Unconverted {
    /// The text fully folded: traditional characters simplified where there are any.
    pub fn converted(self) -> Normalised {
        let Unconverted { folded, traditional } = self;
        if !traditional {
            return folded;
        }
        // fast2s converts one character into one character, so each character keeps its origin.
        let origins: Vec<usize> = folded.text.char_indices().map(|(b, _)| folded.original(b)).collect();
        let end = folded.original(folded.text.len());
        let simplified = converted(&folded.text);
        let mut map = Vec::with_capacity(simplified.len() + 1);
        for (c, from) in simplified.chars().zip(origins) {
            map.extend(std::iter::repeat_n(from, c.len_utf8()));
        }
        map.push(end);
        Normalised { text: simplified, origins: Origins::Bytes(map) }
    }
}

/// The folded text alone (as [`normalise`] folds it, without the offset map).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded
}

/// `text` as a spelling: [`fold`]ed, numerals written as digits (一 to 九, and a Latin `i`, `ii`
/// or `iii` standing alone, as Ⅱ folds to `ii`) and `+` left out. Two forms with the same
/// spelling are one word written two ways (二类户, II类户, Ⅱ类户 and 2类户; T+0 and T0), not
/// two words: a synonym (二类账户, D0) spells differently.
pub(crate) fn spelling(text: &str) -> String {
    let folded: Vec<char> = fold(text).chars().filter(|&c| c != '+').collect();
    let latin = |i: usize| folded.get(i).is_some_and(char::is_ascii_alphabetic);
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let c = folded[i];
        let run = folded[i..].iter().take_while(|&&c| c == 'i').count();
        if c == 'i' && run <= 3 && !(i > 0 && latin(i - 1)) && !latin(i + run) {
            out.push(char::from(b'0' + run as u8));
            i += run;
            continue;
        }
        match "一二三四五六七八九".chars().position(|n| n == c) {
            Some(n) => out.push(char::from(b'1' + n as u8)),
            None => out.push(c),
        }
        i += 1;
    }
    out
}

/// [`fold`] into `out`, cleared first: a caller folding many strings reuses one buffer.
pub fn fold_into(text: &str, out: &mut String) {
    out.clear();
    let mut traditional = false;
    for c in text.chars() {
        traditional |= fold_char(c, out);
    }
    // Traditional → simplified, where there is any character to convert.
    if traditional {
        *out = converted(out);
    }
}

/// Traditional → simplified by fast2s, then the variants fast2s may make standardised.
fn converted(folded: &str) -> String {
    standardised(fast2s::convert(folded))
}

/// The archive's variant characters replaced by their standard forms (again: fast2s may make
/// one).
fn standardised(text: String) -> String {
    if VARIANTS.iter().any(|&(v, _)| text.contains(v)) {
        text.chars().map(standard).collect()
    } else {
        text
    }
}

/// Appends `c` folded, before the traditional → simplified step: nothing for an invisible
/// character, else its NFKC form lowercased. Returns whether what it appended has a character
/// fast2s may convert ([`may_be_traditional`]). Inlined: ASCII and the plain ideographs, most
/// of any text, take two comparisons.
#[inline]
fn fold_char(c: char, folded: &mut String) -> bool {
    if c.is_ascii() {
        folded.push(c.to_ascii_lowercase());
        false
    } else if is_plain_han(c) {
        // NFKC and lowercasing leave it as it is (a test checks every one): most of a Chinese
        // text skips the per-character normaliser.
        let s = standard(c);
        folded.push(s);
        may_be_traditional(s)
    } else {
        fold_other(c, folded)
    }
}

/// [`fold_char`] of a character neither ASCII nor a plain ideograph.
#[inline(never)]
fn fold_other(c: char, folded: &mut String) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let before = folded.len();
    if is_invisible(c) {
        return false;
    }
    if is_stable_punctuation(c) {
        // NFKC and lowercasing leave it as it is (a test checks every one).
        folded.push(standard(c));
    } else if let Some(ascii) = full_width_ascii(c) {
        // Chinese punctuation (，！？：；（）) and full-width letters and digits: NFKC makes
        // them ASCII (a test checks every one).
        folded.push(ascii.to_ascii_lowercase());
    } else {
        for d in std::iter::once(c).nfkc() {
            folded.extend(d.to_lowercase().map(standard));
        }
    }
    folded[before..].chars().any(may_be_traditional)
}

/// Every character fast2s may convert (the keys of its table and of its special cases, all in
/// the Basic Multilingual Plane), one bit each: text without any of them (most of a simplified
/// archive, and most queries) skips fast2s, whose table costs ~1.2 M instructions to load on
/// first use and three hash lookups per character after. A test checks that no character
/// outside the set is changed by fast2s.
static TRADITIONAL: [u64; 0x10000 / 64] = bitset(include_bytes!("traditional.txt"));

/// The bits of the characters of a UTF-8 text (white space left out), computed when compiling:
/// a process that folds text does not parse the list first.
const fn bitset(text: &[u8]) -> [u64; 0x10000 / 64] {
    let mut bits = [0u64; 0x10000 / 64];
    let mut i = 0;
    while i < text.len() {
        let b = text[i] as u32;
        let (c, len) = if b < 0x80 {
            (b, 1)
        } else if b < 0xE0 {
            (((b & 0x1F) << 6) | (text[i + 1] as u32 & 0x3F), 2)
        } else if b < 0xF0 {
            (((b & 0x0F) << 12) | ((text[i + 1] as u32 & 0x3F) << 6) | (text[i + 2] as u32 & 0x3F), 3)
        } else {
            // Outside the Basic Multilingual Plane: fast2s converts none.
            (u32::MAX, 4)
        };
        if let Some(ch) = char::from_u32(c) {
            if !ch.is_whitespace() && c < 0x10000 {
                bits[c as usize / 64] |= 1 << (c % 64);
            }
        }
        i += len;
    }
    bits
}

/// Whether fast2s may convert `c` (see [`TRADITIONAL`]).
pub(crate) fn may_be_traditional(c: char) -> bool {
    let i = u32::from(c) as usize;
    TRADITIONAL.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// The archive's standard form of a variant character.
fn standard(c: char) -> char {
    VARIANTS.iter().find(|(v, _)| *v == c).map_or(c, |(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_unify_numerals_and_plus_signs_only() {
        for form in ["II类户", "Ⅱ类户", "2类户", "ii类户"] {
            assert_eq!(spelling(form), spelling("二类户"), "{form}");
        }
        assert_eq!(spelling("T+0"), spelling("t0"));
        assert_eq!(spelling("Ⅲ类账户"), spelling("三类账户"));
        assert_eq!(spelling("I类户"), spelling("一类户"));
        for (a, b) in [("二类户", "二类账户"), ("T0", "D0"), ("二类户", "三类户"), ("四要素", "三要素")]
        {
            assert_ne!(spelling(a), spelling(b), "{a} {b}");
        }
        // A Latin `i` inside a word is a letter, not a numeral.
        assert_eq!(spelling("api"), "api");
        assert_eq!(spelling("ii"), "2");
        assert_eq!(spelling("wii类"), "wii类");
    }

    #[test]
    fn variants_keep_their_length_in_utf8() {
        assert!(VARIANTS.iter().all(|(v, s)| v.len_utf8() == s.len_utf8()));
        let n = normalise("记帐Ｔ＋１");
        assert_eq!(n.text, "记账t+1");
        assert_eq!((n.original(3), n.original(6), n.original(7), n.original(9)), (3, 6, 9, 15));
    }

    #[test]
    fn fast2s_changes_no_character_outside_the_traditional_set() {
        // Alone and between neighbours that trigger its special cases (計畫, 藉口, 看著).
        for c in ('\u{80}'..='\u{FFFF}').filter(|c| !may_be_traditional(*c)) {
            let alone = c.to_string();
            assert_eq!(fast2s::convert(&alone), alone, "{c} (U+{:04X})", u32::from(c));
        }
        for text in ["計畫", "藉口", "看著", "慰藉", "結售匯"] {
            assert!(text.chars().any(may_be_traditional));
            assert_eq!(fold(text), fast2s::convert(text));
        }
        assert!(!"网联对账结售汇，路由？".chars().any(may_be_traditional));
    }

    #[test]
    fn the_compiled_bitset_is_the_list() {
        let mut listed: Vec<char> = include_str!("traditional.txt").chars().filter(|c| !c.is_whitespace()).collect();
        listed.sort_unstable();
        listed.dedup();
        let set: Vec<char> = ('\0'..='\u{FFFF}').filter(|&c| may_be_traditional(c)).collect();
        assert_eq!(set, listed);
    }

    #[test]
    fn fast2s_makes_one_cjk_character_of_the_same_length_of_each() {
        // What `text::normalise_for` relies on to skip the conversion: a converted character
        // stays one CJK character, of the same UTF-8 length, so no separator or Latin word
        // appears or vanishes and every other character keeps its place.
        let specials = ["藉口", "憑藉", "看著", "苧麻", "闔家", "鍾書", "校讎", "計畫", "企畫", "慰藉", "乾隆", "答覆"];
        let alone = ('\u{80}'..='\u{FFFF}').filter(|c| may_be_traditional(*c)).map(|c| c.to_string());
        for text in alone.chain(specials.iter().map(|s| (*s).to_owned())) {
            let out = fast2s::convert(&text);
            assert_eq!(out.chars().count(), text.chars().count(), "{text}");
            for (a, b) in text.chars().zip(out.chars()) {
                assert!(crate::text::is_cjk(a) && crate::text::is_cjk(b), "{a} → {b}");
                assert_eq!(a.len_utf8(), b.len_utf8(), "{a} → {b}");
            }
        }
    }

    #[test]
    fn full_width_case_traditional_and_variants_fold() {
        assert_eq!(fold("ＰＯＳ机"), "pos机");
        assert_eq!(fold("Ｔ＋１到账"), "t+1到账");
        assert_eq!(fold("結售匯"), "结售汇");
        assert_eq!(fold("對帳單"), "对账单");
        assert_eq!(fold("Ⅱ类户"), "ii类户");
        assert_eq!(fold("NetsUnion"), "netsunion");
        assert_eq!(fold("网联\u{3000}对账"), "网联 对账");
    }

    #[test]
    fn the_ideographs_that_skip_nfkc_are_unchanged_by_it() {
        use unicode_normalization::UnicodeNormalization;
        let plain: Vec<char> = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_plain_han(c)).collect();
        assert_eq!(plain.len(), 0x4DBF - 0x3400 + 1 + 0x9FFF - 0x4E00 + 1);
        // Each is folded to its standard form, also three bytes (`fold_char` of the ideographs).
        assert!(plain.iter().all(|&c| c.len_utf8() == 3 && standard(c).len_utf8() == 3));
        let punctuation = (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_stable_punctuation(c));
        for c in plain.into_iter().chain(punctuation) {
            let slow: String = std::iter::once(c).nfkc().flat_map(char::to_lowercase).collect();
            assert_eq!(slow, c.to_string(), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn full_width_forms_fold_as_nfkc_folds_them() {
        use unicode_normalization::UnicodeNormalization;
        let mut n = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if let Some(fast) = full_width_ascii(c) {
                let slow: String = std::iter::once(c).nfkc().flat_map(char::to_lowercase).collect();
                assert_eq!(slow, fast.to_ascii_lowercase().to_string(), "U+{:04X}", u32::from(c));
                n += 1;
            }
        }
        assert_eq!(n, 0xFF5E - 0xFF01 + 1);
        assert_eq!(fold("网联，对账！"), "网联,对账!");
    }

    #[test]
    fn fold_is_the_text_of_normalise() {
        for s in ["看ＰＯＳ\u{200B}機器", "結售匯和對帳單，Ｔ＋１", "NetsUnion Ⅱ类户", "", "网联　对账！"]
        {
            assert_eq!(fold(s), normalise(s).text, "{s}");
        }
    }

    #[test]
    fn zero_width_characters_vanish() {
        assert_eq!(fold("网\u{200B}联"), "网联");
        assert_eq!(fold("\u{FEFF}对账"), "对账");
    }

    #[test]
    fn offsets_map_back_to_the_original_characters() {
        let s = "看ＰＯＳ\u{200B}機器";
        let n = normalise(s);
        assert_eq!(n.text, "看pos机器");
        let at = n.text.find("pos机").unwrap();
        let (from, to) = (n.original(at), n.original(at + "pos机".len()));
        assert_eq!(&s[from..to], "ＰＯＳ\u{200B}機");
        assert_eq!(n.original(n.text.len()), s.len());
    }

    #[test]
    fn empty_and_plain_text() {
        assert_eq!(normalise("").text, "");
        assert_eq!(normalise("").original(0), 0);
        assert_eq!(fold("网联 ok"), "网联 ok");
    }

    /// [`unconverted`] as it was before it kept only edits: a map entry for every byte.
    fn unconverted_with_full_map(text: &str) -> (String, Vec<usize>, bool) {
        let mut folded = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        let mut traditional = false;
        for (i, c) in text.char_indices() {
            traditional |= fold_char(c, &mut folded);
            map.resize(folded.len(), i);
        }
        map.push(text.len());
        (folded, map, traditional)
    }

    fn same_offsets_as_a_full_map(text: &str) {
        let (full_text, full_map, traditional) = unconverted_with_full_map(text);
        let lazy = unconverted(text);
        assert_eq!(lazy.folded.text, full_text, "{text:?}");
        assert_eq!(lazy.traditional, traditional, "{text:?}");
        for at in 0..=full_text.len() + 2 {
            let want = full_map.get(at).copied().unwrap_or(text.len());
            assert_eq!(lazy.folded.original(at), want, "{text:?} at {at}");
        }
        // And after the traditional → simplified step, against a full map carried through it.
        let converted = lazy.converted();
        let n = Normalised { text: full_text, origins: Origins::Bytes(full_map) };
        let full = Unconverted { folded: n, traditional }.converted();
        assert_eq!(converted.text, full.text, "{text:?}");
        for at in 0..=full.text.len() + 2 {
            assert_eq!(converted.original(at), full.original(at), "{text:?} at {at}");
        }
    }

    #[test]
    fn the_edits_give_the_offsets_of_a_full_map() {
        for s in [
            "",
            "网联 ok",
            "NetsUnion",
            "看ＰＯＳ\u{200B}機器",
            "\u{200B}",
            "记帐Ｔ＋１",
            "Ⅱ类户 ﬁ",
            "結售匯",
            "ok\u{FEFF}",
            "Ĳ网",
            "网\u{200B}\u{200B}Ĳ帐",
            "AB帳ＣＤ",
            "ＡĲ",
        ] {
            same_offsets_as_a_full_map(s);
        }
    }

    proptest::proptest! {
        #[test]
        fn edits_and_a_full_map_agree_on_any_text(s in "([a-zA-Z0-9 ,.?]|[网联對帳單帐結售匯ＰＯＳＴ＋１ⅡⅲﬁßĲ㎏\u{200B}\u{FEFF}İ　，！]|\\PC){0,24}") {
            same_offsets_as_a_full_map(&s);
        }
    }
}
