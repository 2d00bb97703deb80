//! Character classes and matching rules shared by the tokenizer, the topic tagger and the
//! highlighter, so that "what matches" means the same thing everywhere: Chinese (and other
//! CJK) text matches as a substring, Latin words match whole, case-insensitively.

use crate::normalise::{may_be_traditional, normalise, unconverted, Normalised};
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

/// A letter of a Latin (space-separated) word: what English names of the glossary are written
/// with (`cross border`), unlike digits, symbols and CJK characters.
pub fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_cjk(c)
}

/// Text for a terminal: C0 and C1 control characters (ESC, BEL, CR, DEL, …) and the
/// bidirectional overrides and isolates are shown as `\u{1b}` escapes, so a chat message, a
/// nickname or a file name cannot move the cursor, set the title, write the clipboard or
/// reorder what is printed. Tabs stay, and line feeds where `keep_lines`.
pub fn terminal_safe(text: &str, keep_lines: bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t' && !(keep_lines && c == '\n'))
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A symbol that is part of what a term says: `T+1` is not `T-1`, `c++` is not `c`, `c#` is not
/// `c`. Each is a part of a term by itself ([`term_parts`]) and a token of the index, matching
/// only itself, with separators or nothing around it (`T+1` finds `T + 1`, not `T 1`).
pub fn is_symbol(c: char) -> bool {
    matches!(c, '+' | '#')
}

/// A character that separates terms: neither CJK, nor part of a Latin word, nor a
/// [symbol](is_symbol) (space, punctuation, other symbols).
pub fn is_separator(c: char) -> bool {
    !is_cjk(c) && !is_word_char(c) && !is_symbol(c)
}

/// The parts of a (folded) term: its runs between separators, each symbol a part of its own
/// (`t+1`: `t`, `+`, `1`).
pub fn term_parts(term: &str) -> Vec<&str> {
    term_pieces(term).into_iter().map(|(part, _)| part).collect()
}

/// [`term_parts`], each with whether separators come before it in the term.
pub fn term_pieces(term: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut gap = false;
    for (i, c) in term.char_indices() {
        if is_separator(c) || is_symbol(c) {
            if let Some(s) = start.take() {
                out.push((&term[s..i], gap));
                gap = false;
            }
            if is_symbol(c) {
                out.push((&term[i..i + c.len_utf8()], gap));
            }
            gap = !is_symbol(c);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((&term[s..], gap));
    }
    out
}

/// Byte ranges in `text` where `term` occurs, both folded by [`crate::normalise`]: as a
/// substring, where a run of separators inside the term matches zero or more separators in the
/// text (`快捷 支付` matches 快捷支付 and 快捷，支付, not 快捷甲支付), and the Latin words at the
/// edges of each part match only at word boundaries (`pos` matches `POS机` but not `position`).
/// Occurrences do not overlap; the ranges are in the original `text`.
pub fn find_term(text: &str, term: &str) -> Vec<Range<usize>> {
    find_folded_term(&normalise(text), &normalise(term).text)
}

/// [`find_term`] in a text already folded by [`normalise`], for a term already folded: a text
/// searched for several terms is folded once.
pub fn find_folded_term(folded: &Normalised, term: &str) -> Vec<Range<usize>> {
    TermFinder::new(term).find(folded)
}

/// A folded term ready to be found in many folded texts ([`find_folded_term`]): its searcher
/// is built once, not once per text.
pub struct TermFinder {
    /// The term's parts ([`term_parts`]), split once: a page finds each term in every hit
    /// (split again for each, they were 4% of a search of 二类户's 21 forms).
    parts: Vec<String>,
    /// Finds the first part of the term (`None` when it has no part).
    first: Option<memchr::memmem::Finder<'static>>,
}

impl TermFinder {
    pub fn new(term: &str) -> TermFinder {
        let parts: Vec<String> = term_parts(term).into_iter().map(str::to_owned).collect();
        let first = parts.first().map(|p| memchr::memmem::Finder::new(p.as_bytes()).into_owned());
        TermFinder { parts, first }
    }

    /// The term's occurrences in `folded` (see [`find_folded_term`]).
    pub fn find(&self, folded: &Normalised) -> Vec<Range<usize>> {
        let Some(first) = &self.first else { return Vec::new() };
        let parts = &self.parts;
        let t = folded.text.as_str();
        let mut out = Vec::new();
        let mut from = 0;
        // One searcher for every occurrence (`str::find` would build one per call).
        while let Some(pos) = first.find(&t.as_bytes()[from..]) {
            let start = from + pos;
            match match_parts(t, start, parts) {
                Some(end) => {
                    out.push(folded.original(start)..folded.original(end));
                    from = end.max(start + 1);
                }
                None => from = start + t[start..].chars().next().map_or(1, char::len_utf8),
            }
            while !t.is_char_boundary(from) {
                from += 1;
            }
        }
        out
    }
}

/// `text` folded for finding `terms` (folded) in it with [`find_folded_term`]: what
/// [`normalise`] gives, or the same text before its traditional → simplified step when that
/// step cannot change what the terms find, which spares loading fast2s's table (~1.1 M
/// instructions) for a page whose only traditional character is in a name (双乾).
///
/// The step changes only characters [`may_be_traditional`] marks, each into one CJK character
/// of the same length (tested in `normalise`), so separators, word edges and positions stay;
/// it can change a match only where some part of a term fits a window holding such a
/// character, whatever that character becomes. Where no part fits any, both texts give the
/// same matches at the same places.
pub fn normalise_for(text: &str, terms: &[String]) -> Normalised {
    let pending = unconverted(text);
    if !pending.traditional {
        return pending.folded;
    }
    let chars: Vec<char> = pending.folded.text.chars().collect();
    let open: Vec<bool> = chars.iter().map(|&c| may_be_traditional(c)).collect();
    let fits = |part: &[char], start: usize| {
        part.iter().enumerate().all(|(i, &c)| chars.get(start + i).is_some_and(|&t| t == c || open[start + i]))
    };
    let matters = terms.iter().flat_map(|t| term_parts(t)).any(|part| {
        let part: Vec<char> = part.chars().collect();
        (0..chars.len()).filter(|&p| open[p]).any(|p| (0..part.len()).any(|j| p >= j && fits(&part, p - j)))
    });
    if matters {
        pending.converted()
    } else {
        pending.folded
    }
}

/// Where the parts, the first starting at `start`, end in `t`, if they all match there.
fn match_parts(t: &str, start: usize, parts: &[String]) -> Option<usize> {
    let mut at = start;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            at += t[at..].chars().take_while(|c| is_separator(*c)).map(char::len_utf8).sum::<usize>();
        }
        if !t[at..].starts_with(part) {
            return None;
        }
        let end = at + part.len();
        let first = part.chars().next().is_some_and(is_word_char);
        let last = part.chars().next_back().is_some_and(is_word_char);
        if first && t[..at].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        if last && t[end..].chars().next().is_some_and(is_word_char) {
            return None;
        }
        at = end;
    }
    Some(at)
}

