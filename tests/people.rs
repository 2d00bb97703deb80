//! People, not nicknames: one person across nickname changes, in `from:`, `org:`, facets,
//! discussions, the JSON of hits, and `chatlore people [QUERY]`.

mod common;

use chatlore::query::{Field, Filter, Query};
use chatlore::search::{Engine, Facets, Page, Sort};
use common::{chatlore, demo_archive, log, stdout, write};
use serde_json::Value;
use std::path::Path;

/// A group where 龚晓冬 renames himself, 龚正 is exported twice (as `Ark` too), two Tims
/// work at two companies and a bare `Tim` and a bare `Aaron` say nothing about who they are.
fn fixture(root: &Path) {
    write(
        root,
        "g/_posts/2018-01-02-chat.markdown",
        log(
            "2018-01-02",
            &[
                ("09:00:00", "龚晓冬", "结售汇要先在外管局做名录登记，然后银行才给开通结售汇接口"),
                ("09:01:00", "Tim-魔线科技-产品总监", "收到"),
                ("09:02:00", "Ark", "结售汇的额度是按个人年度五万美元算的，超了要走特殊审批"),
                ("09:02:00", "龚正-滴滴-支付金融", "结售汇的额度是按个人年度五万美元算的，超了要走特殊审批"),
                ("09:03:00", "Tim-深圳百灵鸟-架构", "好的"),
                ("09:04:00", "Tim", "结售汇？"),
                ("09:05:00", "Aaron", "结售汇"),
            ],
        ),
    );
    write(
        root,
        "g/_posts/2018-01-03-chat.markdown",
        log(
            "2018-01-03",
            &[
                (
                    "10:00:00",
                    "龚晓冬-银商账户-产品-上海",
                    "结售汇的交割有实时和日终两种，日终处理的话超限交易要第二天才退回",
                ),
                ("10:01:00", "Ark", "退汇也要留痕，结售汇的冲正和退款分开记账"),
                ("10:01:00", "龚正-滴滴-支付金融", "退汇也要留痕，结售汇的冲正和退款分开记账"),
                ("10:02:00", "Aaron-携程金融支付PL", "结售汇"),
                ("10:03:00", "Aaron-携程金融支付PL", "结售汇"),
                ("10:04:00", "Aaron-携程金融支付PL", "结售汇"),
                ("10:05:00", "龚晓冬", "对，交割的时间点要搞清楚"),
            ],
        ),
    );
}

fn engine(dir: &tempfile::TempDir) -> Engine {
    let archive = dir.path().join("archive");
    fixture(&archive);
    common::index(&archive, &dir.path().join("index"));
    Engine::open(&dir.path().join("index")).unwrap()
}

fn total(engine: &Engine, q: &str) -> usize {
    engine.search(&Query::parse(q).unwrap(), Page { limit: Some(0), offset: 0, sort: Sort::Relevance }).unwrap().total
}

#[test]
fn nicknames_of_one_person_are_one_person_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let people = engine.people().unwrap();
    let gong = people.of("龚晓冬").unwrap();
    assert_eq!(gong.aliases, vec!["龚晓冬", "龚晓冬-银商账户-产品-上海"]);
    assert_eq!(gong.company.as_deref(), Some("银商账户"));
    assert_eq!(people.of("Ark").unwrap().label, people.of("龚正-滴滴-支付金融").unwrap().label);
    for (a, b) in [
        ("Tim", "Tim-魔线科技-产品总监"),
        ("Tim-深圳百灵鸟-架构", "Tim-魔线科技-产品总监"),
        ("Aaron", "Aaron-携程金融支付PL"),
    ] {
        assert_ne!(people.of(a).unwrap().label, people.of(b).unwrap().label, "{a} / {b}");
    }
    // from: matches every nickname of the person; org: applies the company to all of them.
    assert_eq!(total(&engine, "from:龚晓冬"), 3);
    assert_eq!(total(&engine, "org:银商"), 3);
    assert_eq!(total(&engine, "org:滴滴"), 4, "Ark's messages are 龚正's");
    assert_eq!(total(&engine, "from:Tim-魔线"), 1);
    // Facets count people as their `from:=` finds them (exported copies too); nicknames as
    // the archive has them.
    let f = engine.facets(&Query::default()).unwrap();
    assert_eq!(f.people["龚正"], 4);
    assert_eq!(f.speakers["Ark"] + f.speakers["龚正-滴滴-支付金融"], 4);
    assert_eq!(f.people["龚晓冬"], 3);
    assert_eq!(f.people.values().sum::<u64>(), f.total);
    // Hits keep the nickname and add the person.
    let mut hits =
        engine.search(&Query::parse("交割").unwrap(), Page { limit: Some(5), ..Page::default() }).unwrap().hits;
    engine.name_people(&mut hits).unwrap();
    assert_eq!((hits[0].speaker.as_str(), hits[0].person.as_str()), ("龚晓冬-银商账户-产品-上海", "龚晓冬"));
    // A discussion counts the person once although both nicknames speak.
    let d = engine.discussions(&Query::parse("交割").unwrap(), None, Sort::Relevance).unwrap();
    let x = &d.discussions[0];
    let nicks = &x.discussion.participants;
    assert!(
        nicks.contains(&"龚晓冬".to_owned()) && nicks.contains(&"龚晓冬-银商账户-产品-上海".to_owned()),
        "{nicks:?}"
    );
    assert_eq!(x.people.iter().filter(|p| *p == "龚晓冬").count(), 1, "{:?}", x.people);
    assert_eq!(x.people.len(), nicks.len() - 1, "{:?}", x.people);
}

