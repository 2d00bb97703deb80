//! `chatlore export --ndjson`: one object per message, every field as documented (the
//! Quickwit doc mapping in the README relies on these names and types). Neither `export` nor
//! `generate` writes inside the archive it reads.

mod common;

use chatlore::archive;
use common::*;
use std::collections::HashSet;
use std::path::Path;

#[test]
fn every_message_once_with_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("messages.ndjson");
    let out = chatlore(&demo_archive(), dir.path(), &["export", "--ndjson", "--out", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("exported 146 messages of 12 logs"));
    let text = std::fs::read_to_string(&out_path).unwrap();
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 146);

    let loaded = archive::load(&demo_archive()).unwrap();
    let mut ids = HashSet::new();
    for r in &records {
        for key in [
            "id",
            "timestamp",
            "date",
            "time",
            "group",
            "path",
            "line",
            "speaker",
            "name",
            "text",
            "kind",
            "topics",
            "urls",
        ] {
            assert!(r.get(key).is_some(), "{key} missing: {r}");
        }
        assert!(r["timestamp"].is_i64() && r["line"].is_u64() && r["topics"].is_array() && r["urls"].is_array());
        let id = r["id"].as_str().unwrap();
        assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        assert_eq!(id, format!("{}:{}", r["path"].as_str().unwrap(), r["line"]));
        let day = loaded.days.iter().find(|d| d.path == r["path"]).unwrap();
        let m = day.messages.iter().find(|m| u64::from(m.line) == r["line"].as_u64().unwrap()).unwrap();
        assert_eq!(
            (r["text"].as_str().unwrap(), r["speaker"].as_str().unwrap()),
            (m.text.as_str(), m.speaker.as_str())
        );
        assert_eq!(r["kind"], m.kind.as_str());
    }
    // The groups' clock is UTC+8: 2017-08-15 09:02:11 there is 01:02:11 UTC.
    let first = records.iter().find(|r| r["id"] == "payprod/_posts/2017-08-15-chat.markdown:10").unwrap();
    assert_eq!(first["timestamp"], 1_502_758_931);
    assert_eq!((first["date"].as_str(), first["time"].as_str()), (Some("2017-08-15"), Some("09:02:11")));
    let kevin = records.iter().find(|r| r["speaker"] == "Kevin-汇海跨境PM").unwrap();
    assert_eq!((kevin["name"].as_str(), kevin["company"].as_str()), (Some("Kevin"), Some("汇海跨境")));
    assert!(records.iter().any(|r| r["topics"].as_array().unwrap().iter().any(|t| t == "cross-border")));
}

