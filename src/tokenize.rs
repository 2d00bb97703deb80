//! The two tokenizers behind the two body fields.
//!
//! * `grams` (recall): every pair of neighbouring CJK characters as a bigram (pair (i, i+1) at
//!   position i) and the last character of each CJK run as a unigram, plus lowercased Latin
//!   words. A CJK substring of two or more characters is the phrase of its bigrams; a single
//!   character `c` is found as the unigram `c` or any bigram `c?` (a prefix), so the index
//!   finds exactly what a substring search finds, whatever a segmenter would have done
//!   (Meilisearch #2499, #4874), with one token per character.
//!   A run of separators between tokens is one separator token ([`SEPARATOR`]), so a phrase
//!   never spans a separator unless it asks for one: a term with a separator inside (`快捷 支付`)
//!   is the phrase of its grams with the separator token between the parts, or, where a CJK
//!   character meets the separator, also without it ([`term_variants`]). A symbol
//!   ([`crate::text::is_symbol`]: `+`, `#`) is a token of its own, so `T+1` is not `T-1` and
//!   `c++` not `c`; a term finds it with separators or nothing around it.
//!   Both tokenizers read the text folded by [`crate::normalise`]; token offsets point at the
//!   original text.
//! * `jieba` (ranking): jieba-rs search-mode words, lowercased. It needs jieba's dictionary
//!   (~110 ms to load), so only the writer builds it; queries use plain terms on this field.

mod frequent_bigrams;

use crate::text::{is_cjk, is_symbol, is_word_char};
use frequent_bigrams::FREQUENT_BIGRAMS;
use jieba_rs::Jieba;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const GRAMS: &str = "chatlore_grams";
pub const JIEBA: &str = "chatlore_jieba";
pub const TRIGRAMS: &str = "chatlore_trigrams";

/// Tokens longer than this (base64 blobs, URLs without separators) are not indexed.
pub const MAX_TOKEN_BYTES: usize = 255;
/// The token standing for a run of separators (space, punctuation) between two tokens; no word
/// or CJK gram is ever a space.
pub const SEPARATOR: &str = " ";
/// A term with more separators between CJK parts than this matches the ones after the limit
/// only where the text has a separator too (each one doubles the variants).
const MAX_OPTIONAL_SEPARATORS: usize = 6;

/// Words added to jieba's dictionary so payments terms stay whole for ranking.
const USER_WORDS: &[&str] = &[
    "网联",
    "断直连",
    "结售汇",
    "外管局",
    "备付金",
    "长短款",
    "收单",
    "聚合支付",
    "代扣",
    "代付",
    "清分",
    "对账",
    "差错",
    "路由",
    "通道费",
    "快捷支付",
    "协议支付",
    "二类户",
    "三类户",
    "虚拟账户",
    "反洗钱",
    "拒付",
    "头寸",
    "轧差",
    "跨境支付",
    "购付汇",
    "条码支付",
    "付款码",
    "收款码",
    "支付牌照",
    "银联",
    "银行卡",
    "清算",
    "结算",
    "商户",
    "分润",
    "进件",
    "冲正",
    // Topic keywords until 2026-12 (the tagger dropped them: 签约 is any contract, 刷卡 a bus
    // card as often as a POS, oracle the employer as often as the database); they stay payments
    // vocabulary here so that the taxonomy change does not move ranking (held-out pasted H01,
    // "…协议支付怎么签约", keys on 签约).
    "签约",
    "刷卡",
    "oracle",
    // Dropped by the risk topic in session 11 (a limit of any kind far more often than risk).
    "限额",
];

/// A token of the `grams` field, before it becomes a tantivy token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gram {
    pub text: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
    /// The final unigram of a CJK run of two or more characters (its bigrams imply it).
    pub implied: bool,
}

