//! Indexing in the background: one thread at a time runs `index::update` and reports through
//! a channel, so the browser keeps drawing and answering keys while logs are indexed.

use super::action::IndexEvent;
use super::terminal::catching;
use crate::index::{self, IndexError, Options, Progress};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;

/// Runs index updates off the UI thread.
pub struct Worker {
    archive: PathBuf,
    index: PathBuf,
    tx: Sender<IndexEvent>,
    pub rx: Receiver<IndexEvent>,
    running: Arc<AtomicBool>,
}

struct ToChannel(Sender<IndexEvent>);

impl Progress for ToChannel {
    fn start(&self, files: u64) {
        let _ = self.0.send(IndexEvent::Started(files));
    }

    fn advance(&self, files: u64) {
        let _ = self.0.send(IndexEvent::Advanced(files));
    }
}

impl Worker {
    pub fn new(archive: PathBuf, index: PathBuf) -> Worker {
        let (tx, rx) = channel();
        Worker { archive, index, tx, rx, running: Arc::new(AtomicBool::new(false)) }
    }

    /// Starts an update unless one is running.
    pub fn start(&self) {
        if self.running.swap(true, Ordering::SeqCst) {
            return;
        }
        let (archive, index, tx, running) =
            (self.archive.clone(), self.index.clone(), self.tx.clone(), Arc::clone(&self.running));
        std::thread::spawn(move || {
            // A panic is reported like any failure; the browser keeps the terminal and goes on.
            let result = catching(|| index::update(&archive, &index, &Options::default(), &ToChannel(tx.clone())));
            running.store(false, Ordering::SeqCst);
            let _ = tx.send(match result {
                Ok(Ok(summary)) => IndexEvent::Finished(Box::new(summary)),
                Ok(Err(IndexError::Busy(_))) => IndexEvent::Busy,
                Ok(Err(e)) => IndexEvent::Failed(e.to_string()),
                Err(panic) => IndexEvent::Failed(format!("indexing stopped on an internal error: {panic}")),
            });
        });
    }
}
