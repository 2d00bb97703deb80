//! Keys → actions, by context. Vim keys and arrows both work. [`BINDINGS`] is what the help
//! overlay lists; a test checks that each binding listed there does what it says.

use super::action::{Action, FilterTab};
use super::app::{App, Focus};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// (keys, what they do) as the help overlay shows them.
pub const BINDINGS: &[(&str, &str)] = &[
    ("/", "focus the search box"),
    ("Esc", "leave the search box, close an overlay, back from the conversation"),
    ("Enter", "open the hit in its day's conversation; apply a filter; open a day"),
    ("Tab / Shift-Tab", "cycle panes: search, results, conversation, filter chips (tabs in the filter pane)"),
    ("j k / ↓ ↑", "move the selection, scroll the conversation"),
    ("PgDn PgUp / Ctrl-d Ctrl-u", "page down / up"),
    ("g / G", "first / last"),
    ("n / N", "next / previous match of the query in the conversation"),
    ("f", "filters: dates, speakers, topics, groups with live counts"),
    ("s", "filter by speaker (fuzzy search)"),
    ("t", "filter by topic"),
    ("d", "filter by date (type 2017-08 or a range, or pick a month)"),
    ("x / Delete", "remove the selected filter chip (chips pane); Backspace on an empty search box removes the last"),
    ("D", "day view: every day of every group, to read start to end"),
    ("i", "insights: hits per month, top speakers and companies, topic mix"),
    ("o", "order: relevance or newest first"),
    ("r", "reindex: pick up new, changed and removed logs"),
    ("y", "copy a citation (date · group · speaker · text)"),
    ("?", "this help; type to filter it"),
    ("q", "quit (outside the search box)"),
    ("Ctrl-C", "quit anywhere"),
    ("Ctrl-K / Ctrl-W", "clear the input / delete a word"),
];

/// The help rows whose keys or description contain `filter` (case-insensitive).
pub fn help_rows(filter: &str) -> Vec<(&'static str, &'static str)> {
    let f = filter.to_lowercase();
    BINDINGS.iter().copied().filter(|(k, d)| k.to_lowercase().contains(&f) || d.to_lowercase().contains(&f)).collect()
}

/// The action for a key in the app's current context.
pub fn action(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    if let Some(a) = common(key.code, ctrl) {
        return Some(a);
    }
    if app.typing() {
        return editing(key.code, ctrl);
    }
    let in_chips = app.overlay.is_none() && app.focus == Focus::Chips;
    let in_overlay = app.overlay.is_some();
    Some(match key.code {
        KeyCode::Char('/') if !in_overlay => Action::FocusSearch,
        KeyCode::Char('j') => Action::Down,
        KeyCode::Char('k') => Action::Up,
        KeyCode::Char('h') if in_chips => Action::Up,
        KeyCode::Char('l') if in_chips => Action::Down,
        KeyCode::Left if in_chips => Action::Up,
        KeyCode::Right if in_chips => Action::Down,
        KeyCode::Char('g') | KeyCode::Home => Action::First,
        KeyCode::Char('G') | KeyCode::End => Action::Last,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('f') => Action::OpenFilters(None),
        KeyCode::Char('s') => Action::OpenFilters(Some(FilterTab::Speakers)),
        KeyCode::Char('t') => Action::OpenFilters(Some(FilterTab::Topics)),
        KeyCode::Char('d') => Action::OpenFilters(Some(FilterTab::Dates)),
        KeyCode::Char('D') => Action::OpenDays,
        KeyCode::Char('i') => Action::OpenInsights,
        KeyCode::Char('o') => Action::ToggleSort,
        KeyCode::Char('r') => Action::Reindex,
        KeyCode::Char('y') => Action::Copy,
        KeyCode::Char('?') => Action::OpenHelp,
        KeyCode::Char('x') | KeyCode::Delete if in_chips => Action::RemoveChip,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Char('q') if in_overlay => Action::Back,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

/// Keys that mean the same everywhere.
fn common(code: KeyCode, ctrl: bool) -> Option<Action> {
    Some(match code {
        KeyCode::Esc => Action::Back,
        KeyCode::Enter => Action::Enter,
        KeyCode::Tab => Action::NextPane,
        KeyCode::BackTab => Action::PrevPane,
        KeyCode::Down => Action::Down,
        KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::Char('n') if ctrl => Action::Down,
        KeyCode::Char('p') if ctrl => Action::Up,
        _ => return None,
    })
}

/// Keys while an input has the keyboard.
fn editing(code: KeyCode, ctrl: bool) -> Option<Action> {
    Some(match code {
        KeyCode::Char('w') if ctrl => Action::DeleteWord,
        KeyCode::Char('a') if ctrl => Action::CursorHome,
        KeyCode::Char('e') if ctrl => Action::CursorEnd,
        KeyCode::Char('k') if ctrl => Action::ClearInput,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => Action::Input(c),
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Left => Action::CursorLeft,
        KeyCode::Right => Action::CursorRight,
        KeyCode::Home => Action::CursorHome,
        KeyCode::End => Action::CursorEnd,
        _ => return None,
    })
}