#[test]
fn who_knows_ranks_evidence_not_volume() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let who = chatlore::who::who_knows(&engine, &Query::parse("结售汇").unwrap(), usize::MAX).unwrap();
    let labels: Vec<&str> = who.experts.iter().map(|e| e.person.label.as_str()).collect();
    // Two substantive explanations each beat three bare mentions.
    let pos = |l: &str| labels.iter().position(|x| *x == l).unwrap();
    assert!(pos("龚晓冬") < pos("Aaron-携程金融支付PL") && pos("龚正") < pos("Aaron-携程金融支付PL"), "{labels:?}");
    let gong = &who.experts[pos("龚晓冬")];
    assert_eq!(gong.hits.len(), 2, "both nicknames' messages are his evidence");
    let scores: Vec<f32> = who.experts.iter().map(|e| e.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn the_people_command_lists_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    fixture(&archive);
    let all = chatlore(&archive, &index, &["people", "--limit", "0"]);
    assert!(all.status.success());
    let text = stdout(&all);
    assert!(text.contains("龚晓冬 (银商账户) · as 龚晓冬, 龚晓冬-银商账户-产品-上海"), "{text}");
    let rows: Vec<Value> = stdout(&chatlore(&archive, &index, &["people", "--json", "--limit", "0"]))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // 9 nicknames, 7 people; most messages first.
    assert_eq!(rows.len(), 7);
    assert!(rows.windows(2).all(|w| w[0]["messages"].as_u64() >= w[1]["messages"].as_u64()));
    // A person is named by the same key with or without a query.
    assert!(rows.iter().all(|r| r["person"].is_string() && r.get("label").is_none()), "{rows:?}");
    // The documented fields (README, People): `person`, `name`, `company`, `aliases`, `messages`.
    for r in &rows {
        for key in ["person", "name", "company", "aliases", "messages"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let out = chatlore(&archive, &index, &["people", "--json", "--limit", "2", "结售汇"]);
    assert!(out.status.success());
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert!(r["person"].is_string(), "{r}");
        // The documented fields of a person who knows, and of each piece of evidence.
        for key in ["person", "name", "company", "aliases", "score", "best_hits", "matching_messages", "evidence"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert!(r["score"].as_f64().is_some_and(|s| s > 0.0) && r["best_hits"].as_u64() > Some(0), "{r}");
        for e in r["evidence"].as_array().unwrap() {
            for key in ["path", "line", "cite", "date", "time", "group", "speaker", "text"] {
                assert!(e.get(key).is_some(), "{key} missing in {e}");
            }
            assert!(
                e["cite"].as_str().unwrap().contains(&format!("{}:{}", e["path"].as_str().unwrap(), e["line"])),
                "{e}"
            );
        }
        let ev = r["evidence"].as_array().unwrap();
        assert!(!ev.is_empty() && ev.len() <= 3);
        for e in ev {
            // Every citation points at the message's header line in the log.
            let file = std::fs::read_to_string(archive.join(e["path"].as_str().unwrap())).unwrap();
            let line = file.lines().nth(e["line"].as_u64().unwrap() as usize - 1).unwrap();
            assert!(
                line.contains(e["time"].as_str().unwrap()) && line.contains(e["speaker"].as_str().unwrap()),
                "{line}"
            );
            assert!(r["aliases"].as_array().unwrap().contains(&e["speaker"]));
        }
    }
    let human = stdout(&chatlore(&archive, &index, &["people", "结售汇"]));
    assert!(human.contains("2018-01-03 10:00:00 g g/_posts/2018-01-03-chat.markdown:"), "{human}");
    // search --json keeps the nickname and adds the person.
    let hit: Value =
        serde_json::from_str(stdout(&chatlore(&archive, &index, &["search", "--json", "交割的时间"])).trim()).unwrap();
    assert_eq!((hit["speaker"].as_str(), hit["person"].as_str()), (Some("龚晓冬"), Some("龚晓冬")));
    let hit: Value =
        serde_json::from_str(stdout(&chatlore(&archive, &index, &["search", "--json", "日终"])).trim()).unwrap();
    assert_eq!((hit["speaker"].as_str(), hit["person"].as_str()), (Some("龚晓冬-银商账户-产品-上海"), Some("龚晓冬")));
    let none = chatlore(&archive, &index, &["people", "没有这个词"]);
    assert_eq!(none.status.code(), Some(1));
}

#[test]
fn people_on_the_demo_archive() {
    let dir = tempfile::tempdir().unwrap();
    let out = chatlore(&demo_archive(), dir.path(), &["people", "--json", "对账"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        for e in r["evidence"].as_array().unwrap() {
            assert!(e["text"].as_str().unwrap().contains("对账"), "{e}");
        }
    }
}

#[test]
fn people_on_the_real_archive() {
    let Some(root) = common::real_archive_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    common::index(&root, dir.path());
    let engine = Engine::open(dir.path()).unwrap();
    let people = engine.people().unwrap();
    let same = |a: &str, b: &str| people.of(a).unwrap().label == people.of(b).unwrap().label;
    assert!(same("龚晓冬", "龚晓冬-银商账户-产品-上海"));
    assert!(same("于江宁", "于江宁-银联电子PM"));
    assert!(!same("Tim-魔线科技-产品总监", "Tim-深圳百灵鸟-架构"));
    // A bare English name joins nobody by its name alone (one copy in common is not enough)…
    assert!(!same("Allen", "Allen-盒子支付PM") && !same("Leo", "leo"));
    // …but three exact copies of one message are.
    assert!(same("Aaron", "Aaron-携程金融支付PL"));
    // Copies are found wherever the indexer put them (a log's messages can span segments).
    assert!(same("Ant", "黄根华-民生易贷产品总监"));
    // One coincidental copy (欢迎韩总[鼓掌] at the same second) is not evidence.
    assert!(!same("Daniel", "文奇"));
    let merges = people.merges();
    assert!((250..=320).contains(&merges), "{merges} merges");
    // README, People: "965 people of 1,251 nicknames (286 nicknames joined…)".
    let nicknames: usize = people.persons.iter().map(|p| p.aliases.len()).sum();
    assert_eq!((people.persons.len(), nicknames, merges), (965, 1251, 286), "the README's figures");
    // "…205 people through copies, 70 through names alone": 275 people of two or more nicknames.
    assert_eq!(people.persons.iter().filter(|p| p.aliases.len() > 1).count(), 205 + 70);
    let f = engine.facets(&Query::default()).unwrap();
    let gong = f.speakers["龚晓冬"] + f.speakers["龚晓冬-银商账户-产品-上海"];
    assert_eq!(total(&engine, "from:龚晓冬"), gong as usize);
    // His row in the insights counts what `from:=龚晓冬` finds (8,719; it said 8,177, his
    // exported copies once, while the chip found 8,719).
    assert_eq!(f.people["龚晓冬"], gong);
    assert_eq!(total(&engine, "from:=龚晓冬"), gong as usize);
    assert_eq!(people.of("龚晓冬").unwrap().messages, gong);
    // A query's facets count each person as their chip finds them among its messages
    // (`People::messages_by_person` walks the nicknames in order; it looked each one up).
    let f = engine.facets(&Query::parse("对账").unwrap()).unwrap();
    let mut checked = 0;
    for (label, n) in Facets::top(&f.people, 30).into_iter().chain(
        f.people
            .iter()
            .filter(|(l, _)| people.persons.iter().any(|p| &p.label == *l && p.aliases.len() > 1))
            .take(60)
            .map(|(l, n)| (l.as_str(), *n)),
    ) {
        let chip = Filter {
            field: Field::From,
            value: chatlore::query::Value::Text(format!("={label}")),
            negated: false,
            narrows: false,
        };
        assert_eq!(total(&engine, &format!("对账 {chip}")) as u64, n, "{label}");
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
    assert_eq!(f.people.values().sum::<u64>(), f.speakers.values().sum::<u64>());
}

/// The person model is kept beside the index's segments for the state it was built from, so
/// a `search --json` process reads it instead of scanning every message; a new commit builds
/// it again, and a rebuild removes it with the generation (it is chatlore's own file).
#[test]
fn the_person_model_is_stored_for_its_index_state_only() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    fixture(&archive);
    let person_of = |q: &str| -> String {
        let out = chatlore(&archive, &index, &["search", "--json", q]);
        let hit: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
        hit["person"].as_str().unwrap().to_owned()
    };
    assert_eq!(person_of("日终"), "龚晓冬");
    let generations = || -> Vec<std::path::PathBuf> {
        std::fs::read_dir(&index)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("gen-"))
            .collect()
    };
    let [generation] = generations().try_into().unwrap();
    let file = generation.join("chatlore-people.json");
    let stored = std::fs::read_to_string(&file).expect("search --json stored the person model");
    // A label changed in the file shows: the process read the file, not the messages.
    std::fs::write(&file, stored.replace("\"label\":\"龚晓冬\"", "\"label\":\"龚晓冬（存）\"")).unwrap();
    assert_eq!(person_of("日终"), "龚晓冬（存）");
    // A new log is a new index state: the model is built again from the messages.
    write(
        &archive,
        "g/_posts/2018-01-04-chat.markdown",
        log("2018-01-04", &[("11:00:00", "龚晓冬", "日终对账的文件几点到")]),
    );
    assert!(chatlore(&archive, &index, &["index"]).status.success());
    assert_eq!(person_of("日终"), "龚晓冬");
    // A rebuild deletes the old generation whole, the stored model with it.
    let rebuilt = chatlore(&archive, &index, &["index", "--rebuild"]);
    assert!(rebuilt.status.success(), "{}", common::stderr(&rebuilt));
    assert!(!generation.exists(), "the old generation is gone: {:?}", generations());
    assert_eq!(generations().len(), 1);
}

#[test]
fn the_archive_s_people_yaml_joins_and_separates_nicknames() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    fixture(&archive);
    let aliases = || -> Vec<Vec<String>> {
        let out = chatlore(&archive, &index, &["people", "--json", "--limit", "0"]);
        let mut all: Vec<Vec<String>> = stdout(&out)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["aliases"].as_array().unwrap().clone())
            .map(|a| a.iter().map(|n| n.as_str().unwrap().to_owned()).collect())
            .collect();
        all.iter_mut().for_each(|a| a.sort());
        all.sort();
        all
    };
    let person_with = |all: &[Vec<String>], nick: &str| all.iter().find(|a| a.iter().any(|n| n == nick)).cloned();
    // Without rules: Ark and 龚正 are joined by their copies; the bare Tim stays alone.
    let before = aliases();
    assert_eq!(person_with(&before, "Ark").unwrap().len(), 2);
    assert_eq!(person_with(&before, "Tim").unwrap(), ["Tim"]);

    let rules =
        "same:\n  - [Tim, Tim-魔线科技-产品总监]\n  - [Aaron, Timm]\ndifferent:\n  - [Ark, 龚正-滴滴-支付金融]\n";
    write(&archive, "people.yaml", rules);
    assert!(chatlore(&archive, &index, &["index"]).status.success());
    let after = aliases();
    assert_eq!(person_with(&after, "Tim").unwrap(), ["Tim", "Tim-魔线科技-产品总监"]);
    assert_eq!(person_with(&after, "Ark").unwrap(), ["Ark"]);
    assert_eq!(person_with(&after, "龚正-滴滴-支付金融").unwrap(), ["龚正-滴滴-支付金融"]);
    // `from:` follows the rules: the company's Tim now also finds the bare Tim's question.
    let engine = Engine::open(&index).unwrap();
    assert_eq!(total(&engine, "from:Tim-魔线科技-产品总监"), 2);
    assert_eq!(total(&engine, "from:Ark"), 2);
    // A nickname no message was posted under is named, not silently ignored.
    let out = chatlore(&archive, &index, &["people"]);
    assert!(common::stderr(&out).contains("people.yaml: no message was posted as `Timm`"), "{}", common::stderr(&out));

    // Rules removed: the model is built again without them (the stored one was for the rules).
    std::fs::remove_file(archive.join("people.yaml")).unwrap();
    assert!(chatlore(&archive, &index, &["index"]).status.success());
    assert_eq!(aliases(), before);

    // A rules file that cannot be used is a warning naming it and why; indexing goes on.
    for (bad, why) in [
        ("same: [[Tim]]\n", "a `same` list names fewer than two nicknames"),
        (
            "same:\n  - [Ark, Tim]\ndifferent:\n  - [Tim, Ark]\n",
            "`Tim` and `Ark` are said to be one person and different people",
        ),
        ("sam:\n  - [Ark, Tim]\n", "unknown field `sam`"),
    ] {
        write(&archive, "people.yaml", bad);
        let out = chatlore(&archive, &index, &["index"]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let said = format!("{}{}", stdout(&out), common::stderr(&out));
        assert!(
            said.contains("people.yaml: ") && said.contains(why) && said.contains("no people rules used"),
            "{bad}: {said}"
        );
        assert_eq!(aliases(), before);
    }
}

#[test]
fn an_open_engine_sees_new_people_rules_after_index() {
    // Only people.yaml changes: `index` commits nothing, yet a running browser or MCP server
    // must see the rules after it reloads.
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let archive = dir.path().join("archive");
    let tims = |e: &Engine| e.people().unwrap().of("Tim").unwrap().aliases.len();
    assert_eq!(tims(&engine), 1);
    assert_eq!(total(&engine, "from:Tim-魔线科技-产品总监"), 1);
    write(&archive, "people.yaml", "same:\n  - [Tim, Tim-魔线科技-产品总监]\n");
    assert!(chatlore(&archive, &dir.path().join("index"), &["index"]).status.success());
    assert!(engine.reload().unwrap(), "the reload reports the new rules");
    assert_eq!(tims(&engine), 2);
    assert_eq!(total(&engine, "from:Tim-魔线科技-产品总监"), 2);
    assert!(!engine.reload().unwrap(), "nothing new the second time");
}

#[test]
fn people_of_filters_alone_are_ranked_by_their_matching_messages() {
    // `people topic:…` or `people date:…` has no words to know about: the 200 "best" hits were
    // only the newest, so whoever spoke last came first (score 0.0 for all) and a member with
    // more messages, all older, ranked below or vanished.
    let dir = tempfile::tempdir().unwrap();
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    let at = |i: usize| format!("{:02}:{:02}:{:02}", 9 + i / 3600, i / 60 % 60, i % 60);
    let day = |date: &str, who: &str, n: usize, about: &str| {
        let texts: Vec<(String, String)> = (0..n).map(|i| (at(i), format!("第{i}条，说的是{about}的事"))).collect();
        let rows: Vec<(&str, &str, &str)> = texts.iter().map(|(t, x)| (t.as_str(), who, x.as_str())).collect();
        log(date, &rows)
    };
    write(&archive, "g/_posts/2018-01-02-chat.markdown", day("2018-01-02", "王大锤-某支付", 150, "通道"));
    write(&archive, "g/_posts/2018-01-09-chat.markdown", day("2018-01-09", "李小龙-某银行", 120, "对账"));
    write(&archive, "g/_posts/2017-12-01-chat.markdown", day("2017-12-01", "赵六-某清算", 5, "清算"));
    let out = chatlore(&archive, &index, &["people", "--json", "group:g"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ranked: Vec<(&str, u64)> =
        rows.iter().map(|r| (r["person"].as_str().unwrap(), r["matching_messages"].as_u64().unwrap())).collect();
    assert_eq!(ranked, vec![("王大锤", 150), ("李小龙", 120), ("赵六", 5)], "most messages under the filters first");
    // Each with their own newest three messages: 赵六's five are older than the 200 newest of
    // the whole query, and he was listed with none (255 of the 305 people of `group:devarch`).
    for r in &rows {
        let evidence = r["evidence"].as_array().unwrap();
        let theirs =
            evidence.iter().filter(|e| e["speaker"].as_str().unwrap().starts_with(r["person"].as_str().unwrap()));
        assert_eq!((evidence.len(), theirs.count()), (3, 3), "{r}");
    }
    let zhao = &rows[2]["evidence"];
    let times: Vec<&str> = zhao.as_array().unwrap().iter().map(|e| e["time"].as_str().unwrap()).collect();
    assert_eq!(times, ["09:00:04", "09:00:03", "09:00:02"], "newest first");
    // No score, and no "best hits": 李小龙's 120 were only the newest of the 200 looked at.
    for r in &rows {
        assert!(r["score"].is_null() && r["best_hits"].is_null(), "{r}");
        assert!(r["evidence"].as_array().unwrap().iter().all(|e| e["score"].is_null()), "{r}");
    }
    let human = chatlore(&archive, &index, &["people", "group:g"]);
    let text = stdout(&human);
    assert!(text.starts_with("1. 王大锤") && !text.contains("score 0.0"), "{text}");
    assert!(common::stderr(&human).contains("by their matching messages"), "{}", common::stderr(&human));
    // With words, it is who knows about them, as before.
    let words = chatlore(&archive, &index, &["people", "--json", "对账"]);
    let first: Value = serde_json::from_str(stdout(&words).lines().next().unwrap()).unwrap();
    assert_eq!(first["person"], "李小龙");
}

/// A speaker with no nickname (a header naming nobody, kept with an empty one) among the people
/// of filters alone: their evidence cannot be looked up by `from:=`, which made the whole
/// `people` command fail (`no speaker's nickname or name holds `=``); it answers, everyone
/// listed.
#[test]
fn people_of_filters_alone_answer_with_a_nameless_speaker_among_them() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    let texts: Vec<(String, String)> =
        (0..210).map(|i| (format!("10:{:02}:{:02}", i / 60, i % 60), format!("第{i}条"))).collect();
    let rows: Vec<(&str, &str, &str)> = texts.iter().map(|(t, x)| (t.as_str(), "王大锤-某支付", x.as_str())).collect();
    write(&archive, "g/_posts/2018-01-02-chat.markdown", log("2018-01-02", &rows));
    write(&archive, "g/_posts/2017-11-01-chat.markdown", log("2017-11-01", &[("09:00:00", "", "无名者说的话")]));
    let out = chatlore(&archive, &index, &["people", "--json", "--limit", "0", "group:g"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
}

/// Nicknames hold Chinese punctuation (`李通，社区半径产品专家` and 17 more in the real archive):
/// typed bare after `from:`, the whole nickname is the value, as through an ASCII comma, in
/// the CLI, the engine and the browser alike; a value no speaker holds (`from:张，对账`) is an
/// error showing the query that splits it, not a silent "no hits".
#[test]
fn a_nickname_with_chinese_punctuation_is_one_from_value_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    write(
        &archive,
        "g/_posts/2018-01-02-chat.markdown",
        log(
            "2018-01-02",
            &[
                ("09:00:00", "李通，社区半径产品专家", "社区团购的对账一般按天出文件"),
                ("09:01:00", "李通", "对账文件的格式各家都不一样"),
                ("09:02:00", "张起坤、平安银行、反欺诈PL", "反欺诈要看设备指纹和对账差异"),
                ("09:03:00", "李通，社区半径产品专家", "收到"),
            ],
        ),
    );
    let index_dir = dir.path().join("index");
    common::index(&archive, &index_dir);
    let engine = Engine::open(&index_dir).unwrap();
    assert_eq!(total(&engine, "from:李通，社区半径产品专家"), 2, "the whole nickname, not from:李通 and a word");
    assert_eq!(total(&engine, "from:\"李通，社区半径产品专家\""), 2);
    assert_eq!(total(&engine, "from:李通，社区半径产品专家 对账"), 1);
    assert_eq!(total(&engine, "from:张起坤、平安银行、反欺诈PL"), 1);
    assert_eq!(total(&engine, "from:李通"), 3, "part of a nickname still matches");

    let search = |q: &str| chatlore(&archive, &index_dir, &["search", "--json", "--limit", "0", q]);
    let out = search("from:李通，社区半径产品专家");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    // Read as one value, `张，对账` names nobody: an error saying how to split it (exit 2).
    for q in ["from:张，对账", "from:nobody-at-all"] {
        let out = search(q);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{q}: {err}");
        assert!(err.contains("no speaker's nickname or name holds `"), "{q}: {err}");
    }
    assert!(common::stderr(&search("from:张，对账")).contains("`from:张 对账`"));
    let out = search("org:无此公司");
    assert!(common::stderr(&out).contains("no speaker's company holds `无此公司`"), "{}", common::stderr(&out));

    // The browser reads the box as the CLI does.
    let mut app = common::tui::TestApp::new(&archive, &index_dir, (100, 30));
    app.start();
    app.take_effects();
    for c in "from:李通，社区半径产品专家".chars() {
        app.update(chatlore::tui::action::Action::Input(c));
    }
    assert_eq!(app.results.total, 2, "{:?}", app.results.error);
}

/// The browser's speaker chips named a nickname or a person by `from:NAME`, which matches
/// every nickname holding NAME: the Speakers tab's `Tim` (1 message) gave `Tim-魔线科技` and
/// `Tim-深圳百灵鸟` too (3), and on the real archive 128 of 965 people's labels are inside
/// another person's nickname (`华` in 李楚华). `from:=NAME` is that nickname's person, or the
/// person of that label, exactly; the chips use it and find what the tab counted.
#[test]
fn a_speaker_chip_is_that_person_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    assert_eq!(total(&engine, "from:Tim"), 3, "part of a nickname: three people");
    assert_eq!(total(&engine, "from:=Tim"), 1, "the bare Tim alone");
    assert_eq!(total(&engine, "from:=tim-魔线科技-产品总监"), 1);
    assert_eq!(total(&engine, "from:=龚晓冬"), 3, "a person's label: all their nicknames");
    assert_eq!(total(&engine, "from:=Ark"), 4, "a nickname: its person, 龚正 (copies under both)");
    let err = engine.search(&Query::parse("from:=Ti").unwrap(), Page::default()).err().unwrap().to_string();
    assert!(err.contains("`=Ti`") && err.contains("`=` names one exactly"), "{err}");

    // The browser: the Speakers tab's row for `Tim`, then Enter, finds Tim's one message.
    use chatlore::tui::action::{Action, FilterTab};
    let mut app = common::tui::TestApp::new(&dir.path().join("archive"), &dir.path().join("index"), (100, 30));
    app.start();
    app.take_effects();
    app.update(Action::OpenFilters(Some(FilterTab::Speakers)));
    for c in "Tim".chars() {
        app.update(Action::Input(c));
    }
    let rows = app.filter_rows(FilterTab::Speakers, "Tim");
    let at = rows.iter().position(|r| r.label == "Tim").expect("a row for the bare Tim");
    for _ in 0..at {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    assert_eq!(app.chips.len(), 1, "{:?}", app.chips);
    assert_eq!(app.chips[0].to_string(), "from:=Tim");
    assert_eq!(app.results.total as u64, rows[at].count, "the chip finds what the tab counted");
    // Insights: a person's row filters by that person.
    app.chips.clear();
    app.update(Action::FocusSearch);
    for c in "结售汇".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Enter);
    let i = crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char('i'), crossterm::event::KeyModifiers::NONE);
    app.dispatch(crossterm::event::Event::Key(i));
    let who = app.insight_rows(chatlore::tui::action::InsightSection::Speakers);
    let tim = who.iter().find(|r| r.label == "Tim").expect("Tim asked about 结售汇");
    assert_eq!(tim.filter.to_string(), "from:=Tim");
}

/// `org:=COMPANY` (the browser's company chips) is that company exactly, with all the
/// nicknames of its people; `org:` alone is part of a company's name.
#[test]
fn org_with_equals_is_that_company_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    assert_eq!(total(&engine, "org:银商"), 3, "part of 银商账户: 龚晓冬's three messages");
    assert_eq!(total(&engine, "org:=银商账户"), 3, "龚晓冬's bare nickname too");
    assert_eq!(total(&engine, "org:=滴滴"), 4, "龚正, and Ark, the same person");
    let err = engine.search(&Query::parse("org:=银商").unwrap(), Page::default()).err().unwrap().to_string();
    assert!(err.contains("company holds `=银商`") && err.contains("`org:`"), "{err}");
    // `stats` counts a company as `org:=` finds it (it counted 龚晓冬's one message under a
    // nickname naming 银商账户).
    let stats = chatlore(&dir.path().join("archive"), &dir.path().join("index"), &["stats", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&stats)).unwrap();
    let companies = v["top_companies"].as_array().unwrap();
    assert!(companies.contains(&serde_json::json!(["银商账户", 3])), "{companies:?}");
    assert!(companies.contains(&serde_json::json!(["滴滴", 4])), "{companies:?}");
}

