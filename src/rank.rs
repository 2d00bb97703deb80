//! What puts the best answer first: how much a message says (its *substance*, computed when
//! indexing and kept as a fast field), the score that combines it with the text match, and the
//! page-level rules that keep a page varied (exact copies folded into one hit, at most two hits
//! of one conversation in each ten).

use crate::text::{is_cjk, is_word_char};

mod page;
mod quality;
pub(crate) use page::{laid_out, layout, Candidate, Slot, LOOK_AHEAD};
pub(crate) use quality::MODEL as QUALITY_MODEL;
pub use quality::{quality_among, words_among};

/// Substance left beyond the query's own words below which a message only names the term
/// ("二清？", "套现吧[阴险]"): it goes below every message that says something.
const BARE: u32 = 3;
/// Weight of the text match (BM25) against the substance prior, which is a logarithm. BM25
/// favours short messages (its length normalisation), which the prior is there to undo: at 0.1
/// a 19-character remark saying the term twice outranked 90 characters of rules saying it once.
pub(crate) const MATCH_WEIGHT: f32 = 0.07;
/// Weight of a question's coverage (the share of its key terms' rarity a message holds, 0 to
/// 1) against the substance prior.
pub(crate) const COVER_WEIGHT: f32 = 16.0;
/// Weight of a question's key terms named again (see [`repeated`]): a message naming the
/// question's rare terms several times is about them, one naming them once may mention them in
/// passing. Chosen by leave-one-need-out cross-validation over the 20 judged needs' pasted
/// questions (BENCHMARKS.md, *Relevance, session 20*): the weight most folds chose.
pub(crate) const REPEAT_WEIGHT: f32 = 2.6;
/// Mentions of one key term of a question counted at most (see [`repeats`]): the key stays
/// bounded, so a search still prunes (see [`bound`]).
const REPEATS: u32 = 9;
/// What asking costs a message in the ranking key (a logarithm): judged by hand, questions
/// are on topic at best, never the answer.
const ASKING: f32 = 1.0;
/// What being a lone remark (the only speaker of its discussion) or chatter costs a message in
/// the ranking key (a logarithm): a message inside a discussion outranks one nobody answered.
const LONE: f32 = 1.0;
/// What naming the query's terms only at the end of a message costs in the ranking key (a
/// logarithm), in proportion to how far in the first mention comes (see [`crate::mention`]).
const LATE: f32 = 1.0;
/// Characters of a message counted per mention of the query's terms: a long text that names
/// them once (a pasted regulation listing 预付卡 among the licence types) says that much about
/// them, not its whole length. Judged by hand (BENCHMARKS.md, *Relevance*): 80 lifted the
/// held-out needs (0.578 → 0.658) and left the development needs as they were; 40 and 60
/// sank definitions on the development needs, 120 and more gave back most of the gain.
const NEAR: u32 = 80;

/// How much `text` says: its CJK characters plus its Latin words (runs of letters and digits),
/// not counting emoji codes (`[抱拳]`), @mentions and URLs. Mentions as [`substance_among`]
/// reads them knowing no nickname.
pub fn substance(text: &str) -> u32 {
    substance_among(text, &[] as &[&str])
}

/// [`substance`], where the mentions are those [`crate::text::mention_spans_among`] reads with
/// `known` nicknames with white space (a log's, [`crate::archive::Day::spaced_speakers`]): the
/// reading the discussions and the topics have (the text shown knows every nickname of the
/// archive, not only the log's), so that `技术总监` in
/// `@马骁-四方科技 技术总监?你们怎么做对账` is part of the name, not what the message says.
pub fn substance_among<S: AsRef<str>>(text: &str, known: &[S]) -> u32 {
    let mut n = 0u32;
    read_among(text, known, |piece| match piece {
        Piece::Cjk(_) | Piece::Word(_) => n += 1,
        Piece::Gap => {}
    });
    n
}

/// What [`read_among`] meets in a text, in order: a CJK character, a Latin word (a run of
/// letters and digits), or anything between them that separates them (punctuation, white
/// space, a skipped emoji code, mention or URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Cjk(char),
    Word(&'a str),
    Gap,
}

