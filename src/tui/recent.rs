//! The user's searches kept across runs, in the user's data directory
//! (`$XDG_DATA_HOME/chatlore`, else `~/.local/share/chatlore`; `CHATLORE_DATA_DIR` overrides),
//! never in the archive: recent queries (`recent-searches`, one a line) and saved searches
//! (`saved-searches.json`). The runtime reads them before the loop and writes them as they
//! change, so `update` never touches the disk for them.

use super::app::SavedSearch;
use etcetera::BaseStrategy;
use std::path::{Path, PathBuf};

const FILE: &str = "recent-searches";
const SAVED: &str = "saved-searches.json";

fn dir() -> Option<PathBuf> {
    dir_from(std::env::var_os("CHATLORE_DATA_DIR"))
}

/// The data directory `CHATLORE_DATA_DIR` (`setting`) names; the user's data directory when it
/// is unset or empty, as the XDG variables are read (an empty one would otherwise mean the
/// current folder, and searches would be saved wherever chatlore runs).
fn dir_from(setting: Option<std::ffi::OsString>) -> Option<PathBuf> {
    match setting.filter(|d| !d.is_empty()) {
        Some(d) => Some(PathBuf::from(d)),
        None => Some(etcetera::choose_base_strategy().ok()?.data_dir().join("chatlore")),
    }
}

/// Where recent searches are kept, if there is a data directory.
pub fn file() -> Option<PathBuf> {
    Some(dir()?.join(FILE))
}

/// Where saved searches are kept, if there is a data directory.
pub fn saved_file() -> Option<PathBuf> {
    Some(dir()?.join(SAVED))
}

/// The most either list's file may hold (a thousand saved searches take a tenth of it).
const CAP: u64 = crate::archive::SIDE_FILE_CAP;

/// The bytes of the list in `path`, `None` when it is missing: only a regular file of at most
/// [`CAP`] bytes is read (a FIFO there would block the browser before its first answer, a
/// device fill the memory); anything else is an error naming the file.
fn read_list(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match crate::archive::read_regular(path, CAP) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // The reason first: a narrow status bar cuts the end.
        Err(e) => Err(std::io::Error::new(e.kind(), format!("{e}: {}", path.display()))),
    }
}

/// The saved searches in `path`; none when it is missing. A file that does not parse, or is
/// not a regular file of at most [`CAP`] bytes, is an error (it is not overwritten with an
/// empty list).
pub fn load_saved(path: &Path) -> Result<Vec<SavedSearch>, String> {
    match read_list(path).map_err(|e| e.to_string())? {
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{} does not parse: {e}", path.display())),
        None => Ok(Vec::new()),
    }
}

/// Writes the saved searches to `path` (creating its folder), replacing what was there.
pub fn save_saved(path: &Path, saved: &[SavedSearch]) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(saved).map_err(std::io::Error::other)?;
    write_atomically(path, &json)
}

/// Writes to `path` what this browser changed from `before` to `after` (searches saved, saved
/// again under a name, deleted), over the list as it is in the file now: another browser on
/// the same data folder may have saved its own since. Returns the list written. A file that
/// does not parse is an error and is left as it is.
pub fn update_saved(path: &Path, before: &[SavedSearch], after: &[SavedSearch]) -> Result<Vec<SavedSearch>, String> {
    let now = load_saved(path)?;
    let merged = merge_saved(now, before, after);
    save_saved(path, &merged).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(merged)
}

/// `now` with the changes from `before` to `after`: names gone from `after` deleted (unless
/// another browser saved that name again since: its search is not the one deleted), names new
/// or different in `after` written (in place if `now` has them, else added at the end).
fn merge_saved(mut now: Vec<SavedSearch>, before: &[SavedSearch], after: &[SavedSearch]) -> Vec<SavedSearch> {
    let named = |list: &[SavedSearch], name: &str| list.iter().position(|s| s.name == name);
    now.retain(|s| named(after, &s.name).is_some() || !named(before, &s.name).is_some_and(|i| before[i] == *s));
    for s in after {
        if named(before, &s.name).is_some_and(|i| before[i] == *s) {
            continue;
        }
        match named(&now, &s.name) {
            Some(i) => now[i] = s.clone(),
            None => now.push(s.clone()),
        }
    }
    now
}

/// Writes `bytes` to `path` whole or not at all: a hidden temporary file of this process's own
/// (two browsers saving at once each write their own; a user's file is never taken for one),
/// renamed over `path` (a link there is replaced, never written through).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.chatlore-{}.tmp", std::process::id()));
    // Opened as chatlore opens its own files: a link at the temporary's name is never followed
    // into a file of the user's.
    let written = crate::index::open_own_file(&tmp, true).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&tmp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

