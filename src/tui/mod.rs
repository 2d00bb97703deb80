//! The terminal browser (ratatui + crossterm), in the Elm shape: [`app::App`] is the state,
//! [`action::Action`] what can happen, `App::update` the one place state changes, [`ui`] pure
//! drawing, [`keymap`] keys → actions. The loop is generic over the ratatui backend (tests
//! drive it on `TestBackend`) and over where events come from.

pub mod action;
pub mod app;
mod clipboard;
mod filters;
pub mod input;
pub mod keymap;
pub mod layout;
mod recent;
mod render;
mod terminal;
mod theme;
pub mod ui;
mod worker;

use crate::watch::ArchiveWatcher;
use action::{Action, IndexEvent};
use anyhow::Result;
use app::{App, Effect};
use crossterm::event::{self, Event, KeyEventKind, KeyModifiers};
use ratatui::backend::Backend;
use ratatui::Terminal;
use std::path::Path;
use std::time::Duration;
use worker::Worker;

/// How often the loop wakes without input (worker reports, retries).
const TICK: Duration = Duration::from_millis(100);

/// Where events come from: the real terminal, or a script in tests.
pub trait Events {
    /// The next event, waiting at most `timeout`; `None` if none came.
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>>;
}

/// Events from the terminal (crossterm).
pub struct TerminalEvents;

impl Events for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>> {
        if event::poll(timeout)? {
            event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Gives the terminal back (raw mode off, main screen); harmless when it was never taken.
pub fn restore_terminal() {
    terminal::restore();
}

/// Opens the browser on an archive and its index; returns when the user quits.
pub fn run(archive: &Path, index: &Path) -> Result<()> {
    let (mut terminal, _guard) = terminal::init()?;
    let size = terminal.size()?;
    let mut app = App::new(archive.to_owned(), index.to_owned(), (size.width, size.height));
    let worker = Worker::new(archive.to_owned(), index.to_owned());
    // The first frame goes out before the index is opened or checked.
    let mut drawn = None;
    terminal.draw(|f| drawn = Some(ui::draw(f, &app)))?;
    app.drawn = drawn;
    // The archive is watched: logs that arrive, change or go are indexed once it is quiet.
    let mut watcher = match ArchiveWatcher::new(archive, Some(index)) {
        Ok(w) => Some(w),
        Err(e) => {
            app.note = Some(format!("not watching the archive: {e}"));
            None
        }
    };
    let recent_file = recent::file();
    if let Some(f) = &recent_file {
        app.recent = recent::load(f);
    }
    app.start();
    let result = run_loop(
        &mut terminal,
        &mut app,
        &mut TerminalEvents,
        |effect| match effect {
            Effect::StartIndex => {
                worker.start();
                None
            }
            Effect::Copy(text) => {
                let outcome = clipboard::copy(&text, &mut std::io::stdout());
                Some(Action::Copied { outcome, text })
            }
        },
        || {
            let mut actions: Vec<Action> = worker.rx.try_iter().map(Action::Index).collect();
            if watcher.as_mut().is_some_and(ArchiveWatcher::poll) {
                actions.push(Action::Index(IndexEvent::ArchiveChanged));
            }
            actions
        },
    );
    if let Some(f) = &recent_file {
        // Losing the list of recent searches is no reason to fail the session.
        let _ = recent::save(f, &app.recent);
    }
    result
}

/// The loop: carry out effects, draw, wait for events, update; until the app quits.
/// `effects` carries out what the app asks for (answering with an action when it has one);
/// `reports` drains the other event sources (the index worker, the archive watcher).
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl Events,
    mut effects: impl FnMut(Effect) -> Option<Action>,
    mut reports: impl FnMut() -> Vec<Action>,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    loop {
        // An effect's answer may ask for more effects (a copy that failed opens nothing new,
        // but a finished index may ask for another check).
        let mut pending = app.take_effects();
        while !pending.is_empty() {
            for e in pending {
                if let Some(answer) = effects(e) {
                    app.update(answer);
                }
            }
            pending = app.take_effects();
        }
        let mut drawn = None;
        terminal.draw(|f| drawn = Some(ui::draw(f, app)))?;
        app.drawn = drawn;
        if app.quit {
            return Ok(());
        }
        // Everything already waiting is applied before the next frame (fast typing, paste).
        let mut event = events.next(TICK)?;
        if event.is_none() {
            app.update(Action::Tick);
        }
        while let Some(e) = event {
            dispatch(app, e);
            if app.quit {
                break;
            }
            event = events.next(Duration::ZERO)?;
        }
        for report in reports() {
            app.update(report);
        }
    }
}

/// Turns a terminal event into actions.
pub fn dispatch(app: &mut App, event: Event) {
    match event {
        // Terminals send Esc then a key typed quickly after it as Alt+key: it means both.
        Event::Key(mut key) if key.kind != KeyEventKind::Release && key.modifiers.contains(KeyModifiers::ALT) => {
            app.update(Action::Back);
            key.modifiers.remove(KeyModifiers::ALT);
            dispatch(app, Event::Key(key));
        }
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            if let Some(a) = keymap::action(app.key_context(), key) {
                app.update(a);
            }
        }
        Event::Paste(text) if app.typing() => {
            for c in text.chars().filter(|c| !c.is_control()) {
                app.update(Action::Input(c));
            }
        }
        Event::Resize(w, h) => app.update(Action::Resize(w, h)),
        _ => {}
    }
}
