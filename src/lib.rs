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
pub mod no_hits;
pub mod normalise;
pub(crate) mod optional;
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
pub mod tokenize;
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

    /// README, Layout: no module cycles. The top-level modules of `src/` depend on each other
    /// as a tree grows, never in a circle (`search` uses `rank`, so `rank` uses nothing of
    /// `search`). A dependency is a `crate::NAME` path in code: comments and the `tests`
    /// modules do not count (a module's tests may borrow another's fixtures).
    #[test]
    fn the_top_level_modules_depend_on_each_other_without_a_cycle() {
        use std::collections::{BTreeMap, BTreeSet};
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // module -> (module it uses -> where, for the message)
        let mut uses: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") {
                files.push(entry.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
        let module_of = |rel: &str| rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
        for rel in &files {
            let from = module_of(rel);
            let text = std::fs::read_to_string(src.join(rel)).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let next = lines.get(i + 1).map_or("", |l| l.trim_start());
                if line.trim() == "#[cfg(test)]" && next.starts_with("mod tests") {
                    break;
                }
                let code = line.split("//").next().unwrap();
                let mut names = Vec::new();
                for (at, _) in code.match_indices("crate::") {
                    let rest = &code[at + "crate::".len()..];
                    if let Some(group) = rest.strip_prefix('{') {
                        let group = &group[..group.find('}').unwrap_or(group.len())];
                        names.extend(group.split(',').map(|p| p.trim().split("::").next().unwrap().to_string()));
                    } else {
                        names.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
                    }
                }
                for name in names {
                    if name != from && modules.contains(&name) {
                        uses.entry(from.clone()).or_default().entry(name).or_insert(format!("src/{rel}:{}", i + 1));
                    }
                }
            }
        }
        // Depth-first search; a module met again while on the path closes a cycle.
        fn visit<'a>(
            m: &'a str,
            uses: &'a BTreeMap<String, BTreeMap<String, String>>,
            path: &mut Vec<&'a str>,
            done: &mut BTreeSet<&'a str>,
        ) -> Option<Vec<&'a str>> {
            if let Some(at) = path.iter().position(|p| *p == m) {
                let mut cycle = path[at..].to_vec();
                cycle.push(m);
                return Some(cycle);
            }
            if !done.insert(m) {
                return None;
            }
            path.push(m);
            for next in uses.get(m).into_iter().flat_map(|u| u.keys()) {
                if let Some(cycle) = visit(next, uses, path, done) {
                    return Some(cycle);
                }
            }
            path.pop();
            None
        }
        let mut done = BTreeSet::new();
        for m in uses.keys() {
            if let Some(cycle) = visit(m, &uses, &mut Vec::new(), &mut done) {
                let edges: Vec<String> =
                    cycle.windows(2).map(|w| format!("{} -> {} ({})", w[0], w[1], uses[w[0]][w[1]])).collect();
                panic!("module cycle: {}", edges.join(", "));
            }
        }
        assert!(uses["search"].contains_key("rank"), "the scan sees dependencies: {uses:?}");
    }
}
