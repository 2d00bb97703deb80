//! People, not nicknames: one person across the nicknames they posted under.
//!
//! Members rename themselves (`龚晓冬` becomes `龚晓冬-银商账户-产品-上海`; `于江宁-银联电子PM`
//! later posts as `于江宁`), and the export sometimes holds one message twice, under the
//! member's WeChat name and under their group nickname. [`People::build`] joins nicknames into
//! people from two kinds of evidence, both read from the archive itself:
//!
//! 1. **Copies.** Two nicknames that posted the same text at the same second in the same log
//!    at least [`MIN_COPIES`] times are one person: each nickname joins the partner it shares
//!    the most copies with. One copy is not enough: a burst of `欢迎韩总[鼓掌]` or `哈哈` can
//!    coincide between two people.
//! 2. **Names.** Nicknames whose parsed name ([`crate::speakers::parse`]) is the same, folded
//!    and with symbols dropped (`Stranger °` and `stranger-同城旅游支付PL`):
//!    - two that both name a company join when the companies agree (equal, or one starts
//!      with the other: `银商` and `银商账户`); different companies stay apart (`Tim-魔线科技`
//!      and `Tim-深圳百灵鸟` are two people);
//!    - a nickname without a company joins only when its name is distinctive (see
//!      [`distinctive`]: not an English given name like `Aaron` or `Tony`, not a nickname
//!      like `小王` or `老K`, not a lone character) and exactly one company-bearing person of
//!      that name posts in a group it posts in (two `Tim`s with companies leave a bare `Tim`
//!      alone); bare nicknames of one distinctive name that differ only in case, spaces or
//!      symbols (`Addison yang`, `Addison Yang`) join each other.
//!
//! 3. **The archive's own word.** `<archive>/people.yaml` ([`Rules`]) names nicknames that are
//!    one person (`same`), joined whatever the evidence says, and nicknames that are different
//!    people (`different`), never joined by copies or names.
//!
//! Everything is deterministic: the same archive gives the same people.

use crate::speakers;
use crate::yaml;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The file of an archive folder that corrects the person model.
pub const RULES_FILE: &str = "people.yaml";

/// Corrections to the person model, from `<archive>/people.yaml`:
///
/// ```yaml
/// same:        # each list: nicknames of one person
///   - [于江宁, 于江宁-银联电子PM]
/// different:   # each list: nicknames of different people
///   - [Tim-魔线科技, Tim]
/// ```
///
/// Nicknames are written as the logs' headers write them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub same: Vec<Vec<String>>,
    #[serde(default)]
    pub different: Vec<Vec<String>>,
}

impl Rules {
    /// `<archive>/people.yaml`, or no rules when there is none; when the file cannot be used,
    /// no rules and a warning saying why. `follow`: read it through a symbolic link leading
    /// outside the archive.
    pub fn for_archive(archive: &Path, follow: bool) -> (Rules, Option<crate::archive::Warning>) {
        crate::archive::yaml_file(
            archive,
            RULES_FILE,
            follow,
            Rules::from_yaml,
            (Rules::default, "no people rules used"),
        )
    }

    /// Parses and checks rules (`path` is only for messages): every list names at least two
    /// nicknames, and no two nicknames are said to be both one person and different people.
    pub fn from_yaml(text: &str, path: &Path) -> Result<Rules, yaml::FileError> {
        let invalid = |reason: String| yaml::FileError::invalid(path, reason);
        // An empty file is no rules.
        let mut rules: Rules =
            if text.trim().is_empty() { Rules::default() } else { yaml::from_file(text, path, "valid people rules")? };
        for list in rules.same.iter_mut().chain(rules.different.iter_mut()) {
            for n in list.iter_mut() {
                *n = n.trim().to_owned();
            }
        }
        for (kind, lists) in [("same", &rules.same), ("different", &rules.different)] {
            if let Some(list) = lists.iter().find(|l| l.iter().filter(|n| !n.is_empty()).count() < 2) {
                return Err(invalid(format!("a `{kind}` list names fewer than two nicknames: [{}]", list.join(", "))));
            }
        }
        let mut sets = UnionFind::default();
        for list in &rules.same {
            for n in &list[1..] {
                sets.union_names(&list[0], n);
            }
        }
        for list in &rules.different {
            for (k, a) in list.iter().enumerate() {
                if let Some(b) = list[k + 1..].iter().find(|b| a == *b || sets.same_names(a, b)) {
                    return Err(invalid(format!("`{a}` and `{b}` are said to be one person and different people")));
                }
            }
        }
        Ok(rules)
    }

    /// Every nickname the rules name, each once.
    pub fn nicknames(&self) -> BTreeSet<&str> {
        self.same.iter().chain(&self.different).flatten().map(String::as_str).collect()
    }
}

/// Copies two nicknames must share before they count as one person.
pub const MIN_COPIES: u32 = 2;

/// What the archive says about one nickname.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname {
    pub nickname: String,
    pub messages: u64,
    /// Group folders it posted in.
    pub groups: BTreeSet<String>,
}

