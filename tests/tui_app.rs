//! The browser's `App::update`, driven by sequences of actions and keys (no sleeps), on a real
//! index of the demo archive.

mod common;

use chatlore::tui::action::{Action, CopyOutcome, FilterTab, IndexEvent, InsightSection};
use chatlore::tui::app::{App, Focus, IndexStatus, Overlay};
use chatlore::tui::effect::Effect;
use chatlore::tui::keymap;
use common::tui::TestApp;
use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

/// A browser whose start-up check of the archive has run (as the worker would report it).
/// Results list discussions, as they do by default.
fn app_on(archive: &Path, index_dir: &Path, size: (u16, u16)) -> TestApp {
    index(archive, index_dir);
    let mut app = TestApp::new(archive, index_dir, size);
    app.start();
    assert_eq!(app.take_effects(), vec![Effect::StartIndex], "the archive is checked on start");
    assert_eq!(app.index, IndexStatus::Checking);
    app.update(Action::Index(IndexEvent::Finished(Box::new(index(archive, index_dir)))));
    assert_eq!(app.index, IndexStatus::Ready);
    app
}

/// A browser on the demo archive whose results list messages (`m`): most tests here are
/// about message rows; the discussion rows have their own.
fn demo_app(dir: &tempfile::TempDir) -> TestApp {
    let mut app = app_on(&demo_archive(), dir.path(), (100, 30));
    assert!(app.discussions, "results list discussions by default");
    app.update(Action::ToggleDiscussions);
    app
}

/// Message rows rather than discussions.
fn messages(app: &mut TestApp) {
    app.update(Action::ToggleDiscussions);
    assert!(!app.discussions);
}

fn typed(app: &mut TestApp, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

fn key(app: &mut TestApp, code: KeyCode) {
    app.dispatch(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn ctrl(app: &mut TestApp, c: char) {
    app.dispatch(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
}

#[test]
fn starts_in_the_search_box_with_everything_listed_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let app = demo_app(&dir);
    assert_eq!(app.focus, Focus::Search);
    assert_eq!(app.results.total, 146);
    assert_eq!(app.results.hits[0].date.to_string(), "2018-05-30");
}

/// README, Browsing: with an empty search box the results are everything under the filters:
/// discussions (the default) oldest first, as `chatlore discussions` lists them, and after `m`
/// messages newest first (README said "every message, newest first" of the default view).
#[test]
fn an_empty_box_lists_discussions_oldest_first_and_messages_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (100, 30));
    assert!(app.discussions);
    let dates: Vec<String> = app.results.discussions.iter().map(|d| d.hit.discussion.date.clone()).collect();
    assert!(dates.len() > 1 && dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| drawn(f, &app)).unwrap();
    assert!(terminal.backend().to_string().contains("oldest first"));
    messages(&mut app);
    let dates: Vec<String> = app.results.hits.iter().map(|h| h.date.to_string()).collect();
    assert!(dates.len() > 1 && dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

/// A query that parses but names nothing (`group:nope`, `from:陈墨`) is not malformed: the
/// status bar said "malformed query" for every error; it says "query error" and the results
/// pane says which.
#[test]
fn a_filter_naming_nothing_is_a_query_error_not_a_malformed_query() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    for q in ["group:nope", "from:nobody-at-all"] {
        ctrl(&mut app, 'k');
        typed(&mut app, q);
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| drawn(f, &app)).unwrap();
        let screen = terminal.backend().to_string();
        assert!(screen.contains(" query error (see the results pane)"), "{q}: {screen}");
        assert!(!screen.contains("malformed"), "{q}: {screen}");
        assert!(screen.contains("Query error: no "), "{q}: {screen}");
    }
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
fn the_conversation_cursor_moves_by_message_and_the_view_follows_only_when_it_must() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "路由");
    app.update(Action::Enter);
    app.update(Action::Enter);
    let focus = |app: &App| app.conversation.as_ref().unwrap().focus;
    let (start, first_focus) = (app.conversation_top().unwrap(), focus(&app));
    app.update(Action::Down);
    assert_eq!(focus(&app), first_focus + 1, "j moves the cursor one message");
    assert_eq!(app.conversation_top().unwrap(), start, "the view holds still while the cursor is in it");
    let last = app.conversation.as_ref().unwrap().day.messages.len() - 1;
    for _ in 0..500 {
        app.update(Action::Down);
    }
    assert_eq!(focus(&app), last);
    let end = app.conversation_top().unwrap();
    app.update(Action::Down);
    app.update(Action::PageDown);
    assert_eq!((focus(&app), app.conversation_top().unwrap()), (last, end), "the cursor stops at the end");
    app.update(Action::Up);
    assert_eq!((focus(&app), app.conversation_top().unwrap()), (last - 1, end), "and comes back at once");
    app.update(Action::First);
    assert_eq!((focus(&app), app.conversation_top()), (0, Some(0)));
    app.update(Action::PageUp);
    assert_eq!(app.conversation_top(), Some(0), "nothing above the first message");
    app.update(Action::PageDown);
    assert!(focus(&app) > 1, "a page down moves the cursor a pane's worth");
    app.update(Action::Last);
    assert_eq!(focus(&app), last);
}

#[test]
fn esc_backs_out_one_level_and_stops_at_the_search_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('i'));
    let mut trail = Vec::new();
    for _ in 0..5 {
        key(&mut app, KeyCode::Esc);
        trail.push((app.focus, app.overlay.is_some()));
    }
    use Focus::*;
    assert_eq!(trail, vec![(Conversation, false), (Results, false), (Search, false), (Search, false), (Search, false)]);
    key(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "Esc Esc q does not quit: q is typed");
    assert_eq!(app.input.text, "对账q");
}

#[test]
fn chinese_typed_in_a_list_goes_to_the_search_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Results);
    key(&mut app, KeyCode::Char('账'));
    assert_eq!((app.focus, app.input.text.as_str(), app.results.total), (Focus::Search, "对账", 6));
    // In an overlay without an input too.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::Char('差'));
    assert!(app.overlay.is_none());
    assert_eq!(app.input.text, "对账差");
}

#[test]
fn help_opens_from_anywhere_filters_in_both_languages_and_enter_runs_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.overlay.is_none() && app.input.text == "?", "? is typed in the search box");
    key(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })), "F1 opens the help from the search box");
    typed(&mut app, "谁懂、公司");
    let Some(Overlay::Help { filter, .. }) = &app.overlay else { panic!("no help") };
    let rows = keymap::help_rows(&filter.text);
    assert_eq!(rows.iter().map(|b| b.keys_label()).collect::<Vec<_>>(), vec!["i"]);
    assert_eq!(keymap::help_rows("WHO KNOWS").len(), 1, "English, any case");
    // The words of the hint under the search line (`f filters, s speakers, t topics, d dates,
    // D days`) each find their key; plurals found nothing but `filters`.
    for (word, label) in [("filters", "f"), ("speakers", "s"), ("topics", "t"), ("dates", "d"), ("days", "D")] {
        let labels: Vec<String> = keymap::help_rows(word).iter().map(|b| b.keys_label()).collect();
        assert!(labels.iter().any(|l| l == label), "{word}: {labels:?}");
    }
    assert!(keymap::help_rows("searches").iter().any(|b| b.keys_label() == "B"), "saved searches");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Insights { .. })), "Enter ran i");
}

#[test]
fn order_cycles_and_z_maximises_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    let dates = |app: &App| app.results.hits.iter().map(|h| h.date).collect::<Vec<_>>();
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.sort, chatlore::search::Sort::Newest);
    assert!(dates(&app).is_sorted_by(|a, b| a >= b));
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.sort, chatlore::search::Sort::Oldest);
    assert!(dates(&app).is_sorted_by(|a, b| a <= b));
    key(&mut app, KeyCode::Char('o'));
    assert_eq!(app.sort, chatlore::search::Sort::Relevance);
    assert!(app.side_by_side());
    key(&mut app, KeyCode::Char('z'));
    assert!(!app.side_by_side() && app.focus == Focus::Conversation);
    key(&mut app, KeyCode::Char('z'));
    assert!(app.side_by_side());
    // Maximised, a search typed from the conversation shows the results beside it again (they
    // stayed hidden while typing); back in the conversation, it has the whole width again.
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!((app.focus, app.results.total), (Focus::Search, 6));
    assert!(app.side_by_side(), "the results of what is typed are shown");
    key(&mut app, KeyCode::Enter);
    assert!(app.side_by_side(), "and while they have the keyboard");
    key(&mut app, KeyCode::Enter);
    assert!(!app.side_by_side() && app.focus == Focus::Conversation);
}

#[test]
fn the_split_view_preview_is_always_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    let shows = |app: &App| {
        let c = app.conversation.as_ref()?;
        Some((c.day.path.clone(), c.day.messages[c.focus].line, c.span.is_some()))
    };
    // Discussions (the default): the day of the selected one, on its first matching line
    // (its first line without words), its span marked.
    let selected = |app: &App| {
        if app.discussions {
            let d = app.selected_discussion()?;
            let line = d.hit.hits.first().copied().unwrap_or(d.hit.discussion.start_line);
            Some((d.hit.discussion.path.clone(), line, true))
        } else {
            app.selected_hit().map(|h| (h.path.clone(), h.line, false))
        }
    };
    for round in ["discussions", "messages"] {
        app.update(Action::ClearInput);
        assert!(selected(&app).is_some(), "{round}");
        assert_eq!(shows(&app), selected(&app), "{round}: the first row, before any key");
        typed(&mut app, "对账");
        assert_eq!(shows(&app), selected(&app), "{round}: the first row of the new query, as typed");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('j'));
        assert_eq!(shows(&app), selected(&app), "{round}");
        for c in "量子纠缠".chars() {
            key(&mut app, KeyCode::Char(c));
        }
        assert_eq!((app.input.text.as_str(), app.results.total), ("对账量子纠缠", 0));
        assert_eq!(shows(&app), None, "{round}: no hits: no day left over");
        if app.discussions {
            messages(&mut app);
        }
    }
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
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.results.selected, 145, "G fetches pages up to the last hit");
    assert_eq!(app.results.hits.len(), 146);
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
    app.update(Action::Enter);
    app.update(Action::OpenHelp);
    app.dispatch(Event::Key(KeyEvent::new(KeyCode::Char('i'), KeyModifiers::ALT)));
    assert!(matches!(app.overlay, Some(Overlay::Insights { .. })), "Esc closed the help, i opened insights");
    // In the search box Esc has nowhere to go back to: the key is typed.
    let mut app = demo_app(&dir);
    app.dispatch(Event::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::ALT)));
    assert!(app.overlay.is_none());
    assert_eq!((app.focus, app.input.text.as_str()), (Focus::Search, "D"));
}