/// Splits `text` into grams (see the module doc).
pub fn grams(text: &str) -> Vec<Gram> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut emitted = false;
    let mut gap = false;
    let mut chars = text.char_indices().peekable();
    let mut run: Vec<(usize, char)> = Vec::new();
    while let Some(&(i, c)) = chars.peek() {
        if is_cjk(c) {
            run.clear();
            while let Some(&(j, d)) = chars.peek().filter(|(_, d)| is_cjk(*d)) {
                run.push((j, d));
                chars.next();
            }
            let base = next_position(&mut out, &mut pos, &mut emitted, &mut gap, i);
            let end_of = |k: usize| run[k].0 + run[k].1.len_utf8();
            for (k, pair) in run.windows(2).enumerate() {
                let text: String = [pair[0].1, pair[1].1].into_iter().collect();
                out.push(Gram { text, position: base + k, from: pair[0].0, to: end_of(k + 1), implied: false });
            }
            let last = run.len() - 1;
            let (from, ch) = run[last];
            out.push(Gram { text: ch.to_string(), position: base + last, from, to: end_of(last), implied: last > 0 });
            pos = base + last;
        } else if is_word_char(c) {
            let mut end = i;
            let mut word = String::new();
            while let Some(&(j, d)) = chars.peek().filter(|(_, d)| is_word_char(*d)) {
                word.extend(d.to_lowercase());
                end = j + d.len_utf8();
                chars.next();
            }
            if word.len() <= MAX_TOKEN_BYTES {
                let position = next_position(&mut out, &mut pos, &mut emitted, &mut gap, i);
                out.push(Gram { text: word, position, from: i, to: end, implied: false });
                pos = position;
            } else {
                gap = true;
            }
        } else if is_symbol(c) {
            let position = next_position(&mut out, &mut pos, &mut emitted, &mut gap, i);
            out.push(Gram { text: c.to_string(), position, from: i, to: i + c.len_utf8(), implied: false });
            pos = position;
            chars.next();
        } else {
            gap = true;
            chars.next();
        }
    }
    out
}

/// The position of the next token, after a separator token if a separator came before it.
fn next_position(out: &mut Vec<Gram>, pos: &mut usize, emitted: &mut bool, gap: &mut bool, at: usize) -> usize {
    let p = if !*emitted {
        0
    } else if *gap {
        out.push(Gram { text: SEPARATOR.to_owned(), position: *pos + 1, from: at, to: at, implied: false });
        *pos + 2
    } else {
        *pos + 1
    };
    *emitted = true;
    *gap = false;
    p
}

/// The trigrams of `grams` (see [`grams`]) that the `tri` field holds: for each two CJK
/// bigrams at neighbouring positions, the three characters they span, where
/// [`indexed_trigram`] keeps them. tantivy matches the phrase of two bigrams by positions
/// alone, and two bigrams sit at neighbouring positions only inside one CJK run (a run's last
/// position holds its final unigram, and the next token comes after it), where they overlap by
/// a character and follow each other in `grams`: so a text holds a trigram exactly where the
/// phrase of its two bigrams matches, as often. (The reference for [`trigram_tokens`], which
/// finds the same trigrams without cutting grams.)
#[cfg(test)]
pub fn trigrams(grams: &[Gram]) -> impl Iterator<Item = String> + '_ {
    grams
        .windows(2)
        .filter(|w| w[1].position == w[0].position + 1)
        .filter_map(|w| indexed_trigram(&w[0].text, &w[1].text))
}

/// Whether the `tri` field holds the trigram `a b c`: only where both its bigrams are among
/// the archive's most frequent ([`FREQUENT_BIGRAMS`], a table fixed in the code). A phrase of
/// two bigrams reads the positions of every message holding both, which costs where both are
/// frequent; where one is rare, the phrase is cheap and the trigram would only cost index.
fn holds_trigram(a: char, b: char, c: char) -> bool {
    let frequent = |x: char, y: char| FREQUENT_BIGRAMS.binary_search(&((u64::from(x) << 32) | u64::from(y))).is_ok();
    frequent(a, b) && frequent(b, c)
}

