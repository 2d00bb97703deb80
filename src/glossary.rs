//! The payments glossary (YAML: a compiled-in default, overridable by
//! `<archive>/glossary.yaml`): a typed term that is a form of an entry also finds the entry's
//! other forms (`拒付` → 调单, chargeback), compared after folding ([`crate::normalise`]).
//! A form of Latin letters only is looked up whatever separates its words: `cross border`,
//! `cross-border`, `crossborder` and `Cross_Border` are one form (see [`lookup_form`]), as long
//! as the typed words are words of a form (glued is always fine: `for ex` is not `forex`, see
//! [`breaks_among`]); a query's run of bare words that spells a form is read as that one term
//! (see [`Glossary::longest_run`]).

use crate::normalise::{fold, fold_into};
use crate::yaml;
use std::path::Path;

/// The glossary compiled into the binary.
pub const DEFAULT_YAML: &str = include_str!("glossary.yaml");
/// The file name that overrides the default inside an archive folder.
pub const FILE_NAME: &str = "glossary.yaml";

#[derive(serde::Deserialize)]
struct File {
    glossary: Vec<Vec<String>>,
}

/// Entries (each a list of forms, the canonical one first) and a lookup by folded form.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    pub entries: Vec<Vec<String>>,
    /// Every (key of a folded form, entry), sorted: a form of several entries is there once
    /// for each. Keys rather than the forms: a process that expands one term builds this
    /// without a string per form (see [`form_key`]).
    by_form: Vec<(u64, usize)>,
    /// The most words a form has (`anti money laundering`: 3): how far [`Glossary::longest_run`]
    /// looks.
    most_words: usize,
}

impl Glossary {
    /// The compiled-in glossary.
    pub fn builtin() -> Glossary {
        Glossary::from_yaml(DEFAULT_YAML, Path::new("<built-in glossary.yaml>"))
            .unwrap_or_else(|e| unreachable!("the built-in glossary is checked by a test: {e}"))
    }

    /// `<archive>/glossary.yaml` if present, else the built-in glossary; when the file cannot
    /// be used, the built-in glossary and a warning saying why. `follow`: read it through a
    /// symbolic link leading outside the archive.
    pub fn for_archive(archive: &Path, follow: bool) -> (Glossary, Option<crate::archive::Warning>) {
        crate::archive::yaml_file(
            archive,
            FILE_NAME,
            follow,
            Glossary::from_yaml,
            (Glossary::builtin, "using the built-in glossary"),
        )
    }

    /// Parses and checks a glossary (`path` is only for messages).
    pub fn from_yaml(text: &str, path: &Path) -> Result<Glossary, yaml::FileError> {
        let file: File = yaml::from_file(text, path, "a valid glossary")?;
        for (i, entry) in file.glossary.iter().enumerate() {
            if entry.iter().any(|f| crate::tokenize::term_variants(f).is_empty()) {
                let reason = format!("entry {} ({}) has a form with nothing to search for", i + 1, entry.join(", "));
                return Err(yaml::FileError::invalid(path, reason));
            }
        }
        Ok(Glossary::new(file.glossary))
    }

    /// A glossary of these entries.
    pub fn new(entries: Vec<Vec<String>>) -> Glossary {
        let mut by_form: Vec<(u64, usize)> = Vec::with_capacity(entries.iter().map(Vec::len).sum());
        let mut folded = String::new();
        let mut most_words = 1;
        for (i, entry) in entries.iter().enumerate() {
            for form in entry {
                fold_into(form, &mut folded);
                most_words = most_words.max(crate::text::term_parts(&folded).len());
                by_form.push((form_key(&lookup_form(&folded)), i));
            }
        }
        by_form.sort_unstable();
        by_form.dedup();
        Glossary { entries, by_form, most_words }
    }

    /// How many of `words` (bare words as typed, in order), from the first on, spell one form
    /// of the glossary together, their words separated by a space (`risk control` of `risk
    /// control team`: 2): the most that do, compared as [`Glossary::expand`] compares; 0 when
    /// no run of two or more does. A word is one run of letters (`anti-money` is two).
    pub(crate) fn longest_run(&self, words: &[&str]) -> usize {
        let mut joined = String::new();
        let mut runs = Vec::new();
        let mut parts = 0;
        for w in words {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(w);
            parts += crate::text::term_parts(&fold(w)).len();
            if parts > self.most_words {
                break;
            }
            runs.push(joined.clone());
        }
        (2..=runs.len()).rev().find(|&n| self.holds(&runs[n - 1])).unwrap_or(0)
    }

