//! Nicknames → what they say about their owner (name, company, role, city; [`crate::people`]
//! joins one member's nicknames into a person). The groups asked members to rename themselves `昵称-公司-地址`, and most
//! roughly did: `张泽雄-民生金服 项目总监`, `俞湘_招行_杭州`, `Aaron-携程金融支付PL`, `聚合支付_程昱`.
//! Parsing is best effort; `from:` also matches the raw nickname, so nothing depends on it
//! being right.

/// What a nickname says about its owner.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Speaker {
    pub nickname: String,
    pub name: String,
    pub company: Option<String>,
    pub role: Option<String>,
    pub city: Option<String>,
}

const SEPARATORS: &[char] = &['-', '_', '－', '—', '–', '|', '/', '·', '•', '、', '＿', '~'];

const CITIES: &[&str] = &[
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "天津",
    "厦门",
    "福州",
    "长沙",
    "郑州",
    "济南",
    "青岛",
    "合肥",
    "昆明",
    "贵阳",
    "南宁",
    "海口",
    "大连",
    "沈阳",
    "哈尔滨",
    "长春",
    "石家庄",
    "太原",
    "南昌",
    "宁波",
    "无锡",
    "东莞",
    "佛山",
    "珠海",
    "香港",
    "台北",
    "澳门",
    "新加坡",
    "广东",
    "浙江",
    "江苏",
    "福建",
    "四川",
    "湖北",
    "山东",
    "bj",
    "sh",
    "gz",
    "sz",
    "hz",
    "beijing",
    "shanghai",
    "shenzhen",
    "hangzhou",
];

/// Words that make a part a role when they end it (longest first where they overlap).
const ROLES: &[&str] = &[
    "产品经理",
    "项目经理",
    "技术总监",
    "项目总监",
    "产品总监",
    "技术主管",
    "研发主管",
    "产品主管",
    "技术负责人",
    "负责人",
    "架构师",
    "工程师",
    "合伙人",
    "创始人",
    "总经理",
    "总裁",
    "总监",
    "经理",
    "主管",
    "专家",
    "顾问",
    "研发",
    "开发",
    "技术总",
    "技术",
    "产品",
    "架构",
    "运营",
    "测试",
    "设计",
    "财务",
    "风控",
    "市场",
    "销售",
    "老板",
    "负责",
    "PM",
    "PL",
    "PMO",
    "CTO",
    "CEO",
    "CFO",
    "COO",
    "CIO",
    "VP",
    "BD",
    "RD",
    "QA",
    "TechLead",
    "Leader",
    "Dev",
    "Developer",
    "Engineer",
    "Manager",
];

/// Prefixes that may stand before a role word and still leave a role (`高级产品经理`, `4年工程师`).
const ROLE_PREFIXES: &[&str] = &["高级", "资深", "首席", "支付", "业务", "系统", "后端", "前端", "数据", "副"];

/// Words that make a part an organisation.
const ORG_MARKERS: &[&str] = &[
    "支付",
    "金服",
    "金融",
    "银行",
    "科技",
    "公司",
    "集团",
    "网络",
    "信息",
    "银联",
    "网联",
    "钱包",
    "证券",
    "保险",
    "信托",
    "基金",
    "资本",
    "投资",
    "人行",
    "央行",
    "财付通",
    "支付宝",
    "微信",
    "京东",
    "阿里",
    "蚂蚁",
    "携程",
    "滴滴",
    "美团",
    "平安",
    "汇付",
    "通联",
    "拉卡拉",
    "快钱",
    "易宝",
    "连连",
    "宝付",
    "招行",
    "民生",
    "中信",
    "兴业",
    "工行",
    "建行",
    "农行",
    "中行",
    "交行",
    "浦发",
    "光大",
    "华夏",
    "广发",
    "点融",
    "陆金所",
    "有赞",
    "洋码头",
    "联动优势",
    "小米",
    "百度",
    "腾讯",
    "苏宁",
    "网易",
    "唯品会",
    "新网",
    "微众",
    "网商",
    "金所",
    "钱包",
    "信用卡",
    "付费通",
    "银商",
    "移动",
    "联通",
    "电信",
    "结算",
    "清算",
    "中心",
    "研究院",
    "事业部",
    "贷",
];