#[test]
fn filter_pane_adds_chips_with_live_counts_and_chips_come_off_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Enter);
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
    assert_eq!(months.iter().map(|r| r.count).sum::<u64>(), 146);
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
    app.update(Action::Enter);
    key(&mut app, KeyCode::Char('D'));
    let Some(Overlay::Days { rows, .. }) = &app.overlay else { panic!("no day view") };
    assert_eq!(rows.len(), 12, "all days, whatever the search text");
    assert_eq!((rows[0].date.to_string(), rows[0].messages), ("2018-05-30".to_owned(), 9));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().unwrap();
    assert_eq!((c.day.date.to_string(), c.focus), ("2018-04-14".to_owned(), 0));
}

#[test]
fn citation_is_copied_by_the_runtime_and_shown_when_it_could_not_be() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "结售汇");
    app.update(Action::Enter);
    app.update(Action::Copy);
    let effects = app.take_effects();
    let [Effect::Copy(text)] = effects.as_slice() else { panic!("no copy asked for: {effects:?}") };
    assert_eq!(
        text,
        "2018-01-09 10:06:31 · 跨境支付与结算群（演示） · 方圆-央结中心-清算 · \
         锁汇要跟合作银行做远期结售汇，支付机构自己不能做，要找银行。 \
         (crossborder/_posts/2018-01-09-chat.markdown:22)"
    );
    assert_eq!(app.note, None, "nothing said before the copy is done");
    app.update(Action::Copied { outcome: CopyOutcome::Tool("xclip".into()), text: text.clone() });
    assert_eq!(app.note.as_deref(), Some("citation copied (xclip)"));
    assert!(app.overlay.is_none());
    app.update(Action::Copy);
    let text = match app.take_effects().pop() {
        Some(Effect::Copy(t)) => t,
        other => panic!("{other:?}"),
    };
    app.update(Action::Copied { outcome: CopyOutcome::Failed("no clipboard".into()), text });
    let Some(Overlay::Citation { text, .. }) = &app.overlay else { panic!("no citation shown") };
    assert!(text.contains("锁汇"));
    assert_eq!(app.note.as_deref(), Some("not copied: no clipboard"));
    app.update(Action::Down);
    assert!(matches!(app.overlay, Some(Overlay::Citation { scroll: 1, .. })), "the popup scrolls");
}

#[test]
fn y_cites_the_message_under_the_cursor_and_v_a_range() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    // A hit with two messages after it in its day.
    typed(&mut app, "锁汇");
    app.update(Action::Enter);
    app.update(Action::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let hit = app.selected_hit().unwrap().clone();
    key(&mut app, KeyCode::Char('j'));
    let c = app.conversation.as_ref().unwrap();
    let next = c.day.messages[c.focus].clone();
    assert_ne!(next.line, hit.line, "j moves the cursor to the next message");
    key(&mut app, KeyCode::Char('y'));
    let Some(Effect::Copy(one)) = app.take_effects().pop() else { panic!("no copy") };
    assert!(one.contains(&next.speaker) && one.ends_with(&format!("{}:{})", hit.path, next.line)), "{one}");
    assert!(!one.contains(&hit.text), "not the hit: {one}");
    // v at the hit, two down, y: three messages, one line each.
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('y'));
    let Some(Effect::Copy(range)) = app.take_effects().pop() else { panic!("no copy") };
    let lines: Vec<&str> = range.lines().collect();
    assert_eq!(lines.len(), 3, "{range}");
    assert!(lines[0].contains(&hit.text) && lines[0].ends_with(&format!(":{})", hit.line)), "{range}");
    assert!(lines[1].contains(&next.speaker), "{range}");
    app.update(Action::Copied { outcome: CopyOutcome::Osc52, text: range });
    assert!(app.note.as_deref().unwrap().contains("citation of 3 messages sent to the terminal"));
    assert_eq!(app.conversation.as_ref().unwrap().mark, None, "the mark is dropped once cited");
}

#[test]
fn help_lists_every_key_and_filters_by_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::Enter);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.typing(), "help takes typing for its filter");
    typed(&mut app, "quit");
    let Some(Overlay::Help { filter, .. }) = &app.overlay else { panic!("no help") };
    assert_eq!(keymap::help_rows(&filter.text).len(), 2);
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    for key in ["/", "Enter", "n", "N", "D", "i", "r", "y", "v", "z", "o", "?", "F1", "q", "Ctrl-C", "g / Home"] {
        assert!(keymap::BINDINGS.iter().any(|b| b.keys_label() == key), "{key} is documented");
    }
}

#[test]
fn wide_terminals_preview_the_selected_hit() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    messages(&mut app);
    assert!(app.split_view());
    typed(&mut app, "网联");
    app.update(Action::Enter);
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
    app.update(Action::Enter);
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

/// The open conversation, opened again after an update, marks its discussion as it is now: a
/// message that arrived and joined it is marked too (the margin kept the old span, while the
/// row and the title counted the new message).
#[test]
fn an_update_marks_the_open_discussion_as_it_is_now() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let talk = [
        ("09:00:01", "测试员甲", "量子对账平台上线了，大家用过吗？"),
        ("09:01:00", "测试员乙", "用过，量子对账的差错处理很快"),
        ("09:02:30", "测试员甲", "明白了，谢谢！"),
    ];
    let rel = "payprod/_posts/2018-06-06-chat.markdown";
    write(arch.path(), rel, log("2018-06-06", &talk));
    let mut app = app_on(arch.path(), idx.path(), (100, 30));
    typed(&mut app, "量子对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let marked = |app: &TestApp| {
        let c = app.conversation.as_ref().expect("the conversation is open");
        let (a, b) = c.span.expect("its discussion is marked");
        (c.day.messages[a].line, c.day.messages[b].line, c.day.messages.len())
    };
    let (first, last, _) = marked(&app);
    assert_eq!((first, last), (8, 16));
    let mut more = talk.to_vec();
    more.push(("09:05:00", "测试员丙", "补充一下：量子对账其实是按批次对的"));
    write(arch.path(), rel, log("2018-06-06", &more));
    app.update(Action::Index(IndexEvent::Finished(Box::new(index(arch.path(), idx.path())))));
    let row = &app.selected_discussion().expect("the row kept").hit.discussion;
    assert_eq!((row.start_line, row.end_line, row.messages), (8, 20, 4));
    assert_eq!(marked(&app), (8, 20, 4), "the message that joined the discussion is marked");
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
    let mut app = TestApp::new(&demo_archive(), &dir.path().join("new-index"), (100, 30));
    app.start();
    assert!(app.catalog.is_none());
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    typed(&mut app, "对账");
    assert_eq!(app.results.total, 0);
    let summary = index(&demo_archive(), &dir.path().join("new-index"));
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    assert!(app.catalog.is_some());
    assert_eq!(app.results.total, 6, "the query typed meanwhile runs when the index is ready");
}

#[test]
fn paste_goes_into_the_search_box() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.dispatch(Event::Paste("断直连\n".into()));
    assert_eq!(app.input.text, "断直连");
    assert_eq!(app.results.total, 4);
    // Words on two lines stay two words (they ran together as 断直连网联, which nothing holds).
    ctrl(&mut app, 'k');
    app.dispatch(Event::Paste("断直连\r\n网联\t\n".into()));
    assert_eq!(app.input.text, "断直连 网联");
    assert!(app.results.total > 0 && app.results.error.is_none(), "{:?}", app.results.error);
}

/// The README's key table, as the binding table says it should read.
fn key_table() -> String {
    let mut out = String::from("| keys | 中文 | what they do |\n| --- | --- | --- |\n");
    for b in keymap::BINDINGS {
        let scope = b.scope.label();
        let en = if scope.is_empty() { b.en.to_owned() } else { format!("[{scope}] {}", b.en) };
        out.push_str(&format!("| `{}` | {} | {} |\n", b.keys_label(), b.zh, en));
    }
    out
}

#[test]
fn the_readme_key_table_is_the_binding_table() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = key_table();
    assert!(readme.contains(&table), "README.md's key table should read:\n{table}");
}

#[test]
fn a_date_typed_in_the_day_list_jumps_to_it_and_pages_are_what_is_visible() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (100, 8));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    let selected_date = |app: &App| match &app.overlay {
        Some(Overlay::Days { selected, rows, .. }) => rows[*selected].date.to_string(),
        other => panic!("no day list: {other:?}"),
    };
    for c in "2017-08".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert!(selected_date(&app).starts_with("2017-08"), "{}", selected_date(&app));
    for c in "-15".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_eq!(selected_date(&app), "2017-08-15");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(selected_date(&app), "2018-05-30");
    // 8 rows of terminal: the popup shows 6 days, and a page is 6.
    key(&mut app, KeyCode::PageDown);
    let Some(Overlay::Days { selected, .. }) = &app.overlay else { panic!() };
    assert_eq!(*selected, 6);
}

#[test]
fn up_and_down_in_the_search_box_walk_recent_searches() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    for q in ["对账", "网联", "对账"] {
        app.update(Action::ClearInput);
        typed(&mut app, q);
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('/'));
    }
    assert_eq!(app.recent, vec!["网联", "对账"], "once each, newest last");
    app.update(Action::ClearInput);
    typed(&mut app, "路");
    key(&mut app, KeyCode::Up);
    assert_eq!((app.input.text.as_str(), app.results.total), ("对账", 6));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.input.text, "网联");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.input.text, "网联", "the oldest stays");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.input.text, "对账");
    key(&mut app, KeyCode::Down);
    assert_eq!((app.input.text.as_str(), app.focus), ("路", Focus::Search), "what was typed comes back");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.focus, Focus::Results);
    // Back in the box with the newest search still in it, the first `↑` gives the one before
    // (it gave the same text back, a key that seemed to do nothing), and `↓` the box as it was.
    key(&mut app, KeyCode::Char('/'));
    app.update(Action::ClearInput);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!((app.recent.last().map(String::as_str), app.input.text.as_str()), (Some("对账"), "对账"));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.input.text, "路");
    key(&mut app, KeyCode::Down);
    assert_eq!(app.input.text, "对账");
    // With only that search remembered, `↑` has nothing before it and changes nothing.
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "网联");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Up);
    assert_eq!((app.input.text.as_str(), app.recent.len()), ("网联", 1));
}

