//! Browser benchmarks, written to BENCHMARKS.md (the Browser section):
//!
//! 1. The real archive, per terminal size: the first frame (`App::new` + a draw), the first
//!    results (the index opened and listed by the worker's executor, drawn), and per keystroke
//!    of a scripted session (typing each term of `../shared/queries.txt`, moving through the
//!    results, opening conversations and filter panes, insights): the echo frame (`update` +
//!    a full draw: what the screen shows at once, `update` never searching) and the results
//!    frame (the effects that key asked for carried out, their answers applied, drawn again).
//! 2. Synthetic archives (`chatlore generate`, 1× and 10×; 100× too with `CHATLORE_SCALES=1,10,100`):
//!    the real loop's split, a worker thread searching while keys are typed 20 ms apart: each
//!    key's echo frame, how many keys were typed while a search ran, and the time from a term's
//!    last key to its results on screen.
//! 3. The first frame from process start in a real terminal: tmux runs the release binary; the
//!    screen is read until the search box shows (an upper bound: each read takes a few ms).
//!
//! `cargo bench --bench tui`; `CHATLORE_TUI_PARTS=scale CHATLORE_SCALES=100` runs only the
//! synthetic part at 100× (its own section of BENCHMARKS.md, beside that of 1× and 10×).

#[path = "report.rs"]
mod report;

use chatlore::tui::action::{Action, FilterTab, IndexEvent};
use chatlore::tui::app::App;
use chatlore::tui::effect::Effect;
use chatlore::tui::ui;
use chatlore::tui::worker::{settle, Executor, Worker};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use report::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn draw(terminal: &mut Terminal<TestBackend>, app: &mut App) {
    let mut drawn = None;
    terminal.draw(|f| drawn = Some(ui::draw(f, app))).unwrap();
    app.drawn = drawn;
}

/// The scripted session's actions for one term.
fn session(q: &str) -> Vec<Action> {
    let mut v: Vec<Action> = q.chars().map(Action::Input).collect();
    v.push(Action::Back);
    v.extend(std::iter::repeat_n(Action::Down, 5));
    v.push(Action::Enter);
    v.extend(std::iter::repeat_n(Action::Down, 5));
    v.extend([Action::NextMatch, Action::Back, Action::OpenFilters(Some(FilterTab::Speakers))]);
    v.extend([Action::Input('z'), Action::Back, Action::FocusSearch]);
    v.extend(q.chars().map(|_| Action::Backspace));
    // Insights over the whole archive (facets of every message).
    v.extend([Action::OpenInsights, Action::Back]);
    v
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let archive = real_archive();
    let queries = queries();
    let work = tempfile::tempdir().unwrap();
    let index = work.path().join("real-index");
    let summary =
        chatlore::index::update(&archive, &index, &Default::default(), &chatlore::index::writer::Silent).unwrap();

    let parts = std::env::var("CHATLORE_TUI_PARTS").unwrap_or_else(|_| "real,scale".into());
    if parts.contains("real") {
        real(&archive, &index, &summary, &queries);
    }
    if parts.contains("scale") {
        scale(&archive, &queries, work.path());
    }
}