/// Parses a nickname. The name is the first part unless that part is an organisation and a
/// later part is not (`聚合支付_程昱`).
pub fn parse(nickname: &str) -> Speaker {
    let nick = nickname.trim();
    let mut parts: Vec<&str> = nick.split(SEPARATORS).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        // The name may hold spaces (`C'est la vie-科蓝-PM-北京`); the rest may not.
        let rest: Vec<&str> = parts[1..].iter().flat_map(|p| p.split_whitespace()).collect();
        parts.truncate(1);
        parts.extend(rest);
    } else {
        let tokens: Vec<&str> = nick.split_whitespace().collect();
        if tokens.len() > 1 && tokens[1..].iter().any(|t| classify(t) != Class::Other) {
            parts = tokens;
        }
    }
    let mut speaker = Speaker { nickname: nick.to_owned(), ..Speaker::default() };
    let Some((&first, rest)) = parts.split_first() else {
        return speaker;
    };
    let mut name = Some(first);
    if classify(first) == Class::Org && rest.iter().any(|p| classify(p) == Class::Other) {
        name = None;
        speaker.assign(first);
    }
    for part in rest {
        if name.is_none() && classify(part) == Class::Other {
            name = Some(part);
        } else {
            speaker.assign(part);
        }
    }
    speaker.name = name.unwrap_or(first).to_owned();
    speaker
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    City,
    Role,
    Org,
    Other,
}

fn classify(part: &str) -> Class {
    let lower = part.to_lowercase();
    let city = lower.strip_suffix('市').unwrap_or(&lower);
    if CITIES.contains(&city) {
        Class::City
    } else if is_role(part) {
        Class::Role
    } else if ORG_MARKERS.iter().any(|m| part.contains(m)) || split_role_suffix(part).is_some() {
        Class::Org
    } else {
        Class::Other
    }
}

fn is_role(part: &str) -> bool {
    let mut rest = part.trim_start_matches(|c: char| c.is_ascii_digit() || c == '年');
    for prefix in ROLE_PREFIXES {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    // Roles are short; `中国银行对公渠道PM` is an organisation with a role suffix.
    !rest.is_empty()
        && rest.chars().count() <= 8
        && ROLES
            .iter()
            .any(|r| rest.eq_ignore_ascii_case(r) || (rest.ends_with(r) && is_role(&rest[..rest.len() - r.len()])))
}

/// `携程金融支付PL` → (`携程金融支付`, `PL`): an organisation with a role glued on.
fn split_role_suffix(part: &str) -> Option<(&str, &str)> {
    ROLES.iter().find_map(|r| {
        let head = part.strip_suffix(r)?;
        (head.chars().count() >= 2).then(|| (head, &part[head.len()..]))
    })
}

impl Speaker {
    fn assign(&mut self, part: &str) {
        match classify(part) {
            Class::City if self.city.is_none() => self.city = Some(part.to_owned()),
            Class::Role if self.role.is_none() => self.role = Some(part.to_owned()),
            Class::Org | Class::Other if self.company.is_none() => match split_role_suffix(part) {
                Some((org, role)) if self.role.is_none() => {
                    self.company = Some(org.to_owned());
                    self.role = Some(role.to_owned());
                }
                _ => self.company = Some(part.to_owned()),
            },
            _ => {}
        }
    }
}

/// Every speaker of an index with their message counts; answers `from:` and `org:`.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Sorted by message count, most first.
    pub entries: Vec<(Speaker, u64)>,
}

