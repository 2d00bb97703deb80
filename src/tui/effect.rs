//! What `App::update` asks the runtime to do ([`Effect`]), and the facts of the open index the
//! app draws from ([`Catalog`]). Every effect that reads the disk or the index carries a
//! sequence number; the worker's answer carries it back, and the app drops an answer whose
//! number is no longer the one it waits for (the query changed meanwhile).

use crate::index::manifest::Meta;
use crate::people::People;
use crate::query::Query;
use crate::search::Sort;
use crate::speakers::Directory;
use std::sync::Arc;

/// What the app knows of the open index without asking it: its meta file (groups, topics,
/// counts), its speakers and their people, and the nicknames a mention reads whole. The worker
/// sends a new one whenever it opens or reloads the index.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub meta: Meta,
    pub directory: Arc<Directory>,
    pub people: Arc<People>,
    /// The nicknames with white space of the index ([`crate::search::Engine::mention_names`]):
    /// a mention of one is shown whole, as the CLI shows it.
    pub mention_names: Arc<[String]>,
}

/// How far down the messages `m` looks for the message to select (see [`SearchJob::seek`]):
/// the pages down to it are all read, the deeper the dearer, and the worker answers nothing
/// else meanwhile. In the worker on the real archive (`group:proddev`, 81,916 hits; the
/// example `deep_pages`, BENCHMARKS.md, *Deep pages in the browser*), a seek 20,000 hits down
/// takes about 0.2 s, one to the last of its 78,395 rows 0.7 s.
pub const SEEK_MAX: usize = 20_000;

/// A search to run: a page of message hits and, while results list discussions, the
/// discussions the query finds.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchJob {
    pub seq: u64,
    pub query: Query,
    pub sort: Sort,
    /// Rows of the list from here (0: a new search; more: the next pages of the same one):
    /// hits, or while results list discussions, discussions (their hits are one page then).
    pub offset: usize,
    /// Pages are fetched until the row at this index is loaded (`G` on a large result).
    pub until: usize,
    pub discussions: bool,
    /// Select this message (path, line) again: after the index changed, or after `m`.
    pub keep: Option<(String, u32)>,
    /// After `m` from a discussion (its id, [`crate::discussions::id`]): look for `keep` down
    /// to [`SEEK_MAX`] hits (its first matching message can rank anywhere among the messages);
    /// when `keep` is not among the hits the query finds (without words, the discussion's
    /// first message, which a speaker's chip may not find), the discussion's earliest message
    /// among them. Otherwise `keep` is looked for only a page past `until` (after the index
    /// changed, about where it was).
    pub seek: Option<String>,
    /// Select the discussion holding this message (path, line): after the index changed, the
    /// discussion selected (its first line); after `m`, the message selected.
    pub keep_discussion: Option<(String, u32)>,
}

/// Which day to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaySource {
    /// The log at this archive-relative path.
    Path(String),
    /// The log at this archive-relative path, chosen in the day list (which closes).
    Listed(String),
}

/// Where the conversation's cursor goes in a day being opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The message whose header is on this line (the first message when it is gone).
    Line(u32),
    /// The first message.
    First,
}

/// A row of the results, as the conversation opened for it knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A message hit: its log's path and header line.
    Hit(String, u32),
    /// A discussion: its log's path and first header line.
    Discussion(String, u32),
}

/// A day to open in the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayJob {
    pub seq: u64,
    pub source: DaySource,
    /// The results row it is opened for; `None`: a day picked in the day list.
    pub row: Option<Row>,
    pub at: At,
    /// The discussion opened (header lines of its first and last message), marked.
    pub span: Option<(u32, u32)>,
    /// Words to highlight (the query's terms and its topics' keywords).
    pub terms: Vec<String>,
    /// Reopening after the index changed: the scroll and the marked line to keep; the day is
    /// dropped rather than shown elsewhere when the cursor's message is gone.
    pub keep: Option<(isize, Option<u32>)>,
}

/// Something for the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open the index (first, and after a rebuild) and send its catalog.
    Open,
    /// Look for a newer commit of the index. `always`: answer (and refresh) even without one
    /// (our own indexing just committed); otherwise answer only when there is one.
    Reload {
        always: bool,
    },
    /// Bring the index up to date in the background.
    StartIndex,
    Search(SearchJob),
    /// Facet counts of a query (filter pane, insights).
    Facets {
        seq: u64,
        query: Query,
    },
    /// Messages per month of the whole archive (`%` in insights).
    MonthTotals,
    /// The day list under these filters.
    Days {
        seq: u64,
        query: Query,
    },
    /// The discussions of one log of the day list, listed under it.
    DayTitles {
        seq: u64,
        row: crate::search::LogCount,
    },
    /// Open a day in the conversation.
    LoadDay(DayJob),
    /// Put text on the clipboard.
    Copy(String),
}

impl Effect {
    /// Effects of the same kind where only the newest matters: a worker with several waiting
    /// runs the last one only.
    pub fn supersedes(&self, older: &Effect) -> bool {
        use Effect::*;
        matches!(
            (self, older),
            (Search(_), Search(_))
                | (Facets { .. }, Facets { .. })
                | (Days { .. }, Days { .. })
                | (DayTitles { .. }, DayTitles { .. })
                | (LoadDay(_), LoadDay(_))
                | (MonthTotals, MonthTotals)
                | (Reload { always: false }, Reload { always: false })
        )
    }
}
