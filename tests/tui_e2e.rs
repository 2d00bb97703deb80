//! The browser end to end in a real terminal: tmux runs the binary on a fixture archive and
//! the tests type, read the screen (with attributes where a selection matters), wait past
//! every timer (the 2 s reload tick) and read again. Without tmux they skip with a notice,
//! unless `CHATLORE_REQUIRE_SHARED=1` (then its absence is a failure).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Longer than every timer in the browser (the reload tick is 2 s, the watcher's quiet 0.3 s).
const PAST_EVERY_TIMER: Duration = Duration::from_millis(2600);

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a detached session; None (with a notice) when there is no tmux.
    fn start(name: &str, command: &str, width: u16, height: u16) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(!require_shared(), "CHATLORE_REQUIRE_SHARED=1 but tmux is not installed");
            println!("skipping: tmux not found");
            return None;
        }
        let t = Tmux { socket: format!("chatlore-e2e-{}-{name}", std::process::id()) };
        let size = [width.to_string(), height.to_string()];
        let status = t
            .cmd(&["new-session", "-d", "-s", "e2e", "-x", &size[0], "-y", &size[1], command])
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Some(t)
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-u", "-L", &self.socket, "-f", "/dev/null"]).args(args);
        c
    }

    fn capture(&self, attributes: bool) -> String {
        let args: &[&str] =
            if attributes { &["capture-pane", "-e", "-p", "-t", "e2e"] } else { &["capture-pane", "-p", "-t", "e2e"] };
        let out = self.cmd(args).output().expect("capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.capture(false)
    }

    /// At a person's pace: waits past every timer of the browser, then checks that the screen's
    /// body (all but the status bar, which times each search: see [`body`]) is still `screen`.
    fn holds_still(&self, screen: &str, what: &str) {
        std::thread::sleep(PAST_EVERY_TIMER);
        assert_eq!(body(&self.screen()), body(screen), "{what}");
    }

    /// The rows drawn in the selection's background (plain text).
    fn selected_rows(&self) -> Vec<String> {
        self.selected_rows_and_screen().0
    }

    /// [`Tmux::selected_rows`] and the screen as plain text, of one capture: two captures can
    /// show two frames.
    fn selected_rows_and_screen(&self) -> (Vec<String>, String) {
        let ansi = regex_lite_strip;
        let captured = self.capture(true);
        let rows = captured.lines().filter(|l| l.contains("48;2;40;52;70")).map(ansi).collect();
        (rows, captured.lines().map(ansi).collect::<Vec<_>>().join("\n"))
    }

    fn keys(&self, keys: &[&str]) {
        assert!(self.cmd(&[&["send-keys", "-t", "e2e"], keys].concat()).status().unwrap().success());
    }

    fn text(&self, text: &str) {
        assert!(self.cmd(&["send-keys", "-t", "e2e", "-l", text]).status().unwrap().success());
    }

    /// Waits until the screen satisfies `pred` (a real program takes real time to draw), and
    /// returns it once it holds still: a frame half written is not a screen to compare.
    fn wait_for(&self, what: &str, mut pred: impl FnMut(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                let settled = self.settled();
                if pred(&settled) {
                    return settled;
                }
                continue;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The screen once two reads 100 ms apart agree: not one read while a frame is being
    /// written (tmux shows a frame's first rows with the last frame's rows below them).
    fn settled(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last = self.screen();
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let now = self.screen();
            if now == last {
                return now;
            }
            assert!(Instant::now() < deadline, "the screen never held still:\n{now}");
            last = now;
        }
    }

    /// Waits for chatlore to exit, checks that it exited with status 0; returns the screen.
    fn exits_cleanly(&self) -> String {
        let screen = self.wait_for("chatlore to exit", |s| s.contains("chatlore-exit="));
        assert!(screen.contains("chatlore-exit=0"), "{screen}");
        screen
    }

    /// Waits until the rows drawn in the selection's background satisfy `pred`; returns them.
    fn wait_for_selected(&self, what: &str, pred: impl Fn(&Vec<String>) -> bool) -> Vec<String> {
        let mut rows = Vec::new();
        self.wait_for(what, |_| {
            rows = self.selected_rows();
            pred(&rows)
        });
        rows
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]).status();
    }
}

/// A captured line without its escape sequences.
fn regex_lite_strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The shell command that runs the browser and reports its exit status. Recent searches go
/// to a data folder beside the index folder (not the user's).
fn browser(archive: &Path, index: &Path, env: &str) -> String {
    format!(
        "LANG=C.UTF-8 CHATLORE_DATA_DIR={}.data {env} {} --archive {} --index {}; echo chatlore-exit=$?; sleep 60",
        index.display(),
        env!("CARGO_BIN_EXE_chatlore"),
        archive.display(),
        index.display()
    )
}

/// Switches the results to one row per message (`m`) once the browser is ready.
fn to_messages(tmux: &Tmux) {
    tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs") && s.contains("讨论 Discussions"));
    tmux.keys(&["Enter", "m", "/"]);
    tmux.wait_for("message rows", |s| s.contains("结果 Results · 146 hits"));
}

/// The demo archive copied into a temp folder, indexed into `index` in another (whose
/// `index.data` then holds the browser's recent searches).
fn demo_copy() -> (tempfile::TempDir, tempfile::TempDir) {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    index(arch.path(), &idx.path().join("index"));
    (arch, idx)
}

#[test]
fn search_open_a_conversation_and_quit_in_a_real_terminal() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let command = browser(arch.path(), &idx.path().join("index"), "");
    let Some(tmux) = Tmux::start("flow", &command, 100, 30) else { return };

    // No index yet: the browser draws at once and builds it in the background; the results
    // list discussions.
    tmux.wait_for("the index built and every discussion listed", |s| {
        s.contains("index ✓ 12 logs · 146 msgs") && s.contains("讨论 Discussions · 18 ")
    });

    tmux.text("对账");
    // The whole expected state, not just the count: title, rows and status bar.
    let screen = tmux.wait_for("the discussions of 对账", |s| {
        s.contains("讨论 Discussions · 5 · best first")
            && s.contains("2018-01-10 crossborder 09:15–09:36 · 9 msgs · 4 people · ")
            && s.contains("2018-05-30 payprod 09:00–09:16 · 9 msgs · 8 people · ")
            && s.contains(" 6 hits · ")
    });
    assert!(screen.contains("crossborder"), "{screen}");

    // Enter opens the first discussion: its day, its span marked in the margin.
    tmux.keys(&["Enter"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the discussion opened", |s| {
        s.contains("对话 2018-01-10") && s.contains(" · discussion ") && s.contains("┃")
    });
    assert!(screen.contains("▶ "), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the discussions again", |s| s.contains("讨论 Discussions · 5"));

    // m: one row per message.
    tmux.keys(&["m"]);
    tmux.wait_for("the hits of 对账", |s| s.contains("结果 Results · 6 hits") && s.contains("payprod"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the conversation", |s| {
        s.contains("对话 2018-01-10") && s.contains("▶ 09:33:26") && s.contains("汇兑损益单独记科目")
    });
    assert!(screen.contains("▶ 09:33:26  方圆-央结中心-清算"), "{screen}");

    tmux.keys(&["Escape"]);
    tmux.wait_for("the results again", |s| s.contains("结果 Results · 6 hits"));
    tmux.keys(&["q"]);
    let screen = tmux.exits_cleanly();
    assert!(!screen.contains("搜索 ›"), "the alternate screen is gone: {screen}");
}

#[test]
fn reading_holds_still_and_a_real_commit_keeps_the_selection_and_the_conversation() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("still", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    to_messages(&tmux);
    tmux.text("对账");
    tmux.wait_for("the hits of 对账", |s| s.contains("结果 Results · 6 hits") && s.contains(" 6 hits · "));
    tmux.keys(&["Enter", "j", "j"]);
    let third = "切回来以后对账要注意";
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tmux.selected_rows().iter().any(|r| r.contains(third)) {
        assert!(Instant::now() < deadline, "the third hit is not selected: {:?}", tmux.selected_rows());
        std::thread::sleep(Duration::from_millis(100));
    }
    let before = tmux.screen();
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.screen(), before, "nothing changed on disk: the screen holds still");
    let rows = tmux.selected_rows();
    assert!(rows.len() == 1 && rows[0].contains(third), "the selection stays: {rows:?}");

    // Into the conversation, the cursor one message down; it holds still too.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the conversation", |s| s.contains("对话 2018-05-30") && s.contains("▶ "));
    tmux.keys(&["j"]);
    std::thread::sleep(Duration::from_millis(300));
    let reading = tmux.screen();
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.screen(), reading, "the conversation holds still");

    // A real change: a new log arrives; the watcher indexes it, counts update, and the
    // conversation stays on the same message at the same scroll.
    write(
        arch.path(),
        "payprod/_posts/2018-06-01-chat.markdown",
        log("2018-06-01", &[("09:00:00", "新人", "新来的，请教对账文件怎么拿")]),
    );
    let after = tmux.wait_for("the new log indexed", |s| s.contains("index ✓ 13 logs · 147 msgs"));
    let body = |s: &str| s.lines().take(29).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(body(&after), body(&reading), "the conversation did not move");
    tmux.holds_still(&reading, "nothing moved");

    tmux.keys(&["Escape"]);
    tmux.wait_for("the results with the new hit", |s| s.contains("结果 Results · 7 hits"));
    let rows = tmux.selected_rows();
    assert!(rows.len() == 1 && rows[0].contains(third), "the selection stayed on its message: {rows:?}");
    tmux.keys(&["/", "C-k"]);
    tmux.text("新来的");
    tmux.wait_for("the new message searchable", |s| s.contains("结果 Results · 1 hit ") && s.contains("请教对账文件"));
}

#[test]
fn the_split_view_previews_the_selection_and_says_when_there_is_none() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("split", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    to_messages(&tmux);
    tmux.text("对账");
    let screen = tmux.wait_for("the first hit previewed as typed", |s| {
        s.contains("结果 Results · 6 hits") && s.contains("对话 2018-01-10") && s.contains("▶ 09:33:26")
    });
    let border = screen.lines().nth(2).unwrap_or_default();
    let results_width = border.find("┐┌").map_or(0, |i| unicode_width::UnicodeWidthStr::width(&border[..i]) + 1);
    assert!(results_width * 100 >= 140 * 55, "the results keep at least 55% of the width: {results_width}");
    tmux.keys(&["Enter", "j"]);
    tmux.wait_for("the second hit previewed", |s| s.contains("对话 2017-08-16") && s.contains("▶ 10:40:18"));
    tmux.keys(&["j"]);
    tmux.wait_for("the third hit previewed", |s| s.contains("对话 2018-05-30") && s.contains("▶ 09:07:40"));
    // Typed in the results list: it goes to the search box.
    tmux.text("量子纠缠");
    let none = |s: &str| {
        s.contains("结果 Results · 0 hits")
            && s.contains("No hits: nothing to show.")
            && !s.contains("match ")
            && !s.contains("对话 2")
    };
    tmux.wait_for("the no-hits state", none);
    std::thread::sleep(PAST_EVERY_TIMER);
    let screen = tmux.screen();
    assert!(none(&screen), "{screen}");
    assert!(screen.contains("搜索 › 对账量子纠缠"), "{screen}");
}

#[test]
fn y_copies_the_message_under_the_cursor_and_esc_never_quits() {
    let (arch, idx) = demo_copy();
    let command = browser(arch.path(), &idx.path().join("index"), "CHATLORE_CLIPBOARD=osc52");
    let Some(tmux) = Tmux::start("cite", &command, 100, 30) else { return };
    // tmux takes OSC 52 from the program into its paste buffer.
    assert!(tmux.cmd(&["set", "-g", "set-clipboard", "on"]).status().unwrap().success());
    to_messages(&tmux);
    // Its first hit (方圆, 10:06:31) has messages after it in its day.
    tmux.text("锁汇");
    tmux.wait_for("the hits", |s| s.contains("结果 Results · 2 hits") && s.contains("远期结售汇"));
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("the conversation", |s| s.contains("对话 2018-01-09") && s.contains("▶ 10:06:31"));
    tmux.keys(&["j", "y"]);
    tmux.wait_for("the copy reported", |s| s.contains("citation sent to the terminal's clipboard (OSC 52)"));
    let buffer = |t: &Tmux| String::from_utf8_lossy(&t.cmd(&["show-buffer"]).output().unwrap().stdout).into_owned();
    let one = buffer(&tmux);
    assert!(one.starts_with("2018-01-09 ") && one.contains("(crossborder/_posts/2018-01-09-chat.markdown:"), "{one}");
    assert!(!one.contains("锁汇要跟合作银行"), "the message under the cursor, not the hit: {one}");
    assert_eq!(one.lines().count(), 1, "{one}");

    tmux.keys(&["k", "v", "j", "j"]);
    tmux.wait_for("the range marked", |s| s.contains("3 marked"));
    tmux.keys(&["y"]);
    tmux.wait_for("the range copied", |s| s.contains("citation of 3 messages sent"));
    let range = buffer(&tmux);
    assert_eq!(range.lines().count(), 3, "{range}");
    assert!(range.lines().next().unwrap().contains("锁汇要跟合作银行"), "{range}");

    // Esc backs out to the search box and stays there: q is then typed, not a quit.
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    tmux.keys(&["q"]);
    tmux.wait_for("q typed into the search box", |s| s.contains("搜索 › 锁汇q"));
    std::thread::sleep(PAST_EVERY_TIMER);
    assert!(!tmux.screen().contains("chatlore-exit="), "still running");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

#[test]
fn recent_searches_are_kept_across_runs() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let command = browser(arch.path(), &index, "");
    {
        let Some(tmux) = Tmux::start("recent1", &command, 100, 30) else { return };
        tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
        tmux.text("对账");
        tmux.wait_for("the hits", |s| s.contains("讨论 Discussions · 5") && s.contains(" 6 hits · "));
        tmux.keys(&["Enter"]);
        tmux.keys(&["q"]);
        tmux.wait_for("chatlore to exit", |s| s.contains("chatlore-exit=0"));
    }
    let kept = std::fs::read_to_string(format!("{}.data/recent-searches", index.display())).unwrap();
    assert_eq!(kept, "对账\n");
    let Some(tmux) = Tmux::start("recent2", &command, 100, 30) else { return };
    tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
    tmux.keys(&["Up"]);
    tmux.wait_for("the last run's search back", |s| s.contains("搜索 › 对账") && s.contains("讨论 Discussions · 5"));
}