#[test]
fn the_companies_tab_filters_by_org() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::OpenFilters(Some(FilterTab::Companies)));
    let rows = app.filter_rows(FilterTab::Companies, "");
    assert!(!rows.is_empty());
    let top = rows[0].clone();
    assert!(rows.windows(2).all(|w| w[0].count >= w[1].count), "most messages first");
    let typed: String = top.label.chars().take(2).collect();
    assert!(app.filter_rows(FilterTab::Companies, &typed).iter().any(|r| r.label == top.label));
    app.update(Action::Enter);
    assert_eq!(app.chips.len(), 1);
    assert_eq!(app.chips[0].to_string(), format!("org:={}", top.label));
    assert_eq!(app.results.total as u64, top.count, "the chip finds what the tab counted");
}

/// A company chip is that company, not every one whose name holds it (`org:银联` is 银联电子
/// too), and the tab counts what the chip then finds: a person's company applies to all their
/// nicknames, so 张三's bare nickname counts for 银联 as it matches `org:=银联`.
#[test]
fn a_company_chip_finds_that_company_exactly_and_what_the_tab_counted() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let messages = [
        ("09:00:00", "张三丰-银联-产品", "银联的二维码规范出来了"),
        ("09:01:00", "张三丰", "我再补充一下条码的细节"),
        ("09:02:00", "李四光-银联电子", "银联电子这边也在跟进"),
        ("09:03:00", "李四光-银联电子", "下周发布"),
        ("09:04:00", "王五-银联商务", "收单这边没问题"),
    ];
    write(&archive, "g/_posts/2018-03-01-chat.markdown", log("2018-03-01", &messages));
    let mut app = app_on(&archive, &dir.path().join("index"), (100, 30));
    app.update(Action::OpenFilters(Some(FilterTab::Companies)));
    let rows = app.filter_rows(FilterTab::Companies, "");
    let counts: Vec<(&str, u64)> = rows.iter().map(|r| (r.label.as_str(), r.count)).collect();
    assert_eq!(counts, [("银联", 2), ("银联电子", 2), ("银联商务", 1)]);
    app.update(Action::Enter);
    assert_eq!(app.chips.iter().map(ToString::to_string).collect::<Vec<_>>(), ["org:=银联"]);
    assert_eq!(app.results.total, 2, "张三丰's two nicknames, not 银联电子 or 银联商务");
    app.update(Action::FocusSearch);
    app.update(Action::Backspace);
    assert!(app.chips.is_empty());
    app.update(Action::OpenFilters(Some(FilterTab::Companies)));
    app.update(Action::Down);
    app.update(Action::Enter);
    assert_eq!(app.chips[0].to_string(), "org:=银联电子");
    assert_eq!(app.results.total, 2);
}

#[test]
fn percent_in_insights_counts_each_months_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('i'));
    assert!(!app.share && app.month_totals.is_none());
    key(&mut app, KeyCode::Char('%'));
    assert!(app.share);
    let totals = app.month_totals.clone().expect("month totals counted");
    assert_eq!(totals.values().sum::<u64>(), 146, "every message of the archive, not only the hits");
    let hits = &app.facets.as_ref().unwrap().months;
    assert!(hits.iter().all(|(m, n)| totals.get(m).is_some_and(|t| t >= n)));
    key(&mut app, KeyCode::Char('%'));
    assert!(!app.share);
}

#[test]
fn a_topic_chip_highlights_its_keywords_and_n_walks_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "topic:reconciliation");
    assert!(app.results.total > 0);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    let c = app.conversation.as_ref().expect("the hit opened");
    assert!(c.terms.iter().any(|t| t == "对账") && c.terms.iter().any(|t| t == "单边账"), "{:?}", c.terms);
    assert!(c.matches.contains(&c.focus), "the hit is one of the day's matches");
    if c.matches.len() > 1 {
        let before = c.focus;
        key(&mut app, KeyCode::Char('n'));
        assert_ne!(app.conversation.as_ref().unwrap().focus, before, "n walks the topic's keywords");
    }
}

#[test]
fn enter_in_insights_filters_by_the_month_speaker_company_or_topic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('i'));
    let months = app.insight_rows(InsightSection::Months);
    assert!(months.iter().any(|r| r.count == 0), "months without hits are rows too");
    key(&mut app, KeyCode::Enter);
    let chip = app.chips.last().unwrap().to_string();
    // The month's chip reads as the month (it read `date:2018-05-01..2018-05-31`).
    assert_eq!(chip, format!("date:{}", months.last().unwrap().label));
    assert_eq!(app.results.total as u64, months.last().unwrap().count, "the latest month, as counted");
    app.chips.clear();
    app.refresh();
    key(&mut app, KeyCode::Char('i'));
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('j'));
    let speaker = app.insight_rows(InsightSection::Speakers)[1].clone();
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.chips, vec![speaker.filter]);
    assert_eq!(app.results.total as u64, speaker.count);
}

#[test]
fn m_lists_discussions_and_enter_opens_one_with_its_span_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    assert!(!app.discussions, "the browser starts with messages");
    key(&mut app, KeyCode::Char('m'));
    assert!(app.discussions);
    assert_eq!(app.input.text, "对账", "m is a command in the results, not typed");
    let rows = app.results.discussions.clone();
    assert!(!rows.is_empty());
    assert_eq!(app.results.discussions_total, rows.len());
    for row in &rows {
        assert!(!row.hit.hits.is_empty());
        let (text, ranges) = row.best.as_ref().expect("a best line");
        assert!(text.contains("对账") && !ranges.is_empty(), "{text}");
    }
    key(&mut app, KeyCode::Char('j'));
    let second = app.selected_discussion().unwrap().hit.clone();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().unwrap();
    assert_eq!(c.day.path, second.discussion.path);
    assert_eq!(c.day.messages[c.focus].line, second.hits[0], "the cursor on its first matching message");
    let (a, b) = c.span.unwrap();
    assert_eq!(c.day.messages[a].line, second.discussion.start_line);
    assert_eq!(c.day.messages[b].line, second.discussion.end_line);
    assert!((a..=b).contains(&c.focus));
    // And back to messages.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(!app.discussions);
    assert_eq!(app.results.total, 6);
}

/// `m` keeps what is read: from a discussion to its first matching message (the one its
/// preview shows; from the first discussion, the top), back to that discussion; after another
/// message was selected, back to the discussion holding that one (both selections went back
/// to the top).
#[test]
fn m_keeps_the_discussion_read_and_the_message_selected() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (100, 30));
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    // From the first discussion (nothing chosen yet), the messages from the top.
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.results.selected, 0);
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.results.discussion_selected, 0);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let third = app.selected_discussion().unwrap().hit.clone();
    key(&mut app, KeyCode::Char('m'));
    let hit = app.selected_hit().unwrap().clone();
    assert_eq!((hit.path.as_str(), hit.line), (third.discussion.path.as_str(), third.hits[0]));
    assert_ne!(app.results.selected, 0, "not the first hit");
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.selected_discussion().unwrap().hit.discussion, third.discussion);
    // Another message selected: back to its discussion.
    key(&mut app, KeyCode::Char('m'));
    key(&mut app, KeyCode::Char('g'));
    let top = app.selected_hit().unwrap().clone();
    key(&mut app, KeyCode::Char('m'));
    let d = &app.selected_discussion().unwrap().hit.discussion;
    assert!(d.path == top.path && (d.start_line..=d.end_line).contains(&top.line), "{d:?} {top:?}");
    assert_ne!(*d, third.discussion);
}

#[test]
fn brackets_walk_the_days_discussions() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Enter);
    // The first day (newest first) with more than one span.
    let mut spans: Vec<(u32, u32)> = Vec::new();
    for day in 0..12 {
        key(&mut app, KeyCode::Char('D'));
        for _ in 0..day {
            key(&mut app, KeyCode::Char('j'));
        }
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus, Focus::Conversation);
        let c = app.conversation.as_ref().unwrap();
        let q = chatlore::query::Query::parse(&format!("group:{} date:{}", c.day.group, c.day.date)).unwrap();
        spans = chatlore::search::Engine::open(dir.path())
            .unwrap()
            .discussions(&q, None, chatlore::search::Sort::Oldest)
            .unwrap()
            .discussions
            .into_iter()
            .filter(|d| d.discussion.path == c.day.path)
            .map(|d| (d.discussion.start_line, d.discussion.end_line))
            .collect();
        if spans.len() >= 2 {
            break;
        }
        key(&mut app, KeyCode::Esc);
    }
    assert!(spans.len() >= 2, "a demo day has several spans");
    let at = |app: &App| {
        let c = app.conversation.as_ref().unwrap();
        let (a, b) = c.span.unwrap();
        (c.day.messages[c.focus].line, c.day.messages[a].line, c.day.messages[b].line)
    };
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(at(&app), (spans[1].0, spans[1].0, spans[1].1));
    if spans.len() > 2 {
        key(&mut app, KeyCode::Char(']'));
        assert_eq!(at(&app), (spans[2].0, spans[2].0, spans[2].1));
        key(&mut app, KeyCode::Char('['));
    }
    assert_eq!(at(&app), (spans[1].0, spans[1].0, spans[1].1));
    key(&mut app, KeyCode::Char('['));
    assert_eq!(at(&app), (spans[0].0, spans[0].0, spans[0].1));
    key(&mut app, KeyCode::Char('['));
    assert!(app.note.as_deref().unwrap_or("").contains("no earlier discussion"));
}

#[test]
fn the_day_view_knows_each_days_discussions() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    let Some(Overlay::Days { rows, .. }) = &app.overlay else { panic!("no day view") };
    let rows = rows.clone();
    let mut several = false;
    for row in &rows {
        let Some(Overlay::Days { titles: Some((path, spans)), selected, .. }) = &app.overlay else {
            panic!("no titles listed")
        };
        assert_eq!(path, &row.path, "the titles are the selected log's ({selected})");
        // Every message of the day is in exactly one of them, in order.
        assert_eq!(spans.iter().map(|d| u64::from(d.messages)).sum::<u64>(), row.messages, "{row:?}");
        assert!(spans.windows(2).all(|w| w[0].end_line < w[1].start_line));
        assert!(spans.iter().all(|d| d.date == row.date.to_string() && d.group == row.group && d.path == row.path));
        several |= spans.len() > 1;
        key(&mut app, KeyCode::Char('j'));
    }
    assert!(several);
}

