//! Discussions end to end: indexed with their days, found by `Engine::discussions` and the
//! `discussions` command, kept out of every message query.

mod common;

use chatlore::query::Query;
use chatlore::search::{Engine, Page, Sort};
use common::*;
use std::path::Path;

const DAY1: &str = "g/_posts/2018-03-16-chat.markdown";
const DAY2: &str = "g/_posts/2018-03-17-chat.markdown";

/// Two days: a question on 断直连 answered about 路由, chatter, then a new subject.
fn archive(root: &Path) {
    write(
        root,
        DAY1,
        log(
            "2018-03-16",
            &[
                ("09:00:00", "甲-某支付-产品", "请教一下，网联断直连以后，通道怎么做？"),
                ("09:01:00", "乙", "断直连以后机构只对接网联和银联，路由在机构自己这边选"),
                ("09:02:00", "丙", "路由策略按费率和成功率来，银行维护窗口要能下线通道"),
                ("09:03:00", "甲-某支付-产品", "明白了，谢谢"),
                ("09:03:00", "甲-某支付-产品-上海", "明白了，谢谢"),
                ("12:00:00", "丁", "哈哈哈"),
                ("12:01:00", "戊", "[强][强]"),
                ("12:02:00", "己", "早"),
                ("12:03:00", "庚", "[红包]"),
                ("15:00:00", "辛", "有没有人做过跨境收单？结售汇怎么申报？"),
                ("15:01:00", "壬", "结售汇找有牌照的机构做，逐笔申报给外管局"),
            ],
        ),
    );
    write(
        root,
        DAY2,
        log(
            "2018-03-17",
            &[
                ("10:00:00", "甲", "对账文件各通道格式都不一样，大家怎么统一的？"),
                ("10:02:00", "乙", "先转成标准格式，再跟本地流水核对，差错进差错池"),
            ],
        ),
    );
}

fn setup() -> (tempfile::TempDir, tempfile::TempDir, Engine) {
    let root = tempfile::tempdir().unwrap();
    archive(root.path());
    let dir = tempfile::tempdir().unwrap();
    let summary = index(root.path(), dir.path());
    assert_eq!(summary.messages, 13);
    let engine = Engine::open(dir.path()).unwrap();
    (root, dir, engine)
}

fn q(s: &str) -> Query {
    Query::parse(s).unwrap()
}

#[test]
fn every_message_is_in_exactly_one_discussion() {
    let (_r, _d, engine) = setup();
    let all = engine.discussions(&Query::default(), None, Sort::Relevance).unwrap();
    assert_eq!(all.discussions.iter().map(|d| d.discussion.messages).sum::<u32>(), 13);
    // Date order, oldest first, spans of a day in order and back to back.
    let starts: Vec<(String, u32)> =
        all.discussions.iter().map(|d| (d.discussion.path.clone(), d.discussion.start_line)).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
    let day1: Vec<_> = all.discussions.iter().filter(|d| d.discussion.path == DAY1).map(|d| &d.discussion).collect();
    assert_eq!(day1.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(), ["discussion", "chatter", "discussion"]);
    let first = day1[0];
    assert_eq!((first.messages, first.participants.len()), (5, 3), "{first:?}");
    assert_eq!(first.title, "请教一下，网联断直连以后，通道怎么做？");
    assert_eq!((first.start_time.as_str(), first.end_time.as_str()), ("09:00:00", "09:03:00"));
    // Every search hit names the discussion that holds it.
    let hits = engine.search(&q("group:g"), Page { limit: None, offset: 0, sort: Sort::Oldest }).unwrap();
    for h in &hits.hits {
        let holder = all
            .discussions
            .iter()
            .map(|d| &d.discussion)
            .find(|d| d.path == h.path && d.start_line <= h.line && h.line <= d.end_line)
            .expect("a discussion holds every message");
        assert_eq!(h.discussion, holder.id());
    }
}