#[test]
fn discussions_in_a_real_terminal_hold_still_and_toggle_with_messages() {
    let (arch, idx) = demo_copy();
    let command = browser(arch.path(), &idx.path().join("index"), "");
    let Some(tmux) = Tmux::start("disc", &command, 100, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| s.contains("讨论 Discussions · 5") && s.contains(" 6 hits · "));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("discussion rows", |s| s.contains("讨论 Discussions") && s.contains(" msgs · "));
    assert!(screen.contains("people · "), "{screen}");
    let first = tmux.wait_for_selected("the first discussion selected", |rows| rows.len() == 2);
    tmux.keys(&["j"]);
    // Another discussion's rows: the first one's still satisfy every other test of a selection.
    tmux.wait_for_selected("the second discussion selected", |rows| {
        rows.len() == 2 && rows[0].contains(" msgs · ") && *rows != first
    });
    let before = tmux.selected_rows();
    // The selected row and the best line under it, both in the selection's background.
    assert_eq!(before.len(), 2, "{before:?}");
    assert!(before[1].contains("对账"), "{before:?}");
    let screen = tmux.screen();
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.selected_rows(), before, "the selection holds still");
    assert_eq!(tmux.screen(), screen, "nothing moved");

    tmux.keys(&["m"]);
    tmux.wait_for("messages again", |s| s.contains("结果 Results · 6 hits") && !s.contains(" msgs · "));
    tmux.keys(&["m"]);
    tmux.wait_for("discussions again", |s| s.contains("讨论 Discussions") && s.contains(" msgs · "));
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

/// A discussion's title is highlighted where the query matched, as its best line and the
/// message hits are (`capture-pane -e`: the match style), from the core's highlights; and it
/// holds still past every timer.
#[test]
fn a_discussion_title_highlights_the_query_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let command = browser(arch.path(), &idx.path().join("index"), "");
    // Wide enough for whole titles in the results pane.
    let Some(tmux) = Tmux::start("disc-title", &command, 200, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.text("路由");
    tmux.wait_for("the discussions of 路由", |s| s.contains("按什么维度做路由") && s.contains("三层路由的示意图"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("discussion rows", |s| s.contains("讨论 Discussions") && s.contains(" msgs · "));
    std::thread::sleep(PAST_EVERY_TIMER);
    let captured = tmux.capture(true);
    // A row's title follows its `N people · ` (or `1 person · `), up to the pane's border.
    let titles: Vec<&str> = captured
        .lines()
        .filter_map(|l| {
            let at = l
                .find(" people · ")
                .map(|i| i + " people · ".len())
                .or_else(|| l.find(" person · ").map(|i| i + " person · ".len()))?;
            Some(l[at..].split('│').next().unwrap_or(""))
        })
        .collect();
    let plain = |t: &str| {
        t.split('\x1b')
            .enumerate()
            .map(|(i, p)| if i == 0 { p } else { p.split_once('m').map_or("", |x| x.1) })
            .collect::<String>()
    };
    let with_term: Vec<&&str> = titles.iter().filter(|t| plain(t).contains("路由")).collect();
    assert!(with_term.len() >= 2, "fewer than two titles hold 路由:\n{captured}");
    for title in &with_term {
        assert!(highlighted(title).iter().any(|p| p == "路由"), "{title:?}");
    }
    assert!(titles.iter().flat_map(|t| highlighted(t)).all(|p| p == "路由"), "{titles:?}");
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.capture(true), captured, "nothing moved");
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

/// A discussion matched by words in different messages (on the demo archive, 网联 and 牌照
/// are never in one message, but one discussion holds both, and none of its summary lines
/// does) shows, under its title, a matching message with the words highlighted
/// (`capture-pane -e`), not a summary line that matches nothing; and it holds still past every
/// timer.
#[test]
fn a_discussion_matched_across_messages_shows_a_highlighted_line_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let command = browser(arch.path(), &idx.path().join("index"), "");
    let Some(tmux) = Tmux::start("disc-across", &command, 200, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.text("网联 牌照");
    tmux.wait_for("the one discussion", |s| s.contains("讨论 Discussions · 1 ") && s.contains(" msgs · "));
    std::thread::sleep(PAST_EVERY_TIMER);
    let captured = tmux.capture(true);
    let lines: Vec<&str> = captured.lines().collect();
    let row = lines.iter().position(|l| l.contains(" msgs · ")).expect("a discussion row");
    // The results pane's part of the line under the row's title.
    let best = lines[row + 1].split('│').nth(1).unwrap_or_default();
    let marked = highlighted(best);
    assert!(!marked.is_empty(), "the row's line is highlighted:\n{captured}");
    assert!(marked.iter().all(|p| p == "网联" || p == "牌照"), "{marked:?}");
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.capture(true), captured, "nothing moved");
    tmux.keys(&["Enter", "q"]);
    tmux.exits_cleanly();
}

/// The day view (`D`), read at a person's pace: its title counts the logs it lists (the
/// demo's twelve all have messages), the newest day is selected in the selection's background,
/// `j` moves it, and after every timer has run out the selection and the screen are unchanged.
#[test]
fn the_day_view_in_a_real_terminal_counts_its_logs_and_holds_still() {
    let (arch, idx) = demo_copy();
    let command = browser(arch.path(), &idx.path().join("index"), "");
    let Some(tmux) = Tmux::start("days", &command, 100, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    // From the search box to the results, where `D` is a key and not a letter typed.
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("a discussion selected", |rows| !rows.is_empty());
    tmux.keys(&["D"]);
    let screen = tmux.wait_for("the day view", |s| s.contains("日历 Days · 12 logs with msgs on "));
    assert!(screen.contains("Enter opens"), "{screen}");
    // Newest first; the discussion selected behind the overlay keeps its background too.
    let day = |rows: &Vec<String>, date: &str| rows.iter().any(|r| r.contains(&format!("{date}  payprod")));
    tmux.wait_for_selected("the newest day selected", |rows| day(rows, "2018-05-30"));
    tmux.keys(&["j"]);
    let second = tmux.wait_for_selected("the next day selected", |rows| {
        rows.iter().any(|r| r.contains("2018-04-14  risk")) && !day(rows, "2018-05-30")
    });
    // Its discussions are listed under the list once the worker has them (a moment later,
    // under load).
    let screen = tmux.wait_for("the selected day's discussions", |s| s.contains("── 2018-04-14 risk · "));
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.selected_rows(), second, "the selection holds still");
    assert_eq!(tmux.screen(), screen, "nothing moved");
    // `q` closes the day view, then quits.
    tmux.keys(&["q"]);
    tmux.wait_for("the day view closed", |s| !s.contains("日历 Days"));
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

/// Under a filter chip the day view answers "which days, under this filter": each day's count
/// is of the messages the chip finds that day, and days without any are not listed (README,
/// Browser). Read at a person's pace: after every timer has run out nothing moved.
#[test]
fn the_day_view_under_a_speaker_chip_counts_that_speakers_messages() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let engine = chatlore::search::Engine::open(&index).unwrap();
    let days = |q: &str| engine.facets(&chatlore::query::Query::parse(q).unwrap()).unwrap().days;
    let (under, all) = (days("from:=陈默"), days(""));
    assert!(!under.is_empty() && under.len() < all.len());
    assert!(under.iter().any(|(day, n)| all[day] > *n), "some day of 陈默's holds others' messages");
    let command = browser(arch.path(), &index, "");
    let Some(tmux) = Tmux::start("days-chip", &command, 100, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("a discussion selected", |rows| !rows.is_empty());
    tmux.keys(&["s"]);
    tmux.wait_for("the speakers pane", |s| s.contains("陈默"));
    tmux.text("陈默");
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the chip", |s| s.contains("from:=陈默") && !s.contains("讨论 Discussions · 18 "));
    tmux.keys(&["D"]);
    let logs = format!("日历 Days · {} logs with msgs on ", under.len());
    let row = |(group, date): &(String, chatlore::date::Date), n: u64| format!("{date}  {group:<12} {n:>6} ");
    let listed = |s: &str| s.contains(&logs) && under.iter().all(|(day, &n)| s.contains(&row(day, n)));
    // (And the selected day's discussions listed under them, which come a moment later.)
    // The header of the day's discussions, not its `── …` while they load.
    let screen = tmux.wait_for("陈默's days, each with his count", |s| listed(s) && s.contains(" ── 20"));
    // Not the day's every message: a count that left the chip out is not on the screen.
    for (day, &n) in under.iter().filter(|(day, n)| all[*day] > **n) {
        assert!(!screen.contains(&row(day, all[day])), "{day:?}: {n} of {}\n{screen}", all[day]);
    }
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.screen(), screen, "nothing moved");
    tmux.keys(&["q"]);
    tmux.wait_for("the day view closed", |s| !s.contains("日历 Days"));
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

#[test]
fn saved_searches_are_kept_across_runs_outside_the_archive() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let command = browser(arch.path(), &index, "");
    {
        let Some(tmux) = Tmux::start("saved1", &command, 100, 30) else { return };
        tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
        tmux.text("对账 group:payprod");
        tmux.wait_for("the hits", |s| s.contains("讨论 Discussions · 4") && s.contains(" 4 hits · "));
        tmux.keys(&["Enter", "b"]);
        tmux.wait_for("the name prompt", |s| {
            s.contains("Save the search as") && s.contains("name › 对账 group:payprod")
        });
        tmux.keys(&["C-k"]);
        tmux.text("支付对账");
        tmux.keys(&["Enter"]);
        tmux.wait_for("saved", |s| s.contains("saved as “支付对账”"));
        tmux.keys(&["q"]);
        tmux.wait_for("chatlore to exit", |s| s.contains("chatlore-exit=0"));
    }
    let kept = std::fs::read_to_string(format!("{}.data/saved-searches.json", index.display())).unwrap();
    assert!(kept.contains("\"name\": \"支付对账\"") && kept.contains("对账 group:payprod"), "{kept}");
    let Some(tmux) = Tmux::start("saved2", &command, 100, 30) else { return };
    tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
    tmux.keys(&["Enter", "B"]);
    tmux.wait_for("the saved list", |s| s.contains("Saved searches") && s.contains("支付对账"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the saved search run", |s| {
        s.contains("讨论 Discussions · 4 ") && s.contains("ran the saved search “支付对账”")
    });
    assert!(screen.contains("搜索 › 对账 group:payprod"), "{screen}");
    let mut names: Vec<String> = walkdir::WalkDir::new(arch.path())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.retain(|n| n.contains("saved") || n.contains("recent"));
    assert!(names.is_empty(), "nothing written into the archive: {names:?}");
}

#[test]
fn a_search_saved_survives_the_terminal_closing_under_the_browser() {
    // Closing the terminal window (or losing the SSH connection) kills the browser with SIGHUP:
    // no quit, no code run at exit. A search saved and one run before must be on disk already.
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let data = format!("{}.data", index.display());
    let Some(tmux) = Tmux::start("hangup", &browser(arch.path(), &index, ""), 100, 30) else { return };
    tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
    tmux.text("对账 group:payprod");
    tmux.wait_for("the hits", |s| s.contains(" 4 hits · "));
    tmux.keys(&["Enter", "b"]);
    tmux.wait_for("the name prompt", |s| s.contains("Save the search as"));
    tmux.keys(&["C-k"]);
    tmux.text("支付对账");
    tmux.keys(&["Enter"]);
    tmux.wait_for("saved", |s| s.contains("saved as “支付对账”"));
    std::thread::sleep(PAST_EVERY_TIMER);
    // The terminal goes away with the browser in it.
    drop(tmux);
    let saved = std::fs::read_to_string(Path::new(&data).join("saved-searches.json"))
        .expect("the saved search was written when it was saved");
    assert!(saved.contains("\"name\": \"支付对账\"") && saved.contains("对账 group:payprod"), "{saved}");
    let recent = std::fs::read_to_string(Path::new(&data).join("recent-searches"))
        .expect("the search run was written when it was run");
    assert_eq!(recent, "对账 group:payprod\n");
}

#[test]
fn a_saved_searches_file_that_does_not_parse_is_reported_and_left_alone() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let data = format!("{}.data", index.display());
    std::fs::create_dir_all(&data).unwrap();
    let file = Path::new(&data).join("saved-searches.json");
    std::fs::write(&file, "[{\"name\": 不是 json").unwrap();
    let Some(tmux) = Tmux::start("badsaved", &browser(arch.path(), &index, ""), 100, 30) else { return };
    tmux.wait_for("the report", |s| s.contains("saved searches not loaded: ") && s.contains("saved-s"));
    tmux.text("对账");
    tmux.keys(&["Enter", "b"]);
    tmux.wait_for("the name prompt", |s| s.contains("Save the search as"));
    tmux.keys(&["Escape", "q"]);
    tmux.wait_for("chatlore to exit", |s| s.contains("chatlore-exit=0"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "[{\"name\": 不是 json", "the file is as it was");
}

/// README, Browsing: recent searches are kept in the user's data directory,
/// `~/.local/share/chatlore` on Linux, when `CHATLORE_DATA_DIR` does not say otherwise (and
/// `XDG_DATA_HOME` is not set), never in the archive.
#[test]
fn recent_searches_go_to_the_users_data_directory_by_default() {
    let (arch, idx) = demo_copy();
    let home = tempfile::tempdir().unwrap();
    let env = format!("env -u CHATLORE_DATA_DIR -u XDG_DATA_HOME HOME={}", home.path().display());
    let command = browser(arch.path(), &idx.path().join("index"), &env);
    let Some(tmux) = Tmux::start("home", &command, 100, 30) else { return };
    tmux.wait_for("the index checked", |s| s.contains("index ✓ 12 logs · 146 msgs"));
    tmux.text("对账");
    tmux.wait_for("the hits", |s| s.contains(" 6 hits · "));
    tmux.keys(&["Enter"]);
    tmux.keys(&["q"]);
    tmux.wait_for("chatlore to exit", |s| s.contains("chatlore-exit=0"));
    let kept = home.path().join(".local/share/chatlore/recent-searches");
    assert_eq!(std::fs::read_to_string(&kept).unwrap_or_default(), "对账\n", "{}", kept.display());
    assert!(!Path::new(&format!("{}.data", idx.path().join("index").display())).exists());
    let mut written = Vec::new();
    for e in walkdir::WalkDir::new(arch.path()) {
        let e = e.unwrap();
        if e.file_type().is_file() && !demo_archive().join(e.path().strip_prefix(arch.path()).unwrap()).exists() {
            written.push(e.path().display().to_string());
        }
    }
    assert!(written.is_empty(), "written into the archive: {written:?}");
}

/// The body of a screen: everything but the status bar (which times each search).
fn body(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(1)].join("\n")
}

