//! The browser's state (`App`) and its one way of changing: [`App::update`], which never reads
//! the disk or the index. What needs them it asks for as [`Effect`]s; the worker carries them
//! out and answers with actions ([`Action::Answer`]), which `update` applies, dropping answers
//! to questions no longer asked (each carries the sequence number of its effect). Drawing
//! reads this state and never changes it.

use super::action::{
    Action, Answer, CopyOutcome, DayRow, DiscussionRow, Expert, FilterTab, Found, IndexEvent, InsightSection, LoadedDay,
};
use super::effect::{At, Catalog, DayJob, DaySource, Effect, Row, SearchJob, SEEK_MAX};
pub use super::filters::FilterRow;
use super::input::TextInput;
use super::{filters, keymap, layout};
use crate::archive::{self, Day};
use crate::discussions::Discussion;
use crate::plural::count;
use crate::query::{DateRange, Field, Filter, Query, Value};
use crate::search::{Facets, Hit, Sort};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long to wait before trying again when another process is indexing.
const BUSY_RETRY: Duration = Duration::from_secs(2);
/// Recent searches kept.
pub(crate) const RECENT_MAX: usize = 50;
/// How often the open index is checked for commits made by other processes.
const RELOAD_EVERY: Duration = Duration::from_secs(2);

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Search,
    Results,
    Conversation,
    Chips,
}

/// A window over the main screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        filter: TextInput,
        selected: usize,
    },
    Filters {
        tab: FilterTab,
        input: TextInput,
        selected: usize,
        /// Values marked with Space, applied together by Enter (OR within a field).
        marked: Vec<Filter>,
    },
    /// Insights; `Tab` moves between sections, `Enter` filters by the selected row.
    Insights {
        section: InsightSection,
        selected: usize,
    },
    /// Days under the active filters (not the search text), newest first.
    Days {
        selected: usize,
        rows: Vec<DayRow>,
        /// A date being typed to jump to (`2017-08`, `2017-08-15`).
        typed: String,
        /// Still being listed.
        loading: bool,
        /// The discussions of a log (its path), listed under the selected row.
        titles: Option<(String, Vec<Discussion>)>,
    },
    /// A citation to copy by hand (it could not be copied), scrolled by this many lines.
    Citation {
        text: String,
        scroll: u16,
    },
    /// Saved searches (`B`): Enter runs one, `x` deletes it.
    Saved {
        selected: usize,
    },
    /// Naming the search to save (`b`).
    SaveAs {
        name: TextInput,
    },
}

/// The state of the index as the status bar tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// Not looked at yet (the first frame is drawn before anything is opened).
    Opening,
    /// Comparing the archive with the index.
    Checking,
    Updating {
        done: u64,
        total: u64,
    },
    Ready,
    /// Another process is indexing; its commit will be picked up.
    Busy,
    Failed(String),
}

/// The current page of results.
#[derive(Debug, Default)]
pub struct ResultsState {
    pub query: Query,
    pub hits: Vec<Hit>,
    pub total: usize,
    pub elapsed: Duration,
    pub selected: usize,
    /// A malformed query or a failed search.
    pub error: Option<String>,
    /// The discussions the query finds (fetched while results show discussions).
    pub discussions: Vec<DiscussionRow>,
    pub discussions_total: usize,
    pub discussion_selected: usize,
    /// A search for the current query is running (what is shown is the previous one's).
    pub searching: bool,
    /// More hits are being fetched, down to this one (`G` on a large result: one large
    /// page, seconds on the real archive's largest results), which is selected meanwhile.
    pub loading: Option<usize>,
    /// The list's last row is loaded: it can be shorter than `total` (copies are folded).
    pub end: bool,
    /// What the hits are highlighted on, glossary forms included (the worker's answer).
    pub terms: Vec<String>,
    /// Why nothing matched, when nothing did (the worker's answer, see [`crate::no_hits`]).
    pub why_none: Option<String>,
    /// What the glossary added to the query's terms (the worker's answer; the status bar says it).
    pub also: Vec<crate::query::Expansion>,
}

/// A day's log opened on a message.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub day: Day,
    /// Index of the message under the cursor (the hit when opened; `j`/`k` move it).
    pub focus: usize,
    /// Where `v` started a range of messages to cite together.
    pub mark: Option<usize>,
    /// Lines scrolled from the position that shows the focus a third down the pane.
    pub scroll: isize,
    /// Messages that match the query, for `n`/`N`.
    pub matches: Vec<usize>,
    /// What to highlight.
    pub terms: Vec<String>,
    /// The messages (first, last) of the discussion opened, marked in the margin.
    pub span: Option<(usize, usize)>,
    /// The day's discussions (header lines of first and last message), for `]`/`[`.
    pub spans: Vec<(u32, u32)>,
    /// The results row it was opened for, while it is that row's (`None`: a day picked in the
    /// day list, or in a narrow terminal, once the selection moved or a new list came).
    pub row: Option<Row>,
}

/// A search kept under a name (`b`), run again from the list (`B`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SavedSearch {
    pub name: String,
    /// The search box's text.
    pub query: String,
    /// The filter chips, as the query language writes them.
    pub filters: Vec<String>,
}

/// The answers the app waits for: the sequence number of the newest effect of each kind.
#[derive(Debug, Default, Clone, Copy)]
struct Waiting {
    search: Option<u64>,
    facets: Option<u64>,
    days: Option<u64>,
    titles: Option<u64>,
    day: Option<u64>,
}

/// The whole browser.
pub struct App {
    pub archive: PathBuf,
    pub index_dir: PathBuf,
    /// What the open index holds (meta, speakers); `None` until it is open.
    pub catalog: Option<Arc<Catalog>>,
    pub input: TextInput,
    /// Filters added from the panes, shown as chips.
    pub chips: Vec<Filter>,
    pub chip_selected: usize,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    pub results: ResultsState,
    pub conversation: Option<Conversation>,
    pub index: IndexStatus,
    /// Facet counts of the current query, asked for when a pane needs them.
    pub facets: Option<Facets>,
    /// Who knows about the current query (insights), with [`App::facets`].
    pub experts: Vec<Expert>,
    pub sort: Sort,
    /// The results list discussions (`m` switches to messages and back).
    pub discussions: bool,
    /// A one-line note for the status bar (what reindexing did, a copied citation).
    pub note: Option<String>,
    /// Something went wrong that the user must see (the worker's internal error), in red.
    pub alert: Option<String>,
    pub size: (u16, u16),
    /// `%` in insights: months as shares of their messages; the totals they need.
    pub share: bool,
    pub month_totals: Option<std::collections::BTreeMap<String, u64>>,
    /// `z`: the conversation takes the whole width of a split view.
    pub maximised: bool,
    /// Recent queries, oldest first (↑/↓ in the search box walk them; the runtime keeps them
    /// across runs).
    pub recent: Vec<String>,
    /// Saved searches (`b` saves, `B` lists; the runtime keeps them across runs).
    pub saved: Vec<SavedSearch>,
    /// While walking recent queries: which one is shown, and what was typed before.
    recent_at: Option<usize>,
    draft: String,
    /// Where the last frame put the panes (set by the loop after each draw).
    pub drawn: Option<layout::Panes>,
    pub quit: bool,
    retry_at: Option<Instant>,
    /// The archive changed while an update was running: check again after it.
    recheck: bool,
    last_reload: Instant,
    /// Our own indexing committed: the reload that follows is not news.
    expect_reload: bool,
    /// An index that could not be read is being rebuilt (so a second failure is shown, not
    /// rebuilt again in a loop).
    repairing: bool,
    /// The conversation takes the keyboard when the day being opened arrives.
    focus_on_open: bool,
    /// The discussion (path, first line) `m` left for the messages: `m` comes back to it
    /// unless another message was selected since.
    left_discussion: Option<(String, u32)>,
    seq: u64,
    waiting: Waiting,
    effects: Vec<Effect>,
}

