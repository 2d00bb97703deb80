//! Copying a citation: the system clipboard through whichever command-line tool the machine
//! has, else an OSC 52 sequence written to the terminal (which works over SSH and, with
//! `set-clipboard on`, in tmux), else nothing (the app then shows the text to copy by hand).
//! `CHATLORE_CLIPBOARD=osc52` skips the tools, `CHATLORE_CLIPBOARD=off` copies nothing.

use super::action::CopyOutcome;
use base64::Engine as _;
use std::io::Write;
use std::process::{Command, Stdio};

/// Tools tried in order, with the environment variable that says their display is there.
const TOOLS: &[(&str, &[&str], Option<&str>)] = &[
    ("wl-copy", &[], Some("WAYLAND_DISPLAY")),
    ("xclip", &["-selection", "clipboard"], Some("DISPLAY")),
    ("xsel", &["--clipboard", "--input"], Some("DISPLAY")),
    ("pbcopy", &[], None),
];

fn tool() -> Option<(&'static str, &'static [&'static str])> {
    TOOLS.iter().find_map(|(cmd, args, env)| {
        let display_ok = env.is_none_or(|v| std::env::var_os(v).is_some());
        (display_ok && on_path(cmd)).then_some((*cmd, *args))
    })
}

fn on_path(cmd: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file()))
}

/// Copies `text` through a clipboard tool; false if none could take it.
fn with_tool(cmd: &str, args: &[&str], text: &str) -> bool {
    let Ok(mut child) =
        Command::new(cmd).args(args).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()
    else {
        return false;
    };
    let wrote = child.stdin.take().is_some_and(|mut s| s.write_all(text.as_bytes()).is_ok());
    wrote && child.wait().is_ok_and(|s| s.success())
}

/// The OSC 52 sequence that asks a terminal to put `text` on its clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Copies `text` through a clipboard tool. `Osc52` when no tool took it but the terminal may
/// (the caller, which owns the terminal, then writes it with [`send_osc52`]).
pub fn copy_with_tool(text: &str) -> CopyOutcome {
    let mode = std::env::var("CHATLORE_CLIPBOARD").unwrap_or_default();
    if mode == "off" {
        return CopyOutcome::Failed("copying is off (CHATLORE_CLIPBOARD=off)".into());
    }
    if mode != "osc52" {
        if let Some((cmd, args)) = tool() {
            if with_tool(cmd, args, text) {
                return CopyOutcome::Tool(cmd.into());
            }
        }
    }
    let term = std::env::var("TERM").unwrap_or_default();
    if term == "dumb" || term == "linux" {
        return CopyOutcome::Failed(format!("no clipboard tool, and TERM={term} cannot take OSC 52"));
    }
    CopyOutcome::Osc52
}

/// Writes the OSC 52 sequence of `text` to `terminal`: `Osc52` when it was written.
pub fn send_osc52(text: &str, terminal: &mut impl Write) -> CopyOutcome {
    match terminal.write_all(osc52(text).as_bytes()).and_then(|_| terminal.flush()) {
        Ok(()) => CopyOutcome::Osc52,
        Err(e) => CopyOutcome::Failed(format!("no clipboard tool, and the terminal could not be written: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_the_text_in_base64() {
        assert_eq!(osc52("对账"), "\x1b]52;c;5a+56LSm\x07");
    }
}
