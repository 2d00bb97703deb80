//! Incremental indexing: compare the archive with the manifest, index only new and changed
//! logs, delete removed ones (by their path term), all in one commit; write the manifest only
//! after the commit, so a crash at any point leaves an index that the next run repairs.

use super::manifest::{self, FileState, Manifest, Meta, MANIFEST_FILE, META_FILE};
use super::schema::{self, Fields, SCHEMA_VERSION};
use super::{folder_state, FolderState, IndexError, LOCK_FILE};
use crate::archive::{self, Day, LogFile, Warning};
use crate::discussions;
use crate::tokenize::{JiebaTokenizer, LazyJieba, JIEBA};
use crate::topics::Taxonomy;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::indexer::{LogMergePolicy, NoMergePolicy, UserOperation};
use tantivy::store::Compressor;
use tantivy::{doc, Index, IndexSettings, IndexWriter, TantivyDocument, Term};

/// Logs read and indexed per batch: bounds memory on large archives.
const BATCH_FILES: usize = 128;
const WRITER_MEMORY_PER_THREAD: usize = 48 * 1024 * 1024;
/// A full build ends by merging its segments into segments of up to this many bytes each
/// (when it wrote more than [`FULL_BUILD_KEEPS`]): a larger archive becomes segments of
/// about this size. One merge at a time, so what a merge reads (and maps into memory: it
/// counts in the process's resident size) stays below this, whatever the archive's size.
const MERGE_SEGMENT_BYTES: u64 = 128 * 1024 * 1024;
/// A full build that wrote at most this many segments (the real archive: one per indexing
/// thread on two cores) keeps them: merging them runs on one thread after everything else,
/// about a fifth of the build's CPU at its end, where a query over two segments costs a few
/// per cent more than over one.
const FULL_BUILD_KEEPS: usize = 2;
/// Incremental runs merge segments of fewer documents than this (new days), never the big
/// segments of a full build.
const MERGE_MAX_DOCS: usize = 20_000;
/// Updates (or full builds) of at most this many bytes of logs (a few days) are indexed by one
/// thread.
const SMALL_UPDATE_BYTES: u64 = 1024 * 1024;
/// Small store blocks: showing a hit copies its whole block.
const STORE_BLOCK_BYTES: usize = 2048;
/// How long a second indexer waits for the first before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// How to update.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Start from an empty index.
    pub rebuild: bool,
    /// Follow symbolic links that lead outside the archive (logs and side files). `None`: as
    /// the `index` run that last updated this index chose (recorded in its meta file), so an
    /// automatic update (the browser, the MCP server) does not undo `index --follow`; a new
    /// index follows none.
    pub follow: Option<bool>,
}

