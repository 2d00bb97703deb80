//! Message header lines. The export writes `> HH:MM:SS  nickname`; a hand edit or another tool
//! leaves forms that are as evidently headers (`> 9:03:00  丁`, `>  10:04:00  戊`,
//! `>10:00:01 甲`), read as headers and named as irregular, and lines shaped like a header with
//! a time no day has (`> 25:61:61  乙`), which stay text.

/// What a line of a log's body is, as far as headers go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// A message header: seconds since midnight, the nickname (trimmed; empty when the line
    /// names none) and what is irregular in its form (empty for the export's own form).
    Header { time: u32, nickname: &'a str, irregular: Vec<&'static str> },
    /// Shaped like a header, but its time (as written) is no time of day.
    BadTime(&'a str),
    /// Anything else: message text.
    Text,
}

/// A message header, if `line` is one: (seconds since midnight, nickname).
pub fn header(line: &str) -> Option<(u32, &str)> {
    match classify(line) {
        Line::Header { time, nickname, .. } => Some((time, nickname)),
        Line::BadTime(_) | Line::Text => None,
    }
}

/// Reads `line` as a header: `>`, white space, a time `H:MM:SS` or `HH:MM:SS`, then white space
/// and the nickname, or the end of the line. Anything but `> HH:MM:SS` at the start of the line
/// (white space before `>`, none or more than one space after it, a one-digit hour) is irregular.
pub(crate) fn classify(line: &str) -> Line<'_> {
    // A byte-order mark can open any line of logs concatenated from several files.
    let line = line.trim_start_matches('\u{FEFF}');
    let quote = line.trim_start_matches([' ', '\t']);
    let Some(after_quote) = quote.strip_prefix('>') else {
        return Line::Text;
    };
    let rest = after_quote.trim_start_matches([' ', '\t']);
    let Some((written, (h, m, s), nickname)) = time_and_nickname(rest) else {
        return Line::Text;
    };
    if h > 23 || m > 59 || s > 60 {
        return Line::BadTime(written);
    }
    let mut irregular = Vec::new();
    if quote.len() < line.len() {
        irregular.push("white space before `>`");
    }
    match after_quote.len() - rest.len() {
        0 => irregular.push("no space after `>`"),
        1 if after_quote.starts_with(' ') => {}
        _ => irregular.push("white space after `>` other than one space"),
    }
    if written.len() == 7 {
        irregular.push("a one-digit hour");
    }
    Line::Header { time: h * 3600 + m * 60 + s, nickname, irregular }
}

/// `H:MM:SS` or `HH:MM:SS` at the start of `rest`, then white space or the end: (the time as
/// written, its numbers, the rest trimmed).
fn time_and_nickname(rest: &str) -> Option<(&str, (u32, u32, u32), &str)> {
    let b = rest.as_bytes();
    let hour_digits = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&hour_digits) {
        return None;
    }
    let end = hour_digits + 6;
    let t = b.get(hour_digits..end)?;
    if t[0] != b':' || t[3] != b':' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let hms = (number(&b[..hour_digits])?, number(&t[1..3])?, number(&t[4..6])?);
    // Real headers put two spaces before the nickname; any white space will do, or none at all
    // when the line ends there. The time is ASCII, so `end` is a character boundary.
    let after = &rest[end..];
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some((&rest[..end], hms, after.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn irregular(line: &str) -> Vec<&'static str> {
        match classify(line) {
            Line::Header { irregular, .. } => irregular,
            other => panic!("{line:?} is not a header: {other:?}"),
        }
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
        assert_eq!(irregular("> 08:44:59  我  "), Vec::<&str>::new(), "the export's form is regular");
        assert_eq!(irregular("\u{FEFF}> 10:00:00 甲"), Vec::<&str>::new(), "so are a BOM and one space");
    }

    #[test]
    fn quote_lines_that_are_not_headers() {
        for line in [
            "> 引用一段话",
            "> 10:00:001 x",
            "> 100:00:00  x",
            "> 10:0:00  x",
            "> 10:00  x",
            "10:00:00  x",
            "> :00:00 x",
        ] {
            assert_eq!(classify(line), Line::Text, "{line:?}");
        }
    }

    #[test]
    fn evident_headers_in_irregular_forms_are_read_and_say_how() {
        assert_eq!(header("> 9:03:00  丁"), Some((9 * 3600 + 180, "丁")));
        assert_eq!(irregular("> 9:03:00  丁"), ["a one-digit hour"]);
        assert_eq!(header(">  10:04:00  戊"), Some((36240, "戊")));
        assert_eq!(irregular(">  10:04:00  戊"), ["white space after `>` other than one space"]);
        assert_eq!(irregular(">\t10:04:00  戊"), ["white space after `>` other than one space"]);
        assert_eq!(header(">10:00:01 无空格"), Some((36001, "无空格")));
        assert_eq!(irregular(">10:00:01 无空格"), ["no space after `>`"]);
        assert_eq!(irregular("  >9:00:00  甲"), ["white space before `>`", "no space after `>`", "a one-digit hour"]);
    }

    #[test]
    fn a_header_shape_with_no_time_of_day_is_a_bad_time_as_written() {
        assert_eq!(classify("> 25:00:00  x"), Line::BadTime("25:00:00"));
        assert_eq!(classify("> 25:61:61  坏时间"), Line::BadTime("25:61:61"));
        assert_eq!(classify(">9:75:00 x"), Line::BadTime("9:75:00"));
        assert_eq!(classify("> 23:59:61"), Line::BadTime("23:59:61"));
        assert_eq!(header("> 23:59:60  甲"), Some((86_400, "甲")), "a leap second is a time");
    }
}