/// The pieces of `text` that say something, as [`substance_among`] counts them: emoji codes
/// (`[抱拳]`), @mentions (read with `known` nicknames, see [`crate::text::mention_spans_among`])
/// and URLs are gaps.
pub(crate) fn read_among<'a, S: AsRef<str>>(text: &'a str, known: &[S], mut on: impl FnMut(Piece<'a>)) {
    let mut mentions = crate::text::mention_spans_among(text, known).into_iter().peekable();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut word: Option<usize> = None;
    let mut i = 0;
    // The word running up to byte `end`, if any, then a gap.
    let gap = |word: &mut Option<usize>, end: usize, on: &mut dyn FnMut(Piece<'a>)| {
        if let Some(start) = word.take() {
            on(Piece::Word(&text[start..end]));
        }
        on(Piece::Gap);
    };
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '[' {
            if let Some(len) = emoji_code_len(&chars[i..]) {
                gap(&mut word, at, &mut on);
                i += len;
                continue;
            }
        }
        if c == '@' {
            // A mention starting here (one inside a URL skipped already is left behind).
            while mentions.next_if(|m| m.start < at).is_some() {}
            if let Some(m) = mentions.next_if(|m| m.start == at) {
                gap(&mut word, at, &mut on);
                while i < chars.len() && chars[i].0 < m.end {
                    i += 1;
                }
                continue;
            }
        }
        if (c == 'h' || c == 'H' || c == 'w' || c == 'W') && word.is_none() && starts_url(&chars[i..]) {
            gap(&mut word, at, &mut on);
            while i < chars.len() && !chars[i].1.is_whitespace() && !is_cjk(chars[i].1) {
                i += 1;
            }
            continue;
        }
        if is_word_char(c) {
            word.get_or_insert(at);
        } else if is_cjk(c) {
            if let Some(start) = word.take() {
                on(Piece::Word(&text[start..at]));
            }
            on(Piece::Cjk(c));
        } else {
            gap(&mut word, at, &mut on);
        }
        i += 1;
    }
    gap(&mut word, text.len(), &mut on);
}

/// Whether `text` asks rather than tells: a full-width question mark, 吗, a request for help
/// (请问, 请教, 问一下), or a final `?` — unless a mention ends there: the `?` is the export's
/// stand-in for the space after a mention (`…得找人再了解下。@黄菲-富友-上海?`). Mentions as
/// [`asks_among`] reads them knowing no nickname.
pub fn asks(text: &str) -> bool {
    asks_among(text, &[] as &[&str])
}

/// [`asks`], where the mentions are those [`crate::text::mention_spans_among`] reads with
/// `known` nicknames with white space (see [`substance_among`]): the `?` after a known name
/// is the export's space, not the message's question mark (`谢谢 @马骁-四方科技 技术总监?`
/// does not ask). The marks are looked for in the whole text, as a mention without white space
/// after it runs on over what the message asks (`@张三这个怎么做？`).
pub fn asks_among<S: AsRef<str>>(text: &str, known: &[S]) -> bool {
    const MARKS: &[&str] = &["？", "吗", "请问", "请教", "问一下", "问个问题"];
    if MARKS.iter().any(|m| text.contains(m)) {
        return true;
    }
    // Mentions at the end, each with the export's `?`, are not the message's last word
    // (`…为什么要关?@田浩沛?` still asks).
    let mut text = text.trim_end();
    while let Some(m) = crate::text::mention_spans_among(text, known).pop().filter(|m| text.get(m.end..) == Some("?")) {
        text = text[..m.start].trim_end();
    }
    text.ends_with('?')
}

/// Length of an emoji code at the start of `chars` (`[强]`, `[捂脸]`, `[OK]`), if it is one.
fn emoji_code_len(chars: &[(usize, char)]) -> Option<usize> {
    let close = chars.iter().take(8).position(|&(_, c)| c == ']')?;
    let inner = &chars[1..close];
    (!inner.is_empty() && inner.iter().all(|(_, c)| c.is_alphanumeric())).then_some(close + 1)
}