#[test]
fn messages_at_reads_a_discussions_lines_from_the_index_as_the_log_has_them() {
    let (root, _d, engine) = setup();
    let all = Page { limit: None, offset: 0, sort: Sort::Oldest };
    let day1: Vec<_> = engine.search(&q("date:2018-03-16"), all).unwrap().hits;
    // The lines in the order asked for, each the message at that line; a line that holds no
    // message (the front matter, a body line) and another log's lines are left out.
    let (a, b) = (&day1[5], &day1[1]);
    let got = engine.messages_at(DAY1, &[a.line, 1, b.line, a.line + 1]).unwrap();
    let shown: Vec<(u32, &str, &str, u32)> =
        got.iter().map(|h| (h.line, h.speaker.as_str(), h.text.as_str(), h.time)).collect();
    assert_eq!(shown, [(a.line, "丁", "哈哈哈", a.time), (b.line, "乙", b.text.as_str(), b.time)]);
    assert_eq!(got[1].text, "断直连以后机构只对接网联和银联，路由在机构自己这边选");
    assert!(got.iter().all(|h| h.path == DAY1 && h.group == "g"));
    // The first message of the first discussion shares its line with the discussion document:
    // the message comes back, once.
    let first = engine.messages_at(DAY1, &[day1[0].line]).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].speaker, "甲-某支付-产品");
    let log = std::fs::read_to_string(root.path().join(DAY1)).unwrap();
    assert!(log.lines().nth(first[0].line as usize - 1).unwrap().contains("09:00:00"));
    assert!(engine.messages_at(DAY2, &[a.line]).unwrap().iter().all(|h| h.path == DAY2));
    assert!(engine.messages_at("g/_posts/none.markdown", &[a.line]).unwrap().is_empty());
    assert!(engine.messages_at(DAY1, &[]).unwrap().is_empty());
    // The index answers, not the log: with the log gone (and not reindexed), the same lines.
    std::fs::remove_file(root.path().join(DAY1)).unwrap();
    assert_eq!(engine.messages_at(DAY1, &[a.line, 1, b.line, a.line + 1]).unwrap(), got);
    let found = engine.discussions(&q("断直连"), None, Sort::Relevance).unwrap();
    assert_eq!(found.discussions[0].discussion.title, "请教一下，网联断直连以后，通道怎么做？");
}

#[test]
fn discussion_documents_stay_out_of_message_queries() {
    let (_r, _d, engine) = setup();
    let all = Page { limit: None, offset: 0, sort: Sort::Relevance };
    for query in ["group:g", "date:2018-03-16", "-不存在的词 group:g", "topic:routing"] {
        let r = engine.search(&q(query), all).unwrap();
        assert!(r.hits.iter().all(|h| !h.speaker.is_empty()), "{query}: {:?}", r.hits);
        let count = engine.search(&q(query), Page { limit: Some(0), ..all }).unwrap().total;
        assert_eq!(count, r.total, "{query}");
        assert_eq!(engine.facets(&q(query)).unwrap().total as usize, r.total, "{query}");
    }
    assert_eq!(engine.search(&q("group:g"), all).unwrap().total, 13);
    assert_eq!(engine.search(&q("date:2018-03-16"), all).unwrap().total, 11);
    let everything = engine.facets(&Query::default()).unwrap();
    assert_eq!(everything.total, 13);
    assert_eq!(everything.groups.get("g"), Some(&13));
    assert_eq!(everything.days.values().sum::<u64>(), 13);
    assert_eq!(everything.kinds.values().sum::<u64>(), 13);
}

