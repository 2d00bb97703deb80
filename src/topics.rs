//! The topic taxonomy (YAML: a compiled-in default, overridable by `<archive>/topics.yaml`)
//! and the tagger that gives each message its topic ids at index time.

use crate::text::{is_word_char, mention_spans};
use crate::yaml;
use aho_corasick::{AhoCorasick, MatchKind};
use std::path::{Path, PathBuf};

/// The taxonomy compiled into the binary.
pub const DEFAULT_YAML: &str = include_str!("topics.yaml");
/// The file name that overrides the default inside an archive folder.
pub const FILE_NAME: &str = "topics.yaml";

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Topic {
    pub id: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    pub keywords: Vec<String>,
}

#[derive(serde::Deserialize)]
struct File {
    topics: Vec<Topic>,
}

/// A taxonomy that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TopicsError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a valid topic taxonomy: {source}")]
    Yaml { path: PathBuf, source: yaml::YamlError },
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

/// Topics plus a compiled matcher over all their keywords.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
    /// The YAML the taxonomy came from (part of the index's fingerprint).
    pub source: String,
    matcher: AhoCorasick,
    /// For each keyword pattern: its topic's index, and whether its edges need word boundaries.
    patterns: Vec<(usize, bool, bool)>,
}

impl Taxonomy {
    /// The compiled-in taxonomy.
    pub fn builtin() -> Taxonomy {
        Taxonomy::from_yaml(DEFAULT_YAML, Path::new("<built-in topics.yaml>"))
            .unwrap_or_else(|e| unreachable!("the built-in taxonomy is checked by a test: {e}"))
    }

    /// `<archive>/topics.yaml` if present, else the built-in taxonomy.
    pub fn for_archive(archive: &Path) -> Result<Taxonomy, TopicsError> {
        let path = archive.join(FILE_NAME);
        // A FIFO or a device in its place must not hang the run.
        let text = crate::archive::read_regular(&path, crate::archive::SIDE_FILE_CAP).and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        });
        match text {
            Ok(text) => Taxonomy::from_yaml(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Taxonomy::builtin()),
            Err(source) => Err(TopicsError::Read { path, source }),
        }
    }

    /// [`Taxonomy::for_archive`], or the built-in taxonomy and a warning saying why when the
    /// archive's `topics.yaml` cannot be used (`index` and `export` both go on this way).
    pub fn for_archive_or_builtin(archive: &Path) -> (Taxonomy, Option<crate::archive::Warning>) {
        match Taxonomy::for_archive(archive) {
            Ok(t) => (t, None),
            Err(e) => {
                let reason = format!("{e}; using the built-in topics");
                (Taxonomy::builtin(), Some(crate::archive::Warning { path: FILE_NAME.into(), reason }))
            }
        }
    }

    /// Parses and checks a taxonomy (`path` is only for messages).
    pub fn from_yaml(text: &str, path: &Path) -> Result<Taxonomy, TopicsError> {
        let file: File = yaml::from_str(text).map_err(|source| TopicsError::Yaml { path: path.into(), source })?;
        let invalid = |reason: String| TopicsError::Invalid { path: path.into(), reason };
        let mut seen = std::collections::HashSet::new();
        for t in &file.topics {
            if t.id.is_empty() || t.id.chars().any(char::is_whitespace) {
                return Err(invalid(format!("topic id {:?} must be one word", t.id)));
            }
            if !seen.insert(t.id.as_str()) {
                return Err(invalid(format!("topic id {:?} appears twice", t.id)));
            }
            if t.keywords.iter().all(|k| k.trim().is_empty()) {
                return Err(invalid(format!("topic {:?} has no keywords", t.id)));
            }
        }
        let mut words = Vec::new();
        let mut patterns = Vec::new();
        for (ti, t) in file.topics.iter().enumerate() {
            for k in t.keywords.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()) {
                let first = k.chars().next().is_some_and(is_word_char);
                let last = k.chars().next_back().is_some_and(is_word_char);
                patterns.push((ti, first, last));
                words.push(k);
            }
        }
        let matcher = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Taxonomy { topics: file.topics, source: text.to_owned(), matcher, patterns })
    }

    /// The ids of the topics whose keywords occur in `text` (outside @mentions), in
    /// taxonomy order.
    pub fn tag(&self, text: &str) -> Vec<&str> {
        let mentions = if text.contains('@') { mention_spans(text) } else { Vec::new() };
        let mut hit = vec![false; self.topics.len()];
        for m in self.matcher.find_overlapping_iter(text) {
            let (topic, first, last) = self.patterns[m.pattern().as_usize()];
            if hit[topic] || mentions.iter().any(|r| r.start <= m.start() && m.end() <= r.end) {
                continue;
            }
            let before_ok = !first || !text[..m.start()].chars().next_back().is_some_and(is_word_char);
            let after_ok = !last || !text[m.end()..].chars().next().is_some_and(is_word_char);
            hit[topic] = before_ok && after_ok;
        }
        self.topics.iter().zip(hit).filter(|(_, h)| *h).map(|(t, _)| t.id.as_str()).collect()
    }

    /// The topic a user means by `name` (see [`resolve`]).
    pub fn resolve(&self, name: &str) -> Option<&Topic> {
        resolve(&self.topics, name)
    }

    /// Every keyword, for the segmenter's user dictionary.
    pub fn keywords(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().flat_map(|t| t.keywords.iter().map(String::as_str))
    }
}

