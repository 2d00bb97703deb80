//! The one place that speaks YAML (serde_yaml): front matter and the archive's YAML files
//! (topics, glossary, people) all come through here, so swapping the YAML library touches a single file.

use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A YAML document that could not be read; the message is serde_yaml's, with line and column.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(String);

/// A YAML file of the archive folder (`topics.yaml`, `glossary.yaml`, `people.yaml`) that could
/// not be used: the file, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct FileError {
    pub path: PathBuf,
    pub problem: Problem,
}

/// What is wrong with a YAML file, without its name (a warning names the file once).
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("not {what}: {source}")]
    Yaml { what: &'static str, source: YamlError },
    #[error("{0}")]
    Invalid(String),
}

impl FileError {
    /// The file `path` parsed but does not hold what it should (`reason` says why).
    pub fn invalid(path: &Path, reason: String) -> FileError {
        FileError { path: path.into(), problem: Problem::Invalid(reason) }
    }
}

/// Deserializes the text of the YAML file `path` into `T`; `what` says what it should hold
/// (`a valid glossary`).
pub fn from_file<T: DeserializeOwned>(text: &str, path: &Path, what: &'static str) -> Result<T, FileError> {
    from_str(text).map_err(|source| FileError { path: path.into(), problem: Problem::Yaml { what, source } })
}

/// Deserializes a whole YAML document into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError(e.to_string()))
}

/// Reads a flat mapping of scalars (front matter) into strings: `lines: 2` gives `"2"`,
/// `author: None` gives `"None"`. Nested values are skipped, not errors.
pub fn scalar_mapping(text: &str) -> Result<BTreeMap<String, String>, YamlError> {
    let value: serde_yaml::Value = from_str(text)?;
    let mut out = BTreeMap::new();
    if let serde_yaml::Value::Mapping(map) = value {
        for (k, v) in map {
            if let (Some(k), Some(v)) = (scalar(&k), scalar(&v)) {
                out.insert(k, v);
            }
        }
    }
    Ok(out)
}

fn scalar(v: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        Value::Null | Value::Sequence(_) | Value::Mapping(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_mapping_stringifies_scalars() {
        let m = scalar_mapping("title: \"2017-08-15-WeChat\"\nlines: 2\nauthor: None\ntag: [chat]\n").unwrap();
        assert_eq!(m["title"], "2017-08-15-WeChat");
        assert_eq!(m["lines"], "2");
        assert_eq!(m["author"], "None");
        assert!(!m.contains_key("tag"));
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        assert!(scalar_mapping("a: [unclosed\n").is_err());
    }
}
