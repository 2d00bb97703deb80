//! Ranking on the real archive: substance first, copies folded, conversations spread, and
//! questions pasted whole. Skips (with a notice) where `../shared/archive` is missing.

mod common;

use chatlore::query::Query;
use chatlore::rank::substance;
use chatlore::search::{Engine, Hit, Page};
use std::sync::OnceLock;

/// An engine on an index of the real archive, built once for all the tests.
fn engine() -> Option<Engine> {
    static INDEX: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    let dir = INDEX
        .get_or_init(|| {
            let archive = common::real_archive_or_skip()?;
            let dir = tempfile::tempdir().unwrap();
            common::index(&archive, dir.path());
            Some(dir)
        })
        .as_ref()?;
    Some(Engine::open(dir.path()).unwrap())
}

fn top(engine: &Engine, q: &str, n: usize) -> (usize, Vec<Hit>) {
    let r = engine.search(&Query::parse(q).unwrap(), Page { limit: Some(n), ..Page::default() }).unwrap();
    (r.total, r.hits)
}

/// Each question's top ten holds at least `least` messages naming `subject`.
fn assert_top_ten_names(engine: &Engine, cases: &[(&str, &str, usize)]) {
    for &(question, subject, least) in cases {
        let (_, hits) = top(engine, question, 10);
        let naming = hits.iter().filter(|h| h.text.contains(subject)).count();
        let shown: Vec<_> = hits.iter().map(|h| (&h.path, h.line)).collect();
        assert!(naming >= least, "{question}: {naming} of the top ten name {subject}: {shown:?}");
    }
}

/// The messages (path, header line) a held-out set's judges (`benches/SET/qrels.tsv`) graded
/// one of `grades` for `need`.
fn judged(set: &str, need: &str, grades: &[&str]) -> Vec<(String, u32)> {
    let path = format!("{}/benches/{set}/qrels.tsv", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| match l.split('\t').collect::<Vec<_>>()[..] {
            [n, path, line, grade] if n == need && grades.contains(&grade) => {
                Some((path.to_owned(), line.parse().ok()?))
            }
            _ => None,
        })
        .collect()
}

/// For each (query, need, set, least): at least `least` of the query's top ten are messages the
/// set's judges graded on topic or substantive for the need.
fn assert_on_topic_in_top_ten(engine: &Engine, cases: &[(&str, &str, &str, usize)]) {
    for &(query, need, set, least) in cases {
        let (_, hits) = top(engine, query, 10);
        let found = among(&hits, &judged(set, need, &["1", "2"]));
        let shown: Vec<_> = hits.iter().map(|h| (&h.path, h.line)).collect();
        assert!(found >= least, "{query}: {found} of the top ten on topic: {shown:?}");
    }
}

/// How many of `hits` are among `messages` (path, header line).
fn among(hits: &[Hit], messages: &[(String, u32)]) -> usize {
    hits.iter().filter(|h| messages.iter().any(|(p, l)| *p == h.path && *l == h.line)).count()
}

const TERMS: &[&str] =
    &["套现", "二清", "幂等", "拒付", "四要素", "外卡收单", "对账文件", "反洗钱", "网联", "路由 成功率"];

#[test]
fn a_bare_term_never_makes_the_top_ten() {
    let Some(engine) = engine() else { return };
    for q in TERMS {
        let query_chars: u32 = q.split_whitespace().map(substance).sum();
        for h in top(&engine, q, 10).1 {
            let rest = substance(&h.text).saturating_sub(query_chars);
            assert!(rest >= 3, "{q}: a bare mention in the top ten: {:?}", h.text);
        }
    }
}