/// Receives progress; the CLI draws a bar with it, the browser a gauge.
pub trait Progress: Sync {
    /// Indexing starts: `files` logs to read.
    fn start(&self, _files: u64) {}
    /// `files` more logs were indexed.
    fn advance(&self, _files: u64) {}
    /// A line worth showing (a rebuild and its reason).
    fn note(&self, _message: &str) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// What an update did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// Logs in the archive now, and their messages.
    pub files: u64,
    pub messages: u64,
    /// Messages (re)indexed by this run.
    pub indexed_messages: u64,
    /// Why the index was rebuilt from scratch, if it was.
    pub rebuilt: Option<String>,
    pub warnings: Vec<Warning>,
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Summary {
    /// The update in one line, as `chatlore index` ends and a follower of the archive notes
    /// each update: files added, changed, removed and unchanged (logs or not: a file is known
    /// to be one once it is read); the logs among them and their messages; the warnings, of
    /// which `standing` were said by an earlier update (see [`SaidWarnings`]).
    pub fn counts(&self, standing: usize) -> String {
        use crate::plural::count;
        let warnings = match standing {
            0 => count(self.warnings.len(), "warning", "warnings"),
            n => format!("{} ({n} as before)", count(self.warnings.len(), "warning", "warnings")),
        };
        format!(
            "files: {} added, {} changed, {} removed, {} unchanged; {}, {} ({} indexed now), {warnings}, {:.2} s",
            self.added,
            self.changed,
            self.removed,
            self.unchanged,
            count(self.files, "log", "logs"),
            count(self.messages, "message", "messages"),
            self.indexed_messages,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The warnings a follower of the archive (`index --watch`, the MCP server) has said. Every
/// update gives every warning that stands (a junk file is one until it goes): one is said by
/// the first update that gives it and counted by the later ones, and said again when it went
/// and came back.
#[derive(Debug, Default)]
pub struct SaidWarnings(std::collections::HashSet<Warning>);

impl SaidWarnings {
    /// Of an update's `warnings`, those to say now, and how many were said before; these are
    /// then the warnings said.
    pub fn news<'a>(&mut self, warnings: &'a [Warning]) -> (Vec<&'a Warning>, usize) {
        let new: Vec<&Warning> = warnings.iter().filter(|w| !self.0.contains(*w)).collect();
        let standing = warnings.len() - new.len();
        self.0 = warnings.iter().cloned().collect();
        (new, standing)
    }
}

/// Brings the index in `index_dir` up to date with the archive in `archive_root`.
///
/// tantivy's files live in a generation folder named by the meta file. Incremental runs
/// commit into the current generation; a rebuild writes a new generation beside it and
/// switches the meta file to it (an atomic rename) only when it is complete, so until then
/// the old index answers, and a rebuild killed halfway leaves the old index as it was.
pub fn update(
    archive_root: &Path,
    index_dir: &Path,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Summary, IndexError> {
    let started = Instant::now();
    let started_ns = now_ns();
    let io = |source| IndexError::Io { path: index_dir.into(), source };
    let archive_path = canonical_archive(archive_root)?;
    super::refuse_holding_archive(archive_root, index_dir)?;

    refuse_foreign(index_dir)?;
    std::fs::create_dir_all(index_dir).map_err(io)?;
    let _lock = lock(index_dir)?;
    // Looked at again under the lock: another indexer may have been first.
    let unmarked = refuse_foreign(index_dir)? == FolderState::Unmarked;
    let meta_path = index_dir.join(META_FILE);
    let (old_meta, meta_trouble) = match manifest::read::<Meta>(&meta_path) {
        Ok(Some(m)) => (Some(m), None),
        Ok(None) => (None, unmarked.then(|| format!("its {META_FILE} was missing"))),
        Err(e) => (None, Some(format!("its meta file is damaged ({e})"))),
    };
    let follow = opts.follow.unwrap_or_else(|| old_meta.as_ref().is_some_and(|m| m.follow));
    let (taxonomy, taxonomy_warning) = Taxonomy::for_archive(archive_root, follow);
    let (glossary, glossary_warning) = crate::glossary::Glossary::for_archive(archive_root, follow);
    let (people, people_warning) = crate::people::Rules::for_archive(archive_root, follow);
    let mut warnings: Vec<Warning> =
        [taxonomy_warning, glossary_warning, people_warning].into_iter().flatten().collect();
    let fingerprint = fingerprint(&taxonomy);
    let current = old_meta.as_ref().and_then(|m| m.generation.clone()).filter(|g| super::is_generation(g));
    // The meta file marks the folder as ours before anything else is written into it.
    if old_meta.is_none() {
        let fresh = Meta { schema_version: SCHEMA_VERSION, generation: current.clone(), ..Meta::default() };
        write_meta(index_dir, &fresh)?;
    }
    // Generations no meta file names: a rebuild killed before its switch, or the one it replaced.
    remove_stale(index_dir, current.as_deref(), &mut warnings)?;

    let built_from = old_meta.as_ref().map(|m| m.archive.clone()).unwrap_or_default();
    let reason = if opts.rebuild {
        Some("--rebuild was asked for".to_owned())
    } else if meta_trouble.is_some() {
        meta_trouble
    } else if !built_from.is_empty() && built_from != archive_path {
        Some(format!("it was built from another archive ({built_from})"))
    } else {
        None
    };
    let (files, walk_warnings) = archive::list_logs_with(archive_root, follow)?;
    warnings.extend(walk_warnings);
    // The manifest and the diff come first: when there are logs to index, jieba's dictionary
    // loads while the index is checked.
    let keywords: Vec<String> = taxonomy.keywords().map(str::to_owned).collect();
    let jieba = LazyJieba::new(keywords);
    let prior = match (&reason, &current) {
        (None, Some(g)) => Some(read_manifest(&index_dir.join(g))),
        _ => None,
    };
    let prior_diff = match &prior {
        Some(Ok(m)) if m.fingerprint == fingerprint => Some(diff(&files, m)),
        _ => None,
    };
    if prior_diff.as_ref().is_none_or(|d| !d.to_index.is_empty() || !d.removed.is_empty()) {
        jieba.start();
    }
    let opened = match (&reason, &current, prior) {
        (None, Some(g), Some(manifest)) => try_open(&index_dir.join(g), &fingerprint, manifest),
        (None, _, _) => Err(None),
        (Some(r), _, _) => Err(Some(r.clone())),
    };
    let (generation, index, old, rebuilt) = match opened {
        Ok((index, manifest)) => (current.clone().unwrap_or_default(), index, manifest, None),
        Err(reason) => {
            jieba.start();
            let name = super::new_generation_name();
            let index = create_index(&index_dir.join(&name))?;
            (name, index, Manifest::default(), reason)
        }
    };
    let gen_dir = index_dir.join(&generation);
    remove_orphans(&index, &gen_dir)?;
    if let Some(reason) = &rebuilt {
        progress.note(&format!("rebuilding the index: {reason}"));
    }
    let diff = match prior_diff {
        Some(d) if rebuilt.is_none() => d,
        _ => diff(&files, &old),
    };

    let mut summary = Summary {
        added: diff.added,
        changed: diff.changed,
        removed: diff.removed.len() as u64,
        unchanged: diff.unchanged.len() as u64,
        files: files.len() as u64,
        rebuilt,
        ..Summary::default()
    };
    let mut new_manifest = Manifest {
        fingerprint: fingerprint.clone(),
        opstamp: old.opstamp,
        written_ns: started_ns,
        files: BTreeMap::new(),
        checked: BTreeMap::new(),
    };
    for (path, state) in diff.unchanged {
        new_manifest.files.insert(path, state);
    }
    let switching = Some(&generation) != current.as_ref();
    if switching || !diff.to_index.is_empty() || !diff.removed.is_empty() || old.fingerprint != fingerprint {
        // Whether the index holds no document at all (not whether the manifest lists none: a
        // run killed after its commit leaves documents the old manifest does not know).
        let full_build = index
            .searchable_segment_metas()
            .map_err(|source| IndexError::Tantivy { path: gen_dir.clone(), source })?
            .iter()
            .all(|m| m.num_docs() == 0);
        let indexed =
            write_changes(&index, &gen_dir, &jieba, &taxonomy, &diff.to_index, &diff.removed, full_build, progress)?;
        summary.indexed_messages = indexed.values().map(|s| s.messages).sum();
        new_manifest.files.extend(indexed);
    }
    new_manifest.opstamp =
        Some(index.load_metas().map_err(|source| IndexError::Tantivy { path: gen_dir.clone(), source })?.opstamp);
    // Checked when this run opened the index, or written by it.
    new_manifest.checked = stamps(&index, &gen_dir)?;
    for (path, state) in &new_manifest.files {
        warnings.extend(state.problems.iter().map(|p| Warning { path: path.clone(), reason: p.clone() }));
    }
    summary.messages = new_manifest.files.values().map(|s| s.messages).sum();
    // Files that could not be read as logs are in the manifest (so they are not read again
    // until they change) but are not logs.
    summary.files = new_manifest.files.values().filter(|s| s.is_log()).count() as u64;
    if new_manifest.without_time() != old.without_time() {
        manifest::write(&gen_dir.join(MANIFEST_FILE), &new_manifest).map_err(io)?;
        fault("after-manifest");
    }
    let (groups, group_warnings) = archive::group_names(archive_root, follow);
    warnings.extend(group_warnings);
    let committed = index.load_metas().map_err(|source| IndexError::Tantivy { path: gen_dir.clone(), source })?;
    let meta = Meta {
        schema_version: SCHEMA_VERSION,
        generation: Some(generation.clone()),
        archive: archive_path,
        fingerprint,
        topics: taxonomy.topics.clone().into(),
        glossary: glossary.entries,
        people,
        groups,
        follow,
        files: summary.files,
        messages: summary.messages,
        docs: Some(committed.segments.iter().map(|m| u64::from(m.num_docs())).sum()),
        opstamp: Some(committed.opstamp),
    };
    if manifest::read::<Meta>(&meta_path).ok().flatten().as_ref() != Some(&meta) {
        fault("before-switch");
        // The switch: from here on readers open the new generation.
        write_meta(index_dir, &meta)?;
    }
    if switching {
        remove_stale(index_dir, Some(&generation), &mut warnings)?;
    }
    summary.warnings = warnings;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The archive's canonical path: what the index records as its source.
fn canonical_archive(root: &Path) -> Result<String, IndexError> {
    let path = std::fs::canonicalize(root)
        .map_err(|source| crate::archive::ArchiveError::Root { path: root.into(), source })?;
    Ok(path.to_string_lossy().into_owned())
}

fn refuse_foreign(index_dir: &Path) -> Result<FolderState, IndexError> {
    match folder_state(index_dir)? {
        FolderState::Foreign(found) => Err(IndexError::Foreign { path: index_dir.into(), found }),
        state => Ok(state),
    }
}

/// Removes the generations other than `keep`, and the flat layout of older versions: only
/// files chatlore wrote; anything else found in a generation is left there and named.
fn remove_stale(index_dir: &Path, keep: Option<&str>, warnings: &mut Vec<Warning>) -> Result<(), IndexError> {
    let io = |source| IndexError::Io { path: index_dir.into(), source };
    super::remove_ours(index_dir, false)?;
    for entry in std::fs::read_dir(index_dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !super::is_generation(&name) || Some(name.as_str()) == keep || !entry.file_type().map_err(io)?.is_dir() {
            continue;
        }
        let left = super::remove_ours(&entry.path(), true)?;
        if !left.is_empty() {
            warnings.push(Warning {
                path: entry.path().to_string_lossy().into_owned(),
                reason: format!(
                    "an old index generation was removed but {} {} in it: not chatlore's",
                    left.join(", "),
                    crate::plural::noun(left.len(), "stays", "stay")
                ),
            });
        }
    }
    Ok(())
}

fn write_meta(index_dir: &Path, meta: &Meta) -> Result<(), IndexError> {
    manifest::write(&index_dir.join(META_FILE), meta)
        .map_err(|source| IndexError::Io { path: index_dir.into(), source })
}

/// Crash testing: `CHATLORE_FAULT=<point>` makes the process abort (as `kill -9` would) at
/// that point of an update, so tests can check that the next run repairs the index.
fn fault(point: &str) {
    if std::env::var_os("CHATLORE_FAULT").is_some_and(|v| v == point) {
        std::process::abort();
    }
}

/// Removes the segment files no commit of the index refers to, before anything is written:
/// what a killed writer left (segments of a commit it did not finish, or the deletes of one,
/// `<segment>.<opstamp>.del`). The next run doing the same work reaches the same opstamp, and
/// tantivy refuses to write a file that exists. Under our lock nothing else writes here, and
/// files named as tantivy names segment files in a generation folder are ours.
fn remove_orphans(index: &Index, dir: &Path) -> Result<(), IndexError> {
    let io = |source| IndexError::Io { path: dir.into(), source };
    let metas = index.load_metas().map_err(|source| IndexError::Tantivy { path: dir.into(), source })?;
    let live: std::collections::HashSet<String> =
        segment_files(&metas.segments).iter().map(|f| f.to_string_lossy().into_owned()).collect();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !super::is_segment_file(&name) || live.contains(&name) || !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    Ok(())
}

/// Anything that changes the documents for the same archive changes this: the schema, the
/// loader, the tagger and its taxonomy, and the quality model (a retrained `src/rank/quality.tsv` gives
/// every message a new value, and an update must not mix old and new ones).
fn fingerprint(taxonomy: &Taxonomy) -> String {
    fingerprint_of(&taxonomy.source, crate::rank::QUALITY_MODEL, crate::archive::LOADER_VERSION)
}

/// [`fingerprint`] of a taxonomy's source, a quality model's and a loader's version.
fn fingerprint_of(taxonomy: &str, quality_model: &str, loader: u32) -> String {
    let models = format!("{}\n{}", manifest::hash(taxonomy.as_bytes()), manifest::hash(quality_model.as_bytes()));
    let tagger = crate::topics::TAGGER_VERSION;
    let all = format!("schema {SCHEMA_VERSION}\ntagger {tagger}\nloader {loader}\n{models}");
    format!("{SCHEMA_VERSION}-{}", manifest::hash(all.as_bytes()))
}

/// Takes the indexer lock, waiting up to [`LOCK_WAIT`] for another indexer.
fn lock(index_dir: &Path) -> Result<File, IndexError> {
    let path = index_dir.join(LOCK_FILE);
    super::repair_lock_folders(index_dir, &[LOCK_FILE]);
    // Not emptied: another indexer may hold it (and what it holds does not matter).
    let file = super::open_own_file(&path, false).map_err(|source| IndexError::Io { path: path.clone(), source })?;
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(IndexError::Busy(index_dir.into())),
            Err(std::fs::TryLockError::Error(source)) => return Err(IndexError::Io { path, source }),
        }
    }
}

/// Creates an empty index in a new generation folder.
fn create_index(dir: &Path) -> Result<Index, IndexError> {
    std::fs::create_dir_all(dir).map_err(|source| IndexError::Io { path: dir.into(), source })?;
    let (schema, _) = Fields::build();
    // Stored text is read for every hit shown: uncompressed and in small blocks, a hit costs a
    // short copy instead of decompressing 16 KB (the index is a cache; disk is cheap).
    let settings = IndexSettings {
        docstore_compression: Compressor::None,
        docstore_blocksize: STORE_BLOCK_BYTES,
        sort_by_field: Some(schema::sort()),
        ..IndexSettings::default()
    };
    Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)
        .map_err(|source| IndexError::Tantivy { path: dir.into(), source })
}

/// Opens a generation and its manifest, checking everything that can be checked cheaply
/// enough: the manifest, the schema, every segment file present with a valid checksum,
/// and the documents counted against the manifest.
/// `Err(None)`: nothing there yet; `Err(Some(reason))`: why it must be rebuilt.
fn try_open(
    dir: &Path,
    fingerprint: &str,
    manifest: Result<Manifest, String>,
) -> Result<(Index, Manifest), Option<String>> {
    if !dir.join("meta.json").exists() {
        return Err(Some("its tantivy meta.json is missing".into()));
    }
    let manifest = manifest.map_err(Some)?;
    if manifest.fingerprint != fingerprint {
        return Err(Some("the schema or the topic taxonomy changed".into()));
    }
    super::repair_lock_folders(dir, &[".tantivy-writer.lock", ".tantivy-meta.lock"]);
    let index =
        Index::open_in_dir(dir).map_err(|e| Some(format!("it cannot be opened: {}", super::tantivy_reason(&e))))?;
    let (schema, _) = Fields::build();
    if index.schema() != schema {
        return Err(Some("its schema is not this version's".into()));
    }
    let metas =
        index.load_metas().map_err(|e| Some(format!("its meta.json is damaged: {}", super::tantivy_reason(&e))))?;
    // Every segment file is there and passes its checksum. A file as the manifest recorded it
    // (size, times, inode) and older than the manifest passed before or was written by
    // chatlore, and is not read whole again: an update costs what changed, not the index's
    // size. (A write in the manifest's own clock tick could leave a file's stat unchanged:
    // such a file is checked, as git hashes a file as new as its index.)
    let manifest_ns = std::fs::metadata(dir.join(MANIFEST_FILE)).map_or(0, |m| manifest::Stamp::of(&m).mtime_ns);
    for file in segment_files(&metas.segments) {
        let stamp = match std::fs::metadata(dir.join(&file)) {
            Ok(m) => manifest::Stamp::of(&m),
            Err(_) => return Err(Some(format!("its file {} is missing", file.display()))),
        };
        let known =
            manifest.checked.get(file.to_string_lossy().as_ref()) == Some(&stamp) && stamp.mtime_ns < manifest_ns;
        if known {
            continue;
        }
        let valid = index
            .directory()
            .validate_checksum(&file)
            .map_err(|e| Some(format!("its file {} cannot be checked: {e}", file.display())))?;
        if !valid {
            return Err(Some(format!("its file {} fails its checksum", file.display())));
        }
    }
    // Opening a searcher touches every segment file: a truncated one shows here.
    let searcher = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .and_then(|r: tantivy::IndexReader| {
            let searcher = r.searcher();
            searcher
                .segment_readers()
                .iter()
                .try_for_each(|s| s.get_store_reader(0).map(drop).map_err(tantivy::TantivyError::from))?;
            Ok(searcher)
        })
        .map_err(|e| Some(super::tantivy_reason(&e)))?;
    // At the commit the manifest describes, the index holds exactly its messages (an index
    // ahead of it was interrupted before its manifest: the diff repairs that).
    if manifest.opstamp == Some(metas.opstamp) {
        let listed: u64 = manifest.files.values().map(|s| s.messages).sum();
        // Discussion documents are not messages.
        let fields = Fields::of(&index).map_err(|e| Some(format!("its schema is not this version's: {e}")))?;
        let discussions = tantivy::query::TermQuery::new(
            Term::from_field_text(fields.unit, schema::UNIT_DISCUSSION),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let discussions = searcher
            .search(&discussions, &tantivy::collector::Count)
            .map_err(|e| Some(super::tantivy_reason(&e)))? as u64;
        let messages = searcher.num_docs().saturating_sub(discussions);
        if messages != listed {
            return Err(Some(format!("it holds {messages} messages where its manifest lists {listed}")));
        }
    }
    Ok((index, manifest))
}

/// The files of these segments: each component, and the deletes where there are some.
fn segment_files(segments: &[tantivy::index::SegmentMeta]) -> Vec<std::path::PathBuf> {
    use tantivy::index::SegmentComponent as C;
    segments
        .iter()
        .flat_map(|s| {
            let deletes = s.has_deletes().then_some(C::Delete);
            [C::Postings, C::Positions, C::Terms, C::Store, C::FastFields, C::FieldNorms]
                .into_iter()
                .chain(deletes)
                .map(move |c| s.relative_path(c))
        })
        .collect()
}

/// How the archive has moved on from the index in `index_dir` since it was last updated:
/// logs new, changed and gone, and whether the documents would be made anew (another
/// taxonomy, loader or chatlore). Read only: no lock is taken and nothing is written, so a
/// front end that reads the index as it was built (a search) can say why it may not know of a
/// message. `None` when there is no index there, or it cannot be read well enough to tell.
pub fn pending(archive_root: &Path, index_dir: &Path) -> Option<Pending> {
    let meta = manifest::read::<Meta>(&index_dir.join(META_FILE)).ok()??;
    let generation = meta.generation.as_deref().filter(|g| super::is_generation(g))?;
    let old = read_manifest(&index_dir.join(generation)).ok()?;
    let (taxonomy, _) = Taxonomy::for_archive(archive_root, meta.follow);
    let (files, _) = archive::list_logs_with(archive_root, meta.follow).ok()?;
    let diff = diff(&files, &old);
    // A file gone that the index had found not to be a log takes nothing from a search.
    let removed = diff.removed.iter().filter(|p| old.files.get(*p).is_some_and(FileState::is_log)).count();
    Some(Pending {
        added: diff.added,
        changed: diff.changed,
        removed: removed as u64,
        remade: old.fingerprint != fingerprint(&taxonomy),
    })
}

/// What [`pending`] found: files new and changed (logs or not: that is known once they are
/// read), and logs removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    /// The next update rebuilds every document (the taxonomy, the loader or the quality
    /// model changed).
    pub remade: bool,
}

impl Pending {
    /// Whether an update would change what a search finds.
    pub fn any(&self) -> bool {
        self.added + self.changed + self.removed > 0 || self.remade
    }
}

/// The stamps of the index's segment files now (see [`Manifest::checked`]).
fn stamps(index: &Index, dir: &Path) -> Result<BTreeMap<String, manifest::Stamp>, IndexError> {
    let metas = index.load_metas().map_err(|source| IndexError::Tantivy { path: dir.into(), source })?;
    Ok(segment_files(&metas.segments)
        .into_iter()
        .filter_map(|f| {
            let m = std::fs::metadata(dir.join(&f)).ok()?;
            Some((f.to_string_lossy().into_owned(), manifest::Stamp::of(&m)))
        })
        .collect())
}

/// The manifest of the generation in `dir`, or why there is none to trust.
fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    match manifest::read::<Manifest>(&dir.join(MANIFEST_FILE)) {
        Ok(Some(m)) => Ok(m),
        Ok(None) => Err("it has no manifest (an earlier run was interrupted)".into()),
        Err(e) => Err(format!("its manifest is damaged: {e}")),
    }
}

struct Diff {
    to_index: Vec<LogFile>,
    removed: Vec<String>,
    unchanged: Vec<(String, FileState)>,
    added: u64,
    changed: u64,
}

/// Splits the listing into unchanged logs and logs to index; logs of the manifest that are
/// gone are removed. A log is unchanged when its size, mtime, ctime and inode are as recorded
/// (a copy with the old mtime, `cp -p`, changes the ctime), or when its content hashes the
/// same. As git does, a log modified at or after the start of the run that recorded it is
/// hashed anyway: it may have changed again within the same mtime tick. A log that could not
/// be read last time is read again.
fn diff(files: &[LogFile], old: &Manifest) -> Diff {
    let present: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let removed = old.files.keys().filter(|p| !present.contains(p.as_str())).cloned().collect();
    let checked: Vec<(LogFile, Option<FileState>)> = files
        .par_iter()
        .map(|f| {
            let Some(prev) = old.files.get(&f.path) else {
                return (f.clone(), None);
            };
            if prev.hash.is_empty() {
                return (f.clone(), None);
            }
            let racy = f.mtime_ns >= old.written_ns;
            let same_stat = prev.size == f.size
                && prev.mtime_ns == f.mtime_ns
                && prev.ctime_ns == f.ctime_ns
                && prev.ino == f.ino
                && prev.ctime_ns != 0;
            if same_stat && !racy {
                return (f.clone(), Some(prev.clone()));
            }
            // Touched but maybe not changed: the content decides.
            let same = prev.size == f.size && std::fs::read(&f.abs).is_ok_and(|b| manifest::hash(&b) == prev.hash);
            let state = same.then(|| FileState {
                size: f.size,
                mtime_ns: f.mtime_ns,
                ctime_ns: f.ctime_ns,
                ino: f.ino,
                ..prev.clone()
            });
            (f.clone(), state)
        })
        .collect();
    let mut d = Diff { to_index: Vec::new(), removed, unchanged: Vec::new(), added: 0, changed: 0 };
    for (f, state) in checked {
        match state {
            Some(s) => d.unchanged.push((f.path, s)),
            None if old.files.contains_key(&f.path) => {
                d.changed += 1;
                d.to_index.push(f);
            }
            None => {
                d.added += 1;
                d.to_index.push(f);
            }
        }
    }
    d
}

/// A log read and parsed, or why it could not be. The error side carries the content hash
/// when the file was read but is not a chat log (known, not to read again until it changes),
/// an empty one when it could not be read (retried).
type ReadResult = Result<(Vec<u8>, Day, Vec<Warning>), (String, String)>;
type Read<'a> = (&'a LogFile, ReadResult);

