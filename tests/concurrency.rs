//! Concurrent use: two indexers at once, a browser open while another process indexes, and
//! `index --watch` following the archive until Ctrl-C.

mod common;

use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use chatlore::tui::action::{Action, IndexEvent};
use chatlore::tui::effect::Effect;
use chatlore::watch::ArchiveWatcher;
use common::tui::TestApp;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn total(index_dir: &Path, q: &str) -> usize {
    let e = Engine::open(index_dir).unwrap();
    e.search(&Query::parse(q).unwrap(), Page { limit: Some(0), ..Page::default() }).unwrap().total
}

#[test]
fn two_indexers_at_once_both_end_with_a_correct_index() {
    let idx = tempfile::tempdir().unwrap();
    let Some(real) = real_archive_or_skip() else { return };
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_chatlore"))
            .arg("--archive")
            .arg(&real)
            .arg("--index")
            .arg(idx.path())
            .arg("index")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(2) => assert!(err.contains("another chatlore process is indexing"), "{err}"),
            other => panic!("unexpected exit {other:?}: {err}"),
        }
    }
    assert_eq!(total(idx.path(), ""), 92_240);
    let e = Engine::open(idx.path()).unwrap();
    assert_eq!(e.facets(&Query::default()).unwrap().days.len(), 520);
}

#[test]
fn an_open_browser_picks_up_another_processs_commit() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let summary = index(arch.path(), idx.path());
    let mut app = TestApp::new(arch.path(), idx.path(), (100, 30));
    app.start();
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    "外星支付".chars().for_each(|c| app.update(Action::Input(c)));
    assert_eq!(app.results.total, 0);
    // Another process indexes a new day.
    write(
        arch.path(),
        "payprod/_posts/2018-06-02-chat.markdown",
        log("2018-06-02", &[("10:00:00", "访客", "外星支付")]),
    );
    let out = chatlore(arch.path(), idx.path(), &["index"]);
    assert_eq!(out.status.code(), Some(0));
    // What the browser's clock asks for every couple of seconds.
    app.run(vec![Effect::Reload { always: false }]);
    assert_eq!(app.results.total, 1);
    assert_eq!(app.note.as_deref(), Some("picked up a new index commit"));
}

#[test]
fn the_watcher_reports_a_change_once_the_archive_is_quiet() {
    let arch = tempfile::tempdir().unwrap();
    let mut w = ArchiveWatcher::new(arch.path(), None).unwrap();
    assert!(!w.poll());
    write(arch.path(), "g/_posts/2018-01-01-chat.markdown", "> 10:00:00  a\nhi\n");
    assert!(w.wait(Duration::from_secs(10)), "the change is reported");
    assert!(!w.poll(), "once");
    // Changes inside an ignored folder (an index placed in the archive) do not count.
    let inner = arch.path().join("index");
    std::fs::create_dir_all(&inner).unwrap();
    let mut w = ArchiveWatcher::new(arch.path(), Some(&inner)).unwrap();
    std::fs::write(inner.join("x"), "y").unwrap();
    assert!(!w.wait(Duration::from_millis(800)));
}

/// An index folder inside the archive that the first update creates after the watch began,
/// given by a path the watch resolves otherwise (through a link here; a relative `--index`
/// does the same): its writes are the index's own, not a change of the archive. They were
/// taken for one, so every first `index --watch` updated twice.
#[test]
fn an_index_folder_made_inside_the_archive_after_the_watch_began_is_left_out() {
    let parent = tempfile::tempdir().unwrap();
    let real = parent.path().join("real");
    write(&real, "g/_posts/2018-01-01-chat.markdown", "> 10:00:00  a\nhi\n");
    let link = parent.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for inner in [link.join("index"), link.join("g/_posts/idx")] {
        let mut w = ArchiveWatcher::new(&link, Some(&inner)).unwrap();
        write(&inner, "gen-0123456789abcdef/x.idx", "y");
        write(&inner, "chatlore-meta.json", "{}");
        assert!(!w.wait(Duration::from_millis(1000)), "the index's own writes in {} are no change", inner.display());
        write(&real, "g/_posts/2018-01-02-chat.markdown", "> 10:00:00  a\nhi\n");
        assert!(w.wait(Duration::from_secs(10)), "a log written beside it is");
        std::fs::remove_file(real.join("g/_posts/2018-01-02-chat.markdown")).unwrap();
    }
}