/// One person and the nicknames they posted under.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    /// Unique among the people of an archive: the name, or where two people share it, their
    /// most used nickname.
    pub label: String,
    /// The parsed name of their most used nickname with a [`distinctive`] name (else of their
    /// most used one).
    pub name: String,
    /// The company of their most used nickname that names one.
    pub company: Option<String>,
    /// Their nicknames, most messages first.
    pub aliases: Vec<String>,
    /// Their messages, as `from:=LABEL` finds them: every message posted under one of their
    /// nicknames (a message the export holds under two of them counts twice, as a search's
    /// total counts it).
    pub messages: u64,
}

/// Every person of an archive.
#[derive(Debug, Clone, Default)]
pub struct People {
    /// Most messages first.
    pub persons: Vec<Person>,
    /// FxHash, not SipHash: the browser's discussion page looks up every participant of 200
    /// discussions a keystroke (tens of thousands of nicknames at 10×), and the keys are the
    /// archive's own nicknames, not input from a network.
    by_nickname: FxHashMap<String, usize>,
    /// Every nickname and its person, in nickname order (as a facet count's nicknames come):
    /// counting messages per person walks the two side by side.
    in_order: Vec<(String, usize)>,
    /// The persons in label order (as a count's answer is kept).
    by_label: Vec<usize>,
    /// Per person, the first person with the same label (labels are unique as
    /// [`People::build`] makes them, but [`People::labels`] does not rely on it).
    first_with_label: Vec<usize>,
    /// Each label's first person.
    person_of_label: FxHashMap<String, usize>,
}

/// The companies of nicknames' people, found once per index state: counting messages per
/// company is then one lookup per nickname of a query's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Companies {
    /// Companies, lowercased (companies differing only in case are one).
    keys: Vec<String>,
    of: HashMap<String, CompaniesOf>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CompaniesOf {
    /// Every company a nickname of the person names (indices into [`Companies::keys`]).
    person: Vec<u32>,
    /// The nickname's own company, as it spells it.
    own: Option<(u32, String)>,
}

impl Companies {
    /// Messages per company as `org:=COMPANY` finds them, from messages per nickname: a
    /// nickname's messages count for every company that a nickname of its person names (a
    /// person's company applies to all their nicknames), companies differing only in case as
    /// one (spelt as the most messages spell it). A nickname not known here counts for none.
    pub fn count(&self, counts: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
        let mut by: Vec<(u64, BTreeMap<&str, u64>)> = vec![(0, BTreeMap::new()); self.keys.len()];
        for (nick, &n) in counts {
            let Some(c) = self.of.get(nick) else { continue };
            for &k in &c.person {
                by[k as usize].0 += n;
            }
            if let Some((k, spelt)) = &c.own {
                *by[*k as usize].1.entry(spelt.as_str()).or_default() += n;
            }
        }
        self.keys
            .iter()
            .zip(by)
            .filter(|(_, (n, _))| *n > 0)
            .map(|(key, (n, spellings))| {
                let spelt = spellings.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)));
                (spelt.map_or_else(|| key.clone(), |(s, _)| s.to_owned()), n)
            })
            .collect()
    }
}

impl People {
    /// Joins `nicknames` into people (see the module doc). `copies` lists the exact copies of
    /// the archive: for each message held more than once (same log, time and text), the
    /// nicknames it is held under, one entry per copy.
    pub fn build(nicknames: &[Nickname], copies: &[Vec<String>]) -> People {
        People::build_with(nicknames, copies, &Rules::default())
    }

    /// [`People::build`], corrected by the archive's [`Rules`]. Nicknames the rules name that
    /// are not among `nicknames` are left out.
    pub fn build_with(nicknames: &[Nickname], copies: &[Vec<String>], rules: &Rules) -> People {
        let mut nicks: Vec<&Nickname> = nicknames.iter().collect();
        nicks.sort_by(|a, b| a.nickname.cmp(&b.nickname));
        nicks.dedup_by(|a, b| a.nickname == b.nickname);
        let index: HashMap<&str, usize> = nicks.iter().enumerate().map(|(i, n)| (n.nickname.as_str(), i)).collect();
        let parsed: Vec<speakers::Speaker> = nicks.iter().map(|n| speakers::parse(&n.nickname)).collect();
        let mut sets = UnionFind::new(nicks.len());
        let known =
            |list: &[String]| -> Vec<usize> { list.iter().filter_map(|n| index.get(n.as_str()).copied()).collect() };
        for list in &rules.different {
            let ids = known(list);
            for (k, &a) in ids.iter().enumerate() {
                sets.apart.extend(ids[k + 1..].iter().map(|&b| (a, b)));
            }
        }
        for ids in rules.same.iter().map(|l| known(l)) {
            for pair in ids.windows(2) {
                sets.union(pair[0], pair[1]);
            }
        }
        join_by_copies(&index, copies, &mut sets);
        join_by_names(&nicks, &parsed, &mut sets);

        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..nicks.len() {
            members.entry(sets.find(i)).or_default().push(i);
        }
        let mut persons: Vec<Person> = members.into_values().map(|m| person(&nicks, &parsed, &m)).collect();
        persons.sort_by(|a, b| b.messages.cmp(&a.messages).then_with(|| a.aliases[0].cmp(&b.aliases[0])));
        label(&mut persons);
        People::from_persons(persons)
    }

