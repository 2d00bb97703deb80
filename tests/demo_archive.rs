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
    // The one GB18030 log is read, and said to be.
    let w: Vec<String> = a.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("crossborder/_posts/2018-01-09-chat.markdown: not UTF-8") && w[0].contains("GB18030"));
    assert_eq!(a.days.len(), 12);
    assert_eq!(a.message_count(), 146);
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
    // Mentions as the export wrote them, `?` for the space after one: the archive's text.
    let mentions = day("payprod/_posts/2017-12-07-chat.markdown");
    assert!(mentions.messages.iter().any(|m| m.text.starts_with("@Grace 王?两种都有")));
    assert!(mentions.messages.iter().any(|m| m.text.ends_with("要先回退吗?@老K-易结算-架构师?")));
    let (groups, warnings) = archive::group_names(&demo_archive(), false);
    assert_eq!(warnings, []);
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

/// `=` before a filter's value works for every key (README, Query language): `group:=` names
/// one group by its whole folder or display name, any case (it was an error listing the very
/// group asked for); `kind:=` and `date:=` are what they are without it.
#[test]
fn every_filter_takes_an_equals_sign_before_its_value() {
    let (_dir, e) = engine();
    for group in [
        "group:=crossborder",
        "group:=CrossBorder",
        "group:=跨境支付与结算群（演示）",
        "group:=\"跨境支付与结算群（演示）\"",
    ] {
        assert_eq!(count(&e, group), 30, "{group}");
    }
    assert_eq!(count(&e, "-group:=crossborder"), 146 - 30);
    assert_eq!(count(&e, "group:=payprod|crossborder"), count(&e, "group:payprod|crossborder"));
    for part in ["group:=cross", "group:=跨境支付"] {
        let error = e.search(&Query::parse(part).unwrap(), Page::default()).unwrap_err().to_string();
        assert!(error.contains("no group matches") && error.contains("whole folder or display name"), "{error}");
    }
    assert_eq!(count(&e, "kind:=link"), 3);
    assert_eq!(count(&e, "date:=2018"), 62);
    assert_eq!(count(&e, "date:=2017-08-15..2017-08-16"), 40);
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
    let nobody = e.search(&Query::parse("from:nobody-at-all").unwrap(), Page::default()).err().unwrap().to_string();
    assert!(nobody.contains("no speaker's nickname or name holds `nobody-at-all`"), "not 0 hits: {nobody}");
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
    assert_eq!(all.total, 146);
    assert_eq!(all.days.len(), 12);
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
    // The markdown export is grouped by day: one section a day (its messages in the order they
    // were posted), though relevance puts two days' hits between one day's (2017-08-15).
    let md = stdout(&chatlore(&demo_archive(), &idx, &["search", "--format", "md", "断直连"]));
    let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    let mut days = sections.clone();
    days.dedup();
    assert_eq!(days.len(), sections.len(), "{sections:?}");
    assert_eq!(sections.len(), 3, "{sections:?}");
    let by_relevance = chatlore(&demo_archive(), &idx, &["search", "--json", "断直连"]);
    let dates: Vec<String> = stdout(&by_relevance)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["date"].as_str().unwrap().to_owned())
        .collect();
    assert!(dates.iter().position(|d| d == "2017-08-15") < dates.iter().rposition(|d| d != "2017-08-15"), "{dates:?}");
    assert_eq!(dates.iter().filter(|d| *d == "2017-08-15").count(), 2, "{dates:?}");
    let times: Vec<&str> = md.lines().filter(|l| l.starts_with("**")).collect();
    assert!(times[0] < times[1], "{times:?}");
}

#[test]
fn a_thread_count_that_is_not_a_number_is_said_and_ignored() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    let plain = chatlore(&demo_archive(), idx.path(), &["search", "--json", "对账"]);
    // A number, however large or small, is taken (and kept to at most four threads per core).
    for (value, warned) in [("many", true), (" 2 ", false), ("1", false), ("0", false), ("10000", false), ("-1", true)]
    {
        let out = chatlore_with(
            &demo_archive(),
            idx.path(),
            &["search", "--json", "对账"],
            &[(chatlore::index::reader::THREADS_VARIABLE, value)],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), stdout(&plain));
        let said =
            stderr(&out).contains(&format!("CHATLORE_SEARCH_THREADS={value:?} is not a number of threads; ignored"));
        assert_eq!(said, warned, "{value:?}: {}", stderr(&out));
    }
}

#[test]
fn cli_stats_and_topics() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let out = chatlore(&demo_archive(), dir.path(), &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["files"], 12);
    assert_eq!(v["messages"], 146);
    assert_eq!(v["groups"]["payprod"], 93);
    let topics = chatlore(&demo_archive(), dir.path(), &["topics"]);
    assert!(stdout(&topics).lines().any(|l| l.starts_with("reconciliation") && l.contains("对账差错")));
    assert!(stdout(&chatlore(&demo_archive(), dir.path(), &["stats"])).contains("支付产品交流群（演示）"));
}

/// A copy of the demo archive in a temporary folder, with its index beside it.
fn demo_copy() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    copy_tree(&demo_archive(), &arch);
    let idx = dir.path().join("index");
    (dir, arch, idx)
}

fn json_lines(o: &std::process::Output) -> usize {
    stdout(o).lines().filter(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()).count()
}

#[test]
fn cli_query_words_may_start_with_a_hyphen_and_filters_alone_are_a_query() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    let (_e_dir, e) = engine();
    let excluded = chatlore(&demo_archive(), &idx, &["search", "对账", "-跨境", "--json", "--limit", "0"]);
    assert_eq!(excluded.status.code(), Some(0), "{}", stderr(&excluded));
    assert_eq!(json_lines(&excluded), count(&e, "对账 -跨境"));
    let not_from = chatlore(&demo_archive(), &idx, &["search", "-from:陈默", "--json", "--limit", "0"]);
    assert_eq!(not_from.status.code(), Some(0), "{}", stderr(&not_from));
    assert_eq!(json_lines(&not_from), 146 - count(&e, "from:陈默"));
    let from = chatlore(&demo_archive(), &idx, &["search", "--from", "陈默", "--json", "--limit", "0"]);
    assert_eq!(from.status.code(), Some(0), "{}", stderr(&from));
    assert_eq!(json_lines(&from), count(&e, "from:陈默"));
    // `--` still works, and flags after the query are still flags.
    let escaped = chatlore(&demo_archive(), &idx, &["search", "--json", "--", "对账", "-跨境"]);
    assert_eq!(json_lines(&escaped), count(&e, "对账 -跨境"));
    let typo = chatlore(&demo_archive(), &idx, &["search", "对账", "--limt", "3"]);
    assert_eq!(typo.status.code(), Some(2), "a misspelt flag is reported, not searched for");
    assert!(stderr(&typo).contains("--limit"), "{}", stderr(&typo));
    let global_after = chatlore(&demo_archive(), &idx, &["search", "对账", "--index", idx.to_str().unwrap(), "--json"]);
    assert_eq!(json_lines(&global_after), 6, "{}", stderr(&global_after));
    let newest = chatlore(&demo_archive(), &idx, &["search", "--sort", "newest", "--json", "网联"]);
    let oldest_first = chatlore(&demo_archive(), &idx, &["search", "--sort", "date", "--json", "网联"]);
    assert_eq!(newest.status.code(), Some(0), "{}", stderr(&newest));
    assert_eq!(stdout(&newest), stdout(&oldest_first), "newest is date");
}

