//! What the commands print: human text (matches coloured on a terminal), NDJSON, markdown.

use super::Format;
use anyhow::Result;
use chatlore::discussion_search::DiscussionResults;
use chatlore::index::{SaidWarnings, Summary};
use chatlore::people::Person;
use chatlore::plural::{count, noun};
use chatlore::query::Query;
use chatlore::search::{char_offsets, snippet, Engine, Facets, Hit, Results};
use chatlore::text::with_mention_spaces_among;
use chatlore::who::WhoKnows;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::ops::Range;
use unicode_width::UnicodeWidthStr;

const SNIPPET_WIDTH: usize = 100;
/// Messages cited per person by `people QUERY`.
const EVIDENCE: usize = 3;
const MATCH_ON: &str = "\x1b[1;31m";
const DIM_ON: &str = "\x1b[2m";
const BOLD_ON: &str = "\x1b[1m";
const OFF: &str = "\x1b[0m";

/// Text for a terminal ([`chatlore::text::terminal_safe`]): line feeds and tabs stay. JSON
/// output is never passed through this.
pub fn clean(text: &str) -> Cow<'_, str> {
    chatlore::text::terminal_safe(text, true)
}

/// [`clean`] for one-line fields (names, paths): a line feed is escaped too.
pub fn clean_line(text: &str) -> Cow<'_, str> {
    chatlore::text::terminal_safe(text, false)
}

/// A path for a message on a terminal.
pub fn path(p: &std::path::Path) -> String {
    clean_line(&p.display().to_string()).into_owned()
}

/// A warning on standard error, made safe for the terminal.
pub fn warning(text: &str) {
    say!("warning: {}", clean(text));
}

/// A warning about a file of `archive` as the human output says it: the file named by its path
/// from where chatlore runs (`t3/people.yaml`, not `people.yaml`), as every command names it.
pub fn archive_warning(archive: &std::path::Path, w: &chatlore::archive::Warning) -> String {
    let file = if w.path.is_empty() || w.path == "." { archive.to_owned() } else { archive.join(&w.path) };
    format!("{}: {}", path(&file), w.reason)
}

/// `said_rebuild`: the reason for a rebuild was already shown (above the progress bar).
/// The summary goes to standard output; the warnings before it to standard error, as every
/// command's warnings do (`chatlore index | tail -1`, a cron mail filter, see the result only).
///
/// `shown` holds the warnings an earlier update of the same watch printed: a warning still
/// standing is not printed again (the count says how many were), one that is new or came back
/// is (see [`SaidWarnings`]).
pub fn index_summary(
    archive: &std::path::Path,
    s: &Summary,
    json: bool,
    said_rebuild: bool,
    shown: Option<&mut SaidWarnings>,
) -> Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, s)?;
        writeln!(out)?;
        return Ok(());
    }
    match &s.rebuilt {
        Some(_) if said_rebuild => writeln!(out, "rebuilt the index")?,
        Some(reason) => writeln!(out, "rebuilt the index: {}", clean(reason))?,
        None => {}
    }
    let (new, standing) = match shown {
        Some(shown) => shown.news(&s.warnings),
        None => (s.warnings.iter().collect(), 0),
    };
    for w in new {
        warning(&archive_warning(archive, w));
    }
    writeln!(out, "{}", s.counts(standing))?;
    Ok(())
}

/// A hit of `search --json`: its fields, then where the query matched in its `text`.
#[derive(serde::Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    /// `[start, end)` in characters (Unicode scalar values) of `text`: the original characters
    /// a folded match covers (`ＰＯＳ機` for `pos机`), as the human output highlights them.
    highlights: Vec<[usize; 2]>,
}

/// What introduces the near messages (see [`Engine::near`]) after the hits.
const NEAR_HEADING: &str = "near: from discussions that hold every term, in messages holding some of them";