fn starts_url(chars: &[(usize, char)]) -> bool {
    let head: String = chars.iter().take(8).map(|&(_, c)| c).collect::<String>().to_lowercase();
    head.starts_with("http://") || head.starts_with("https://") || head.starts_with("www.")
}

/// Where a message was said, as ranking sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A discussion of two or more people.
    Discussion,
    /// Its discussion has one speaker (nobody answered), or it is chatter.
    Lone,
    /// Not known (an index without discussions): no cost.
    Unknown,
}

impl Context {
    /// From a discussion's (messages, people, chatter, opens with a question), as packed in
    /// the index; all zero means unknown.
    pub(crate) fn of((messages, people, chatter, _): (u32, u32, bool, bool)) -> Context {
        if messages == 0 {
            Context::Unknown
        } else if chatter || people <= 1 {
            Context::Lone
        } else {
            Context::Discussion
        }
    }
}

/// What the ranking key reads of a message (from fast fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Message {
    /// See [`substance`].
    pub substance: u32,
    /// See [`asks`].
    pub asks: bool,
    pub context: Context,
}

/// The ranking key of a message: the logarithm of what it says beyond the query's words
/// (`query_substance`), plus the (weighted) text match, less what asking and being a lone
/// remark cost. Whatever only names the term sinks.
pub(crate) fn score(weighted_match: f32, message: Message, query_substance: u32) -> f32 {
    let rest = rest(message, query_substance);
    let prior = prior(rest);
    let asking = if message.asks { ASKING } else { 0.0 };
    let lone = if message.context == Context::Lone { LONE } else { 0.0 };
    let key = prior + weighted_match - asking - lone;
    if rest < BARE {
        key - 100.0
    } else {
        key
    }
}

/// What [`bound`] adds to the prior of the largest substance: `prior` is a logarithm and rises
/// with what a message says, but the platform's logarithm is not promised to be exactly
/// monotone (a last-bit wobble); this covers it many times over.
const BOUND_MARGIN: f32 = 1e-3;

/// An upper bound of [`score`] for every message of substance at most `substance` whose
/// weighted text match is `weighted_match`: never below it (asking, being a lone remark and
/// only naming the term take off; the prior rises with substance). With it a search skips the
/// key of a match that cannot enter the page (see `crate::search::prune`).
pub(crate) fn bound(weighted_match: f32, substance: u32, query_substance: u32) -> f32 {
    (prior(substance.saturating_sub(query_substance)) + BOUND_MARGIN) + weighted_match
}

/// What `message` says beyond the query's own words (`query_substance`).
pub(crate) fn rest(message: Message, query_substance: u32) -> u32 {
    message.substance.saturating_sub(query_substance)
}

/// Substances below this have their prior computed once per process (a search computes one for
/// every match: a logarithm each was a tenth of a common term's search).
const PRIORS: usize = 4096;

/// `ln(1 + rest)`: the substance prior of a message that says `rest` beyond the query's words;
/// below [`PRIORS`] kept once computed (by the same expression: the same `f32`). Each value is
/// computed the first time it is needed, not the whole table at once: a process that runs one
/// search on a small archive meets a few hundred of them.
fn prior(rest: u32) -> f32 {
    use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
    // A value's bits plus one; 0 is not computed yet (a prior is a finite number, never NaN's
    // all-ones bits, so the sum never wraps to 0).
    static TABLE: [AtomicU32; PRIORS] = [const { AtomicU32::new(0) }; PRIORS];
    let compute = || (1.0 + rest as f32).ln();
    let Some(slot) = TABLE.get(rest as usize) else { return compute() };
    match slot.load(Relaxed) {
        0 => {
            let p = compute();
            slot.store(p.to_bits() + 1, Relaxed);
            p
        }
        kept => f32::from_bits(kept - 1),
    }
}

/// What a first mention `share` of the way into a message (0 at its start, 1 at its end)
/// takes off its ranking key: a message about a subject names it first, one that gets to it
/// at its end mentions it in passing.
fn late(share: f32) -> f32 {
    LATE * share.clamp(0.0, 1.0)
}