/// The trigram of two CJK bigrams where the second continues the first (`支付`, `付宝` →
/// `支付宝`), when the `tri` field holds it (see [`holds_trigram`]); `None` for anything else.
/// The query side asks this too, so it looks up a trigram exactly where the index holds it.
pub fn indexed_trigram(first: &str, second: &str) -> Option<String> {
    let (mut a, mut b) = (first.chars(), second.chars());
    let (a0, a1, b0, b1) = (a.next()?, a.next()?, b.next()?, b.next()?);
    let bigrams = a.next().is_none() && b.next().is_none() && [a0, a1, b1].into_iter().all(is_cjk);
    (bigrams && a1 == b0 && holds_trigram(a0, a1, b1)).then(|| [a0, a1, b1].into_iter().collect())
}

/// The trigrams of `text`, folded, that the `tri` field holds, as tantivy tokens (a field
/// without positions: the positions only count the tokens; no offsets). The same as
/// [`trigrams`] of the folded text's grams, from one scan of its characters: every three
/// neighbouring characters of a CJK run, where [`holds_trigram`] keeps them.
pub fn trigram_tokens(text: &str) -> Vec<Token> {
    let folded = crate::normalise::normalise(text);
    let mut out = Vec::new();
    // The two characters before `c` when both are CJK (and so in the same run as a CJK `c`).
    let mut before: Option<(char, char)> = None;
    let mut last: Option<char> = None;
    for c in folded.text.chars() {
        if !is_cjk(c) {
            (before, last) = (None, None);
            continue;
        }
        if let Some((a, b)) = before.filter(|&(a, b)| holds_trigram(a, b, c)) {
            let text: String = [a, b, c].into_iter().collect();
            out.push(Token { offset_from: 0, offset_to: 0, position: out.len(), text, position_length: 1 });
        }
        before = last.map(|b| (b, c));
        last = Some(c);
    }
    out
}

/// What a query term needs from the `grams` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermGrams {
    /// Grams with their offsets from the first: the phrase to find.
    pub grams: Vec<(usize, String)>,
    /// The last gram is a single CJK character ending the term, which the text may continue:
    /// it matches as a prefix (its unigram, or any bigram it starts).
    pub prefix: bool,
}

/// The forms of a term to look for, folded: its parts joined by a separator, or where a CJK
/// character or a symbol meets the separator, either by one or by none (see the module doc).
/// Past the limit of optional separators, parts are joined as the term joins them.
pub fn term_variants(term: &str) -> Vec<String> {
    let folded = crate::normalise::fold(term);
    let parts = crate::text::term_pieces(&folded);
    let mut variants = vec![parts.first().map_or(String::new(), |(p, _)| (*p).to_owned())];
    let mut optional = 0;
    for pair in parts.windows(2) {
        let ((before, _), (part, gap)) = (pair[0], pair[1]);
        let latin_both =
            before.chars().next_back().is_some_and(is_word_char) && part.chars().next().is_some_and(is_word_char);
        let both = !latin_both && optional < MAX_OPTIONAL_SEPARATORS;
        optional += usize::from(both);
        let mut next = Vec::with_capacity(variants.len() * 2);
        for v in variants {
            if both || !gap {
                next.push(format!("{v}{part}"));
            }
            if both || gap {
                next.push(format!("{v}{SEPARATOR}{part}"));
            }
        }
        variants = next;
    }
    variants.retain(|v| !v.is_empty());
    variants
}

/// The first Latin word of `text` (a run of word characters, as the grams read it) longer
/// than [`MAX_TOKEN_BYTES`] once folded: no index holds such a word, so no search finds it.
pub fn overlong_word(text: &str) -> Option<&str> {
    text.split(|c: char| !is_word_char(c))
        .find(|w| w.chars().flat_map(char::to_lowercase).map(char::len_utf8).sum::<usize>() > MAX_TOKEN_BYTES)
}

