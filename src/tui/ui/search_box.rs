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
    // Chips beyond the line's end scroll into view as the selection reaches them, and the
    // line says how many are out of it on either side.
    let labels: Vec<String> = app.chips.iter().map(|chip| format!("[{chip} ×]")).collect();
    let widths: Vec<usize> = labels.iter().map(|l| unicode_width::UnicodeWidthStr::width(l.as_str())).collect();
    let room = usize::from(chips.width).saturating_sub(unicode_width::UnicodeWidthStr::width(" 筛选 "));
    let (start, end) = chip_window(&widths, chips_focused.then_some(app.chip_selected), room);
    if start > 0 {
        line.push(Span::styled(before_marker(start), DIM));
    }
    for (i, label) in labels.into_iter().enumerate().take(end).skip(start) {
        let style = if chips_focused && i == app.chip_selected { SELECTED } else { ACCENT };
        line.push(Span::styled(label, style));
        line.push(Span::raw(" "));
    }
    if end < widths.len() {
        line.push(Span::styled(after_marker(widths.len() - end), DIM));
    }
    frame.render_widget(Paragraph::new(Line::from(line)), chips);
}

/// Before the first chip shown: how many are out of the line to its left.
fn before_marker(hidden: usize) -> String {
    format!("‹{hidden} ")
}

/// After the last chip shown: how many are out of the line to its right.
fn after_marker(hidden: usize) -> String {
    format!("+{hidden}›")
}

/// The chips shown, `start..end`, of chips `widths` columns wide (each followed by a space)
/// within `room` columns, markers included: from the first, or from as late as it takes to
/// show `selected`. At least one chip is shown (cut by the line's end if it must be).
fn chip_window(widths: &[usize], selected: Option<usize>, room: usize) -> (usize, usize) {
    let col = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let fits_from = |start: usize| {
        let mut used = if start > 0 { col(&before_marker(start)) } else { 0 };
        let mut end = start;
        while end < widths.len() {
            let more = if end + 1 < widths.len() { col(&after_marker(widths.len() - end - 1)) } else { 0 };
            if end > start && used + widths[end] + 1 + more > room {
                break;
            }
            used += widths[end] + 1;
            end += 1;
        }
        end
    };
    let mut start = 0;
    let mut end = fits_from(start);
    if let Some(selected) = selected {
        while selected >= end && start < selected {
            start += 1;
            end = fits_from(start);
        }
    }
    (start, end)
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
    use super::{chip_window, scrolled};

    #[test]
    fn chips_past_the_line_s_end_scroll_into_view() {
        // Five chips of 9 columns (10 with their space) in 35 columns: three and a `+2›`.
        let widths = [9; 5];
        assert_eq!(chip_window(&widths, None, 35), (0, 3));
        assert_eq!(chip_window(&widths, Some(2), 35), (0, 3));
        // The fourth selected: from `‹1 ` the second and third fit with `+1›` after them, not
        // the fourth; from `‹2 ` the last three.
        assert_eq!(chip_window(&widths, Some(3), 35), (2, 5));
        assert_eq!(chip_window(&widths, Some(4), 35), (2, 5));
        // All fit: no scrolling.
        assert_eq!(chip_window(&widths, Some(4), 60), (0, 5));
        // A chip wider than the line is still shown, alone.
        assert_eq!(chip_window(&[50, 9], Some(0), 20), (0, 1));
        assert_eq!(chip_window(&[50, 9], Some(1), 20), (1, 2));
        assert_eq!(chip_window(&[], None, 20), (0, 0));
    }

    #[test]
    fn a_long_query_scrolls_to_keep_the_cursor_in_view() {
        assert_eq!(scrolled("对账", 4, 10), ("对账".to_owned(), 0));
        // 10 columns of CJK, cursor at the end, room for 6: the first 5 columns go (whole characters).
        assert_eq!(scrolled("网联断直连", 10, 6), ("直连".to_owned(), 6));
        assert_eq!(scrolled("abcdefghij", 10, 6), ("fghij".to_owned(), 5));
    }
}
