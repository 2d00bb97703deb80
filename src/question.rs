//! Questions pasted whole ("长款短款差错怎么处理"): a query that reads as a sentence is cut
//! into words with jieba and reduced to its key terms (question and stop words dropped), which
//! search then ranks messages by covering (see `Engine::search`).
//!
//! jieba's dictionary costs a noticeable load, so only a query that [`crate::query::Query::reads_as_question`]
//! pays for it.

use crate::query::{either_way, QUESTION_WORDS};
use crate::text::{is_cjk, is_word_char};
use jieba_rs::Jieba;
use std::collections::hash_map::{Entry, HashMap};

/// Words that carry no subject besides the [`QUESTION_WORDS`]: pronouns, particles,
/// auxiliaries, and verbs any question might use.
const STOP_WORDS: &[&str] = &[
    "怎么样",
    "吧",
    "啊",
    "呀",
    "的",
    "地",
    "得",
    "了",
    "着",
    "过",
    "和",
    "与",
    "及",
    "或",
    "或者",
    "还是",
    "跟",
    "同",
    "对",
    "对于",
    "关于",
    "把",
    "被",
    "在",
    "从",
    "向",
    "到",
    "给",
    "用",
    "以",
    "为",
    "按",
    "按照",
    "通过",
    "是",
    "有",
    "没有",
    "要",
    "会",
    "能",
    "能够",
    "可以",
    "可能",
    "应该",
    "需要",
    "做",
    "搞",
    "弄",
    "办",
    "进行",
    "处理",
    "一般",
    "通常",
    "一下",
    "一些",
    "一个",
    "这个",
    "那个",
    "这些",
    "那些",
    "这",
    "那",
    "哪",
    "我",
    "我们",
    "你",
    "你们",
    "他",
    "他们",
    "它",
    "大家",
    "谁",
    "自己",
    "都",
    "也",
    "还",
    "又",
    "就",
    "才",
    "很",
    "太",
    "更",
    "最",
    "比较",
    "请问",
    "请教",
    "问",
    "问下",
    "问一下",
    "想",
    "想问",
    "知道",
    "了解",
    "有人",
    "各位",
    "大神",
    "之间",
    "时候",
    "情况",
    "方面",
    "问题",
    "其他",
    "等",
    "等等",
    "什么样",
    "区别",
    "影响",
    "作用",
    "意思",
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "or",
    "in",
    "on",
    "for",
    "with",
    "is",
    "are",
    "how",
    "what",
    "why",
    "which",
    "who",
    "do",
    "does",
    "can",
    "should",
    "we",
    "you",
    "i",
    // English function words (a question pasted in English: `what happens if the rate is too
    // high` weighed `if` as jargon, and ranked Java code first).
    "be",
    "been",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "if",
    "when",
    "where",
    "then",
    "than",
    "so",
    "too",
    "very",
    "much",
    "many",
    "any",
    "some",
    "our",
    "your",
    "my",
    "me",
    "us",
    "they",
    "them",
    "their",
    "was",
    "were",
    "will",
    "would",
    "could",
    "may",
    "might",
    "must",
    "has",
    "have",
    "had",
    "get",
    "did",
    "done",
    "by",
    "from",
    "as",
    "at",
    "about",
    "into",
    "not",
    "no",
    "but",
    "also",
    "all",
    "each",
    "other",
    "more",
    "most",
    "happen",
    "happens",
    "difference",
    "between",
];

/// A key term of a question and how much it says about the subject (before its rarity).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    pub term: String,
    pub weight: f32,
    /// For a compound of two key words ("对账" + "文件"), their places in the list.
    pub parts: Option<(usize, usize)>,
}

/// Weight of a term of the payments vocabulary (`domain`): the subject of the question.
const DOMAIN: f32 = 2.0;
/// Weight of a verb, adjective or adverb ("避免", "选择"): how the question asks, not what about.
const MANNER: f32 = 0.5;