impl App {
    /// A browser on an archive and index; nothing is opened until [`App::start`].
    pub fn new(archive: PathBuf, index_dir: PathBuf, size: (u16, u16)) -> App {
        App {
            archive,
            index_dir,
            catalog: None,
            input: TextInput::default(),
            chips: Vec::new(),
            chip_selected: 0,
            focus: Focus::Search,
            overlay: None,
            results: ResultsState::default(),
            conversation: None,
            index: IndexStatus::Opening,
            facets: None,
            experts: Vec::new(),
            sort: Sort::Relevance,
            discussions: true,
            note: None,
            alert: None,
            size,
            maximised: false,
            share: false,
            month_totals: None,
            drawn: None,
            recent: Vec::new(),
            saved: Vec::new(),
            recent_at: None,
            draft: String::new(),
            quit: false,
            retry_at: None,
            recheck: false,
            last_reload: Instant::now(),
            expect_reload: false,
            repairing: false,
            focus_on_open: false,
            left_discussion: None,
            seq: 0,
            waiting: Waiting::default(),
            effects: Vec::new(),
        }
    }

    /// What to do first: open the index if there is one (everything is listed once it is)
    /// and check the archive against it in the background.
    pub fn start(&mut self) -> Vec<Effect> {
        self.index = IndexStatus::Checking;
        vec![Effect::Open, Effect::StartIndex]
    }

    /// True while an answer is awaited (the loop then looks for answers more often).
    pub fn waiting(&self) -> bool {
        let w = self.waiting;
        w.search.or(w.facets).or(w.days).or(w.titles).or(w.day).is_some()
    }

    /// True when typed characters go into an input rather than being commands.
    pub fn typing(&self) -> bool {
        match &self.overlay {
            Some(Overlay::Help { .. } | Overlay::Filters { .. } | Overlay::SaveAs { .. }) => true,
            Some(_) => false,
            None => self.focus == Focus::Search,
        }
    }

    /// The query the results are for: the search box and the chips. An empty box lists
    /// everything; one that holds text but no words or filters (`""`) is an error, as
    /// `chatlore discussions ""` is. A chip narrows whatever the box says, as the CLI's flags
    /// do (`date:2017-06` typed under a `date:2018` chip finds nothing; joined to the box's
    /// values it found both, more than the chip alone).
    pub fn query(&self) -> Result<Query, String> {
        let mut q = Query::parse(&self.input.text).map_err(|e| e.to_string())?;
        q.narrow(self.chips.iter().cloned());
        if q.is_empty() && !self.input.text.trim().is_empty() {
            return Err(format!(
                "nothing to search for: `{}` holds no words or filters; clear the search box to list everything",
                self.input.text.trim()
            ));
        }
        Ok(q)
    }

    /// Whether the conversation is shown beside the results (wide terminals) rather than
    /// instead of them.
    pub fn split_view(&self) -> bool {
        self.size.0 >= layout::SPLIT_MIN_WIDTH
    }

    /// Whether results and conversation are drawn side by side now (`z` maximises the
    /// conversation of a split view while it has the keyboard: typing a search or going to the
    /// results shows them again).
    pub fn side_by_side(&self) -> bool {
        self.split_view() && !(self.maximised && self.reading())
    }

    /// The conversation is open and has the keyboard.
    fn reading(&self) -> bool {
        self.focus == Focus::Conversation && self.conversation.is_some()
    }

    /// What the main area shows now.
    pub fn main_view(&self) -> layout::Main {
        if self.side_by_side() {
            layout::Main::Both
        } else if self.reading() {
            layout::Main::Conversation
        } else {
            layout::Main::Results
        }
    }

    /// The panes as last drawn; before the first frame, or when the size or the view changed
    /// since, as the next frame will draw them (the same computation).
    pub fn panes(&self) -> layout::Panes {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        let main = self.main_view();
        self.drawn.filter(|p| p.area == area && p.main == main).unwrap_or_else(|| layout::Panes::new(area, main))
    }

    /// Where the keyboard is, for the keymap.
    pub fn key_context(&self) -> keymap::Context {
        keymap::Context {
            typing: self.typing(),
            chips: self.overlay.is_none() && self.focus == Focus::Chips,
            picking: matches!(self.overlay, Some(Overlay::Filters { .. })),
            saved: matches!(self.overlay, Some(Overlay::Saved { .. })),
        }
    }

    /// How many rows the results list: discussions, or hits (loaded or not). A discussion
    /// needs no message holding every word, so discussions can be listed under 0 hits.
    pub fn listed(&self) -> usize {
        if self.discussions {
            self.results.discussions_total
        } else {
            self.results.total
        }
    }

    /// The selected discussion, while the results list discussions.
    pub fn selected_discussion(&self) -> Option<&DiscussionRow> {
        self.results.discussions.get(self.results.discussion_selected).filter(|_| self.discussions)
    }

    pub fn selected_hit(&self) -> Option<&Hit> {
        self.results.hits.get(self.results.selected)
    }

    /// The selected row of the results, as a conversation opened for it knows it.
    fn selected_row(&self) -> Option<Row> {
        if self.discussions {
            let d = &self.selected_discussion()?.hit.discussion;
            Some(Row::Discussion(d.path.clone(), d.start_line))
        } else {
            self.selected_hit().map(|h| Row::Hit(h.path.clone(), h.line))
        }
    }

    /// The open conversation is the selected row's (the split view's preview, or in a narrow
    /// terminal the one read and left since): `Enter` on the row reads on where it was.
    fn previewing_selection(&self) -> bool {
        self.conversation.as_ref().is_some_and(|c| c.row.is_some() && c.row == self.selected_row())
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Applies one action; returns what the runtime is to do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let reading = self.focus == Focus::Conversation;
        self.apply(action);
        // Whatever took the keyboard from the conversation: a day read that is not the selected
        // row's (picked in the day list) gives the preview back to the selected row (it stayed
        // until a key moved the selection).
        if reading && self.focus != Focus::Conversation && self.conversation.is_some() && !self.previewing_selection() {
            self.sync_preview();
        }
        std::mem::take(&mut self.effects)
    }

    fn apply(&mut self, action: Action) {
        if !matches!(
            action,
            Action::Tick | Action::Index(_) | Action::Resize(..) | Action::Copied { .. } | Action::Answer(_)
        ) {
            self.note = None;
            self.alert = None;
        }
        match action {
            Action::Quit => self.quit = true,
            // Wide enough for the split view: the conversation shows beside the results, the
            // selected row's (kept as it is when it is that row's, where it was read; and while
            // it has the keyboard, until it is left).
            Action::Resize(w, h) => {
                let was = self.split_view();
                self.size = (w, h);
                if self.split_view() && !was && self.focus != Focus::Conversation && !self.previewing_selection() {
                    self.sync_preview();
                }
            }
            Action::Tick => self.tick(),
            Action::Index(event) => self.index_event(event),
            Action::Answer(answer) => self.answer(answer),
            Action::Reindex => {
                if !matches!(self.index, IndexStatus::Checking | IndexStatus::Updating { .. }) {
                    self.index = IndexStatus::Checking;
                    self.effects.push(Effect::StartIndex);
                }
            }
            Action::OpenHelp => self.overlay = Some(Overlay::Help { filter: TextInput::default(), selected: 0 }),
            Action::OpenFilters(tab) => {
                let tab = tab.unwrap_or(FilterTab::Dates);
                self.overlay =
                    Some(Overlay::Filters { tab, input: TextInput::default(), selected: 0, marked: Vec::new() });
                self.ensure_facets();
            }
            Action::OpenInsights => {
                // The latest month first (known once the counts are).
                let selected = self.insight_rows(InsightSection::Months).len().saturating_sub(1);
                self.overlay = Some(Overlay::Insights { section: InsightSection::Months, selected });
                self.ensure_facets();
            }
            Action::OpenDays => {
                self.overlay = Some(Overlay::Days {
                    selected: 0,
                    rows: Vec::new(),
                    typed: String::new(),
                    loading: true,
                    titles: None,
                });
                self.list_days();
            }
            Action::OpenSaved => self.overlay = Some(Overlay::Saved { selected: 0 }),
            // From a window without an input too (the day list, insights): it closes.
            Action::FocusSearch => {
                self.overlay = None;
                self.focus = Focus::Search;
            }
            Action::SaveSearch => {
                if self.input.text.trim().is_empty() && self.chips.is_empty() {
                    self.note = Some("nothing to save: type a query or add a filter first".into());
                } else {
                    let mut name = TextInput::default();
                    for c in self.input.text.trim().chars() {
                        name.insert(c);
                    }
                    self.overlay = Some(Overlay::SaveAs { name });
                }
            }
            // Outside insights it opens them, showing shares (it changed them unseen).
            Action::ToggleShare => {
                if matches!(self.overlay, Some(Overlay::Insights { .. })) {
                    self.share = !self.share;
                } else {
                    self.share = true;
                    self.apply(Action::OpenInsights);
                }
                self.count_month_totals();
            }
            Action::CycleSort => {
                self.sort = match self.sort {
                    Sort::Relevance => Sort::Newest,
                    Sort::Newest => Sort::Oldest,
                    Sort::Oldest => Sort::Relevance,
                };
                self.refresh();
            }
            Action::Maximise => {
                self.maximised = !self.maximised;
                if self.maximised && self.conversation.is_some() {
                    self.focus = Focus::Conversation;
                }
            }
            Action::TypeSearch(c) if c.is_ascii_digit() || c == '-' => {
                if let Some(Overlay::Days { selected, rows, typed, .. }) = self.overlay.as_mut() {
                    // Typed in the day list: a date to jump to.
                    typed.push(c);
                    match day_matching(rows, typed) {
                        Some(i) => *selected = i,
                        None => self.note = Some(format!("no day starts with {typed}")),
                    }
                    self.ask_day_titles();
                } else {
                    self.type_search(c);
                }
            }
            Action::TypeSearch(c) => self.type_search(c),
            Action::CloseOrQuit if self.overlay.is_some() => self.overlay = None,
            Action::CloseOrQuit => self.quit = true,
            Action::Copy => self.copy(),
            Action::Copied { outcome, text } => self.copied(outcome, text),
            Action::Mark => self.toggle_mark(),
            Action::ToggleDiscussions => self.toggle_discussions(),
            other => {
                if self.overlay.is_some() {
                    self.overlay_action(other);
                } else {
                    self.main_action(other);
                }
            }
        }
    }

