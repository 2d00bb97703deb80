//! Frames of the browser's main states on ratatui's `TestBackend` (80×24, the smallest size it
//! must be usable at, and a wide one), checked as insta snapshots. Query times are redacted.

mod common;

use chatlore::tui::action::{Action, CopyOutcome, FilterTab, IndexEvent};
use chatlore::tui::app::App;
use chatlore::tui::effect::Effect;
use chatlore::tui::worker::Executor;
use chatlore::tui::{run_loop, ui, Events};
use common::tui::TestApp;
use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::PathBuf;
use std::time::Duration;

/// The browser on the demo archive, its index open; results list discussions (the default).
fn app(dir: &tempfile::TempDir, size: (u16, u16)) -> TestApp {
    let summary = index(&demo_archive(), dir.path());
    // A relative archive path keeps temp folder names out of the frames.
    let mut app = TestApp::new(&PathBuf::from("archive"), dir.path(), size);
    app.executor = Executor::new(demo_archive(), dir.path().to_owned(), std::sync::mpsc::channel().0);
    app.start();
    app.take_effects();
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    app
}

/// The same, its results listing messages (`m`).
fn messages_app(dir: &tempfile::TempDir, size: (u16, u16)) -> TestApp {
    let mut app = app(dir, size);
    app.update(Action::ToggleDiscussions);
    app
}

/// The browser on `archive`, indexed into `dir`, its index open (100 × 24).
fn indexed_app(archive: &std::path::Path, dir: &tempfile::TempDir) -> TestApp {
    let summary = index(archive, dir.path());
    let mut app = TestApp::new(archive, dir.path(), (100, 24));
    app.start();
    app.take_effects();
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    app
}

fn typed(app: &mut TestApp, text: &str) {
    text.chars().for_each(|c| app.update(Action::Input(c)));
}

fn frame(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal
        .draw(|f| {
            ui::draw(f, app);
        })
        .unwrap();
    terminal.backend().to_string()
}

macro_rules! snap {
    ($name:expr, $app:expr) => {
        insta::with_settings!({ filters => vec![(r"\d+\.\d+ ms(.*?) +index", "[t] ms$1 … index")] }, {
            insta::assert_snapshot!($name, frame(&$app));
        })
    };
}

#[test]
fn start_before_the_index_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::new(PathBuf::from("archive"), dir.path().join("index"), (80, 24));
    snap!("start", app);
}

#[test]
fn an_empty_archive_says_how_to_fill_it() {
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let summary = index(arch.path(), dir.path());
    // The index answers only for the archive it was built from: the browser is on that one
    // (its temporary path, with the padding after it, shown as `[archive]`).
    let mut app = TestApp::new(arch.path(), dir.path(), (80, 24));
    app.start();
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    let filters =
        vec![(r"\d+\.\d+ ms", "[t] ms"), (r"\S*\.tmp\w+ has no messages yet\. *", "[archive] has no messages yet. ")];
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!("empty_archive", frame(&app));
    });
}

#[test]
fn first_build_shows_progress() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = TestApp::new(&PathBuf::from("archive"), &dir.path().join("index"), (80, 24));
    app.start();
    app.update(Action::Index(IndexEvent::Started(11)));
    app.update(Action::Index(IndexEvent::Advanced(4)));
    snap!("first_build", app);
}

#[test]
fn results_conversation_and_empty_states() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (80, 24));
    snap!("everything_newest_first", app);
    typed(&mut app, "对账");
    snap!("results", app);
    app.update(Action::Enter);
    app.update(Action::Down);
    app.update(Action::Enter);
    snap!("conversation", app);
    app.update(Action::FocusSearch);
    app.update(Action::ClearInput);
    typed(&mut app, "量子纠缠");
    snap!("no_hits", app);
    app.update(Action::ClearInput);
    typed(&mut app, "from:\"Kevin");
    snap!("malformed_query", app);
}

#[test]
fn filter_panes_each_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (80, 24));
    typed(&mut app, "跨境");
    app.update(Action::Enter);
    for (tab, name) in [
        (FilterTab::Dates, "filters_dates"),
        (FilterTab::Speakers, "filters_speakers"),
        (FilterTab::Topics, "filters_topics"),
        (FilterTab::Groups, "filters_groups"),
    ] {
        app.update(Action::OpenFilters(Some(tab)));
        snap!(name, app);
        app.update(Action::Back);
    }
    app.update(Action::OpenFilters(Some(FilterTab::Speakers)));
    typed(&mut app, "fang");
    snap!("filters_speakers_fuzzy", app);
    app.update(Action::Enter);
    snap!("results_with_chip", app);
}

#[test]
fn insights_days_help_and_citation() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (80, 24));
    app.update(Action::Enter);
    app.update(Action::OpenInsights);
    snap!("insights_80x24", app);
    app.update(Action::Back);
    app.update(Action::OpenDays);
    snap!("days", app);
    app.update(Action::Back);
    app.update(Action::OpenHelp);
    snap!("help", app);
    typed(&mut app, "match");
    snap!("help_filtered", app);
    app.update(Action::Back);
    app.update(Action::Copy);
    let Some(Effect::Copy(text)) = app.take_effects().pop() else { panic!("no copy asked for") };
    app.update(Action::Copied {
        outcome: CopyOutcome::Failed("no clipboard tool, and TERM=dumb cannot take OSC 52".into()),
        text,
    });
    snap!("citation", app);
}