/// In a narrow window a discussion row's head (`date group span · N msgs · N people ·`) was
/// clipped bare at the pane's edge: `· 9 msgs` showed as `· 9 ms`, a duration. It is cut
/// with `…` now, as titles and lines are.
#[test]
fn a_discussion_row_cut_by_a_narrow_window_ends_in_an_ellipsis() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (40, 14));
    typed(&mut app, "对账");
    assert!(app.discussions && !app.results.discussions.is_empty());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(40, 14)).unwrap();
    terminal.draw(|f| drawn(f, &app)).unwrap();
    let screen = terminal.backend().to_string();
    let rows: Vec<&str> = screen.lines().filter(|l| l.starts_with("\"│20")).collect();
    assert!(!rows.is_empty(), "{screen}");
    for row in rows {
        assert!(row.trim_end_matches(['"', '│']).ends_with('…'), "cut without an ellipsis: {row}\n{screen}");
    }
}

#[test]
fn update_only_asks_typing_echoes_at_once_and_stale_answers_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = demo_app(&dir);
    assert_eq!(t.results.total, 146);
    // The App alone: update changes state and returns effects; nothing is searched.
    let first = t.app.update(Action::Input('对'));
    let second = t.app.update(Action::Input('账'));
    assert_eq!(t.input.text, "对账", "typing shows at once");
    assert!(t.results.searching);
    assert_eq!(t.results.total, 146, "the shown results stay until the new ones come");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| drawn(f, &t)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("搜索 › 对账") && screen.contains(" searching…"), "{screen}");
    let [Effect::Search(a)] = first.as_slice() else { panic!("one search asked for: {first:?}") };
    let [Effect::Search(b)] = second.as_slice() else { panic!("one search asked for: {second:?}") };
    assert!(b.seq > a.seq && a.offset == 0 && b.query.highlight_terms() == vec!["对账"]);
    // The worker answers the older search last: its answer is dropped.
    let newer = t.executor.run(Effect::Search(b.clone()));
    let older = t.executor.run(Effect::Search(a.clone()));
    for answer in newer {
        assert!(t.app.update(answer).iter().all(|e| matches!(e, Effect::LoadDay(_))));
    }
    assert_eq!((t.results.total, t.results.searching), (6, false));
    for answer in older {
        assert!(t.app.update(answer).is_empty(), "a stale answer asks for nothing");
    }
    assert_eq!(t.results.total, 6, "the stale answer (every hit of 对) did not replace the results");
    assert!(t.results.hits.iter().all(|h| h.text.contains("对账")));
}

#[test]
fn a_day_opened_late_does_not_replace_the_one_asked_for_since() {
    let dir = tempfile::tempdir().unwrap();
    let mut t = app_on(&demo_archive(), dir.path(), (160, 40));
    messages(&mut t);
    typed(&mut t, "对账");
    t.update(Action::Enter);
    let one = t.app.update(Action::Down);
    let two = t.app.update(Action::Down);
    let ([Effect::LoadDay(a)], [Effect::LoadDay(b)]) = (one.as_slice(), two.as_slice()) else {
        panic!("the preview asks for the days: {one:?} {two:?}")
    };
    let (a, b) = (a.clone(), b.clone());
    for answer in t.executor.run(Effect::LoadDay(b)) {
        t.app.update(answer);
    }
    for answer in t.executor.run(Effect::LoadDay(a)) {
        t.app.update(answer);
    }
    let c = t.conversation.as_ref().unwrap();
    let hit = t.selected_hit().unwrap();
    assert_eq!((c.day.path.as_str(), c.day.messages[c.focus].line), (hit.path.as_str(), hit.line));
}

#[test]
fn the_worker_survives_a_panic_and_the_status_bar_says_so() {
    use chatlore::tui::action::Answer;
    use chatlore::tui::worker::Worker;
    use std::sync::mpsc::channel;
    use std::time::Duration;
    let (release_tx, release) = channel::<()>();
    let (busy_tx, busy) = channel::<()>();
    let (ran_tx, ran) = channel::<String>();
    let (answers, rx) = Worker::channel();
    let worker = Worker::spawn(
        move |e| {
            match &e {
                Effect::Open => {
                    busy_tx.send(()).unwrap();
                    release.recv().unwrap()
                }
                Effect::Search(job) if job.query.highlight_terms() == vec!["boom"] => panic!("index page out of range"),
                _ => {}
            }
            ran_tx.send(format!("{e:?}").chars().take(40).collect()).unwrap();
            vec![Action::Tick]
        },
        answers,
        rx,
    );
    let job = |seq: u64, q: &str| {
        Effect::Search(chatlore::tui::effect::SearchJob {
            seq,
            query: chatlore::query::Query::parse(q).unwrap(),
            sort: chatlore::search::Sort::Relevance,
            offset: 0,
            until: 0,
            discussions: true,
            keep: None,
            seek: None,
            keep_discussion: None,
        })
    };
    // While the worker is busy, two searches wait: only the newer runs. The searches are sent
    // once the worker is inside Open: sent before it took Open, the first could be taken with it.
    assert!(worker.send(Effect::Open));
    busy.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    assert!(worker.send(job(2, "网联")));
    assert!(worker.send(job(3, "对账")));
    release_tx.send(()).unwrap();
    let wait = Duration::from_secs(10);
    assert!(ran.recv_timeout(wait).unwrap().starts_with("Open"));
    let second = ran.recv_timeout(wait).unwrap();
    assert!(second.contains("seq: 3"), "{second}");
    assert!(matches!(worker.rx.recv_timeout(wait).unwrap(), Action::Tick));
    assert!(matches!(worker.rx.recv_timeout(wait).unwrap(), Action::Tick));
    // A panic is an answer; the worker goes on.
    assert!(worker.send(job(4, "boom")));
    let answer = worker.rx.recv_timeout(wait).unwrap();
    let Action::Answer(Answer::Panicked { doing, message }) = &answer else { panic!("{answer:?}") };
    assert_eq!((doing.as_str(), message.as_str()), ("searching", "index page out of range"));
    assert!(worker.send(job(5, "对账")));
    assert!(matches!(worker.rx.recv_timeout(wait).unwrap(), Action::Tick), "the worker still works");

    // The app says so in red, and stops waiting.
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.app.update(Action::Input('网'));
    assert!(app.results.searching);
    app.update(answer);
    assert!(!app.results.searching && !app.waiting());
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| drawn(f, &app)).unwrap();
    let buf = terminal.backend().buffer();
    let status: String = (0..100).map(|x| buf[(x, 29)].symbol().to_owned()).collect();
    assert!(status.contains("internal error while searching: index page out of range"), "{status}");
    assert_eq!(buf[(2, 29)].fg, ratatui::style::Color::Red, "in the error colour");
}

fn drawn(f: &mut ratatui::Frame, app: &App) {
    chatlore::tui::ui::draw(f, app);
}

/// What a 160×40 terminal shows of `app`.
fn screen_of(app: &App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 40)).unwrap();
    terminal.draw(|f| drawn(f, app)).unwrap();
    terminal.backend().to_string()
}

/// A mention of a nickname with a space after its `name-company` part, of someone who posted
/// under it (`@马骁-四方科技 技术总监?你们接的那家…` on the demo day 2017-12-07), reads whole in
/// the browser as it does in the CLI's text: the export's `?` after it is the space it stands
/// for, in the discussion row, the message row, the preview and the insights' evidence. The
/// browser read it knowing no nickname: the mention ended at the space and the `?` showed.
#[test]
fn a_known_nickname_with_a_space_is_read_whole_in_every_pane() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    let whole = "@马骁-四方科技 技术总监 你们接的那家分账回退";
    let cli = stdout(&chatlore(&demo_archive(), dir.path(), &["search", "你们接的那家"]));
    assert!(cli.contains(whole), "the CLI reads it so: {cli}");
    typed(&mut app, "你们接的那家");
    assert!(app.discussions && !app.results.discussions.is_empty());
    let screen = screen_of(&app);
    let row = screen.lines().find(|l| l.starts_with("\"│    @")).unwrap_or_default();
    assert!(row.contains("技术总监 你们接的那家"), "the discussion row: {row}\n{screen}");
    assert!(!screen.contains("技术总监?"), "{screen}");
    messages(&mut app);
    assert_eq!(app.results.total, 1);
    let screen = screen_of(&app);
    let row = screen.lines().find(|l| l.contains("2017-12-07 14:13")).unwrap_or_default();
    assert!(row.contains("技术总监 你们接的那家"), "the message row: {row}\n{screen}");
    assert!(screen.contains(whole), "the preview: {screen}");
    assert!(!screen.contains("技术总监?"), "{screen}");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('i'));
    let experts = app.insight_rows(InsightSection::Speakers);
    assert!(experts[0].detail.contains(whole), "the evidence: {experts:?}");
}

/// A chip narrows what the search box says, filters of its key included, as the CLI's flags do
/// (README, Browsing): `group:crossborder` typed under a `group:payprod` chip finds nothing
/// (ORed with the chip, it found both groups: more than the chip alone).
#[test]
fn a_chip_narrows_the_search_box_even_on_a_key_the_box_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    app.update(Action::OpenFilters(Some(FilterTab::Groups)));
    typed(&mut app, "payprod");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.len(), 1, "{:?}", app.note);
    let under_chip = app.results.total;
    assert!(under_chip > 0 && under_chip < 146, "{under_chip}");
    for (query, total) in [("group:crossborder", 0), ("group:payprod|crossborder", under_chip)] {
        app.update(Action::FocusSearch);
        ctrl(&mut app, 'k');
        typed(&mut app, query);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.results.total, total, "{query} under the chip: {:?}", app.note);
    }
    assert_eq!(app.chips.len(), 1);
}

#[test]
fn a_saved_search_brings_back_a_chip_whose_value_holds_chinese_punctuation() {
    // A speaker chip `from:李通，社区半径产品专家` (a real nickname) was saved as that text and
    // parsed back as `from:李通` and the word 社区半径产品专家: run again, it found nothing.
    use chatlore::query::{Field, Filter, Value};
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    let chip = |v: &str| Filter { field: Field::From, value: Value::Text(v.into()), negated: false, narrows: false };
    app.chips = vec![chip("李通，社区半径产品专家"), chip("大卫爸爸楼（不在职场，请打手机）")];
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('b'));
    ctrl(&mut app, 'k');
    typed(&mut app, "名片");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.saved.len(), 1, "{:?}", app.note);
    let saved = app.chips.clone();
    app.chips.clear();
    key(&mut app, KeyCode::Char('B'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips, saved, "the chips come back as they were saved: {:?}", app.note);
    assert_eq!(app.input.text, "对账");
}

