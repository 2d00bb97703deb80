//! Insights for the current query and filters: hits per month as a bar chart, top speakers,
//! top companies and the topic mix, each with its share.

use super::{fit, pane, popup, thousands, visible_rows, ACCENT, DIM};
use crate::plural::noun;
use crate::search::Facets;
use crate::tui::action::InsightSection;
use crate::tui::app::{App, FilterRow};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};
use ratatui::Frame;
use std::collections::BTreeMap;

pub fn draw(frame: &mut Frame, app: &App, section: InsightSection, selected: usize) {
    let area = popup(frame, 140, 36);
    let q = app.input.text.trim();
    let what = if q.is_empty() && app.chips.is_empty() {
        "the whole archive".to_owned()
    } else {
        format!("“{}”", describe(app))
    };
    let block = pane(format!(" 洞察 Insights · {what} · Tab section · Enter filters · Esc closes "), true);
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
    // Who knows shows the evidence of the person in focus on a line of its own.
    let evidence_rows = u16::from(!app.experts.is_empty());
    let [chart, lists, evidence] =
        Layout::vertical([Constraint::Percentage(45), Constraint::Min(6), Constraint::Length(evidence_rows)])
            .areas(inner);
    let pick = |s: InsightSection| (s == section).then_some(selected);
    let rows = |s: InsightSection| app.insight_rows(s);
    let totals = app.month_totals.as_ref().filter(|_| app.share);
    months_chart(frame, f, &rows(InsightSection::Months), totals, pick(InsightSection::Months), chart);
    let [speakers, companies, topics] =
        Layout::horizontal([Constraint::Ratio(1, 3), Constraint::Ratio(1, 3), Constraint::Ratio(1, 3)]).areas(lists);
    // With words, people rank by what they wrote about them (crate::who), each with their
    // matching messages; without, by their messages.
    let people =
        if app.experts.is_empty() { " 发言人 Top people " } else { " 谁懂 Who knows · best answers first " };
    let lists = [
        (InsightSection::Speakers, people, speakers),
        (InsightSection::Companies, " 公司 Top companies ", companies),
        (InsightSection::Topics, " 话题 Topic mix ", topics),
    ];
    for (s, title, area) in lists {
        ranking(frame, title, &rows(s), f.total, pick(s), area);
    }
    let people = rows(InsightSection::Speakers);
    let focus = pick(InsightSection::Speakers).unwrap_or(0);
    if let Some(r) = people.get(focus).filter(|r| !r.detail.is_empty()) {
        let line = format!(" 证据 Evidence · {}: {}", r.label, r.detail);
        frame.render_widget(Paragraph::new(Line::styled(fit(&line, usize::from(evidence.width)), DIM)), evidence);
    }
}

fn describe(app: &App) -> String {
    let mut parts = vec![app.input.text.trim().to_owned()];
    parts.extend(app.chips.iter().map(ToString::to_string));
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// Hits per month, or with `totals` (`%`) hits as a share of each month's messages; the
/// selected month (when the section has the keyboard) stands out and is kept in view.
fn months_chart(
    frame: &mut Frame,
    f: &Facets,
    series: &[FilterRow],
    totals: Option<&BTreeMap<String, u64>>,
    selected: Option<usize>,
    area: Rect,
) {
    let span = match (f.months.keys().next(), f.months.keys().next_back()) {
        (Some(a), Some(b)) if a != b => format!(" · {a} … {b}"),
        (Some(a), _) => format!(" · {a}"),
        _ => String::new(),
    };
    let what = if totals.is_some() { "share of each month's messages, % toggles" } else { "% shows shares" };
    let block = Block::bordered().border_style(if selected.is_some() { ACCENT } else { DIM }).title(format!(
        " 每月 Hits per month · {} {}{span} · {what} ",
        thousands(f.total),
        noun(f.total, "hit", "hits")
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // As many of the latest months as fit, bars as wide as the room allows (3 to 6 columns).
    let months: Vec<(&String, &u64)> = series.iter().map(|r| (&r.label, &r.count)).collect();
    let bar_w = (usize::from(inner.width) / months.len().max(1)).saturating_sub(1).clamp(3, 6);
    let fits = (usize::from(inner.width) / (bar_w + 1)).max(1);
    let start = months.len().saturating_sub(fits).min(selected.unwrap_or(usize::MAX));
    let shown = &months[start..(start + fits).min(months.len())];
    // Labels are months (`08`), with the year where it changes (`17-08` needs 5 columns).
    let bars: Vec<Bar> = shown
        .iter()
        .enumerate()
        .map(|(i, (m, n))| {
            let new_year = i == 0 || shown[i - 1].0[..4] != m[..4];
            let label = if new_year && bar_w >= 5 { m[2..].to_owned() } else { m[5..].to_owned() };
            let mut bar = Bar::default().label(Line::from(label));
            if selected == Some(start + i) {
                bar = bar.style(Style::new().fg(Color::Yellow));
            }
            match totals.map(|t| t.get(m.as_str()).copied().unwrap_or(0)) {
                // Basis points for the height; whole percent (or <1%) written on the bar.
                Some(all) => {
                    let bp = **n * 10_000 / all.max(1);
                    let text = if bp > 0 && bp < 100 { "<1%".to_owned() } else { format!("{}%", bp / 100) };
                    bar.value(bp).text_value(text)
                }
                None => bar.value(**n).text_value(compact(**n)),
            }
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

fn ranking(frame: &mut Frame, title: &str, rows: &[FilterRow], total: u64, selected: Option<usize>, area: Rect) {
    let block = Block::bordered().border_style(if selected.is_some() { ACCENT } else { DIM }).title(title.to_owned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    // Narrow columns keep the names readable: a shorter bar and no percentage.
    let wide = width >= 34;
    let bar_w = if wide { 8 } else { 4 };
    let label_w = width.saturating_sub(bar_w + if wide { 14 } else { 9 }).max(4);
    // Who knows is ranked by evidence, not count: the bars scale to the largest count.
    let peak = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
    let lines = visible_rows(rows, selected.unwrap_or(0), usize::from(inner.height), |r, base| {
        let base = if selected.is_some() { base } else { Style::new() };
        let n = r.count;
        let bar = "█".repeat(((n * bar_w as u64).div_ceil(peak)) as usize);
        let mut spans = vec![
            Span::styled(format!(" {} ", fit(&r.label, label_w)), base),
            Span::styled(format!("{bar:<bar_w$}"), base.fg(Color::Cyan)),
            Span::styled(format!("{:>6} ", thousands(n)), base.patch(ACCENT)),
        ];
        if wide {
            spans.push(Span::styled(format!("{:>3}%", n * 100 / total.max(1)), base.patch(DIM)));
        }
        Line::from(spans)
    });
    frame.render_widget(Paragraph::new(lines), inner);
}
