//! The demo archive end to end: loading every quirk, indexing, the query language, the CLI.

mod common;

use chatlore::archive::{self, Kind};
use chatlore::query::Query;
use chatlore::search::{Engine, Page, Sort};
use common::*;

fn engine() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let e = Engine::open(dir.path()).unwrap();
    (dir, e)
}

fn count(e: &Engine, q: &str) -> usize {
    e.search(&Query::parse(q).unwrap(), Page { limit: Some(0), ..Page::default() }).unwrap().total
}

#[test]
fn every_demo_log_loads_whatever_its_quirk() {
    let a = archive::load(&demo_archive()).unwrap();
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert_eq!(a.days.len(), 11);
    assert_eq!(a.message_count(), 138);
    let day = |p: &str| a.days.iter().find(|d| d.path == p).unwrap();
    // GB18030, BOM, CRLF and missing front matter all give their messages and dates.
    let gbk = day("crossborder/_posts/2018-01-09-chat.markdown");
    assert_eq!(gbk.messages.len(), 11);
    assert!(gbk.messages[0].text.contains("跨境收款"));
    assert_eq!(day("crossborder/_posts/2018-03-22-chat.markdown").messages[0].speaker, "Grace 王");
    let crlf = day("payprod/_posts/2017-10-12-chat.markdown");
    assert!(crlf.messages.iter().all(|m| !m.text.contains('\r')));
    assert!(crlf.messages.iter().any(|m| m.text.contains("\"先合规再发展\"")), "entities decoded");
    assert_eq!(day("payprod/_posts/2017-09-03-chat.markdown").date.to_string(), "2017-09-03");
    let groups = archive::group_names(&demo_archive());
    assert_eq!(groups["payprod"], "支付产品交流群（演示）");
}

#[test]
fn links_images_dashes_and_nested_entities() {
    let a = archive::load(&demo_archive()).unwrap();
    let all: Vec<&archive::Message> = a.days.iter().flat_map(|d| &d.messages).collect();
    let link = all.iter().find(|m| m.text.contains("网联平台接入指南")).unwrap();
    assert_eq!(link.kind, Kind::Link);
    assert_eq!(link.text, "网联平台接入指南 v1.2 各机构技术对接要点汇总");
    assert_eq!(link.urls(), vec!["https://example.com/netsunion/guide-v1.2"]);
    assert_eq!(all.iter().filter(|m| m.kind == Kind::Image).count(), 2);
    let dashes = all.iter().find(|m| m.text.contains("缓冲记账")).unwrap();
    assert!(dashes.text.contains("\n---\n"), "{}", dashes.text);
    assert!(all.iter().any(|m| m.text.starts_with("\"风控和业务背同一个指标\"")));
    assert!(all.iter().any(|m| m.text.chars().count() > 400));
}

#[test]
fn search_filters_and_sorting() {
    let (_dir, e) = engine();
    assert_eq!(count(&e, "对账"), 6);
    assert_eq!(count(&e, "断直连"), 4);
    assert_eq!(count(&e, "对账 -跨境"), 5);
    assert_eq!(count(&e, "group:crossborder"), 30);
    assert_eq!(count(&e, "group:跨境支付"), 30, "display names match too");
    assert_eq!(count(&e, "from:Kevin"), 14);
    assert_eq!(count(&e, "from:kevin 汇率"), 1);
    assert_eq!(count(&e, "org:卡友"), count(&e, "from:何一帆"));
    assert_eq!(count(&e, "kind:image"), 2);
    assert_eq!(count(&e, "kind:link"), 3);
    assert_eq!(count(&e, "date:2018-01"), 23);
    assert_eq!(count(&e, "date:2017-08-15..2017-08-16"), 40);
    assert_eq!(count(&e, "date:2018"), 62);
    assert_eq!(count(&e, "topic:reconciliation"), count(&e, "topic:对账差错"));
    assert_eq!(count(&e, "pos"), 2, "whole word, any case: POS and pos");
    assert_eq!(count(&e, "\"快捷支付\""), 2);
    assert_eq!(count(&e, "from:nobody-at-all"), 0);
    let newest = e
        .search(&Query::parse("group:risk").unwrap(), Page { limit: Some(3), offset: 0, sort: Sort::Relevance })
        .unwrap();
    assert_eq!(newest.hits[0].date.to_string(), "2018-04-14", "filter-only queries list newest first");
    let oldest =
        e.search(&Query::parse("网联").unwrap(), Page { limit: Some(1), offset: 0, sort: Sort::Oldest }).unwrap();
    assert_eq!(oldest.hits[0].date.to_string(), "2017-08-15");
}