#[test]
fn b_saves_the_search_with_its_filters_and_capital_b_runs_or_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('g'));
    app.update(Action::OpenFilters(Some(FilterTab::Groups)));
    typed(&mut app, "payprod");
    key(&mut app, KeyCode::Enter);
    let total = app.results.total;
    assert!(total > 0 && total < 6, "{total}");
    key(&mut app, KeyCode::Char('b'));
    let Some(Overlay::SaveAs { name }) = &app.overlay else { panic!("no prompt: {:?}", app.overlay) };
    assert_eq!(name.text, "对账", "the query is offered as the name");
    ctrl(&mut app, 'k');
    typed(&mut app, "支付对账 b");
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.saved.len(), 1);
    assert_eq!((app.saved[0].name.as_str(), app.saved[0].query.as_str()), ("支付对账 b", "对账"));
    assert_eq!(app.saved[0].filters, vec!["group:payprod".to_owned()]);
    // Elsewhere, another search; B runs the saved one again, filters included.
    app.update(Action::FocusSearch);
    ctrl(&mut app, 'k');
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "网联");
    key(&mut app, KeyCode::Enter);
    assert!(app.chips.is_empty());
    key(&mut app, KeyCode::Char('B'));
    assert!(matches!(app.overlay, Some(Overlay::Saved { selected: 0 })));
    key(&mut app, KeyCode::Enter);
    assert_eq!((app.input.text.as_str(), app.chips.len(), app.results.total), ("对账", 1, total));
    // x deletes it.
    key(&mut app, KeyCode::Char('B'));
    key(&mut app, KeyCode::Char('x'));
    assert!(app.saved.is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Saved { .. })), "the list stays open");
    // Nothing to save: said so.
    key(&mut app, KeyCode::Esc);
    app.update(Action::FocusSearch);
    ctrl(&mut app, 'k');
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('b'));
    assert!(app.overlay.is_none() && app.note.as_deref().unwrap().contains("nothing to save"));
}

#[test]
fn space_marks_several_values_and_enter_applies_them_as_any_of() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Enter);
    app.update(Action::OpenFilters(Some(FilterTab::Groups)));
    let rows = app.current_filter_rows();
    assert!(rows.len() >= 3, "{rows:?}");
    // Space marks and moves down; Space again on a marked one unmarks it.
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    let Some(Overlay::Filters { marked, input, .. }) = &app.overlay else { panic!("the pane closed") };
    assert_eq!(input.text, "", "Space marks, it is not typed");
    assert_eq!(marked, &vec![rows[0].filter.clone(), rows[2].filter.clone()]);
    key(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.chips, vec![rows[0].filter.clone(), rows[2].filter.clone()]);
    assert_eq!(app.results.total as u64, rows[0].count + rows[2].count, "either group (OR within a field)");
}

#[test]
fn y_on_a_discussion_row_cites_the_discussion() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (100, 30));
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('y'));
    let d = app.selected_discussion().unwrap().hit.discussion.clone();
    let Some(Effect::Copy(text)) = app.take_effects().pop() else { panic!("no copy") };
    assert!(text.starts_with(&format!("{} {}–{} · ", d.date, d.start_time, d.end_time)), "{text}");
    assert!(text.contains(&d.title) && text.contains(&format!("{} msgs", d.messages)), "{text}");
    assert!(text.ends_with(&format!("({}:{}-{})", d.path, d.start_line, d.end_line)), "{text}");
}

#[test]
fn without_words_a_discussion_row_shows_its_fullest_central_message() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_on(&demo_archive(), dir.path(), (100, 30));
    assert!(!app.results.discussions.is_empty());
    for row in &app.results.discussions {
        let longest = row.hit.discussion.summary.iter().map(|l| l.text.chars().count()).max();
        let shown = row.best.as_ref().map(|(text, _)| text.chars().count());
        assert_eq!(shown, longest, "{:?}", row.hit.discussion.summary);
    }
}

/// Insights name people, not nicknames, and for a query's words rank them by what they wrote
/// about it (the shared `who` ranking): three bare mentions lose to two answers.
#[test]
fn insights_show_who_knows_about_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    write(
        &archive,
        "g/_posts/2018-01-02-chat.markdown",
        log(
            "2018-01-02",
            &[
                ("09:00:00", "龚晓冬", "结售汇要先在外管局做名录登记，然后银行才给开通结售汇接口"),
                ("09:01:00", "Aaron-携程金融支付PL", "结售汇"),
                ("09:02:00", "Aaron-携程金融支付PL", "结售汇"),
                ("09:03:00", "Aaron-携程金融支付PL", "结售汇"),
                ("09:04:00", "Aaron-携程金融支付PL", "结售汇？"),
                ("09:05:00", "Aaron-携程金融支付PL", "今天天气不错"),
                ("09:06:00", "Aaron-携程金融支付PL", "大家早"),
            ],
        ),
    );
    write(
        &archive,
        "g/_posts/2018-01-03-chat.markdown",
        log(
            "2018-01-03",
            &[(
                "10:00:00",
                "龚晓冬-银商账户-产品-上海",
                "结售汇的交割有实时和日终两种，日终处理的话超限交易要第二天才退回",
            )],
        ),
    );
    let mut app = app_on(&archive, &dir.path().join("index"), (140, 40));
    // Without words: people by their messages, a renamed member's nicknames together.
    app.update(Action::OpenInsights);
    let people = app.insight_rows(InsightSection::Speakers);
    let labels: Vec<&str> = people.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["Aaron", "龚晓冬"], "{people:?}");
    assert_eq!(people[1].count, 2, "both of 龚晓冬's nicknames count");
    key(&mut app, KeyCode::Esc);
    typed(&mut app, "结售汇");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('i'));
    let experts = app.insight_rows(InsightSection::Speakers);
    let labels: Vec<&str> = experts.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["龚晓冬", "Aaron"], "answers before mentions: {experts:?}");
    assert_eq!((experts[0].count, experts[1].count), (2, 4), "each with their matching messages");
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(140, 40)).unwrap();
    terminal.draw(|f| drawn(f, &app)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Who knows"), "{screen}");
    // The evidence of the person in focus: their best message, dated.
    assert!(screen.contains("证据 Evidence · 龚晓冬: 2018-01-0"), "{screen}");
    assert!(experts[0].detail.contains("结售汇") && experts[0].detail.starts_with("2018-01-0"), "{experts:?}");
    // Enter on a person filters by every nickname of theirs.
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.iter().map(ToString::to_string).collect::<Vec<_>>(), ["from:=龚晓冬"]);
    assert_eq!(app.results.total, 2);
}

#[test]
fn a_glossary_form_found_is_highlighted_in_the_conversation_and_n_walks_it() {
    // `reconciliation` finds the demo's 对账 through the glossary: the conversation must
    // highlight what was found, count it as a match and let n/N reach it, as the results do.
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "reconciliation");
    assert_eq!(app.results.total, 6, "the glossary adds 对账");
    assert!(app.results.hits.iter().all(|h| !h.highlights.is_empty()));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().unwrap();
    assert!(c.matches.contains(&c.focus), "the hit is a match of its day: {:?}", c.matches);
    assert!(app.conversation_terms().contains(&"对账"), "{:?}", app.conversation_terms());
    // Discussion rows: the best line's synonym is highlighted too.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    assert!(app.discussions);
    assert!(!app.results.discussions.is_empty());
    for row in &app.results.discussions {
        let (text, ranges) = row.best.as_ref().expect("a best line");
        assert!(!ranges.is_empty(), "nothing highlighted in {text}");
    }
}

#[test]
fn a_log_moved_under_the_open_conversation_is_said_as_such() {
    // The group folder renamed under the browser: the conversation it had open cannot be
    // opened again after the reload. That said as what happened, not as a failed file read.
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let mut app = app_on(arch.path(), idx.path(), (100, 30));
    messages(&mut app);
    typed(&mut app, "断直连");
    assert!(app.results.total > 0);
    app.update(Action::Enter);
    app.update(Action::Enter);
    let open = app.conversation.as_ref().expect("a conversation is open").day.path.clone();
    let group = open.split('/').next().unwrap().to_owned();
    std::fs::rename(arch.path().join(&group), arch.path().join(format!("{group}2"))).unwrap();
    let summary = index(arch.path(), idx.path());
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    let note = app.note.clone().unwrap_or_default();
    assert!(note.starts_with("the open log was moved or removed by the update"), "{note}");
    assert!(app.results.total > 0, "the results are the renamed group's");
}

/// The key table's rows for the search box ([输入 input]) and a few of its list rows, each
/// pressed through the dispatch as a terminal sends it: `←`/`→`, `Home`/`Ctrl-A`,
/// `End`/`Ctrl-E`, `Ctrl-W`, `Ctrl-K`; `Shift-Tab`; `Home`/`End`, `PgDn`/`PgUp`, `Ctrl-U` in
/// the results; `Delete` on a chip; `q` closing an overlay before it quits.
#[test]
fn the_search_box_and_lists_answer_every_editing_and_moving_key_of_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    let press = |app: &mut TestApp, code: KeyCode, modifiers: KeyModifiers| {
        app.dispatch(Event::Key(KeyEvent::new(code, modifiers)));
    };
    for c in "网联 路由".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!((app.input.text.as_str(), app.input.cursor), ("a网联 路由", 1), "Home: start of the input");
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('b'));
    assert_eq!(app.input.text, "a网联 路由b", "End: end of the input");
    ctrl(&mut app, 'a');
    key(&mut app, KeyCode::Char('c'));
    assert_eq!(app.input.text, "ca网联 路由b", "Ctrl-A: start of the input");
    ctrl(&mut app, 'e');
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.input.text, "ca网联 路由bd", "Ctrl-E: end of the input");
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(app.input.text, "ca网联 路由ebd", "←: cursor left, a character at a time");
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.input.text, "ca网联 路由ebfd", "→: cursor right");
    ctrl(&mut app, 'w');
    assert_eq!(app.input.text, "ca网联 d", "Ctrl-W: deletes the word before the cursor");
    ctrl(&mut app, 'k');
    assert_eq!((app.input.text.as_str(), app.input.cursor), ("", 0), "Ctrl-K: clears the input");
    assert_eq!(app.focus, Focus::Search);

    // Tab and Shift-Tab (crossterm's BackTab, with Shift held) walk the panes both ways.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Results);
    press(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.focus, Focus::Search, "Shift-Tab: the previous pane");

    // In the results: End/Home, PgDn/PgUp, Ctrl-U.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Results);
    key(&mut app, KeyCode::End);
    assert_eq!(app.results.selected, 145, "End: the last hit");
    key(&mut app, KeyCode::Home);
    assert_eq!(app.results.selected, 0, "Home: the first");
    key(&mut app, KeyCode::PageDown);
    let page = app.results.selected;
    assert!(page > 1, "PgDn: a page down, not a row ({page})");
    key(&mut app, KeyCode::PageDown);
    assert!(app.results.selected > page);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.results.selected, page, "PgUp: a page up");
    ctrl(&mut app, 'u');
    assert_eq!(app.results.selected, 0, "Ctrl-U: a page up");

    // q closes an overlay first, then quits.
    key(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.overlay, Some(Overlay::Insights { .. })));
    key(&mut app, KeyCode::Char('q'));
    assert!(app.overlay.is_none() && !app.quit, "q: closes the overlay");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit, "q: else quits");

    // Delete removes the selected chip, as x does.
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('d'));
    typed(&mut app, "2018-01-10");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.len(), 1);
    assert_eq!(app.focus, Focus::Results);
    app.update(Action::NextPane);
    assert_eq!(app.focus, Focus::Chips);
    // Enter is not a removal (no key list says so): it goes back to the results, chip kept.
    key(&mut app, KeyCode::Enter);
    assert_eq!((app.chips.len(), app.focus), (1, Focus::Results), "Enter kept the chip");
    app.update(Action::NextPane);
    assert_eq!(app.focus, Focus::Chips);
    key(&mut app, KeyCode::Delete);
    assert!(app.chips.is_empty(), "Delete: removes the selected chip");
}

