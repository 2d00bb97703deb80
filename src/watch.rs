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
    _watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    /// Set when a relevant event came; cleared when it is reported.
    pending_since: Option<Instant>,
    root: PathBuf,
    ignore: Option<PathBuf>,
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
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
        let root = canonical(archive);
        watcher.watch(&root, RecursiveMode::Recursive).map_err(err)?;
        Ok(ArchiveWatcher { _watcher: watcher, rx, pending_since: None, root, ignore: ignore.map(canonical) })
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
            let until = match self.pending_since {
                Some(t) => (t + QUIET).min(deadline),
                None => deadline,
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
