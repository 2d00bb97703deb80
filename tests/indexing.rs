//! Incremental reindexing, bad input and index-folder safety, on archives built in temp folders.

mod common;

use chatlore::index::{self, writer::Silent, IndexError, Options};
use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn total(index_dir: &Path, q: &str) -> usize {
    let e = Engine::open(index_dir).unwrap();
    e.search(&Query::parse(q).unwrap(), Page { limit: Some(0), ..Page::default() }).unwrap().total
}

fn small_archive(root: &Path) {
    write(
        root,
        "alpha/_posts/2017-08-01-chat.markdown",
        log("2017-08-01", &[("09:00:00", "甲-银信支付-产品", "网联对账文件"), ("09:01:00", "乙", "收到")]),
    );
    write(
        root,
        "alpha/_posts/2017-08-02-chat.markdown",
        log("2017-08-02", &[("10:00:00", "甲-银信支付-产品", "跨境结售汇")]),
    );
    write(root, "beta/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("11:00:00", "丙", "路由通道")]));
}

#[test]
fn only_changed_logs_are_indexed_and_removed_ones_leave() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    let s = index(arch.path(), idx.path());
    assert_eq!((s.added, s.changed, s.removed, s.unchanged, s.messages), (3, 0, 0, 0, 4));

    let s = index(arch.path(), idx.path());
    assert_eq!((s.added, s.changed, s.removed, s.unchanged, s.indexed_messages), (0, 0, 0, 3, 0));

    // A new day, a changed day, a removed day, and a touched-but-identical day.
    write(
        arch.path(),
        "beta/_posts/2017-08-03-chat.markdown",
        log("2017-08-03", &[("12:00:00", "丁", "新的一天：断直连")]),
    );
    write(
        arch.path(),
        "alpha/_posts/2017-08-01-chat.markdown",
        log("2017-08-01", &[("09:00:00", "甲-银信支付-产品", "改过的消息")]),
    );
    std::fs::remove_file(arch.path().join("beta/_posts/2017-08-01-chat.markdown")).unwrap();
    let same = std::fs::read(arch.path().join("alpha/_posts/2017-08-02-chat.markdown")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(arch.path(), "alpha/_posts/2017-08-02-chat.markdown", same);
    let s = index(arch.path(), idx.path());
    assert_eq!((s.added, s.changed, s.removed, s.unchanged), (1, 1, 1, 1));
    assert_eq!(s.indexed_messages, 2);
    assert_eq!(s.messages, 3);
    assert_eq!(total(idx.path(), "网联"), 0, "the old version of a changed log is gone");
    assert_eq!(total(idx.path(), "改过"), 1);
    assert_eq!(total(idx.path(), "路由"), 0, "a removed log's messages are gone");
    assert_eq!(total(idx.path(), "断直连"), 1);
    assert_eq!(total(idx.path(), ""), 3, "no duplicates");
}

#[test]
fn broken_files_are_named_and_every_good_message_is_indexed() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    write(arch.path(), "alpha/_posts/2017-08-05-chat.markdown", [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 0xFF, 0xFE]);
    write(arch.path(), "alpha/_posts/notes.md", "> 09:00:00  甲\n没有日期的文件\n");
    write(
        arch.path(),
        "alpha/_posts/2017-08-06-chat.markdown",
        format!("---\ntitle: [broken\ndate: 2017-08-06\n---\n{}", "> 08:00:00  甲\n前置内容后的消息\n"),
    );
    let s = index(arch.path(), idx.path());
    let reasons: Vec<String> = s.warnings.iter().map(ToString::to_string).collect();
    assert!(reasons.iter().any(|w| w.starts_with("alpha/_posts/2017-08-05-chat.markdown: binary data")), "{reasons:?}");
    assert!(reasons.iter().any(|w| w.starts_with("alpha/_posts/notes.md: no date")), "{reasons:?}");
    assert!(
        reasons.iter().any(|w| w.starts_with("alpha/_posts/2017-08-06-chat.markdown: front matter is not valid YAML")),
        "{reasons:?}"
    );
    assert_eq!(s.messages, 5, "all good messages, including those of the file with broken YAML");
    assert_eq!(total(idx.path(), "前置内容"), 1);
    // A still-broken file is still reported on the next (no-change) run.
    let again = index(arch.path(), idx.path());
    assert_eq!(again.warnings.len(), 3);
    assert_eq!(again.unchanged, 6);
}