/// The index folder deleted under an open browser: the next reload fails, and the browser
/// rebuilds the index from the archive (it said `index error: index in …` and stayed so until a
/// log changed or `r` was pressed), then searches again.
#[test]
fn an_index_deleted_under_the_browser_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let index_dir = dir.path().join("index");
    let mut app = app_on(&demo_archive(), &index_dir, (100, 30));
    typed(&mut app, "对账");
    assert_eq!(app.results.total, 6);
    std::fs::remove_dir_all(&index_dir).unwrap();
    app.run(vec![Effect::Reload { always: false }]);
    assert_eq!(app.take_effects(), vec![Effect::StartIndex], "rebuilt: {:?} {:?}", app.index, app.note);
    assert_eq!(app.index, IndexStatus::Checking);
    assert!(app.note.as_deref().is_some_and(|n| n.contains("rebuilding it from the archive")), "{:?}", app.note);
    app.update(Action::Index(IndexEvent::Finished(Box::new(index(&demo_archive(), &index_dir)))));
    assert_eq!(app.index, IndexStatus::Ready);
    app.update(Action::ClearInput);
    typed(&mut app, "对账");
    assert_eq!((app.results.total, app.results.error.as_deref()), (6, None), "{:?}", app.results.error);
    // A second failure right after a rebuild is shown, not rebuilt again in a loop.
    std::fs::remove_dir_all(&index_dir).unwrap();
    app.run(vec![Effect::Reload { always: false }]);
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    // (an update that said it rebuilt, and left no index to read)
    let rebuilt = chatlore::index::Summary { rebuilt: Some("test".into()), ..Default::default() };
    app.update(Action::Index(IndexEvent::Finished(Box::new(rebuilt))));
    assert!(matches!(app.index, IndexStatus::Failed(_)), "{:?}", app.index);
    assert!(app.take_effects().is_empty());
}

/// Backspace while a list has the keyboard edits the search box, as a character typed there is
/// added to it (it did nothing): the results, the conversation, insights, the saved searches
/// (where it deleted the selected search, which no key list said); on an empty box it takes
/// the last chip, as in the box. Lists with a filter of their own keep it: the day list's
/// typed date, the filter pane's input.
#[test]
fn backspace_in_a_list_edits_the_search_box_unless_the_list_has_its_own_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    typed(&mut app, "对账q");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Results);
    key(&mut app, KeyCode::Backspace);
    assert_eq!((app.focus, app.input.text.as_str(), app.results.total), (Focus::Search, "对账", 6), "the results");
    // The cursor was not at the end: the last character still goes, as typing adds at the end.
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    key(&mut app, KeyCode::Backspace);
    assert_eq!((app.focus, app.input.text.as_str(), app.results.total), (Focus::Search, "对账", 6), "the conversation");
    for (open, what) in [('i', "insights"), ('B', "the saved searches")] {
        app.saved = vec![chatlore::tui::app::SavedSearch { name: "s".into(), query: "网联".into(), filters: vec![] }];
        typed(&mut app, " ");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char(open));
        assert!(app.overlay.is_some(), "{what}");
        key(&mut app, KeyCode::Backspace);
        assert!(app.overlay.is_none(), "{what}: closed");
        assert_eq!((app.focus, app.input.text.as_str()), (Focus::Search, "对账"), "{what}");
        assert_eq!(app.saved.len(), 1, "{what}: nothing deleted");
    }
    // The day list: its typed date.
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    for c in "2018".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Backspace);
    let Some(Overlay::Days { typed: date, .. }) = &app.overlay else { panic!("the day list closed") };
    assert_eq!((date.as_str(), app.input.text.as_str()), ("201", "对账"));
    // The filter pane: its own input.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "林");
    key(&mut app, KeyCode::Backspace);
    let Some(Overlay::Filters { input, .. }) = &app.overlay else { panic!("the filter pane closed") };
    assert_eq!((input.text.as_str(), app.input.text.as_str()), ("", "对账"));
    // An empty box: the last chip, from the results as from the box.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('d'));
    typed(&mut app, "2018-01-10");
    key(&mut app, KeyCode::Enter);
    assert_eq!((app.chips.len(), app.focus), (1, Focus::Results));
    app.update(Action::FocusSearch);
    ctrl(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    assert!(app.chips.is_empty(), "the last chip");
    assert_eq!(app.focus, Focus::Search);
}

/// `m` from a discussion whose first matching message ranks far down the messages: 1,100 days
/// of one discussion of 20 messages each, the discussions oldest first, the messages newest
/// first. From the 200th discussion (the last listed) its message, about 18,000 hits down, is
/// selected and previewed (`m` looked through the first 2,000 hits only, and went to the top);
/// from the second, about 22,000 down, past as far as `m` looks
/// ([`chatlore::tui::effect::SEEK_MAX`], 20,000), the top, and the status bar says why.
#[test]
fn m_selects_the_discussions_message_however_far_down_it_ranks() {
    let archive = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let said = ["请问对账文件一般几点到？我们这边经常晚到", "对账文件我们每天早上八点前从通道的服务器下载"];
    for i in 0..1100 {
        let date = format!("{}-{:02}-{:02}", 2014 + i / 336, i / 28 % 12 + 1, i % 28 + 1);
        let times: Vec<String> = (0..20).map(|m| format!("09:{m:02}:00")).collect();
        let messages: Vec<(&str, &str, &str)> =
            times.iter().enumerate().map(|(m, t)| (t.as_str(), ["甲", "乙"][m % 2], said[m % 2])).collect();
        write(archive.path(), &format!("g/_posts/{date}-chat.markdown"), log(&date, &messages));
    }
    let mut app = app_on(archive.path(), dir.path(), (160, 40));
    key(&mut app, KeyCode::Enter);
    // The 200th oldest discussion: its messages far down the newest first.
    for _ in 0..199 {
        key(&mut app, KeyCode::Char('j'));
    }
    assert_eq!(app.results.discussion_selected, 199);
    let last = app.selected_discussion().unwrap().hit.discussion.clone();
    assert_eq!(last.messages, 20, "a day is one discussion: {last:?}");
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.results.total, 22_000);
    let hit = app.selected_hit().unwrap().clone();
    assert_eq!((hit.path.as_str(), hit.line), (last.path.as_str(), last.start_line), "its first message");
    let selected = app.results.selected;
    assert!((17_000..chatlore::tui::effect::SEEK_MAX).contains(&selected), "newest first, far down: {selected}");
    let c = app.conversation.as_ref().unwrap();
    assert_eq!((c.day.path.as_str(), c.day.messages[c.focus].line), (hit.path.as_str(), hit.line), "previewed");
    assert_eq!(app.note, None);
    // And back to it.
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.selected_discussion().unwrap().hit.discussion, last);
    // The second discussion: past SEEK_MAX.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.results.selected, 0);
    let note = app.note.clone().unwrap_or_default();
    assert!(note.contains("not among the first 20000 hits"), "{note}");
}

/// `G` (or `End`) on more hits than are loaded asks the worker for the pages down to the last,
/// which on a large result takes a moment (about 0.4 s for the real archive's 81,916 hits of
/// `group:proddev`, BENCHMARKS.md): meanwhile the last row is selected and says it is loading,
/// and the status bar says which hits are coming (the screen showed no selection at all until
/// they came); `k` meanwhile asks for nothing more. Then the last hit is selected. Where exact
/// copies are folded into their original the list is shorter than the total of hits: `G`
/// selects its last row (it selected past it, nothing).
#[test]
fn capital_g_on_a_large_result_says_it_is_loading_and_selects_the_last_row() {
    let archive = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        let date = format!("2016-01-{:02}", i + 1);
        let times: Vec<String> = (0..10).map(|m| format!("09:{m:02}:00")).collect();
        let mut messages: Vec<(&str, &str, &str)> =
            times.iter().map(|t| (t.as_str(), "甲", "代付通道今天又超时了，大家那边也是吗")).collect();
        // The first message posted twice (the export's copy under another nickname).
        messages.insert(1, (times[0].as_str(), "甲的小号", "代付通道今天又超时了，大家那边也是吗"));
        write(archive.path(), &format!("g/_posts/{date}-chat.markdown"), log(&date, &messages));
    }
    let mut app = app_on(archive.path(), dir.path(), (100, 30));
    messages(&mut app);
    key(&mut app, KeyCode::Enter);
    assert_eq!((app.results.total, app.results.hits.len()), (330, 200));
    let screen = |app: &TestApp| {
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        terminal.draw(|f| drawn(f, app)).unwrap();
        terminal.backend().to_string()
    };
    let asked = app.app.update(Action::Last);
    assert!(matches!(&asked[..], [Effect::Search(job)] if job.offset == 200 && job.until == 329), "{asked:?}");
    let waiting = screen(&app);
    assert!(waiting.contains("330 hits · loading hits 201–330…"), "{waiting}");
    assert!(waiting.contains("hit 330 of 330: loading…"), "{waiting}");
    assert_eq!(app.app.update(Action::Up), vec![], "the pages asked for reach it");
    app.app.update(Action::Last);
    app.run(asked);
    assert_eq!(app.results.hits.len(), 300, "the copies folded");
    assert_eq!(app.results.selected, 299, "the last row");
    assert!(app.selected_hit().is_some());
    let done = screen(&app);
    assert!(!done.contains("loading") && done.contains(" 330 hits · "), "{done}");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.app.update(Action::Last), vec![], "all loaded: nothing more asked");
    assert_eq!(app.results.selected, 299);
}

