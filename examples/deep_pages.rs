//! What the browser's deep searches cost in its worker (`Executor`), on an index:
//!
//! - `m` from a discussion whose message ranks `N` hits down (the seek of
//!   [`chatlore::tui::effect::SEEK_MAX`]): the message at each depth sought, as `m` seeks it;
//! - `G` (`End`) on the messages: the pages from the first 200 down to the last hit, in one go;
//! - `D`: the day list of the whole archive.
//!
//!   cargo run --release --example deep_pages -- ARCHIVE INDEX [QUERY] [DEPTH…]
//!
//! Each figure is the median of 5 runs (after one to warm the caches). Figures: BENCHMARKS.md,
//! *Deep pages in the browser, session 18*.

use chatlore::query::Query;
use chatlore::search::Sort;
use chatlore::tui::action::{Action, Answer};
use chatlore::tui::effect::{Effect, SearchJob};
use chatlore::tui::worker::{Executor, PAGE};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn job(query: &Query, offset: usize, until: usize) -> SearchJob {
    SearchJob {
        seq: 1,
        query: query.clone(),
        sort: Sort::Relevance,
        offset,
        until,
        discussions: false,
        keep: None,
        seek: None,
        keep_discussion: None,
    }
}

/// Runs a search job; its hits (loaded from the job's offset), total and selected hit.
fn run(executor: &mut Executor, job: SearchJob) -> (usize, usize, Option<usize>, Duration) {
    let start = Instant::now();
    let answers = executor.run(Effect::Search(job));
    let took = start.elapsed();
    for a in answers {
        if let Action::Answer(Answer::Searched { found: Ok(f), .. }) = a {
            return (f.hits.len(), f.total, f.kept, took);
        }
    }
    panic!("no search answer");
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (archive, index) = (PathBuf::from(&args[0]), PathBuf::from(&args[1]));
    let text = args.get(2).cloned().unwrap_or_else(|| "group:proddev".into());
    let depths: Vec<usize> = args.iter().skip(3).map(|d| d.parse().unwrap()).collect();
    let query = Query::parse(&text).unwrap();
    let mut executor = Executor::new(archive.clone(), index.clone(), std::sync::mpsc::channel().0);
    executor.run(Effect::Open);

    // Every hit, to know what ranks where.
    let (_, total, _, _) = run(&mut executor, job(&query, 0, 0));
    let all = {
        let answers = executor.run(Effect::Search(job(&query, 0, total)));
        let Some(Action::Answer(Answer::Searched { found: Ok(f), .. })) = answers.into_iter().next() else { panic!() };
        f.hits
    };
    println!("{text}: {total} hits, {} listed", all.len());

    // G: the first page, then the rest down to the last hit in one go.
    let mut times = Vec::new();
    for round in 0..6 {
        let (got, _, _, took) = run(&mut executor, job(&query, PAGE, all.len() - 1));
        assert_eq!(got, all.len() - PAGE);
        if round > 0 {
            times.push(took);
        }
    }
    println!("G: hits {}–{} in one go: {:.0} ms", PAGE + 1, all.len(), median(times).as_secs_f64() * 1e3);

    // D: the day list of the whole archive (a row per log).
    let mut times = Vec::new();
    let mut rows = 0;
    for round in 0..6 {
        let start = Instant::now();
        let answers = executor.run(Effect::Days { seq: 1, query: Query::default() });
        if round > 0 {
            times.push(start.elapsed());
        }
        if let Some(Action::Answer(Answer::Days { rows: Ok(r), .. })) = answers.into_iter().next() {
            rows = r.len();
        }
    }
    println!("D: {rows} logs listed in {:.1} ms", median(times).as_secs_f64() * 1e3);

    // m: the message at each depth, sought in its discussion.
    for &depth in &depths {
        let Some(hit) = all.get(depth) else { continue };
        let mut times = Vec::new();
        let mut kept = None;
        for round in 0..6 {
            let mut j = job(&query, 0, 0);
            j.keep = Some((hit.path.clone(), hit.line));
            j.seek = Some(hit.discussion.clone());
            let (_, _, k, took) = run(&mut executor, j);
            kept = k;
            if round > 0 {
                times.push(took);
            }
        }
        let found = kept.map_or("not found (past SEEK_MAX)".to_owned(), |k| format!("found at {k}"));
        println!("m to the hit at {depth}: {found}, {:.0} ms", median(times).as_secs_f64() * 1e3);
    }
}
