//! Everything that reads the disk or the index, off the UI thread. [`Executor`] carries out one
//! [`Effect`] and answers with actions; [`Worker`] runs an executor on one thread, each effect
//! inside `catch_unwind` (a panic becomes [`Answer::Panicked`], never a dead thread or a
//! restored terminal), and when several effects of a kind wait, runs only the newest (typing
//! fast asks for one search, not one a key). Indexing runs on a thread of its own, so a long
//! build never holds up searches; it reports [`IndexEvent`]s.

use super::action::{Action, Answer, DayRow, DiscussionRow, Expert, Found, IndexEvent, LoadedDay};
use super::clipboard;
use super::effect::{Catalog, DayJob, DaySource, Effect, SearchJob, SEEK_MAX};
use crate::archive::{self, Day};
use crate::discussion_search::DiscussionHit;
use crate::index::{self, IndexError, Options, Progress};
use crate::query::{DateRange, Field, Filter, Query, Value};
use crate::search::{self, Engine, Page, Sort};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

/// How a search that found nothing is explained ([`crate::no_hits::explain`]).
type Explain = fn(&Engine, &Query, Option<usize>) -> Result<Option<String>, crate::search::SearchError>;

/// Hits fetched at a time; more are fetched as the selection nears the end.
pub const PAGE: usize = 200;

/// Carries out effects, one at a time, on an archive and its index.
pub struct Executor {
    archive: PathBuf,
    index: PathBuf,
    engine: Option<Engine>,
    /// Where index reports go (the indexing thread sends them).
    reports: Sender<Action>,
    indexing: Arc<AtomicBool>,
}

struct ToChannel(Sender<Action>);

impl Progress for ToChannel {
    fn start(&self, files: u64) {
        let _ = self.0.send(Action::Index(IndexEvent::Started(files)));
    }

    fn advance(&self, files: u64) {
        let _ = self.0.send(Action::Index(IndexEvent::Advanced(files)));
    }
}

fn day_query(group: &str, date: crate::date::Date) -> Query {
    let mut q = Query::default();
    q.filters.push(Filter {
        field: Field::Group,
        value: Value::Text(group.to_owned()),
        negated: false,
        narrows: false,
    });
    q.filters.push(Filter {
        field: Field::Date,
        value: Value::Dates(DateRange { from: date, to: date }),
        negated: false,
        narrows: false,
    });
    q
}

impl Executor {
    /// An executor whose indexing thread reports to `reports`.
    pub fn new(archive: PathBuf, index: PathBuf, reports: Sender<Action>) -> Executor {
        Executor { archive, index, engine: None, reports, indexing: Arc::new(AtomicBool::new(false)) }
    }