#[test]
fn cli_reports_warnings_with_paths() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    write(arch.path(), "beta/_posts/2017-09-09-chat.markdown", [0u8; 64]);
    let out = chatlore(arch.path(), idx.path(), &["index"]);
    assert_eq!(out.status.code(), Some(0));
    // The warnings on standard error, as every command's; the summary alone on standard output.
    let (text, warned) = (stdout(&out), stderr(&out));
    let named = arch.path().join("beta/_posts/2017-09-09-chat.markdown");
    assert!(warned.contains(&format!("warning: {}: binary data", named.display())), "{warned}");
    assert_eq!(text.lines().count(), 1, "{text}");
    // Four files, three of them logs: the counts say which is which.
    assert!(text.starts_with("files: 4 added") && text.contains("; 3 logs,") && text.contains("1 warning,"), "{text}");
    let json = chatlore(arch.path(), idx.path(), &["index", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["unchanged"], 4);
    assert_eq!(v["warnings"][0]["path"], "beta/_posts/2017-09-09-chat.markdown");
}

#[test]
fn a_missing_archive_is_a_clear_error() {
    let idx = tempfile::tempdir().unwrap();
    let out = chatlore(Path::new("/nonexistent/archive"), idx.path(), &["index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/archive"), "{}", stderr(&out));
}

