//! The topic taxonomy (YAML: a compiled-in default, overridable by `<archive>/topics.yaml`)
//! and the tagger that gives each message its topic ids at index time.

use crate::normalise::fold;
use crate::text::{is_word_char, mention_spans_among, quote_speaker_spans};
use crate::yaml;
use aho_corasick::{AhoCorasick, MatchKind};
use std::path::Path;

/// The taxonomy compiled into the binary.
pub const DEFAULT_YAML: &str = include_str!("topics.yaml");
/// The file name that overrides the default inside an archive folder.
pub const FILE_NAME: &str = "topics.yaml";

/// The tagger's version, part of the index's fingerprint: a change in how messages are tagged
/// (not only in the taxonomy) rebuilds an index tagged the old way. 2: nicknames with spaces of
/// the log are whole mentions ([`Taxonomy::tag_day`]). 3: a message holding an off-topic word
/// carries no topic ([`Taxonomy::tag_among`]).
pub const TAGGER_VERSION: u32 = 3;

/// One topic.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct Topic {
    pub id: String,
    /// Chinese label.
    pub zh: String,
    /// English label.
    pub en: String,
    pub keywords: Vec<String>,
    /// Longer words inside which a keyword does not count (`资金监管` for `监管`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
}

#[derive(serde::Deserialize)]
struct File {
    topics: Vec<Topic>,
    /// Words that make a message about something else whatever else it holds (a job ad, a
    /// group's rules): it carries no topic.
    #[serde(default)]
    off_topic: Vec<String>,
}

/// What a pattern of the matcher is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    /// A keyword of the topic of this index.
    Keyword(usize),
    /// A longer word inside which a keyword does not count.
    Exclude,
    /// A word that leaves the message without a topic.
    OffTopic,
}

/// Above this many characters, a message needs two keyword occurrences of a topic to carry it.
const LONG_MESSAGE_CHARS: usize = 120;

/// Topics plus a compiled matcher over all their keywords.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub topics: Vec<Topic>,
    /// The YAML the taxonomy came from (part of the index's fingerprint).
    pub source: String,
    matcher: AhoCorasick,
    /// Each pattern, and whether its edges need word boundaries.
    patterns: Vec<(Pattern, bool, bool)>,
}

impl Taxonomy {
    /// The compiled-in taxonomy.
    pub fn builtin() -> Taxonomy {
        Taxonomy::from_yaml(DEFAULT_YAML, Path::new("<built-in topics.yaml>"))
            .unwrap_or_else(|e| unreachable!("the built-in taxonomy is checked by a test: {e}"))
    }

    /// `<archive>/topics.yaml` if present, else the built-in taxonomy; when the file cannot be
    /// used, the built-in taxonomy and a warning saying why (`index` and `export` both go on
    /// this way). `follow`: read it through a symbolic link leading outside the archive.
    pub fn for_archive(archive: &Path, follow: bool) -> (Taxonomy, Option<crate::archive::Warning>) {
        crate::archive::yaml_file(
            archive,
            FILE_NAME,
            follow,
            Taxonomy::from_yaml,
            (Taxonomy::builtin, "using the built-in topics"),
        )
    }

