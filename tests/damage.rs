//! A damaged index: every kind of damage is named by `search` (exit 2, no panic) and rebuilt
//! from the archive by `index` and by the browser.

mod common;

use chatlore::index::reader::THREADS_VARIABLE;
use chatlore::index::IndexError;
use chatlore::search::Engine;
use chatlore::tui::action::{Action, IndexEvent};
use chatlore::tui::effect::Effect;
use common::tui::TestApp;
use common::*;
use std::path::{Path, PathBuf};

/// A file of the (single) segment with this extension.
fn segment_file(idx: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(generation(idx))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == ext) && p.file_stem().is_some_and(|s| s.len() == 32))
        .unwrap_or_else(|| panic!("no .{ext} segment file"))
}

fn truncate(p: &Path, len: u64) {
    std::fs::OpenOptions::new().write(true).open(p).unwrap().set_len(len).unwrap();
}

type Damage = fn(&Path);

/// (what, how, whether tantivy's files must be rebuilt; the meta file is rewritten from the
/// manifest instead).
const DAMAGES: &[(&str, Damage, bool)] = &[
    ("store file deleted", |i| std::fs::remove_file(segment_file(i, "store")).unwrap(), true),
    ("fast file deleted", |i| std::fs::remove_file(segment_file(i, "fast")).unwrap(), true),
    ("postings truncated", |i| truncate(&segment_file(i, "idx"), 100), true),
    ("terms truncated", |i| truncate(&segment_file(i, "term"), 10), true),
    ("positions truncated", |i| truncate(&segment_file(i, "pos"), 0), true),
    ("meta.json emptied", |i| std::fs::write(generation(i).join("meta.json"), "").unwrap(), true),
    ("meta.json garbage", |i| std::fs::write(generation(i).join("meta.json"), "{\"segments\": [oops").unwrap(), true),
    ("chatlore meta garbage", |i| std::fs::write(i.join("chatlore-meta.json"), "not json").unwrap(), true),
    // Valid, and tantivy opens it: only the count chatlore recorded tells (it answered 20 of
    // 423 hits for 718, exit 0).
    ("meta.json lists fewer documents", |i| edit_max_doc(i, |n| n - 10), true),
];

/// Tantivy's meta.json with its first segment's `max_doc` changed by `change`.
fn edit_max_doc(idx: &Path, change: fn(u64) -> u64) {
    let path = generation(idx).join("meta.json");
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let n = meta["segments"][0]["max_doc"].as_u64().unwrap();
    meta["segments"][0]["max_doc"] = change(n).into();
    std::fs::write(&path, meta.to_string()).unwrap();
}