#[test]
fn a_foreign_folder_is_never_touched() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    write(idx.path(), "thesis.tex", "precious");
    let err =
        index::update(arch.path(), idx.path(), &Options { rebuild: true, ..Options::default() }, &Silent).unwrap_err();
    assert!(matches!(err, IndexError::Foreign { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(idx.path().join("thesis.tex")).unwrap(), "precious");
    let out = chatlore(arch.path(), idx.path(), &["search", "网联"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a chatlore index"), "{}", stderr(&out));
}

/// A search reads the index as it was built: when it finds nothing while the archive has moved
/// on (a new, changed or removed log, another taxonomy), it says so and names the `index` run
/// that brings the index up to date; over an up-to-date index it says nothing of the kind.
#[test]
fn a_search_that_finds_nothing_over_an_index_older_than_the_archive_says_so() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    let note = |o: &Output| stderr(o).lines().find(|l| l.contains("older than the archive")).map(str::to_owned);
    let run = format!("run `chatlore --archive {} --index {} index`", arch.path().display(), idx.path().display());

    let current = chatlore(arch.path(), idx.path(), &["search", "晨曦平台"]);
    assert_eq!(current.status.code(), Some(1));
    assert_eq!(note(&current), None, "an up-to-date index: {}", stderr(&current));

    write(
        arch.path(),
        "beta/_posts/2017-08-03-chat.markdown",
        log("2017-08-03", &[("09:00:00", "丁", "晨曦平台上线")]),
    );
    write(arch.path(), "alpha/_posts/2017-08-02-chat.markdown", log("2017-08-02", &[("10:00:00", "甲", "改过")]));
    std::fs::remove_file(arch.path().join("beta/_posts/2017-08-01-chat.markdown")).unwrap();
    for args in [&["search", "晨曦平台"][..], &["discussions", "晨曦平台"], &["people", "晨曦平台"]] {
        let stale = chatlore(arch.path(), idx.path(), args);
        assert_eq!(stale.status.code(), Some(1), "{args:?}: {}", stderr(&stale));
        let said = note(&stale).unwrap_or_else(|| panic!("{args:?}: no note in {}", stderr(&stale)));
        assert!(
            said.contains("(1 new file, 1 changed file, 1 log removed)") && said.contains(&run),
            "{args:?}: {said}"
        );
    }
    // A search with hits pays for no walk of the archive, and says nothing of it.
    let hits = chatlore(arch.path(), idx.path(), &["search", "网联"]);
    assert_eq!((hits.status.code(), note(&hits)), (Some(0), None));

    let updated = chatlore(arch.path(), idx.path(), &["index"]);
    assert!(updated.status.success(), "{}", stderr(&updated));
    let found = chatlore(arch.path(), idx.path(), &["search", "晨曦平台"]);
    assert!(found.status.success() && stdout(&found).contains("晨曦平台上线"), "{}", stdout(&found));
    let none = chatlore(arch.path(), idx.path(), &["search", "暮色平台"]);
    assert_eq!((none.status.code(), note(&none)), (Some(1), None));

    // A junk file named like a log is a new file, not a new log (it said `1 new log`, and the
    // `index` run it asked for found none); once the index knows it, its going is nothing.
    let junk = "beta/_posts/2017-08-09-chat.markdown";
    write(arch.path(), junk, (0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect::<Vec<u8>>());
    let said = note(&chatlore(arch.path(), idx.path(), &["search", "暮色平台"])).expect("a note for the new file");
    assert!(said.contains("(1 new file)"), "{said}");
    assert!(chatlore(arch.path(), idx.path(), &["index"]).status.success());
    assert_eq!(note(&chatlore(arch.path(), idx.path(), &["search", "暮色平台"])), None);
    std::fs::remove_file(arch.path().join(junk)).unwrap();
    assert_eq!(note(&chatlore(arch.path(), idx.path(), &["search", "暮色平台"])), None, "a junk file gone");

    write(arch.path(), "topics.yaml", "topics:\n  - {id: xb, zh: 跨境, en: Cross-border, keywords: [跨境]}\n");
    let retagged = chatlore(arch.path(), idx.path(), &["search", "暮色平台"]);
    let said = note(&retagged).unwrap_or_else(|| panic!("another taxonomy: no note in {}", stderr(&retagged)));
    assert!(said.contains("read anew") && said.contains(&run), "{said}");
}

#[test]
fn a_damaged_manifest_or_changed_taxonomy_rebuilds() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    std::fs::write(generation(idx.path()).join("chatlore-manifest.json"), "garbage").unwrap();
    let s = index(arch.path(), idx.path());
    assert!(s.rebuilt.as_deref().unwrap_or_default().contains("manifest is damaged"), "{:?}", s.rebuilt);
    assert_eq!((s.added, total(idx.path(), "")), (3, 4));

    write(arch.path(), "topics.yaml", "topics:\n  - {id: xb, zh: 跨境, en: Cross-border, keywords: [跨境]}\n");
    let s = index(arch.path(), idx.path());
    assert!(s.rebuilt.as_deref().unwrap_or_default().contains("taxonomy changed"), "{:?}", s.rebuilt);
    assert_eq!(total(idx.path(), "topic:xb"), 1);
    assert_eq!(total(idx.path(), "topic:跨境"), 1);

    write(arch.path(), "topics.yaml", "topics: [oops");
    let s = index(arch.path(), idx.path());
    assert!(s.warnings.iter().any(|w| w.reason.contains("using the built-in topics")), "{:?}", s.warnings);
    assert_eq!(total(idx.path(), "topic:cross-border"), 1);
}

#[test]
fn rebuild_starts_from_scratch() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    let s = index::update(arch.path(), idx.path(), &Options { rebuild: true, ..Options::default() }, &Silent).unwrap();
    assert_eq!((s.added, s.unchanged), (3, 0));
    assert!(s.rebuilt.is_some());
    assert_eq!(total(idx.path(), ""), 4);
}

#[test]
fn a_second_indexer_gets_a_clear_message() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    let lock = std::fs::File::open(idx.path().join(".chatlore.lock")).unwrap();
    lock.lock().unwrap();
    let out = chatlore(arch.path(), idx.path(), &["index"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another chatlore process is indexing"), "{}", stderr(&out));
    lock.unlock().unwrap();
    assert_eq!(chatlore(arch.path(), idx.path(), &["index"]).status.code(), Some(0));
}

#[test]
fn search_without_an_index_and_on_an_empty_archive() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let s = index(arch.path(), idx.path());
    assert_eq!((s.files, s.messages), (0, 0));
    let out = chatlore(arch.path(), idx.path(), &["search", "网联"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_folder_of_hidden_entries_is_never_adopted_nor_wiped() {
    let arch = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    // A git checkout given as --index, by `index` and by a first `search`.
    for args in [&["index"][..], &["index", "--rebuild"], &["search", "网联"], &["stats"]] {
        let idx = tempfile::tempdir().unwrap();
        write(idx.path(), ".git/config", "[core]");
        write(idx.path(), ".env", "SECRET=1");
        let out = chatlore(arch.path(), idx.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("not a chatlore index") && err.contains("`.env`, `.git`"), "{args:?}: {err}");
        assert!(err.contains(&idx.path().display().to_string()), "{args:?}: {err}");
        assert_eq!(std::fs::read_to_string(idx.path().join(".git/config")).unwrap(), "[core]");
        assert_eq!(std::fs::read_to_string(idx.path().join(".env")).unwrap(), "SECRET=1");
        assert_eq!(std::fs::read_dir(idx.path()).unwrap().count(), 2, "{args:?}: nothing written");
    }
    // `--help` says so, and does not claim the folder's contents are chatlore's.
    let help = chatlore(arch.path(), arch.path(), &["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("did not create is refused"), "{help}");
    assert!(!help.contains("contents are chatlore's"), "{help}");
}

#[test]
fn rebuilds_keep_the_users_files_in_the_index_folder() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    write(idx.path(), "NOTES.txt", "mine");
    write(idx.path(), "backup/old.json", "{}");
    write(idx.path(), ".hidden", "mine too");
    let s = index::update(arch.path(), idx.path(), &Options { rebuild: true, ..Options::default() }, &Silent).unwrap();
    assert!(s.rebuilt.is_some());
    // An automatic rebuild: the taxonomy changed.
    write(arch.path(), "topics.yaml", "topics:\n  - {id: xb, zh: 跨境, en: Cross-border, keywords: [跨境]}\n");
    let s = index(arch.path(), idx.path());
    assert!(s.rebuilt.as_deref().unwrap_or_default().contains("taxonomy changed"), "{:?}", s.rebuilt);
    // A damaged generation: rebuilt, and a file of the user's inside it stays.
    write(&generation(idx.path()), "mine.txt", "in the generation");
    let damaged = generation(idx.path());
    std::fs::write(damaged.join("meta.json"), "").unwrap();
    let s = index(arch.path(), idx.path());
    assert!(s.rebuilt.is_some());
    assert_eq!(std::fs::read_to_string(damaged.join("mine.txt")).unwrap(), "in the generation");
    assert!(s.warnings.iter().any(|w| w.reason.contains("mine.txt")), "{:?}", s.warnings);
    assert_eq!(std::fs::read_to_string(idx.path().join("NOTES.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(idx.path().join("backup/old.json")).unwrap(), "{}");
    assert_eq!(std::fs::read_to_string(idx.path().join(".hidden")).unwrap(), "mine too");
    assert_eq!(total(idx.path(), ""), 4);
}

#[test]
fn an_index_answers_only_for_the_archive_it_was_built_from() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(&demo_archive(), idx.path());
    for args in [&["search", "对账"][..], &["stats"]] {
        let out = chatlore(arch.path(), idx.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("was built from the archive") && err.contains("chatlore"), "{args:?}: {err}");
    }
    // Where an index run was asked for, the index is rebuilt for the archive given.
    let s = index(arch.path(), idx.path());
    assert!(s.rebuilt.as_deref().unwrap_or_default().contains("another archive"), "{:?}", s.rebuilt);
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "网联"]);
    assert_eq!((out.status.code(), stdout(&out).lines().count()), (Some(0), 1), "{}", stderr(&out));
    assert_eq!(chatlore(&demo_archive(), idx.path(), &["search", "对账"]).status.code(), Some(2));
}

#[test]
fn a_same_size_copy_with_the_old_mtime_is_reindexed() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    let path = arch.path().join("beta/_posts/2017-08-01-chat.markdown");
    let stamp = arch.path().join("stamp");
    std::fs::copy(&path, &stamp).unwrap();
    assert!(Command::new("touch").arg("-r").arg(&path).arg(&stamp).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_millis(20));
    index(arch.path(), idx.path());
    // Same size, the old mtime: what `cp -p` of an edited copy leaves.
    let text = std::fs::read_to_string(&path).unwrap().replace("路由通道", "清算机构");
    let edited = arch.path().join("edited");
    std::fs::write(&edited, text).unwrap();
    assert!(Command::new("touch").arg("-r").arg(&stamp).arg(&edited).status().unwrap().success());
    std::fs::remove_file(&stamp).unwrap();
    assert!(Command::new("cp").arg("-p").arg(&edited).arg(&path).status().unwrap().success());
    std::fs::remove_file(&edited).unwrap();
    let s = index(arch.path(), idx.path());
    assert_eq!((s.changed, s.unchanged), (1, 2));
    assert_eq!((total(idx.path(), "清算机构"), total(idx.path(), "路由通道")), (1, 0));
}

/// A first build of a small archive (the demo's 84 KB) is one segment, whatever the thread
/// scheduling: one indexing thread, as for a small update. (With one thread per core it was one
/// or two segments, as the threads happened to take the documents.)
#[test]
fn a_small_archive_is_built_as_one_segment() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let idx = dir.path().join("index");
        assert!(index(&demo_archive(), &idx).indexed_messages > 100);
        let stores = std::fs::read_dir(generation(&idx))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "store"))
            .count();
        assert_eq!(stores, 1);
    }
}