#[test]
fn copies_fold_on_a_page_while_totals_and_listings_keep_every_message() {
    let Some(engine) = engine() else { return };
    let q = Query::parse("网联").unwrap();
    let all = engine.search(&q, Page { limit: None, ..Page::default() }).unwrap();
    assert_eq!(all.hits.len(), all.total, "a full listing holds every message");
    assert!(all.hits.iter().all(|h| h.also.is_empty()));
    let paged = engine.search(&q, Page { limit: Some(all.total), ..Page::default() }).unwrap();
    assert_eq!(paged.total, all.total);
    let folded: usize = paged.hits.iter().map(|h| h.also.len()).sum();
    assert!(folded > 0, "the archive holds copies of 网联 messages under a second nickname");
    assert_eq!(paged.hits.len() + folded, all.total, "every message is a hit or folded into one");
    for h in paged.hits.iter().filter(|h| !h.also.is_empty()) {
        assert!(!h.also.contains(&h.speaker), "{h:?}");
        let json = serde_json::to_value(h).unwrap();
        assert_eq!(json["also"].as_array().map(Vec::len), Some(h.also.len()));
    }
}

#[test]
fn at_most_two_hits_of_a_conversation_in_a_top_ten() {
    let Some(engine) = engine() else { return };
    for q in TERMS {
        let (total, hits) = top(&engine, q, 10);
        if total < 30 {
            // Too few hits elsewhere to fill ten: held-back ones fill the page.
            continue;
        }
        for (i, h) in hits.iter().enumerate() {
            // The conversation of a hit: its discussion.
            let same = hits[..i].iter().filter(|o| o.discussion == h.discussion).count();
            assert!(same < 2, "{q}: a third hit of one conversation in the top ten: {}:{}", h.path, h.line);
        }
    }
}

#[test]
fn pages_continue_where_the_last_one_ended() {
    let Some(engine) = engine() else { return };
    let q = Query::parse("对账").unwrap();
    let twenty = engine.search(&q, Page { limit: Some(20), ..Page::default() }).unwrap().hits;
    let second = engine.search(&q, Page { limit: Some(10), offset: 10, ..Page::default() }).unwrap().hits;
    let key = |h: &Hit| (h.path.clone(), h.line);
    assert_eq!(twenty[10..].iter().map(key).collect::<Vec<_>>(), second.iter().map(key).collect::<Vec<_>>());
    // 停车's top is two talks (one day's 29 matches, another's 10, every message exported
    // twice): a page of ten ran out of its candidates while their hits waited for the next ten
    // and filled up with them, so it was not the top of a page of thirty.
    let q = Query::parse("停车").unwrap();
    let thirty = engine.search(&q, Page { limit: Some(30), ..Page::default() }).unwrap().hits;
    for offset in [0, 10, 20] {
        let page = engine.search(&q, Page { limit: Some(10), offset, ..Page::default() }).unwrap().hits;
        let shown: Vec<_> = page.iter().map(key).collect();
        assert_eq!(thirty[offset..offset + 10].iter().map(key).collect::<Vec<_>>(), shown, "停车 from {offset}");
    }
}

#[test]
fn a_question_pasted_whole_finds_messages_on_its_key_terms() {
    let Some(engine) = engine() else { return };
    // The last: no question word, under 16 characters, and the question mark an input method
    // types (which ends a term as a space does) is what makes it a question.
    for question in [
        "长款短款差错怎么处理",
        "什么是二清，平台型业务分账怎么避免二清风险",
        "信用卡套现怎么识别和防控",
        "对账文件一般几点能下载？",
    ] {
        let (total, hits) = top(&engine, question, 10);
        assert!(total > 0 && hits.len() == 10, "{question}: {total} hits");
        assert!(!hits[0].highlights.is_empty(), "{question}: the key terms are highlighted");
    }
    let q = Query::parse("信用卡套现怎么识别和防控").unwrap();
    let facets = engine.facets(&q).unwrap();
    assert_eq!(facets.total as usize, top(&engine, "信用卡套现怎么识别和防控", 1).0, "facets count what search finds");
    let (_, hits) = top(&engine, "信用卡套现怎么识别和防控", 10);
    assert!(hits.iter().filter(|h| h.text.contains("套现")).count() >= 8, "the subject of the question leads");
}