#[test]
fn discussions_and_people_take_hyphen_words_as_search_does() {
    // The README gives them search's query language; `discussions 对账 -跨境` and
    // `people 对账 -跨境` were clap errors ("unexpected argument '-跨' found", exit 2).
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    let (_e_dir, e) = engine();
    let excluded = chatlore(&demo_archive(), &idx, &["discussions", "对账", "-跨境", "--json"]);
    assert_eq!(excluded.status.code(), Some(0), "{}", stderr(&excluded));
    // The same discussions and matching lines as the engine gives for the query.
    let expected = e.discussions(&Query::parse("对账 -跨境").unwrap(), None, Sort::Relevance).unwrap();
    let printed: Vec<(String, Vec<u64>)> = stdout(&excluded)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            let hits = v["hits"].as_array().unwrap().iter().map(|h| h.as_u64().unwrap()).collect();
            (v["path"].as_str().unwrap().to_owned(), hits)
        })
        .collect();
    let wanted: Vec<(String, Vec<u64>)> = expected
        .discussions
        .iter()
        .map(|d| (d.discussion.path.clone(), d.hits.iter().map(|&l| u64::from(l)).collect()))
        .collect();
    assert!(!wanted.is_empty());
    assert_eq!(printed, wanted);
    let not_from = chatlore(&demo_archive(), &idx, &["discussions", "-from:陈默", "对账", "--json"]);
    assert_eq!(not_from.status.code(), Some(0), "{}", stderr(&not_from));
    let people = chatlore(&demo_archive(), &idx, &["people", "对账", "-跨境", "--json"]);
    assert_eq!(people.status.code(), Some(0), "{}", stderr(&people));
    assert!(json_lines(&people) > 0);
    // Flags after the words are still flags, and a misspelt one is reported.
    let limited = chatlore(&demo_archive(), &idx, &["people", "-跨境", "对账", "--limit", "1", "--json"]);
    assert_eq!(json_lines(&limited), 1, "{}", stderr(&limited));
    let typo = chatlore(&demo_archive(), &idx, &["discussions", "对账", "--limt", "3"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).contains("--limit"), "{}", stderr(&typo));
}

#[test]
fn a_page_of_every_hit_says_how_many_it_shows_as_folded_copies() {
    // A message exported twice under two nicknames is one hit on a page ("also posted as"),
    // so `--limit` beyond the total printed "2 of 3 hit(s)", as if one were missing.
    let arch = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let messages = [
        ("09:00:00", "甲", "对账要按通道分开对，每个通道一份文件"),
        ("09:00:00", "甲-某支付-产品", "对账要按通道分开对，每个通道一份文件"),
        ("09:05:00", "乙", "对账文件每天早上拉取，拉不到就告警"),
    ];
    write(arch.path(), "g/_posts/2018-03-16-chat.markdown", log("2018-03-16", &messages));
    let out = chatlore(arch.path(), dir.path(), &["search", "对账", "--limit", "100"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("also posted as"), "{}", stdout(&out));
    assert!(stderr(&out).contains("2 of 3 hits (and 1 exact copy under another nickname"), "{}", stderr(&out));
    let all = chatlore(arch.path(), dir.path(), &["search", "对账", "--limit", "0"]);
    assert!(stderr(&all).contains("3 of 3 hits,"), "a full listing folds nothing: {}", stderr(&all));
    let md = chatlore(arch.path(), dir.path(), &["search", "对账", "--format", "md"]);
    assert!(stdout(&md).contains("2 of 3 hits (and 1 exact copy"), "{}", stdout(&md));
}

#[test]
fn cli_misspelt_filters_unknown_groups_and_empty_queries_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    let form = chatlore(&demo_archive(), &idx, &["search", "form:陈默"]);
    assert_eq!(form.status.code(), Some(2));
    assert!(stderr(&form).contains("did you mean `from:`?"), "{}", stderr(&form));
    let negated = chatlore(&demo_archive(), &idx, &["search", "对账", "-gruop:risk"]);
    assert!(stderr(&negated).contains("did you mean `group:`?"), "{}", stderr(&negated));
    // A group by its display name, brackets and all, as stats and the browser show it.
    let by_name = chatlore(&demo_archive(), &idx, &["search", "--json", "group:支付产品交流群（演示）", "对账"]);
    let by_folder = chatlore(&demo_archive(), &idx, &["search", "--json", "group:payprod", "对账"]);
    assert_eq!(by_name.status.code(), Some(0), "{}", stderr(&by_name));
    assert_eq!(stdout(&by_name), stdout(&by_folder));
    let group = chatlore(&demo_archive(), &idx, &["search", "group:nosuchgroup"]);
    assert_eq!(group.status.code(), Some(2));
    for g in ["payprod", "crossborder", "risk"] {
        assert!(stderr(&group).contains(g), "{}", stderr(&group));
    }
    // Words with a colon that are no filter's key stay text to search for.
    let url = chatlore(&demo_archive(), &idx, &["search", "https://example.com/netsunion/guide-v1.2"]);
    assert_ne!(url.status.code(), Some(2), "{}", stderr(&url));
    let quoted = chatlore(&demo_archive(), &idx, &["search", "\"form:陈默\""]);
    assert_eq!(quoted.status.code(), Some(1), "{}", stderr(&quoted));
    // A question pasted whole is searched, whatever `word:` it holds (`note:` is near `date:`).
    for question in [
        &["search", "note:", "对账文件怎么下载"][..],
        &["search", "请问", "data:怎么传"],
        &["discussions", "Date:", "对账怎么做？"],
    ] {
        let out = chatlore(&demo_archive(), &idx, question);
        assert_ne!(out.status.code(), Some(2), "{question:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("bad query"), "{question:?}: {}", stderr(&out));
    }
    for empty in [&["search", ""][..], &["search", "\"\""], &["search"]] {
        let out = chatlore(&demo_archive(), &idx, empty);
        assert_eq!(out.status.code(), Some(2), "{empty:?}");
        assert!(stderr(&out).contains("nothing to search for"), "{}", stderr(&out));
    }
    // An empty phrase beside a real term is ignored.
    let with_empty = chatlore(&demo_archive(), &idx, &["search", "--json", "对账", "\"\""]);
    assert_eq!(json_lines(&with_empty), 6);
    // A bad date flag is named with the value given, not as the range the two flags make.
    for (flag, value) in [("--since", "2018-13"), ("--until", "2018-02-30")] {
        let out = chatlore(&demo_archive(), &idx, &["search", "对账", flag, value]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(&format!("bad {flag} `{value}`: not a date")), "{}", stderr(&out));
        // What the flag takes, not what `date:` takes (the flag takes no range).
        assert!(stderr(&out).contains("give YYYY, YYYY-MM or YYYY-MM-DD"), "{}", stderr(&out));
        assert!(!stderr(&out).contains(".."), "{}", stderr(&out));
    }
    let out = chatlore(&demo_archive(), &idx, &["search", "对账", "--since", "2017-08..2017-09"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad --since `2017-08..2017-09`: not a date"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--until for the other end of a range"), "{}", stderr(&out));
}

/// `discussions` and `people` list everything without a query, but a query given that holds
/// no words or filters (`""`, a script's empty variable, white space) is refused as
/// `search ""` is: it listed every discussion, exit 0.
#[test]
fn discussions_and_people_refuse_a_query_given_that_holds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    for command in ["discussions", "people"] {
        for empty in ["", "\"\"", " "] {
            let out = chatlore(&demo_archive(), &idx, &[command, empty]);
            assert_eq!(out.status.code(), Some(2), "{command} {empty:?}: {}", stdout(&out));
            assert!(stdout(&out).is_empty(), "{command} {empty:?}: {}", stdout(&out));
            let err = stderr(&out);
            assert!(err.contains("nothing to search for") && err.contains(&format!("chatlore {command} ")), "{err}");
        }
        let all = chatlore(&demo_archive(), &idx, &[command]);
        assert_eq!(all.status.code(), Some(0), "{command} without a query lists: {}", stderr(&all));
        let with_filter = chatlore(&demo_archive(), &idx, &[command, "\"\"", "group:payprod"]);
        assert_eq!(with_filter.status.code(), Some(0), "{command}: {}", stderr(&with_filter));
    }
    let all = chatlore(&demo_archive(), &idx, &["discussions", "--json"]);
    assert_eq!(stdout(&all).lines().count(), 18);
}

