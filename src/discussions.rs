//! A day's log cut into discussions: contiguous spans of kind `discussion` or `chatter` that
//! cover every message once, and what each carries (title, summary, participants, topics).
//!
//! Pure, deterministic and offline: the signals are the ones the log itself has.
//! - **Silences**: a pause of [`LONG_SILENCE_SECS`] or more opens a new span, and a pause of
//!   [`SHORT_SILENCE_SECS`] does when the next turn opens a subject (a question, a shared
//!   link, a statement of some length), unless that turn continues the span: it @mentions or
//!   quotes someone who spoke in it, or (a reply, not a new subject) shares its rarer words.
//! - **Lexical cohesion**: the windows of messages either side of a gap are compared as
//!   weighted bags of words (TextTiling); where they are one subject the span goes on, however
//!   long the silence. (Cutting where cohesion merely dips, without a pause, cut more wrong
//!   than right on the hand-labelled days, so it is not done.)
//! - **Strays and late replies**: a span of one or two messages that neither asks nor opens
//!   anything stays with the span before it. A message and its duplicate (the same message
//!   exported under a second nickname) are never cut apart.
//! - **Chatter**: greetings, 签到, red packets, emoji runs, 哈哈, thanks, admin notices; runs of
//!   them at a discussion's edges are split off, and adjacent chatter spans are one span,
//!   however long the silences between them.
//!
//! Words are CJK character bigrams and Latin words, weighted by how few messages of the day
//! use them: they need no dictionary, cost a fraction of jieba at index time, and on Chinese
//! chat they carry the same subject signal.

use crate::archive::{Day, Kind, Message};
use crate::text::{is_cjk, is_word_char, mention_spans};
use std::collections::{HashMap, HashSet};

/// A pause after which a new span starts unless the next message continues the last one.
pub const LONG_SILENCE_SECS: u32 = 30 * 60;
/// A pause after which a message that opens a subject starts a new span.
pub const SHORT_SILENCE_SECS: u32 = 10 * 60;
/// Messages on each side of a gap compared for lexical cohesion.
const WINDOW: usize = 8;
/// Cohesion (cosine) of the windows around a gap from which they are one subject, however
/// long the silence.
const COHESIVE: f32 = 0.25;

/// Whether a span is a discussion or chatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    Discussion,
    Chatter,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Discussion => "discussion",
            SpanKind::Chatter => "chatter",
        }
    }

    pub fn parse(s: &str) -> Option<SpanKind> {
        [SpanKind::Discussion, SpanKind::Chatter].into_iter().find(|k| k.as_str() == s)
    }
}

/// Messages `start..end` (indices into the day's messages) of one span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: SpanKind,
}

/// What the segmenter reads of one message.
#[derive(Debug, Default)]
struct Features {
    /// Lexical units (CJK bigrams, Latin words), each once.
    units: Vec<String>,
    chatter: bool,
    question: bool,
    /// Opens a subject: a substantive question, a shared link, a long statement.
    opener: bool,
    /// Names this message addresses: @mentions and quoted speakers.
    addressed: Vec<String>,
    /// Same time and text as the message before (exported twice under two nicknames).
    duplicate: bool,
}

/// Cuts a day into spans covering every message in order. Never panics; an empty day has none.
pub fn segment(day: &Day) -> Vec<Span> {
    let msgs = &day.messages;
    if msgs.is_empty() {
        return Vec::new();
    }
    let feats: Vec<Features> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut f = features(m);
            f.duplicate = i > 0 && is_duplicate(&msgs[i - 1], m);
            if f.duplicate {
                // Counted once: a message exported twice is not a word used twice.
                f.units.clear();
            }
            f
        })
        .collect();
    let weights = unit_weights(&feats);
    let cohesion = cohesion(&feats, &weights);

    let mut cuts = vec![0usize];
    for i in 1..msgs.len() {
        if feats[i].duplicate {
            continue;
        }
        let last_cut = *cuts.last().unwrap_or(&0);
        let gap = msgs[i].time.saturating_sub(msgs[i - 1].time);
        let turn = i..burst_end(msgs, i);
        let opens = feats[turn.clone()].iter().any(|f| f.opener);
        // After a long silence a turn that opens a subject continues only if it answers someone.
        let lexical = !(opens && gap >= LONG_SILENCE_SECS);
        let continues = continues(msgs, &feats, &weights, last_cut, turn, lexical);
        let cut =
            !continues && cohesion[i] < COHESIVE && (gap >= LONG_SILENCE_SECS || (opens && gap >= SHORT_SILENCE_SECS));
        if cut {
            cuts.push(i);
        }
    }
    let cuts = absorb_strays(cuts, &feats);
    let mut spans: Vec<Span> = cuts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = cuts.get(k + 1).copied().unwrap_or(msgs.len());
            Span { start, end, kind: kind_of(&feats[start..end]) }
        })
        .collect();
    spans = split_chatter_edges(spans, &feats);
    merge_chatter(spans)
}

