//! The status bar: the exact hit count and query time on the left, the index state (with a
//! gauge while indexing) and the last note on the right.

use super::{hits, thousands, DIM, ERROR};
use crate::tui::app::{App, IndexStatus};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let [left, right] = Layout::horizontal([Constraint::Min(20), Constraint::Length(38)]).areas(area);
    let r = &app.results;
    let mut spans = vec![];
    if let Some(alert) = &app.alert {
        spans.push(Span::styled(format!(" {alert}"), ERROR));
    } else if let Some(note) = &app.note {
        spans.push(Span::styled(format!(" {note}"), Style::new().fg(Color::Green)));
    } else if r.error.is_some() {
        spans.push(Span::styled(" malformed query", ERROR));
    } else if app.catalog.is_none() {
        spans.push(Span::styled(" chatlore · ? keys", DIM));
    } else if r.searching {
        spans.push(Span::styled(" searching…", DIM));
    } else {
        spans.push(Span::raw(format!(" {}", hits(r.total))));
        spans.push(Span::styled(format!(" · {:.2} ms", r.elapsed.as_secs_f64() * 1000.0), DIM));
        spans.push(Span::styled(" · ? keys", DIM));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), left);

    match &app.index {
        IndexStatus::Updating { done, total } => {
            let ratio = if *total == 0 { 0.0 } else { (*done as f64 / *total as f64).clamp(0.0, 1.0) };
            let gauge = LineGauge::default()
                .ratio(ratio)
                .label(format!("indexing {done}/{total}"))
                .filled_style(Style::new().fg(Color::Cyan))
                .unfilled_style(DIM);
            frame.render_widget(gauge, right);
        }
        state => {
            let (text, style) = match state {
                IndexStatus::Opening => ("opening the index…".to_owned(), DIM),
                IndexStatus::Checking => ("checking the archive…".to_owned(), DIM),
                IndexStatus::Ready => {
                    let m = app.catalog.as_ref().map(|k| (k.meta.files, k.meta.messages));
                    let (files, messages) = m.unwrap_or_default();
                    (format!("index ✓ {files} logs · {} msgs", thousands(messages)), DIM)
                }
                IndexStatus::Busy => ("another chatlore is indexing…".to_owned(), Style::new().fg(Color::Yellow)),
                IndexStatus::Failed(e) => (format!("index error: {e}"), ERROR),
                IndexStatus::Updating { .. } => unreachable!("drawn above"),
            };
            frame.render_widget(Paragraph::new(Line::styled(text, style)).right_aligned(), right);
        }
    }
}