#[test]
fn cli_huge_limits_are_capped_and_a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    for limit in ["999999999", "18446744073709551615"] {
        let out = chatlore(&demo_archive(), &idx, &["search", "--json", "--limit", limit, "对账"]);
        assert_eq!(out.status.code(), Some(0), "--limit {limit}: {}", stderr(&out));
        assert_eq!(json_lines(&out), 6);
    }
    // A negative limit is a bad value of --limit, not clap's "use `-- -1`" tip, which would
    // make it an exclusion.
    for command in ["search", "discussions", "people"] {
        let out = chatlore(&demo_archive(), &idx, &[command, "对账", "--limit", "-1"]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(stderr(&out).contains("invalid value '-1' for '--limit"), "{command}: {}", stderr(&out));
        assert!(!stderr(&out).contains("-- -1"), "{command}: {}", stderr(&out));
    }
    // The reader is gone before the first write (`| head -1` that already has its line), for
    // human output and for JSON (whose error hides the io error from `source`).
    for format in [&[][..], &["--json"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
            .arg("--archive")
            .arg(demo_archive())
            .arg("--index")
            .arg(&idx)
            .args(["search", "--limit", "0", "kind:text"])
            .args(format)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format:?}: {}", stderr(&out));
        assert!(!stderr(&out).to_lowercase().contains("broken pipe"), "{format:?}: {}", stderr(&out));
    }
    // Stderr's reader gone too (`2>&1 | head -1`): the summary, the reason nothing matched and
    // an error are lost, the exit status is not. `eprintln!` panicked on the closed pipe and
    // the panic hook's own `eprintln!` again: the process aborted (status 134, or a signal).
    for (args, code) in [
        (&["search", "对账"][..], 0),
        (&["search", "对账", "date:2030"], 1),
        (&["discussions", "nosuchword"], 1),
        (&["people", "对账"], 0),
        (&["people", "nosuchword"], 1),
        (&["search", "form:陈默"], 2),
        (&["stats"], 0),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
            .arg("--archive")
            .arg(demo_archive())
            .arg("--index")
            .arg(&idx)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}: {status:?}");
    }
}

