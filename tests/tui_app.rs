//! The browser's `App::update`, driven by sequences of actions and keys (no sleeps), on a real
//! index of the demo archive.

mod common;

use chatlore::tui::action::{Action, FilterTab, IndexEvent};
use chatlore::tui::app::{App, Effect, Focus, IndexStatus, Overlay};
use chatlore::tui::{dispatch, keymap};
use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

/// A browser whose start-up check of the archive has run (as the worker would report it).
fn app_on(archive: &Path, index_dir: &Path, size: (u16, u16)) -> App {
    index(archive, index_dir);
    let mut app = App::new(archive.to_owned(), index_dir.to_owned(), size);
    app.start();
    assert_eq!(app.take_effects(), vec![Effect::StartIndex], "the archive is checked on start");
    assert_eq!(app.index, IndexStatus::Checking);
    app.update(Action::Index(IndexEvent::Finished(Box::new(index(archive, index_dir)))));
    assert_eq!(app.index, IndexStatus::Ready);
    app
}

fn demo_app(dir: &tempfile::TempDir) -> App {
    app_on(&demo_archive(), dir.path(), (100, 30))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

fn key(app: &mut App, code: KeyCode) {
    dispatch(app, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ctrl(app: &mut App, c: char) {
    dispatch(app, Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
}

#[test]
fn starts_in_the_search_box_with_everything_listed_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let app = demo_app(&dir);
    assert_eq!(app.focus, Focus::Search);
    assert_eq!(app.results.total, 138);
    assert_eq!(app.results.hits[0].date.to_string(), "2018-05-30");
}

#[test]
fn search_as_you_type_then_open_the_hit_in_its_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    assert_eq!(app.results.total, 6);
    assert!(app.results.hits.iter().all(|h| h.text.contains("对账") && !h.highlights.is_empty()));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Results);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.results.selected, 1);
    let hit = app.selected_hit().unwrap().clone();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().unwrap();
    assert_eq!(c.day.path, hit.path);
    assert_eq!(c.day.messages[c.focus].line, hit.line);
    assert!(c.matches.contains(&c.focus));
    // n / N walk the day's matches.
    let before = c.focus;
    let matches = c.matches.clone();
    key(&mut app, KeyCode::Char('n'));
    let after = app.conversation.as_ref().unwrap().focus;
    assert!(matches.contains(&after));
    if matches.len() > 1 {
        assert_ne!(after, before);
        key(&mut app, KeyCode::Char('N'));
        assert_eq!(app.conversation.as_ref().unwrap().focus, before);
    }
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::Results);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.focus, Focus::Search);
}

#[test]
fn conversation_scrolls_within_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "路由");
    app.update(Action::Enter);
    app.update(Action::Enter);
    let start = app.conversation_top().unwrap();
    app.update(Action::Down);
    assert_eq!(app.conversation_top().unwrap(), start + 1);
    for _ in 0..500 {
        app.update(Action::Down);
    }
    let end = app.conversation_top().unwrap();
    app.update(Action::Down);
    app.update(Action::PageDown);
    assert_eq!(app.conversation_top().unwrap(), end, "the scroll stops at the end");
    app.update(Action::Up);
    assert_eq!(app.conversation_top().unwrap(), end - 1, "and comes back at once");
    app.update(Action::First);
    assert_eq!(app.conversation.as_ref().unwrap().focus, 0);
    app.update(Action::PageUp);
    assert_eq!(app.conversation_top(), Some(0), "nothing above the first message");
    app.update(Action::Last);
    let c = app.conversation.as_ref().unwrap();
    assert_eq!(c.focus, c.day.messages.len() - 1);
}

#[test]
fn keys_type_in_the_search_box_and_command_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    assert_eq!(app.input.text, "q");
    ctrl(&mut app, 'w');
    assert_eq!(app.input.text, "");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.results.selected, 137, "G fetches pages up to the last hit");
    assert_eq!(app.results.hits.len(), 138);
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.results.selected, 0);
    ctrl(&mut app, 'd');
    assert!(app.results.selected > 0);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
    let mut app = demo_app(&dir);
    ctrl(&mut app, 'c');
    assert!(app.quit, "Ctrl-C quits even in the search box");
}

