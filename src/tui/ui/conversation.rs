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
    let position = c
        .matches
        .iter()
        .position(|&m| m == c.focus)
        .map_or(String::new(), |i| format!(" · match {}/{}", i + 1, c.matches.len()));
    let marked = c.mark.map(|m| (m.min(c.focus), m.max(c.focus)));
    let range = match (marked, c.span) {
        (Some((a, b)), _) => format!(" · {} marked (y cites)", b - a + 1),
        (None, Some((a, b))) => format!(" · discussion {}–{}", a + 1, b + 1),
        (None, None) => String::new(),
    };
    let at = format!("{}/{}{position}{range}", c.focus + 1, c.day.messages.len());
    // The title gives up the group's display name, the pane's name, the group, then the date
    // (the selected row shows them) before being cut: where the reader is (message, match,
    // discussion) matters more.
    let room = usize::from(area.width.saturating_sub(2));
    let titles = [
        format!(" 对话 {} · {group} · {at} ", c.day.date),
        format!(" 对话 {} · {} · {at} ", c.day.date, c.day.group),
        format!(" {} · {} · {at} ", c.day.date, c.day.group),
        format!(" {} · {at} ", c.day.date),
        format!(" {at} "),
    ];
    let fits = |t: &String| unicode_width::UnicodeWidthStr::width(t.as_str()) <= room;
    let title = titles.iter().find(|t| fits(t)).unwrap_or(&titles[4]).clone();
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
