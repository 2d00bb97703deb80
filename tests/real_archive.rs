//! The real archive (`../shared/archive`): exact counts, and for every term of
//! `../shared/queries.txt`, search hits equal a plain substring scan over the loaded messages.

mod common;

use chatlore::archive::{self, Archive};
use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

struct Fixture {
    root: PathBuf,
    archive: Archive,
    _dir: tempfile::TempDir,
    engine: std::sync::Mutex<Engine>,
}

/// The indexed real archive, or None (after a notice) where `../shared` is missing.
fn fixture() -> Option<&'static Fixture> {
    static F: OnceLock<Option<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        let root = real_archive_or_skip()?;
        let dir = tempfile::tempdir().unwrap();
        let summary = index(&root, dir.path());
        assert_eq!((summary.files, summary.messages), (542, 92_240));
        let engine = std::sync::Mutex::new(Engine::open(dir.path()).unwrap());
        Some(Fixture { archive: archive::load(&root).unwrap(), root, _dir: dir, engine })
    })
    .as_ref()
}

fn queries(root: &Path) -> Vec<String> {
    let path = root.join("../queries.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Term shapes beyond the list: single characters (matched as a prefix of bigrams) and
/// Latin glued to Chinese.
const EXTRA_TERMS: &[&str] = &["网", "款", "码", "pos机", "机器", "app支付", "银联pos"];

/// The oracle, written independently of the library: a substring in any case, where a Latin
/// letter or digit at the term's edge must also be at a word's edge in the text.
fn contains(text: &str, term: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !('\u{4E00}'..='\u{9FFF}').contains(&c));
    let lower = text.to_lowercase();
    let term = term.to_lowercase();
    let (first, last) = (word(term.chars().next()), word(term.chars().next_back()));
    lower.match_indices(&term).any(|(i, m)| {
        (!first || !word(lower[..i].chars().next_back())) && (!last || !word(lower[i + m.len()..].chars().next()))
    })
}

#[test]
fn the_real_archive_loads_exactly() {
    let Some(f) = fixture() else { return };
    let a = &f.archive;
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_eq!(a.days.len(), 542);
    assert_eq!(a.message_count(), 92_240);
    let in_group = |g: &str| a.days.iter().filter(|d| d.group == g).map(|d| d.messages.len()).sum::<usize>();
    assert_eq!(in_group("proddev"), 81_916);
    assert_eq!(in_group("devarch"), 10_324);
}

#[test]
fn search_recall_equals_substring_scan_for_every_query() {
    let Some(f) = fixture() else { return };
    let engine = f.engine.lock().unwrap();
    let qs = queries(&f.root);
    assert!(qs.len() >= 20, "queries.txt has {} terms", qs.len());
    for term in qs.into_iter().chain(EXTRA_TERMS.iter().map(|t| t.to_string())) {
        let expected: BTreeSet<(String, u32)> = f
            .archive
            .days
            .iter()
            .flat_map(|d| d.messages.iter().filter(|m| contains(&m.text, &term)).map(move |m| (d.path.clone(), m.line)))
            .collect();
        let results = engine.search(&Query::parse(&term).unwrap(), Page { limit: None, ..Page::default() }).unwrap();
        assert_eq!(results.total, results.hits.len());
        for h in &results.hits {
            assert!(contains(&h.text, &term), "hit for {term} without it: {}:{} {:?}", h.path, h.line, h.text);
            assert!(!h.highlights.is_empty(), "hit for {term} without a highlight: {}:{}", h.path, h.line);
        }
        let got: BTreeSet<(String, u32)> = results.hits.iter().map(|h| (h.path.clone(), h.line)).collect();
        assert_eq!(got.len(), results.hits.len(), "duplicate hits for {term}");
        let missing: Vec<_> = expected.difference(&got).take(5).collect();
        let extra: Vec<_> = got.difference(&expected).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{term}: {} expected, {} found; missing {missing:?}, extra {extra:?}",
            expected.len(),
            got.len()
        );
        assert!(!expected.is_empty(), "{term} occurs in the archive");
    }
}

#[test]
fn facets_and_speakers_on_the_real_archive() {
    let Some(f) = fixture() else { return };
    let engine = f.engine.lock().unwrap();
    let all = engine.facets(&Query::default()).unwrap();
    assert_eq!(all.total, 92_240);
    assert_eq!(all.groups["proddev"], 81_916);
    // 22 of the 542 logs hold no message at all: days are counted where messages are.
    let days_with_messages = f.archive.days.iter().filter(|d| !d.messages.is_empty()).count();
    assert_eq!((all.days.len(), days_with_messages), (520, 520));
    assert_eq!(all.months.keys().next().map(String::as_str), Some("2017-05"));
    for topic in ["routing", "cross-border", "reconciliation", "netsunion", "clearing"] {
        assert!(all.topics.get(topic).copied().unwrap_or(0) > 100, "{topic}: {:?}", all.topics.get(topic));
    }
    let dir = engine.directory().unwrap();
    assert!(dir.matching_from("张泽雄").len() >= 2);
    let by_name = engine.search(&Query::parse("from:张泽雄 网联").unwrap(), Page::default()).unwrap();
    assert!(by_name.total > 0 && by_name.hits.iter().all(|h| h.speaker.contains("张泽雄")));
}
