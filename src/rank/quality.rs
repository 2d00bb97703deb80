//! A message's *quality*: how likely a payments PM is to find it worth reading, whatever they
//! searched for. A logistic regression over the message's words, learned from the hand
//! judgments of the read needs (`benches/quality_cv.py` trains it and writes `quality.tsv`;
//! BENCHMARKS.md, *Session 27*). Computed once per message when indexing and kept as a fast
//! field; a typed search adds [`super::QUALITY_WEIGHT`] times it to a hit's key.
//!
//! A message's words are its CJK character bigrams (a lone CJK character as itself) and its
//! Latin words, [`crate::normalise::fold`]ed, each counted once, read where [`super::substance`]
//! reads (emoji codes, mentions and URLs left out). The model's value is its intercept plus
//! the weights of the words it knows divided by the square root of the number of words the
//! message has (a binary bag of words, normalised to length 1).

use super::{read_among, Piece};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// The model: a first line `#intercept<TAB>value` (`#` is in no word), then `word<TAB>weight`,
/// one per line. Part of the index's fingerprint: an index built with another model is rebuilt.
pub(crate) const MODEL: &str = include_str!("quality.tsv");

/// The distinct words of `text` the model reads, sorted, with mentions read knowing the
/// `known` nicknames with white space (as [`super::substance_among`]).
pub fn words_among<S: AsRef<str>>(text: &str, known: &[S]) -> Vec<String> {
    let mut words = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, words: &mut Vec<String>| {
        let folded: Vec<char> = crate::normalise::fold(run).chars().collect();
        match folded.len() {
            0 => {}
            1 => words.push(folded[0].to_string()),
            _ => words.extend(folded.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    };
    read_among(text, known, |piece| match piece {
        Piece::Cjk(c) => run.push(c),
        Piece::Word(w) => {
            flush(&mut run, &mut words);
            words.push(crate::normalise::fold(w));
        }
        Piece::Gap => flush(&mut run, &mut words),
    });
    flush(&mut run, &mut words);
    words.sort_unstable();
    words.dedup();
    words
}

/// The model's value for `text` (a log-odds; about −3 to 3), mentions read as
/// [`words_among`] reads them.
pub fn quality_among<S: AsRef<str>>(text: &str, known: &[S]) -> f32 {
    let (intercept, weights) = model();
    let words = words_among(text, known);
    if words.is_empty() {
        return *intercept;
    }
    let sum: f32 = words.iter().filter_map(|w| weights.get(w.as_str())).sum();
    intercept + sum / (words.len() as f32).sqrt()
}

/// The model, parsed once per process (only an index's writer reads it).
fn model() -> &'static (f32, FxHashMap<&'static str, f32>) {
    static MODEL_PARSED: OnceLock<(f32, FxHashMap<&'static str, f32>)> = OnceLock::new();
    MODEL_PARSED.get_or_init(|| parse(MODEL))
}

/// [`MODEL`]'s intercept and weights. A line that is not `word<TAB>number` is a defect of the
/// generated file, caught by a test; here it is skipped.
fn parse(text: &'static str) -> (f32, FxHashMap<&'static str, f32>) {
    let mut intercept = 0.0;
    let mut weights = FxHashMap::default();
    for line in text.lines() {
        let Some((word, weight)) = line.split_once('\t') else { continue };
        let Ok(weight) = weight.parse::<f32>() else { continue };
        if word == "#intercept" {
            intercept = weight;
        } else {
            weights.insert(word, weight);
        }
    }
    (intercept, weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_file_is_well_formed() {
        let mut lines = MODEL.lines();
        let first = lines.next().unwrap();
        assert!(first.starts_with("#intercept\t"), "{first}");
        let mut n = 0;
        for line in std::iter::once(first).chain(lines) {
            let (word, weight) = line.split_once('\t').unwrap_or_else(|| panic!("no tab: {line:?}"));
            assert!(!word.is_empty() && !word.contains(char::is_whitespace), "{line:?}");
            assert!(word == "#intercept" || !word.contains('#'), "{line:?}");
            assert!(weight.parse::<f32>().is_ok_and(f32::is_finite), "{line:?}");
            n += 1;
        }
        assert_eq!(model().1.len() + 1, n, "a word is listed twice");
    }

    /// What README.md says of the model, *Ranking*, *Worth reading*.
    #[test]
    fn the_words_of_answers_lift_and_those_of_chatter_sink() {
        let weights = &model().1;
        for w in ["银行", "收单", "接口", "如果", "失败", "一般", "原因"] {
            assert!(weights.get(w).is_some_and(|&x| x > 0.5), "{w}: {:?}", weights.get(w));
        }
        for w in ["分享", "大家", "群里", "哈哈", "市场", "有没"] {
            assert!(weights.get(w).is_some_and(|&x| x < -0.5), "{w}: {:?}", weights.get(w));
        }
    }

    #[test]
    fn words_are_folded_bigrams_and_latin_words_without_mentions_codes_or_urls() {
        let words = words_among("@张三?对賬文件 T+1 POS[捂脸] 见 https://x.cn/a", &[] as &[&str]);
        assert_eq!(words, ["1", "pos", "t", "对账", "文件", "见", "账文"]);
        assert!(words_among("[捂脸]@张三?", &[] as &[&str]).is_empty());
    }

    #[test]
    fn a_known_nickname_with_spaces_is_not_read() {
        let words = words_among("@马骁-四方科技 技术总监?对账", &["马骁-四方科技 技术总监"]);
        assert_eq!(words, ["对账"]);
    }

    #[test]
    fn quality_is_the_intercept_plus_known_weights_over_the_root_of_the_word_count() {
        let (intercept, weights) = model();
        assert_eq!(quality_among("[捂脸]", &[] as &[&str]), *intercept);
        let text = "对账文件怎么解析";
        let words = words_among(text, &[] as &[&str]);
        let sum: f32 = words.iter().filter_map(|w| weights.get(w.as_str())).sum();
        let want = intercept + sum / (words.len() as f32).sqrt();
        assert!((quality_among(text, &[] as &[&str]) - want).abs() < 1e-6);
    }
}