/// The key terms of a question, in order, without repeats: jieba's words without stop words
/// and punctuation, terms of the payments vocabulary (`domain`) weighted up, verbs and
/// modifiers down, jargon jieba does not know weighted as vocabulary. Runs of single
/// characters jieba could not place are joined back into one term ("二/清" → "二清"), and a
/// numeral joins the word after it ("四/要素" → "四要素"), so an unknown compound is not lost.
/// Two key words written next to each other also make a compound key ("对账" + "文件" →
/// "对账文件"), weighted as the heavier of the two: a message holding the compound covers
/// more of the question.
///
/// Latin words that spell one glossary form together (`runs`: how many of the words given,
/// from the first, do; see [`crate::glossary::Glossary::longest_run`]) are one key, as in a
/// typed query: `cross border` in "how to handle cross border settlement?".
pub(crate) fn key_terms(
    jieba: &Jieba,
    text: &str,
    domain: &dyn Fn(&str) -> bool,
    runs: &dyn Fn(&[&str]) -> usize,
) -> Vec<Key> {
    // (word, jieba's part of speech, whether it directly follows the previous key word)
    let mut words: Vec<(String, &str, bool)> = Vec::new();
    let mut run = String::new();
    let mut adjacent = false;
    let flush = |run: &mut String, words: &mut Vec<(String, &str, bool)>, adjacent: &mut bool| {
        if run.chars().count() >= 2 && !either_way(run) {
            words.push((std::mem::take(run), "x", *adjacent));
            *adjacent = true;
        } else if !run.is_empty() {
            *adjacent = false;
        }
        run.clear();
    };
    for (word, pos) in joined_runs(jieba, text, runs) {
        let word = word.trim().to_lowercase();
        let has_content = word.chars().any(|c| is_cjk(c) || is_word_char(c));
        let stop = QUESTION_WORDS.contains(&word.as_str()) || STOP_WORDS.contains(&word.as_str()) || either_way(&word);
        let single_cjk = word.chars().count() == 1 && word.chars().all(is_cjk);
        if has_content && !stop && single_cjk {
            run.push_str(&word);
            continue;
        }
        if has_content && !stop && run.chars().count() == 1 && run.chars().all(|c| "一二三四五六七八九十两".contains(c))
        {
            words.push((std::mem::take(&mut run) + &word, "x", adjacent));
            adjacent = true;
            continue;
        }
        flush(&mut run, &mut words, &mut adjacent);
        if has_content && !stop && !(word.chars().all(|c| !is_cjk(c)) && word.chars().count() < 2) {
            words.push((word, pos, adjacent));
            adjacent = true;
        } else {
            adjacent = false;
        }
    }
    flush(&mut run, &mut words, &mut adjacent);
    let weight_of = |term: &str, tag: &str| {
        // A word jieba only knows as single characters, or a Latin word in a Chinese question,
        // is jargon ("二清", "chargeback"): the subject, like the payments vocabulary.
        if domain(term) || tag == "x" || tag == "eng" {
            DOMAIN
        } else if tag.starts_with('v') && tag != "vn" || tag.starts_with('a') || tag.starts_with('d') {
            MANNER
        } else {
            1.0
        }
    };
    let mut out: Vec<Key> = Vec::new();
    // Each term's place in `out`, found without a scan (a scan per word was quadratic: 0.2 s
    // for a "question" of 20,000 words).
    let mut places: HashMap<String, usize> = HashMap::new();
    let mut push = |out: &mut Vec<Key>, term: String, weight: f32, parts: Option<(usize, usize)>| {
        if let Entry::Vacant(e) = places.entry(term.clone()) {
            e.insert(out.len());
            out.push(Key { term, weight, parts });
        }
    };
    for (term, tag, _) in &words {
        push(&mut out, term.clone(), weight_of(term, tag), None);
    }
    // Every word is placed now, and its place stays.
    let place: HashMap<&str, usize> = out.iter().enumerate().map(|(i, k)| (k.term.as_str(), i)).collect();
    let mut compounds = Vec::new();
    for pair in words.windows(2) {
        let ((a, a_tag, _), (b, b_tag, next)) = (&pair[0], &pair[1]);
        if *next && a.chars().all(is_cjk) && b.chars().all(is_cjk) {
            let parts = place.get(a.as_str()).copied().zip(place.get(b.as_str()).copied());
            compounds.push((format!("{a}{b}"), weight_of(a, a_tag).max(weight_of(b, b_tag)), parts));
        }
    }
    for (term, weight, parts) in compounds {
        push(&mut out, term, weight, parts);
    }
    out
}

/// The words jieba cuts `text` into, with their parts of speech, each run of Latin words that
/// spells one glossary form (`runs`, as [`key_terms`] takes it) joined into one word of those
/// words separated by a space, tagged `eng`. Only white space, `-` and `_` may stand between
/// the words of a run.
fn joined_runs<'a>(jieba: &'a Jieba, text: &'a str, runs: &dyn Fn(&[&str]) -> usize) -> Vec<(String, &'a str)> {
    let tags = jieba.tag(text, false);
    let latin = |w: &str| !w.is_empty() && w.chars().all(crate::text::is_letter);
    let between = |w: &str| w.chars().all(|c| c.is_whitespace() || c == '-' || c == '_');
    let mut out = Vec::with_capacity(tags.len());
    let mut k = 0;
    while k < tags.len() {
        if latin(tags[k].word) {
            // The Latin words from here, and the index of the tag each is.
            let mut words: Vec<(&str, usize)> = vec![(tags[k].word, k)];
            let mut j = k + 1;
            while words.len() < 8 && j < tags.len() && between(tags[j].word) {
                j += 1;
                while j < tags.len() && between(tags[j].word) {
                    j += 1;
                }
                if j < tags.len() && latin(tags[j].word) {
                    words.push((tags[j].word, j));
                    j += 1;
                } else {
                    break;
                }
            }
            let listed: Vec<&str> = words.iter().map(|&(w, _)| w).collect();
            let n = if words.len() > 1 { runs(&listed) } else { 0 };
            if n >= 2 {
                out.push((listed[..n].join(" "), "eng"));
                k = words[n - 1].1 + 1;
                continue;
            }
        }
        out.push((tags[k].word.to_owned(), tags[k].tag));
        k += 1;
    }
    out
}