#[test]
fn wide_terminal_shows_results_beside_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (140, 30));
    typed(&mut app, "网联");
    app.update(Action::Enter);
    app.update(Action::Down);
    snap!("split_view", app);
    app.update(Action::OpenInsights);
    snap!("insights_wide", app);
}

#[test]
fn a_narrow_conversation_title_keeps_where_the_reader_is() {
    // Beside the results (the split view of a 120-column terminal) the title was cut at the
    // pane's edge: `… · 5/9 · match 1/1 · discussion 1–` or `… · discussion 21` (of 218–223).
    // It gives up whole parts, the least important first: the group's display name, the
    // discussion's span (the margin marks it), the group, the date; the pane's name stays (it
    // was given up before the span).
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, (120, 30));
    typed(&mut app, "对账");
    app.update(Action::Enter);
    let screen = frame(&app);
    let top = screen.lines().find(|l| l.contains("┐┌")).expect("two panes side by side").to_owned();
    let conversation = app.conversation.as_ref().expect("the preview is open");
    assert!(conversation.span.is_some(), "a discussion opened");
    assert!(top.contains("┐┌ 对话 "), "the pane's name: {top}");
    assert!(!top.contains("discussion"), "the span given up whole: {top}");
    assert!(top.contains(" · match "), "{top}");
    assert!(top.contains(&conversation.day.date.to_string()), "{top}");
}

#[test]
fn the_status_bar_keeps_its_two_sides_apart_at_any_width() {
    // Below 58 columns the note ran into the index state: `citation sent to thindex ✓ …`.
    let dir = tempfile::tempdir().unwrap();
    let note = "citation sent to the terminal (OSC 52)";
    for width in 30..=100u16 {
        let mut app = app(&dir, (width, 12));
        app.note = Some(note.to_owned());
        let screen = frame(&app);
        let status = screen.lines().last().expect("a status line").to_owned();
        assert!(status.contains(" index ✓"), "{width}: {status}");
        assert!(status.contains(note) || status.contains("… index ✓"), "{width}: {status}");
        // From 80 columns (the smallest the browser is made for) the note fits whole beside
        // the hit count, which it no longer replaces.
        assert!(status.starts_with("\" 146 hits"), "{width}: {status}");
        if width >= 80 {
            assert!(status.contains(note) && status.contains("index ✓ 12 logs · 146 msgs"), "{width}: {status}");
        }
    }
}

/// Events from a list (`None`: the wait ran out), then nothing.
struct Script(Vec<Option<Event>>);

impl Events for Script {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<Event>> {
        Ok(if self.0.is_empty() { None } else { self.0.remove(0) })
    }
}

#[test]
fn the_loop_runs_on_any_backend_until_quit() {
    let dir = tempfile::tempdir().unwrap();
    let summary = index(&demo_archive(), dir.path());
    let mut app = App::new(demo_archive(), dir.path().to_owned(), (80, 24));
    let key = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    // Quiet moments between keys let the answers in, as time does.
    let mut events =
        Script(vec![None, None, Some(key('对')), Some(key('账')), None, None, Some(enter), None, Some(key('q'))]);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // The worker's executor, answering through the loop's reports as the thread would.
    let (tx, _index_reports) = std::sync::mpsc::channel();
    let mut executor = Executor::new(demo_archive(), dir.path().to_owned(), tx);
    let answers = std::cell::RefCell::new(vec![Action::Index(IndexEvent::Finished(Box::new(summary)))]);
    let mut outside = Vec::new();
    let start = app.start();
    run_loop(
        &mut terminal,
        &mut app,
        &mut events,
        start,
        |e| {
            match e {
                Effect::StartIndex | Effect::Copy(_) => outside.push(e),
                e => answers.borrow_mut().extend(executor.run(e)),
            }
            None
        },
        || std::mem::take(&mut *answers.borrow_mut()),
        |_| {},
    )
    .unwrap();
    assert!(app.quit);
    assert_eq!(outside, vec![Effect::StartIndex]);
    assert_eq!(app.results.total, 6);
    let last = app.drawn.expect("the loop keeps the layout it drew");
    assert_eq!(last, app.panes());
    assert_eq!((last.area.width, last.area.height, last.main), (80, 24, chatlore::tui::layout::Main::Results));
    insta::with_settings!({ filters => vec![(r"\d+\.\d+ ms(.*?) +index", "[t] ms$1 … index")] }, {
        insta::assert_snapshot!("loop_last_frame", terminal.backend().to_string());
    });
}

#[test]
fn discussions_in_the_results_and_one_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir, (80, 24));
    typed(&mut app, "对账");
    app.update(Action::Enter);
    assert!(app.discussions, "results list discussions by default");
    snap!("discussions", app);
    app.update(Action::Enter);
    snap!("discussion_opened", app);
    let dir2 = tempfile::tempdir().unwrap();
    let mut wide = self::app(&dir2, (140, 30));
    typed(&mut wide, "对账");
    wide.update(Action::Enter);
    wide.update(Action::Down);
    snap!("discussions_wide", wide);
}