/// Deletes `removed` and the old versions of `files`, indexes `files`, commits once.
/// Logs are read and parsed in parallel (rayon); tantivy's indexing threads tokenize. Each
/// day's documents go to the writer as one batch, not one channel send per message.
#[allow(clippy::too_many_arguments)]
fn write_changes(
    index: &Index,
    dir: &Path,
    jieba: &Arc<LazyJieba>,
    taxonomy: &Taxonomy,
    files: &[LogFile],
    removed: &[String],
    full_build: bool,
    progress: &dyn Progress,
) -> Result<BTreeMap<String, FileState>, IndexError> {
    let tantivy_err = |source| IndexError::Tantivy { path: dir.into(), source };
    let fields = Fields::of(index).map_err(tantivy_err)?;
    progress.start(files.len() as u64);
    // jieba's dictionary loads (if it is not loaded yet) while the first batch is read; the
    // tokenizer waits for it.
    jieba.start();
    index.tokenizers().register(JIEBA, JiebaTokenizer(Arc::clone(jieba)));
    schema::register_grams(index);
    // Small work, a first build included, is one segment: one thread, whatever the scheduling.
    let small = files.iter().map(|f| f.size).sum::<u64>() <= SMALL_UPDATE_BYTES;
    let mut w = open_writer(index, dir, small)?;
    // A full build merges nothing while it runs (merges map whole segments: memory) and
    // compacts its segments at the end, one bounded merge at a time. Incremental runs merge
    // only small segments.
    if full_build {
        w.set_merge_policy(Box::new(NoMergePolicy));
    } else {
        let mut policy = LogMergePolicy::default();
        policy.set_max_docs_before_merge(MERGE_MAX_DOCS);
        w.set_merge_policy(Box::new(policy));
    }
    // A full build starts from an index with no document: nothing of these paths to delete.
    if !full_build {
        let deletes: Vec<UserOperation> = removed
            .iter()
            .chain(files.iter().map(|f| &f.path))
            .map(|p| UserOperation::Delete(Term::from_field_text(fields.path, p)))
            .collect();
        w.run(deletes).map_err(tantivy_err)?;
    }
    fault("after-deletes");

    let mut states = BTreeMap::new();
    for read in files.chunks(BATCH_FILES).map(read_batch) {
        let n = read.len() as u64;
        let built: Vec<(&LogFile, FileState, Vec<TantivyDocument>)> = read
            .into_par_iter()
            .map(|(f, result)| match result {
                Ok((bytes, day, day_warnings)) => {
                    let state = FileState {
                        size: f.size,
                        mtime_ns: f.mtime_ns,
                        ctime_ns: f.ctime_ns,
                        ino: f.ino,
                        hash: manifest::hash(&bytes),
                        messages: day.messages.len() as u64,
                        not_a_log: false,
                        problems: day_warnings.into_iter().map(|w| w.reason).collect(),
                    };
                    (f, state, documents(&fields, taxonomy, &day))
                }
                Err((hash, reason)) => {
                    let state = FileState {
                        size: f.size,
                        mtime_ns: f.mtime_ns,
                        ctime_ns: f.ctime_ns,
                        ino: f.ino,
                        // Read but refused: known, and not a log; unreadable: retried.
                        not_a_log: !hash.is_empty(),
                        hash,
                        messages: 0,
                        problems: vec![reason],
                    };
                    (f, state, Vec::new())
                }
            })
            .collect();
        for (f, state, docs) in built {
            // One document at a time: tantivy's queue holds at most 10,000 items, so this
            // bounds the documents in flight (a day per item would let the whole archive in).
            for d in docs {
                w.add_document(d).map_err(tantivy_err)?;
            }
            states.insert(f.path.clone(), state);
        }
        progress.advance(n);
        fault("mid-batch");
    }
    fault("before-commit");
    w.commit().map_err(tantivy_err)?;
    fault("after-commit");
    if full_build {
        compact(index, dir, &mut w).map_err(tantivy_err)?;
    }
    // Files of segments merged away, or left by a killed writer, go now.
    w.garbage_collect_files().wait().map_err(tantivy_err)?;
    w.wait_merging_threads().map_err(tantivy_err)?;
    Ok(states)
}