/// A message naming a pasted question's key terms again is about them: for 冲正是什么，什么情况下
/// 要发起冲正 (held-out need H10), the rules of 冲正 in an accounting system (naming it nine
/// times, graded 2) enter the top ten; by cover and substance alone it ranked 14th.
#[test]
fn a_message_naming_a_pasted_questions_key_terms_again_enters_the_top_ten() {
    let Some(engine) = engine() else { return };
    let (_, hits) = top(&engine, "冲正是什么，什么情况下要发起冲正", 10);
    let at = |path: &str, line: u32| hits.iter().position(|h| h.path.ends_with(path) && h.line == line);
    assert!(
        at("2017-06-26-chat.markdown", 1341).is_some(),
        "{:?}",
        hits.iter().map(|h| (&h.path, h.line)).collect::<Vec<_>>()
    );
}

/// A question's subject searched as typed is fused with the question's ranking: for 什么是二清，
/// 平台型业务分账怎么避免二清风险 (dev need N09, naming 二清 twice) the remarks that only name it
/// (你这个场景肯定需要避免二清, 资金二清风险) and a bank's wallet product (graded 0) leave the top ten,
/// and answers on when a platform or an aggregator does 二清 and how to avoid it (graded 2)
/// enter it. (One more graded-2 answer, 2018-04-13:1129 on an internal transit account, left
/// the top ten when the subject's typed run began to rank by its discussion's matches.)
#[test]
fn a_pasted_questions_subject_leads_its_top_ten() {
    let Some(engine) = engine() else { return };
    let (_, hits) = top(&engine, "什么是二清，平台型业务分账怎么避免二清风险", 10);
    let at = |path: &str, line: u32| hits.iter().position(|h| h.path.ends_with(path) && h.line == line);
    let shown: Vec<_> = hits.iter().map(|h| (&h.path, h.line)).collect();
    for (path, line) in
        [("2018-05-04-chat.markdown", 513), ("2017-06-01-chat.markdown", 1473), ("2018-04-14-chat.markdown", 241)]
    {
        assert!(at(path, line).is_none(), "{path}:{line} in {shown:?}");
    }
    for (path, line) in
        [("2017-07-18-chat.markdown", 925), ("2017-11-23-chat.markdown", 349), ("2017-07-04-chat.markdown", 253)]
    {
        assert!(at(path, line).is_some(), "{path}:{line} not in {shown:?}");
    }
}

/// A question about jargon the glossary lacks (分期, 黑名单), written two or three times: it was
/// ranked by the cover of its other words (手续费, 退款, 订单; 支付, 风控, 商户), so messages on
/// refunds, a shift report, a job offer or a licence list led, none naming the subject. The key
/// it writes most often is its subject now, searched as typed and fused.
#[test]
fn a_pasted_questions_key_written_twice_leads_its_top_ten() {
    let Some(engine) = engine() else { return };
    type Lines = &'static [(&'static str, u32)];
    let cases: [(&str, &str, Lines, Lines); 2] = [
        (
            "消费分期业务怎么做，分期的利息和手续费怎么算，分期订单退款怎么处理",
            "分期",
            &[("2018-04-25-chat.markdown", 689), ("2017-06-09-chat.markdown", 1461), ("2017-07-03-chat.markdown", 657)],
            &[("2018-05-03-chat.markdown", 381), ("2017-07-11-chat.markdown", 309), ("2017-12-17-chat.markdown", 1245)],
        ),
        (
            "支付风控的黑名单怎么建、怎么用（商户、持卡人、反电信欺诈黑名单），监管对黑名单有什么要求",
            "黑名单",
            &[("2018-01-16-chat.markdown", 689), ("2017-12-28-chat.markdown", 681), ("2017-07-06-chat.markdown", 73)],
            &[("2017-08-03-chat.markdown", 725)],
        ),
    ];
    for (question, subject, out, inside) in cases {
        let (_, hits) = top(&engine, question, 10);
        let at = |path: &str, line: u32| hits.iter().position(|h| h.path.ends_with(path) && h.line == line);
        let shown: Vec<_> = hits.iter().map(|h| (&h.path, h.line)).collect();
        for &(path, line) in out {
            assert!(at(path, line).is_none(), "{subject}: {path}:{line} in {shown:?}");
        }
        for &(path, line) in inside {
            assert!(at(path, line).is_some(), "{subject}: {path}:{line} not in {shown:?}");
        }
        let naming = hits.iter().filter(|h| h.text.contains(subject)).count();
        assert!(naming >= 8, "{subject}: {naming} of the top ten name it");
    }
}

