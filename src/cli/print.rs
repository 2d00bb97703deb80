//! What the commands print: human text (matches coloured on a terminal), NDJSON, markdown.

use super::Format;
use anyhow::Result;
use chatlore::discussion_search::DiscussionResults;
use chatlore::index::Summary;
use chatlore::query::Query;
use chatlore::search::{snippet, Engine, Facets, Hit, Results};
use std::io::{self, Write};
use std::ops::Range;

const SNIPPET_WIDTH: usize = 100;
const MATCH_ON: &str = "\x1b[1;31m";
const DIM_ON: &str = "\x1b[2m";
const BOLD_ON: &str = "\x1b[1m";
const OFF: &str = "\x1b[0m";

pub fn index_summary(s: &Summary, json: bool) -> Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, s)?;
        writeln!(out)?;
        return Ok(());
    }
    if let Some(reason) = &s.rebuilt {
        writeln!(out, "rebuilt the index: {reason}")?;
    }
    for w in &s.warnings {
        writeln!(out, "warning: {w}")?;
    }
    writeln!(
        out,
        "{} added, {} changed, {} removed, {} unchanged; {} logs, {} messages ({} indexed now), {} warning(s), {:.2} s",
        s.added,
        s.changed,
        s.removed,
        s.unchanged,
        s.files,
        s.messages,
        s.indexed_messages,
        s.warnings.len(),
        s.elapsed.as_secs_f64()
    )?;
    Ok(())
}

pub fn hits(engine: &Engine, query: &Query, r: &Results, format: Format, color: bool) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            for h in &r.hits {
                serde_json::to_writer(&mut out, h)?;
                writeln!(out)?;
            }
        }
        Format::Human => {
            for h in &r.hits {
                let (text, ranges) = snippet(&h.text, &h.highlights, SNIPPET_WIDTH);
                let shown = if h.text.is_empty() { placeholder(h) } else { marked(&text, &ranges, color) };
                let (b, d, o) = if color { (BOLD_ON, DIM_ON, OFF) } else { ("", "", "") };
                writeln!(out, "{d}{} {}{o}  {d}{}{o}  {b}{}{o}", h.date, h.time_label(), h.group, h.speaker)?;
                writeln!(out, "    {shown}")?;
            }
            out.flush()?;
            let shown = r.hits.len();
            eprintln!("{shown} of {} hit(s), {:.1} ms", r.total, r.elapsed.as_secs_f64() * 1000.0);
        }
        Format::Md => markdown(&mut out, engine, query, r)?,
    }
    out.flush()?;
    Ok(())
}

pub fn discussions(r: &DiscussionResults, json: bool) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for d in &r.discussions {
        if json {
            serde_json::to_writer(&mut out, d)?;
            writeln!(out)?;
            continue;
        }
        let x = &d.discussion;
        let short = |t: &str| t.get(..5).unwrap_or(t).to_owned();
        writeln!(
            out,
            "{} {} {}–{} · {} msgs · {} people · {}  {}",
            x.date,
            x.group,
            short(&x.start_time),
            short(&x.end_time),
            x.messages,
            x.participants.len(),
            x.kind.as_str(),
            strip_controls(&x.title)
        )?;
        for line in &x.summary {
            writeln!(
                out,
                "    {} {}: {}",
                short(&line.time),
                strip_controls(&line.speaker),
                strip_controls(&line.text)
            )?;
        }
        writeln!(out, "    {}#{}", x.path, x.start_line)?;
    }
    out.flush()?;
    if !json {
        eprintln!("{} of {} discussion(s), {:.1} ms", r.discussions.len(), r.total, r.elapsed.as_secs_f64() * 1000.0);
    }
    Ok(())
}

/// Text without control characters (a log could hold escape sequences).
fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

trait TimeLabel {
    fn time_label(&self) -> String;
}

impl TimeLabel for Hit {
    fn time_label(&self) -> String {
        chatlore::archive::time_label(self.time)
    }
}

fn placeholder(h: &Hit) -> String {
    match h.urls.first() {
        Some(url) => format!("[{}] {url}", h.kind.as_str()),
        None => format!("[{}]", h.kind.as_str()),
    }
}

/// `text` with `ranges` wrapped in colour, or left plain.
fn marked(text: &str, ranges: &[Range<usize>], color: bool) -> String {
    wrap(text, ranges, if color { (MATCH_ON, OFF) } else { ("", "") })
}

