//! The help overlay (every key, filtered by what is typed) and the citation popup.

use super::{fit, pane, popup, visible_rows, ACCENT, DIM};
use crate::tui::input::TextInput;
use crate::tui::keymap::help_rows;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, filter: &TextInput, selected: usize) {
    let area = popup(frame, 96, 30);
    let block = pane(" 帮助 Keys · type to filter · Esc closes ".into(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input, list] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let prompt = Line::from(vec![Span::styled(" filter › ", ACCENT), Span::raw(filter.text.clone())]);
    frame.render_widget(Paragraph::new(vec![prompt, Line::raw("")]), input);
    let rows = help_rows(&filter.text);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled(" no key matches", DIM)), list);
        return;
    }
    let key_w = 26;
    let desc_w = usize::from(list.width).saturating_sub(key_w + 2);
    let lines = visible_rows(&rows, selected, usize::from(list.height), |(k, d), style| {
        Line::from(vec![
            Span::styled(format!(" {}", fit(k, key_w)), style.patch(ACCENT)),
            Span::styled(fit(d, desc_w), style),
        ])
    });
    frame.render_widget(Paragraph::new(lines), list);
}

pub fn citation(frame: &mut Frame, text: &str) {
    let area = popup(frame, 90, 12);
    let block = pane(" 引用 Citation · no clipboard found: select and copy it · Esc closes ".into(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(text.to_owned()).wrap(Wrap { trim: false }), inner);
}
