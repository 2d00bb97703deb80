//! `chatlore`: parse the arguments, run the command, map the outcome to an exit status
//! (0 ok or hits, 1 no hits, 2 error, as ripgrep does).

/// `eprintln!` that cannot panic: with stderr's reader gone (`2>&1 | head -1`) a line of
/// stderr is lost, not the exit status (`eprintln!` panics on a closed pipe, and a panic hook
/// that prints does again: the process aborted, status 134).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // The folders as the user gave them, for the command that repairs the index.
    let (archive, index) = (cli.archive.clone(), cli.index.clone());
    let rebuild = chatlore::index::command(&archive, &index, "index --rebuild");
    // No panic is expected anywhere; if one happens (a damaged index file tantivy trips on),
    // the user gets a clear message and exit status 2, not a backtrace.
    std::panic::set_hook(Box::new(move |info| {
        // The engine turns this one into an error naming the damaged index.
        if chatlore::search::panic_is_caught() {
            return;
        }
        chatlore::tui::restore_terminal();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        say!("chatlore: internal error{at}: {}", panic_message(info.payload()));
        say!("chatlore: if the index is damaged, `{rebuild}` rebuilds it from the archive");
    }));
    match std::panic::catch_unwind(|| cli::run(cli)) {
        Ok(Ok(code)) => code,
        // Output cut short by its reader (`| head -1`) is not an error, as for ripgrep.
        Ok(Err(e)) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            let repair = cli::repair(&e, &archive, &index).map(|r| format!("; {r}")).unwrap_or_default();
            say!("chatlore: error: {}{repair}", cli::print::clean(&report(&e)));
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// The error and its causes, each said once: a cause whose text the message already holds
/// (an OS error a library quoted in its own message) is not repeated.
fn report(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain().map(ToString::to_string) {
        if out.contains(&cause) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&cause);
    }
    out
}

/// A write to a reader that has gone (`| head -1`), plain or inside serde_json's error (whose
/// `source` skips the io error it wraps).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == broken
            || c.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind) == broken
    })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
