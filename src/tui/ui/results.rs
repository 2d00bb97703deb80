//! The results list: one row per message — date, time, group, speaker, highlighted snippet.

use super::{fit, highlighted, hits, pane, thousands, visible_rows, DIM, ERROR};
use crate::archive::time_label;
use crate::plural::{count, noun};
use crate::search::{snippet, Sort};
use crate::text::with_mention_spaces_among;
use crate::tui::app::{App, Focus, IndexStatus};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Results && app.overlay.is_none();
    let r = &app.results;
    let order = match app.sort {
        Sort::Relevance if !r.query.highlight_terms().is_empty() => "best first",
        // Discussions without words read in date order.
        Sort::Relevance if app.discussions => "oldest first",
        Sort::Relevance | Sort::Newest => "newest first",
        Sort::Oldest => "oldest first",
    };
    let title = if app.discussions {
        format!(" 讨论 Discussions · {} · {order} · m: messages ", r.discussions_total)
    } else {
        format!(" 结果 Results · {} · {order} ", hits(r.total))
    };
    let block = pane(title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if let Some(text) = empty_state(app) {
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), inner);
        return;
    }
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    if app.discussions {
        frame.render_widget(Paragraph::new(discussion_lines(app, width, height)), inner);
        return;
    }
    let group_w = r.hits.iter().map(|h| h.group.width()).max().unwrap_or(0).min(12);
    let speaker_w = (width / 6).clamp(8, 18);
    let fixed = 10 + 1 + 5 + 1 + group_w + 1 + speaker_w + 1;
    let snippet_w = width.saturating_sub(fixed).max(8);
    // The selection beyond the hits loaded (`G`): the last ones loaded, and under them the
    // selected row, saying it is on its way.
    let waiting = r.selected >= r.hits.len() && r.loading.is_some();
    let mut lines = visible_rows(&r.hits, r.selected, height - usize::from(waiting && height > 0), |h, base| {
        let dim = base.patch(DIM);
        let mut spans = vec![
            Span::styled(format!("{} {} ", h.date, &time_label(h.time)[..5]), dim),
            Span::styled(format!("{} ", fit(&h.group, group_w)), dim),
            Span::styled(format!("{} ", fit(&h.speaker, speaker_w)), base),
        ];
        if h.text.is_empty() {
            spans.push(Span::styled(
                fit(&format!("[{}] {}", h.kind.as_str(), h.urls.first().map_or("", String::as_str)), snippet_w),
                dim,
            ));
        } else {
            let (text, ranges) =
                snippet(&with_mention_spaces_among(&h.text, app.mention_names()), &h.highlights, snippet_w);
            let pad = snippet_w.saturating_sub(text.width());
            spans.extend(highlighted(&text, &ranges, base));
            spans.push(Span::styled(" ".repeat(pad), base));
        }
        Line::from(spans)
    });
    if waiting {
        let text = format!(" hit {} of {}: loading…", thousands(r.selected as u64 + 1), thousands(r.total as u64));
        lines.push(Line::styled(fit(&text, width), super::SELECTED));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Two lines a discussion: date, group, time span, `N msgs · N people`, title; under it the
/// best matching line, highlighted.
fn discussion_lines(app: &App, width: usize, height: usize) -> Vec<Line<'static>> {
    let r = &app.results;
    // The selection beyond the discussions loaded (`G`, or `j` past the last): the last ones
    // loaded, and under them the selected row, saying it is on its way.
    let waiting = r.discussion_selected >= r.discussions.len() && r.loading.is_some();
    let rows = height.saturating_sub(usize::from(waiting)) / 2;
    let top = super::list_top(r.discussion_selected, r.discussions.len(), rows.max(1));
    let mut lines = Vec::with_capacity(height);
    for (i, row) in r.discussions.iter().enumerate().skip(top).take(rows) {
        let base = if i == r.discussion_selected { super::SELECTED } else { ratatui::style::Style::new() };
        let d = &row.hit.discussion;
        let head = format!(
            "{} {} {}–{} · {} · {} · ",
            d.date,
            d.group,
            d.start_time.get(..5).unwrap_or(&d.start_time),
            d.end_time.get(..5).unwrap_or(&d.end_time),
            count(d.messages, "msg", "msgs"),
            count(row.hit.people.len(), "person", "people")
        );
        // Cut where it does not fit, visibly: clipped bare, `· 20 msgs` read `· 20 ms`.
        let head = if head.width() > width { fit(&head, width) } else { head };
        let title_w = width.saturating_sub(head.width());
        let title = fit(&d.title, title_w);
        let pad = width.saturating_sub(head.width() + title.width());
        let mut spans = vec![Span::styled(head, base.patch(DIM))];
        let marks = title_marks(&d.title, &title, &row.hit.highlights.title);
        spans.extend(highlighted(&title, &marks, base.add_modifier(ratatui::style::Modifier::BOLD)));
        spans.push(Span::styled(" ".repeat(pad), base));
        lines.push(Line::from(spans));
        let mut spans = vec![Span::styled("    ", base)];
        if let Some((text, ranges)) = &row.best {
            let (text, ranges) =
                snippet(&with_mention_spaces_among(text, app.mention_names()), ranges, width.saturating_sub(4).max(8));
            let pad = width.saturating_sub(4 + text.width());
            spans.extend(highlighted(&text, &ranges, base));
            spans.push(Span::styled(" ".repeat(pad), base));
        }
        lines.push(Line::from(spans));
    }
    if waiting {
        let (at, of) = (thousands(r.discussion_selected as u64 + 1), thousands(r.discussions_total as u64));
        lines.push(Line::styled(fit(&format!(" discussion {at} of {of}: loading…"), width), super::SELECTED));
    }
    lines
}

