//! The status bar: the exact hit count and query time on the left, the index state (with a
//! gauge while indexing) and the last note on the right.

use super::{fit, hits, thousands, DIM, ERROR};
use crate::plural::noun;
use crate::tui::app::{App, IndexStatus};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

/// Columns the index state takes at most.
const RIGHT: u16 = 38;
/// Columns the left side keeps however narrow the terminal.
const LEFT: u16 = 20;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let right_text = index_text(app);
    // An index error takes what it needs (its file and what to do are the point of it); the
    // usual state at most RIGHT columns.
    let most = if matches!(app.index, IndexStatus::Failed(_)) { u16::MAX } else { RIGHT };
    let want = right_text.as_ref().map_or(RIGHT, |(t, _)| (t.width() as u16).min(most));
    // A column between the two sides, so that they never run together.
    let width = want.min(area.width.saturating_sub(LEFT + 1));
    let [left, _, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(1), Constraint::Length(width)]).areas(area);
    let r = &app.results;
    let mut spans = vec![];
    // A note (what the last key did: "added from:=…", "saved as …") goes beside the state of
    // the results, never in its place: the count after a chip was added is the news.
    let note = app.note.as_ref().map(|note| Span::styled(format!(" · {note}"), Style::new().fg(Color::Green)));
    if let Some(alert) = &app.alert {
        spans.push(Span::styled(format!(" {alert}"), ERROR));
    } else if r.error.is_some() {
        // Not "malformed query": `group:nope` or `from:陈墨` parse, and name nothing.
        spans.push(Span::styled(" query error (see the results pane)", ERROR));
        spans.extend(note);
    } else if app.catalog.is_none() {
        spans.push(Span::styled(" chatlore", DIM));
        spans.push(note.unwrap_or_else(|| Span::styled(" · ? keys", DIM)));
    } else if let Some(to) = r.loading {
        // `G` on a large result: the pages down to it take a moment.
        spans.push(Span::raw(format!(" {}", hits(r.total))));
        let (what, loaded) =
            if app.discussions { ("discussions", r.discussions.len()) } else { ("hits", r.hits.len()) };
        let (from, to) = (thousands(loaded as u64 + 1), thousands(to as u64 + 1));
        spans.push(Span::styled(format!(" · loading {what} {from}–{to}…"), DIM));
        spans.extend(note);
    } else if r.searching {
        spans.push(Span::styled(" searching…", DIM));
        spans.extend(note);
    } else {
        spans.push(Span::raw(format!(" {}", hits(r.total))));
        // Discussions listed under 0 hits: why no message matches, as a remark on the count.
        if let Some(why) = r.why_none.as_ref().filter(|_| app.listed() > 0) {
            spans.push(Span::styled(format!(": {why}"), DIM));
        }
        let keys = note.is_none();
        // The time in a fixed width: what follows it does not shift as the time gains a digit
        // (nor does a narrow bar cut it one character sooner).
        spans.push(
            note.unwrap_or_else(|| Span::styled(format!(" · {:>6.2} ms", r.elapsed.as_secs_f64() * 1000.0), DIM)),
        );
        if keys {
            spans.push(Span::styled(" · ? keys", DIM));
        }
        // What the glossary added, as the CLI says it on stderr (`=term`: only as typed); last,
        // so that a narrow bar cuts it rather than the count.
        if !r.also.is_empty() {
            let room = usize::from(left.width).saturating_sub(spans.iter().map(|s| s.content.width()).sum());
            spans.push(Span::styled(
                format!(" · {}", added(&r.also, room.saturating_sub(3))),
                Style::new().fg(Color::Cyan),
            ));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(cut(spans, usize::from(left.width)))), left);

    match (&app.index, right_text) {
        (IndexStatus::Updating { done, total }, _) => {
            let ratio = if *total == 0 { 0.0 } else { (*done as f64 / *total as f64).clamp(0.0, 1.0) };
            let gauge = LineGauge::default()
                .ratio(ratio)
                .label(format!("indexing {done}/{total}"))
                .filled_style(Style::new().fg(Color::Cyan))
                .unfilled_style(DIM);
            frame.render_widget(gauge, right);
        }
        (_, Some((text, style))) => {
            let text = fit(&text, usize::from(right.width));
            frame.render_widget(Paragraph::new(Line::styled(text.trim_end().to_owned(), style)).right_aligned(), right);
        }
        (_, None) => {}
    }
}