#[test]
fn links_in_the_index_folder_never_lead_to_a_write_into_a_users_file() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let theirs = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    index(arch.path(), idx.path());
    write(theirs.path(), "notes.txt", "precious");
    let notes = theirs.path().join("notes.txt");
    // Links where chatlore writes its lock and its temporaries, before an update and a rebuild.
    for args in [&["index"][..], &["index", "--rebuild"]] {
        let gen = generation(idx.path());
        for link in [
            idx.path().join(".chatlore.lock"),
            idx.path().join(".chatlore-meta.json.tmp"),
            gen.join(".chatlore-manifest.json.tmp"),
        ] {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&notes, &link).unwrap();
        }
        let out = chatlore(arch.path(), idx.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "precious", "{args:?}");
    }
    assert_eq!(total(idx.path(), ""), 4);
}

#[test]
fn a_users_meta_json_is_neither_adopted_nor_deleted() {
    let arch = tempfile::tempdir().unwrap();
    small_archive(arch.path());
    let mine = r#"{"name": "my project"}"#;
    // A folder of the user's holding only a file named as tantivy names its meta file.
    for args in [&["index"][..], &["search", "网联"]] {
        let idx = tempfile::tempdir().unwrap();
        write(idx.path(), "meta.json", mine);
        let out = chatlore(arch.path(), idx.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a chatlore index") && stderr(&out).contains("`meta.json`"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(idx.path().join("meta.json")).unwrap(), mine, "{args:?}");
        assert_eq!(std::fs::read_dir(idx.path()).unwrap().count(), 1, "{args:?}: nothing written");
    }
    // One the user put in chatlore's index folder stays, through updates and rebuilds.
    let idx = tempfile::tempdir().unwrap();
    index(arch.path(), idx.path());
    write(idx.path(), "meta.json", mine);
    index(arch.path(), idx.path());
    index::update(arch.path(), idx.path(), &Options { rebuild: true, ..Options::default() }, &Silent).unwrap();
    assert_eq!(std::fs::read_to_string(idx.path().join("meta.json")).unwrap(), mine);
    assert_eq!(total(idx.path(), ""), 4);
}

/// [`chatlore`], killed after 20 s if it has not ended by then (a watch that never stops).
fn chatlore_bounded(archive: &Path, index_dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .arg("--archive")
        .arg(archive)
        .arg("--index")
        .arg(index_dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

/// An `--index` that is the archive folder, or a folder above it, is refused by every command
/// that uses the index with an error naming both, and nothing is written (`export` reads the
/// archive alone: tests/export.rs gives it the archive as `--index`). An empty archive folder (its logs yet to
/// come) given as its own index was adopted: chatlore's meta file and a generation folder went
/// among the groups, and `index --watch` took every change for the index's own, never indexing
/// the logs that came.
#[test]
fn an_index_that_is_the_archive_or_holds_it_is_refused_naming_both() {
    let parent = tempfile::tempdir().unwrap();
    let empty = parent.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let full = parent.path().join("full");
    small_archive(&full);
    let names = |dir: &Path| {
        let mut n: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        n.sort();
        n
    };
    let above = parent.path().to_path_buf();
    for (arch, idx) in [(&empty, &empty), (&full, &full), (&full, &above)] {
        for args in [
            &["index"][..],
            &["index", "--watch"],
            &["search", "网联"],
            &["discussions"],
            &["stats"],
            &["people"],
            &["mcp"],
            &[],
        ] {
            let out = chatlore_bounded(arch, idx, args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?} with --index {}: {err}", idx.display());
            assert!(
                err.contains(&format!("--index {} holds the archive {}", idx.display(), arch.display())),
                "{args:?}: {err}"
            );
        }
    }
    assert!(names(&empty).is_empty(), "{:?}", names(&empty));
    assert_eq!(names(&full), ["alpha", "beta"]);
    assert_eq!(names(&above), ["empty", "full"]);
    // An index inside the archive is no such folder.
    let inside = full.join("index");
    assert_eq!(chatlore(&full, &inside, &["index"]).status.code(), Some(0));
    assert_eq!(total(&inside, "网联"), 1);
}

/// Every warning `chatlore index` printed, without the `warning: ` in front, each file named
/// within the archive (warnings name it by its path: the archive's, then the log's).
fn index_warnings(arch: &Path, idx: &Path) -> Vec<String> {
    let out = chatlore(arch, idx, &["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let prefix = format!("{}/", arch.display());
    stderr(&out).lines().filter_map(|l| l.strip_prefix("warning: ")).map(|w| w.replacen(&prefix, "", 1)).collect()
}

/// `search --json` hits as (line, time, speaker, text).
fn hits(arch: &Path, idx: &Path, q: &str) -> Vec<(u64, String, String, String)> {
    let out = chatlore(arch, idx, &["search", "--json", "--limit", "0", q]);
    stdout(&out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_owned();
            (v["line"].as_u64().unwrap(), s("time"), s("speaker"), s("text"))
        })
        .collect()
}

/// README, The archive: a damaged first header opens the first message, with one warning
/// saying so (it had been said to be kept as text and to belong to no message, and was lost).
#[test]
fn a_damaged_first_header_is_kept_in_the_first_message_with_one_warning() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let text = "---\ndate: 2017-08-01 12:00:00\n---\n\n> 25:61:61  坏时间  \nbadheadermarker 一  \n   \n> 08:00:00  甲  \n第一条消息  \n";
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", text);
    assert_eq!(
        index_warnings(arch.path(), idx.path()),
        ["g/_posts/2017-08-01-chat.markdown: line 5: `> 25:61:61` is not a time of day; the line and the text after it are kept at the start of the first message (line 8)"]
    );
    let found = hits(arch.path(), idx.path(), "=badheadermarker");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str(), found[0].2.as_str()), (8, "08:00:00", "甲"));
    assert_eq!(found[0].3, "25:61:61  坏时间\nbadheadermarker 一\n第一条消息");
}

/// README, The archive: headers in irregular forms are read as headers, a header without a
/// nickname keeps an empty one, a `date:` that is no date gives the file name's; each said.
#[test]
fn irregular_headers_and_a_bad_date_are_read_and_named() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let text = "---\ndate: 2019-02-30\n---\n> 08:00:00  甲\n正常消息\n> 9:03:00  丁\n一位小时\n>  10:04:00  戊\n两个空格\n>10:00:01 无空格\n没有空格\n> 10:02:00\n没有昵称\n";
    write(arch.path(), "g/_posts/2019-02-28-chat.markdown", text);
    let p = "g/_posts/2019-02-28-chat.markdown";
    assert_eq!(
        index_warnings(arch.path(), idx.path()),
        [
            format!("{p}: front matter `date: 2019-02-30` is not a date; the log is dated 2019-02-28, from the file name"),
            format!("{p}: line 6: `> 9:03:00  丁` is read as a message header despite a one-digit hour"),
            format!("{p}: line 8: `>  10:04:00  戊` is read as a message header despite white space after `>` other than one space"),
            format!("{p}: line 10: `>10:00:01 无空格` is read as a message header despite no space after `>`"),
            format!("{p}: line 12: the header `> 10:02:00` names no speaker; the message is kept with an empty nickname"),
        ]
    );
    let all = hits(arch.path(), idx.path(), "date:2019-02-28");
    let mut read: Vec<(u64, &str, &str, &str)> =
        all.iter().map(|(l, t, s, x)| (*l, t.as_str(), s.as_str(), x.as_str())).collect();
    read.sort();
    assert_eq!(
        read,
        [
            (4, "08:00:00", "甲", "正常消息"),
            (6, "09:03:00", "丁", "一位小时"),
            (8, "10:04:00", "戊", "两个空格"),
            (10, "10:00:01", "无空格", "没有空格"),
            (12, "10:02:00", "", "没有昵称"),
        ]
    );
}