/// What the place and number of the terms' mentions take off the key of a message that says
/// `rest` beyond the query's words: a late first mention ([`late`], `share` of the way in) and
/// a long text naming them rarely ([`passing`], `mentions` times).
pub(crate) fn placed(rest: u32, share: f32, mentions: u32) -> f32 {
    late(share) + passing(rest, mentions)
}

/// What a message that says `rest` beyond the query's words, naming its terms `mentions`
/// times, loses when only [`NEAR`] characters a mention count: its prior falls to that of
/// `mentions × NEAR` characters. Nothing when it names them often enough for its length, or
/// when they are not placed (`mentions` 0).
fn passing(rest: u32, mentions: u32) -> f32 {
    let near = mentions.saturating_mul(NEAR);
    if mentions == 0 || rest <= near {
        return 0.0;
    }
    prior(rest) - prior(near)
}

/// `ln(1 + count)` of a key term's mentions in a message, counting at most [`REPEATS`].
pub(crate) fn repeats(count: u32) -> f32 {
    (1.0 + count.min(REPEATS) as f32).ln()
}

/// What naming a question's key terms adds to the key of a message covering `cover` of the
/// question (the share of its keys' weight the message holds, 0 to 1): `weight` ×
/// `repeats`, where `repeats` is the sum over the keys of each key's share of the weight ×
/// [`repeats`] of its mentions. At most what the cover allows (a key counted at its
/// [`REPEATS`]), so the key stays below [`bound`] with [`repeated_most`] added to the match
/// weight. Nothing with `weight` 0 (a typed query).
pub(crate) fn repeated(weight: f32, repeats: f32, cover: f32) -> f32 {
    weight * repeats.clamp(0.0, cover * repeated_most(1.0))
}

/// The most [`repeated`] adds per unit of cover, at `weight`.
pub(crate) fn repeated_most(weight: f32) -> f32 {
    weight * repeats(REPEATS)
}

/// How deep [`fused`] reads both rankings: deeper hits keep the question's order (measured:
/// 500 gives the pages of whole lists on the 20 judged needs, 200 does not).
pub(crate) const FUSED_DEPTH: usize = 500;
/// Reciprocal-rank fusion's constant: a hit ranked `r`-th (from 1) in a list adds
/// `1 / (FUSION_K + r)`. 60 is the method's usual constant (chosen 10 to 100 alike, BENCHMARKS).
const FUSION_K: f64 = 60.0;
/// What ranking in a question's subject searched as typed weighs against ranking in the
/// question's own run (chosen by leave-one-need-out cross-validation, BENCHMARKS), for a
/// subject the question repeats ([`crate::question::Subject::repeated`]).
pub(crate) const SUBJECT_RUN: f64 = 2.0;
/// What each of a question's guessed subjects weighs (its first rare keys, where it repeats
/// none): half (BENCHMARKS.md, *Session 24*).
pub(crate) const GUESSED_RUN: f64 = 1.0;

/// The order of a question's ranked hits (`question`) fused with the rankings of its subjects
/// searched as typed (`subjects`, each with its weight: [`SUBJECT_RUN`] or [`GUESSED_RUN`]):
/// the first [`FUSED_DEPTH`] of the question's by `1 / (K + their rank there)` plus, for each
/// subject, `weight / (K + their rank in its run)` (reciprocal-rank fusion; nothing from a run
/// a hit is not in the first [`FUSED_DEPTH`] of; equal sums keep the question's order), then
/// the rest in the question's order. Indices into `question`. Only the question's own hits are
/// ranked, so a search still finds what it counts.
pub(crate) fn fused<T: Eq + std::hash::Hash>(question: &[T], subjects: &[(Vec<T>, f64)]) -> Vec<usize> {
    let head = question.len().min(FUSED_DEPTH);
    let mut sums: Vec<f64> = (0..head).map(|i| 1.0 / (FUSION_K + (i + 1) as f64)).collect();
    let at: std::collections::HashMap<&T, usize> =
        question[..head].iter().enumerate().map(|(i, t)| (t, i)).rev().collect();
    for (run, weight) in subjects {
        for (r, t) in run.iter().take(FUSED_DEPTH).enumerate() {
            if let Some(&i) = at.get(t) {
                sums[i] += weight / (FUSION_K + (r + 1) as f64);
            }
        }
    }
    let mut order: Vec<usize> = (0..head).collect();
    order.sort_by(|&a, &b| sums[b].total_cmp(&sums[a]));
    order.extend(head..question.len());
    order
}