/// `m` from a discussion under a speaker's chip with nothing typed: the discussion's preview
/// is its first message, which may be someone else's and not among the messages the chip
/// finds; the messages open on the discussion's earliest message the chip finds (they opened
/// at the top, on another day), and preview it.
#[test]
fn m_under_a_speakers_chip_selects_that_speakers_message_in_the_discussion() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    typed(&mut app, "林知远");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.chips.len(), 1);
    assert_eq!(app.focus, Focus::Results);
    // Oldest first: the third is 2017-12-07 14:02–14:15, opened by 周乔.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let d = app.selected_discussion().unwrap().hit.discussion.clone();
    assert_eq!((d.date.as_str(), d.start_time.as_str()), ("2017-12-07", "14:02:10"));
    let c = app.conversation.as_ref().unwrap();
    assert!(c.day.messages[c.focus].speaker.starts_with("周乔"), "the preview: its first message");
    key(&mut app, KeyCode::Char('m'));
    let hit = app.selected_hit().unwrap().clone();
    assert_eq!(hit.path, d.path);
    assert!((d.start_line..=d.end_line).contains(&hit.line), "in the discussion: {hit:?}");
    assert!(hit.speaker.starts_with("林知远"), "{hit:?}");
    let earliest = app.results.hits.iter().filter(|h| h.discussion == d.id()).map(|h| h.line).min();
    assert_eq!(Some(hit.line), earliest, "its earliest message the chip finds");
    let c = app.conversation.as_ref().unwrap();
    assert_eq!((c.day.path.as_str(), c.day.messages[c.focus].line), (hit.path.as_str(), hit.line), "previewed");
    // And back to the discussion.
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.selected_discussion().unwrap().hit.discussion, d);
}

/// A log whose front matter gives another date than its file name (a header copied from the
/// day before) is its own row of the day list, beside the log of that date in its group: each
/// row counts its own messages and opens its own log, told apart by its file, and the title
/// counts both logs. The list was keyed by group and date: one row adding up the two logs'
/// messages, which opened the first log only; the other log could not be opened from it.
#[test]
fn two_logs_of_a_group_dated_alike_are_two_rows_of_the_day_list() {
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    // payprod's 2018-05-30 log holds 9 messages; the next day's log says it is of that day.
    let copied = log("2018-05-30", &[("10:00:00", "访客", "昨天的对账文件今天才到"), ("10:01:00", "陈默", "我们也是")]);
    write(arch.path(), "payprod/_posts/2018-05-31-chat.markdown", copied);
    let mut app = app_on(arch.path(), dir.path(), (100, 30));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    let Some(Overlay::Days { rows, .. }) = &app.overlay else { panic!("no day view") };
    let rows = rows.clone();
    assert_eq!(rows.len(), 13, "a row per log: {rows:?}");
    let top: Vec<(String, &str, &str, u64)> =
        rows[..2].iter().map(|r| (r.date.to_string(), r.group.as_str(), r.path.as_str(), r.messages)).collect();
    assert_eq!(
        top,
        [
            ("2018-05-30".to_owned(), "payprod", "payprod/_posts/2018-05-30-chat.markdown", 9),
            ("2018-05-30".to_owned(), "payprod", "payprod/_posts/2018-05-31-chat.markdown", 2),
        ]
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| drawn(f, &app)).unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("日历 Days · 13 logs with msgs on 12 days"), "{screen}");
    for file in ["2018-05-30-chat.markdown", "2018-05-31-chat.markdown"] {
        assert!(screen.contains(file), "{file} names its row:\n{screen}");
    }
    // Each row opens its own log, and lists its own discussions under it.
    for (i, row) in rows[..2].iter().enumerate() {
        key(&mut app, KeyCode::Char('D'));
        for _ in 0..i {
            key(&mut app, KeyCode::Char('j'));
        }
        let Some(Overlay::Days { titles: Some((path, spans)), .. }) = &app.overlay else { panic!("no titles") };
        assert_eq!(path, &row.path);
        assert_eq!(spans.iter().map(|d| u64::from(d.messages)).sum::<u64>(), row.messages, "{row:?}");
        key(&mut app, KeyCode::Enter);
        let c = app.conversation.as_ref().expect("the log opened");
        assert_eq!((c.day.path.as_str(), c.day.messages.len() as u64), (row.path.as_str(), row.messages));
        key(&mut app, KeyCode::Esc);
    }
}

/// A day arriving while the day list is open: the list shows it once the commit is picked up
/// (it stayed as it was, while the results and counts refreshed), the same day selected.
#[test]
fn an_open_day_list_lists_a_day_that_arrives() {
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let mut app = app_on(arch.path(), dir.path(), (100, 30));
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('D'));
    key(&mut app, KeyCode::Char('j'));
    let days = |app: &TestApp| match &app.overlay {
        Some(Overlay::Days { rows, selected, .. }) => (rows.len(), rows[*selected].clone()),
        _ => panic!("the day list closed"),
    };
    let (n, selected) = days(&app);
    assert_eq!(n, 12);
    write(
        arch.path(),
        "payprod/_posts/2018-06-02-chat.markdown",
        log("2018-06-02", &[("10:00:00", "访客", "外星支付")]),
    );
    index(arch.path(), dir.path());
    app.run(vec![Effect::Reload { always: false }]);
    let (n, now) = days(&app);
    assert_eq!(n, 13, "the new day listed");
    assert_eq!(now, selected, "the same day selected");
    let Some(Overlay::Days { rows, .. }) = &app.overlay else { unreachable!() };
    assert_eq!(rows[0].date.to_string(), "2018-06-02", "newest first");
}

/// A query that does not parse empties the list (its total is 0), whatever was loaded of the
/// one before. A key that moves the selection there asks for nothing: with pages of the last
/// result still unloaded it searched again the last query that parsed, and its hits came back
/// under the error.
#[test]
fn moving_in_the_list_of_a_malformed_query_searches_nothing() {
    let archive = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        let date = format!("2016-01-{:02}", i + 1);
        let times: Vec<String> = (0..10).map(|m| format!("09:{m:02}:00")).collect();
        let messages: Vec<(&str, &str, &str)> =
            times.iter().map(|t| (t.as_str(), "甲", "代付通道今天又超时了，大家那边也是吗")).collect();
        write(archive.path(), &format!("g/_posts/{date}-chat.markdown"), log(&date, &messages));
    }
    let mut app = app_on(archive.path(), dir.path(), (100, 30));
    messages(&mut app);
    typed(&mut app, "代付");
    assert_eq!((app.results.total, app.results.hits.len()), (300, 200));
    typed(&mut app, " \"");
    assert!(app.results.error.as_deref().unwrap_or_default().contains("unclosed quote"), "{:?}", app.results.error);
    assert_eq!(app.results.total, 0);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Results);
    for action in [Action::Down, Action::Last, Action::PageDown] {
        assert_eq!(app.app.update(action), vec![], "nothing to fetch");
    }
    assert!(app.results.error.is_some() && app.results.hits.is_empty());
}

/// An empty search box lists every discussion; one holding only an empty phrase (`""`) says
/// there is nothing to search for, as `chatlore discussions ""` does, rather than listing
/// everything as if it were empty. A chip beside it is something to search for.
#[test]
fn a_search_box_holding_only_an_empty_phrase_has_nothing_to_search_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (100, 30));
    assert_eq!((app.results.discussions_total, app.results.error.as_deref()), (18, None));
    typed(&mut app, "\"\"");
    let error = app.results.error.clone().unwrap_or_default();
    assert!(error.contains("nothing to search for") && error.contains("`\"\"`"), "{error}");
    assert_eq!(app.results.discussions_total, 0);
    app.update(Action::ClearInput);
    assert_eq!((app.results.discussions_total, app.results.error.as_deref()), (18, None));
    typed(&mut app, "  ");
    assert_eq!((app.results.discussions_total, app.results.error.as_deref()), (18, None), "white space is empty");
    app.update(Action::ClearInput);
    typed(&mut app, "\"\" group:payprod");
    assert!(app.results.error.is_none() && app.results.discussions_total > 0, "{:?}", app.results.error);
}

/// In the filter pane letters are its filter, `j` too (a name may hold one): `j j` types `jj`
/// there, and `Enter` with nothing matching says so in the pane (it did nothing, silently);
/// `↓` moves.
#[test]
fn enter_in_the_filter_pane_with_nothing_matching_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = demo_app(&dir);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Down);
    let Some(Overlay::Filters { selected, .. }) = &app.overlay else { panic!("no filter pane") };
    assert_eq!(*selected, 1, "↓ moves");
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let Some(Overlay::Filters { input, .. }) = &app.overlay else { panic!("no filter pane") };
    assert_eq!(input.text, "jj");
    assert!(app.current_filter_rows().is_empty());
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Filters { .. })), "still open");
    let note = app.note.clone().unwrap_or_default();
    assert!(note.contains("nothing on the Speakers tab matches “jj”") && note.contains("↓/↑ move"), "{note}");
    let screen = screen_of(&app);
    assert!(screen.contains("nothing to add: nothing on the Speakers tab matches “jj”"), "in the pane: {screen}");
    assert!(app.chips.is_empty());
}