/// Merges the segments of `dir` into as few as [`MERGE_SEGMENT_BYTES`] allows, one merge at
/// a time, unless they are few already (see [`compaction`]): every search opens every
/// segment, so their number bounds a query's cost.
fn compact(index: &Index, dir: &Path, w: &mut IndexWriter) -> tantivy::Result<()> {
    let sized: Vec<(tantivy::index::SegmentId, u64)> =
        index.searchable_segment_metas()?.iter().map(|m| (m.id(), segment_bytes(dir, m))).collect();
    for group in compaction(&sized) {
        w.merge(&group).wait()?;
    }
    Ok(())
}

/// The merges that end a full build: none when it wrote at most [`FULL_BUILD_KEEPS`]
/// segments, else groups of at most [`MERGE_SEGMENT_BYTES`].
fn compaction<Id: Copy>(segments: &[(Id, u64)]) -> Vec<Vec<Id>> {
    if segments.len() <= FULL_BUILD_KEEPS {
        return Vec::new();
    }
    merge_groups(segments, MERGE_SEGMENT_BYTES)
}

/// Groups of segments to merge, each of at most `cap` bytes (a segment alone over `cap` stays
/// alone): greedily, smallest first, so the groups are as few as a first fit makes them.
/// Groups of one segment are left out (nothing to merge).
fn merge_groups<Id: Copy>(segments: &[(Id, u64)], cap: u64) -> Vec<Vec<Id>> {
    let mut sorted: Vec<&(Id, u64)> = segments.iter().collect();
    sorted.sort_by_key(|(_, bytes)| *bytes);
    let mut groups: Vec<(Vec<Id>, u64)> = Vec::new();
    for &(id, bytes) in sorted {
        match groups.last_mut() {
            Some((ids, total)) if *total + bytes <= cap => {
                ids.push(id);
                *total += bytes;
            }
            _ => groups.push((vec![id], bytes)),
        }
    }
    groups.into_iter().map(|(ids, _)| ids).filter(|ids| ids.len() > 1).collect()
}

