//! Archive-relative paths from an assistant, resolved only when they stay inside the archive:
//! no absolute paths, no `..`, and no symlink that leads out.

use std::path::{Component, Path, PathBuf};

/// Why a path given to `read` was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum PathError {
    #[error("`{0}` is not a path inside the archive: give it relative to the archive, as search cites it (`group/_posts/YYYY-MM-DD-chat.markdown`)")]
    NotRelative(String),
    #[error("`{0}` leads outside the archive; only the archive's own logs can be read")]
    Outside(String),
    #[error("`{path}` is not in the archive ({reason})")]
    Missing { path: String, reason: String },
}

/// The file `rel` names inside `root`, or why not. `rel` must be relative, `/`-separated and
/// free of `..`; after symlinks are followed the file must still lie under `root`.
pub(crate) fn resolve(root: &Path, rel: &str) -> Result<PathBuf, PathError> {
    let refuse = || PathError::NotRelative(rel.to_owned());
    if rel.trim().is_empty() || rel.contains('\\') || rel.contains('\0') {
        return Err(refuse());
    }
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err(PathError::Outside(rel.to_owned())),
            Component::RootDir | Component::Prefix(_) => return Err(refuse()),
        }
    }
    let missing = |e: std::io::Error| PathError::Missing { path: rel.to_owned(), reason: e.to_string() };
    let root = root.canonicalize().map_err(missing)?;
    let abs = root.join(rel).canonicalize().map_err(missing)?;
    if !abs.starts_with(&root) {
        return Err(PathError::Outside(rel.to_owned()));
    }
    if !abs.is_file() {
        return Err(PathError::Missing { path: rel.to_owned(), reason: "not a file".into() });
    }
    Ok(abs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_root_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir_all(root.join("g/_posts")).unwrap();
        std::fs::write(root.join("g/_posts/2017-01-01-chat.markdown"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        assert!(resolve(&root, "g/_posts/2017-01-01-chat.markdown").is_ok());
        assert!(resolve(&root, "./g/_posts/2017-01-01-chat.markdown").is_ok());
        assert!(matches!(resolve(&root, "../secret.txt"), Err(PathError::Outside(_))));
        assert!(matches!(resolve(&root, "g/../../secret.txt"), Err(PathError::Outside(_))));
        let abs = dir.path().join("secret.txt");
        assert!(matches!(resolve(&root, &abs.to_string_lossy()), Err(PathError::NotRelative(_))));
        assert!(matches!(resolve(&root, ""), Err(PathError::NotRelative(_))));
        assert!(matches!(resolve(&root, "g\\..\\x"), Err(PathError::NotRelative(_))));
        assert!(matches!(resolve(&root, "g/none.markdown"), Err(PathError::Missing { .. })));
        assert!(matches!(resolve(&root, "g"), Err(PathError::Missing { .. })));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&abs, root.join("g/_posts/link.markdown")).unwrap();
            std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
            assert!(matches!(resolve(&root, "g/_posts/link.markdown"), Err(PathError::Outside(_))));
            assert!(matches!(resolve(&root, "out/secret.txt"), Err(PathError::Outside(_))));
        }
    }
}