/// The byte ranges of `shown` (a title as [`fit`] cut it) that its highlights mark (`[start,
/// end)` in characters of the whole `title`, as the core gives them): those of the characters
/// kept, cut where the title is.
fn title_marks(title: &str, shown: &str, marks: &[[usize; 2]]) -> Vec<std::ops::Range<usize>> {
    // `fit` keeps the title's first characters one for one (a control character as a space).
    let kept = title.chars().zip(shown.chars()).take_while(|&(a, b)| a == b || a.is_control()).count();
    let within: Vec<[usize; 2]> = marks.iter().filter(|[a, _]| *a < kept).map(|&[a, b]| [a, b.min(kept)]).collect();
    crate::search::byte_ranges(shown, &within)
}

/// What the pane says instead of hits, if anything.
fn empty_state(app: &App) -> Option<Vec<Line<'static>>> {
    let r = &app.results;
    if let Some(e) = &r.error {
        return Some(vec![
            Line::styled(format!("Query error: {e}"), ERROR),
            Line::styled("Fix the query, or Ctrl-K to clear it.", DIM),
        ]);
    }
    let Some(catalog) = &app.catalog else {
        let what = match &app.index {
            IndexStatus::Failed(e) => return Some(vec![Line::styled(format!("The index cannot be used: {e}"), ERROR)]),
            IndexStatus::Updating { done, total } => {
                let logs = noun(*total, "log", "logs");
                format!("Building the index from {}: {done}/{total} {logs}…", app.archive.display())
            }
            IndexStatus::Busy => {
                "Another chatlore process is building the index; its results will show here.".to_owned()
            }
            _ => "Opening the index…".to_owned(),
        };
        return Some(vec![Line::from(what)]);
    };
    if catalog.meta.messages == 0 && r.total == 0 {
        return Some(vec![
            Line::from(format!("The archive in {} has no messages yet.", app.archive.display())),
            Line::styled("Put logs in <group>/_posts/YYYY-MM-DD-chat.markdown and press r to index them.", DIM),
        ]);
    }
    // Discussions are listed by what they hold, whatever the messages: one can hold every word
    // of a query no message holds whole (the status bar then says why there are 0 hits).
    if r.searching && app.listed() == 0 {
        return Some(vec![Line::styled("Searching…", DIM)]);
    }
    if app.listed() == 0 {
        let mut lines = vec![Line::from(match &r.why_none {
            Some(why) => format!("No messages match: {why}."),
            None if r.total > 0 => "No discussions match.".to_owned(),
            None => "No messages match.".to_owned(),
        })];
        if !app.chips.is_empty() {
            lines.push(Line::styled("Filters are active: Tab to the chips and x to remove one.", DIM));
        }
        lines.push(Line::styled("Chinese matches as a substring, Latin words whole; -word excludes.", DIM));
        return Some(lines);
    }
    None
}
