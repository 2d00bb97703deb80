//! Copying a citation: the system clipboard through whichever command-line tool the machine
//! has, else an OSC 52 sequence written to the terminal (which works over SSH and, with
//! `set-clipboard on`, in tmux), else nothing (the app then shows the text to copy by hand).
//! `CHATLORE_CLIPBOARD=osc52` skips the tools, `CHATLORE_CLIPBOARD=off` copies nothing.

use super::action::CopyOutcome;
use base64::Engine as _;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Tools tried in order, with the environment variable that says their display is there.
const TOOLS: &[(&str, &[&str], Option<&str>)] = &[
    ("wl-copy", &[], Some("WAYLAND_DISPLAY")),
    ("xclip", &["-selection", "clipboard"], Some("DISPLAY")),
    ("xsel", &["--clipboard", "--input"], Some("DISPLAY")),
    ("pbcopy", &[], None),
];

/// The environment, as [`std::env::var_os`] reads it (tests give their own).
type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// The first tool on `PATH` whose display is there: its path and arguments.
fn tool(env: Env) -> Option<(PathBuf, &'static str, &'static [&'static str])> {
    TOOLS.iter().find_map(|(cmd, args, display)| {
        let display_ok = display.is_none_or(|v| env(v).is_some());
        if !display_ok {
            return None;
        }
        on_path(cmd, env).map(|path| (path, *cmd, *args))
    })
}

/// Where `cmd` is on `PATH`, if anywhere.
fn on_path(cmd: &str, env: Env) -> Option<PathBuf> {
    env("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(cmd)).find(|f| f.is_file()))
}

/// Copies `text` through a clipboard tool; false if none could take it.
fn with_tool(cmd: &Path, args: &[&str], text: &str) -> bool {
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
    copy_in(text, &|k| std::env::var_os(k))
}

/// [`copy_with_tool`] in the environment `env`.
fn copy_in(text: &str, env: Env) -> CopyOutcome {
    let var = |k| env(k).map(|v| v.to_string_lossy().into_owned()).unwrap_or_default();
    let mode = var("CHATLORE_CLIPBOARD");
    if mode == "off" {
        return CopyOutcome::Failed("copying is off (CHATLORE_CLIPBOARD=off)".into());
    }
    if mode != "osc52" {
        if let Some((path, cmd, args)) = tool(env) {
            if with_tool(&path, args, text) {
                return CopyOutcome::Tool(cmd.into());
            }
        }
    }
    let term = var("TERM");
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

    /// README, Browsing: `y` copies through `wl-copy`, `xclip`, `xsel` or `pbcopy` when one is
    /// there, else as OSC 52; `CHATLORE_CLIPBOARD=osc52` skips the tools; with neither
    /// (`TERM=dumb`, or `CHATLORE_CLIPBOARD=off`) nothing is copied and the app shows the text.
    #[test]
    fn a_tool_on_path_copies_unless_osc52_or_off_is_asked_and_a_dumb_terminal_takes_nothing() {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let took = bin.path().join("took");
        let xclip = bin.path().join("xclip");
        std::fs::write(&xclip, format!("#!/bin/sh\ncat > '{}'\n", took.display())).unwrap();
        std::fs::set_permissions(&xclip, std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = |vars: &[(&str, &str)]| {
            let _ = std::fs::remove_file(&took);
            let vars: Vec<(String, OsString)> = [("PATH", bin.path().as_os_str())]
                .into_iter()
                .chain(vars.iter().map(|(k, v)| (*k, std::ffi::OsStr::new(*v))))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let outcome = copy_in("对账", &|k| vars.iter().rev().find(|(name, _)| name == k).map(|(_, v)| v.clone()));
            (outcome, std::fs::read_to_string(&took).ok())
        };
        let tool = CopyOutcome::Tool("xclip".into());
        assert_eq!(copy(&[("DISPLAY", ":0"), ("TERM", "xterm")]), (tool, Some("对账".into())));
        assert_eq!(copy(&[("DISPLAY", ":0"), ("CHATLORE_CLIPBOARD", "osc52")]), (CopyOutcome::Osc52, None));
        assert_eq!(copy(&[("TERM", "xterm")]), (CopyOutcome::Osc52, None), "xclip needs a display");
        let off = copy(&[("DISPLAY", ":0"), ("CHATLORE_CLIPBOARD", "off")]);
        assert!(matches!(off, (CopyOutcome::Failed(_), None)), "{off:?}");
        let dumb = copy(&[("TERM", "dumb")]);
        assert!(matches!(&dumb, (CopyOutcome::Failed(why), None) if why.contains("TERM=dumb")), "{dumb:?}");
        let failing = bin.path().join("xsel");
        std::fs::write(&failing, "#!/bin/sh\nexit 1\n").unwrap();
        std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::remove_file(&xclip).unwrap();
        assert_eq!(copy(&[("DISPLAY", ":0")]), (CopyOutcome::Osc52, None), "a tool that fails: OSC 52");
    }

    #[test]
    fn osc52_encodes_the_text_in_base64() {
        assert_eq!(osc52("对账"), "\x1b]52;c;5a+56LSm\x07");
    }
}