/// Byte ranges of the speaker headers of quoted messages (`「龚晓冬-银联-产品-上海: …」`, from the
/// `「` through the first colon, at most [`QUOTE_NAME_CHARS`] characters on): like a mention, the
/// header names a person, not a topic.
pub fn quote_speaker_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('「') {
        let rest = &text[i + '「'.len_utf8()..];
        let colon = rest
            .char_indices()
            .take(QUOTE_NAME_CHARS + 1)
            .take_while(|&(_, c)| !matches!(c, '「' | '」' | '\n'))
            .find(|&(_, c)| c == ':' || c == '：');
        if let Some((k, c)) = colon {
            out.push(i..i + '「'.len_utf8() + k + c.len_utf8());
        }
    }
    out
}

/// The longest speaker name [`quote_speaker_spans`] takes, with the white space around it.
const QUOTE_NAME_CHARS: usize = 40;

/// Byte ranges of `@nickname` mentions: a mention names a person, not a topic. A mention runs
/// to the next white space (for WeChat often U+2005) or to the `?` the archive's export wrote in
/// place of U+2005. A nickname may hold spaces (`@罗科勤 银联 风控产品经理?消息`): when the name
/// before the first space is not a complete `name-company-role` nickname (no hyphen inside it)
/// and a `?` or U+2005 follows within [`MENTION_NAME_CHARS`] characters of the `@`, with no
/// punctuation, emoji code, line break or other `@` before it, the mention runs on to there.
pub fn mention_spans(text: &str) -> Vec<Range<usize>> {
    mention_spans_among(text, &[] as &[&str])
}

