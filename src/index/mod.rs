//! The tantivy index on disk: its schema, tokenizers, manifest, the incremental writer and
//! the reader. The index is a cache of the archive: anything wrong with it is fixed by
//! rebuilding from the archive, which is always safe.

pub(crate) mod discussion_docs;
pub mod manifest;
pub(crate) mod people_cache;
pub mod reader;
pub mod schema;
pub mod writer;

pub use reader::IndexHandle;
pub use writer::{pending, update, Options, Pending, Progress, SaidWarnings, Summary};

use std::path::{Path, PathBuf};

/// What can go wrong with an index folder. The index is repaired by an `index` run on the
/// archive and index folder the user gave: [`IndexError::repair`] says which, for a front end
/// to add (only it knows how the user named them).
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index in {0} yet")]
    Missing(PathBuf),
    #[error(
        "{path} is not a chatlore index: it holds {found}, which chatlore did not write, and nothing there was touched; give --index an empty or new folder"
    )]
    Foreign { path: PathBuf, found: String },
    #[error("--index {index} holds the archive {archive} (it is the archive folder or a folder above it): the index would be written among the logs, and a watch on the archive would take every change for the index's own; give --index a folder outside the archive, or one inside it such as {archive}/index")]
    HoldsArchive { index: PathBuf, archive: PathBuf },
    #[error("the index in {path} was built from the archive {built_from}, not {asked}")]
    OtherArchive { path: PathBuf, built_from: String, asked: String },
    #[error("the index in {path} is damaged ({reason})")]
    Damaged { path: PathBuf, reason: String },
    #[error("the index in {path} was built by another chatlore version (schema {found}, this one reads {expected})")]
    Version { path: PathBuf, found: u32, expected: u32 },
    #[error("another chatlore process is indexing into {0}; wait for it to finish")]
    Busy(PathBuf),
    #[error("index folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error("index in {path}: {}", tantivy_reason(.source))]
    Tantivy { path: PathBuf, source: tantivy::TantivyError },
}

/// What went wrong in tantivy, as a sentence: its own messages print Rust's debug form of
/// what they hold (`Failed to acquire Lockfile: IoError(Os { code: 2, kind: NotFound, … }).
/// None` for an index whose files were deleted under a reader).
pub(crate) fn tantivy_reason(e: &tantivy::TantivyError) -> String {
    use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
    use tantivy::TantivyError as T;
    let io = |e: &std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "its files are missing".to_owned(),
        _ => format!("its files cannot be read or written: {e}"),
    };
    let file = |p: &Path| p.display().to_string();
    match e {
        T::LockFailure(LockError::LockBusy, _) => "another process holds its lock".to_owned(),
        T::LockFailure(LockError::IoError(e), _) | T::IoError(e) => io(e),
        T::OpenReadError(OpenReadError::FileDoesNotExist(p)) => format!("its file {} is missing", file(p)),
        T::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("its file {} cannot be read: {io_error}", file(filepath))
        }
        T::OpenDirectoryError(OpenDirectoryError::DoesNotExist(p)) => format!("its folder {} is missing", file(p)),
        T::OpenDirectoryError(OpenDirectoryError::NotADirectory(p)) => format!("{} is not a folder", file(p)),
        T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, directory_path }) => {
            format!("its folder {} cannot be opened: {io_error}", file(directory_path))
        }
        T::OpenWriteError(OpenWriteError::FileAlreadyExists(p)) => format!("its file {} exists already", file(p)),
        T::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            format!("its file {} cannot be written: {io_error}", file(filepath))
        }
        T::DataCorruption(_) => "its files are damaged".to_owned(),
        T::IncompatibleIndex(_) | T::OpenReadError(OpenReadError::IncompatibleIndex(_)) => {
            "it was written by another version of tantivy".to_owned()
        }
        other => other.to_string(),
    }
}