/// The time of the message under the conversation's cursor (`▶ 09:07:40`), as `09:07`.
fn cursor_time(screen: &str) -> String {
    let at = screen.find("▶ ").unwrap_or_else(|| panic!("no cursor in the conversation:\n{screen}"));
    screen[at + "▶ ".len()..].chars().take(5).collect()
}

/// `m` to read the messages and `m` back: a person who looked at the messages comes back to
/// the discussion they had selected, with its preview, and the messages show the message the
/// preview was on (the selection went back to the first discussion, and to the first hit).
/// Read, waited past every timer, read again; the selection read in its background colour.
#[test]
fn m_to_the_messages_and_back_keeps_the_discussion_selected_and_its_preview() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("m-back", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · ") && s.contains("index ✓ "));
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| s.contains("讨论 Discussions · 5 ") && s.contains(" 6 hits · "));
    tmux.keys(&["Enter"]);
    let first = tmux.wait_for_selected("the first discussion selected", |rows| rows.len() == 2);
    // The third: its first matching message is not the first hit of the messages.
    tmux.keys(&["j"]);
    let second = tmux.wait_for_selected("the second discussion selected", |rows| rows.len() == 2 && *rows != first);
    tmux.keys(&["j"]);
    let rows = tmux.wait_for_selected("the third discussion selected", |rows| {
        rows.len() == 2 && *rows != first && *rows != second
    });
    // `│2017-08-16 payprod 10:31–10:41 · 6 msgs · …`: its date, group and span.
    let head: String = rows[0].trim_start_matches('│').chars().take_while(|&c| c != '·').collect();
    let date: String = head.chars().take(10).collect();
    let preview = format!(" {date} · ");
    // The discussion marked in the margin (its span, past the match in the title, does not fit).
    let before = tmux.wait_for("its preview", |s| s.contains(&preview) && s.contains('┃'));
    std::thread::sleep(PAST_EVERY_TIMER);
    let before = {
        let again = tmux.screen();
        assert_eq!(body(&again), body(&before), "the discussion and its preview hold still");
        again
    };
    let read = cursor_time(&before);

    // m: the message the preview was on is selected, and the preview stays on it.
    tmux.keys(&["m"]);
    let on_it = |s: &str| s.contains("结果 Results · 6 hits") && s.contains(&preview) && cursor_time(s) == read;
    tmux.wait_for("the messages, the preview on the same message", on_it);
    let hit = format!("{date} {read} ");
    let rows = tmux.wait_for_selected("that message selected", |rows| rows.len() == 1 && rows[0].contains(&hit));
    std::thread::sleep(PAST_EVERY_TIMER);
    let screen = tmux.screen();
    assert!(on_it(&screen), "{screen}");
    assert_eq!(tmux.selected_rows(), rows, "the selection holds still");

    // m again: the discussion selected before, and its preview, as they were.
    tmux.keys(&["m"]);
    let back =
        tmux.wait_for("the discussions again", |s| s.contains("讨论 Discussions · 5 ") && s.contains(" msgs · "));
    let back = if body(&back) == body(&before) {
        back
    } else {
        tmux.wait_for("the discussion and its preview as they were", |s| body(s) == body(&before))
    };
    let rows = tmux.selected_rows();
    assert!(rows.len() == 2 && rows[0].contains(&head), "{head}: {rows:?}");
    tmux.holds_still(&back, "and hold still");
    assert_eq!(tmux.selected_rows(), rows);
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

