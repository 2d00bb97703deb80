//! Browser benchmarks on the real archive, written to BENCHMARKS.md: time to the first frame,
//! time to the first results, and keystroke → redrawn frame latency (`App::update` + a full
//! draw on ratatui's `TestBackend`) over typing every term of `../shared/queries.txt`,
//! moving through results, opening conversations and filter panes.
//!
//! `cargo bench --bench tui`

#[path = "report.rs"]
mod report;

use chatlore::tui::action::{Action, FilterTab, IndexEvent};
use chatlore::tui::app::App;
use chatlore::tui::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use report::*;
use std::time::{Duration, Instant};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let archive = real_archive();
    let queries = queries();
    let dir = tempfile::tempdir().unwrap();
    let summary =
        chatlore::index::update(&archive, dir.path(), &Default::default(), &chatlore::index::writer::Silent).unwrap();

    let mut rows = Vec::new();
    for size in [(80u16, 24u16), (120, 40), (200, 60)] {
        let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
        // First frame: nothing opened yet.
        let first_frame = Samples::collect(20, || {
            time(|| {
                let app = App::new(archive.clone(), dir.path().to_owned(), size);
                terminal
                    .draw(|f| {
                        ui::draw(f, &app);
                    })
                    .unwrap();
            })
        });
        // First results: open the index, list everything newest first, draw.
        let first_results = Samples::collect(20, || {
            time(|| {
                let mut app = App::new(archive.clone(), dir.path().to_owned(), size);
                app.start();
                terminal
                    .draw(|f| {
                        ui::draw(f, &app);
                    })
                    .unwrap();
            })
        });
        let mut app = App::new(archive.clone(), dir.path().to_owned(), size);
        app.start();
        app.update(Action::Index(IndexEvent::Finished(Box::new(summary.clone()))));
        let mut lat: Vec<Duration> = Vec::new();
        let mut step = |app: &mut App, a: Action| {
            let t = Instant::now();
            app.update(a);
            terminal
                .draw(|f| {
                    ui::draw(f, app);
                })
                .unwrap();
            lat.push(t.elapsed());
        };
        for _round in 0..3 {
            for q in &queries {
                for c in q.chars() {
                    step(&mut app, Action::Input(c));
                }
                step(&mut app, Action::Back);
                for _ in 0..5 {
                    step(&mut app, Action::Down);
                }
                step(&mut app, Action::Enter);
                for _ in 0..5 {
                    step(&mut app, Action::Down);
                }
                step(&mut app, Action::NextMatch);
                step(&mut app, Action::Back);
                step(&mut app, Action::OpenFilters(Some(FilterTab::Speakers)));
                step(&mut app, Action::Input('z'));
                step(&mut app, Action::Back);
                step(&mut app, Action::FocusSearch);
                for _ in q.chars() {
                    step(&mut app, Action::Backspace);
                }
                // Insights over the whole archive (facets of all 92k messages).
                step(&mut app, Action::OpenInsights);
                step(&mut app, Action::Back);
            }
        }
        lat.sort();
        let lat = Samples(lat);
        rows.push(format!(
            "| {}×{} | {} | {} | {} | {} | {} | {} |",
            size.0,
            size.1,
            us(first_frame.median()),
            ms(first_results.median()),
            lat.0.len(),
            ms(lat.median()),
            ms(lat.pct(99.0)),
            ms(*lat.0.last().unwrap())
        ));
    }
    let body = format!(
        "## Browser (issue 3)\n\n\
Machine: {}. Command: `cargo bench --bench tui`. Data: `../shared/archive` (92,240 messages).\n\n\
Keystroke latency is `App::update` plus a full redraw on ratatui's `TestBackend`, over typing each\n\
term of `../shared/queries.txt` character by character (each keystroke searches), moving through\n\
results, opening the hit's conversation, `n`, the speaker pane with a fuzzy filter, erasing\n\
the term again and opening insights on the whole archive; three rounds. Targets: first frame ≤ 100 ms, keystroke p99 ≤ 16 ms.\n\n\
| terminal | first frame (median) | first results: open index + list all + draw (median) | keystrokes | p50 | p99 | max |\n\
| --- | --- | --- | --- | --- | --- | --- |\n{}\n",
        machine(),
        rows.join("\n")
    );
    write_section("tui", &body);
}
