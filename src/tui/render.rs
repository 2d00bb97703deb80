//! A message as lines of styled text at a width: a header, then the body wrapped by display
//! width, matches highlighted. Drawing shows these lines; the layout counts them to scroll,
//! so both agree by construction.

use super::theme::{ACCENT, DIM, MATCH};
use crate::archive::{Message, Span as MdSpan};
use crate::search::highlights;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

const INDENT: usize = 2;
const LINK: Style = Style::new().fg(Color::Blue).add_modifier(Modifier::UNDERLINED);
const FOCUS_MARK: &str = "▶ ";
const NO_MARK: &str = "  ";
const RANGE_MARK: &str = "┃ ";

/// The lines of one message at `width` columns: a header, then the wrapped body, a mention of
/// one of the `known` nicknames with white space read whole
/// ([`crate::text::with_mention_spaces_among`]). The number of lines does not depend on
/// `known`, `terms`, `focused` or `marked` (scrolling relies on that: the export's `?` shown as
/// a space is one column as well).
pub fn message_lines(
    m: &Message,
    width: usize,
    known: &[String],
    terms: &[&str],
    focused: bool,
    marked: bool,
) -> Vec<Line<'static>> {
    let header_style = if focused { ACCENT.add_modifier(Modifier::BOLD | Modifier::REVERSED) } else { ACCENT };
    let mark = match (focused, marked) {
        (true, _) => FOCUS_MARK,
        (false, true) => RANGE_MARK,
        (false, false) => NO_MARK,
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(mark, header_style),
        Span::styled(format!("{}  ", m.time_label()), if focused { header_style } else { DIM }),
        Span::styled(m.speaker.clone(), header_style.add_modifier(Modifier::BOLD)),
    ])];
    let mut pieces: Vec<(String, Style)> = Vec::new();
    for span in &m.spans {
        match span {
            MdSpan::Text(t) => {
                let t = &*crate::text::with_mention_spaces_among(t, known);
                let ranges = highlights(t, terms);
                let mut at = 0;
                for r in ranges {
                    pieces.push((t[at..r.start].to_owned(), Style::new()));
                    pieces.push((t[r.clone()].to_owned(), MATCH));
                    at = r.end;
                }
                pieces.push((t[at..].to_owned(), Style::new()));
            }
            MdSpan::Link { title, url } if title == url => pieces.push((url.clone(), LINK)),
            MdSpan::Link { title, url } => {
                let title_ranges = highlights(title, terms);
                let style = if title_ranges.is_empty() { LINK } else { LINK.patch(MATCH) };
                pieces.push((title.clone(), style));
                pieces.push((format!(" {url}"), DIM));
            }
            MdSpan::Image { url, .. } => {
                pieces.push((format!("[图片 image {}]", m.time_label()), ACCENT));
                pieces.push((format!(" {url}"), DIM));
            }
            MdSpan::LineBreak => pieces.push(("\n".into(), Style::new())),
        }
    }
    lines.extend(wrap(&pieces, width.saturating_sub(INDENT).max(4)));
    lines
}

/// Wraps styled pieces (with `\n` for breaks) at `width` display columns, indented.
fn wrap(pieces: &[(String, Style)], width: usize) -> Vec<Line<'static>> {
    let indent = " ".repeat(INDENT);
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = vec![Span::raw(indent.clone())];
    let mut used = 0;
    let mut buf = String::new();
    let flush_buf = |buf: &mut String, current: &mut Vec<Span<'static>>, style: Style| {
        if !buf.is_empty() {
            current.push(Span::styled(std::mem::take(buf), style));
        }
    };
    for (text, style) in pieces {
        for c in text.chars() {
            if c == '\n' {
                flush_buf(&mut buf, &mut current, *style);
                lines.push(Line::from(std::mem::replace(&mut current, vec![Span::raw(indent.clone())])));
                used = 0;
                continue;
            }
            let c = if c.is_control() { ' ' } else { c };
            let w = c.width().unwrap_or(0);
            if used + w > width {
                flush_buf(&mut buf, &mut current, *style);
                lines.push(Line::from(std::mem::replace(&mut current, vec![Span::raw(indent.clone())])));
                used = 0;
            }
            buf.push(c);
            used += w;
        }
        flush_buf(&mut buf, &mut current, *style);
    }
    if current.len() > 1 || lines.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::parse_log;

    fn message(body: &str) -> Message {
        let log = format!("> 10:00:00  甲-银信支付\n{body}\n");
        parse_log("g/2017-08-15-chat.md", log.as_bytes()).unwrap().0.messages.remove(0)
    }

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn wraps_by_display_width_and_keeps_breaks() {
        let m = message("网联断直连以后路由怎么做\n第二行");
        let t = text(&message_lines(&m, 12, &[], &[], false, false));
        assert_eq!(t, vec!["  10:00:00  甲-银信支付", "  网联断直连", "  以后路由怎", "  么做", "  第二行"]);
        for line in &t[1..] {
            assert!(unicode_width::UnicodeWidthStr::width(line.as_str()) <= 12, "{line}");
        }
    }

    #[test]
    fn links_show_titles_with_dimmed_urls_and_images_a_placeholder() {
        let m = message("[网联接入指南](https://example.com/g)");
        let lines = message_lines(&m, 80, &[], &["网联"], true, false);
        let t = text(&lines);
        assert_eq!(t[1], "  网联接入指南 https://example.com/g");
        assert!(t[0].starts_with("▶ "));
        let img = message("![2017-10-23 10:37:04](http://img.example/a.png)");
        assert_eq!(
            text(&message_lines(&img, 80, &[], &[], false, false))[1],
            "  [图片 image 10:00:00] http://img.example/a.png"
        );
    }

    #[test]
    fn highlights_do_not_change_the_line_count() {
        let m = message(&"对账差错长短款".repeat(20));
        assert_eq!(
            message_lines(&m, 30, &[], &["对账"], true, false).len(),
            message_lines(&m, 30, &[], &[], false, true).len()
        );
        let hl = message_lines(&m, 30, &[], &["对账"], false, false);
        assert!(hl[1].spans.iter().any(|s| s.style == MATCH && s.content == "对账"));
    }

    #[test]
    fn the_export_s_question_mark_after_a_mention_reads_as_a_space() {
        let m = message("@老熊-爱奇艺-北京?对账文件几点出?");
        let lines = message_lines(&m, 80, &[], &["对账"], false, false);
        assert_eq!(text(&lines)[1], "  @老熊-爱奇艺-北京 对账文件几点出?");
        assert!(lines[1].spans.iter().any(|s| s.style == MATCH && s.content == "对账"));
    }
}
