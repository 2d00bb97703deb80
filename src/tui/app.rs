//! The browser's state (`App`) and its one way of changing: [`App::update`]. Drawing reads
//! this state and never changes it; the runtime carries out the [`Effect`]s it asks for.

use super::action::{Action, CopyOutcome, FilterTab, IndexEvent, InsightSection};
pub use super::filters::FilterRow;
use super::input::TextInput;
use super::{filters, keymap, layout};
use crate::archive::{self, Day};
use crate::discussion_search::DiscussionHit;
use crate::index::IndexError;
use crate::query::{DateRange, Field, Filter, Query, Value};
use crate::search::{self, Engine, Facets, Hit, Page, Sort};
use crate::speakers;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Hits fetched at a time; more are fetched as the selection nears the end.
const PAGE: usize = 200;
/// How long to wait before trying again when another process is indexing.
const BUSY_RETRY: Duration = Duration::from_secs(2);
/// Recent searches kept.
const RECENT_MAX: usize = 50;
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
    },
    /// A citation to copy by hand (it could not be copied), scrolled by this many lines.
    Citation {
        text: String,
        scroll: u16,
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

/// Something for the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Bring the index up to date in the background.
    StartIndex,
    /// Put text on the clipboard.
    Copy(String),
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
}

/// A discussion in the results, with its best matching line (text and highlights) when one
/// is known.
#[derive(Debug, Clone)]
pub struct DiscussionRow {
    pub hit: DiscussionHit,
    pub best: Option<(String, Vec<std::ops::Range<usize>>)>,
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
}

/// A row of the day list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub group: String,
    pub date: crate::date::Date,
    pub messages: u64,
}

/// The whole browser.
pub struct App {
    pub archive: PathBuf,
    pub index_dir: PathBuf,
    pub engine: Option<Engine>,
    pub input: TextInput,
    /// Filters added from the panes, shown as chips.
    pub chips: Vec<Filter>,
    pub chip_selected: usize,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    pub results: ResultsState,
    pub conversation: Option<Conversation>,
    pub index: IndexStatus,
    /// Facet counts of the current query, computed when a pane needs them.
    pub facets: Option<Facets>,
    pub sort: Sort,
    /// The results list discussions (`m` switches to messages and back).
    pub discussions: bool,
    /// A one-line note for the status bar (what reindexing did, a copied citation).
    pub note: Option<String>,
    pub size: (u16, u16),
    /// `%` in insights: months as shares of their messages; the totals they need.
    pub share: bool,
    pub month_totals: Option<std::collections::BTreeMap<String, u64>>,
    /// `z`: the conversation takes the whole width of a split view.
    pub maximised: bool,
    /// Recent queries, oldest first (↑/↓ in the search box walk them; the runtime keeps them
    /// across runs).
    pub recent: Vec<String>,
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
    effects: Vec<Effect>,
}

impl App {
    /// A browser on an archive and index; nothing is opened until [`App::start`].
    pub fn new(archive: PathBuf, index_dir: PathBuf, size: (u16, u16)) -> App {
        App {
            archive,
            index_dir,
            engine: None,
            input: TextInput::default(),
            chips: Vec::new(),
            chip_selected: 0,
            focus: Focus::Search,
            overlay: None,
            results: ResultsState::default(),
            conversation: None,
            index: IndexStatus::Opening,
            facets: None,
            sort: Sort::Relevance,
            discussions: false,
            note: None,
            size,
            maximised: false,
            share: false,
            month_totals: None,
            drawn: None,
            recent: Vec::new(),
            recent_at: None,
            draft: String::new(),
            quit: false,
            retry_at: None,
            recheck: false,
            last_reload: Instant::now(),
            effects: Vec::new(),
        }
    }

    /// Opens the index if there is one, shows everything, and asks for the background check
    /// of the archive against it.
    pub fn start(&mut self) {
        self.open_engine();
        self.index = IndexStatus::Checking;
        self.effects.push(Effect::StartIndex);
    }

    /// The effects asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// True when typed characters go into an input rather than being commands.
    pub fn typing(&self) -> bool {
        match &self.overlay {
            Some(Overlay::Help { .. } | Overlay::Filters { .. }) => true,
            Some(_) => false,
            None => self.focus == Focus::Search,
        }
    }