/// The grams of one (folded) variant of a query term (implied unigrams dropped).
pub fn query_grams(term: &str) -> TermGrams {
    let grams: Vec<Gram> = grams(term).into_iter().filter(|g| !g.implied).collect();
    let first = grams.first().map_or(0, |g| g.position);
    let ends_in_cjk = term.trim_end().chars().next_back().is_some_and(is_cjk);
    let prefix = ends_in_cjk && grams.last().is_some_and(|g| g.text.chars().count() == 1 && g.text.chars().all(is_cjk));
    TermGrams { grams: grams.into_iter().map(|g| (g.position - first, g.text)).collect(), prefix }
}

/// The grams of `text`, folded, as tantivy tokens (the writer pre-tokenizes with this in
/// parallel).
pub fn gram_tokens(text: &str) -> Vec<Token> {
    let folded = crate::normalise::normalise(text);
    grams(&folded.text)
        .into_iter()
        .map(|g| Token {
            offset_from: folded.original(g.from),
            offset_to: folded.original(g.to),
            position: g.position,
            text: g.text,
            position_length: 1,
        })
        .collect()
}

/// A tantivy tokenizer whose tokens are those of a function: [`GRAM_TOKENIZER`] for the
/// `grams` field, [`TRIGRAM_TOKENIZER`] for the `tri` field.
#[derive(Clone, Copy)]
pub struct CutTokenizer(fn(&str) -> Vec<Token>);

/// The tantivy tokenizer for the `grams` field ([`gram_tokens`]).
pub const GRAM_TOKENIZER: CutTokenizer = CutTokenizer(gram_tokens);
/// The tantivy tokenizer for the `tri` field ([`trigram_tokens`]).
pub const TRIGRAM_TOKENIZER: CutTokenizer = CutTokenizer(trigram_tokens);

impl Tokenizer for CutTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new((self.0)(text))
    }
}

/// Whether `word` is one of the payments words jieba is taught.
pub fn is_payments_word(word: &str) -> bool {
    USER_WORDS.contains(&word)
}

/// Builds jieba with its default dictionary, the payments words and `extra` (topic keywords).
pub fn build_jieba<'a>(extra: impl IntoIterator<Item = &'a str>) -> Jieba {
    let mut jieba = Jieba::new();
    for w in USER_WORDS.iter().copied().chain(extra) {
        if w.chars().any(is_cjk) {
            jieba.add_word(w, None, None);
        }
    }
    jieba
}

/// jieba search-mode words of `text`, folded, as tantivy tokens.
pub fn jieba_tokens(jieba: &Jieba, text: &str) -> Vec<Token> {
    let folded = crate::normalise::normalise(text);
    jieba
        .cut_for_search(&folded.text, true)
        .into_iter()
        .filter(|t| t.word.chars().any(|c| is_cjk(c) || is_word_char(c)) && t.word.len() <= MAX_TOKEN_BYTES)
        .enumerate()
        .map(|(position, t)| Token {
            offset_from: folded.original(t.byte_start),
            offset_to: folded.original(t.byte_end),
            position,
            text: t.word.to_owned(),
            position_length: 1,
        })
        .collect()
}

/// jieba with its extra words, loaded on a thread of its own once [`LazyJieba::start`] is
/// called (its dictionary takes ~100 ms to load: the writer starts it as soon as it knows it
/// has logs to index, and checks the index meanwhile). Whoever needs it waits in
/// [`LazyJieba::get`] until it is ready, or loads it there if nothing started it.
pub struct LazyJieba {
    jieba: OnceLock<Jieba>,
    extra: Vec<String>,
    started: AtomicBool,
}

impl LazyJieba {
    pub fn new(extra: Vec<String>) -> Arc<LazyJieba> {
        Arc::new(LazyJieba { jieba: OnceLock::new(), extra, started: AtomicBool::new(false) })
    }

