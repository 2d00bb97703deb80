//! Crashes: `chatlore index` killed (`kill -9`, or an abort at each named point of an update),
//! then run again, must leave every message of the archive in the index exactly once and
//! nothing of removed logs.

mod common;

use chatlore::archive;
use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const FAULT_POINTS: &[&str] =
    &["after-deletes", "mid-batch", "before-commit", "after-commit", "after-manifest", "before-switch"];

fn index_cmd(archive: &Path, index_dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chatlore"));
    c.arg("--archive").arg(archive).arg("--index").arg(index_dir).arg("index");
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// Runs `index` to completion, then checks the index holds exactly the archive's messages.
fn repaired_and_consistent(archive: &Path, index_dir: &Path, context: &str) {
    let out = index_cmd(archive, index_dir).stderr(Stdio::piped()).output().unwrap();
    assert!(
        out.status.success(),
        "{context}: the repairing run failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: BTreeSet<(String, u32)> = archive::load(archive)
        .unwrap()
        .days
        .iter()
        .flat_map(|d| d.messages.iter().map(move |m| (d.path.clone(), m.line)))
        .collect();
    let engine = Engine::open(index_dir).unwrap();
    let all = engine.search(&Query::default(), Page { limit: None, ..Page::default() }).unwrap();
    let got: BTreeSet<(String, u32)> = all.hits.iter().map(|h| (h.path.clone(), h.line)).collect();
    assert_eq!(got.len(), all.total, "{context}: duplicate messages in the index");
    let missing: Vec<_> = expected.difference(&got).take(3).collect();
    let stale: Vec<_> = got.difference(&expected).take(3).collect();
    assert!(missing.is_empty() && stale.is_empty(), "{context}: missing {missing:?}, stale {stale:?}");
}

/// Adds, changes and removes logs of an archive copy.
fn change_archive(root: &Path) {
    write(root, "payprod/_posts/2018-06-01-chat.markdown", log("2018-06-01", &[("09:00:00", "新人", "新的一天")]));
    write(root, "risk/_posts/2018-04-14-chat.markdown", log("2018-04-14", &[("21:10:05", "何一帆", "改写过的一天")]));
    std::fs::remove_file(root.join("crossborder/_posts/2018-03-22-chat.markdown")).unwrap();
}

#[test]
fn an_abort_at_any_point_of_a_first_build_is_repaired() {
    for point in FAULT_POINTS {
        let idx = tempfile::tempdir().unwrap();
        let status = index_cmd(&demo_archive(), idx.path()).env("CHATLORE_FAULT", point).status().unwrap();
        assert!(!status.success(), "the fault at {point} happened");
        repaired_and_consistent(&demo_archive(), idx.path(), &format!("first build, abort {point}"));
    }
}

#[test]
fn an_abort_at_any_point_of_an_incremental_update_is_repaired() {
    for point in FAULT_POINTS {
        let arch = tempfile::tempdir().unwrap();
        let idx = tempfile::tempdir().unwrap();
        copy_tree(&demo_archive(), arch.path());
        index(arch.path(), idx.path());
        change_archive(arch.path());
        let status = index_cmd(arch.path(), idx.path()).env("CHATLORE_FAULT", point).status().unwrap();
        assert!(!status.success(), "the fault at {point} happened");
        repaired_and_consistent(arch.path(), idx.path(), &format!("incremental, abort {point}"));
    }
}

/// An update killed after its commit, before it wrote chatlore's meta file (Ctrl-C of `index`,
/// or the browser quit while its indexer waits for tantivy's merges), leaves an index whose
/// commit is whole: a search answers from it until the next run repairs the meta file, as it
/// did before the meta file counted the documents (then it said the index was damaged).
#[test]
fn a_search_after_an_update_killed_past_its_commit_answers() {
    for point in ["after-commit", "after-manifest", "before-switch"] {
        let arch = tempfile::tempdir().unwrap();
        let idx = tempfile::tempdir().unwrap();
        copy_tree(&demo_archive(), arch.path());
        index(arch.path(), idx.path());
        write(
            arch.path(),
            "payprod/_posts/2018-06-01-chat.markdown",
            log("2018-06-01", &[("09:00:00", "新人", "对账 新的一天")]),
        );
        let status = index_cmd(arch.path(), idx.path()).env("CHATLORE_FAULT", point).status().unwrap();
        assert!(!status.success(), "the fault at {point} happened");
        let out = chatlore(arch.path(), idx.path(), &["search", "--json", "--limit", "0", "对账"]);
        assert_eq!((out.status.code(), stdout(&out).lines().count()), (Some(0), 7), "{point}: {}", stderr(&out));
        repaired_and_consistent(arch.path(), idx.path(), &format!("update aborted {point}"));
    }
}

#[test]
fn kill_9_at_several_moments_of_real_archive_builds_is_repaired() {
    let Some(real) = real_archive_or_skip() else { return };
    for delay_ms in [20, 150, 400, 900, 1600] {
        let idx = tempfile::tempdir().unwrap();
        let mut child = index_cmd(&real, idx.path()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL; the run may also have finished already
        child.wait().unwrap();
        repaired_and_consistent(&real, idx.path(), &format!("first build killed after {delay_ms} ms"));
    }
}

#[test]
fn kill_9_during_incremental_updates_is_repaired() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let Some(real) = real_archive_or_skip() else { return };
    copy_tree(&real, arch.path());
    index(arch.path(), idx.path());
    let posts = arch.path().join("proddev/_posts");
    let mut days: Vec<_> = std::fs::read_dir(&posts).unwrap().map(|e| e.unwrap().path()).collect();
    days.sort();
    for (round, delay_ms) in [5u64, 40, 120, 300].into_iter().enumerate() {
        // Each round removes, changes and adds logs, then kills the update.
        std::fs::remove_file(&days[round * 3]).unwrap();
        let text = std::fs::read_to_string(&days[round * 3 + 1]).unwrap();
        std::fs::write(&days[round * 3 + 1], text.replacen("> ", "> 00:00:00  改动\n改动了\n\n> ", 1)).unwrap();
        write(
            arch.path(),
            &format!("newgroup/_posts/2019-01-0{}-chat.markdown", round + 1),
            log("2019-01-01", &[("08:00:00", "x", "新")]),
        );
        let mut child = index_cmd(arch.path(), idx.path()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        repaired_and_consistent(arch.path(), idx.path(), &format!("round {round}, killed after {delay_ms} ms"));
    }
}

#[test]
fn a_kill_after_the_first_commit_into_a_once_empty_archive_is_repaired() {
    // The manifest lists no log (the archive was empty), the index holds documents.
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    index(arch.path(), idx.path());
    copy_tree(&demo_archive(), arch.path());
    let status = index_cmd(arch.path(), idx.path()).env("CHATLORE_FAULT", "after-commit").status().unwrap();
    assert!(!status.success());
    repaired_and_consistent(arch.path(), idx.path(), "first logs of an empty archive, abort after-commit");
}

#[test]
fn orphan_files_of_a_killed_writer_are_cleaned_up() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    // What a killed writer leaves: a segment file tantivy manages that no commit uses.
    let gen = generation(idx.path());
    let seg = std::fs::read_dir(&gen)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let orphan = gen.join("0123456789abcdef0123456789abcdef.idx");
    std::fs::copy(&seg, &orphan).unwrap();
    let managed_path = gen.join(".managed.json");
    let mut managed: Vec<String> = serde_json::from_str(&std::fs::read_to_string(&managed_path).unwrap()).unwrap();
    managed.push("0123456789abcdef0123456789abcdef.idx".into());
    std::fs::write(&managed_path, serde_json::to_string(&managed).unwrap()).unwrap();
    let s = index(&demo_archive(), idx.path());
    assert_eq!(s.unchanged, 12, "nothing to index");
    assert!(!orphan.exists(), "the orphan is gone");
    repaired_and_consistent(&demo_archive(), idx.path(), "after orphan cleanup");
}

fn generations(index_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_rebuild_leaves_the_old_index_answering() {
    for point in ["mid-batch", "before-commit", "after-commit", "after-manifest", "before-switch"] {
        let idx = tempfile::tempdir().unwrap();
        index(&demo_archive(), idx.path());
        let before = generation(idx.path());
        let mut rebuild = index_cmd(&demo_archive(), idx.path());
        let status = rebuild.arg("--rebuild").env("CHATLORE_FAULT", point).status().unwrap();
        assert!(!status.success(), "the fault at {point} happened");
        assert_eq!(generation(idx.path()), before, "{point}: the old generation is still the index");
        let out = chatlore(&demo_archive(), idx.path(), &["search", "--json", "--limit", "0", "对账"]);
        assert_eq!((out.status.code(), stdout(&out).lines().count()), (Some(0), 6), "{point}: {}", stderr(&out));
        let out = chatlore(&demo_archive(), idx.path(), &["stats", "--json"]);
        assert!(stdout(&out).contains("146"), "{point}: {}", stdout(&out));
        // The next run removes the unfinished generation and keeps the old one.
        repaired_and_consistent(&demo_archive(), idx.path(), &format!("rebuild aborted {point}"));
        assert_eq!(generations(idx.path()).len(), 1, "{point}: {:?}", generations(idx.path()));
    }
}

#[test]
fn a_reader_of_the_old_generation_keeps_answering_and_reload_opens_the_new_one() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    let before = generation(idx.path());
    let engine = Engine::open(idx.path()).unwrap();
    let query = Query::parse("对账").unwrap();
    let page = Page { limit: Some(0), ..Page::default() };
    let s = chatlore::index::update(
        &demo_archive(),
        idx.path(),
        &chatlore::index::Options { rebuild: true, ..Default::default() },
        &chatlore::index::writer::Silent,
    )
    .unwrap();
    assert!(s.rebuilt.is_some());
    assert_ne!(generation(idx.path()), before);
    assert!(!before.exists(), "the old generation is removed after the switch");
    assert_eq!(engine.search(&query, page).unwrap().total, 6, "the open reader still answers");
    assert!(engine.reload().unwrap(), "the switch is a change");
    assert_eq!(engine.handle().generation_dir, generation(idx.path()));
    assert_eq!(engine.search(&query, page).unwrap().total, 6);
}

/// The segment ids and the opstamp of a generation's tantivy `meta.json`.
fn tantivy_meta(gen: &Path) -> (Vec<String>, u64) {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(gen.join("meta.json")).unwrap()).unwrap();
    let ids = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    (ids, meta["opstamp"].as_u64().unwrap())
}

#[test]
fn delete_files_of_a_commit_killed_before_its_meta_do_not_block_the_next_commit() {
    // A commit writes each segment's deletes as `<segment>.<opstamp>.del`, then meta.json. A
    // kill in between leaves those files behind, and the next run, doing the same work, reaches
    // the same opstamp: tantivy refuses to write a file that exists.
    let arch = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let (done, killed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    index(arch.path(), done.path());
    copy_tree(done.path(), killed.path());
    change_archive(arch.path());
    // The run that completes tells the opstamp of that commit.
    index(arch.path(), done.path());
    let (_, opstamp) = tantivy_meta(&generation(done.path()));
    let gen = generation(killed.path());
    let (segments, before) = tantivy_meta(&gen);
    assert!(opstamp > before, "the update committed");
    for id in &segments {
        std::fs::write(gen.join(format!("{id}.{opstamp}.del")), b"left by a killed commit").unwrap();
    }
    repaired_and_consistent(arch.path(), killed.path(), "delete files of a killed commit");
}
