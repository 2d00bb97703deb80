//! Drawing: pure functions of `&App` onto a ratatui `Frame`, one file per pane.

pub mod conversation;
mod days;
mod filters;
mod help;
mod insights;
mod results;
mod search_box;
mod status;

use super::app::{App, Focus, Overlay};
use super::layout;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};
use ratatui::Frame;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

pub use super::theme::{ACCENT, DIM, ERROR, MATCH, SELECTED};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let [search, chips, main, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)])
            .areas(frame.area());
    search_box::draw(frame, app, search, chips);
    if app.side_by_side() {
        let (left, right) = layout::split(main.width);
        let [left, right] = Layout::horizontal([Constraint::Length(left), Constraint::Length(right)]).areas(main);
        results::draw(frame, app, left);
        conversation::draw(frame, app, right);
    } else if (app.focus == Focus::Conversation || app.maximised) && app.conversation.is_some() {
        conversation::draw(frame, app, main);
    } else {
        results::draw(frame, app, main);
    }
    status::draw(frame, app, status);
    match &app.overlay {
        Some(Overlay::Help { filter, selected }) => help::draw(frame, filter, *selected),
        Some(Overlay::Filters { tab, input, selected }) => filters::draw(frame, app, *tab, input, *selected),
        Some(Overlay::Insights) => insights::draw(frame, app),
        Some(Overlay::Days { selected, rows }) => days::draw(frame, app, rows, *selected),
        Some(Overlay::Citation { text, scroll }) => help::citation(frame, text, *scroll),
        None => {}
    }
}

/// A bordered block, its border bright when it has the focus.
pub fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused { ACCENT } else { DIM };
    Block::bordered().border_style(style).title(Span::styled(title, if focused { ACCENT } else { Style::new() }))
}

/// A centred window of at most `w`×`h` cells, cleared.
pub fn popup(frame: &mut Frame, w: u16, h: u16) -> Rect {
    let area = frame.area();
    let w = w.min(area.width);
    let h = h.min(area.height);
    let rect = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    frame.render_widget(Clear, rect);
    rect
}

/// `s` cut or padded to exactly `width` display columns (`…` where cut).
pub fn fit(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    let limit = if total > width { width.saturating_sub(1) } else { width };
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > limit {
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
        used += w;
    }
    if total > width && width > 0 {
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// `text` as spans with `ranges` in the match style.
pub fn highlighted(text: &str, ranges: &[Range<usize>], base: Style) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut at = 0;
    for r in ranges {
        if r.start > at {
            spans.push(Span::styled(text[at..r.start].to_owned(), base));
        }
        spans.push(Span::styled(text[r.clone()].to_owned(), MATCH));
        at = r.end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_owned(), base));
    }
    spans
}

/// The rows of a list that fit in `height`, keeping `selected` in view, each drawn by `line`
/// with its base style (the selection's for the selected row).
pub fn visible_rows<'a, T>(
    rows: &'a [T],
    selected: usize,
    height: usize,
    mut line: impl FnMut(&'a T, Style) -> Line<'static>,
) -> Vec<Line<'static>> {
    let top = list_top(selected, rows.len(), height);
    rows.iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, row)| line(row, if i == selected { SELECTED } else { Style::new() }))
        .collect()
}

/// The top row of a list of `len` rows in `height` that keeps `selected` in view, centred.
fn list_top(selected: usize, len: usize, height: usize) -> usize {
    selected.saturating_sub(height / 2).min(len.saturating_sub(height))
}

/// `1 hit`, `1,234 hits`.
pub fn hits(n: usize) -> String {
    format!("{} {}", thousands(n as u64), if n == 1 { "hit" } else { "hits" })
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_double_width_characters() {
        assert_eq!(fit("网联abc", 7), "网联abc");
        assert_eq!(fit("网联abc", 9), "网联abc  ");
        assert_eq!(fit("网联支付清算", 7), "网联支…");
        assert_eq!(unicode_width::UnicodeWidthStr::width(fit("网联支付清算", 6).as_str()), 6);
        assert_eq!(fit("ab", 0), "");
    }

    #[test]
    fn list_top_keeps_the_selection_visible() {
        assert_eq!(list_top(0, 100, 10), 0);
        assert_eq!(list_top(50, 100, 10), 45);
        assert_eq!(list_top(99, 100, 10), 90);
        assert_eq!(list_top(3, 5, 10), 0);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(92240), "92,240");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