    /// The query the results are for: the search box and the chips.
    pub fn query(&self) -> Result<Query, String> {
        let mut q = Query::parse(&self.input.text).map_err(|e| e.to_string())?;
        q.filters.extend(self.chips.iter().cloned());
        Ok(q)
    }

    /// Whether the conversation is shown beside the results (wide terminals) rather than
    /// instead of them.
    pub fn split_view(&self) -> bool {
        self.size.0 >= layout::SPLIT_MIN_WIDTH
    }

    /// Whether results and conversation are drawn side by side now (`z` maximises the
    /// conversation of a split view).
    pub fn side_by_side(&self) -> bool {
        self.split_view() && !(self.maximised && self.conversation.is_some())
    }

    /// What the main area shows now.
    pub fn main_view(&self) -> layout::Main {
        if self.side_by_side() {
            layout::Main::Both
        } else if (self.focus == Focus::Conversation || self.maximised) && self.conversation.is_some() {
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
        keymap::Context { typing: self.typing(), chips: self.overlay.is_none() && self.focus == Focus::Chips }
    }

    /// The selected discussion, while the results list discussions.
    pub fn selected_discussion(&self) -> Option<&DiscussionRow> {
        self.results.discussions.get(self.results.discussion_selected).filter(|_| self.discussions)
    }

    pub fn selected_hit(&self) -> Option<&Hit> {
        self.results.hits.get(self.results.selected)
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        if !matches!(action, Action::Tick | Action::Index(_) | Action::Resize(..) | Action::Copied { .. }) {
            self.note = None;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Resize(w, h) => self.size = (w, h),
            Action::Tick => self.tick(),
            Action::Index(event) => self.index_event(event),
            Action::Reindex => {
                if !matches!(self.index, IndexStatus::Checking | IndexStatus::Updating { .. }) {
                    self.index = IndexStatus::Checking;
                    self.effects.push(Effect::StartIndex);
                }
            }
            Action::OpenHelp => self.overlay = Some(Overlay::Help { filter: TextInput::default(), selected: 0 }),
            Action::OpenFilters(tab) => {
                let tab = tab.unwrap_or(FilterTab::Dates);
                self.overlay = Some(Overlay::Filters { tab, input: TextInput::default(), selected: 0 });
                self.ensure_facets();
            }
            Action::OpenInsights => {
                self.ensure_facets();
                // The latest month first.
                let selected = self.insight_rows(InsightSection::Months).len().saturating_sub(1);
                self.overlay = Some(Overlay::Insights { section: InsightSection::Months, selected });
            }
            Action::OpenDays => {
                let rows = self.day_rows();
                self.overlay = Some(Overlay::Days { selected: 0, rows, typed: String::new() });
            }
            Action::ToggleShare => {
                self.share = !self.share;
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
                if let Some(Overlay::Days { selected, rows, typed }) = self.overlay.as_mut() {
                    // Typed in the day list: a date to jump to.
                    typed.push(c);
                    match day_matching(rows, typed) {
                        Some(i) => *selected = i,
                        None => self.note = Some(format!("no day starts with {typed}")),
                    }
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
            Action::ToggleDiscussions => {
                self.discussions = !self.discussions;
                self.refresh();
            }
            other => {
                if self.overlay.is_some() {
                    self.overlay_action(other);
                } else {
                    self.main_action(other);
                }
            }
        }
    }

    fn main_action(&mut self, action: Action) {
        match (self.focus, action) {
            (_, Action::FocusSearch) => self.focus = Focus::Search,
            (Focus::Search, Action::Input(c)) => self.edit(|i| i.insert(c)),
            (Focus::Search, Action::Backspace) if self.input.text.is_empty() => self.remove_chip(self.chips.len()),
            (Focus::Search, Action::Backspace) => self.edit(TextInput::backspace),
            (Focus::Search, Action::DeleteWord) => self.edit(TextInput::delete_word),
            (Focus::Search, Action::ClearInput) => self.edit(TextInput::clear),
            (Focus::Search, Action::CursorLeft) => self.input.left(),
            (Focus::Search, Action::CursorRight) => self.input.right(),
            (Focus::Search, Action::CursorHome) => self.input.home(),
            (Focus::Search, Action::CursorEnd) => self.input.end(),
            (Focus::Search, Action::Up) => self.walk_recent(true),
            (Focus::Search, Action::Down) if self.recent_at.is_some() => self.walk_recent(false),
            (Focus::Search, Action::Enter | Action::Down) => {
                self.remember_query();
                self.focus = Focus::Results;
            }
            (Focus::Results, Action::Enter) => {
                self.open_selected();
                if self.conversation.is_some() {
                    self.focus = Focus::Conversation;
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
                self.open_selected();
                self.focus = Focus::Conversation;
            }
            (Focus::Chips, Action::Up) => self.chip_selected = self.chip_selected.saturating_sub(1),
            (Focus::Chips, Action::Down) => {
                self.chip_selected = (self.chip_selected + 1).min(self.chips.len().saturating_sub(1))
            }
            (Focus::Chips, Action::RemoveChip | Action::Backspace | Action::Enter) => {
                self.remove_chip(self.chip_selected)
            }
            (Focus::Chips, Action::Back) => self.focus = Focus::Results,
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
                            self.update(run);
                        }
                    } else {
                        *selected = moved(*selected, &a, rows.len(), 10);
                    }
                }
            }
            (Overlay::Filters { tab, input, selected }, a) => match a {
                Action::NextPane | Action::PrevPane => {
                    let i = FilterTab::ALL.iter().position(|t| t == tab).unwrap_or(0);
                    let n = FilterTab::ALL.len();
                    *tab = FilterTab::ALL[if matches!(a, Action::NextPane) { (i + 1) % n } else { (i + n - 1) % n }];
                    input.clear();
                    *selected = 0;
                }
                Action::Enter => self.apply_filter(),
                a => {
                    if edit_input(input, &a) {
                        *selected = 0;
                    } else {
                        let (tab, text) = (*tab, input.text.clone());
                        let n = self.filter_rows(tab, &text).len();
                        if let Some(Overlay::Filters { selected, .. }) = self.overlay.as_mut() {
                            *selected = moved(*selected, &a, n, 10);
                        }
                    }
                }
            },
            (Overlay::Days { .. }, Action::Enter) => self.open_selected_day(),
            (Overlay::Days { selected, rows, typed }, Action::Backspace) => {
                typed.pop();
                *selected = day_matching(rows, typed).unwrap_or(*selected);
            }
            (Overlay::Days { selected, rows, .. }, a) => {
                let page = layout::day_list_rows(self.size.1);
                *selected = moved(*selected, &a, rows.len(), page)
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
                    self.note = Some(format!("added {}", row.filter));
                    self.chips.push(row.filter);
                    self.overlay = None;
                    self.focus = Focus::Results;
                    self.refresh();
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
            (None, true) => {
                self.draft = self.input.text.clone();
                Some(n - 1)
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

    /// Runs the query and resets the selection; the preview follows.
    pub fn refresh(&mut self) {
        self.run_query();
        self.sync_preview();
    }

    /// In the split view the conversation pane shows the selected hit, or nothing when there
    /// are no hits (never a day left over from another query).
    fn sync_preview(&mut self) {
        if self.split_view() {
            if self.selected_hit().is_some() || self.selected_discussion().is_some() {
                self.open_selected();
            } else {
                self.conversation = None;
            }
        }
        if self.conversation.is_none() && self.focus == Focus::Conversation {
            self.focus = Focus::Results;
        }
    }

    /// Runs the query again after the index changed, keeping the selection and the open
    /// conversation (cursor and scroll) on the same messages when they still exist.
    pub fn refresh_keeping(&mut self) {
        // The archive changed: its months' totals are counted again.
        self.month_totals = None;
        self.count_month_totals();
        let selected = self.selected_hit().map(|h| (h.path.clone(), h.line));
        let old = self.results.selected;
        let discussion =
            self.selected_discussion().map(|d| (d.hit.discussion.path.clone(), d.hit.discussion.start_line));
        let reading = self.conversation.take().map(|c| {
            let line = |i: usize| c.day.messages.get(i).map(|m| m.line);
            (c.day.path.clone(), line(c.focus), c.mark.and_then(line), c.scroll)
        });
        self.run_query();
        if let Some((path, line)) = selected {
            self.results.selected = loop {
                let r = &self.results;
                if let Some(i) = r.hits.iter().position(|h| h.path == path && h.line == line) {
                    break i;
                }
                if r.hits.len() >= r.total || r.hits.len() > old + PAGE {
                    break old.min(r.total.saturating_sub(1));
                }
                let before = r.hits.len();
                self.fetch(before);
                if self.results.hits.len() == before {
                    break old.min(self.results.total.saturating_sub(1));
                }
            };
        }
        if let Some((path, start)) = discussion {
            let r = &mut self.results;
            r.discussion_selected = r
                .discussions
                .iter()
                .position(|d| d.hit.discussion.path == path && d.hit.discussion.start_line == start)
                .unwrap_or(0);
        }
        let kept = reading.and_then(|(path, focus, mark, scroll)| {
            self.open_day(&path, |d| d.messages.iter().position(|m| Some(m.line) == focus).unwrap_or(usize::MAX));
            let c = self.conversation.as_mut()?;
            if c.focus == usize::MAX {
                self.conversation = None;
                return None;
            }
            c.scroll = scroll;
            c.mark = mark.and_then(|l| c.day.messages.iter().position(|m| m.line == l));
            Some(())
        });
        if kept.is_none() {
            self.sync_preview();
        }
    }

    /// Messages per month in the whole archive, whatever the query, for `%` in insights.
    fn count_month_totals(&mut self) {
        if !self.share || self.month_totals.is_some() {
            return;
        }
        match self.engine.as_ref().map(|e| e.facets(&Query::default())) {
            Some(Ok(f)) => self.month_totals = Some(f.months),
            Some(Err(e)) => self.note = Some(e.to_string()),
            None => {}
        }
    }

    /// Runs the query and resets the selection.
    fn run_query(&mut self) {
        self.facets = None;
        self.results.selected = 0;
        self.results.hits.clear();
        self.results.total = 0;
        self.results.discussions.clear();
        self.results.discussions_total = 0;
        self.results.discussion_selected = 0;
        match self.query() {
            Err(e) => self.results.error = Some(e),
            Ok(q) => {
                self.results.query = q;
                self.results.error = None;
                self.fetch(0);
                self.fetch_discussions();
            }
        }
        if matches!(self.overlay, Some(Overlay::Filters { .. } | Overlay::Insights { .. })) {
            self.ensure_facets();
        }
    }

    /// Fetches a page of hits from `offset`.
    fn fetch(&mut self, offset: usize) {
        let Some(engine) = &self.engine else { return };
        let page = Page { limit: Some(PAGE), offset, sort: self.sort };
        match engine.search(&self.results.query, page) {
            Ok(r) => {
                self.results.total = r.total;
                self.results.elapsed = r.elapsed;
                self.results.hits.extend(r.hits);
            }
            Err(e) => self.results.error = Some(e.to_string()),
        }
    }

    /// Fetches the discussions the query finds (the first page), while results show them.
    fn fetch_discussions(&mut self) {
        let Some(engine) = &self.engine else { return };
        if !self.discussions || self.results.error.is_some() {
            return;
        }
        let terms: Vec<&str> = self.results.query.highlight_terms();
        match engine.discussions(&self.results.query, Some(PAGE), self.sort) {
            Ok(r) => {
                let rows = r
                    .discussions
                    .into_iter()
                    .map(|hit| {
                        let d = &hit.discussion;
                        // The best matching line: the best ranked message hit in it, else its
                        // first matching line the summary has, else nothing.
                        let best = self
                            .results
                            .hits
                            .iter()
                            .find(|h| h.path == d.path && (d.start_line..=d.end_line).contains(&h.line))
                            .map(|h| (h.text.clone(), h.highlights.clone()))
                            .or_else(|| {
                                d.summary
                                    .iter()
                                    .find(|l| hit.hits.contains(&l.line))
                                    .or(d.summary.first())
                                    .map(|l| (l.text.clone(), search::highlights(&l.text, &terms)))
                            });
                        DiscussionRow { hit, best }
                    })
                    .collect();
                self.results.discussions = rows;
                self.results.discussions_total = r.total;
            }
            Err(e) => self.results.error = Some(e.to_string()),
        }
    }

    /// Computes facet counts of the current query if they are not known.
    pub fn ensure_facets(&mut self) {
        if self.facets.is_some() {
            return;
        }
        let Some(engine) = &self.engine else { return };
        if self.results.error.is_none() {
            match engine.facets(&self.results.query) {
                Ok(f) => self.facets = Some(f),
                Err(e) => self.results.error = Some(e.to_string()),
            }
        }
    }

    fn move_selection(&mut self, a: Action) {
        let page = self.panes().results_rows();
        if self.discussions {
            // Two lines a discussion.
            let r = &mut self.results;
            r.discussion_selected = moved(r.discussion_selected, &a, r.discussions.len(), (page / 2).max(1));
            self.sync_preview();
            return;
        }
        let total = self.results.total;
        let sel = &mut self.results.selected;
        *sel = match a {
            Action::Up => sel.saturating_sub(1),
            Action::Down => (*sel + 1).min(total.saturating_sub(1)),
            Action::PageUp => sel.saturating_sub(page),
            Action::PageDown => (*sel + page).min(total.saturating_sub(1)),
            Action::First => 0,
            Action::Last => total.saturating_sub(1),
            _ => *sel,
        };
        // Fetch pages until the selection is loaded (`G` on a large result fetches them all).
        while self.results.selected >= self.results.hits.len() && self.results.hits.len() < self.results.total {
            let before = self.results.hits.len();
            self.fetch(before);
            if self.results.hits.len() == before {
                break;
            }
        }
        if self.split_view() {
            self.open_selected();
        }
    }

    /// Opens the selected hit's day on it.
    fn open_selected(&mut self) {
        if self.discussions {
            let Some(row) = self.selected_discussion() else { return };
            let d = &row.hit.discussion;
            let (path, start, end) = (d.path.clone(), d.start_line, d.end_line);
            let first = row.hit.hits.first().copied().unwrap_or(start);
            self.open_day(&path, |day| day.messages.iter().position(|m| m.line == first).unwrap_or(0));
            self.mark_span(start, end);
            return;
        }
        let Some(hit) = self.selected_hit() else { return };
        let (path, line) = (hit.path.clone(), hit.line);
        self.open_day(&path, |d| d.messages.iter().position(|m| m.line == line).unwrap_or(0));
    }

    fn open_day(&mut self, path: &str, focus: impl FnOnce(&Day) -> usize) {
        let mut terms: Vec<String> = self.results.query.highlight_terms().into_iter().map(str::to_owned).collect();
        terms.extend(self.topic_keywords());
        let reuse = self.conversation.take().filter(|c| c.day.path == path);
        let day = match reuse.map(|c| c.day).map_or_else(|| archive::load_day(&self.archive, path), Ok) {
            Ok(day) => day,
            Err(w) => {
                self.note = Some(format!("cannot open {w}"));
                return;
            }
        };
        let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
        let matches = if refs.is_empty() {
            Vec::new()
        } else {
            day.messages
                .iter()
                .enumerate()
                .filter(|(_, m)| !search::highlights(&m.text, &refs).is_empty())
                .map(|(i, _)| i)
                .collect()
        };
        let focus = focus(&day);
        self.conversation = Some(Conversation { day, focus, mark: None, scroll: 0, matches, terms, span: None });
    }

    /// Marks the messages from header line `start` to `end` of the open day as its discussion.
    fn mark_span(&mut self, start: u32, end: u32) {
        let Some(c) = self.conversation.as_mut() else { return };
        let inside: Vec<usize> =
            (0..c.day.messages.len()).filter(|&i| (start..=end).contains(&c.day.messages[i].line)).collect();
        c.span = inside.first().zip(inside.last()).map(|(a, b)| (*a, *b));
    }

    /// Moves the conversation to the next (or previous) discussion of its day: its first
    /// message under the cursor, its span marked.
    fn jump_discussion(&mut self, forward: bool) {
        let (Some(engine), Some(c)) = (&self.engine, &self.conversation) else { return };
        let mut q = Query::default();
        q.filters.push(Filter { field: Field::Group, value: Value::Text(c.day.group.clone()), negated: false });
        let range = DateRange { from: c.day.date, to: c.day.date };
        q.filters.push(Filter { field: Field::Date, value: Value::Dates(range), negated: false });
        let spans: Vec<(u32, u32)> = match engine.discussions(&q, None, Sort::Oldest) {
            Ok(r) => r
                .discussions
                .into_iter()
                .filter(|d| d.discussion.path == c.day.path)
                .map(|d| (d.discussion.start_line, d.discussion.end_line))
                .collect(),
            Err(e) => {
                self.note = Some(e.to_string());
                return;
            }
        };
        let line = c.day.messages.get(c.focus).map_or(0, |m| m.line);
        let next = if forward {
            spans.iter().find(|(s, _)| *s > line)
        } else {
            // The discussion the cursor is in counts when the cursor is past its start.
            spans.iter().rev().find(|(s, _)| *s < line)
        };
        let Some(&(start, end)) = next else {
            self.note = Some(format!("no {} discussion that day", if forward { "later" } else { "earlier" }));
            return;
        };
        if let Some(c) = self.conversation.as_mut() {
            c.focus = c.day.messages.iter().position(|m| m.line == start).unwrap_or(c.focus);
            c.scroll = 0;
            c.mark = None;
        }
        self.mark_span(start, end);
    }

    /// The keywords of the topics the query asks for (`topic:` chips or terms): a topic chip
    /// highlights its keywords in the conversation and `n`/`N` walk them.
    fn topic_keywords(&self) -> Vec<String> {
        let Some(engine) = &self.engine else { return Vec::new() };
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
        engine
            .handle()
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
        filters::insight_rows(self.facets.as_ref(), self.engine.as_ref(), section)
    }

    /// The rows of a filter tab for the current query: (label, detail, count, filter).
    pub fn filter_rows(&self, tab: FilterTab, typed: &str) -> Vec<FilterRow> {
        filters::rows(self.facets.as_ref(), self.engine.as_ref(), tab, typed)
    }

    fn apply_filter(&mut self) {
        let Some(Overlay::Filters { tab, input, selected }) = &self.overlay else { return };
        let (tab, typed, selected) = (*tab, input.text.clone(), *selected);
        let rows = self.filter_rows(tab, &typed);
        let filter = match rows.get(selected) {
            Some(row) => row.filter.clone(),
            None if tab == FilterTab::Dates && !typed.trim().is_empty() => match DateRange::parse(typed.trim()) {
                Ok(r) => Filter { field: Field::Date, value: Value::Dates(r), negated: false },
                Err(e) => {
                    self.note = Some(e.to_string());
                    return;
                }
            },
            None => return,
        };
        self.note = Some(format!("added {filter}"));
        self.chips.push(filter);
        self.overlay = None;
        self.focus = Focus::Results;
        self.refresh();
    }

    /// Days with their message counts under the filter chips (the search text aside), newest
    /// first.
    pub fn day_rows(&self) -> Vec<DayRow> {
        let Some(engine) = &self.engine else { return Vec::new() };
        let q = Query { terms: Vec::new(), filters: self.chips.clone() };
        let Ok(facets) = engine.facets(&q) else { return Vec::new() };
        let mut rows: Vec<DayRow> =
            facets.days.into_iter().map(|((group, date), messages)| DayRow { group, date, messages }).collect();
        rows.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.group.cmp(&b.group)));
        rows
    }

    /// The discussions of a day of the day list, in order (chatter included).
    pub fn day_discussions(&self, row: &DayRow) -> Vec<crate::discussions::Discussion> {
        let Some(engine) = &self.engine else { return Vec::new() };
        let mut q = Query::default();
        q.filters.push(Filter { field: Field::Group, value: Value::Text(row.group.clone()), negated: false });
        let range = DateRange { from: row.date, to: row.date };
        q.filters.push(Filter { field: Field::Date, value: Value::Dates(range), negated: false });
        engine
            .discussions(&q, None, Sort::Oldest)
            .map(|r| r.discussions.into_iter().map(|d| d.discussion).collect())
            .unwrap_or_default()
    }

    fn open_selected_day(&mut self) {
        let Some(Overlay::Days { selected, rows, .. }) = &self.overlay else { return };
        let Some(row) = rows.get(*selected).cloned() else { return };
        let Some(engine) = &self.engine else { return };
        let mut q = Query::default();
        q.filters.push(Filter { field: Field::Group, value: Value::Text(row.group.clone()), negated: false });
        let range = DateRange { from: row.date, to: row.date };
        q.filters.push(Filter { field: Field::Date, value: Value::Dates(range), negated: false });
        let first = engine.search(&q, Page { limit: Some(1), offset: 0, sort: Sort::Oldest });
        match first.map(|r| r.hits.into_iter().next()) {
            Ok(Some(hit)) => {
                self.overlay = None;
                self.open_day(&hit.path, |_| 0);
                self.focus = Focus::Conversation;
            }
            Ok(None) => self.note = Some("that day has no messages any more".into()),
            Err(e) => self.note = Some(e.to_string()),
        }
    }

    /// The citation of what is being read: in the conversation the message under the cursor,
    /// or the range marked with `v`; in the results the selected hit. One line per message:
    /// date time · group · speaker · text (source path:line).
    pub fn citation(&self) -> Option<String> {
        let group_name = |g: &str| {
            self.engine.as_ref().and_then(|e| e.handle().meta.groups.get(g).cloned()).unwrap_or_else(|| g.to_owned())
        };
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
            self.pick_up_commits();
        }
        if self.index == IndexStatus::Busy {
            // The other process's commit shows up without waiting for our retry.
            if let Some(e) = self.engine.as_mut() {
                if e.reload().unwrap_or(false) {
                    self.refresh_keeping();
                }
            }
            if self.retry_at.is_some_and(|t| Instant::now() >= t) {
                self.retry_at = None;
                self.index = IndexStatus::Checking;
                self.effects.push(Effect::StartIndex);
            }
        }
    }

    /// Reloads the index if another process committed to it, and refreshes what is shown.
    pub fn pick_up_commits(&mut self) {
        let changed = self.engine.as_mut().map(|e| e.reload());
        match changed {
            Some(Ok(true)) => {
                self.refresh_keeping();
                self.note = Some("picked up a new index commit".into());
            }
            Some(Err(e)) => self.index = IndexStatus::Failed(e.to_string()),
            _ => {}
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
                if changed || self.engine.is_none() {
                    match self.engine.as_mut() {
                        Some(e) => {
                            if let Err(err) = e.reload() {
                                self.index = IndexStatus::Failed(err.to_string());
                            }
                        }
                        None => self.open_engine(),
                    }
                    self.refresh_keeping();
                }
                if changed {
                    self.note = Some(format!(
                        "index updated: {} new, {} changed, {} removed log(s){}",
                        summary.added,
                        summary.changed,
                        summary.removed,
                        summary.rebuilt.as_ref().map(|r| format!(" (rebuilt: {r})")).unwrap_or_default()
                    ));
                } else if !summary.warnings.is_empty() {
                    self.note = Some(format!("{} warning(s), first: {}", summary.warnings.len(), summary.warnings[0]));
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

    fn open_engine(&mut self) {
        // An index of another archive is rebuilt for this one by the background check.
        match Engine::open(&self.index_dir).and_then(|e| e.handle().check_archive(&self.archive).map(|()| e)) {
            Ok(e) => {
                self.engine = Some(e);
                self.index = IndexStatus::Ready;
                self.refresh();
            }
            // No index yet, or one to rebuild: the background check builds it.
            Err(
                IndexError::Missing(_)
                | IndexError::Version { .. }
                | IndexError::Damaged { .. }
                | IndexError::OtherArchive { .. },
            ) => {}
            Err(e) => self.index = IndexStatus::Failed(e.to_string()),
        }
    }

    /// Companies of the current query's speakers, most messages first.
    pub fn companies(&self) -> Vec<(String, u64)> {
        let Some(f) = &self.facets else { return Vec::new() };
        speakers::Directory::new(f.speakers.iter().map(|(k, v)| (k.clone(), *v))).companies()
    }

    /// Messages of the open conversation that match a term (for highlighting).
    pub fn conversation_terms(&self) -> Vec<&str> {
        self.conversation.as_ref().map(|c| c.terms.iter().map(String::as_str).collect()).unwrap_or_default()
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