#[test]
fn unknown_topic_names_the_known_ones() {
    let (_dir, e) = engine();
    let err = e.search(&Query::parse("topic:weather").unwrap(), Page::default()).err().unwrap().to_string();
    assert!(err.contains("unknown topic `weather`") && err.contains("routing"), "{err}");
}

#[test]
fn facets_count_the_query() {
    let (_dir, e) = engine();
    let f = e.facets(&Query::parse("对账").unwrap()).unwrap();
    assert_eq!(f.total, 6);
    assert_eq!(f.groups.values().sum::<u64>(), 6);
    assert_eq!(f.months.values().sum::<u64>(), 6);
    assert_eq!(f.topics["reconciliation"], 6);
    let all = e.facets(&Query::default()).unwrap();
    assert_eq!(all.total, 138);
    assert_eq!(all.days.len(), 11);
}

#[test]
fn cli_search_json_exit_codes_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    // A fresh clone has no index: search builds it and says so.
    let out = chatlore(&demo_archive(), &idx, &["search", "--json", "--limit", "0", "对账"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("building it"));
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 6);
    for hit in &lines {
        for key in ["path", "line", "group", "date", "time", "speaker", "text", "kind", "topics", "score"] {
            assert!(hit.get(key).is_some(), "{key} missing in {hit}");
        }
        assert!(hit["text"].as_str().unwrap().contains("对账"));
        // `line` points at the message header in the file.
        let file = std::fs::read(demo_archive().join(hit["path"].as_str().unwrap())).unwrap();
        let text = String::from_utf8_lossy(&file);
        let header = text.lines().nth(hit["line"].as_u64().unwrap() as usize - 1).unwrap();
        assert!(
            header.starts_with(&format!("> {}  {}", hit["time"].as_str().unwrap(), hit["speaker"].as_str().unwrap())),
            "{header}"
        );
    }
    let none = chatlore(&demo_archive(), &idx, &["search", "量子纠缠"]);
    assert_eq!(none.status.code(), Some(1));
    let bad = chatlore(&demo_archive(), &idx, &["search", "\"unclosed"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unclosed quote"), "{}", stderr(&bad));
    let md = chatlore(&demo_archive(), &idx, &["search", "--format", "md", "--from", "Kevin", "汇率"]);
    assert!(stdout(&md).contains("## 2018-01-09 · 跨境支付与结算群（演示） (crossborder)"), "{}", stdout(&md));
    assert!(stdout(&md).contains("**汇率**"));
    let flags = chatlore(
        &demo_archive(),
        &idx,
        &["search", "--since", "2018-01", "--until", "2018-01-31", "--limit", "0", "--json", "跨境"],
    );
    assert_eq!(stdout(&flags).lines().count(), 8);
    let human = chatlore(&demo_archive(), &idx, &["search", "断直连"]);
    assert!(stdout(&human).contains("2018-05-30 09:00:30  payprod  林知远-银信支付-产品-上海"), "{}", stdout(&human));
}

#[test]
fn cli_stats_and_topics() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let out = chatlore(&demo_archive(), dir.path(), &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"], 11);
    assert_eq!(v["messages"], 138);
    assert_eq!(v["groups"]["payprod"], 85);
    let topics = chatlore(&demo_archive(), dir.path(), &["topics"]);
    assert!(stdout(&topics).lines().any(|l| l.starts_with("reconciliation") && l.contains("对账差错")));
    assert!(stdout(&chatlore(&demo_archive(), dir.path(), &["stats"])).contains("支付产品交流群（演示）"));
}