/// The queries kept in `path`, oldest first; none when it is missing or cannot be read (see
/// [`read_list`]).
pub fn load(path: &Path) -> Vec<String> {
    read_recent(path).unwrap_or_default()
}

/// The queries kept in `path`, oldest first; none when it is missing.
fn read_recent(path: &Path) -> std::io::Result<Vec<String>> {
    let bytes = read_list(path)?.unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
}

/// Writes `queries` to `path` (creating its folder), replacing what was there.
fn save(path: &Path, queries: &[String]) -> std::io::Result<()> {
    let text: String = queries.iter().map(|q| format!("{}\n", q.replace('\n', " "))).collect();
    write_atomically(path, text.as_bytes())
}

/// Writes to `path` the queries this browser ran since its list was `before` (now `after`),
/// each as the newest, over the list as it is in the file now: another browser on the same
/// data folder may have run its own since. At most `max` are kept, the newest. A file there
/// that cannot be read (a FIFO, a device) is an error and left as it is.
pub fn update(path: &Path, before: &[String], after: &[String], max: usize) -> std::io::Result<()> {
    let mut merged = read_recent(path)?;
    for q in ran_since(before, after) {
        merged.retain(|r| r != q);
        merged.push(q.clone());
    }
    let excess = merged.len().saturating_sub(max);
    merged.drain(..excess);
    save(path, &merged)
}

