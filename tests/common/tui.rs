//! The browser driven as the runtime drives it, minus the thread: every effect that reads the
//! index or the disk is carried out at once by the worker's own executor, so a test sees the
//! state the user sees once the answers are in. Indexing and copying are kept for the test to
//! inspect (`take_effects`) and answer.

use chatlore::tui::action::Action;
use chatlore::tui::app::App;
use chatlore::tui::dispatch;
use chatlore::tui::effect::Effect;
use chatlore::tui::worker::{settle, Executor};
use crossterm::event::Event;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::sync::mpsc::{channel, Receiver};

pub struct TestApp {
    pub app: App,
    pub executor: Executor,
    /// Index reports of the executor's indexing thread (tests answer indexing themselves).
    pub reports: Receiver<Action>,
    outside: Vec<Effect>,
}

impl Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

impl TestApp {
    pub fn new(archive: &Path, index: &Path, size: (u16, u16)) -> TestApp {
        let (tx, reports) = channel();
        TestApp {
            app: App::new(archive.to_owned(), index.to_owned(), size),
            executor: Executor::new(archive.to_owned(), index.to_owned(), tx),
            reports,
            outside: Vec::new(),
        }
    }

    /// Starts the browser: the index opened (when there is one) and listed.
    pub fn start(&mut self) {
        let effects = self.app.start();
        self.run(effects);
    }

    /// Applies an action and carries out what it asks for.
    pub fn update(&mut self, action: Action) {
        let effects = self.app.update(action);
        self.run(effects);
    }

    /// A terminal event, as the loop dispatches it.
    pub fn dispatch(&mut self, event: Event) {
        let effects = dispatch(&mut self.app, event);
        self.run(effects);
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        let outside = settle(&mut self.app, &mut self.executor, effects);
        self.outside.extend(outside);
    }

    /// The indexing and copying asked for since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.outside)
    }
}
