//! Terminal setup and, whatever happens, restoration: on quit (the guard's drop), on error
//! (the same drop, as the error unwinds the stack) and on panic (a hook restores first, so the
//! panic message is readable).

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};

/// Restores the terminal when dropped.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode, the alternate screen and bracketed paste; returns the terminal and its guard.
pub fn init() -> io::Result<(Terminal<CrosstermBackend<Stdout>>, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    TAKEN.store(true, Ordering::SeqCst);
    let guard = Guard;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((terminal, guard))
}

/// Whether this process took the terminal (so restoring it is ours to do).
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back; safe to call more than once, and a no-op if it was never taken.
pub fn restore() {
    if TAKEN.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(io::stdout(), DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic that is caught and turned into an error (by the worker, or by the engine on
        // a damaged index) is not the end: the browser goes on drawing and says what failed,
        // so the terminal stays as it is.
        if crate::panics::is_caught() {
            return;
        }
        restore();
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_an_error_and_leaves_the_terminal_alone() {
        install_panic_hook();
        TAKEN.store(true, Ordering::SeqCst);
        let r: Result<(), String> = crate::panics::catch(|| panic!("boom in the worker"));
        let still_taken = TAKEN.swap(false, Ordering::SeqCst);
        assert_eq!(r, Err("boom in the worker".to_owned()));
        assert!(still_taken, "the hook did not restore the terminal");
        assert_eq!(crate::panics::catch(|| 7), Ok(7));
    }
}
