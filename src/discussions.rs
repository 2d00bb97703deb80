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
use crate::text::{is_cjk, is_word_char, mention_spans_among};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
    /// Lexical units (CJK bigrams, Latin words) as [`Unit`] keys, each once (see [`Features::words`]).
    units: Vec<Unit>,
    chatter: bool,
    question: bool,
    /// Opens a subject: a substantive question, a shared link, a long statement.
    opener: bool,
    /// Says something at length: [`STATEMENT_CHARS`] or more characters of content.
    statement: bool,
    /// Names this message addresses: @mentions and quoted speakers.
    addressed: Vec<String>,
    /// Same time and text as the message before (exported twice under two nicknames).
    duplicate: bool,
    /// Names something of the group's field: a word of [`FIELD_WORDS`] or a Latin word
    /// (systems, products, code, standards).
    field: bool,
    /// The text as a reader sees it, without mentions, emoji codes and URLs (see [`content`]).
    clean: String,
}

impl Features {
    /// The units the segmenter counts: none for a duplicate (a message exported twice is not a
    /// word used twice).
    fn words(&self) -> &[Unit] {
        if self.duplicate {
            &[]
        } else {
            &self.units
        }
    }
}

/// A day cut into spans and described: what the indexer stores.
#[derive(Debug, Clone)]
pub struct Segmented {
    pub spans: Vec<Span>,
    /// One per span, in order.
    pub discussions: Vec<Discussion>,
    /// One per span: whether it opens with a question (within its first messages).
    pub opens_with_question: Vec<bool>,
}

/// [`segment`] and [`describe`] of a day at once, reading each
/// message once. `topics` as for [`describe`].
pub fn segment_day<T: AsRef<str>>(day: &Day, topics: &[Vec<T>]) -> Segmented {
    let feats = day_features(day);
    let spans = segment_with(&day.messages, &feats);
    let discussions = describe_with(day, &spans, topics, &feats);
    let opens_with_question = spans.iter().map(|s| opens_with_a_question(&feats[s.start..s.end])).collect();
    Segmented { spans, discussions, opens_with_question }
}

/// The features of every message of a day, each duplicate marked; the nicknames with white
/// space that posted in it are whole mentions ([`Day::spaced_speakers`]), as for its topics.
fn day_features(day: &Day) -> Vec<Features> {
    let known = day.spaced_speakers();
    let msgs = &day.messages;
    msgs.iter()
        .enumerate()
        .map(|(i, m)| {
            let mut f = features(m, &known);
            f.duplicate = i > 0 && is_duplicate(&msgs[i - 1], m);
            f
        })
        .collect()
}

/// Cuts a day into spans covering every message in order. Never panics; an empty day has none.
pub fn segment(day: &Day) -> Vec<Span> {
    segment_with(&day.messages, &day_features(day))
}

fn segment_with(msgs: &[Message], feats: &[Features]) -> Vec<Span> {
    if msgs.is_empty() {
        return Vec::new();
    }
    let weights = unit_weights(feats);

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
        // Cheapest test first: most gaps are no candidate at all.
        let cut = (gap >= LONG_SILENCE_SECS || (opens && gap >= SHORT_SILENCE_SECS))
            && !continues(msgs, feats, &weights, last_cut, turn, lexical)
            && cohesion(feats, &weights, i) < COHESIVE;
        if cut {
            cuts.push(i);
        }
    }
    let cuts = absorb_strays(cuts, feats);
    let mut spans: Vec<Span> = cuts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let end = cuts.get(k + 1).copied().unwrap_or(msgs.len());
            Span { start, end, kind: kind_of(&feats[start..end]) }
        })
        .collect();
    spans = split_chatter_edges(spans, feats);
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

/// A span of one or two messages that asks nothing and opens nothing is a late reply or a
/// stray: it stays with the span before it.
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
    weights: &UnitMap<f32>,
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
    let before: UnitSet = feats[lo..i].iter().flat_map(|f| f.words().iter().copied()).collect();
    let after: UnitSet = feats[turn].iter().flat_map(|f| f.words().iter().copied()).collect();
    let shared: f32 =
        after.iter().filter(|u| before.contains(*u)).map(|u| weights.get(u).copied().unwrap_or(0.0)).sum();
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
fn unit_weights(feats: &[Features]) -> UnitMap<f32> {
    let mut df: UnitMap<usize> = UnitMap::default();
    for f in feats {
        for &u in f.words() {
            *df.entry(u).or_default() += 1;
        }
    }
    let stop = stop_units();
    let n = feats.len().max(1) as f32;
    df.into_iter()
        .map(|(u, c)| {
            let share = c as f32 / n;
            let w = if c <= 1 { 0.0 } else { ((0.30 - share) / 0.25).clamp(0.0, 1.0) * RARE_WEIGHT };
            (u, if stop.contains(&u) { 0.0 } else { w })
        })
        .collect()
}

