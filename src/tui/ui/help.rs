//! The help overlay (every key, filtered by what is typed) and the citation popup.

use super::{fit, pane, popup, visible_rows, ACCENT, DIM};
use crate::tui::input::TextInput;
use crate::tui::keymap::help_rows;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, filter: &TextInput, selected: usize) {
    let area = popup(frame, 120, 30);
    let block = pane(" 帮助 Keys · type to filter (中文 or English) · Enter runs the key · Esc closes ".into(), true);
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
    let key_w = 20;
    let zh_w = 36;
    let en_w = usize::from(list.width).saturating_sub(key_w + zh_w + 2);
    let lines = visible_rows(&rows, selected, usize::from(list.height), |b, style| {
        let scope = b.scope.label();
        let en = if scope.is_empty() { b.en.to_owned() } else { format!("[{scope}] {}", b.en) };
        Line::from(vec![
            Span::styled(format!(" {}", fit(&b.keys_label(), key_w)), style.patch(ACCENT)),
            Span::styled(format!("{} ", fit(b.zh, zh_w - 1)), style),
            Span::styled(fit(&en, en_w), style),
        ])
    });
    frame.render_widget(Paragraph::new(lines), list);
}

/// The citation that could not be copied, to select by hand; ↑/↓ scroll it.
pub fn citation(frame: &mut Frame, text: &str, scroll: u16) {
    let area = popup(frame, 100, 16);
    let block = pane(" 引用 Citation · not copied: select it by hand · ↑↓ scroll · Esc closes ".into(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(text.to_owned()).wrap(Wrap { trim: false }).scroll((scroll, 0)), inner);
}