    /// The people `persons` (as [`People::build`] made them), looked up by nickname.
    pub fn from_persons(persons: Vec<Person>) -> People {
        let mut in_order: Vec<(String, usize)> = persons
            .iter()
            .enumerate()
            .flat_map(|(p, person)| person.aliases.iter().map(move |a| (a.clone(), p)))
            .collect();
        in_order.sort_unstable();
        let by_nickname = in_order.iter().cloned().collect();
        let mut by_label: Vec<usize> = (0..persons.len()).collect();
        by_label.sort_by(|&a, &b| persons[a].label.cmp(&persons[b].label));
        let mut person_of_label: FxHashMap<String, usize> = FxHashMap::default();
        let first_with_label = persons
            .iter()
            .enumerate()
            .map(|(p, person)| *person_of_label.entry(person.label.clone()).or_insert(p))
            .collect();
        People { persons, by_nickname, in_order, by_label, first_with_label, person_of_label }
    }

    /// The person who posted under `nickname`.
    pub fn of(&self, nickname: &str) -> Option<&Person> {
        self.by_nickname.get(nickname).map(|&p| &self.persons[p])
    }

    /// The person's label for `nickname`, or the nickname itself when it is unknown.
    pub fn label_of<'a>(&'a self, nickname: &'a str) -> &'a str {
        self.of(nickname).map_or(nickname, |p| p.label.as_str())
    }

    /// Messages per person (by label) from messages per nickname: each person's as their
    /// `from:=LABEL` finds them, every message of any of their nicknames (the one rule of every
    /// person's count: facets, insights, the speaker pane, `people`); a nickname the model does
    /// not know stands for itself.
    ///
    /// Runs on every facet count (each keystroke of the browser): no hashing and no string made
    /// per nickname, but one walk of `counts` beside the model's nicknames, both in order, and
    /// the answer built in label order.
    pub fn messages_by_person(&self, counts: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
        let mut per_person = vec![0u64; self.persons.len()];
        let mut unknown: Vec<(&str, u64)> = Vec::new();
        let mut rest = self.in_order.as_slice();
        for (nick, &n) in counts.iter().filter(|(_, &n)| n > 0) {
            rest = &rest[rest.partition_point(|(known, _)| known < nick)..];
            match rest.first() {
                Some((known, p)) if known == nick => per_person[*p] += n,
                _ => unknown.push((nick, n)),
            }
        }
        let mut out: BTreeMap<String, u64> = self
            .by_label
            .iter()
            .filter(|&&p| per_person[p] > 0)
            .map(|&p| (self.persons[p].label.clone(), per_person[p]))
            .collect();
        for (nick, n) in unknown {
            *out.entry(nick.to_owned()).or_default() += n;
        }
        out
    }

    /// Every nickname of every person who posted under one of `nicknames` (each once, in
    /// order of first appearance); unknown nicknames are kept as they are.
    pub fn aliases_of<'a>(&'a self, nicknames: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for nick in nicknames {
            let all: Vec<&str> = match self.of(nick) {
                Some(p) => p.aliases.iter().map(String::as_str).collect(),
                None => vec![nick],
            };
            for a in all {
                if seen.insert(a) {
                    out.push(a);
                }
            }
        }
        out
    }

    /// Messages per company as `org:=COMPANY` finds them, from messages per nickname (see
    /// [`Companies`]; `company_of` parses a nickname's company).
    pub fn companies<'c>(
        &self,
        counts: &BTreeMap<String, u64>,
        company_of: impl Fn(&str) -> Option<&'c str>,
    ) -> BTreeMap<String, u64> {
        self.companies_of(counts.keys().map(String::as_str), company_of).count(counts)
    }

    /// The companies of each of `nicknames`' people, once, to count messages per company for
    /// any number of queries (see [`Companies::count`]).
    pub fn companies_of<'n, 'c>(
        &self,
        nicknames: impl IntoIterator<Item = &'n str>,
        company_of: impl Fn(&str) -> Option<&'c str>,
    ) -> Companies {
        let mut keys: Vec<String> = Vec::new();
        let mut key_of: HashMap<String, u32> = HashMap::new();
        let mut id = |c: &str| -> u32 {
            let lower = c.to_lowercase();
            *key_of.entry(lower.clone()).or_insert_with(|| {
                keys.push(lower);
                (keys.len() - 1) as u32
            })
        };
        let mut of: HashMap<String, CompaniesOf> = HashMap::new();
        for nick in nicknames {
            let aliases: Vec<&str> = match self.of(nick) {
                Some(p) => p.aliases.iter().map(String::as_str).collect(),
                None => vec![nick],
            };
            let mut person: Vec<u32> = Vec::new();
            for alias in aliases {
                if let Some(k) = company_of(alias).map(&mut id) {
                    if !person.contains(&k) {
                        person.push(k);
                    }
                }
            }
            let own = company_of(nick).map(|c| (id(c), c.to_owned()));
            of.insert(nick.to_owned(), CompaniesOf { person, own });
        }
        Companies { keys, of }
    }

    /// The people behind `nicknames` (a discussion's participants), each once, in order.
    pub fn labels(&self, nicknames: &[String]) -> Vec<String> {
        // Labels seen so far are marked per person (by the first person of each label), not
        // kept in a set of strings: a long discussion has hundreds of participants, and the
        // browser labels a page of 200 discussions a keystroke. A nickname the model does not
        // know stands for itself, so it is the same as a person whose label it spells.
        let mut seen = vec![false; self.persons.len()];
        let mut unknown: FxHashSet<&str> = FxHashSet::default();
        let mut out = Vec::new();
        for n in nicknames {
            let person = match self.by_nickname.get(n.as_str()) {
                Some(&p) => self.first_with_label.get(p).copied(),
                None => self.person_of_label.get(n.as_str()).copied(),
            };
            match person {
                Some(p) => {
                    if !std::mem::replace(&mut seen[p], true) {
                        out.push(self.persons[p].label.clone());
                    }
                }
                None => {
                    if unknown.insert(n) {
                        out.push(n.clone());
                    }
                }
            }
        }
        out
    }

    /// How many nicknames were joined to another: nicknames minus people.
    pub fn merges(&self) -> usize {
        self.persons.iter().map(|p| p.aliases.len() - 1).sum()
    }
}

