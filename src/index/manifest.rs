//! What the index holds, kept beside it: the manifest (one entry per log: size, mtime, content
//! hash, messages, problems) drives incremental reindexing; the small meta file (schema
//! version, taxonomy, group names, totals) is all a search needs to read. Both are written
//! atomically, and the manifest only after the index commit it describes.

use crate::topics::Topic;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub const MANIFEST_FILE: &str = "chatlore-manifest.json";
pub const META_FILE: &str = "chatlore-meta.json";

/// The state of one log file as last indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    pub size: u64,
    pub mtime_ns: u64,
    /// Status-change time and inode: a copy with the old mtime (`cp -p`) changes these.
    #[serde(default)]
    pub ctime_ns: u64,
    #[serde(default)]
    pub ino: u64,
    /// xxh3-64 of the file's bytes, hex; empty when the file could not be read (it is
    /// read again on the next run).
    pub hash: String,
    pub messages: u64,
    /// Read, but not a chat log (binary, undecodable, no date): not read again until it changes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_a_log: bool,
    /// Warnings about the file (or the reason it could not be read at all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// Every indexed log, by archive-relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub fingerprint: String,
    /// The tantivy commit this manifest describes: an index ahead of it was interrupted
    /// between its commit and the manifest (repaired incrementally); one at it must hold
    /// exactly the manifest's messages.
    #[serde(default)]
    pub opstamp: Option<u64>,
    /// When the run that wrote this manifest started (ns since the epoch): a log modified
    /// at or after it may have changed again within the same mtime tick, so it is hashed.
    #[serde(default)]
    pub written_ns: u64,
    pub files: BTreeMap<String, FileState>,
    /// tantivy's segment files as they were when this manifest was written (by name): a file
    /// still so, and older than the manifest, passed its checksum or was written by chatlore
    /// itself, and is not read whole again (see `writer::try_open`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checked: BTreeMap<String, Stamp>,
}

/// What `stat` says of a file: any write, copy or replacement changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: u64,
    pub ctime_ns: u64,
    pub ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        // The same reading of the metadata as the archive's logs get.
        let f = crate::archive::LogFile::new(String::new(), std::path::PathBuf::new(), meta);
        Stamp { size: f.size, mtime_ns: f.mtime_ns, ctime_ns: f.ctime_ns, ino: f.ino }
    }
}

impl FileState {
    /// Whether the file was read and parsed as a chat log (not unreadable, not junk).
    pub fn is_log(&self) -> bool {
        !self.hash.is_empty() && !self.not_a_log
    }
}

impl Manifest {
    /// The manifest without the time it was written, to tell whether anything changed.
    pub fn without_time(&self) -> Manifest {
        Manifest { written_ns: 0, ..self.clone() }
    }
}

/// What a reader needs to know about an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub schema_version: u32,
    /// The generation folder holding tantivy's files; switching it (an atomic rename of this
    /// file) is how a rebuild replaces the old index.
    #[serde(default)]
    pub generation: Option<String>,
    /// The canonical path of the archive the index was built from.
    #[serde(default)]
    pub archive: String,
    /// Changes when anything that shapes the documents changes (schema, taxonomy, dictionary).
    pub fingerprint: String,
    /// Read by [`read`] (parsed on first use), not by `Meta`'s own `Deserialize`.
    #[serde(skip_deserializing)]
    pub topics: Topics,
    /// The glossary's entries (each a list of forms), for expanding query terms.
    #[serde(default)]
    pub glossary: Vec<Vec<String>>,
    /// The archive's corrections to the person model (`people.yaml`).
    #[serde(default)]
    pub people: crate::people::Rules,
    /// Group folder → display name, where the archive gives one.
    pub groups: BTreeMap<String, String>,
    /// Whether symbolic links leading outside the archive were followed (`index --follow`);
    /// updates that are not told otherwise do the same.
    #[serde(default)]
    pub follow: bool,
    pub files: u64,
    pub messages: u64,
    /// The documents (messages and discussions) tantivy's meta listed when this file was
    /// written: a reader that finds another number in a generation no indexer is changing
    /// finds it damaged (a hand-edited meta.json answered with a wrong count, exit 0).
    #[serde(default)]
    pub docs: Option<u64>,
    /// The opstamp of the tantivy commit `docs` counts: a commit with another was made after
    /// this file was written (by an indexer still running, or killed before it wrote this
    /// file), and is whole; its documents are not compared with `docs`.
    #[serde(default)]
    pub opstamp: Option<u64>,
}

/// The taxonomy's topics as a meta file holds them, parsed on first use: only `topic:`
/// filters, the topic lists, facets and pasted questions read them, and parsing their few
/// hundred strings was 4% of the instructions of a plain `chatlore search` (see BENCHMARKS.md,
/// "Whole-process search, session 8"). Compared, printed and written as the list itself.
#[derive(Clone, Default)]
pub struct Topics {
    /// The whole meta file, whose `topics` key is parsed on first use; `None` when the list
    /// was given parsed.
    json: Option<Arc<[u8]>>,
    parsed: OnceLock<Vec<Topic>>,
}

