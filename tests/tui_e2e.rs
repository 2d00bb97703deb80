//! The browser end to end in a real terminal: tmux runs the binary on a fixture archive with
//! no index yet; the test types a query, checks hits and count on screen, opens a
//! conversation, quits, and checks the terminal was given back. Needs tmux (`.ci/run`
//! installs it); its absence is a failure, not a skip.

mod common;

use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(command: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("chatlore-e2e-{}", std::process::id());
        let t = Tmux { socket };
        let status = t
            .cmd(&["new-session", "-d", "-s", "e2e", "-x", &width.to_string(), "-y", &height.to_string(), command])
            .status()
            .expect("tmux must be installed for the end-to-end test (.ci/run installs it)");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-u", "-L", &self.socket, "-f", "/dev/null"]).args(args);
        c
    }

    fn screen(&self) -> String {
        let out = self.cmd(&["capture-pane", "-p", "-t", "e2e"]).output().expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        assert!(self.cmd(&[&["send-keys", "-t", "e2e"], keys].concat()).status().unwrap().success());
    }

    fn text(&self, text: &str) {
        assert!(self.cmd(&["send-keys", "-t", "e2e", "-l", text]).status().unwrap().success());
    }

    /// Waits until the screen satisfies `pred` (a real program takes real time to draw).
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

#[test]
fn search_open_a_conversation_and_quit_in_a_real_terminal() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let command = format!(
        "LANG=C.UTF-8 {} --archive {} --index {}; echo chatlore-exit=$?; sleep 60",
        env!("CARGO_BIN_EXE_chatlore"),
        arch.path().display(),
        idx.path().join("index").display()
    );
    let tmux = Tmux::start(&command, 100, 30);

    // No index yet: the browser draws at once and builds it in the background.
    tmux.wait_for("the index to be built", |s| s.contains("index ✓ 11 logs · 138 msgs"));
    tmux.wait_for("all messages listed", |s| s.contains("138 hits"));

    tmux.text("对账");
    let screen = tmux.wait_for("the hits of 对账", |s| s.contains("6 hits"));
    assert!(screen.contains("结果 Results · 6 hits"), "{screen}");
    assert!(screen.contains("切回来以后对账要注意"), "{screen}");
    assert!(screen.contains("payprod") && screen.contains("crossborder"), "{screen}");

    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the conversation", |s| s.contains("对话 2018-05-30"));
    assert!(screen.contains("▶ 09:07:40  林知远-银信支付-产品-上海"), "{screen}");
    assert!(screen.contains("离6月30日断直连只剩一个月了"), "the day around the hit: {screen}");

    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("chatlore to exit", |s| s.contains("chatlore-exit="));
    assert!(screen.contains("chatlore-exit=0"), "{screen}");
    assert!(!screen.contains("搜索 ›"), "the alternate screen is gone: {screen}");
}
