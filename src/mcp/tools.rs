//! What each tool answers, apart from the protocol: arguments in, an [`Answer`] (text for the
//! assistant to read, the same facts as JSON) or a [`ToolError`] out. Every message in an answer
//! carries its citation, `path:line` plus date, time, group and speaker; every bounded answer
//! says what it left out and how to get it.

use super::cursor::{Cursor, CursorError};
use super::paths::{self, PathError};
use crate::archive::{self, Day, Kind};
use crate::discussion_search::DiscussionHit;
use crate::discussions::{self, SpanKind};
use crate::plural::{count, matching, noun};
use crate::query::{Query, QueryError};
use crate::search::{char_offsets, snippet, Engine, Facets, Highlighter, Hit, Page, SearchError, Sort};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::{Range, RangeInclusive};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

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
    /// The index failed us, not the caller: said with the command that repairs it
    /// ([`Tools::explain`]).
    #[error(transparent)]
    Index(SearchError),
    /// The archive failed us (a log that cannot be read), or rebuilding the index did.
    #[error("{0}")]
    Internal(String),
}

impl ToolError {
    /// Whether the caller can fix it by changing the arguments (the tests tell the two kinds
    /// apart; both come back as tool errors).
    #[cfg(test)]
    pub fn is_bad_argument(&self) -> bool {
        !matches!(self, ToolError::Index(_) | ToolError::Internal(_))
    }
}

impl From<SearchError> for ToolError {
    fn from(e: SearchError) -> ToolError {
        match e {
            SearchError::UnknownTopic { .. }
            | SearchError::UnknownGroup { .. }
            | SearchError::NoSpeaker { .. }
            | SearchError::FilterValue { .. } => ToolError::BadArgument(e.to_string()),
            SearchError::Index(_) | SearchError::Tantivy(_) => ToolError::Index(e),
        }
    }
}