/// How deep a typed search's ranking is read for [`together`]: its first 500 hits, as deep as
/// a question's fusion reads ([`FUSED_DEPTH`]). Measured on the 128 judged needs' typed lists:
/// a discussion's matches counted among the first 600 scored as among all of them (0.6284
/// against 0.6281), among the first 200 a little lower (0.6276; BENCHMARKS.md, *Session 25*).
pub(crate) const TOGETHER_DEPTH: usize = 500;

/// What a hit's discussion adds to its key, per `ln(1 + m)` (m: the discussion's matches):
/// chosen in `benches/discussion25-variants.md`.
pub(crate) const TOGETHER_WEIGHT: f32 = 0.2;

/// What a typed search adds to a hit's key per unit of its quality (see [`quality_among`],
/// about −3 to 3), among its first [`TOGETHER_DEPTH`] hits: chosen in
/// `benches/quality27-variants.md` (cross-validated by set left out, BENCHMARKS.md, *Session 27*).
pub(crate) const QUALITY_WEIGHT: f32 = 0.5;

/// A typed search's first hits (their `keys`, in rank order before their quality was added,
/// and each one's discussion and message: `hits`), each key raised by `weight · ln(1 + m)`, m the number of these hits'
/// messages in its discussion (itself included; copies, equal messages, counted once),
/// re-sorted by that (equal keys keep their order): the new keys, each with its index. A
/// message among a discussion's many matches is about the term; a lone remark naming it, or a
/// term in another sense (a shop's camera under 监控), is not (issue 11: "a message inside a
/// substantive discussion outranks a lone remark"). A copy of a message under a second
/// nickname is the same message, not a second match: 27 of the archive's logs (December 2017)
/// hold nearly every message twice, and counted twice their discussions rose above the same
/// talk on another day.
pub(crate) fn together<D: Eq + std::hash::Hash, M: Eq + std::hash::Hash>(
    keys: &[f32],
    hits: &[(D, M)],
    weight: f32,
) -> Vec<(f32, usize)> {
    let distinct: rustc_hash::FxHashSet<&(D, M)> = hits.iter().collect();
    let mut matches: rustc_hash::FxHashMap<&D, u32> = rustc_hash::FxHashMap::default();
    for (d, _) in distinct {
        *matches.entry(d).or_default() += 1;
    }
    let mut out: Vec<(f32, usize)> = keys
        .iter()
        .zip(hits)
        .enumerate()
        .map(|(i, (&key, (d, _)))| (key + weight * (1.0 + matches[d] as f32).ln(), i))
        .collect();
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out
}

