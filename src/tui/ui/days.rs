//! The day view: every day of every group (under the active filters) with its message count;
//! Enter opens the day to read it start to end.

use super::{bar, fit, pane, popup, thousands, visible_rows, ACCENT, DIM};
use crate::tui::app::{App, DayRow};
use crate::tui::layout::DAYS_POPUP;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, rows: &[DayRow], selected: usize, typed: &str) {
    let area = popup(frame, DAYS_POPUP.0, DAYS_POPUP.1);
    let jump = if typed.is_empty() { "type a date to jump".to_owned() } else { format!("jump › {typed}") };
    let title = format!(" 日历 Days · {} days · {jump} · Enter opens · Esc closes ", rows.len());
    let block = pane(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled(" no days under these filters", DIM)), inner);
        return;
    }
    let names = app.engine.as_ref().map(|e| e.handle().meta.groups.clone()).unwrap_or_default();
    let peak = rows.iter().map(|r| r.messages).max().unwrap_or(1).max(1);
    let lines = visible_rows(rows, selected, usize::from(inner.height), |r, style| {
        let bar = fit(&bar(r.messages, peak, 20), 20);
        Line::from(vec![
            Span::styled(format!(" {}  ", r.date), style),
            Span::styled(format!("{:<12} ", r.group), style.patch(ACCENT)),
            Span::styled(format!("{:>6} ", thousands(r.messages)), style),
            Span::styled(format!("{bar} "), style.patch(DIM)),
            Span::styled(names.get(&r.group).cloned().unwrap_or_default(), style.patch(DIM)),
        ])
    });
    frame.render_widget(Paragraph::new(lines), inner);
}