/// The hits of a search, then the messages near them (`near`, see [`Engine::near`]).
pub fn hits(engine: &Engine, query: &Query, r: &Results, near: &[Hit], format: Format, color: bool) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            for hit in r.hits.iter().chain(near) {
                serde_json::to_writer(
                    &mut out,
                    &JsonHit { hit, highlights: char_offsets(&hit.text, &hit.highlights) },
                )?;
                writeln!(out)?;
            }
        }
        Format::Human => {
            let known = engine.mention_names_for(r.hits.iter().chain(near))?;
            human_hits(&mut out, &r.hits, &known, color)?;
            if !near.is_empty() {
                let (d, o) = if color { (DIM_ON, OFF) } else { ("", "") };
                writeln!(out, "{d}── {NEAR_HEADING} ──{o}")?;
                human_hits(&mut out, near, &known, color)?;
            }
            out.flush()?;
            let near = if near.is_empty() { String::new() } else { format!(", {} near", near.len()) };
            say!("{}{near}, {:.1} ms", shown_of(r), r.elapsed.as_secs_f64() * 1000.0);
        }
        Format::Md => markdown(&mut out, engine, query, r, near)?,
    }
    out.flush()?;
    Ok(())
}

/// The hits, each shown as a reader sees it: the export's `?` after a mention a space, `known`
/// nicknames with white space whole mentions ([`Engine::mention_names`]).
fn human_hits(out: &mut impl Write, hits: &[Hit], known: &[String], color: bool) -> Result<()> {
    for h in hits {
        let (text, ranges) = snippet(&with_mention_spaces_among(&h.text, known), &h.highlights, SNIPPET_WIDTH);
        let shown = if h.text.is_empty() { placeholder(h) } else { marked(&text, &ranges, color) };
        let (b, d, o) = if color { (BOLD_ON, DIM_ON, OFF) } else { ("", "", "") };
        let (group, speaker) = (clean_line(&h.group), clean_line(&h.speaker));
        writeln!(out, "{d}{} {}{o}  {d}{group}{o}  {b}{speaker}{o}{}", h.date, h.time_label(), also(h))?;
        writeln!(out, "    {shown}")?;
    }
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
            "{} {} {}–{} · {} · {} · {}  {}",
            x.date,
            clean_line(&x.group),
            short(&x.start_time),
            short(&x.end_time),
            count(x.messages, "msg", "msgs"),
            count(d.people.len(), "person", "people"),
            x.kind.as_str(),
            clean_line(&x.title)
        )?;
        for line in &x.summary {
            writeln!(out, "    {} {}: {}", short(&line.time), clean_line(&line.speaker), clean_line(&line.text))?;
        }
        writeln!(out, "    {}#{}", clean_line(&x.path), x.start_line)?;
    }
    out.flush()?;
    if !json {
        let total = r.total as u64;
        let of = noun(total, "discussion", "discussions");
        say!("{} of {total} {of}, {:.1} ms", r.discussions.len(), r.elapsed.as_secs_f64() * 1000.0);
    }
    Ok(())
}

/// Everyone, most messages first: one line each (or one JSON object).
pub fn people(persons: &[Person], json: bool) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for p in persons {
        if json {
            // The keys of `people QUERY --json` (`person` is the label), plus `messages`.
            let value = serde_json::json!({
                "person": p.label,
                "name": p.name,
                "company": p.company,
                "aliases": p.aliases,
                "messages": p.messages,
            });
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
            continue;
        }
        let company = p.company.as_deref().map(|c| format!(" ({})", clean_line(c))).unwrap_or_default();
        writeln!(out, "{:>7}  {}{company}{}", p.messages, clean_line(&p.label), aliases(p))?;
    }
    out.flush()?;
    Ok(())
}

/// " · as A, B" for a person with more than one nickname, or with a label that is not one.
fn aliases(p: &Person) -> String {
    if p.aliases.len() == 1 && p.aliases[0] == p.label {
        return String::new();
    }
    let names: Vec<String> = p.aliases.iter().map(|n| clean_line(n).into_owned()).collect();
    format!(" · as {}", names.join(", "))
}