    /// Applies the worker's answer, unless a newer question made it stale.
    fn answer(&mut self, answer: Answer) {
        match answer {
            Answer::Opened(catalog) => {
                self.repairing = false;
                self.catalog = Some(catalog);
                if matches!(self.index, IndexStatus::Opening | IndexStatus::Failed(_)) {
                    self.index = IndexStatus::Ready;
                }
                self.refresh();
            }
            Answer::NotYet => {}
            // The open index went bad under the browser (its folder deleted, a file damaged):
            // it is rebuilt from the archive as the start-up check would, once; if that does not
            // help, the error stays up (`r` tries again).
            Answer::OpenFailed(e) if self.index == IndexStatus::Ready && !std::mem::take(&mut self.repairing) => {
                self.repairing = true;
                self.note = Some(format!("the index could not be read ({e}); rebuilding it from the archive"));
                self.index = IndexStatus::Checking;
                self.effects.push(Effect::StartIndex);
            }
            Answer::OpenFailed(e) => self.index = IndexStatus::Failed(e),
            Answer::Reloaded(catalog) => {
                self.repairing = false;
                self.catalog = Some(catalog);
                if !std::mem::take(&mut self.expect_reload) {
                    self.note = Some("picked up a new index commit".into());
                }
                self.refresh_keeping();
            }
            Answer::Searched { job, found } => {
                if self.waiting.search != Some(job.seq) {
                    return;
                }
                self.waiting.search = None;
                self.results.searching = false;
                self.results.loading = None;
                match found {
                    Ok(found) => self.found(&job, *found),
                    Err(e) => self.results.error = Some(e),
                }
            }
            Answer::Faceted { seq, facets, experts } => {
                if self.waiting.facets != Some(seq) {
                    return;
                }
                self.waiting.facets = None;
                self.experts = experts;
                match facets {
                    Ok(f) => self.facets = Some(*f),
                    Err(e) => self.note = Some(e),
                }
                // Insights open on the latest month.
                let months = self.insight_rows(InsightSection::Months).len();
                if let Some(Overlay::Insights { section: InsightSection::Months, selected }) = self.overlay.as_mut() {
                    *selected = months.saturating_sub(1);
                }
            }
            Answer::MonthTotals(totals) => match totals {
                Ok(m) => self.month_totals = Some(m),
                Err(e) => self.note = Some(e),
            },
            Answer::Days { seq, rows: listed } => {
                if self.waiting.days != Some(seq) {
                    return;
                }
                self.waiting.days = None;
                if let Some(Overlay::Days { rows, loading, selected, typed, .. }) = self.overlay.as_mut() {
                    *loading = false;
                    // Listed again after the index changed: the same log stays selected.
                    let was = rows.get(*selected).map(|r| r.path.clone());
                    match listed {
                        Ok(r) => *rows = r,
                        Err(e) => self.note = Some(e),
                    }
                    let same = was.and_then(|p| rows.iter().position(|r| r.path == p));
                    *selected = same.or_else(|| day_matching(rows, typed)).unwrap_or(0);
                }
                self.ask_day_titles();
            }
            Answer::DayTitles { seq, path, discussions } => {
                if self.waiting.titles != Some(seq) {
                    return;
                }
                self.waiting.titles = None;
                if let Some(Overlay::Days { titles, .. }) = self.overlay.as_mut() {
                    *titles = Some((path, discussions));
                }
            }
            Answer::DayLoaded { job, day } => {
                if self.waiting.day != Some(job.seq) {
                    return;
                }
                self.waiting.day = None;
                match day {
                    Ok(day) => self.day_loaded(*job, *day),
                    Err(e) => {
                        self.focus_on_open = false;
                        if job.keep.is_some() {
                            // Opened again after an update: its log went with the update.
                            self.note = Some(format!("the open log was moved or removed by the update ({e})"));
                            self.conversation = None;
                            self.sync_preview();
                        } else {
                            self.note = Some(e);
                        }
                    }
                }
            }
            Answer::Panicked { doing, message } => {
                // Nothing that was asked will be answered; the browser goes on.
                self.waiting = Waiting::default();
                self.results.searching = false;
                self.results.loading = None;
                self.alert = Some(format!("internal error while {doing}: {message} — the browser goes on"));
            }
        }
    }

    /// A search's answer: a new list, or the next pages of the shown one.
    fn found(&mut self, job: &SearchJob, f: Found) {
        if job.seek.is_some() && f.kept.is_none() && f.total > SEEK_MAX {
            // `m` looked as deep as it may (see SEEK_MAX).
            self.note = Some(format!("that discussion's message is not among the first {SEEK_MAX} hits: from the top"));
        }
        let r = &mut self.results;
        if job.offset > 0 && job.discussions {
            // The next discussions of the list.
            if job.offset == r.discussions.len() {
                r.discussions.extend(f.discussions);
                r.discussions_total = f.discussions_total;
                // Fewer than asked for: the index changed meanwhile (its refresh follows).
                r.discussion_selected = r.discussion_selected.min(r.discussions_total.saturating_sub(1));
            }
        } else if job.offset > 0 {
            if job.offset == r.hits.len() {
                r.hits.extend(f.hits);
                r.total = f.total;
                r.end = f.end;
                if r.end {
                    // `G` asked for the total's last; the list ends before it.
                    r.selected = r.selected.min(r.hits.len().saturating_sub(1));
                }
            }
        } else {
            let kept = job.keep.is_some() || job.keep_discussion.is_some();
            r.selected = match f.kept {
                Some(i) => i,
                None if kept => r.selected.min(f.total.saturating_sub(1)),
                None => 0,
            };
            r.discussion_selected = match f.kept_discussion {
                Some(i) => i,
                None if kept => r.discussion_selected.min(f.discussions.len().saturating_sub(1)),
                None => 0,
            };
            r.hits = f.hits;
            r.total = f.total;
            r.end = f.end;
            r.elapsed = f.elapsed;
            r.discussions = f.discussions;
            r.discussions_total = f.discussions_total;
            r.terms = f.terms;
            r.why_none = f.why_none;
            r.also = f.also;
            r.error = None;
            if kept && self.waiting.day.is_some() {
                // The conversation is being reopened where it was; it decides the preview.
                return;
            }
        }
        self.sync_preview();
    }

