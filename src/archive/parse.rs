//! A decoded log → messages. A message starts at a header line, `> HH:MM:SS  nickname` or an
//! evident irregular form of it (see [`header`]); its body is every line up to the next header
//! (`---` and `[…` lines included). What a reader should be told about the text is said here.

use super::header::{self, Line};
use super::markdown::{self, Kind, Span};

/// One chat message as the log has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// 1-based line of the `> HH:MM:SS` header in the file.
    pub line: u32,
    /// Seconds since midnight.
    pub time: u32,
    /// The nickname exactly as written (trimmed).
    pub speaker: String,
    /// Rendered body: text, links, images.
    pub spans: Vec<Span>,
    /// Plain text for search: text and link titles, entities decoded.
    pub text: String,
    pub kind: Kind,
}

impl Message {
    /// `HH:MM:SS`.
    pub fn time_label(&self) -> String {
        time_label(self.time)
    }

    pub fn urls(&self) -> Vec<String> {
        markdown::urls(&self.spans)
    }
}

/// `HH:MM:SS` of seconds since midnight; a leap second (`23:59:60`, 86,400 s) keeps its label.
pub fn time_label(secs: u32) -> String {
    if secs >= 86_400 {
        return format!("23:59:{:02}", secs - 86_340);
    }
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// A body longer than this is cut (real messages stay under 2 KB; a megabyte is a runaway
/// paste or a broken export, and would cost every search that shows it).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// What a log's body holds: its messages, and what a reader should be told about the text
/// (each warning names its line where there is one).
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub messages: Vec<Message>,
    pub warnings: Vec<String>,
}

/// The header of the message being read: (1-based line, seconds since midnight, nickname).
type Open<'a> = (u32, u32, &'a str);

/// Messages of a log's body. `lines` are the whole file's lines (CR stripped), `start` the
/// first body line. A line shaped like a header with no time of day stays text: of the message
/// before it, or, before the first message, at the start of the first message (it opens one
/// whose header is damaged). Other text before the first header belongs to no message.
pub(crate) fn messages(lines: &[&str], start: usize) -> Body {
    let mut out = Body::default();
    let mut open: Option<Open> = None;
    let mut body: Vec<&str> = Vec::new();
    // Lines shaped like a header with no time of day, before the first message: (line, time).
    let mut lead: Vec<(u32, &str)> = Vec::new();
    let mut orphans = 0usize;
    let mut first_header = None;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        match header::classify(line) {
            Line::Header { time, nickname, irregular } => {
                first_header.get_or_insert(n);
                if let Some(cur) = open.take() {
                    build(cur, &body, &mut out);
                    body.clear();
                } else if !lead.is_empty() {
                    for (at, time) in lead.drain(..) {
                        out.warnings.push(format!(
                            "line {at}: {}; the line and the text after it are kept at the start of the first message (line {n})",
                            not_a_time(time)
                        ));
                    }
                    // The damaged message's text stays a paragraph of its own.
                    body.push("");
                }
                if !irregular.is_empty() {
                    let shown = line.trim_start_matches('\u{FEFF}').trim_end();
                    let why = irregular.join(" and ");
                    out.warnings.push(format!("line {n}: `{shown}` is read as a message header despite {why}"));
                }
                if nickname.is_empty() {
                    out.warnings.push(format!(
                        "line {n}: the header `> {}` names no speaker; the message is kept with an empty nickname",
                        time_label(time)
                    ));
                }
                open = Some((n, time, nickname));
            }
            Line::BadTime(time) => {
                first_header.get_or_insert(n);
                match open {
                    Some((at, ..)) => out.warnings.push(format!(
                        "line {n}: {}; the line and the text after it are kept in the message before it (line {at})",
                        not_a_time(time)
                    )),
                    None => lead.push((n, time)),
                }
                body.push(line);
            }
            Line::Text if open.is_some() || !lead.is_empty() => body.push(line),
            Line::Text => orphans += usize::from(!line.trim().is_empty()),
        }
    }
    if let Some(cur) = open {
        build(cur, &body, &mut out);
    }
    for (at, time) in lead {
        out.warnings.push(format!(
            "line {at}: {} and no message header follows; the line and the text after it belong to no message and are not indexed",
            not_a_time(time)
        ));
    }
    if orphans > 0 {
        let (lines, belong, are) = (
            crate::plural::count(orphans, "line", "lines"),
            crate::plural::noun(orphans, "belongs", "belong"),
            crate::plural::noun(orphans, "is", "are"),
        );
        let warning = match first_header {
            Some(at) => format!("{lines} before line {at} {belong} to no message and {are} not indexed"),
            None => format!(
                "no `> HH:MM:SS  nickname` header: its {lines} of text {belong} to no message and {are} not indexed"
            ),
        };
        out.warnings.insert(0, warning);
    }
    out
}

