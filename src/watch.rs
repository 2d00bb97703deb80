//! Watching an archive folder for logs that arrive, change or go (notify). Events are
//! debounced: a change counts once the folder has been quiet for [`QUIET`], so a log still
//! being written is indexed when it is complete (and again if it changes after that).

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long the archive must be quiet before a change is acted on.
pub const QUIET: Duration = Duration::from_millis(300);

/// A running watch on an archive folder.
pub struct ArchiveWatcher {
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    /// Set when a relevant event came; cleared when it is reported.
    pending_since: Option<Instant>,
    /// The archive folder as given, its canonical path (what is watched), and its identity:
    /// a folder deleted and created again is a new folder, watched anew.
    given: PathBuf,
    root: PathBuf,
    identity: Option<(u64, u64)>,
    ignore: Option<PathBuf>,
}

/// Device and inode of a folder, `None` if it is not there.
fn identity(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        Some((0, u64::from(meta.is_dir())))
    }
}

/// `p` with its links resolved, as event paths are. A path that does not exist yet (an index
/// folder the first update creates) is resolved as far as it exists: its nearest existing
/// folder's canonical path joined with the rest; as given when none resolves.
fn canonical(p: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = p;
    loop {
        if let Ok(found) = std::fs::canonicalize(if at.as_os_str().is_empty() { Path::new(".") } else { at }) {
            return rest.iter().rev().fold(found, |path, name| path.join(name));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                at = parent;
            }
            _ => return p.to_owned(),
        }
    }
}

/// A watch that could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path}: {source}")]
pub struct WatchError {
    path: PathBuf,
    source: notify::Error,
}

impl ArchiveWatcher {
    /// Watches `archive` recursively. Events under `ignore` (an index folder placed inside
    /// the archive) do not count.
    pub fn new(archive: &Path, ignore: Option<&Path>) -> Result<ArchiveWatcher, WatchError> {
        let (tx, rx) = channel();
        let err = |source| WatchError { path: archive.into(), source };
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .map_err(err)?;
        // Watching the canonical path makes every event path canonical too, even for files
        // that are gone by the time the event is read.
        let root = canonical(archive);
        watcher.watch(&root, RecursiveMode::Recursive).map_err(err)?;
        Ok(ArchiveWatcher {
            watcher,
            rx,
            pending_since: None,
            given: archive.to_owned(),
            root,
            identity: identity(archive),
            ignore: ignore.map(canonical),
        })
    }

    /// The archive folder went, or came back as a new folder: that is a change, and a new
    /// folder is watched (a watch follows the folder it was set on, not its path).
    fn follow_replacement(&mut self) {
        let now = identity(&self.given);
        if now == self.identity {
            return;
        }
        if now.is_some() {
            let root = canonical(&self.given);
            let _ = self.watcher.unwatch(&self.root);
            if self.watcher.watch(&root, RecursiveMode::Recursive).is_err() {
                return; // tried again on the next call
            }
            self.root = root;
        }
        self.identity = now;
        self.pending_since = Some(Instant::now());
    }

    fn relevant(&self, event: &notify::Event) -> bool {
        if event.kind.is_access() {
            return false;
        }
        event.paths.iter().any(|p| {
            let ignored = self.ignore.as_ref().is_some_and(|i| p.starts_with(i));
            // Hidden below the archive root (editors' swap files, .git); the root's own
            // path may well hold a dot folder.
            let below = p.strip_prefix(&self.root).unwrap_or(p);
            let hidden = below.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
            !ignored && !hidden
        })
    }

    /// Drains the events that came; true once a change has been followed by [`QUIET`].
    pub fn poll(&mut self) -> bool {
        self.follow_replacement();
        while let Ok(event) = self.rx.try_recv() {
            if event.as_ref().is_ok_and(|e| self.relevant(e)) || event.is_err() {
                self.pending_since = Some(Instant::now());
            }
        }
        self.take_if_quiet()
    }

    /// Blocks until a change has been followed by [`QUIET`], or until `timeout` passes
    /// (returns false then), so a caller can check for a stop request in between.
    pub fn wait(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.follow_replacement();
            // Woken at least every QUIET: the archive folder itself may go and come back,
            // which its watch does not report.
            let until = match self.pending_since {
                Some(t) => (t + QUIET).min(deadline),
                None => (Instant::now() + QUIET).min(deadline),
            };
            match self.rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(event) => {
                    if event.as_ref().is_ok_and(|e| self.relevant(e)) || event.is_err() {
                        self.pending_since = Some(Instant::now());
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if self.take_if_quiet() {
                        return true;
                    }
                    if Instant::now() >= deadline {
                        return false;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    fn take_if_quiet(&mut self) -> bool {
        match self.pending_since {
            Some(t) if t.elapsed() >= QUIET => {
                self.pending_since = None;
                true
            }
            _ => false,
        }
    }
}