/// `index --watch` with its index inside the archive, given relative to where it runs
/// (`--archive arch --index arch/index`): one update to begin with and one per change, never
/// one for the index's own writes, and the index's files are never read as logs.
#[test]
fn index_watch_with_the_index_inside_the_archive_updates_once_per_change() {
    for inner in ["arch/index", "arch/payprod/_posts/idx"] {
        let parent = tempfile::tempdir().unwrap();
        copy_tree(&demo_archive(), &parent.path().join("arch"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_chatlore"));
        command.current_dir(parent.path()).args(["--archive", "arch", "--index", inner, "index", "--watch"]);
        let (mut child, rx) = watching(command);
        let summary = |wait: Duration| {
            let deadline = Instant::now() + wait;
            std::iter::from_fn(|| rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok())
                .find(|l| l.starts_with("files:"))
        };
        let first = summary(Duration::from_secs(30)).expect("the first update's summary");
        assert!(first.contains("12 added") && first.contains("; 12 logs, 146 messages"), "{inner}: {first}");
        // Past the watch's quiet time and tantivy's merges: nothing more.
        assert_eq!(summary(Duration::from_secs(3)), None, "{inner}: an update for the index's own writes");
        write(
            &parent.path().join("arch"),
            "risk/_posts/2018-06-04-chat.markdown",
            log("2018-06-04", &[("09:00:00", "甲", "外汇")]),
        );
        let next = summary(Duration::from_secs(20)).expect("the new log's update");
        assert!(next.contains("1 added") && next.contains("; 13 logs, 147 messages"), "{inner}: {next}");
        assert_eq!(summary(Duration::from_secs(3)), None, "{inner}: an update for the index's own writes");
        let child = child.0.take().unwrap();
        assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn the_watcher_follows_an_archive_folder_deleted_and_created_again() {
    let parent = tempfile::tempdir().unwrap();
    let arch = parent.path().join("archive");
    write(&arch, "g/_posts/2018-01-01-chat.markdown", "> 10:00:00  a\nhi\n");
    let mut w = ArchiveWatcher::new(&arch, None).unwrap();
    std::fs::remove_dir_all(&arch).unwrap();
    assert!(w.wait(Duration::from_secs(10)), "the deletion is reported");
    write(&arch, "g/_posts/2018-01-02-chat.markdown", "> 10:00:00  a\nhi\n");
    assert!(w.wait(Duration::from_secs(10)), "the new folder is reported");
    while w.wait(Duration::from_millis(800)) {}
    // The new folder is watched: a log written into it is seen.
    write(&arch, "g/_posts/2018-01-03-chat.markdown", "> 10:00:00  a\nhi\n");
    assert!(w.wait(Duration::from_secs(10)), "a change inside the new folder is reported");
}

/// A child process killed if the test fails before it ends it.
struct Reaped(Option<std::process::Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `command` (an `index --watch`) started, and its standard output's lines as they come.
fn watching(mut command: Command) -> (Reaped, std::sync::mpsc::Receiver<String>) {
    let mut child = Reaped(Some(command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()));
    let lines = BufReader::new(child.0.as_mut().unwrap().stdout.take().unwrap()).lines();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    (child, rx)
}

#[test]
fn index_watch_follows_the_archive_and_stops_cleanly_on_ctrl_c() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatlore"));
    command.arg("--archive").arg(arch.path()).arg("--index").arg(idx.path()).args(["index", "--watch"]);
    let (mut child, rx) = watching(command);
    // (The demo's GB18030 log is named in a warning line first.)
    let first = rx.recv_timeout(Duration::from_secs(30)).expect("the first update's summary");
    assert!(first.contains("12 added"), "{first}");

    // A log that arrives half-written: indexed whole once complete.
    let path = arch.path().join("payprod/_posts/2018-06-03-chat.markdown");
    let full = log("2018-06-03", &[("09:00:00", "甲", "第一条 外汇"), ("09:01:00", "乙", "第二条 外汇")]);
    let cut = full.find("> 09:01:00").unwrap();
    std::fs::write(&path, &full[..cut]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    std::fs::write(&path, &full).unwrap();
    let arrived = Instant::now();
    let deadline = arrived + Duration::from_secs(20);
    while total(idx.path(), "外汇 date:2018-06-03") < 2 {
        assert!(Instant::now() < deadline, "the new log was not indexed");
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("new log searchable {:?} after it was complete", arrived.elapsed());

    // A removed log goes too.
    std::fs::remove_file(&path).unwrap();
    while total(idx.path(), "外汇 date:2018-06-03") > 0 {
        assert!(Instant::now() < deadline, "the removed log stayed");
        std::thread::sleep(Duration::from_millis(50));
    }

    // The archive folder moved away and back (a bad moment): the failed update says the watch
    // goes on (it said only `error:`, as if it had stopped), and it does.
    let away = arch.path().with_extension("away");
    std::fs::rename(arch.path(), &away).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    std::fs::rename(&away, arch.path()).unwrap();
    std::fs::write(&path, &full).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while total(idx.path(), "外汇 date:2018-06-03") < 2 {
        assert!(Instant::now() < deadline, "the log written after the folder came back was not indexed");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Ctrl-C: a clean stop with a word.
    let child = child.0.take().unwrap();
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stopped watching"), "{err}");
    assert!(err.contains("; still watching: the next change to the archive is tried again"), "{err}");
    assert!(!idx.path().join(".chatlore-manifest.json.tmp").exists());

    // The GB18030 log's warning, standing all along, was said by the first update only (on
    // standard error, where warnings go); the later ones count it as before.
    let later: Vec<String> = rx.iter().collect();
    let summaries: Vec<&String> = later.iter().filter(|l| l.starts_with("files:")).collect();
    assert!(summaries.len() >= 2 && summaries.len() == later.len(), "{later:#?}");
    assert_eq!(err.lines().filter(|l| l.starts_with("warning:")).count(), 1, "{err}");
    assert!(summaries.iter().all(|l| l.contains("1 warning (1 as before)")), "{later:#?}");
}