    /// Whether `term` is a form of some entry (one with other forms, as every entry has), as
    /// [`Glossary::expand`] folds it: the glossary is payments vocabulary.
    pub fn holds(&self, term: &str) -> bool {
        !self.expand(term).is_empty()
    }

    /// The other forms of every entry `term` is a form of, in glossary order, without
    /// repeats and without forms that fold to the term itself.
    /// A form matching the same text as one already listed (or the term: `cross-border` for
    /// `cross border`, the same words) is left out; one that does not (`cross-border` for
    /// `crossborder`, one word) is listed.
    /// An English plural that is no form is looked up as its singular (`chargebacks`,
    /// `virtual accounts`, `QR codes`), whose form is then listed too.
    pub fn expand(&self, term: &str) -> Vec<String> {
        let folded = fold(term);
        let out = self.expand_as(&folded, &folded);
        match singular(&folded) {
            Some(one) if out.is_empty() => self.expand_as(&one, &folded),
            _ => out,
        }
    }

    /// The other forms of the entries `folded` is a form of, leaving out those matching the
    /// same text as `typed`.
    fn expand_as(&self, folded: &str, typed: &str) -> Vec<String> {
        let looked_up = lookup_form(folded);
        let key = form_key(&looked_up);
        let mut seen = vec![parts_of(typed)];
        let mut out = Vec::new();
        let first = self.by_form.partition_point(|&(k, _)| k < key);
        for &(_, i) in self.by_form[first..].iter().take_while(|&&(k, _)| k == key) {
            let forms: Vec<String> = self.entries[i].iter().map(|f| fold(f)).collect();
            // Equal keys of unequal forms (a hash collision) are no match; nor is a spelling
            // that breaks the letters where no form of the entry does (`for ex` is not `forex`).
            if !forms.iter().any(|f| lookup_form(f) == looked_up && breaks_among(folded, f)) {
                continue;
            }
            for (form, f) in self.entries[i].iter().zip(forms) {
                let parts = parts_of(&f);
                if !seen.contains(&parts) {
                    seen.push(parts);
                    out.push(form.clone());
                }
            }
        }
        out
    }
}

/// The singular of a folded English plural of letters (its last word of 4 letters or more
/// once singular, so that `cups` is not `CUP` nor `pos` `po`): `companies` → `company`,
/// `processes` → `process`, `gateways` → `gateway`; `None` for anything else (`business`,
/// `fees`, `T+1s`).
fn singular(folded: &str) -> Option<String> {
    if !folded.chars().all(|c| c.is_ascii_lowercase() || crate::text::is_separator(c)) || folded.ends_with("ss") {
        return None;
    }
    let stem = folded.strip_suffix('s')?;
    let one = if let Some(s) = folded.strip_suffix("ies") {
        format!("{s}y")
    } else if ["ses", "xes", "ches", "shes"].iter().any(|e| folded.ends_with(e)) {
        folded[..folded.len() - 2].to_owned()
    } else {
        stem.to_owned()
    };
    let last = one.rsplit(|c: char| !c.is_ascii_lowercase()).next().unwrap_or("");
    (last.len() >= 4).then_some(one)
}

/// The parts of a folded form ([`crate::text::term_parts`]): two forms of the same parts match
/// the same text (`cross border`, `cross-border`).
fn parts_of(folded: &str) -> Vec<String> {
    crate::text::term_parts(folded).into_iter().map(str::to_owned).collect()
}

