//! Saved searches: the list (`B`: Enter runs one, `x` deletes it) and the prompt that names
//! the search being saved (`b`).

use super::{fit, pane, popup, visible_rows, ACCENT, DIM};
use crate::tui::app::App;
use crate::tui::input::TextInput;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, selected: usize) {
    let area = popup(frame, 90, 20);
    let block = pane(" 收藏 Saved searches · Enter runs · x deletes · Esc closes ".into(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.saved.is_empty() {
        let text = " none yet: b saves the search you are looking at";
        frame.render_widget(Paragraph::new(Line::styled(text, DIM)), inner);
        return;
    }
    let width = usize::from(inner.width);
    let name_w = (width / 3).max(10);
    let lines = visible_rows(&app.saved, selected, usize::from(inner.height), |s, style| {
        let mut what = vec![s.query.clone()];
        what.extend(s.filters.iter().cloned());
        what.retain(|w| !w.is_empty());
        Line::from(vec![
            Span::styled(format!(" {} ", fit(&s.name, name_w)), style.patch(ACCENT)),
            Span::styled(fit(&what.join(" "), width.saturating_sub(name_w + 2)), style),
        ])
    });
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn prompt(frame: &mut Frame, name: &TextInput) {
    let area = popup(frame, 70, 3);
    let block = pane(" 收藏 Save the search as · Enter saves · Esc cancels ".into(), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let line = Line::from(vec![Span::styled(" name › ", ACCENT), Span::raw(name.text.clone())]);
    frame.render_widget(Paragraph::new(line), inner);
}