    fn day_loaded(&mut self, job: DayJob, loaded: LoadedDay) {
        let LoadedDay { day, matches, spans } = loaded;
        let at = |line: u32| day.messages.iter().position(|m| m.line == line);
        let focus = match job.at {
            At::Line(line) => at(line),
            At::First => Some(0),
        };
        if job.keep.is_some() && focus.is_none() {
            // The message read is gone: the preview follows the selection again.
            self.conversation = None;
            self.sync_preview();
            return;
        }
        let (scroll, mark) = match job.keep {
            Some((scroll, mark)) => (scroll, mark.and_then(at)),
            None => (0, None),
        };
        // Opened again after an update, the discussion is the one that now holds its first
        // message: it may have grown (a message that arrived joined it) or been cut.
        let span = job.span.map(|(start, end)| match job.keep {
            Some(_) => spans.iter().copied().find(|&(a, b)| (a..=b).contains(&start)).unwrap_or((start, end)),
            None => (start, end),
        });
        let span = span.and_then(|(start, end)| span_of(&day, start, end));
        let (focus, terms, row) = (focus.unwrap_or(0), job.terms, job.row);
        self.conversation = Some(Conversation { focus, day, mark, scroll, matches, terms, span, spans, row });
        if matches!(job.source, DaySource::Listed(_)) {
            self.overlay = None;
            self.focus_on_open = true;
        }
        if std::mem::take(&mut self.focus_on_open) {
            self.focus = Focus::Conversation;
        }
    }

