//! In-process query speed: `Engine::search` with a page of 20 hits, as the browser and the MCP
//! server run it (one engine, many searches), for the queries of `../shared/queries.txt`.
//!
//!   cargo run --release --example probe -- INDEX [QUERIES]
//!     one warm-up round, then 5 rounds; per search the wall time and the process's CPU time
//!     (both search threads), their p50 / p99 / max, each query's wall p50, and every search
//!     slower than 9 ms (p99 of 120 searches is the second slowest).
//!   cargo run --release --example probe -- INDEX --query Q --times N
//!     N searches of Q and nothing else (for callgrind: (N − M searches) / (N − M)).
//!
//! Figures: BENCHMARKS.md, *Query speed at 100×, session 15*.

use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;
/// Searches slower than this (wall, ms) are listed one by one.
const SLOW: f64 = 9.0;

fn cpu() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn page() -> Page {
    Page { limit: Some(20), ..Page::default() }
}

/// The `p`-th percentile of sorted `v` (nearest rank).
fn pct(v: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let index = args.first().expect("usage: probe INDEX [QUERIES | --query Q --times N]");
    let engine = Engine::open(std::path::Path::new(index)).expect("open the index");
    if args.get(1).map(String::as_str) == Some("--query") {
        let q = Query::parse(&args[2]).expect("a query");
        let times: usize = args.get(4).map_or(1, |n| n.parse().expect("--times N"));
        for _ in 0..times {
            std::hint::black_box(engine.search(&q, page()).expect("search"));
        }
        return;
    }
    let file = args.get(1).map_or("../shared/queries.txt", String::as_str);
    let text = std::fs::read_to_string(file).expect("the queries");
    let queries: Vec<(String, Query)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| (l.to_owned(), Query::parse(l).expect("a query")))
        .collect();
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); queries.len()];
    // Every search slower than SLOW ms: (wall, CPU, query, round).
    let mut slow: Vec<(f64, f64, usize, usize)> = Vec::new();
    for round in 0..=ROUNDS {
        for (k, (_, q)) in queries.iter().enumerate() {
            let (w0, c0) = (Instant::now(), cpu());
            let results = engine.search(q, page()).expect("search");
            let (wall, cpu_time) = (w0.elapsed(), cpu() - c0);
            std::hint::black_box(results);
            if round > 0 {
                walls.push(wall.as_secs_f64() * 1e3);
                cpus.push(cpu_time.as_secs_f64() * 1e3);
                per_query[k].push(wall.as_secs_f64() * 1e3);
                if wall.as_secs_f64() * 1e3 > SLOW {
                    slow.push((wall.as_secs_f64() * 1e3, cpu_time.as_secs_f64() * 1e3, k, round));
                }
            }
        }
    }
    walls.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    println!(
        "{} searches: wall p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; CPU p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        walls.len(),
        pct(&walls, 50.0),
        pct(&walls, 99.0),
        walls[walls.len() - 1],
        pct(&cpus, 50.0),
        pct(&cpus, 99.0),
        cpus[cpus.len() - 1]
    );
    for ((text, _), mut times) in queries.iter().zip(per_query) {
        times.sort_by(f64::total_cmp);
        println!("  {text}: wall p50 {:.2} ms, max {:.2} ms", pct(&times, 50.0), times[times.len() - 1]);
    }
    slow.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("{} searches above {SLOW} ms (wall; CPU; query, round):", slow.len());
    for (wall, cpu_time, k, round) in slow {
        println!("  {wall:.2} ms; {cpu_time:.2} ms; {}, round {round}", queries[k].0);
    }
}