#[test]
fn export_to_standard_output_and_a_broken_log_is_named() {
    let arch = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    write(arch.path(), "g/_posts/2017-08-02-chat.markdown", [0u8, 1, 2]);
    let out = chatlore(arch.path(), arch.path(), &["export", "--ndjson"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 1);
    // Named by its path from here, as every command names a file of the archive.
    let named = format!("warning: {}: binary data", arch.path().join("g/_posts/2017-08-02-chat.markdown").display());
    assert!(stderr(&out).contains(&named), "{}", stderr(&out));
}

#[test]
fn export_needs_no_flag_and_falls_back_on_a_malformed_topics_yaml_as_index_does() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    copy_tree(&demo_archive(), &arch);
    write(&arch, "topics.yaml", "topics: [this is: not: valid\n");
    let idx = dir.path().join("index");
    let out = chatlore(&arch, &idx, &["export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 146);
    let named = format!("warning: {}: ", arch.join("topics.yaml").display());
    assert!(stderr(&out).contains(&named) && stderr(&out).contains("built-in topics"), "{}", stderr(&out));
    let indexed = chatlore(&arch, &idx, &["index"]);
    assert!(stderr(&indexed).contains(&named), "{}", stderr(&indexed));
    let with_flag = chatlore(&arch, &idx, &["export", "--ndjson"]);
    assert_eq!(stdout(&with_flag), stdout(&out));
}

#[test]
fn an_export_is_never_written_inside_the_archive_it_reads() {
    // `--out` naming one of the logs (a slip of the tab key) truncated it and wrote the export
    // over it, with exit 0; one anywhere in the archive lands among the logs. Both are refused,
    // and the archive is left byte for byte as it was.
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let log = arch.path().join("payprod/_posts/2017-08-15-chat.markdown");
    let before = std::fs::read(&log).unwrap();
    let cases =
        [log.clone(), arch.path().join("messages.ndjson"), arch.path().join("payprod/../payprod/_posts/../new.ndjson")];
    for out_path in &cases {
        let out = chatlore(arch.path(), dir.path(), &["export", "--out", out_path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", out_path.display(), stderr(&out));
        assert!(stderr(&out).contains("inside the archive"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&log).unwrap(), before, "the log is untouched");
    assert!(!arch.path().join("messages.ndjson").exists() && !arch.path().join("payprod/new.ndjson").exists());
    // A symbolic link outside the archive that leads to a log is refused too.
    #[cfg(unix)]
    {
        let link = dir.path().join("link.ndjson");
        std::os::unix::fs::symlink(&log, &link).unwrap();
        let out = chatlore(arch.path(), dir.path(), &["export", "--out", link.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(std::fs::read(&log).unwrap(), before, "the log is untouched");
    }
    // Beside the archive is fine.
    let fine = dir.path().join("messages.ndjson");
    let out = chatlore(arch.path(), dir.path(), &["export", "--out", fine.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `--out notes.txt` truncated the user's file and wrote the export over it (exit 0), and
/// `--out -` wrote a file named `-`. A file that is not an export (nor empty) is refused and
/// left as it was; an earlier export is replaced whole, through a temporary file that does
/// not stay; `-` is standard output and `/dev/null` a device written as it is.
#[test]
fn an_export_replaces_only_an_export_and_dash_is_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    let export = |out: &Path| {
        let out = chatlore(&demo_archive(), &idx, &["export", "--out", out.to_str().unwrap()]);
        (out.status.code(), stderr(&out))
    };
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();
    let (code, err) = export(&notes);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("already holds a file that is not a chatlore export") && err.contains("notes.txt"), "{err}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n", "the user's file is untouched");

    let ndjson = dir.path().join("messages.ndjson");
    for before in ["", "{\"id\":\"old\",\"timestamp\":0,\"path\":\"p\",\"line\":1,\"speaker\":\"s\",\"text\":\"t\"}\n"]
    {
        std::fs::write(&ndjson, before).unwrap();
        let (code, err) = export(&ndjson);
        assert_eq!(code, Some(0), "{before:?}: {err}");
        assert_eq!(std::fs::read_to_string(&ndjson).unwrap().lines().count(), 146, "{before:?}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().ends_with(".tmp")), "no temporary file stays: {left:?}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .current_dir(dir.path())
        .args(["--archive", demo_archive().to_str().unwrap(), "export", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 146, "`-` is standard output");
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    #[cfg(unix)]
    assert_eq!(export(Path::new("/dev/null")).0, Some(0));
}

#[test]
fn an_export_never_overwrites_the_index() {
    // `export --out index/chatlore-meta.json` (or a file of a generation folder) wrote the
    // export over the index's own file with exit 0: the next search said the index was damaged.
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    let generation = chatlore::index::generation_dir(&idx).unwrap();
    let meta = idx.join("chatlore-meta.json");
    let before = std::fs::read(&meta).unwrap();
    let cases = [meta.clone(), generation.join("meta.json"), generation.join("new.ndjson"), idx.clone()];
    for out_path in &cases {
        let out = chatlore(&demo_archive(), &idx, &["export", "--out", out_path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}: {}", out_path.display(), stderr(&out));
        assert!(stderr(&out).contains("among the files of the index"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&meta).unwrap(), before, "the meta file is untouched");
    assert!(!generation.join("new.ndjson").exists());
    let search = chatlore(&demo_archive(), &idx, &["search", "对账"]);
    assert_eq!(search.status.code(), Some(0), "{}", stderr(&search));
    // A file of one's own beside the index's files is fine.
    let notes = idx.join("messages.ndjson");
    let out = chatlore(&demo_archive(), &idx, &["export", "--out", notes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(chatlore(&demo_archive(), &idx, &["search", "对账"]).status.code(), Some(0));
}

#[test]
fn a_synthetic_archive_is_never_generated_inside_the_archive_it_learns_from() {
    // `generate --from A --out A/gen` nested a synthetic archive inside A: the next `index` of
    // A read gen/<group>/_posts as one more group and doubled its messages with made-up ones.
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), arch.path());
    let inside = arch.path().join("gen");
    let from = arch.path().to_str().unwrap();
    let out = chatlore(arch.path(), dir.path(), &["generate", "--from", from, "--out", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("inside the archive"), "{}", stderr(&out));
    assert!(!inside.exists(), "nothing written");
    let beside = dir.path().join("gen");
    let out = chatlore(arch.path(), dir.path(), &["generate", "--from", from, "--out", beside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// All files under `root` with their bytes, by path relative to it.
fn files(root: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(root).unwrap().display().to_string(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// `generate --from DIR --scale N --out DIR [--seed S]` (README, Command line): an archive with
/// DIR's days and messages per day in each of N copies of every group, the same logs again for
/// the same seed, and only a new `--out`: a folder that exists, with the user's files in it, is
/// refused and left alone.
#[test]
fn generate_writes_n_times_the_archive_the_same_for_a_seed_and_only_into_a_new_folder() {
    let dir = tempfile::tempdir().unwrap();
    let from = demo_archive();
    let generate = |out: &std::path::Path, extra: &[&str]| {
        let args =
            [&["generate", "--from", from.to_str().unwrap(), "--scale", "2", "--out", out.to_str().unwrap()], extra];
        chatlore(&from, &dir.path().join("index"), &args.concat())
    };
    let first = dir.path().join("first");
    let out = generate(&first, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrote 24 logs, 292 messages"), "{}", stderr(&out));

    let demo = archive::load(&from).unwrap();
    let made = archive::load(&first).unwrap();
    assert!(made.warnings.is_empty(), "{:?}", made.warnings);
    assert_eq!((made.days.len(), made.message_count()), (2 * demo.days.len(), 2 * demo.message_count()));
    for day in &demo.days {
        for copy in ["000", "001"] {
            let twin = made
                .days
                .iter()
                .find(|d| d.group == format!("{}-{copy}", day.group) && d.date == day.date)
                .unwrap_or_else(|| panic!("no copy {copy} of {}", day.path));
            assert_eq!(twin.messages.len(), day.messages.len(), "{} copy {copy}", day.path);
        }
    }

    let again = dir.path().join("again");
    assert_eq!(generate(&again, &[]).status.code(), Some(0));
    assert_eq!(files(&again), files(&first), "the same seed writes the same logs");
    let other = dir.path().join("other");
    assert_eq!(generate(&other, &["--seed", "7"]).status.code(), Some(0));
    assert_ne!(files(&other), files(&first), "another seed, other logs");

    // An --out that exists is refused, and what is in it stays.
    write(&first, "NOTES.txt", "mine");
    let before = files(&first);
    let out = generate(&first, &["--seed", "7"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("exists already"), "{}", stderr(&out));
    assert_eq!(files(&first), before, "nothing written over");
}
