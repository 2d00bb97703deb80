//! The conversation pane: the hit's day, messages rendered from their markdown spans (link
//! titles with the URL dimmed, images as a placeholder with their time, emoji codes as typed),
//! the hit marked and kept in view, every match of the query highlighted.

use super::{pane, DIM};
use crate::tui::app::{App, Focus};
use crate::tui::layout;
use crate::tui::render::message_lines;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Conversation && app.overlay.is_none();
    let Some(c) = &app.conversation else {
        let block = pane(" 对话 Conversation ".into(), focused);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let none = app.catalog.is_some() && app.results.error.is_none() && !app.results.searching && app.listed() == 0;
        let text =
            if none { "No hits: nothing to show." } else { "Select a hit to read it in its day's conversation." };
        frame.render_widget(Paragraph::new(Line::styled(text, DIM)), inner);
        return;
    };
    let group = match app.catalog.as_ref().and_then(|k| k.meta.groups.get(&c.day.group)) {
        Some(name) => format!("{name} ({})", c.day.group),
        None => c.day.group.clone(),
    };
    let matched = c
        .matches
        .iter()
        .position(|&m| m == c.focus)
        .map_or(String::new(), |i| format!(" · match {}/{}", i + 1, c.matches.len()));
    let marked = c.mark.map(|m| (m.min(c.focus), m.max(c.focus)));
    let (marked_text, span) = match (marked, c.span) {
        (Some((a, b)), _) => (format!(" · {} marked (y cites)", b - a + 1), String::new()),
        (None, Some((a, b))) => (String::new(), format!(" · discussion {}–{}", a + 1, b + 1)),
        (None, None) => (String::new(), String::new()),
    };
    let title = Title {
        date: &c.day.date.to_string(),
        group_named: &group,
        group: &c.day.group,
        at: &format!("{}/{}", c.focus + 1, c.day.messages.len()),
        matched: &matched,
        marked: &marked_text,
        span: &span,
    }
    .within(usize::from(area.width.saturating_sub(2)));
    let block = pane(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let starts = layout::message_starts(&c.day, width);
    let top = layout::conversation_top(&starts, c.focus, c.scroll, height);
    let terms = app.conversation_terms();
    // Only the messages that reach the window are rendered.
    let first = starts.partition_point(|&s| s <= top).saturating_sub(1);
    let mut lines = Vec::with_capacity(height);
    let mut line_no = starts[first];
    for (i, m) in c.day.messages.iter().enumerate().skip(first) {
        // The margin marks the range being cited, else the discussion opened.
        let in_range = marked.or(c.span).is_some_and(|(a, b)| (a..=b).contains(&i));
        for line in message_lines(m, width, app.mention_names(), &terms, i == c.focus, in_range) {
            if line_no >= top && lines.len() < height {
                lines.push(line);
            }
            line_no += 1;
        }
        if lines.len() >= height {
            break;
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The parts of the pane's title: its name, the date, the group (with its display name),
/// where the cursor is, the match it is on, the range being cited and the discussion marked.
struct Title<'a> {
    date: &'a str,
    group_named: &'a str,
    group: &'a str,
    at: &'a str,
    matched: &'a str,
    marked: &'a str,
    span: &'a str,
}

impl Title<'_> {
    /// The title in `room` columns. What matters least goes first: the group's display name,
    /// the discussion's span (the margin marks it), the group, the date (the selected row shows
    /// them), the match; the pane's name, where the cursor is and the range being cited stay
    /// (the name went first, before the span).
    fn within(&self, room: usize) -> String {
        let Title { date, group_named, group, at, matched, marked, span } = self;
        let titles = [
            format!(" 对话 {date} · {group_named} · {at}{matched}{marked}{span} "),
            format!(" 对话 {date} · {group} · {at}{matched}{marked}{span} "),
            format!(" 对话 {date} · {group} · {at}{matched}{marked} "),
            format!(" 对话 {date} · {at}{matched}{marked} "),
            format!(" 对话 {at}{matched}{marked} "),
            format!(" 对话 {at}{marked} "),
            format!(" {at}{marked} "),
            format!(" {at} "),
        ];
        let fits = |t: &&String| unicode_width::UnicodeWidthStr::width(t.as_str()) <= room;
        titles.iter().find(fits).unwrap_or(&titles[titles.len() - 1]).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::Title;
    use unicode_width::UnicodeWidthStr;

    /// Narrowed column by column, the title gives up the least important part first and keeps
    /// its name to the end: at 70 columns (a 160-column split view) the real archive's
    /// `2018-05-04 · proddev · 118/240 · match 3/21 · discussion 65–212` lost `对话` and kept
    /// the span.
    #[test]
    fn a_long_title_keeps_its_name_and_drops_the_least_important_part() {
        let title = Title {
            date: "2018-05-04",
            group_named: "产品开发群 (proddev)",
            group: "proddev",
            at: "118/240",
            matched: " · match 3/21",
            marked: "",
            span: " · discussion 65–212",
        };
        let mut seen: Vec<String> = Vec::new();
        for room in (0..100).rev() {
            let now = title.within(room);
            assert!(now.width() <= room || now == " 118/240 ", "{room}: {now:?}");
            if seen.last() != Some(&now) {
                seen.push(now);
            }
        }
        assert_eq!(
            seen,
            [
                " 对话 2018-05-04 · 产品开发群 (proddev) · 118/240 · match 3/21 · discussion 65–212 ",
                " 对话 2018-05-04 · proddev · 118/240 · match 3/21 · discussion 65–212 ",
                " 对话 2018-05-04 · proddev · 118/240 · match 3/21 ",
                " 对话 2018-05-04 · 118/240 · match 3/21 ",
                " 对话 118/240 · match 3/21 ",
                " 对话 118/240 ",
                " 118/240 ",
            ]
        );
        // A range being cited is kept with the cursor's place, past the match.
        let marked = Title { marked: " · 3 marked (y cites)", span: "", ..title };
        assert_eq!(marked.within(40), " 对话 118/240 · 3 marked (y cites) ");
        assert_eq!(marked.within(30), " 118/240 · 3 marked (y cites) ");
    }
}