#[test]
fn esc_typed_quickly_before_a_key_arrives_as_alt_and_means_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Back);
    app.update(Action::OpenHelp);
    dispatch(&mut app, Event::Key(KeyEvent::new(KeyCode::Char('i'), KeyModifiers::ALT)));
    assert!(matches!(app.overlay, Some(Overlay::Insights)), "Esc closed the help, i opened insights");
    // From the search box, Esc leaves it and the key is a command.
    let mut app = demo_app(&dir);
    dispatch(&mut app, Event::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::ALT)));
    assert!(matches!(app.overlay, Some(Overlay::Days { .. })));
}

#[test]
fn filter_pane_adds_chips_with_live_counts_and_chips_come_off_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Back);
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "kevin");
    let rows = app.filter_rows(FilterTab::Speakers, "kevin");
    assert_eq!(rows[0].label, "Kevin-汇海跨境PM");
    assert_eq!(rows[0].count, 14);
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.chips.len(), 1);
    assert_eq!(app.results.total, 14);

    key(&mut app, KeyCode::Char('t'));
    let topics = app.filter_rows(FilterTab::Topics, "");
    let xb = topics.iter().position(|r| r.label.contains("cross-border")).unwrap();
    assert!(topics[xb].count > 0 && topics[xb].count <= 14, "counts are for the current query");
    for _ in 0..xb {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.len(), 2);
    let with_topic = app.results.total;
    assert!(with_topic < 14);

    key(&mut app, KeyCode::Char('d'));
    typed(&mut app, "2018-01-10");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.len(), 3);
    assert!(app.results.hits.iter().all(|h| h.date.to_string() == "2018-01-10"));

    // Tab to the chips, remove the middle one.
    assert_eq!(app.focus, Focus::Results);
    app.update(Action::NextPane);
    assert_eq!(app.focus, Focus::Chips);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.chips.len(), 2);
    assert!(app.chips.iter().all(|c| c.field != chatlore::query::Field::Topic));
    // Backspace on an empty search box removes the last.
    app.update(Action::FocusSearch);
    key(&mut app, KeyCode::Backspace);
    assert_eq!(app.chips.len(), 1);
    assert_eq!(app.results.total, 14);
}

#[test]
fn filter_tabs_cycle_and_groups_and_months_have_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::OpenFilters(None));
    let months = app.filter_rows(FilterTab::Dates, "");
    assert_eq!(months.iter().map(|r| r.count).sum::<u64>(), 138);
    assert_eq!(months[0].label, "2018-05", "newest month first");
    app.update(Action::NextPane);
    app.update(Action::NextPane);
    app.update(Action::NextPane);
    let Some(Overlay::Filters { tab, .. }) = &app.overlay else { panic!("filter pane closed") };
    assert_eq!(*tab, FilterTab::Groups);
    let groups = app.filter_rows(FilterTab::Groups, "跨境");
    assert_eq!((groups.len(), groups[0].label.as_str(), groups[0].count), (1, "crossborder", 30));
    let typed_range = app.filter_rows(FilterTab::Dates, "2017-08..2017-09");
    assert_eq!((typed_range[0].detail.as_str(), typed_range[0].count), ("typed", 51));
}

#[test]
fn malformed_query_says_why_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "\"对账");
    assert!(app.results.error.as_deref().unwrap().contains("unclosed quote"));
    typed(&mut app, "\"");
    assert_eq!(app.results.error, None);
    assert_eq!(app.results.total, 6);
    app.update(Action::ClearInput);
    typed(&mut app, "topic:nonsense");
    assert!(app.results.error.as_deref().unwrap().contains("unknown topic"));
}

#[test]
fn day_view_opens_any_day_from_its_first_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    app.update(Action::Back);
    key(&mut app, KeyCode::Char('D'));
    let Some(Overlay::Days { rows, .. }) = &app.overlay else { panic!("no day view") };
    assert_eq!(rows.len(), 11, "all days, whatever the search text");
    assert_eq!((rows[0].date.to_string(), rows[0].messages), ("2018-05-30".to_owned(), 9));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().unwrap();
    assert_eq!((c.day.date.to_string(), c.focus), ("2018-04-14".to_owned(), 0));
}