/// Joins each nickname to the partner it shares most copies with, given [`MIN_COPIES`].
fn join_by_copies(index: &HashMap<&str, usize>, copies: &[Vec<String>], sets: &mut UnionFind) {
    let mut pairs: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for copy in copies {
        let mut ids: Vec<usize> = copy.iter().filter_map(|n| index.get(n.as_str()).copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        for (k, &a) in ids.iter().enumerate() {
            for &b in &ids[k + 1..] {
                *pairs.entry((a, b)).or_default() += 1;
            }
        }
    }
    // Best partner of each nickname: most copies, then the first nickname in order.
    let mut best: BTreeMap<usize, (u32, usize)> = BTreeMap::new();
    for (&(a, b), &n) in &pairs {
        for (x, y) in [(a, b), (b, a)] {
            let e = best.entry(x).or_insert((n, y));
            if n > e.0 || (n == e.0 && y < e.1) {
                *e = (n, y);
            }
        }
    }
    for (x, (n, y)) in best {
        if n >= MIN_COPIES {
            sets.union(x, y);
        }
    }
}

/// The name a nickname is matched by: its parsed name, folded, letters and digits only.
pub fn name_key(name: &str) -> String {
    crate::normalise::fold(name).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Whether two companies (as [`name_key`]s) are one: equal, or one starts with the other (at
/// least two characters: `银商` and `银商账户`).
fn same_company(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() <= b.chars().count() { (a, b) } else { (b, a) };
    short.chars().count() >= 2 && long.starts_with(short)
}

fn join_by_names(nicks: &[&Nickname], parsed: &[speakers::Speaker], sets: &mut UnionFind) {
    let companies: Vec<String> =
        parsed.iter().map(|s| s.company.as_deref().map(name_key).unwrap_or_default()).collect();
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in parsed.iter().enumerate() {
        let key = name_key(&s.name);
        if !key.is_empty() {
            by_key.entry(key).or_default().push(i);
        }
    }
    for ids in by_key.values().filter(|ids| ids.len() > 1) {
        let (with, bare): (Vec<usize>, Vec<usize>) = ids.iter().partition(|&&i| parsed[i].company.is_some());
        for (k, &a) in with.iter().enumerate() {
            for &b in &with[k + 1..] {
                if same_company(&companies[a], &companies[b]) {
                    sets.union(a, b);
                }
            }
        }
        if bare.is_empty() || !distinctive(&parsed[bare[0]].name) {
            continue;
        }
        for &b in &bare {
            // The company-bearing people of this name who post where it posts.
            let mut people: Vec<usize> = with
                .iter()
                .filter(|&&w| !nicks[w].groups.is_disjoint(&nicks[b].groups))
                .map(|&w| sets.find(w))
                .collect();
            people.sort_unstable();
            people.dedup();
            match people.as_slice() {
                [one] => sets.union(b, *one),
                [] if with.is_empty() => sets.union(b, bare[0]),
                _ => {}
            }
        }
    }
}

/// Common single-character Chinese surnames: a two-character name is a person's name when it
/// starts with one.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝郁洪胥";

/// Prefixes of familiar forms (`小王`, `老K`, `阿明`): many people are called that.
const FAMILIAR: &[char] = &['小', '老', '阿', '大'];

/// Common English given names, which many members use alone (lowercase).
const GIVEN_NAMES: &[&str] = &[
    "aaron", "adam", "alan", "alex", "alice", "allen", "amanda", "amos", "amy", "andrew", "andy", "angela", "ann",
    "anna", "annie", "ben", "bill", "bob", "brad", "brian", "bruce", "carl", "carol", "charles", "chris", "cindy",
    "coco", "daniel", "david", "dennis", "derek", "eric", "emily", "emma", "eva", "evan", "frank", "gary", "george",
    "grace", "helen", "henry", "ivan", "jack", "jacky", "james", "jason", "jay", "jeff", "jennifer", "jerry", "jim",
    "jimmy", "joe", "john", "johnny", "kelly", "ken", "kevin", "leo", "leon", "linda", "lisa", "lucy", "mark",
    "martin", "mary", "max", "michael", "mike", "nancy", "nick", "paul", "peter", "ray", "richard", "robert", "roger",
    "rose", "ryan", "sam", "sandy", "simon", "sophia", "stanley", "stephen", "steve", "steven", "summer", "sunny",
    "terry", "thomas", "tim", "tom", "tommy", "tony", "vincent", "vivian", "will", "william", "wendy",
];

/// Whether a name says who someone is, rather than what many are called: a Chinese name of
/// three or more characters, or of two starting with a surname (not a familiar `小王`/`老K`
/// form); a Latin name of two words, or one word of five or more letters that is not an
/// English given name; a mixed name of three or more characters.
pub fn distinctive(name: &str) -> bool {
    let folded = crate::normalise::fold(name);
    let words = folded.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    let key = name_key(name);
    let han = key.chars().filter(|&c| crate::text::is_cjk(c)).count();
    let other = key.chars().count() - han;
    match (han, other) {
        (0, 0) => false,
        (0, n) => words >= 2 || (n >= 5 && !GIVEN_NAMES.contains(&key.as_str())),
        (h, 0) => {
            let first = key.chars().next().unwrap_or(' ');
            h >= 3 || (h == 2 && SURNAMES.contains(first) && !FAMILIAR.contains(&first))
        }
        (h, n) => h + n >= 3,
    }
}

/// One person from their nicknames' indexes.
fn person(nicks: &[&Nickname], parsed: &[speakers::Speaker], members: &[usize]) -> Person {
    let mut members = members.to_vec();
    members.sort_by(|&a, &b| {
        nicks[b].messages.cmp(&nicks[a].messages).then_with(|| nicks[a].nickname.cmp(&nicks[b].nickname))
    });
    let aliases: Vec<&Nickname> = members.iter().map(|&i| nicks[i]).collect();
    let parsed: Vec<&speakers::Speaker> = members.iter().map(|&i| &parsed[i]).collect();
    // The name: the most used distinctive one, else the most used.
    let best = (0..parsed.len())
        .max_by_key(|&k| (distinctive(&parsed[k].name), aliases[k].messages, std::cmp::Reverse(k)))
        .unwrap_or(0);
    let company = parsed.iter().find_map(|s| s.company.clone());
    Person {
        label: String::new(),
        name: parsed.get(best).map(|s| s.name.clone()).unwrap_or_default(),
        company,
        aliases: aliases.iter().map(|n| n.nickname.clone()).collect(),
        messages: aliases.iter().map(|n| n.messages).sum(),
    }
}

/// Gives every person a unique label: the name, or where people share a name (or have none),
/// their most used nickname, numbered if even that repeats.
fn label(persons: &mut [Person]) {
    let mut names: HashMap<String, usize> = HashMap::new();
    for p in persons.iter() {
        *names.entry(p.name.clone()).or_default() += 1;
    }
    let mut used: BTreeSet<String> = BTreeSet::new();
    for p in persons.iter_mut() {
        let base = if names[&p.name] == 1 && !p.name.is_empty() { p.name.clone() } else { p.aliases[0].clone() };
        let mut label = base.clone();
        let mut n = 2;
        while !used.insert(label.clone()) {
            label = format!("{base} ({n})");
            n += 1;
        }
        p.label = label;
    }
}

/// Sets of nicknames (by index); `apart` lists pairs that must stay in different sets.
#[derive(Default)]
struct UnionFind {
    parent: Vec<usize>,
    apart: Vec<(usize, usize)>,
    /// For sets of names ([`UnionFind::union_names`]): each name's index.
    names: HashMap<String, usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n).collect(), ..UnionFind::default() }
    }

    fn id(&mut self, name: &str) -> usize {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        self.parent.push(self.parent.len());
        self.names.insert(name.to_owned(), self.parent.len() - 1);
        self.parent.len() - 1
    }

    fn union_names(&mut self, a: &str, b: &str) {
        let (a, b) = (self.id(a), self.id(b));
        self.union(a, b);
    }

    fn same_names(&mut self, a: &str, b: &str) -> bool {
        let (a, b) = (self.id(a), self.id(b));
        self.find(a) == self.find(b)
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets of `a` and `b`; the smaller index stays the root (deterministic).
    /// Refused when a pair that must stay apart would end in one set.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let refused = (0..self.apart.len()).any(|k| {
            let (x, y) = self.apart[k];
            let (rx, ry) = (self.find(x), self.find(y));
            (rx, ry) == (ra, rb) || (rx, ry) == (rb, ra)
        });
        if ra != rb && !refused {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nick(n: &str, messages: u64, groups: &[&str]) -> Nickname {
        Nickname { nickname: n.into(), messages, groups: groups.iter().map(|g| (*g).to_owned()).collect() }
    }

    fn build(nicks: &[(&str, u64)], copies: &[&[&str]]) -> People {
        let nicks: Vec<Nickname> = nicks.iter().map(|(n, c)| nick(n, *c, &["g"])).collect();
        let copies: Vec<Vec<String>> = copies.iter().map(|c| c.iter().map(|s| (*s).to_owned()).collect()).collect();
        People::build(&nicks, &copies)
    }

    fn same(p: &People, a: &str, b: &str) -> bool {
        p.of(a).map(|x| &x.label) == p.of(b).map(|x| &x.label)
    }

    #[test]
    fn a_renamed_member_is_one_person() {
        let p = build(
            &[("龚晓冬", 300), ("龚晓冬-银商账户-产品-上海", 500), ("于江宁-银联电子PM", 328), ("于江宁", 168)],
            &[],
        );
        assert!(same(&p, "龚晓冬", "龚晓冬-银商账户-产品-上海"));
        assert!(same(&p, "于江宁", "于江宁-银联电子PM"));
        assert_eq!(p.persons.len(), 2);
        let yu = p.of("于江宁").unwrap();
        assert_eq!(yu.label, "于江宁");
        assert_eq!(yu.company.as_deref(), Some("银联电子"));
        assert_eq!(yu.aliases, vec!["于江宁-银联电子PM", "于江宁"]);
        assert_eq!(yu.messages, 496);
        assert_eq!(p.merges(), 2);
    }

    #[test]
    fn labels_name_each_person_once_in_order_of_first_appearance() {
        let p = build(
            &[("龚晓冬", 300), ("龚晓冬-银商账户-产品-上海", 500), ("于江宁-银联电子PM", 328), ("于江宁", 168)],
            &[],
        );
        let nicks: Vec<String> =
            ["于江宁", "路人甲", "龚晓冬", "于江宁-银联电子PM", "路人甲", "龚晓冬-银商账户-产品-上海"]
                .iter()
                .map(|n| (*n).to_owned())
                .collect();
        let yu = p.label_of("于江宁").to_owned();
        let gong = p.label_of("龚晓冬").to_owned();
        assert_eq!(p.labels(&nicks), vec![yu, "路人甲".to_owned(), gong]);
        assert!(p.labels(&[]).is_empty());
    }

    /// What [`People::labels`] must return: each distinct label once, in order of first
    /// appearance (the straightforward reading, a scan of the labels so far).
    fn labels_by_scan(p: &People, nicknames: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for n in nicknames {
            let l = p.label_of(n);
            if !out.iter().any(|o| o == l) {
                out.push(l.to_owned());
            }
        }
        out
    }

    #[test]
    fn labels_are_each_label_once_even_where_labels_or_unknown_nicknames_coincide() {
        let person = |label: &str, aliases: &[&str]| Person {
            label: label.to_owned(),
            name: label.to_owned(),
            company: None,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            messages: 1,
        };
        // Two people labelled alike (People::build never does this; from_persons allows it),
        // and an unknown nickname that spells a person's label.
        let p = People::from_persons(vec![
            person("Tim", &["Tim-魔线科技", "Tim"]),
            person("龚晓冬", &["龚晓冬-银商账户"]),
            person("Tim", &["Tim-深圳百灵鸟"]),
            person("于江宁", &["于江宁-银联电子PM"]),
        ]);
        let cases: Vec<Vec<&str>> = vec![
            vec![
                "Tim-深圳百灵鸟",
                "龚晓冬",
                "Tim-魔线科技",
                "龚晓冬-银商账户",
                "路人甲",
                "于江宁-银联电子PM",
                "路人甲",
            ],
            vec!["路人甲", "于江宁", "于江宁-银联电子PM", "Tim", "Tim-深圳百灵鸟"],
            vec!["龚晓冬-银商账户", "龚晓冬-银商账户", "龚晓冬"],
            vec![],
        ];
        for case in cases {
            let nicks: Vec<String> = case.iter().map(|n| (*n).to_owned()).collect();
            assert_eq!(p.labels(&nicks), labels_by_scan(&p, &nicks), "{case:?}");
        }
        let first: Vec<String> =
            ["Tim-深圳百灵鸟", "龚晓冬", "路人甲", "龚晓冬-银商账户", "Tim"].iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(p.labels(&first), vec!["Tim", "龚晓冬", "路人甲"]);
    }

    #[test]
    fn rules_join_what_the_evidence_does_not_and_keep_apart_what_it_joins() {
        let nicks: Vec<Nickname> =
            ["Tim-魔线科技", "Tim-深圳百灵鸟", "龚晓冬", "龚晓冬-银商账户-产品-上海", "Ark", "龚正-滴滴"]
                .iter()
                .map(|n| nick(n, 3, &["g"]))
                .collect();
        let copies: Vec<Vec<String>> = vec![vec!["Ark".into(), "龚正-滴滴".into()]; 3];
        let plain = People::build(&nicks, &copies);
        assert!(!same(&plain, "Tim-魔线科技", "Tim-深圳百灵鸟"));
        assert!(same(&plain, "龚晓冬", "龚晓冬-银商账户-产品-上海") && same(&plain, "Ark", "龚正-滴滴"));
        let rules = Rules::from_yaml(
            "same:\n  - [Tim-魔线科技, Tim-深圳百灵鸟, 没有这个人]\ndifferent:\n  - [龚晓冬, 龚晓冬-银商账户-产品-上海]\n  - [Ark, 龚正-滴滴]\n",
            Path::new("people.yaml"),
        )
        .unwrap();
        let p = People::build_with(&nicks, &copies, &rules);
        assert!(same(&p, "Tim-魔线科技", "Tim-深圳百灵鸟"));
        assert!(!same(&p, "龚晓冬", "龚晓冬-银商账户-产品-上海") && !same(&p, "Ark", "龚正-滴滴"));
        assert!(p.of("没有这个人").is_none(), "a nickname of no message makes no person");
        assert_eq!(p.persons.len(), 5);
    }

    /// Counting per person walks the nicknames in order instead of looking each up: the
    /// same counts as the rule (each nickname's messages go to its person's label; a nickname
    /// the model does not know stands for itself, merged with a label it equals), whatever
    /// nicknames the count holds, in whatever order they sort among the model's.
    #[test]
    fn messages_by_person_counts_each_nickname_for_its_person() {
        let p = build(
            &[
                ("龚晓冬", 300),
                ("龚晓冬-银商账户-产品-上海", 500),
                ("于江宁-银联电子PM", 328),
                ("于江宁", 168),
                ("Tim-魔线科技-产品总监", 400),
                ("Tim-深圳百灵鸟-架构", 200),
                ("Tim", 60),
                ("a", 1),
                ("ab", 1),
                ("李奔-快钱-产品-上海", 3),
                ("李奔-快钱-支付PM", 4),
            ],
            &[],
        );
        assert_eq!(p.of("李奔-快钱-支付PM").unwrap().label, "李奔");
        let by_rule = |counts: &BTreeMap<String, u64>| {
            let mut out: BTreeMap<String, u64> = BTreeMap::new();
            for (nick, &n) in counts.iter().filter(|(_, &n)| n > 0) {
                *out.entry(p.label_of(nick).to_owned()).or_default() += n;
            }
            out
        };
        let nicknames = [
            "龚晓冬",
            "龚晓冬-银商账户-产品-上海",
            "于江宁-银联电子PM",
            "于江宁",
            "Tim-魔线科技-产品总监",
            "Tim-深圳百灵鸟-架构",
            "Tim",
            "a",
            "ab",
            "李奔-快钱-支付PM",
            // Unknown to the model: before, between and after its nicknames, and one equal to
            // a label.
            "李奔",
            "",
            "A",
            "aa",
            "Tim-",
            "龚",
            "龟",
            "\u{10FFFF}",
        ];
        // Subsets of the nicknames (all of up to two, every 31st of the rest), counted 0 to 4.
        for mask in 0u32..(1 << nicknames.len()) {
            if mask % 31 != 0 && mask.count_ones() > 2 {
                continue;
            }
            let counts: BTreeMap<String, u64> = nicknames
                .iter()
                .enumerate()
                .filter(|(k, _)| mask & (1 << k) != 0)
                .map(|(k, n)| ((*n).to_owned(), (k as u64 * 7 + u64::from(mask)) % 5))
                .collect();
            assert_eq!(p.messages_by_person(&counts), by_rule(&counts), "{counts:?}");
        }
        let counts: BTreeMap<String, u64> = [("李奔".to_owned(), 2), ("李奔-快钱-支付PM".to_owned(), 3)].into();
        assert_eq!(p.messages_by_person(&counts), [("李奔".to_owned(), 5)].into());
        assert_eq!(People::default().messages_by_person(&counts), counts);
    }

    #[test]
    fn rules_that_contradict_themselves_are_refused() {
        let refused = |yaml: &str| Rules::from_yaml(yaml, Path::new("people.yaml")).unwrap_err().to_string();
        // One person through a chain of `same` lists, yet said to be different.
        let e = refused("same:\n  - [a, b]\n  - [b, c]\ndifferent:\n  - [c, a]\n");
        assert!(e.contains("`c` and `a` are said to be one person and different people"), "{e}");
        assert!(refused("different:\n  - [a]\n").contains("fewer than two"));
        assert!(refused("same: 3\n").contains("not valid people rules"));
        assert_eq!(Rules::from_yaml("", Path::new("people.yaml")).unwrap(), Rules::default());
    }

    #[test]
    fn companies_must_agree() {
        let p = build(
            &[
                ("Tim-魔线科技-产品总监", 400),
                ("Tim-深圳百灵鸟-架构", 200),
                ("Tim", 60),
                ("李奔-快钱-产品-上海", 3),
                ("李奔-快钱-支付PM", 4),
            ],
            &[],
        );
        assert!(!same(&p, "Tim-魔线科技-产品总监", "Tim-深圳百灵鸟-架构"));
        // Two Tims with companies: the bare one is nobody's in particular.
        assert_eq!(p.of("Tim").unwrap().aliases, vec!["Tim"]);
        assert!(same(&p, "李奔-快钱-产品-上海", "李奔-快钱-支付PM"));
        // Shared names get a nickname label, unique labels all round.
        let labels: BTreeSet<&str> = p.persons.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels.len(), p.persons.len());
        assert_eq!(p.of("Tim-深圳百灵鸟-架构").unwrap().label, "Tim-深圳百灵鸟-架构");
    }

    #[test]
    fn common_names_stay_apart_without_evidence() {
        let p = build(
            &[("Aaron-携程金融支付PL", 38), ("Aaron", 36), ("小王-支付宝", 5), ("小王", 9), ("亮-开发", 1), ("亮", 21)],
            &[],
        );
        for (a, b) in [("Aaron", "Aaron-携程金融支付PL"), ("小王", "小王-支付宝"), ("亮", "亮-开发")] {
            assert!(!same(&p, a, b), "{a} / {b}");
        }
        assert_eq!(p.merges(), 0);
        // With copies as evidence they are one.
        let p = build(&[("Aaron-携程金融支付PL", 38), ("Aaron", 36)], &[&["Aaron", "Aaron-携程金融支付PL"][..]; 2]);
        assert!(same(&p, "Aaron", "Aaron-携程金融支付PL"));
    }

    #[test]
    fn a_bare_name_joins_only_someone_in_its_groups() {
        let nicks = [nick("陈创-兴业数字金融PM", 9, &["a"]), nick("陈创", 7, &["b"]), nick("陈创2", 1, &["a"])];
        let p = People::build(&nicks, &[]);
        assert_eq!(p.merges(), 0);
        let nicks = [nick("陈创-兴业数字金融PM", 9, &["a"]), nick("陈创", 7, &["a", "b"])];
        assert_eq!(People::build(&nicks, &[]).merges(), 1);
    }

    #[test]
    fn variants_of_one_distinctive_name_join() {
        let p = build(
            &[
                ("Addison yang", 9),
                ("Addison Yang", 5),
                ("Stranger °", 108),
                ("stranger  °", 79),
                ("MAX", 3),
                ("Max", 6),
            ],
            &[],
        );
        assert!(same(&p, "Addison yang", "Addison Yang"));
        assert!(same(&p, "Stranger °", "stranger  °"));
        assert!(!same(&p, "MAX", "Max"));
    }

    #[test]
    fn copies_join_each_nickname_to_its_best_partner() {
        let copies: Vec<&[&str]> = [
            vec![&["我", "李雄峰"][..]; 4],
            vec![&["凤凰牌老熊-群主", "我"][..]; 2],
            vec![&["武伟会", "甘建新"][..]],
            vec![&["甘建新", "甘建新-快捷通支付架构师"][..]; 2],
            vec![&["Daniel", "文奇"][..]],
        ]
        .concat();
        let p = build(
            &[
                ("我", 100),
                ("李雄峰", 50),
                ("凤凰牌老熊-群主", 20),
                ("武伟会", 5),
                ("甘建新", 3),
                ("甘建新-快捷通支付架构师", 4),
                ("Daniel", 9),
                ("文奇", 9),
            ],
            &copies,
        );
        assert!(same(&p, "我", "李雄峰") && same(&p, "凤凰牌老熊-群主", "李雄峰"));
        // One coincidence is not evidence.
        assert!(!same(&p, "武伟会", "甘建新") && !same(&p, "Daniel", "文奇"));
        let lao = p.of("我").unwrap();
        assert_eq!(lao.label, "李雄峰", "a distinctive name is preferred to 我");
        // Every message of the person's nicknames, as `from:=李雄峰` finds them: copies too.
        assert_eq!(lao.messages, 170);
        assert_eq!(p.aliases_of(["李雄峰", "nobody"]), vec!["我", "李雄峰", "凤凰牌老熊-群主", "nobody"]);
    }

    #[test]
    fn distinctive_names() {
        for yes in ["龚晓冬", "于江宁", "李丹", "冷暖自知", "hanfeng", "Daniel Liu", "一wan白水", "Roger丙"]
        {
            assert!(distinctive(yes), "{yes}");
        }
        for no in ["Aaron", "tony", "小王", "老K", "亮", "少帅", "Dz", "hui", "", "??", "晓冬"] {
            assert!(!distinctive(no), "{no}");
        }
    }

    #[test]
    fn building_is_deterministic_whatever_the_input_order() {
        let mut nicks: Vec<Nickname> = ["龚晓冬", "龚晓冬-银商账户-产品-上海", "Tim", "Tim-魔线科技", "小王"]
            .iter()
            .map(|n| nick(n, 3, &["g"]))
            .collect();
        let a = People::build(&nicks, &[]);
        nicks.reverse();
        let b = People::build(&nicks, &[]);
        assert_eq!(a.persons, b.persons);
    }
}
