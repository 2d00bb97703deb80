//! What each tool answers, apart from the protocol: arguments in, an [`Answer`] (text for the
//! assistant to read, the same facts as JSON) or a [`ToolError`] out. Every message in an answer
//! carries its citation, `path:line` plus date, time, group and speaker; every bounded answer
//! says what it left out and how to get it.

use super::cursor::{Cursor, CursorError};
use super::paths::{self, PathError};
use crate::archive::{self, Kind};
use crate::date::Date;
use crate::query::{Query, QueryError};
use crate::search::{snippet, Engine, Facets, Hit, Page, SearchError, Sort};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::path::PathBuf;

/// A tool's answer: text for the assistant and the same content as structured JSON.
#[derive(Debug)]
pub(crate) struct Answer {
    pub text: String,
    pub json: Value,
}

/// A call that could not be answered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ToolError {
    /// The arguments are wrong; the message says how to fix them.
    #[error("{0}")]
    BadArgument(String),
    #[error(transparent)]
    Path(#[from] PathError),
    #[error(transparent)]
    Cursor(#[from] CursorError),
    #[error("bad query: {0}")]
    Query(#[from] QueryError),
    /// The index or the archive failed us, not the caller.
    #[error("{0}")]
    Internal(String),
}

impl ToolError {
    /// Whether the caller can fix it by changing the arguments.
    pub fn is_bad_argument(&self) -> bool {
        !matches!(self, ToolError::Internal(_))
    }
}

impl From<SearchError> for ToolError {
    fn from(e: SearchError) -> ToolError {
        match e {
            SearchError::UnknownTopic { .. } | SearchError::UnknownGroup { .. } | SearchError::FilterValue { .. } => {
                ToolError::BadArgument(e.to_string())
            }
            SearchError::Index(_) | SearchError::Tantivy(_) => ToolError::Internal(e.to_string()),
        }
    }
}

/// What `search` returns: messages today; discussions once they are indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum By {
    Discussions,
    #[default]
    Messages,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SortArg {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first.
    #[serde(alias = "date")]
    Newest,
    /// Oldest first.
    Oldest,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchArgs {
    /// The query in chatlore's query language, e.g. `结售汇 date:2018` or `"快捷 支付" -pos`.
    pub query: String,
    /// `messages` (default) or `discussions` (not available yet).
    pub by: Option<By>,
    /// `relevance` (default), `newest` or `oldest`.
    pub sort: Option<SortArg>,
    /// Hits per page, 1 to 100 (default 10).
    pub limit: Option<u32>,
    /// The `next_cursor` of a previous answer, to continue its results.
    pub cursor: Option<String>,
    /// Most characters of text in the answer, 500 to 100000 (default 8000).
    pub max_chars: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadArgs {
    /// The log's path relative to the archive, as search cites it.
    pub path: String,
    /// A message's line in that log (the number after the colon in a citation).
    pub line: u32,
    /// Messages before it, 0 to 100 (default 5).
    pub before: Option<u32>,
    /// Messages after it, 0 to 100 (default 10).
    pub after: Option<u32>,
    /// Most characters of text in the answer, 500 to 100000 (default 8000).
    pub max_chars: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PeopleArgs {
    /// What they should know about, in the query language (e.g. `结售汇`, `断直连 网联`).
    pub query: String,
    /// How many people, 1 to 50 (default 10).
    pub limit: Option<u32>,
}

/// The best hits `people` weighs.
const PEOPLE_HITS: usize = 200;
/// Evidence shown per person.
const PEOPLE_EVIDENCE: usize = 3;
const EVIDENCE_WIDTH: usize = 120;
/// Room kept for the header and footer of a bounded answer.
const FRAME_CHARS: usize = 400;
const MAX_CHARS: RangeInclusive<u32> = 500..=100_000;
const DEFAULT_MAX_CHARS: u32 = 8000;

/// The shared state of the server: one engine for every call, and the archive for `read`.
pub(crate) struct Tools {
    engine: Engine,
    archive: PathBuf,
}

impl Tools {
    pub fn new(engine: Engine, archive: PathBuf) -> Tools {
        Tools { engine, archive }
    }

    /// The engine, on the newest commit (another process may have indexed since the last call).
    fn engine(&self) -> Result<&Engine, ToolError> {
        self.engine.reload().map_err(|e| ToolError::Internal(e.to_string()))?;
        Ok(&self.engine)
    }

    pub fn search(&self, args: &SearchArgs) -> Result<Answer, ToolError> {
        let by = args.by.unwrap_or_default();
        if by == By::Discussions {
            return Err(ToolError::BadArgument(
                "search by discussions is not available yet; use by: \"messages\" (the default)".into(),
            ));
        }
        let limit = bounded("limit", args.limit, 10, 1..=100)?;
        let max_chars = bounded("max_chars", args.max_chars, DEFAULT_MAX_CHARS, MAX_CHARS)?;
        let sort = args.sort.unwrap_or_default();
        let query = parse(&args.query)?;
        let key = format!("{}\u{1f}{sort:?}\u{1f}{by:?}", args.query.trim());
        let offset = match &args.cursor {
            Some(c) => Cursor::decode(c, &key)?.offset,
            None => 0,
        };
        let engine = self.engine()?;
        let results = engine.search(&query, Page { limit: Some(limit), offset, sort: sort.into() })?;
        let handle = engine.handle();
        let names = &handle.meta.groups;
        let budget = max_chars.saturating_sub(FRAME_CHARS + args.query.chars().count());
        let mut body = String::new();
        let mut hits = Vec::new();
        for (i, hit) in results.hits.iter().enumerate() {
            let rank = offset + i + 1;
            let room = budget.saturating_sub(body.chars().count());
            // The first hit is always shown (cut if it must be), so every page moves on.
            let Some((block, cut)) = hit_block(hit, rank, names, room, hits.is_empty()) else { break };
            body.push_str(&block);
            hits.push(hit_json(hit, rank, names, cut));
        }
        let next = offset + hits.len();
        let remaining = results.total.saturating_sub(next);
        let next_cursor = (remaining > 0).then(|| Cursor::new(next, &key).encode());
        let mut text = if results.total == 0 {
            format!(
                "No message matches `{}`. Chinese terms match as substrings and all terms must match: try fewer or shorter terms, or drop filters.\n",
                args.query.trim()
            )
        } else if hits.is_empty() {
            format!("{} messages match `{}`; the cursor is past the last of them.\n", results.total, args.query.trim())
        } else {
            format!(
                "{} messages match `{}` ({}); hits {}–{}. Cite each message you use as its path:line.\n\n",
                results.total,
                args.query.trim(),
                sort_label(sort),
                offset + 1,
                next
            )
        };
        text.push_str(&body);
        match &next_cursor {
            Some(c) => {
                let _ = write!(
                    text,
                    "\n{remaining} more hit(s) not shown. To see them, call search again with the same query and sort and cursor \"{c}\".\n"
                );
            }
            None if !hits.is_empty() => text.push_str("\nThat is every hit.\n"),
            None => {}
        }
        let json = json!({
            "query": args.query.trim(),
            "by": "messages",
            "sort": sort_label(sort),
            "total": results.total,
            "offset": offset,
            "returned": hits.len(),
            "remaining": remaining,
            "next_cursor": next_cursor,
            "hits": hits,
        });
        Ok(Answer { text, json })
    }

    pub fn read(&self, args: &ReadArgs) -> Result<Answer, ToolError> {
        let before = bounded("before", args.before, 5, 0..=100)?;
        let after = bounded("after", args.after, 10, 0..=100)?;
        let max_chars = bounded("max_chars", args.max_chars, DEFAULT_MAX_CHARS, MAX_CHARS)?;
        let abs = paths::resolve(&self.archive, &args.path)?;
        let rel = args.path.split('/').filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/");
        let not_log = |reason: String| ToolError::BadArgument(format!("{rel}: {reason}"));
        let bytes = std::fs::read(&abs).map_err(|e| ToolError::Internal(format!("{rel}: cannot read: {e}")))?;
        let (day, _) = archive::parse_log(&rel, &bytes).map_err(|r| not_log(format!("not a chat log ({r})")))?;
        let Some(first) = day.messages.first() else {
            return Err(not_log("the log holds no messages".into()));
        };
        let at = day.messages.iter().rposition(|m| m.line <= args.line).ok_or_else(|| {
            not_log(format!("no message at or before line {}; the first message is at line {}", args.line, first.line))
        })?;
        let names = self.engine()?.handle().meta.groups.clone();
        let group_name = group_label(&day.group, &names).to_owned();
        let budget = max_chars.saturating_sub(FRAME_CHARS);
        // The target first, then outwards one message each side at a time, while they fit.
        let block = |i: usize, room: usize, force: bool| {
            let m = &day.messages[i];
            let mark = if i == at { "▶ " } else { "  " };
            let head = format!("{mark}{}:{}  {}  {}\n", day.path, m.line, m.time_label(), m.speaker);
            message_block(head, &body_of(&m.text, m.kind, &m.urls()), &day.path, m.line, room, force)
        };
        let mut shown = vec![(at, block(at, budget, true).unwrap_or_default())];
        let mut used = shown[0].1 .0.chars().count();
        let (mut lo, mut hi) = (at, at);
        let (want_lo, want_hi) = (at.saturating_sub(before), (at + after).min(day.messages.len() - 1));
        let (mut open_lo, mut open_hi) = (true, true);
        while (open_lo && lo > want_lo) || (open_hi && hi < want_hi) {
            for side in [false, true] {
                let next = match side {
                    false if open_lo && lo > want_lo => lo - 1,
                    true if open_hi && hi < want_hi => hi + 1,
                    _ => continue,
                };
                match block(next, budget.saturating_sub(used), false) {
                    Some(b) => {
                        used += b.0.chars().count();
                        shown.push((next, b));
                        if side {
                            hi = next;
                        } else {
                            lo = next;
                        }
                    }
                    None if side => open_hi = false,
                    None => open_lo = false,
                }
            }
        }
        shown.sort_by_key(|(i, _)| *i);
        let (left_before, left_after) = (lo - want_lo, want_hi - hi);
        let mut text = format!(
            "{} · {} · {} · messages {}–{} of {}; ▶ marks line {}. Cite each message you use as its path:line.\n\n",
            day.path,
            day.date,
            group_title(&day.group, &names),
            lo + 1,
            hi + 1,
            day.messages.len(),
            day.messages[at].line
        );
        for (_, (b, _)) in &shown {
            text.push_str(b);
        }
        if left_before + left_after > 0 {
            let _ = write!(
                text,
                "\n{left_before} earlier and {left_after} later message(s) you asked for did not fit in max_chars; read again from their lines ({}:{} or {}:{}) to see them.\n",
                day.path,
                day.messages[want_lo].line,
                day.path,
                day.messages[want_hi].line
            );
        }
        let messages: Vec<Value> = shown
            .iter()
            .map(|(i, (_, cut))| {
                let m = &day.messages[*i];
                json!({
                    "cite": format!("{}:{}", day.path, m.line),
                    "line": m.line,
                    "time": m.time_label(),
                    "speaker": m.speaker,
                    "text": cut.as_ref().map_or(m.text.as_str(), String::as_str),
                    "cut": cut.is_some(),
                    "kind": m.kind.as_str(),
                    "urls": m.urls(),
                    "target": *i == at,
                })
            })
            .collect();
        let json = json!({
            "path": day.path,
            "date": day.date.to_string(),
            "group": day.group,
            "group_name": group_name,
            "line": day.messages[at].line,
            "day_messages": day.messages.len(),
            "omitted_before": left_before,
            "omitted_after": left_after,
            "messages": messages,
        });
        Ok(Answer { text, json })
    }

    pub fn people(&self, args: &PeopleArgs) -> Result<Answer, ToolError> {
        let limit = bounded("limit", args.limit, 10, 1..=50)?;
        let query = parse(&args.query)?;
        let engine = self.engine()?;
        let results = engine.search(&query, Page { limit: Some(PEOPLE_HITS), offset: 0, sort: Sort::Relevance })?;
        let matching = engine.facets(&query)?.speakers;
        let handle = engine.handle();
        let names = &handle.meta.groups;
        let ranked = rank_people(&results.hits);
        let mut text = format!(
            "{} messages match `{}`. The people who wrote most of its {} best hits, by the sum of their hits' scores. Cite their messages as path:line.\n",
            results.total,
            args.query.trim(),
            results.hits.len()
        );
        let mut people = Vec::new();
        for (n, p) in ranked.iter().take(limit).enumerate() {
            let all = matching.get(p.speaker).copied().unwrap_or(p.hits.len() as u64);
            let _ = write!(
                text,
                "\n{}. {} — {} of the best hits (score {:.1}), {all} matching message(s) in all\n",
                n + 1,
                p.speaker,
                p.hits.len(),
                p.score
            );
            let evidence: Vec<&Hit> = p.hits.iter().take(PEOPLE_EVIDENCE).copied().collect();
            for h in &evidence {
                let (excerpt, _) = snippet(&h.text, &h.highlights, EVIDENCE_WIDTH);
                let _ = writeln!(text, "   - {}:{} · {}: {}", h.path, h.line, citation(h, names), excerpt);
            }
            people.push(json!({
                "speaker": p.speaker,
                "score": p.score,
                "best_hits": p.hits.len(),
                "matching_messages": all,
                "evidence": evidence.iter().map(|h| json!({
                    "cite": format!("{}:{}", h.path, h.line),
                    "citation": citation(h, names),
                    "excerpt": snippet(&h.text, &h.highlights, EVIDENCE_WIDTH).0,
                    "score": h.score,
                })).collect::<Vec<_>>(),
            }));
        }
        if ranked.len() > limit {
            let _ = write!(
                text,
                "\n{} more people wrote some of the best hits; raise limit to see them.\n",
                ranked.len() - limit
            );
        }
        if ranked.is_empty() {
            text.push_str("\nNobody: no message matches.\n");
        }
        let json = json!({
            "query": args.query.trim(),
            "total": results.total,
            "best_hits": results.hits.len(),
            "more_people": ranked.len().saturating_sub(limit),
            "people": people,
        });
        Ok(Answer { text, json })
    }

    pub fn topics(&self) -> Result<Answer, ToolError> {
        let engine = self.engine()?;
        let counts = engine.facets(&Query::default())?.topics;
        let mut text = String::from("Topics (search them with topic:ID or topic:中文名):\n");
        let mut topics = Vec::new();
        for t in &engine.handle().meta.topics {
            let n = counts.get(&t.id).copied().unwrap_or(0);
            let _ =
                writeln!(text, "- {} · {} · {} · {n} messages · keywords: {}", t.id, t.zh, t.en, t.keywords.join(" "));
            topics.push(json!({"id": t.id, "zh": t.zh, "en": t.en, "keywords": t.keywords, "messages": n}));
        }
        Ok(Answer { text, json: json!({ "topics": topics }) })
    }

    pub fn stats(&self) -> Result<Answer, ToolError> {
        let engine = self.engine()?;
        let all = engine.facets(&Query::default())?;
        let companies = engine.directory()?.companies();
        let handle = engine.handle();
        let meta = &handle.meta;
        let name = |g: &str| group_label(g, &meta.groups).to_owned();
        let mut years: BTreeMap<&str, u64> = BTreeMap::new();
        for (m, n) in &all.months {
            *years.entry(m.get(..4).unwrap_or(m)).or_default() += n;
        }
        let groups = Facets::top(&all.groups, usize::MAX);
        let speakers = Facets::top(&all.speakers, 10);
        let (first, last) = (all.months.keys().next(), all.months.keys().next_back());
        let mut text = format!(
            "{} logs, {} messages, {} groups, {} speakers, from {} to {}.\n\nGroups:\n",
            meta.files,
            all.total,
            all.groups.len(),
            all.speakers.len(),
            first.map_or("-", String::as_str),
            last.map_or("-", String::as_str)
        );
        for (g, n) in &groups {
            let _ = writeln!(text, "- {}: {n}", group_title(g, &meta.groups));
        }
        text.push_str("\nMessages per year:\n");
        for (y, n) in &years {
            let _ = writeln!(text, "- {y}: {n}");
        }
        text.push_str("\nTop speakers:\n");
        for (s, n) in &speakers {
            let _ = writeln!(text, "- {s}: {n}");
        }
        text.push_str("\nTop companies (parsed from nicknames):\n");
        for (c, n) in companies.iter().take(10) {
            let _ = writeln!(text, "- {c}: {n}");
        }
        text.push_str("\nThe topics tool lists the taxonomy with counts.\n");
        let json = json!({
            "files": meta.files,
            "messages": all.total,
            "first_month": first,
            "last_month": last,
            "groups": groups.iter().map(|(g, n)| json!({"group": g, "name": name(g), "messages": n})).collect::<Vec<_>>(),
            "years": years,
            "months": all.months,
            "kinds": all.kinds,
            "topics": all.topics,
            "speakers": all.speakers.len(),
            "top_speakers": speakers,
            "top_companies": companies.iter().take(10).collect::<Vec<_>>(),
        });
        Ok(Answer { text, json })
    }
}

/// An optional numeric argument within its range, or its default.
fn bounded(name: &str, value: Option<u32>, default: u32, range: RangeInclusive<u32>) -> Result<usize, ToolError> {
    let v = value.unwrap_or(default);
    if !range.contains(&v) {
        return Err(ToolError::BadArgument(format!(
            "{name} must be between {} and {}; got {v}",
            range.start(),
            range.end()
        )));
    }
    Ok(v as usize)
}

fn parse(query: &str) -> Result<Query, ToolError> {
    let q = Query::parse(query)?;
    if q.is_empty() {
        return Err(ToolError::BadArgument("query is empty: give at least one term or filter".into()));
    }
    Ok(q)
}

fn sort_label(s: SortArg) -> &'static str {
    match s {
        SortArg::Relevance => "best first",
        SortArg::Newest => "newest first",
        SortArg::Oldest => "oldest first",
    }
}

/// The human half of a citation: `2017-08-15 09:21:48 · 支付产品交流群 · 陈默`.
fn citation(h: &Hit, names: &BTreeMap<String, String>) -> String {
    human(h.date, &archive::time_label(h.time), group_label(&h.group, names), &h.speaker)
}

fn human(date: Date, time: &str, group: &str, speaker: &str) -> String {
    format!("{date} {time} · {group} · {speaker}")
}

/// `支付产品交流群 (payprod)`, or the folder alone where the archive names no group.
fn group_title(group: &str, names: &BTreeMap<String, String>) -> String {
    match names.get(group) {
        Some(name) if name != group => format!("{name} ({group})"),
        _ => group.to_owned(),
    }
}

/// The group's display name, else its folder.
fn group_label<'a>(group: &'a str, names: &'a BTreeMap<String, String>) -> &'a str {
    names.get(group).map_or(group, String::as_str)
}

/// A message's text, or a placeholder naming what it is when it has none (an image).
fn body_of(text: &str, kind: Kind, urls: &[String]) -> String {
    let mut body = text.trim().to_owned();
    if body.is_empty() {
        body = format!("[{}]", kind.as_str());
    }
    for u in urls {
        if !body.contains(u.as_str()) {
            let _ = write!(body, "\n{u}");
        }
    }
    body
}

/// One hit of `search`: rank, `path:line`, human citation, the whole text. `None` when it does
/// not fit in `room` characters (unless `force`, which cuts its text, saying so).
fn hit_block(
    h: &Hit,
    rank: usize,
    names: &BTreeMap<String, String>,
    room: usize,
    force: bool,
) -> Option<(String, Option<String>)> {
    let head = format!("[{rank}] {}:{}\n    {}\n", h.path, h.line, citation(h, names));
    message_block(head, &body_of(&h.text, h.kind, &h.urls), &h.path, h.line, room, force)
}

/// `head` and the indented `body`, within `room` characters; when it is too long and `force`
/// is set, the body is cut with a note that names the citation to read it whole. Returns the
/// block and, when cut, the text that was kept.
fn message_block(
    head: String,
    body: &str,
    path: &str,
    line: u32,
    room: usize,
    force: bool,
) -> Option<(String, Option<String>)> {
    let indented = |b: &str| b.lines().map(|l| format!("    {l}\n")).collect::<String>();
    let whole = format!("{head}{}", indented(body));
    if whole.chars().count() <= room {
        return Some((whole, None));
    }
    if !force {
        return None;
    }
    let total = body.chars().count();
    let note_len = 120;
    let keep = room.saturating_sub(head.chars().count() + note_len + body.lines().count().min(20) * 4).max(1);
    let kept: String = body.chars().take(keep).collect();
    let note =
        format!("… [cut: {} more characters; read {path}:{line} with a larger max_chars]", total - keep.min(total));
    Some((format!("{head}{}", indented(&format!("{kept}{note}"))), Some(kept)))
}

fn hit_json(h: &Hit, rank: usize, names: &BTreeMap<String, String>, cut: Option<String>) -> Value {
    json!({
        "rank": rank,
        "cite": format!("{}:{}", h.path, h.line),
        "citation": citation(h, names),
        "path": h.path,
        "line": h.line,
        "date": h.date.to_string(),
        "time": archive::time_label(h.time),
        "group": h.group,
        "group_name": group_label(&h.group, names),
        "speaker": h.speaker,
        "text": cut.as_deref().unwrap_or(&h.text),
        "cut": cut.is_some(),
        "kind": h.kind.as_str(),
        "topics": h.topics,
        "urls": h.urls,
        "score": h.score,
    })
}

/// One speaker's share of the best hits.
struct Person<'a> {
    speaker: &'a str,
    score: f32,
    /// Best first.
    hits: Vec<&'a Hit>,
}

/// Speakers of `hits` by the sum of their hits' scores (then by how many), best first.
fn rank_people(hits: &[Hit]) -> Vec<Person<'_>> {
    let mut by: BTreeMap<&str, Person<'_>> = BTreeMap::new();
    for h in hits {
        let p = by.entry(&h.speaker).or_insert_with(|| Person { speaker: &h.speaker, score: 0.0, hits: Vec::new() });
        p.score += h.score;
        p.hits.push(h);
    }
    let mut people: Vec<Person<'_>> = by.into_values().collect();
    for p in &mut people {
        p.hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    }
    people.sort_by(|a, b| {
        b.score.total_cmp(&a.score).then_with(|| b.hits.len().cmp(&a.hits.len())).then_with(|| a.speaker.cmp(b.speaker))
    });
    people
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{self, writer::Silent, Options};
    use crate::search::highlights;
    use std::path::Path;

    fn tools() -> (tempfile::TempDir, Tools) {
        let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("archive");
        let dir = tempfile::tempdir().unwrap();
        index::update(&archive, dir.path(), &Options::default(), &Silent).unwrap();
        let engine = Engine::open(dir.path()).unwrap();
        (dir, Tools::new(engine, archive))
    }

    fn search(q: &str) -> SearchArgs {
        SearchArgs { query: q.into(), by: None, sort: None, limit: None, cursor: None, max_chars: None }
    }

    #[test]
    fn search_cites_every_hit_and_pages_with_a_cursor_within_max_chars() {
        let (_d, t) = tools();
        let all = t.search(&SearchArgs { limit: Some(100), max_chars: Some(100_000), ..search("对账") }).unwrap();
        let total = all.json["total"].as_u64().unwrap() as usize;
        assert!(total >= 6, "{}", all.text);
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let a = t
                .search(&SearchArgs {
                    limit: Some(2), max_chars: Some(600), cursor: cursor.clone(), ..search("对账")
                })
                .unwrap();
            assert!(a.text.chars().count() <= 600, "{}", a.text);
            for h in a.json["hits"].as_array().unwrap() {
                let cite = h["cite"].as_str().unwrap();
                assert!(a.text.contains(cite), "{cite} cited in the text");
                assert!(a.text.contains(h["citation"].as_str().unwrap()));
                seen.push(cite.to_owned());
            }
            assert_eq!(a.json["remaining"].as_u64().unwrap() as usize, total - seen.len());
            match a.json["next_cursor"].as_str() {
                Some(c) => {
                    assert!(a.text.contains(c) && a.text.contains("more hit(s) not shown"), "{}", a.text);
                    cursor = Some(c.to_owned());
                }
                None => break,
            }
        }
        let expected: Vec<String> =
            all.json["hits"].as_array().unwrap().iter().map(|h| h["cite"].as_str().unwrap().to_owned()).collect();
        assert_eq!(seen, expected);
        let first = t.search(&SearchArgs { limit: Some(1), ..search("对账") }).unwrap();
        let cursor = first.json["next_cursor"].as_str().map(str::to_owned);
        let wrong = t.search(&SearchArgs { cursor, ..search("结售汇") });
        assert!(matches!(wrong, Err(ToolError::Cursor(CursorError::OtherQuery(_)))));
    }

    #[test]
    fn a_hit_longer_than_max_chars_is_cut_and_says_so() {
        let (_d, t) = tools();
        let a = t.search(&SearchArgs { max_chars: Some(500), ..search("对账") }).unwrap();
        assert!(a.text.chars().count() <= 500, "{}", a.text);
        assert!(a.json["returned"].as_u64().unwrap() >= 1);
        let cut = t.search(&SearchArgs { max_chars: Some(500), limit: Some(1), ..search("kind:text") }).unwrap();
        assert!(cut.text.chars().count() <= 500);
        let body = "长".repeat(2000);
        let (block, kept) = message_block("h\n".into(), &body, "g/p.md", 7, 500, true).unwrap();
        assert!(block.chars().count() <= 500, "{block}");
        assert!(block.contains("[cut:") && block.contains("g/p.md:7"), "{block}");
        assert!(kept.is_some());
        assert!(message_block("h\n".into(), &body, "g/p.md", 7, 500, false).is_none());
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let (_d, t) = tools();
        let err = |r: Result<Answer, ToolError>| r.unwrap_err();
        assert!(err(t.search(&SearchArgs { by: Some(By::Discussions), ..search("对账") }))
            .to_string()
            .contains("not available yet"));
        assert!(err(t.search(&search("  "))).is_bad_argument());
        assert!(err(t.search(&search("\"open"))).to_string().contains("unclosed quote"));
        assert!(err(t.search(&search("topic:nonsense"))).to_string().contains("unknown topic"));
        assert!(err(t.search(&SearchArgs { limit: Some(0), ..search("对账") })).to_string().contains("limit"));
        assert!(err(t.search(&SearchArgs { max_chars: Some(10), ..search("对账") })).is_bad_argument());
        assert!(matches!(
            err(t.search(&SearchArgs { cursor: Some("nope".into()), ..search("对账") })),
            ToolError::Cursor(CursorError::Malformed(_))
        ));
        let read = |path: &str| ReadArgs { path: path.into(), line: 1, before: None, after: None, max_chars: None };
        assert!(matches!(err(t.read(&read("../Cargo.toml"))), ToolError::Path(PathError::Outside(_))));
        assert!(matches!(err(t.read(&read("/etc/passwd"))), ToolError::Path(PathError::NotRelative(_))));
        assert!(err(t.read(&read("topics.yaml"))).is_bad_argument());
    }

    #[test]
    fn read_shows_the_messages_around_a_line_with_the_target_marked() {
        let (_d, t) = tools();
        let hit = t.search(&search("多通道之后对账")).unwrap();
        let h = &hit.json["hits"][0];
        let (path, line) = (h["path"].as_str().unwrap(), h["line"].as_u64().unwrap() as u32);
        let a =
            t.read(&ReadArgs { path: path.into(), line, before: Some(2), after: Some(3), max_chars: None }).unwrap();
        let msgs = a.json["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 6, "{}", a.text);
        assert_eq!(msgs[2]["target"], true);
        assert_eq!(msgs[2]["line"].as_u64(), Some(u64::from(line)));
        assert!(a.text.contains(&format!("▶ {path}:{line}")), "{}", a.text);
        assert!(msgs.iter().all(|m| a.text.contains(m["cite"].as_str().unwrap())));
        // A line inside a message's body answers that message.
        let inside =
            t.read(&ReadArgs { path: path.into(), line: line + 2, before: Some(0), after: Some(0), max_chars: None });
        assert_eq!(inside.unwrap().json["line"].as_u64(), Some(u64::from(line)));
        // A tight budget keeps the target and says what it left out.
        let tight = t
            .read(&ReadArgs { path: path.into(), line, before: Some(20), after: Some(20), max_chars: Some(500) })
            .unwrap();
        assert!(tight.text.chars().count() <= 500, "{}", tight.text);
        let left = tight.json["omitted_before"].as_u64().unwrap() + tight.json["omitted_after"].as_u64().unwrap();
        assert!(left > 0 && tight.text.contains("did not fit"), "{}", tight.text);
    }

    #[test]
    fn people_ranks_speakers_by_their_best_hits_with_evidence() {
        let (_d, t) = tools();
        let a = t.people(&PeopleArgs { query: "对账".into(), limit: Some(3) }).unwrap();
        let people = a.json["people"].as_array().unwrap();
        assert!(!people.is_empty(), "{}", a.text);
        let scores: Vec<f64> = people.iter().map(|p| p["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        for p in people {
            let ev = p["evidence"].as_array().unwrap();
            assert!(!ev.is_empty() && ev.len() <= 3);
            assert!(ev.iter().all(|e| a.text.contains(e["cite"].as_str().unwrap())));
        }
        let hits = vec![
            Hit { speaker: "a".into(), score: 1.0, ..fake() },
            Hit { speaker: "b".into(), score: 1.5, ..fake() },
            Hit { speaker: "a".into(), score: 1.0, ..fake() },
        ];
        let ranked = rank_people(&hits);
        assert_eq!(ranked.iter().map(|p| p.speaker).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(ranked[0].hits.len(), 2);
    }

    #[test]
    fn topics_and_stats_count_the_archive() {
        let (_d, t) = tools();
        let s = t.stats().unwrap();
        assert_eq!(s.json["messages"], 138);
        assert_eq!(s.json["files"], 11);
        let topics = t.topics().unwrap();
        let list = topics.json["topics"].as_array().unwrap();
        assert_eq!(list.len(), 14);
        assert!(list.iter().all(|t| t["messages"].as_u64().unwrap() > 0), "{}", topics.text);
    }

    fn fake() -> Hit {
        Hit {
            path: "g/p.md".into(),
            line: 1,
            group: "g".into(),
            date: Date::default(),
            time: 0,
            speaker: String::new(),
            text: "x".into(),
            kind: Kind::Text,
            topics: vec![],
            urls: vec![],
            discussion: "g/p.md#1".into(),
            score: 0.0,
            highlights: highlights("x", &[]),
            also: vec![],
        }
    }
}