    fn main_action(&mut self, action: Action) {
        match (self.focus, action) {
            (Focus::Search, Action::Input(c)) => self.edit(|i| i.insert(c)),
            (Focus::Search, Action::Backspace) if self.input.text.is_empty() => self.remove_chip(self.chips.len()),
            (Focus::Search, Action::Backspace) => self.edit(TextInput::backspace),
            // Backspace in a list edits the search box, as a character typed there is added to it.
            (Focus::Results | Focus::Conversation, Action::Backspace) => self.backspace_search(),
            (Focus::Search, Action::DeleteWord) => self.edit(TextInput::delete_word),
            (Focus::Search, Action::ClearInput) => self.edit(TextInput::clear),
            (Focus::Search, Action::CursorLeft) => self.input.left(),
            (Focus::Search, Action::CursorRight) => self.input.right(),
            (Focus::Search, Action::CursorHome) => self.input.home(),
            (Focus::Search, Action::CursorEnd) => self.input.end(),
            (Focus::Search, Action::Up) => self.walk_recent(true),
            (Focus::Search, Action::Down) if self.recent_at.is_some() => self.walk_recent(false),
            // PgDn/PgUp page the results from the search box too (the keyboard stays there).
            (Focus::Search, a @ (Action::PageUp | Action::PageDown)) => self.move_selection(a),
            (Focus::Search, Action::Enter | Action::Down) => {
                self.remember_query();
                self.focus = Focus::Results;
            }
            (Focus::Results, Action::Enter) => {
                // The selected row's conversation, at any width: read on where it was (in a
                // narrow terminal `Esc` then `Enter` went back to the row's first message).
                if self.previewing_selection() && self.waiting.day.is_none() {
                    self.focus = Focus::Conversation;
                } else {
                    self.focus_on_open = true;
                    self.open_selected();
                }
            }
            (Focus::Results, Action::Back) => self.focus = Focus::Search,
            (
                Focus::Results,
                a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last),
            ) => self.move_selection(a),
            (Focus::Conversation, Action::Back) => {
                self.maximised = false;
                self.focus = Focus::Results;
            }
            (Focus::Conversation, Action::NextMatch) => self.jump_match(true),
            (Focus::Conversation, Action::NextDiscussion) => self.jump_discussion(true),
            (Focus::Conversation, Action::PrevDiscussion) => self.jump_discussion(false),
            (Focus::Conversation, Action::PrevMatch) => self.jump_match(false),
            (
                Focus::Conversation,
                a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::First | Action::Last),
            ) => self.scroll_conversation(a),
            (Focus::Results, Action::NextMatch | Action::PrevMatch) => {
                self.focus_on_open = true;
                self.open_selected();
            }
            (Focus::Chips, Action::Up) => self.chip_selected = self.chip_selected.saturating_sub(1),
            (Focus::Chips, Action::Down) => {
                self.chip_selected = (self.chip_selected + 1).min(self.chips.len().saturating_sub(1))
            }
            (Focus::Chips, Action::RemoveChip | Action::Backspace) => self.remove_chip(self.chip_selected),
            // Enter on a chip is done with the chips (it removed the chip, which no key list said).
            (Focus::Chips, Action::Back | Action::Enter) => self.focus = Focus::Results,
            (_, Action::NextPane) => self.cycle_focus(true),
            (_, Action::PrevPane) => self.cycle_focus(false),
            _ => {}
        }
    }

    fn overlay_action(&mut self, action: Action) {
        let Some(overlay) = self.overlay.as_mut() else { return };
        match (overlay, action) {
            (_, Action::Back) => self.overlay = None,
            (Overlay::Help { filter, selected }, a) => {
                if edit_input(filter, &a) {
                    *selected = 0;
                } else {
                    let rows = keymap::help_rows(&filter.text);
                    if matches!(a, Action::Enter) {
                        // Enter runs the key: the help closes and the action happens.
                        let run = rows.get(*selected).map(|b| b.action.clone());
                        self.overlay = None;
                        if let Some(run) = run.filter(|r| !matches!(r, Action::Enter | Action::OpenHelp)) {
                            self.apply(run);
                        }
                    } else {
                        *selected = moved(*selected, &a, rows.len(), 10);
                    }
                }
            }
            (Overlay::SaveAs { name }, a) => {
                if matches!(a, Action::Enter) {
                    let name = name.text.trim().to_owned();
                    self.save_search(name);
                } else {
                    edit_input(name, &a);
                }
            }
            // Windows without a filter of their own: Backspace edits the search box, as a
            // character typed there is added to it (the day list's is its typed date).
            (Overlay::Saved { .. } | Overlay::Insights { .. } | Overlay::Citation { .. }, Action::Backspace) => {
                self.backspace_search()
            }
            (Overlay::Saved { selected }, a) => match a {
                Action::Enter => {
                    let chosen = self.saved.get(*selected).cloned();
                    if let Some(s) = chosen {
                        self.run_saved(&s);
                    }
                }
                Action::RemoveChip => {
                    let i = *selected;
                    if i < self.saved.len() {
                        let gone = self.saved.remove(i);
                        self.note = Some(format!("deleted the saved search “{}”", gone.name));
                        *selected = i.min(self.saved.len().saturating_sub(1));
                    }
                }
                a => *selected = moved(*selected, &a, self.saved.len(), 10),
            },
            (Overlay::Filters { tab, input, selected, marked }, a) => match a {
                Action::NextPane | Action::PrevPane => {
                    let i = FilterTab::ALL.iter().position(|t| t == tab).unwrap_or(0);
                    let n = FilterTab::ALL.len();
                    *tab = FilterTab::ALL[if matches!(a, Action::NextPane) { (i + 1) % n } else { (i + n - 1) % n }];
                    input.clear();
                    *selected = 0;
                }
                Action::Enter => self.apply_filter(),
                Action::MarkValue => {
                    let (tab, text, at) = (*tab, input.text.clone(), *selected);
                    let row = self.filter_rows(tab, &text).get(at).map(|r| r.filter.clone());
                    if let (Some(f), Some(Overlay::Filters { marked, selected, .. })) = (row, self.overlay.as_mut()) {
                        match marked.iter().position(|m| *m == f) {
                            Some(i) => {
                                marked.remove(i);
                            }
                            None => marked.push(f),
                        }
                        *selected += 1;
                    }
                    let n = self.current_filter_rows().len();
                    if let Some(Overlay::Filters { selected, .. }) = self.overlay.as_mut() {
                        *selected = (*selected).min(n.saturating_sub(1));
                    }
                }
                a => {
                    let _ = marked;
                    if edit_input(input, &a) {
                        *selected = 0;
                    } else {
                        let n = self.current_filter_rows().len();
                        if let Some(Overlay::Filters { selected, .. }) = self.overlay.as_mut() {
                            *selected = moved(*selected, &a, n, 10);
                        }
                    }
                }
            },
            (Overlay::Days { .. }, Action::Enter) => self.open_selected_day(),
            (Overlay::Days { selected, rows, typed, .. }, Action::Backspace) => {
                typed.pop();
                *selected = day_matching(rows, typed).unwrap_or(*selected);
                self.ask_day_titles();
            }
            (Overlay::Days { selected, rows, .. }, a) => {
                let page = layout::day_list_rows(self.size.1);
                *selected = moved(*selected, &a, rows.len(), page);
                self.ask_day_titles();
            }
            (Overlay::Citation { scroll, .. }, a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => {
                *scroll = match a {
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(10),
                    _ => scroll.saturating_add(10),
                }
            }
            (Overlay::Insights { section, .. }, a @ (Action::NextPane | Action::PrevPane)) => {
                let all = InsightSection::ALL;
                let i = all.iter().position(|s| s == section).unwrap_or(0);
                let n = all.len();
                let next = all[if matches!(a, Action::NextPane) { (i + 1) % n } else { (i + n - 1) % n }];
                *section = next;
                let rows = self.insight_rows(next);
                if let Some(Overlay::Insights { section, selected }) = self.overlay.as_mut() {
                    // Months start at the latest, lists at the top.
                    *selected = if *section == InsightSection::Months { rows.len().saturating_sub(1) } else { 0 };
                }
            }
            (&mut Overlay::Insights { section, selected }, Action::Enter) => {
                let row = self.insight_rows(section).get(selected).cloned();
                if let Some(row) = row {
                    self.add_chips(vec![row.filter]);
                }
            }
            (&mut Overlay::Insights { section, selected }, a) => {
                let n = self.insight_rows(section).len();
                if let Some(Overlay::Insights { selected: s, .. }) = self.overlay.as_mut() {
                    *s = moved(selected, &a, n, 10);
                }
            }
            (Overlay::Citation { .. }, Action::Enter) => self.overlay = None,
            _ => {}
        }
    }

    /// The rows of the filter pane's tab as it is now.
    pub fn current_filter_rows(&self) -> Vec<FilterRow> {
        match &self.overlay {
            Some(Overlay::Filters { tab, input, .. }) => self.filter_rows(*tab, &input.text),
            _ => Vec::new(),
        }
    }

    /// Keeps the current query and chips under `name` (a name used before is replaced).
    fn save_search(&mut self, name: String) {
        if name.is_empty() {
            self.note = Some("a saved search needs a name".into());
            return;
        }
        let search = SavedSearch {
            name: name.clone(),
            query: self.input.text.trim().to_owned(),
            filters: self.chips.iter().map(ToString::to_string).collect(),
        };
        self.saved.retain(|s| s.name != name);
        self.saved.push(search);
        self.overlay = None;
        self.note = Some(format!("saved as “{name}” (B lists saved searches)"));
    }

    /// Puts a saved search's query and filters back, and runs it.
    fn run_saved(&mut self, s: &SavedSearch) {
        let mut chips = Vec::new();
        for f in &s.filters {
            match Query::parse(f) {
                Ok(q) => chips.extend(q.filters),
                Err(e) => {
                    self.note = Some(format!("the saved search “{}” has a filter that no longer parses: {e}", s.name));
                    return;
                }
            }
        }
        self.chips = chips;
        self.chip_selected = 0;
        self.input.clear();
        for c in s.query.chars() {
            self.input.insert(c);
        }
        self.overlay = None;
        self.focus = Focus::Results;
        self.note = Some(format!("ran the saved search “{}”", s.name));
        self.refresh();
    }

    /// A character typed outside any input: to the end of the search box, which takes the
    /// keyboard (an overlay without an input closes).
    fn type_search(&mut self, c: char) {
        self.overlay = None;
        self.focus = Focus::Search;
        self.edit(|i| {
            i.end();
            i.insert(c)
        });
    }

    /// Backspace outside any input: the search box takes the keyboard and loses its last
    /// character, or when empty its last chip, as in the box (an overlay without an input
    /// closes, as for a character typed).
    fn backspace_search(&mut self) {
        self.overlay = None;
        self.focus = Focus::Search;
        self.input.end();
        if self.input.text.is_empty() {
            self.remove_chip(self.chips.len());
        } else {
            self.edit(TextInput::backspace);
        }
    }

    /// Keeps the query in the recent searches (once, as the newest).
    fn remember_query(&mut self) {
        let q = self.input.text.trim().to_owned();
        if !q.is_empty() {
            self.recent.retain(|r| *r != q);
            self.recent.push(q);
            if self.recent.len() > RECENT_MAX {
                self.recent.remove(0);
            }
        }
        self.recent_at = None;
    }

    /// Shows an older (`back`) or newer recent query in the search box; past the newest, what
    /// was being typed comes back.
    fn walk_recent(&mut self, back: bool) {
        let n = self.recent.len();
        let next = match (self.recent_at, back) {
            (_, true) if n == 0 => return,
            // The newest search is often the one in the box (searched, then back to the box):
            // the first `↑` gives the one before it, as a shell's history does.
            (None, true) => {
                let Some(newest) = (n - 1).checked_sub(usize::from(self.recent[n - 1] == self.input.text)) else {
                    return;
                };
                self.draft = self.input.text.clone();
                Some(newest)
            }
            (Some(i), true) => Some(i.saturating_sub(1)),
            (Some(i), false) if i + 1 < n => Some(i + 1),
            (_, false) => None,
        };
        let text = match next {
            Some(i) => self.recent[i].clone(),
            None => std::mem::take(&mut self.draft),
        };
        self.edit(|input| {
            input.clear();
            for c in text.chars() {
                input.insert(c);
            }
        });
        self.recent_at = next;
    }

    /// Edits the search box and searches again.
    fn edit(&mut self, f: impl FnOnce(&mut TextInput)) {
        self.recent_at = None;
        let before = self.input.text.clone();
        f(&mut self.input);
        if self.input.text != before {
            self.refresh();
        }
    }

    /// Asks for the query's results (the selection goes back to the top when they come);
    /// a malformed query says why at once.
    pub fn refresh(&mut self) {
        self.left_discussion = None;
        self.refresh_selecting((None, None), None);
    }

    /// `m`: one row per message, or per discussion, keeping what is read. From a discussion
    /// to its first matching message (the one its preview shows), from the first one to the
    /// top; back to the discussion left, or when another message was selected since, to the
    /// discussion holding it.
    fn toggle_discussions(&mut self) {
        let (keep, keep_discussion) = if self.discussions {
            let row = self.selected_discussion().map(|r| {
                let d = &r.hit.discussion;
                (d.path.clone(), d.start_line, r.hit.hits.first().copied().unwrap_or(d.start_line))
            });
            self.left_discussion = row.as_ref().map(|(path, start, _)| (path.clone(), *start));
            // From the top row, to the top: nothing was chosen yet (with an empty search box the
            // discussions list oldest first and the messages newest first).
            let read = row.filter(|_| self.results.discussion_selected > 0).map(|(path, start, first)| {
                let id = crate::discussions::id(&path, start);
                ((path, first), id)
            });
            // Where the message is not found, the top.
            self.results.selected = 0;
            (read.map_or((None, None), |(keep, id)| (Some(keep), Some(id))), None)
        } else {
            let selected = self.selected_hit().map(|h| (h.path.clone(), h.line));
            ((None, None), self.left_discussion.take().or(selected))
        };
        self.discussions = !self.discussions;
        self.refresh_selecting(keep, keep_discussion);
    }

    /// [`App::refresh`], selecting a message (path, line), sought in a discussion (its id; see
    /// [`SearchJob::seek`]), and a discussion holding a message (path, line) when the results
    /// hold them.
    fn refresh_selecting(
        &mut self,
        keep: (Option<(String, u32)>, Option<String>),
        keep_discussion: Option<(String, u32)>,
    ) {
        self.facets = None;
        self.waiting.facets = None;
        self.experts.clear();
        match self.query() {
            Err(e) => {
                let r = &mut self.results;
                r.error = Some(e);
                r.hits.clear();
                r.total = 0;
                r.discussions.clear();
                r.discussions_total = 0;
                r.terms.clear();
                r.searching = false;
                r.loading = None;
                self.waiting.search = None;
                self.sync_preview();
            }
            Ok(q) => {
                self.results.query = q;
                self.search(0, 0, keep, keep_discussion);
            }
        }
        if matches!(self.overlay, Some(Overlay::Filters { .. } | Overlay::Insights { .. })) {
            self.ensure_facets();
        }
    }

    /// Asks the worker to search the current query; `keep`: a message to select again, and
    /// the discussion it is sought in (see [`SearchJob::seek`]).
    fn search(
        &mut self,
        offset: usize,
        until: usize,
        (keep, seek): (Option<(String, u32)>, Option<String>),
        keep_discussion: Option<(String, u32)>,
    ) {
        if self.catalog.is_none() {
            // Nothing open yet: the index's opening searches.
            return;
        }
        let seq = self.next_seq();
        self.waiting.search = Some(seq);
        // A new search drops the pages being fetched for the last one.
        self.results.loading = (offset > 0).then_some(until);
        if offset == 0 {
            self.results.searching = true;
        }
        self.effects.push(Effect::Search(SearchJob {
            seq,
            query: self.results.query.clone(),
            sort: self.sort,
            offset,
            until,
            discussions: self.discussions,
            keep,
            seek,
            keep_discussion,
        }));
    }

    /// In the split view the conversation pane shows the selected hit, or nothing when there
    /// are no hits (never a day left over from another query). In a narrow terminal, where it
    /// is not shown beside them, the conversation is no longer the selected row's: `Enter`
    /// opens the row afresh, as the split view previews it.
    fn sync_preview(&mut self) {
        if self.split_view() {
            if self.selected_hit().is_some() || self.selected_discussion().is_some() {
                self.open_selected();
            } else {
                self.conversation = None;
                self.waiting.day = None;
            }
        } else if let Some(c) = self.conversation.as_mut() {
            c.row = None;
        }
        if self.conversation.is_none() && self.focus == Focus::Conversation && self.waiting.day.is_none() {
            self.focus = Focus::Results;
        }
    }

    /// Runs the query again after the index changed, keeping the selection and the open
    /// conversation (cursor and scroll) on the same messages when they still exist.
    pub fn refresh_keeping(&mut self) {
        // The archive changed: its months' totals are counted again.
        self.month_totals = None;
        self.count_month_totals();
        self.facets = None;
        self.waiting.facets = None;
        self.experts.clear();
        let Ok(q) = self.query() else { return self.refresh() };
        self.results.query = q;
        // The list shown is loaded down to its selection, and the row selected found again.
        let (until, selected, discussion) = if self.discussions {
            let d = self.selected_discussion().map(|d| (d.hit.discussion.path.clone(), d.hit.discussion.start_line));
            (self.results.discussion_selected, None, d)
        } else {
            (self.results.selected, self.selected_hit().map(|h| (h.path.clone(), h.line)), None)
        };
        self.search(0, until, (selected, None), discussion);
        if let Some(c) = &self.conversation {
            let line = |i: usize| c.day.messages.get(i).map(|m| m.line);
            let at = At::Line(line(c.focus).unwrap_or(0));
            let span = c.span.and_then(|(a, b)| line(a).zip(line(b)));
            let keep = (c.scroll, c.mark.and_then(line));
            let (path, row) = (c.day.path.clone(), c.row.clone());
            self.load_day(DaySource::Path(path), row, at, span, Some(keep));
        }
        if matches!(self.overlay, Some(Overlay::Filters { .. } | Overlay::Insights { .. })) {
            self.ensure_facets();
        }
        // An open day list lists the days again (a day may have come or gone).
        if matches!(self.overlay, Some(Overlay::Days { .. })) {
            self.list_days();
        }
    }

    /// Asks for the day list under the chips.
    fn list_days(&mut self) {
        let seq = self.next_seq();
        self.waiting.days = Some(seq);
        let query = Query { filters: self.chips.clone(), ..Query::default() };
        self.effects.push(Effect::Days { seq, query });
    }

    /// Asks for the messages per month of the whole archive, for `%` in insights.
    fn count_month_totals(&mut self) {
        if self.share && self.month_totals.is_none() && self.catalog.is_some() {
            self.effects.push(Effect::MonthTotals);
        }
    }

    /// Asks for the facet counts of the current query if they are not known.
    pub fn ensure_facets(&mut self) {
        if self.facets.is_some() || self.waiting.facets.is_some() || self.catalog.is_none() {
            return;
        }
        if self.results.error.is_none() {
            let seq = self.next_seq();
            self.waiting.facets = Some(seq);
            self.effects.push(Effect::Facets { seq, query: self.results.query.clone() });
        }
    }

    /// Asks for the discussions of the day selected in the day list.
    fn ask_day_titles(&mut self) {
        let Some(Overlay::Days { selected, rows, titles, .. }) = &self.overlay else { return };
        let Some(row) = rows.get(*selected) else { return };
        if titles.as_ref().is_some_and(|(path, _)| *path == row.path) {
            return;
        }
        let row = row.clone();
        let seq = self.next_seq();
        self.waiting.titles = Some(seq);
        self.effects.push(Effect::DayTitles { seq, row });
    }

    fn move_selection(&mut self, a: Action) {
        let page = self.panes().results_rows();
        // `m` now comes back to the discussion of the message selected.
        self.left_discussion = None;
        let r = &mut self.results;
        let before = if self.discussions { r.discussion_selected } else { r.selected };
        // Rows there are, loaded or not (discussions two lines a row): hits, all of them once
        // the list's end is loaded (copies are folded), else as many as there are.
        let (selected, loaded, end) = if self.discussions {
            let rows = r.discussions_total;
            r.discussion_selected = moved(r.discussion_selected, &a, rows, (page / 2).max(1));
            (r.discussion_selected, r.discussions.len(), r.discussions.len() >= rows)
        } else {
            let rows = if r.end { r.hits.len() } else { r.total };
            r.selected = moved(r.selected, &a, rows, page);
            (r.selected, r.hits.len(), r.end || r.hits.len() >= r.total)
        };
        // The worker fetches pages until the selection is loaded (`G` on a large result); once
        // asked, not again for a selection the pages being fetched reach. Only rows there are:
        // a query that does not parse lists none (fetching would search the last one that did).
        if selected >= loaded && !end && !r.searching && r.loading.is_none_or(|to| selected > to) {
            self.search(loaded, selected, (None, None), None);
        }
        // A discussion not loaded yet: nothing to preview until it comes. A key that moved
        // nothing (`k` on the first row) leaves the preview, and the place read in it, as it is.
        if selected != before {
            self.sync_preview();
        }
    }

    /// Opens the selected hit's (or discussion's) day on it.
    fn open_selected(&mut self) {
        let row = self.selected_row();
        if self.discussions {
            let Some(found) = self.selected_discussion() else { return };
            let d = &found.hit.discussion;
            let (path, start, end) = (d.path.clone(), d.start_line, d.end_line);
            let first = found.hit.hits.first().copied().unwrap_or(start);
            self.load_day(DaySource::Path(path), row, At::Line(first), Some((start, end)), None);
            return;
        }
        let Some(hit) = self.selected_hit() else { return };
        let (path, line) = (hit.path.clone(), hit.line);
        self.load_day(DaySource::Path(path), row, At::Line(line), None, None);
    }

    /// Opens a day: at once when it is the day shown with the same words to highlight,
    /// else by asking the worker.
    fn load_day(
        &mut self,
        source: DaySource,
        row: Option<Row>,
        at: At,
        span: Option<(u32, u32)>,
        keep: Option<(isize, Option<u32>)>,
    ) {
        let mut terms = self.results.terms.clone();
        terms.extend(self.topic_keywords());
        if let (DaySource::Path(path), Some(c), None) = (&source, self.conversation.as_mut(), &keep) {
            if c.day.path == *path && c.terms == terms {
                c.focus = match at {
                    At::Line(line) => c.day.messages.iter().position(|m| m.line == line).unwrap_or(0),
                    At::First => 0,
                };
                c.scroll = 0;
                c.mark = None;
                c.span = span.and_then(|(start, end)| span_of(&c.day, start, end));
                c.row = row;
                self.waiting.day = None;
                if std::mem::take(&mut self.focus_on_open) {
                    self.focus = Focus::Conversation;
                }
                return;
            }
        }
        let seq = self.next_seq();
        self.waiting.day = Some(seq);
        self.effects.push(Effect::LoadDay(DayJob { seq, source, row, at, span, terms, keep }));
    }

    /// Starts or drops a range of messages to cite (`v`).
    fn toggle_mark(&mut self) {
        if let Some(c) = self.conversation.as_mut().filter(|_| self.focus == Focus::Conversation) {
            c.mark = if c.mark.is_some() { None } else { Some(c.focus) };
        } else {
            self.note = Some("v marks messages in the conversation: Enter on a hit first".into());
        }
    }

    fn cycle_focus(&mut self, forward: bool) {
        let mut order = vec![Focus::Search, Focus::Results];
        if self.conversation.is_some() {
            order.push(Focus::Conversation);
        }
        if !self.chips.is_empty() {
            order.push(Focus::Chips);
        }
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = order.len();
        self.focus = order[if forward { (i + 1) % n } else { (i + n - 1) % n }];
    }

    fn remove_chip(&mut self, index: usize) {
        let index = index.min(self.chips.len().saturating_sub(1));
        if index < self.chips.len() {
            let chip = self.chips.remove(index);
            self.note = Some(format!("removed {chip}"));
            self.chip_selected = self.chip_selected.min(self.chips.len().saturating_sub(1));
            if self.chips.is_empty() && self.focus == Focus::Chips {
                self.focus = Focus::Results;
            }
            self.refresh();
        }
    }

    /// The rows of an insights section for the current query.
    pub fn insight_rows(&self, section: InsightSection) -> Vec<FilterRow> {
        filters::insight_rows(self.facets.as_ref(), &self.experts, self.catalog.as_deref(), section)
    }

    /// The rows of a filter tab for the current query: (label, detail, count, filter).
    pub fn filter_rows(&self, tab: FilterTab, typed: &str) -> Vec<FilterRow> {
        filters::rows(self.facets.as_ref(), self.catalog.as_deref(), tab, typed)
    }

    /// Enter in the filter pane: the values marked with Space (OR within a field), else the
    /// selected one, else a date typed on the Dates tab.
    fn apply_filter(&mut self) {
        let Some(Overlay::Filters { tab, input, selected, marked }) = &self.overlay else { return };
        let (tab, typed, selected) = (*tab, input.text.clone(), *selected);
        if !marked.is_empty() {
            let marked = marked.clone();
            return self.add_chips(marked);
        }
        let rows = self.filter_rows(tab, &typed);
        let filter = match rows.get(selected) {
            Some(row) => row.filter.clone(),
            None if tab == FilterTab::Dates && !typed.trim().is_empty() => match DateRange::parse(typed.trim()) {
                Ok(r) => Filter { field: Field::Date, value: Value::Dates(r), negated: false, narrows: false },
                Err(e) => {
                    self.note = Some(e.to_string());
                    return;
                }
            },
            // Said, not silent: `j` typed to move the selection is text here.
            None if !typed.trim().is_empty() => {
                self.note = Some(format!(
                    "nothing to add: nothing on the {} tab matches “{}” (letters are typed here: Backspace edits, ↓/↑ move)",
                    tab.title(),
                    typed.trim()
                ));
                return;
            }
            None if self.facets.is_none() => {
                self.note = Some("nothing to add yet: the counts are still coming".into());
                return;
            }
            None => {
                self.note = Some(format!("nothing to add: the {} tab has no values here", tab.title()));
                return;
            }
        };
        self.add_chips(vec![filter]);
    }

    /// Adds filters as chips, closes the overlay and searches again.
    fn add_chips(&mut self, filters: Vec<Filter>) {
        let names: Vec<String> = filters.iter().map(ToString::to_string).collect();
        self.note = Some(format!("added {}", names.join(" or ")));
        self.chips.extend(filters);
        self.overlay = None;
        self.focus = Focus::Results;
        self.refresh();
    }

    fn open_selected_day(&mut self) {
        let Some(Overlay::Days { selected, rows, .. }) = &self.overlay else { return };
        let Some(row) = rows.get(*selected).cloned() else { return };
        self.load_day(DaySource::Listed(row.path), None, At::First, None, None);
    }
    /// The citation of what is being read: in the conversation the message under the cursor,
    /// or the range marked with `v`; in the results the selected hit, or the selected
    /// discussion (its span, title and size). One line per message:
    /// date time · group · speaker · text (source path:line).
    pub fn citation(&self) -> Option<String> {
        let group_name =
            |g: &str| self.catalog.as_ref().and_then(|c| c.meta.groups.get(g).cloned()).unwrap_or_else(|| g.to_owned());
        let line = |date: &dyn std::fmt::Display,
                    time: String,
                    group: &str,
                    speaker: &str,
                    text: String,
                    path: &str,
                    at: u32| {
            format!("{date} {time} · {} · {speaker} · {text} ({path}:{at})", group_name(group))
        };
        if self.focus == Focus::Conversation {
            let c = self.conversation.as_ref()?;
            let (from, to) = match c.mark {
                Some(m) => (m.min(c.focus), m.max(c.focus)),
                None => (c.focus, c.focus),
            };
            let lines: Vec<String> = c
                .day
                .messages
                .get(from..=to)?
                .iter()
                .map(|m| {
                    let text = if m.text.is_empty() { m.urls().join(" ") } else { m.text.clone() };
                    line(&c.day.date, m.time_label(), &c.day.group, &m.speaker, text, &c.day.path, m.line)
                })
                .collect();
            return Some(lines.join("\n"));
        }
        if self.discussions {
            // A discussion row: its span, title and size, and where it is.
            let hit = &self.selected_discussion()?.hit;
            let (d, people) = (&hit.discussion, hit.people.len());
            return Some(format!(
                "{} {}–{} · {} · {} · {} · {} ({}:{}-{})",
                d.date,
                d.start_time,
                d.end_time,
                group_name(&d.group),
                d.title,
                count(d.messages, "msg", "msgs"),
                count(people, "person", "people"),
                d.path,
                d.start_line,
                d.end_line
            ));
        }
        let h = self.selected_hit()?;
        let text = if h.text.is_empty() { h.urls.join(" ") } else { h.text.clone() };
        Some(line(&h.date, archive::time_label(h.time), &h.group, &h.speaker, text, &h.path, h.line))
    }

    /// Asks the runtime to copy the citation; what it managed comes back as [`Action::Copied`].
    fn copy(&mut self) {
        let Some(text) = self.citation() else {
            self.note = Some("nothing selected to cite".into());
            return;
        };
        self.effects.push(Effect::Copy(text));
    }

    fn copied(&mut self, outcome: CopyOutcome, text: String) {
        let n = text.lines().count();
        let what = if n == 1 { "citation".to_owned() } else { format!("citation of {n} messages") };
        match outcome {
            CopyOutcome::Tool(tool) => self.note = Some(format!("{what} copied ({tool})")),
            CopyOutcome::Osc52 => self.note = Some(format!("{what} sent to the terminal's clipboard (OSC 52)")),
            CopyOutcome::Failed(why) => {
                self.note = Some(format!("not copied: {why}"));
                self.overlay = Some(Overlay::Citation { text, scroll: 0 });
            }
        }
        if let Some(c) = self.conversation.as_mut() {
            c.mark = None;
        }
    }

    fn tick(&mut self) {
        if self.index == IndexStatus::Ready && self.last_reload.elapsed() >= RELOAD_EVERY {
            self.last_reload = Instant::now();
            self.effects.push(Effect::Reload { always: false });
        }
        if self.index == IndexStatus::Busy {
            // The other process's commit shows up without waiting for our retry.
            self.effects.push(Effect::Reload { always: false });
            if self.retry_at.is_some_and(|t| Instant::now() >= t) {
                self.retry_at = None;
                self.index = IndexStatus::Checking;
                self.effects.push(Effect::StartIndex);
            }
        }
    }

    /// Lets a test or the runtime retry a busy index right away.
    pub fn retry_now(&mut self) {
        self.retry_at = Some(Instant::now());
    }

    fn index_event(&mut self, event: IndexEvent) {
        match event {
            IndexEvent::Started(total) => self.index = IndexStatus::Updating { done: 0, total },
            IndexEvent::Advanced(n) => {
                if let IndexStatus::Updating { done, .. } = &mut self.index {
                    *done += n;
                }
            }
            IndexEvent::Finished(summary) => {
                self.index = IndexStatus::Ready;
                if std::mem::take(&mut self.recheck) {
                    self.index = IndexStatus::Checking;
                    self.effects.push(Effect::StartIndex);
                }
                let changed = summary.added + summary.changed + summary.removed > 0 || summary.rebuilt.is_some();
                if self.catalog.is_none() {
                    self.effects.push(Effect::Open);
                } else if changed {
                    self.expect_reload = true;
                    self.effects.push(Effect::Reload { always: true });
                }
                if changed {
                    self.note = Some(format!(
                        "index updated, logs: {} new, {} changed, {} removed{}",
                        summary.added,
                        summary.changed,
                        summary.removed,
                        summary.rebuilt.as_ref().map(|r| format!(" (rebuilt: {r})")).unwrap_or_default()
                    ));
                } else if !summary.warnings.is_empty() && self.note.is_none() {
                    // The standing warnings (said at start) do not replace a note not read yet:
                    // after another process's commit was picked up, say.
                    let warnings = count(summary.warnings.len(), "warning", "warnings");
                    self.note = Some(format!("{warnings}, first: {}", summary.warnings[0]));
                }
            }
            IndexEvent::Busy => {
                self.index = IndexStatus::Busy;
                self.retry_at = Some(Instant::now() + BUSY_RETRY);
            }
            IndexEvent::Failed(e) => self.index = IndexStatus::Failed(e),
            IndexEvent::ArchiveChanged => {
                if matches!(self.index, IndexStatus::Checking | IndexStatus::Updating { .. }) {
                    self.recheck = true;
                } else {
                    self.index = IndexStatus::Checking;
                    self.effects.push(Effect::StartIndex);
                }
            }
        }
    }

    /// Messages of the open conversation that match a term (for highlighting).
    /// The nicknames with white space a mention reads whole, as the CLI reads them (see
    /// [`Catalog::mention_names`]); none before the index is open.
    pub fn mention_names(&self) -> &[String] {
        self.catalog.as_ref().map_or(&[], |c| &c.mention_names)
    }

    pub fn conversation_terms(&self) -> Vec<&str> {
        self.conversation.as_ref().map(|c| c.terms.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    /// Moves the conversation to the next (or previous) discussion of its day: its first
    /// message under the cursor, its span marked.
    fn jump_discussion(&mut self, forward: bool) {
        let Some(c) = self.conversation.as_mut() else { return };
        let line = c.day.messages.get(c.focus).map_or(0, |m| m.line);
        let next = if forward {
            c.spans.iter().find(|(s, _)| *s > line)
        } else {
            // The discussion the cursor is in counts when the cursor is past its start.
            c.spans.iter().rev().find(|(s, _)| *s < line)
        };
        let Some(&(start, end)) = next else {
            self.note = Some(format!("no {} discussion that day", if forward { "later" } else { "earlier" }));
            return;
        };
        c.focus = c.day.messages.iter().position(|m| m.line == start).unwrap_or(c.focus);
        c.scroll = 0;
        c.mark = None;
        c.span = span_of(&c.day, start, end);
    }

    /// The keywords of the topics the query asks for (`topic:` chips or terms): a topic chip
    /// highlights its keywords in the conversation and `n`/`N` walk them.
    fn topic_keywords(&self) -> Vec<String> {
        let Some(catalog) = &self.catalog else { return Vec::new() };
        let wanted: Vec<&str> = self
            .results
            .query
            .filters
            .iter()
            .filter(|f| f.field == Field::Topic && !f.negated)
            .filter_map(|f| match &f.value {
                Value::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        catalog
            .meta
            .topics
            .iter()
            .filter(|t| wanted.iter().any(|w| t.id.eq_ignore_ascii_case(w) || t.zh == *w))
            .flat_map(|t| t.keywords.iter().cloned())
            .collect()
    }
    fn jump_match(&mut self, forward: bool) {
        let Some(c) = self.conversation.as_mut() else { return };
        let next = if forward {
            c.matches.iter().copied().find(|&i| i > c.focus).or_else(|| c.matches.first().copied())
        } else {
            c.matches.iter().rev().copied().find(|&i| i < c.focus).or_else(|| c.matches.last().copied())
        };
        match next {
            Some(i) => {
                c.focus = i;
                c.scroll = 0;
            }
            None => self.note = Some("no match of the query in this day".into()),
        }
    }

    /// Width and height of the conversation pane's inside, as drawn.
    fn conversation_size(&self) -> (usize, usize) {
        let mut panes = self.panes();
        if panes.conversation.is_none() {
            // Not shown yet (narrow view, about to open): as it will be drawn.
            panes = layout::Panes::new(panes.area, layout::Main::Conversation);
        }
        panes.conversation_inner()
    }

    /// The first line of the open day that the conversation pane shows.
    pub fn conversation_top(&self) -> Option<usize> {
        let c = self.conversation.as_ref()?;
        let (width, height) = self.conversation_size();
        Some(layout::conversation_top(&layout::message_starts(&c.day, width), c.focus, c.scroll, height))
    }

    /// Moves the conversation's cursor: `j`/`k` a message, PgDn/PgUp a pane, `g`/`G` the
    /// ends. The view stays put while the cursor is in it and moves just enough otherwise.
    fn scroll_conversation(&mut self, a: Action) {
        let (width, height) = self.conversation_size();
        let Some(c) = self.conversation.as_mut() else { return };
        let starts = layout::message_starts(&c.day, width);
        let last = c.day.messages.len().saturating_sub(1);
        let top = layout::conversation_top(&starts, c.focus, c.scroll, height);
        let step = height.saturating_sub(2).max(1);
        let at_line = |line: usize| starts.partition_point(|&s| s <= line).saturating_sub(1).min(last);
        let (focus, wish) = match a {
            Action::Up => (c.focus.saturating_sub(1), top),
            Action::Down => ((c.focus + 1).min(last), top),
            Action::PageDown => {
                let line = starts.get(c.focus).copied().unwrap_or(0) + step;
                (at_line(line).max((c.focus + 1).min(last)), top + step)
            }
            Action::PageUp => {
                let line = starts.get(c.focus).copied().unwrap_or(0).saturating_sub(step);
                (at_line(line).min(c.focus.saturating_sub(1)), top.saturating_sub(step))
            }
            Action::First => (0, 0),
            Action::Last => (last, usize::MAX / 2),
            _ => return,
        };
        let (start, end) = (starts.get(focus).copied().unwrap_or(0), starts.get(focus + 1).copied().unwrap_or(0));
        let mut top = wish;
        if start < top {
            top = start;
        } else if end > top + height {
            top = end.saturating_sub(height).min(start);
        }
        c.focus = focus;
        c.scroll = top as isize - layout::anchor(&starts, focus, height);
        // Kept within the day: the offset is what the pane can actually show.
        let shown = layout::conversation_top(&starts, focus, c.scroll, height);
        c.scroll = shown as isize - layout::anchor(&starts, focus, height);
    }
}

/// Applies an editing action to an input; returns whether the action was an edit.
fn edit_input(input: &mut TextInput, a: &Action) -> bool {
    match a {
        Action::Input(c) => input.insert(*c),
        Action::Backspace => input.backspace(),
        Action::DeleteWord => input.delete_word(),
        Action::ClearInput => input.clear(),
        Action::CursorLeft => input.left(),
        Action::CursorRight => input.right(),
        Action::CursorHome => input.home(),
        Action::CursorEnd => input.end(),
        _ => return false,
    }
    true
}

/// The messages (first, last) of `day` from header line `start` to `end`.
fn span_of(day: &Day, start: u32, end: u32) -> Option<(usize, usize)> {
    let first = day.messages.iter().position(|m| (start..=end).contains(&m.line))?;
    let last = day.messages.iter().rposition(|m| (start..=end).contains(&m.line))?;
    Some((first, last))
}

/// The first (newest) day whose date starts with `typed`.
fn day_matching(rows: &[DayRow], typed: &str) -> Option<usize> {
    rows.iter().position(|r| r.date.to_string().starts_with(typed))
}

/// A list selection after a movement action.
fn moved(selected: usize, a: &Action, len: usize, page: usize) -> usize {
    let last = len.saturating_sub(1);
    match a {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(page),
        Action::PageDown => (selected + page).min(last),
        Action::First => 0,
        Action::Last => last,
        _ => selected.min(last),
    }
}