/// A stable 64-bit hash of a message's text (FNV-1a over its bytes): equal texts, equal hashes
/// across runs and machines.
pub(crate) fn text_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prior_table_gives_the_logarithm_bit_for_bit() {
        // Twice: computed, then kept.
        for _ in 0..2 {
            for rest in (0..PRIORS as u32 + 10).chain([65_535, 0xF_FFFF, u32::MAX]) {
                assert_eq!(prior(rest).to_bits(), (1.0 + rest as f32).ln().to_bits(), "{rest}");
            }
        }
    }

    #[test]
    fn the_bound_is_never_below_the_key_of_a_message_saying_less() {
        // The prior of every substance the ranking column can hold (20 bits) is below the prior
        // of any larger one plus the margin: the bound of a block holds for all its messages.
        let mut highest = f32::MIN;
        for rest in 0..=0xF_FFFFu32 {
            let p = prior(rest);
            highest = highest.max(p);
            assert!(highest <= p + BOUND_MARGIN, "{rest}");
        }
        let contexts = [Context::Lone, Context::Discussion, Context::Unknown];
        for substance in [0, 1, 2, 3, 5, 17, 80, 81, 400, 4095, 4096, 4097, 70_000, 0xF_FFFF] {
            for most in [substance, substance + 1, substance * 2 + 7, 0xF_FFFF] {
                for qs in [0, 2, 3, 6, 20] {
                    for wm in [0.0, 0.013, 0.07, 1.5, 7.77, 16.0, 123.4] {
                        for asks in [false, true] {
                            for context in contexts {
                                let m = Message { substance, asks, context };
                                let key = score(wm, m, qs);
                                assert!(bound(wm, most, qs) >= key, "{m:?} {most} {qs} {wm}");
                            }
                        }
                    }
                }
            }
        }
        // A bound is not far above the best key: it prunes.
        let best = score(1.0, Message { substance: 400, asks: false, context: contexts[1] }, 2);
        assert!(bound(1.0, 400, 2) - best < 0.01);
    }

    #[test]
    fn a_questions_keys_named_again_add_at_most_what_the_bound_allows() {
        // However often the keys stand in a message (and whatever a gram standing outside its
        // key counted), the key of a question's match stays below the bound with
        // [`repeated_most`] per unit of cover: a search prunes as it did.
        let m = Message { substance: 40, asks: false, context: Context::Discussion };
        for cover in [0.0, 0.05, 0.3, 1.0] {
            for repeats in [0.0, 0.4, 2.0, 50.0, f32::MAX] {
                let key = score(COVER_WEIGHT * cover, m, 0) + repeated(REPEAT_WEIGHT, repeats, cover);
                let most = COVER_WEIGHT * cover + repeated_most(REPEAT_WEIGHT) * cover;
                assert!(bound(most, 40, 0) >= key, "{cover} {repeats}");
            }
        }
        // Named once per key: ln 2 of the cover; a key counts at most REPEATS mentions.
        assert!((repeated(1.0, 0.5 * repeats(1), 0.5) - 0.5 * 2f32.ln()).abs() < 1e-6);
        assert_eq!(repeats(REPEATS), repeats(REPEATS + 100));
        assert!(repeats(3) > repeats(1));
        // Nothing for a typed query.
        assert_eq!(repeated(0.0, 3.0, 1.0), 0.0);
    }

    #[test]
    fn a_long_text_naming_the_terms_rarely_counts_only_what_is_near_them() {
        // Not placed, or named often enough for its length: nothing.
        assert_eq!(passing(400, 0), 0.0);
        assert_eq!(passing(NEAR, 1), 0.0);
        assert_eq!(passing(400, 5), 0.0);
        // 400 characters naming the term once say what 80 say.
        assert_eq!(passing(400, 1), prior(400) - prior(NEAR));
        assert!(passing(400, 1) > passing(400, 2) && passing(400, 2) > 0.0);
        // A huge count does not overflow.
        assert_eq!(passing(u32::MAX, u32::MAX), 0.0);
    }

    #[test]
    fn substance_counts_words_not_decoration() {
        assert_eq!(substance("二清？"), 2);
        assert_eq!(substance("套现吧[阴险]"), 3);
        assert_eq!(substance("@马忠信-联金所-深圳?聚合支付只是"), 6);
        assert_eq!(substance("@dio 看 https://example.com/a?b=1 这个"), 3);
        assert_eq!(substance("T+1 结算 API ok"), 6);
        assert_eq!(substance("[强][强]"), 0);
        assert_eq!(substance("[2018-01-02 10:00]"), 5);
    }

    #[test]
    fn questions_are_told_from_statements() {
        assert!(asks("聚合支付算不算二清啊？"));
        assert!(asks("有人知道外卡收单吗"));
        assert!(asks("how is a chargeback handled?"));
        assert!(!asks("@马忠信-联金所-深圳?聚合支付只是融合了支付通道"));
        assert!(!asks("四要素：名字 身份证号 银行卡号 银行预留手机号"));
        // A mention at the end: the export's `?` is the space after it, not a question mark.
        assert!(!asks("得找人再了解下。@黄菲-富友-上海?  "));
        assert!(!asks("@北京一张泽雄?"));
        assert!(asks("@黄菲-富友-上海 这个怎么接?"));
        assert!(asks("@黄菲-富友-上海?这个接口谁接过?"));
        assert!(asks("银行的跨行b2c为什么要关?@田浩沛?"));
    }

    /// A nickname with white space that posted in the log is all name: `技术总监` in
    /// `@马骁-四方科技 技术总监?…` counted as what the message says, and its `?` at the end as a
    /// question mark (the mention ended at the space, as without the name). Mentions are read
    /// as everywhere else ([`crate::text::mention_spans_among`]): at most 30 characters, an
    /// e-mail address not one.
    #[test]
    fn a_known_nickname_with_a_space_is_a_name_not_what_the_message_says_or_asks() {
        let known = ["马骁-四方科技 技术总监"];
        let text = "@马骁-四方科技 技术总监?你们怎么做对账";
        assert_eq!(substance_among(text, &known), 7);
        assert_eq!(substance(text), 11, "not known: 技术总监 is text");
        let thanks = "谢谢 @马骁-四方科技 技术总监?";
        assert!(!asks_among(thanks, &known));
        assert!(asks(thanks), "not known: the `?` ends 技术总监");
        assert!(asks_among("@马骁-四方科技 技术总监?你们怎么做对账?", &known));
        // The mention rules of every other reader: a run without white space is a name for
        // 30 characters, then text; an address is text.
        let long = format!("@{}对账", "名".repeat(30));
        assert_eq!(substance_among(&long, &known), 2);
        assert_eq!(substance_among("发到 abc@qq.com", &known), 5);
    }

    #[test]
    fn the_query_takes_off_its_typed_form_not_its_synonyms() {
        let mut q = crate::query::Query::parse("外卡收单 -广告").unwrap();
        assert_eq!(q.substance(), 4);
        // What the glossary added does not count: a message holds one form of the term.
        q.terms[0].also = vec!["外卡".into(), "境外卡".into(), "国际卡".into()];
        assert_eq!(q.substance(), 4);
        // Of alternatives typed with OR, the shortest.
        assert_eq!(crate::query::Query::parse("拒付 OR chargeback 风控").unwrap().substance(), 3);
        // So a short statement holding the term is not taken for a bare one.
        let short = said("外卡收单主要针对出口场景", Context::Discussion);
        assert!(score(0.5, short, q.substance()) > 0.0);
    }

    fn said(text: &str, context: Context) -> Message {
        Message { substance: substance(text), asks: asks(text), context }
    }

    #[test]
    fn a_bare_term_sinks_below_any_remark() {
        let bare = score(1.2, said("二清？", Context::Discussion), 2);
        let remark = score(0.1, said("不二清就可以了", Context::Discussion), 2);
        let answer = score(0.05, said(&"聚合支付不碰资金就不是二清".repeat(4), Context::Discussion), 2);
        assert!(bare < remark && remark < answer, "{bare} {remark} {answer}");
        let text = "聚合支付算不算二清，不碰资金就不算二清";
        let asking = format!("{text}？");
        assert!(score(0.1, said(&asking, Context::Discussion), 2) < score(0.1, said(text, Context::Discussion), 2));
    }

    #[test]
    fn a_lone_remark_ranks_below_the_same_words_in_a_discussion() {
        let text = "聚合支付不碰资金就不算二清，资金要由持牌机构清算";
        let lone = score(0.1, said(text, Context::Lone), 2);
        let answered = score(0.1, said(text, Context::Discussion), 2);
        assert!(lone < answered, "{lone} {answered}");
        assert_eq!(score(0.1, said(text, Context::Unknown), 2), answered);
        // Still above a bare term in a discussion.
        assert!(lone > score(0.1, said("二清？", Context::Discussion), 2));
        assert_eq!(Context::of((5, 1, false, true)), Context::Lone);
        assert_eq!(Context::of((40, 9, true, false)), Context::Lone);
        assert_eq!(Context::of((2, 2, false, false)), Context::Discussion);
        assert_eq!(Context::of((0, 0, false, false)), Context::Unknown);
    }

    /// Fused, a question's hit ranked high in its subject's run comes first; a hit of the
    /// subject's run the question does not find is not added; beyond the depth the
    /// question's order holds.
    #[test]
    fn fused_ranks_a_questions_hits_by_both_runs() {
        // c: 1/63 + 2/61; d: 1/64 + 2/63; a: 1/61; b: 1/62. x is not the question's.
        let one = |run: &[&'static str], weight: f64| vec![(run.to_vec(), weight)];
        assert_eq!(fused(&["a", "b", "c", "d"], &one(&["c", "x", "d"], SUBJECT_RUN)), [2, 3, 0, 1]);
        assert_eq!(fused(&["a", "b"], &one(&[], SUBJECT_RUN)), [0, 1]);
        assert_eq!(fused(&["a", "b"], &[]), [0, 1]);
        // Runs in opposite orders: a repeated subject's order where it weighs more than the
        // question's (b: 1/62 + 2/61 > a: 1/61 + 2/62); a guessed one only weighs as much, and
        // equal sums keep the question's order.
        assert_eq!(fused(&["a", "b"], &one(&["b", "a"], SUBJECT_RUN)), [1, 0]);
        assert_eq!(fused(&["a", "b"], &one(&["b", "a"], GUESSED_RUN)), [0, 1]);
        // Two guessed subjects agreeing on c: it leads (1/63 + 2/61); d, second in the second
        // run, stays below a, second in the first (1/64 + 1/62 < 1/61 + 1/62).
        let two = [(vec!["c", "a"], GUESSED_RUN), (vec!["c", "d"], GUESSED_RUN)];
        assert_eq!(fused(&["a", "b", "c", "d"], &two), [2, 0, 3, 1]);
        let question: Vec<usize> = (0..FUSED_DEPTH + 100).collect();
        let order = fused(&question, &[(vec![FUSED_DEPTH + 50, FUSED_DEPTH - 1], SUBJECT_RUN)]);
        assert_eq!(order[0], FUSED_DEPTH - 1, "the subject's first hit among the question's first");
        assert_eq!(order[FUSED_DEPTH + 50], FUSED_DEPTH + 50, "deeper, the question's order");
        assert_eq!(order.len(), question.len());
    }

    /// Each key rises by the weight times ln(1 + its discussion's hits): the second, fourth
    /// and fifth share a discussion (each + 0.2 ln 4), the first and third are alone (+ 0.2
    /// ln 2). The fourth (0.9) overtakes the first (1.0) and the third (0.95); equal keys keep
    /// their order; a weight of 0 changes nothing.
    #[test]
    fn together_raises_a_hit_with_its_discussions_hits() {
        let keys = [1.0, 1.1, 0.95, 0.9, 0.8];
        let discussions = [("a", 1), ("b", 2), ("c", 3), ("b", 4), ("b", 5)];
        let order: Vec<usize> = together(&keys, &discussions, 0.2).into_iter().map(|(_, i)| i).collect();
        assert_eq!(order, [1, 3, 0, 2, 4]);
        let (raised, _) = together(&keys, &discussions, 0.2)[0];
        assert!((raised - (1.1 + 0.2 * 4f32.ln())).abs() < 1e-6, "{raised}");
        let ties: Vec<usize> =
            together(&[1.0, 1.0, 1.0], &[("x", 1), ("y", 1), ("z", 1)], 0.2).into_iter().map(|(_, i)| i).collect();
        assert_eq!(ties, [0, 1, 2]);
        let none: Vec<usize> = together(&keys, &discussions, 0.0).into_iter().map(|(_, i)| i).collect();
        assert_eq!(none, [1, 0, 2, 3, 4]);
        // A copy (the same message twice) is one match: "b" has one message, as "a" has.
        let copies = together(&[1.0, 1.0], &[("a", 1), ("b", 2), ("b", 2)][1..], 0.2);
        assert!(copies.iter().all(|&(key, _)| (key - (1.0 + 0.2 * 2f32.ln())).abs() < 1e-6), "{copies:?}");
    }
}