/// Output that cannot be written (a full disk: `/dev/full`) is an error, exit 2, for every
/// command that prints: `stats` and `topics` wrote into a buffer whose failure on being
/// dropped went unseen, so `stats --json > stats.json` on a full disk left an empty file
/// and exited 0.
#[test]
fn cli_output_that_cannot_be_written_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("index");
    index(&demo_archive(), &idx);
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    for args in [
        &["stats"][..],
        &["stats", "--json"],
        &["topics"],
        &["topics", "--json"],
        &["search", "对账"],
        &["search", "--json", "对账"],
        &["discussions", "对账"],
        &["people"],
        &["people", "对账"],
        &["export"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
            .arg("--archive")
            .arg(demo_archive())
            .arg("--index")
            .arg(&idx)
            .args(args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("No space left on device"), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn cli_terminal_output_escapes_control_and_bidi_characters_and_json_stays_exact() {
    let (_dir, arch, idx) = demo_copy();
    let evil = "清屏\x1b[2J标题\x1b]0;pwned\x07剪贴板\x1b]52;c;ZXZpbA==\x07反向\u{202e}txt.exe";
    write(
        &arch,
        "payprod/_posts/2019-01-01-chat.markdown",
        log("2019-01-01", &[("23:59:60", "坏人\u{202e}\x1b[31m", evil)]),
    );
    for format in ["human", "md"] {
        let out = chatlore(&arch, &idx, &["search", "--format", format, "--color", "never", "清屏"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'), "{format}: {text:?}");
        assert!(text.contains("\\u{1b}") && text.contains("\\u{202e}"), "{format}: {text}");
        assert!(text.contains("23:59:60"), "a leap second keeps its label: {text}");
    }
    let json = chatlore(&arch, &idx, &["search", "--json", "清屏"]);
    let hit: serde_json::Value = serde_json::from_str(stdout(&json).lines().next().unwrap()).unwrap();
    assert!(hit["text"].as_str().unwrap().contains("\x1b]52;c;ZXZpbA==\x07"), "{hit}");
    assert_eq!(hit["speaker"], "坏人\u{202e}\x1b[31m");
    assert_eq!(hit["time"], "23:59:60");
}

/// A group folder's name, and its display name, are the archive's text too: every human output
/// that shows them (the discussions list included) escapes them; JSON keeps them as they are.
#[test]
fn a_group_folder_named_with_escapes_is_escaped_in_every_human_output() {
    let (_dir, arch, idx) = demo_copy();
    let group = "组\x1b]0;pwned\x07\x1b[2J";
    let mut day =
        log("2019-01-01", &[("09:00:00", "甲", "清屏 有人知道吗"), ("09:01:00", "乙", "清屏 知道")]).into_bytes();
    day.extend_from_slice(b"\xff\n");
    write(&arch, &format!("{group}/_posts/2019-01-01-chat.markdown"), day);
    write(&arch, &format!("{group}/index.html"), "---\nauthor: 群\x1b]0;t\x07名\n---\n");
    let commands: [&[&str]; 9] = [
        &["index"],
        &["search", "--color", "never", "清屏"],
        &["search", "--format", "md", "清屏"],
        &["stats"],
        &["people"],
        &["people", "清屏"],
        &["discussions"],
        &["discussions", "清屏"],
        &["topics"],
    ];
    for args in commands {
        let out = chatlore(&arch, &idx, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let shown = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!shown.contains('\x1b') && !shown.contains('\x07'), "{args:?}: {shown:?}");
    }
    let json = chatlore(&arch, &idx, &["discussions", "--json", "清屏"]);
    let first: serde_json::Value = serde_json::from_str(stdout(&json).lines().next().unwrap()).unwrap();
    assert_eq!(first["group"], group, "{first}");
    // The MCP server's notes on stderr (its warnings name files), read by whoever started it
    // by hand in a terminal; standard input closed, it stops at once.
    let mcp = chatlore(&arch, &idx, &["mcp"]);
    let notes = stderr(&mcp);
    assert!(notes.contains("invalid UTF-8") && notes.contains("\\u{1b}]0;pwned"), "{notes}");
    assert!(!notes.contains('\x1b') && !notes.contains('\x07'), "{notes:?}");
}

#[test]
fn an_archive_folder_at_the_wrong_level_is_refused_naming_the_one_that_fits() {
    let (dir, arch, _) = demo_copy();
    write(dir.path(), "eval/README.md", "# not a log\n");
    let idx = dir.path().join("new-index");
    let too_high = chatlore(dir.path(), &idx, &["index"]);
    assert_eq!(too_high.status.code(), Some(2));
    let says = stderr(&too_high);
    assert!(says.contains(&format!("--archive {}", arch.display())) && says.contains("<group>/_posts/"), "{says}");
    let too_low = chatlore(&arch.join("payprod"), &idx, &["search", "对账"]);
    assert_eq!(too_low.status.code(), Some(2));
    assert!(stderr(&too_low).contains(&format!("--archive {}", arch.display())), "{}", stderr(&too_low));
    let posts = chatlore(&arch.join("payprod/_posts"), &idx, &["index"]);
    assert!(stderr(&posts).contains(&format!("--archive {}", arch.display())), "{}", stderr(&posts));
    assert!(!idx.exists(), "a refused start creates no index folder");
    // The browser blames the archive too (before it looks for a terminal).
    let browse = chatlore(dir.path(), &idx, &["browse"]);
    assert!(stderr(&browse).contains(&format!("--archive {}", arch.display())), "{}", stderr(&browse));
    let empty = tempfile::tempdir().unwrap();
    let none = chatlore(empty.path(), &idx, &["index"]);
    assert_eq!(none.status.code(), Some(0), "{}", stderr(&none));
    assert!(stderr(&none).contains("no chat logs") && stderr(&none).contains("<group>/_posts/"), "{}", stderr(&none));
}

#[test]
fn run_from_another_folder_the_error_says_how_to_give_the_archive_and_creates_nothing() {
    let cwd = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .args(["search", "对账"])
        .current_dir(cwd.path())
        .env_remove("CHATLORE_ARCHIVE")
        .env_remove("CHATLORE_INDEX")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let says = stderr(&out);
    assert!(says.contains("--archive") && says.contains("CHATLORE_ARCHIVE"), "{says}");
    let cause = std::io::Error::from(std::io::ErrorKind::NotFound);
    let os = std::fs::metadata(cwd.path().join("archive")).err().map_or(cause.to_string(), |e| e.to_string());
    assert_eq!(says.matches(&os).count(), 1, "the OS cause once: {says}");
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0, "nothing created");
}

#[test]
fn the_browser_without_a_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = chatlore(&demo_archive(), &dir.path().join("index"), &["browse"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs a terminal"), "{}", stderr(&out));
}

#[test]
fn files_that_are_not_logs_are_not_counted_as_logs() {
    let (_dir, arch, idx) = demo_copy();
    write(&arch, "payprod/_posts/notes.md", "just notes, no date\n");
    let indexed = chatlore(&arch, &idx, &["index"]);
    assert!(stdout(&indexed).contains("; 12 logs, 146 messages"), "{}", stdout(&indexed));
    assert!(stderr(&indexed).contains("notes.md"), "the skipped file is a warning: {}", stderr(&indexed));
    let stats = chatlore(&arch, &idx, &["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&stats)).unwrap();
    assert_eq!(v["files"], 12);
    let exported = chatlore(&arch, &idx, &["export"]);
    assert!(stderr(&exported).contains("exported 146 messages of 12 logs"), "{}", stderr(&exported));
}

#[test]
fn index_rebuild_says_why_once() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let out = chatlore(&demo_archive(), dir.path(), &["index", "--rebuild"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(all.matches("--rebuild was asked for").count(), 1, "{all}");
}

#[test]
fn the_topics_table_is_aligned_in_terminal_columns() {
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let out = stdout(&chatlore(&demo_archive(), dir.path(), &["topics"]));
    let json = stdout(&chatlore(&demo_archive(), dir.path(), &["topics", "--json"]));
    let topics: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let column = |field: &str| -> Vec<usize> {
        out.lines()
            .zip(&topics)
            .map(|(line, t)| {
                let at = line.find(t[field].as_str().unwrap()).unwrap();
                line[..at].width()
            })
            .collect()
    };
    for field in ["zh", "en"] {
        let starts = column(field);
        assert!(starts.windows(2).all(|w| w[0] == w[1]), "{field} starts at {starts:?}:\n{out}");
    }
}

/// `--color auto` colours the matches on a terminal unless `NO_COLOR` is set; `always` and
/// `never` force it (README, Command line). A pipe is no terminal; a terminal is a
/// pseudo-terminal made by util-linux `script`, skipped with a notice where there is none.
#[test]
fn matches_are_coloured_on_a_terminal_unless_no_color_and_always_or_never_force_it() {
    const MATCH: &str = "\x1b[1;31m对账\x1b[0m";
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"));
        cmd.arg("--archive").arg(demo_archive()).arg("--index").arg(dir.path()).args(args);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let always = run(&["search", "--color", "always", "对账"], true);
    assert!(always.contains(MATCH), "always colours, NO_COLOR or not: {always}");
    let never = run(&["search", "--color", "never", "对账"], false);
    assert!(never.contains("对账") && !never.contains('\x1b'), "{never}");
    let piped = run(&["search", "对账"], false);
    assert!(piped.contains("对账") && !piped.contains('\x1b'), "auto is plain into a pipe: {piped}");
    assert_eq!(piped, never);

    // On a terminal.
    let script_works = std::process::Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !script_works {
        assert!(!require_shared(), "util-linux `script` is needed for a pseudo-terminal (CHATLORE_REQUIRE_SHARED=1)");
        println!("skipping: util-linux `script` not found");
        return;
    }
    let on_terminal = |no_color: bool| {
        let line = format!(
            "'{}' --archive '{}' --index '{}' search 对账",
            env!("CARGO_BIN_EXE_chatlore"),
            demo_archive().display(),
            dir.path().display()
        );
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let tty = on_terminal(false);
    assert!(tty.contains(MATCH), "auto colours on a terminal: {tty}");
    let tty_no_color = on_terminal(true);
    assert!(tty_no_color.contains("对账") && !tty_no_color.contains(MATCH), "NO_COLOR turns it off: {tty_no_color}");
}

/// `discussions --sort`: without words the order is by date, oldest first; `--sort date` (or
/// `newest`) is newest first and `oldest` oldest first, with words too; relevance is the default
/// with words (README, Discussions: how search finds them; Command line).
#[test]
fn discussions_sort_by_date_either_way_and_by_relevance_with_words() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let starts = |args: &[&str]| -> Vec<(String, String)> {
        let out = chatlore(&demo_archive(), dir.path(), &[&["discussions", "--json", "--limit", "0"], args].concat());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["date"].as_str().unwrap().to_owned(), v["start_time"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    let sorted = |mut v: Vec<(String, String)>, newest: bool| {
        v.sort();
        if newest {
            v.reverse();
        }
        v
    };
    let all = starts(&[]);
    assert!(all.len() > 10 && all.first() != all.last(), "{all:?}");
    assert_eq!(all, sorted(all.clone(), false), "without words: oldest first");
    let newest = starts(&["--sort", "date"]);
    assert_eq!(newest, sorted(all.clone(), true), "--sort date: newest first");
    assert_eq!(starts(&["--sort", "newest"]), newest);
    assert_eq!(starts(&["--sort", "oldest"]), all);

    let ranked = starts(&["对账"]);
    assert!(ranked.len() > 2, "{ranked:?}");
    let by_date = starts(&["对账", "--sort", "date"]);
    let oldest = starts(&["对账", "--sort", "oldest"]);
    assert_eq!(by_date, sorted(ranked.clone(), true), "with words, --sort date: newest first");
    assert_eq!(oldest, sorted(ranked.clone(), false), "with words, --sort oldest: oldest first");
    assert_ne!(ranked, oldest, "with words the default is relevance, not date");
    assert_ne!(ranked, by_date);
}

/// `stats` and `topics` build the index first when there is none, and `stats` gives files,
/// messages, per group, per month, per topic, top people and companies (README, Command line).
#[test]
fn stats_and_topics_build_a_missing_index_and_stats_counts_every_part() {
    let fresh = tempfile::tempdir().unwrap();
    let idx = fresh.path().join("index");
    let out = chatlore(&demo_archive(), &idx, &["topics", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let topics: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(topics.len(), 14);
    assert!(topics.iter().all(|t| t["messages"].as_u64().is_some()));
    assert!(topics.iter().any(|t| t["id"] == "reconciliation" && t["messages"].as_u64() > Some(0)), "{topics:?}");

    let idx = fresh.path().join("another");
    let out = chatlore(&demo_archive(), &idx, &["stats", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!((v["files"].as_u64(), v["messages"].as_u64()), (Some(12), Some(146)), "{v}");
    let sum = |field: &str| -> u64 { v[field].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum() };
    assert_eq!(sum("groups"), 146);
    assert_eq!(sum("months"), 146);
    assert!(v["months"].as_object().unwrap().contains_key("2017-08"), "{}", v["months"]);
    assert!(
        v["topics"].as_object().unwrap().get("reconciliation").is_some_and(|n| n.as_u64() > Some(0)),
        "{}",
        v["topics"]
    );
    assert!(!v["top_people"].as_array().unwrap().is_empty(), "{}", v["top_people"]);
    assert!(!v["top_companies"].as_array().unwrap().is_empty(), "{}", v["top_companies"]);
    let human = stdout(&chatlore(&demo_archive(), &idx, &["stats"]));
    for part in ["12 logs, 146 messages", "groups:", "months:", "topics:", "top people", "top companies:"] {
        assert!(human.contains(part), "{part}:\n{human}");
    }
}

/// A flag narrows whatever the query says, filters of its own key included (README, Command
/// line): `date:2017-08 --since 2018-01` finds nothing (the flag was ORed with the query's
/// `date:`, and found more than either), and a flag's own values are still ORed.
#[test]
fn a_flag_narrows_the_query_even_on_a_key_the_query_filters() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let run =
        |args: &[&str]| chatlore(&demo_archive(), dir.path(), &[&["search", "--json", "--limit", "0"], args].concat());
    let json = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    let lines = |args: &[&str]| json(args).lines().map(str::to_owned).collect::<std::collections::BTreeSet<_>>();
    for (flagged, same) in [
        (&["date:2017..2018", "--since", "2018-01"][..], "date:2018"),
        (&["date:2017-08..2018-01", "--until", "2017-09"], "date:2017-08..2017-09"),
        (&["date:2017-08|2018-03", "--since", "2017-09", "--until", "2018-04"], "date:2018-03"),
        (&["group:payprod|crossborder", "--group", "crossborder"], "group:crossborder"),
        (&["group:payprod", "--group", "payprod", "--group", "crossborder"], "group:payprod"),
        (&["--group", "payprod", "--group", "crossborder"], "group:payprod|crossborder"),
    ] {
        let found = json(flagged);
        assert!(!found.is_empty(), "{flagged:?} finds something");
        assert_eq!(found, json(&[same]), "{flagged:?} is {same}");
    }
    for nothing in [
        &["date:2017-08", "--since", "2018-01"][..],
        &["date:2018", "--until", "2017-12"],
        &["group:payprod", "--group", "crossborder"],
    ] {
        let out = run(nothing);
        assert_eq!(out.status.code(), Some(1), "{nothing:?}: {}", stdout(&out));
        assert!(stdout(&out).is_empty(), "{nothing:?}");
        assert!(stderr(&out).contains("no message matches all of"), "{nothing:?}: {}", stderr(&out));
    }
    // Topics and speakers: within what the flag alone finds and what the query alone finds.
    for (query, flag) in [(["topic:routing"], ["--topic", "cross-border"]), (["from:陈默"], ["--from", "Kevin"])] {
        let (both, alone, flagged) = (lines(&[&query[..], &flag[..]].concat()), lines(&query), lines(&flag));
        assert!(both.is_subset(&alone) && both.is_subset(&flagged), "{query:?} {flag:?}");
        assert!(both.len() < alone.len().max(flagged.len()), "{query:?} {flag:?} narrows");
    }
    // A question pasted whole stays a question under a flag, which narrows what it finds: it
    // was searched word for word (`对账文件怎么获取和解析？ --since 2018` found nothing).
    let hits = |args: &[&str]| -> Vec<(String, u64, String)> {
        json(args)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["path"].as_str().unwrap().to_owned(),
                    v["line"].as_u64().unwrap(),
                    v["date"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let question = "对账文件一般怎么获取和解析？";
    let all = hits(&[question]);
    let since: Vec<_> = all.iter().filter(|h| h.2.as_str() >= "2018-01-01").cloned().collect();
    assert!(!since.is_empty() && since.len() < all.len(), "{all:?}");
    let flagged = hits(&[question, "--since", "2018-01"]);
    assert_eq!(
        flagged.iter().collect::<std::collections::BTreeSet<_>>(),
        since.iter().collect::<std::collections::BTreeSet<_>>(),
        "the question's own hits, those since 2018"
    );
    // A filter typed in the text is an operator: the words are searched as typed.
    assert!(hits(&[question, "date:2018.."]).len() < since.len());
}

/// The flags `--from --since --until --topic --group` add the same filters as the query
/// language; `--format json` is `--json`; every hit has its `urls` (README, Command line).
#[test]
fn search_flags_are_the_query_languages_filters_and_json_lists_urls() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let json = |args: &[&str]| {
        let out = chatlore(&demo_archive(), dir.path(), &[&["search", "--json", "--limit", "0"], args].concat());
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    for (flags, query) in [
        (&["--topic", "cross-border"][..], "topic:cross-border"),
        (&["--group", "payprod"], "group:payprod"),
        (&["--from", "陈默"], "from:陈默"),
        (&["--since", "2018-01"], "date:2018-01.."),
        (&["--until", "2017-09"], "date:..2017-09"),
        (
            &["--topic", "routing", "--group", "payprod", "--since", "2017-08-16", "--until", "2018-01"],
            "topic:routing group:payprod date:2017-08-16..2018-01-31",
        ),
    ] {
        let by_flags = json(flags);
        assert!(!by_flags.is_empty(), "{flags:?} finds something");
        assert_eq!(by_flags, json(&[query]), "{flags:?} is {query}");
        assert_ne!(by_flags.lines().count(), 146, "{flags:?} filters");
    }
    let format_json =
        stdout(&chatlore(&demo_archive(), dir.path(), &["search", "--format", "json", "--limit", "0", "对账"]));
    assert_eq!(format_json, json(&["对账"]), "--format json is --json");
    let links: Vec<serde_json::Value> =
        json(&["kind:link"]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!links.is_empty());
    for hit in &links {
        let urls = hit["urls"].as_array().unwrap_or_else(|| panic!("no urls in {hit}"));
        assert!(!urls.is_empty() && urls.iter().all(|u| u.as_str().unwrap().starts_with("http")), "{hit}");
    }
    let plain: serde_json::Value = serde_json::from_str(json(&["kind:text"]).lines().next().unwrap()).unwrap();
    assert_eq!(plain["urls"], serde_json::json!([]), "{plain}");
}

/// `--archive` defaults to `./archive` and `--index` to `./index`, or `CHATLORE_ARCHIVE` and
/// `CHATLORE_INDEX` where set (README, Command line; Searching your own archive).
#[test]
fn the_archive_and_index_default_to_the_current_folder_or_the_environment() {
    let run = |cwd: &std::path::Path, env: &[(&str, &std::path::Path)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"));
        cmd.args(["search", "--json", "--limit", "0", "对账"])
            .current_dir(cwd)
            .env_remove("CHATLORE_ARCHIVE")
            .env_remove("CHATLORE_INDEX");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out).lines().count()
    };
    let here = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), &here.path().join("archive"));
    assert_eq!(run(here.path(), &[]), 6);
    assert!(here.path().join("index/chatlore-meta.json").is_file(), "./index was built");

    let elsewhere = tempfile::tempdir().unwrap();
    let index = elsewhere.path().join("their-index");
    assert_eq!(run(elsewhere.path(), &[("CHATLORE_ARCHIVE", &demo_archive()), ("CHATLORE_INDEX", &index)]), 6);
    assert!(index.join("chatlore-meta.json").is_file(), "CHATLORE_INDEX was built");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 1, "nothing else: no ./index");
}

/// The Markdown notes file shows every message as written: a message's own `**`, `_`, `<b>`,
/// `&amp;`, `[link](…)`, a line starting `- ` or `1. ` or four spaces, a `# ` heading or a
/// `===` underline is text, not formatting, and the only bold in a quote is the matched terms.
#[test]
fn markdown_notes_show_messages_as_written() {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let (_dir, arch, idx) = demo_copy();
    let tricky = [
        "对账**别**按_汇总_对，<b>分开</b> &amp; [看](http://x) `code` a|b ~~删~~ \\n !",
        "对账清单：\n- 第一步\n1. 第二步\n    缩进四格\n# 不是标题\n===",
    ];
    let messages: Vec<(&str, &str, &str)> =
        tricky.iter().enumerate().map(|(i, t)| (["10:00:00", "10:01:00"][i], "甲*乙_丙", *t)).collect();
    write(&arch, "payprod/_posts/2019-02-01-chat.markdown", log("2019-02-01", &messages));
    let json = chatlore(&arch, &idx, &["search", "--json", "date:2019-02-01", "对账"]);
    let texts: Vec<String> = stdout(&json)
        .lines()
        .map(|l| {
            // A quote shows the text, then its links.
            let hit: serde_json::Value = serde_json::from_str(l).unwrap();
            let urls = hit["urls"].as_array().unwrap().iter().map(|u| u.as_str().unwrap().to_owned());
            std::iter::once(hit["text"].as_str().unwrap().to_owned()).chain(urls).collect::<String>()
        })
        .collect();
    assert_eq!(texts.len(), 2, "{}", stdout(&json));
    let md = chatlore(&arch, &idx, &["search", "--format", "md", "date:2019-02-01", "对账"]);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let md = stdout(&md);
    // Each quote's text, and what is bold inside quotes and in the speaker lines.
    let (mut quotes, mut bold_in_quotes, mut speakers) = (Vec::new(), Vec::new(), Vec::new());
    let (mut depth, mut strong, mut code_blocks, mut lists, mut headings) = (0, false, 0, 0, 0);
    let (mut current, mut in_bold) = (String::new(), String::new());
    for event in Parser::new(&md) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => {
                depth -= 1;
                quotes.push(std::mem::take(&mut current));
            }
            Event::Start(Tag::Strong) => strong = true,
            Event::End(TagEnd::Strong) => {
                strong = false;
                let bold = std::mem::take(&mut in_bold);
                if depth > 0 {
                    bold_in_quotes.push(bold)
                } else {
                    speakers.push(bold)
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code_blocks += 1,
            Event::Start(Tag::List(_)) => lists += 1,
            Event::Start(Tag::Heading { .. }) if depth > 0 => headings += 1,
            Event::Text(t) | Event::Code(t) => {
                if depth > 0 {
                    current.push_str(&t);
                }
                if strong {
                    in_bold.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if depth > 0 => current.push('\n'),
            Event::Html(t) | Event::InlineHtml(t) => panic!("raw HTML in the notes: {t}\n{md}"),
            _ => {}
        }
    }
    assert_eq!((code_blocks, lists, headings), (0, 0, 0), "{md}");
    assert!(bold_in_quotes.iter().all(|b| b == "对账"), "{bold_in_quotes:?}\n{md}");
    assert_eq!(bold_in_quotes.len(), 2, "{md}");
    assert!(speakers.iter().all(|s| s.ends_with("甲*乙_丙")), "{speakers:?}\n{md}");
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let mut shown: Vec<String> = quotes.iter().map(|q| squash(q)).collect();
    let mut want: Vec<String> = texts.iter().map(|t| squash(t)).collect();
    shown.sort();
    want.sort();
    assert_eq!(shown, want, "{md}");
}

/// A query that finds nothing says why, in the same words everywhere: the word no message
/// holds, words never together, or the filter that leaves none of what the words find. The
/// CLI's `search`, `discussions` and `people` said only `0 of 0 hits` (`0 of 0 people, …`).
#[test]
fn a_query_finding_nothing_says_why_in_the_cli_and_the_browser() {
    use chatlore::no_hits::explain;
    let (dir, e) = engine();
    let why = |q: &str| explain(&e, &Query::parse(q).unwrap(), None).unwrap();
    assert_eq!(why("对账"), None, "it finds some");
    assert_eq!(why("nosuchword").as_deref(), Some("no message contains nosuchword"));
    assert_eq!(why("对账 qqzz xxyy").as_deref(), Some("no message contains qqzz nor xxyy"));
    let n = count(&e, "对账");
    // Filters are shown as typed (`date:2030` was `date:2030-01-01..2030-12-31`).
    let year = "date:2030";
    assert_eq!(
        why("对账 date:2030").as_deref(),
        Some(format!("of the {n} messages `对账` finds, none matches {year}").as_str())
    );
    assert_eq!(why("date:2030"), Some(format!("no message matches {year}")));
    let n = count(&e, "group:payprod");
    assert_eq!(
        why("group:payprod date:2030"),
        Some(format!("of the {n} messages `group:payprod` finds, none matches {year}"))
    );
    assert!(count(&e, "对账") > 0 && count(&e, "留学") > 0 && count(&e, "对账 留学") == 0);
    assert_eq!(
        why("对账 留学").as_deref(),
        Some("no message contains both 对账 留学 (each occurs, never in one message)")
    );
    // An exclusion is named as a filter is.
    let all = count(&e, "对账 date:2017..2018");
    assert!(all > 0);
    assert_eq!(
        why("date:2017..2018 -对账 对账"),
        Some(format!("of the {all} messages `对账 date:2017..2018` finds, none matches -对账"))
    );
    let n = count(&e, "对账");
    for (q, culprit) in [
        ("对账 -date:2017..2018", "-date:2017..2018"),
        ("对账 date:..2016-06", "date:..2016-06"),
        ("对账 date:2030-03..", "date:2030-03.."),
        ("对账 date:2030-03-05", "date:2030-03-05"),
        ("对账 date:2016-08-16..2016-09", "date:2016-08-16..2016-09"),
        // Values of one field are ORed: left out together, shown together (each left out
        // alone, the other still found none, and the text said that leaving out either
        // still finds none).
        ("对账 date:2030 date:2031", "date:2030 date:2031"),
        ("对账 date:2030|2031", "date:2030 date:2031"),
    ] {
        assert_eq!(why(q), Some(format!("of the {n} messages `对账` finds, none matches {culprit}")), "{q}");
    }
    let n = count(&e, "对账 from:陈默 from:Kevin -from:老K");
    assert!(n > 0);
    let n = chatlore::plural::count(n, "message", "messages");
    assert_eq!(
        why("对账 from:陈默 from:Kevin -from:老K date:2030"),
        Some(format!("of the {n} `对账 from:陈默 from:Kevin -from:老K` finds, none matches {year}"))
    );
    // The CLI says it on stderr under the summary, for each of its three searches.
    for (cmd, q, said) in [
        ("search", "nosuchword", "no message contains nosuchword"),
        ("discussions", "nosuchword", "no message contains nosuchword"),
        ("people", "nosuchword", "no message contains nosuchword"),
        ("search", "对账 date:2030", "messages `对账` finds, none matches date:2030\n"),
        ("people", "date:2030", "no message matches date:2030\n"),
        // A discussion matches when its messages hold the words between them: what it lacks
        // is one discussion holding both (it said "never in one message").
        ("discussions", "网联 留学", "no discussion holds both 网联 留学 (each occurs, never in one discussion)\n"),
        ("search", "对账 留学", "no message contains both 对账 留学 (each occurs, never in one message)\n"),
        // One discussion holds both, in two messages: it is the filter that leaves none (it
        // said that leaving out any one of them still finds none).
        ("discussions", "对账 留学 date:2030", "of the 1 discussion `对账 留学` finds, none matches date:2030\n"),
    ] {
        let out = chatlore(&demo_archive(), dir.path(), &[cmd, q]);
        assert_eq!(out.status.code(), Some(1), "{cmd} {q}");
        assert!(stderr(&out).contains(said), "{cmd} {q}: {}", stderr(&out));
    }
    // The browser's results pane says the same.
    let mut app = tui::TestApp::new(&demo_archive(), dir.path(), (120, 30));
    app.start();
    app.take_effects();
    for c in "对账 date:2030".chars() {
        app.update(chatlore::tui::action::Action::Input(c));
    }
    assert_eq!(app.results.total, 0);
    assert_eq!(app.results.why_none, why("对账 date:2030"));
}

/// `--json` and `--format` say the same thing two ways: given together they are refused, as
/// clap refuses conflicting flags (`--format md --json` wrote JSON, silently).
#[test]
fn json_and_format_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    for format in ["md", "human", "json"] {
        let out = chatlore(&demo_archive(), dir.path(), &["search", "--format", format, "--json", "对账"]);
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stdout(&out));
        assert!(stdout(&out).is_empty(), "{format}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("cannot be used with") && err.contains("'--json'") && err.contains("'--format"), "{err}");
    }
    let out = chatlore(&demo_archive(), dir.path(), &["search", "--json", "对账"]);
    assert_eq!((out.status.code(), json_lines(&out)), (Some(0), 6));
}

/// `CHATLORE_ARCHIVE=` and `CHATLORE_INDEX=` (set, but empty) are as if unset: the defaults,
/// not clap's "a value is required for '--archive'" about a flag nobody gave.
#[test]
fn an_empty_environment_variable_is_taken_as_unset() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&demo_archive(), &dir.path().join("archive"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .args(["search", "--json", "对账"])
        .current_dir(dir.path())
        .env("CHATLORE_ARCHIVE", "")
        .env("CHATLORE_INDEX", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_lines(&out), 6);
    assert!(dir.path().join("index/chatlore-meta.json").exists(), "the default ./index");
    // A variable that holds a value is still read.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .args(["stats", "--json"])
        .current_dir(dir.path())
        .env("CHATLORE_ARCHIVE", "elsewhere")
        .env("CHATLORE_INDEX", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("elsewhere"), "{}", stderr(&out));
}

/// A group without a display name is listed by its folder name alone: no space after it.
#[test]
fn stats_leaves_no_trailing_space_after_a_group_without_a_name() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "plain/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    let out = chatlore(arch.path(), idx.path(), &["stats"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.trim_start() == "1  plain"), "{text}");
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text:?}");
    // A named group keeps its name after the folder's.
    let demo = stdout(&chatlore(&demo_archive(), idx.path().join("demo").as_path(), &["stats"]));
    assert!(demo.contains("payprod 支付产品交流群（演示）"), "{demo}");
}

/// `index` and `people` name the archive's `people.yaml` the same way: by its path from where
/// chatlore runs (`index` said `people.yaml`, `people` said `t3/people.yaml`).
#[test]
fn index_and_people_name_people_yaml_by_the_same_path() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    let file = arch.path().join("people.yaml");
    std::fs::write(&file, "same:\n  - [甲, 乙乙]\n").unwrap();
    let out = chatlore(arch.path(), idx.path(), &["people"]);
    assert!(
        stderr(&out).contains(&format!("warning: {}: no message was posted as `乙乙`", file.display())),
        "{}",
        stderr(&out)
    );
    std::fs::write(&file, "unknown: [x]\n").unwrap();
    let out = chatlore(arch.path(), idx.path(), &["index"]);
    assert!(stderr(&out).contains(&format!("warning: {}: ", file.display())), "{}", stderr(&out));
}

/// After a first build that was killed, a search says what is there (a build that did not
/// finish) while it builds the index again: it said "no index … yet".
#[test]
fn a_search_after_a_killed_first_build_says_the_build_did_not_finish() {
    let idx = tempfile::tempdir().unwrap();
    let killed = chatlore_with(&demo_archive(), idx.path(), &["index"], &[("CHATLORE_FAULT", "mid-batch")]);
    assert!(!killed.status.success());
    let out = chatlore(&demo_archive(), idx.path(), &["search", "--json", "对账"]);
    let err = stderr(&out);
    assert_eq!((out.status.code(), json_lines(&out)), (Some(0), 6), "{err}");
    assert!(err.contains("is not complete (a build of it stopped before the end"), "{err}");
    assert!(!err.contains("no index"), "{err}");
    // Nothing there: said so.
    let fresh = tempfile::tempdir().unwrap();
    let out = chatlore(&demo_archive(), &fresh.path().join("new"), &["search", "对账"]);
    assert!(stderr(&out).contains("no index in"), "{}", stderr(&out));
}

/// A question pasted whole that finds nothing is explained by the key terms it was searched by
/// (`请问 from: 哪里下载呢？` named `请问 nor from: nor 哪里下载呢`, words it never searched); a
/// filter key with nothing after it is said to be a word of the question, with how to filter.
#[test]
fn a_question_that_finds_nothing_names_the_key_terms_it_searched() {
    let dir = tempfile::tempdir().unwrap();
    index(&demo_archive(), dir.path());
    let why = |q: &str| {
        let out = chatlore(&demo_archive(), dir.path(), &["search", q]);
        assert_eq!(out.status.code(), Some(1), "{q}: {}", stdout(&out));
        stderr(&out).lines().last().unwrap_or_default().to_owned()
    };
    let said = why("请问 from: 哪里下载呢？");
    assert!(
        said.starts_with(
            "no message contains 下载, the question's key term (its other words are question or common words, not \
             searched); `from:` with nothing after it was read as a word of the question, not a filter"
        ),
        "{said}"
    );
    assert!(!said.contains("请问") && !said.contains("哪里下载呢"), "{said}");
    let said = why("请问哪里有恐龙化石和外星飞船？");
    assert!(said.starts_with("no message contains any of the question's key terms: 恐龙, 化石, 外星, 飞船"), "{said}");
    assert!(!said.contains("from:") && !said.contains("请问"), "{said}");
    // Nothing but question and common words: searched as typed, and said so.
    let said = why("请问大家都是怎么做的呢？");
    assert!(
        said.starts_with("the question holds only question and common words, so it was searched as typed: "),
        "{said}"
    );
    // A typed query is explained as before.
    assert_eq!(why("nosuchword 对账"), "no message contains nosuchword");
}