#[test]
fn a_discussion_matches_when_each_term_is_in_one_of_its_messages() {
    let (_r, _d, engine) = setup();
    // 断直连 and 费率 are in different messages of the first discussion.
    let r = engine.discussions(&q("断直连 费率"), None, Sort::Relevance).unwrap();
    assert_eq!(r.total, 1);
    let d = &r.discussions[0];
    assert_eq!(d.discussion.title, "请教一下，网联断直连以后，通道怎么做？");
    assert_eq!(d.hits.len(), 3, "{:?}", d.hits);
    // 断直连 and 外管局 are in two discussions: none has both.
    assert_eq!(engine.discussions(&q("断直连 外管局"), None, Sort::Relevance).unwrap().total, 0);
    // Filters hold for the matching messages: 乙 said 断直连, 丙 did not.
    assert_eq!(engine.discussions(&q("断直连 from:丙"), None, Sort::Relevance).unwrap().total, 0);
    assert_eq!(engine.discussions(&q("断直连 from:乙"), None, Sort::Relevance).unwrap().total, 1);
    // A negated term drops the messages that hold it, not the discussion.
    assert_eq!(engine.discussions(&q("路由 -费率"), None, Sort::Relevance).unwrap().total, 1);
}

#[test]
fn chatter_ranks_below_every_discussion() {
    let (_r, _d, engine) = setup();
    // 哈 is only in chatter; 谢谢 only in a discussion; 早 in chatter, 标准 in a discussion.
    let r = engine.discussions(&q("哈"), None, Sort::Relevance).unwrap();
    assert_eq!(r.discussions.iter().map(|d| d.discussion.kind.as_str()).collect::<Vec<_>>(), ["chatter"]);
    let r = engine.discussions(&q("group:g"), None, Sort::Relevance).unwrap();
    assert_eq!(r.total, 4);
    let mixed = engine.discussions(&q("早"), None, Sort::Relevance).unwrap();
    let kinds: Vec<&str> = mixed.discussions.iter().map(|d| d.discussion.kind.as_str()).collect();
    let first_chatter = kinds.iter().position(|k| *k == "chatter").unwrap_or(kinds.len());
    assert!(kinds[first_chatter..].iter().all(|k| *k == "chatter"), "{kinds:?}");
}

#[test]
fn reindexing_a_day_resegments_it_and_removing_it_removes_its_discussions() {
    let root = tempfile::tempdir().unwrap();
    archive(root.path());
    let dir = tempfile::tempdir().unwrap();
    index(root.path(), dir.path());
    let of = |e: &Engine| {
        let r = e.discussions(&Query::default(), None, Sort::Relevance).unwrap();
        (r.total, r.discussions.iter().map(|d| d.discussion.messages).sum::<u32>())
    };
    let count = |dir: &Path| of(&Engine::open(dir).unwrap());
    assert_eq!(count(dir.path()), (4, 13));
    // An engine kept open (as the browser and `chatlore mcp` keep theirs) sees each change
    // once it reloads: what it found of the discussion documents is not kept past a commit.
    let open = Engine::open(dir.path()).unwrap();
    assert_eq!(of(&open), (4, 13));
    write(
        root.path(),
        DAY2,
        log(
            "2018-03-17",
            &[("10:00:00", "甲", "对账文件怎么统一？"), ("18:00:00", "乙", "请问跨境收单的手续费一般多少？")],
        ),
    );
    let s = index(root.path(), dir.path());
    assert_eq!((s.changed, s.indexed_messages), (1, 2));
    assert_eq!(count(dir.path()), (5, 13));
    assert!(open.reload().unwrap());
    assert_eq!(of(&open), (5, 13));
    let late = open.discussions(&Query::parse("跨境").unwrap(), None, Sort::Relevance).unwrap();
    let mut paths: Vec<&str> = late.discussions.iter().map(|d| d.discussion.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, [DAY1, DAY2], "the new day's discussion is found");
    std::fs::remove_file(root.path().join(DAY2)).unwrap();
    index(root.path(), dir.path());
    assert_eq!(count(dir.path()), (3, 11));
    assert!(open.reload().unwrap());
    assert_eq!(of(&open), (3, 11));
}

