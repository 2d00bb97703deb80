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
    if app.input.text.is_empty() && !focused {
        spans.push(Span::styled("/ to search · ? for keys", DIM));
    } else if app.input.text.is_empty() {
        spans.push(Span::styled("type to search: 网联 from:张 topic:routing date:2017-08 …", DIM));
    } else {
        let style = if app.results.error.is_some() { ERROR } else { Style::new() };
        spans.push(Span::styled(app.input.text.clone(), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), search);
    if focused {
        let x = search.x + unicode_width::UnicodeWidthStr::width(PROMPT) as u16 + app.input.cursor_column() as u16;
        frame.set_cursor_position(Position { x: x.min(search.right().saturating_sub(1)), y: search.y });
    }

    let chips_focused = app.focus == Focus::Chips && app.overlay.is_none();
    let mut line = vec![Span::styled(" 筛选 ", DIM)];
    if app.chips.is_empty() {
        line.push(Span::styled("none · f filters, s speakers, t topics, d dates, D days", DIM));
    }
    for (i, chip) in app.chips.iter().enumerate() {
        let style = if chips_focused && i == app.chip_selected { SELECTED } else { ACCENT };
        line.push(Span::styled(format!("[{chip} ×]"), style));
        line.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(line)), chips);
}
