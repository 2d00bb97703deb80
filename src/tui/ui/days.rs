//! The day view: every day of every group (under the active filters) with its message count;
//! Enter opens the day to read it start to end.

use super::{pane, popup, thousands, visible_rows, ACCENT, DIM};
use crate::tui::app::{App, DayRow};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, rows: &[DayRow], selected: usize) {
    let area = popup(frame, 80, 30);
    let title = format!(" 日历 Days · {} days · Enter opens · Esc closes ", rows.len());
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
        let bar = "▇".repeat(((r.messages * 20).div_ceil(peak)) as usize);
        Line::from(vec![
            Span::styled(format!(" {}  ", r.date), style),
            Span::styled(format!("{:<12} ", r.group), style.patch(ACCENT)),
            Span::styled(format!("{:>6} ", thousands(r.messages)), style),
            Span::styled(format!("{bar:<20} "), style.patch(DIM)),
            Span::styled(names.get(&r.group).cloned().unwrap_or_default(), style.patch(DIM)),
        ])
    });
    frame.render_widget(Paragraph::new(lines), inner);
}
