//! Jekyll front matter: the `---` block at the top of a log. The real files put tabs in it
//! (`tag:\t\t  [chat]`), say `author: None`, or have none at all; none of that may cost a message.

use crate::yaml;
use std::collections::BTreeMap;

/// The front matter fields chatlore uses, plus where the body starts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub date: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Index (0-based) of the first line after the front matter.
    pub body_start: usize,
    /// Set when a front matter block was present but was not valid YAML; the fields were then
    /// recovered line by line.
    pub yaml_error: Option<String>,
}

/// Splits off the front matter of a log given as lines.
pub fn split(lines: &[&str]) -> FrontMatter {
    let opens = lines.first().is_some_and(|l| l.trim_end() == "---");
    let close = opens.then(|| lines.iter().skip(1).position(|l| matches!(l.trim_end(), "---" | "..."))).flatten();
    let Some(close) = close.map(|i| i + 1) else {
        // No block, or one that never closes: everything is body, so nothing is lost.
        return FrontMatter::default();
    };
    // YAML forbids tabs as indentation; in these files they are only spacing.
    let block = lines[1..close].join("\n").replace('\t', " ");
    let (fields, yaml_error) = match yaml::scalar_mapping(&block) {
        Ok(m) => (m, None),
        Err(e) => (line_by_line(&lines[1..close]), Some(e.to_string())),
    };
    let field = |k: &str| {
        fields.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && v != "None" && v != "null" && v != "~")
    };
    FrontMatter {
        date: field("date"),
        title: field("title"),
        author: field("author"),
        body_start: close + 1,
        yaml_error,
    }
}

/// Fallback for a block serde_yaml rejects: `key: value` per line, quotes stripped.
fn line_by_line(lines: &[&str]) -> BTreeMap<String, String> {
    lines
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
            (k.trim().to_owned(), v.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.lines().collect()
    }

    #[test]
    fn real_front_matter_with_tabs() {
        let text = "---\nlayout:     source \ntitle:      \"2017-05-05-WeChat\"\ndate:       2017-05-05 12:00:00\nauthor:     \"PaymentGroup\"\ntag:\t\t  [chat]\nheader-img: \"img/post-bg-wechat.jpg\"\n---\n> 08:44:59  我  \n";
        let fm = split(&lines(text));
        assert_eq!(fm.date.as_deref(), Some("2017-05-05 12:00:00"));
        assert_eq!(fm.title.as_deref(), Some("2017-05-05-WeChat"));
        assert_eq!(fm.author.as_deref(), Some("PaymentGroup"));
        assert_eq!(fm.body_start, 8);
        assert_eq!(fm.yaml_error, None);
    }

    #[test]
    fn author_none_is_absent() {
        let fm = split(&lines("---\ntitle: x\nauthor: None\n---\n"));
        assert_eq!(fm.author, None);
    }

    #[test]
    fn no_front_matter_means_all_body() {
        let fm = split(&lines("> 08:44:59  我\nhello"));
        assert_eq!(fm, FrontMatter::default());
    }

    #[test]
    fn unclosed_front_matter_keeps_every_line_as_body() {
        let fm = split(&lines("---\ntitle: x\n> 08:44:59  我\nhello"));
        assert_eq!(fm.body_start, 0);
    }

    #[test]
    fn invalid_yaml_falls_back_to_lines() {
        let fm = split(&lines("---\ntitle: [oops\ndate: 2017-08-15 10:00:00\n---\nbody"));
        assert!(fm.yaml_error.is_some());
        assert_eq!(fm.date.as_deref(), Some("2017-08-15 10:00:00"));
        assert_eq!(fm.body_start, 4);
    }
}