impl IndexError {
    /// What repairs the index, for a front end to say after the error: the `index` run on the
    /// archive and index folder given (see [`command`]); `None` for an error no rebuild fixes.
    pub fn repair(&self, archive: &Path, index_dir: &Path) -> Option<String> {
        let index = command(archive, index_dir, "index");
        Some(match self {
            IndexError::Missing(_) => format!("run `{index}` first"),
            IndexError::OtherArchive { .. } => {
                format!("run `{index}` to rebuild it for this archive, or give another --index")
            }
            IndexError::Damaged { .. } => format!("run `{index}` to rebuild it from the archive"),
            IndexError::Version { .. } => format!("run `{index}` to rebuild it"),
            _ => return None,
        })
    }
}

/// What to add when a search of the index in `index_dir` found nothing while the archive has
/// moved on since the index was last updated (a search reads the index as it was built):
/// what changed, and the `index` run on the archive and index folder given that brings it up
/// to date (see [`command`]). `None` when the index is up to date, or that cannot be told.
/// New and changed files are counted as files, as the index's summary counts them: whether
/// one is a log is known only once it is read (a junk file named like a log is not one).
pub fn stale_note(archive: &Path, index_dir: &Path) -> Option<String> {
    use crate::plural::count;
    let p = pending(archive, index_dir).filter(Pending::any)?;
    let mut what = Vec::new();
    if p.added > 0 {
        what.push(count(p.added, "new file", "new files"));
    }
    if p.changed > 0 {
        what.push(count(p.changed, "changed file", "changed files"));
    }
    if p.removed > 0 {
        what.push(count(p.removed, "log removed", "logs removed"));
    }
    if p.remade {
        what.push("its messages to be read anew (chatlore or the topics changed)".to_owned());
    }
    Some(format!(
        "the index is older than the archive ({}): run `{}` and search again",
        what.join(", "),
        command(archive, index_dir, "index")
    ))
}

/// The archive folder a front end reads unless told otherwise (`--archive`, `CHATLORE_ARCHIVE`).
pub const DEFAULT_ARCHIVE: &str = "archive";
/// The index folder a front end uses unless told otherwise (`--index`, `CHATLORE_INDEX`).
pub const DEFAULT_INDEX: &str = "index";

/// The command line that runs chatlore's `args` on `archive` and `index_dir` as given (relative
/// paths stay relative: the command is for the shell it was typed in), ready to paste: each
/// folder named unless it is the default, quoted for a POSIX shell where it needs it.
pub fn command(archive: &Path, index_dir: &Path, args: &str) -> String {
    let mut line = String::from("chatlore");
    for (flag, path, default) in [("--archive", archive, DEFAULT_ARCHIVE), ("--index", index_dir, DEFAULT_INDEX)] {
        if path != Path::new(default) {
            line.push_str(&format!(" {flag} {}", shell_quoted(&path.to_string_lossy())));
        }
    }
    format!("{line} {args}")
}