/// A discussion holds every word of `对账文件 网联 断直连` in one message or another, where no
/// single message holds them all: the results list it as a row to select and open (they
/// counted it in the title and previewed it, and said instead of any row "No messages match"),
/// and the status bar says why there are 0 hits, as a remark on the count.
#[test]
fn a_discussion_holding_the_words_in_several_messages_is_listed_under_0_hits() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 40));
    typed(&mut app, "对账文件 网联 断直连");
    assert_eq!(app.results.total, 0, "no message holds all three");
    assert!(app.results.discussions_total > 0 && app.results.discussions.len() == app.results.discussions_total);
    assert_eq!(app.listed(), app.results.discussions_total);
    let d = app.selected_discussion().expect("a discussion selected").hit.discussion.clone();
    assert_eq!((d.date.as_str(), d.group.as_str()), ("2018-05-30", "payprod"));
    let screen = screen_of(&app);
    assert!(!screen.contains("No messages match"), "{screen}");
    let row = format!("{} {} {}–", d.date, d.group, &d.start_time[..5]);
    assert!(screen.contains(&row), "the row listed: {screen}");
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains(" 0 hits: no message contains all of 对账文件 网联 断直连"), "{status}");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Conversation);
    let c = app.conversation.as_ref().expect("opened");
    assert_eq!((c.day.path.as_str(), c.span.is_some()), (d.path.as_str(), true));
    // After `m`, no message row: then the results say why.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('m'));
    let screen = screen_of(&app);
    assert!(screen.contains("No messages match: no message contains all of 对账文件 网联 断直连"), "{screen}");
}

/// 230 days, each one discussion of two matching messages: the results list the first 200
/// discussions, and the rest as the selection reaches them: `j` past the last one loaded, or
/// `G`, asks for the next ones (the row selected says it is loading meanwhile, and nothing is
/// asked twice); then every discussion the title counts can be selected. The list stopped at
/// the 200th under a title counting 230. The status bar counts every matching message.
#[test]
fn the_results_list_every_discussion_the_title_counts_200_at_a_time() {
    let archive = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dates: Vec<String> =
        (1..=9).flat_map(|m| (1..=28).map(move |d| format!("2017-{m:02}-{d:02}"))).take(230).collect();
    for date in &dates {
        let day = log(
            date,
            &[
                ("09:00:00", "甲", "请问对账文件一般几点到？我们这边经常晚到"),
                ("09:01:00", "乙", "对账文件我们每天早上八点前从通道的服务器下载"),
            ],
        );
        write(archive.path(), &format!("g/_posts/{date}-chat.markdown"), day);
    }
    let mut app = app_on(archive.path(), dir.path(), (160, 40));
    assert!(app.discussions);
    for (query, first) in [("对账", None), ("", Some(&dates[0]))] {
        app.update(Action::FocusSearch);
        app.update(Action::ClearInput);
        typed(&mut app, query);
        assert_eq!(app.results.total, 460, "{query}: the status bar's count: every matching message");
        assert_eq!((app.results.discussions.len(), app.results.discussions_total), (200, 230), "{query}");
        if let Some(first) = first {
            assert_eq!(&app.selected_discussion().unwrap().hit.discussion.date, first, "oldest first");
        }
        key(&mut app, KeyCode::Enter);
        // `j` past the last one loaded: the next ones.
        for _ in 0..199 {
            key(&mut app, KeyCode::Char('j'));
        }
        assert_eq!((app.results.discussion_selected, app.results.discussions.len()), (199, 200), "{query}");
        let asked = app.app.update(Action::Down);
        assert!(
            matches!(&asked[..], [Effect::Search(job)] if job.discussions && job.offset == 200 && job.until == 200),
            "{query}: {asked:?}"
        );
        assert_eq!(app.results.discussion_selected, 200);
        assert!(app.selected_discussion().is_none() && app.results.loading.is_some());
        let waiting = screen_of(&app);
        assert!(waiting.contains(" discussion 201 of 230: loading…"), "{query}: {waiting}");
        assert!(waiting.contains("loading discussions 201–201…"), "{query}: {waiting}");
        // Up and down again: nothing asked twice (the row above is previewed).
        let searches = |effects: Vec<Effect>| effects.into_iter().filter(|e| matches!(e, Effect::Search(_))).count();
        assert_eq!(searches(app.app.update(Action::Up)), 0, "{query}: loaded");
        assert_eq!(searches(app.app.update(Action::Down)), 0, "{query}: being loaded");
        app.run(asked);
        assert_eq!(app.results.discussions.len(), 230, "{query}: the rest, in one page");
        assert_eq!(app.results.discussion_selected, 200);
        let all: std::collections::BTreeSet<String> =
            app.results.discussions.iter().map(|d| d.hit.discussion.path.clone()).collect();
        assert_eq!(all.len(), 230, "{query}: each once");
        let c = app.conversation.as_ref().expect("previewed once it came");
        assert_eq!(c.day.path, app.selected_discussion().unwrap().hit.discussion.path, "{query}");
        // `G`: the last one the title counts.
        key(&mut app, KeyCode::Char('G'));
        assert_eq!(app.results.discussion_selected, 229, "{query}");
        assert!(!screen_of(&app).contains("loading"), "{query}");
        if first.is_some() {
            assert_eq!(&app.selected_discussion().unwrap().hit.discussion.date, dates.last().unwrap(), "the newest");
        }
    }
    // `G` on a list whose next ones are not loaded: asked for down to the last one at once.
    app.update(Action::FocusSearch);
    app.update(Action::ClearInput);
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    let asked = app.app.update(Action::Last);
    assert!(matches!(&asked[..], [Effect::Search(job)] if job.offset == 200 && job.until == 229), "{asked:?}");
    assert!(screen_of(&app).contains(" discussion 230 of 230: loading…"));
    app.run(asked);
    assert_eq!((app.results.discussions.len(), app.results.discussion_selected), (230, 229));
}

/// The row read, left with `Esc` and opened again with `Enter`, is read on where it was, in a
/// narrow terminal as in a wide one (in a narrow one it went back to the row's first match).
/// Once the selection moved (or a new list came), `Enter` opens the row afresh, as the split
/// view's preview shows it.
#[test]
fn the_place_read_in_a_row_is_kept_at_every_width() {
    for size in [(100, 30), (160, 45)] {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app_on(&demo_archive(), dir.path(), size);
        typed(&mut app, "网联");
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus, Focus::Conversation, "{size:?}");
        let opened = app.conversation.as_ref().unwrap().focus;
        for _ in 0..3 {
            key(&mut app, KeyCode::Char('j'));
        }
        let read = app.conversation.as_ref().unwrap().focus;
        assert_eq!(read, opened + 3, "{size:?}");
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.focus, Focus::Results);
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus, Focus::Conversation, "{size:?}");
        assert_eq!(app.conversation.as_ref().unwrap().focus, read, "{size:?}: where it was read");
        // The selection moved and came back: the row afresh.
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Char('k'));
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.conversation.as_ref().unwrap().focus, opened, "{size:?}: the row's first match");
        // A key that moves nothing (`k` on the first row) keeps the place read.
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('k'));
        key(&mut app, KeyCode::Enter);
        key(&mut app, KeyCode::Char('j'));
        let read = app.conversation.as_ref().unwrap().focus;
        key(&mut app, KeyCode::Esc);
        key(&mut app, KeyCode::Char('k'));
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.conversation.as_ref().unwrap().focus, read, "{size:?}: a move that went nowhere");
    }
}

/// A day read from the day list (`D`) is the preview no more once the conversation is left:
/// `Esc` shows the selected row's day again, on its first matching message (the day read
/// stayed beside the selected row until a key moved the selection). The same from `Tab`.
#[test]
fn leaving_a_day_read_from_the_day_list_previews_the_selected_row_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(&demo_archive(), dir.path(), (160, 45));
    let preview = |app: &App| {
        let c = app.conversation.as_ref().expect("a preview");
        (c.day.path.clone(), c.day.messages[c.focus].line)
    };
    let row = |app: &App| {
        let d = app.selected_discussion().expect("a row selected");
        (d.hit.discussion.path.clone(), d.hit.hits[0])
    };
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Down);
    assert_eq!(preview(&app), row(&app));
    for leave in [KeyCode::Esc, KeyCode::Tab] {
        key(&mut app, KeyCode::Char('D'));
        typed_in_a_list(&mut app, "2017-08-15");
        key(&mut app, KeyCode::Enter);
        assert_eq!(app.focus, Focus::Conversation);
        let c = app.conversation.as_ref().unwrap();
        assert_eq!((c.day.date.to_string(), c.focus), ("2017-08-15".to_owned(), 0), "the day read from its start");
        assert_ne!(preview(&app), row(&app));
        key(&mut app, leave);
        assert_ne!(app.focus, Focus::Conversation, "{leave:?}");
        assert_eq!(preview(&app), row(&app), "{leave:?}: the selected row previewed");
        assert!(app.conversation.as_ref().unwrap().span.is_some(), "{leave:?}: its span marked");
        app.update(Action::FocusSearch);
        key(&mut app, KeyCode::Down);
    }
}

/// Characters typed outside any input, as the keys send them.
fn typed_in_a_list(app: &mut TestApp, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Two nicknames of one person (`people` joins them: the same name and company) are one row
/// of the speaker pane, counting their messages once, with the other nickname beside it; they
/// were two rows with one count.
#[test]
fn the_speaker_pane_lists_a_person_once_with_their_other_nicknames() {
    let archive = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let day = |date: &str, who: &str| {
        log(date, &[("09:00:00", who, "对账文件今天又晚到了"), ("09:01:00", "乙-某银行", "我们也是，对账差错好多")])
    };
    write(archive.path(), "g/_posts/2017-06-01-chat.markdown", day("2017-06-01", "张泽雄-民生金服 项目总监"));
    write(archive.path(), "g/_posts/2017-06-02-chat.markdown", day("2017-06-02", "张泽雄-民生金服"));
    write(archive.path(), "g/_posts/2017-06-03-chat.markdown", day("2017-06-03", "张泽雄-民生金服"));
    let mut app = app_on(archive.path(), dir.path(), (160, 40));
    let people = app.catalog.as_ref().unwrap().people.clone();
    let person = people.of("张泽雄-民生金服").expect("known");
    assert_eq!(person.aliases.len(), 2, "one person: {person:?}");
    typed(&mut app, "对账");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    for typed_there in ["", "张泽"] {
        app.update(Action::ClearInput);
        typed(&mut app, typed_there);
        let rows = app.current_filter_rows();
        let his: Vec<_> = rows.iter().filter(|r| r.label.starts_with("张泽雄")).collect();
        assert_eq!(his.len(), 1, "{typed_there:?}: one row: {rows:?}");
        let row = his[0];
        assert_eq!((row.label.as_str(), row.count), ("张泽雄-民生金服", 3), "{typed_there:?}: most messages here");
        assert!(row.detail.contains("also 张泽雄-民生金服 项目总监"), "{typed_there:?}: {row:?}");
        assert_eq!(rows.len(), if typed_there.is_empty() { 2 } else { 1 }, "{rows:?}");
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.results.total, 3, "the chip finds both nicknames' messages");
}