/// Adds to `keys` (of a question; `text` is its text folded) the glossary forms written with Latin letters
/// or digits that jieba cut apart and left out (`T+0` → t, +, 0: single letters and signs are
/// no keys), each weighted as vocabulary: one per glossary entry, none where a key already
/// stands for its entry (`D0/T+0` keeps d0 alone: two keys for one concept would weigh it
/// twice) or lies inside it (`II类户` keeps ii and 类户, which recall 二类户 too).
pub(crate) fn add_cut_forms(keys: &mut Vec<Key>, text: &str, entries: &[Vec<String>]) {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    for entry in entries {
        let forms: Vec<String> = entry.iter().map(|f| crate::normalise::fold(f)).collect();
        if keys.iter().any(|k| forms.contains(&k.term)) {
            continue;
        }
        let written = forms.iter().find(|form| {
            form.chars().any(|c| c.is_ascii_alphanumeric())
                && !keys.iter().any(|k| form.contains(k.term.as_str()))
                && text.match_indices(form.as_str()).any(|(at, _)| {
                    let (before, after) = (text[..at].chars().next_back(), text[at + form.len()..].chars().next());
                    let glued_before = alnum(form.chars().next()) && alnum(before);
                    let glued_after = alnum(form.chars().next_back()) && alnum(after);
                    !glued_before && !glued_after
                })
        });
        if let Some(form) = written {
            keys.push(Key { term: form.clone(), weight: DOMAIN, parts: None });
        }
    }
}

/// A question's subject as the glossary names it, for a typed search of it: the forms of the
/// glossary entry (`entries`) that `text` (the question, folded) names at least twice, as it
/// writes them, in order, without repeats (`对账出现长款、短款怎么处理`: 长款 and 短款 of the entry
/// 差错, not 对账; `跨境电商收款怎么结汇、购汇`: 结汇 and 购汇; `冲正是什么，什么情况下要发起冲正`: 冲正);
/// the one named most often, the first of equals. At each place the longest form counts
/// (`外卡收单` is 外卡's entry, not 收单's), places do not overlap, and a form of Latin letters
/// or digits counts only as a whole word. `None` when no entry is named twice: an entry named
/// once may be the subject (`代付（批量付款）业务…`) or a word beside it (`限额` asked about
/// with 快捷支付 named once), and fusing the ranking of the wrong one sinks the answers
/// (measured by taking each need's subject out of the glossary, BENCHMARKS).
pub(crate) fn subject(text: &str, entries: &[Vec<String>]) -> Option<Vec<String>> {
    entry_subject(text, entries).map(|(words, _)| words)
}

/// [`subject`] and how many times the question names its entry.
fn entry_subject(text: &str, entries: &[Vec<String>]) -> Option<(Vec<String>, usize)> {
    let named = named(text, entries);
    let times = |e: usize| named.iter().filter(|n| n.2 == e).count();
    let most = named.iter().map(|n| times(n.2)).max().filter(|&m| m >= 2)?;
    let pick = named.iter().find(|n| times(n.2) == most)?.2;
    let mut words: Vec<String> = Vec::new();
    for &(at, end, _) in named.iter().filter(|n| n.2 == pick) {
        let word = &text[at..end];
        if !words.iter().any(|w| w == word) {
            words.push(word.to_owned());
        }
    }
    Some((words, most))
}

/// A question's subject, searched as typed and fused with its own ranking: the glossary entry
/// it names most often ([`subject`]), unless a key ([`key_subject`] of `keys`) is written more
/// often than that entry is named; where no entry is named twice, that key; `None` for
/// neither. A question asks about what it repeats most: `押金业务…的押金怎么收和退（超过原路退款期限
/// 怎么办，走原路退款还是代付），押金算不算预付费、平台能不能动用押金` names 退款's entry twice
/// (原路退款) in a side question and writes 押金 four times; fused with 原路退款's ranking, its top
/// ten held no message on deposits. Equal counts keep the entry.
pub(crate) fn question_subject(text: &str, keys: &[(&str, f32)], entries: &[Vec<String>]) -> Option<Vec<String>> {
    match (entry_subject(text, entries), key_subject(text, keys, entries)) {
        (Some((_, named)), Some((key, written))) if written > named => Some(vec![key]),
        (Some((words, _)), _) => Some(words),
        (None, key) => key.map(|(key, _)| vec![key]),
    }
}