/// `word` as a POSIX shell reads it back: as it is when it holds only characters no shell
/// treats specially, else in single quotes (a `'` in it written `'\''`).
fn shell_quoted(word: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "/._-+,:@%=".contains(c);
    if !word.is_empty() && word.chars().all(plain) && !word.starts_with('=') {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// The lock an indexer holds on the index folder. Hidden, so that a folder holding only the
/// lock of a first run still counts as empty.
pub(crate) const LOCK_FILE: &str = ".chatlore.lock";
/// Generation folders: `gen-` and 16 hex digits. A rebuild writes a new one beside the
/// current one and switches the meta file to it when it is complete.
const GENERATION_PREFIX: &str = "gen-";
/// Names that may sit in a folder chatlore adopts as empty (git's placeholder).
const PLACEHOLDERS: &[&str] = &[".gitkeep"];

/// How an index folder looks before we touch it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FolderState {
    /// Does not exist, is empty, or holds nothing but a placeholder (`.gitkeep`) and
    /// chatlore's own lock and temporaries.
    Empty,
    /// Holds chatlore's meta file.
    Ours,
    /// Holds nothing but files chatlore writes (an index), yet its meta file is gone.
    Unmarked,
    /// Holds something else (hidden entries count): never to be deleted. The names found.
    Foreign(String),
}

pub(crate) fn folder_state(dir: &Path) -> Result<FolderState, IndexError> {
    let io = |source| IndexError::Io { path: dir.into(), source };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FolderState::Empty),
        Err(e) => return Err(io(e)),
    };
    let mut foreign = Vec::new();
    let mut index_files = false;
    for entry in entries {
        let name = entry.map_err(io)?.file_name();
        let name = name.to_string_lossy();
        if name == manifest::META_FILE {
            return Ok(FolderState::Ours);
        }
        if PLACEHOLDERS.contains(&name.as_ref()) || name == LOCK_FILE || is_temporary(&name) {
            continue;
        }
        if is_generation(&name) || is_flat_layout_file(dir, &name) {
            index_files = true;
        } else {
            foreign.push(name.into_owned());
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let shown: Vec<String> = foreign.iter().take(3).map(|n| format!("`{n}`")).collect();
        let more = if foreign.len() > 3 { format!(" and {} more", foreign.len() - 3) } else { String::new() };
        return Ok(FolderState::Foreign(format!("{}{more}", shown.join(", "))));
    }
    Ok(if index_files { FolderState::Unmarked } else { FolderState::Empty })
}

/// A generation folder's name: `gen-` and 16 hex digits.
pub(crate) fn is_generation(name: &str) -> bool {
    name.strip_prefix(GENERATION_PREFIX).is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A fresh generation name, unique enough for one folder (time and process).
pub(crate) fn new_generation_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let seed = format!("{nanos} {}", std::process::id());
    format!("{GENERATION_PREFIX}{:016x}", xxhash_rust::xxh3::xxh3_64(seed.as_bytes()))
}

/// chatlore's atomic-write temporaries (`.chatlore-meta.json.tmp`) and tantivy's (`.tmpXXXXXX`).
fn is_temporary(name: &str) -> bool {
    let ours = [manifest::META_FILE, manifest::MANIFEST_FILE, people_cache::PEOPLE_FILE]
        .iter()
        .any(|f| name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) == Some(*f));
    let tantivy =
        name.strip_prefix(".tmp").is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    ours || tantivy
}

/// A file tantivy writes in an index folder: its meta, its locks, and segment files named
/// by a 32-hex-digit segment id.
fn is_tantivy_file(name: &str) -> bool {
    matches!(name, "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock")
        || is_segment_file(name)
}

/// A segment file: a 32-hex-digit segment id and a component (`.del` files carry the opstamp
/// of their commit).
pub(crate) fn is_segment_file(name: &str) -> bool {
    let Some((stem, ext)) = name.split_once('.') else { return false };
    let segment_id = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit());
    let component = matches!(ext, "idx" | "pos" | "term" | "store" | "store.temp" | "fast" | "fieldnorm")
        || ext.strip_suffix(".del").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    segment_id && component
}

/// Whether `name`, directly in the index folder `dir`, is a file of the flat layout of older
/// versions (tantivy's files and chatlore's manifest beside the meta file). The segment files
/// and chatlore's manifest are known by their names; `meta.json` and `.managed.json`, names a
/// file of anyone's may have, by what they hold too (tantivy's meta: its `segments` and
/// `schema`; its list of managed files): a user's `meta.json` is not chatlore's to delete.
fn is_flat_layout_file(dir: &Path, name: &str) -> bool {
    let holds = |check: fn(&serde_json::Value) -> bool| {
        let path = dir.join(name);
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 16 << 20);
        regular && std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok()).is_some_and(|v| check(&v))
    };
    match name {
        "meta.json" => holds(|v| v.get("segments").is_some_and(|s| s.is_array()) && v.get("schema").is_some()),
        ".managed.json" => holds(|v| v.as_array().is_some_and(|a| a.iter().all(serde_json::Value::is_string))),
        _ => is_tantivy_file(name) || name == manifest::MANIFEST_FILE,
    }
}