#[test]
fn the_day_view_counts_logs_with_messages_not_the_archive_s_logs() {
    // A log of a day nobody spoke (the real archive has 22 of 542) is not a row of the day
    // view: its title said "1 log" while the status bar said "index ✓ 2 logs".
    let arch = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2018-03-17-chat.markdown", log("2018-03-17", &[("10:00:00", "甲", "对账")]));
    write(arch.path(), "g/_posts/2018-03-18-chat.markdown", "---\ndate: 2018-03-18 12:00:00\n---\n\n");
    let dir = tempfile::tempdir().unwrap();
    let mut app = indexed_app(arch.path(), &dir);
    let shown = frame(&app);
    assert!(shown.contains("index ✓ 2 logs"), "{shown}");
    app.update(Action::OpenDays);
    let days = frame(&app);
    assert!(days.contains("Days · 1 log with msgs on 1 day ·"), "{days}");
}

/// A count of one is singular in the browser too: the status bar, a discussion row, the day
/// list and a discussion's citation (`1 log · 1 msg`, `1 msg · 1 person`, never `1 msgs`).
#[test]
fn counts_of_one_are_singular_in_the_browser() {
    let arch = tempfile::tempdir().unwrap();
    write(
        arch.path(),
        "g/_posts/2018-03-17-chat.markdown",
        log("2018-03-17", &[("10:00:00", "甲", "对账文件怎么统一？")]),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut app = indexed_app(arch.path(), &dir);
    typed(&mut app, "对账");
    let shown = frame(&app);
    assert!(shown.contains("index ✓ 1 log · 1 msg"), "{shown}");
    assert!(shown.contains("10:00–10:00 · 1 msg · 1 person ·"), "{shown}");
    assert!(app.citation().is_some_and(|c| c.contains(" · 1 msg · 1 person (")), "{:?}", app.citation());
    app.update(Action::OpenDays);
    let days = frame(&app);
    assert!(days.contains("1 log with msgs on 1 day ·"), "{days}");
    for wrong in ["1 msgs", "1 people", "1 logs", "1 days", "1 hits"] {
        assert!(!shown.contains(wrong) && !days.contains(wrong), "{wrong}: {shown}{days}");
    }
}

/// A chip added from the filter pane changes the results: the status bar counts them, with
/// what was added beside the count (the note once took the count's place until the next key).
#[test]
fn the_status_bar_counts_the_hits_after_a_chip_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (100, 24));
    typed(&mut app, "对账");
    app.update(Action::Enter);
    let status = |app: &App| frame(app).lines().last().unwrap_or_default().to_owned();
    assert!(status(&app).contains("6 hits"), "{}", status(&app));
    app.update(Action::OpenFilters(Some(FilterTab::Groups)));
    typed(&mut app, "crossborder");
    app.update(Action::Enter);
    assert_eq!(app.chips.len(), 1);
    let line = status(&app);
    assert!(line.contains(&format!(" {} hits · added group:", app.results.total)), "{line}");
    assert!(app.results.total < 6, "the chip narrowed the results: {line}");
}

/// More chips than the line holds: the selected one scrolls into view and the line says how
/// many are out of it (the row was cut at its end, so `l` walked the selection off screen and
/// `x` removed a chip the reader could not see).
#[test]
fn chips_past_the_line_s_end_scroll_into_view_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (80, 24));
    let query = "group:payprod topic:routing topic:对账差错 date:2017-08 kind:text from:=陈默 org:=银信支付 from:=老K-易结算-架构师";
    app.chips = chatlore::query::Query::parse(query).unwrap().filters;
    app.update(Action::Enter);
    let chips_row = |app: &App| frame(app).lines().nth(1).unwrap_or_default().to_owned();
    let row = chips_row(&app);
    assert!(row.contains("[group:payprod ×]") && row.contains('›') && !row.contains("老K"), "{row}");
    app.update(Action::NextPane);
    assert_eq!(app.focus, chatlore::tui::app::Focus::Chips);
    for _ in 0..7 {
        app.update(Action::Down);
    }
    assert_eq!(app.chip_selected, 7);
    let row = chips_row(&app);
    assert!(row.contains("[from:=老K-易结算-架构师 ×]") && row.contains('‹'), "{row}");
    assert!(!row.contains("group:payprod"), "{row}");
}

/// An index error is shown whole where there is room: it was cut at 38 columns (`index error:
/// index in idx/gen-7df7d2…`), so its reason and file never showed.
#[test]
fn an_index_error_is_shown_whole_when_the_line_has_room() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = messages_app(&dir, (140, 24));
    let error = "index in idx/gen-7df7d25983f03272: Failed to acquire Lockfile: No such file or directory";
    app.index = chatlore::tui::app::IndexStatus::Failed(error.to_owned());
    let screen = frame(&app);
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains(&format!("index error: {error}")), "{status}");
    assert!(status.contains(" 146 hits"), "the left side keeps its count: {status}");
}