#[test]
fn citation_without_a_clipboard_is_shown_and_with_one_is_copied() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "结售汇");
    app.update(Action::Back);
    app.update(Action::Copy);
    let Some(Overlay::Citation(text)) = &app.overlay else { panic!("no citation shown") };
    assert!(
        text.starts_with(
            "2018-03-22 16:52:10 · 跨境支付与结算群（演示） · 老K-易结算-架构师 · 顺便说一句，结售汇的头寸"
        ),
        "{text}"
    );
    app.update(Action::Back);
    app.clipboard = true;
    app.update(Action::Copy);
    assert!(matches!(app.take_effects().as_slice(), [Effect::Copy(t)] if t.contains("头寸管理")));
    assert_eq!(app.note.as_deref(), Some("citation copied"));
}

#[test]
fn help_lists_every_key_and_filters_by_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Back);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.typing(), "help takes typing for its filter");
    typed(&mut app, "quit");
    let Some(Overlay::Help { filter, .. }) = &app.overlay else { panic!("no help") };
    assert_eq!(keymap::help_rows(&filter.text).len(), 2);
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    for key in ["/", "Enter", "n / N", "D", "i", "r", "y", "?", "q", "Ctrl-C", "g / G"] {
        assert!(keymap::BINDINGS.iter().any(|(k, _)| *k == key), "{key} is documented");
    }
}

#[test]
fn wide_terminals_preview_the_selected_hit() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    assert!(app.split_view());
    typed(&mut app, "网联");
    app.update(Action::Back);
    app.update(Action::Down);
    let selected = app.selected_hit().unwrap().clone();
    let c = app.conversation.as_ref().expect("previewed without Enter");
    assert_eq!((c.day.path.as_str(), c.day.messages[c.focus].line), (selected.path.as_str(), selected.line));
    app.update(Action::Resize(80, 24));
    assert!(!app.split_view());
}

#[test]
fn reindex_from_the_browser_picks_up_a_new_day() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let mut app = app_on(arch.path(), idx.path(), (100, 30));
    typed(&mut app, "量子支付");
    assert_eq!(app.results.total, 0);
    write(
        arch.path(),
        "payprod/_posts/2018-06-01-chat.markdown",
        log("2018-06-01", &[("09:00:00", "新人", "量子支付来了")]),
    );
    app.update(Action::Back);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    // What the worker would do and report.
    app.update(Action::Index(IndexEvent::Started(1)));
    assert_eq!(app.index, IndexStatus::Updating { done: 0, total: 1 });
    let summary = index(arch.path(), idx.path());
    app.update(Action::Index(IndexEvent::Advanced(1)));
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    assert_eq!(app.index, IndexStatus::Ready);
    assert_eq!(app.results.total, 1, "results refresh when the commit lands");
    assert!(app.note.as_deref().unwrap().contains("1 new"));
}

#[test]
fn another_indexer_is_waited_for_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Index(IndexEvent::Busy));
    assert_eq!(app.index, IndexStatus::Busy);
    app.update(Action::Tick);
    assert!(app.take_effects().is_empty(), "not before the retry time");
    app.retry_now();
    app.update(Action::Tick);
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    assert_eq!(app.index, IndexStatus::Checking);
}

#[test]
fn a_first_run_without_an_index_builds_it_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::new(demo_archive(), dir.path().join("new-index"), (100, 30));
    app.start();
    assert!(app.engine.is_none());
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    typed(&mut app, "对账");
    assert_eq!(app.results.total, 0);
    let summary = index(&demo_archive(), &dir.path().join("new-index"));
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    assert!(app.engine.is_some());
    assert_eq!(app.results.total, 6, "the query typed meanwhile runs when the index is ready");
}

#[test]
fn paste_goes_into_the_search_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    dispatch(&mut app, Event::Paste("断直连\n".into()));
    assert_eq!(app.input.text, "断直连");
    assert_eq!(app.results.total, 4);
}