/// The end of the turn that starts at `i`: the messages sent within [`BURST_SECS`] of each
/// other after it, at most [`BURST`].
fn burst_end(msgs: &[Message], i: usize) -> usize {
    let mut end = i + 1;
    while end < msgs.len() && end < i + BURST && msgs[end].time.saturating_sub(msgs[end - 1].time) <= BURST_SECS {
        end += 1;
    }
    end
}

/// A span of one or two messages that asks nothing and opens nothing is a late reply or a stray: it stays with
/// the span before it.
fn absorb_strays(cuts: Vec<usize>, feats: &[Features]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(cuts.len());
    for (k, &start) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).copied().unwrap_or(feats.len());
        let span = &feats[start..end];
        let distinct = span.iter().filter(|f| !f.duplicate).count();
        let stray = distinct <= STRAY && !span.iter().any(|f| f.question || f.opener || f.chatter);
        if stray && !out.is_empty() {
            continue;
        }
        out.push(start);
    }
    out
}

/// The most messages a stray or a late reply has.
const STRAY: usize = 2;

/// The same message exported under a second nickname: same time, same text (or one cut
/// short of the other).
fn is_duplicate(a: &Message, b: &Message) -> bool {
    a.time == b.time
        && (a.text == b.text
            || (!a.text.is_empty()
                && !b.text.is_empty()
                && (a.text.starts_with(&b.text) || b.text.starts_with(&a.text))))
}

/// Whether the turn starting at message `turn.start` carries on the span that started at
/// `from`: it addresses someone who spoke in it, or shares its rarer words.
fn continues(
    msgs: &[Message],
    feats: &[Features],
    weights: &HashMap<&str, f32>,
    from: usize,
    turn: std::ops::Range<usize>,
    lexical: bool,
) -> bool {
    let i = turn.start;
    let lo = from.max(i.saturating_sub(WINDOW * 2));
    let speakers: HashSet<&str> = msgs[lo..i].iter().map(|m| m.speaker.as_str()).collect();
    let mut addressed = feats[turn.clone()].iter().flat_map(|f| f.addressed.iter());
    if addressed.any(|a| speakers.iter().any(|s| names_match(s, a))) {
        return true;
    }
    if !lexical {
        return false;
    }
    let before: HashSet<&str> = feats[lo..i].iter().flat_map(|f| f.units.iter().map(String::as_str)).collect();
    let after: HashSet<&str> = feats[turn].iter().flat_map(|f| f.units.iter().map(String::as_str)).collect();
    let shared: f32 =
        after.iter().filter(|u| before.contains(*u)).map(|u| weights.get(*u).copied().unwrap_or(0.0)).sum();
    shared >= 2.0 * RARE_WEIGHT
}

/// Messages sent within [`BURST_SECS`] of each other after a pause read as one turn.
const BURST: usize = 3;
const BURST_SECS: u32 = 120;

/// The weight of a unit seen in few messages of the day (see [`unit_weights`]).
const RARE_WEIGHT: f32 = 1.0;

/// Whether an addressed name (as typed after `@` or in a quote) is that speaker's nickname.
fn names_match(speaker: &str, addressed: &str) -> bool {
    let a = addressed.trim();
    if a.is_empty() {
        return false;
    }
    let head: String = a.chars().take(4).collect();
    speaker.starts_with(&head) || speaker.contains(a) || a.contains(speaker)
}

/// Units seen in many messages of the day say little about the subject: weight 1 for a unit
/// in at most 5% of the messages, falling to 0 at 30%; a unit seen once joins nothing.
fn unit_weights(feats: &[Features]) -> HashMap<&str, f32> {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for f in feats {
        for u in &f.units {
            *df.entry(u.as_str()).or_default() += 1;
        }
    }
    let n = feats.len().max(1) as f32;
    df.into_iter()
        .map(|(u, c)| {
            let share = c as f32 / n;
            let w = if c <= 1 { 0.0 } else { ((0.30 - share) / 0.25).clamp(0.0, 1.0) * RARE_WEIGHT };
            (u, if STOP_UNITS.contains(&u) { 0.0 } else { w })
        })
        .collect()
}