/// What `search` returns: discussions (the default) or single messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum By {
    /// Conversations: title, span, people, summary and matching messages, each with an id.
    #[default]
    Discussions,
    /// Single messages, each with its whole text.
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
    /// `discussions` (default: conversations with their summary and matching messages) or
    /// `messages` (single messages with their whole text).
    pub by: Option<By>,
    /// `relevance` (default), `newest` or `oldest`.
    pub sort: Option<SortArg>,
    /// Hits per page, 1 to 100 (default 10).
    #[schemars(range(min = *SEARCH_LIMIT.start(), max = *SEARCH_LIMIT.end()))]
    pub limit: Option<u32>,
    /// The `next_cursor` of a previous answer, to continue its results.
    pub cursor: Option<String>,
    /// Most characters of text in the answer, 1000 to 100000 (default 8000).
    #[schemars(range(min = *MAX_CHARS.start(), max = *MAX_CHARS.end()))]
    pub max_chars: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadArgs {
    /// A discussion's id, `path#start_line`, as search by discussions returns it: reads that
    /// whole discussion. Give either id, or path and line.
    pub id: Option<String>,
    /// The log's path relative to the archive, as search cites it (the part before the colon).
    pub path: Option<String>,
    /// A message's line in that log (the number after the colon in a citation).
    pub line: Option<u32>,
    /// With path and line: messages before it, 0 to 100 (default 5).
    #[schemars(range(min = *AROUND.start(), max = *AROUND.end()))]
    pub before: Option<u32>,
    /// With path and line: messages after it, 0 to 100 (default 10).
    #[schemars(range(min = *AROUND.start(), max = *AROUND.end()))]
    pub after: Option<u32>,
    /// Most characters of text in the answer, 1000 to 100000 (default 8000).
    #[schemars(range(min = *MAX_CHARS.start(), max = *MAX_CHARS.end()))]
    pub max_chars: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PeopleArgs {
    /// What they should know about, in the query language (e.g. `结售汇`, `断直连 网联`).
    /// Without it (or empty): everyone, by their messages, with their nicknames and company.
    pub query: Option<String>,
    /// How many people, 1 to 50 (default 10).
    #[schemars(range(min = *PEOPLE_LIMIT.start(), max = *PEOPLE_LIMIT.end()))]
    pub limit: Option<u32>,
    /// Most characters of text in the answer, 1000 to 100000 (default 8000).
    #[schemars(range(min = *MAX_CHARS.start(), max = *MAX_CHARS.end()))]
    pub max_chars: Option<u32>,
}

/// The arguments of `topics` and `stats`: none. An argument given (`{"query": "跨境"}`, as if
/// it filtered) is refused, as the other tools refuse one they do not take.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoArgs {}

/// Most characters of the query an answer repeats.
const QUERY_SHOWN: usize = 200;

/// The query as an answer repeats it: trimmed, and cut to [`QUERY_SHOWN`] characters (a query
/// as long as `max_chars` would otherwise push the answer past it).
fn quoted_query(query: &str) -> String {
    let q = query.trim();
    match q.char_indices().nth(QUERY_SHOWN) {
        Some((at, _)) => format!("{}…", &q[..at]),
        None => q.to_owned(),
    }
}

/// How many people an answer of `people` lists.
const PEOPLE_LIMIT: RangeInclusive<u32> = 1..=50;
/// How many hits a page of `search` holds.
const SEARCH_LIMIT: RangeInclusive<u32> = 1..=100;
/// How many messages `read` shows before and after a line.
const AROUND: RangeInclusive<u32> = 0..=100;
/// Evidence shown per person.
const PEOPLE_EVIDENCE: usize = 3;
/// Room kept for the notes under the people of an answer (those left out, and why).
const PEOPLE_FOOTER_CHARS: usize = 250;
const EVIDENCE_WIDTH: usize = 120;
/// Matching messages shown per discussion, besides its summary.
const MATCH_LINES: usize = 3;
/// Most characters of a discussion's quoted line.
const MATCH_CHARS: usize = 160;
/// Room kept for the header and footer of a bounded answer.
const FRAME_CHARS: usize = 400;
/// At the least, room for the frame and a first hit cut to a few hundred characters (at 500 a
/// hit's text could be cut to one character).
const MAX_CHARS: RangeInclusive<u32> = 1000..=100_000;
const DEFAULT_MAX_CHARS: u32 = 8000;

/// The shared state of the server: one engine for every call (replaced when the index is
/// rebuilt under it), the archive for `read` and the index folder for rebuilds.
pub(crate) struct Tools {
    engine: RwLock<Arc<Engine>>,
    archive: PathBuf,
    index_dir: PathBuf,
}

impl Tools {
    pub fn new(engine: Engine, archive: PathBuf, index_dir: PathBuf) -> Tools {
        Tools { engine: RwLock::new(Arc::new(engine)), archive, index_dir }
    }

    /// The engine, on the newest commit (another process may have indexed since the last call).
    /// An index that cannot be read any more (its folder deleted, a file damaged under the
    /// server) is rebuilt from the archive and opened again, as the browser does; when that
    /// fails too, the error says what happened and what repairs it.
    fn engine(&self) -> Result<Arc<Engine>, ToolError> {
        let engine = Arc::clone(&self.engine.read().unwrap_or_else(PoisonError::into_inner));
        let Err(unread) = engine.reload() else { return Ok(engine) };
        let mut slot = self.engine.write().unwrap_or_else(PoisonError::into_inner);
        // Another call rebuilt it meanwhile.
        if !Arc::ptr_eq(&slot, &engine) {
            return Ok(Arc::clone(&slot));
        }
        super::note(&format!("the index could not be read ({unread}); rebuilding it from the archive"));
        match super::prepare(&self.archive, &self.index_dir) {
            Ok(fresh) => {
                *slot = Arc::new(fresh);
                Ok(Arc::clone(&slot))
            }
            Err(failed) => Err(ToolError::Internal(format!(
                "the index could not be read ({unread}), and rebuilding it from the archive failed ({failed:#}); the \
                 next call tries again, or run `{}` to rebuild it",
                crate::index::command(&self.archive, &self.index_dir, "index")
            ))),
        }
    }

    /// What an error says to the assistant: a failure of the index with the command that
    /// repairs it, on the archive and index folder the server was started with.
    pub fn explain(&self, e: &ToolError) -> String {
        match e {
            ToolError::Index(index) => match index.repair(&self.archive, &self.index_dir) {
                Some(repair) => format!("{e}; {repair}"),
                None => e.to_string(),
            },
            _ => e.to_string(),
        }
    }

    pub fn search(&self, args: &SearchArgs) -> Result<Answer, ToolError> {
        let by = args.by.unwrap_or_default();
        let limit = bounded("limit", args.limit, 10, SEARCH_LIMIT)?;
        let max_chars = bounded("max_chars", args.max_chars, DEFAULT_MAX_CHARS, MAX_CHARS)?;
        let sort = args.sort.unwrap_or_default();
        let query = parse(&args.query, by)?;
        let key = format!("{}\u{1f}{sort:?}\u{1f}{by:?}", args.query.trim());
        let (offset, covered) = match &args.cursor {
            Some(c) => Cursor::decode(c, &key).map(|c| (c.offset, c.covered))?,
            None => (0, 0),
        };
        let engine = self.engine()?;
        let handle = engine.handle();
        let names = &handle.meta.groups;
        let known = &engine.mention_names()?;
        let q = quoted_query(&args.query);
        // What the glossary added, said as the CLI and the browser say it (grouped); every form
        // in the JSON.
        let added = engine.expand(&query).expansions();
        let also: Vec<String> = added.iter().map(crate::query::Expansion::line).collect();
        let also_line = if added.is_empty() {
            String::new()
        } else {
            let read: Vec<String> = added.iter().map(crate::query::Expansion::read).collect();
            format!("The glossary added: {} (=term: a term only as typed).\n", read.join("; "))
        };
        let budget = max_chars.saturating_sub(FRAME_CHARS + q.chars().count() + also_line.chars().count());
        // Either way, the first result is always shown (cut if it must be), so every page moves on.
        let mut near_items = Vec::new();
        // The results this page covers: by messages, a hit and the copies it folds.
        let covers: usize;
        let (total, body, items, exhausted) = match by {
            By::Messages => {
                // One hit more than the page, to know whether this is the last page (a page folds
                // exact copies, which the total counts, so the total alone cannot tell).
                let mut results = engine.search(&query, Page { limit: Some(limit + 1), offset, sort: sort.into() })?;
                let more = results.hits.len() > limit;
                results.hits.truncate(limit);
                engine.name_people(&mut results.hits)?;
                let (mut body, items) = fill(results.hits.iter().enumerate(), budget, |(i, hit), room, force| {
                    let rank = offset + i + 1;
                    let (block, cut) = hit_block(hit, rank, names, known, room, force)?;
                    Some((block, hit_json(hit, rank, names, cut)))
                });
                // The last page shows all it got. Short of the limit, the messages near a sparse
                // match follow (see `Engine::near`), outside the total and the cursor.
                let last = !more && items.len() == results.hits.len();
                covers = results.hits[..items.len()].iter().map(|h| 1 + h.also.len()).sum();
                if matches!(sort, SortArg::Relevance) && last && items.len() < limit {
                    let mut near = engine.near(&query, limit - items.len())?;
                    engine.name_people(&mut near)?;
                    let heading = format!("\n{NEAR_HEADING}\n\n");
                    let room = budget.saturating_sub(body.chars().count() + heading.chars().count());
                    let (near_body, shown) = fill(near.iter().enumerate(), room, |(i, hit), room, _| {
                        let rank = offset + items.len() + i + 1;
                        let (block, cut) = hit_block(hit, rank, names, known, room, false)?;
                        let mut json = hit_json(hit, rank, names, cut);
                        json["near"] = Value::Bool(true);
                        Some((block, json))
                    });
                    if !shown.is_empty() {
                        body.push_str(&heading);
                        body.push_str(&near_body);
                        near_items = shown;
                    }
                }
                (results.total, body, items, last)
            }
            By::Discussions => {
                let results = engine.discussions(&query, Some(offset.saturating_add(limit)), sort.into())?;
                let shown = results.discussions.iter().enumerate().skip(offset);
                let marker = Highlighter::new(&results.terms.iter().map(String::as_str).collect::<Vec<_>>());
                let mut failed = None;
                let (body, items) = fill(shown, budget, |(i, d), room, force| {
                    // The text of its matching messages, as the index stores it (the archive's).
                    match engine.messages_at(&d.discussion.path, &fresh_lines(d)) {
                        Ok(matches) => {
                            let shown = Shown { rank: i + 1, names, known, marker: &marker };
                            discussion_block(d, &matches, &shown, room, force)
                        }
                        Err(e) => {
                            failed = Some(e);
                            None
                        }
                    }
                });
                if let Some(e) = failed {
                    return Err(e.into());
                }
                covers = items.len();
                (results.total, body, items, false)
            }
        };
        // What is left is counted as the total is: messages (a hit folds its copies), or discussions.
        let (one, counted) = match by {
            By::Messages => ("hit", ("message", "messages")),
            By::Discussions => ("discussion", ("discussion", "discussions")),
        };
        // An empty query (by discussions) lists everything: `N discussions in all`.
        let matched = if q.is_empty() {
            format!("{} in all", count(total, counted.0, counted.1))
        } else {
            format!("{} `{q}`", matching(total, counted.0, counted.1))
        };
        // A cursor is made by hand as easily as by a search: its numbers may be anything.
        let next = offset.saturating_add(items.len());
        let covered = covered.saturating_add(covers);
        let remaining = match by {
            _ if exhausted => 0,
            // More hits follow: at least one, whatever the count says (messages deleted between
            // two pages can bring what was covered up to the total).
            By::Messages => total.saturating_sub(covered).max(1),
            By::Discussions => total.saturating_sub(covered),
        };
        let next_cursor = (remaining > 0).then(|| Cursor::new(next, covered, &key).encode());
        let why_none = match by {
            _ if total > 0 => None,
            By::Messages => crate::no_hits::why_none(&engine, &query, Some(0)),
            By::Discussions => crate::no_hits::why_no_discussion(&engine, &query),
        };
        let mut text = if total == 0 {
            let what = match by {
                By::Messages => "message",
                By::Discussions => "discussion",
            };
            match &why_none {
                Some(why) => format!("No {what} matches `{q}`: {why}.\n"),
                None => format!(
                    "No {what} matches `{q}`. Chinese terms match as substrings and all terms must match: try fewer or shorter terms, or drop filters.\n"
                ),
            }
        } else if items.is_empty() {
            format!("{matched}; the cursor is past the last of them.\n")
        } else {
            let how = match by {
                By::Messages => "Cite each message you use as its path:line.",
                By::Discussions => "Read one whole with read and its id. Cite each message you use as its path:line.",
            };
            let order = sort_label(sort, by, query.has_words());
            format!("{matched} ({order}); {one}s {}–{next}. {how}\n\n", offset + 1)
        };
        // After the first line (what matched, or why nothing did).
        let first_line = text.find('\n').map_or(text.len(), |at| at + 1);
        text.insert_str(first_line, &also_line);
        text.push_str(&body);
        match &next_cursor {
            Some(c) => {
                let _ = write!(
                    text,
                    "\n{remaining} more {} not shown: call search again with the same query, by, sort and cursor \"{c}\".\n",
                    noun(remaining, counted.0, counted.1)
                );
            }
            None if !items.is_empty() => {
                let _ = writeln!(text, "\nThat is every {one}.");
            }
            None => {}
        }
        let mut json = json!({
            "query": q,
            "by": counted.1,
            "sort": sort_label(sort, by, query.has_words()),
            "total": total,
            "offset": offset,
            "returned": items.len(),
            "remaining": remaining,
            "next_cursor": next_cursor,
        });
        json[match by {
            By::Messages => "hits",
            By::Discussions => "discussions",
        }] = Value::Array(items);
        if !near_items.is_empty() {
            json["near"] = Value::Array(near_items);
        }
        if let Some(why) = why_none {
            json["why_none"] = Value::String(why);
        }
        if !also.is_empty() {
            json["also"] = json!(also);
        }
        Ok(Answer { text, json })
    }

    pub fn read(&self, args: &ReadArgs) -> Result<Answer, ToolError> {
        let max_chars = bounded("max_chars", args.max_chars, DEFAULT_MAX_CHARS, MAX_CHARS)?;
        match (&args.id, &args.path, args.line) {
            (Some(id), None, None) if args.before.is_none() && args.after.is_none() => {
                self.read_discussion(id, max_chars)
            }
            (Some(_), None, None) => Err(ToolError::BadArgument(
                "before and after go with path and line; with id the whole discussion is read".into(),
            )),
            (None, Some(path), Some(line)) => {
                let before = bounded("before", args.before, 5, AROUND)?;
                let after = bounded("after", args.after, 10, AROUND)?;
                self.read_around(path, line, before, after, max_chars)
            }
            (Some(_), _, _) => Err(ToolError::BadArgument(
                "give either id (a discussion's `path#start_line`, as search by discussions returns it) or path and line (from a message's `path:line`), not both".into(),
            )),
            (None, Some(_), None) => Err(ToolError::BadArgument(
                "path needs a line too: the number after the colon in a message's `path:line`".into(),
            )),
            (None, None, _) => Err(ToolError::BadArgument(
                "give id (a discussion's `path#start_line`, as search by discussions returns it) or path and line (from a message's `path:line`)".into(),
            )),
        }
    }

    /// The log at archive-relative `path`, parsed, if it is inside the archive and holds messages.
    fn load_log(&self, path: &str) -> Result<Day, ToolError> {
        self.load_log_lines(path).map(|(day, _)| day)
    }

    /// `load_log`, with the number of lines of the file.
    fn load_log_lines(&self, path: &str) -> Result<(Day, usize), ToolError> {
        let abs = paths::resolve(&self.archive, path)?;
        let rel = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/");
        let not_log = |reason: String| ToolError::BadArgument(format!("{rel}: {reason}"));
        let bytes = std::fs::read(&abs).map_err(|e| ToolError::Internal(format!("{rel}: cannot read: {e}")))?;
        let (day, _) = archive::parse_log(&rel, &bytes).map_err(|r| not_log(format!("not a chat log ({r})")))?;
        if day.messages.is_empty() {
            return Err(not_log("the log holds no messages".into()));
        }
        let lines = bytes.split(|&b| b == b'\n').count() - usize::from(bytes.ends_with(b"\n"));
        Ok((day, lines))
    }

    /// A whole discussion by its id, `path#start_line`, as many of its messages as fit.
    fn read_discussion(&self, id: &str, max_chars: usize) -> Result<Answer, ToolError> {
        let bad_id = || {
            ToolError::BadArgument(format!(
                "`{id}` is not a discussion id: give it as search by discussions returns it, `path#start_line`"
            ))
        };
        let (path, start) = id.rsplit_once('#').ok_or_else(bad_id)?;
        let start: u32 = start.trim().parse().map_err(|_| bad_id())?;
        let day = self.load_log(path)?;
        let spans = discussions::segment(&day);
        let Some(k) = spans.iter().position(|s| day.messages[s.start].line == start) else {
            let starts: Vec<String> = spans.iter().take(30).map(|s| day.messages[s.start].line.to_string()).collect();
            return Err(ToolError::BadArgument(format!(
                "no discussion of {} starts at line {start}; its discussions start at lines {}",
                day.path,
                starts.join(", ")
            )));
        };
        let span = &spans[k];
        let no_topics: &[Vec<&str>] = &[];
        let x = discussions::describe(&day, std::slice::from_ref(span), no_topics).remove(0);
        let engine = self.engine()?;
        let names = engine.handle().meta.groups.clone();
        let known = engine.mention_names()?;
        let people = engine.people()?.labels(&x.participants);
        let budget = max_chars.saturating_sub(FRAME_CHARS);
        let (body, messages) = fill(span.start..span.end, budget, |i, room, force| {
            let m = &day.messages[i];
            let head = format!("{}:{}  {}  {}\n", day.path, m.line, m.time_label(), m.speaker);
            let body = body_of(&m.text, m.kind, &m.urls());
            let (b, cut) = message_block(head, &body, &known, &day.path, m.line, room, force)?;
            Some((b, message_json(&day, i, cut, false)))
        });
        let shown = messages.len();
        let title = if x.title.trim().is_empty() { "(untitled)" } else { x.title.trim() };
        let mut text = format!(
            "{title}\n{} · {} · {}–{} · {} · {} · id {}; messages 1–{shown} of {}. Cite each message you use as its path:line.\n\n",
            x.date,
            group_title(&x.group, &names),
            x.start_time,
            x.end_time,
            count(x.messages, "msg", "msgs"),
            count(people.len(), "person", "people"),
            x.id(),
            x.messages
        );
        text.push_str(&body);
        let left = (span.end - span.start) - shown;
        if left > 0 {
            let next = day.messages[span.start + shown].line;
            let _ = write!(
                text,
                "\n{} of the discussion did not fit in max_chars; read path {} line {next} with before 0 to see them, or this id with a larger max_chars.\n",
                count(left, "later message", "later messages"),
                day.path
            );
        }
        let json = json!({
            "id": x.id(),
            "title": x.title,
            "path": day.path,
            "date": x.date,
            "group": x.group,
            "group_name": group_label(&x.group, &names),
            "start_time": x.start_time,
            "end_time": x.end_time,
            "start_line": x.start_line,
            "end_line": x.end_line,
            "participants": x.participants,
            "people": people,
            "kind": x.kind.as_str(),
            "discussion_messages": x.messages,
            "omitted_after": left,
            "messages": messages,
        });
        Ok(Answer { text, json })
    }

    /// The messages around `line` of the log at `path`.
    fn read_around(
        &self,
        path: &str,
        line: u32,
        before: usize,
        after: usize,
        max_chars: usize,
    ) -> Result<Answer, ToolError> {
        let (day, lines) = self.load_log_lines(path)?;
        if line as usize > lines {
            return Err(ToolError::BadArgument(format!(
                "{}: no line {line}; the log has {} and its last message is at line {}",
                day.path,
                count(lines, "line", "lines"),
                day.messages[day.messages.len() - 1].line
            )));
        }
        let first = &day.messages[0];
        let at = day.messages.iter().rposition(|m| m.line <= line).ok_or_else(|| {
            ToolError::BadArgument(format!(
                "{}: no message at or before line {line}; the first message is at line {}",
                day.path, first.line
            ))
        })?;
        let engine = self.engine()?;
        let names = engine.handle().meta.groups.clone();
        let known = engine.mention_names()?;
        let group_name = group_label(&day.group, &names).to_owned();
        let budget = max_chars.saturating_sub(FRAME_CHARS);
        // The target first, then outwards one message each side at a time, while they fit.
        let block = |i: usize, room: usize, force: bool| {
            let m = &day.messages[i];
            let mark = if i == at { "▶ " } else { "  " };
            let head = format!("{mark}{}:{}  {}  {}\n", day.path, m.line, m.time_label(), m.speaker);
            message_block(head, &body_of(&m.text, m.kind, &m.urls()), &known, &day.path, m.line, room, force)
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
                "\n{left_before} earlier and {left_after} later {} you asked for did not fit in max_chars; read again from their lines ({}:{} or {}:{}) to see them.\n",
                noun(left_before + left_after, "message", "messages"),
                day.path,
                day.messages[want_lo].line,
                day.path,
                day.messages[want_hi].line
            );
        }
        let messages: Vec<Value> = shown.into_iter().map(|(i, (_, cut))| message_json(&day, i, cut, i == at)).collect();
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
        let limit = bounded("limit", args.limit, 10, PEOPLE_LIMIT)?;
        let max_chars = bounded("max_chars", args.max_chars, DEFAULT_MAX_CHARS, MAX_CHARS)?;
        let asked = args.query.as_deref().unwrap_or_default();
        let query = Query::parse(asked)?;
        if query.is_empty() && !asked.trim().is_empty() {
            return Err(holds_nothing(asked, "everyone"));
        }
        if query.is_empty() {
            // As `chatlore people` without a query: everyone, by messages.
            return self.everyone(limit, max_chars);
        }
        let engine = self.engine()?;
        let who = crate::who::who_knows(&engine, &query, limit)?;
        let handle = engine.handle();
        let names = &handle.meta.groups;
        let known = engine.mention_names()?;
        let mut text = if who.total == 0 {
            // Nobody to rank: the `Nobody:` line below says why.
            format!("{} `{}`.\n", matching(0u64, "message", "messages"), quoted_query(asked))
        } else if who.by_messages {
            format!(
                "{} `{}`. With no words to rank by, the people who wrote them, by how many (nicknames joined into people), each with their newest messages. Cite their messages as path:line.\n",
                matching(who.total, "message", "messages"),
                quoted_query(asked)
            )
        } else {
            format!(
                "{} `{}`. The people who wrote its {} best hits, by the sum of the scores of each one's best {} (what they wrote, not how much), nicknames joined into people. Cite their messages as path:line.\n",
                matching(who.total, "message", "messages"),
                quoted_query(asked),
                who.weighed,
                crate::who::SCORED_HITS
            )
        };
        // The people shown while they fit: the first always, its evidence cut if it must be.
        let budget = max_chars.saturating_sub(text.chars().count() + PEOPLE_FOOTER_CHARS);
        let (body, people) = fill(who.experts.iter().take(limit).enumerate(), budget, |(n, e), room, force| {
            let p = &e.person;
            let company = p.company.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let also =
                if p.aliases.len() > 1 { format!(", posting as {}", p.aliases.join(", ")) } else { String::new() };
            let weighed = if who.by_messages {
                String::new()
            } else {
                format!("{} of the best hits (score {:.1}), ", e.hits.len(), e.score)
            };
            let head = format!(
                "\n{}. {}{company}{also} — {weighed}{} in all\n",
                n + 1,
                p.label,
                count(e.matching, "matching message", "matching messages")
            );
            let lines: Vec<(&Hit, String)> = e
                .hits
                .iter()
                .take(PEOPLE_EVIDENCE)
                .map(|h| {
                    let (excerpt, _) = snippet(
                        &crate::text::with_mention_spaces_among(&h.text, &known),
                        &h.highlights,
                        EVIDENCE_WIDTH,
                    );
                    (h, format!("   - {}:{} · {}: {}\n", h.path, h.line, citation(h, names), excerpt))
                })
                .collect();
            let whole = lines.iter().fold(head.clone(), |b, (_, l)| b + l);
            let (block, shown) = if whole.chars().count() <= room {
                (whole, lines.len())
            } else if !force {
                return None;
            } else {
                // The first person: as many of their messages as fit, and a note naming the rest.
                let note = |left: usize| {
                    format!(
                        "   [cut: {} not shown; call people with a larger max_chars]\n",
                        count(left, "message", "messages")
                    )
                };
                let mut block =
                    head.chars().take(room.saturating_sub(note(lines.len()).chars().count())).collect::<String>();
                if !block.ends_with('\n') {
                    block.push_str("…\n");
                }
                let mut shown = 0;
                for (_, l) in &lines {
                    if block.chars().count() + l.chars().count() + note(lines.len() - shown - 1).chars().count() > room
                    {
                        break;
                    }
                    block.push_str(l);
                    shown += 1;
                }
                block.push_str(&note(lines.len() - shown));
                (block, shown)
            };
            let json = json!({
                "person": p.label,
                "name": p.name,
                "company": p.company,
                "aliases": p.aliases,
                // Filters alone rank no one: no score, and the hits are the newest, not the best.
                "score": (!who.by_messages).then_some(e.score),
                "best_hits": (!who.by_messages).then_some(e.hits.len()),
                "matching_messages": e.matching,
                "evidence": lines.iter().take(shown).map(|(h, _)| json!({
                    "cite": format!("{}:{}", h.path, h.line),
                    "citation": citation(h, names),
                    "speaker": h.speaker,
                    "excerpt": snippet(&h.text, &h.highlights, EVIDENCE_WIDTH).0,
                    "score": (!who.by_messages).then_some(h.score),
                })).collect::<Vec<_>>(),
            });
            Some((block, json))
        });
        text.push_str(&body);
        note_unfit_people(&mut text, who.experts.len().min(limit) - people.len());
        if who.experts.len() > limit {
            let _ = write!(
                text,
                "\n{} more {} some of {}; {}.\n",
                who.experts.len() - limit,
                noun(who.experts.len() - limit, "person wrote", "people wrote"),
                if who.by_messages { "them" } else { "the best hits" },
                more_people(limit, "narrow the query (a filter, a date range) to see them")
            );
        }
        let why_none = if who.experts.is_empty() { crate::no_hits::why_none(&engine, &query, None) } else { None };
        if who.experts.is_empty() {
            match &why_none {
                Some(why) => {
                    let _ = writeln!(text, "\nNobody: {why}.");
                }
                None => text.push_str("\nNobody: no message matches.\n"),
            }
        }
        let mut json = json!({
            "query": asked.trim(),
            "total": who.total,
            "best_hits": (!who.by_messages).then_some(who.weighed),
            "more_people": who.experts.len() - people.len(),
            "people": people,
        });
        if let Some(why) = why_none {
            json["why_none"] = Value::String(why);
        }
        Ok(Answer { text, json })
    }

    /// Everyone who wrote, most messages first (a person's nicknames together), with their
    /// nicknames and company: `chatlore people` without a query, within `limit` and `max_chars`.
    fn everyone(&self, limit: usize, max_chars: usize) -> Result<Answer, ToolError> {
        let engine = self.engine()?;
        let people = engine.people()?;
        let all = &people.persons;
        let mut text = format!(
            "{} wrote in the archive (nicknames joined into people), most messages first. Give people a query to ask who knows about a subject.\n",
            count(all.len(), "person", "people"),
        );
        let budget = max_chars.saturating_sub(text.chars().count() + PEOPLE_FOOTER_CHARS);
        let (body, shown) = fill(all.iter().take(limit).enumerate(), budget, |(n, p), room, force| {
            let company = p.company.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            let also =
                if p.aliases.len() > 1 { format!(", posting as {}", p.aliases.join(", ")) } else { String::new() };
            let mut block =
                format!("{}. {}{company}{also} — {}\n", n + 1, p.label, count(p.messages, "message", "messages"));
            if block.chars().count() > room {
                if !force {
                    return None;
                }
                block = block.chars().take(room.saturating_sub(2)).collect::<String>() + "…\n";
            }
            let json = json!({
                "person": p.label,
                "name": p.name,
                "company": p.company,
                "aliases": p.aliases,
                "messages": p.messages,
            });
            Some((block, json))
        });
        text.push_str(&body);
        note_unfit_people(&mut text, all.len().min(limit) - shown.len());
        if all.len() > limit {
            let _ = write!(
                text,
                "\n{} more {} fewer messages; {}.\n",
                all.len() - limit,
                noun(all.len() - limit, "person wrote", "people wrote"),
                more_people(limit, "give a query to find them"),
            );
        }
        if all.is_empty() {
            text.push_str("\nNobody: the archive holds no messages.\n");
        }
        let json = json!({
            "query": "",
            "total": all.len(),
            "more_people": all.len() - shown.len(),
            "people": shown,
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
            let _ = writeln!(
                text,
                "- {} · {} · {} · {} · keywords: {}",
                t.id,
                t.zh,
                t.en,
                count(n, "message", "messages"),
                t.keywords.join(" ")
            );
            topics.push(json!({"id": t.id, "zh": t.zh, "en": t.en, "keywords": t.keywords, "messages": n}));
        }
        Ok(Answer { text, json: json!({ "topics": topics }) })
    }

    pub fn stats(&self) -> Result<Answer, ToolError> {
        let engine = self.engine()?;
        let all = engine.facets(&Query::default())?;
        // As `org:=COMPANY` counts them: a person's company applies to all their nicknames.
        let companies = Facets::top(&all.companies, usize::MAX);
        let handle = engine.handle();
        let meta = &handle.meta;
        let name = |g: &str| group_label(g, &meta.groups).to_owned();
        let mut years: BTreeMap<&str, u64> = BTreeMap::new();
        for (m, n) in &all.months {
            *years.entry(m.get(..4).unwrap_or(m)).or_default() += n;
        }
        let groups = Facets::top(&all.groups, usize::MAX);
        let speakers = Facets::top(&all.speakers, 10);
        // People, as `chatlore stats` lists them: a person's nicknames counted together.
        let people = Facets::top(&all.people, 10);
        let (first, last) = (all.months.keys().next(), all.months.keys().next_back());
        let mut text = format!(
            "{}, {}, {}, {} ({}), from {} to {}.\n\nGroups:\n",
            count(meta.files, "log", "logs"),
            count(all.total, "message", "messages"),
            count(all.groups.len(), "group", "groups"),
            count(all.people.len(), "person", "people"),
            count(all.speakers.len(), "nickname", "nicknames"),
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
        text.push_str(
            "\nTop people (a person's nicknames counted together; the people tool finds who knows about a subject):\n",
        );
        for (p, n) in &people {
            let _ = writeln!(text, "- {p}: {n}");
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
            "people": all.people.len(),
            "top_speakers": speakers,
            "top_people": people,
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

/// The query of a search: by messages it needs a term or a filter (as `chatlore search`);
/// by discussions an empty one lists every discussion (as `chatlore discussions`), while one
/// that holds text but no term or filter (`""`) is refused (as `chatlore discussions ""`).
fn parse(query: &str, by: By) -> Result<Query, ToolError> {
    let q = Query::parse(query)?;
    if q.is_empty() && by == By::Messages {
        return Err(ToolError::BadArgument(
            "query is empty: give at least one term or filter (by discussions, an empty query lists every discussion)"
                .into(),
        ));
    }
    if q.is_empty() && !query.trim().is_empty() {
        return Err(holds_nothing(query, "every discussion"));
    }
    Ok(q)
}

/// The refusal of a query `typed` that holds text but no term or filter (`""`), where an
/// empty query lists `all`.
fn holds_nothing(typed: &str, all: &str) -> ToolError {
    ToolError::BadArgument(format!(
        "query `{}` holds no term or filter: give at least one, or an empty query to list {all}",
        quoted_query(typed)
    ))
}

/// The order a search lists in. Relevance without a word to rank by is date order: newest
/// first for messages, oldest first for discussions (a day reads in order).
fn sort_label(s: SortArg, by: By, words: bool) -> &'static str {
    match (s, by) {
        (SortArg::Relevance, _) if words => "best first",
        (SortArg::Relevance, By::Messages) | (SortArg::Newest, _) => "newest first",
        (SortArg::Relevance, By::Discussions) | (SortArg::Oldest, _) => "oldest first",
    }
}

/// The human half of a citation: `2017-08-15 09:21:48 · 支付产品交流群 · 陈默`.
fn citation(h: &Hit, names: &BTreeMap<String, String>) -> String {
    human(h.date, &archive::time_label(h.time), group_label(&h.group, names), &h.speaker)
}

fn human(date: impl std::fmt::Display, time: &str, group: &str, speaker: &str) -> String {
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
    known: &[String],
    room: usize,
    force: bool,
) -> Option<(String, Option<String>)> {
    let mut head = format!("[{rank}] {}:{}\n    {}\n", h.path, h.line, citation(h, names));
    if !h.also.is_empty() {
        // Exact copies under other nicknames, folded into this hit (and counted in the total).
        let _ = writeln!(head, "    (also posted as {})", h.also.join(", "));
    }
    message_block(head, &body_of(&h.text, h.kind, &h.urls), known, &h.path, h.line, room, force)
}

/// `head` and the indented `body` (shown as a reader sees it: the export's `?` after a mention
/// as a space, `known` nicknames with white space whole mentions), within `room` characters; when it is too long and `force` is set, the body is
/// cut with a note that names the citation to read it whole. Returns the block and, when cut,
/// the text that was kept (as the archive has it).
fn message_block(
    head: String,
    body: &str,
    known: &[String],
    path: &str,
    line: u32,
    room: usize,
    force: bool,
) -> Option<(String, Option<String>)> {
    let indented = |b: &str| b.lines().map(|l| format!("    {l}\n")).collect::<String>();
    // One character for one: the kept text's characters are the shown ones'.
    let shown = crate::text::with_mention_spaces_among(body, known);
    let whole = format!("{head}{}", indented(&shown));
    if whole.chars().count() <= room {
        return Some((whole, None));
    }
    if !force {
        return None;
    }
    let total = body.chars().count();
    let note = |left: usize| {
        let more = count(left, "more character", "more characters");
        format!("… [cut: {more}; read {path}:{line} with a larger max_chars]")
    };
    let cut = |keep: usize| {
        let kept: String = body.chars().take(keep).collect();
        let kept_shown: String = shown.chars().take(keep).collect();
        let block = format!("{head}{}", indented(&format!("{kept_shown}{}", note(total - keep.min(total)))));
        (block, kept)
    };
    // As much of the body as fits with the note and the indentation of its lines (at least a
    // character: the first item is always shown).
    let mut keep = room.saturating_sub(head.chars().count() + note(total).chars().count()).max(1);
    loop {
        let (block, kept) = cut(keep);
        let over = block.chars().count().saturating_sub(room);
        if over == 0 || keep == 1 {
            return Some((block, Some(kept)));
        }
        keep = keep.saturating_sub(over).max(1);
    }
}

/// How to see the people a `people` answer left out: a larger limit, or, at the most it takes,
/// `otherwise` (it said "raise limit" to a call already at 50).
fn more_people(limit: usize, otherwise: &str) -> String {
    let most = *PEOPLE_LIMIT.end();
    if limit < most as usize {
        format!("raise limit (up to {most}) to see them, or {otherwise}")
    } else {
        format!("{most} is the most limit takes: {otherwise}")
    }
}

/// The blocks of `items` in order while they fit in `budget` characters, each with its JSON;
/// `block` gets the room left and whether it must show the item anyway (the first, cut if it
/// must be, so that every page moves on). Stops at the first item that does not fit.
fn fill<T>(
    items: impl IntoIterator<Item = T>,
    budget: usize,
    mut block: impl FnMut(T, usize, bool) -> Option<(String, Value)>,
) -> (String, Vec<Value>) {
    let (mut body, mut used, mut shown) = (String::new(), 0, Vec::new());
    for item in items {
        let Some((b, json)) = block(item, budget.saturating_sub(used), shown.is_empty()) else { break };
        used += b.chars().count();
        body.push_str(&b);
        shown.push(json);
    }
    (body, shown)
}

/// One cited line of a discussion: its citation, then its text.
struct Line {
    cite: String,
    citation: String,
    line: u32,
    time: String,
    speaker: String,
    text: String,
    /// Where the query's terms occur in `text`, as a message hit's `highlights`.
    highlights: Vec<[usize; 2]>,
}

impl Line {
    fn block(&self) -> String {
        format!("    - {} · {}\n        {}\n", self.cite, self.citation, self.text)
    }

    fn json(&self) -> Value {
        json!({
            "cite": self.cite,
            "citation": self.citation,
            "line": self.line,
            "time": self.time,
            "speaker": self.speaker,
            "text": self.text,
            "highlights": self.highlights,
        })
    }
}

/// How a discussion of `search` is shown: its rank, group names, nicknames with white space,
/// and what highlights its lines (on [`crate::discussion_search::DiscussionResults::terms`]).
struct Shown<'a> {
    rank: usize,
    names: &'a BTreeMap<String, String>,
    known: &'a [String],
    marker: &'a Highlighter,
}

/// One line of text, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The matching lines of a discussion that its summary does not already quote: the first
/// [`MATCH_LINES`] of them are shown.
fn fresh_lines(d: &DiscussionHit) -> Vec<u32> {
    let summary = &d.discussion.summary;
    d.hits.iter().copied().filter(|l| !summary.iter().any(|s| s.line == *l)).take(MATCH_LINES).collect()
}

/// One discussion of `search`: title; date, group, span, size; its id; its summary lines and
/// its best matching messages (`matches`, the messages of its [`fresh_lines`]), every line
/// cited. `None` when it does not fit in `room` (unless `force`: then the lines that fit,
/// saying what was left out).
fn discussion_block(
    d: &DiscussionHit,
    matches: &[Hit],
    shown: &Shown,
    room: usize,
    force: bool,
) -> Option<(String, Value)> {
    let Shown { rank, names, known, marker } = *shown;
    let x = &d.discussion;
    let id = x.id();
    let group = group_label(&x.group, names);
    let cited = |line: u32, time: &str, speaker: &str, text: String| Line {
        cite: format!("{}:{line}", x.path),
        citation: human(&x.date, time, group, speaker),
        line,
        time: time.to_owned(),
        speaker: speaker.to_owned(),
        highlights: marker.offsets(&text),
        text,
    };
    let summary: Vec<Line> =
        x.summary.iter().map(|s| cited(s.line, &s.time, &s.speaker, one_line(&s.text, MATCH_CHARS))).collect();
    let fresh = d.hits.iter().filter(|l| !x.summary.iter().any(|s| s.line == **l)).count();
    let matches: Vec<Line> = matches
        .iter()
        .take(MATCH_LINES)
        .map(|m| {
            let time = archive::time_label(m.time);
            let body = body_of(&m.text, m.kind, &m.urls);
            cited(
                m.line,
                &time,
                &m.speaker,
                one_line(&crate::text::with_mention_spaces_among(&body, known), MATCH_CHARS),
            )
        })
        .collect();
    let title = if x.title.trim().is_empty() { "(untitled)" } else { x.title.trim() };
    let head = format!(
        "[{rank}] {title}\n    {} {} {}–{} · {} · {}{}\n    id: {id}\n",
        x.date,
        group,
        x.start_time,
        x.end_time,
        count(x.messages, "msg", "msgs"),
        count(d.people.len(), "person", "people"),
        if x.kind == SpanKind::Chatter { " · chatter" } else { "" },
    );
    let more = fresh.saturating_sub(matches.len());
    let all = summary.len() + matches.len();
    // Lines in order, each after its section's label, while they fit.
    let mut text = head;
    let (mut shown_summary, mut shown_matches) = (Vec::new(), Vec::new());
    let note =
        |left: usize| format!("    [cut: {left} of its lines not shown; read this id with a larger max_chars]\n");
    let note_len = note(all).chars().count();
    for (label, lines, shown) in
        [("    summary:\n", &summary, &mut shown_summary), ("    matching messages:\n", &matches, &mut shown_matches)]
    {
        for (k, l) in lines.iter().enumerate() {
            let b = format!("{}{}", if k == 0 { label } else { "" }, l.block());
            if text.chars().count() + b.chars().count() + note_len > room {
                break;
            }
            text.push_str(&b);
            shown.push(l.json());
        }
    }
    let mut left = all - shown_summary.len() - shown_matches.len();
    if !force && left > 0 {
        return None;
    }
    if left > 0 && text.chars().count() + note_len > room {
        // Not even its heading fits: its title and id, to read it by.
        text = format!("[{rank}] {title}\n    id: {id}\n");
        shown_summary.clear();
        shown_matches.clear();
        left = all;
    }
    if left > 0 {
        text.push_str(&note(left));
    } else if more > 0 {
        let more = count(more, "more matching message", "more matching messages");
        let _ = writeln!(text, "    ({more}: read this id)");
    }
    if !force && text.chars().count() > room {
        return None;
    }
    let json = json!({
        "rank": rank,
        "id": id,
        "title": x.title,
        "title_highlights": d.highlights.title,
        "path": x.path,
        "date": x.date,
        "group": x.group,
        "group_name": group,
        "start_time": x.start_time,
        "end_time": x.end_time,
        "start_line": x.start_line,
        "end_line": x.end_line,
        "messages": x.messages,
        "participants": x.participants,
        "people": d.people,
        "topics": x.topics,
        "kind": x.kind.as_str(),
        "score": d.score,
        "summary": shown_summary,
        "matches": shown_matches,
        "matching_messages": d.hits.len(),
        "cut": left > 0,
    });
    Some((text, json))
}

/// A message of a log that `read` shows; `cut` is the text kept when it was cut.
fn message_json(day: &Day, i: usize, cut: Option<String>, target: bool) -> Value {
    let m = &day.messages[i];
    json!({
        "cite": format!("{}:{}", day.path, m.line),
        "line": m.line,
        "time": m.time_label(),
        "speaker": m.speaker,
        "text": cut.as_deref().unwrap_or(&m.text),
        "cut": cut.is_some(),
        "kind": m.kind.as_str(),
        "urls": m.urls(),
        "target": target,
    })
}

/// What introduces the messages near a sparse match in a search's text.
const NEAR_HEADING: &str = "Near: messages holding some of the terms, in discussions that hold every one of them between their messages (not matches: not in the total):";

fn hit_json(h: &Hit, rank: usize, names: &BTreeMap<String, String>, cut: Option<String>) -> Value {
    let highlights = json_highlights(h, cut.as_deref());
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
        "person": h.person,
        "text": cut.as_deref().unwrap_or(&h.text),
        "cut": cut.is_some(),
        "highlights": highlights,
        "kind": h.kind.as_str(),
        "topics": h.topics,
        "urls": h.urls,
        "score": h.score,
        "also": h.also,
    })
}

/// Where the query matched in a hit's JSON `text`, as `search --json` gives it (`[start, end)`
/// in characters, on the original characters a folded match covers): in the whole text, or in
/// the start of it kept when it was cut (`kept`, the trimmed text's first characters).
fn json_highlights(h: &Hit, kept: Option<&str>) -> Vec<[usize; 2]> {
    let Some(kept) = kept else { return char_offsets(&h.text, &h.highlights) };
    let lead = h.text.len() - h.text.trim_start().len();
    let within: Vec<Range<usize>> = h
        .highlights
        .iter()
        .filter_map(|r| Some(r.start.checked_sub(lead)?..r.end.saturating_sub(lead).min(kept.len())))
        .filter(|r| r.start < r.end)
        .collect();
    char_offsets(kept, &within)
}

/// Tells, at the end of a `people` answer, how many people within `limit` did not fit in
/// `max_chars` (nothing when all did).
fn note_unfit_people(text: &mut String, unfit: usize) {
    if unfit > 0 {
        let _ = write!(
            text,
            "\n{} more {} did not fit in max_chars; call people with a larger max_chars (or a smaller limit) to see them.\n",
            unfit,
            noun(unfit, "person", "people"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{self, writer::Silent, Options};
    use std::path::Path;

    fn tools() -> (tempfile::TempDir, Tools) {
        let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("archive");
        let dir = tempfile::tempdir().unwrap();
        index::update(&archive, dir.path(), &Options::default(), &Silent).unwrap();
        let engine = Engine::open(dir.path()).unwrap();
        let tools = Tools::new(engine, archive, dir.path().to_owned());
        (dir, tools)
    }

    fn search(q: &str) -> SearchArgs {
        SearchArgs { query: q.into(), by: Some(By::Messages), sort: None, limit: None, cursor: None, max_chars: None }
    }

    fn by_discussions(q: &str) -> SearchArgs {
        SearchArgs { by: None, ..search(q) }
    }

    fn read_id(id: &str, max_chars: Option<u32>) -> ReadArgs {
        ReadArgs { id: Some(id.into()), path: None, line: None, before: None, after: None, max_chars }
    }

    fn read_at(path: &str, line: u32, before: Option<u32>, after: Option<u32>, max_chars: Option<u32>) -> ReadArgs {
        ReadArgs { id: None, path: Some(path.into()), line: Some(line), before, after, max_chars }
    }

    /// A search or people call finding nothing says why, as the CLI and the browser do
    /// ([`crate::no_hits`]): it said to try fewer terms or drop filters, whichever was the cause.
    #[test]
    fn finding_nothing_says_why_as_the_cli_does() {
        let (_dir, t) = tools();
        for q in ["nosuchword", "对账 date:2030", "date:2030"] {
            let why = crate::no_hits::explain(&t.engine().unwrap(), &Query::parse(q).unwrap(), None).unwrap().unwrap();
            // By discussions, counted in discussions (`of the 5 discussions `对账` finds, …`).
            let discussions =
                crate::no_hits::why_no_discussion(&t.engine().unwrap(), &Query::parse(q).unwrap()).unwrap();
            for (a, why) in
                [(t.search(&search(q)).unwrap(), &why), (t.search(&by_discussions(q)).unwrap(), &discussions)]
            {
                assert!(a.text.contains(&format!("`{q}`: {why}.")), "{q}: {}", a.text);
                assert_eq!(a.json["why_none"], why.as_str());
            }
            let a = t.people(&PeopleArgs { query: Some(q.into()), limit: None, max_chars: None }).unwrap();
            assert!(a.text.contains(&format!("Nobody: {why}.")), "{q}: {}", a.text);
            assert!(!a.text.contains("best hits") && !a.text.contains("who wrote"), "no one to rank: {}", a.text);
            assert_eq!(a.json["why_none"], why.as_str());
        }
        assert!(t.search(&search("对账")).unwrap().json.get("why_none").is_none());
    }

    /// Tools over a fresh index of an archive of one day (`g`, 2018-01-02) of `(time, nickname,
    /// text)` messages; the folders live as long as the second value.
    fn one_day(messages: &[(&str, &str, &str)]) -> (Tools, [tempfile::TempDir; 2]) {
        let archive = tempfile::tempdir().unwrap();
        let mut log = String::from("---\nlayout: source\ntitle: \"2018-01-02\"\ndate: 2018-01-02 12:00:00\n---\n");
        for (time, who, text) in messages {
            log.push_str(&format!("> {time}  {who}  \n   \n{text}  \n   \n"));
        }
        let posts = archive.path().join("g/_posts");
        std::fs::create_dir_all(&posts).unwrap();
        std::fs::write(posts.join("2018-01-02-chat.markdown"), log).unwrap();
        let dir = tempfile::tempdir().unwrap();
        index::update(archive.path(), dir.path(), &Options::default(), &Silent).unwrap();
        let t = Tools::new(Engine::open(dir.path()).unwrap(), archive.path().to_owned(), dir.path().to_owned());
        (t, [archive, dir])
    }

    /// The export's `?` after a mention is shown as the space it is in every text an answer
    /// gives (search by messages and by discussions, read around a line and by id, people),
    /// as the CLI shows it; the structured content keeps the archive's text. It showed
    /// `@老熊-爱奇艺-北京?辛苦熊哥了`.
    #[test]
    fn the_export_s_question_mark_after_a_mention_shows_as_a_space() {
        let (t, _dirs) = one_day(&[
            ("09:00:00", "甲", "@老熊-爱奇艺-北京?辛苦熊哥了 对账文件每天早上八点前到"),
            ("09:01:00", "乙", "对账差错要人工处理，这个要问问 @黄菲-富友-上海?"),
        ]);
        let shown = ["@老熊-爱奇艺-北京 辛苦熊哥了", "@黄菲-富友-上海"];
        let raw = "@老熊-爱奇艺-北京?辛苦熊哥了 对账文件每天早上八点前到";
        let a = t.search(&search("对账")).unwrap();
        assert!(a.text.contains(shown[0]) && a.text.contains(shown[1]), "{}", a.text);
        let texts: Vec<&str> = a.json["hits"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap()).collect();
        assert!(texts.contains(&raw), "{texts:?}");
        // Cut to fit, the text still shows the space, and the structured text is the archive's.
        let a = t.search(&SearchArgs { max_chars: Some(1000), limit: Some(1), ..search("辛苦熊哥") }).unwrap();
        assert!(a.text.contains(shown[0]) && !a.text.contains("北京?"), "{}", a.text);
        let answers = [
            t.search(&by_discussions("对账")).unwrap(),
            t.read(&read_at("g/_posts/2018-01-02-chat.markdown", 8, Some(0), Some(5), None)).unwrap(),
            t.read(&read_id("g/_posts/2018-01-02-chat.markdown#6", None)).unwrap(),
            t.people(&PeopleArgs { query: Some("对账".into()), limit: None, max_chars: None }).unwrap(),
        ];
        for a in &answers {
            assert!(!a.text.contains("北京?") && !a.text.contains("上海?"), "{}", a.text);
        }
        assert!(answers[1].text.contains(shown[0]), "{}", answers[1].text);
        assert_eq!(answers[1].json["messages"][0]["text"], raw, "{}", answers[1].json);
    }

    /// A mention of a nickname with a space after its complete `name-company` part, which
    /// posted in the archive, shows its export's `?` as a space in every text answer, as the
    /// CLI shows it (it showed `@马骁-四方科技 技术总监?你们…`: the mention ended at the space).
    #[test]
    fn a_known_nickname_with_a_space_is_a_whole_mention_in_every_answer() {
        let (t, _dirs) = one_day(&[
            ("09:00:00", "马骁-四方科技 技术总监", "我们接的那家是下单时传分账规则"),
            ("09:01:00", "甲", "@马骁-四方科技 技术总监?你们接的那家分账回退收手续费吗"),
        ]);
        let raw = "@马骁-四方科技 技术总监?你们接的那家分账回退收手续费吗";
        let answers = [
            t.search(&search("分账回退")).unwrap(),
            t.search(&by_discussions("分账回退")).unwrap(),
            t.read(&read_at("g/_posts/2018-01-02-chat.markdown", 10, Some(1), Some(0), None)).unwrap(),
            t.read(&read_id("g/_posts/2018-01-02-chat.markdown#6", None)).unwrap(),
            t.people(&PeopleArgs { query: Some("分账回退".into()), limit: None, max_chars: None }).unwrap(),
        ];
        for a in &answers {
            assert!(!a.text.contains("技术总监?"), "{}", a.text);
            assert!(a.text.contains("技术总监 你们接的那家") || a.text.contains("你们接的那家"), "{}", a.text);
        }
        assert!(answers[0].text.contains("@马骁-四方科技 技术总监 你们接的那家"), "{}", answers[0].text);
        assert_eq!(answers[0].json["hits"][0]["text"], raw, "{}", answers[0].json);
    }

    #[test]
    fn paging_ends_where_folded_copies_make_the_pages_shorter_than_the_total() {
        // Two exact copies (same log, time and text under two nicknames) are one hit on a page
        // but two in the total: the last page must not offer a cursor to an empty one.
        let (t, _dirs) = one_day(&[
            ("09:00:00", "甲", "对账文件每天早上八点前到"),
            ("09:00:00", "乙", "对账文件每天早上八点前到"),
            ("09:01:00", "丙", "对账差错要人工处理"),
            ("09:02:00", "丁", "对账平台要支持多通道"),
        ]);
        let (mut cursor, mut seen, mut covered, mut pages) = (None, 0, 0, 0);
        loop {
            let a = t.search(&SearchArgs { limit: Some(1), cursor: cursor.clone(), ..search("对账") }).unwrap();
            pages += 1;
            assert!(pages <= 4, "paging does not end: {}", a.text);
            let hits = a.json["hits"].as_array().unwrap();
            assert_eq!(hits.len(), 1, "an empty page: {}", a.text);
            seen += hits.len();
            // What is left counts messages, as the total does: a hit and the copies it folds.
            covered += hits.iter().map(|h| 1 + h["also"].as_array().map_or(0, Vec::len)).sum::<usize>();
            assert_eq!(a.json["remaining"].as_u64(), Some(4 - covered as u64), "{}", a.text);
            if hits[0]["text"] == "对账文件每天早上八点前到" {
                assert_eq!(hits[0]["also"].as_array().map(Vec::len), Some(1), "{}", a.text);
                assert!(a.text.contains("(also posted as "), "{}", a.text);
            }
            match a.json["next_cursor"].as_str() {
                Some(c) => {
                    let more = count(4 - covered, "more message", "more messages");
                    assert!(a.text.contains(&format!("{more} not shown")), "{}", a.text);
                    cursor = Some(c.to_owned())
                }
                None => {
                    assert_eq!(a.json["remaining"].as_u64(), Some(0));
                    assert!(a.text.contains("That is every hit"), "{}", a.text);
                    break;
                }
            }
        }
        assert_eq!((seen, t.search(&search("对账")).unwrap().json["total"].as_u64()), (3, Some(4)));
    }

    /// README, Assistants: the server shares one engine across calls and picks up new commits
    /// before each (another `chatlore index`, or an open browser, may have indexed since).
    #[test]
    fn each_call_sees_the_newest_commit_of_the_index() {
        let archive = tempfile::tempdir().unwrap();
        let day = |date: &str, text: &str| {
            format!("---\nlayout: source\ntitle: \"{date}\"\ndate: {date} 12:00:00\n---\n> 09:00:00  甲  \n   \n{text}  \n   \n")
        };
        let posts = archive.path().join("g/_posts");
        std::fs::create_dir_all(&posts).unwrap();
        std::fs::write(posts.join("2018-01-02-chat.markdown"), day("2018-01-02", "对账文件每天早上八点前到")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        index::update(archive.path(), dir.path(), &Options::default(), &Silent).unwrap();
        let t = Tools::new(Engine::open(dir.path()).unwrap(), archive.path().to_owned(), dir.path().to_owned());
        let total = |q: &str| t.search(&search(q)).unwrap().json["total"].as_u64();
        assert_eq!((total("对账"), total("结售汇")), (Some(1), Some(0)));
        std::fs::write(posts.join("2018-01-03-chat.markdown"), day("2018-01-03", "结售汇要报外管局")).unwrap();
        index::update(archive.path(), dir.path(), &Options::default(), &Silent).unwrap();
        assert_eq!(total("结售汇"), Some(1), "the next call sees the commit");
        assert_eq!(t.stats().unwrap().json["messages"].as_u64(), Some(2));
    }

    #[test]
    fn a_hand_made_cursor_with_any_numbers_is_answered_not_a_panic() {
        let (_d, t) = tools();
        let key = format!("对账\u{1f}{:?}\u{1f}{:?}", SortArg::default(), By::Messages);
        for (offset, covered) in [(0, usize::MAX), (usize::MAX, 0), (1, 1_000_000), (usize::MAX, usize::MAX)] {
            let cursor = Cursor::new(offset, covered, &key).encode();
            let a = t.search(&SearchArgs { limit: Some(2), cursor: Some(cursor.clone()), ..search("对账") }).unwrap();
            let shown = a.json["hits"].as_array().unwrap().len();
            let remaining = a.json["remaining"].as_u64().unwrap();
            // Hits that follow are offered whatever the cursor claimed was covered.
            assert_eq!(remaining > 0, a.json["next_cursor"].is_string(), "{cursor}: {}", a.text);
            if offset == 0 {
                assert_eq!((shown, remaining > 0), (2, true), "{cursor}: {}", a.text);
            }
        }
    }

    #[test]
    fn a_sparse_search_goes_on_with_near_messages_outside_the_total() {
        let (_d, t) = tools();
        // No message of the demo holds both; discussions do, between their messages.
        let a = t.search(&search("对账 网联")).unwrap();
        assert_eq!(a.json["total"].as_u64(), Some(0), "{}", a.text);
        assert_eq!(a.json["remaining"].as_u64(), Some(0));
        let near = a.json["near"].as_array().expect("near messages");
        assert!(!near.is_empty() && near.len() <= 10, "{}", a.text);
        assert!(a.text.contains(NEAR_HEADING), "{}", a.text);
        for h in near {
            assert_eq!(h["near"].as_bool(), Some(true));
            assert!(a.text.contains(h["cite"].as_str().unwrap()), "{}", a.text);
        }
        // Within max_chars; by date, nothing near.
        let small = t.search(&SearchArgs { max_chars: Some(1000), ..search("对账 网联") }).unwrap();
        assert!(small.text.chars().count() <= 1000, "{}", small.text);
        let by_date = t.search(&SearchArgs { sort: Some(SortArg::Newest), ..search("对账 网联") }).unwrap();
        assert!(by_date.json.get("near").is_none(), "{}", by_date.text);
        // A full page has nothing near; a single term never has.
        let one = t.search(&search("对账")).unwrap();
        assert!(one.json.get("near").is_none(), "{}", one.text);
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
                    limit: Some(2), max_chars: Some(1000), cursor: cursor.clone(), ..search("对账")
                })
                .unwrap();
            assert!(a.text.chars().count() <= 1000, "{}", a.text);
            for h in a.json["hits"].as_array().unwrap() {
                let cite = h["cite"].as_str().unwrap();
                assert!(a.text.contains(cite), "{cite} cited in the text");
                assert!(a.text.contains(h["citation"].as_str().unwrap()));
                seen.push(cite.to_owned());
            }
            assert_eq!(a.json["remaining"].as_u64().unwrap() as usize, total - seen.len());
            match a.json["next_cursor"].as_str() {
                Some(c) => {
                    let more = count(a.json["remaining"].as_u64().unwrap(), "more message", "more messages");
                    assert!(a.text.contains(c) && a.text.contains(&format!("{more} not shown")), "{}", a.text);
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
        let least = *MAX_CHARS.start();
        let a = t.search(&SearchArgs { max_chars: Some(least), ..search("对账") }).unwrap();
        assert!(a.text.chars().count() <= least as usize, "{}", a.text);
        assert!(a.json["returned"].as_u64().unwrap() >= 1);
        let cut = t.search(&SearchArgs { max_chars: Some(least), limit: Some(1), ..search("kind:text") }).unwrap();
        assert!(cut.text.chars().count() <= least as usize);
        assert!(t.search(&SearchArgs { max_chars: Some(least - 1), ..search("对账") }).unwrap_err().is_bad_argument());
        // At the least max_chars, a first hit cut to fit (the room a search leaves it with a
        // query of 20 characters) still shows a few hundred characters of its text.
        let body = "长".repeat(2000);
        let head = format!("[1] {}:12345\n    {}\n", "g".repeat(40), "2018-01-02 09:00:00 某群 某人-某公司-产品-上海");
        let room = least as usize - FRAME_CHARS - 20;
        let (block, kept) = message_block(head.clone(), &body, &[], "g/p.md", 7, room, true).unwrap();
        assert!(block.chars().count() <= room, "{block}");
        assert!(block.contains("[cut:") && block.contains("g/p.md:7"), "{block}");
        assert!(kept.as_ref().is_some_and(|k| k.chars().count() >= 300), "{kept:?}");
        assert!(message_block(head, &body, &[], "g/p.md", 7, room, false).is_none());
    }

    /// A hit's JSON `highlights` are character offsets of its JSON `text`: the whole text, or
    /// the start kept of a hit cut to fit (the text trimmed; a match cut short is kept short).
    #[test]
    fn the_highlights_of_a_cut_hit_are_those_of_the_text_kept() {
        let (_d, t) = tools();
        let page = Page { limit: Some(1), ..Page::default() };
        let mut h = t.engine().unwrap().search(&Query::parse("对账").unwrap(), page).unwrap().hits.remove(0);
        h.text = format!("  对账{}對賬", "长".repeat(50));
        h.highlights = crate::search::highlights(&h.text, &["对账"]);
        assert_eq!(json_highlights(&h, None), [[2, 4], [54, 56]]);
        let kept = |n: usize| h.text.trim().chars().take(n).collect::<String>();
        assert_eq!(json_highlights(&h, Some(&kept(10))), [[0, 2]]);
        assert_eq!(json_highlights(&h, Some(&kept(53))), [[0, 2], [52, 53]]);
        assert_eq!(hit_json(&h, 1, &BTreeMap::new(), Some(kept(10)))["highlights"], json!([[0, 2]]));
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        let (_d, t) = tools();
        let err = |r: Result<Answer, ToolError>| r.unwrap_err();
        assert!(err(t.search(&search("  "))).is_bad_argument());
        assert!(err(t.search(&search("\"open"))).to_string().contains("unclosed quote"));
        assert!(err(t.search(&search("form:陈默"))).to_string().contains("did you mean `from:`?"));
        // A query longer than max_chars leaves the answer within it.
        let long = format!("对账 -{}", "乙".repeat(3000));
        let least = *MAX_CHARS.start();
        for by in [Some(By::Messages), None] {
            let a = t.search(&SearchArgs { max_chars: Some(least), by, ..search(&long) }).unwrap();
            assert!(a.text.chars().count() <= least as usize, "{} chars", a.text.chars().count());
        }
        assert!(err(t.search(&search("topic:nonsense"))).to_string().contains("unknown topic"));
        assert!(err(t.search(&SearchArgs { limit: Some(0), ..search("对账") })).to_string().contains("limit"));
        assert!(err(t.search(&SearchArgs { max_chars: Some(10), ..search("对账") })).is_bad_argument());
        assert!(matches!(
            err(t.search(&SearchArgs { cursor: Some("nope".into()), ..search("对账") })),
            ToolError::Cursor(CursorError::Malformed(_))
        ));
        let read = |path: &str| read_at(path, 1, None, None, None);
        assert!(matches!(err(t.read(&read("../Cargo.toml"))), ToolError::Path(PathError::Outside(_))));
        assert!(matches!(err(t.read(&read("/etc/passwd"))), ToolError::Path(PathError::NotRelative(_))));
        assert!(err(t.read(&read("topics.yaml"))).is_bad_argument());
    }

    /// README, Assistants: `limit` (1–100), `max_chars` (1000–100000, default 8000), at both
    /// ends of each range, for search and read.
    #[test]
    fn limit_and_max_chars_hold_to_their_documented_ranges_and_default() {
        let (_d, t) = tools();
        let with = |limit: Option<u32>, max_chars: Option<u32>| {
            t.search(&SearchArgs { limit, max_chars, ..search("kind:text") })
        };
        for (limit, max_chars) in [(1, 1000), (100, 100_000)] {
            assert!(with(Some(limit), Some(max_chars)).is_ok(), "{limit} {max_chars}");
        }
        for (limit, max_chars) in [(0, 8000), (101, 8000), (10, 999), (10, 100_001)] {
            let e = with(Some(limit), Some(max_chars)).unwrap_err();
            assert!(e.is_bad_argument() && e.to_string().contains("must be between"), "{limit} {max_chars}: {e}");
        }
        let default = with(Some(100), None).unwrap().text;
        assert!(default.chars().count() <= 8000, "{}", default.chars().count());
        assert_eq!(default, with(Some(100), Some(8000)).unwrap().text, "the default is 8000");
        assert_ne!(default, with(Some(100), Some(100_000)).unwrap().text, "and bounds the answer");
        let hit = t.search(&search("多通道之后对账")).unwrap();
        let (path, line) =
            (hit.json["hits"][0]["path"].as_str().unwrap(), hit.json["hits"][0]["line"].as_u64().unwrap());
        let read = |max_chars| t.read(&read_at(path, line as u32, Some(100), Some(100), max_chars));
        assert!(read(Some(999)).unwrap_err().is_bad_argument());
        assert!(read(Some(100_001)).unwrap_err().is_bad_argument());
        assert_eq!(read(None).unwrap().text, read(Some(8000)).unwrap().text);
    }

    #[test]
    fn search_by_discussions_is_the_default_cites_every_line_and_pages() {
        let (_d, t) = tools();
        let all =
            t.search(&SearchArgs { limit: Some(100), max_chars: Some(100_000), ..by_discussions("对账") }).unwrap();
        assert_eq!(all.json["by"], "discussions");
        let found = all.json["discussions"].as_array().unwrap();
        assert!(!found.is_empty(), "{}", all.text);
        assert_eq!(found.len(), all.json["total"].as_u64().unwrap() as usize);
        for d in found {
            let id = d["id"].as_str().unwrap();
            assert!(all.text.contains(&format!("id: {id}")), "{id} in {}", all.text);
            let lines: Vec<&Value> =
                d["summary"].as_array().unwrap().iter().chain(d["matches"].as_array().unwrap()).collect();
            assert!(!lines.is_empty(), "{}", all.text);
            for l in lines {
                let shown = format!("{} · {}", l["cite"].as_str().unwrap(), l["citation"].as_str().unwrap());
                assert!(all.text.contains(&shown), "{shown} in {}", all.text);
                assert!(l["cite"].as_str().unwrap().starts_with(d["path"].as_str().unwrap()));
            }
            let people = d["people"].as_array().unwrap().len() as u64;
            let msgs = crate::plural::count(d["messages"].as_u64().unwrap(), "msg", "msgs");
            let head = format!("· {msgs} · {}", crate::plural::count(people, "person", "people"));
            assert!(all.text.contains(&head), "{head} in {}", all.text);
        }
        // Matching lines come from the query's hits, with their text from the log.
        assert!(found.iter().any(|d| d["matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("对账"))));
        // Exactly as the log has them (the index's copy is quoted, not the log re-read).
        let mut quoted = 0;
        for d in found {
            let day = t.load_log(d["path"].as_str().unwrap()).unwrap();
            for m in d["matches"].as_array().unwrap() {
                let line = m["line"].as_u64().unwrap() as u32;
                let msg = day.messages.iter().find(|x| x.line == line).expect("a message at the cited line");
                assert_eq!(m["text"], one_line(&body_of(&msg.text, msg.kind, &msg.urls()), MATCH_CHARS));
                assert_eq!(
                    (m["time"].as_str(), m["speaker"].as_str()),
                    (Some(&*msg.time_label()), Some(&*msg.speaker))
                );
                quoted += 1;
            }
        }
        assert!(quoted > 0);
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let a = t
                .search(&SearchArgs {
                    limit: Some(2),
                    max_chars: Some(1000),
                    cursor: cursor.clone(),
                    ..by_discussions("对账")
                })
                .unwrap();
            assert!(a.text.chars().count() <= 1000, "{}", a.text);
            let page = a.json["discussions"].as_array().unwrap();
            assert!(!page.is_empty());
            seen.extend(page.iter().map(|d| d["id"].as_str().unwrap().to_owned()));
            match a.json["next_cursor"].as_str() {
                Some(c) => {
                    let more = count(a.json["remaining"].as_u64().unwrap(), "more discussion", "more discussions");
                    assert!(a.text.contains(c) && a.text.contains(&format!("{more} not shown")), "{}", a.text);
                    cursor = Some(c.to_owned());
                }
                None => break,
            }
        }
        let expected: Vec<&str> = found.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(seen, expected);
        // A cursor of messages does not continue discussions.
        let msgs = t.search(&SearchArgs { limit: Some(1), ..search("对账") }).unwrap();
        let c = msgs.json["next_cursor"].as_str().map(str::to_owned);
        assert!(matches!(
            t.search(&SearchArgs { cursor: c, ..by_discussions("对账") }),
            Err(ToolError::Cursor(CursorError::OtherQuery(_)))
        ));
        // In the least room, the first discussion is still shown, cut, saying so.
        let small = t.search(&SearchArgs { max_chars: Some(1000), ..by_discussions("对账") }).unwrap();
        assert!(small.text.chars().count() <= 1000, "{}", small.text);
        assert_eq!(small.json["returned"], 1, "{}", small.text);
        assert!(small.json["discussions"][0]["cut"] == true && small.text.contains("[cut:"), "{}", small.text);
        let none = t.search(&by_discussions("zzzzqqq")).unwrap();
        assert!(none.text.contains("No discussion matches"), "{}", none.text);
    }

    #[test]
    fn read_by_discussion_id_shows_its_messages_within_max_chars() {
        let (_d, t) = tools();
        let s = t.search(&SearchArgs { sort: Some(SortArg::Relevance), ..by_discussions("对账") }).unwrap();
        let d = &s.json["discussions"][0];
        let id = d["id"].as_str().unwrap();
        let a = t.read(&read_id(id, Some(100_000))).unwrap();
        let msgs = a.json["messages"].as_array().unwrap();
        assert_eq!(msgs.len() as u64, d["messages"].as_u64().unwrap(), "{}", a.text);
        assert_eq!(msgs[0]["line"], d["start_line"]);
        assert_eq!(msgs[msgs.len() - 1]["line"], d["end_line"]);
        assert_eq!(a.json["id"], id);
        assert!(msgs.iter().all(|m| a.text.contains(m["cite"].as_str().unwrap())), "{}", a.text);
        // The longest discussion of the demo, in little room: what fits, and what did not.
        let long = t.search(&SearchArgs { limit: Some(100), ..by_discussions("kind:text") }).unwrap();
        let biggest = long.json["discussions"]
            .as_array()
            .unwrap()
            .iter()
            .max_by_key(|d| d["messages"].as_u64().unwrap())
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let tight = t.read(&read_id(&biggest, Some(1000))).unwrap();
        assert!(tight.text.chars().count() <= 1000, "{}", tight.text);
        assert!(
            tight.json["omitted_after"].as_u64().unwrap() > 0 && tight.text.contains("did not fit"),
            "{}",
            tight.text
        );
        let err = |a: ReadArgs| t.read(&a).unwrap_err();
        assert!(err(read_id("nope", None)).to_string().contains("not a discussion id"));
        assert!(err(read_id("x#y", None)).to_string().contains("not a discussion id"));
        let path = d["path"].as_str().unwrap();
        let off = format!("{path}#{}", d["start_line"].as_u64().unwrap() + 1);
        assert!(err(read_id(&off, None)).to_string().contains("no discussion of"));
        assert!(matches!(err(read_id("../Cargo.toml#1", None)), ToolError::Path(PathError::Outside(_))));
        assert!(matches!(err(read_id("/etc/passwd#1", None)), ToolError::Path(PathError::NotRelative(_))));
        assert!(err(ReadArgs { path: Some(path.into()), ..read_id(id, None) }).is_bad_argument());
        assert!(err(ReadArgs { before: Some(1), ..read_id(id, None) }).is_bad_argument());
        assert!(err(ReadArgs { id: None, ..read_id(id, None) }).is_bad_argument());
        // Each wrong combination names what is missing, not "not both" when one was given.
        let both = err(ReadArgs { path: Some(path.into()), ..read_id(id, None) }).to_string();
        assert!(both.contains("not both"), "{both}");
        let no_line = err(ReadArgs { id: None, path: Some(path.into()), ..read_id(id, None) }).to_string();
        assert!(no_line.contains("needs a line") && !no_line.contains("not both"), "{no_line}");
        let nothing = err(ReadArgs { id: None, ..read_id(id, None) }).to_string();
        assert!(nothing.contains("give id") && !nothing.contains("not both"), "{nothing}");
    }

    #[test]
    fn read_shows_the_messages_around_a_line_with_the_target_marked() {
        let (_d, t) = tools();
        let hit = t.search(&search("多通道之后对账")).unwrap();
        let h = &hit.json["hits"][0];
        let (path, line) = (h["path"].as_str().unwrap(), h["line"].as_u64().unwrap() as u32);
        let a = t.read(&read_at(path, line, Some(2), Some(3), None)).unwrap();
        let msgs = a.json["messages"].as_array().unwrap();
        assert_eq!(msgs.len(), 6, "{}", a.text);
        assert_eq!(msgs[2]["target"], true);
        assert_eq!(msgs[2]["line"].as_u64(), Some(u64::from(line)));
        assert!(a.text.contains(&format!("▶ {path}:{line}")), "{}", a.text);
        assert!(msgs.iter().all(|m| a.text.contains(m["cite"].as_str().unwrap())));
        // A line inside a message's body answers that message.
        let inside = t.read(&read_at(path, line + 2, Some(0), Some(0), None));
        assert_eq!(inside.unwrap().json["line"].as_u64(), Some(u64::from(line)));
        // A line past the end of the log is an error naming the last message, not that message.
        let lines = std::fs::read_to_string(t.archive.join(path)).unwrap().lines().count() as u32;
        assert!(t.read(&read_at(path, lines, Some(0), Some(0), None)).is_ok());
        let past = t.read(&read_at(path, lines + 1, Some(0), Some(0), None)).unwrap_err();
        assert!(past.is_bad_argument() && past.to_string().contains("last message is at line"), "{past}");
        // A tight budget keeps the target and says what it left out.
        let tight = t.read(&read_at(path, line, Some(20), Some(20), Some(1000))).unwrap();
        assert!(tight.text.chars().count() <= 1000, "{}", tight.text);
        let left = tight.json["omitted_before"].as_u64().unwrap() + tight.json["omitted_after"].as_u64().unwrap();
        assert!(left > 0 && tight.text.contains("did not fit"), "{}", tight.text);
    }

    #[test]
    fn people_ranks_people_by_their_best_hits_with_evidence() {
        let (_d, t) = tools();
        let a = t.people(&PeopleArgs { query: Some("对账".into()), limit: Some(3), max_chars: None }).unwrap();
        let people = a.json["people"].as_array().unwrap();
        assert!(!people.is_empty(), "{}", a.text);
        let scores: Vec<f64> = people.iter().map(|p| p["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        for p in people {
            let ev = p["evidence"].as_array().unwrap();
            assert!(!ev.is_empty() && ev.len() <= 3);
            assert!(ev.iter().all(|e| a.text.contains(e["cite"].as_str().unwrap())));
            let aliases = p["aliases"].as_array().unwrap();
            assert!(ev.iter().all(|e| aliases.contains(&e["speaker"])), "{p}");
        }
    }

    /// README, Assistants: `people` takes `max_chars` as `search` and `read` do (1000–100000,
    /// default 8000), stays within it, shows the first person whatever it costs, and says how
    /// many did not fit.
    #[test]
    fn people_stays_within_max_chars_and_names_who_did_not_fit() {
        let (_d, t) = tools();
        let people =
            |query: &str, limit, max_chars| t.people(&PeopleArgs { query: Some(query.into()), limit, max_chars });
        let all = people("kind:text", Some(50), Some(100_000)).unwrap();
        let everyone = all.json["people"].as_array().unwrap().len();
        assert!(everyone > 10 && all.text.chars().count() > 1000, "{}", all.text);
        assert_eq!(all.json["more_people"], 0, "{}", all.text);
        for max_chars in [1000, 1500, 3000] {
            let a = people("kind:text", Some(50), Some(max_chars)).unwrap();
            assert!(a.text.chars().count() <= max_chars as usize, "{max_chars}: {}", a.text.chars().count());
            let shown = a.json["people"].as_array().unwrap().len();
            assert!(shown >= 1 && shown < everyone, "{max_chars}: {shown}");
            assert_eq!(a.json["more_people"], everyone - shown);
            let note = format!("{} more people did not fit in max_chars", everyone - shown);
            assert!(a.text.contains(&note), "{max_chars}: {}", a.text);
        }
        // A long query repeated in the answer, and a person's long block, still fit.
        let long = format!("{}kind:text", "对账 ".repeat(300));
        let a = people(&long, Some(50), Some(1000)).unwrap();
        assert!(a.text.chars().count() <= 1000, "{}", a.text);
        assert_eq!(a.json["people"].as_array().unwrap().len(), 1, "{}", a.text);
        assert!(
            a.text.contains("[cut: ") && a.text.contains("not shown; call people with a larger max_chars]"),
            "{}",
            a.text
        );
        // The default is 8000, and the range is search's.
        let default = people("kind:text", Some(50), None).unwrap();
        assert!(default.text.chars().count() <= 8000 && default.text.chars().count() > 3000);
        for bad in [999, 100_001] {
            let e = people("kind:text", None, Some(bad)).unwrap_err();
            assert!(e.is_bad_argument() && e.to_string().contains("max_chars must be between"), "{e}");
        }
    }

    /// `chatlore discussions` without a query lists every discussion, oldest first; so does
    /// search by discussions with an empty query (it was refused), paged by its cursor. By
    /// messages an empty query stays an error, as `chatlore search` without one is. Without a
    /// word, relevance is date order, and the answer says which (it said "best first").
    #[test]
    fn search_by_discussions_without_a_query_lists_every_discussion_in_date_order() {
        let (_d, t) = tools();
        let every = t.engine().unwrap().discussions(&Query::default(), None, Sort::Relevance).unwrap();
        let args = |query: &str, by, cursor: Option<String>| SearchArgs {
            query: query.into(),
            by: Some(by),
            sort: None,
            limit: Some(100),
            cursor,
            max_chars: Some(100_000),
        };
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let a = t.search(&args("", By::Discussions, cursor)).unwrap();
            assert_eq!(a.json["total"], every.total, "{}", a.text);
            assert_eq!(a.json["sort"], "oldest first");
            assert!(a.text.starts_with(&format!("{} discussions in all (oldest first)", every.total)), "{}", a.text);
            ids.extend(a.json["discussions"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_owned()));
            cursor = a.json["next_cursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
        let expected: Vec<String> = every.discussions.iter().map(|d| d.discussion.id()).collect();
        assert_eq!(ids, expected);
        let e = t.search(&args(" ", By::Messages, None)).unwrap_err();
        assert!(e.is_bad_argument() && e.to_string().contains("query is empty"), "{e}");
        let filters = t.search(&args("group:payprod", By::Messages, None)).unwrap();
        assert_eq!(filters.json["sort"], "newest first", "{}", filters.text);
        assert_eq!(t.search(&args("对账", By::Messages, None)).unwrap().json["sort"], "best first");
    }

    /// `chatlore people` without a query lists everyone by messages; so does the tool, without
    /// a query or with an empty one, within `limit` and `max_chars`.
    #[test]
    fn people_without_a_query_lists_everyone_as_the_cli_does() {
        let (_d, t) = tools();
        let persons = t.engine().unwrap().people().unwrap().persons.clone();
        let people = |query: Option<&str>, limit, max_chars| {
            t.people(&PeopleArgs { query: query.map(str::to_owned), limit, max_chars })
        };
        for query in [None, Some(""), Some("  ")] {
            let a = people(query, Some(50), Some(100_000)).unwrap();
            let listed: Vec<&str> =
                a.json["people"].as_array().unwrap().iter().map(|p| p["person"].as_str().unwrap()).collect();
            let expected: Vec<&str> = persons.iter().take(50).map(|p| p.label.as_str()).collect();
            assert_eq!(listed, expected, "{query:?}: {}", a.text);
            assert_eq!(a.json["total"], persons.len());
            let first = &persons[0];
            assert_eq!(a.json["people"][0]["messages"], first.messages);
            assert!(a.text.contains(&format!("1. {}", first.label)) && a.text.contains(" messages"), "{}", a.text);
        }
        // The limit and max_chars bound it, and the answer says what is left.
        let two = people(None, Some(2), None).unwrap();
        assert_eq!(two.json["people"].as_array().unwrap().len(), 2);
        let more = persons.len() - 2;
        assert!(two.text.contains(&format!("{more} more people wrote fewer messages")), "{}", two.text);
        let tight = people(None, Some(50), Some(1000)).unwrap();
        assert!(tight.text.chars().count() <= 1000, "{}", tight.text);
        let shown = tight.json["people"].as_array().unwrap().len();
        assert_eq!(tight.json["more_people"], persons.len() - shown, "{}", tight.text);
    }

    #[test]
    fn topics_and_stats_count_the_archive() {
        let (_d, t) = tools();
        let s = t.stats().unwrap();
        assert_eq!(s.json["messages"], 146);
        assert_eq!(s.json["files"], 12);
        // People, not nicknames, as `chatlore stats` lists them.
        let facets = t.engine().unwrap().facets(&Query::default()).unwrap();
        let people: Vec<(String, u64)> =
            Facets::top(&facets.people, 10).into_iter().map(|(p, n)| (p.to_owned(), n)).collect();
        assert_eq!(s.json["people"].as_u64(), Some(facets.people.len() as u64));
        assert_eq!(s.json["top_people"], json!(people));
        let (first, n) = &people[0];
        assert!(s.text.contains("Top people (") && s.text.contains(&format!("- {first}: {n}\n")), "{}", s.text);
        let topics = t.topics().unwrap();
        let list = topics.json["topics"].as_array().unwrap();
        assert_eq!(list.len(), 14);
        assert!(list.iter().all(|t| t["messages"].as_u64().unwrap() > 0), "{}", topics.text);
    }

    /// A query of filters alone ranks no one: its people come with no score and no "best hits"
    /// (their hits are only the newest), as the text says, while a query with words has both.
    #[test]
    fn people_of_filters_alone_have_no_score_or_best_hits() {
        let (_d, t) = tools();
        let people = |query: &str| {
            t.people(&PeopleArgs { query: Some(query.into()), limit: Some(5), max_chars: Some(100_000) }).unwrap()
        };
        let filters = people("group:payprod");
        let first = &filters.json["people"][0];
        assert!(first["score"].is_null() && first["best_hits"].is_null(), "{first}");
        assert!(first["evidence"][0]["score"].is_null() && filters.json["best_hits"].is_null(), "{}", filters.json);
        assert!(first["matching_messages"].as_u64().unwrap() > 0);
        let words = people("对账");
        let first = &words.json["people"][0];
        assert!(first["score"].as_f64().unwrap() > 0.0 && first["best_hits"].as_u64().unwrap() > 0, "{first}");
        assert!(first["evidence"][0]["score"].is_number() && words.json["best_hits"].is_number());
    }

    /// An English name of several words is one glossary term in the MCP tools too (the same
    /// parser and engine as the CLI): `cross border` and `anti money laundering` find what 跨境
    /// and 反洗钱 find, by messages and by discussions. They found nothing ("no message contains
    /// cross nor border").
    #[test]
    fn an_english_name_of_several_words_finds_the_chinese_messages() {
        let (t, _dirs) = one_day(&[
            ("09:00:00", "甲", "跨境电商收款要做结汇吗？"),
            ("09:01:00", "乙", "跨境电商收款要先做结汇，再说"),
            ("12:00:00", "丙", "反洗钱的可疑交易要上报吗？"),
            ("12:01:00", "丁", "反洗钱的可疑交易当然要上报"),
        ]);
        for (q, chinese, want) in [
            ("cross border", "跨境", "跨境电商"),
            ("Anti-Money Laundering", "反洗钱", "可疑交易"),
            ("anti money laundering", "反洗钱", "可疑交易"),
        ] {
            for args in [search as fn(&str) -> SearchArgs, by_discussions] {
                assert!(t.search(&args(chinese)).unwrap().text.contains(want), "{chinese}");
                let a = t.search(&args(q)).unwrap();
                assert!(a.text.contains(want), "{q}: {}", a.text);
                assert!(a.json.get("why_none").is_none(), "{q}: {}", a.json);
                // It says what the glossary added, as the CLI and the browser do.
                let note = format!("{q}: also {chinese}");
                let line = a.text.lines().nth(1).unwrap_or_default();
                assert!(line.starts_with("The glossary added: ") && line.contains(&note), "{q}: {}", a.text);
                assert!(
                    a.json["also"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().starts_with(&note)),
                    "{}",
                    a.json
                );
            }
        }
        // `=term` adds nothing, and says nothing.
        let a = t.search(&search("=跨境")).unwrap();
        assert!(!a.text.contains("The glossary added") && a.json.get("also").is_none(), "{}", a.text);
        // A long note: grouped in the text, as the CLI says it; every form in the JSON.
        let a = t.search(&search("二类户")).unwrap();
        let line = a.text.lines().nth(1).unwrap_or_default();
        assert!(line.contains("二类户: also II类(账)户, 2类(账)户, 二类账户, class II account"), "{}", a.text);
        let every = format!("二类户: also {}", crate::glossary::Glossary::builtin().expand("二类户").join(", "));
        assert_eq!(a.json["also"], serde_json::json!([every]), "{}", a.json);
    }
}