#[test]
fn the_discussions_command_prints_ndjson_and_human_text() {
    let root = tempfile::tempdir().unwrap();
    archive(root.path());
    let dir = tempfile::tempdir().unwrap();
    let out =
        chatlore(root.path(), dir.path(), &["discussions", "--json", "--limit", "0", "group:g", "date:2018-03-16"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3);
    let keys: Vec<&str> = rows[0].as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "path",
        "group",
        "date",
        "start_time",
        "end_time",
        "start_line",
        "end_line",
        "messages",
        "participants",
        "title",
        "summary",
        "topics",
        "kind",
        "hits",
        "score",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert_eq!(rows.iter().map(|r| r["messages"].as_u64().unwrap()).sum::<u64>(), 11);
    let summary = &rows[0]["summary"][0];
    assert!(summary["line"].is_u64() && summary["time"].is_string() && summary["speaker"].is_string());

    let out = chatlore(root.path(), dir.path(), &["discussions", "--json", "结售汇"]);
    let row: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(row["hits"].as_array().unwrap().len(), 2);
    assert_eq!(row["topics"][0], "cross-border");

    let out = chatlore(root.path(), dir.path(), &["search", "--json", "结售汇"]);
    let hit: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(hit["discussion"], format!("{}#{}", row["path"].as_str().unwrap(), row["start_line"]));

    let out = chatlore(root.path(), dir.path(), &["discussions", "对账"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("2018-03-17 g 10:00–10:02 · 2 msgs · 2 people"), "{}", stdout(&out));
    let none = chatlore(root.path(), dir.path(), &["discussions", "不存在的词"]);
    assert_eq!(none.status.code(), Some(1));
}

/// Two days saying the same thing about 对账文件: once as a remark nobody answered, once in a
/// discussion; the one in the discussion ranks first although the remark is newer (equal
/// scores list newest first).
#[test]
fn a_message_inside_a_discussion_outranks_a_lone_remark() {
    let root = tempfile::tempdir().unwrap();
    let said = "对账文件我们每天早上从通道的服务器下载，再跟本地流水逐笔核对，差错进差错池";
    write(
        root.path(),
        DAY1,
        log(
            "2018-03-16",
            &[
                ("10:00:00", "甲", said),
                ("10:01:00", "乙", "差错池是人工处理还是自动冲正的呢？我们现在全靠人工"),
                ("10:02:00", "甲", "先自动重试，两天还平不了再转人工处理"),
            ],
        ),
    );
    write(root.path(), DAY2, log("2018-03-17", &[("10:00:00", "丙", said)]));
    let dir = tempfile::tempdir().unwrap();
    index(root.path(), dir.path());
    let engine = Engine::open(dir.path()).unwrap();
    let hits = engine.search(&q("对账文件"), Page::default()).unwrap().hits;
    let days: Vec<&str> = hits.iter().map(|h| h.path.as_str()).collect();
    assert_eq!(days, [DAY1, DAY2]);
    assert!(hits[0].score > hits[1].score, "{hits:?}");
}

/// A talk drowned in reactions stays a discussion; a run of short remarks that opens nothing
/// (banter) is chatter.
#[test]
fn a_talk_among_reactions_is_a_discussion_and_banter_is_chatter() {
    let root = tempfile::tempdir().unwrap();
    let mut msgs: Vec<(String, String, String)> = vec![
        ("19:00:00".into(), "主持".into(), "今天请到甲给大家做分享，主题是保险公司线上销售的支付场景".into()),
        ("19:01:00".into(), "甲".into(), "一般来说保险公司都有自己的收银台，对接主流的支付通道或者银行直连".into()),
    ];
    for k in 0..8 {
        msgs.push((format!("19:02:{k:02}"), format!("听众{k}"), "[强]".into()));
    }
    msgs.push(("19:03:00".into(), "甲".into(), "第一类是自营平台，官网官微或者APP，绝大多数是见费出单的形式".into()));
    for k in 0..4 {
        msgs.push((format!("19:04:{k:02}"), format!("听众{k}"), "[强]".into()));
    }
    msgs.push(("19:05:00".into(), "甲".into(), "第二类是第三方渠道合作，根据合作方是否有保险代理资质分两种".into()));
    for k in 0..4 {
        msgs.push((format!("19:06:{k:02}"), format!("听众{k}"), "[鼓掌]".into()));
    }
    // Hours later, banter.
    for (k, text) in [
        "虽然不知道为什么，我也要说田总厉害",
        "产品经理开始写代码，这是准备吊打开发了",
        "感觉要适当的装逼加上一些实操",
        "田总近似牛逼，大家都是这个意思",
    ]
    .iter()
    .enumerate()
    {
        msgs.push((format!("23:0{k}:00"), format!("路人{k}"), (*text).into()));
    }
    let borrowed: Vec<(&str, &str, &str)> = msgs.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    write(root.path(), DAY1, log("2018-03-16", &borrowed));
    let dir = tempfile::tempdir().unwrap();
    index(root.path(), dir.path());
    let engine = Engine::open(dir.path()).unwrap();
    let spans = engine.discussions(&q("group:g"), None, Sort::Oldest).unwrap().discussions;
    let kind_at = |text: &str| {
        let hit = engine.search(&q(text), Page::default()).unwrap().hits.remove(0);
        let span = spans.iter().find(|d| d.discussion.start_line <= hit.line && hit.line <= d.discussion.end_line);
        span.unwrap().discussion.kind.as_str()
    };
    assert_eq!(kind_at("见费出单"), "discussion", "{spans:?}");
    assert_eq!(kind_at("近似"), "chatter", "{spans:?}");
}

/// A discussion ranks by its best message as `search` ranks it: one that says something about
/// the term outranks a busier discussion whose only mention is a bare question (by its bare
/// text match, the shortest mention scored highest and that discussion came first).
#[test]
fn a_discussion_saying_something_about_the_term_outranks_one_that_only_names_it() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        DAY1,
        log(
            "2018-03-16",
            &[
                ("10:00:00", "甲", "对账文件呢？"),
                ("10:01:00", "乙", "路由策略按费率和成功率来，银行维护窗口要能下线通道"),
                ("10:02:00", "丙", "断直连以后机构只对接网联和银联，路由在机构自己这边选"),
                ("10:03:00", "丁", "路由要看成功率，低于阈值自动降级"),
            ],
        ),
    );
    write(
        root.path(),
        DAY2,
        log(
            "2018-03-17",
            &[
                ("10:00:00", "甲", "对账文件我们每天早上从通道的服务器下载，再跟本地流水逐笔核对，差错进差错池"),
                ("10:01:00", "乙", "差错池是人工处理还是自动冲正的呢？我们现在全靠人工"),
            ],
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    index(root.path(), dir.path());
    let engine = Engine::open(dir.path()).unwrap();
    let found = engine.discussions(&q("对账文件"), None, Sort::Relevance).unwrap();
    let days: Vec<&str> = found.discussions.iter().map(|d| d.discussion.path.as_str()).collect();
    assert_eq!(days, [DAY2, DAY1], "{found:?}");
}

#[test]
fn a_question_pasted_whole_finds_discussions_as_search_finds_its_messages() {
    // `search` reads a pasted question as its key terms; `discussions` (the browser's default
    // view and the MCP server's default) took it as one term of that whole text and found none.
    let (_r, _d, engine) = setup();
    let question = q("结售汇申报要找什么机构");
    let all = Page { limit: None, offset: 0, sort: Sort::Relevance };
    let messages = engine.search(&question, all).unwrap();
    assert!(messages.total > 0, "search reads it as a question");
    let r = engine.discussions(&question, None, Sort::Relevance).unwrap();
    assert!(r.total > 0, "the discussions holding its key terms are found");
    assert!(r.discussions[0].discussion.title.contains("结售汇"), "{:?}", r.discussions[0].discussion.title);
    for d in &r.discussions {
        assert!(!d.hits.is_empty(), "{d:?}");
        for line in &d.hits {
            let hit = messages.hits.iter().any(|h| h.path == d.discussion.path && h.line == *line);
            assert!(hit, "line {line} of {} is a message hit of the question", d.discussion.path);
        }
    }
}

/// A count of one is said in the singular everywhere the CLI prints one: `1 msg · 1 person`,
/// `1 of 1 hit`, never `1 msgs`, `1 people` or `hit(s)`.
#[test]
fn counts_of_one_are_singular_in_every_command() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "g/_posts/2018-03-17-chat.markdown",
        log("2018-03-17", &[("10:00:00", "甲", "对账文件怎么统一？")]),
    );
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = chatlore(root.path(), dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        for wrong in ["(s)", "1 msgs", "1 people", "1 hits", "1 logs", "1 messages", "1 warnings", "1 discussions"] {
            assert!(!said.contains(wrong), "{args:?} says {wrong:?}: {said}");
        }
        said
    };
    let said = run(&["index"]);
    assert!(said.contains("; 1 log, 1 message (1 indexed now), 0 warnings,"), "{said}");
    assert!(run(&["search", "对账"]).contains("1 of 1 hit"));
    let said = run(&["discussions", "对账"]);
    assert!(said.contains("10:00–10:00 · 1 msg · 1 person ·") && said.contains("1 of 1 discussion,"), "{said}");
    let said = run(&["people", "对账"]);
    assert!(said.contains("1 matching message") && said.contains("1 of 1 person,"), "{said}");
    assert!(run(&["stats"]).contains("1 log, 1 message"));
    assert!(run(&["export"]).contains("exported 1 message of 1 log"));
}