/// Cosine of the weighted units of the windows before and after each gap (index i: the gap
/// before message i; 0 for i = 0). Chatter messages are left out of the windows.
fn cohesion(feats: &[Features], weights: &HashMap<&str, f32>) -> Vec<f32> {
    let bag = |range: std::ops::Range<usize>| {
        let mut b: HashMap<&str, f32> = HashMap::new();
        for f in feats[range].iter().filter(|f| !f.chatter) {
            for u in &f.units {
                let w = weights.get(u.as_str()).copied().unwrap_or(0.0);
                if w > 0.0 {
                    *b.entry(u.as_str()).or_default() += w;
                }
            }
        }
        b
    };
    (0..feats.len())
        .map(|i| {
            if i == 0 {
                return 0.0;
            }
            let a = bag(i.saturating_sub(WINDOW)..i);
            let b = bag(i..(i + WINDOW).min(feats.len()));
            let dot: f32 = a.iter().filter_map(|(u, x)| b.get(u).map(|y| x * y)).sum();
            let norm = |m: &HashMap<&str, f32>| m.values().map(|x| x * x).sum::<f32>().sqrt();
            let d = norm(&a) * norm(&b);
            if d > 0.0 {
                dot / d
            } else {
                0.0
            }
        })
        .collect()
}

/// A span is chatter when most of its messages are.
fn kind_of(feats: &[Features]) -> SpanKind {
    let chatter = feats.iter().filter(|f| f.chatter).count();
    let substantive = feats.iter().filter(|f| !f.chatter && (f.question || f.units.len() >= 8)).count();
    if feats.len() > 1 && (chatter * 2 > feats.len() || substantive == 0) {
        SpanKind::Chatter
    } else if feats.len() == 1 && feats[0].chatter {
        SpanKind::Chatter
    } else {
        SpanKind::Discussion
    }
}

/// Runs of [`EDGE_CHATTER`] or more chatter messages at either end of a discussion become
/// chatter spans of their own (the 签到 before a talk, the thanks after it).
fn split_chatter_edges(spans: Vec<Span>, feats: &[Features]) -> Vec<Span> {
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        if s.kind == SpanKind::Chatter {
            out.push(s);
            continue;
        }
        let mut a = s.start;
        while a < s.end && feats[a].chatter {
            a += 1;
        }
        let mut b = s.end;
        while b > a && feats[b - 1].chatter {
            b -= 1;
        }
        // Never split a message from its duplicate.
        while a < s.end && a > s.start && feats[a].duplicate {
            a += 1;
        }
        while b < s.end && b > a && feats[b].duplicate {
            b += 1;
        }
        if b <= a {
            out.push(Span { kind: SpanKind::Chatter, ..s });
            continue;
        }
        let (head, tail) = (a - s.start >= EDGE_CHATTER, s.end - b >= EDGE_CHATTER);
        let (a, b) = (if head { a } else { s.start }, if tail { b } else { s.end });
        if a > s.start {
            out.push(Span { start: s.start, end: a, kind: SpanKind::Chatter });
        }
        out.push(Span { start: a, end: b, kind: SpanKind::Discussion });
        if b < s.end {
            out.push(Span { start: b, end: s.end, kind: SpanKind::Chatter });
        }
    }
    out
}

const EDGE_CHATTER: usize = 4;

/// Adjacent chatter spans are one span.
fn merge_chatter(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if last.kind == SpanKind::Chatter && s.kind == SpanKind::Chatter => last.end = s.end,
            _ => out.push(s),
        }
    }
    out
}

/// Frequent function words as bigrams: they join any two windows.
const STOP_UNITS: &[&str] = &[
    "我们", "你们", "他们", "这个", "那个", "就是", "什么", "可以", "没有", "不是", "现在", "一个", "因为", "所以",
    "还是", "应该", "如果", "知道", "自己", "感觉", "这样", "怎么", "大家", "还有", "已经", "但是", "而且", "的话",
    "一下", "这种", "那种", "时候", "有没", "没有", "这边", "那边", "哈哈", "是不", "不知", "一样", "其实", "比较",
];

/// Chatter words: a short message made of these says nothing about a subject.
const CHATTER_WORDS: &[&str] = &[
    "哈",
    "呵",
    "嘿",
    "谢",
    "感谢",
    "多谢",
    "辛苦",
    "签到",
    "红包",
    "早上好",
    "早安",
    "晚安",
    "午安",
    "大家好",
    "欢迎",
    "收到",
    "好的",
    "嗯",
    "恩",
    "哦",
    "噢",
    "赞",
    "厉害",
    "牛",
    "666",
    "谢啦",
    "学习了",
    "学到了",
    "受教",
    "晚上好",
    "中午好",
    "下午好",
    "新人",
    "报到",
    "握手",
    "抱拳",
    "拜托",
    "加油",
    "同意",
    "是的",
    "对的",
    "好吧",
    "可以",
];