    /// Starts loading in the background (once; later calls do nothing).
    pub fn start(self: &Arc<Self>) {
        if !self.started.swap(true, Ordering::AcqRel) {
            let me = Arc::clone(self);
            std::thread::spawn(move || {
                me.get();
            });
        }
    }

    /// jieba, waiting for the load if it is under way.
    pub fn get(&self) -> &Jieba {
        self.jieba.get_or_init(|| build_jieba(self.extra.iter().map(String::as_str)))
    }
}

/// The tantivy tokenizer for the `body` (ranking) field.
#[derive(Clone)]
pub struct JiebaTokenizer(pub Arc<LazyJieba>);

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(jieba_tokens(self.0.get(), text))
    }
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    /// Index of the current token plus one (0 before the first `advance`).
    next: usize,
}

impl VecTokenStream {
    fn new(tokens: Vec<Token>) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(usize, String)> {
        grams(s).into_iter().map(|g| (g.position, g.text)).collect()
    }

    /// The keywords the taxonomy dropped in 2026-12 (签约, 刷卡, oracle, 限额) stay payments vocabulary,
    /// so that dropping them does not change which words a pasted question keys on (held-out
    /// pasted nDCG@10 fell 0.613 → 0.605 without this: H01 keys on 签约).
    #[test]
    fn words_the_taxonomy_dropped_stay_payments_vocabulary() {
        let taxonomy = crate::topics::Taxonomy::builtin();
        for w in ["签约", "刷卡", "oracle", "限额"] {
            assert!(!taxonomy.keywords().any(|k| k == w), "{w} is a topic keyword again: drop it here");
            assert!(is_payments_word(w), "{w}");
        }
    }

    #[test]
    fn cjk_runs_are_bigrams_plus_the_final_unigram() {
        let t = texts("断直连");
        let expect: Vec<(usize, String)> =
            [(0, "断直"), (1, "直连"), (2, "连")].iter().map(|(p, s)| (*p, s.to_string())).collect();
        assert_eq!(t, expect);
        assert_eq!(texts("网"), vec![(0, "网".to_owned())]);
    }