/// A question naming a glossary entry twice in a side question was fused with that entry's
/// ranking even where it wrote another key more often: H36 of the fourth held-out set (押金
/// four times, 退款 twice inside 原路退款) had no message on deposits in its top ten. The key
/// written more often is its subject: its top ten name 押金, and two messages graded 2 (the
/// deposit refunded through 代付 or the original route, the deposit as prepaid money) are in it.
#[test]
fn a_pasted_question_is_about_the_key_it_writes_more_often_than_any_entry() {
    let Some(engine) = engine() else { return };
    let question = "押金业务（共享单车、租借设备）的押金怎么收和退（超过原路退款期限怎么办，走原路退款还是代付），\
                    押金算不算预付费、平台能不能动用押金";
    let (_, hits) = top(&engine, question, 10);
    let shown: Vec<_> = hits.iter().map(|h| (&h.path, h.line)).collect();
    for (path, line) in [("2018-01-16-chat.markdown", 117), ("2017-06-05-chat.markdown", 413)] {
        assert!(hits.iter().any(|h| h.path.ends_with(path) && h.line == line), "{path}:{line} not in {shown:?}");
    }
    let naming = hits.iter().filter(|h| h.text.contains("押金")).count();
    assert!(naming >= 8, "{naming} of the top ten name 押金: {shown:?}");
}

/// A question writing its subject two to five times was fused with nothing where that key
/// weighed under half the heaviest (报送, 缓存, 征信: the weight carries the vocabulary factor), or
/// where jieba cut it (资金池 is 资金 + 池). A key in at most one message in a hundred, grown
/// into the string the question repeats around it, is the subject now: most of the top ten
/// name it (main before: 3, 1, 4 and 1 of ten).
#[test]
fn a_pasted_questions_rare_or_cut_subject_leads_its_top_ten() {
    let Some(engine) = engine() else { return };
    let cases = [
        ("支付机构要向人行和监管报送哪些数据（反洗钱大额可疑交易、备付金、特约商户信息、征信），一般怎么报送", "报送", 9),
        ("支付系统里哪些数据适合放缓存（渠道配置、订单、账户余额、token），缓存和数据库数据不一致时怎么保证查到的是对的", "缓存", 7),
        ("国内征信体系是怎样的（人行征信、百行、备案的个人征信机构），做信贷风控时能用哪些征信数据，哪些贷款上征信", "征信", 9),
        ("平台先把用户或商户的钱收到自己账户再结算算不算资金池，监管为什么禁止资金池，平台怎么避免形成资金池", "资金池", 5),
    ];
    assert_top_ten_names(&engine, &cases);
}

/// The same question asked with 如何 or 可以 where it asked with 怎么: its key grew into the
/// question's wording (押金如何, 押金可以, in no message), so it had no subject, and its top ten
/// held 3 and 2 messages naming 押金 (10 of ten asked with 怎么). A key grows into no question
/// word and no string the archive lacks, nor into a piece of one (金必须 of 押金必须: 6 of ten).
#[test]
fn a_pasted_questions_wording_around_its_key_is_not_its_subject() {
    let Some(engine) = engine() else { return };
    let cases = [
        ("押金如何收取，押金如何退还，平台能不能动用", "押金", 8),
        ("押金可以挪用吗，押金可以不退吗", "押金", 8),
        ("押金必须怎么定，押金必须怎么处理", "押金", 8),
    ];
    assert_top_ten_names(&engine, &cases);
}