/// Words of an admin notice or a red packet, chatter at any length.
const NOTICE_WORDS: &[&str] =
    &["[红包]", "红包", "群规", "入群", "改名", "修改群昵称", "群昵称", "签到", "撤回了一条消息"];

/// Words that open a question.
const QUESTION_WORDS: &[&str] =
    &["请教", "问一下", "问下", "请问", "求", "有没有", "怎么", "如何", "谁有", "谁知道", "吗", "哪家", "哪里", "是否"];

/// Characters from which a statement opens a subject.
const STATEMENT_CHARS: usize = 20;

fn features(m: &Message) -> Features {
    let text = m.text.as_str();
    let clean = content(text);
    let chars: usize = clean.chars().filter(|c| is_cjk(*c) || is_word_char(*c)).count();
    let units = units(&clean);
    let question =
        chars >= 4 && (text.contains('？') || text.contains('?') || QUESTION_WORDS.iter().any(|w| clean.contains(w)));
    let notice = NOTICE_WORDS.iter().any(|w| text.contains(w)) && chars <= 40;
    let short_chatter = chars <= 8 && (chars == 0 || CHATTER_WORDS.iter().any(|w| clean.contains(w)));
    let chatter = match m.kind {
        Kind::Image => false,
        Kind::Link => false,
        Kind::Text => notice || (short_chatter && !question) || chars == 0,
    };
    let opener = !chatter && ((question && chars >= 6) || m.kind == Kind::Link || chars >= STATEMENT_CHARS);
    let mut addressed: Vec<String> =
        mentions(text).into_iter().map(|r| text[r].trim_start_matches('@').to_owned()).collect();
    if let Some(q) = quoted_speaker(text) {
        addressed.push(q);
    }
    Features { units, chatter, question, opener, addressed, duplicate: false }
}

/// Byte ranges of `@name` mentions. The export ends a mention with white space, U+2005 or a
/// `?` it put in U+2005's place; a name is never longer than [`MAX_NAME_CHARS`].
fn mentions(text: &str) -> Vec<std::ops::Range<usize>> {
    if !text.contains('@') {
        return Vec::new();
    }
    let mut out = mention_spans(text);
    for r in &mut out {
        let name = &text[r.clone()];
        let cut = name
            .char_indices()
            .skip(1)
            .find(|&(k, c)| c == '?' || c == '\u{2005}' || name[..k].chars().count() > MAX_NAME_CHARS)
            .map(|(k, _)| k);
        if let Some(k) = cut {
            r.end = r.start + k;
        }
    }
    out
}

const MAX_NAME_CHARS: usize = 30;

/// The speaker of a WeChat quote: `「name：…」`.
fn quoted_speaker(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix('「')?;
    let end = rest.find('：').or_else(|| rest.find(':'))?;
    let name = &rest[..end];
    (!name.is_empty() && name.chars().count() <= 30).then(|| name.to_owned())
}

/// `text` without @mentions, emoji codes (`[强]`) and URLs.
fn content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mentions = mentions(text);
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to || mentions.iter().any(|r| r.contains(&i)) {
            continue;
        }
        if c == '[' {
            if let Some(close) = text[i..].find(']') {
                let inner = &text[i + 1..i + close];
                if inner.chars().count() <= 4 && !inner.is_empty() {
                    skip_to = i + close + 1;
                    continue;
                }
            }
        }
        if text[i..].starts_with("http://") || text[i..].starts_with("https://") {
            skip_to = i + text[i..].find(char::is_whitespace).unwrap_or(text.len() - i);
            continue;
        }
        out.push(c);
    }
    out
}

/// CJK bigrams and lowercased Latin words of two characters or more, each once.
fn units(clean: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut prev: Option<char> = None;
    let mut word = String::new();
    let mut push = |u: String, out: &mut Vec<String>| {
        if seen.insert(u.clone()) {
            out.push(u);
        }
    };
    for c in clean.chars() {
        if is_cjk(c) {
            if let Some(p) = prev {
                push(format!("{p}{c}"), &mut out);
            }
            prev = Some(c);
        } else {
            prev = None;
        }
        if is_word_char(c) {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            if word.chars().count() >= 2 && !word.chars().all(|c| c.is_ascii_digit()) {
                push(std::mem::take(&mut word), &mut out);
            }
            word.clear();
        }
    }
    if word.chars().count() >= 2 && !word.chars().all(|c| c.is_ascii_digit()) {
        push(word, &mut out);
    }
    out
}
