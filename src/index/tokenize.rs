//! The two tokenizers behind the two body fields.
//!
//! * `grams` (recall): every pair of neighbouring CJK characters as a bigram (pair (i, i+1) at
//!   position i) and the last character of each CJK run as a unigram, plus lowercased Latin
//!   words. A CJK substring of two or more characters is the phrase of its bigrams; a single
//!   character `c` is found as the unigram `c` or any bigram `c?` (a prefix), so the index
//!   finds exactly what a substring search finds, whatever a segmenter would have done
//!   (Meilisearch #2499, #4874), with one token per character.
//!   Separators between tokens widen the position gap so that a phrase never spans them.
//! * `jieba` (ranking): jieba-rs search-mode words, lowercased. It needs jieba's dictionary
//!   (~110 ms to load), so only the writer builds it; queries use plain terms on this field.

use crate::text::{is_cjk, is_word_char};
use jieba_rs::Jieba;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub const GRAMS: &str = "chatlore_grams";
pub const JIEBA: &str = "chatlore_jieba";

/// Tokens longer than this (base64 blobs, URLs without separators) are not indexed.
const MAX_TOKEN_BYTES: usize = 255;
/// Extra positions between tokens that a separator (space, punctuation) stands between.
const SEPARATOR_GAP: usize = 2;

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
            let base = next_position(&mut pos, &mut emitted, &mut gap);
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
                let position = next_position(&mut pos, &mut emitted, &mut gap);
                out.push(Gram { text: word, position, from: i, to: end, implied: false });
                pos = position;
            } else {
                gap = true;
            }
        } else {
            gap = true;
            chars.next();
        }
    }
    out
}

fn next_position(pos: &mut usize, emitted: &mut bool, gap: &mut bool) -> usize {
    let p = if !*emitted {
        0
    } else if *gap {
        *pos + 1 + SEPARATOR_GAP
    } else {
        *pos + 1
    };
    *emitted = true;
    *gap = false;
    p
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

/// The grams of a query term (implied unigrams dropped).
pub fn query_grams(term: &str) -> TermGrams {
    let grams: Vec<Gram> = grams(term).into_iter().filter(|g| !g.implied).collect();
    let first = grams.first().map_or(0, |g| g.position);
    let ends_in_cjk = term.trim_end().chars().next_back().is_some_and(is_cjk);
    let prefix = ends_in_cjk && grams.last().is_some_and(|g| g.text.chars().count() == 1 && g.text.chars().all(is_cjk));
    TermGrams { grams: grams.into_iter().map(|g| (g.position - first, g.text)).collect(), prefix }
}

/// The grams of `text` as tantivy tokens (the writer pre-tokenizes with this in parallel).
pub fn gram_tokens(text: &str) -> Vec<Token> {
    grams(text)
        .into_iter()
        .map(|g| Token { offset_from: g.from, offset_to: g.to, position: g.position, text: g.text, position_length: 1 })
        .collect()
}

/// The tantivy tokenizer for the `grams` field.
#[derive(Clone, Default)]
pub struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(gram_tokens(text))
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

/// jieba search-mode words of `text`, lowercased, as tantivy tokens.
pub fn jieba_tokens(jieba: &Jieba, text: &str) -> Vec<Token> {
    jieba
        .cut_for_search(text, true)
        .into_iter()
        .filter(|t| t.word.chars().any(|c| is_cjk(c) || is_word_char(c)) && t.word.len() <= MAX_TOKEN_BYTES)
        .enumerate()
        .map(|(position, t)| Token {
            offset_from: t.byte_start,
            offset_to: t.byte_end,
            position,
            text: t.word.to_lowercase(),
            position_length: 1,
        })
        .collect()
}

/// The tantivy tokenizer for the `body` (ranking) field.
#[derive(Clone)]
pub struct JiebaTokenizer(pub Arc<Jieba>);

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::new(jieba_tokens(&self.0, text))
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
        for g in grams(s) {
            assert_eq!(s[g.from..g.to].to_lowercase(), g.text);
        }
    }

    #[test]
    fn overlong_latin_tokens_are_skipped() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(texts(&format!("{long} pos")), vec![(0, "pos".into())]);
    }

    #[test]
    fn token_stream_yields_every_token() {
        let mut tok = GramTokenizer;
        let mut stream = tok.token_stream("网联");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, vec!["网联", "联"]);
    }
}