/// [`mention_spans`], where `known` are nicknames with white space in them that the mentioned
/// person may hold (those that posted in the message's log, see [`spaced_names`]): a mention
/// starting with one runs over all of it without the export's `?` after it (`@Ryan Cao 你找…`,
/// `@马骁-四方科技 技术总监?你们…`), the longest one first, and on through a `-company-role`
/// run right after it, up to white space (`@Summer 梁夏-丰瑞祥-GM-BJ 到哪了`, the group nickname
/// of `Summer 梁夏`). A known nickname followed by a Latin letter or digit is the start of
/// another name (`@Ryan Caoxyz`) and is not taken.
///
/// An `@` inside an e-mail address (`abc@qq.com`, see [`in_address`]) is not a mention.
pub fn mention_spans_among<S: AsRef<str>>(text: &str, known: &[S]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = text[from..].find('@') {
        let start = from + k;
        if in_address(text, start) {
            from = start + 1;
            continue;
        }
        let name = &text[start + 1..];
        let run = name.find(|d: char| d.is_whitespace() || d == '?').unwrap_or(name.len());
        // A name is never longer than [`MENTION_NAME_CHARS`]: past that, a run without white
        // space is the message going on (`@杨继培给大家分享供应链金融。现在开始签到…`).
        let first = name[..run].char_indices().nth(MENTION_NAME_CHARS).map_or(run, |(k, _)| k);
        let mut end = start + 1 + first;
        let spaced = first == run && name[first..].starts_with(|d: char| d.is_whitespace() && d != '\u{2005}');
        if let Some(whole) = known_nickname(name, known) {
            end = start + 1 + whole;
            if name[whole..].starts_with(['-', '－']) {
                end += name[whole..].find(|d: char| d.is_whitespace() || d == '?').unwrap_or(name.len() - whole);
            }
        } else if first > 0 && spaced && !complete_nickname(&name[..first]) {
            let ends = name[first..]
                .char_indices()
                .take_while(|&(_, d)| {
                    !matches!(
                        d,
                        '@' | '\n' | '[' | ',' | '!' | ':' | ';' | '，' | '。' | '！' | '？' | '：' | '；' | '、'
                    )
                })
                .find(|&(_, d)| d == '?' || d == '\u{2005}')
                .map(|(j, _)| first + j)
                .filter(|&j| name[..j].chars().count() <= MENTION_NAME_CHARS);
            if let Some(j) = ends {
                end = start + 1 + j;
            }
        }
        out.push(start..end);
        from = end.max(start + 1);
    }
    out
}

/// `text` as a reader sees it: the `?` the export wrote for the space after a mention
/// (`@老熊-爱奇艺-北京?辛苦了`) shown as that space. The length in bytes is the same, so byte
/// ranges into `text` (highlights) stay valid. Knowing no nickname with white space: see
/// [`with_mention_spaces_among`].
pub fn with_mention_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    mentions_read(text, &[] as &[&str]).0
}

/// [`with_mention_spaces`], where `known` nicknames with white space are whole mentions (see
/// [`mention_spans_among`]): `@马骁-四方科技 技术总监?你们…` shows its space only when
/// `马骁-四方科技 技术总监` is known (without it, the mention ends at the space after a complete
/// `name-company` nickname, and the `?` may be the text's own: `@修-拉卡拉-产品-北京 叫什么APP?`).
pub fn with_mention_spaces_among<'a, S: AsRef<str>>(text: &'a str, known: &[S]) -> std::borrow::Cow<'a, str> {
    mentions_read(text, known).0
}