    /// Carries out one effect; the answers to give the app.
    pub fn run(&mut self, effect: Effect) -> Vec<Action> {
        if self.engine.is_none() {
            // Nothing to count before the index is open: said so, so that no one waits.
            let closed = || "the index is not open".to_owned();
            let answer = match &effect {
                Effect::Facets { seq, .. } => {
                    Some(Answer::Faceted { seq: *seq, facets: Err(closed()), experts: Vec::new() })
                }
                Effect::MonthTotals => Some(Answer::MonthTotals(Err(closed()))),
                Effect::Days { seq, .. } => Some(Answer::Days { seq: *seq, rows: Err(closed()) }),
                Effect::DayTitles { seq, row } => {
                    Some(Answer::DayTitles { seq: *seq, path: row.path.clone(), discussions: Vec::new() })
                }
                _ => None,
            };
            if let Some(answer) = answer {
                return vec![Action::Answer(answer)];
            }
        }
        let answer = match effect {
            Effect::Open => self.open(),
            Effect::Reload { always } => match self.engine.as_ref().map(Engine::reload) {
                None => return Vec::new(),
                Some(Ok(changed)) if changed || always => {
                    self.catalog().map_or_else(Answer::OpenFailed, Answer::Reloaded)
                }
                Some(Ok(_)) => return Vec::new(),
                Some(Err(e)) => Answer::OpenFailed(e.to_string()),
            },
            Effect::StartIndex => {
                self.start_index();
                return Vec::new();
            }
            Effect::Search(job) => {
                let found = self.search(&job).map(Box::new);
                Answer::Searched { job: Box::new(job), found }
            }
            Effect::Facets { seq, query } => {
                let facets = self.engine().facets(&query).map(Box::new).map_err(|e| e.to_string());
                // Insights rank people by what they wrote about the words (crate::who); a
                // query of filters only has no words to know about.
                let experts = match &facets {
                    Ok(f) if query.has_words() => {
                        crate::who::who_knows_counted(self.engine(), &query, &f.people, usize::MAX)
                            .map(|w| {
                                let known = self.engine().mention_names().unwrap_or_default();
                                w.experts.into_iter().map(|e| expert(e, &known)).collect()
                            })
                            .unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                Answer::Faceted { seq, facets, experts }
            }
            Effect::MonthTotals => Answer::MonthTotals(
                self.engine().facets(&Query::default()).map(|f| f.months).map_err(|e| e.to_string()),
            ),
            Effect::Days { seq, query } => {
                let rows = self.engine().logs(&query).map_err(|e| e.to_string()).map(|mut rows: Vec<DayRow>| {
                    rows.sort_by(|a, b| {
                        b.date.cmp(&a.date).then_with(|| a.group.cmp(&b.group)).then(a.path.cmp(&b.path))
                    });
                    rows
                });
                Answer::Days { seq, rows }
            }
            Effect::DayTitles { seq, row } => {
                let discussions = self
                    .engine()
                    .discussions(&day_query(&row.group, row.date), None, Sort::Oldest)
                    .map(|r| r.discussions.into_iter().map(|d| d.discussion).filter(|d| d.path == row.path).collect())
                    .unwrap_or_default();
                Answer::DayTitles { seq, path: row.path, discussions }
            }
            Effect::LoadDay(job) => {
                let day = self.load_day(&job).map(Box::new);
                Answer::DayLoaded { job: Box::new(job), day }
            }
            Effect::Copy(text) => {
                // OSC 52 goes to the terminal, which only the UI thread writes: the runtime
                // sends it on an `Osc52` answer.
                let outcome = clipboard::copy_with_tool(&text);
                return vec![Action::Copied { outcome, text }];
            }
        };
        vec![Action::Answer(answer)]
    }

    /// The open engine, for effects that were checked to need one.
    fn engine(&self) -> &Engine {
        self.engine.as_ref().expect("checked in run")
    }

    fn catalog(&self) -> Result<Arc<Catalog>, String> {
        let engine = self.engine.as_ref().ok_or("the index is not open")?;
        let directory = engine.directory().map_err(|e| e.to_string())?;
        let people = engine.people().map_err(|e| e.to_string())?;
        let mention_names = engine.mention_names().map_err(|e| e.to_string())?;
        Ok(Arc::new(Catalog { meta: engine.handle().meta.clone(), directory, people, mention_names }))
    }

    fn open(&mut self) -> Answer {
        // An index of another archive is rebuilt for this one by the background check.
        match Engine::open(&self.index).and_then(|e| e.handle().check_archive(&self.archive).map(|()| e)) {
            Ok(e) => {
                self.engine = Some(e);
                self.catalog().map_or_else(Answer::OpenFailed, Answer::Opened)
            }
            Err(
                IndexError::Missing(_)
                | IndexError::Version { .. }
                | IndexError::Damaged { .. }
                | IndexError::OtherArchive { .. },
            ) => Answer::NotYet,
            Err(e) => Answer::OpenFailed(e.to_string()),
        }
    }

    /// Starts an index update on its own thread unless one is running.
    fn start_index(&self) {
        if self.indexing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (archive, index, tx, running) =
            (self.archive.clone(), self.index.clone(), self.reports.clone(), Arc::clone(&self.indexing));
        std::thread::spawn(move || {
            // A panic is reported like any failure; the browser keeps the terminal and goes on.
            let result =
                crate::panics::catch(|| index::update(&archive, &index, &Options::default(), &ToChannel(tx.clone())));
            running.store(false, Ordering::SeqCst);
            let _ = tx.send(Action::Index(match result {
                Ok(Ok(summary)) => IndexEvent::Finished(Box::new(summary)),
                Ok(Err(IndexError::Busy(_))) => IndexEvent::Busy,
                Ok(Err(e)) => IndexEvent::Failed(e.to_string()),
                Err(panic) => IndexEvent::Failed(format!("indexing stopped on an internal error: {panic}")),
            }));
        });
    }

    fn search(&self, job: &SearchJob) -> Result<Found, String> {
        self.search_explained(job, crate::no_hits::explain)
    }

    /// [`Executor::search`], saying why nothing matched with `explain`: a failure of it leaves
    /// the search's answer (0 hits) standing, with a short note for a reason.
    fn search_explained(&self, job: &SearchJob, explain: Explain) -> Result<Found, String> {
        let Some(engine) = &self.engine else { return Err("the index is not open".into()) };
        let mut found = Found {
            hits: Vec::new(),
            total: 0,
            end: false,
            elapsed: Default::default(),
            discussions: Vec::new(),
            discussions_total: 0,
            kept: None,
            kept_discussion: None,
            terms: Vec::new(),
            why_none: None,
            also: engine.expand(&job.query).expansions(),
        };
        if job.discussions && job.offset > 0 {
            // More of the discussions listed, down to `until`: only them (the hits' first page
            // and their count are those of the list's first answer).
            let limit = (job.until + 1).saturating_sub(job.offset).max(PAGE);
            let r =
                engine.discussions_from(&job.query, job.offset, Some(limit), job.sort).map_err(|e| e.to_string())?;
            found.discussions_total = r.total;
            found.elapsed = r.elapsed;
            found.discussions = discussion_rows(engine, r, &[]);
            return Ok(found);
        }
        // Listing discussions, the hits are one page (their count, the best lines); the list's
        // `until` and `keep` are the discussions'.
        let (until, keep) = if job.discussions { (0, None) } else { (job.until, job.keep.as_ref()) };
        let (mut offset, mut limit) = (job.offset, PAGE);
        // Seeking: the discussion's earliest message among the hits (line, index), should the
        // one kept not be among them.
        let mut earliest: Option<(u32, usize)> = None;
        // Pages until the wanted hit is loaded, or the kept one found (within a page or so of
        // where it was; when seeking, within the first SEEK_MAX).
        loop {
            let page = Page { limit: Some(limit), offset, sort: job.sort };
            let r = engine.search(&job.query, page).map_err(|e| e.to_string())?;
            found.total = r.total;
            found.elapsed += r.elapsed;
            found.terms = r.terms;
            let (got, before) = (r.hits.len(), found.hits.len());
            found.hits.extend(r.hits);
            offset += got;
            if let (Some((path, line)), None) = (keep, found.kept) {
                let new = found.hits[before..].iter().position(|h| h.path == *path && h.line == *line);
                found.kept = new.map(|i| job.offset + before + i);
            }
            if let Some(id) = &job.seek {
                for (i, h) in found.hits.iter().enumerate().skip(before).filter(|(_, h)| h.discussion == *id) {
                    if earliest.is_none_or(|(line, _)| h.line < line) {
                        earliest = Some((h.line, job.offset + i));
                    }
                }
            }
            let loaded = job.offset + found.hits.len();
            // A short page is the list's last (asking for the next would rank them all again).
            found.end = got < limit || loaded >= found.total;
            let within = if job.seek.is_some() { SEEK_MAX } else { until.saturating_add(PAGE + 1) };
            let looking = keep.is_some() && found.kept.is_none() && loaded < within;
            if found.end || (loaded > until && !looking) {
                break;
            }
            // A page costs about as much as ranking every hit before it: deep pages come in
            // one go (the rest up to the wanted hit), or when seeking, as many as are loaded.
            limit = if looking { found.hits.len().min(within - loaded) } else { until + 1 - loaded }.max(PAGE);
        }
        found.kept = found.kept.or(earliest.map(|(_, i)| i));
        if found.total == 0 && job.offset == 0 {
            found.why_none = crate::no_hits::or_note(explain(engine, &job.query, Some(0)));
        }
        if job.discussions {
            // Down to `until` (the selection, after the index changed), and when a discussion is
            // to be selected again, a page past it: it may have moved down a little.
            let limit = job.until.saturating_add(if job.keep_discussion.is_some() { PAGE + 1 } else { 1 }).max(PAGE);
            let r = engine.discussions(&job.query, Some(limit), job.sort).map_err(|e| e.to_string())?;
            found.discussions_total = r.total;
            let hits = if found.terms.is_empty() { &[][..] } else { &found.hits[..] };
            found.discussions = discussion_rows(engine, r, hits);
            if let Some((path, line)) = &job.keep_discussion {
                found.kept_discussion = found.discussions.iter().position(|d| {
                    let d = &d.hit.discussion;
                    d.path == *path && (d.start_line..=d.end_line).contains(line)
                });
            }
        }
        Ok(found)
    }

    fn load_day(&self, job: &DayJob) -> Result<LoadedDay, String> {
        let (DaySource::Path(path) | DaySource::Listed(path)) = &job.source;
        let day: Day = archive::load_day(&self.archive, path).map_err(|w| format!("cannot open {w}"))?;
        let matches = if job.terms.is_empty() {
            Vec::new()
        } else {
            let marker = search::Highlighter::new(&job.terms.iter().map(String::as_str).collect::<Vec<_>>());
            day.messages
                .iter()
                .enumerate()
                .filter(|(_, m)| !marker.ranges(&m.text).is_empty())
                .map(|(i, _)| i)
                .collect()
        };
        let spans = match &self.engine {
            Some(engine) => engine
                .discussions(&day_query(&day.group, day.date), None, Sort::Oldest)
                .map(|r| {
                    r.discussions
                        .into_iter()
                        .filter(|d| d.discussion.path == day.path)
                        .map(|d| (d.discussion.start_line, d.discussion.end_line))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(LoadedDay { day, matches, spans })
    }
}

/// What an effect is, for an error message.
fn doing(effect: &Effect) -> &'static str {
    match effect {
        Effect::Open | Effect::Reload { .. } => "opening the index",
        Effect::StartIndex => "starting the indexing",
        Effect::Search(_) => "searching",
        Effect::Facets { .. } | Effect::MonthTotals => "counting",
        Effect::Days { .. } | Effect::DayTitles { .. } => "listing days",
        Effect::LoadDay(_) => "opening a day",
        Effect::Copy(_) => "copying",
    }
}

/// Runs `run` on each effect, a panic turned into [`Answer::Panicked`].
pub fn guarded(run: &mut impl FnMut(Effect) -> Vec<Action>, effect: Effect) -> Vec<Action> {
    let what = doing(&effect);
    crate::panics::catch(|| run(effect))
        .unwrap_or_else(|message| vec![Action::Answer(Answer::Panicked { doing: what.to_owned(), message })])
}

/// One thread that carries out effects and sends back the answers.
pub struct Worker {
    tx: Sender<Effect>,
    /// Answers and index reports, for the loop to drain.
    pub rx: Receiver<Action>,
}

impl Worker {
    /// A worker on an archive and its index.
    pub fn new(archive: PathBuf, index: PathBuf) -> Worker {
        let (answers, rx) = channel();
        let mut executor = Executor::new(archive, index, answers.clone());
        Worker::spawn(move |e| executor.run(e), answers, rx)
    }

    /// A worker running `run` on every effect (tests give it their own).
    pub fn spawn(
        mut run: impl FnMut(Effect) -> Vec<Action> + Send + 'static,
        answers: Sender<Action>,
        rx: Receiver<Action>,
    ) -> Worker {
        let (tx, effects) = channel::<Effect>();
        std::thread::spawn(move || {
            while let Ok(first) = effects.recv() {
                let mut queue = vec![first];
                queue.extend(effects.try_iter());
                // Of effects of a kind where only the newest matters, the older are dropped.
                let keep: Vec<bool> =
                    (0..queue.len()).map(|i| !queue[i + 1..].iter().any(|later| later.supersedes(&queue[i]))).collect();
                for (effect, keep) in queue.into_iter().zip(keep) {
                    if keep {
                        for answer in guarded(&mut run, effect) {
                            if answers.send(answer).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        Worker { tx, rx }
    }

    /// A channel pair for [`Worker::spawn`].
    pub fn channel() -> (Sender<Action>, Receiver<Action>) {
        channel()
    }

    /// Hands an effect to the worker; false when it is gone.
    pub fn send(&self, effect: Effect) -> bool {
        self.tx.send(effect).is_ok()
    }
}

/// Carries out `effects` here and now, and every effect their answers ask for, feeding the
/// answers to `app` (tests and benchmarks, without a worker thread). Effects that reach
/// outside the index (indexing, the clipboard) are returned undone, for the caller to carry
/// out or inspect.
pub fn settle(app: &mut super::app::App, executor: &mut Executor, mut effects: Vec<Effect>) -> Vec<Effect> {
    let mut outside = Vec::new();
    while !effects.is_empty() {
        let mut next = Vec::new();
        for e in effects {
            if matches!(e, Effect::StartIndex | Effect::Copy(_)) {
                outside.push(e);
                continue;
            }
            for answer in guarded(&mut |e| executor.run(e), e) {
                next.extend(app.update(answer));
            }
        }
        effects = next;
    }
    outside
}

/// An insights row of [`crate::who`]'s ranking: the person and their best hit as evidence,
/// its mentions of `known` nicknames read whole.
fn expert(e: crate::who::Expert, known: &[String]) -> Expert {
    let evidence = e.hits.first().map_or_else(String::new, |h| {
        let text = crate::text::with_mention_spaces_among(&h.text, known);
        format!("{} {} {}", h.date, archive::time_label(h.time), text.lines().next().unwrap_or_default())
    });
    Expert { label: e.person.label, matching: e.matching, evidence }
}

/// Discussions found as rows of the list, each with its best line among `hits` (see
/// [`best_line`]).
fn discussion_rows(
    engine: &Engine,
    found: crate::discussion_search::DiscussionResults,
    hits: &[search::Hit],
) -> Vec<DiscussionRow> {
    let marker = search::Highlighter::new(&found.terms.iter().map(String::as_str).collect::<Vec<_>>());
    found
        .discussions
        .into_iter()
        .map(|hit| DiscussionRow { best: best_line(engine, &marker, &hit, hits), hit })
        .collect()
}

/// How many of a discussion's matching messages are read for its best line when neither a
/// hit of the page nor a summary line is one.
const MATCHES_READ: usize = 20;

/// A discussion's best matching line, with its highlights as the core gives them: the best
/// ranked of `hits` (a page of message hits) in it, else the first of its summary lines that
/// matched, else the matching message (of its first [`MATCHES_READ`]) where the most of the
/// query's terms occur, read from the index (a discussion matched by words in different
/// messages has no message hit, and its summary may hold none of them: its row showed a line
/// that matched nothing), else the fullest of its summary lines (without words to match, the
/// one that says most). The spans are the core's (a hit's, the discussion's for its summary
/// line, its [`search::Highlighter`] on the page's terms for a message read).
fn best_line(
    engine: &Engine,
    marker: &search::Highlighter,
    hit: &DiscussionHit,
    hits: &[search::Hit],
) -> Option<(String, Vec<std::ops::Range<usize>>)> {
    let d = &hit.discussion;
    if let Some(h) = hits.iter().find(|h| h.path == d.path && (d.start_line..=d.end_line).contains(&h.line)) {
        return Some((h.text.clone(), h.highlights.clone()));
    }
    let matched = d.summary.iter().position(|l| hit.hits.contains(&l.line));
    if matched.is_none() && !hit.hits.is_empty() {
        let read = engine.messages_at(&d.path, &hit.hits[..hit.hits.len().min(MATCHES_READ)]).unwrap_or_default();
        let terms = |text: &str| {
            let marks = marker.ranges(text);
            let distinct: std::collections::HashSet<String> =
                marks.iter().map(|r| crate::normalise::fold(&text[r.clone()])).collect();
            (distinct.len(), marks)
        };
        let best = read.into_iter().map(|m| (terms(&m.text), m.text)).max_by_key(|((n, _), text)| (*n, text.len()));
        if let Some(((_, marks), text)) = best.filter(|((n, _), _)| *n > 0) {
            return Some((text, marks));
        }
    }
    let at = matched.or_else(|| (0..d.summary.len()).max_by_key(|&k| d.summary[k].text.chars().count()))?;
    let text = &d.summary[at].text;
    let marks = hit.highlights.summary.get(at).map(|m| search::byte_ranges(text, m)).unwrap_or_default();
    Some((text.clone(), marks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{update, writer::Silent};
    use crate::search::SearchError;

    /// A discussion's best line is highlighted where the core says (its summary line's
    /// `highlights`, as `discussions --json` gives them), on what the glossary added and on
    /// traditional and full-width spellings: `reconciliation`, `對賬` and `ＲＥＣＯＮＣＩＬＩＡＴＩＯＮ`
    /// mark 对账 in the summary line, which none of them spells. The browser worked the spans out
    /// again from the page's terms; they agreed, and now there is one implementation.
    #[test]
    fn a_best_line_is_highlighted_where_the_core_says() {
        let archive = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("archive");
        let index = tempfile::tempdir().unwrap();
        update(&archive, index.path(), &Options::default(), &Silent).unwrap();
        let engine = Engine::open(index.path()).unwrap();
        for q in ["reconciliation", "對賬", "ＲＥＣＯＮＣＩＬＩＡＴＩＯＮ"] {
            let r = engine.discussions(&Query::parse(q).unwrap(), Some(PAGE), Sort::Relevance).unwrap();
            assert!(!r.discussions.is_empty(), "{q}");
            let mut marked = 0;
            for hit in &r.discussions {
                // No message hit in it on the page: its summary line.
                let marker = search::Highlighter::new(&r.terms.iter().map(String::as_str).collect::<Vec<_>>());
                let (text, ranges) = best_line(&engine, &marker, hit, &[]).expect("a best line");
                // Its summary line's spans, or a matching message's where no summary line matches.
                if let Some(at) = hit.discussion.summary.iter().position(|l| l.text == text) {
                    assert_eq!(ranges, search::byte_ranges(&text, &hit.highlights.summary[at]), "{q}: {text}");
                } else {
                    assert!(!ranges.is_empty(), "{q}: a matching message read is marked: {text}");
                }
                for r in &ranges {
                    assert_eq!(crate::normalise::fold(&text[r.clone()]), "对账", "{q}: {text}");
                    marked += 1;
                }
            }
            assert!(marked > 0, "{q}: some best line marked");
        }
    }

    /// A discussion matched by words in different messages has no message hit, and its summary
    /// lines may hold none of them: its row showed a line that matched nothing (`拒付 网联` on
    /// the real archive). It shows the matching message where most of the words occur,
    /// highlighted.
    #[test]
    fn a_discussion_matched_across_messages_shows_a_matching_line() {
        let archive = tempfile::tempdir().unwrap();
        let talk = [
            ("09:00:00", "甲", "大家好，今天想请教一下各位关于跨行清算的一些细节问题，尤其是日终轧差和头寸管理这块"),
            ("09:01:00", "乙", "日终轧差一般是清算机构统一做的，头寸不足的时候银行要及时补足，不然会影响第二天的交易"),
            ("09:02:00", "丙", "拒付"),
            ("09:03:00", "丁", "头寸管理各家银行做法不一样，有的用系统自动调拨，有的还是人工盯着，差别挺大的"),
            ("09:04:00", "戊", "网联"),
            ("09:05:00", "甲", "明白了，感谢各位的解答，清算这块确实细节很多，回头我再整理一下发到群里"),
        ];
        let mut log = "---\ndate: 2018-03-01\n---\n".to_owned();
        for (time, who, text) in talk {
            log.push_str(&format!("> {time}  {who}\n\n{text}\n\n"));
        }
        std::fs::create_dir_all(archive.path().join("g/_posts")).unwrap();
        std::fs::write(archive.path().join("g/_posts/2018-03-01-chat.markdown"), log).unwrap();
        let index = tempfile::tempdir().unwrap();
        update(archive.path(), index.path(), &Options::default(), &Silent).unwrap();
        let engine = Engine::open(index.path()).unwrap();
        let r = engine.discussions(&Query::parse("拒付 网联").unwrap(), Some(PAGE), Sort::Relevance).unwrap();
        assert_eq!(r.discussions.len(), 1);
        let hit = &r.discussions[0];
        assert!(hit.discussion.summary.iter().all(|l| !hit.hits.contains(&l.line)), "no summary line matches");
        let marker = search::Highlighter::new(&r.terms.iter().map(String::as_str).collect::<Vec<_>>());
        let (text, ranges) = best_line(&engine, &marker, hit, &[]).expect("a best line");
        assert!(["拒付", "网联"].contains(&text.as_str()), "{text}");
        assert_eq!(ranges, vec![std::ops::Range { start: 0, end: text.len() }]);
    }

    /// The explanation of a search that found nothing runs more searches; when one of them
    /// fails the search still found 0 hits: the results pane showed the explanation's error
    /// in place of the result (`Err` from the worker), now it shows 0 hits and a short note.
    #[test]
    fn an_explanation_that_fails_leaves_the_search_standing() {
        let archive = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("archive");
        let index = tempfile::tempdir().unwrap();
        update(&archive, index.path(), &Options::default(), &Silent).unwrap();
        let mut executor = Executor::new(archive, index.path().to_owned(), channel().0);
        assert!(matches!(executor.open(), Answer::Opened(_)));
        let job = |q: &str| SearchJob {
            seq: 1,
            query: Query::parse(q).unwrap(),
            sort: Sort::Relevance,
            offset: 0,
            until: 0,
            discussions: true,
            keep: None,
            seek: None,
            keep_discussion: None,
        };
        let failing: Explain = |_, _, _| Err(SearchError::FilterValue { key: "date" });
        let found = executor.search_explained(&job("对账 date:2030"), failing).expect("the search succeeded");
        assert_eq!((found.total, found.hits.len()), (0, 0));
        let note = found.why_none.expect("a note");
        assert!(note.starts_with("could not say why:") && note.contains("date:"), "{note}");
        // Explained, it says why; with hits, nothing is explained.
        let found = executor.search(&job("对账 date:2030")).unwrap();
        assert_eq!(found.why_none.as_deref(), Some("of the 6 messages `对账` finds, none matches date:2030"));
        let found = executor.search_explained(&job("对账"), failing).unwrap();
        assert!(found.total > 0 && found.why_none.is_none());
    }
}
