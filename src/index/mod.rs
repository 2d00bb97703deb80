//! The tantivy index on disk: its schema, tokenizers, manifest, the incremental writer and
//! the reader. The index is a cache of the archive: anything wrong with it is fixed by
//! rebuilding from the archive, which is always safe.

pub mod manifest;
pub mod reader;
pub mod schema;
pub mod tokenize;
pub mod writer;

pub use reader::IndexHandle;
pub use writer::{update, Options, Progress, Summary};

use std::path::{Path, PathBuf};

/// What can go wrong with an index folder.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("no index in {0} yet: run `chatlore index` first")]
    Missing(PathBuf),
    #[error(
        "{0} is not a chatlore index (it holds files chatlore did not write); give --index an empty or new folder"
    )]
    Foreign(PathBuf),
    #[error("the index in {path} is damaged ({reason}); run `chatlore index` to rebuild it from the archive")]
    Damaged { path: PathBuf, reason: String },
    #[error("the index in {path} was built by another chatlore version (schema {found}, this one reads {expected}); run `chatlore index` to rebuild it")]
    Version { path: PathBuf, found: u32, expected: u32 },
    #[error("another chatlore process is indexing into {0}; wait for it to finish")]
    Busy(PathBuf),
    #[error("index folder {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    #[error("index in {path}: {source}")]
    Tantivy { path: PathBuf, source: tantivy::TantivyError },
}

/// How an index folder looks before we touch it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FolderState {
    /// Does not exist, or holds nothing but hidden files (a `.gitkeep`).
    Empty,
    /// Holds chatlore's meta file.
    Ours,
    /// Holds something else: never to be deleted.
    Foreign,
}

pub(crate) fn folder_state(dir: &Path) -> Result<FolderState, IndexError> {
    let io = |source| IndexError::Io { path: dir.into(), source };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FolderState::Empty),
        Err(e) => return Err(io(e)),
    };
    let mut visible = false;
    for entry in entries {
        let name = entry.map_err(io)?.file_name();
        if name == manifest::META_FILE {
            return Ok(FolderState::Ours);
        }
        visible |= !name.to_string_lossy().starts_with('.');
    }
    Ok(if visible { FolderState::Foreign } else { FolderState::Empty })
}