/// `discussions --json` gives where the query matched in what each discussion shows, as
/// `search --json` gives a hit's `highlights`: character offsets into its title and each
/// summary line, on the forms the glossary added too (结售汇 finds 结汇 and 外管局's entry is
/// not asked for), computed by the core as message highlights are; nothing without a term.
#[test]
fn discussions_json_highlights_the_query_in_titles_and_summary_lines() {
    let root = tempfile::tempdir().unwrap();
    archive(root.path());
    let dir = tempfile::tempdir().unwrap();
    let slices = |text: &str, ranges: &serde_json::Value| -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        ranges
            .as_array()
            .unwrap()
            .iter()
            .map(|r| chars[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].iter().collect())
            .collect()
    };
    for (query, forms) in [("结售汇", &["结售汇"][..]), ("路由", &["路由", "routing"]), ("=网联", &["网联"])]
    {
        let out = chatlore(root.path(), dir.path(), &["discussions", "--json", query]);
        assert!(out.status.success(), "{}", stderr(&out));
        let row: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
        let h = &row["highlights"];
        let mut shown = slices(row["title"].as_str().unwrap(), &h["title"]);
        let summary = row["summary"].as_array().unwrap();
        assert_eq!(h["summary"].as_array().unwrap().len(), summary.len(), "{query}: {row}");
        for (line, ranges) in summary.iter().zip(h["summary"].as_array().unwrap()) {
            shown.extend(slices(line["text"].as_str().unwrap(), ranges));
        }
        assert!(!shown.is_empty(), "{query}: nothing highlighted in {row}");
        assert!(shown.iter().all(|s| forms.iter().any(|f| s.eq_ignore_ascii_case(f))), "{query}: {shown:?}");
    }
    // The highlights mark what the message hits mark: the same characters of the same line.
    let out = chatlore(root.path(), dir.path(), &["search", "--json", "结售汇"]);
    let hit: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let out = chatlore(root.path(), dir.path(), &["discussions", "--json", "结售汇"]);
    let row: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    let at = row["summary"].as_array().unwrap().iter().position(|l| l["line"] == hit["line"]);
    if let Some(at) = at {
        assert_eq!(row["highlights"]["summary"][at], hit["highlights"]);
    }
    let out = chatlore(root.path(), dir.path(), &["discussions", "--json", "group:g", "date:2018-03-16"]);
    for line in stdout(&out).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(row["highlights"]["title"], serde_json::json!([]));
        assert!(row["highlights"]["summary"].as_array().unwrap().iter().all(|r| r == &serde_json::json!([])));
    }
}