/// The bytes of a segment's files.
fn segment_bytes(dir: &Path, meta: &tantivy::index::SegmentMeta) -> u64 {
    segment_files(std::slice::from_ref(meta))
        .into_iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn read_batch(batch: &[LogFile]) -> Vec<Read<'_>> {
    batch.par_iter().map(|f| (f, read_one(f))).collect()
}

fn read_one(f: &LogFile) -> ReadResult {
    let bytes = archive::read_log_bytes(&f.abs).map_err(|e| (String::new(), e))?;
    let (day, warnings) = archive::parse_log(&f.path, &bytes).map_err(|e| (manifest::hash(&bytes), e))?;
    Ok((bytes, day, warnings))
}

/// A writer with one indexing thread per core (at most 4), or one for `small` work: each
/// thread writes a segment of its own, and every segment costs a commit its files and syncs.
fn open_writer(index: &Index, dir: &Path, small: bool) -> Result<IndexWriter, IndexError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let threads = if small { 1 } else { cores };
    index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD).map_err(|e| match e {
        tantivy::TantivyError::LockFailure(..) => IndexError::Busy(dir.into()),
        source => IndexError::Tantivy { path: dir.into(), source },
    })
}

/// The documents of a day: one per message, and one per discussion (see
/// [`crate::discussions`]), each message carrying its discussion's first line.
fn documents(f: &Fields, taxonomy: &Taxonomy, day: &Day) -> Vec<TantivyDocument> {
    let date_key = day.date.key();
    let topics = taxonomy.tag_day(day);
    let discussions::Segmented { spans, discussions: described, opens_with_question } =
        discussions::segment_day(day, &topics);
    // What ranking needs of a discussion, on its own document and in each of its messages'
    // ranking value (a message of a lone remark or of chatter ranks below one of a discussion).
    let infos: Vec<u64> = described
        .iter()
        .zip(&opens_with_question)
        .map(|(x, &question)| {
            schema::pack_disc_info(
                x.messages,
                u32::try_from(x.participants.len()).unwrap_or(u32::MAX),
                x.kind == discussions::SpanKind::Chatter,
                question,
            )
        })
        .collect();
    // A mention of a nickname with white space that posted that day is read whole, as the
    // discussions and topics read it: the name is not what the message says or asks.
    let known = day.spaced_speakers();
    let mut docs = Vec::with_capacity(day.messages.len() + spans.len());
    for (span, &info) in spans.iter().zip(&infos) {
        let first = &day.messages[span.start];
        let disc = u64::from(first.line);
        // A conversation, for the two-hits-per-conversation rule of a page, is a discussion.
        let conversation = schema::seq(day.date, first.time, first.line, &day.group);
        for (m, topics) in day.messages[span.start..span.end].iter().zip(&topics[span.start..span.end]) {
            let mut d: TantivyDocument = doc!(
                f.path => day.path.as_str(),
                f.line => u64::from(m.line),
                f.group => day.group.as_str(),
                f.speaker => m.speaker.as_str(),
                f.ts => schema::ts(date_key, m.time),
                f.seq => schema::seq(day.date, m.time, m.line, &day.group),
                f.ranking => schema::pack_ranking(
                    crate::rank::substance_among(&m.text, &known),
                    crate::rank::asks_among(&m.text, &known),
                    info,
                ),
                f.conversation => conversation,
                f.text_hash => crate::rank::text_hash(&m.text),
                f.quality => f64::from(crate::rank::quality_among(&m.text, &known)),
                f.kind => m.kind.as_str(),
                f.text => m.text.as_str(),
                f.body => m.text.as_str(),
                f.grams => m.text.as_str(),
                f.tri => m.text.as_str(),
                f.disc => disc,
            );
            for t in topics {
                d.add_text(f.topics, t);
            }
            for u in m.urls() {
                d.add_text(f.urls, &u);
            }
            docs.push(d);
        }
    }
    for ((span, x), info) in spans.iter().zip(described).zip(infos) {
        let first = &day.messages[span.start];
        // Serialising plain strings and numbers cannot fail; an empty record would only
        // show as a discussion without details.
        let json = serde_json::to_string(&x).unwrap_or_default();
        docs.push(doc!(
            f.path => day.path.as_str(),
            f.group => day.group.as_str(),
            f.ts => schema::ts(date_key, first.time),
            f.unit => schema::UNIT_DISCUSSION,
            f.disc => u64::from(x.start_line),
            f.disc_info => info,
            f.ranking => schema::pack_ranking(0, false, info),
            f.disc_json => json,
        ));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retrained_quality_model_another_taxonomy_or_loader_changes_the_fingerprint() {
        let base = fingerprint_of("t", "#intercept\t0", 2);
        assert_eq!(base, fingerprint_of("t", "#intercept\t0", 2));
        assert_ne!(base, fingerprint_of("t", "#intercept\t0.1", 2));
        assert_ne!(base, fingerprint_of("u", "#intercept\t0", 2));
        // Another loader reads the same logs into other messages: an update must not keep the
        // entries an older one wrote.
        assert_ne!(base, fingerprint_of("t", "#intercept\t0", 1));
    }

    fn listed(dir: &Path, name: &str, content: &str) -> LogFile {
        let abs = dir.join(name);
        std::fs::write(&abs, content).unwrap();
        LogFile::new(name.to_owned(), abs.clone(), &std::fs::metadata(&abs).unwrap())
    }

    fn recorded(f: &LogFile, hash: &str) -> FileState {
        FileState {
            size: f.size,
            mtime_ns: f.mtime_ns,
            ctime_ns: f.ctime_ns,
            ino: f.ino,
            hash: hash.to_owned(),
            messages: 1,
            not_a_log: false,
            problems: vec![],
        }
    }

    #[test]
    fn a_full_build_keeps_a_few_segments_and_merges_more() {
        const MB: u64 = 1024 * 1024;
        // The real archive on two cores: two segments of about 18 MB stay as they are.
        assert!(compaction(&[(1, 18 * MB), (2, 17 * MB)]).is_empty());
        assert!(compaction(&[(1, 18 * MB)]).is_empty());
        // More than that (more cores, or a larger archive) are merged, under the cap.
        assert_eq!(compaction(&[(1, 18 * MB), (2, 17 * MB), (3, 16 * MB)]), vec![vec![3, 2, 1]]);
        assert_eq!(compaction(&[(1, 100 * MB), (2, 100 * MB), (3, 10 * MB)]), vec![vec![3, 1]]);
    }

    #[test]
    fn merge_groups_stay_under_the_cap() {
        // Ten segments of 30 under a cap of 100: three per group, the tenth alone stays alone.
        let segs: Vec<(usize, u64)> = (0..10).map(|k| (k, 30)).collect();
        let groups = merge_groups(&segs, 100);
        assert_eq!(groups, vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8]]);
        // Small ones fill up first; a segment over the cap is never merged.
        let segs = [(0, 500), (1, 10), (2, 60), (3, 20), (4, 50)];
        assert_eq!(merge_groups(&segs, 100), vec![vec![1, 3, 4]]);
        assert!(merge_groups::<usize>(&[], 100).is_empty());
        assert!(merge_groups(&[(0, 5)], 100).is_empty());
    }

    #[test]
    fn a_log_that_could_not_be_read_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let f = listed(dir.path(), "a.md", "x");
        let mut old = Manifest { written_ns: u64::MAX / 2, ..Manifest::default() };
        old.files.insert(
            f.path.clone(),
            FileState { messages: 0, problems: vec!["cannot read".into()], ..recorded(&f, "") },
        );
        let d = diff(std::slice::from_ref(&f), &old);
        assert_eq!((d.changed, d.to_index.len(), d.unchanged.len()), (1, 1, 0));
        // Read before, same stat: unchanged without reading.
        old.files.insert(f.path.clone(), recorded(&f, &manifest::hash(b"x")));
        let d = diff(std::slice::from_ref(&f), &old);
        assert_eq!((d.changed, d.unchanged.len()), (0, 1));
    }

    #[test]
    fn a_log_modified_after_its_run_started_is_hashed_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let f = listed(dir.path(), "a.md", "new");
        // Recorded by a run that started after the mtime tick: the stat is trusted.
        let mut old = Manifest { written_ns: f.mtime_ns + 1, ..Manifest::default() };
        old.files.insert(f.path.clone(), recorded(&f, &manifest::hash(b"old")));
        assert_eq!(diff(std::slice::from_ref(&f), &old).changed, 0);
        // Recorded by a run that started in the same tick or before: the content decides.
        old.written_ns = f.mtime_ns;
        assert_eq!(diff(std::slice::from_ref(&f), &old).changed, 1);
    }
}