/// The pieces of a captured line (`capture-pane -e`) drawn in the match style (black on
/// yellow), in order.
fn highlighted(line: &str) -> Vec<String> {
    let (mut pieces, mut piece, mut on) = (Vec::new(), String::new(), false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            if on {
                piece.push(c);
            }
            continue;
        }
        let sgr: String = chars.by_ref().take_while(|c| !c.is_ascii_alphabetic()).collect();
        let params: Vec<&str> = sgr.trim_start_matches('[').split(';').collect();
        let mut i = 0;
        while i < params.len() {
            match params[i] {
                "" | "0" | "49" => on = false,
                "43" => on = true,
                "48" if params.get(i + 1) == Some(&"5") => {
                    on = params.get(i + 2) == Some(&"3");
                    i += 2;
                }
                "48" => {
                    on = false;
                    i += 4;
                }
                "38" if params.get(i + 1) == Some(&"5") => i += 2,
                "38" => i += 4,
                _ => {}
            }
            i += 1;
        }
        if !on && !piece.is_empty() {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    pieces.extend(Some(piece).filter(|p| !p.is_empty()));
    pieces
}

/// Every piece of the screen drawn in the match style, sorted.
fn highlights_on_screen(tmux: &Tmux) -> Vec<String> {
    let mut all: Vec<String> = tmux.capture(true).lines().flat_map(highlighted).collect();
    all.sort();
    all
}

/// The export writes `?` for the space after an @mention (`@Grace 王?两种都有`); the browser
/// shows it as that space in the results, the preview and the conversation, while a question's
/// own `?` before a mention stays, and the query's words are highlighted on their own
/// characters, nothing more. On the demo day 2017-12-07 (mentions of nicknames with and
/// without spaces), in a split view and, after a resize, the conversation alone; each read,
/// waited past every timer, read again.
#[test]
fn mentions_read_with_a_space_in_the_results_the_preview_and_the_conversation() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("mentions", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    to_messages(&tmux);
    tmux.text("两种都有|分享会|先回退吗");
    let ready =
        |s: &str| s.contains("结果 Results · 3 hits") && s.contains("对话 2017-12-07") && s.contains("▶ 14:08:52");
    let screen = tmux.wait_for("the three hits, the first previewed", ready);
    let row = |time: &str| screen.lines().find(|l| l.contains(&format!("2017-12-07 {time} payprod"))).unwrap_or("");
    // The results: each snippet with the space, the question's `?` kept.
    assert!(row("14:08").contains("@Grace 王 两种都有。"), "{screen}");
    assert!(row("14:10").contains("先回退吗?@老K-易结算-架"), "{screen}");
    assert!(row("14:15").contains("@Grace 王 今晚的分享会别忘了"), "{screen}");
    // The preview: the day's every mention with its space, a nickname with a space after its
    // `name-company` part read whole as the CLI reads it (马骁 posted under it on other days).
    for said in [
        "@周乔_链通科技_深圳 自己先收再分就是二清了",
        "@Grace 王 两种都有。",
        "已经分出去的钱要先回退吗?@老K-易结算-架构师  ",
        "@马骁-四方科技 技术总监 你们接的那家分账回退",
        "@老K-易结算-架构师 @Grace 王 今晚的分享会别忘了 [玫瑰]",
    ] {
        assert!(screen.contains(said), "{said}\n{screen}");
    }
    for export in ["深圳?", "王?", "架构师?", "技术总监?"] {
        assert!(!screen.contains(export), "{export}\n{screen}");
    }
    // Highlighted: the three words in the results and in the preview, on their characters.
    let words = |n: usize| {
        let mut w: Vec<String> =
            ["两种都有", "先回退吗", "分享会"].iter().flat_map(|w| vec![w.to_string(); n]).collect();
        w.sort();
        w
    };
    assert_eq!(highlights_on_screen(&tmux), words(2), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    assert_eq!(highlights_on_screen(&tmux), words(2));

    // A narrow terminal: the results alone; Enter opens the third hit's conversation.
    assert!(tmux.cmd(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]).status().unwrap().success());
    tmux.wait_for("the results alone", |s| s.contains("结果 Results · 3 hits") && !s.contains("对话 "));
    tmux.keys(&["Enter", "j", "j", "Enter"]);
    let read = |s: &str| s.contains("对话 2017-12-07") && s.contains("▶ 14:15:03") && !s.contains("结果 Results");
    let screen = tmux.wait_for("the conversation on the third hit", read);
    for said in [
        "│▶ 14:15:03  陈默",
        "│  @老K-易结算-架构师 @Grace 王 今晚的分享会别忘了 [玫瑰]  ",
        "│  @Grace 王 两种都有。我们接的那家",
        "│  @马骁-四方科技 技术总监 你们接的那家分账回退收手续费吗",
        "│  那退货怎么办，已经分出去的钱要先回退吗?@老K-易结算-架构师  ",
    ] {
        assert!(screen.contains(said), "{said}\n{screen}");
    }
    assert_eq!(highlights_on_screen(&tmux), words(1), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    assert_eq!(highlights_on_screen(&tmux), words(1));
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
}

/// PgDn/PgUp and Ctrl-D/Ctrl-U, which the help lists for everywhere, page the results from
/// the search box too (they did nothing there); the keyboard stays in the box.
#[test]
fn page_keys_in_the_search_box_page_the_results() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("pgdn", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    to_messages(&tmux);
    let first = tmux.wait_for_selected("the first hit selected", |rows| rows.len() == 1);
    tmux.keys(&["PageDown"]);
    let paged = tmux.wait_for_selected("a page down", |rows| rows.len() == 1 && *rows != first);
    let screen = tmux.screen();
    assert!(!screen.contains(first[0].trim_matches('│')), "a page, not a row: the first hit scrolled away\n{screen}");
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(tmux.selected_rows(), paged, "the selection holds still");
    tmux.keys(&["C-u"]);
    tmux.wait_for_selected("a page up", |rows| *rows == first);
    tmux.text("对账");
    tmux.wait_for("typed into the search box", |s| s.contains("搜索 › 对账") && s.contains("结果 Results · 6 hits"));
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// The README's two browser screens (Browsing) are what the browser draws at 100×30: the
/// discussions of 对账, then the second one opened. (They had gone stale: main listed those
/// discussions in another order.) The search's time is masked.
#[test]
fn the_readme_screens_are_what_the_browser_draws() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```\n").filter(|b| b.starts_with(" 搜索 › 对账\n")).collect();
    assert_eq!(blocks.len(), 2, "two screens in the README");
    let masked = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .map(|l| {
                let l = l.trim_end();
                match (l.find(" hits · "), l.find(" ms · ")) {
                    (Some(a), Some(b)) if a < b => format!("{}[t]{}", &l[..a + " hits · ".len()], &l[b..]),
                    _ => l.to_owned(),
                }
            })
            .collect()
    };
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("readme", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账");
    let first = tmux.wait_for("the first screen", |s| masked(s) == masked(blocks[0]));
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(masked(&tmux.screen()), masked(&first), "it holds still");
    tmux.keys(&["Enter"]);
    tmux.keys(&["j"]);
    tmux.wait_for_selected("the second discussion", |rows| rows.iter().any(|r| r.contains("2018-05-30 payprod")));
    tmux.keys(&["Enter"]);
    let second = tmux.wait_for("the second screen", |s| masked(s) == masked(blocks[1]));
    std::thread::sleep(PAST_EVERY_TIMER);
    assert_eq!(masked(&tmux.screen()), masked(&second), "it holds still");
}

/// A question pasted (bracketed paste) while the results have the keyboard goes to the search
/// box, as typed characters do; it was dropped. Its two lines stay two words.
#[test]
fn a_question_pasted_in_the_results_goes_to_the_search_box() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("paste", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("a discussion selected", |rows| rows.len() == 2);
    let buffer = ["set-buffer", "-b", "q", "请问断直连以后\n对账文件怎么下载？\n"];
    assert!(tmux.cmd(&buffer).status().unwrap().success());
    assert!(tmux.cmd(&["paste-buffer", "-p", "-b", "q", "-t", "e2e"]).status().unwrap().success());
    let pasted =
        |s: &str| s.contains("搜索 › 请问断直连以后 对账文件怎么下载？") && s.contains("讨论 Discussions · 9 ");
    let screen = tmux.wait_for("the question searched", pasted);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `/` focuses the search box from the day list and insights too (it did nothing there): the
/// window closes and what is typed next is searched, `q` included.
#[test]
fn slash_from_the_day_list_or_insights_goes_to_the_search_box() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("slash", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("a discussion selected", |rows| rows.len() == 2);
    let in_the_box =
        |s: &str| s.contains(" 筛选 none · in the results: ") && !s.contains("日历 Days") && !s.contains("洞察");
    for (key, window) in [("D", "日历 Days · "), ("i", "洞察 Insights")] {
        tmux.keys(&[key]);
        tmux.wait_for(window, |s| s.contains(window));
        tmux.keys(&["/"]);
        tmux.wait_for("the search box, the window closed", in_the_box);
        std::thread::sleep(PAST_EVERY_TIMER);
        let screen = tmux.screen();
        assert!(in_the_box(&screen), "{screen}");
        tmux.keys(&["Enter"]);
        tmux.wait_for("the results", |s| s.contains(" 筛选 none · f filters"));
    }
    tmux.keys(&["D"]);
    tmux.wait_for("the day list", |s| s.contains("日历 Days · "));
    tmux.keys(&["/", "q"]);
    tmux.wait_for("q typed", |s| s.contains("搜索 › q") && in_the_box(s));
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `%` outside insights opens them showing each month's hits as a share (it turned the shares
/// on unseen, for the next `i`); inside, it toggles them.
#[test]
fn percent_from_the_results_opens_insights_with_shares() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("percent", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("a discussion selected", |rows| rows.len() == 2);
    tmux.keys(&["%"]);
    let shares = |s: &str| s.contains("洞察 Insights") && s.contains("share of each month's messages, % toggles");
    let screen = tmux.wait_for("insights with shares", shares);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["%"]);
    tmux.wait_for("insights with hits", |s| s.contains("洞察 Insights") && s.contains("% shows shares"));
    tmux.keys(&["Escape", "i"]);
    tmux.wait_for("insights again, with hits", |s| s.contains("洞察 Insights") && s.contains("% shows shares"));
    tmux.keys(&["q", "q"]);
    tmux.exits_cleanly();
}

/// The dates of the discussion rows on a screen, top to bottom (`│2018-05-30 payprod 09:00–…`).
fn row_dates(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| {
            let l = l.trim_start_matches('│');
            let date: String = l.chars().take(10).collect();
            (date.len() == 10 && date.as_bytes()[4] == b'-' && l[10..].starts_with(' ')).then_some(date)
        })
        .collect()
}

/// `o` cycles the order (best first, newest first, oldest first, best first again), the rows
/// following it; `z` gives the conversation the whole width and takes it back. Each read,
/// waited past every timer, read again.
#[test]
fn o_orders_the_results_and_z_maximises_the_conversation_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("o-z", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账");
    let best = tmux.wait_for("the discussions of 对账", |s| s.contains("讨论 Discussions · 5 · best first"));
    let best_dates = row_dates(&best);
    assert_eq!(best_dates.len(), 5, "{best}");
    tmux.keys(&["Enter"]);
    let mut sorted = best_dates.clone();
    sorted.sort();
    for (title, dates) in [
        ("讨论 Discussions · 5 · newest first", sorted.iter().rev().cloned().collect::<Vec<_>>()),
        ("讨论 Discussions · 5 · oldest first", sorted.clone()),
        ("讨论 Discussions · 5 · best first", best_dates.clone()),
    ] {
        tmux.keys(&["o"]);
        let screen = tmux.wait_for(title, |s| s.contains(title) && row_dates(s) == dates);
        tmux.holds_still(&screen, &format!("{title}: nothing moved"));
    }
    assert_ne!(sorted, best_dates, "best first is neither date order here, so each order shows");

    // z: the conversation alone, over the whole width; z again: the split view.
    let split = |s: &str| s.contains("讨论 Discussions · 5 ") && s.contains("┐┌ 对话 ") && s.contains('┃');
    let before = tmux.wait_for("the split view", split);
    tmux.keys(&["z"]);
    let conversation_top =
        |s: &str| s.lines().find(|l| l.starts_with("┌ ") && l.contains(" · discussion ")).map(str::to_owned);
    let whole =
        |s: &str| s.starts_with(" 搜索 › 对账") && !s.contains("讨论 Discussions") && conversation_top(s).is_some();
    let screen = tmux.wait_for("the conversation over the whole width", whole);
    let top = conversation_top(&screen).unwrap();
    assert!(top.ends_with('┐') && top.chars().filter(|&c| c == '┐').count() == 1, "one pane: {top}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["z"]);
    let back = tmux.wait_for("the split view again", split);
    assert_eq!(body(&back), body(&before), "as it was");
    // A search typed from the conversation shows the results again (they stayed hidden behind
    // it while typing and after, until z); back in the conversation, it has the width again.
    tmux.keys(&["z"]);
    tmux.wait_for("the conversation over the whole width", whole);
    tmux.text(" ");
    let typed = |s: &str| s.starts_with(" 搜索 › 对账") && split(s);
    let screen = tmux.wait_for("the results of the new search beside the conversation", typed);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("the conversation over the whole width again", whole);
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `]` and `[` in the conversation go to the next and previous discussion of the day: the
/// cursor on its first message, its span named in the title and marked in the margin. The
/// demo's 2017-08-15 in payprod holds three (09:02–09:30, 10:02–10:10, 11:45–11:46); with an
/// empty search box the discussions list oldest first, that day's first on top.
#[test]
fn brackets_walk_the_days_discussions_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("brackets", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter", "Enter"]);
    let at = |time: &'static str| {
        move |s: &str| s.contains("对话 2017-08-15 ") && s.contains(" · discussion ") && cursor_time(s) == time
    };
    let first = tmux.wait_for("the first discussion opened", at("09:02"));
    let title = |s: &str| s.lines().find(|l| l.contains("对话 2017-08-15")).unwrap().to_owned();
    let mut titles = vec![title(&first)];
    for (key, time) in [("]", "10:02"), ("]", "11:45"), ("[", "10:02"), ("[", "09:02")] {
        tmux.keys(&[key]);
        let screen = tmux.wait_for(time, at(time));
        // The margin marks the discussion: the cursor's message is in it.
        let cursor = screen.lines().find(|l| l.contains("▶ ")).unwrap();
        assert!(screen.lines().any(|l| l.contains("┃ ")), "the span marked:\n{screen}");
        assert!(cursor.contains(&format!("▶ {time}")), "{cursor}");
        titles.push(title(&screen));
        tmux.holds_still(&screen, &format!("{key} {time}: nothing moved"));
    }
    // Each discussion named by its own span; back where it started.
    assert_ne!(titles[0], titles[1]);
    assert_ne!(titles[1], titles[2]);
    assert_eq!(titles[3], titles[1]);
    assert_eq!(titles[4], titles[0]);
    // Past the last: said so, the cursor stays.
    tmux.keys(&["]", "]", "]"]);
    let screen = tmux.wait_for("no later discussion", |s| s.contains("no later discussion that day"));
    assert_eq!(cursor_time(&screen), "11:45");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `Enter` on an insights row adds it as a filter chip: the latest month, then the first
/// person of who knows (the row selected, read in its background colour).
#[test]
fn enter_on_an_insights_row_adds_it_as_a_chip_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("insights", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| s.contains("讨论 Discussions · 5 · best first"));
    tmux.keys(&["Enter", "i"]);
    tmux.wait_for("insights", |s| s.contains("洞察 Insights · “对账”") && s.contains("谁懂 Who knows"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("a month chip", |s| s.contains(" 筛选 [date:") && !s.contains("洞察 Insights"));
    let chip = screen.lines().find(|l| l.starts_with(" 筛选 [date:")).unwrap().to_owned();
    assert!(chip.contains("[date:2018-"), "the latest month of 对账 is in 2018: {chip}");
    let narrowed = |s: &str| s.contains(" 筛选 [date:") && !s.contains("讨论 Discussions · 5 ");
    let screen = tmux.wait_for("fewer discussions", narrowed);
    tmux.holds_still(&screen, "nothing moved");

    // The second section, who knows: its first row selected (in the selection's background),
    // then added.
    tmux.keys(&["i", "Tab"]);
    let mut person = String::new();
    tmux.wait_for("a person selected", |s| {
        let selected = tmux.capture(true).lines().find_map(|l| {
            let at = l.find("48;2;40;52;70m")? + "48;2;40;52;70m".len();
            Some(l[at..].split('\x1b').next().unwrap_or_default().trim().to_owned())
        });
        person = selected.unwrap_or_default();
        s.contains("谁懂 Who knows") && !person.is_empty()
    });
    tmux.keys(&["Enter"]);
    let chip = format!("[from:={person}");
    let screen = tmux.wait_for("a person chip", |s| s.contains(&chip) && !s.contains("洞察 Insights"));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `n` logs of `per` messages each in group `bulk`, from 2016-01-01 on (before the demo).
fn bulk_logs(archive: &Path, n: usize, per: usize) {
    let texts = ["请问对账文件一般几点到", "代付通道今天又超时了", "网联的清算场次有变化吗", "退款要原路退回"];
    for i in 0..n {
        let date = format!("{}-{:02}-{:02}", 2016 + i / (28 * 12), i / 28 % 12 + 1, i % 28 + 1);
        let msgs: Vec<(String, String, String)> = (0..per)
            .map(|m| (format!("{:02}:{:02}:00", 9 + m / 60, m % 60), format!("甲{}", m % 7), texts[m % 4].to_owned()))
            .collect();
        let msgs: Vec<(&str, &str, &str)> = msgs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
        write(archive, &format!("bulk/_posts/{date}-chat.markdown"), log(&date, &msgs));
    }
}

/// Logs arriving while the browser is open are indexed in the background with a gauge in the
/// status bar (`indexing done/total`, its filled part in cyan), and the counts and results
/// refresh when the commit lands. 400 logs arrive at once (batches of 128: the gauge is seen
/// on its way).
#[test]
fn logs_arriving_are_indexed_with_a_gauge_and_the_counts_refresh() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("gauge", &browser(arch.path(), &idx.path().join("index"), ""), 120, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.text("代付通道今天又超时了");
    tmux.wait_for("no hits yet", |s| s.contains(" 0 hits"));
    bulk_logs(arch.path(), 400, 20);
    // The gauge moves: read as fast as tmux answers (no settling: it is meant to change).
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut seen, mut cyan, mut raw) = (Vec::<String>::new(), false, String::new());
    loop {
        let screen = tmux.screen();
        if let Some(at) = screen.find("indexing ") {
            let label: String = screen[at..].chars().take_while(|c| !c.is_whitespace() || *c == ' ').collect();
            let label = label.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
            assert!(label.ends_with("/400"), "{label}\n{screen}");
            if !seen.contains(&label) {
                seen.push(label.clone());
            }
            let status = tmux.capture(true).lines().last().unwrap_or_default().to_owned();
            cyan |= status.contains("[38;5;6m─") || status.contains("[36m─");
            if !label.starts_with("indexing 0/") {
                raw = status;
            }
        }
        if screen.contains("index ✓ 412 logs") {
            break;
        }
        assert!(Instant::now() < deadline, "never indexed; gauges seen {seen:?}\n{screen}");
    }
    assert!(!seen.is_empty(), "no gauge seen");
    let done: Vec<u64> =
        seen.iter().map(|l| l["indexing ".len()..].split('/').next().unwrap().parse().unwrap()).collect();
    assert!(done.is_sorted(), "the gauge only goes forward: {seen:?}");
    if done.iter().any(|&d| d > 0) {
        assert!(cyan, "the filled part of the gauge is cyan: {seen:?} {raw:?}");
    }
    let screen = tmux.wait_for("the new logs found", |s| {
        let status = s.lines().last().unwrap_or_default();
        status.contains("index ✓ 412 logs · 8,146 msgs")
            && !status.starts_with(" 0 hits")
            && !s.contains("indexing ")
            && !s.contains("Searching…")
    });
    assert!(screen.contains("index updated, logs: 400 new"), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// Another chatlore holding the index (here the test, holding its lock) while logs arrive:
/// the status bar says so in yellow; when the other one commits, the browser picks its commit
/// up (the counts and the results change) and says so.
#[test]
fn another_chatlore_indexing_is_said_and_its_commit_picked_up() {
    let (arch, idx) = demo_copy();
    let index_dir = idx.path().join("index");
    let Some(tmux) = Tmux::start("busy", &browser(arch.path(), &index_dir, ""), 120, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs"));
    tmux.text("外星支付");
    tmux.wait_for("no hits yet", |s| s.lines().last().is_some_and(|l| l.starts_with(" 0 hits ")));
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(index_dir.join(".chatlore.lock"))
        .unwrap();
    lock.lock().unwrap();
    write(
        arch.path(),
        "payprod/_posts/2018-06-02-chat.markdown",
        log("2018-06-02", &[("10:00:00", "访客", "外星支付")]),
    );
    let screen = tmux.wait_for("the other indexer said", |s| s.contains("another chatlore is indexing…"));
    let status = tmux.capture(true).lines().last().unwrap_or_default().to_owned();
    assert!(
        status.contains("[33manother chatlore") || status.contains("[38;5;3manother chatlore"),
        "yellow: {status:?}"
    );
    assert!(screen.contains(" 0 hits"), "{screen}");
    // The other one commits (the lock let go, the new log indexed by another process).
    drop(lock);
    let out = chatlore(arch.path(), &index_dir, &["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let screen = tmux.wait_for("its commit picked up", |s| s.lines().last().is_some_and(|l| l.starts_with(" 1 hit ")));
    let screen = if screen.contains("index ✓ 13 logs") {
        screen
    } else {
        tmux.wait_for("the counts", |s| s.contains("index ✓ 13 logs · 147 msgs"))
    };
    assert!(screen.contains("picked up a new index commit"), "{screen}");
    std::thread::sleep(PAST_EVERY_TIMER);
    let again = tmux.screen();
    assert!(again.contains("index ✓ 13 logs · 147 msgs") && again.contains("外星支付"), "{again}");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `n`/`N` in the conversation walk the day's matches of the query: the cursor on each, the
/// title counting them (`match 2/7`), wrapping at the ends; the match highlighted on screen.
#[test]
fn n_and_capital_n_walk_the_days_matches_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    // Narrow: the conversation alone (the results' highlights are not on screen).
    let Some(tmux) = Tmux::start("n", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("路由");
    tmux.wait_for("the discussions of 路由", |s| s.contains("讨论 Discussions · 4 · best first"));
    tmux.keys(&["Enter", "Enter"]);
    let at = |m: &'static str, time: &'static str| move |s: &str| s.contains(m) && cursor_time(s) == time;
    tmux.wait_for("the first match", at("· match 1/7 ·", "09:05"));
    for (key, m, time) in [("n", "· match 2/7 ·", "09:07"), ("N", "· match 1/7 ·", "09:05"), ("N", "· match 7/7 ·", "")]
    {
        tmux.keys(&[key]);
        let screen = tmux.wait_for(m, |s| s.contains(m) && (time.is_empty() || cursor_time(s) == time));
        // The message under the cursor shows the word highlighted.
        let lines = tmux.capture(true);
        let cursor = lines.lines().position(|l| l.contains("▶ ")).unwrap();
        let text: Vec<String> = lines.lines().skip(cursor + 1).take(3).flat_map(highlighted).collect();
        assert!(text.iter().any(|h| h == "路由"), "{key}: {text:?}\n{screen}");
        tmux.holds_still(&screen, &format!("{key}: nothing moved"));
    }
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// Backspace while the results or the conversation have the keyboard deletes the search box's
/// last character, as a character typed there is added to it (it did nothing): the keyboard
/// goes to the box and the results follow.
#[test]
fn backspace_in_the_results_or_the_conversation_edits_the_search_box() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("backspace", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账q");
    tmux.wait_for("nothing for 对账q", |s| s.contains("搜索 › 对账q") && s.contains("讨论 Discussions · 0 "));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the results have the keyboard", |s| s.contains(" 筛选 none · f filters"));
    tmux.keys(&["BSpace"]);
    let in_the_box = |s: &str| s.contains(" 筛选 none · in the results: ");
    let screen = tmux.wait_for("对账 searched", |s| {
        s.contains("搜索 › 对账\n") && s.contains("讨论 Discussions · 5 ") && in_the_box(s)
    });
    tmux.holds_still(&screen, "nothing moved");
    // From the conversation (narrow: it alone).
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("the conversation", |s| s.contains("┌ 对话 ") && !s.contains("讨论 Discussions"));
    tmux.keys(&["BSpace"]);
    let screen =
        tmux.wait_for("对 searched", |s| s.contains("搜索 › 对\n") && in_the_box(s) && s.contains("讨论 Discussions"));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// A captured line (`capture-pane -e`) as runs of text with their foreground and background
/// colours (`6` for cyan, `40;52;70` for the selection's background; empty when default).
fn styled_runs(line: &str) -> Vec<(String, String, String)> {
    let (mut runs, mut fg, mut bg, mut text) = (Vec::new(), String::new(), String::new(), String::new());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            text.push(c);
            continue;
        }
        if !text.is_empty() {
            runs.push((fg.clone(), bg.clone(), std::mem::take(&mut text)));
        }
        let sgr: String = chars.by_ref().take_while(|c| !c.is_ascii_alphabetic()).collect();
        let params: Vec<&str> = sgr.trim_start_matches('[').split(';').collect();
        let mut i = 0;
        while i < params.len() {
            let rgb = |at: usize| params.get(at..at + 3).map(|p| p.join(";")).unwrap_or_default();
            match (params[i], params.get(i + 1).copied()) {
                ("" | "0", _) => {
                    fg.clear();
                    bg.clear();
                }
                ("39", _) => fg.clear(),
                ("49", _) => bg.clear(),
                ("38", Some("5")) => {
                    fg = params.get(i + 2).unwrap_or(&"").to_string();
                    i += 2;
                }
                ("38", Some("2")) => {
                    fg = rgb(i + 2);
                    i += 4;
                }
                ("48", Some("5")) => {
                    bg = params.get(i + 2).unwrap_or(&"").to_string();
                    i += 2;
                }
                ("48", Some("2")) => {
                    bg = rgb(i + 2);
                    i += 4;
                }
                (p, _) if p.len() == 2 && p.starts_with('3') => fg = p[1..].to_owned(),
                (p, _) if p.len() == 2 && p.starts_with('4') => bg = p[1..].to_owned(),
                _ => {}
            }
            i += 1;
        }
    }
    if !text.is_empty() {
        runs.push((fg, bg, text));
    }
    runs
}

/// Which pane has the keyboard, as drawn: `search` when the search box's prompt is cyan,
/// `chips` when a chip is in the selection's background, else the title of the pane whose
/// border is cyan (`结果 Results`, `对话 2018-05-30`, …), else nothing.
fn focus_of(tmux: &Tmux) -> String {
    let screen = tmux.capture(true);
    let lines: Vec<&str> = screen.lines().collect();
    if styled_runs(lines[0]).iter().any(|(fg, _, t)| fg == "6" && t.contains("搜索 ›")) {
        return "search".into();
    }
    if lines.get(1).is_some_and(|l| styled_runs(l).iter().any(|(_, bg, t)| bg == "40;52;70" && t.starts_with('['))) {
        return "chips".into();
    }
    for line in &lines {
        for (fg, _, text) in styled_runs(line) {
            if let Some(at) = text.find("┌ ").filter(|_| fg == "6") {
                let title = &text[at + "┌ ".len()..];
                return title.split(" · ").next().unwrap_or_default().trim_end_matches('─').trim().to_owned();
            }
        }
    }
    String::new()
}

/// The chip drawn in the selection's background (the chips row has the keyboard).
fn selected_chip(tmux: &Tmux) -> String {
    let screen = tmux.capture(true);
    let line = screen.lines().nth(1).unwrap_or_default().to_owned();
    styled_runs(&line).into_iter().find(|(_, bg, _)| bg == "40;52;70").map(|(_, _, t)| t).unwrap_or_default()
}

/// README, Keys: `F1` opens the help from the search box (where `?` is a character typed),
/// `?` from a list; typing filters it (English or Chinese), the row selected in the selection's
/// background; `Enter` runs the selected key and closes it: `o` (the order changes), then `D`
/// (the day list opens). Read, waited past every timer, read again.
#[test]
fn f1_and_question_mark_open_the_help_which_filters_as_typed_and_runs_the_key() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("help", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| {
        s.contains("讨论 Discussions · 18 · oldest first") && s.contains("index ✓ ")
    });
    assert_eq!(focus_of(&tmux), "search");
    let help = |s: &str| s.contains("帮助 Keys · type to filter");
    tmux.keys(&["F1"]);
    tmux.wait_for("the help from the search box", help);
    tmux.wait_for_selected("its first key selected", |rows| rows.len() == 1 && rows[0].contains("Ctrl-C"));
    tmux.text("order");
    let filtered =
        |s: &str| s.contains("filter › order") && s.contains("排序：相关度 / 最新 / 最早") && !s.contains("Ctrl-C");
    let screen = tmux.wait_for("the keys about order", filtered);
    let rows = tmux.wait_for_selected("o selected", |rows| rows.len() == 1 && rows[0].contains(" o "));
    tmux.holds_still(&screen, "nothing moved");
    assert_eq!(tmux.selected_rows(), rows);
    tmux.keys(&["Enter"]);
    let ran = |s: &str| !help(s) && s.contains("讨论 Discussions · 18 · newest first");
    let screen = tmux.wait_for("o run: newest first, the help closed", ran);
    assert!(screen.contains("搜索 › /") || screen.contains("搜索 › type to search"), "nothing typed:\n{screen}");

    // `?` from the results, filtered in Chinese; Enter opens the day list.
    tmux.keys(&["Enter"]);
    tmux.wait_for("the results have the keyboard", |s| s.contains(" 筛选 none · f filters"));
    tmux.keys(&["?"]);
    tmux.wait_for("the help from the results", help);
    tmux.text("按天");
    tmux.wait_for("the day view's key", |s| s.contains("filter › 按天") && !s.contains("Ctrl-C"));
    tmux.wait_for_selected("D selected", |rows| rows.len() == 1 && rows[0].contains("按天浏览"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the day list", |s| s.contains("日历 Days · 12 logs with msgs") && !help(s));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["q", "q"]);
    tmux.exits_cleanly();
}

/// README, Keys: `Tab` and `Shift-Tab` move the keyboard between the panes (search, results,
/// conversation, and back round), each pane's border lit in turn; `g`/`Home` and `G`/`End`
/// select the first and the last hit in the results (the row in the selection's background,
/// the preview following) and put the conversation's cursor on the day's first and last
/// message. Each read, waited past every timer, read again.
#[test]
fn tab_shift_tab_and_first_last_keys_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let engine = chatlore::search::Engine::open(&index).unwrap();
    let page = chatlore::search::Page { limit: Some(500), ..Default::default() };
    let hits = engine.search(&chatlore::query::Query::default(), page).unwrap().hits;
    assert_eq!(hits.len(), 146);
    let row =
        |h: &chatlore::search::Hit| format!("{} {:02}:{:02} {}", h.date, h.time / 3600, h.time / 60 % 60, h.group);
    let (first, last) = (row(&hits[0]), row(&hits[145]));
    assert!(hits.iter().filter(|h| row(h) == first || row(h) == last).count() == 2, "each row told apart");
    let Some(tmux) = Tmux::start("tabs", &browser(arch.path(), &index, ""), 140, 40) else { return };
    to_messages(&tmux);
    tmux.wait_for("the first hit previewed", |s| s.contains("┐┌ 对话 "));
    tmux.keys(&["Enter"]);
    let t = &tmux;
    let focus = |want: &'static str| move |_: &str| focus_of(t).starts_with(want);
    tmux.wait_for("the results", focus("结果 Results"));
    for (key, pane) in [
        ("BTab", "search"),
        ("BTab", "对话 "),
        ("BTab", "结果 Results"),
        ("Tab", "对话 "),
        ("Tab", "search"),
        ("Tab", "结果 Results"),
    ] {
        tmux.keys(&[key]);
        let screen = tmux.wait_for(pane, focus(pane));
        std::thread::sleep(PAST_EVERY_TIMER);
        assert!(focus_of(&tmux).starts_with(pane), "{key}: still {pane}");
        assert_eq!(body(&tmux.screen()), body(&screen), "{key}: nothing moved");
    }
    for (key, want) in [("G", &last), ("g", &first), ("End", &last), ("Home", &first)] {
        tmux.keys(&[key]);
        let rows = tmux.wait_for_selected(want, |rows| rows.len() == 1 && rows[0].contains(want.as_str()));
        let date = &want[..10];
        let screen = tmux.wait_for("its preview", |s| s.contains(&format!("┐┌ 对话 {date}")));
        std::thread::sleep(PAST_EVERY_TIMER);
        assert_eq!(tmux.selected_rows(), rows, "{key}: the selection holds still");
        assert_eq!(body(&tmux.screen()), body(&screen), "{key}: nothing moved");
    }
    // The conversation: the first hit's day, first and last message.
    let day = chatlore::archive::load_day(arch.path(), &hits[0].path).unwrap();
    let time = |i: usize| day.messages[i].time_label()[..5].to_owned();
    let (day_first, day_last) = (time(0), time(day.messages.len() - 1));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the conversation", focus("对话 "));
    for (key, want) in [("G", &day_last), ("g", &day_first), ("End", &day_last), ("Home", &day_first)] {
        tmux.keys(&[key]);
        let screen = tmux.wait_for(want, |s| cursor_time(s) == *want);
        tmux.holds_still(&screen, &format!("{key}: nothing moved"));
    }
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// README, Keys and Browsing: `f` opens the filter pane on its first tab (dates), `t` on
/// topics, `d` on dates; `Tab` to groups, `Space` marks two (`✓`, the title counting them),
/// `Enter` adds both as chips (any of them); `Tab` to the chips, `l`/`h` move between them
/// (the chip selected in the selection's background), `x` and `Delete` remove the selected
/// one. Each read, waited past every timer, read again.
#[test]
fn filter_pane_keys_space_and_chip_keys_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let engine = chatlore::search::Engine::open(&index).unwrap();
    let groups = engine.facets(&chatlore::query::Query::default()).unwrap().groups;
    let Some(tmux) = Tmux::start("chips", &browser(arch.path(), &index, ""), 100, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the results have the keyboard", |s| s.contains(" 筛选 none · f filters"));
    let dates = "type 2017-08, 2017-08-01..2017-09-30";
    for (key, hint) in [("f", dates), ("t", "type to narrow the topics"), ("d", dates)] {
        tmux.keys(&[key]);
        let screen = tmux.wait_for(hint, |s| s.contains("筛选 Filters · Tab switches") && s.contains(hint));
        tmux.holds_still(&screen, &format!("{key}: nothing moved"));
        tmux.keys(&["Escape"]);
        tmux.wait_for("the pane closed", |s| !s.contains("筛选 Filters"));
    }
    // The groups tab (by name).
    tmux.keys(&["f", "Tab", "Tab", "Tab"]);
    tmux.wait_for("the groups tab", |s| s.contains("type to narrow the groups"));
    let names: Vec<&String> = groups.keys().collect();
    let (one, two) = (names[0].clone(), names[1].clone());
    tmux.wait_for_selected("the first group selected", |rows| rows.len() == 1 && rows[0].contains(&one));
    tmux.keys(&["Space"]);
    tmux.wait_for("one marked", |s| s.contains("筛选 Filters · 1 marked") && s.contains(&format!("✓ {one}")));
    tmux.keys(&["Space"]);
    let screen = tmux.wait_for("two marked", |s| s.contains("· 2 marked ·") && s.contains(&format!("✓ {two}")));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["Enter"]);
    let chips = format!(" 筛选 [group:{one} ×] [group:{two} ×]");
    let both = groups[&one] + groups[&two];
    tmux.keys(&["m"]);
    tmux.wait_for("both groups' messages", |s| {
        s.contains(&chips) && s.contains(&format!("结果 Results · {both} hits"))
    });

    // The chips: Tab to them (search, results, chips), l and h, x and Delete.
    tmux.keys(&["Tab"]);
    tmux.wait_for("the chips", |_| focus_of(&tmux) == "chips");
    assert_eq!(selected_chip(&tmux), format!("[group:{one} ×]"));
    for (key, chip) in [("l", &two), ("h", &one), ("l", &two)] {
        tmux.keys(&[key]);
        let want = format!("[group:{chip} ×]");
        let screen = tmux.wait_for(&want, |_| selected_chip(&tmux) == want);
        std::thread::sleep(PAST_EVERY_TIMER);
        assert_eq!(selected_chip(&tmux), want, "{key}");
        assert_eq!(body(&tmux.screen()), body(&screen), "{key}: nothing moved");
    }
    tmux.keys(&["x"]);
    let only = format!(" 筛选 [group:{one} ×]");
    let n = groups[&one];
    tmux.wait_for("the second chip removed", |s| {
        s.contains(&format!("{only}\n")) && s.contains(&format!("结果 Results · {n} hits"))
    });
    tmux.wait_for("the first chip selected", |_| selected_chip(&tmux) == format!("[group:{one} ×]"));
    tmux.keys(&["DC"]);
    let screen =
        tmux.wait_for("no chip", |s| s.contains(" 筛选 none · f filters") && s.contains("结果 Results · 146 hits"));
    assert!(screen.contains(&format!("removed group:{one}")), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// README, Keys: in the list of saved searches (`B`) `x` and `Delete` delete the selected one
/// (the row in the selection's background), said in the status bar and written to the file.
#[test]
fn x_and_delete_delete_saved_searches_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let file = format!("{}.data/saved-searches.json", index.display());
    let Some(tmux) = Tmux::start("unsave", &browser(arch.path(), &index, ""), 100, 30) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    for (query, name) in [("对账", "甲"), ("路由", "乙"), ("网联", "丙")] {
        tmux.keys(&["C-k"]);
        tmux.text(query);
        tmux.keys(&["Enter", "b"]);
        tmux.wait_for("the name prompt", |s| s.contains("Save the search as"));
        tmux.keys(&["C-k"]);
        tmux.text(name);
        tmux.keys(&["Enter"]);
        tmux.wait_for("saved", |s| s.contains(&format!("saved as “{name}”")));
        tmux.keys(&["/"]);
    }
    // The file as written (the loop writes it after the frame that says so).
    let names = |want: &[&str]| {
        let read = || -> Vec<String> {
            let kept: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            kept.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while read() != want {
            assert!(Instant::now() < deadline, "{:?} is not {want:?}", read());
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    names(&["甲", "乙", "丙"]);
    tmux.keys(&["Enter", "B"]);
    tmux.wait_for("the saved list", |s| s.contains("收藏 Saved searches") && s.contains(" 丙 "));
    // The saved search selected (the discussion behind the list is selected too).
    let on = |name: &'static str| {
        move |rows: &Vec<String>| {
            let names = ["甲", "乙", "丙"].map(|n| format!("│ {n} "));
            let saved: Vec<&String> = rows.iter().filter(|r| names.iter().any(|n| r.contains(n))).collect();
            saved.len() == 1 && saved[0].contains(&format!("│ {name} "))
        }
    };
    tmux.wait_for_selected("甲 selected", on("甲"));
    tmux.keys(&["j"]);
    tmux.wait_for_selected("乙 selected", on("乙"));
    tmux.keys(&["x"]);
    let screen = tmux.wait_for("乙 deleted", |s| s.contains("deleted the saved search “乙”") && !s.contains(" 乙 "));
    tmux.wait_for_selected("丙 selected", on("丙"));
    tmux.holds_still(&screen, "nothing moved");
    names(&["甲", "丙"]);
    tmux.keys(&["DC"]);
    tmux.wait_for("丙 deleted", |s| s.contains("deleted the saved search “丙”") && !s.contains(" 丙 "));
    tmux.wait_for_selected("甲 selected again", on("甲"));
    names(&["甲"]);
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// The tmux cursor's column (the terminal's cursor: where the search box's cursor is drawn).
fn cursor_x(tmux: &Tmux) -> usize {
    let out = tmux.cmd(&["display", "-p", "-t", "e2e", "#{cursor_x}"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// README, Keys: in the search box `Ctrl-A` and `Ctrl-E` go to its start and end (the
/// cursor drawn there, what is typed goes there), `Ctrl-W` deletes a word, `Ctrl-K` clears
/// it; each edit searches again.
#[test]
fn ctrl_a_e_w_k_edit_the_search_box_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("edit", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    // ` 搜索 › ` takes 8 columns; 对账 4 more.
    tmux.text("对账");
    tmux.wait_for("对账", |s| s.contains("搜索 › 对账\n") && s.contains(" 6 hits · "));
    assert_eq!(cursor_x(&tmux), 12);
    tmux.keys(&["C-a"]);
    tmux.wait_for("the cursor at the start", |_| cursor_x(&tmux) == 8);
    tmux.text("group:payprod ");
    let screen =
        tmux.wait_for("typed at the start", |s| s.contains("搜索 › group:payprod 对账\n") && s.contains(" 4 hits · "));
    assert_eq!(cursor_x(&tmux), 8 + "group:payprod ".len());
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-e"]);
    tmux.wait_for("the cursor at the end", |_| cursor_x(&tmux) == 8 + "group:payprod ".len() + 4);
    tmux.text(" 切换");
    tmux.wait_for("typed at the end", |s| s.contains("搜索 › group:payprod 对账 切换\n"));
    tmux.keys(&["C-w"]);
    // (tmux leaves a line's trailing spaces out: the cursor says the space is there.)
    let deleted = |s: &str| s.contains("搜索 › group:payprod 对账\n") && s.contains(" 4 hits · ");
    let screen = tmux.wait_for("a word deleted", |s| deleted(s) && cursor_x(&tmux) == 8 + "group:payprod ".len() + 5);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-w"]);
    tmux.wait_for("another", |s| {
        s.contains("搜索 › group:payprod\n") && s.contains("讨论 Discussions · ") && cursor_x(&tmux) == 8 + 14
    });
    tmux.keys(&["C-k"]);
    let screen =
        tmux.wait_for("cleared", |s| s.contains("搜索 › type to search") && s.contains("讨论 Discussions · 18 "));
    assert_eq!(cursor_x(&tmux), 8);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// README, Keys: `r` reindexes, picking up changed logs. A change the watcher cannot see (the
/// log written through a hard link outside the archive: inotify reports a write to the folder
/// it was made through, as on a network filesystem no change is reported at all) stays unseen
/// past every timer; `r` indexes it, says so and the search finds the new text.
#[test]
fn r_reindexes_a_change_the_watcher_did_not_see() {
    let (arch, idx) = demo_copy();
    let outside = tempfile::tempdir_in(arch.path().parent().unwrap()).unwrap();
    let log_path = arch.path().join("payprod/_posts/2018-05-30-chat.markdown");
    let link = outside.path().join("link.markdown");
    std::fs::hard_link(&log_path, &link).unwrap();
    let Some(tmux) = Tmux::start("reindex", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| {
        s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ 12 logs · 146 msgs")
    });
    tmux.text("外星支付");
    tmux.wait_for("nothing yet", |s| s.lines().last().is_some_and(|l| l.starts_with(" 0 hits ")));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the results have the keyboard", |s| s.contains(" 筛选 none · f filters"));
    let mut text = std::fs::read_to_string(&link).unwrap();
    text.push_str("> 18:00:00  访客  \n   \n外星支付也要断直连吗  \n   \n");
    std::fs::write(&link, text).unwrap();
    std::thread::sleep(PAST_EVERY_TIMER);
    let screen = tmux.screen();
    assert!(screen.contains("index ✓ 12 logs · 146 msgs") && screen.contains(" 0 hits "), "unseen:\n{screen}");
    tmux.keys(&["r"]);
    let screen = tmux.wait_for("reindexed", |s| {
        s.contains("index ✓ 12 logs · 147 msgs") && s.lines().last().is_some_and(|l| l.starts_with(" 1 hit "))
    });
    assert!(screen.contains("外星支付也要断直连吗"), "{screen}");
    tmux.wait_for("said", |s| s.contains("index updated, logs: 0 new, 1 changed, 0 removed"));
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// A log whose front matter gives another date than its file name (a header copied from the
/// day before) is its own row of the day list (`D`) beside its group's log of that date: both
/// rows named by their file, each counting its own messages, the title counting 13 logs as
/// the status bar does; `Enter` on the second opens it (it was one row opening the first).
#[test]
fn the_day_list_lists_two_logs_dated_alike_as_two_rows_in_a_real_terminal() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let copied = log("2018-05-30", &[("10:00:00", "访客", "昨天的对账文件今天才到"), ("10:01:00", "陈默", "我们也是")]);
    write(arch.path(), "payprod/_posts/2018-05-31-chat.markdown", copied);
    index(arch.path(), &idx.path().join("index"));
    let Some(tmux) = Tmux::start("twologs", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("index ✓ 13 logs · 148 msgs") && s.contains("讨论 Discussions"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the results have the keyboard", |s| s.contains(" 筛选 none · f filters"));
    tmux.keys(&["D"]);
    let row = |n: u64, file: &'static str| {
        move |r: &String| r.contains(&format!(" 2018-05-30  {:<12} {n:>6} ", "payprod")) && r.contains(file)
    };
    let listed = |s: &str| {
        let lines: Vec<String> = s.lines().map(str::to_owned).collect();
        s.contains("日历 Days · 13 logs with msgs on 12 days")
            && lines.iter().any(row(9, "2018-05-30-chat.markdown"))
            && lines.iter().any(row(2, "2018-05-31-chat.markdown"))
    };
    tmux.wait_for("both logs listed", listed);
    tmux.wait_for_selected("the first selected", |rows| rows.iter().any(row(9, "2018-05-30-chat.markdown")));
    tmux.keys(&["j"]);
    tmux.wait_for_selected("the second selected", |rows| rows.iter().any(row(2, "2018-05-31-chat.markdown")));
    let screen = tmux.wait_for("its one span listed", |s| s.contains("── 2018-05-30 payprod · 1 span"));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["Enter"]);
    let opened =
        |s: &str| s.contains("对话 2018-05-30") && s.contains("昨天的对账文件今天才到") && cursor_time(s) == "10:00";
    let screen = tmux.wait_for("the second log opened", opened);
    assert!(!screen.contains("离6月30日断直连"), "not the first log:\n{screen}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `G` on a large result (the demo and 1,000 logs more, 20,146 messages, one row each) in a
/// real terminal: the pages down to the last hit take a moment, and from the key on every
/// screen read (as fast as tmux answers) shows a row selected: the last row saying it is
/// loading, with the status bar saying which hits are coming, then the last hit (the screen
/// showed no selection at all until they came). Waited past every timer, nothing moved.
#[test]
fn capital_g_on_a_large_result_shows_it_loading_then_the_last_hit() {
    let (arch, idx) = demo_copy();
    let index_dir = idx.path().join("index");
    bulk_logs(arch.path(), 1000, 20);
    index(arch.path(), &index_dir);
    let engine = chatlore::search::Engine::open(&index_dir).unwrap();
    let page = chatlore::search::Page { limit: Some(30_000), ..Default::default() };
    let hits = engine.search(&chatlore::query::Query::default(), page).unwrap().hits;
    assert_eq!(hits.len(), 20_146);
    let h = hits.last().unwrap();
    let last = format!("{} {:02}:{:02} {}", h.date, h.time / 3600, h.time / 60 % 60, h.group);
    drop(engine);
    let Some(tmux) = Tmux::start("big-g", &browser(arch.path(), &index_dir, ""), 100, 30) else { return };
    tmux.wait_for("everything listed", |s| {
        s.contains("index ✓ 1012 logs · 20,146 msgs") && s.contains("讨论 Discussions")
    });
    tmux.keys(&["Enter", "m"]);
    tmux.wait_for("the messages", |s| s.contains("结果 Results · 20,146 hits"));
    tmux.wait_for_selected("the first hit", |rows| rows.len() == 1);
    tmux.keys(&["G"]);
    let pressed = Instant::now();
    let (mut loading, mut unselected) = (false, 0);
    let took = loop {
        let (rows, screen) = tmux.selected_rows_and_screen();
        if rows.len() == 1 && rows[0].contains(&last) {
            break pressed.elapsed();
        }
        let status = screen.lines().last().unwrap_or_default();
        if rows.len() == 1 && rows[0].contains("hit 20,146 of 20,146: loading…") {
            assert!(status.contains("20,146 hits · loading hits 201–20,146…"), "{status}");
            loading = true;
        } else if rows.len() != 1 {
            // A frame half written can show no selection for a moment; not twice in a row.
            unselected += 1;
            assert!(unselected < 2, "no row selected after G: {rows:?}\n{screen}");
            std::thread::sleep(Duration::from_millis(30));
            continue;
        }
        unselected = 0;
        assert!(pressed.elapsed() < Duration::from_secs(30), "the last hit never came");
    };
    println!("G: the last of 20,146 hits after {took:?} (loading shown: {loading})");
    let screen = tmux.settled();
    tmux.holds_still(&screen, "nothing moved");
    let rows = tmux.selected_rows();
    assert!(rows.len() == 1 && rows[0].contains(&last), "{rows:?}");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// The status bar says what the glossary added to the query, as the CLI does on stderr
/// (issue 11: "the CLI and the browser say what was added"), in cyan after the count; `=term`
/// turns the glossary off and the note goes. It said nothing: a PM saw 拒付's hits holding
/// only 调单 without knowing why.
#[test]
fn the_status_bar_says_what_the_glossary_added() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("also", &browser(arch.path(), &idx.path().join("index"), ""), 120, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("reconciliation");
    let status = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    let screen = tmux.wait_for("the note", |s| status(s).contains(" ms · ? keys · reconciliation: also 对账, 勾兑"));
    tmux.holds_still(&screen, "the note stays");
    assert!(status(&tmux.screen()).contains("reconciliation: also 对账, 勾兑"), "{}", tmux.screen());
    let coloured = tmux.capture(true);
    let line = coloured.lines().rfind(|l| l.contains("reconciliation: also")).unwrap();
    assert!(line.contains("\x1b[38;5;6m · reconciliation: also 对账, 勾兑"), "the note in cyan: {line:?}");
    // `=`: only as typed, nothing added, nothing said.
    tmux.keys(&["C-k"]);
    tmux.text("=对账");
    let screen = tmux.wait_for("the exact search", |s| s.contains("搜索 › =对账") && status(s).contains(" 6 hits · "));
    assert!(!status(&screen).contains("also"), "{}", status(&screen));
    tmux.keys(&["C-k"]);
    tmux.text("拒付");
    let screen = tmux.wait_for("拒付", |s| status(s).contains("拒付: also 调单, chargeback"));
    tmux.holds_still(&screen, "the note for 拒付 stays");
}

/// A FIFO in place of the saved searches and of the recent ones (a device or a link to one
/// would do the same): the browser blocked reading it before its first answer, and `q` did
/// nothing. It starts, says so in the status bar, answers a search, quits, and leaves both.
#[test]
fn fifos_in_place_of_the_searches_kept_are_reported_and_the_browser_answers() {
    use std::os::unix::fs::FileTypeExt;
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let data = std::path::PathBuf::from(format!("{}.data", index.display()));
    std::fs::create_dir_all(&data).unwrap();
    let fifos = [data.join("saved-searches.json"), data.join("recent-searches")];
    for f in &fifos {
        assert!(Command::new("mkfifo").arg(f).status().unwrap().success());
    }
    let Some(tmux) = Tmux::start("fifo", &browser(arch.path(), &index, ""), 120, 30) else { return };
    tmux.wait_for("the report and the index checked", |s| {
        s.contains("saved searches not loaded: ") && s.contains("not a regular file") && s.contains("index ✓ 12 logs")
    });
    // In red, and still there once every timer has passed (a key clears it).
    std::thread::sleep(PAST_EVERY_TIMER);
    let captured = tmux.capture(true);
    let status = captured.lines().rev().find(|l| !regex_lite_strip(l).trim().is_empty()).unwrap_or_default();
    assert!(
        styled_runs(status)
            .iter()
            .any(|(fg, _, t)| fg == "1" && t.contains("saved searches not loaded: not a regular file")),
        "{status:?}"
    );
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| {
        s.contains("讨论 Discussions · 5 · best first") && s.contains(" 6 hits · ")
    });
    // Enter runs the search: it would go to the recent searches, which are not a file to write.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the recent searches' report", |s| s.contains("recent searches not written: "));
    assert!(screen.contains("not a regular file"), "{screen}");
    tmux.keys(&["q"]);
    tmux.exits_cleanly();
    for f in &fifos {
        assert!(std::fs::symlink_metadata(f).unwrap().file_type().is_fifo(), "{} left as it was", f.display());
    }
}

/// An English name of several words typed in the browser is one glossary term, as in the CLI
/// (the same parser and engine): `risk control` finds 风控's messages and the status bar says
/// `risk control: also 风控, …`, in cyan. It said `risk: also 风控` and ANDed `control`, which
/// no demo message holds: no hits.
#[test]
fn the_browser_reads_an_english_name_of_several_words_as_one_term() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("english", &browser(arch.path(), &idx.path().join("index"), ""), 120, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("risk control");
    let status = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    let screen = tmux.wait_for("the note", |s| status(s).contains(" ms · ? keys · risk control: also 风控, 风险控制"));
    tmux.holds_still(&screen, "the note stays");
    let screen = tmux.screen();
    assert!(!status(&screen).contains(" 0 hits"), "{screen}");
    assert!(screen.contains("风控"), "a 风控 message listed: {screen}");
    let coloured = tmux.capture(true);
    let line = coloured.lines().rfind(|l| l.contains("risk control: also")).unwrap();
    assert!(line.contains("\x1b[38;5;6m · risk control: also 风控"), "the note in cyan: {line:?}");
}

/// A long glossary note reads, not cut in the middle of a form: the 17 forms 二类户 adds are
/// grouped as the CLI says them (`II类(账)户` for II类户 and II类账户), as many groups as the
/// status bar has room for, then how many forms are left out (`+N more`); a terminal wide
/// enough shows every group. It was `二类户: also II类户, 2类户, 二类账户, II类账户, 2类账…`.
/// Read, waited past every timer, read again.
#[test]
fn a_long_glossary_note_shows_whole_groups_and_how_many_more() {
    let (arch, idx) = demo_copy();
    let all = "II类(账)户, 2类(账)户, 二类账户, class II account, type II account, II、III类(账)户, 二、三类(账)户, \
               2、3类(账)户, II类、III类(账)户, 二类、三类(账)户";
    for width in [120u16, 260] {
        let name = format!("long-note-{width}");
        let Some(tmux) = Tmux::start(&name, &browser(arch.path(), &idx.path().join("index"), ""), width, 30) else {
            return;
        };
        tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
        tmux.text("二类户");
        let status = |s: &str| s.lines().last().unwrap_or_default().to_owned();
        let note = |s: &str| {
            let status = status(s);
            let at = status.find("二类户: also ")?;
            let rest = &status[at + "二类户: also ".len()..];
            Some(rest.split("  ").next().unwrap_or_default().trim_end().to_owned())
        };
        let screen = tmux.wait_for("the note", |s| note(s).is_some_and(|n| n.starts_with("II类(账)户, 2类(账)户")));
        tmux.holds_still(&screen, "the note stays");
        let shown = note(&tmux.screen()).unwrap();
        println!("{width} columns: 二类户: also {shown}");
        assert!(!shown.contains('…'), "{width} columns: no form cut: {shown:?}");
        if width == 260 {
            assert_eq!(shown, all, "every group where there is room");
            continue;
        }
        let (groups, more) = shown.rsplit_once(", +").unwrap_or_else(|| panic!("{shown:?}"));
        let more: usize =
            more.strip_suffix(" more").and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{shown:?}"));
        assert!(all.starts_with(groups), "the first groups, in order: {groups:?}");
        let forms: usize = groups.split(", ").map(|g| if g.contains('(') { 2 } else { 1 }).sum();
        assert_eq!(forms + more, 17, "{shown:?}");
        assert!(more > 0 && forms >= 4, "{shown:?}");
    }
}

/// Two expanded terms at 120 columns: the second keeps its name, its first group and how many
/// more, whole; the first gives up groups for it. On main the first took the room and the bar
/// cut the second (`二类户: also II类(账)户, 2类(账)户, 二类账户, +12 more; 拒…`).
#[test]
fn a_second_glossary_note_is_not_cut() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("two-notes", &browser(arch.path(), &idx.path().join("index"), ""), 120, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("二类户 拒付");
    let status = |s: &str| s.lines().last().unwrap_or_default().to_owned();
    let screen = tmux.wait_for("both notes", |s| status(s).contains("二类户: also II类(账)户"));
    tmux.holds_still(&screen, "the notes stay");
    let shown = status(&tmux.screen());
    println!("{shown}");
    let at = shown.find("二类户: also ").unwrap_or_else(|| panic!("{shown:?}"));
    let notes = shown[at..].split("  ").next().unwrap_or_default();
    assert!(!notes.contains('…'), "no note cut: {notes:?}");
    let (first, second) = notes.split_once("; ").unwrap_or_else(|| panic!("{notes:?}"));
    assert!(first.ends_with(" more"), "{notes:?}");
    assert!(second.starts_with("拒付: also 调单"), "{notes:?}");
}

/// The help names the space bar `Space` (its key column was blank) and says that in the filter
/// pane ↓/↑ move, `j` and `k` being typed; there `j j` types `jj`, and `Enter` with nothing
/// matching says so in the pane (it did nothing, silently). Read, waited past every timer, read
/// again.
#[test]
fn the_help_names_space_and_the_filter_pane_says_when_nothing_matches() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("space", &browser(arch.path(), &idx.path().join("index"), ""), 160, 45) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.keys(&["Enter", "?"]);
    tmux.wait_for("the help", |s| s.contains("帮助 Keys · type to filter"));
    tmux.text("筛选面板");
    let screen = tmux.wait_for("the filter pane's keys", |s| s.contains("filter › 筛选面板"));
    let row = |s: &str, key: &str, zh: &str| s.lines().any(|l| l.contains(&format!(" {key} ")) && l.contains(zh));
    assert!(row(&screen, "Space", "筛选面板：标记多个值"), "{screen}");
    assert!(row(&screen, "↓ / Ctrl-N", "筛选面板：下移（字母是输入）"), "{screen}");
    assert!(row(&screen, "j / ↓ / Ctrl-N", "下移（筛选面板里 j 是输入，用 ↓）"), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["Escape", "s"]);
    tmux.wait_for("the speakers", |s| s.contains("type part of a name, nickname or company"));
    // The discussion selected behind the pane keeps its two rows in the selection's background.
    let first = tmux.wait_for_selected("the first speaker", |rows| rows.len() == 3);
    tmux.keys(&["Down"]);
    tmux.wait_for_selected("↓ moves", |rows| rows.len() == 3 && *rows != first);
    tmux.keys(&["j", "j"]);
    tmux.wait_for("jj typed", |s| s.contains(" › jj") && s.contains(" nothing matches"));
    tmux.keys(&["Enter"]);
    let said = "nothing to add: nothing on the Speakers tab matches “jj”";
    let screen = tmux.wait_for("Enter says so", |s| s.contains(said) && s.contains("筛选 Filters"));
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// `对账文件 网联 断直连`: no message holds the three, one discussion holds them in several
/// (payprod 2018-05-30). The discussions list it as a row, in the selection's background once
/// the results have the keyboard, and `Enter` opens it; the status bar says why there are 0
/// hits. The list said "No messages match" with no row, under a title counting it. Read, waited
/// past every timer, read again.
#[test]
fn a_discussion_holding_the_words_in_several_messages_is_a_row_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let index = idx.path().join("index");
    let query = chatlore::query::Query::parse("对账文件 网联 断直连").unwrap();
    let engine = chatlore::search::Engine::open(&index).unwrap();
    let found = engine.discussions(&query, None, chatlore::search::Sort::Relevance).unwrap();
    assert_eq!(engine.search(&query, Default::default()).unwrap().total, 0);
    let d = found.discussions[0].discussion.clone();
    drop(engine);
    let row = format!("{} {} {}–{}", d.date, d.group, &d.start_time[..5], &d.end_time[..5]);
    let Some(tmux) = Tmux::start("all-in-one", &browser(arch.path(), &index, ""), 160, 45) else { return };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账文件 网联 断直连");
    let listed = |s: &str| {
        s.contains(&format!("讨论 Discussions · {} · best first", found.total))
            && s.contains(&row)
            && s.contains(
                " 0 hits: no message contains all of 对账文件 网联 断直连 (each occurs, never in one message)",
            )
            && !s.contains("No messages match")
    };
    tmux.wait_for("the discussion listed", listed);
    tmux.keys(&["Enter"]);
    let rows = tmux.wait_for_selected("its row selected", |rows| rows.len() == 2 && rows[0].contains(&row));
    let screen = tmux.wait_for("its preview", |s| listed(s) && s.contains(&format!("┐┌ 对话 {} ", d.date)));
    tmux.holds_still(&screen, "nothing moved");
    assert_eq!(tmux.selected_rows(), rows, "the selection holds still");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the conversation has the keyboard", |_| focus_of(&tmux).starts_with("对话 "));
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// More discussions than the first 200 loaded: with an empty search box, `G` selects the last
/// one the title counts (the newest: oldest first), after saying it is loading; the list ended
/// at the 200th under a title counting them all. Then `g` and `G` again, loaded: no loading.
#[test]
fn capital_g_reaches_the_last_discussion_the_title_counts() {
    let (arch, idx) = demo_copy();
    let index_dir = idx.path().join("index");
    bulk_logs(arch.path(), 260, 4);
    index(arch.path(), &index_dir);
    let engine = chatlore::search::Engine::open(&index_dir).unwrap();
    let all = engine.discussions(&chatlore::query::Query::default(), None, chatlore::search::Sort::Relevance).unwrap();
    assert!(all.total > 250, "{}", all.total);
    let d = &all.discussions[all.total - 1].discussion;
    let last = format!("{} {} {}–{}", d.date, d.group, &d.start_time[..5], &d.end_time[..5]);
    drop(engine);
    let Some(tmux) = Tmux::start("disc-g", &browser(arch.path(), &index_dir, ""), 100, 30) else { return };
    let title = format!("讨论 Discussions · {} · oldest first", all.total);
    tmux.wait_for("every discussion counted", |s| s.contains(&title) && s.contains("index ✓ "));
    tmux.keys(&["Enter"]);
    tmux.wait_for_selected("the first discussion", |rows| rows.len() == 2);
    tmux.keys(&["G"]);
    let rows = tmux.wait_for_selected("the last discussion", |rows| rows.len() == 2 && rows[0].contains(&last));
    let screen = tmux.settled();
    assert!(screen.contains(&title) && !screen.contains("loading"), "{screen}");
    tmux.holds_still(&screen, "nothing moved");
    assert_eq!(tmux.selected_rows(), rows, "the selection holds still");
    tmux.keys(&["g"]);
    tmux.wait_for_selected("the first again", |r| r.len() == 2 && !r[0].contains(&last));
    tmux.keys(&["G"]);
    let rows = tmux.wait_for_selected("the last again", |rows| rows.len() == 2 && rows[0].contains(&last));
    assert!(!tmux.screen().contains("loading"));
    assert_eq!(rows.len(), 2);
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// The conversation's place in its title (`118/240`), as (message, messages).
fn place(screen: &str) -> (usize, usize) {
    let title = screen.lines().find(|l| l.contains("┌ 对话 ")).unwrap_or_else(|| panic!("no conversation:\n{screen}"));
    let at = title.split(" · ").find_map(|part| {
        let (a, b) = part.trim().split_once('/')?;
        Some((a.parse().ok()?, b.trim_end_matches(['─', '┐', ' ']).parse().ok()?))
    });
    at.unwrap_or_else(|| panic!("no place in {title}"))
}

/// In a terminal too narrow for the split view, a row read (`Enter`, `j j j`), left (`Esc`)
/// and opened again (`Enter`) is read on where it was, as in a wide one (it went back to the
/// row's first match).
#[test]
fn the_place_read_is_kept_in_a_narrow_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("narrow", &browser(arch.path(), &idx.path().join("index"), ""), 100, 30) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("网联");
    tmux.wait_for("the discussions of 网联", |s| s.contains("讨论 Discussions · ") && s.contains(" msgs · "));
    tmux.keys(&["Enter", "j"]);
    tmux.wait_for_selected("the second discussion", |rows| rows.len() == 2);
    tmux.keys(&["Enter"]);
    let opened = place(&tmux.wait_for("the conversation", |s| s.contains("┌ 对话 ")));
    tmux.keys(&["j", "j", "j"]);
    let read = (opened.0 + 3, opened.1);
    tmux.wait_for("three messages on", |s| place(s) == read);
    tmux.keys(&["Escape"]);
    tmux.wait_for("the results", |s| !s.contains("┌ 对话 ") && s.contains("讨论 Discussions"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the conversation again", |s| s.contains("┌ 对话 "));
    assert_eq!(place(&screen), read, "where it was read:\n{screen}");
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// The conversation's title as drawn: the line of the right pane's top border (`┐┌ 对话 …`),
/// from the conversation's `┌`.
fn conversation_title(screen: &str) -> String {
    let line = screen.lines().find(|l| l.contains("┐┌")).unwrap_or_else(|| panic!("no split view:\n{screen}"));
    line[line.find("┐┌").unwrap() + "┐".len()..].trim_end_matches(['─', '┐']).to_owned()
}

/// A day read from the day list, then `Esc`: the preview is the selected row's again (its
/// date in the conversation's title, its span marked), not the day read, which stayed until a
/// key moved the selection. Read, waited past every timer, read again.
#[test]
fn esc_from_a_day_of_the_day_list_previews_the_selected_row_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("day-esc", &browser(arch.path(), &idx.path().join("index"), ""), 160, 45) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| s.contains("讨论 Discussions · 5 ") && s.contains(" 6 hits · "));
    tmux.keys(&["Down"]);
    let rows = tmux.wait_for_selected("the first discussion", |rows| rows.len() == 2);
    let date: String = rows[0].trim_start_matches('│').chars().take(10).collect();
    let preview = tmux.wait_for("its preview", |s| conversation_title(s).starts_with(&format!("┌ 对话 {date} · ")));
    assert!(conversation_title(&preview).contains(" · discussion ") || preview.contains('┃'), "{preview}");
    tmux.keys(&["D"]);
    tmux.wait_for("the day list", |s| s.contains("日历 Days"));
    tmux.text("2017-08-15");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the day read", |s| {
        !s.contains("日历 Days") && conversation_title(s).starts_with("┌ 对话 2017-08-15 · ") && place(s).0 == 1
    });
    assert_ne!(date, "2017-08-15");
    tmux.keys(&["Escape"]);
    let back = tmux.wait_for("the selected row previewed", |s| {
        conversation_title(s).starts_with(&format!("┌ 对话 {date} · ")) && focus_of(&tmux).starts_with("讨论")
    });
    assert_eq!(body(&back), body(&preview), "as it was before the day list");
    tmux.holds_still(&back, "nothing moved");
    assert_eq!(tmux.selected_rows(), rows);
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// A person posting under two nicknames (the same name and company) is one row of the
/// speaker pane, their other nickname beside it, counting their messages once; the chip finds
/// both nicknames' messages.
#[test]
fn the_speaker_pane_lists_a_person_once_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let index_dir = idx.path().join("index");
    for (date, who) in [
        ("2017-06-01", "张泽雄-民生金服 项目总监"),
        ("2017-06-02", "张泽雄-民生金服"),
        ("2017-06-03", "张泽雄-民生金服"),
    ] {
        let day = log(date, &[("09:00:00", who, "对账文件今天又晚到了"), ("09:01:00", "乙-某银行", "我们也是")]);
        write(arch.path(), &format!("payprod/_posts/{date}-chat.markdown"), day);
    }
    index(arch.path(), &index_dir);
    let Some(tmux) = Tmux::start("person", &browser(arch.path(), &index_dir, ""), 160, 45) else { return };
    tmux.wait_for("everything listed", |s| s.contains("index ✓ 15 logs"));
    tmux.text("对账");
    tmux.wait_for("the discussions of 对账", |s| s.contains(" 9 hits · "));
    tmux.keys(&["Enter", "s"]);
    tmux.wait_for("the speakers", |s| s.contains("type part of a name, nickname or company"));
    tmux.text("张泽");
    let one = |s: &str| {
        let rows: Vec<&str> = s.lines().filter(|l| l.contains("张泽雄-民生金服")).collect();
        rows.len() == 1 && rows[0].contains("also 张泽雄-民生金服 项目总监") && rows[0].contains("       3 │")
    };
    let screen = tmux.wait_for("one row for the person", one);
    tmux.holds_still(&screen, "nothing moved");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the chip's discussions", |s| s.contains("[from:=张泽雄-民生金服 ×]") && s.contains(" 3 hits · "));
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}

/// Beside the results of a 140-column terminal, a title too long for the conversation pane
/// keeps its name, `对话`, and gives up the discussion's span, which the margin marks (it kept
/// the span and gave up the name).
#[test]
fn a_long_conversation_title_keeps_its_name_in_a_real_terminal() {
    let (arch, idx) = demo_copy();
    let Some(tmux) = Tmux::start("title", &browser(arch.path(), &idx.path().join("index"), ""), 140, 40) else {
        return;
    };
    tmux.wait_for("everything listed", |s| s.contains("讨论 Discussions · 18 ") && s.contains("index ✓ "));
    tmux.text("对账");
    let screen = tmux.wait_for("the preview", |s| s.contains("讨论 Discussions · 5 ") && s.contains("┐┌ 对话 2018-"));
    let title = conversation_title(&screen);
    assert!(title.starts_with("┌ 对话 2018-") && title.contains(" · match "), "{title}");
    assert!(!title.contains(" · discussion "), "given up first: {title}");
    assert!(screen.contains('┃'), "the margin marks the discussion:\n{screen}");
    tmux.holds_still(&screen, "nothing moved");
    // Wider, the span too.
    tmux.cmd(&["resize-window", "-t", "e2e", "-x", "180", "-y", "40"]).status().unwrap();
    let wide = tmux.wait_for("the whole title", |s| conversation_title(s).contains(" · discussion "));
    assert!(conversation_title(&wide).starts_with("┌ 对话 2018-"), "{wide}");
    tmux.keys(&["C-c"]);
    tmux.exits_cleanly();
}
