//! The filter pane: tabs for dates, speakers, topics and groups, each a list with live counts
//! for the current query, narrowed by typing; Enter adds the selected one as a chip.

use super::{fit, pane, popup, thousands, visible_rows, ACCENT, DIM};
use crate::query::Filter;
use crate::tui::action::FilterTab;
use crate::tui::app::App;
use crate::tui::input::TextInput;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, tab: FilterTab, input: &TextInput, selected: usize, marked: &[Filter]) {
    let area = popup(frame, 100, 32);
    let title = if marked.is_empty() {
        " 筛选 Filters · Tab switches · Space marks · Enter adds · Esc closes ".to_owned()
    } else {
        format!(" 筛选 Filters · {} marked · Enter adds them (any of them) · Esc closes ", marked.len())
    };
    let block = pane(title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [tabs_area, input_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(2), Constraint::Min(1)]).areas(inner);
    let titles: Vec<&str> = FilterTab::ALL.iter().map(|t| t.title()).collect();
    let index = FilterTab::ALL.iter().position(|t| *t == tab).unwrap_or(0);
    frame.render_widget(
        Tabs::new(titles).select(index).highlight_style(ACCENT.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
        tabs_area,
    );
    let hint = match tab {
        FilterTab::Dates => "type 2017-08, 2017-08-01..2017-09-30 or 2017..2018, or pick a month",
        FilterTab::Speakers => "type part of a name, nickname or company (fuzzy)",
        FilterTab::Topics => "type to narrow the topics",
        FilterTab::Groups => "type to narrow the groups",
        FilterTab::Companies => "type part of a company (parsed from nicknames)",
    };
    let prompt = if input.text.is_empty() {
        Line::from(vec![Span::styled(" › ", ACCENT), Span::styled(hint, DIM)])
    } else {
        Line::from(vec![Span::styled(" › ", ACCENT), Span::raw(input.text.clone())])
    };
    // What the last key did here (Enter on nothing, a date that does not parse): in the pane,
    // which can cover the status bar.
    let note = app
        .note
        .as_deref()
        .map_or_else(Line::default, |n| Line::styled(format!("   {n}"), Style::new().fg(Color::Green)));
    frame.render_widget(Paragraph::new(vec![prompt, note]), input_area);

    let rows = app.filter_rows(tab, &input.text);
    if rows.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled(" nothing matches", DIM)), list_area);
        return;
    }
    let width = usize::from(list_area.width);
    let label_w = (width * 2 / 5).max(12);
    let count_w = 8;
    let detail_w = width.saturating_sub(label_w + count_w + 4);
    let lines = visible_rows(&rows, selected, usize::from(list_area.height), |r, style| {
        let mark = if marked.contains(&r.filter) { "✓ " } else { "  " };
        Line::from(vec![
            Span::styled(mark, style.patch(ACCENT)),
            Span::styled(format!("{} ", fit(&r.label, label_w)), style),
            Span::styled(fit(&r.detail, detail_w), style.patch(DIM)),
            Span::styled(format!("{:>count_w$} ", thousands(r.count)), style.patch(ACCENT)),
        ])
    });
    frame.render_widget(Paragraph::new(lines), list_area);
}