/// Where `text` (a question, folded) names a glossary entry (`entries`), as [`subject`] counts
/// them: (start, end, entry) of each place, in order; at each place the longest form, places
/// not overlapping, a form of Latin letters or digits only as a whole word.
fn named(text: &str, entries: &[Vec<String>]) -> Vec<(usize, usize, usize)> {
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    // (start, end, entry) of every form written in the text
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for (e, entry) in entries.iter().enumerate() {
        for form in entry.iter().map(|f| crate::normalise::fold(f)).filter(|f| !f.is_empty()) {
            for (at, _) in text.match_indices(form.as_str()) {
                let end = at + form.len();
                let glued_before = alnum(form.chars().next()) && alnum(text[..at].chars().next_back());
                let glued_after = alnum(form.chars().next_back()) && alnum(text[end..].chars().next());
                if !glued_before && !glued_after {
                    found.push((at, end, e));
                }
            }
        }
    }
    // The first place first, the longest form there first, then the glossary's order.
    found.sort_by_key(|&(at, end, e)| (at, std::cmp::Reverse(end), e));
    let mut named: Vec<(usize, usize, usize)> = Vec::new();
    for f in found {
        if named.last().is_none_or(|&(_, end, _)| f.0 >= end) {
            named.push(f);
        }
    }
    named
}

/// General words of payments questions (业务, 风险, 支付, 通道, 结算 …): a question may write one
/// twice without being about it (`支付接口…重复扣款/重复支付`, `多通道…选择通道`), so none is its
/// subject (see [`key_subject`]). The list is paste23's (written from the first 20 judged
/// questions' keys before any figure of it), used unchanged.
const GENERAL_WORDS: &[&str] = &[
    "业务",
    "风险",
    "限制",
    "要求",
    "机构",
    "支付",
    "流程",
    "问题",
    "方式",
    "情况",
    "影响",
    "处理",
    "关系",
    "区别",
    "合作",
    "资质",
    "格式",
    "成本",
    "选择",
    "统计",
    "获取",
    "解析",
    "识别",
    "防控",
    "落地",
    "出现",
    "用途",
    "开立",
    "签约",
    "避免",
    "防止",
    "发起",
    "接口",
    "国内",
    "客户",
    "平台",
    "银行",
    "通道",
    "收入",
    "结算",
    "合规",
    "监管",
    "牌照",
    "手续费",
];

/// A question's subject where the glossary names none twice ([`subject`] is `None`), or none
/// as often (see [`question_subject`]): the key (`keys`: each key term with its weight in the question, as [`weigh`] gives them) that `text`
/// (the question, folded) writes most often, at least twice, among those weighing at least half
/// the heaviest and not [`GENERAL_WORDS`]; the heavier of equals, then the first. Jargon the
/// glossary lacks is what a question repeats when it asks about it (`日切是什么，日切时间怎么定`,
/// `消费分期业务…分期的利息…分期订单`, `黑名单怎么建…反电信欺诈黑名单`); a light or general word
/// written twice (支付, 重复, 通道) says less, and so does any key without Chinese. A write
/// inside a longer glossary form (of `entries`, the longest at each place, as [`subject`] counts
/// them) is that form's, not the key's (`外卡收单怎么做，收单的流程` writes 收单 once: 外卡收单 is
/// 外卡's entry), so a glossary entry [`subject`] found named once is no subject here either.
/// `None` when no key qualifies. With the key, how many times the question writes it.
fn key_subject(text: &str, keys: &[(&str, f32)], entries: &[Vec<String>]) -> Option<(String, usize)> {
    let named = named(text, entries);
    let heaviest = keys.iter().map(|k| k.1).fold(0.0f32, f32::max);
    let mut best: Option<(usize, f32, &str)> = None;
    for &(term, weight) in keys {
        // A key without Chinese is left out: English words are rare in the archive, so every
        // one weighs near the heaviest, and an English question repeats general ones (payment,
        // day, direct) as a Chinese one repeats 支付.
        if !term.chars().any(is_cjk) || weight < 0.5 * heaviest || GENERAL_WORDS.contains(&term) {
            continue;
        }
        let inside_a_longer_form = |at: usize| {
            named.iter().any(|&(start, end, _)| start <= at && at + term.len() <= end && end - start > term.len())
        };
        let times = text.match_indices(term).filter(|&(at, _)| !inside_a_longer_form(at)).count();
        let better = match best {
            None => true,
            Some((t, w, _)) => times > t || times == t && weight > w,
        };
        if times >= 2 && better {
            best = Some((times, weight, term));
        }
    }
    best.map(|(times, _, term)| (term.to_owned(), times))
}

