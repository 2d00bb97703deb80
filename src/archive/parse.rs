//! A decoded log → messages. A message starts at a line `> HH:MM:SS  nickname`; its body is
//! every line up to the next such line (`---` and `[…` lines included).

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

/// A message header, if `line` is one: (seconds since midnight, nickname).
pub fn header(line: &str) -> Option<(u32, &str)> {
    let ((h, m, s), nickname) = header_shape(line)?;
    (h <= 23 && m <= 59 && s <= 60).then_some((h * 3600 + m * 60 + s, nickname))
}

/// A line shaped like a header, `> DD:DD:DD  nickname`, whatever the numbers: ((h, m, s), nickname).
fn header_shape(line: &str) -> Option<((u32, u32, u32), &str)> {
    // A byte-order mark can open any line of logs concatenated from several files.
    let rest = line.trim_start_matches('\u{FEFF}').strip_prefix("> ")?;
    let b = rest.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let field = |i: usize| -> Option<u32> {
        let (hi, lo) = (b[i], b[i + 1]);
        (hi.is_ascii_digit() && lo.is_ascii_digit()).then(|| u32::from(hi - b'0') * 10 + u32::from(lo - b'0'))
    };
    let hms = (field(0)?, field(3)?, field(6)?);
    // Real headers put two spaces before the nickname; accept any white space, or none at
    // all when the line ends there.
    let after = &rest[8..];
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some((hms, after.trim()))
}

/// A body longer than this is cut (real messages stay under 2 KB; a megabyte is a runaway
/// paste or a broken export, and would cost every search that shows it).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// What a log's body holds.
#[derive(Debug, Default)]
pub struct Body {
    pub messages: Vec<Message>,
    /// Non-blank lines before the first header (text that belongs to no message).
    pub orphan_lines: usize,
    /// Messages cut at [`MAX_MESSAGE_BYTES`]: (header line, original size in bytes).
    pub cut: Vec<(u32, usize)>,
    /// Lines shaped like a header but with no valid time (`> 25:61:61  甲`), kept as text:
    /// (1-based line, the time as written).
    pub bad_headers: Vec<(u32, String)>,
}

/// Messages of a log's body. `lines` are the whole file's lines (CR stripped), `start` the
/// first body line.
pub fn messages(lines: &[&str], start: usize) -> Body {
    let mut out = Body::default();
    let mut current: Option<(usize, u32, &str)> = None;
    let mut body: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(start) {
        if let Some((time, speaker)) = header(line) {
            if let Some(cur) = current.take() {
                build(cur, &body, &mut out);
            }
            current = Some((i, time, speaker));
            body.clear();
        } else {
            if let Some(((h, m, s), _)) = header_shape(line) {
                out.bad_headers.push((u32::try_from(i + 1).unwrap_or(u32::MAX), format!("{h:02}:{m:02}:{s:02}")));
            }
            if current.is_some() {
                body.push(line);
            } else if !line.trim().is_empty() {
                out.orphan_lines += 1;
            }
        }
    }
    if let Some(cur) = current {
        build(cur, &body, &mut out);
    }
    out
}

fn build((index, time, speaker): (usize, u32, &str), body: &[&str], out: &mut Body) {
    let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
    // Lines end in markdown line-break spaces and blank lines are runs of spaces.
    let trimmed: Vec<&str> = body.iter().map(|l| l.trim_end()).collect();
    let first = trimmed.iter().position(|l| !l.is_empty()).unwrap_or(trimmed.len());
    let last = trimmed.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
    let mut raw = trimmed[first..last].join("\n");
    if raw.len() > MAX_MESSAGE_BYTES {
        out.cut.push((line, raw.len()));
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

    #[test]
    fn headers_with_real_nicknames() {
        assert_eq!(header("> 08:44:59  我  "), Some((8 * 3600 + 44 * 60 + 59, "我")));
        assert_eq!(header("> 09:19:10  atom-汇付-产品-上海"), Some((33550, "atom-汇付-产品-上海")));
        assert_eq!(header("> 10:00:00  Jin He 何瑾"), Some((36000, "Jin He 何瑾")));
        assert_eq!(header("> 10:00:00  C'est la vie-科蓝-PM-北京").map(|h| h.1), Some("C'est la vie-科蓝-PM-北京"));
        assert_eq!(header("> 10:00:00  槑旭旭 ?微信超級會員").map(|h| h.1), Some("槑旭旭 ?微信超級會員"));
        assert_eq!(header("> 10:00:00"), Some((36000, "")));
        assert_eq!(header("\u{FEFF}> 10:00:00  甲"), Some((36000, "甲")));
    }

    #[test]
    fn quote_lines_that_are_not_headers() {
        assert_eq!(header("> 引用一段话"), None);
        assert_eq!(header("> 25:00:00  x"), None);
        assert_eq!(header("> 10:00:001 x"), None);
        assert_eq!(header(">10:00:00  x"), None);
    }

    #[test]
    fn a_leap_second_keeps_its_label() {
        let (secs, _) = header("> 23:59:60  甲").unwrap();
        assert_eq!(time_label(secs), "23:59:60");
        assert_eq!(time_label(86_399), "23:59:59");
    }

    #[test]
    fn a_header_with_an_impossible_time_stays_text_and_is_reported() {
        let lines: Vec<&str> = "> 08:00:00  甲\n上文\n> 25:61:61  乙\n下文\n".lines().collect();
        let body = messages(&lines, 0);
        assert_eq!(body.messages.len(), 1);
        assert!(body.messages[0].text.contains("25:61:61"), "{}", body.messages[0].text);
        assert!(body.messages[0].text.ends_with("下文"), "{}", body.messages[0].text);
        assert_eq!(body.bad_headers, vec![(3, "25:61:61".to_owned())]);
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
        let lines: Vec<&str> = "前言\n\n> 08:00:00  甲\nhi".lines().collect();
        let body = messages(&lines, 0);
        assert_eq!((body.messages.len(), body.orphan_lines), (1, 1));
    }

    #[test]
    fn runaway_messages_are_cut_at_a_char_boundary() {
        let huge = format!("> 08:00:00  甲\n{}\n> 08:00:01  乙\n好\n", "网".repeat(MAX_MESSAGE_BYTES / 3 + 10));
        let lines: Vec<&str> = huge.lines().collect();
        let body = messages(&lines, 0);
        assert_eq!(body.messages.len(), 2);
        assert!(body.messages[0].text.len() <= MAX_MESSAGE_BYTES);
        assert_eq!(body.cut, vec![(1, (MAX_MESSAGE_BYTES / 3 + 10) * 3)]);
        assert_eq!(body.messages[1].text, "好");
    }
}
