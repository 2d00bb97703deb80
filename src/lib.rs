//! chatlore: a knowledge browser for the chat archive of payments-industry WeChat groups.
//!
//! The core (everything but `tui`) is a library: [`archive`] loads the Jekyll chat logs,
//! [`speakers`], [`people`] and [`topics`] enrich them, [`index`] keeps a tantivy index of them on disk,
//! [`query`] parses the query language, [`search`] runs it and [`rank`] orders it.
#![forbid(unsafe_code)]

pub mod archive;
pub mod date;
pub mod discussion_search;
pub mod discussions;
pub mod export;
pub mod generate;
pub mod glossary;
pub mod index;
pub(crate) mod lift;
pub mod mcp;
pub(crate) mod mention;
pub(crate) mod near;
pub mod no_hits;
pub mod normalise;
pub mod panics;
pub mod people;
pub mod plural;
pub mod query;
pub(crate) mod question;
pub mod rank;
pub mod search;
pub mod speakers;
pub(crate) mod split;
pub mod text;
pub mod topics;
pub mod tui;
pub(crate) mod union;
pub mod watch;
pub mod who;
mod yaml;

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// README, Layout: the core (everything but `src/cli/`, `src/tui/` and `src/mcp/`) imports no
    /// ratatui, crossterm, clap or tokio; `src/mcp/` is the only place tokio and rmcp appear;
    /// `src/yaml.rs` is the only module that speaks YAML (serde_yaml). Comments do not count.
    #[test]
    fn each_of_these_crates_is_used_only_where_the_readme_says() {
        let rules: &[(&str, &[&str])] = &[
            ("ratatui", &["tui/"]),
            ("crossterm", &["tui/"]),
            ("clap", &["cli/"]),
            ("tokio", &["mcp/"]),
            ("rmcp", &["mcp/"]),
            ("serde_yaml", &["yaml.rs"]),
        ];
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used = vec![false; rules.len()];
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = entry.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
            for (k, (name, places)) in rules.iter().enumerate() {
                // `name::` is built here, so that this file does not hold it.
                let path = format!("{name}::");
                if code.iter().any(|l| l.contains(&path)) {
                    assert!(places.iter().any(|p| rel.starts_with(p)), "src/{rel} uses {name}");
                    used[k] = true;
                }
            }
        }
        assert!(used.iter().all(|&u| u), "each rule finds its crate where it belongs: {used:?}");
    }
}