/// The queries run between `before` and `after`, oldest first: running a query moves it to the
/// end (or adds it there), so they are what follows the longest start of `after` that keeps
/// `before`'s order.
fn ran_since<'a>(before: &[String], after: &'a [String]) -> &'a [String] {
    let mut rest = before.iter();
    let kept = after.iter().take_while(|q| rest.any(|b| b == *q)).count();
    &after[kept..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(name: &str, query: &str) -> SavedSearch {
        SavedSearch { name: name.into(), query: query.into(), filters: Vec::new() }
    }

    #[test]
    fn an_empty_data_dir_setting_is_the_users_data_directory() {
        let default = dir_from(None);
        assert!(default.as_ref().is_some_and(|d| d.ends_with("chatlore")), "{default:?}");
        assert_eq!(dir_from(Some("".into())), default);
        assert_eq!(dir_from(Some("/tmp/x".into())), Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn two_browsers_keep_each_others_recent_searches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let q = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<String>>();
        let start = q(&["对账", "网联"]);
        save(&path, &start).unwrap();
        // Both started from the file; one runs 跨境, the other then runs 对账 again.
        update(&path, &start, &q(&["对账", "网联", "跨境"]), 50).unwrap();
        update(&path, &start, &q(&["网联", "对账"]), 50).unwrap();
        assert_eq!(load(&path), q(&["网联", "跨境", "对账"]));
        // Only the newest are kept.
        update(&path, &q(&["对账"]), &q(&["对账", "断直连"]), 2).unwrap();
        assert_eq!(load(&path), q(&["对账", "断直连"]));
        assert_eq!(ran_since(&q(&["a", "b", "c"]), &q(&["b", "c", "d"])), q(&["d"]).as_slice());
        assert_eq!(ran_since(&q(&["a", "b", "c"]), &q(&["a", "c", "b"])), q(&["b"]).as_slice());
    }

    #[test]
    fn writing_leaves_a_file_of_the_users_named_like_a_temporary_alone() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["recent-searches.tmp", "saved-searches.tmp"] {
            std::fs::write(dir.path().join(name), "mine").unwrap();
        }
        save(&dir.path().join(FILE), &["对账".to_owned()]).unwrap();
        save_saved(&dir.path().join(SAVED), &[saved("a", "对账")]).unwrap();
        for name in ["recent-searches.tmp", "saved-searches.tmp"] {
            assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), "mine", "{name}");
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["recent-searches", "recent-searches.tmp", "saved-searches.json", "saved-searches.tmp"]);
    }

    #[test]
    fn two_browsers_saving_keep_each_others_searches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SAVED);
        // Both start from the same file.
        let start = vec![saved("a", "对账"), saved("b", "网联")];
        save_saved(&path, &start).unwrap();
        // One saves c; the other, which never saw c, deletes a and saves b again.
        let one = update_saved(&path, &start, &[start.clone(), vec![saved("c", "跨境")]].concat()).unwrap();
        assert_eq!(one, vec![saved("a", "对账"), saved("b", "网联"), saved("c", "跨境")]);
        let other = update_saved(&path, &start, &[saved("b", "网联 断直连")]).unwrap();
        assert_eq!(other, vec![saved("b", "网联 断直连"), saved("c", "跨境")]);
        assert_eq!(load_saved(&path).unwrap(), other);
        // Nothing changed: the file stays as it is.
        assert_eq!(update_saved(&path, &other, &other).unwrap(), other);
    }

    #[test]
    fn deleting_a_name_another_browser_saved_again_keeps_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SAVED);
        let start = vec![saved("a", "对账")];
        save_saved(&path, &start).unwrap();
        update_saved(&path, &start, &[saved("a", "对账 差错")]).unwrap();
        // This browser, which never saw that, deletes `a`: the other's newer search stays.
        assert_eq!(update_saved(&path, &start, &[]).unwrap(), vec![saved("a", "对账 差错")]);
    }

    #[test]
    fn a_saved_searches_file_that_does_not_parse_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SAVED);
        std::fs::write(&path, b"{not json").unwrap();
        assert!(update_saved(&path, &[], &[saved("a", "对账")]).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"{not json");
    }

    /// `f`'s answer, or a failure when it has none within five seconds (a read that blocks).
    fn within<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || drop(tx.send(f())));
        rx.recv_timeout(std::time::Duration::from_secs(5)).expect("an answer, not a read that blocks")
    }

    #[test]
    fn a_fifo_a_device_or_a_huge_file_in_place_of_a_list_is_an_error_and_left_alone() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let (recent, kept) = (dir.path().join(FILE), dir.path().join(SAVED));
        for path in [&recent, &kept] {
            assert!(std::process::Command::new("mkfifo").arg(path).status().unwrap().success());
        }
        let (r, k) = (recent.clone(), kept.clone());
        let (loaded, written) = within(move || (load_saved(&k), update_saved(&k, &[], &[saved("a", "对账")])));
        for err in [loaded.unwrap_err(), written.unwrap_err()] {
            assert!(err.contains("not a regular file") && err.contains("saved-searches.json"), "{err}");
        }
        let (loaded, written) = within(move || (load(&r), update(&r, &[], &["对账".to_owned()], 50)));
        assert!(loaded.is_empty());
        let err = written.unwrap_err().to_string();
        assert!(err.contains("not a regular file") && err.contains("recent-searches"), "{err}");
        for path in [&recent, &kept] {
            assert!(
                std::fs::symlink_metadata(path).unwrap().file_type().is_fifo(),
                "{} left as it was",
                path.display()
            );
        }
        // A link to a device that never ends, and a file past the cap.
        let zero = dir.path().join("zero.json");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(within(move || load_saved(&zero)).unwrap_err().contains("not a regular file"));
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; CAP as usize + 1]).unwrap();
        assert!(load_saved(&big).unwrap_err().contains("(1048577 bytes), over the 1 MiB limit: "));
    }

    #[test]
    fn a_link_in_place_of_the_temporary_or_the_list_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let users = dir.path().join("notes.txt");
        std::fs::write(&users, "mine").unwrap();
        let path = dir.path().join(SAVED);
        let tmp = dir.path().join(format!(".{SAVED}.chatlore-{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&users, &tmp).unwrap();
        save_saved(&path, &[saved("a", "对账")]).unwrap();
        assert_eq!(std::fs::read_to_string(&users).unwrap(), "mine");
        assert_eq!(load_saved(&path), Ok(vec![saved("a", "对账")]));
        // A link at the list's own name is read through, and replaced by the list written.
        let elsewhere = dir.path().join("elsewhere.json");
        std::fs::write(&elsewhere, "[]").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert_eq!(update_saved(&path, &[], &[saved("b", "网联")]), Ok(vec![saved("b", "网联")]));
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "[]");
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    }

    #[test]
    fn recent_searches_round_trip_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE);
        assert!(load(&path).is_empty());
        save(&path, &["对账".to_owned(), "from:张 网联".to_owned()]).unwrap();
        assert_eq!(load(&path), vec!["对账", "from:张 网联"]);
    }

    #[test]
    fn saved_searches_round_trip_and_a_damaged_file_is_an_error_not_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(SAVED);
        assert_eq!(load_saved(&path), Ok(Vec::new()));
        let s = SavedSearch {
            name: "断直连".into(), query: "断直连 -测试".into(), filters: vec!["from:张三".into()]
        };
        save_saved(&path, std::slice::from_ref(&s)).unwrap();
        assert_eq!(load_saved(&path), Ok(vec![s]));
        std::fs::write(&path, "{not json").unwrap();
        assert!(load_saved(&path).unwrap_err().contains("does not parse"));
    }
}