/// `text` (a question) with its Chinese folded as the archive's is ([`crate::normalise::fold`]:
/// traditional characters simplified, 帐 as 账), for cutting it into keys: a traditional
/// question was cut into runs no message holds (`黑名單怎麼建`) and found nothing, and its keys
/// were not what [`key_subject`] counts in the folded text. The rest stays as written (folding
/// `II类户（电子账户）` whole changed how jieba cut a simplified question).
pub(crate) fn chinese_folded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_cjk(c) {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.push_str(&crate::normalise::fold(&run));
            run.clear();
        }
        out.push(c);
    }
    out.pop();
    out
}

/// Key terms of a question counted in the archive at most, in the question's order (its
/// words, then the compounds of two, then the glossary forms jieba cut apart): a "question" of
/// 300 words pasted whole counted every one.
pub(crate) const COUNTED_KEYS: usize = 64;

/// Key terms a question is ranked by at most: the heaviest after rarity, the others weigh
/// nothing (see [`weigh`]).
pub(crate) const MAX_KEYS: usize = 24;

/// The weight of each of `keys` in a question: its own weight times its rarity (`rarity`, one
/// per key, `None` for a term that occurs nowhere, which gets none). A compound ("避免" +
/// "二清") is rarer than its parts but says no more about the question than the heavier of
/// them: it weighs at most what that part weighs (by its rarity alone 避免二清 outweighed 二清).
/// Only the [`MAX_KEYS`] heaviest keep their weight (the first written among equals).
pub(crate) fn weigh(keys: &[Key], rarity: &[Option<f32>]) -> Vec<Option<f32>> {
    let mut weights = weigh_each(keys, rarity);
    let mut heaviest: Vec<usize> = (0..weights.len()).filter(|&k| weights[k].is_some()).collect();
    heaviest.sort_by(|&a, &b| weights[b].partial_cmp(&weights[a]).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b)));
    for &k in heaviest.iter().skip(MAX_KEYS) {
        weights[k] = None;
    }
    weights
}

