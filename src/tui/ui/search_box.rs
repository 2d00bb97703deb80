//! The search line and the filter chips under it.

use super::{ACCENT, DIM, ERROR, SELECTED};
use crate::tui::app::{App, Focus};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const PROMPT: &str = " 搜索 › ";

pub fn draw(frame: &mut Frame, app: &App, search: Rect, chips: Rect) {
    let focused = app.focus == Focus::Search && app.overlay.is_none();
    let prompt_style = if focused { ACCENT.add_modifier(Modifier::BOLD) } else { DIM };
    let mut spans = vec![Span::styled(PROMPT, prompt_style)];
    let prompt_w = unicode_width::UnicodeWidthStr::width(PROMPT);
    // A query longer than the line scrolls sideways to keep the cursor in view.
    let room = usize::from(search.width).saturating_sub(prompt_w + 1);
    let (shown, skipped) = scrolled(&app.input.text, app.input.cursor_column(), room);
    if app.input.text.is_empty() && !focused {
        spans.push(Span::styled("/ to search · ? for keys", DIM));
    } else if app.input.text.is_empty() {
        spans.push(Span::styled("type to search: 网联 from:张 topic:routing date:2017-08 …", DIM));
    } else {
        let style = if app.results.error.is_some() { ERROR } else { Style::new() };
        spans.push(Span::styled(shown, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), search);
    if focused {
        let x = search.x + (prompt_w + app.input.cursor_column() - skipped) as u16;
        frame.set_cursor_position(Position { x: x.min(search.right().saturating_sub(1)), y: search.y });
    }

    let chips_focused = app.focus == Focus::Chips && app.overlay.is_none();
    let mut line = vec![Span::styled(" 筛选 ", DIM)];
    if app.chips.is_empty() {
        // In the search box these letters are typed: the hint says where they are keys.
        let hint = if focused {
            "none · in the results: f filters, s speakers, t topics, d dates, D days"
        } else {
            "none · f filters, s speakers, t topics, d dates, D days"
        };
        line.push(Span::styled(hint, DIM));
    }
    for (i, chip) in app.chips.iter().enumerate() {
        let style = if chips_focused && i == app.chip_selected { SELECTED } else { ACCENT };
        line.push(Span::styled(format!("[{chip} ×]"), style));
        line.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(line)), chips);
}

/// `text` without as many leading columns as it takes to show column `cursor` within `room`
/// columns, and how many columns were left out.
fn scrolled(text: &str, cursor: usize, room: usize) -> (String, usize) {
    let want = cursor.saturating_sub(room.saturating_sub(1));
    let mut skipped = 0;
    let mut chars = text.chars().peekable();
    while skipped < want {
        let Some(c) = chars.next() else { break };
        skipped += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    (chars.collect(), skipped)
}

#[cfg(test)]
mod tests {
    use super::scrolled;

    #[test]
    fn a_long_query_scrolls_to_keep_the_cursor_in_view() {
        assert_eq!(scrolled("对账", 4, 10), ("对账".to_owned(), 0));
        // 10 columns of CJK, cursor at the end, room for 6: the first 5 columns go (whole characters).
        assert_eq!(scrolled("网联断直连", 10, 6), ("直连".to_owned(), 6));
        assert_eq!(scrolled("abcdefghij", 10, 6), ("fghij".to_owned(), 5));
    }
}
