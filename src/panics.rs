//! Panics out of tantivy on a damaged index file, caught where the index is read and turned
//! into errors. While a guarded call runs, panic hooks (the CLI's message, the browser's
//! terminal restore) stay quiet: the error that follows says what happened.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a panic happening now on this thread will be caught and turned into an error.
pub fn is_caught() -> bool {
    CATCHING.with(Cell::get)
}

/// Marks the current thread as guarded for good: a thread that only runs work for guarded
/// callers (the search threads), whose panics reach the caller's [`catch`].
pub(crate) fn guard_this_thread() {
    CATCHING.with(|c| c.set(true));
}

/// Runs `f`; a panic becomes `Err` with its message.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_hooks_are_told() {
        assert!(!is_caught());
        let r: Result<(), String> = catch(|| {
            assert!(is_caught());
            panic!("mid > len")
        });
        assert_eq!(r, Err("mid > len".to_owned()));
        assert!(!is_caught());
        assert_eq!(catch(|| 7), Ok(7));
    }
}