fn real(archive: &Path, index: &Path, summary: &chatlore::index::Summary, queries: &[String]) {
    let (archive, index) = (archive.to_owned(), index.to_owned());
    let mut real_rows = Vec::new();
    for size in [(80u16, 24u16), (120, 40), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        let first_frame = Samples::collect(20, || {
            time(|| {
                let mut app = App::new(archive.clone(), index.clone(), size);
                draw(&mut terminal, &mut app);
            })
        });
        let (tx, _reports) = std::sync::mpsc::channel();
        let first_results = Samples::collect(20, || {
            time(|| {
                let mut app = App::new(archive.clone(), index.clone(), size);
                let mut executor = Executor::new(archive.clone(), index.clone(), tx.clone());
                let start = app.start();
                settle(&mut app, &mut executor, start);
                draw(&mut terminal, &mut app);
            })
        });
        let mut app = App::new(archive.clone(), index.clone(), size);
        let mut executor = Executor::new(archive.clone(), index.clone(), tx.clone());
        let start = app.start();
        settle(&mut app, &mut executor, start);
        let finished = app.update(Action::Index(IndexEvent::Finished(Box::new(summary.clone()))));
        settle(&mut app, &mut executor, finished);
        let (mut echo, mut full) = (Vec::new(), Vec::new());
        for _round in 0..3 {
            for q in queries {
                for a in session(q) {
                    let t = Instant::now();
                    let effects = app.update(a);
                    draw(&mut terminal, &mut app);
                    echo.push(t.elapsed());
                    settle(&mut app, &mut executor, effects);
                    draw(&mut terminal, &mut app);
                    full.push(t.elapsed());
                }
            }
        }
        echo.sort();
        full.sort();
        let (echo, full) = (Samples(echo), Samples(full));
        real_rows.push(format!(
            "| {}×{} | {} | {} | {} | {} | {} | {} | {} | {} |",
            size.0,
            size.1,
            us(first_frame.median()),
            ms(first_results.median()),
            echo.0.len(),
            ms(echo.median()),
            ms(echo.pct(99.0)),
            ms(*echo.0.last().unwrap()),
            ms(full.median()),
            ms(full.pct(99.0)),
        ));
    }

    let body = format!(
        "## Browser (issues 3 and 9)\n\n\
Machine: {}. Command: `cargo bench --bench tui` (release). `update` never reads the disk or the\n\
index: it changes the state and returns effects, which one worker thread carries out.\n\n\
**Real archive** (`../shared/archive`, 92,240 messages). Per key of a scripted session (each term of\n\
`../shared/queries.txt` typed character by character, moving through the results, opening the\n\
conversation, `n`, the speaker pane with a fuzzy filter, erasing the term, insights on the whole\n\
archive; three rounds): the *echo* frame is `update` plus a full redraw on `TestBackend` (what\n\
the screen shows at once); the *results* frame adds the effects that key asked for, carried out\n\
in the same thread by the worker's executor, their answers applied and drawn. Targets: first frame\n\
≤ 100 ms, keystroke → frame p99 ≤ 16 ms.\n\n\
| terminal | first frame (median) | first results: open + list + draw (median) | keys | echo p50 | echo p99 | echo max | results p50 | results p99 |\n\
| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n{}\n",
        machine(),
        real_rows.join("\n"),
    );
    write_section("tui", &body);
}