/// A question that repeats nothing had nothing fused, and messages covering its other words
/// (监管, 风险, 限额, 扫码; 合规, 机构; 设计, 展示) led. Its first two rare keys are fused now,
/// each at half the weight of a repeated subject: more of the top ten name what it asks about
/// (main before: 3 of ten for 条码支付, 6 for 聚合支付, 8 for 收银台), and a modifier written
/// first does not take over (信用卡套现: 信用卡 and 套现 both fused, every one names 套现).
#[test]
fn a_pasted_questions_first_rare_keys_lead_where_it_repeats_nothing() {
    let Some(engine) = engine() else { return };
    let cases = [
        ("条码支付（付款码、扫码）有什么监管要求（风险等级、限额、验证方式）", "条码支付", 6),
        ("聚合支付合规吗，和持牌收单机构是什么关系", "聚合支付", 8),
        ("收银台怎么设计，展示哪些支付方式", "收银台", 10),
        ("信用卡套现怎么识别和防控", "套现", 10),
    ];
    assert_top_ten_names(&engine, &cases);
}

/// A typed hit rises with its discussion's matches (`chatlore::rank::together`): a message
/// among a talk about the term outranks a remark naming it in passing or in another sense.
/// Counted with the held-out judges' grades (`benches/heldout*/qrels.tsv`, hits graded on
/// topic or substantive; a hit nobody graded counts as neither). Before, 收银台's top ten held
/// 6 such hits, 充值's 5, NFC's 6. (One of NFC's talks is on a day of the log exported twice:
/// with its copies counted as matches its top ten held 8; a copy counted once, 7.)
#[test]
fn a_typed_searchs_top_ten_is_led_by_talks_about_the_term() {
    let Some(engine) = engine() else { return };
    assert_on_topic_in_top_ten(
        &engine,
        &[("收银台", "H17", "heldout2", 8), ("充值", "H76", "heldout8", 7), ("NFC", "H91", "heldout10", 7)],
    );
}

/// A typed hit rises with its quality (`chatlore::rank::quality_among`, a model learned from the
/// judgments): what a payments PM would read outranks chatter in the term's words. Counted as
/// above. Before, 汇率's top ten held 7 such hits, 区块链's 6, 查询's 4 (these judgments are
/// among those the model learned from; `benches/quality27-variants.md` measures it on needs it
/// did not).
#[test]
fn a_typed_searchs_top_ten_is_led_by_what_a_pm_would_read() {
    let Some(engine) = engine() else { return };
    assert_on_topic_in_top_ten(
        &engine,
        &[("汇率", "H35", "heldout4", 9), ("区块链", "H62", "heldout7", 8), ("查询", "H154", "heldout16", 8)],
    );
}

/// The quality a typed search adds outweighs a little more substance: of two lone remarks
/// naming 对账文件 first, the one in the words of a payments answer (银行, 收单, 接口, 失败)
/// outranks a longer and newer one in the words of chatter (大家, 群里, 哈哈, 分享) — which
/// leads without it (more substance, and newer on a tie). No real archive needed.
#[test]
fn a_remark_in_the_words_of_an_answer_outranks_a_longer_one_in_the_words_of_chatter() {
    let (archive, index) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (answer, chatter) = ("对账文件 银行收单商户接口如果失败", "对账文件 大家群里哈哈分享市场发展真好啊");
    assert!(substance(chatter) > substance(answer));
    let no_one: &[&str] = &[];
    let (qa, qc) = (chatlore::rank::quality_among(answer, no_one), chatlore::rank::quality_among(chatter, no_one));
    assert!(qa - qc > 1.0, "qualities {qa} and {qc}");
    common::write(
        archive.path(),
        "proddev/_posts/2018-01-01-chat.markdown",
        common::log("2018-01-01", &[("10:00:00", "甲", answer)]),
    );
    common::write(
        archive.path(),
        "proddev/_posts/2018-01-02-chat.markdown",
        common::log("2018-01-02", &[("10:00:00", "乙", chatter)]),
    );
    common::index(archive.path(), index.path());
    let engine = Engine::open(index.path()).unwrap();
    let (total, hits) = top(&engine, "对账文件", 10);
    let texts: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
    assert_eq!((total, texts), (2, vec![answer, chatter]));
}

