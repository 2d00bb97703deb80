//! Discussion benchmarks on the real archive (`../shared/archive`), written to BENCHMARKS.md:
//! full index and one new day with discussions, the in-process cost of segmenting and
//! describing every day, and in-process `Engine::discussions` latency.
//!
//! `cargo bench --bench discussions`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "report.rs"]
mod report;

use chatlore::discussions::{describe, segment};
use chatlore::query::Query;
use chatlore::search::{Engine, Sort};
use chatlore::topics::Taxonomy;
use report::*;

fn main() {
    let Some((archive, queries, work)) = start() else { return };

    let full = full_builds(&archive, work.path(), 3);
    let full_time = full[1].0;
    let index = work.path().join("full0");

    // One new day: the last day removed and added back each round (a copy of the archive).
    let copy = work.path().join("archive");
    common::copy_tree(&archive, &copy);
    let (one_day, _) = one_new_day(&copy, work.path(), 10);

    // Segmenting and describing every day, one thread, archive already loaded.
    let loaded = chatlore::archive::load(&archive).unwrap();
    let taxonomy = Taxonomy::builtin();
    let topics: Vec<Vec<Vec<&str>>> =
        loaded.days.iter().map(|d| d.messages.iter().map(|m| taxonomy.tag(&m.text)).collect()).collect();
    let mut spans = 0;
    let segmenting = Samples::collect(3, || {
        time(|| {
            spans = 0;
            for (d, t) in loaded.days.iter().zip(&topics) {
                let s = segment(d);
                spans += describe(d, &s, t).len();
            }
        })
    });

    // In-process discussions queries: every term, and the partition of every labelled day.
    let engine = Engine::open(&index).unwrap();
    let mut texts: Vec<String> = queries.clone();
    texts.extend(
        ["devarch 2018-01-30", "devarch 2018-04-26", "proddev 2017-08-22", "proddev 2017-12-23", "proddev 2018-03-27"]
            .iter()
            .map(|gd| {
                let (g, d) = gd.split_once(' ').unwrap();
                format!("group:{g} date:{d}")
            }),
    );
    let parsed: Vec<Query> = texts.iter().map(|q| Query::parse(q).unwrap()).collect();
    for q in &parsed {
        engine.discussions(q, Some(20), Sort::Relevance).unwrap();
    }
    let mut lat = Vec::new();
    for _ in 0..20 {
        for q in &texts {
            lat.push(time(|| {
                let q = Query::parse(q).unwrap();
                engine.discussions(&q, Some(20), Sort::Relevance).unwrap();
            }));
        }
    }
    lat.sort();
    let lat = Samples(lat);
    let everything = time(|| {
        engine.discussions(&Query::default(), None, Sort::Relevance).unwrap();
    });

    let body = format!(
        "## Discussions (issue 12)\n\n\
Machine: {}. Command: `cargo bench --bench discussions`. Data: `../shared/archive` (542 logs, 92,240 messages, {} spans).\n\n\
| figure | measured | target |\n| --- | --- | --- |\n\
| full index with discussions, wall (median of 3, `chatlore index` into a new folder) | {} | ≤ 25% over the engine section's full index |\n\
| segmenting and describing every day, in process, one thread (median of 3) | {} | — |\n\
| one new day added, whole process (median of 10) | {} | ≤ 200 ms |\n\
| discussions query in process, p50 ({} queries × 20, first 20 discussions) | {} | — |\n\
| discussions query in process, p99 | {} | ≤ 5 ms |\n\
| every discussion of the archive (`--limit 0`, no query), in process | {} | — |\n",
        machine(),
        spans,
        ms(full_time),
        ms(segmenting.median()),
        ms(one_day.median()),
        texts.len(),
        us(lat.median()),
        us(lat.pct(99.0)),
        ms(everything),
    );
    write_section("discussions", &body);
}