fn scale(real: &Path, queries: &[String], work: &Path) {
    let scales: Vec<usize> = std::env::var("CHATLORE_SCALES")
        .unwrap_or_else(|_| "1,10".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let model = chatlore::generate::Model::learn(real).unwrap();
    let mut scale_rows = Vec::new();
    let mut first_frames = Vec::new();
    for scale in scales {
        let archive = work.join(format!("archive-{scale}x"));
        let index = work.join(format!("index-{scale}x"));
        let (_, messages) = model.write(&archive, scale, 2017).unwrap();
        let built = chatlore(&archive, &index).arg("index").output().unwrap();
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        let typing = typing_while_searching(&archive, &index, queries);
        scale_rows.push(format!(
            "| {scale}× | {messages} | {} | {} | {} | {} | {} | {} | {} |",
            typing.echo.0.len(),
            typing.busy,
            ms(typing.echo.median()),
            ms(typing.echo.pct(99.0)),
            ms(*typing.echo.0.last().unwrap()),
            ms(typing.results.median()),
            ms(typing.results.pct(99.0)),
        ));
        if let Some(f) = first_frame_in_tmux(&archive, &index, work) {
            first_frames.push(format!(
                "| {scale}× | {} | {} | {} |",
                f.0.len(),
                ms(f.median()),
                ms(*f.0.last().unwrap())
            ));
        }
        eprintln!("{scale}×: {}", scale_rows.last().unwrap());
        let _ = std::fs::remove_dir_all(&archive);
        let _ = std::fs::remove_dir_all(&index);
    }

    let label: Vec<String> = std::env::var("CHATLORE_SCALES")
        .unwrap_or_else(|_| "1,10".into())
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    let body = format!(
        "### Browser at scale ({}×)\n\n\
Machine: {}. Command: `CHATLORE_SCALES={} cargo bench --bench tui` (release).\n\n\
**Synthetic archives** (`chatlore generate`, the real archive's statistics). The loop's own split:\n\
a real worker thread searches while each term of `../shared/queries.txt` is typed a key every\n\
20 ms (120×40); *echo* is each key's `update` + draw; *keys while a search ran* counts those typed\n\
while an answer was awaited; *results* is from a term's last key to its results drawn. Target:\n\
echo ≤ 16 ms even while a slower search runs.\n\n\
| scale | messages | keys | keys while a search ran | echo p50 | echo p99 | echo max | results p50 | results p99 |\n\
| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n{}\n\n\
**First frame from process start in a real terminal**: tmux (120×40) runs `date +%s%N; exec chatlore`\n\
on the archive and its screen is read in a loop until the search box shows; each read costs a few\n\
ms, so these are upper bounds. Target ≤ 100 ms.\n\n\
| archive | runs | median | max |\n| --- | --- | --- | --- |\n{}\n",
        label.join("×, "),
        machine(),
        label.join(","),
        scale_rows.join("\n"),
        first_frames.join("\n"),
    );
    write_section(&format!("tui-scale-{}", label.join("-")), &body);
}

struct Typing {
    echo: Samples,
    busy: usize,
    results: Samples,
}

/// Types each query a key every 20 ms into a browser whose worker thread searches, as the loop
/// does: answers are applied and drawn as they come, between keys.
fn typing_while_searching(archive: &Path, index: &Path, queries: &[String]) -> Typing {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut app = App::new(archive.to_owned(), index.to_owned(), (120, 40));
    let worker = Worker::new(archive.to_owned(), index.to_owned());
    let send = |effects: Vec<Effect>| {
        for e in effects.into_iter().filter(|e| !matches!(e, Effect::StartIndex)) {
            worker.send(e);
        }
    };
    send(app.start());
    let settle_until = |app: &mut App, terminal: &mut Terminal<TestBackend>, until: Instant| loop {
        let left = until.saturating_duration_since(Instant::now());
        match worker.rx.recv_timeout(left.max(Duration::from_micros(1))) {
            Ok(answer) => {
                send(app.update(answer));
                draw(terminal, app);
            }
            Err(_) if Instant::now() >= until => return,
            Err(_) => {}
        }
    };
    let idle = |app: &mut App, terminal: &mut Terminal<TestBackend>| {
        while app.catalog.is_none() || app.waiting() {
            let answer = worker.rx.recv_timeout(Duration::from_secs(60)).expect("the worker answers");
            send(app.update(answer));
            draw(terminal, app);
        }
    };
    idle(&mut app, &mut terminal);
    let (mut echo, mut results, mut busy) = (Vec::new(), Vec::new(), 0);
    for q in queries {
        let keys: Vec<char> = q.chars().collect();
        for (i, c) in keys.iter().enumerate() {
            busy += usize::from(app.waiting());
            let pressed = Instant::now();
            let effects = app.update(Action::Input(*c));
            draw(&mut terminal, &mut app);
            echo.push(pressed.elapsed());
            send(effects);
            if i + 1 < keys.len() {
                settle_until(&mut app, &mut terminal, pressed + Duration::from_millis(20));
            } else {
                // The term's last key: until its results are drawn.
                idle(&mut app, &mut terminal);
                results.push(pressed.elapsed());
            }
        }
        send(app.update(Action::ClearInput));
        idle(&mut app, &mut terminal);
    }
    echo.sort();
    results.sort();
    Typing { echo: Samples(echo), busy, results: Samples(results) }
}

/// Milliseconds from process start to the first frame in tmux, ten runs; `None` without tmux.
fn first_frame_in_tmux(archive: &Path, index: &Path, work: &Path) -> Option<Samples> {
    let socket = format!("chatlore-bench-{}", std::process::id());
    // UTF-8 whatever the locale (`-u`), no user configuration.
    let tmux = |args: &[&str]| Command::new("tmux").args(["-u", "-L", &socket, "-f", "/dev/null"]).args(args).output();
    tmux(&["-V"]).ok()?;
    let mut samples = Vec::new();
    for run in 0..10 {
        let start_file = work.join(format!("start-{run}"));
        let command = format!(
            "date +%s%N > {}; LANG=C.UTF-8 CHATLORE_DATA_DIR={} exec {} --archive {} --index {}",
            start_file.display(),
            work.join("data").display(),
            env!("CARGO_BIN_EXE_chatlore"),
            archive.display(),
            index.display()
        );
        let name = format!("ff{run}");
        tmux(&["new-session", "-d", "-s", &name, "-x", "120", "-y", "40", &command]).ok()?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let seen = loop {
            let out = tmux(&["capture-pane", "-p", "-t", &name]).ok()?;
            if String::from_utf8_lossy(&out.stdout).contains("搜索 ›") {
                break std::time::SystemTime::now();
            }
            if Instant::now() > deadline {
                let _ = tmux(&["kill-server"]);
                return None;
            }
        };
        let started: u128 = std::fs::read_to_string(&start_file).ok()?.trim().parse().ok()?;
        let seen = seen.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        samples.push(Duration::from_nanos(seen.saturating_sub(started) as u64));
        let _ = tmux(&["kill-session", "-t", &name]);
    }
    let _ = tmux(&["kill-server"]);
    samples.sort();
    Some(Samples(samples))
}