/// What the user typed comes before what the glossary added: for a term with synonyms and
/// plenty of messages holding it as typed, most of the top ten hold the typed form.
#[test]
fn the_typed_form_outranks_its_glossary_synonyms() {
    let Some(engine) = engine() else { return };
    for q in ["对账文件", "拒付", "外卡收单", "套现"] {
        let typed = engine.search(&Query::parse(&format!("={q}")).unwrap(), Page::default()).unwrap().total;
        let (total, hits) = top(&engine, q, 10);
        assert!(total > typed, "{q}: the glossary adds messages ({total} vs {typed} as typed)");
        let holding = hits.iter().filter(|h| h.text.to_lowercase().contains(q)).count();
        assert!(holding >= 8, "{q}: only {holding} of the top ten hold the typed form");
    }
}

/// A glossary form that spells the typed word another way (Ⅱ类户 for 二类户) ranks as typed,
/// and two typed forms of one concept (`长款 短款`) rank as one term, so answers that say the
/// concept otherwise (长短款, 差错) reach the top ten. Before, the top ten of `二类户` held no
/// message spelling it Ⅱ类户 only, and that of `长款 短款` one substantive answer (as the
/// held-out judges graded them): one-liners contrasting the two words came first.
#[test]
fn spellings_and_forms_of_one_concept_rank_as_typed() {
    let Some(engine) = engine() else { return };
    let (_, hits) = top(&engine, "二类户", 10);
    let spelt = hits.iter().filter(|h| h.text.contains("Ⅱ类户") && !h.text.contains("二类户")).count();
    assert!(spelt >= 1, "二类户: no message spelling it Ⅱ类户 in the top ten");
    let (_, hits) = top(&engine, "长款 短款", 10);
    let found = among(&hits, &judged("heldout", "H02", &["2"]));
    assert!(found >= 3, "长款 短款: {found} substantive answers in the top ten");
}

/// The kind of every message of the hand-labelled days (`../shared/eval/discussions`) as
/// chatlore's spans give it, against the labels: most agree, and chatter is found at all
/// (before banter was told apart, none of the labelled chatter was).
#[test]
fn chatter_is_told_from_discussions_on_the_labelled_days() {
    let Some(engine) = engine() else { return };
    let Some(archive) = common::real_archive_or_skip() else { return };
    let labels = archive.join("../eval/discussions");
    let Ok(files) = std::fs::read_dir(&labels) else {
        assert!(!common::require_shared(), "the labelled days are expected at {}", labels.display());
        return;
    };
    let (mut messages, mut agree, mut chatter, mut chatter_found) = (0, 0, 0, 0);
    for file in files {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        let spans: Vec<(String, u32, u32, String)> = text
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some((f.first()?.to_string(), f.get(1)?.parse().ok()?, f.get(2)?.parse().ok()?, f.get(3)?.to_string()))
            })
            .collect();
        let path = &spans[0].0;
        let (group, date) = (path.split('/').next().unwrap(), &path[path.len() - 24..path.len() - 14]);
        let day = Query::parse(&format!("group:{group} date:{date}")).unwrap();
        let ours = engine.discussions(&day, None, chatlore::search::Sort::Oldest).unwrap().discussions;
        for hit in engine.search(&day, Page { limit: None, ..Page::default() }).unwrap().hits {
            let label = spans.iter().find(|s| s.1 <= hit.line && hit.line <= s.2).map(|s| s.3.as_str());
            let kind = ours
                .iter()
                .find(|d| d.discussion.start_line <= hit.line && hit.line <= d.discussion.end_line)
                .map(|d| d.discussion.kind.as_str());
            messages += 1;
            agree += usize::from(label == kind);
            chatter += usize::from(label == Some("chatter"));
            chatter_found += usize::from(label == Some("chatter") && kind == Some("chatter"));
        }
    }
    assert!(messages > 500, "{messages} labelled messages");
    let share = agree as f64 / messages as f64;
    eprintln!(
        "labelled days: kind agrees on {agree} of {messages} messages; chatter found {chatter_found} of {chatter}"
    );
    assert!(share >= 0.90, "kind agrees on {agree} of {messages} messages");
    assert!(chatter_found * 5 >= chatter * 2, "chatter found for {chatter_found} of {chatter} chatter messages");
}

