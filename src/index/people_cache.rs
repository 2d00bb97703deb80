//! The person model of a generation, kept beside its segments: building it reads every
//! message's fast fields (~40 ms on the real archive), which a `search --json` or a
//! `discussions` process would otherwise pay on every run for a handful of labels.
//!
//! The file names the segments (and their deletions) it was built from; a reader whose
//! segments differ builds the model again and replaces it. A file that cannot be read or
//! written is only a lost shortcut: the model is always built from the index.

use super::manifest;
use crate::people::{People, Person, Rules};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use tantivy::Searcher;

/// What [`key`] says of the person model's shape and counts: changed with them.
const MODEL_VERSION: u32 = 2;

/// The file in a generation folder.
pub(crate) const PEOPLE_FILE: &str = "chatlore-people.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    /// [`key`] of the searcher the people were built from.
    key: String,
    persons: Vec<Person>,
}

impl manifest::JsonFile for Stored {}

/// What the people of `searcher` depend on: its segments and how many deletions each has
/// (deletions only grow, so equal counts are equal deletions), and the archive's rules.
pub(crate) fn key(searcher: &Searcher, rules: &Rules) -> String {
    let mut parts: Vec<String> = searcher
        .segment_readers()
        .iter()
        .map(|s| format!("{}:{}", s.segment_id().uuid_string(), s.num_deleted_docs()))
        .collect();
    parts.sort_unstable();
    // The model's own version: a file of an older one (persons' messages counted copies once
    // before version 2) is built again.
    parts.push(format!("model:{MODEL_VERSION}"));
    if *rules != Rules::default() {
        let json = serde_json::to_string(rules).unwrap_or_default();
        parts.push(format!("rules:{}", manifest::hash(json.as_bytes())));
    }
    parts.join(",")
}

/// The people stored for `key` in `generation_dir`, if any.
pub(crate) fn load(generation_dir: &Path, key: &str) -> Option<People> {
    let stored: Stored = manifest::read(&generation_dir.join(PEOPLE_FILE)).ok()??;
    (stored.key == key).then(|| People::from_persons(stored.persons))
}

/// The stored person model as a reader of labels sees it: every other field is skipped, and
/// the strings are borrowed from the file's bytes where they can be.
#[derive(serde::Deserialize)]
struct StoredLabels<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    persons: Vec<Labelled<'a>>,
}

#[derive(serde::Deserialize)]
struct Labelled<'a> {
    #[serde(borrow)]
    label: Cow<'a, str>,
    #[serde(borrow)]
    aliases: Vec<Cow<'a, str>>,
}

/// The label of the person of each of `nicknames` ([`People::label_of`]) as stored for `key`,
/// if stored: what `search --json` needs of the model, for about two thirds of the cost of
/// loading it (the file is still parsed, but no person, alias or nickname table is built).
pub(crate) fn labels(generation_dir: &Path, key: &str, nicknames: &[&str]) -> Option<Vec<String>> {
    let bytes = manifest::read_own(&generation_dir.join(PEOPLE_FILE)).ok()?;
    let stored: StoredLabels<'_> = serde_json::from_slice(&bytes).ok()?;
    if stored.key != key {
        return None;
    }
    let mut wanted: HashMap<&str, Option<&str>> = nicknames.iter().map(|&n| (n, None)).collect();
    // As `People::from_persons` indexes them: a nickname listed twice is the later person's.
    for person in &stored.persons {
        for alias in &person.aliases {
            if let Some(label) = wanted.get_mut(alias.as_ref()) {
                *label = Some(person.label.as_ref());
            }
        }
    }
    Some(nicknames.iter().map(|&n| wanted.get(n).copied().flatten().unwrap_or(n).to_owned()).collect())
}

/// Stores `people` for `key`; a folder that cannot be written is left as it is.
pub(crate) fn store(generation_dir: &Path, key: &str, people: &People) {
    let stored = Stored { key: key.to_owned(), persons: people.persons.clone() };
    let _ = manifest::write(&generation_dir.join(PEOPLE_FILE), &stored);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::Nickname;

    #[test]
    fn people_round_trip_under_their_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let nick = |n: &str| Nickname { nickname: n.into(), messages: 3, groups: ["g".to_owned()].into() };
        let people = People::build(&[nick("龚晓冬"), nick("龚晓冬-银商账户-产品-上海"), nick("Tony")], &[]);
        assert!(load(dir.path(), "a").is_none(), "nothing stored yet");
        store(dir.path(), "a", &people);
        let back = load(dir.path(), "a").expect("stored under a");
        assert_eq!(back.persons, people.persons);
        assert_eq!(back.label_of("龚晓冬-银商账户-产品-上海"), people.label_of("龚晓冬-银商账户-产品-上海"));
        assert_eq!(back.aliases_of(["龚晓冬"]), people.aliases_of(["龚晓冬"]));
        let nicks = ["龚晓冬-银商账户-产品-上海", "Tony", "无名", "龚晓冬"];
        let expected: Vec<String> = nicks.iter().map(|n| people.label_of(n).to_owned()).collect();
        assert_eq!(labels(dir.path(), "a", &nicks), Some(expected.clone()));
        assert_eq!(expected[0], "龚晓冬", "the alias is labelled by its person");
        assert!(labels(dir.path(), "b", &nicks).is_none(), "another index state has no stored labels");
        assert!(load(dir.path(), "b").is_none(), "another index state builds again");
        std::fs::write(dir.path().join(PEOPLE_FILE), "{not json").unwrap();
        assert!(load(dir.path(), "a").is_none(), "a damaged file is only a lost shortcut");
        assert!(labels(dir.path(), "a", &nicks).is_none());
    }
}
