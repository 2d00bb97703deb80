//! Query speed on the real archive (`../shared/archive`), written to BENCHMARKS.md: in-process
//! latency of message searches (glossary expansion on, as every search has it) and of
//! discussion searches, the MCP-shaped discussion page (search plus the matching messages'
//! text), and whole-process `chatlore search` / `discussions` against `rg -c`.
//!
//! `cargo bench --bench query` (needs ripgrep for the last figures). It builds one index of
//! the archive first; `CHATLORE_BENCH_INDEX=DIR` uses (and if need be builds) that one instead.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "report.rs"]
mod report;

use chatlore::query::Query;
use chatlore::search::{Engine, Page, Sort};
use report::*;
use std::process::Command;
use std::time::Duration;

/// Rounds over the query list for the in-process figures.
const ROUNDS: usize = 50;
/// Runs of each whole-process command.
const RUNS: usize = 20;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` probes with --list
    }
    let archive = real_archive();
    let queries = queries();
    let work = tempfile::tempdir().unwrap();
    let index = std::env::var_os("CHATLORE_BENCH_INDEX").map_or_else(|| work.path().join("index"), Into::into);
    run_measured(chatlore(&archive, &index).arg("index"));
    let engine = Engine::open(&index).unwrap();

    // Every query term, and the partition of every hand-labelled day (a listing, no terms).
    let mut disc_texts: Vec<String> = queries.clone();
    for gd in
        ["devarch 2018-01-30", "devarch 2018-04-26", "proddev 2017-08-22", "proddev 2017-12-23", "proddev 2018-03-27"]
    {
        let (g, d) = gd.split_once(' ').unwrap();
        disc_texts.push(format!("group:{g} date:{d}"));
    }
    let expanded = queries
        .iter()
        .filter(|q| {
            let q = Query::parse(q).unwrap();
            engine.expand(&q).terms.iter().any(|t| !t.also.is_empty())
        })
        .count();

    let messages = latencies(&queries, |q| {
        engine.search(q, Page { limit: Some(20), ..Page::default() }).unwrap();
    });
    let discussions = latencies(&disc_texts, |q| {
        engine.discussions(q, Some(20), Sort::Relevance).unwrap();
    });
    // What a page of the MCP `search` by discussions computes: ten discussions and the text of
    // up to three matching messages of each.
    let mcp_page = latencies(&queries, |q| {
        let r = engine.discussions(q, Some(10), Sort::Relevance).unwrap();
        for d in &r.discussions {
            let lines: Vec<u32> = d.hits.iter().copied().take(3).collect();
            engine.messages_at(&d.discussion.path, &lines).unwrap();
        }
    });

    // Whole process against ripgrep, median of RUNS per term.
    let rg = Command::new("rg").arg("--version").output().is_ok();
    let whole =
        |args: &[&str]| Samples::collect(RUNS, || run_measured(chatlore(&archive, &index).args(args)).0).median();
    let mut rows = Vec::new();
    let (mut search_total, mut disc_total, mut rg_total) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for q in &queries {
        let search = whole(&["search", "--json", q]);
        let disc = whole(&["discussions", "--json", q]);
        let theirs = if rg {
            Samples::collect(RUNS, || run_measured(Command::new("rg").args(["-c", q]).arg(&archive)).0).median()
        } else {
            Duration::ZERO
        };
        search_total += search;
        disc_total += disc;
        rg_total += theirs;
        rows.push(format!(
            "| `{q}` | {} | {} | {} | {:.2} |",
            ms(search),
            ms(disc),
            ms(theirs),
            search.as_secs_f64() / theirs.as_secs_f64().max(1e-9)
        ));
    }
    let n = queries.len() as u32;

    let body = format!(
        "## Query speed (issues 10, 11, 12)\n\n\
Machine: {}; load average at the end {}. Command: `cargo bench --bench query` (release). Data: \
`../shared/archive` (542 logs, 92,240 messages), one index built first.\n\n\
| figure | p50 | p99 | target |\n| --- | --- | --- | --- |\n\
| message search in process, first 20 hits ({} queries × {ROUNDS}; {} of them widened by the glossary) | {} | {} | p99 ≤ 1 ms |\n\
| discussions search in process, first 20 ({} queries × {ROUNDS}) | {} | {} | p99 ≤ 5 ms |\n\
| an MCP discussions page in process: 10 discussions and up to 3 matching messages' text each ({} queries × {ROUNDS}) | {} | {} | — |\n\n\
Whole process, median of {RUNS} runs per term (`search --json` prints 20 hits, `discussions --json` 20 discussions): \
`chatlore search` / `rg -c` over the terms = {} / {} = **{:.2}** (target ≤ 0.33); `discussions` {}.\n\n\
| term | search | discussions | rg -c | search / rg |\n| --- | --- | --- | --- | --- |\n{}\n",
        machine(),
        load_average(),
        queries.len(),
        expanded,
        us(messages.median()),
        us(messages.pct(99.0)),
        disc_texts.len(),
        us(discussions.median()),
        us(discussions.pct(99.0)),
        queries.len(),
        us(mcp_page.median()),
        us(mcp_page.pct(99.0)),
        ms(search_total / n),
        ms(rg_total / n),
        search_total.as_secs_f64() / rg_total.as_secs_f64().max(1e-9),
        ms(disc_total / n),
        rows.join("\n"),
    );
    write_section("query", &body);
}

/// Each query parsed and run `ROUNDS` times after one warm-up round, sorted.
fn latencies(texts: &[String], mut run: impl FnMut(&Query)) -> Samples {
    for t in texts {
        run(&Query::parse(t).unwrap());
    }
    let mut lat = Vec::with_capacity(texts.len() * ROUNDS);
    for _ in 0..ROUNDS {
        for t in texts {
            lat.push(time(|| run(&Query::parse(t).unwrap())));
        }
    }
    lat.sort();
    Samples(lat)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |s| s.split(' ').take(3).collect::<Vec<_>>().join(" "))
}
