//! The terminal browser (ratatui + crossterm), in the Elm shape: [`app::App`] is the state,
//! [`action::Action`] what can happen, `App::update` the one place state changes, [`ui`] pure
//! drawing, [`keymap`] keys → actions. The loop is generic over the ratatui backend (tests
//! drive it on `TestBackend`) and over where events come from.

pub mod action;
pub mod app;
mod clipboard;
pub mod effect;
mod filters;
pub mod input;
pub mod keymap;
pub mod layout;
mod recent;
mod render;
mod terminal;
mod theme;
pub mod ui;
pub mod worker;

use crate::watch::ArchiveWatcher;
use action::{Action, CopyOutcome, IndexEvent};
use anyhow::Result;
use app::App;
use crossterm::event::{self, Event, KeyEventKind, KeyModifiers};
use effect::Effect;
use ratatui::backend::Backend;
use ratatui::Terminal;
use std::path::Path;
use std::time::Duration;
use worker::Worker;

/// How often the loop wakes without input (retries, the reload check).
const TICK: Duration = Duration::from_millis(100);
/// How often it looks for the worker's answers while it waits for one.
const ANSWER_POLL: Duration = Duration::from_millis(2);

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
    // The first frame goes out before the index is opened or checked.
    let mut drawn = None;
    terminal.draw(|f| drawn = Some(ui::draw(f, &app)))?;
    app.drawn = drawn;
    let worker = Worker::new(archive.to_owned(), index.to_owned());
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
    // A saved-searches file that does not parse is left as it is (and said so).
    let saved_file = recent::saved_file().filter(|f| match recent::load_saved(f) {
        Ok(saved) => {
            app.saved = saved;
            true
        }
        Err(e) => {
            app.alert = Some(format!("saved searches not loaded: {e}"));
            false
        }
    });
    let mut kept = (app.recent.clone(), app.saved.clone());
    // Saved searches whose write failed: tried again once they change again.
    let mut unwritten: Option<Vec<app::SavedSearch>> = None;
    let start = app.start();
    let result = run_loop(
        &mut terminal,
        &mut app,
        &mut TerminalEvents,
        start,
        |effect| {
            if !worker.send(effect) {
                return Some(Action::Answer(action::Answer::Panicked {
                    doing: "working".into(),
                    message: "the background worker stopped".into(),
                }));
            }
            None
        },
        || {
            let mut actions: Vec<Action> = worker
                .rx
                .try_iter()
                .map(|a| match a {
                    // OSC 52 goes to the terminal from here, the thread that draws on it.
                    Action::Copied { outcome: CopyOutcome::Osc52, text } => {
                        let outcome = clipboard::send_osc52(&text, &mut std::io::stdout());
                        Action::Copied { outcome, text }
                    }
                    other => other,
                })
                .collect();
            if watcher.as_mut().is_some_and(ArchiveWatcher::poll) {
                actions.push(Action::Index(IndexEvent::ArchiveChanged));
            }
            actions
        },
        |app| {
            // Written as soon as they change, not at quit: a terminal closed under the browser
            // (SIGHUP kills it) must not take a search just saved with it. A failed write is
            // said in the status bar; it is no reason to fail the session.
            if app.recent != kept.0 {
                // Over the file as it is now: another browser may have run searches since.
                let written = recent_file.as_ref().map(|f| recent::update(f, &kept.0, &app.recent, app::RECENT_MAX));
                kept.0.clone_from(&app.recent);
                if let Some(Err(e)) = written {
                    app.note = Some(format!("recent searches not written: {e}"));
                }
            }
            if app.saved != kept.1 && unwritten.as_ref() != Some(&app.saved) {
                // Over the file as it is now: another browser may have saved searches since.
                // What was written is the new base; after a failed write the changes stay
                // pending, and the next change writes them with its own.
                match saved_file.as_ref().map(|f| recent::update_saved(f, &kept.1, &app.saved)) {
                    Some(Ok(merged)) => {
                        app.saved.clone_from(&merged);
                        kept.1 = merged;
                        unwritten = None;
                    }
                    Some(Err(e)) => {
                        app.alert = Some(format!("saved searches not written: {e}"));
                        unwritten = Some(app.saved.clone());
                    }
                    None => kept.1.clone_from(&app.saved),
                }
            }
        },
    );
    result
}

/// The loop: hand effects to the runtime, draw, wait for events, update; until the app quits.
/// `start` are the effects to begin with; `effects` hands one to whoever carries it out (an
/// answer it has at once comes back); `reports` drains the other event sources (the worker's
/// answers, the archive watcher). While an answer is awaited the loop looks for it often, so
/// results show as soon as they come; typing is applied and drawn at once meanwhile. `keep`
/// sees the state after every round of updates (the runtime writes the user's lists there).
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl Events,
    start: Vec<Effect>,
    mut effects: impl FnMut(Effect) -> Option<Action>,
    mut reports: impl FnMut() -> Vec<Action>,
    mut keep: impl FnMut(&mut App),
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut pending = start;
    let mut last_tick = std::time::Instant::now();
    loop {
        while !pending.is_empty() {
            for e in std::mem::take(&mut pending) {
                if let Some(answer) = effects(e) {
                    pending.extend(app.update(answer));
                }
            }
        }
        keep(app);
        let mut drawn = None;
        terminal.draw(|f| drawn = Some(ui::draw(f, app)))?;
        app.drawn = drawn;
        if app.quit {
            return Ok(());
        }
        // Everything already waiting is applied before the next frame (fast typing, paste).
        let wait = if app.waiting() { ANSWER_POLL } else { TICK };
        let mut event = events.next(wait)?;
        // The clock ticks whether or not answers are awaited.
        if event.is_none() && last_tick.elapsed() >= TICK {
            last_tick = std::time::Instant::now();
            pending.extend(app.update(Action::Tick));
        }
        while let Some(e) = event {
            pending.extend(dispatch(app, e));
            if app.quit {
                break;
            }
            event = events.next(Duration::ZERO)?;
        }
        for report in reports() {
            pending.extend(app.update(report));
        }
    }
}

/// Turns a terminal event into actions and applies them; returns the effects they ask for.
pub fn dispatch(app: &mut App, event: Event) -> Vec<Effect> {
    match event {
        // Terminals send Esc then a key typed quickly after it as Alt+key: it means both.
        Event::Key(mut key) if key.kind != KeyEventKind::Release && key.modifiers.contains(KeyModifiers::ALT) => {
            let mut effects = app.update(Action::Back);
            key.modifiers.remove(KeyModifiers::ALT);
            effects.extend(dispatch(app, Event::Key(key)));
            effects
        }
        Event::Key(key) if key.kind != KeyEventKind::Release => match keymap::action(app.key_context(), key) {
            Some(a) => app.update(a),
            None => Vec::new(),
        },
        // Pasted where a list has the keyboard, it goes to the search box as typed characters
        // do (it was dropped).
        Event::Paste(text) => {
            let typing = app.typing();
            pasted(&text)
                .chars()
                .flat_map(|c| app.update(if typing { Action::Input(c) } else { Action::TypeSearch(c) }))
                .collect()
        }
        Event::Resize(w, h) => app.update(Action::Resize(w, h)),
        _ => Vec::new(),
    }
}

/// Pasted text as typed into a one-line input: line breaks, tabs and other control characters
/// separate words as a space does (a question pasted over two lines keeps its words apart),
/// each run of them one space, none at the end.
fn pasted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_control() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    out
}
