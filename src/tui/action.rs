//! Everything that can happen to the browser: keys (through the keymap), the index worker's
//! reports, and the clock. `App::update` is the only place they change state.

use super::effect::{Catalog, DayJob, SearchJob};
use crate::archive::Day;
use crate::discussion_search::DiscussionHit;
use crate::discussions::Discussion;
use crate::index::Summary;
use crate::search::{Facets, Hit};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A filter pane tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterTab {
    Dates,
    Speakers,
    Topics,
    Groups,
    Companies,
}

impl FilterTab {
    pub const ALL: [FilterTab; 5] =
        [FilterTab::Dates, FilterTab::Speakers, FilterTab::Topics, FilterTab::Groups, FilterTab::Companies];

    pub fn title(self) -> &'static str {
        match self {
            FilterTab::Dates => "Dates",
            FilterTab::Speakers => "Speakers",
            FilterTab::Topics => "Topics",
            FilterTab::Groups => "Groups",
            FilterTab::Companies => "Companies",
        }
    }
}

/// A section of the insights window that `Tab` moves between and `Enter` filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightSection {
    Months,
    Speakers,
    Companies,
    Topics,
}

impl InsightSection {
    pub const ALL: [InsightSection; 4] =
        [InsightSection::Months, InsightSection::Speakers, InsightSection::Companies, InsightSection::Topics];
}

/// What the index worker reports.
#[derive(Debug, Clone)]
pub enum IndexEvent {
    /// Indexing started: this many logs to read.
    Started(u64),
    /// This many more logs were indexed.
    Advanced(u64),
    /// The index is up to date (or was brought up to date).
    Finished(Box<Summary>),
    /// Another process holds the index lock.
    Busy,
    Failed(String),
    /// The archive folder changed (the watcher saw logs arrive, change or go).
    ArchiveChanged,
}

/// How a citation reached the clipboard, or why it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CopyOutcome {
    /// A clipboard tool (named) took it.
    Tool(String),
    /// Written to the terminal as an OSC 52 sequence (the terminal decides what to do).
    Osc52,
    /// Neither: the text is shown to copy by hand.
    Failed(String),
}

/// One thing to do.
#[derive(Debug, Clone)]
pub enum Action {
    /// Type a character into the active input.
    Input(char),
    /// Delete the character before the cursor (or, on an empty search box, the last chip).
    Backspace,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Clear the active input.
    ClearInput,
    /// Move the input cursor.
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    /// Focus the search box.
    FocusSearch,
    /// Back one level: close the overlay, leave the conversation, leave the results; in the
    /// search box, nothing (it is the top).
    Back,
    /// Open the selected hit in its conversation, apply the selected filter, open a day.
    Enter,
    /// Cycle panes (search, results, conversation, filter chips); tabs inside the filter pane.
    NextPane,
    PrevPane,
    /// Move the selection or scroll.
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    /// Next / previous match of the query in the open conversation.
    NextMatch,
    PrevMatch,
    /// Open the filter pane on a tab.
    OpenFilters(Option<FilterTab>),
    /// Open the list of days.
    OpenDays,
    /// Open insights for the current query.
    OpenInsights,
    /// Open the key help.
    OpenHelp,
    /// Save the query and its filters under a name (a prompt asks for it).
    SaveSearch,
    /// List the saved searches, to run or delete one.
    OpenSaved,
    /// The filter pane: mark or unmark the selected value (Enter applies the marked ones).
    MarkValue,
    /// Remove the selected filter chip.
    RemoveChip,
    /// Insights: hits per month as counts, or as a share of each month's messages.
    ToggleShare,
    /// Cycle the order: relevance, newest first, oldest first.
    CycleSort,
    /// Show the conversation over the whole width (again: back to the split view).
    Maximise,
    /// A character typed outside any input: it goes to the search box.
    TypeSearch(char),
    /// Close the overlay; with none open, quit (`q`).
    CloseOrQuit,
    /// Check the archive for new, changed or removed logs and index them.
    Reindex,
    /// Copy a citation of the message under the cursor (or the marked range).
    Copy,
    /// Start or drop a range of messages to cite together.
    Mark,
    /// Results: one row per discussion, or one row per message.
    ToggleDiscussions,
    /// The conversation: the next / previous discussion of the day.
    NextDiscussion,
    PrevDiscussion,
    /// What became of a citation the runtime was asked to copy.
    Copied {
        outcome: CopyOutcome,
        text: String,
    },
    Quit,
    /// The terminal changed size.
    Resize(u16, u16),
    /// Time passes (polls the index worker's retries).
    Tick,
    /// A report from the index worker.
    Index(IndexEvent),
    /// The worker's answers, each to an [`super::effect::Effect`].
    Answer(Answer),
}

