//! Everything that can happen to the browser: keys (through the keymap), the index worker's
//! reports, and the clock. `App::update` is the only place they change state.

use crate::index::Summary;

/// A filter pane tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterTab {
    Dates,
    Speakers,
    Topics,
    Groups,
}

impl FilterTab {
    pub const ALL: [FilterTab; 4] = [FilterTab::Dates, FilterTab::Speakers, FilterTab::Topics, FilterTab::Groups];

    pub fn title(self) -> &'static str {
        match self {
            FilterTab::Dates => "Dates",
            FilterTab::Speakers => "Speakers",
            FilterTab::Topics => "Topics",
            FilterTab::Groups => "Groups",
        }
    }
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
    /// Leave the search box, close the overlay, or go back from the conversation.
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
    /// Remove the selected filter chip.
    RemoveChip,
    /// Switch between relevance and newest-first order.
    ToggleSort,
    /// Check the archive for new, changed or removed logs and index them.
    Reindex,
    /// Copy a citation of the selected message.
    Copy,
    Quit,
    /// The terminal changed size.
    Resize(u16, u16),
    /// Time passes (polls the index worker's retries).
    Tick,
    /// A report from the index worker.
    Index(IndexEvent),
}