/// [`with_mention_spaces_among`] and the [`mention_spans_among`] of `text` (byte ranges into
/// either).
pub fn mentions_read<'a, S: AsRef<str>>(text: &'a str, known: &[S]) -> (std::borrow::Cow<'a, str>, Vec<Range<usize>>) {
    if !text.contains('@') {
        return (std::borrow::Cow::Borrowed(text), Vec::new());
    }
    let spans = mention_spans_among(text, known);
    let mut bytes: Option<Vec<u8>> = None;
    for m in &spans {
        if text.as_bytes().get(m.end) == Some(&b'?') {
            bytes.get_or_insert_with(|| text.as_bytes().to_vec())[m.end] = b' ';
        }
    }
    let read = match bytes {
        // One ASCII byte replaced by another: still UTF-8.
        Some(b) => std::borrow::Cow::Owned(String::from_utf8(b).unwrap_or_else(|_| text.to_owned())),
        None => std::borrow::Cow::Borrowed(text),
    };
    (read, spans)
}

/// The length of the longest of `known` (nicknames with white space inside) that `name` starts
/// with, where it ends the name: not before a Latin letter or digit.
fn known_nickname<S: AsRef<str>>(name: &str, known: &[S]) -> Option<usize> {
    known
        .iter()
        .map(AsRef::as_ref)
        .filter(|n| n.contains(char::is_whitespace) && name.starts_with(n))
        .filter(|n| !name[n.len()..].starts_with(|d: char| d.is_ascii_alphanumeric()))
        .map(str::len)
        .max()
}

