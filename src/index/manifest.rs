//! What the index holds, kept beside it: the manifest (one entry per log: size, mtime, content
//! hash, messages, problems) drives incremental reindexing; the small meta file (schema
//! version, taxonomy, group names, totals) is all a search needs to read. Both are written
//! atomically, and the manifest only after the index commit it describes.

use crate::topics::Topic;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

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
    pub topics: Vec<Topic>,
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
}

/// Reads a JSON file; `Ok(None)` if it does not exist.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("{}: {e}", path.display())),
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
        let mut f = std::fs::File::create(&tmp)?;
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
    fn garbage_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(META_FILE);
        std::fs::write(&path, b"{not json").unwrap();
        let err = read::<Meta>(&path).unwrap_err();
        assert!(err.contains(META_FILE), "{err}");
    }
}