/// A speaker row counts what its chip finds: `from:=NICKNAME` is that nickname's person, so the
/// row of 龚晓冬 counts all three of his messages (it counted the one posted under the nickname,
/// and the chip then found three; on the real archive 6,715 and 8,719). A person is one row,
/// their other nicknames beside it: 龚晓冬's two nicknames were two rows with one count.
#[test]
fn a_speaker_row_counts_its_person_as_its_chip_finds_them() {
    use chatlore::tui::action::{Action, FilterTab};
    let dir = tempfile::tempdir().unwrap();
    let _engine = engine(&dir);
    let mut app = common::tui::TestApp::new(&dir.path().join("archive"), &dir.path().join("index"), (100, 30));
    app.start();
    app.take_effects();
    app.update(Action::OpenFilters(Some(FilterTab::Speakers)));
    let rows = app.filter_rows(FilterTab::Speakers, "");
    for (aliases, person) in
        [(&["龚晓冬", "龚晓冬-银商账户-产品-上海"][..], 3), (&["Tim"], 1), (&["Ark", "龚正-滴滴-支付金融"], 4)]
    {
        let found: Vec<_> = rows.iter().filter(|r| aliases.contains(&r.label.as_str())).collect();
        assert_eq!(found.len(), 1, "{aliases:?}: one row: {rows:?}");
        assert_eq!(found[0].count, person, "{aliases:?}");
        for other in aliases.iter().filter(|a| **a != found[0].label) {
            assert!(found[0].detail.contains(&format!("also {other}")), "{aliases:?}: {:?}", found[0]);
        }
    }
    // Typed, the fuzzy rows are people too, and count the same way.
    let typed = app.filter_rows(FilterTab::Speakers, "龚晓冬");
    assert!(typed.len() == 1 && typed[0].count == 3, "{typed:?}");
    let at = rows.iter().position(|r| r.label.starts_with("龚晓冬")).unwrap();
    for _ in 0..at {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    assert_eq!(app.chips[0].to_string(), format!("from:={}", rows[at].label));
    assert_eq!(app.results.total as u64, rows[at].count, "the chip finds what the row counted");
}

/// The company facet's table (each nickname's person's companies) is kept per index state: after
/// an update that adds a nickname with a new company, and one that joins a bare nickname to a
/// person with a company (people.yaml), a reloaded engine counts as a fresh computation does,
/// and each company as its chip, `org:=COMPANY`, finds it.
#[test]
fn company_counts_are_fresh_after_each_update_and_reload() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    let fresh = |e: &Engine| {
        let f = e.facets(&Query::default()).unwrap();
        let parsed: std::collections::HashMap<String, String> =
            f.speakers.keys().filter_map(|n| Some((n.clone(), chatlore::speakers::parse(n).company?))).collect();
        let recount = e.people().unwrap().companies(&f.speakers, |n| parsed.get(n).map(String::as_str));
        assert_eq!(f.companies, recount, "the kept table counts as a fresh one");
        for (company, &n) in &f.companies {
            assert_eq!(total(e, &format!("org:={company}")) as u64, n, "org:={company}");
        }
        f.companies
    };
    let before = fresh(&engine);
    assert_eq!(before.get("魔线科技"), Some(&1));
    assert_eq!(before.get("链通科技"), None);
    write(
        &archive,
        "g/_posts/2018-01-04-chat.markdown",
        log(
            "2018-01-04",
            &[
                ("11:00:00", "周乔-链通科技-深圳", "结售汇的牌照我们还在申请"),
                ("11:01:00", "周乔-链通科技-深圳", "外管局那边要材料"),
                ("11:02:00", "周乔", "补充一下，是跨境外汇支付的试点"),
            ],
        ),
    );
    assert!(chatlore(&archive, &index, &["index"]).status.success());
    assert!(engine.reload().unwrap());
    let added = fresh(&engine);
    assert_eq!(added.get("链通科技"), Some(&3), "the bare 周乔 is the same person: {added:?}");
    // No log changes, only who is who: Tim's company now applies to the bare `Tim` too.
    write(&archive, "people.yaml", "same:\n  - [Tim, Tim-魔线科技-产品总监]\n");
    assert!(chatlore(&archive, &index, &["index"]).status.success());
    assert!(engine.reload().unwrap());
    assert_eq!(fresh(&engine).get("魔线科技"), Some(&2));
}