/// Whether the `@` at byte `at` of `text` is inside an e-mail address: right after an ASCII
/// letter or digit and before a domain (`qq.com`, `alibaba-inc.com`: ASCII labels joined by
/// dots, the last of two letters or more). A mention glued to a word is still one
/// (`666@英—现金贷—产品`, `w@钟鸿敏-CF-技术总监`, `….html@何瑾-海航新生`).
fn in_address(text: &str, at: usize) -> bool {
    if !text[..at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let rest = &text[at + 1..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.')).unwrap_or(rest.len());
    let labels: Vec<&str> = rest[..end].trim_end_matches('.').split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// The nicknames among `names` that hold white space (which a mention reads whole, see
/// [`mention_spans_among`]), sorted, each once.
pub fn spaced_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut spaced: Vec<&str> = names.into_iter().filter(|s| s.contains(char::is_whitespace)).collect();
    spaced.sort_unstable();
    spaced.dedup();
    spaced
}

/// The longest name [`mention_spans`] takes, in characters (without the `@`).
const MENTION_NAME_CHARS: usize = 30;

/// A nickname of the `name-company-role-city` form (a hyphen inside it, not at its end, where
/// the name would go on: `@冯威-微保科技- COO`): what follows the space after it is the message,
/// not more of the name.
fn complete_nickname(name: &str) -> bool {
    let hyphen = |c: char| c == '-' || c == '－';
    !name.ends_with(hyphen) && name.chars().skip(1).any(hyphen)
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
    fn quote_speaker_headers_span_the_name_and_colon() {
        let spans = |t: &str| quote_speaker_spans(t).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        let t = "「 龚晓冬-银联-产品-上海: 不过还有一条」 - - - 这个我看到了";
        assert_eq!(spans(t), vec!["「 龚晓冬-银联-产品-上海:"]);
        assert_eq!(spans("「Frank_51信用卡：我的看法是」"), vec!["「Frank_51信用卡："]);
        // No colon inside the quote, or only one too far on: no speaker header.
        assert!(spans("他说「对账很难」: 是的").is_empty());
        assert!(spans(&format!("「{}: x」", "很".repeat(41))).is_empty());
        assert_eq!(spans(&format!("「{}: x」", "很".repeat(40))).len(), 1);
    }

    #[test]
    fn mentions_end_at_any_white_space() {
        let t = "@聚合支付_程昱\u{2005}聚合支付怎么做 @dio 好";
        let spans: Vec<&str> = mention_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(spans, vec!["@聚合支付_程昱", "@dio"]);
        let t = "@龚晓冬-银商账户-产品-上海?对账文件怎么出";
        let spans: Vec<&str> = mention_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(spans, vec!["@龚晓冬-银商账户-产品-上海"]);
    }

    /// Nicknames with spaces, as the archive writes them: the mention runs to the export's `?`
    /// unless the name before the space is a complete `name-company-role` nickname, or
    /// punctuation, an emoji code, another mention or more than 30 characters come first.
    #[test]
    fn mentions_with_spaces_run_to_the_exports_question_mark() {
        let spans = |t: &str| mention_spans(t).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        assert_eq!(spans("@罗科勤 银联 风控产品经理?谢谢"), vec!["@罗科勤 银联 风控产品经理"]);
        assert_eq!(spans("@李艳鹏 - 蚂蚁 - 高级技术专家?预定"), vec!["@李艳鹏 - 蚂蚁 - 高级技术专家"]);
        assert_eq!(spans("@冯威-微保科技- COO?做跨行代收付。"), vec!["@冯威-微保科技- COO"]);
        assert_eq!(spans("@Summer 梁夏\u{2005}谢谢"), vec!["@Summer 梁夏"]);
        assert_eq!(spans("@修-拉卡拉-产品-北京 叫什么APP?"), vec!["@修-拉卡拉-产品-北京"]);
        assert_eq!(spans("@张三\u{2005}对账 怎么做?"), vec!["@张三"]);
        assert_eq!(spans("@张三 对账怎么做，谁知道?"), vec!["@张三"]);
        assert_eq!(spans("@张三 [强]?"), vec!["@张三"]);
        assert_eq!(spans("@张三 @李四?好"), vec!["@张三", "@李四"]);
        assert_eq!(spans(&format!("@张三 {}?", "很".repeat(28))), vec!["@张三"]);
        assert_eq!(spans(&format!("@张三 {}?", "很".repeat(27)))[0].chars().count(), 31);
        assert_eq!(spans("@ 好的?"), vec!["@"]);
    }

    /// A nickname with spaces that posted in the log is all mention without the export's `?`
    /// after it (the `?` rule alone took `@Ryan` and left `Cao Airwallex曹褀 …` as text), and
    /// a `-company-role` run right after it is the group nickname's rest.
    #[test]
    fn known_nicknames_with_spaces_are_whole_mentions_without_a_question_mark() {
        let known = ["Ryan Cao", "Summer 梁夏", "lisp 财付通结算财务", "Tim"];
        let spans = |t: &str| mention_spans_among(t, &known).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        assert_eq!(spans("@Ryan Cao 你找Geoswift他们干嘛啊"), vec!["@Ryan Cao"]);
        assert_eq!(spans("@Summer 梁夏-丰瑞祥-GM-BJ  风控的核心就是控制力"), vec!["@Summer 梁夏-丰瑞祥-GM-BJ"]);
        assert_eq!(spans("@Summer 梁夏-丰瑞祥-GM-BJ?谢谢"), vec!["@Summer 梁夏-丰瑞祥-GM-BJ"]);
        assert_eq!(spans("@lisp 财付通结算财务  群里有不少支付宝的同学"), vec!["@lisp 财付通结算财务"]);
        assert_eq!(spans("@Ryan Cao\u{2005}跨境"), vec!["@Ryan Cao"]);
        // Not a known nickname: as before.
        assert_eq!(spans("@Ryan Caoxyz 跨境"), vec!["@Ryan"]);
        assert_eq!(spans("@Ryan Chen 跨境"), vec!["@Ryan"]);
        assert_eq!(spans("@Tim 跨境"), vec!["@Tim"]);
        assert_eq!(mention_spans("@Ryan Cao 你找"), vec![0..5]);
    }

    /// A known nickname with a space after its complete `name-company` part is read whole,
    /// the export's `?` after it a space (`mentions_read` knew no nickname: the mention ended at
    /// the space, and the `?` showed as text); the longest known one first. Unknown, the `?`
    /// after such a name stays, as it may be the text's own.
    #[test]
    fn a_known_nickname_with_a_space_is_read_whole_with_its_space() {
        let known = ["马骁-四方科技 技术总监", "马骁-四方科技 技术总监 北京", "Nada-Ping++ 解决方案"];
        let read = |t: &str| with_mention_spaces_among(t, &known).into_owned();
        assert_eq!(read("@马骁-四方科技 技术总监?你们接的那家"), "@马骁-四方科技 技术总监 你们接的那家");
        assert_eq!(read("@马骁-四方科技 技术总监 北京?好"), "@马骁-四方科技 技术总监 北京 好");
        assert_eq!(read("@Nada-Ping++ 解决方案?是的"), "@Nada-Ping++ 解决方案 是的");
        let (_, spans) = mentions_read("谢谢 @马骁-四方科技 技术总监?", &known);
        assert_eq!(spans, vec![7..7 + "@马骁-四方科技 技术总监".len()]);
        assert_eq!(read("@修-拉卡拉-产品-北京 叫什么APP?"), "@修-拉卡拉-产品-北京 叫什么APP?");
        assert_eq!(with_mention_spaces("@马骁-四方科技 技术总监?你们"), "@马骁-四方科技 技术总监?你们");
        assert_eq!(spaced_names(["b c", "a", "b c", "a b"]), vec!["a b", "b c"]);
    }

    /// An `@` inside an e-mail address is not a mention: `abc@qq.com?` lost its `?`, and
    /// `abc@xx.com` was a mention of `xx.com`. A mention glued to a word still is one (the
    /// archive writes `666@英—现金贷—产品?`, `w@钟鸿敏-CF-技术总监?`, `….html@何瑾-海航新生-跨境支付`).
    #[test]
    fn an_at_sign_inside_a_word_is_an_address_not_a_mention() {
        assert!(mention_spans("请发到 abc@xx.com 谢谢").is_empty());
        assert!(mention_spans("邮箱12345@qq.com").is_empty());
        assert_eq!(with_mention_spaces("发到 abc@qq.com?"), "发到 abc@qq.com?");
        assert_eq!(with_mention_spaces("谁有邮箱?abc@qq.com?"), "谁有邮箱?abc@qq.com?");
        // After Chinese, punctuation, white space or another `@`: a mention, as before.
        let spans = |t: &str| mention_spans(t).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        assert_eq!(spans("谢谢@张三?好"), vec!["@张三"]);
        assert_eq!(spans("好的,@张三?好"), vec!["@张三"]);
        assert_eq!(spans("@@网联 张腕越?感谢"), vec!["@@网联 张腕越"]);
        assert_eq!(spans("发到 abc@qq.com @张三?"), vec!["@张三"]);
        assert!(mention_spans("xx.ly@alibaba-inc.com。").is_empty());
        assert_eq!(spans("666@英—现金贷—产品?好"), vec!["@英—现金贷—产品"]);
        assert_eq!(spans("w@钟鸿敏-CF-技术总监?你的"), vec!["@钟鸿敏-CF-技术总监"]);
        assert_eq!(spans("a.html@何瑾-海航新生-跨境支付"), vec!["@何瑾-海航新生-跨境支付"]);
        assert_eq!(spans("mail@Tim 好"), vec!["@Tim"]);
    }

    #[test]
    fn the_export_s_question_mark_after_a_mention_shows_as_a_space() {
        assert_eq!(with_mention_spaces("@老熊-爱奇艺-北京?辛苦熊哥了"), "@老熊-爱奇艺-北京 辛苦熊哥了");
        assert_eq!(with_mention_spaces("再了解下。@黄菲-富友-上海?"), "再了解下。@黄菲-富友-上海 ");
        assert_eq!(with_mention_spaces("@罗科勤 银联 风控产品经理?谢谢"), "@罗科勤 银联 风控产品经理 谢谢");
        // A question mark of the text stays, and so does the text without a mention.
        assert_eq!(with_mention_spaces("@老熊?这个怎么接?"), "@老熊 这个怎么接?");
        assert_eq!(with_mention_spaces("怎么接?"), "怎么接?");
        assert!(matches!(with_mention_spaces("怎么接?"), std::borrow::Cow::Borrowed(_)));
    }

    /// A name is at most 30 characters, for every reader of mentions (the discussions cut
    /// there, this did not): a run of 31 or more without white space is a mention of its first
    /// 30, then text, and a `?` ending it is the text's question mark, not the export's space.
    #[test]
    fn a_mention_is_at_most_thirty_characters_for_every_reader() {
        let t = "@所有人带了openid，APP后台知道这个用户手机在哪里登录并推送消息吗?";
        let spans = mention_spans(t);
        assert_eq!(t[spans[0].clone()].chars().count(), 1 + MENTION_NAME_CHARS, "{spans:?}");
        assert_eq!(with_mention_spaces(t), t);
        let (read, read_spans) = mentions_read(t, &[] as &[&str]);
        assert_eq!((read.as_ref(), read_spans), (t, spans));
        // Thirty characters are still a name, and the export's `?` after it a space.
        let thirty = format!("@{}?谢谢", "名".repeat(30));
        assert_eq!(with_mention_spaces(&thirty), format!("@{} 谢谢", "名".repeat(30)));
    }

    #[test]
    fn a_text_folded_for_terms_finds_what_the_fully_folded_text_finds() {
        let texts = [
            "利用双乾已经接入银联和网联的优势",
            "乾隆的乾兒子 結售匯 對帳單 网联",
            "看著ＰＯＳ機 干 幹",
            "網聯和网联",
            "干 乾 幹活",
        ];
        let terms = ["网联", "干", "结售汇", "对账", "pos机", "看着", "乾", "网联 和", "儿子", "干活"];
        for text in texts {
            for term in terms {
                let term = crate::normalise::fold(term);
                let quick = find_folded_term(&normalise_for(text, std::slice::from_ref(&term)), &term);
                assert_eq!(quick, find_folded_term(&normalise(text), &term), "{term} in {text}");
            }
        }
        // A term the step could affect gets the converted text; one it cannot, the text as is.
        assert_eq!(normalise_for("双乾接入网联", &["网联".into()]).text, "双乾接入网联");
        assert_eq!(normalise_for("双乾接入网联", &["干".into()]).text, normalise("双乾接入网联").text);
        assert_eq!(normalise_for("網聯", &["网联".into()]).text, "网联");
    }

    #[test]
    fn symbols_are_parts_of_a_term_that_match_only_themselves() {
        let found = |t: &str, term: &str| find_term(t, term).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        // `+` is not a separator: T+1 settlement is not T-1, nor T 1.
        assert_eq!(found("T+1 到账，T-1 对账，t 1，T + 1，Ｔ＋１", "T+1"), vec!["T+1", "T + 1", "Ｔ＋１"]);
        assert_eq!(found("T+1 到账，T-1 对账", "T-1"), vec!["T-1"]);
        assert_eq!(found("c 语言 c++ 和 C#", "c++"), vec!["c++"]);
        assert_eq!(found("c 语言 c++ 和 C#", "c#"), vec!["C#"]);
        assert_eq!(found("c 语言 c++ 和 C#", "c"), vec!["c", "c", "C"]);
        assert_eq!(found("哈哈+1 +1", "+1"), vec!["+1", "+1"]);
        assert_eq!(term_pieces("t + 1"), vec![("t", false), ("+", true), ("1", true)]);
        assert_eq!(term_pieces("c++"), vec![("c", false), ("+", false), ("+", false)]);
    }

    #[test]
    fn separators_inside_a_term_match_zero_or_more_separators() {
        let found = |t: &str, term: &str| find_term(t, term).into_iter().map(|r| t[r].to_owned()).collect::<Vec<_>>();
        assert_eq!(found("快捷支付和快捷，，支付", "快捷 支付"), vec!["快捷支付", "快捷，，支付"]);
        assert!(found("快捷甲支付 快捷甲乙支付", "快捷 支付").is_empty());
        assert!(found("T1", "T+1").is_empty());
        assert_eq!(found("ＰＯＳ機 pos", "pos机"), vec!["ＰＯＳ機"]);
        assert_eq!(found("對帳單", "对账"), vec!["對帳"]);
    }
}