impl Directory {
    /// Builds the directory from (nickname, message count) pairs.
    pub fn new(counts: impl IntoIterator<Item = (String, u64)>) -> Directory {
        let mut entries: Vec<(Speaker, u64)> = counts.into_iter().map(|(n, c)| (parse(&n), c)).collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.nickname.cmp(&b.0.nickname)));
        Directory { entries }
    }

    /// Nicknames whose nickname or parsed name contains `query` (case-insensitive).
    pub fn matching_from(&self, query: &str) -> Vec<&str> {
        let q = query.to_lowercase();
        self.select(|s| s.nickname.to_lowercase().contains(&q) || s.name.to_lowercase().contains(&q))
    }

    /// Nicknames equal to `name` (case-insensitive).
    pub fn matching_exactly(&self, name: &str) -> Vec<&str> {
        let name = name.to_lowercase();
        self.select(|s| s.nickname.to_lowercase() == name)
    }

    /// Nicknames whose parsed company contains `query` (case-insensitive).
    pub fn matching_org(&self, query: &str) -> Vec<&str> {
        let q = query.to_lowercase();
        self.select(|s| s.company.as_ref().is_some_and(|c| c.to_lowercase().contains(&q)))
    }

    /// Nicknames whose parsed company is `company` (case-insensitive): `org:=银联`, not
    /// 银联电子 or 银联商务 as `org:银联` has it.
    pub fn matching_org_exactly(&self, company: &str) -> Vec<&str> {
        let q = company.to_lowercase();
        self.select(|s| s.company.as_ref().is_some_and(|c| c.to_lowercase() == q))
    }

    fn select(&self, pred: impl Fn(&Speaker) -> bool) -> Vec<&str> {
        self.entries.iter().filter(|(s, _)| pred(s)).map(|(s, _)| s.nickname.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: &str) -> (String, Option<String>, Option<String>, Option<String>) {
        let s = parse(n);
        (s.name, s.company, s.role, s.city)
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn real_nicknames() {
        assert_eq!(p("张泽雄-民生金服 项目总监"), ("张泽雄".into(), s("民生金服"), s("项目总监"), None));
        assert_eq!(p("俞湘_招行_杭州"), ("俞湘".into(), s("招行"), None, s("杭州")));
        assert_eq!(p("Aaron-携程金融支付PL"), ("Aaron".into(), s("携程金融支付"), s("PL"), None));
        assert_eq!(p("韩财光"), ("韩财光".into(), None, None, None));
        assert_eq!(p("atom-汇付-产品-上海"), ("atom".into(), s("汇付"), s("产品"), s("上海")));
        assert_eq!(p("聚合支付_程昱"), ("程昱".into(), s("聚合支付"), None, None));
        assert_eq!(p("横烟秋-支付宝PM"), ("横烟秋".into(), s("支付宝"), s("PM"), None));
        assert_eq!(p("Jin He 何瑾"), ("Jin He 何瑾".into(), None, None, None));
        assert_eq!(p("C'est la vie-科蓝-PM-北京"), ("C'est la vie".into(), s("科蓝"), s("PM"), s("北京")));
        assert_eq!(p("lisp 财付通结算财务"), ("lisp".into(), s("财付通结算"), s("财务"), None));
        assert_eq!(p("余以召 点融 4年工程师"), ("余以召".into(), s("点融"), s("4年工程师"), None));
        assert_eq!(p("梁燕东 上海 亿付数研发主管"), ("梁燕东".into(), s("亿付数"), s("研发主管"), s("上海")));
        assert_eq!(p("有赞-支付产品架构-大海"), ("大海".into(), s("有赞"), s("支付产品架构"), None));
        assert_eq!(p("郭芬-中央结算公司"), ("郭芬".into(), s("中央结算公司"), None, None));
        assert_eq!(p("龚晓冬-银商账户-产品-上海").1, s("银商账户"));
        assert_eq!(p("我").0, "我");
        assert_eq!(p("  ").0, "");
    }

    #[test]
    fn directory_matches_nickname_name_and_company() {
        let d = Directory::new([
            ("张泽雄-民生金服 项目总监".to_owned(), 10),
            ("北京一张泽雄".to_owned(), 5),
            ("Aaron-携程金融支付PL".to_owned(), 3),
        ]);
        assert_eq!(d.matching_from("张泽雄"), vec!["张泽雄-民生金服 项目总监", "北京一张泽雄"]);
        assert_eq!(d.matching_from("aaron"), vec!["Aaron-携程金融支付PL"]);
        assert_eq!(d.matching_org("携程"), vec!["Aaron-携程金融支付PL"]);
        assert!(d.matching_org("招行").is_empty());
        assert_eq!(d.matching_org("民生"), vec!["张泽雄-民生金服 项目总监"]);
        assert!(d.matching_org_exactly("民生").is_empty());
        assert_eq!(d.matching_org_exactly("民生金服"), vec!["张泽雄-民生金服 项目总监"]);
    }
}