/// The index state as text, or `None` while indexing (a gauge is drawn).
fn index_text(app: &App) -> Option<(String, Style)> {
    Some(match &app.index {
        IndexStatus::Opening => ("opening the index…".to_owned(), DIM),
        IndexStatus::Checking => ("checking the archive…".to_owned(), DIM),
        IndexStatus::Ready => {
            let m = app.catalog.as_ref().map(|k| (k.meta.files, k.meta.messages));
            let (files, messages) = m.unwrap_or_default();
            let (logs, msgs) = (noun(files, "log", "logs"), noun(messages, "msg", "msgs"));
            (format!("index ✓ {files} {logs} · {} {msgs}", thousands(messages)), DIM)
        }
        IndexStatus::Busy => ("another chatlore is indexing…".to_owned(), Style::new().fg(Color::Yellow)),
        IndexStatus::Failed(e) => (format!("index error: {e}"), ERROR),
        IndexStatus::Updating { .. } => return None,
    })
}

/// `spans` within `width` columns, the last one kept cut with `…`.
/// What the glossary added, in `room` columns: each term's forms grouped as the CLI says them
/// ([`crate::query::Expansion::groups`]), as many whole groups as fit, then how many forms are
/// left out (`二类户: also II类(账)户, 2类(账)户, +13 more`) rather than a form cut in the middle;
/// every form when there is room. Room is kept for each later term's name, first group and
/// count (`二类户 拒付`: `…, +12 more; 拒付: also 调单, +4 more`, not `…, +12 more; 拒…`).
fn added(also: &[crate::query::Expansion], room: usize) -> String {
    let groups: Vec<Vec<(String, usize)>> = also.iter().map(crate::query::Expansion::groups).collect();
    // The least each term is shown as: its name, its first group, how many forms are left.
    let least: Vec<usize> = also
        .iter()
        .zip(&groups)
        .enumerate()
        .map(|(k, (e, g))| {
            let first = g.first().map_or(0, |(group, forms)| {
                let left = e.forms.len() - forms;
                group.width() + if left > 0 { format!(", +{left} more").width() } else { 0 }
            });
            let sep = if k > 0 { "; ".width() } else { 0 };
            sep + e.named.width() + ": also ".width() + first
        })
        .collect();
    let mut out = String::new();
    for (k, (e, groups)) in also.iter().zip(&groups).enumerate() {
        if k > 0 {
            out.push_str("; ");
        }
        out.push_str(&e.named);
        out.push_str(": also ");
        let later: usize = least[k + 1..].iter().sum();
        let mut left: usize = e.forms.len();
        for (n, (group, forms)) in groups.iter().enumerate() {
            let sep = if n > 0 { ", " } else { "" };
            // Room for this group and, unless it is the last one everywhere, the count after it.
            let last = n + 1 == groups.len() && k + 1 == also.len();
            let more = if last { 0 } else { format!(", +{} more", left - forms).width() };
            if out.width() + sep.width() + group.width() + more + later > room && n > 0 {
                out.push_str(&format!(", +{left} more"));
                break;
            }
            out.push_str(sep);
            out.push_str(group);
            left -= forms;
        }
    }
    out
}

fn cut(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    for span in spans {
        let w = span.content.width();
        if used + w <= width {
            used += w;
            out.push(span);
        } else {
            let text = fit(&span.content, width - used);
            out.push(Span::styled(text, span.style));
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Expansion;

    /// Two expanded terms in a narrow bar: each shows whole groups and how many more, within
    /// the room; the second is not cut. On main the first took the room and the second was cut
    /// by the bar (`…, +12 more; 拒…`).
    #[test]
    fn every_expanded_term_keeps_its_name_and_whole_groups() {
        let g = crate::glossary::Glossary::builtin();
        let also: Vec<Expansion> =
            ["二类户", "拒付"].iter().map(|t| Expansion { named: (*t).into(), forms: g.expand(t) }).collect();
        for room in [60, 80, 100] {
            let shown = added(&also, room);
            assert!(shown.width() <= room, "{room}: {shown:?} is {} wide", shown.width());
            let (first, second) = shown.split_once("; ").unwrap_or_else(|| panic!("{room}: {shown:?}"));
            assert!(first.starts_with("二类户: also II类(账)户") && first.ends_with(" more"), "{room}: {shown:?}");
            assert!(second.starts_with("拒付: also 调单"), "{room}: {shown:?}");
        }
        // With room for everything, everything.
        let every = added(&also, 1000);
        assert!(!every.contains(" more"), "{every}");
    }
}
