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
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Rounds over the query list for the in-process figures.
const ROUNDS: usize = 50;
/// Runs of each whole-process command.
const RUNS: usize = 20;

fn main() {
    let Some((archive, queries, work)) = start() else { return };
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

    let (messages, messages_cpu) = latencies(&queries, |q| {
        engine.search(q, Page { limit: Some(20), ..Page::default() }).unwrap();
    });
    let (discussions, discussions_cpu) = latencies(&disc_texts, |q| {
        engine.discussions(q, Some(20), Sort::Relevance).unwrap();
    });
    // What a page of the MCP `search` by discussions computes: ten discussions and the text of
    // up to three matching messages of each.
    let (mcp_page, mcp_page_cpu) = latencies(&queries, |q| {
        let r = engine.discussions(q, Some(10), Sort::Relevance).unwrap();
        for d in &r.discussions {
            let lines: Vec<u32> = d.hits.iter().copied().take(3).collect();
            engine.messages_at(&d.discussion.path, &lines).unwrap();
        }
    });

    // Whole process against ripgrep, per term: median wall time and median CPU time (user +
    // system, all threads) of RUNS runs.
    let rg = Command::new("rg").arg("--version").output().is_ok();
    let whole = |cmd: &mut dyn FnMut() -> Command| {
        let runs: Vec<(Duration, Duration)> = (0..RUNS).map(|_| run_cpu(&mut cmd())).collect();
        (median(runs.iter().map(|r| r.0)), median(runs.iter().map(|r| r.1)))
    };
    let mut rows = Vec::new();
    let mut totals = [Duration::ZERO; 6];
    for q in &queries {
        let search = whole(&mut || {
            let mut c = chatlore(&archive, &index);
            c.args(["search", "--json", q]);
            c
        });
        let disc = whole(&mut || {
            let mut c = chatlore(&archive, &index);
            c.args(["discussions", "--json", q]);
            c
        });
        let theirs = if rg {
            whole(&mut || {
                let mut c = Command::new("rg");
                c.args(["-c", q]).arg(&archive);
                c
            })
        } else {
            (Duration::ZERO, Duration::ZERO)
        };
        for (t, v) in totals.iter_mut().zip([search.0, search.1, disc.0, disc.1, theirs.0, theirs.1]) {
            *t += v;
        }
        rows.push(format!(
            "| `{q}` | {} ({}) | {} ({}) | {} ({}) | {:.2} |",
            ms(search.0),
            ms(search.1),
            ms(disc.0),
            ms(disc.1),
            ms(theirs.0),
            ms(theirs.1),
            search.0.as_secs_f64() / theirs.0.as_secs_f64().max(1e-9)
        ));
    }
    let n = queries.len() as u32;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);

    let body = format!(
        "## Query speed (issues 10, 11, 12)\n\n\
Machine: {}; load average at the end {}. Command: `cargo bench --bench query` (release). Data: \
`../shared/archive` (542 logs, 92,240 messages), one index built first. Wall time counts waiting \
for a core on a busy machine; CPU time (the thread's, in process) does not.\n\n\
| figure | wall p50 | wall p99 | CPU p50 | CPU p99 | target |\n| --- | --- | --- | --- | --- | --- |\n\
| message search in process, first 20 hits ({} queries × {ROUNDS}; {} of them widened by the glossary) | {} | {} | {} | {} | p99 ≤ 1 ms |\n\
| discussions search in process, first 20 ({} queries × {ROUNDS}) | {} | {} | {} | {} | p99 ≤ 5 ms |\n\
| an MCP discussions page in process: 10 discussions and up to 3 matching messages' text each ({} queries × {ROUNDS}) | {} | {} | {} | {} | — |\n\n\
Whole process, median of {RUNS} runs per term, wall (CPU: user + system, all threads): `search --json` \
(20 hits) {} ({}), `discussions --json` (20 discussions) {} ({}), `rg -c` {} ({}); \
`chatlore search` / `rg -c` = **{:.2}** by wall time (target ≤ 0.33), {:.2} by CPU time.\n\n\
| term | search | discussions | rg -c | search / rg (wall) |\n| --- | --- | --- | --- | --- |\n{}\n",
        machine(),
        load_average(),
        queries.len(),
        expanded,
        us(messages.median()),
        us(messages.pct(99.0)),
        us(messages_cpu.median()),
        us(messages_cpu.pct(99.0)),
        disc_texts.len(),
        us(discussions.median()),
        us(discussions.pct(99.0)),
        us(discussions_cpu.median()),
        us(discussions_cpu.pct(99.0)),
        queries.len(),
        us(mcp_page.median()),
        us(mcp_page.pct(99.0)),
        us(mcp_page_cpu.median()),
        us(mcp_page_cpu.pct(99.0)),
        ms(totals[0] / n),
        ms(totals[1] / n),
        ms(totals[2] / n),
        ms(totals[3] / n),
        ms(totals[4] / n),
        ms(totals[5] / n),
        ratio(totals[0], totals[4]),
        ratio(totals[1], totals[5]),
        rows.join("\n"),
    );
    write_section("query", &body);
}

/// Each query parsed and run `ROUNDS` times after one warm-up round: wall and thread CPU
/// times, each sorted.
fn latencies(texts: &[String], mut run: impl FnMut(&Query)) -> (Samples, Samples) {
    for t in texts {
        run(&Query::parse(t).unwrap());
    }
    let (mut wall, mut cpu) = (Vec::with_capacity(texts.len() * ROUNDS), Vec::with_capacity(texts.len() * ROUNDS));
    for _ in 0..ROUNDS {
        for t in texts {
            let (w, c) = (Instant::now(), thread_cpu());
            run(&Query::parse(t).unwrap());
            cpu.push(thread_cpu().saturating_sub(c));
            wall.push(w.elapsed());
        }
    }
    wall.sort();
    cpu.sort();
    (Samples(wall), Samples(cpu))
}

fn median(times: impl Iterator<Item = Duration>) -> Duration {
    let mut v: Vec<Duration> = times.collect();
    v.sort();
    Samples(v).median()
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid out-pointer for the duration of the call.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Runs a command to its end: wall time, and CPU time (user + system) of it and its threads.
fn run_cpu(cmd: &mut Command) -> (Duration, Duration) {
    let start = Instant::now();
    // Reaped by the wait4 below, which also gives its CPU time.
    #[allow(clippy::zombie_processes)]
    let child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: wait4 on our own child with valid out-pointers; the Child is not waited again.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(r > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1, "command failed: {cmd:?}");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (wall, tv(usage.ru_utime) + tv(usage.ru_stime))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |s| s.split(' ').take(3).collect::<Vec<_>>().join(" "))
}
