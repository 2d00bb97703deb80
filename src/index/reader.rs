//! Opening an index for search. Nothing here loads jieba: a query runs on terms it builds
//! itself, so a search costs the index's own open time and no dictionary.

use super::manifest::{self, Meta, META_FILE};
use super::schema::{Fields, SCHEMA_VERSION};
use super::{folder_state, FolderState, IndexError};
use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

/// How many times `open` follows a rebuild's switch that happens while it opens.
const OPEN_ATTEMPTS: usize = 3;

/// An open index: reader, field handles and the meta file.
#[derive(Clone)]
pub struct IndexHandle {
    /// The index folder.
    pub dir: PathBuf,
    /// The generation folder inside it that holds tantivy's files.
    pub generation_dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub meta: Meta,
}

impl IndexHandle {
    /// Opens the index in `dir`, with a clear error for each way that can fail.
    pub fn open(dir: &Path) -> Result<IndexHandle, IndexError> {
        let mut attempt = 1;
        loop {
            // The generation the attempt found in the meta file (read once, by the attempt).
            let mut tried = None;
            // tantivy reads segment footers here: a damaged one may panic.
            let opened = crate::panics::catch(|| Self::open_once(dir, &mut tried)).unwrap_or_else(|reason| {
                Err(IndexError::Damaged { path: dir.into(), reason: format!("opening it failed: {reason}") })
            });
            match opened {
                // A rebuild switched generations and removed the old one meanwhile, or an update
                // wrote its meta file (the attempt then names no generation).
                Err(IndexError::Damaged { .. }) if attempt < OPEN_ATTEMPTS && super::generation_dir(dir) != tried => {
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// One attempt; `tried` gets the generation folder the meta file named, if it was read.
    fn open_once(dir: &Path, tried: &mut Option<PathBuf>) -> Result<IndexHandle, IndexError> {
        let damaged = |reason: String| IndexError::Damaged { path: dir.into(), reason };
        match folder_state(dir)? {
            FolderState::Empty => return Err(IndexError::Missing(dir.into())),
            FolderState::Foreign(found) => return Err(IndexError::Foreign { path: dir.into(), found }),
            FolderState::Unmarked => return Err(damaged(format!("its {META_FILE} is missing"))),
            FolderState::Ours => {}
        }
        let meta = manifest::read::<Meta>(&dir.join(META_FILE)).map_err(damaged)?.unwrap_or_default();
        *tried = meta.generation.as_deref().filter(|g| super::is_generation(g)).map(|g| dir.join(g));
        if meta.schema_version != SCHEMA_VERSION {
            return Err(IndexError::Version { path: dir.into(), found: meta.schema_version, expected: SCHEMA_VERSION });
        }
        let Some(generation) = meta.generation.as_deref().filter(|g| super::is_generation(g)) else {
            return Err(IndexError::Missing(dir.into()));
        };
        if meta.fingerprint.is_empty() {
            return Err(IndexError::Missing(dir.into()));
        }
        let generation_dir = dir.join(generation);
        if !generation_dir.join("meta.json").exists() {
            return Err(damaged(format!("{} has no tantivy meta.json", generation_dir.display())));
        }
        let mut index = Index::open_in_dir(&generation_dir).map_err(|e| damaged(e.to_string()))?;
        // The size comes from the meta file already read: asking tantivy for its segments'
        // sizes would read and parse its meta.json once more (the reader below does again).
        if let Some(executor) = parallel_executor(search_threads(meta.messages)) {
            index.set_executor(executor);
        }
        let fields = Fields::of(&index).map_err(|e| damaged(e.to_string()))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| damaged(e.to_string()))?;
        // The documents tantivy's meta lists are those chatlore recorded, unless an indexer is
        // between its commit and its meta file now, or was when the meta file was read (it has
        // written another since: the attempt is retried, as after a switch), or committed
        // since and was killed before it wrote the meta file (the commit is whole; the next
        // update writes the meta file).
        if let Some(docs) = meta.docs {
            let found = reader.searcher().num_docs();
            let committed_since =
                || meta.opstamp.is_some_and(|recorded| index.load_metas().is_ok_and(|m| m.opstamp != recorded));
            if found != docs && !super::indexer_running(dir) && !committed_since() {
                let now = manifest::read::<Meta>(&dir.join(META_FILE)).ok().flatten();
                if now.is_none_or(|m| (m.docs, m.generation) != (meta.docs, meta.generation.clone())) {
                    *tried = None;
                }
                return Err(damaged(format!(
                    "its tantivy meta.json lists {found} documents where chatlore recorded {docs}"
                )));
            }
        }
        Ok(IndexHandle { dir: dir.into(), generation_dir, index, reader, fields, meta })
    }

    /// Whether a search visits the segments on every core (see [`PARALLEL_MESSAGES`]).
    pub fn parallel(&self) -> bool {
        matches!(self.index.search_executor(), tantivy::Executor::ThreadPool(_))
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Whether the index was built from the archive at `archive`; an error naming both
    /// archives if not (an index answers for the archive it was built from only).
    pub fn check_archive(&self, archive: &Path) -> Result<(), IndexError> {
        if self.meta.archive.is_empty() {
            return Ok(());
        }
        let asked = std::fs::canonicalize(archive).unwrap_or_else(|_| archive.to_owned());
        let asked = asked.to_string_lossy();
        if asked == self.meta.archive {
            return Ok(());
        }
        Err(IndexError::OtherArchive {
            path: self.dir.clone(),
            built_from: self.meta.archive.clone(),
            asked: asked.into_owned(),
        })
    }

    /// Picks up a commit made since opening (by this or another process), and the meta file
    /// that came with it; a rebuild's new generation is opened afresh. Returns whether what a
    /// search sees changed: the generation, the set of segments or their deletes, or the meta
    /// file (an `index` run after only `people.yaml` or `glossary.yaml` changed commits
    /// nothing). (The searcher's generation id grows on every reload, commit or not, so it
    /// cannot tell.)
    pub fn reload(&mut self) -> Result<bool, IndexError> {
        let meta = manifest::read::<Meta>(&self.dir.join(META_FILE)).ok().flatten();
        if let Some(meta) = meta {
            if meta.generation != self.meta.generation && meta.generation.is_some() && !meta.fingerprint.is_empty() {
                *self = IndexHandle::open(&self.dir)?;
                return Ok(true);
            }
        }
        let before = self.reader.searcher().generation().segments().clone();
        self.reader.reload().map_err(|source| IndexError::Tantivy { path: self.generation_dir.clone(), source })?;
        let mut meta_changed = false;
        if let Ok(Some(meta)) = manifest::read::<Meta>(&self.dir.join(META_FILE)) {
            meta_changed = meta != self.meta;
            self.meta = meta;
        }
        Ok(meta_changed || *self.reader.searcher().generation().segments() != before)
    }
}

/// Every term of a string column's dictionary, by ordinal. Streamed once in ordinal order:
/// looking ordinals up one by one costs a block seek each.
pub(crate) fn column_terms(col: &tantivy::columnar::StrColumn) -> std::io::Result<Vec<String>> {
    let mut out = Vec::with_capacity(col.dictionary().num_terms());
    let mut stream = col.dictionary().stream()?;
    while stream.advance() {
        out.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(out)
}

/// An index of at least this many messages (about five times the real archive) searches its
/// segments on every core: there a search takes milliseconds, far more than handing segments
/// to threads; below, one thread is faster (and a process per search starts no threads).
pub const PARALLEL_MESSAGES: u64 = 500_000;

/// The variable that sets how many threads search an index, whatever its size (1: the
/// caller's thread only).
pub const THREADS_VARIABLE: &str = "CHATLORE_SEARCH_THREADS";

/// What [`THREADS_VARIABLE`] asks for: `Ok(None)` when it is not set, `Err` with its value
/// when that is not a number (it is then ignored; the CLI says so).
pub fn threads_asked() -> Result<Option<usize>, String> {
    match std::env::var_os(THREADS_VARIABLE) {
        None => Ok(None),
        Some(v) => {
            let v = v.to_string_lossy();
            v.trim().parse::<usize>().map(Some).map_err(|_| v.into_owned())
        }
    }
}

/// How many threads search an index of `messages`: [`THREADS_VARIABLE`] when it is a number
/// (at most four per core), else every core from [`PARALLEL_MESSAGES`] on, else one.
fn search_threads(messages: u64) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    threads_for(threads_asked().ok().flatten(), messages, cores)
}

/// The rule of [`search_threads`], given what [`THREADS_VARIABLE`] asks for and the cores there
/// are: a number asked for is kept between one and four per core (a typo, `10000`, must not
/// start thousands of threads; `0` is the caller's thread); else one thread below
/// [`PARALLEL_MESSAGES`] and one per core from there on.
fn threads_for(asked: Option<usize>, messages: u64, cores: usize) -> usize {
    let cores = cores.max(1);
    match asked {
        Some(n) => n.clamp(1, 4 * cores),
        None if messages < PARALLEL_MESSAGES => 1,
        None => cores,
    }
}

/// A pool of `threads` search threads, shared by every index the process opens with that many
/// (built on first use, one pool per size: an index opened later with another count, or under
/// another [`THREADS_VARIABLE`], gets its own; pools live as long as the process, and as a count
/// is at most four per core, so are their threads); `None` for one thread, or when threads cannot
/// be started: searches then run on the caller's thread. A panic on them (tantivy on a damaged
/// file) reaches the caller's guard, which turns it into an error: the threads run nothing
/// else, so they count as guarded.
fn parallel_executor(threads: usize) -> Option<tantivy::Executor> {
    type Pools = std::collections::HashMap<usize, Option<std::sync::Arc<rayon::ThreadPool>>>;
    static POOLS: std::sync::Mutex<Option<Pools>> = std::sync::Mutex::new(None);
    if threads < 2 {
        return None;
    }
    let mut pools = POOLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    pools
        .get_or_insert_with(Pools::new)
        .entry(threads)
        .or_insert_with(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|n| format!("chatlore-search-{n}"))
                .start_handler(|_| crate::panics::guard_this_thread())
                .build()
                .ok()
                .map(std::sync::Arc::new)
        })
        .clone()
        .map(tantivy::Executor::ThreadPool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{update, writer::Silent, Options};

    #[test]
    fn reload_reports_only_real_commits() {
        let archive = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        let group = archive.path().join("g/_posts");
        std::fs::create_dir_all(&group).unwrap();
        let log = |date: &str| format!("---\ndate: {date} 12:00:00\n---\n> 09:00:00  甲\n\n对账\n");
        std::fs::write(group.join("2018-01-01-chat.markdown"), log("2018-01-01")).unwrap();
        update(archive.path(), index.path(), &Options::default(), &Silent).unwrap();
        let mut handle = IndexHandle::open(index.path()).unwrap();
        // Reloading with nothing new is no change, however often it happens.
        for _ in 0..3 {
            assert!(!handle.reload().unwrap());
        }
        std::fs::write(group.join("2018-01-02-chat.markdown"), log("2018-01-02")).unwrap();
        update(archive.path(), index.path(), &Options::default(), &Silent).unwrap();
        assert!(handle.reload().unwrap(), "a commit that adds a log is a change");
        assert!(!handle.reload().unwrap());
        std::fs::remove_file(group.join("2018-01-01-chat.markdown")).unwrap();
        update(archive.path(), index.path(), &Options::default(), &Silent).unwrap();
        assert!(handle.reload().unwrap(), "a commit that only deletes is a change");
    }

    /// An archive of one log of one message, and its index (both temporary).
    fn index_of_one_message() -> (tempfile::TempDir, tempfile::TempDir) {
        let archive = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        let group = archive.path().join("g/_posts");
        std::fs::create_dir_all(&group).unwrap();
        let log = "---\ndate: 2018-01-01 12:00:00\n---\n> 09:00:00  甲\n\n对账\n";
        std::fs::write(group.join("2018-01-01-chat.markdown"), log).unwrap();
        update(archive.path(), index.path(), &Options::default(), &Silent).unwrap();
        (archive, index)
    }

    /// The meta file records the documents of tantivy's meta: another number is damage, unless
    /// an indexer holds the lock (it commits before it writes the meta file).
    #[test]
    fn a_document_count_other_than_recorded_is_damage_unless_an_indexer_runs() {
        let (_archive, index) = index_of_one_message();
        let path = index.path().join(META_FILE);
        let mut meta = manifest::read::<Meta>(&path).unwrap().unwrap();
        let docs = meta.docs.expect("the count is recorded");
        assert_eq!(IndexHandle::open(index.path()).unwrap().searcher().num_docs(), docs);
        meta.docs = Some(docs + 1);
        std::fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
        match IndexHandle::open(index.path()) {
            Err(IndexError::Damaged { reason, .. }) => assert!(reason.contains("chatlore recorded"), "{reason}"),
            other => panic!("not damage: {:?}", other.map(|h| h.searcher().num_docs())),
        }
        let lock = std::fs::File::create(index.path().join(super::super::LOCK_FILE)).unwrap();
        lock.lock().unwrap();
        assert!(IndexHandle::open(index.path()).is_ok(), "an indexer between its commit and its meta file");
        drop(lock);
        assert!(IndexHandle::open(index.path()).is_err());
        // An index written before the count was recorded is opened as it was.
        meta.docs = None;
        std::fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
        assert!(IndexHandle::open(index.path()).is_ok());
    }

    #[test]
    fn threads_follow_the_messages_the_meta_file_counts() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 || std::env::var_os(THREADS_VARIABLE).is_some() {
            return;
        }
        let (_archive, index) = index_of_one_message();
        assert!(!IndexHandle::open(index.path()).unwrap().parallel(), "one message: the caller's thread");
        // The same index, its meta file counting as many messages as a large archive has.
        let path = index.path().join(META_FILE);
        let mut meta = manifest::read::<Meta>(&path).unwrap().unwrap();
        meta.messages = PARALLEL_MESSAGES;
        std::fs::write(&path, serde_json::to_vec(&meta).unwrap()).unwrap();
        assert!(IndexHandle::open(index.path()).unwrap().parallel(), "a large archive: every core");
    }

    #[test]
    fn threads_asked_for_are_at_most_four_per_core() {
        // Nothing asked: one thread below the threshold, every core from it on.
        assert_eq!(threads_for(None, 0, 2), 1);
        assert_eq!(threads_for(None, PARALLEL_MESSAGES - 1, 2), 1);
        assert_eq!(threads_for(None, PARALLEL_MESSAGES, 2), 2);
        assert_eq!(threads_for(None, PARALLEL_MESSAGES, 8), 8);
        // Asked for: whatever the size, between one and four per core.
        assert_eq!(threads_for(Some(1), PARALLEL_MESSAGES * 10, 8), 1, "1: no threads, even for a large index");
        assert_eq!(threads_for(Some(3), 10, 2), 3, "threads on a small index when asked");
        assert_eq!(threads_for(Some(8), 10, 2), 8, "four per core is allowed");
        assert_eq!(threads_for(Some(9), 10, 2), 8, "more than four per core is cut to four per core");
        assert_eq!(threads_for(Some(10_000), 10, 2), 8);
        assert_eq!(threads_for(Some(usize::MAX), 10, 1), 4);
        assert_eq!(threads_for(Some(0), PARALLEL_MESSAGES, 2), 1, "0 is the caller's thread");
        assert_eq!(threads_for(Some(5), 10, 0), 4, "no core count known counts as one core");
    }

    #[test]
    fn each_thread_count_gets_a_pool_of_that_size() {
        let size = |threads| match parallel_executor(threads) {
            Some(tantivy::Executor::ThreadPool(pool)) => pool.current_num_threads(),
            _ => 1,
        };
        assert_eq!(size(1), 1, "one thread: the caller's");
        assert_eq!(size(2), 2);
        assert_eq!(size(3), 3, "a later count is not served by the first pool");
        assert_eq!(size(2), 2);
        let same = |threads| match parallel_executor(threads) {
            Some(tantivy::Executor::ThreadPool(pool)) => std::sync::Arc::as_ptr(&pool),
            _ => std::ptr::null(),
        };
        assert_eq!(same(3), same(3), "a size's pool is shared");
    }
}
