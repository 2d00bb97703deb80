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
    match cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("chatlore: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