    /// Parses and checks a taxonomy (`path` is only for messages).
    pub fn from_yaml(text: &str, path: &Path) -> Result<Taxonomy, yaml::FileError> {
        let file: File = yaml::from_file(text, path, "a valid topic taxonomy")?;
        let invalid = |reason: String| yaml::FileError::invalid(path, reason);
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
        let each_topic = file.topics.iter().enumerate().flat_map(|(ti, t)| {
            let keywords = t.keywords.iter().map(move |k| (Pattern::Keyword(ti), k));
            keywords.chain(t.exclude.iter().map(|k| (Pattern::Exclude, k)))
        });
        for (pattern, k) in each_topic.chain(file.off_topic.iter().map(|k| (Pattern::OffTopic, k))) {
            let k = fold(k.trim());
            if k.is_empty() {
                continue;
            }
            let first = k.chars().next().is_some_and(is_word_char);
            let last = k.chars().next_back().is_some_and(is_word_char);
            patterns.push((pattern, first, last));
            words.push(k);
        }
        let matcher = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Taxonomy { topics: file.topics, source: text.to_owned(), matcher, patterns })
    }

    /// The topics of each message of `day` ([`Taxonomy::tag_among`] the nicknames with white
    /// space that posted in it): a log's tags depend on the log alone, so indexing only the
    /// logs that changed tags as a rebuild does.
    pub fn tag_day(&self, day: &crate::archive::Day) -> Vec<Vec<&str>> {
        let spaced = day.spaced_speakers();
        day.messages.iter().map(|m| self.tag_among(&m.text, &spaced)).collect()
    }

    /// The ids of the topics whose keywords occur in `text` (outside @mentions and the speaker
    /// headers of quotes), both folded ([`crate::normalise`]), in taxonomy order; none when an
    /// off-topic word occurs there (a job ad is not about the payments words it names).
    pub fn tag(&self, text: &str) -> Vec<&str> {
        self.tag_among(text, &[])
    }

    /// [`Taxonomy::tag`], where `known` nicknames with white space are whole mentions (see
    /// [`crate::text::mention_spans_among`]).
    pub fn tag_among(&self, text: &str, known: &[&str]) -> Vec<&str> {
        // Mentions are found before folding, which would make a `？` the `?` that ends one; the
        // message's length still counts them.
        let (folded, chars) = if text.contains('@') {
            (fold(&blank(text, &mention_spans_among(text, known))), fold(text).chars().count())
        } else {
            let folded = fold(text);
            let chars = folded.chars().count();
            (folded, chars)
        };
        let text = folded.as_str();
        let mut skip = if text.contains('「') { quote_speaker_spans(text) } else { Vec::new() };
        let matches: Vec<_> = self.matcher.find_overlapping_iter(text).collect();
        skip.extend(
            matches.iter().filter(|m| self.patterns[m.pattern().as_usize()].0 == Pattern::Exclude).map(|m| m.range()),
        );
        // Keyword occurrences per topic (overlapping ones count once: 对账 inside 对账单).
        let mut seen: Vec<Vec<std::ops::Range<usize>>> = vec![Vec::new(); self.topics.len()];
        for m in matches {
            let (pattern, first, last) = self.patterns[m.pattern().as_usize()];
            let topic = match pattern {
                Pattern::Keyword(topic) => Some(topic),
                Pattern::OffTopic => None,
                Pattern::Exclude => continue,
            };
            if skip.iter().any(|r| r.start <= m.start() && m.end() <= r.end)
                || topic.is_some_and(|t| seen[t].iter().any(|r| r.start < m.end() && m.start() < r.end))
            {
                continue;
            }
            let before_ok = !first || !text[..m.start()].chars().next_back().is_some_and(is_word_char);
            let after_ok = !last || !text[m.end()..].chars().next().is_some_and(is_word_char);
            if before_ok && after_ok {
                match topic {
                    Some(t) => seen[t].push(m.range()),
                    None => return Vec::new(),
                }
            }
        }
        // One passing mention in a long message is not what the message is about.
        let needed = if chars > LONG_MESSAGE_CHARS { 2 } else { 1 };
        self.topics.iter().zip(seen).filter(|(_, s)| s.len() >= needed).map(|(t, _)| t.id.as_str()).collect()
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

/// `text` with each of `spans` (in order, not overlapping) replaced by one space.
fn blank(text: &str, spans: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in spans {
        out.push_str(&text[at..r.start]);
        out.push(' ');
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The topic a user means by `name`, compared folded and without separators (`crossborder`
/// is `cross-border`): its id or a label; else the one topic whose id or label contains it
/// (`风控` → 风控反洗钱, `对账` → 对账差错); else the first topic with it as a keyword.
pub fn resolve<'a>(topics: &'a [Topic], name: &str) -> Option<&'a Topic> {
    let key = |s: &str| fold(s).chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let n = key(name);
    if n.is_empty() {
        return None;
    }
    let names = |t: &Topic| [key(&t.id), key(&t.zh), key(&t.en)];
    if let Some(t) = topics.iter().find(|t| names(t).contains(&n)) {
        return Some(t);
    }
    let partial: Vec<&Topic> = topics.iter().filter(|t| names(t).iter().any(|s| s.contains(&n))).collect();
    if let [t] = partial.as_slice() {
        return Some(t);
    }
    topics.iter().find(|t| t.keywords.iter().any(|k| key(k) == n))
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

    /// README, Topics: "Fourteen topics: routing, cross-border, …, architecture." names every
    /// topic of the built-in taxonomy, in its order, and counts them.
    #[test]
    fn the_readme_names_every_builtin_topic() {
        let readme = include_str!("../README.md");
        let taxonomy = Taxonomy::builtin();
        let ids: Vec<&str> = taxonomy.topics.iter().map(|t| t.id.as_str()).collect();
        let count = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven"]
            .into_iter()
            .chain(["Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"])
            .nth(ids.len())
            .expect("a count the README can spell");
        let sentence = format!("{count} topics: {}.", ids.join(", "));
        let one_line = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(one_line.contains(&sentence), "README does not say: {sentence}");
    }

    #[test]
    fn tags_by_keyword_in_taxonomy_order() {
        let t = Taxonomy::builtin();
        assert_eq!(t.tag("网联断直连以后，通道路由怎么做？"), vec!["routing", "netsunion"]);
        assert_eq!(t.tag("结售汇要报外管局"), vec!["cross-border", "licensing"]);
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
        // The export wrote U+2005 as `?`: the message after it still counts.
        assert_eq!(t.tag("@聚合支付_程昱?路由怎么做"), vec!["routing"]);
        assert_eq!(t.tag("@程昱 聚合支付怎么做"), vec!["qr"]);
    }

    #[test]
    fn exclusions_folding_and_new_keywords() {
        let t = Taxonomy::builtin();
        assert!(t.tag("资金监管账户").is_empty());
        assert_eq!(t.tag("监管发文了"), vec!["licensing"]);
        assert!(t.tag("这是个人行为").is_empty());
        assert_eq!(t.tag("人民银行"), vec!["licensing"]);
        assert!(t.tag("过于强调单兵能力").is_empty());
        assert_eq!(t.tag("結售匯"), vec!["cross-border"]);
        assert_eq!(t.tag("Ⅱ类户怎么开"), vec!["accounts"]);
        assert_eq!(t.tag("异地双活"), vec!["architecture"]);
        assert_eq!(t.tag("D0出款"), vec!["clearing"]);
        assert!(t.tag("我们的营销渠道").is_empty());
        let long = format!("{}退款{}", "接口".repeat(70), "。");
        assert!(t.tag(&long).is_empty());
        assert_eq!(t.tag(&format!("{long}退款")), vec!["refunds"]);
    }

    /// Messages of the real archive the 2026-12 judgments (tests/data/topic-judgments-2026-12.tsv,
    /// first sample) found wrongly tagged or missed; each rule was counted over the whole archive
    /// (BENCHMARKS.md, Topics).
    #[test]
    fn rules_from_the_2026_12_judgments() {
        let t = Taxonomy::builtin();
        // 签约 is any contract; oracle the employer as often as the database; 51信用卡 a company.
        assert!(t.tag("你的说清楚。我们支付平台做的 都是快捷四要素签约。不存在你说的 2步说法").is_empty());
        assert!(t.tag("看签约渠道。正常快捷退款，是退手续费的；网关退款，不退手续费").contains(&"refunds"));
        assert!(!t.tag("看签约渠道。正常快捷退款，是退手续费的；网关退款，不退手续费").contains(&"collection"));
        assert!(t.tag("我现在还有个哥们儿在oracle写代码，都40岁了").is_empty());
        assert!(t.tag("可以参考51信用卡app").is_empty());
        assert_eq!(t.tag("信用卡预授权"), vec!["cards"]);
        assert_eq!(t.tag("最后是否给用户发签约关系短信还是要看银行吧？"), vec!["collection"]);
        // Words a payments PM uses that no keyword caught.
        assert_eq!(t.tag("只要不是支付账号就行"), vec!["accounts"]);
        assert_eq!(t.tag("外部户和内部户"), vec!["accounts"]);
        assert_eq!(t.tag("银行是微信大商户，易宝是银行的大商户"), vec!["acquiring"]);
        assert_eq!(t.tag("超级网银额度上限是5w？"), vec!["clearing"]);
        assert_eq!(t.tag("@张泽雄-民生金服-研发-北京 嗯，对的，被人诈骗了200万"), vec!["risk"]);
        assert_eq!(t.tag("这个是PCI-DSS对网络架构方面的要求吧"), vec!["cards"]);
        assert_eq!(t.tag("我们正好刚对应完PCIDSS level1"), vec!["cards"]);
        assert_eq!(t.tag("举一反三：不停机分库分表迁移"), vec!["architecture"]);
        assert_eq!(t.tag("主要是担心二清，想了半天也就内部过渡户能解决这个问题"), vec!["clearing", "accounts"]);
    }

    /// From the second 2026-12 sample: a quoted message's speaker header names a person (the
    /// UnionPay in `龚晓冬-银联-产品-上海` is her employer); the payments and clearing association is
    /// not clearing; 刷卡 is a bus or campus card as often as a POS.
    #[test]
    fn rules_from_the_second_2026_12_sample() {
        let t = Taxonomy::builtin();
        let quoted =
            "「 龚晓冬-银联-产品-上海: 不过还有一条，III类户的余额时点不能超过2000元 」 - - - - - 这个我看到了";
        assert_eq!(t.tag(quoted), vec!["accounts"]);
        assert_eq!(t.tag("「 甲: 银联的码 」 - - - 对"), vec!["cards"]);
        assert_eq!(t.tag("合规，在支付清算协会都讨论过了"), vec!["licensing"]);
        assert_eq!(t.tag("支付清算协会发布了清算规则"), vec!["clearing"]);
        assert!(t.tag("可以控制图书馆必须刷卡，可以利用刷卡点名").is_empty());
        assert_eq!(t.tag("智能POS也可以直接刷卡"), vec!["acquiring"]);
        assert_eq!(t.tag("参照刷卡手续费定价"), vec!["acquiring"]);
    }

    /// Session 11 (issue 11, item 5): a nickname with spaces is all mention (the archive's
    /// `@罗科勤 银联 风控产品经理?谢谢` is not about UnionPay or risk), while a `？` the folding
    /// makes `?` still ends nothing; 代收付 is collection (90 lines of the archive, 19 of 20 read
    /// about collection and payout); 云账户 is a company and 超级账本 Hyperledger.
    #[test]
    fn rules_from_session_12() {
        let t = Taxonomy::builtin();
        assert!(t.tag("@罗科勤 银联 风控产品经理?谢谢").is_empty());
        assert!(t.tag("@网联 张腕越?感谢分享！").is_empty());
        assert!(t.tag("@James 跨境支付?技术服务商").is_empty());
        assert!(t.tag("聚合支付@罗科勤 银联 风控产品经理?").contains(&"qr"));
        assert!(!t.tag("聚合支付@罗科勤 银联 风控产品经理?").contains(&"cards"));
        assert_eq!(t.tag("@网联 张腕越?银联卡品牌费网联需要给银联吗？"), vec!["netsunion", "cards"]);
        assert_eq!(t.tag("@李艳鹏 - 蚂蚁 - 高级技术专家?大部分数据库迁移都是要停机的"), vec!["architecture"]);
        // What follows a complete `name-company-role` nickname, or a full-width `？`, is message.
        assert_eq!(t.tag("@修-拉卡拉-产品-北京 对账文件叫什么?"), vec!["reconciliation"]);
        assert_eq!(t.tag("@张三 对账怎么做？"), vec!["reconciliation"]);
        assert_eq!(t.tag("@张三 对账怎么做，谁知道?"), vec!["reconciliation"]);
        assert_eq!(t.tag("银联最新的代收付模式，群里面哪位大神对接过？"), vec!["collection", "cards"]);
        assert!(t.tag("通过云账户扣0.6%的税，滴滴就可以确认司机的收入为自己的收入了？").is_empty());
        assert!(t.tag("超级账本 优酷有个系列课程 ibm官方的").is_empty());
        assert_eq!(t.tag("云账户的虚拟账户"), vec!["accounts"]);
    }

    /// From sample 4 (session 11), counted over the archive: 限额 is a channel's, an account
    /// class's or a QR code's limit far more often than risk control (197 messages had it as
    /// their only risk keyword; of 20 read at random, 3 were about risk); 入网 inside 接入网联 or
    /// 接入网关 is not a merchant's onboarding.
    #[test]
    fn rules_from_sample_4() {
        let t = Taxonomy::builtin();
        assert!(t.tag("限额5万，太低了吧").is_empty());
        // Not risk; QR pay since session 12 (静态码, 动态码).
        assert_eq!(t.tag("微信的静态码自动跳转动态码，也不限额"), vec!["qr"]);
        assert!(t
            .tag("@韩财光-东软(前)-开发-广州?不过这话要分开理解，支付账户无论换多少张卡，都是限额500")
            .contains(&"accounts"));
        assert!(!t
            .tag("@韩财光-东软(前)-开发-广州?不过这话要分开理解，支付账户无论换多少张卡，都是限额500")
            .contains(&"risk"));
        assert_eq!(t.tag("限额累计这种风控手段"), vec!["risk"]);
        assert!(!t.tag("人民银行要求支付机构接入网联后，各个银行通道逐步关闭").contains(&"acquiring"));
        assert_eq!(t.tag("商户入网要审核营业执照"), vec!["acquiring"]);
        assert_eq!(t.tag("小商户申请入网"), vec!["acquiring"]);
    }

    /// Job ads, hiring and job-seeking remarks and a group's nickname rules are judged wrong
    /// whatever payments words they name (samples 1, 3, 4 and 5 of the 2026-12 judgments): an
    /// off-topic word leaves a message without a topic, but not one in a mention or a custom
    /// taxonomy that lists none.
    #[test]
    fn off_topic_words_leave_a_message_untagged() {
        let t = Taxonomy::builtin();
        for text in [
            "海航新生支付跨境支付团队，上海招研发，测试，pm",
            "有没有招风控的 或者信审",
            "支付圈招聘技术人员，产品人员！来吧支付行业第一媒体平台！方向:聚合支付前置系统搭建！",
            "求职，北京风控，打扰大家了",
            "本群所有人员必须将昵称修改为 姓名-公司-岗位。对不合规人员，经2次提醒后，仍未修改者，群主有权将该账号移出本群。",
            "帮朋友转发，阿里风控岗，级别P6以上，坐标杭州，有意向的可以内推！",
        ] {
            assert!(t.tag(text).is_empty(), "{text}: {:?}", t.tag(text));
        }
        // In a mention it is a nickname, not the message's subject.
        assert_eq!(
            t.tag("@钟-移付宝(3年支付pm求职ing)-深圳?银行卡收单。针对的是pos这块儿的业务吧"),
            vec!["acquiring", "cards"]
        );
        let custom =
            Taxonomy::from_yaml("topics:\n  - {id: risk, zh: 风控, en: Risk, keywords: [风控]}\n", Path::new("t.yaml"))
                .unwrap();
        assert_eq!(custom.tag("有没有招风控的"), vec!["risk"]);
        let custom = Taxonomy::from_yaml(
            "off_topic: [招聘]\ntopics:\n  - {id: risk, zh: 风控, en: Risk, keywords: [风控]}\n",
            Path::new("t.yaml"),
        )
        .unwrap();
        assert!(custom.tag("招聘风控").is_empty());
        assert_eq!(custom.tag("风控怎么做"), vec!["risk"]);
    }

    /// Session 13: the recall misses of samples 1–4 that a payments word would catch, each word
    /// counted over the whole archive and read in 20 random messages (all when fewer) before it
    /// was adopted (figures in the commit and BENCHMARKS.md); and the senses that word does not
    /// have (不限流量 is a phone plan, 手机动态码 an SMS code, 时代发展 is not a payout).
    #[test]
    fn recall_words_read_over_the_archive() {
        let t = Taxonomy::builtin();
        // Misses of the judged samples (recall1, recall3, recall4 rows).
        assert_eq!(t.tag("我这边是凭证和业务单号分开 什么情况都能做到防重"), vec!["architecture"]);
        assert_eq!(t.tag("@清华  你的ZK是跨机房的？"), vec!["architecture"]);
        assert_eq!(t.tag("可以保留一个 只是hbase的数据结构可以让你多保留几个版本"), vec!["architecture"]);
        assert_eq!(t.tag("3DS，历史悠久。"), vec!["cards"]);
        assert_eq!(t.tag("在整个业务环节中，最明显的就是没有了关于交换费的定价"), vec!["cards"]);
        assert_eq!(t.tag("平台担保户只有一个"), vec!["accounts"]);
        assert_eq!(t.tag("这支付宝肯定不答应，这都铺了那么多台卡和机器了"), vec!["qr"]);
        // Words of the same kind, from other messages of the archive.
        assert_eq!(t.tag("kafka一般还是作为日志传输用，主要是能容忍消息可能会丢失"), vec!["architecture"]);
        assert_eq!(t.tag("单台的QPS大概是多少"), vec!["architecture"]);
        assert_eq!(t.tag("生产环境用docker 对运维和技术团队要求高啊"), vec!["architecture"]);
        assert_eq!(t.tag("各位大神是怎么做限流的"), vec!["architecture"]);
        assert_eq!(t.tag("银联支持静态码的"), vec!["qr", "cards"]);
        assert_eq!(t.tag("主扫动态码"), vec!["qr"]);
        assert_eq!(t.tag("支付宝当面付会返佣吗？"), vec!["qr"]);
        assert_eq!(t.tag("有人做过设备指纹吗？"), vec!["risk"]);
        assert_eq!(t.tag("美团为啥又被告无证经营了？"), vec!["licensing"]);
        assert_eq!(t.tag("上面的分录，翻译成样？"), vec!["accounts"]);
        assert_eq!(t.tag("如果是商户自有资金，只做代发的话肯定是没问题的"), vec!["collection"]);
        assert_eq!(t.tag("微信绑定国外visa卡，不能用来发红包或者支付么？"), vec!["cards"]);
        // The senses the new words do not have.
        assert!(t.tag("还好我把手机套餐换成联通冰激凌套餐了，不限流量，不然这些干货承受不住").is_empty());
        assert!(t.tag("目前个人信息之类的太容易获取了，保护好自己的手机动态码是关键").is_empty());
        assert!(t.tag("时代发展的产物").is_empty());
        assert!(t.tag("mqtt协议").is_empty());
        // From sample 5: 对平 (accounts that balance) is not 对 + 平台 (3 messages of the archive,
        // all 3 wrongly reconciliation).
        assert_eq!(t.tag("区别就在，这个模式是穿透大商户，直接对平台下的每个会员"), vec!["acquiring"]);
        assert_eq!(t.tag("两边流水金额能对平"), vec!["reconciliation"]);
    }

    #[test]
    fn resolve_by_id_or_label() {
        let t = Taxonomy::builtin();
        assert_eq!(t.resolve("对账差错").map(|t| t.id.as_str()), Some("reconciliation"));
        assert_eq!(t.resolve("NetsUnion").map(|t| t.id.as_str()), Some("netsunion"));
        assert_eq!(t.resolve("Reconciliation").map(|t| t.id.as_str()), Some("reconciliation"));
        assert!(t.resolve("weather").is_none());
        let id = |n: &str| t.resolve(n).map(|t| t.id.clone());
        assert_eq!(id("对账").as_deref(), Some("reconciliation"));
        assert_eq!(id("风控").as_deref(), Some("risk"));
        assert_eq!(id("crossborder").as_deref(), Some("cross-border"));
        assert_eq!(id("跨境").as_deref(), Some("cross-border"));
        assert_eq!(id("备付金").as_deref(), Some("clearing"));
        assert_eq!(id("二类户").as_deref(), Some("accounts"));
        assert!(id("，").is_none());
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