/// A talk drowned in reactions (`[强]` from fifty people, then thanks) is a discussion: its
/// statements are found by `discussions`, not ranked as chatter.
#[test]
fn a_talk_among_many_reactions_is_a_discussion() {
    let Some(engine) = engine() else { return };
    let day = Query::parse("group:proddev date:2017-07-03").unwrap();
    let spans = engine.discussions(&day, None, chatlore::search::Sort::Oldest).unwrap().discussions;
    // The talk's message on its cashier's collection requirements (收款方面).
    let talk = spans.iter().find(|d| d.discussion.start_line <= 657 && 657 <= d.discussion.end_line).unwrap();
    assert_eq!(talk.discussion.kind.as_str(), "discussion", "{:?}", talk.discussion.title);
    assert!(talk.discussion.messages > 40);
}

/// The text match does not outweigh what a message says: BM25 favours a short remark that
/// names the term twice, and the substance prior must still put a long statement of the rules
/// above it. Judged by hand for 反洗钱 (`benches/qrels-extra.tsv`): the rules for barcode
/// payments (2018-01-11, line 689, graded 2) against "因为这里面从反洗钱角度还是有反洗钱风险的"
/// (2018-04-08, line 893, graded 1).
#[test]
fn a_statement_of_substance_outranks_a_short_remark_repeating_the_term() {
    let Some(engine) = engine() else { return };
    let (_, hits) = top(&engine, "反洗钱", 40);
    let at = |path: &str, line: u32| hits.iter().position(|h| h.path.ends_with(path) && h.line == line);
    let rules = at("2018-01-11-chat.markdown", 689).expect("the rules are in the top 40");
    let remark = at("2018-04-08-chat.markdown", 893).unwrap_or(hits.len());
    assert!(rules < remark, "rules at {rules}, the remark at {remark}");
}

/// A term the glossary expands takes off a message only its typed form's characters: a short
/// statement holding it ("外卡收单主要针对出口场景") is not scored as a bare mention, which
/// sinks 100 below everything (taking off the synonyms' characters too, 12 for 外卡收单, sank it).
#[test]
fn a_short_statement_of_an_expanded_term_is_not_taken_for_a_bare_one() {
    let Some(engine) = engine() else { return };
    for q in ["外卡收单", "对账文件", "拒付"] {
        let all = engine.search(&Query::parse(q).unwrap(), Page { limit: None, ..Page::default() }).unwrap();
        let short: Vec<&Hit> = all
            .hits
            .iter()
            .filter(|h| h.text.contains(q) && (3..12).contains(&substance(&h.text).saturating_sub(substance(q))))
            .collect();
        assert!(!short.is_empty(), "{q}: the archive holds short statements of the term");
        for h in short {
            assert!(h.score > -50.0, "{q}: {:?} scored as bare ({})", h.text, h.score);
        }
    }
}