    fn q(term: &str) -> (Vec<(usize, &'static str)>, bool) {
        let g = query_grams(term);
        let grams = g.grams.into_iter().map(|(o, t)| (o, &*Box::leak(t.into_boxed_str()))).collect();
        (grams, g.prefix)
    }

    #[test]
    fn query_grams_are_the_bigrams_or_a_prefix_char() {
        assert_eq!(q("断直连"), (vec![(0, "断直"), (1, "直连")], false));
        assert_eq!(q("网"), (vec![(0, "网")], true));
        assert_eq!(q("POS"), (vec![(0, "pos")], false));
        assert_eq!(q("pos机"), (vec![(0, "pos"), (1, "机")], true));
        // A single character followed by a Latin word ends its run in any text that matches.
        assert_eq!(q("机pos"), (vec![(0, "机"), (1, "pos")], false));
        assert_eq!(q("机器pos"), (vec![(0, "机器"), (2, "pos")], false));
        assert!(q("，。!").0.is_empty());
    }

    #[test]
    fn separators_break_phrases() {
        // "断直 直连" must not match the phrase for 断直连.
        let g = texts("断直 直连");
        let p1 = g.iter().find(|(_, t)| t == "断直").unwrap().0;
        let p2 = g.iter().find(|(_, t)| t == "直连").unwrap().0;
        assert_ne!(p2 - p1, 1);
        // Adjacent Latin and CJK stay adjacent.
        let g = texts("POS机");
        assert_eq!(g, vec![(0, "pos".into()), (1, "机".into())]);
    }

    #[test]
    fn offsets_point_at_the_source_text() {
        let s = "哈 API网联";
        for g in grams(s).into_iter().filter(|g| g.text != SEPARATOR) {
            assert_eq!(s[g.from..g.to].to_lowercase(), g.text);
        }
        let s = "ＰＯＳ機";
        let spans: Vec<&str> = gram_tokens(s).iter().map(|t| &s[t.offset_from..t.offset_to]).collect();
        assert_eq!(spans, vec!["ＰＯＳ", "機"]);
    }

    #[test]
    fn a_run_of_separators_is_one_separator_token() {
        assert_eq!(
            texts("快捷，， 支付"),
            vec![(0, "快捷".into()), (1, "捷".into()), (2, SEPARATOR.into()), (3, "支付".into()), (4, "付".into())]
        );
        assert_eq!(texts("t-1"), vec![(0, "t".into()), (1, SEPARATOR.into()), (2, "1".into())]);
    }

    #[test]
    fn symbols_are_tokens_of_their_own() {
        assert_eq!(texts("t+1"), vec![(0, "t".into()), (1, "+".into()), (2, "1".into())]);
        assert_eq!(
            texts("t + 1"),
            vec![(0, "t".into()), (1, SEPARATOR.into()), (2, "+".into()), (3, SEPARATOR.into()), (4, "1".into())]
        );
        assert_eq!(texts("c++"), vec![(0, "c".into()), (1, "+".into()), (2, "+".into())]);
        assert_eq!(texts("用c#"), vec![(0, "用".into()), (1, "c".into()), (2, "#".into())]);
        // `T+1` is found written with or without spaces around `+`, never as `T-1` or `T 1`.
        assert_eq!(term_variants("T+1"), vec!["t+1", "t+ 1", "t +1", "t + 1"]);
        assert_eq!(term_variants("c++").len(), 4);
        assert_eq!(q("c++"), (vec![(0, "c"), (1, "+"), (2, "+")], false));
        // Past the limit, a symbol stays joined as typed.
        let many = "1+1+1+1+1+1+1+1+1";
        let variants = term_variants(many);
        assert_eq!(variants.len(), 1 << MAX_OPTIONAL_SEPARATORS);
        assert!(variants.contains(&many.to_owned()), "{variants:?}");
    }

    #[test]
    fn term_variants_make_cjk_separators_optional() {
        assert_eq!(term_variants("快捷 支付"), vec!["快捷支付", "快捷 支付"]);
        assert_eq!(term_variants("快捷，支付"), vec!["快捷支付", "快捷 支付"]);
        assert_eq!(term_variants("Ｔ＋１")[0], "t+1");
        assert_eq!(term_variants("pos 机"), vec!["pos机", "pos 机"]);
        assert_eq!(term_variants("網聯"), vec!["网联"]);
        assert!(term_variants("，。").is_empty());
        let many = "甲 乙 丙 丁 戊 己 庚 辛 壬";
        assert_eq!(term_variants(many).len(), 1 << MAX_OPTIONAL_SEPARATORS);
    }

    #[test]
    fn overlong_latin_tokens_are_skipped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(texts(&format!("{long} pos")), vec![(0, "pos".into())]);
        assert_eq!(overlong_word(&format!("对账 {long}-x")), Some(long.as_str()));
        assert_eq!(overlong_word(&"a".repeat(MAX_TOKEN_BYTES)), None);
    }

    #[test]
    fn lazy_jieba_loads_once_with_its_extra_words() {
        let lazy = LazyJieba::new(vec!["幂等键".to_owned()]);
        lazy.start();
        lazy.start();
        let words: Vec<String> = jieba_tokens(lazy.get(), "幂等键怎么设计").into_iter().map(|t| t.text).collect();
        assert!(words.contains(&"幂等键".to_owned()), "{words:?}");
        assert!(std::ptr::eq(lazy.get(), lazy.get()));
    }