/// A discussion's title and summary lines that hold no form of the query highlight nothing of
/// it: the glossary's forms of classes written together (`1、2、3类户`, `一、二、三类户` for
/// 一类户) are not phrases whose words stand alone. Every 一, 二 and 2 of them was highlighted
/// (58 一 and 37 二 in the 一类户 discussions of the real archive), and Ⅲ类户 for 二类户.
#[test]
fn discussions_json_does_not_highlight_the_parts_of_classes_written_together() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        DAY1,
        log(
            "2018-03-16",
            &[
                ("09:00:00", "甲", "一是有2家银行说只能开III类户，二是开户要面签"),
                ("09:01:00", "乙", "I、II、III类户都要绑定一张一类卡吗？"),
                ("09:02:00", "丙", "一二三类户的限额不一样，一个人只有一个"),
            ],
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    // II、III类户 and 二三类户, inside those, are forms of 二类户; III类户 alone is not.
    for (query, forms) in [("一类户", &["I、II、III类户", "一二三类户"][..]), ("二类户", &["II、III类户", "二三类户"])]
    {
        let out = chatlore(root.path(), dir.path(), &["discussions", "--json", query]);
        assert!(out.status.success(), "{query}: {}", stderr(&out));
        let row: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
        let slices = |text: &str, ranges: &serde_json::Value| -> Vec<String> {
            let chars: Vec<char> = text.chars().collect();
            let r = ranges.as_array().unwrap();
            r.iter()
                .map(|r| chars[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].iter().collect())
                .collect()
        };
        let h = &row["highlights"];
        let mut shown = slices(row["title"].as_str().unwrap(), &h["title"]);
        for (line, ranges) in row["summary"].as_array().unwrap().iter().zip(h["summary"].as_array().unwrap()) {
            shown.extend(slices(line["text"].as_str().unwrap(), ranges));
        }
        assert!(!shown.is_empty(), "{query}: {row}");
        assert!(shown.iter().all(|s| forms.contains(&s.as_str())), "{query}: {shown:?} in {row}");
    }
}