fn wrap(text: &str, ranges: &[Range<usize>], (on, off): (&str, &str)) -> String {
    let mut s = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for r in ranges {
        s.push_str(&text[at..r.start]);
        s.push_str(on);
        s.push_str(&text[r.clone()]);
        s.push_str(off);
        at = r.end;
    }
    s.push_str(&text[at..]);
    s
}

/// A markdown export: one section per day, each message quoted with its source line.
fn markdown(out: &mut impl Write, engine: &Engine, query: &Query, r: &Results) -> Result<()> {
    let groups = &engine.handle.meta.groups;
    let q: Vec<String> =
        query.terms.iter().map(|t| t.text.clone()).chain(query.filters.iter().map(ToString::to_string)).collect();
    writeln!(out, "# chatlore: {}\n", q.join(" "))?;
    writeln!(out, "{} of {} hit(s).\n", r.hits.len(), r.total)?;
    let mut last_day = None;
    for h in &r.hits {
        let day = (h.date, h.group.as_str());
        if last_day != Some(day) {
            let name = groups.get(&h.group).map_or(h.group.clone(), |n| format!("{n} ({})", h.group));
            writeln!(out, "## {} · {name}\n", h.date)?;
            last_day = Some(day);
        }
        let body = if h.text.is_empty() { placeholder(h) } else { wrap(&h.text, &h.highlights, ("**", "**")) };
        writeln!(out, "**{} {}** ({}:{})\n", h.time_label(), h.speaker, h.path, h.line)?;
        for line in body.lines() {
            writeln!(out, "> {line}")?;
        }
        for url in &h.urls {
            writeln!(out, ">\n> <{url}>")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn stats(engine: &Engine, json: bool) -> Result<()> {
    let all = engine.facets(&Query::default())?;
    let directory = engine.directory()?;
    let companies = directory.companies();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        let value = serde_json::json!({
            "files": engine.handle.meta.files,
            "messages": all.total,
            "groups": all.groups,
            "months": all.months,
            "topics": all.topics,
            "kinds": all.kinds,
            "top_speakers": Facets::top(&all.speakers, 20),
            "top_companies": companies.iter().take(20).collect::<Vec<_>>(),
        });
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    let names = &engine.handle.meta.groups;
    writeln!(out, "{} logs, {} messages\n", engine.handle.meta.files, all.total)?;
    writeln!(out, "groups:")?;
    for (g, n) in Facets::top(&all.groups, usize::MAX) {
        writeln!(out, "  {n:>7}  {g} {}", names.get(g).map(String::as_str).unwrap_or_default())?;
    }
    writeln!(out, "\nmonths:")?;
    let peak = all.months.values().copied().max().unwrap_or(1).max(1);
    for (m, n) in &all.months {
        let bar = "█".repeat(usize::try_from(n * 40 / peak).unwrap_or(0));
        writeln!(out, "  {m}  {n:>6}  {bar}")?;
    }
    writeln!(out, "\ntopics:")?;
    for t in &engine.handle.meta.topics {
        writeln!(out, "  {:>7}  {} {}", all.topics.get(&t.id).copied().unwrap_or(0), t.id, t.zh)?;
    }
    writeln!(out, "\ntop speakers:")?;
    for (s, n) in Facets::top(&all.speakers, 15) {
        writeln!(out, "  {n:>7}  {s}")?;
    }
    writeln!(out, "\ntop companies:")?;
    for (c, n) in companies.iter().take(15) {
        writeln!(out, "  {n:>7}  {c}")?;
    }
    Ok(())
}

pub fn topics(engine: &Engine, json: bool) -> Result<()> {
    let counts = engine.facets(&Query::default())?.topics;
    let mut out = io::BufWriter::new(io::stdout().lock());
    for t in &engine.handle.meta.topics {
        let n = counts.get(&t.id).copied().unwrap_or(0);
        if json {
            let v = serde_json::json!({"id": t.id, "zh": t.zh, "en": t.en, "keywords": t.keywords, "messages": n});
            serde_json::to_writer(&mut out, &v)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{:<15} {:<8} {:<24} {n:>7}  {}", t.id, t.zh, t.en, t.keywords.join(" "))?;
        }
    }
    Ok(())
}