#[test]
fn near_messages_come_from_discussions_holding_every_term_and_are_not_hits() {
    let Some(engine) = engine() else { return };
    let all = |q: &str| engine.search(&Query::parse(q).unwrap(), Page { limit: None, ..Page::default() }).unwrap().hits;
    let discussions_of = |q: &str| all(q).into_iter().map(|h| h.discussion).collect::<std::collections::HashSet<_>>();
    let (routing, rate) = (discussions_of("路由"), discussions_of("成功率"));
    let hits: Vec<(String, u32)> = all("路由 成功率").into_iter().map(|h| (h.path, h.line)).collect();
    assert!(hits.len() < 10, "the archive changed: {} hits", hits.len());
    assert_eq!(hits.len(), 6, "README, Ranking: `路由 成功率`: six in the real archive");
    let near = engine.near(&Query::parse("路由 成功率").unwrap(), 10 - hits.len()).unwrap();
    assert_eq!(near.len(), 10 - hits.len(), "the page is filled");
    for h in &near {
        assert!(routing.contains(&h.discussion) && rate.contains(&h.discussion), "{}: {}", h.discussion, h.text);
        assert!(!hits.contains(&(h.path.clone(), h.line)), "a hit shown again as near: {}", h.text);
        assert!(h.near && !h.highlights.is_empty());
    }
}

/// A long text that names the term once says about it what the text near the mention says
/// (`rank::passing`): for 预付卡, a regulation that lists it once among the licence types
/// (2017-12-28, line 681; judged 0 for the held-out need H09 in `benches/heldout`) led the
/// page before the rule and is now out of the top ten, below the answers about prepaid cards.
#[test]
fn a_long_text_naming_the_term_once_is_not_in_the_top_ten() {
    let Some(engine) = engine() else { return };
    let (_, hits) = top(&engine, "预付卡", 10);
    assert_eq!(hits.len(), 10);
    let listing = hits.iter().position(|h| h.path.ends_with("2017-12-28-chat.markdown") && h.line == 681);
    assert_eq!(listing, None, "{:?}", hits.iter().map(|h| &h.text).collect::<Vec<_>>());
}

/// The held-out judgments (every `benches/heldout*` set) name needs of their needs file and
/// messages of the real archive: each judged line is a message header of its log, judged once,
/// graded 0 to 2.
#[test]
fn the_held_out_judgments_name_messages_of_the_archive() {
    let Some(archive) = common::real_archive_or_skip() else { return };
    let benches = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
    let mut sets: Vec<_> = std::fs::read_dir(&benches)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("heldout") && p.join("qrels.tsv").exists())
        .collect();
    sets.sort();
    assert!(sets.len() >= 26, "{sets:?}");
    let ids_of = |path: std::path::PathBuf| -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.lines().skip(1).map(|l| l.split('\t').next().unwrap().to_owned()).collect()
    };
    for dir in sets {
        let ids = ids_of(dir.join("needs.tsv"));
        assert!((8..=10).contains(&ids.len()), "{dir:?}: {ids:?}");
        // Needs left out of a set after it was judged keep their rows (heldout24).
        let excluded = ids_of(dir.join("needs-excluded.tsv"));
        let qrels = std::fs::read_to_string(dir.join("qrels.tsv")).unwrap();
        let mut seen = std::collections::HashSet::new();
        let mut judged = 0;
        for line in qrels.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 4, "{dir:?}: {line}");
            assert!(ids.iter().chain(&excluded).any(|i| i == f[0]), "{dir:?}: {line}: unknown need");
            assert!(["0", "1", "2"].contains(&f[3]), "{dir:?}: {line}: grade");
            assert!(seen.insert((f[0], f[1], f[2])), "{dir:?}: {line}: judged twice");
            let log = std::fs::read_to_string(archive.join(f[1])).unwrap_or_else(|e| panic!("{line}: {e}"));
            let at: usize = f[2].parse().unwrap();
            let header = log.lines().nth(at - 1).unwrap_or_default();
            assert!(header.starts_with("> ") && header.as_bytes().get(4) == Some(&b':'), "{dir:?}: {line}: {header:?}");
            judged += 1;
        }
        assert!(judged >= 30 * ids.len(), "{dir:?}: {judged} judgments");
    }
}