/// The topic a user means by `name`: its id, Chinese or English label (case-insensitive).
pub fn resolve<'a>(topics: &'a [Topic], name: &str) -> Option<&'a Topic> {
    let n = name.trim();
    topics.iter().find(|t| t.id.eq_ignore_ascii_case(n) || t.zh == n || t.en.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_taxonomy_is_valid_and_broad() {
        let t = Taxonomy::builtin();
        assert!(t.topics.len() >= 9);
        for id in [
            "routing",
            "cross-border",
            "reconciliation",
            "netsunion",
            "clearing",
            "acquiring",
            "risk",
            "accounts",
            "licensing",
            "refunds",
            "qr",
        ] {
            assert!(t.resolve(id).is_some(), "{id}");
        }
    }

    #[test]
    fn tags_by_keyword_in_taxonomy_order() {
        let t = Taxonomy::builtin();
        assert_eq!(t.tag("网联断直连以后，通道路由怎么做？"), vec!["routing", "netsunion"]);
        assert_eq!(t.tag("结售汇要报外管局"), vec!["cross-border"]);
        assert_eq!(t.tag("今天对账发现长短款"), vec!["reconciliation"]);
        assert!(t.tag("今天天气不错").is_empty());
    }

    #[test]
    fn latin_keywords_match_whole_words_any_case() {
        let t = Taxonomy::builtin();
        assert_eq!(t.tag("POS机 MCC 套码"), vec!["acquiring"]);
        assert!(t.tag("position compose").is_empty());
        assert_eq!(t.tag("T+1 到账"), vec!["clearing"]);
    }

    #[test]
    fn mentions_do_not_tag() {
        let t = Taxonomy::builtin();
        assert!(t.tag("@聚合支付_程昱\u{2005}早").is_empty());
        assert_eq!(t.tag("@程昱 聚合支付怎么做"), vec!["qr"]);
    }

    #[test]
    fn resolve_by_id_or_label() {
        let t = Taxonomy::builtin();
        assert_eq!(t.resolve("对账差错").map(|t| t.id.as_str()), Some("reconciliation"));
        assert_eq!(t.resolve("NetsUnion").map(|t| t.id.as_str()), Some("netsunion"));
        assert_eq!(t.resolve("Reconciliation").map(|t| t.id.as_str()), Some("reconciliation"));
        assert!(t.resolve("weather").is_none());
    }

    #[test]
    fn bad_taxonomies_are_named_errors() {
        let p = Path::new("archive/topics.yaml");
        let e = Taxonomy::from_yaml("topics: [", p).unwrap_err().to_string();
        assert!(e.starts_with("archive/topics.yaml: not a valid topic taxonomy"), "{e}");
        let dup = "topics:\n- {id: a, zh: 甲, en: A, keywords: [x]}\n- {id: a, zh: 乙, en: B, keywords: [y]}\n";
        assert!(Taxonomy::from_yaml(dup, p).unwrap_err().to_string().contains("twice"));
        let empty = "topics:\n- {id: a, zh: 甲, en: A, keywords: []}\n";
        assert!(Taxonomy::from_yaml(empty, p).unwrap_err().to_string().contains("no keywords"));
    }
}
