//! Matching in whatever words people type, on a small archive written here: folded text
//! (zero-width characters, full-width, traditional, 帐), phrases with separators, OR, the
//! glossary, and the CLI's note of what the glossary added.

mod common;

use chatlore::query::Query;
use chatlore::search::{Engine, Page};
use common::*;

fn archive() -> (tempfile::TempDir, tempfile::TempDir) {
    let arch = tempfile::tempdir().unwrap();
    let messages = [
        ("09:00:00", "甲", "网\u{200B}联的对账文件"),
        ("09:01:00", "乙", "ＰＯＳ機的結售匯怎麼做"),
        ("09:02:00", "丙", "快捷支付和快捷甲支付和快捷甲乙支付"),
        ("09:03:00", "丁", "chargeback 怎么处理"),
        ("09:04:00", "戊", "调单来了，记帐要小心"),
        ("09:05:00", "己", "快捷甲乙支付"),
    ];
    write(arch.path(), "g/_posts/2018-01-02-chat.markdown", log("2018-01-02", &messages));
    let idx = tempfile::tempdir().unwrap();
    index(arch.path(), idx.path());
    (arch, idx)
}

fn texts(engine: &Engine, q: &str) -> Vec<String> {
    let r = engine.search(&Query::parse(q).unwrap(), Page { limit: None, ..Page::default() }).unwrap();
    let mut v: Vec<String> = r.hits.into_iter().map(|h| h.text).collect();
    v.sort();
    v
}

#[test]
fn folded_forms_find_the_message_and_highlight_the_original() {
    let (_a, idx) = archive();
    let engine = Engine::open(idx.path()).unwrap();
    assert_eq!(texts(&engine, "网联"), vec!["网\u{200B}联的对账文件"]);
    assert_eq!(texts(&engine, "pos机 结售汇"), vec!["ＰＯＳ機的結售匯怎麼做"]);
    assert_eq!(texts(&engine, "=记账"), vec!["调单来了，记帐要小心"]);
    let r = engine.search(&Query::parse("pos机").unwrap(), Page::default()).unwrap();
    let h = &r.hits[0];
    let shown: Vec<&str> = h.highlights.iter().map(|r| &h.text[r.clone()]).collect();
    assert_eq!(shown, vec!["ＰＯＳ機"]);
}

#[test]
fn a_separator_in_a_phrase_matches_separators_or_none_never_words() {
    let (_a, idx) = archive();
    let engine = Engine::open(idx.path()).unwrap();
    assert_eq!(texts(&engine, "=\"快捷 支付\""), vec!["快捷支付和快捷甲支付和快捷甲乙支付"]);
    assert!(texts(&engine, "=\"快捷 乙 支付\"").is_empty());
    // Chinese punctuation outside quotes separates terms, which are ANDed.
    assert_eq!(texts(&engine, "=网联，=对账"), vec!["网\u{200B}联的对账文件"]);
}

#[test]
fn or_and_the_glossary() {
    let (_a, idx) = archive();
    let engine = Engine::open(idx.path()).unwrap();
    let both = vec!["chargeback 怎么处理".to_owned(), "调单来了，记帐要小心".to_owned()];
    assert_eq!(texts(&engine, "=chargeback OR =调单"), both);
    assert_eq!(texts(&engine, "拒付"), both);
    assert_eq!(texts(&engine, "=chargeback"), vec!["chargeback 怎么处理"]);
    // An excluded term excludes itself only.
    assert_eq!(texts(&engine, "快捷 -chargeback").len(), 2);
    assert_eq!(texts(&engine, "处理 -拒付"), vec!["chargeback 怎么处理"]);
    let expanded = engine.expand(&Query::parse("chargeback").unwrap());
    assert!(expanded.expansion_note()[0].starts_with("chargeback: also 拒付, 调单"), "{:?}", expanded.expansion_note());
    let r = engine.search(&Query::parse("chargeback").unwrap(), Page::default()).unwrap();
    // The typed form ranks first.
    assert_eq!(r.hits[0].text, "chargeback 怎么处理");
}

#[test]
fn the_cli_says_what_the_glossary_added_and_exact_turns_it_off() {
    let (arch, idx) = archive();
    let o = chatlore(arch.path(), idx.path(), &["search", "chargeback"]);
    assert!(stderr(&o).contains("chargeback: also 拒付, 调单"), "{}", stderr(&o));
    assert!(stdout(&o).contains("调单来了"));
    let o = chatlore(arch.path(), idx.path(), &["search", "--exact", "chargeback"]);
    assert!(!stderr(&o).contains("also"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("调单来了"));
    let o = chatlore(arch.path(), idx.path(), &["search", "--json", "chargeback"]);
    assert!(!stderr(&o).contains("also"));
}

#[test]
fn a_latin_word_matches_whole_even_where_jieba_cuts_it() {
    // jieba cuts Latin runs at letters beyond ASCII (`café` → `caf`, `é`); a word's scorer must
    // not add matches the recall (Latin words whole) does not have.
    let arch = tempfile::tempdir().unwrap();
    let messages = [("09:00:00", "甲", "我们在café讨论支付"), ("09:01:00", "乙", "naïve的想法和straße")];
    write(arch.path(), "g/_posts/2018-01-02-chat.markdown", log("2018-01-02", &messages));
    let idx = tempfile::tempdir().unwrap();
    index(arch.path(), idx.path());
    let engine = Engine::open(idx.path()).unwrap();
    for part in ["caf", "na", "ve", "stra", "caf 支付"] {
        assert!(texts(&engine, part).is_empty(), "{part} is only part of a word: {:?}", texts(&engine, part));
    }
    assert_eq!(texts(&engine, "café"), vec!["我们在café讨论支付"]);
    assert_eq!(texts(&engine, "naïve"), vec!["naïve的想法和straße"]);
}
