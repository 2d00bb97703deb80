//! Helpers shared by the integration tests: fixture archives and indexes in temp folders.
#![allow(dead_code)]

pub mod tui;

use chatlore::index::{self, writer::Silent, Options, Summary};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The demo archive shipped in the repository.
pub fn demo_archive() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("archive")
}

/// The real archive (`../shared/archive`, or `CHATLORE_SHARED_ARCHIVE` where set), or None
/// after printing a notice when it is missing: a fresh clone without `../shared` still passes
/// `cargo test`. With `CHATLORE_REQUIRE_SHARED=1` (CI) its absence is a failure.
pub fn real_archive_or_skip() -> Option<PathBuf> {
    let p = std::env::var_os("CHATLORE_SHARED_ARCHIVE")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/archive"), PathBuf::from);
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        !require_shared(),
        "the real archive is expected at {} (CHATLORE_REQUIRE_SHARED=1; see README: Tests)",
        p.display()
    );
    println!("skipping: ../shared/archive not found");
    None
}

/// Whether tests must fail rather than skip when the shared archive or tmux is missing
/// (`.ci/run` sets `CHATLORE_REQUIRE_SHARED=1`).
pub fn require_shared() -> bool {
    std::env::var("CHATLORE_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// The generation folder holding an index's tantivy files.
pub fn generation(index_dir: &Path) -> PathBuf {
    chatlore::index::generation_dir(index_dir).expect("the index names its generation")
}

/// Copies a folder tree (for archives a test modifies).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Indexes `archive` into `index_dir`.
pub fn index(archive: &Path, index_dir: &Path) -> Summary {
    index::update(archive, index_dir, &Options::default(), &Silent).expect("indexing succeeds")
}

/// Runs the `chatlore` binary.
pub fn chatlore(archive: &Path, index_dir: &Path, args: &[&str]) -> Output {
    chatlore_with(archive, index_dir, args, &[])
}

/// Runs the `chatlore` binary with these environment variables set.
pub fn chatlore_with(archive: &Path, index_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .arg("--archive")
        .arg(archive)
        .arg("--index")
        .arg(index_dir)
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One group-day log in the archive's format.
pub fn log(date: &str, messages: &[(&str, &str, &str)]) -> String {
    let mut s = format!("---\nlayout:     source \ntitle:      \"{date}-WeChat\"\ndate:       {date} 12:00:00\nauthor:     \"PaymentGroup\"\ntag:\t\t  [chat]\n---\n");
    for (time, who, text) in messages {
        s.push_str(&format!("> {time}  {who}  \n   \n"));
        for line in text.lines() {
            s.push_str(&format!("{line}  \n"));
        }
        s.push_str("   \n");
    }
    s
}

/// Writes `content` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}