/// Cosine of the weighted units of the windows before and after the gap before message `i`
/// (`i` ≥ 1). Chatter messages are left out of the windows.
fn cohesion(feats: &[Features], weights: &UnitMap<f32>, i: usize) -> f32 {
    let bag = |range: std::ops::Range<usize>| {
        let mut b: UnitMap<f32> = UnitMap::default();
        for f in feats[range].iter().filter(|f| !f.chatter) {
            for u in f.words() {
                let w = weights.get(u).copied().unwrap_or(0.0);
                if w > 0.0 {
                    *b.entry(*u).or_default() += w;
                }
            }
        }
        b
    };
    let a = bag(i.saturating_sub(WINDOW)..i);
    let b = bag(i..(i + WINDOW).min(feats.len()));
    let dot: f32 = a.iter().filter_map(|(u, x)| b.get(u).map(|y| x * y)).sum();
    let norm = |m: &UnitMap<f32>| m.values().map(|x| x * x).sum::<f32>().sqrt();
    let d = norm(&a) * norm(&b);
    if d > 0.0 {
        dot / d
    } else {
        0.0
    }
}

/// A span is chatter when most of its messages are, unless it holds several statements (a
/// talk drowned in `[强]` is still a talk); a run of short remarks that opens nothing (no
/// question, link or statement) is chatter too (banter, jokes); so is small talk: a span of
/// [`SMALL_TALK`] or more messages none of which names anything of the field (jokes about a
/// member, food, holidays, a poem), whatever their length or questions.
fn kind_of(feats: &[Features]) -> SpanKind {
    if feats.len() >= SMALL_TALK && !feats.iter().any(|f| f.field) {
        return SpanKind::Chatter;
    }
    let distinct = || feats.iter().filter(|f| !f.duplicate);
    let chatter = feats.iter().filter(|f| f.chatter).count();
    let substantive = feats.iter().filter(|f| !f.chatter && (f.question || f.words().len() >= 8)).count();
    let statements = distinct().filter(|f| !f.chatter && f.statement).count();
    let remarks = distinct().count() >= BANTER && !distinct().any(|f| f.opener);
    let mostly_chatter = feats.len() > 1 && (chatter * 2 > feats.len() || substantive == 0 || remarks);
    if statements < TALK && mostly_chatter || (feats.len() == 1 && feats[0].chatter) {
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
/// Messages from which a span that never names the field is small talk.
const SMALL_TALK: usize = 4;
/// Statements from which a span is a discussion however much chatter surrounds them.
const TALK: usize = 3;
/// Remarks (opening nothing) from which a span is banter.
const BANTER: usize = 3;

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
    "一下", "这种", "那种", "时候", "有没", "这边", "那边", "哈哈", "是不", "不知", "一样", "其实", "比较",
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

/// Words of the field (payments, finance, software and product work; written for the field,
/// not for particular days): a message with one of them, or with a Latin word, may be about
/// the group's subject; a run of messages with none is small talk (see [`kind_of`]).
const FIELD_WORDS: &[&str] = &[
    "支付",
    "银行",
    "资金",
    "资产",
    "账",
    "款",
    "金融",
    "保险",
    "贷",
    "监管",
    "系统",
    "产品",
    "技术",
    "接口",
    "数据",
    "号文",
    "业务",
    "理财",
    "投资",
    "风控",
    "牌照",
    "交易",
    "用户",
    "商户",
    "平台",
    "架构",
    "需求",
    "开发",
    "规则",
    "政策",
    "央行",
    "人行",
    "银联",
    "网联",
    "钱包",
    "收益",
    "利率",
    "额度",
    "征信",
    "合规",
    "方案",
    "模式",
    "流程",
    "设计",
    "清算",
    "结算",
    "通道",
    "跨境",
    "外汇",
    "汇率",
    "收单",
    "代码",
    "测试",
    "服务",
    "运维",
    "文档",
    "报告",
    "卡",
    "备付金",
    "营销",
    "运营",
    "市场",
    "行业",
    "公司",
    "客户",
    "缓存",
    "并发",
    "分布式",
    "算法",
    "安全",
    "证书",
    "加密",
    "协议",
    "标准",
    "项目",
    "管理",
    "成本",
    "费率",
    "手续费",
    "利润",
    "融资",
    "上市",
    "证券",
    "基金",
    "股",
    "税",
    "发票",
    "订单",
    "电商",
    "跨行",
    "转账",
    "充值",
    "提现",
    "退款",
];

/// Words of an admin notice or a red packet, chatter at any length.
const NOTICE_WORDS: &[&str] =
    &["[红包]", "红包", "群规", "入群", "改名", "修改群昵称", "群昵称", "签到", "撤回了一条消息"];

/// Words that open a question.
const QUESTION_WORDS: &[&str] =
    &["请教", "问一下", "问下", "请问", "求", "有没有", "怎么", "如何", "谁有", "谁知道", "吗", "哪家", "哪里", "是否"];

/// Characters from which a statement opens a subject.
const STATEMENT_CHARS: usize = 20;

fn features(m: &Message, known: &[&str]) -> Features {
    let text = m.text.as_str();
    let clean = content(text, known);
    let chars: usize = clean.chars().filter(|c| is_cjk(*c) || is_word_char(*c)).count();
    let units = units(&clean);
    // Of the words said: not a mention's `?` (see `content`) or a URL's.
    let question =
        chars >= 4 && (clean.contains('？') || clean.contains('?') || QUESTION_WORDS.iter().any(|w| clean.contains(w)));
    let notice = NOTICE_WORDS.iter().any(|w| text.contains(w)) && chars <= 40;
    let short_chatter = chars <= 8 && (chars == 0 || CHATTER_WORDS.iter().any(|w| clean.contains(w)));
    let chatter = match m.kind {
        Kind::Image => false,
        Kind::Link => false,
        Kind::Text => notice || (short_chatter && !question) || chars == 0,
    };
    let opener = !chatter && ((question && chars >= 6) || m.kind == Kind::Link || chars >= STATEMENT_CHARS);
    let mut addressed: Vec<String> =
        mention_spans_among(text, known).into_iter().map(|r| text[r].trim_start_matches('@').to_owned()).collect();
    if let Some(q) = quoted_speaker(text) {
        addressed.push(q);
    }
    let statement = !chatter && chars >= STATEMENT_CHARS;
    // Folded (銀行, ＰＯＳ), and without WeChat's emoji names (`[ThumbsUp]`), which are not words.
    let named = crate::normalise::fold(&without_emoji_names(&clean));
    let field = FIELD_WORDS.iter().any(|w| named.contains(w))
        || named
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.bytes().filter(u8::is_ascii_alphabetic).count() >= 2);
    Features { units, chatter, question, opener, statement, addressed, duplicate: false, field, clean }
}

/// `text` without the export's names of emoji: `[ThumbsUp]`, `[Facepalm]` (a bracketed run
/// of ASCII letters).
fn without_emoji_names(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('[') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if close > 0 && after[..close].bytes().all(|b| b.is_ascii_alphabetic()) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The speaker of a WeChat quote: `「name：…」`.
fn quoted_speaker(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix('「')?;
    let end = rest.find('：').or_else(|| rest.find(':'))?;
    let name = &rest[..end];
    (!name.is_empty() && name.chars().count() <= 30).then(|| name.to_owned())
}

/// `text` as a reader sees it ([`crate::text::with_mention_spaces`]: the `?` the export
/// wrote for the space after a mention is that space, not a question mark) without @mentions,
/// emoji codes (`[强]`) and URLs.
fn content(text: &str, known: &[&str]) -> String {
    let mut out = String::with_capacity(text.len());
    let (read, mentions) = crate::text::mentions_read(text, known);
    let text = &*read;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to || mentions.iter().any(|r| r.contains(&i)) {
            continue;
        }
        // WeChat's space after a mention (U+2005) as a plain one.
        if c == '\u{2005}' && mentions.iter().any(|r| r.end == i) {
            out.push(' ');
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

/// A lexical unit as a number: a CJK bigram is its two code points; a Latin word, its hash
/// with the top bit set (code points stay below 2^21, so the two never meet).
type Unit = u64;

/// Hashes [`Unit`]s, which are already well spread, with one multiplication.
#[derive(Default, Clone, Copy)]
struct UnitHasher(u64);

impl std::hash::Hasher for UnitHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type UnitMap<V> = HashMap<Unit, V, std::hash::BuildHasherDefault<UnitHasher>>;
type UnitSet = HashSet<Unit, std::hash::BuildHasherDefault<UnitHasher>>;

fn bigram(a: char, b: char) -> Unit {
    (u64::from(a) << 21) | u64::from(b)
}

fn word(w: &str) -> Unit {
    xxhash_rust::xxh3::xxh3_64(w.as_bytes()) | (1 << 63)
}

/// [`STOP_UNITS`] as units.
fn stop_units() -> &'static UnitSet {
    static STOP: std::sync::OnceLock<UnitSet> = std::sync::OnceLock::new();
    STOP.get_or_init(|| {
        STOP_UNITS
            .iter()
            .filter_map(|w| {
                let mut c = w.chars();
                Some(bigram(c.next()?, c.next()?))
            })
            .collect()
    })
}

/// CJK bigrams and lowercased Latin words of two characters or more, each once.
fn units(clean: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut prev: Option<char> = None;
    let mut word_buf = String::new();
    let latin = |w: &str| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit());
    for c in clean.chars() {
        if is_cjk(c) {
            if let Some(p) = prev {
                out.push(bigram(p, c));
            }
            prev = Some(c);
        } else {
            prev = None;
        }
        if is_word_char(c) {
            word_buf.extend(c.to_lowercase());
        } else if !word_buf.is_empty() {
            if latin(&word_buf) {
                out.push(word(&word_buf));
            }
            word_buf.clear();
        }
    }
    if latin(&word_buf) {
        out.push(word(&word_buf));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// One message quoted in a discussion's summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SummaryLine {
    pub line: u32,
    /// `HH:MM:SS`.
    pub time: String,
    pub speaker: String,
    pub text: String,
}

/// What a span carries: where it is, who spoke, what it is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Discussion {
    /// Archive-relative path of the day's log.
    pub path: String,
    pub group: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM:SS` of the first and last message.
    pub start_time: String,
    pub end_time: String,
    /// Header lines of the first and last message.
    pub start_line: u32,
    pub end_line: u32,
    pub messages: u32,
    /// Nicknames in order of first message; a duplicate's second nickname is not counted.
    pub participants: Vec<String>,
    pub title: String,
    pub summary: Vec<SummaryLine>,
    /// Topic ids of its messages, most messages first.
    pub topics: Vec<String>,
    pub kind: SpanKind,
}

impl Discussion {
    /// The stable id: `path#start_line`.
    pub fn id(&self) -> String {
        id(&self.path, self.start_line)
    }
}

/// The id of the discussion of `path` that starts at header line `start_line`.
pub fn id(path: &str, start_line: u32) -> String {
    format!("{path}#{start_line}")
}

/// Most characters of a title.
pub const TITLE_CHARS: usize = 30;
/// Messages quoted in a summary.
const SUMMARY_LINES: usize = 3;
/// Most characters of a summary line.
const SUMMARY_CHARS: usize = 120;

/// The discussions of a day: its spans with their titles, summaries, participants, topics.
/// `topics[k]` holds the topic ids of the day's message `k` (missing: none).
pub fn describe<T: AsRef<str>>(day: &Day, spans: &[Span], topics: &[Vec<T>]) -> Vec<Discussion> {
    describe_with(day, spans, topics, &day_features(day))
}

/// [`describe`] with the day's features (`feats[k]` of message `k`) already read.
fn describe_with<T: AsRef<str>>(day: &Day, spans: &[Span], topics: &[Vec<T>], feats: &[Features]) -> Vec<Discussion> {
    let msgs = &day.messages;
    spans
        .iter()
        .filter(|s| s.start < s.end && s.end <= msgs.len())
        .map(|s| {
            let span = &msgs[s.start..s.end];
            let feats = &feats[s.start..s.end];
            // A duplicate of the message before the span is not one within it.
            let dup: Vec<bool> = feats.iter().enumerate().map(|(k, f)| k > 0 && f.duplicate).collect();
            let mut participants: Vec<String> = Vec::new();
            for (m, &d) in span.iter().zip(&dup) {
                if !d && !participants.contains(&m.speaker) {
                    participants.push(m.speaker.clone());
                }
            }
            let mut topic_counts: Vec<(&str, usize)> = Vec::new();
            for (k, &d) in dup.iter().enumerate() {
                if d {
                    continue;
                }
                for t in topics.get(s.start + k).into_iter().flatten().map(AsRef::as_ref) {
                    match topic_counts.iter_mut().find(|(id, _)| *id == t) {
                        Some((_, n)) => *n += 1,
                        None => topic_counts.push((t, 1)),
                    }
                }
            }
            // Stable: equal counts keep the order of first mention.
            topic_counts.sort_by_key(|t| std::cmp::Reverse(t.1));
            let (first, last) = (&span[0], &span[span.len() - 1]);
            Discussion {
                path: day.path.clone(),
                group: day.group.clone(),
                date: day.date.to_string(),
                start_time: first.time_label(),
                end_time: last.time_label(),
                start_line: first.line,
                end_line: last.line,
                messages: u32::try_from(span.len()).unwrap_or(u32::MAX),
                participants,
                title: title(span, feats),
                summary: summary(span, feats, &dup),
                topics: topic_counts.into_iter().map(|(t, _)| t.to_owned()).collect(),
                kind: s.kind,
            }
        })
        .collect()
}

/// Whether a discussion opens with a question (within its first messages).
fn opens_with_a_question(feats: &[Features]) -> bool {
    feats.iter().take(WINDOW).any(|f| f.question && !f.chatter)
}

/// The opening question, else the first substantive message, else the first with any words;
/// cleaned of mentions, emoji codes and URLs, at most [`TITLE_CHARS`] characters.
fn title(span: &[Message], feats: &[Features]) -> String {
    let opening = span.len().min(WINDOW);
    let pick = (0..opening)
        .find(|&k| feats[k].question && !feats[k].chatter)
        .or_else(|| (0..span.len()).find(|&k| !feats[k].chatter && feats[k].units.len() >= 4))
        .or_else(|| (0..span.len()).find(|&k| !feats[k].clean.trim().is_empty()));
    pick.map_or_else(String::new, |k| clip(&feats[k].clean, TITLE_CHARS))
}

/// The most central messages, in their order: those sharing the most words with the rest of
/// the span (weighted by how rare the words are in it), at most [`SUMMARY_LINES`].
/// `dup[k]`: message `k` duplicates the one before it in the span.
fn summary(span: &[Message], feats: &[Features], dup: &[bool]) -> Vec<SummaryLine> {
    let mut df: UnitMap<usize> = UnitMap::default();
    for (f, _) in feats.iter().zip(dup).filter(|(_, &d)| !d) {
        for &u in &f.units {
            *df.entry(u).or_default() += 1;
        }
    }
    let stop = stop_units();
    let n = feats.len() as f32;
    let mut scored: Vec<(f32, usize)> = feats
        .iter()
        .enumerate()
        .filter(|&(k, f)| !dup[k] && !f.chatter && !f.units.is_empty())
        .map(|(k, f)| {
            let shared: f32 = f
                .units
                .iter()
                .filter(|u| !stop.contains(u))
                .map(|u| {
                    let c = df.get(u).copied().unwrap_or(1);
                    if c > 1 {
                        (n / c as f32).ln().max(0.1)
                    } else {
                        0.0
                    }
                })
                .sum();
            // A question opens the matter; the first one counts as central.
            let bonus = if f.question && k < WINDOW { 1.0 } else { 0.0 };
            (shared.sqrt() + bonus, k)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<usize> = scored.into_iter().take(SUMMARY_LINES).map(|(_, k)| k).collect();
    picked.sort_unstable();
    picked
        .into_iter()
        .map(|k| {
            let m = &span[k];
            SummaryLine {
                line: m.line,
                time: m.time_label(),
                speaker: m.speaker.clone(),
                text: clip(&feats[k].clean, SUMMARY_CHARS),
            }
        })
        .collect()
}

/// `text` on one line, white space collapsed, cut to `max` characters with `…`.
fn clip(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = one_line.trim_matches(|c: char| c.is_whitespace() || matches!(c, '，' | ',' | '：' | ':'));
    // A line never opens with a question mark: at the start it is what the export wrote for
    // an emoji it could not encode (`??，一直想要这块的文档`).
    let trimmed = trimmed.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '?' | '，' | ','));
    if trimmed.chars().count() <= max {
        return trimmed.to_owned();
    }
    let mut out: String = trimmed.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A day from `(HH:MM:SS, nickname, text)` messages, through the real parser.
    fn day(messages: &[(&str, &str, &str)]) -> Day {
        let mut s = String::from("---\nlayout: post\ntitle: \"2018-01-30-WeChat\"\n---\n");
        for (time, who, text) in messages {
            s.push_str(&format!("> {time}  {who}  \n   \n{text}  \n   \n"));
        }
        crate::archive::parse_log("g/_posts/2018-01-30-chat.markdown", s.as_bytes()).expect("parses").0
    }

    fn assert_partition(d: &Day, spans: &[Span]) {
        let mut next = 0;
        for s in spans {
            assert_eq!(s.start, next, "{spans:?}");
            assert!(s.end > s.start, "{spans:?}");
            next = s.end;
        }
        assert_eq!(next, d.messages.len());
    }

    fn starts(d: &Day) -> Vec<usize> {
        segment(d).iter().map(|s| s.start).collect()
    }

    #[test]
    fn empty_and_single_days() {
        assert!(segment(&day(&[])).is_empty());
        let one = day(&[("10:00:00", "甲", "请问网联的备付金集中存管什么时候完成？")]);
        let spans = segment(&one);
        assert_eq!(spans, vec![Span { start: 0, end: 1, kind: SpanKind::Discussion }]);
    }

    #[test]
    fn a_long_silence_before_a_new_question_cuts() {
        let d = day(&[
            ("09:00:00", "甲", "请教一下，跨境收单的结售汇是怎么做的？"),
            ("09:01:00", "乙", "一般找有牌照的机构代理结售汇，外管局要求逐笔申报"),
            ("09:02:00", "甲", "逐笔申报的话量大了怎么办"),
            ("09:03:00", "乙", "可以批量申报，跟外管局报备就行"),
            ("11:00:00", "丙", "有没有人用过阿里云的消息队列？按量付费贵不贵？"),
            ("11:01:00", "丁", "用过，消息队列按量付费挺便宜的"),
        ]);
        assert_eq!(starts(&d), vec![0, 4]);
        assert_partition(&d, &segment(&d));
    }

    #[test]
    fn a_late_reply_that_names_the_asker_continues() {
        let d = day(&[
            ("09:00:00", "甲-某支付-产品", "请教一下，跨境收单的结售汇是怎么做的？"),
            ("09:01:00", "乙", "一般找有牌照的机构代理"),
            ("10:30:00", "丙", "@甲-某支付-产品 我们是自己申请的资质，流程大概半年，材料很多要准备"),
            ("10:31:00", "甲-某支付-产品", "好的谢谢，半年也还可以接受"),
        ]);
        assert_eq!(starts(&d), vec![0]);
    }

    #[test]
    fn a_short_reply_after_a_silence_stays_with_its_discussion() {
        let d = day(&[
            ("17:48:47", "甲", "跨境支付乱象：钱宝违规付汇40多亿元 财付通被罚60万元 支付宝超范围经营"),
            ("18:37:13", "乙", "罚的不够"),
            ("19:17:04", "丙", "罚的太少了"),
        ]);
        assert_eq!(starts(&d), vec![0]);
    }

    #[test]
    fn duplicates_are_never_cut_apart() {
        let d = day(&[
            ("09:00:00", "甲", "早上好"),
            ("12:00:00", "乙", "请教下 央行大额转账系统的上限是不是已经取消了？"),
            ("12:00:00", "乙-某银行-产品", "请教下 央行大额转账系统的上限是不是已经取消了？"),
            ("12:01:00", "丙", "周末是50万，工作日没有上限"),
        ]);
        let spans = segment(&d);
        assert_partition(&d, &spans);
        assert!(spans.iter().all(|s| s.start != 2), "{spans:?}");
        let discussions = describe::<&str>(&d, &spans, &[]);
        let asked =
            discussions.iter().find(|x| x.start_line == d.messages[1].line).expect("a span starts at the question");
        assert_eq!(asked.participants, vec!["乙".to_owned(), "丙".to_owned()]);
    }

    #[test]
    fn small_talk_that_never_names_the_field_is_chatter() {
        // A question, statements of 20+ characters, replies: the shape of a discussion, but
        // nothing in it is about the group's field.
        let talk = [
            ("12:00:00", "甲", "中午大家都吃的什么？我今天吃了一大碗牛肉面，太撑了"),
            ("12:01:00", "乙", "我在楼下吃的小龙虾，味道还可以"),
            ("12:02:00", "丙", "周末去爬山了，腿到现在还疼，下次再也不去那么高的山了"),
            ("12:03:00", "甲", "下次一起去"),
        ];
        assert_eq!(segment(&day(&talk)), vec![Span { start: 0, end: 4, kind: SpanKind::Chatter }]);
        // One message that names something of the field makes it a discussion.
        for field in [
            "楼下那家店的收款码是哪个支付公司的？",
            "楼下那家店用的是什么POS机？",
            "楼下那家店用的是什么ＰＯＳ機？",
            "楼下那家店是哪家銀行的？",
        ] {
            let mut named = talk.to_vec();
            named[1].2 = field;
            assert_eq!(segment(&day(&named))[0].kind, SpanKind::Discussion, "{field}");
        }
        // WeChat's emoji names are not Latin words.
        let mut emoji = talk.to_vec();
        emoji[3].2 = "下次一起去[ThumbsUp][Facepalm]";
        assert_eq!(segment(&day(&emoji))[0].kind, SpanKind::Chatter);
        // Fewer messages than that are left as they were.
        assert_eq!(segment(&day(&talk[..3]))[0].kind, SpanKind::Discussion);
    }

    #[test]
    fn a_day_of_chatter_is_one_chatter_span() {
        let d = day(&[
            ("08:00:00", "甲", "早上好"),
            ("08:01:00", "乙", "[红包]"),
            ("09:30:00", "丙", "哈哈哈哈"),
            ("11:00:00", "丁", "[强][强]"),
            ("15:00:00", "戊", "谢谢大家"),
        ]);
        assert_eq!(segment(&d), vec![Span { start: 0, end: 5, kind: SpanKind::Chatter }]);
    }

    #[test]
    fn a_lone_unanswered_question_is_a_one_message_discussion() {
        let d = day(&[
            ("08:00:00", "甲", "早上好"),
            ("08:01:00", "乙", "早"),
            ("08:02:00", "丙", "[握手]"),
            ("08:03:00", "丁", "哈哈"),
            ("15:00:00", "戊", "请问条码支付的验证等级和限额是怎么规定的？"),
        ]);
        let spans = segment(&d);
        assert_eq!(spans.last(), Some(&Span { start: 4, end: 5, kind: SpanKind::Discussion }), "{spans:?}");
        assert_eq!(spans[0].kind, SpanKind::Chatter);
    }

    #[test]
    fn large_days_and_odd_text_partition_without_panic() {
        let texts = [
            "",
            "？",
            "@",
            "[",
            "「：",
            "http://x",
            "请问 @甲?有没有",
            "哈哈",
            "[强]",
            "一个很长的陈述句子，讲的是跨境支付的结售汇",
        ];
        let mut owned: Vec<(String, String, String)> = Vec::new();
        for k in 0..2000u32 {
            let secs = (k * 37) % 86_400;
            let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
            owned.push((time, format!("人{}", k % 7), texts[k as usize % texts.len()].to_owned()));
        }
        let msgs: Vec<(&str, &str, &str)> =
            owned.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        let d = day(&msgs);
        let spans = segment(&d);
        assert_partition(&d, &spans);
        let described = describe::<&str>(&d, &spans, &[]);
        assert_eq!(described.iter().map(|x| x.messages as usize).sum::<usize>(), d.messages.len());
    }

    #[test]
    fn a_discussion_carries_title_summary_participants_and_topics() {
        let d = day(&[
            ("09:00:00", "甲", "@乙 请教一下[可怜]，网联断直连以后通道路由怎么做？http://example.com/a"),
            ("09:01:00", "乙", "断直连以后路由在网联那边，机构只选网联还是银联"),
            ("09:02:00", "丙", "路由策略还是要自己做，按费率和成功率选通道"),
            ("09:03:00", "甲", "明白了，谢谢"),
        ]);
        let taxonomy = crate::topics::Taxonomy::builtin();
        let spans = segment(&d);
        let topics: Vec<Vec<&str>> = d.messages.iter().map(|m| taxonomy.tag(&m.text)).collect();
        let x = &describe(&d, &spans, &topics)[0];
        assert_eq!(x.title, "请教一下，网联断直连以后通道路由怎么做？");
        assert_eq!(x.id(), format!("{}#{}", d.path, d.messages[0].line));
        assert_eq!((x.start_time.as_str(), x.end_time.as_str(), x.messages), ("09:00:00", "09:03:00", 4));
        assert_eq!(x.participants.len(), 3);
        assert!(!x.summary.is_empty() && x.summary.len() <= SUMMARY_LINES);
        assert!(x.summary.windows(2).all(|w| w[0].line < w[1].line));
        assert_eq!(x.topics.first().map(String::as_str), Some("routing"));
        assert_eq!(x.kind, SpanKind::Discussion);
    }

    #[test]
    fn the_export_s_question_mark_after_a_mention_is_neither_text_nor_a_question() {
        // The export wrote `?` for the space after a mention: `@老熊-爱奇艺-北京?辛苦熊哥了`.
        let d = day(&[
            ("09:00:00", "甲", "@老熊-爱奇艺-北京?辛苦熊哥了 这么多人拉进来"),
            ("09:01:00", "乙", "客气客气，大家多交流支付的产品设计"),
            ("09:02:00", "甲", "这个消息系统说是高可用的，实现得找人再了解下。@黄菲-富友-上海?"),
        ]);
        let x = &describe::<&str>(&d, &segment(&d), &[])[0];
        assert_eq!(x.title, "辛苦熊哥了 这么多人拉进来");
        assert!(x.summary.iter().all(|l| !l.text.contains('?')), "{:?}", x.summary);
        for m in &d.messages {
            assert!(!features(m, &[]).question, "{}", m.text);
        }
        // A question after a mention is still one, and a URL's `?` is not.
        let asked = day(&[
            ("09:00:00", "甲", "@老熊-爱奇艺-北京?这个通道怎么接?"),
            ("09:01:00", "乙", "接口文档在这里 https://example.com/doc?id=3 自己看"),
        ]);
        assert!(features(&asked.messages[0], &[]).question);
        assert!(!features(&asked.messages[1], &[]).question);
        // An emoji the export could not encode (`??`) does not open a title either.
        let lost = day(&[("09:00:00", "甲", "??，一直想要这块对账的文档，感谢")]);
        assert_eq!(describe::<&str>(&lost, &segment(&lost), &[])[0].title, "一直想要这块对账的文档，感谢");
    }

    /// The discussions read a message as it is shown ([`crate::text::with_mention_spaces`],
    /// one mention rule): a mention run past 30 characters ending in `?` was cut at 30 here,
    /// the `?` kept as a question, while the display took the run whole and showed the `?` as
    /// a space.
    #[test]
    fn discussions_read_mentions_as_the_display_does() {
        let t = "@所有人带了openid，APP后台知道这个用户手机在哪里登录并推送消息吗?";
        let shown = crate::text::with_mention_spaces(t);
        assert_eq!(content(t, &[]).trim(), shown.chars().skip(31).collect::<String>());
        assert!(features(&day(&[("09:00:00", "甲", t)]).messages[0], &[]).question);
        for t in ["@老熊-爱奇艺-北京?辛苦了", "@罗科勤 银联 风控产品经理?谢谢", "@甲\u{2005}好的"]
        {
            let shown = crate::text::with_mention_spaces(t);
            let name = crate::text::mention_spans(t)[0].end;
            assert_eq!(
                content(t, &[]),
                format!(" {}", &shown[name + shown[name..].chars().next().unwrap().len_utf8()..])
            );
        }
    }

    /// A mention of a nickname with a space that posted in the day is read whole, its
    /// export's `?` a space, as the topics read it: the title of `@马骁-四方科技 技术总监?你们…`
    /// was `技术总监?你们…` (the mention ended at the space after `马骁-四方科技`), and the
    /// message addressed `马骁-四方科技`, not the speaker it answers.
    #[test]
    fn a_nickname_with_a_space_that_posted_that_day_is_a_whole_mention() {
        let d = day(&[
            ("14:08:52", "马骁-四方科技 技术总监", "两种都有。我们接的那家是下单时传分账规则"),
            ("14:13:55", "林知远-银信支付-产品-上海", "@马骁-四方科技 技术总监?你们接的那家分账回退收手续费吗"),
        ]);
        let known = d.spaced_speakers();
        assert_eq!(known, vec!["马骁-四方科技 技术总监"]);
        let f = features(&d.messages[1], &known);
        assert_eq!(f.addressed, vec!["马骁-四方科技 技术总监"]);
        assert_eq!(f.clean.trim(), "你们接的那家分账回退收手续费吗");
        let x = describe::<&str>(&d, &segment(&d), &[]);
        let lines: Vec<&str> = x.iter().flat_map(|x| x.summary.iter().map(|l| l.text.as_str())).collect();
        assert!(lines.contains(&"你们接的那家分账回退收手续费吗"), "{x:?}");
        assert!(x.iter().all(|x| !x.title.contains("技术总监")), "{x:?}");
    }

    #[test]
    fn titles_are_clipped() {
        let long = "请问".to_owned() + &"长".repeat(50) + "？";
        let d = day(&[("09:00:00", "甲", long.as_str())]);
        let x = &describe::<&str>(&d, &segment(&d), &[])[0];
        assert_eq!(x.title.chars().count(), TITLE_CHARS);
        assert!(x.title.ends_with('…'));
    }
}
