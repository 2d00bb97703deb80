//! Drawing: pure functions of `&App` onto a ratatui `Frame`, one file per pane.

pub mod conversation;
mod days;
mod filters;
mod help;
mod insights;
mod results;
mod saved;
mod search_box;
mod status;

use super::app::{App, Overlay};
use super::layout::Panes;
use crate::plural::noun;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear};
use ratatui::Frame;
use std::ops::Range;
use unicode_width::UnicodeWidthChar;

pub use super::theme::{ACCENT, DIM, ERROR, MATCH, SELECTED};

/// Draws the whole screen; returns where the panes went (the app keeps it for scrolling).
pub fn draw(frame: &mut Frame, app: &App) -> Panes {
    let panes = Panes::new(frame.area(), app.main_view());
    search_box::draw(frame, app, panes.search, panes.chips);
    if let Some(r) = panes.results {
        results::draw(frame, app, r);
    }
    if let Some(c) = panes.conversation {
        conversation::draw(frame, app, c);
    }
    status::draw(frame, app, panes.status);
    match &app.overlay {
        Some(Overlay::Help { filter, selected }) => help::draw(frame, filter, *selected),
        Some(Overlay::Filters { tab, input, selected, marked }) => {
            filters::draw(frame, app, *tab, input, *selected, marked)
        }
        Some(Overlay::Insights { section, selected }) => insights::draw(frame, app, *section, *selected),
        Some(Overlay::Days { .. }) => days::draw(frame, app),
        Some(Overlay::Saved { selected }) => saved::draw(frame, app, *selected),
        Some(Overlay::SaveAs { name }) => saved::prompt(frame, name),
        Some(Overlay::Citation { text, scroll }) => help::citation(frame, text, *scroll),
        None => {}
    }
    panes
}

/// A bordered block, its border bright when it has the focus.
pub fn pane(title: String, focused: bool) -> Block<'static> {
    let style = if focused { ACCENT } else { DIM };
    Block::bordered().border_style(style).title(Span::styled(title, if focused { ACCENT } else { Style::new() }))
}

/// A centred window of at most `w`×`h` cells, cleared.
pub fn popup(frame: &mut Frame, w: u16, h: u16) -> Rect {
    let rect = super::layout::popup_rect(frame.area(), w, h);
    frame.render_widget(Clear, rect);
    clear_straddlers(frame.buffer_mut(), rect);
    rect
}

/// A double-width character just left of a window would spill its second half over the
/// window's left border: it becomes a space (the half column it loses cannot be shown anyway).
fn clear_straddlers(buf: &mut ratatui::buffer::Buffer, rect: Rect) {
    if rect.x == buf.area.x {
        return;
    }
    for y in rect.top()..rect.bottom() {
        if let Some(cell) = buf.cell_mut((rect.x - 1, y)) {
            if unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
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

/// A bar of `value` against `peak` in `width` cells, in eighths of a cell, so that 4 and 206
/// out of 2,000 still look different; never empty for a value above zero.
pub fn bar(value: u64, peak: u64, width: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let eighths = if value == 0 { 0 } else { ((value * width as u64 * 8) / peak.max(1)).max(1) as usize };
    let mut s = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        s.push(EIGHTHS[eighths % 8 - 1]);
    }
    s
}

/// `1 hit`, `1,234 hits`.
pub fn hits(n: usize) -> String {
    format!("{} {}", thousands(n as u64), noun(n, "hit", "hits"))
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
    fn bars_tell_small_counts_apart() {
        assert_eq!(bar(0, 2000, 20), "");
        assert_eq!(bar(4, 2000, 20), "▏");
        assert_eq!(bar(206, 2000, 20), "██");
        assert_eq!(bar(230, 2000, 20), "██▎");
        assert_eq!(bar(2000, 2000, 20), "█".repeat(20));
        assert_ne!(bar(4, 206, 20), bar(206, 206, 20));
    }

    #[test]
    fn a_popup_over_double_width_text_keeps_its_left_border() {
        use ratatui::buffer::Buffer;
        use ratatui::widgets::Paragraph;
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(11, 3)).unwrap();
        terminal
            .draw(|f| {
                f.render_widget(Paragraph::new(vec![Line::from("网联断直连啊"); 3]), f.area());
                let r = popup(f, 6, 3);
                f.render_widget(Block::bordered(), r);
            })
            .unwrap();
        // A window at an odd column: the character under its border's left neighbour goes.
        let mut buf = Buffer::with_lines(["网联断直连"]);
        clear_straddlers(&mut buf, Rect::new(3, 0, 4, 1));
        assert_eq!(buf[(2, 0)].symbol(), " ", "联 at columns 2–3 would cover the border at 3");
        assert_eq!(buf[(0, 0)].symbol(), "网");
        let screen = terminal.backend().to_string();
        assert!(screen.contains("┌────┐"), "{screen}");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(92240), "92,240");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