/// One rule counts a person's messages: what their chip, `from:=LABEL`, finds (every message of
/// any of their nicknames, an exported copy under a second nickname too, as the search's total
/// counts it). The insights' people, the speaker pane, the facets, `people` and `stats` agree
/// with it: the insights counted 龚正's copies once (2) while the chip found 4 (on the real
/// archive 龚晓冬: 8,177 and 8,719).
#[test]
fn a_person_counts_as_their_chip_finds_them_in_insights_people_and_stats() {
    use chatlore::tui::action::{Action, InsightSection};
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(&dir);
    let (archive, index) = (dir.path().join("archive"), dir.path().join("index"));
    let people = engine.people().unwrap();
    let f = engine.facets(&Query::default()).unwrap();
    let stats: Value = serde_json::from_str(&stdout(&chatlore(&archive, &index, &["stats", "--json"]))).unwrap();
    let lines = |args: &[&str]| -> Vec<Value> {
        stdout(&chatlore(&archive, &index, args)).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    let (listed, by_filter) = (lines(&["people", "--json"]), lines(&["people", "--json", "group:g"]));
    for p in &people.persons {
        let found = total(&engine, &format!("from:={}", p.label)) as u64;
        assert_eq!(p.messages, found, "{}", p.label);
        assert_eq!(f.people[&p.label], found, "{}", p.label);
        let of = |v: &[Value]| v.iter().find(|x| x["person"] == p.label.as_str()).cloned();
        assert_eq!(of(&listed).unwrap()["messages"], found, "people: {}", p.label);
        assert_eq!(of(&by_filter).unwrap()["matching_messages"], found, "people group:g: {}", p.label);
        if let Some(row) = stats["top_people"].as_array().unwrap().iter().find(|r| r[0] == p.label.as_str()) {
            assert_eq!(row[1], found, "stats: {}", p.label);
        }
    }
    assert_eq!(people.of("Ark").unwrap().messages, 4);
    // The browser: each insights row counts what its Enter (the chip) then finds.
    let mut app = common::tui::TestApp::new(&archive, &index, (120, 40));
    app.start();
    app.take_effects();
    app.update(Action::OpenInsights);
    let rows = app.insight_rows(InsightSection::Speakers);
    assert!(rows.iter().any(|r| r.label == "龚正" && r.count == 4), "{rows:?}");
    for r in &rows {
        assert_eq!(total(&engine, &r.filter.to_string()) as u64, r.count, "{}", r.label);
    }
}