/// A discussion in the results, with its best matching line (text and highlights) when one
/// is known.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscussionRow {
    pub hit: DiscussionHit,
    pub best: Option<(String, Vec<std::ops::Range<usize>>)>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub total: usize,
    /// The list's last row is among the hits. It can end short of `total`: a message's exact
    /// copies (same log, time and text under another nickname) are folded into it.
    pub end: bool,
    pub elapsed: Duration,
    pub discussions: Vec<DiscussionRow>,
    pub discussions_total: usize,
    /// Where the kept message and discussion are now (a search with `keep`).
    pub kept: Option<usize>,
    pub kept_discussion: Option<usize>,
    /// What the hits are highlighted on ([`crate::search::Results::terms`]): glossary forms
    /// included, so a conversation opened on a hit highlights what was found.
    pub terms: Vec<String>,
    /// Why nothing matched, when nothing did (see [`crate::no_hits`]).
    pub why_none: Option<String>,
    /// What the glossary added to the query's terms, as the CLI says it
    /// ([`crate::query::Query::expansions`]: "拒付: also 调单, chargeback, …").
    pub also: Vec<crate::query::Expansion>,
}

/// A day opened for the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedDay {
    pub day: Day,
    /// Messages that match the job's terms.
    pub matches: Vec<usize>,
    /// The day's discussions (header lines of first and last message), in order.
    pub spans: Vec<(u32, u32)>,
}

/// A row of the day list: a log (two logs of a group dated alike are two rows).
pub type DayRow = crate::search::LogCount;

/// The worker's answer to an effect.
#[derive(Debug, Clone)]
pub enum Answer {
    /// The index is open (or was rebuilt): what the app draws from.
    Opened(Arc<Catalog>),
    /// There is no usable index yet; the background indexing builds it.
    NotYet,
    /// The index cannot be opened.
    OpenFailed(String),
    /// The index has a newer commit (or was asked to answer anyway): what it holds now.
    Reloaded(Arc<Catalog>),
    Searched {
        job: Box<SearchJob>,
        found: Result<Box<Found>, String>,
    },
    Faceted {
        seq: u64,
        facets: Result<Box<Facets>, String>,
        /// Who knows about the query's words, best first; empty for a query of filters only.
        experts: Vec<Expert>,
    },
    MonthTotals(Result<BTreeMap<String, u64>, String>),
    Days {
        seq: u64,
        rows: Result<Vec<DayRow>, String>,
    },
    DayTitles {
        seq: u64,
        /// The log's path.
        path: String,
        discussions: Vec<Discussion>,
    },
    DayLoaded {
        job: Box<DayJob>,
        day: Result<Box<LoadedDay>, String>,
    },
    /// The worker stopped on an internal error (a panic) while doing this.
    Panicked {
        doing: String,
        message: String,
    },
}

/// One person who knows about the query (insights; see [`crate::who`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Expert {
    pub label: String,
    /// Their messages the query matches.
    pub matching: u64,
    /// Their best hit: date, time and the first line of its text.
    pub evidence: String,
}
