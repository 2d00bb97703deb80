//! Recent searches kept across runs: one query a line in `recent-searches` in the user's data
//! directory (`$XDG_DATA_HOME/chatlore`, else `~/.local/share/chatlore`; `CHATLORE_DATA_DIR`
//! overrides), never in the archive. The runtime reads it before the loop and writes it after,
//! so `update` never touches the disk for it.

use etcetera::BaseStrategy;
use std::path::{Path, PathBuf};

const FILE: &str = "recent-searches";

/// Where recent searches are kept, if there is a data directory.
pub fn file() -> Option<PathBuf> {
    let dir = match std::env::var_os("CHATLORE_DATA_DIR") {
        Some(d) => PathBuf::from(d),
        None => etcetera::choose_base_strategy().ok()?.data_dir().join("chatlore"),
    };
    Some(dir.join(FILE))
}

/// The queries kept in `path`, oldest first; none when it is missing or unreadable.
pub fn load(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Writes `queries` to `path` (creating its folder), replacing what was there.
pub fn save(path: &Path, queries: &[String]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, queries.iter().map(|q| format!("{}\n", q.replace('\n', " "))).collect::<String>())?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_searches_round_trip_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE);
        assert!(load(&path).is_empty());
        save(&path, &["对账".to_owned(), "from:张 网联".to_owned()]).unwrap();
        assert_eq!(load(&path), vec!["对账", "from:张 网联"]);
    }
}