/// What a folded form is looked up by: a form of letters only (no CJK, digits or symbols),
/// separators only between them, without its separators, so that `cross border`,
/// `cross-border` and `crossborder` are one form; any other as it is (`T-1` is not `T1`, `快捷
/// 支付` not `快捷支付`, `settlement?` not `settlement`).
fn lookup_form(folded: &str) -> std::borrow::Cow<'_, str> {
    use crate::text::{is_letter as letters, is_separator};
    let inside = folded.chars().next().is_some_and(letters) && folded.chars().next_back().is_some_and(letters);
    if inside && folded.chars().any(is_separator) && folded.chars().all(|c| letters(c) || is_separator(c)) {
        std::borrow::Cow::Owned(folded.chars().filter(|&c| letters(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(folded)
    }
}

/// Whether every break between words of the folded spelling `typed` is a break of the folded
/// `form` (counted in characters that are not separators): `cross-border`, `Cross_Border` and
/// `crossborder` spell the form `cross border`, `anti money laundering` `anti-money laundering`;
/// `for ex` does not spell `forex`, nor `we chat pay` `WeChat Pay`. Two common words typed
/// one after the other are not read as a glued name.
fn breaks_among(typed: &str, form: &str) -> bool {
    let of_form = breaks(form);
    breaks(typed).iter().all(|b| of_form.contains(b))
}

/// Where a folded spelling breaks between words: for each run of separators after its first
/// character, how many characters that are not separators come before it.
fn breaks(folded: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let (mut before, mut gap) = (0, false);
    for c in folded.chars() {
        if crate::text::is_separator(c) {
            gap = before > 0;
        } else {
            if gap {
                out.push(before);
                gap = false;
            }
            before += 1;
        }
    }
    out
}

/// The lookup key of a folded form: its xxh3-64 hash.
fn form_key(folded: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(folded.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plural typed in English is looked up as its singular: `chargebacks` found nothing.
    #[test]
    fn an_english_plural_is_looked_up_as_its_singular() {
        let g = Glossary::builtin();
        for (plural, singular, chinese) in [
            ("chargebacks", "chargeback", "拒付"),
            ("Chargebacks", "chargeback", "拒付"),
            ("virtual accounts", "virtual account", "虚拟账户"),
            ("payment gateways", "payment gateway", "支付网关"),
            ("QR codes", "QR code", "二维码"),
            ("settlements", "settlement", "结算"),
        ] {
            let forms = g.expand(plural);
            assert!(forms.iter().any(|f| f.eq_ignore_ascii_case(singular)), "{plural}: {forms:?}");
            assert!(forms.iter().any(|f| f == chinese), "{plural}: {forms:?}");
        }
        assert!(g.holds("virtual accounts") && g.longest_run(&["virtual", "accounts", "x"]) == 2);
        // A form that is itself plural is as it was; a short or non-plural word is no singular.
        assert_eq!(g.expand("cups"), Vec::<String>::new());
        assert_eq!(singular("business"), None);
        assert_eq!(singular("pos"), None);
        assert_eq!(singular("companies").as_deref(), Some("company"));
        assert_eq!(singular("processes").as_deref(), Some("process"));
        assert_eq!(singular("fees"), None);
        assert_eq!(singular("risk fees").as_deref(), None);
        assert_eq!(singular("payment gateways").as_deref(), Some("payment gateway"));
    }

    #[test]
    fn builtin_glossary_is_valid_and_large() {
        let g = Glossary::builtin();
        assert!(g.entries.len() >= 60, "{} entries", g.entries.len());
        assert!(g.entries.iter().all(|e| e.len() >= 2));
    }

    /// README, The glossary: "has 72 entries", the examples of forms of one entry, and the
    /// forms left out because they mostly mean something else in the archive.
    #[test]
    fn the_readme_counts_the_entries_and_its_examples_hold() {
        let readme = include_str!("../README.md");
        let g = Glossary::builtin();
        let n = g.entries.len();
        assert!(readme.contains(&format!("has {n} entries of payments terms")), "README does not say {n} entries");
        for example in [
            &["网联", "NetsUnion", "NUCC"][..],
            &["拒付", "调单", "chargeback"],
            &["T0", "T+0", "D0"],
            &["二类户", "II类户", "Ⅱ类户", "2类户"],
        ] {
            assert!(
                g.entries.iter().any(|e| example.iter().all(|f| e.iter().any(|form| form == f))),
                "{example:?} are not forms of one entry"
            );
        }
        for dropped in ["快捷", "终端", "核对", "撤销", "微服务", "鉴权", "净额"] {
            assert!(g.entries.iter().flatten().all(|form| form != dropped), "{dropped} is a form");
        }
    }

    #[test]
    fn the_glossary_holds_its_forms_after_folding() {
        let g = Glossary::builtin();
        for form in ["预付卡", "NetsUnion", "netsunion", "Ⅱ类户", "T+0"] {
            assert!(g.holds(form), "{form}");
        }
        for word in ["监管", "要求", "业务", ""] {
            assert!(!g.holds(word), "{word}");
        }
    }

    #[test]
    fn any_form_expands_to_the_others_after_folding() {
        let g = Glossary::builtin();
        let chargeback = g.expand("拒付");
        assert!(chargeback.contains(&"调单".to_owned()) && chargeback.contains(&"chargeback".to_owned()));
        assert!(g.expand("NETSUNION").contains(&"网联".to_owned()));
        assert!(g.expand("結售匯").contains(&"购汇".to_owned()));
        assert!(g.expand("Ｔ＋０").contains(&"T0".to_owned()));
        // Ⅱ类户 and II类户 fold to the same form: listed once, the typed one not at all.
        let two = g.expand("二类户");
        assert_eq!(two.iter().filter(|f| fold(f) == "ii类户").count(), 1);
        assert!(!two.contains(&"二类户".to_owned()));
        assert!(g.expand("天气").is_empty());
    }

    #[test]
    fn bad_glossaries_are_named_errors() {
        let p = Path::new("archive/glossary.yaml");
        let e = Glossary::from_yaml("glossary: [", p).unwrap_err().to_string();
        assert!(e.starts_with("archive/glossary.yaml: not a valid glossary"), "{e}");
        let e = Glossary::from_yaml("glossary:\n- [网联, '，']\n", p).unwrap_err().to_string();
        assert!(e.contains("entry 1"), "{e}");
    }

    /// An English name of several words is one form whatever separates its words, in any case
    /// (`cross border`, `cross-border`, `crossborder`, `Cross_Border`); one with a digit or a
    /// symbol is looked up as written (`T-1` is not `T1`). A form matching the text the typed
    /// one matches is not added again (`cross-border` for `cross border`); one that matches
    /// other text is (`cross border` for `crossborder`, one word).
    #[test]
    fn an_english_name_is_one_form_whatever_separates_its_words() {
        let g = Glossary::builtin();
        for typed in ["cross border", "cross-border", "crossborder", "Cross_Border", "CROSS  BORDER"] {
            assert!(g.expand(typed).contains(&"跨境".to_owned()), "{typed}: {:?}", g.expand(typed));
        }
        assert!(!g.expand("cross border").iter().any(|f| f == "cross border" || f == "cross-border"));
        assert!(g.expand("cross border").contains(&"crossborder".to_owned()));
        assert!(g.expand("crossborder").contains(&"cross border".to_owned()));
        assert!(g.expand("wechat pay").contains(&"微信支付".to_owned()));
        assert!(g.expand("QR code").contains(&"二维码".to_owned()));
        assert!(!g.holds("T-1"), "T-1 is not T1");
        // Words typed apart must be words of a form: glued, `forex` is one; `for ex`, two common
        // words, is not (nor `fo-rex`, `we chat pay`, `cross bor der`).
        for typed in ["for ex", "For-Ex", "fo rex", "we chat pay", "cross bor der", "anti mon ey laundering"] {
            assert!(!g.holds(typed), "{typed}: {:?}", g.expand(typed));
        }
        for typed in ["forex", "FOREX", "wechat pay", "WeChat-Pay", "wechatpay", "antimoney laundering", "e cny"] {
            assert!(g.holds(typed), "{typed}");
        }
        assert_eq!(g.longest_run(&["for", "ex", "rates"]), 0);
        assert_eq!(breaks("cross  border"), [5]);
        assert_eq!(breaks("-cross-border-"), [5]);
        assert_eq!(breaks("crossborder"), Vec::<usize>::new());
        assert!(g.holds("T1"));
        assert!(!g.holds("cross"));
        assert!(!g.holds("settlement?") && !g.holds("-cross border"), "separators only between letters");
        // The longest run of words spelling a form, from the first word.
        assert_eq!(g.longest_run(&["cross", "border", "payment", "fees"]), 3);
        assert_eq!(g.longest_run(&["cross", "border", "fees"]), 2);
        assert_eq!(g.longest_run(&["Anti-Money", "Laundering", "rules"]), 2);
        assert_eq!(g.longest_run(&["anti", "money", "laundering"]), 3);
        assert_eq!(g.longest_run(&["risk", "team"]), 0);
        assert_eq!(g.longest_run(&["our", "risk", "control"]), 0, "from the first word only");
        assert_eq!(g.longest_run(&["risk"]), 0);
    }
}