#[test]
fn search_names_the_damage_and_index_rebuilds_it() {
    for (what, damage, rebuilds) in DAMAGES {
        let idx = tempfile::tempdir().unwrap();
        index(&demo_archive(), idx.path());
        damage(idx.path());
        let out = chatlore(&demo_archive(), idx.path(), &["search", "对账"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        // The command that repairs it names the archive and index given.
        let repair =
            format!("run `chatlore --archive {} --index {} index`", demo_archive().display(), idx.path().display());
        assert!(err.contains("damaged") && err.contains(&repair), "{what}: {err}");
        assert!(!err.contains("panicked"), "{what}: {err}");

        let out = chatlore(&demo_archive(), idx.path(), &["index"]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        assert_eq!(stdout(&out).contains("rebuilt the index"), *rebuilds, "{what}: {}", stdout(&out));
        let out = chatlore(&demo_archive(), idx.path(), &["search", "--json", "--limit", "0", "对账"]);
        assert_eq!((out.status.code(), stdout(&out).lines().count()), (Some(0), 6), "{what}: after the rebuild");
    }
}

#[test]
fn the_browser_rebuilds_a_damaged_index_in_the_background() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    std::fs::write(generation(idx.path()).join("meta.json"), "").unwrap();
    assert!(matches!(Engine::open(idx.path()), Err(IndexError::Damaged { .. })));
    let mut app = TestApp::new(&demo_archive(), idx.path(), (100, 30));
    app.start();
    assert!(app.catalog.is_none());
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    let summary = index(&demo_archive(), idx.path());
    assert!(summary.rebuilt.is_some());
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    assert!(app.catalog.is_some());
    assert_eq!(app.results.total, 146);
}

#[test]
fn the_browser_rebuilds_an_index_of_another_archive_instead_of_showing_it() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    index(&demo_archive(), idx.path());
    let mut app = TestApp::new(arch.path(), idx.path(), (100, 30));
    app.start();
    assert!(app.catalog.is_none(), "the demo's index is not shown for another archive");
    assert_eq!(app.take_effects(), vec![Effect::StartIndex]);
    let summary = index(arch.path(), idx.path());
    assert!(summary.rebuilt.as_deref().unwrap_or_default().contains("another archive"), "{:?}", summary.rebuilt);
    app.update(Action::Index(IndexEvent::Finished(Box::new(summary))));
    assert_eq!(app.results.total, 1);
}

#[test]
fn a_version_from_another_chatlore_is_rebuilt_not_misread() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    let meta_path = idx.path().join("chatlore-meta.json");
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["schema_version"] = 999.into();
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    // What another version writes: its own schema number, and its own manifest fingerprint.
    let manifest_path = generation(idx.path()).join("chatlore-manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["fingerprint"] = "999-0000000000000000".into();
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let out = chatlore(&demo_archive(), idx.path(), &["search", "对账"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("another chatlore version"), "{}", stderr(&out));
    let out = chatlore(&demo_archive(), idx.path(), &["index"]);
    assert!(stdout(&out).contains("rebuilt the index"), "{}", stdout(&out));
    assert_eq!(chatlore(&demo_archive(), idx.path(), &["search", "对账"]).status.code(), Some(0));
}

/// Flips 256 bytes of a file from `at` (a fraction of its length), short of its footer.
/// (Where these land, tantivy 0.27 panics on the demo index: the engine must catch it.)
fn corrupt(p: &Path, at: f64) {
    let mut bytes = std::fs::read(p).unwrap();
    let start = (bytes.len() as f64 * at) as usize;
    let end = (start + 256).min(bytes.len() - 16);
    for b in &mut bytes[start..end] {
        *b ^= 0x5A;
    }
    std::fs::write(p, bytes).unwrap();
}

fn lock_to_folder(p: &Path) {
    let _ = std::fs::remove_file(p);
    std::fs::create_dir(p).unwrap();
}

/// Damage that only checksums or counts reveal, and the folder tricks: (what, how, whether
/// tantivy's files must be rebuilt).
const SUBTLE: &[(&str, Damage, bool)] = &[
    ("store corrupted", |i| corrupt(&segment_file(i, "store"), 0.3), true),
    ("fast corrupted", |i| corrupt(&segment_file(i, "fast"), 0.9), true),
    ("store corrupted elsewhere", |i| corrupt(&segment_file(i, "store"), 0.1), true),
    ("fast corrupted elsewhere", |i| corrupt(&segment_file(i, "fast"), 0.7), true),
    ("positions deleted", |i| std::fs::remove_file(segment_file(i, "pos")).unwrap(), true),
    ("meta.json edited", |i| edit_max_doc(i, |_| 100), true),
    ("chatlore meta deleted", |i| std::fs::remove_file(i.join("chatlore-meta.json")).unwrap(), true),
    ("index lock turned into a folder", |i| lock_to_folder(&i.join(".chatlore.lock")), false),
    (
        "tantivy locks turned into folders",
        |i| {
            lock_to_folder(&generation(i).join(".tantivy-writer.lock"));
            lock_to_folder(&generation(i).join(".tantivy-meta.lock"));
        },
        false,
    ),
];

#[test]
fn index_detects_and_repairs_damage_that_only_checks_reveal() {
    for (what, damage, rebuilds) in SUBTLE {
        let idx = tempfile::tempdir().unwrap();
        index(&demo_archive(), idx.path());
        damage(idx.path());
        // Whatever the damage does to a search, it is never a panic: on the caller's thread,
        // or on the search threads (a big index's; here forced).
        for threads in ["1", "2"] {
            for args in [&["search", "--limit", "0", "对账"][..], &["stats"]] {
                let out = chatlore_with(&demo_archive(), idx.path(), args, &[(THREADS_VARIABLE, threads)]);
                let err = stderr(&out);
                assert!(matches!(out.status.code(), Some(0..=2)), "{what} {args:?} {threads}: {err}");
                assert!(
                    !err.contains("internal error") && !err.contains("panicked"),
                    "{what} {args:?} {threads}: {err}"
                );
                if out.status.code() == Some(2) {
                    let repair = format!(
                        "`chatlore --archive {} --index {} index",
                        demo_archive().display(),
                        idx.path().display()
                    );
                    assert!(err.contains(&repair), "{what} {args:?} {threads}: {err}");
                }
            }
        }
        let out = chatlore(&demo_archive(), idx.path(), &["index"]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        assert_eq!(stdout(&out).contains("rebuilt the index"), *rebuilds, "{what}: {}", stdout(&out));
        let out = chatlore(&demo_archive(), idx.path(), &["search", "--json", "--limit", "0", "对账"]);
        assert_eq!((out.status.code(), stdout(&out).lines().count()), (Some(0), 6), "{what}: after the repair");
        let out = chatlore(&demo_archive(), idx.path(), &["stats", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!((v["files"].as_u64(), v["messages"].as_u64()), (Some(12), Some(146)), "{what}");
        // And the repair holds: nothing more to do.
        let out = chatlore(&demo_archive(), idx.path(), &["index"]);
        assert!(!stdout(&out).contains("rebuilt the index"), "{what}: {}", stdout(&out));
    }
}

/// The segment files with this extension, smallest first.
fn segment_files_by_size(idx: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(generation(idx))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext) && p.file_stem().is_some_and(|s| s.len() == 32))
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    files
}

/// `index` records which segment files passed their checksum and reads only files changed
/// since: damage done after incremental runs is still found, in the segment of the full build
/// and in the one an update added.
#[test]
fn damage_after_incremental_runs_is_still_found() {
    for newest in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("archive");
        copy_tree(&demo_archive(), &archive);
        let idx = dir.path().join("index");
        index(&archive, &idx);
        let day = log(
            "2018-07-01",
            &[("09:00:00", "甲", "请问对账文件一般几点出？"), ("09:01:00", "乙", "一般早上六点前出对账文件")],
        );
        write(&archive, "risk/_posts/2018-07-01-chat.markdown", day);
        assert_eq!(index(&archive, &idx).added, 1);
        // Nothing to do: the files recorded as checked are not read again, and stay good.
        assert!(index(&archive, &idx).rebuilt.is_none());
        let stores = segment_files_by_size(&idx, "store");
        assert!(stores.len() >= 2, "the update added a segment: {stores:?}");
        let target = if newest { stores.first() } else { stores.last() }.unwrap();
        corrupt(target, 0.3);
        let out = chatlore(&archive, &idx, &["index"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("rebuilt the index"), "newest {newest}: {}", stdout(&out));
        let out = chatlore(&archive, &idx, &["search", "--json", "--limit", "0", "对账文件"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("2018-07-01"), "{}", stdout(&out));
    }
}

/// The executable is linked statically on x86_64 Linux wherever static glibc is installed
/// (`tools/linker`, named in `.cargo/config.toml`): it asks for no dynamic loader. The damage
/// tests above run this executable, so they show panics still unwind in it.
#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn executable_is_static_where_static_glibc_is_installed() {
    let libc_a = std::process::Command::new("cc")
        .arg("-print-file-name=libc.a")
        .output()
        .map(|o| stdout(&o))
        .unwrap_or_default();
    if !Path::new(libc_a.trim()).is_absolute() {
        return; // no static glibc: the wrapper made the ordinary dynamic link
    }
    let elf = std::fs::read(env!("CARGO_BIN_EXE_chatlore")).unwrap();
    let word = |at: usize, len: usize| elf[at..at + len].iter().rev().fold(0usize, |n, &b| (n << 8) | usize::from(b));
    let (offset, size, count) = (word(0x20, 8), word(0x36, 2), word(0x38, 2));
    let types: Vec<usize> = (0..count).map(|i| word(offset + i * size, 4)).collect();
    const PT_LOAD: usize = 1;
    const PT_INTERP: usize = 3;
    assert!(types.contains(&PT_LOAD), "not an ELF executable: {types:?}");
    assert!(!types.contains(&PT_INTERP), "the executable asks for a dynamic loader: {types:?}");
}

/// `args` run to its end within a minute (a hang guard, not a speed claim), or the test fails.
fn run_or_hang(arch: &Path, idx: &Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .arg("--archive")
        .arg(arch)
        .arg("--index")
        .arg(idx)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A FIFO, or a link to `/dev/zero`, where chatlore keeps its meta file, its manifest or its
/// person model: every command read it to its end, so `search`, `people` and `index` hung
/// forever (or filled the memory). Only regular files are read: the damage is named, and
/// `index` rebuilds. A FIFO as its lock or a temporary hung `index` too: it is replaced.
#[test]
fn a_fifo_or_a_device_in_place_of_the_index_files_is_damage_not_a_hang() {
    let arch = demo_archive();
    let fifo = |p: &Path| {
        let _ = std::fs::remove_file(p);
        assert!(std::process::Command::new("mkfifo").arg(p).status().unwrap().success());
    };
    let zero = |p: &Path| {
        let _ = std::fs::remove_file(p);
        std::os::unix::fs::symlink("/dev/zero", p).unwrap();
    };
    for (what, make) in [("a FIFO", &fifo as &dyn Fn(&Path)), ("/dev/zero", &zero)] {
        let idx = tempfile::tempdir().unwrap();
        index(&arch, idx.path());
        make(&idx.path().join("chatlore-meta.json"));
        // Where chatlore writes its lock and a temporary: opening a FIFO for writing blocked.
        make(&idx.path().join(".chatlore.lock"));
        make(&idx.path().join(".chatlore-meta.json.tmp"));
        let out = run_or_hang(&arch, idx.path(), &["search", "对账"]);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains("damaged") && stderr(&out).contains("not a regular file"), "{}", stderr(&out));
        let out = run_or_hang(&arch, idx.path(), &["index"]);
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        make(&generation(idx.path()).join("chatlore-manifest.json"));
        make(&generation(idx.path()).join("chatlore-people.json"));
        let out = run_or_hang(&arch, idx.path(), &["people", "--json"]);
        assert!(out.status.success() && !stdout(&out).is_empty(), "{what}: {}", stderr(&out));
        let out = run_or_hang(&arch, idx.path(), &["index"]);
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        assert!(stdout(&out).contains("rebuilt the index: its manifest is damaged"), "{what}: {}", stdout(&out));
        let out = run_or_hang(&arch, idx.path(), &["search", "对账"]);
        assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
    }
}

/// The command an error says to run (the first one quoted after "run `"), run as a shell runs it
/// pasted in `cwd`, with this binary for `chatlore`.
fn run_advice(err: &str, cwd: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let advice =
        err.split("run `").nth(1).and_then(|a| a.split('`').next()).unwrap_or_else(|| panic!("no advice: {err}"));
    let args = advice.strip_prefix("chatlore ").unwrap_or_else(|| panic!("not a chatlore command: {advice}"));
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("\"$CHATLORE\" {args}"))
        .env("CHATLORE", env!("CARGO_BIN_EXE_chatlore"))
        .envs(env.iter().copied())
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// `chatlore ARGS` in `cwd`, with `env` set.
fn chatlore_in(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CHATLORE_ARCHIVE")
        .env_remove("CHATLORE_INDEX")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// Every error that says how to repair the index names the archive and index folder given, by
/// flag or by variable, quoted for the shell, so that the command pasted repairs that index:
/// the advice named neither (`run `chatlore index``), or only the archive, and following it
/// built `./index` while the search went on failing.
#[test]
fn the_repair_command_an_error_gives_repairs_the_index_given() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), &dir.path().join("my archive"));
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    let flags = ["--archive", "my archive", "--index", "idx swap"];
    let by_env = [("CHATLORE_ARCHIVE", "my archive"), ("CHATLORE_INDEX", "idx swap")];
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 3] = [
        ("built from another archive", |_| {}),
        ("a .fast file deleted", |i| std::fs::remove_file(segment_file(i, "fast")).unwrap()),
        ("chatlore-meta.json garbage", |i| std::fs::write(i.join("chatlore-meta.json"), "not json").unwrap()),
    ];
    for (what, damage) in damages {
        for env in [&[][..], &by_env[..]] {
            let idx = dir.path().join("idx swap");
            let _ = std::fs::remove_dir_all(&idx);
            let from = if what == "built from another archive" {
                other.path().to_owned()
            } else {
                dir.path().join("my archive")
            };
            index(&from, &idx);
            damage(&idx);
            let args: Vec<&str> = if env.is_empty() { flags.to_vec() } else { Vec::new() };
            let search = |args: &[&str]| chatlore_in(dir.path(), &[args, &["search", "对账"]].concat(), env);
            let out = search(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{what}: {err}");
            assert!(err.contains("run `chatlore --archive 'my archive' --index 'idx swap' index`"), "{what}: {err}");
            // Pasted in a shell without the variables, it repairs the index the search reads.
            let fixed = run_advice(&err, dir.path(), &[]);
            assert_eq!(fixed.status.code(), Some(0), "{what}: {}", stderr(&fixed));
            assert!(!dir.path().join("index").exists(), "{what}: ./index was built instead");
            let out = search(&args);
            assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(&out));
        }
    }
}