    #[test]
    fn trigrams_are_the_phrases_of_two_frequent_bigrams_in_one_run() {
        let tri = |s: &str| trigrams(&grams(s)).collect::<Vec<String>>();
        assert_eq!(tri("支付宝"), vec!["支付宝"]);
        // Overlapping occurrences count as the phrase counts them: 哈哈哈 twice in 哈哈哈哈.
        assert_eq!(tri("哈哈哈哈"), vec!["哈哈哈", "哈哈哈"]);
        assert!(tri("支付 宝").is_empty() && tri("支付pos宝付").is_empty() && tri("支付").is_empty());
        // 用支 and 宝支 are not frequent bigrams: 用支付 and 付宝支 are not held.
        assert_eq!(tri("用支付宝，付宝支"), vec!["支付宝"]);
        assert_eq!(indexed_trigram("支付", "付宝").as_deref(), Some("支付宝"));
        assert_eq!(indexed_trigram("银行", "行卡").as_deref(), Some("银行卡"));
        assert_eq!(indexed_trigram("付宝", "宝支"), None);
        assert_eq!(indexed_trigram("支付", "宝付"), None);
        assert_eq!(indexed_trigram("po", "os"), None);
        assert_eq!(indexed_trigram("支", "支付"), None);
        let spans: Vec<String> = trigram_tokens("ＡＢ支付寶").into_iter().map(|t| t.text).collect();
        assert_eq!(spans, vec!["支付宝"]);
    }

    /// The seven terms of three characters in `../shared/queries.txt` are looked up as
    /// trigrams (the table was sized to hold their bigrams: the rarest, 布式, is the 834th).
    #[test]
    fn the_benchmark_terms_of_three_characters_have_trigrams() {
        for term in ["备付金", "二维码", "手续费", "支付宝", "银行卡", "分布式", "数据库"] {
            let c: Vec<char> = term.chars().collect();
            assert!(holds_trigram(c[0], c[1], c[2]), "{term}");
        }
        assert!(FREQUENT_BIGRAMS.windows(2).all(|w| w[0] < w[1]), "sorted, for the binary search");
    }

    proptest::proptest! {
        /// A held trigram stands exactly where tantivy finds the phrase of its two bigrams (a
        /// bigram at some position, the other at the next), as many times; the tokenizer's
        /// scan of the characters finds the same trigrams as the grams do.
        #[test]
        fn trigrams_stand_where_the_bigram_phrase_matches(text in "[支付宝哈行银卡寶 a+，\u{200b}]{0,40}") {
            let g = grams(&text);
            let mut expected: Vec<String> = Vec::new();
            for a in &g {
                for b in g.iter().filter(|b| b.position == a.position + 1) {
                    let cjk_bigram = |t: &str| t.chars().count() == 2 && t.chars().all(is_cjk);
                    if cjk_bigram(&a.text) && cjk_bigram(&b.text) {
                        let c: Vec<char> = format!("{}{}", a.text, b.text).chars().collect();
                        if holds_trigram(c[0], c[1], c[3]) {
                            expected.push(format!("{}{}", a.text, b.text));
                        }
                    }
                }
            }
            let found: Vec<String> = trigrams(&g).collect();
            let mut spans: Vec<String> = found
                .iter()
                .map(|t| {
                    let c: Vec<char> = t.chars().collect();
                    format!("{}{}{}{}", c[0], c[1], c[1], c[2])
                })
                .collect();
            expected.sort();
            spans.sort();
            proptest::prop_assert_eq!(spans, expected);
            let folded = crate::normalise::normalise(&text).text;
            let tokens: Vec<String> = trigram_tokens(&text).into_iter().map(|t| t.text).collect();
            proptest::prop_assert_eq!(tokens, trigrams(&grams(&folded)).collect::<Vec<String>>());
        }
    }

    #[test]
    fn token_stream_yields_every_token() {
        let mut tok = GRAM_TOKENIZER;
        let mut stream = tok.token_stream("网联");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, vec!["网联", "联"]);
    }
}
