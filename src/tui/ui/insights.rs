//! Insights for the current query and filters: hits per month as a bar chart, top speakers,
//! top companies and the topic mix, each with its share.

use super::{fit, pane, popup, thousands, ACCENT, DIM};
use crate::search::Facets;
use crate::tui::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = popup(frame, 140, 36);
    let q = app.input.text.trim();
    let what = if q.is_empty() && app.chips.is_empty() {
        "the whole archive".to_owned()
    } else {
        format!("“{}”", describe(app))
    };
    let block = pane(format!(" 洞察 Insights · {what} · Esc closes "), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(f) = &app.facets else {
        frame.render_widget(
            Paragraph::new(Line::styled(" no counts: the index is not open or the query is malformed", DIM)),
            inner,
        );
        return;
    };
    if f.total == 0 {
        frame.render_widget(
            Paragraph::new(Line::styled(" no messages match, so there is nothing to count", DIM)),
            inner,
        );
        return;
    }
    let [chart, lists] = Layout::vertical([Constraint::Percentage(45), Constraint::Min(6)]).areas(inner);
    months_chart(frame, f, chart);
    let [speakers, companies, topics] =
        Layout::horizontal([Constraint::Ratio(1, 3), Constraint::Ratio(1, 3), Constraint::Ratio(1, 3)]).areas(lists);
    let top_speakers: Vec<(String, u64)> =
        Facets::top(&f.speakers, 30).into_iter().map(|(s, n)| (s.to_owned(), n)).collect();
    ranking(frame, " 发言人 Top speakers ", &top_speakers, f.total, speakers);
    ranking(frame, " 公司 Top companies ", &app.companies(), f.total, companies);
    let labels = app.engine.as_ref().map(|e| e.handle().meta.topics.clone()).unwrap_or_default();
    let mut mix: Vec<(String, u64)> = labels
        .iter()
        .map(|t| (t.zh.clone(), f.topics.get(&t.id).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    mix.sort_by_key(|m| std::cmp::Reverse(m.1));
    ranking(frame, " 话题 Topic mix ", &mix, f.total, topics);
}

fn describe(app: &App) -> String {
    let mut parts = vec![app.input.text.trim().to_owned()];
    parts.extend(app.chips.iter().map(ToString::to_string));
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

fn months_chart(frame: &mut Frame, f: &Facets, area: Rect) {
    let span = match (f.months.keys().next(), f.months.keys().next_back()) {
        (Some(a), Some(b)) if a != b => format!(" · {a} … {b}"),
        (Some(a), _) => format!(" · {a}"),
        _ => String::new(),
    };
    let block =
        Block::bordered().border_style(DIM).title(format!(" 每月 Hits per month · {} hits{span} ", thousands(f.total)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // As many of the latest months as fit, bars as wide as the room allows (3 to 6 columns).
    let months: Vec<(&String, &u64)> = f.months.iter().collect();
    let bar_w = (usize::from(inner.width) / months.len().max(1)).saturating_sub(1).clamp(3, 6);
    let fits = (usize::from(inner.width) / (bar_w + 1)).max(1);
    let shown = &months[months.len().saturating_sub(fits)..];
    // Labels are months (`08`), with the year where it changes (`17-08` needs 5 columns).
    let bars: Vec<Bar> = shown
        .iter()
        .enumerate()
        .map(|(i, (m, n))| {
            let new_year = i == 0 || shown[i - 1].0[..4] != m[..4];
            let label = if new_year && bar_w >= 5 { m[2..].to_owned() } else { m[5..].to_owned() };
            Bar::default().value(**n).label(Line::from(label)).text_value(compact(**n))
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_w as u16)
        .bar_gap(1)
        .bar_style(Style::new().fg(Color::Cyan))
        .value_style(Style::new().fg(Color::Black).bg(Color::Cyan));
    frame.render_widget(chart, inner);
}

/// `1234` → `1.2k`: bar values must fit three columns.
fn compact(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => format!("{:.0}k", n as f64 / 1000.0),
        _ => format!("{}k", n / 1000),
    }
}

fn ranking(frame: &mut Frame, title: &str, rows: &[(String, u64)], total: u64, area: Rect) {
    let block = Block::bordered().border_style(DIM).title(title.to_owned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    // Narrow columns keep the names readable: a shorter bar and no percentage.
    let wide = width >= 34;
    let bar_w = if wide { 8 } else { 4 };
    let label_w = width.saturating_sub(bar_w + if wide { 14 } else { 9 }).max(4);
    let peak = rows.first().map_or(1, |r| r.1).max(1);
    let lines: Vec<Line> = rows
        .iter()
        .take(usize::from(inner.height))
        .map(|(label, n)| {
            let bar = "█".repeat(((n * bar_w as u64).div_ceil(peak)) as usize);
            let mut spans = vec![
                Span::raw(format!(" {} ", fit(label, label_w))),
                Span::styled(format!("{bar:<bar_w$}"), Style::new().fg(Color::Cyan)),
                Span::styled(format!("{:>6} ", thousands(*n)), ACCENT),
            ];
            if wide {
                spans.push(Span::styled(format!("{:>3}%", n * 100 / total.max(1)), DIM));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