/// With the default folders the advice is the plain command, which repairs them.
#[test]
fn the_repair_command_for_the_default_folders_names_none() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), &dir.path().join("archive"));
    index(&dir.path().join("archive"), &dir.path().join("index"));
    std::fs::remove_file(segment_file(&dir.path().join("index"), "store")).unwrap();
    let out = chatlore_in(dir.path(), &["search", "对账"], &[]);
    assert!(stderr(&out).contains("; run `chatlore index` to rebuild it from the archive"), "{}", stderr(&out));
    assert_eq!(run_advice(&stderr(&out), dir.path(), &[]).status.code(), Some(0));
    assert_eq!(chatlore_in(dir.path(), &["search", "对账"], &[]).status.code(), Some(0));
}

/// An archive folder one level too low (a group's) is said as such even where an index exists:
/// it was said to be another archive than the index's, with advice to rebuild the index for it,
/// which `index` then refused.
#[test]
fn a_group_folder_given_for_the_archive_is_said_before_the_index_is_compared() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "对账")]));
    index(arch.path(), idx.path());
    for args in [&["search", "对账"][..], &["stats"], &["discussions"], &["people"]] {
        let out = chatlore(&arch.path().join("g"), idx.path(), args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("one group's folder"), "{args:?}: {err}");
        assert!(err.contains(&format!("run with --archive {}", arch.path().display())), "{args:?}: {err}");
        assert!(!err.contains("was built from"), "{args:?}: {err}");
    }
}
