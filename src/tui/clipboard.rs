//! The system clipboard through whichever command-line tool the machine has.

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

/// Whether copying can work here.
pub fn available() -> bool {
    tool().is_some()
}

/// Copies `text`; false if no tool could take it.
pub fn copy(text: &str) -> bool {
    let Some((cmd, args)) = tool() else { return false };
    let Ok(mut child) =
        Command::new(cmd).args(args).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).spawn()
    else {
        return false;
    };
    let wrote = child.stdin.take().is_some_and(|mut s| s.write_all(text.as_bytes()).is_ok());
    wrote && child.wait().is_ok_and(|s| s.success())
}