/// Whether a name inside a generation folder is one chatlore or tantivy wrote there.
fn is_ours_in_generation(name: &str) -> bool {
    is_tantivy_file(name) || is_temporary(name) || name == manifest::MANIFEST_FILE || name == people_cache::PEOPLE_FILE
}

/// Deletes the files chatlore and tantivy wrote in `dir` (an index folder of the flat layout
/// of older versions, or a generation folder), and the folder itself when `whole` and nothing
/// else is left in it. Anything else stays where it is. Returns the names left behind.
pub(crate) fn remove_ours(dir: &Path, whole: bool) -> Result<Vec<String>, IndexError> {
    let io = |source| IndexError::Io { path: dir.into(), source };
    let mut left = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(left),
        Err(e) => return Err(io(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type().map_err(io)?;
        let ours = if whole { is_ours_in_generation(&name) } else { is_flat_layout_file(dir, &name) };
        if !ours {
            if whole {
                left.push(name);
            }
            continue;
        }
        let result = if kind.is_dir() { std::fs::remove_dir(entry.path()) } else { std::fs::remove_file(entry.path()) };
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // A folder where a file should be, with something inside: not ours to empty.
            Err(_) if kind.is_dir() => left.push(name),
            Err(e) => return Err(io(e)),
        }
    }
    if whole && left.is_empty() {
        match std::fs::remove_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(left)
}

/// Opens a file chatlore writes under its own name (its lock, its temporaries) for writing,
/// created if missing, emptied when `truncate`. Whatever else holds the name is not opened
/// through: a symbolic link there (to a file of the user's, say) is removed, never its target
/// written, and so is a FIFO or a device (opening one for writing blocks); the open follows no
/// link (`O_NOFOLLOW`), so a link made meanwhile fails it. (A folder there is the caller's.)
pub(crate) fn open_own_file(path: &Path, truncate: bool) -> std::io::Result<std::fs::File> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        std::fs::remove_file(path)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    options.open(path)
}

/// Whether `index_dir`, which holds no index to open ([`IndexError::Missing`]), holds the start
/// of one: chatlore's meta file, written first by a build that stopped before the end (killed)
/// or is still running, as opposed to nothing at all.
pub fn unfinished(index_dir: &Path) -> bool {
    matches!(folder_state(index_dir), Ok(FolderState::Ours))
}

/// An error when the index folder `index_dir` is the archive folder `archive` or a folder
/// that holds it (links resolved). An index folder inside the archive is fine: the loader
/// reads only logs, and the watch leaves the index folder out.
pub fn refuse_holding_archive(archive: &Path, index_dir: &Path) -> Result<(), IndexError> {
    match (archive.canonicalize(), index_dir.canonicalize()) {
        (Ok(a), Ok(i)) if a.starts_with(&i) => {
            Err(IndexError::HoldsArchive { index: index_dir.into(), archive: archive.into() })
        }
        _ => Ok(()),
    }
}

/// Whether an indexer holds the lock on `dir` now. The lock is opened for reading only, and
/// only as a regular file (a FIFO would block the open); a lock that cannot be read is no
/// indexer's.
pub(crate) fn indexer_running(dir: &Path) -> bool {
    let path = dir.join(LOCK_FILE);
    if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(file) = std::fs::File::open(&path) else { return false };
    matches!(file.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock))
}

/// Removes lock files that became empty folders (a lock must be a file to be taken).
/// A non-empty folder in a lock's place is left alone and reported by the caller's open.
pub(crate) fn repair_lock_folders(dir: &Path, names: &[&str]) {
    for name in names {
        let path = dir.join(name);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            let _ = std::fs::remove_dir(&path);
        }
    }
}