/// A page past the first discussions (the browser's list as its selection nears the end) is
/// the part of the whole list in every order: none skipped, none twice, the total the same.
#[test]
fn discussions_from_an_offset_are_the_rest_of_the_list() {
    let (_a, _i, engine) = setup();
    for (query, sort) in [("", Sort::Relevance), ("", Sort::Newest), ("断直连 OR 结售汇 OR 路由", Sort::Relevance)]
    {
        let all = engine.discussions(&q(query), None, sort).unwrap();
        assert!(all.total >= 2, "{query}: {}", all.total);
        let ids = |r: &chatlore::discussion_search::DiscussionResults| {
            r.discussions.iter().map(|d| (d.discussion.path.clone(), d.discussion.start_line)).collect::<Vec<_>>()
        };
        let every = ids(&all);
        for offset in 0..=all.total + 1 {
            for limit in [1, 2, 100] {
                let page = engine.discussions_from(&q(query), offset, Some(limit), sort).unwrap();
                assert_eq!(page.total, all.total, "{query} {offset} {limit}");
                let want = &every[offset.min(every.len())..(offset + limit).min(every.len())];
                assert_eq!(ids(&page), want, "{query} {sort:?} from {offset}, {limit}");
            }
            let rest = engine.discussions_from(&q(query), offset, None, sort).unwrap();
            assert_eq!(ids(&rest), &every[offset.min(every.len())..], "{query} from {offset}, the rest");
        }
    }
}
