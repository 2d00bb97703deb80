//! Whether a folder is an archive at the right level: `<group>/_posts/*.markdown` below it.
//! A folder one level too high (the archive's parent) or too low (one group's folder, or its
//! `_posts`) would load as one wrong group; [`check`] recognises both and names the folder
//! that fits.

use std::path::{Path, PathBuf};

/// What the layout says for everything under an archive folder.
pub const EXPECTED: &str = "<group>/_posts/YYYY-MM-DD-chat.markdown";

/// An archive folder that is usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Logs below group folders.
    Fits,
    /// No log where the layout puts them (an empty archive is valid: all its logs may have
    /// been removed), and no folder near it that fits better.
    Empty,
}

/// An archive folder that is not one, with the folder that fits where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("archive folder {path} cannot be opened: {reason}")]
    Missing { path: PathBuf, reason: String },
    #[error("archive folder {0} is a file, not a folder")]
    NotADir(PathBuf),
    #[error("{path} is one group's folder, not the archive (expected {EXPECTED} below the archive); the archive is {archive}")]
    GroupFolder { path: PathBuf, archive: PathBuf },
    #[error(
        "{path} holds the archive one level down (expected {EXPECTED} below the archive); the archive is {archive}"
    )]
    Parent { path: PathBuf, archive: PathBuf },
}

/// Looks at `root` and at most two folder levels below it (it stops at the first log found).
pub fn check(root: &Path) -> Result<Layout, LayoutError> {
    let meta =
        std::fs::metadata(root).map_err(|e| LayoutError::Missing { path: root.into(), reason: e.to_string() })?;
    if !meta.is_dir() {
        return Err(LayoutError::NotADir(root.into()));
    }
    let named_posts = root.file_name().is_some_and(|n| n == "_posts");
    if has_logs(&root.join("_posts")) || (named_posts && has_logs(root)) {
        let group = if named_posts { root.parent().unwrap_or(root) } else { root };
        let archive = group.parent().map_or_else(|| PathBuf::from(".."), parent_or_dot);
        return Err(LayoutError::GroupFolder { path: root.into(), archive });
    }
    let groups = subfolders(root);
    if groups.iter().any(|g| has_logs(&g.join("_posts"))) {
        return Ok(Layout::Fits);
    }
    if let Some(archive) = groups.iter().find(|g| subfolders(g).iter().any(|x| has_logs(&x.join("_posts")))) {
        return Err(LayoutError::Parent { path: root.into(), archive: archive.clone() });
    }
    // Logs directly in a group folder or in another folder of it still load.
    if groups.iter().any(|g| has_logs(g) || subfolders(g).iter().any(|x| has_logs(x))) {
        return Ok(Layout::Fits);
    }
    Ok(Layout::Empty)
}

/// `""` (a relative path's parent at the top) reads as the current folder.
fn parent_or_dot(p: &Path) -> PathBuf {
    if p.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        p.to_path_buf()
    }
}

/// Visible sub-folders, sorted (the loader skips hidden ones too).
fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

fn has_logs(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| entries.flatten().any(|e| super::is_log_name(&e.path())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "> 08:00:00  a\nx\n").unwrap();
    }

    #[test]
    fn the_right_level_fits_and_an_empty_folder_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check(dir.path()), Ok(Layout::Empty));
        touch(dir.path(), "README.md");
        assert_eq!(check(dir.path()), Ok(Layout::Empty), "a log directly in the root is no group's");
        touch(dir.path(), "g/_posts/2017-08-01-chat.markdown");
        assert_eq!(check(dir.path()), Ok(Layout::Fits));
        let loose = tempfile::tempdir().unwrap();
        touch(loose.path(), "g/2017-08-15-chat.md");
        assert_eq!(check(loose.path()), Ok(Layout::Fits));
    }

    #[test]
    fn one_level_too_high_names_the_archive_below() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "eval/README.md");
        touch(dir.path(), "archive/proddev/_posts/2017-08-01-chat.markdown");
        let err = check(dir.path()).unwrap_err();
        assert_eq!(err, LayoutError::Parent { path: dir.path().into(), archive: dir.path().join("archive") });
        assert!(err.to_string().contains("<group>/_posts/"), "{err}");
    }

    #[test]
    fn a_group_folder_or_its_posts_names_the_archive_above() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "devarch/_posts/2017-08-01-chat.markdown");
        let group = dir.path().join("devarch");
        let want = LayoutError::GroupFolder { path: group.clone(), archive: dir.path().into() };
        assert_eq!(check(&group), Err(want));
        let posts = group.join("_posts");
        let want = LayoutError::GroupFolder { path: posts.clone(), archive: dir.path().into() };
        assert_eq!(check(&posts), Err(want));
    }

    #[test]
    fn a_missing_folder_or_a_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let err = check(&missing).unwrap_err();
        assert!(matches!(&err, LayoutError::Missing { path, .. } if *path == missing), "{err}");
        touch(dir.path(), "file.md");
        assert_eq!(check(&dir.path().join("file.md")), Err(LayoutError::NotADir(dir.path().join("file.md"))));
    }
}