/// [`weigh`] without the limit on how many keys weigh.
fn weigh_each(keys: &[Key], rarity: &[Option<f32>]) -> Vec<Option<f32>> {
    let own: Vec<Option<f32>> = keys.iter().zip(rarity).map(|(k, r)| r.map(|r| r * k.weight)).collect();
    keys.iter()
        .zip(&own)
        .map(|(key, w)| {
            let part = |i: usize| own.get(i).copied().flatten().unwrap_or(0.0);
            match key.parts {
                Some((a, b)) => w.map(|w| w.min(part(a).max(part(b)))),
                None => *w,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_terms_drop_question_and_stop_words() {
        let jieba = crate::tokenize::build_jieba(["幂等"]);
        let terms = |text| -> Vec<String> {
            key_terms(&jieba, text, &|t| t == "幂等", &|_| 0).into_iter().map(|k| k.term).collect()
        };
        let keys = terms("长款短款差错怎么处理");
        assert!(keys.iter().any(|k| k == "差错"), "{keys:?}");
        assert!(!keys.iter().any(|k| k == "怎么" || k == "处理"), "{keys:?}");
        let keys = terms("支付接口怎么做幂等，防止重复扣款/重复支付");
        assert!(keys.iter().any(|k| k == "幂等"), "{keys:?}");
        assert!(!keys.iter().any(|k| k == "做" || k == "，"), "{keys:?}");
        assert_eq!(keys.iter().filter(|k| *k == "重复").count(), 1, "{keys:?}");
        assert!(terms("四要素鉴权怎么做").contains(&"四要素".to_owned()));
        // English function words are no key either (`if` weighed as jargon, and a question
        // asking what happens if a rate is too high ranked Java code first).
        let keys = terms("How should chargebacks be handled, and what happens if the chargeback rate is too high?");
        assert!(keys.iter().any(|k| k == "chargebacks") && keys.iter().any(|k| k == "rate"), "{keys:?}");
        for stop in ["if", "happens", "too", "be", "is", "the"] {
            assert!(!keys.iter().any(|k| k == stop), "{stop}: {keys:?}");
        }
        assert!(terms("什么是二清").contains(&"二清".to_owned()));
        let compound = terms("银行的对账文件一般是什么格式");
        assert!(compound.contains(&"对账文件".to_owned()), "{compound:?}");
        assert!(!compound.iter().any(|k| k.starts_with("银行对账")), "{compound:?}");
        let weights = key_terms(&jieba, "怎么避免幂等问题", &|t| t == "幂等", &|_| 0);
        let of = |t: &str| weights.iter().find(|k| k.term == t).map(|k| k.weight);
        assert!(of("幂等") > of("避免"), "{weights:?}");
    }

    #[test]
    fn a_glossary_form_jieba_cut_apart_is_a_key_once_per_concept() {
        let jieba = crate::tokenize::build_jieba(["垫资"]);
        let entries = vec![
            vec!["T0".to_owned(), "T+0".to_owned(), "D0".to_owned()],
            vec!["二类户".to_owned(), "II类户".to_owned()],
        ];
        let keys = |text: &str| -> Vec<String> {
            let mut keys = key_terms(&jieba, text, &|t| t == "垫资", &|_| 0);
            add_cut_forms(&mut keys, &crate::normalise::fold(text), &entries);
            keys.into_iter().map(|k| k.term).collect()
        };
        // jieba leaves t, + and 0: T+0 was no key at all.
        assert_eq!(keys("T+0垫资怎么做？"), ["垫资", "t+0"]);
        // d0 stands for the entry already.
        assert_eq!(keys("D0/T+0垫资怎么做"), ["d0", "垫资"]);
        // ii and 类户 lie inside II类户: they stay, nothing is added.
        assert!(!keys("II类户怎么开立").contains(&"ii类户".to_owned()));
        // A Latin form inside a longer word is not written there.
        assert_eq!(keys("mt+0s怎么做垫资"), ["mt", "0s", "垫资"]);
    }

    #[test]
    fn asking_both_ways_is_not_a_key() {
        let jieba = crate::tokenize::build_jieba(["手续费"]);
        let terms = |text| -> Vec<String> {
            key_terms(&jieba, text, &|t| t == "手续费", &|_| 0).into_iter().map(|k| k.term).collect()
        };
        for (question, asking) in
            [("手续费退不退", "退不退"), ("手续费能不能退", "能不能"), ("手续费可不可以退", "可不可以")]
        {
            let keys = terms(question);
            assert!(keys.contains(&"手续费".to_owned()), "{question}: {keys:?}");
            assert!(!keys.iter().any(|k| k.contains(asking)), "{question}: {keys:?}");
        }
        assert!(!either_way("不可"));
        assert!(!either_way("退不了"));
    }

    #[test]
    fn only_the_heaviest_keys_weigh() {
        let keys: Vec<Key> =
            (0..MAX_KEYS + 6).map(|k| Key { term: format!("k{k}"), weight: 1.0, parts: None }).collect();
        // Rarer further on; one key occurs nowhere.
        let mut rarity: Vec<Option<f32>> = (0..keys.len()).map(|k| Some(1.0 + k as f32)).collect();
        rarity[keys.len() - 1] = None;
        let weights = weigh(&keys, &rarity);
        assert_eq!(weights.iter().filter(|w| w.is_some()).count(), MAX_KEYS, "{weights:?}");
        // The lightest lose their weight: the first six, and the one that occurs nowhere.
        let kept: Vec<usize> = (0..keys.len()).filter(|&k| weights[k].is_some()).collect();
        assert_eq!(kept, (5..keys.len() - 1).collect::<Vec<_>>());
        // Among equals, the first written.
        let equal = weigh(&keys, &vec![Some(2.0); keys.len()]);
        assert!(equal[..MAX_KEYS].iter().all(Option::is_some) && equal[MAX_KEYS..].iter().all(Option::is_none));
    }

    #[test]
    fn a_compound_weighs_at_most_its_heavier_part() {
        let jieba = crate::tokenize::build_jieba(["二清"]);
        let keys = key_terms(&jieba, "怎么避免二清风险", &|t| t == "二清", &|_| 0);
        let at = |t: &str| keys.iter().position(|k| k.term == t).unwrap_or_else(|| panic!("{t}: {keys:?}"));
        let compound = &keys[at("避免二清")];
        assert_eq!(compound.parts, Some((at("避免"), at("二清"))), "{keys:?}");
        assert_eq!(keys[at("二清")].parts, None);
        // Rarity: the compound is the rarest, the verb the commonest.
        let rarity: Vec<Option<f32>> = keys
            .iter()
            .map(|k| match k.term.as_str() {
                "避免二清" => Some(9.0),
                "二清风险" => None,
                "二清" => Some(5.0),
                _ => Some(2.0),
            })
            .collect();
        let weights = weigh(&keys, &rarity);
        let w = |t: &str| weights[at(t)];
        // 二清 is vocabulary (2 × 5); 避免 a verb (0.5 × 2); the compound, by its rarity alone
        // 2 × 9, weighs what 二清 weighs.
        assert_eq!(w("二清"), Some(10.0));
        assert_eq!(w("避免"), Some(1.0));
        assert_eq!(w("避免二清"), Some(10.0));
        assert_eq!(w("二清风险"), None, "a term that occurs nowhere weighs nothing");
    }

    /// Latin words that spell one glossary form together are one key, as typed they are one
    /// term: "how to handle cross border settlement?" asked about `cross`, `border` and
    /// `handle` (an English question found nothing of 跨境).
    #[test]
    fn english_words_that_spell_a_glossary_form_are_one_key() {
        let jieba = crate::tokenize::build_jieba(["风控"]);
        let glossary = crate::glossary::Glossary::builtin();
        let terms = |text: &str| -> Vec<String> {
            key_terms(&jieba, text, &|t| glossary.holds(t), &|words| glossary.longest_run(words))
                .into_iter()
                .map(|k| k.term)
                .collect()
        };
        assert_eq!(terms("how to handle cross border settlement?"), ["handle", "cross border", "settlement"]);
        assert_eq!(terms("What is anti-money laundering"), ["anti money laundering"]);
        assert_eq!(terms("跨境支付的risk control怎么做"), ["跨境支付", "risk control"]);
        assert_eq!(terms("cross border payment fees?"), ["cross border payment", "fees"]);
        // Words apart (other text between them) stay apart.
        assert_eq!(terms("cross the border?"), ["cross", "border"]);
        let weights =
            key_terms(&jieba, "how to handle cross border?", &|t| glossary.holds(t), &|w| glossary.longest_run(w));
        assert!(weights.iter().all(|k| k.weight == DOMAIN), "{weights:?}");
    }

    /// A question's subject is the glossary entry it names at least twice, written as the
    /// question writes it (folded), the longest form at each place; none where no entry is
    /// named twice.
    #[test]
    fn a_questions_subject_is_the_glossary_entry_it_names_twice() {
        let glossary = crate::glossary::Glossary::builtin();
        let subject = |q: &str| subject(&crate::normalise::fold(q), &glossary.entries);
        let words = |ws: &[&str]| Some(ws.iter().map(|w| w.to_string()).collect::<Vec<_>>());
        assert_eq!(subject("代付（批量付款）业务怎么做，有哪些风险和限制"), None, "named once");
        assert_eq!(subject("代付怎么做，代付有哪些风险"), words(&["代付"]));
        assert_eq!(subject("冲正是什么，什么情况下要发起冲正"), words(&["冲正"]));
        // 对账 is named first, the entry of 长款 and 短款 twice.
        assert_eq!(subject("对账出现长款、短款怎么处理"), words(&["长款", "短款"]));
        assert_eq!(subject("跨境电商收款怎么结汇、购汇，需要什么资质"), words(&["结汇", "购汇"]));
        // 外卡收单 is the longest form at its place (收单 inside it is no second entry).
        assert_eq!(subject("外卡收单（境外卡在国内收单）怎么做，要和谁合作"), words(&["外卡收单", "境外卡"]));
        assert_eq!(subject("D0/T+0 垫资结算怎么做，风险在哪"), words(&["d0", "t+0"]));
        assert_eq!(subject("拒付（chargeback）怎么处理，拒付率过高会怎样"), words(&["拒付", "chargeback"]));
        assert_eq!(subject("信用卡套现怎么识别和防控"), None);
        // Two entries named twice: the first of them.
        assert_eq!(subject("退款和退货的手续费、费率怎么算"), words(&["退款", "退货"]));
        // A Latin form glued to other letters or digits is not written (ad0x is no d0).
        assert_eq!(subject("ad0x和d0怎么配置"), None);
        assert_eq!(subject("这个问题怎么处理"), None);
    }

    /// README, Ranking: "not general words (业务, 风险, 支付, 通道, 结算, … N of them)".
    #[test]
    fn the_readme_counts_the_general_words() {
        let readme = include_str!("../README.md").split_whitespace().collect::<Vec<_>>().join(" ");
        let at = readme.find(" of them): a light or general word").expect("the README's sentence");
        let said: usize = readme[..at].rsplit(' ').next().and_then(|n| n.parse().ok()).expect("a count");
        assert_eq!(said, GENERAL_WORDS.len());
    }

    /// The entry named twice is the subject unless a key is written more often: the question
    /// asks about what it repeats most (H36 of the fourth held-out set: 押金 four times, 退款
    /// twice inside 原路退款).
    #[test]
    fn a_key_written_more_often_than_the_entry_named_twice_is_the_subject() {
        let entries = crate::glossary::Glossary::builtin().entries;
        let of = |q: &str, keys: &[(&str, f32)]| question_subject(&crate::normalise::fold(q), keys, &entries);
        let words = |ws: &[&str]| Some(ws.iter().map(|w| w.to_string()).collect::<Vec<_>>());
        let q = "押金业务（共享单车、租借设备）的押金怎么收和退（超过原路退款期限怎么办，走原路退款还是代付），\
                 押金算不算预付费、平台能不能动用押金";
        let keys = [("押金", 7.4), ("共享单车", 8.8), ("原路退款", 14.2), ("代付", 11.2), ("预付费", 7.1)];
        assert_eq!(subject(&crate::normalise::fold(q), &entries), words(&["退款"]), "the entry named twice");
        assert_eq!(of(q, &keys), words(&["押金"]));
        // Written as often as the entry is named: the entry.
        let q = "冲正和日切怎么做，日切时的冲正怎么处理";
        assert_eq!(of(q, &[("冲正", 12.0), ("日切", 20.0)]), words(&["冲正"]));
        // Written more often, but a key that does not qualify (light, or a general word).
        let q = "冲正是什么，要不要发起冲正，重复了怎么办，重复的怎么查，重复扣款呢";
        assert_eq!(of(q, &[("冲正", 20.0), ("重复", 4.0)]), words(&["冲正"]));
        let q = "冲正是什么，通道冲正怎么做，通道超时，通道失败";
        assert_eq!(of(q, &[("冲正", 10.0), ("通道", 12.0)]), words(&["冲正"]));
        // No entry named twice: the key, as before; neither: none.
        assert_eq!(of("日切是什么，日切时间怎么定", &[("日切", 20.0), ("时间", 4.0)]), words(&["日切"]));
        assert_eq!(of("代扣业务怎么做，需要用户怎样授权", &[("代扣", 15.0), ("授权", 9.0)]), None);
    }

    /// Where no glossary entry is named twice, the key written most often, at least twice, is
    /// the subject, unless it is light (under half the heaviest key) or a general word.
    #[test]
    fn a_key_written_twice_is_the_subject_the_glossary_lacks() {
        let entries = crate::glossary::Glossary::builtin().entries;
        let of =
            |q: &str, keys: &[(&str, f32)]| key_subject(&crate::normalise::fold(q), keys, &entries).map(|(key, _)| key);
        let q = "日切是什么，日切时间怎么定，对账时跨日的交易怎么处理";
        let keys = [("日切", 20.0), ("时间", 4.0), ("对账", 10.0), ("跨日", 18.0), ("交易", 3.0)];
        assert_eq!(of(q, &keys), Some("日切".to_owned()));
        // Written three times beats twice; written once is no subject.
        let q = "消费分期业务怎么做，分期的利息和手续费怎么算，分期订单退款怎么处理，利息怎么收";
        let keys = [("消费", 6.0), ("分期", 11.0), ("利息", 12.0), ("手续费", 10.0), ("订单", 5.0), ("退款", 9.0)];
        assert_eq!(of(q, &keys), Some("分期".to_owned()));
        assert_eq!(of("代扣业务怎么做，需要用户怎样授权", &[("代扣", 15.0), ("授权", 9.0)]), None);
        // Light: 重复 weighs under half of 幂等.
        let q = "支付接口怎么做幂等，防止重复扣款/重复支付";
        assert_eq!(of(q, &[("支付", 2.0), ("接口", 8.0), ("幂等", 30.0), ("重复", 6.0), ("扣款", 9.0)]), None);
        // General: 通道 weighs enough, but any question about routing writes it.
        let q = "多通道路由怎么按成本和成功率选择通道";
        assert_eq!(of(q, &[("多通道", 19.0), ("路由", 12.0), ("通道", 10.0), ("成功率", 7.0)]), None);
        // Equal counts: the heavier, then the first.
        let q = "营销活动怎么设计，营销资金怎么出，优惠券和优惠怎么处理";
        assert_eq!(of(q, &[("营销", 10.0), ("优惠", 12.0)]), Some("优惠".to_owned()));
        assert_eq!(of(q, &[("营销", 12.0), ("优惠", 12.0)]), Some("营销".to_owned()));
        assert_eq!(of("", &[]), None);
        // English keys are none: `payment`, written three times, is no subject.
        let q = "What is the difference between agreement payment and quick payment, and how do you sign an agreement payment?";
        assert_eq!(of(q, &[("agreement", 19.0), ("payment", 20.0), ("quick", 18.0), ("sign", 17.0)]), None);
        // A write inside a longer glossary form is that form's: 外卡收单 is 外卡's entry, so
        // 收单 is written once (the glossary's subject counts it so too); 收单行 is an entry of
        // its own, and 收单机构 a form of 收单 (named once).
        let q = "外卡收单怎么做，收单的流程和费率是多少";
        assert_eq!(subject(&crate::normalise::fold(q), &entries), None);
        assert_eq!(of(q, &[("外卡", 20.0), ("收单", 18.0), ("流程", 4.0), ("费率", 12.0)]), None);
        let q = "收单行和收单机构有什么区别";
        assert_eq!(of(q, &[("收单行", 20.0), ("收单", 18.0), ("机构", 3.0)]), None);
        // Outside any form it counts: a key the glossary lacks written twice beside one.
        let q = "外卡收单怎么做日切，日切时间怎么定";
        assert_eq!(of(q, &[("外卡", 20.0), ("收单", 18.0), ("日切", 20.0)]), Some("日切".to_owned()));
    }
}
