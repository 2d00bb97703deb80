//! Engine benchmarks on the real archive (`../shared/archive`), written to BENCHMARKS.md:
//! full index (wall time, peak RSS), no-change reindex, one new day, in-process query latency
//! over `../shared/queries.txt`, and whole-process `chatlore search` against `rg -c`.
//!
//! `cargo bench --bench engine` (needs ripgrep for the last figure).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "report.rs"]
mod report;

use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use report::*;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let Some((archive, queries, work)) = start() else { return };

    // Full index: a fresh folder each run.
    let full = full_builds(&archive, work.path(), 5);
    let (full_time, full_rss) = (full[2].0, full.iter().map(|r| r.1).max().unwrap_or(0));
    let index: PathBuf = work.path().join("full0");

    // No change.
    let nochange = Samples::collect(20, || run_measured(chatlore(&archive, &index).arg("index")).0);

    // One new day: a copy of the archive, its last day removed and added back each round.
    let copy = work.path().join("archive");
    common::copy_tree(&archive, &copy);
    let (one_day, copy_index) = one_new_day(&copy, work.path(), 10);
    let day = copy.join(LAST_DAY);
    let day_bytes = std::fs::read(&day).unwrap();

    // `index --watch`: from a new log written complete to its messages being searchable.
    let mut watch = chatlore(&copy, &copy_index)
        .args(["index", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let watch_latency = Samples::collect(5, || {
        std::fs::remove_file(&day).unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        let t = Instant::now();
        std::fs::write(&day, &day_bytes).unwrap();
        loop {
            let e = Engine::open(&copy_index).unwrap();
            let q = Query::parse("date:2018-06-05 group:proddev").unwrap();
            if e.search(&q, Page { limit: Some(0), ..Page::default() }).unwrap().total > 0 {
                break t.elapsed();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let _ = watch.kill();
    let _ = watch.wait();

    // In-process query latency: parse + search + first page of hits with highlights.
    let engine = Engine::open(&index).unwrap();
    let parsed: Vec<Query> = queries.iter().map(|q| Query::parse(q).unwrap()).collect();
    for q in &parsed {
        engine.search(q, Page { limit: Some(20), ..Page::default() }).unwrap();
    }
    let mut lat = Vec::new();
    for _ in 0..50 {
        for q in &queries {
            lat.push(time(|| {
                let q = Query::parse(q).unwrap();
                engine.search(&q, Page { limit: Some(20), ..Page::default() }).unwrap();
            }));
        }
    }
    lat.sort();
    let lat = Samples(lat);

    // Whole process vs ripgrep, per term, median of 20 runs each.
    let rg = Command::new("rg").arg("--version").output().is_ok();
    let mut rows = Vec::new();
    let (mut ours_total, mut rg_total) = (Duration::ZERO, Duration::ZERO);
    for q in &queries {
        let ours = Samples::collect(20, || run_measured(chatlore(&archive, &index).args(["search", q])).0).median();
        let theirs = if rg {
            Samples::collect(20, || run_measured(Command::new("rg").args(["-c", q]).arg(&archive)).0).median()
        } else {
            Duration::ZERO
        };
        ours_total += ours;
        rg_total += theirs;
        rows.push(format!(
            "| `{q}` | {} | {} | {:.2} |",
            ms(ours),
            ms(theirs),
            ours.as_secs_f64() / theirs.as_secs_f64().max(1e-9)
        ));
    }
    let n = queries.len() as u32;

    let body = format!(
        "## Engine (issue 2)\n\n\
Machine: {}. Command: `cargo bench --bench engine`. Data: `../shared/archive` (542 logs, 92,240 messages).\n\n\
| figure | measured | target |\n| --- | --- | --- |\n\
| full index, wall (median of 5, `chatlore index` into a new folder) | {} | ≤ 1.5 s |\n\
| full index, peak RSS (max of 5) | {:.0} MB | — |\n\
| no-change reindex, whole process (median of 20) | {} | ≤ 50 ms |\n\
| one new day added, whole process (median of 10) | {} | ≤ 200 ms |\n\
| `index --watch`: new log written → searchable (median of 5) | {} | ≤ 1 s |\n\
| query latency in process, p50 ({} queries × 50) | {} | — |\n\
| query latency in process, p99 | {} | ≤ 1 ms |\n\
| whole-process `chatlore search TERM` / `rg -c TERM`, mean over terms | {} / {} = {:.2} | ≤ 0.33 |\n\n\
Whole-process search per term (median of 20 runs each; `chatlore search` prints the first 20 hits):\n\n\
| term | chatlore search | rg -c | ratio |\n| --- | --- | --- | --- |\n{}\n",
        machine(),
        ms(full_time),
        full_rss as f64 / 1024.0,
        ms(nochange.median()),
        ms(one_day.median()),
        ms(watch_latency.median()),
        queries.len(),
        us(lat.median()),
        us(lat.pct(99.0)),
        ms(ours_total / n),
        ms(rg_total / n),
        ours_total.as_secs_f64() / rg_total.as_secs_f64().max(1e-9),
        rows.join("\n"),
    );
    write_section("engine", &body);
}