impl Topics {
    /// The topics, parsed now if they were not yet. The file was valid JSON when read (the
    /// whole meta file is parsed then), so this fails only on a list of another shape, which
    /// chatlore never writes; the list is then empty.
    pub fn get(&self) -> &[Topic] {
        self.parsed.get_or_init(|| {
            #[derive(Deserialize)]
            struct OnlyTopics {
                #[serde(default)]
                topics: Vec<Topic>,
            }
            let json = self.json.as_deref().unwrap_or(b"{}");
            serde_json::from_slice::<OnlyTopics>(json).map(|t| t.topics).unwrap_or_default()
        })
    }
}

impl From<Vec<Topic>> for Topics {
    fn from(topics: Vec<Topic>) -> Topics {
        Topics { json: None, parsed: OnceLock::from(topics) }
    }
}

impl std::ops::Deref for Topics {
    type Target = [Topic];
    fn deref(&self) -> &[Topic] {
        self.get()
    }
}

impl<'a> IntoIterator for &'a Topics {
    type Item = &'a Topic;
    type IntoIter = std::slice::Iter<'a, Topic>;
    fn into_iter(self) -> Self::IntoIter {
        self.get().iter()
    }
}

impl PartialEq for Topics {
    fn eq(&self, other: &Topics) -> bool {
        self.get() == other.get()
    }
}

impl Eq for Topics {}

impl std::fmt::Debug for Topics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.get()).finish()
    }
}

impl Serialize for Topics {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(s)
    }
}

/// A JSON file chatlore keeps beside the index, and how its bytes become the value.
pub trait JsonFile: DeserializeOwned {
    /// The value the file's bytes hold: by default all of it, parsed now.
    fn from_json(bytes: Vec<u8>) -> serde_json::Result<Self> {
        serde_json::from_slice(&bytes)
    }
}

impl JsonFile for Manifest {}

impl JsonFile for Meta {
    /// Everything but the topics parsed now (and the whole file checked as JSON); the topics
    /// when first asked for.
    fn from_json(bytes: Vec<u8>) -> serde_json::Result<Meta> {
        let mut meta: Meta = serde_json::from_slice(&bytes)?;
        meta.topics = Topics { json: Some(bytes.into()), parsed: OnceLock::new() };
        Ok(meta)
    }
}

/// The bytes of a file chatlore keeps beside the index: only a regular file is read (a FIFO
/// in its place would block every search and `index` forever, `/dev/zero` fill the memory).
pub(crate) fn read_own(path: &Path) -> std::io::Result<Vec<u8>> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
    }
    std::fs::read(path)
}

/// Reads a JSON file; `Ok(None)` if it does not exist.
pub fn read<T: JsonFile>(path: &Path) -> Result<Option<T>, String> {
    match read_own(path) {
        Ok(bytes) => T::from_json(bytes).map(Some).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The temporary file `write` renames into `path`: hidden, so that another process looking at
/// the folder meanwhile never takes it for a file of someone else's.
pub fn temporary(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp"))
}

/// Writes a JSON file atomically: a temporary file, flushed, then renamed over the old one.
pub fn write<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let tmp = temporary(path);
    {
        let mut f = super::open_own_file(&tmp, true)?;
        serde_json::to_writer(&mut f, value)?;
        f.flush()?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// xxh3-64 of `bytes` as 16 hex digits.
pub fn hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_read_round_trips_and_missing_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_FILE);
        assert_eq!(read::<Manifest>(&path).unwrap(), None);
        let mut m = Manifest { fingerprint: "f".into(), ..Manifest::default() };
        m.files.insert(
            "g/a.md".into(),
            FileState {
                size: 1,
                mtime_ns: 2,
                ctime_ns: 4,
                ino: 5,
                hash: hash(b"x"),
                messages: 3,
                not_a_log: false,
                problems: vec![],
            },
        );
        write(&path, &m).unwrap();
        assert_eq!(read::<Manifest>(&path).unwrap(), Some(m));
        assert!(!temporary(&path).exists());
        assert!(temporary(&path).file_name().unwrap().to_string_lossy().starts_with('.'));
    }

    #[test]
    fn a_meta_files_topics_are_read_when_first_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(META_FILE);
        let topics = crate::topics::Taxonomy::builtin().topics;
        assert!(!topics.is_empty());
        let meta = Meta { fingerprint: "f".into(), topics: topics.clone().into(), messages: 3, ..Meta::default() };
        write(&path, &meta).unwrap();
        // The file holds the list itself (the format older chatlore writes and reads).
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(json["topics"], serde_json::to_value(&topics).unwrap());
        let back = read::<Meta>(&path).unwrap().unwrap();
        assert_eq!(back.topics.get(), topics.as_slice());
        assert_eq!(back, meta);
        assert_eq!(back.messages, 3);
        // A meta file without a `topics` key (chatlore always writes one) reads with none.
        std::fs::write(&path, br#"{"schema_version":7,"fingerprint":"f","groups":{},"files":0,"messages":0}"#).unwrap();
        assert!(read::<Meta>(&path).unwrap().unwrap().topics.is_empty());
        // Another meta file's topics are another list.
        let other = Meta { topics: topics[1..].to_vec().into(), ..meta.clone() };
        assert_ne!(other, meta);
    }

    #[test]
    fn garbage_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(META_FILE);
        std::fs::write(&path, b"{not json").unwrap();
        let err = read::<Meta>(&path).unwrap_err();
        assert!(err.contains(META_FILE), "{err}");
    }
}
