//! Scale benchmarks, written to BENCHMARKS.md: synthetic archives with the real archive's
//! statistics (`chatlore generate`) at 1×, 10× and 100× its size; for each, full index wall
//! time and peak RSS, one new day added, in-process query latency over `../shared/queries.txt`,
//! whole-process search, and browser keystroke latency.
//!
//! `cargo bench --bench scale` (about 5 minutes and 5 GB of disk for the 100× archive;
//! `CHATLORE_SCALES=1,10` to run fewer).

#[path = "report.rs"]
mod report;

use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use chatlore::tui::action::{Action, IndexEvent};
use chatlore::tui::app::App;
use chatlore::tui::ui;
use chatlore::tui::worker::{settle, Executor};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use report::*;
use std::time::{Duration, Instant};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let real = real_archive();
    let queries = queries();
    let scales: Vec<usize> = std::env::var("CHATLORE_SCALES")
        .unwrap_or_else(|_| "1,10,100".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let work = tempfile::tempdir().unwrap();
    let model = chatlore::generate::Model::learn(&real).unwrap();
    let mut rows = Vec::new();
    for scale in scales {
        let archive = work.path().join(format!("archive-{scale}x"));
        let index = work.path().join(format!("index-{scale}x"));
        let generated = Instant::now();
        let (files, messages) = model.write(&archive, scale, 2017).unwrap();
        let generated = generated.elapsed();
        let (full, rss) = run_measured(chatlore(&archive, &index).arg("index"));
        // tantivy's files are in the generation folder the meta file names.
        let generation = chatlore::index::generation_dir(&index).expect("a built index names its generation");
        let segments = std::fs::read_dir(&generation)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "idx"))
            .count();

        let day = std::fs::read_dir(archive.join(if scale == 1 {
            "proddev/_posts".to_owned()
        } else {
            "proddev-000/_posts".to_owned()
        }))
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
        let bytes = std::fs::read(&day).unwrap();
        let one_day = Samples::collect(5, || {
            std::fs::remove_file(&day).unwrap();
            run_measured(chatlore(&archive, &index).arg("index"));
            std::fs::write(&day, &bytes).unwrap();
            run_measured(chatlore(&archive, &index).arg("index")).0
        });

        let engine = Engine::open(&index).unwrap();
        let page = Page { limit: Some(20), ..Page::default() };
        let mut lat = Vec::new();
        for _ in 0..20 {
            for q in &queries {
                lat.push(time(|| {
                    engine.search(&Query::parse(q).unwrap(), page).unwrap();
                }));
            }
        }
        lat.sort();
        let lat = Samples(lat);
        // The browser's facet counts (groups, months, speakers, topics) of each query.
        let mut facets = Vec::new();
        for _ in 0..5 {
            for q in &queries {
                let q = Query::parse(q).unwrap();
                facets.push(time(|| {
                    engine.facets(&q).unwrap();
                }));
            }
        }
        facets.sort();
        let facets = Samples(facets);
        let process = Samples::collect(10, || run_measured(chatlore(&archive, &index).args(["search", "网联"])).0);

        // The browser's keystroke → results frame: `update`, the effects it asks for carried
        // out by the worker's executor in this thread, the answers applied, a full draw.
        let mut app = App::new(archive.clone(), index.clone(), (120, 40));
        let mut executor = Executor::new(archive.clone(), index.clone(), std::sync::mpsc::channel().0);
        let start = app.start();
        settle(&mut app, &mut executor, start);
        let finished = app.update(Action::Index(IndexEvent::Finished(Box::default())));
        settle(&mut app, &mut executor, finished);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut keys: Vec<Duration> = Vec::new();
        for q in &queries {
            for a in q.chars().map(Action::Input).chain([
                Action::Back,
                Action::Down,
                Action::Enter,
                Action::Back,
                Action::FocusSearch,
            ]) {
                let t = Instant::now();
                let effects = app.update(a);
                settle(&mut app, &mut executor, effects);
                terminal
                    .draw(|f| {
                        ui::draw(f, &app);
                    })
                    .unwrap();
                keys.push(t.elapsed());
            }
            for _ in q.chars() {
                let effects = app.update(Action::Backspace);
                settle(&mut app, &mut executor, effects);
            }
        }
        keys.sort();
        let keys = Samples(keys);
        rows.push(format!(
            "| {scale}× | {files} | {messages} | {:.1} s | {:.2} µs | {:.0} MB | {segments} | {} | {} | {} | {} | {} | {} | {} |",
            full.as_secs_f64(),
            full.as_secs_f64() * 1e6 / messages as f64,
            rss as f64 / 1024.0,
            ms(one_day.median()),
            us(lat.median()),
            ms(lat.pct(99.0)),
            ms(facets.median()),
            ms(facets.pct(99.0)),
            ms(process.median()),
            ms(keys.pct(99.0)),
        ));
        eprintln!("{scale}×: generated in {:.1} s; {}", generated.as_secs_f64(), rows.last().unwrap());
        drop(engine);
        let _ = std::fs::remove_dir_all(&archive);
        let _ = std::fs::remove_dir_all(&index);
    }
    let body = format!(
        "## Scale (issue 4)\n\n\
Machine: {}. Command: `cargo bench --bench scale`. Data: synthetic archives written by\n\
`chatlore generate --from ../shared/archive --scale N` (the real archive's days, messages per day,\n\
nickname frequencies, length distribution, word frequencies, link and image rates).\n\n\
Targets: peak RSS while indexing 10× ≤ 400 MB; query p99 at 10× ≤ 10 ms; cost that grows no\n\
faster than the data (index time per message flat across scales).\n\n\
| scale | logs | messages | full index | per message | peak RSS | segments | one new day (median of 5) | query p50 | query p99 | facets p50 | facets p99 | `chatlore search 网联` (process) | keystroke p99 (120×40) |\n\
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n{}\n",
        machine(),
        rows.join("\n")
    );
    write_section("scale", &body);
}