/// The generation folder an index folder's meta file names, if any: where tantivy's files
/// are. (Tests and tools use this to look at the files.)
pub fn generation_dir(index_dir: &Path) -> Option<PathBuf> {
    let meta = manifest::read::<manifest::Meta>(&index_dir.join(manifest::META_FILE)).ok().flatten()?;
    meta.generation.filter(|g| is_generation(g)).map(|g| index_dir.join(g))
}

/// Whether `path` (absolute, links resolved) is where the index in `index_dir` keeps its own
/// files: the folder itself, its meta, lock, manifest or tantivy files, or anything in one of
/// its generation folders. Writing there would damage the index; a file of the user's beside
/// them (`index/NOTES.txt`) is not.
pub fn holds_index_files(index_dir: &Path, path: &Path) -> bool {
    let Ok(root) = index_dir.canonicalize() else { return false };
    let Ok(inside) = path.strip_prefix(&root) else { return false };
    let mut parts = inside.components();
    let Some(first) = parts.next() else { return true };
    let name = first.as_os_str().to_string_lossy();
    if parts.next().is_some() {
        return is_generation(&name);
    }
    is_generation(&name) || name == manifest::META_FILE || name == LOCK_FILE || is_ours_in_generation(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of(names: &[&str]) -> FolderState {
        let dir = tempfile::tempdir().unwrap();
        for n in names {
            if let Some(d) = n.strip_suffix('/') {
                std::fs::create_dir_all(dir.path().join(d)).unwrap();
            } else {
                // tantivy's own files hold what tantivy writes in them.
                let content = match *n {
                    "meta.json" => r#"{"index_settings":{},"segments":[],"schema":[],"opstamp":0}"#,
                    ".managed.json" => r#"["meta.json"]"#,
                    _ => "x",
                };
                std::fs::write(dir.path().join(n), content).unwrap();
            }
        }
        folder_state(dir.path()).unwrap()
    }

    #[test]
    fn hidden_entries_make_a_folder_foreign() {
        assert_eq!(state_of(&[]), FolderState::Empty);
        assert_eq!(state_of(&[".gitkeep", LOCK_FILE, ".chatlore-meta.json.tmp"]), FolderState::Empty);
        assert_eq!(state_of(&[".git/"]), FolderState::Foreign("`.git`".into()));
        assert_eq!(state_of(&[".env", ".config/"]), FolderState::Foreign("`.config`, `.env`".into()));
        assert_eq!(state_of(&["chatlore-meta.json", "NOTES.txt"]), FolderState::Ours);
    }

    #[test]
    fn an_index_without_its_meta_file_is_recognised() {
        let seg = "0123456789abcdef0123456789abcdef";
        let names = ["gen-0123456789abcdef/", "meta.json", ".managed.json"];
        assert_eq!(state_of(&names), FolderState::Unmarked);
        let del = format!("{seg}.12.del");
        assert_eq!(state_of(&[&format!("{seg}.store"), &del, "chatlore-manifest.json"]), FolderState::Unmarked);
        assert!(matches!(state_of(&["meta.json", "gen-x/"]), FolderState::Foreign(_)));
    }

    #[test]
    fn a_users_meta_json_is_not_taken_for_tantivys() {
        // Named as tantivy names its files, holding something else: the user's.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("meta.json"), r#"{"name": "my project"}"#).unwrap();
        std::fs::write(dir.path().join(".managed.json"), "notes").unwrap();
        assert_eq!(folder_state(dir.path()).unwrap(), FolderState::Foreign("`.managed.json`, `meta.json`".into()));
        // In a folder chatlore made (its meta file there), the flat layout's clean-up keeps them.
        std::fs::write(dir.path().join(manifest::META_FILE), "{}").unwrap();
        std::fs::write(dir.path().join("0123456789abcdef0123456789abcdef.idx"), "x").unwrap();
        assert!(remove_ours(dir.path(), false).unwrap().is_empty());
        assert!(!dir.path().join("0123456789abcdef0123456789abcdef.idx").exists());
        assert_eq!(std::fs::read_to_string(dir.path().join("meta.json")).unwrap(), r#"{"name": "my project"}"#);
        assert_eq!(std::fs::read_to_string(dir.path().join(".managed.json")).unwrap(), "notes");
    }

    #[test]
    fn a_link_in_a_name_of_chatlores_is_removed_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("notes.txt");
        std::fs::write(&theirs, "precious").unwrap();
        for (name, truncate) in [(LOCK_FILE, false), (".chatlore-meta.json.tmp", true)] {
            let link = dir.path().join(name);
            std::os::unix::fs::symlink(&theirs, &link).unwrap();
            use std::io::Write;
            open_own_file(&link, truncate).unwrap().write_all(b"chatlore's").unwrap();
            assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "precious", "{name}");
            assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "{name}");
        }
    }

    /// tantivy's errors print Rust's debug form (`IoError(Os { code: 2, kind: NotFound, … })`);
    /// chatlore says them as sentences.
    #[test]
    fn tantivy_errors_are_said_as_sentences() {
        use tantivy::directory::error::{LockError, OpenReadError};
        use tantivy::TantivyError as T;
        let gone = || std::io::Error::from_raw_os_error(libc::ENOENT);
        let locked = T::LockFailure(LockError::wrap_io_error(gone()), None);
        assert!(locked.to_string().contains("Os {"), "tantivy's own: {locked}");
        let err = IndexError::Tantivy { path: "idx/gen-0123456789abcdef".into(), source: locked };
        assert_eq!(err.to_string(), "index in idx/gen-0123456789abcdef: its files are missing");
        let cases = [
            (T::LockFailure(LockError::LockBusy, Some("x".into())), "another process holds its lock"),
            (T::IoError(std::sync::Arc::new(gone())), "its files are missing"),
            (T::OpenReadError(OpenReadError::FileDoesNotExist("a.idx".into())), "its file a.idx is missing"),
            (
                T::OpenReadError(OpenReadError::wrap_io_error(
                    std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                    "a.store".into(),
                )),
                "its file a.store cannot be read: permission denied",
            ),
        ];
        for (e, said) in cases {
            assert_eq!(tantivy_reason(&e), said, "{e}");
        }
    }

    #[test]
    fn a_repair_command_names_the_folders_given_as_a_shell_reads_them() {
        let command = |a: &str, i: &str| command(Path::new(a), Path::new(i), "index");
        assert_eq!(command(DEFAULT_ARCHIVE, DEFAULT_INDEX), "chatlore index");
        assert_eq!(command("/data/chats", DEFAULT_INDEX), "chatlore --archive /data/chats index");
        assert_eq!(command(DEFAULT_ARCHIVE, "idx-swap"), "chatlore --index idx-swap index");
        assert_eq!(command("my chats", "../其他/idx"), "chatlore --archive 'my chats' --index ../其他/idx index");
        assert_eq!(command("it's", "$HOME/~x"), r#"chatlore --archive 'it'\''s' --index '$HOME/~x' index"#);
        assert_eq!(command("=x", ""), "chatlore --archive '=x' --index '' index");
    }

    #[test]
    fn removing_a_generation_keeps_what_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let gen = dir.path().join("gen-0123456789abcdef");
        std::fs::create_dir_all(gen.join("backup")).unwrap();
        for n in ["meta.json", "0123456789abcdef0123456789abcdef.idx", "chatlore-manifest.json", "NOTES.txt"] {
            std::fs::write(gen.join(n), "x").unwrap();
        }
        let mut left = remove_ours(&gen, true).unwrap();
        left.sort();
        assert_eq!(left, ["NOTES.txt", "backup"]);
        assert!(gen.join("NOTES.txt").exists() && !gen.join("meta.json").exists());
        std::fs::remove_dir(gen.join("backup")).unwrap();
        std::fs::remove_file(gen.join("NOTES.txt")).unwrap();
        assert!(remove_ours(&gen, true).unwrap().is_empty());
        assert!(!gen.exists());
    }
}
