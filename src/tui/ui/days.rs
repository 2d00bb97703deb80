//! The day view: every day of every group (under the active filters) with its message count;
//! under the list, the selected day's discussions by title; Enter opens the day to read it
//! start to end.

use super::{bar, fit, pane, popup, thousands, visible_rows, ACCENT, DIM};
use crate::plural::{count, noun};
use crate::tui::action::DayRow;
use crate::tui::app::App;
use crate::tui::app::Overlay;
use crate::tui::layout::{day_list_rows, DAYS_POPUP};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App) {
    let Some(Overlay::Days { selected, rows, typed, loading, titles }) = &app.overlay else { return };
    let (selected, typed) = (*selected, typed.as_str());
    let area = popup(frame, DAYS_POPUP.0, DAYS_POPUP.1);
    let jump = if typed.is_empty() { "type a date to jump".to_owned() } else { format!("jump › {typed}") };
    // A row is one log: several groups may have spoken on one date.
    let dates = rows.iter().map(|r| &r.date).collect::<std::collections::BTreeSet<_>>().len();
    // Logs with messages (under the filters): a log of a day nobody spoke is not listed, and the
    // status bar's count of logs includes it.
    let logs = count(rows.len(), "log", "logs");
    let title = format!(" 日历 Days · {logs} with msgs on {} · {jump} · Enter opens ", count(dates, "day", "days"));
    let block = pane(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        let text = if *loading { " listing the days…" } else { " no days under these filters" };
        frame.render_widget(Paragraph::new(Line::styled(text, DIM)), inner);
        return;
    }
    let names = app.catalog.as_ref().map(|k| k.meta.groups.clone()).unwrap_or_default();
    let peak = rows.iter().map(|r| r.messages).max().unwrap_or(1).max(1);
    let list_h = day_list_rows(app.size.1).min(usize::from(inner.height));
    // A log dated like another of its group (its front matter says another day than its
    // file name, say) is told apart by its file.
    let shared = |r: &DayRow| rows.iter().filter(|o| o.group == r.group && o.date == r.date).nth(1).is_some();
    let lines = visible_rows(rows, selected, list_h, |r, style| {
        let bar = fit(&bar(r.messages, peak, 20), 20);
        let name = if shared(r) {
            r.path.rsplit('/').next().unwrap_or(&r.path).to_owned()
        } else {
            names.get(&r.group).cloned().unwrap_or_default()
        };
        Line::from(vec![
            Span::styled(format!(" {}  ", r.date), style),
            Span::styled(format!("{:<12} ", r.group), style.patch(ACCENT)),
            Span::styled(format!("{:>6} ", thousands(r.messages)), style),
            Span::styled(format!("{bar} "), style.patch(DIM)),
            Span::styled(name, style.patch(DIM)),
        ])
    });
    frame.render_widget(Paragraph::new(lines), inner);
    let below = usize::from(inner.height).saturating_sub(list_h);
    let Some(row) = rows.get(selected).filter(|_| below > 1) else { return };
    let width = usize::from(inner.width);
    let Some((_, discussions)) = titles.as_ref().filter(|(path, _)| *path == row.path) else {
        let area = Rect { y: inner.y + list_h as u16, height: below as u16, ..inner };
        frame.render_widget(Paragraph::new(Line::styled(fit(" ── …", width), DIM)), area);
        return;
    };
    let mut titles = vec![Line::styled(
        fit(&format!(" ── {} {} · {} ", row.date, row.group, count(discussions.len(), "span", "spans")), width),
        DIM,
    )];
    for d in discussions.iter().take(below - 1) {
        let msgs = noun(d.messages, "msg", "msgs");
        let head = format!(" {}–{} {:>3} {msgs:<4}  ", short(&d.start_time), short(&d.end_time), d.messages);
        let title = if d.kind == crate::discussions::SpanKind::Chatter { "（闲聊 chatter）" } else { &d.title };
        titles.push(Line::from(vec![
            Span::styled(head.clone(), DIM),
            Span::raw(fit(title, width.saturating_sub(unicode_width::UnicodeWidthStr::width(head.as_str())))),
        ]));
    }
    let area = Rect { y: inner.y + list_h as u16, height: below as u16, ..inner };
    frame.render_widget(Paragraph::new(titles), area);
}

/// `HH:MM` of an `HH:MM:SS` time.
fn short(t: &str) -> &str {
    t.get(..5).unwrap_or(t)
}