/// Who knows about a query: each person, their score, and their best three messages cited
/// (date time group path:line).
/// `known`: as for the hits of a search (see [`hits`]).
pub fn who_knows(who: &WhoKnows, known: &[String], limit: usize, json: bool) -> Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (rank, e) in who.experts.iter().take(limit).enumerate() {
        let evidence = &e.hits[..e.hits.len().min(EVIDENCE)];
        // Filters alone rank no one: no score, and the hits are the newest, not the best.
        let weighed = |v| (!who.by_messages).then_some(v);
        if json {
            let value = serde_json::json!({
                "rank": rank + 1,
                "person": e.person.label,
                "name": e.person.name,
                "company": e.person.company,
                "aliases": e.person.aliases,
                "score": weighed(e.score),
                "best_hits": (!who.by_messages).then_some(e.hits.len()),
                "matching_messages": e.matching,
                "evidence": evidence.iter().map(|h| serde_json::json!({
                    "path": h.path,
                    "line": h.line,
                    "cite": format!("{}:{}", h.path, h.line),
                    "date": h.date.to_string(),
                    "time": h.time_label(),
                    "group": h.group,
                    "speaker": h.speaker,
                    "text": h.text,
                    "score": weighed(h.score),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer(&mut out, &value)?;
            writeln!(out)?;
            continue;
        }
        let company = e.person.company.as_deref().map(|c| format!(" ({})", clean_line(c))).unwrap_or_default();
        let weighed = if who.by_messages {
            String::new()
        } else {
            format!(" · score {:.1} · {} of the best hits", e.score, e.hits.len())
        };
        writeln!(
            out,
            "{}. {}{company}{weighed} · {}{}",
            rank + 1,
            clean_line(&e.person.label),
            count(e.matching, "matching message", "matching messages"),
            aliases(&e.person)
        )?;
        for h in evidence {
            let (text, _) = snippet(&with_mention_spaces_among(&h.text, known), &h.highlights, SNIPPET_WIDTH);
            let text = if h.text.is_empty() { placeholder(h) } else { clean_line(&text).into_owned() };
            writeln!(
                out,
                "    {} {} {} {}:{}  {}: {text}",
                h.date,
                h.time_label(),
                clean_line(&h.group),
                clean_line(&h.path),
                h.line,
                clean_line(&h.speaker)
            )?;
        }
    }
    out.flush()?;
    if !json && who.by_messages {
        let shown = who.experts.len().min(limit);
        say!(
            "{shown} of {}, by their matching messages (no words to rank by), of {}",
            count(who.experts.len(), "person", "people"),
            count(who.total, "matching message", "matching messages")
        );
    } else if !json {
        let shown = who.experts.len().min(limit);
        say!(
            "{shown} of {}, from the best {} of {}",
            count(who.experts.len(), "person", "people"),
            who.weighed,
            count(who.total, "matching message", "matching messages")
        );
    }
    Ok(())
}

trait TimeLabel {
    fn time_label(&self) -> String;
}

impl TimeLabel for Hit {
    fn time_label(&self) -> String {
        chatlore::archive::time_label(self.time)
    }
}

/// " (also posted as …)" for a hit that folds exact copies under other nicknames.
fn also(h: &Hit) -> String {
    if h.also.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = h.also.iter().map(|n| clean_line(n).to_string()).collect();
        format!(" (also posted as {})", names.join(", "))
    }
}

fn placeholder(h: &Hit) -> String {
    match h.urls.first() {
        Some(url) => format!("[{}] {}", h.kind.as_str(), clean_line(url)),
        None => format!("[{}]", h.kind.as_str()),
    }
}

/// `text` with `ranges` wrapped in colour, or left plain; made safe for a terminal.
fn marked(text: &str, ranges: &[Range<usize>], color: bool) -> String {
    wrap(text, ranges, if color { (MATCH_ON, OFF) } else { ("", "") })
}

fn wrap(text: &str, ranges: &[Range<usize>], marks: (&str, &str)) -> String {
    wrap_with(text, ranges, marks, |piece| clean(piece).into_owned())
}

/// [`wrap`] with each piece between the marks made safe by `safe`.
fn wrap_with(text: &str, ranges: &[Range<usize>], (on, off): (&str, &str), safe: impl Fn(&str) -> String) -> String {
    let mut s = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    // Cleaned piece by piece: the ranges are byte offsets into the raw text.
    let piece = |r: Range<usize>| safe(text.get(r).unwrap_or_default());
    for r in ranges {
        s.push_str(&piece(at..r.start));
        s.push_str(on);
        s.push_str(&piece(r.clone()));
        s.push_str(off);
        at = r.end;
    }
    s.push_str(&piece(at..text.len()));
    s
}

/// `text` as literal Markdown text: every ASCII punctuation sign that can open or close
/// emphasis, code, a link, raw HTML, an entity or a table cell gets a backslash (CommonMark lets
/// any ASCII punctuation be escaped), so a message saying `**`, `<b>` or `&amp;` reads as written.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A one-line field ([`clean_line`]) as literal Markdown text ([`md_escape`]).
fn md_line(text: &str) -> String {
    md_escape(&clean_line(text))
}

/// A line of already escaped Markdown text made safe at the start of a block: its leading
/// white space dropped (four spaces would make it code) and a list, heading-underline or
/// ordered-list marker escaped (`- `, `+ `, `===`, `1. `), so a message's own line stays text.
fn md_line_start(line: &str) -> String {
    let line = line.trim_start();
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let at = if line.starts_with(['-', '+', '=']) {
        Some(0)
    } else if (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')']) {
        Some(digits)
    } else {
        None
    };
    match at {
        Some(at) => format!("{}\\{}", &line[..at], &line[at..]),
        None => line.to_owned(),
    }
}

/// `text` as a Markdown code span: shown as written, whatever backticks it holds.
fn code_span(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// `20 of 718 hits`, saying how many more messages the page shows as exact copies folded
/// into its hits (`also posted as …`): without it, a page of every hit reads `671 of 718` as if
/// 47 were missing.
fn shown_of(r: &Results) -> String {
    let folded: usize = r.hits.iter().map(|h| h.also.len()).sum();
    let copies = match folded {
        0 => String::new(),
        1 => " (and 1 exact copy under another nickname, shown as \"also posted as\")".to_owned(),
        n => format!(" (and {n} exact copies under other nicknames, shown as \"also posted as\")"),
    };
    format!("{} of {}{copies}", r.hits.len(), count(r.total, "hit", "hits"))
}

/// A markdown export: one section per day, each message quoted with its source line.
fn markdown(out: &mut impl Write, engine: &Engine, query: &Query, r: &Results, near: &[Hit]) -> Result<()> {
    let handle = engine.handle();
    let groups = &handle.meta.groups;
    let known = engine.mention_names_for(r.hits.iter().chain(near))?;
    writeln!(out, "# chatlore: {}\n", md_line(&query.to_string()))?;
    writeln!(out, "{}.\n", shown_of(r))?;
    markdown_hits(out, groups, &known, &r.hits)?;
    if !near.is_empty() {
        writeln!(out, "---\n\n{} {NEAR_HEADING}.\n", near.len())?;
        markdown_hits(out, groups, &known, near)?;
    }
    Ok(())
}

/// `hits` grouped by day (a group's day): the days in the order of their first hit, a day's
/// messages in the order they were posted, so that each day is one section of the export.
fn by_day(hits: &[Hit]) -> Vec<&Hit> {
    let mut first: HashMap<(_, &str), usize> = HashMap::new();
    for (i, h) in hits.iter().enumerate() {
        first.entry((h.date, h.group.as_str())).or_insert(i);
    }
    let mut out: Vec<&Hit> = hits.iter().collect();
    out.sort_by_key(|h| (first[&(h.date, h.group.as_str())], h.path.as_str(), h.line));
    out
}

fn markdown_hits(
    out: &mut impl Write,
    groups: &BTreeMap<String, String>,
    known: &[String],
    hits: &[Hit],
) -> Result<()> {
    let mut last_day = None;
    for h in by_day(hits) {
        let day = (h.date, h.group.as_str());
        if last_day != Some(day) {
            let name = groups.get(&h.group).map_or(h.group.clone(), |n| format!("{n} ({})", h.group));
            writeln!(out, "## {} · {}\n", h.date, md_line(&name))?;
            last_day = Some(day);
        }
        let body = if h.text.is_empty() {
            md_line(&placeholder(h))
        } else {
            wrap_with(&with_mention_spaces_among(&h.text, known), &h.highlights, ("**", "**"), |piece| {
                md_escape(&clean(piece))
            })
        };
        let path = code_span(&format!("{}:{}", clean_line(&h.path), h.line));
        writeln!(out, "**{} {}**{} ({path})\n", h.time_label(), md_line(&h.speaker), md_line(&also(h)))?;
        for line in body.lines() {
            writeln!(out, "> {}", md_line_start(line))?;
        }
        for url in &h.urls {
            let url = clean_line(url);
            if url.contains(|c: char| c == '<' || c == '>' || c.is_whitespace()) {
                writeln!(out, ">\n> {}", md_escape(&url))?;
            } else {
                writeln!(out, ">\n> <{url}>")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

pub fn stats(engine: &Engine, json: bool) -> Result<()> {
    let all = engine.facets(&Query::default())?;
    // As `org:=COMPANY` counts them: a person's company applies to all their nicknames.
    let companies = Facets::top(&all.companies, usize::MAX);
    let handle = engine.handle();
    let meta = &handle.meta;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        let value = serde_json::json!({
            "files": meta.files,
            "messages": all.total,
            "groups": all.groups,
            "months": all.months,
            "topics": all.topics,
            "kinds": all.kinds,
            "top_speakers": Facets::top(&all.speakers, 20),
            "top_people": Facets::top(&all.people, 20),
            "top_companies": companies.iter().take(20).collect::<Vec<_>>(),
        });
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        // Flushed here: a buffer dropped unflushed loses its write error (exit 0 on a full disk).
        out.flush()?;
        return Ok(());
    }
    let names = &meta.groups;
    writeln!(out, "{}, {}\n", count(meta.files, "log", "logs"), count(all.total, "message", "messages"))?;
    writeln!(out, "groups:")?;
    for (g, n) in Facets::top(&all.groups, usize::MAX) {
        match names.get(g).filter(|name| !name.is_empty()) {
            Some(name) => writeln!(out, "  {n:>7}  {} {}", clean_line(g), clean_line(name))?,
            None => writeln!(out, "  {n:>7}  {}", clean_line(g))?,
        }
    }
    writeln!(out, "\nmonths:")?;
    let peak = all.months.values().copied().max().unwrap_or(1).max(1);
    for (m, n) in &all.months {
        let bar = "█".repeat(usize::try_from(n * 40 / peak).unwrap_or(0));
        writeln!(out, "  {m}  {n:>6}  {bar}")?;
    }
    writeln!(out, "\ntopics:")?;
    for t in &meta.topics {
        writeln!(
            out,
            "  {:>7}  {} {}",
            all.topics.get(&t.id).copied().unwrap_or(0),
            clean_line(&t.id),
            clean_line(&t.zh)
        )?;
    }
    writeln!(out, "\ntop people (nicknames joined, see `chatlore people`):")?;
    for (s, n) in Facets::top(&all.people, 15) {
        writeln!(out, "  {n:>7}  {}", clean_line(s))?;
    }
    writeln!(out, "\ntop companies:")?;
    for (c, n) in companies.iter().take(15) {
        writeln!(out, "  {n:>7}  {}", clean_line(c))?;
    }
    out.flush()?;
    Ok(())
}

pub fn topics(engine: &Engine, json: bool) -> Result<()> {
    let counts = engine.facets(&Query::default())?.topics;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let handle = engine.handle();
    let topics = &handle.meta.topics;
    if json {
        for t in topics {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            let v = serde_json::json!({"id": t.id, "zh": t.zh, "en": t.en, "keywords": t.keywords, "messages": n});
            serde_json::to_writer(&mut out, &v)?;
            writeln!(out)?;
        }
        out.flush()?;
        return Ok(());
    }
    // Columns as wide as their widest cell, in terminal columns (a Chinese character takes two).
    let rows: Vec<[String; 4]> = topics
        .iter()
        .map(|t| {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            [
                clean_line(&t.id).into_owned(),
                clean_line(&t.zh).into_owned(),
                clean_line(&t.en).into_owned(),
                n.to_string(),
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].width()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2), width(3)];
    for (row, t) in rows.iter().zip(topics) {
        let [id, zh, en, n] = row;
        let keywords = clean_line(&t.keywords.join(" ")).into_owned();
        writeln!(
            out,
            "{}  {}  {}  {}  {keywords}",
            pad(id, widths[0]),
            pad(zh, widths[1]),
            pad(en, widths[2]),
            " ".repeat(widths[3].saturating_sub(n.width())) + n
        )?;
    }
    out.flush()?;
    Ok(())
}

/// `text` followed by spaces to fill `width` terminal columns.
pub fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}
