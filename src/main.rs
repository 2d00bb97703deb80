//! `chatlore`: parse the arguments, run the command, map the outcome to an exit status
//! (0 ok or hits, 1 no hits, 2 error, as ripgrep does).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // No panic is expected anywhere; if one happens (a damaged index file tantivy trips on),
    // the user gets a clear message and exit status 2, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        // The engine turns this one into an error naming the damaged index.
        if chatlore::search::panic_is_caught() {
            return;
        }
        chatlore::tui::restore_terminal();
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("chatlore: internal error{at}: {}", panic_message(info.payload()));
        eprintln!("chatlore: if the index is damaged, `chatlore index --rebuild` rebuilds it from the archive");
    }));
    match std::panic::catch_unwind(|| cli::run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("chatlore: error: {e:#}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}