/// The start of the warning for a line shaped like a header whose time is no time of day.
fn not_a_time(time: &str) -> String {
    format!("`> {time}` is not a time of day")
}

fn build((line, time, speaker): Open, body: &[&str], out: &mut Body) {
    // Lines end in markdown line-break spaces and blank lines are runs of spaces.
    let trimmed: Vec<&str> = body.iter().map(|l| l.trim_end()).collect();
    let first = trimmed.iter().position(|l| !l.is_empty()).unwrap_or(trimmed.len());
    let last = trimmed.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
    let mut raw = trimmed[first..last].join("\n");
    if raw.len() > MAX_MESSAGE_BYTES {
        out.warnings.push(format!(
            "the message at line {line} is {} bytes; only its first {MAX_MESSAGE_BYTES} bytes are kept",
            raw.len()
        ));
        let mut end = MAX_MESSAGE_BYTES;
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        raw.truncate(end);
    }
    let spans = markdown::spans(&markdown::decode_entities(&raw));
    out.messages.push(Message {
        line,
        time,
        speaker: speaker.to_owned(),
        text: markdown::plain_text(&spans),
        kind: markdown::kind(&spans),
        spans,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Message> {
        let lines: Vec<&str> = text.lines().collect();
        messages(&lines, 0).messages
    }

    fn body(text: &str) -> Body {
        let lines: Vec<&str> = text.lines().collect();
        messages(&lines, 0)
    }

    #[test]
    fn a_leap_second_keeps_its_label() {
        assert_eq!(time_label(86_400), "23:59:60");
        assert_eq!(time_label(86_399), "23:59:59");
        assert_eq!(parse("> 23:59:60  甲\n闰秒\n")[0].time_label(), "23:59:60");
    }

    #[test]
    fn a_header_with_an_impossible_time_stays_text_of_the_message_before() {
        let body = body("> 08:00:00  甲\n上文\n> 25:61:61  乙\n下文\n");
        assert_eq!(body.messages.len(), 1);
        assert!(body.messages[0].text.contains("25:61:61"), "{}", body.messages[0].text);
        assert!(body.messages[0].text.ends_with("下文"), "{}", body.messages[0].text);
        assert_eq!(
            body.warnings,
            ["line 3: `> 25:61:61` is not a time of day; the line and the text after it are kept in the message before it (line 1)"]
        );
    }

    #[test]
    fn a_first_header_with_an_impossible_time_opens_the_first_message() {
        let body =
            body("   \n> 25:61:61  坏时间\nbadheadermarker 一\n   \n> 08:00:00  甲\n第一条\n> 08:01:00  乙\n第二条\n");
        let texts: Vec<&str> = body.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["25:61:61  坏时间\nbadheadermarker 一\n第一条", "第二条"]);
        assert_eq!((body.messages[0].line, body.messages[0].speaker.as_str()), (5, "甲"));
        assert_eq!(
            body.warnings,
            ["line 2: `> 25:61:61` is not a time of day; the line and the text after it are kept at the start of the first message (line 5)"],
            "one warning, and no line said to belong to no message"
        );
    }

    #[test]
    fn text_before_a_damaged_first_header_is_still_no_message_and_said_so_once() {
        let body = body("前言\n> 25:00:00  乙\n坏\n> 08:00:00  甲\nhi\n");
        assert_eq!(body.messages[0].text, "25:00:00  乙\n坏\nhi");
        assert_eq!(
            body.warnings,
            [
                "1 line before line 2 belongs to no message and is not indexed",
                "line 2: `> 25:00:00` is not a time of day; the line and the text after it are kept at the start of the first message (line 4)",
            ]
        );
    }

    #[test]
    fn a_damaged_header_with_no_message_after_it_is_said_to_be_lost() {
        let body = body("> 25:00:00  乙\n坏\n");
        assert!(body.messages.is_empty());
        assert_eq!(
            body.warnings,
            ["line 1: `> 25:00:00` is not a time of day and no message header follows; the line and the text after it belong to no message and are not indexed"]
        );
    }

    #[test]
    fn irregular_headers_are_read_with_a_warning_naming_the_line() {
        let body = body("> 08:00:00  甲\n一\n> 9:03:00  丁\n二\n>  10:04:00  戊\n三\n>10:00:01 无空格\n四\n");
        let read: Vec<(String, &str, &str)> =
            body.messages.iter().map(|m| (m.time_label(), m.speaker.as_str(), m.text.as_str())).collect();
        assert_eq!(
            read,
            [
                ("08:00:00".to_owned(), "甲", "一"),
                ("09:03:00".to_owned(), "丁", "二"),
                ("10:04:00".to_owned(), "戊", "三"),
                ("10:00:01".to_owned(), "无空格", "四"),
            ]
        );
        assert_eq!(
            body.warnings,
            [
                "line 3: `> 9:03:00  丁` is read as a message header despite a one-digit hour",
                "line 5: `>  10:04:00  戊` is read as a message header despite white space after `>` other than one space",
                "line 7: `>10:00:01 无空格` is read as a message header despite no space after `>`",
            ]
        );
    }

    #[test]
    fn a_header_without_a_nickname_keeps_an_empty_speaker_and_says_so() {
        let body = body("> 08:00:00  甲\n一\n> 10:02:00\n无名\n");
        assert_eq!((body.messages[1].speaker.as_str(), body.messages[1].text.as_str()), ("", "无名"));
        assert_eq!(
            body.warnings,
            ["line 3: the header `> 10:02:00` names no speaker; the message is kept with an empty nickname"]
        );
    }

    #[test]
    fn the_exports_own_headers_give_no_warning() {
        let body = body("\u{FEFF}> 08:00:00  甲  \n   \n一  \n> 08:00:01  Jin He 何瑾\n> 23:59:60  乙\n");
        assert_eq!((body.messages.len(), body.warnings.len()), (3, 0), "{:?}", body.warnings);
    }

    #[test]
    fn body_runs_to_the_next_header_with_dashes_and_brackets() {
        let msgs = parse("> 08:00:00  甲  \n   \n第一行  \n---  \n[强]  \n   \n> 08:01:00  乙  \n   \n好  \n");
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].line, 1);
        assert_eq!(msgs[0].speaker, "甲");
        assert_eq!(msgs[0].text, "第一行\n[强]");
        assert_eq!(msgs[1].line, 7);
        assert_eq!(msgs[1].text, "好");
        assert_eq!(msgs[1].time_label(), "08:01:00");
    }

    #[test]
    fn a_lone_dash_line_is_kept() {
        let msgs = parse("> 08:00:00  甲\n\n上文\n\n---\n\n下文\n");
        assert_eq!(msgs[0].text, "上文\n---\n下文");
    }

    #[test]
    fn empty_body_is_still_a_message() {
        let msgs = parse("> 08:00:00  甲\n> 08:00:01  乙\n");
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].text, "");
    }

    #[test]
    fn text_before_the_first_header_is_counted() {
        let before = body("前言\n\n第二行\n> 08:00:00  甲\nhi");
        assert_eq!(before.messages.len(), 1);
        assert_eq!(before.warnings, ["2 lines before line 4 belong to no message and are not indexed"]);
        let none = body("只有一行\n\n");
        assert!(none.messages.is_empty());
        assert_eq!(
            none.warnings,
            ["no `> HH:MM:SS  nickname` header: its 1 line of text belongs to no message and is not indexed"]
        );
    }

    #[test]
    fn runaway_messages_are_cut_at_a_char_boundary() {
        let huge = format!("> 08:00:00  甲\n{}\n> 08:00:01  乙\n好\n", "网".repeat(MAX_MESSAGE_BYTES / 3 + 10));
        let lines: Vec<&str> = huge.lines().collect();
        let body = messages(&lines, 0);
        assert_eq!(body.messages.len(), 2);
        assert!(body.messages[0].text.len() <= MAX_MESSAGE_BYTES);
        let size = (MAX_MESSAGE_BYTES / 3 + 10) * 3;
        assert_eq!(
            body.warnings,
            [format!("the message at line 1 is {size} bytes; only its first {MAX_MESSAGE_BYTES} bytes are kept")]
        );
        assert_eq!(body.messages[1].text, "好");
    }
}
