//! The query language, shared by the CLI and the browser:
//! `网联 "快捷 支付" -pos from:张 org:民生 group:proddev topic:routing kind:link date:2017-08`.
//!
//! Terms are ANDed; `A OR B` and `A|B` match either; `-` excludes a term, a phrase or a filter.
//! Chinese punctuation (`网联，对账`; `对账：差错` after a word that is no filter key) separates
//! terms like a space; a filter's value runs to the next white space
//! (`from:李通，社区半径产品专家`: nicknames hold `，`). A term matches the folded
//! text ([`crate::normalise`]) as a substring, where separators inside it (`"快捷 支付"`, `T-1`)
//! match zero or more separators (`+` and `#` are not separators: `T+1` is not `T-1`); the search adds the term's glossary entry unless it is written
//! `=term`. Values of the same filter are ORed (`from:张 from:李`), different filters ANDed. `date:` takes `2017`, `2017-08`,
//! `2017-08-15` or a range `A..B` of those (either side may be open). Chinese input methods
//! type `：` and `“…”`; both work too. This module only parses: names are resolved by search.

use crate::archive::Kind;
use crate::date::{days_in_month, Date};
use crate::text::{is_cjk, is_word_char};
use std::fmt;

/// Characters (CJK characters and Latin letters or digits) a query with a question mark has at
/// least to read as a question (`二清？`: a term asked about is that term's question).
const MIN_MARKED_CHARS: usize = 2;
/// Characters a query with a question word and no mark has at least to read as a question
/// (`清算怎么做`, `怎么对账`; `为什么`, `怎么办` alone are searched as typed).
const MIN_WORDED_CHARS: usize = 4;
/// Characters from which a query with no operators reads as a sentence even without a
/// question word.
const SENTENCE_CHARS: usize = 16;

/// Words that make a query a question.
pub(crate) const QUESTION_WORDS: &[&str] = &[
    "怎么",
    "怎样",
    "如何",
    "什么",
    "为什么",
    "为何",
    "哪些",
    "哪个",
    "哪里",
    "哪家",
    "多少",
    "是否",
    "能否",
    "可否",
    "有没有",
    "是不是",
    "要不要",
    "吗",
    "呢",
    "么",
    // Asking without a question word of the list above (`请问协议支付能不能用`,
    // `外卡收单找谁合作`, `对账文件几点出`): read as typed, they found nothing.
    "请问",
    "请教",
    "求问",
    "求助",
    "啥",
    "谁",
    "几点",
    "几天",
    "几号",
];

/// Whether `word` asks both ways, as 退不退, 能不能 and 可不可以 do (a character, 不, the same
/// character): how a question asks, not what about. As a key term of a question, 退不退
/// outweighed every other one (it is rare in the archive); in a query, it makes a question.
pub(crate) fn either_way(word: &str) -> bool {
    let mut chars = word.chars();
    let (first, not, again) = (chars.next(), chars.next(), chars.next());
    first.is_some() && not == Some('不') && again == first
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<TextTerm>,
    pub filters: Vec<Filter>,
    /// The query held a question mark (`？` ends a term as a space does, so no term keeps it):
    /// part of what makes it [read as a question](Query::reads_as_question).
    pub asks: bool,
    /// Never [read as a question](Query::reads_as_question), whatever its words: a part of a
    /// query that was not one (what the why-nothing text counts of `对账 … -x`).
    pub as_typed: bool,
    /// For each term, whether it is a bare word of letters (or a word gluing Chinese after
    /// letters, `border支付`) typed right after a bare word, only white space between them
    /// (`cross border`: `[false, true]`): such runs may spell one glossary form
    /// ([`Query::with_glossary_runs`]). Empty for a query not parsed.
    pub(crate) follows: Vec<bool>,
}

/// A word or phrase to find in message text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TextTerm {
    /// The term's forms as typed: the first, then those joined by `OR` or `|` (the term
    /// matches if any of them does). Never empty once parsed.
    pub typed: Vec<Alternative>,
    pub negated: bool,
    /// Alternatives the glossary added (filled by the search, not the parser).
    pub also: Vec<String>,
    /// The typed forms the glossary added [`TextTerm::also`] for (filled by the search): what
    /// the note of the additions names.
    pub also_for: Vec<String>,
    /// For an excluded word gluing a glossary name to Chinese (`-NetsUnion对账`), the terms it
    /// reads as typed alone (`NetsUnion`, `对账`, see [`Query::with_glossary_runs`]): the
    /// exclusion leaves out the messages holding all of them, which the word alone finds.
    /// Empty for any other term.
    pub(crate) parts: Vec<TextTerm>,
}

/// One form of a term as typed: `网联`, `"快捷 支付"`, `=调单`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Alternative {
    pub text: String,
    /// Typed in quotes (`网联 OR "快捷 支付"`: the second alternative only).
    pub phrase: bool,
    /// Written `=alt`: the glossary adds nothing for it (`--exact` sets it for every
    /// alternative; in `拒付 OR =调单` the glossary still adds to 拒付).
    pub exact: bool,
}

impl TextTerm {
    /// A plain term as typed.
    pub fn new(text: impl Into<String>) -> TextTerm {
        TextTerm { typed: vec![Alternative { text: text.into(), ..Alternative::default() }], ..TextTerm::default() }
    }

    /// The first form as typed (empty for a term with none).
    pub fn text(&self) -> &str {
        self.typed.first().map_or("", |a| a.text.as_str())
    }

    /// Whether every alternative was written `=alt`: the glossary adds nothing to the term.
    pub fn all_exact(&self) -> bool {
        self.typed.iter().all(|a| a.exact)
    }

    /// Whether some alternative was typed in quotes.
    pub fn has_phrase(&self) -> bool {
        self.typed.iter().any(|a| a.phrase)
    }

    /// Writes every alternative `=alt` (`--exact`).
    pub fn make_exact(&mut self) {
        self.typed.iter_mut().for_each(|a| a.exact = true);
    }

    /// The forms as typed (the first, then those `OR`ed).
    pub fn typed_texts(&self) -> impl Iterator<Item = &str> {
        self.typed.iter().map(|a| a.text.as_str())
    }

    /// Every alternative: as typed, then `OR`ed, then added by the glossary.
    pub fn alternatives(&self) -> impl Iterator<Item = &str> {
        self.typed_texts().chain(self.also.iter().map(String::as_str))
    }

    /// The term with each alternative gluing a glossary name to Chinese read as that word
    /// typed alone is, the name and then the Chinese (`NetsUnion对账`: `NetsUnion` AND `对账`,
    /// see [`Query::with_glossary_runs`]): an `OR`ed one as the terms that say the same
    /// (`网联 OR NetsUnion对账` is `网联 OR NetsUnion` AND `网联 OR 对账`, every choice of one
    /// part of each glued alternative, for at most [`MOST_GLUED_ORED`] of them); an excluded
    /// one as an exclusion of its parts together ([`TextTerm::parts`]: `-NetsUnion对账` leaves
    /// out what `NetsUnion对账` finds, not every message naming NetsUnion). Quoted and `=`
    /// alternatives, as a lone word (read by [`Query::with_glossary_runs`] with the words
    /// before it), stay as typed: the term itself, alone.
    fn read_as_alone(&self, glossary: &crate::glossary::Glossary) -> Vec<TextTerm> {
        fn apart<'a>(glossary: &crate::glossary::Glossary, a: &'a Alternative) -> Option<(&'a str, &'a str)> {
            let glued = glued_name(&a.text).filter(|_| !a.exact && !a.phrase && !glossary.holds(&a.text));
            glued.filter(|(name, _)| glossary.holds(name))
        }
        let apart = |a| apart(glossary, a);
        let glued = self.typed.iter().filter(|a| apart(a).is_some()).count();
        if glued == 0 || !self.parts.is_empty() || (!self.negated && self.typed.len() == 1) {
            return vec![self.clone()];
        }
        if self.negated {
            let whole: Vec<Alternative> = self.typed.iter().filter(|a| apart(a).is_none()).cloned().collect();
            let kept = (!whole.is_empty()).then(|| TextTerm { typed: whole, ..self.clone() });
            let excluded = self.typed.iter().filter_map(|a| {
                let (name, chinese) = apart(a)?;
                let parts = vec![TextTerm::new(name), TextTerm::new(chinese)];
                Some(TextTerm { typed: vec![a.clone()], negated: true, parts, ..TextTerm::default() })
            });
            return kept.into_iter().chain(excluded).collect();
        }
        if glued > MOST_GLUED_ORED {
            return vec![self.clone()];
        }
        let terms: Vec<TextTerm> = (0..1usize << glued)
            .map(|choice| {
                let mut k = 0;
                let mut typed: Vec<Alternative> = Vec::with_capacity(self.typed.len());
                for a in &self.typed {
                    let a = match apart(a) {
                        Some((name, chinese)) => {
                            let part = if choice >> k & 1 == 0 { name } else { chinese };
                            k += 1;
                            Alternative { text: part.to_owned(), ..Alternative::default() }
                        }
                        None => a.clone(),
                    };
                    if !typed.contains(&a) {
                        typed.push(a);
                    }
                }
                TextTerm { typed, ..TextTerm::default() }
            })
            .collect();
        // A term holding every alternative of another says nothing more (`对账` AND `对账 OR
        // NUCC` is `对账`): `NetsUnion对账|NUCC对账` is `NetsUnion OR NUCC` AND `对账`.
        let within = |a: &TextTerm, b: &TextTerm| a.typed.iter().all(|x| b.typed.contains(x));
        let said = |k: usize| {
            terms
                .iter()
                .enumerate()
                .any(|(j, o)| j != k && within(o, &terms[k]) && o.typed.len() < terms[k].typed.len())
        };
        (0..terms.len()).filter(|&k| !said(k)).map(|k| terms[k].clone()).collect()
    }
}

/// Alternatives gluing a glossary name to Chinese that an `OR` reads apart at most
/// ([`TextTerm::read_as_alone`]): `n` of them make `2^n` terms.
const MOST_GLUED_ORED: usize = 3;

/// A field a filter restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    From,
    Org,
    Group,
    Topic,
    Kind,
    Date,
}

impl Field {
    pub const ALL: [Field; 6] = [Field::From, Field::Org, Field::Group, Field::Topic, Field::Kind, Field::Date];

    pub fn key(self) -> &'static str {
        match self {
            Field::From => "from",
            Field::Org => "org",
            Field::Group => "group",
            Field::Topic => "topic",
            Field::Kind => "kind",
            Field::Date => "date",
        }
    }

    fn parse(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key().eq_ignore_ascii_case(key))
    }
}

/// A filter's value, checked for its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Kind(Kind),
    Dates(DateRange),
}

/// One `key:value` restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: Field,
    pub value: Value,
    pub negated: bool,
    /// Set from outside the query's text, by a CLI flag (`--since 2018-01`) or a browser chip
    /// ([`Query::narrow`]): it narrows whatever the text asks, ANDed with the text's filters of
    /// its key, and ORed only with the other narrowing ones of that key (`--from 张 --from 李`).
    /// Joined to the text's own values (`date:2017-06 --since 2018-01` was `date:2017-06 OR
    /// date:2018-01..`), a flag meant to bound a query widened it. False for a parsed filter.
    pub narrows: bool,
}

impl Filter {
    /// Whether a message may match either this filter or `other` (a value of the same filter,
    /// ORed): both positive, on one key, and from the same place, the query's text or outside it
    /// ([`Filter::narrows`]).
    pub(crate) fn ored_with(&self, other: &Filter) -> bool {
        !self.negated && !other.negated && self.field == other.field && self.narrows == other.narrows
    }
}

/// Inclusive date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Date,
    pub to: Date,
}

/// A query that cannot be understood, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unclosed quote starting at character {0}")]
    UnclosedQuote(usize),
    #[error(
        "unclosed quote starting at character {at}: in `{typed}` the backslash before the last quote makes that \
         quote text, as in a shell; to end a quote after a backslash, double it: `{fixed}`"
    )]
    EscapedClose { at: usize, typed: String, fixed: String },
    #[error("`{0}:` needs a value")]
    EmptyValue(&'static str),
    #[error("bad date `{0}`: use YYYY, YYYY-MM or YYYY-MM-DD, or a range like 2017-08-01..2017-09-30")]
    BadDate(String),
    #[error("date range `{0}` ends before it starts")]
    BackwardsDates(String),
    #[error("unknown kind `{0}`: use kind:text, kind:link or kind:image")]
    BadKind(String),
    #[error("`{0}` has no letters, digits, Chinese characters, `+` or `#` to search for")]
    NothingToSearch(String),
    #[error(
        "unknown filter `{key}:` in `{word}`; did you mean `{nearest}:`? (filters: from: org: group: topic: kind: date:; \
         quote the word to search for it as text)"
    )]
    MisspeltFilter { key: String, word: String, nearest: &'static str },
    #[error("`{key}:` is not a filter (in `{word}`): dates are `date:2018-01..` (since) or `date:..2018-01` (until)")]
    DateKey { key: String, word: String },
    #[error(
        "`{0}`: a quote glued to a word; put a space between them to search for both, or the word inside the \
         quotes to search for one phrase (a quote that is part of a name takes a backslash: `\\\"`)"
    )]
    GluedQuote(String),
    #[error("`OR` needs a term on each side")]
    DanglingOr,
    #[error(
        "`OR` joins words, or exclusions, of one kind: not a word and an exclusion (`A OR -B`) nor a filter \
         (a filter repeated is ORed: `from:张 from:李`)"
    )]
    MixedOr,
}

impl Query {
    /// How much of a message's substance the query's own words account for: per positive term,
    /// its shortest typed form ([`crate::rank::substance`]). A message holds one of a term's forms, not all of them, so the
    /// forms the glossary adds are not counted: summing every alternative (`外卡收单` with its
    /// synonyms 外卡, 境外卡, 国际卡 took 12 off every message) sank short statements that hold
    /// the term as bare ones.
    pub(crate) fn substance(&self) -> u32 {
        self.terms
            .iter()
            .filter(|t| !t.negated)
            .map(|t| t.typed_texts().map(crate::rank::substance).min().unwrap_or(0))
            .sum()
    }

    /// Parses a query string.
    pub fn parse(input: &str) -> Result<Query, QueryError> {
        // A Chinese input method types the operators full-width: `｜`, `－`, `＝` (as `：` and `ＯＲ`, below).
        let chars = unescaped(input.chars().map(|c| match c {
            '｜' => '|',
            '－' => '-',
            '＝' => '=',
            c => c,
        }));
        // Why a quote is unclosed is worked out once, for the error the query ends with: a
        // quote inside a word is text, its unclosed error dropped (looked for at each such
        // quote, it was quadratic: 20,000 words `a“` took 0.3 s).
        Query::parse_chars(input, &chars).map_err(|e| match e {
            QueryError::UnclosedQuote(at) => escaped_close(&chars, at - 1).unwrap_or(e),
            e => e,
        })
    }

    /// [`Query::parse`] of `input`, read as `chars` (unescaped).
    fn parse_chars(input: &str, chars: &[char]) -> Result<Query, QueryError> {
        let mut q = Query::default();
        let chars = chars.to_vec();
        let closes = &close_quotes(&chars);
        let mut i = 0;
        // An `OR` (or `|`) was read: the next term joins the previous one.
        let mut or_pending = false;
        // The last thing read was a filter (an `OR` after it would join the term before it).
        let mut after_filter = false;
        // The first `word:` read as text that looks like a filter typed wrongly (`form:陈默`,
        // `since:2018`, `from: 陈默`): the query's error, unless it reads as a question pasted
        // whole, whose words and colons (`请问 data:怎么传`, `Note: 对账…`) are never refused.
        let mut doubt: Option<QueryError> = None;
        // The `-` and `=` before a word that ended at `|"` (`-对账|"快捷 支付"`): the quoted
        // alternative after it has them too, as every alternative of `-pos|epos` has.
        let mut carried: Option<(bool, bool)> = None;
        // The last term that was a bare word of letters, and where it ended.
        let mut last_bare: Option<(usize, usize)> = None;
        while i < chars.len() {
            // A `：` a word ended at (see [`wide_colon_break`]) is skipped as `，` is.
            if chars[i].is_whitespace() || is_term_break(chars[i]) || chars[i] == '：' {
                i += 1;
                continue;
            }
            let start = i;
            let mut negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
            if negated {
                i += 1;
            }
            let exact = chars[i] == '=' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
            if exact {
                i += 1;
                // `=-对账` is `-=对账`: in either order, exclude the word as typed (it searched
                // for the text `-对账`).
                if !negated && chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
                    negated = true;
                    i += 1;
                }
            }
            if is_open_quote(chars[i]) {
                let (text, next) = quoted(&chars, closes, i)?;
                i = next;
                let inherited = carried.take();
                let first = (negated, exact);
                let (negated, exact) = inherited.map_or(first, |(n, e)| (negated || n, exact || e));
                // Chinese glues words to quotes (`“二清”问题`, as messages write it): the
                // phrase, then the word, as a space would give. Not after an exclusion, where
                // the word may have been meant excluded too (`-"快捷 支付"流程`).
                if negated || !chars.get(next).copied().is_some_and(crate::text::is_cjk) {
                    glued_after(&chars, closes, start, next)?;
                }
                push_term(&mut q, text, Mode { phrase: true, negated, exact }, &mut or_pending)?;
                // `-"快捷 支付"|对账`: the alternatives glued after it have the `-` and `=` of
                // the first alternative, as those of `-对账|"快捷 支付"` have the word's (an
                // `=` of its own, `网联|="快捷 支付"|调单`, is only its own).
                if chars.get(i) == Some(&'|') {
                    carried = Some(inherited.unwrap_or(first));
                }
                after_filter = false;
                continue;
            }
            let word_start = i;
            // A quote opening right after a `|` (`a|"b c"`, `a|="b c"`) starts the next
            // alternative: the word ends at the `|` (it read `"b` and `c"` as two words).
            let quote_after_bar = |j: usize| {
                j > i && chars[j - 1] == '|' && {
                    let at = if chars[j] == '=' { j + 1 } else { j };
                    chars.get(at).copied().is_some_and(is_open_quote)
                }
            };
            let end = (i..chars.len())
                .find(|&j| chars[j].is_whitespace() || is_term_break(chars[j]) || quote_after_bar(j))
                .unwrap_or(chars.len());
            let end = wide_colon_break(&chars, word_start, end).unwrap_or(end);
            let before_a_quote = end < chars.len() && quote_after_bar(end);
            let colon = (word_start..end).find(|&j| matches!(chars[j], ':' | '：'));
            let field = colon.and_then(|c| Field::parse(&text_of(&chars[word_start..c])));
            if let (None, Some(colon), false) = (field, colon, exact) {
                let key: String = text_of(&chars[word_start..colon]).to_ascii_lowercase();
                let value: String = text_of(&chars[colon + 1..end]);
                if let Some(error) = misspelt_filter(key, &value, || text_of(&chars[word_start..end])) {
                    doubt.get_or_insert(error);
                }
            }
            // `from: 陈默`: a key needs its value right after the colon; in a sentence, a word
            // and a colon (`Date: …`) is text.
            // A filter's value runs to the next white space, through Chinese punctuation as
            // through ASCII: names hold it (`from:李通，社区半径产品专家`, `from:活动小丑、`,
            // `group:支付产品交流群（演示）`), so `from:张，对账` is one value, not `from:张 对账`.
            let end = match (field, colon) {
                (Some(_), Some(c)) if !exact => {
                    (c + 1..chars.len()).find(|&j| chars[j].is_whitespace()).unwrap_or(chars.len())
                }
                _ => end,
            };
            let bare = field.is_some() && colon.is_some_and(|c| c + 1 == end) && !exact;
            if let (Some(field), true) = (field, bare) {
                doubt.get_or_insert(QueryError::EmptyValue(field.key()));
            }
            if let (Some(field), Some(colon), false, false) = (field, colon, exact, bare) {
                let (values, next) = filter_values(&chars, closes, start, colon + 1)?;
                i = next;
                if or_pending {
                    return Err(QueryError::MixedOr);
                }
                for v in values {
                    q.filters.push(Filter { field, value: parse_value(field, v.trim())?, negated, narrows: false });
                }
                after_filter = true;
                continue;
            }
            i = end;
            let text: String = text_of(&chars[word_start..end]);
            let (negated, exact) = match carried.take() {
                Some((n, e)) if text.starts_with('|') => {
                    // A lone `|` between two quotes: the quote after it has them too.
                    if text == "|" {
                        carried = Some((n, e));
                    }
                    (negated || n, exact || e)
                }
                _ => (negated, exact),
            };
            if before_a_quote {
                carried = Some((negated, exact));
            }
            // `qqzzx"快捷 支付"` (a quote opening inside a word and closing in a later word,
            // which it ends): read as it stands, the words `qqzzx"快捷` and `支付"` (unless a
            // question pasted whole holds it). A quote closed in its own word (`叫"记账宝"`, as
            // messages write it) is the word's text; one whose next `"` is inside another word
            // or opens a phrase is an inch mark (`27"显示器 32"显示器`, `5" 屏幕 "a b"`).
            if let Some(open) = (word_start + 1..end).find(|&j| is_open_quote(chars[j])) {
                if let Ok((_, next)) = quoted(&chars, closes, open) {
                    if next > end && (ends_a_word(&chars, next) || chars[next - 1] == '”') {
                        doubt.get_or_insert_with(|| QueryError::GluedQuote(glued(&chars, closes, start, open)));
                    }
                }
            }
            if is_or(&text) || text == "|" {
                // After a filter, with or without a word before it (`from:张 OR from:李`).
                if after_filter {
                    return Err(QueryError::MixedOr);
                }
                if q.terms.is_empty() || or_pending {
                    return Err(QueryError::DanglingOr);
                }
                or_pending = true;
                continue;
            }
            // A lone `-` is a dash typed between words, not a term.
            if text == "-" && start == word_start {
                continue;
            }
            // Dashes alone (`---`) are a rule typed between words, not an exclusion.
            if negated && text.chars().all(|c| c == '-') {
                return Err(QueryError::NothingToSearch(text_of(&chars[start..end])));
            }
            let mut alternatives = text.split('|').filter(|a| !a.is_empty()).peekable();
            if text.starts_with('|') {
                if after_filter {
                    return Err(QueryError::MixedOr);
                }
                // As `OR 网联` is: nothing before it to join.
                if q.terms.is_empty() {
                    return Err(QueryError::DanglingOr);
                }
                or_pending = true;
            }
            after_filter = false;
            let (pending_before, terms_before) = (or_pending, q.terms.len());
            while let Some(alt) = alternatives.next() {
                // `-对账|-跨境` is `-对账|跨境` (as `-对账 OR -跨境` is); `对账|-跨境` mixes.
                let alt = match alt.strip_prefix('-') {
                    Some(rest) if negated && !rest.is_empty() => rest,
                    _ => alt,
                };
                if alt.len() > 1 && alt.starts_with('-') && text.contains('|') {
                    return Err(QueryError::MixedOr);
                }
                // `拒付|=调单`: an `=` inside the word is that alternative's (one before the word
                // is every alternative's: `=拒付|调单`).
                let (alt, own) = match alt.strip_prefix('=') {
                    Some(rest) if !rest.is_empty() => (rest, true),
                    _ => (alt, false),
                };
                // `对账|=-跨境` is `对账|-=跨境` (in either order, as before a word): it mixes;
                // it searched for `对账|跨境`, exit 0. In an exclusion's alternatives it is
                // the `-` every one has.
                let alt = match alt.strip_prefix('-') {
                    Some(rest) if own && !rest.is_empty() => {
                        if !negated {
                            return Err(QueryError::MixedOr);
                        }
                        rest
                    }
                    _ => alt,
                };
                // `对账|from:张` as `对账 OR from:张` is: a word and a filter do not mix (it
                // searched for the text `from:张`); `对账|=from:张` is that text.
                let filter =
                    alt.split_once([':', '：']).is_some_and(|(k, v)| Field::parse(k).is_some() && !v.is_empty());
                if filter && !own && !exact {
                    return Err(QueryError::MixedOr);
                }
                let mode = Mode { phrase: false, negated, exact: exact || own };
                let alone = !or_pending && !negated && !mode.exact && alt == text;
                match push_term(&mut q, alt.to_owned(), mode, &mut or_pending) {
                    // A word of signs alone (`/`, `–`, `...`, `&`) in a question pasted whole is
                    // its punctuation, left out; in any other query it is refused once read.
                    Err(error @ QueryError::NothingToSearch(_)) if alone => {
                        doubt.get_or_insert(error);
                    }
                    other => other?,
                }
                or_pending = alternatives.peek().is_some();
            }
            or_pending |= text.ends_with('|') && text.len() > 1;
            let plain = !pending_before && !or_pending && !negated && !exact;
            let bare = plain && is_bare_word(&text);
            // A word gluing Chinese to letters (`border支付`) may end a form the bare words
            // before it begin (`cross border支付`, see [`Query::with_glossary_runs`]); no word
            // after it continues one.
            let glued = plain && glued_name(&text).is_some();
            if (bare || glued) && q.terms.len() == terms_before + 1 {
                let at = q.terms.len() - 1;
                let after =
                    last_bare.is_some_and(|(k, e)| k + 1 == at && chars[e..start].iter().all(|c| c.is_whitespace()));
                q.follows.resize(q.terms.len(), false);
                q.follows[at] = after;
                last_bare = bare.then_some((at, end));
            }
        }
        if or_pending {
            return Err(QueryError::DanglingOr);
        }
        q.follows.resize(q.terms.len(), false);
        // A term typed twice is one term: `a a a` finds, counts and ranks what `a` does (each
        // copy was a scorer of its own: 20,000 copies of `a` took 1.2 s). A word after a
        // dropped copy no longer follows the word before it.
        let mut seen = std::collections::HashSet::new();
        let (terms, follows) = (std::mem::take(&mut q.terms), std::mem::take(&mut q.follows));
        let mut dropped = false;
        for (t, follows) in terms.into_iter().zip(follows) {
            if seen.insert(t.clone()) {
                q.follows.push(follows && !dropped);
                q.terms.push(t);
                dropped = false;
            } else {
                dropped = true;
            }
        }
        q.asks = input.contains(['？', '?']);
        if let Some(error) = doubt {
            if !q.reads_as_question() {
                return Err(error);
            }
        }
        // Only Chinese punctuation: nothing to search for, rather than everything.
        if q.is_empty() && input.chars().any(|c| is_term_break(c) || c == '：') {
            return Err(QueryError::NothingToSearch(input.trim().to_owned()));
        }
        Ok(q)
    }

    /// The query with each run of bare words that spells a glossary form (longest first,
    /// compared after folding, whatever separates the form's words: `cross border`,
    /// `Cross-Border`) read as that one term (`risk control team`: `risk control`, `team`),
    /// which the glossary then expands as any term; words outside a form stay as they are
    /// (ANDed). Quoted, `=`, excluded or `OR`ed words are not bare: they keep their meaning,
    /// as does a word given an `OR` after it (`risk control OR 对账`: `risk` AND `control OR
    /// 对账`) or made exact once parsed (`--exact`).
    ///
    /// A word gluing Chinese to letters that end a form, alone or after the bare words before
    /// it (`NetsUnion对账`, `cross border支付`, `risk control系统`), is read as the form and then
    /// the Chinese, as `cross border 支付` is; a word that is a form itself stays whole (`POS机`,
    /// `IC卡`), and so does one whose letters end no form (`for ex支付`).
    pub(crate) fn with_glossary_runs(&self, glossary: &crate::glossary::Glossary) -> Query {
        self.with_glued_names_apart(glossary).glossary_runs(glossary)
    }

    /// The query with each glued name set apart from its Chinese (see
    /// [`Query::with_glossary_runs`]); a glued word left whole follows no word.
    fn with_glued_names_apart(&self, glossary: &crate::glossary::Glossary) -> Query {
        let plain = |k: usize| {
            let t = &self.terms[k];
            !t.negated && matches!(t.typed.as_slice(), [a] if !a.exact && !a.phrase)
        };
        let follows = |k: usize| k > 0 && self.follows.get(k).copied().unwrap_or(false) && plain(k - 1);
        let apart = |k: usize| -> Option<(&str, &str)> {
            let text = self.terms[k].text();
            let (name, chinese) = glued_name(text).filter(|_| plain(k) && !glossary.holds(text))?;
            // The bare words typed right before it, from the first of them on.
            let first = (0..k).rev().take_while(|&j| follows(j + 1)).last().unwrap_or(k);
            let spells = (first..=k).any(|from| {
                let mut words: Vec<&str> = self.terms[from..k].iter().map(TextTerm::text).collect();
                words.push(name);
                if words.len() == 1 {
                    glossary.holds(name)
                } else {
                    glossary.longest_run(&words) == words.len()
                }
            });
            spells.then_some((name, chinese))
        };
        let mut out = Query { terms: Vec::new(), follows: Vec::new(), ..self.clone() };
        for (k, t) in self.terms.iter().enumerate() {
            let after = self.follows.get(k).copied().unwrap_or(false);
            match apart(k) {
                Some((name, chinese)) => {
                    out.terms.extend([TextTerm::new(name), TextTerm::new(chinese)]);
                    out.follows.extend([after, false]);
                }
                None => {
                    let read = t.read_as_alone(glossary);
                    let bare = read.len() == 1 && after && is_bare_word(t.text());
                    out.follows.extend(std::iter::repeat_n(false, read.len()));
                    if let Some(last) = out.follows.last_mut() {
                        *last = bare;
                    }
                    out.terms.extend(read);
                }
            }
        }
        out
    }

    /// [`Query::with_glossary_runs`] once glued names are apart.
    fn glossary_runs(&self, glossary: &crate::glossary::Glossary) -> Query {
        let plain = |k: usize| {
            let t = &self.terms[k];
            !t.negated && matches!(t.typed.as_slice(), [a] if !a.exact && !a.phrase)
        };
        let follows = |k: usize| k > 0 && self.follows.get(k).copied().unwrap_or(false) && plain(k) && plain(k - 1);
        if !(0..self.terms.len()).any(follows) {
            return self.clone();
        }
        let mut out = Query { terms: Vec::with_capacity(self.terms.len()), follows: Vec::new(), ..self.clone() };
        let mut seen = std::collections::HashSet::new();
        let mut k = 0;
        while k < self.terms.len() {
            // The run of bare words from here: this one and those that follow it.
            let run = 1 + (k + 1..self.terms.len()).take_while(|&j| follows(j)).count();
            let words: Vec<&str> = self.terms[k..k + run].iter().map(TextTerm::text).collect();
            let n = if run > 1 { glossary.longest_run(&words) } else { 0 };
            let (term, follows_before) = if n >= 2 {
                (TextTerm::new(words[..n].join(" ")), false)
            } else {
                // A word after a form read as one term starts a run of its own.
                let after_form = out.terms.last().is_some_and(|t| !is_bare_word(t.text()));
                (self.terms[k].clone(), follows(k) && !after_form)
            };
            k += n.max(1);
            // A term typed twice is one term (`risk control risk control`).
            if seen.insert(term.clone()) {
                out.terms.push(term);
                out.follows.push(follows_before);
            }
        }
        out
    }

    /// Filters on `field`.
    pub fn filters_on(&self, field: Field) -> impl Iterator<Item = &Filter> {
        self.filters.iter().filter(move |f| f.field == field)
    }

    /// Adds filters set outside the query's text (the CLI's `--from --since --until --topic
    /// --group`, the browser's chips): they narrow what the text asks, whatever filters of
    /// their keys it holds (see [`Filter::narrows`]).
    pub fn narrow(&mut self, filters: impl IntoIterator<Item = Filter>) {
        self.filters.extend(filters.into_iter().map(|f| Filter { narrows: true, ..f }));
    }

    /// True if the query has a word to find (a term not excluded), not only filters and
    /// exclusions.
    pub fn has_words(&self) -> bool {
        self.terms.iter().any(|t| !t.negated)
    }

    /// True if the query neither searches text nor filters.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.filters.is_empty()
    }

    /// Whether the query reads as a question pasted whole (which search answers by its key
    /// terms, `crate::question`): it has no filters, exclusions, phrases or `OR`, and is long
    /// enough, with a question word or mark or the length of a sentence.
    pub(crate) fn reads_as_question(&self) -> bool {
        // An `OR` is an operator too: only the first form of each term is read (`对账文件怎么下载
        // OR "快捷 支付"` searched the question alone, and the other order its two forms).
        let operator = |t: &TextTerm| t.negated || t.has_phrase() || t.typed.len() > 1;
        // Filters of its own text are operators; ones set from outside it (a CLI flag, a
        // browser chip) only narrow what the question finds (`对账怎么做 --since 2018` was
        // searched word for word, as was every question pasted under a chip).
        let typed_filter = self.filters.iter().any(|f| !f.narrows);
        if self.as_typed || typed_filter || self.terms.iter().any(operator) || self.terms.is_empty() {
            return false;
        }
        // Folded: a traditional question asks as a simplified one does (`怎麼`).
        let text = crate::normalise::fold(&self.joined());
        let chars = text.chars().filter(|&c| is_cjk(c) || is_word_char(c)).count();
        let worded = || {
            QUESTION_WORDS.iter().any(|w| text.contains(w))
                || text.char_indices().any(|(at, _)| either_way(&text[at..]))
        };
        // Short, a question asks by its mark or its words: `清算怎么做？` was searched as typed
        // and found nothing, `对账怎么做?` one message that happens to say so.
        let marked = (self.asks && chars >= MIN_MARKED_CHARS) || (chars >= MIN_WORDED_CHARS && worded());
        // Unmarked, it is a sentence by its length. In a query of one or two terms, an English
        // name the glossary expanded (once expanded: `anti money laundering`, read as one term by
        // [`Query::with_glossary_runs`], or `reconciliation-discrepancy 短款`) is a term, not part
        // of a sentence: `anti money laundering` was read as a question of three words. Among
        // more terms it counts as before (`chargeback 拒付 调单 差错处理 流程` is a pasted list of
        // key terms, answered as a question: as five ANDed terms it found nothing).
        let few = self.terms.len() <= 2;
        let named = |t: &&TextTerm| few && !t.has_phrase() && !t.also.is_empty() && !t.text().chars().any(is_cjk);
        let sentence = || {
            let words: String = self.terms.iter().filter(|t| !named(t)).map(TextTerm::text).collect();
            words.chars().filter(|&c| is_cjk(c) || is_word_char(c)).count() >= SENTENCE_CHARS
        };
        marked || sentence()
    }

    /// The text of the query's terms, one space between them.
    pub(crate) fn joined(&self) -> String {
        self.terms.iter().map(TextTerm::text).collect::<Vec<_>>().join(" ")
    }

    /// One query per positive term: that term with every negated term and every filter (what
    /// a message must satisfy to hold that term of the query); empty without a positive term.
    pub fn per_positive_term(&self) -> Vec<Query> {
        // Found once (found again for each positive term, every term was read once per term).
        let negative: Vec<&TextTerm> = self.terms.iter().filter(|t| t.negated).collect();
        self.terms
            .iter()
            .filter(|t| !t.negated)
            .map(|t| Query {
                terms: std::iter::once(t).chain(negative.iter().copied()).cloned().collect(),
                filters: self.filters.clone(),
                ..Query::default()
            })
            .collect()
    }

    /// The texts to highlight in results: every alternative of the positive terms.
    pub fn highlight_terms(&self) -> Vec<&str> {
        self.terms.iter().filter(|t| !t.negated).flat_map(TextTerm::alternatives).collect()
    }

    /// What the glossary added, every form of it: `拒付: also 调单, chargeback`, one line per
    /// expanded term (`-拒付: also …` for an excluded one, which leaves those out too); empty
    /// when nothing was added. People read it grouped ([`Expansion::read`]).
    pub fn expansion_note(&self) -> Vec<String> {
        self.expansions().iter().map(Expansion::line).collect()
    }

    /// What the glossary added, one [`Expansion`] per expanded term (and per expanded part of
    /// an excluded glued name), in the order of the terms.
    pub fn expansions(&self) -> Vec<Expansion> {
        self.terms
            .iter()
            .flat_map(|t| {
                // Named by the forms the glossary expanded (`=记账 OR 拒付`: 拒付).
                let expanded = if t.also_for.is_empty() { t.text().to_owned() } else { t.also_for.join(" OR ") };
                let not = if t.negated { "-" } else { "" };
                let own = (!t.also.is_empty())
                    .then(|| Expansion { named: format!("{not}{expanded}"), forms: t.also.clone() });
                // The parts of an excluded glued name, each named within it:
                // `-NetsUnion对账 (NetsUnion): also 网联, …`.
                let parts = t.parts.iter().filter(|p| !p.also.is_empty()).map(move |p| Expansion {
                    named: format!("{not}{} ({})", t.text(), p.text()),
                    forms: p.also.clone(),
                });
                own.into_iter().chain(parts)
            })
            .collect()
    }
}

/// What the glossary added to one term.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// The term it was added for, as typed: `拒付`, `-拒付`, `-NetsUnion对账 (NetsUnion)`.
    pub named: String,
    /// Every form added, in glossary order.
    pub forms: Vec<String>,
}

impl Expansion {
    /// `拒付: also 调单, chargeback`: every form.
    pub fn line(&self) -> String {
        format!("{}: also {}", self.named, self.forms.join(", "))
    }

    /// `二类户: also II类(账)户, 2类(账)户, …`: every form, grouped ([`Expansion::groups`]).
    pub fn read(&self) -> String {
        let groups: Vec<String> = self.groups().into_iter().map(|(g, _)| g).collect();
        format!("{}: also {}", self.named, groups.join(", "))
    }

    /// The forms for reading, in glossary order, with how many forms each stands for: a form
    /// and the same form with one or two characters more inside it, as the archive writes 户
    /// and 账户 (`II类户`, `II类账户`), are one group, the characters in brackets
    /// (`II类(账)户`), when at least two pairs of the list differ by the same characters (a way
    /// of writing the whole list, not one pair's: `长款` and `长短款` are two forms); any other
    /// form is its own. The characters most pairs differ by pair first, so that a list pairs
    /// alike (`二、三类户` with `二、三类账户`, not `二类、三类户`).
    pub fn groups(&self) -> Vec<(String, usize)> {
        let n = self.forms.len();
        let pairs: Vec<(usize, usize, String, String)> = (0..n)
            .flat_map(|k| (k + 1..n).map(move |j| (k, j)))
            .filter_map(|(k, j)| {
                let (merged, added) = with_more_inside(&self.forms[k], &self.forms[j])?;
                Some((k, j, merged, added))
            })
            .collect();
        let mut by_added: Vec<(&str, usize)> = Vec::new();
        for (_, _, _, added) in &pairs {
            match by_added.iter_mut().find(|(a, _)| a == added) {
                Some((_, count)) => *count += 1,
                None => by_added.push((added, 1)),
            }
        }
        // Most pairs first; stable, so ties keep the order they were met in.
        by_added.sort_by_key(|&(_, count)| std::cmp::Reverse(count));
        // For each form, the group it starts (merged, forms) or `None` once part of another.
        let mut group: Vec<Option<(String, usize)>> = self.forms.iter().map(|f| Some((f.clone(), 1))).collect();
        let mut paired = vec![false; n];
        for (added, _) in by_added.into_iter().filter(|&(_, count)| count >= 2) {
            for (k, j, merged, _) in pairs.iter().filter(|p| p.3 == added) {
                if !paired[*k] && !paired[*j] {
                    paired[*k] = true;
                    paired[*j] = true;
                    group[*k] = Some((merged.clone(), 2));
                    group[*j] = None;
                }
            }
        }
        group.into_iter().flatten().collect()
    }
}

/// `a` and `b` written as one when one is the other with one or two characters more inside it
/// (not at either end), and those characters: `II类户` and `II类账户` are `II类(账)户`, with
/// `账`; `None` otherwise, or when the characters are a separator (`二类账户` and `二、三类账户`
/// are two forms).
fn with_more_inside(a: &str, b: &str) -> Option<(String, String)> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() < b.len() { (&a, &b) } else { (&b, &a) };
    let more = long.len() - short.len();
    if !(1..=2).contains(&more) {
        return None;
    }
    let head = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    let tail = short.len() - head;
    let inside = head > 0 && tail > 0 && short[head..] == long[head + more..];
    let added: String = long[head..head + more].iter().collect();
    let text = |c: &[char]| c.iter().collect::<String>();
    let plain = added.chars().all(|c| is_cjk(c) || is_word_char(c) || c == '+');
    (inside && plain).then(|| (format!("{}({added}){}", text(&short[..head]), text(&short[head..])), added))
}

/// A bare word of letters, as typed (`cross`, `Anti-Money`, `ｃｒｏｓｓ`): no digit, symbol,
/// CJK character or quote; what may join the words around it into one glossary form.
fn is_bare_word(text: &str) -> bool {
    use crate::text::is_letter;
    text.chars().next().is_some_and(is_letter) && text.chars().all(|c| is_letter(c) || c == '-' || c == '_')
}

/// A word gluing Chinese after letters (`border支付`, `NetsUnion对账`, `POS机`,
/// `cross-border支付`): the letters (and digits after them, or `-` and `_` between words, as
/// [`is_bare_word`] allows) before its first CJK character, and the rest; `None` for any other
/// word (`支付`, `T+0到账`, `border`).
fn glued_name(text: &str) -> Option<(&str, &str)> {
    use crate::text::is_letter;
    let at = text.find(is_cjk)?;
    let (name, chinese) = text.split_at(at);
    let letters =
        name.chars().next().is_some_and(is_letter) && name.chars().all(|c| is_word_char(c) || c == '-' || c == '_');
    letters.then_some((name, chinese))
}

/// For a quoted phrase gluing a glossary name to Chinese (`"NetsUnion对账"`, `"cross
/// border支付"`), the phrase with each other form of the name in its place (`网联对账`,
/// `NUCC对账`, …; `跨境支付`): the name is the glossary's, as typed alone, and the quotes keep
/// the Chinese right after it. Empty for any other text.
pub(crate) fn glued_forms(glossary: &crate::glossary::Glossary, text: &str) -> Vec<String> {
    use crate::text::is_letter;
    let Some(at) = text.find(is_cjk) else { return Vec::new() };
    let (name, chinese) = (text[..at].trim_end(), &text[at..]);
    let letters = name.chars().next().is_some_and(is_letter)
        && name.chars().all(|c| is_word_char(c) || c == '-' || c == '_' || c.is_whitespace());
    if !letters {
        return Vec::new();
    }
    glossary.expand(name).into_iter().map(|form| format!("{form}{chinese}")).collect()
}

/// How a term was written.
#[derive(Clone, Copy)]
struct Mode {
    phrase: bool,
    negated: bool,
    exact: bool,
}

/// Adds a term, or an alternative to the last term if an `OR` came before it.
fn push_term(q: &mut Query, text: String, mode: Mode, or_pending: &mut bool) -> Result<(), QueryError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    if crate::tokenize::term_variants(&text).is_empty() {
        return Err(QueryError::NothingToSearch(text));
    }
    match q.terms.last_mut() {
        Some(last) if *or_pending && last.negated != mode.negated => return Err(QueryError::MixedOr),
        Some(last) if *or_pending => last.typed.push(Alternative { text, phrase: mode.phrase, exact: mode.exact }),
        _ => q.terms.push(TextTerm {
            typed: vec![Alternative { text, phrase: mode.phrase, exact: mode.exact }],
            negated: mode.negated,
            ..TextTerm::default()
        }),
    }
    *or_pending = false;
    Ok(())
}

/// The error a `key:value` word whose key is no filter's makes when it reads as a filter typed
/// wrongly: its key is close to a filter's (`form:陈默`) or is one of the CLI's date flags
/// (`since:2018`), and the value is one that filter takes (a date, or what looks like one
/// misspelt, for `date:`; a kind for `kind:`; anything for the others). Without a value
/// (`note: 对账…`) or with one the filter would not take (`data:怎么传`, `find:商户`), the word
/// is text; so is a `key:` far from every filter's (`https:`).
fn misspelt_filter(key: String, value: &str, word: impl FnOnce() -> String) -> Option<QueryError> {
    let (meant, error) = if matches!(key.as_str(), "since" | "until" | "before" | "after") {
        (Field::Date, QueryError::DateKey { key, word: word() })
    } else {
        let nearest = misspelt_key(&key)?;
        (Field::parse(nearest)?, QueryError::MisspeltFilter { key, word: word(), nearest })
    };
    let takes = match meant {
        Field::Date => {
            !value.trim_matches('.').is_empty()
                && value.split("..").all(|side| side.is_empty() || looks_like_date(side))
        }
        _ => parse_value(meant, value).is_ok(),
    };
    takes.then_some(error)
}

/// `2018`, `2018-3`, `2018-13-45`: four digits, then up to two `-` and digits (a date, or one
/// mistyped: `date:` says what is wrong with it).
fn looks_like_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let year = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && rest.len() <= 2
        && rest.iter().all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The filter key a word's `key:` (lowercase) misspells (`form` → `from`), if it is that close
/// to one; a `word:` not close to any (`https`, `T+1`) is text to search for.
fn misspelt_key(key: &str) -> Option<&'static str> {
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Field::ALL
        .into_iter()
        .map(|f| (edit_distance(key, f.key()), f.key()))
        .min()
        .filter(|&(d, _)| d <= 1 || (d == 2 && key.len() >= 4))
        .map(|(_, known)| known)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// `OR`, the operator, typed plain or full-width (`ＯＲ`, as a Chinese input method types it in
/// full-width mode, was ANDed as the word `or`), as `｜`, `－` and `＝` are.
fn is_or(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some('O' | 'Ｏ'), Some('R' | 'Ｒ'), None))
}

/// Where a `：` ends the word `chars[start..end]`, as `，` would: `对账：差错` is `对账` and `差错`
/// (as Chinese notes write "subject: detail"; read as one word, it was a phrase found nowhere).
/// `None` when the word's first colon follows a filter's key (`from：张`, a filter; `=from：张`,
/// its text; `from:张：对账`, a value) or one typed wrongly (`form：陈默`: the error saying so),
/// or the word holds no `：` (`10:30`, `https://…` are read as ever).
fn wide_colon_break(chars: &[char], start: usize, end: usize) -> Option<usize> {
    let wide = (start..end).find(|&j| chars[j] == '：')?;
    let first = (start..end).find(|&j| matches!(chars[j], ':' | '：')).unwrap_or(wide);
    // The key of the alternative the colon is in (`对账|from：张` mixes a word and a filter, as
    // `对账|from:张` does; `对账|=from：张` is the text `from：张`).
    let alternative = (start..first).rev().find(|&j| chars[j] == '|').map_or(start, |j| j + 1);
    let key = text_of(&chars[alternative..first]);
    let key = key.trim_start_matches(['-', '=']);
    if Field::parse(key).is_some() {
        return None;
    }
    let value = text_of(&chars[first + 1..end]);
    let misspelt = first == wide && misspelt_filter(key.to_ascii_lowercase(), &value, String::new).is_some();
    (!misspelt).then_some(wide)
}

/// Chinese punctuation that ends a term outside quotes, as a space does (`网联，对账`); `：`
/// does too, unless it makes a filter ([`wide_colon_break`]).
fn is_term_break(c: char) -> bool {
    matches!(
        c,
        '，' | '、'
            | '。'
            | '；'
            | '！'
            | '？'
            | '《'
            | '》'
            | '「'
            | '」'
            | '『'
            | '』'
            | '【'
            | '】'
            | '（'
            | '）'
    )
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '”')
}

/// What a backslash makes text, anywhere in a query, as in a shell: a quote (`"`, `“`, `”`) and
/// a backslash (`from:"\"小李\"飞刀"`, `from:\"小李\"飞刀`). Another backslash is itself
/// (`C:\path`).
const ESCAPED: [char; 4] = ['"', '“', '”', '\\'];
/// What each of [`ESCAPED`] is while the query is parsed: noncharacters, which no text holds,
/// so that an escaped quote neither opens nor closes one.
const LITERAL: [char; 4] = ['\u{FDD0}', '\u{FDD1}', '\u{FDD2}', '\u{FDD3}'];

/// The characters of a query, each escaped one ([`ESCAPED`]) as its [`LITERAL`].
fn unescaped(input: impl Iterator<Item = char>) -> Vec<char> {
    let mut out = Vec::new();
    let mut input = input.peekable();
    while let Some(c) = input.next() {
        let escaped = if c == '\\' { input.peek().and_then(|n| ESCAPED.iter().position(|e| e == n)) } else { None };
        match escaped {
            Some(k) => {
                input.next();
                out.push(LITERAL[k]);
            }
            None => out.push(c),
        }
    }
    out
}

/// The text of parsed characters: each [`LITERAL`] the character it stands for.
fn text_of(chars: &[char]) -> String {
    chars.iter().map(|c| LITERAL.iter().position(|l| l == c).map_or(*c, |k| ESCAPED[k])).collect()
}

/// `text` as it is typed: each quote after a backslash, and each backslash inside quotes
/// (`quoted`) or, in a bare word, before a quote or backslash (`C:\path` stays as typed).
fn escaped(text: &str, quoted: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let escapes_next = chars.peek().is_some_and(|n| ESCAPED.contains(n));
        if ESCAPED.contains(&c) && (c != '\\' || quoted || escapes_next) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// For each index of `chars` (and its end), the index of the first closing quote at or after
/// it (`chars.len()` if none): found once, so that finding where each quote closes costs no
/// scan (a scan per quote was quadratic in a long query of unclosed quotes).
fn close_quotes(chars: &[char]) -> Vec<usize> {
    let mut out = vec![chars.len(); chars.len() + 1];
    for j in (0..chars.len()).rev() {
        out[j] = if is_close_quote(chars[j]) { j } else { out[j + 1] };
    }
    out
}

/// The text of a quote opening at `at`, and the index after its closing quote (`closes`: see
/// [`close_quotes`]).
fn quoted(chars: &[char], closes: &[usize], at: usize) -> Result<(String, usize), QueryError> {
    let close = closes.get(at + 1).copied().filter(|&c| c < chars.len()).ok_or(QueryError::UnclosedQuote(at + 1))?;
    Ok((text_of(&chars[at + 1..close]), close + 1))
}

/// The error of a quote opening at `at` that no quote closes (for the error a query ends with,
/// once: it reads to the query's end), where a quote escaped by the
/// backslash before it ends a word after it (`"C:\dir\"`): the quote the user meant to close
/// with, shown as typed and as it is written (`"C:\\dir\\"`).
fn escaped_close(chars: &[char], at: usize) -> Option<QueryError> {
    let quote_at = |j: usize| match LITERAL.iter().position(|&l| l == chars[j]) {
        Some(k) if is_close_quote(ESCAPED[k]) => Some(ESCAPED[k]),
        _ => None,
    };
    let (end, quote) =
        (at + 1..chars.len()).find_map(|j| quote_at(j).filter(|_| ends_a_word(chars, j + 1)).map(|q| (j, q)))?;
    let inner = &chars[at + 1..end];
    let as_typed: String = inner
        .iter()
        .map(|c| LITERAL.iter().position(|l| l == c).map_or_else(|| c.to_string(), |k| format!("\\{}", ESCAPED[k])))
        .collect();
    let typed = format!("{}{as_typed}\\{quote}", chars[at]);
    let fixed = format!("{}{}\\\\{quote}", chars[at], escaped(&text_of(inner), true));
    Some(QueryError::EscapedClose { at: at + 1, typed, fixed })
}

/// A closed quote (of the word starting at `start`) ends at `next`: what follows must end the
/// word (white space, Chinese punctuation, the end) or join another alternative (`|`).
/// `"快捷 支付"qqzzx` is an error that says how to write what was meant: it was read, without
/// a word, as the phrase and `qqzzx` ANDed, which the user may not have meant (one phrase?).
fn glued_after(chars: &[char], closes: &[usize], start: usize, next: usize) -> Result<(), QueryError> {
    if ends_a_word(chars, next) {
        Ok(())
    } else {
        Err(QueryError::GluedQuote(glued(chars, closes, start, next)))
    }
}

/// Whether what is at `at` ends a word after a closing quote: white space, Chinese
/// punctuation (`：` too: `"二清"：问题`), the end, or a `|` joining another alternative.
fn ends_a_word(chars: &[char], at: usize) -> bool {
    chars.get(at).is_none_or(|&c| c.is_whitespace() || is_term_break(c) || c == '：' || c == '|')
}

/// The piece of the query a glued quote is in, for the error to name: from the word's
/// `start` on from `at` to white space, over any quote on the way (`"快捷 支付"qqzzx`,
/// `qqzzx"快捷 支付"`). Linear in the query: it visited every character to its end, finding
/// where a quote would close from each one (3.9 s of CPU for `"快捷 支付"` and 100,000 letters).
fn glued(chars: &[char], closes: &[usize], start: usize, mut at: usize) -> String {
    while at < chars.len() && !chars[at].is_whitespace() {
        let close = closes[at + 1];
        at = if is_open_quote(chars[at]) && close < chars.len() { close + 1 } else { at + 1 };
    }
    text_of(&chars[start..at])
}

/// The values of a filter starting at `at` (after the colon of the word starting at `start`),
/// and the index after them: `from:张|李` is `from:张 from:李`, as `A|B` is for words; each
/// alternative may be quoted, `=` before the quote or not (`from:张|"李 四"`,
/// `org:="银联 商务"|民生`), and in quotes `|` is text.
fn filter_values(
    chars: &[char],
    closes: &[usize],
    start: usize,
    mut at: usize,
) -> Result<(Vec<String>, usize), QueryError> {
    let mut values = Vec::new();
    loop {
        let eq = chars.get(at) == Some(&'=') && chars.get(at + 1).copied().is_some_and(is_open_quote);
        let open = if eq { at + 1 } else { at };
        if chars.get(open).copied().is_some_and(is_open_quote) {
            let (text, next) = quoted(chars, closes, open)?;
            glued_after(chars, closes, start, next)?;
            values.push(if eq { format!("={text}") } else { text });
            at = next;
        } else {
            let end = (at..chars.len()).find(|&j| chars[j].is_whitespace() || chars[j] == '|').unwrap_or(chars.len());
            values.push(text_of(&chars[at..end]));
            at = end;
        }
        if chars.get(at) != Some(&'|') {
            return Ok((values, at));
        }
        at += 1;
    }
}

fn parse_value(field: Field, value: &str) -> Result<Value, QueryError> {
    // `from:=` is the exact form of `from:` with nothing after it, not a search for `=`.
    if value.is_empty() || value == "=" {
        return Err(QueryError::EmptyValue(field.key()));
    }
    // A kind or a date is always matched exactly: `kind:=link` and `date:=2018` (as an
    // assistant taught `from:=NICKNAME` writes every filter) are `kind:link` and `date:2018`.
    // Names keep it: `from:=`, `org:=` and `group:=` name one exactly (see the search).
    let exact = || value.strip_prefix('=').unwrap_or(value);
    Ok(match field {
        Field::Kind => Value::Kind(Kind::parse(exact()).ok_or_else(|| QueryError::BadKind(value.to_owned()))?),
        Field::Date => Value::Dates(DateRange::parse(exact())?),
        _ => Value::Text(value.to_owned()),
    })
}

impl DateRange {
    /// `2017`, `2017-08`, `2017-08-15`, or `A..B` of those with either side open. A bad date
    /// is named as written, the side of a range it is (`2018-02-29` of `2018-02-29..2018-03`).
    pub fn parse(s: &str) -> Result<DateRange, QueryError> {
        let bad = |d: &str| QueryError::BadDate(d.to_owned());
        let side = |d: &str| period(d).ok_or_else(|| bad(d));
        let (from, to) = match s.split_once("..") {
            Some((a, b)) => {
                let from = if a.is_empty() { Date::new(1, 1, 1) } else { Some(side(a)?.0) };
                let to = if b.is_empty() { Date::new(9999, 12, 31) } else { Some(side(b)?.1) };
                (
                    from.ok_or_else(|| QueryError::BadDate(s.to_owned()))?,
                    to.ok_or_else(|| QueryError::BadDate(s.to_owned()))?,
                )
            }
            None => side(s)?,
        };
        if to < from {
            return Err(QueryError::BackwardsDates(s.to_owned()));
        }
        Ok(DateRange { from, to })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }
}

/// First and last day of `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn period(s: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u16>().ok()).flatten()
    };
    match parts.as_slice() {
        [y] => {
            let y = num(y, 4)?;
            Some((Date::new(y, 1, 1)?, Date::new(y, 12, 31)?))
        }
        [y, m] => {
            let (y, m) = (num(y, 4)?, u8::try_from(num(m, 2)?).ok()?);
            Some((Date::new(y, m, 1)?, Date::new(y, m, days_in_month(y, m))?))
        }
        [_, _, _] => {
            let d = Date::parse_prefix(s).filter(|_| s.len() == 10)?;
            Some((d, d))
        }
        _ => None,
    }
}

impl fmt::Display for DateRange {
    /// The range as it is typed, in the fewest characters that parse back to it: `2030` (not
    /// `2030-01-01..2030-12-31`), `2017-08`, `2018-03-05`, `2017..2018-06`, `2018-03..`,
    /// `..2017-06` (an open side is left empty, not `0001-01-01`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (from, to) = (self.from, self.to);
        let year = |d: Date| format!("{:04}", d.year);
        let first_of_year = from.month == 1 && from.day == 1;
        let last_of_year = to.month == 12 && to.day == 31;
        let last_of_month = to.day == days_in_month(to.year, to.month);
        // One period: a year, a month or a day.
        if from.year == to.year && first_of_year && last_of_year {
            return f.write_str(&year(from));
        }
        if (from.year, from.month) == (to.year, to.month) && from.day == 1 && last_of_month {
            return f.write_str(&from.month_label());
        }
        if from == to {
            return write!(f, "{from}");
        }
        // A range, each side as short as it reads the same (a side's period starts, or ends,
        // where the range does).
        let start = if Some(from) == Date::new(1, 1, 1) {
            String::new()
        } else if first_of_year {
            year(from)
        } else if from.day == 1 {
            from.month_label()
        } else {
            from.to_string()
        };
        let end = if Some(to) == Date::new(9999, 12, 31) {
            String::new()
        } else if last_of_year {
            year(to)
        } else if last_of_month {
            to.month_label()
        } else {
            to.to_string()
        };
        write!(f, "{start}..{end}")
    }
}

impl fmt::Display for TextTerm {
    /// The term as it would be typed: `-跨境`, `=pos`, `"快捷 支付"`, `拒付 OR =调单`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each alternative of an exclusion excluded (`-对账 OR -跨境`: `-对账 OR 跨境` is no query).
        let not = if self.negated { "-" } else { "" };
        for (k, a) in self.typed.iter().enumerate() {
            let or = if k > 0 { " OR " } else { "" };
            let exact = if a.exact { "=" } else { "" };
            // A term of words read as one glossary form (`cross border`) is shown bare: typed
            // so, it is read the same way.
            if a.phrase {
                write!(f, "{or}{not}{exact}\"{}\"", escaped(&a.text, true))?;
            } else {
                // A quote in a bare word is escaped: shown bare it would open one.
                write!(f, "{or}{not}{exact}{}", escaped(&a.text, false))?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Query {
    /// The query as it would be typed: its terms, then its filters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let terms = self.terms.iter().map(ToString::to_string);
        f.write_str(&terms.chain(self.filters.iter().map(ToString::to_string)).collect::<Vec<_>>().join(" "))
    }
}

impl fmt::Display for Filter {
    /// The filter as it would be typed: `-from:张`, `date:2017-08`, `date:2018-03..`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = if self.negated { "-" } else { "" };
        let key = self.field.key();
        match &self.value {
            // Quoted when typed bare it would not come back whole: a space ends it, `|` splits
            // it, a quote opens one, a backslash may escape (Chinese punctuation is part of it:
            // `from:李通，社区半径产品专家`); a quote or backslash inside quotes is escaped.
            Value::Text(t)
                if t.starts_with(is_open_quote) || t.contains(|c: char| c.is_whitespace() || c == '|' || c == '\\') =>
            {
                write!(f, "{neg}{key}:\"{}\"", escaped(t, true))
            }
            Value::Text(t) => write!(f, "{neg}{key}:{t}"),
            Value::Kind(k) => write!(f, "{neg}{key}:{}", k.as_str()),
            Value::Dates(r) => write!(f, "{neg}{key}:{r}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, phrase: bool, negated: bool) -> TextTerm {
        TextTerm {
            typed: vec![Alternative { text: text.into(), phrase, exact: false }],
            negated,
            ..TextTerm::default()
        }
    }

    /// A term's typed forms: text, phrase, exact.
    fn forms(t: &TextTerm) -> Vec<(&str, bool, bool)> {
        t.typed.iter().map(|a| (a.text.as_str(), a.phrase, a.exact)).collect()
    }

    #[test]
    fn an_exact_exclusion_reads_the_same_in_either_order() {
        let a = Query::parse("对账 =-差错").unwrap();
        assert_eq!(a, Query::parse("对账 -=差错").unwrap());
        let t = &a.terms[1];
        assert_eq!((forms(t), t.negated), (vec![("差错", false, true)], true));
        // A dash inside the word stays text.
        assert_eq!(Query::parse("=T-1").unwrap().terms[0].text(), "T-1");
    }

    #[test]
    fn a_quoted_alternative_keeps_its_quotes_and_its_own_equals() {
        for q in [r#"网联 OR "快捷 支付""#, r#"网联|"快捷 支付""#, r#"网联 | "快捷 支付""#, "网联|“快捷 支付”"]
        {
            let t = &Query::parse(q).unwrap().terms[0];
            assert_eq!(forms(t), [("网联", false, false), ("快捷 支付", true, false)], "{q}");
        }
        let q = Query::parse(r#"网联|="快捷 支付"|调单 "a b"|c"#).unwrap();
        assert_eq!(forms(&q.terms[0]), [("网联", false, false), ("快捷 支付", true, true), ("调单", false, false)]);
        assert_eq!(forms(&q.terms[1]), [("a b", true, false), ("c", false, false)]);
        // A `-` or `=` before the first alternative is the quoted one's too, as for `-pos|epos`.
        let q = Query::parse(r#"=拒付|"快捷 支付""#).unwrap();
        assert_eq!(forms(&q.terms[0]), [("拒付", false, true), ("快捷 支付", true, true)]);
        let q = Query::parse(r#"-对账|"快捷 支付""#).unwrap();
        assert!(q.terms[0].negated);
        assert_eq!(forms(&q.terms[0]), [("对账", false, false), ("快捷 支付", true, false)]);
        let q = Query::parse(r#"-跨境 =pos "快捷 支付" 拒付|调单 拒付|=调单 =拒付 OR 调单"#).unwrap();
        let shown: Vec<String> = q.terms.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["-跨境", "=pos", "\"快捷 支付\"", "拒付 OR 调单", "拒付 OR =调单", "=拒付 OR 调单"]);
        // Shown as typed, and read back the same.
        for typed in [r#"网联 OR ="快捷 支付" OR 调单"#, r#"-"刷 卡" OR -pos =对账 -=x from:张"#] {
            let q = Query::parse(typed).unwrap();
            assert_eq!(q.to_string(), typed);
            assert_eq!(Query::parse(&q.to_string()), Ok(q));
        }
    }

    /// A quote glued to a word (`"快捷 支付"qqzzx`) was read silently as the phrase and the
    /// word ANDed, or (`qqzzx"快捷 支付"`) as the words `qqzzx"快捷` and `支付"`: an error now,
    /// that names the piece and says how to write either meaning.
    #[test]
    fn a_quote_glued_to_a_word_is_an_error_that_says_how_to_write_it() {
        for (typed, piece) in [
            (r#""快捷 支付"qqzzx"#, r#""快捷 支付"qqzzx"#),
            (r#"对账 -"快捷 支付"qqzzx 网联"#, r#"-"快捷 支付"qqzzx"#),
            (r#"qqzzx"快捷 支付""#, r#"qqzzx"快捷 支付""#),
            (r#"网联|"快捷 支付"x"#, r#""快捷 支付"x"#),
            (r#""a b""c d""#, r#""a b""c d""#),
            (r#"from:"李 四"x"#, r#"from:"李 四"x"#),
            (r#"from:张|"李 四"对账"#, r#"from:张|"李 四"对账"#),
        ] {
            let error = Query::parse(typed).unwrap_err();
            assert_eq!(error, QueryError::GluedQuote(piece.into()), "{typed}");
            assert!(error.to_string().contains("put a space between them"), "{error}");
        }
        // What ends a word after a quote: white space, Chinese punctuation, `|`, the end.
        for typed in [r#""快捷 支付" qqzzx"#, r#""快捷 支付"，qqzzx"#, r#""快捷 支付"|qqzzx"#, r#""快捷 支付""#]
        {
            assert!(Query::parse(typed).is_ok(), "{typed}");
        }
        // Chinese glued to a quote after it is the phrase and the word, as Chinese is written
        // (and as `“二清”问题` read before the error: 32 messages on the real archive).
        for typed in ["“二清”问题", r#""二清"问题"#, "“快捷 支付”流程", r#"对账 ="快捷 支付"流程"#]
        {
            let q = Query::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            let (phrase, word) = (&q.terms[q.terms.len() - 2], &q.terms[q.terms.len() - 1]);
            assert!(phrase.has_phrase() && !word.has_phrase() && !word.negated, "{typed}");
        }
        // Not after an exclusion (the word may have been meant excluded too), nor a filter's
        // value, which runs to white space: glued, they stay the error.
        for typed in [r#"对账 -"快捷 支付"流程"#, r#"对账 -网联|"快捷 支付"流程"#, r#"from:"李 四"对账"#]
        {
            assert!(matches!(Query::parse(typed), Err(QueryError::GluedQuote(_))), "{typed}");
        }
        // A lone quote mark inside a word, never closed, stays text; a question pasted whole
        // keeps its quotes.
        assert_eq!(Query::parse(r#"5"屏幕"#).unwrap().terms, vec![term(r#"5"屏幕"#, false, false)]);
        assert!(Query::parse(r#"他说"对账文件"到底是怎么生成的"#).unwrap().reads_as_question());
        assert!(Query::parse("所谓“二清 业务”问题").is_err());
    }

    /// A quote inside a word is an error only where it opens a quote that closes in a later
    /// word and ends it (`qqzzx"快捷 支付"`). Closed in its own word, as messages write it
    /// (`叫"记账宝"`, copied from one), it is the word's text, as it was before the error; a
    /// `"` whose next `"` is inside another word or opens a phrase is an inch mark. All of
    /// these were refused as a glued quote.
    #[test]
    fn a_quote_closed_in_its_word_or_an_inch_mark_is_text() {
        let words = |typed: &str| {
            let q = Query::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            q.terms.iter().map(|t| (t.text().to_owned(), t.has_phrase())).collect::<Vec<_>>()
        };
        let word = |w: &str| (w.to_owned(), false);
        assert_eq!(words(r#"叫"记账宝""#), [word(r#"叫"记账宝""#)]);
        assert_eq!(words("叫“记账宝”"), [word("叫“记账宝”")]);
        assert_eq!(words(r#"他说"好" 对账"#), [word(r#"他说"好""#), word("对账")]);
        assert_eq!(words(r#"27"显示器 32"显示器"#), [word(r#"27"显示器"#), word(r#"32"显示器"#)]);
        assert_eq!(words(r#"27"显示器 "快捷 支付""#), [word(r#"27"显示器"#), ("快捷 支付".to_owned(), true)]);
        assert_eq!(words(r#"5" 屏幕 "a b""#), [word(r#"5""#), word("屏幕"), ("a b".to_owned(), true)]);
    }

    /// A `-` or `=` before a quoted first alternative is those glued after it by `|` too, as it
    /// is for a word before a quote (`-对账|"快捷 支付"`); `-对账|-跨境` is `-对账 OR -跨境`,
    /// as shown. Both were refused as mixing a word and an exclusion.
    #[test]
    fn an_exclusion_s_dash_reaches_every_glued_alternative() {
        for typed in [r#"网联 -"快捷 支付"|对账"#, r#"网联 -"快捷 支付"|-对账"#, r#"网联 -"快捷 支付" OR -对账"#]
        {
            let q = Query::parse(typed).unwrap();
            assert!(q.terms[1].negated, "{typed}");
            assert_eq!(forms(&q.terms[1]), [("快捷 支付", true, false), ("对账", false, false)], "{typed}");
            assert_eq!(q.terms[1].to_string(), r#"-"快捷 支付" OR -对账"#);
        }
        let q = Query::parse(r#"-"快捷 支付"|"刷 卡"|=对账"#).unwrap();
        assert!(q.terms[0].negated);
        assert_eq!(forms(&q.terms[0]), [("快捷 支付", true, false), ("刷 卡", true, false), ("对账", false, true)]);
        let q = Query::parse(r#"="快捷 支付"|调单"#).unwrap();
        assert_eq!(forms(&q.terms[0]), [("快捷 支付", true, true), ("调单", false, true)]);
        for typed in ["网联 -对账|-跨境", "网联 -对账 OR -跨境", "网联 -对账|跨境"] {
            let q = Query::parse(typed).unwrap();
            assert!(q.terms[1].negated, "{typed}");
            assert_eq!(forms(&q.terms[1]), [("对账", false, false), ("跨境", false, false)], "{typed}");
        }
        // `=-` is `-=` in an alternative too, as before a word.
        let q = Query::parse("网联 -对账|=-跨境").unwrap();
        assert!(q.terms[1].negated);
        assert_eq!(forms(&q.terms[1]), [("对账", false, false), ("跨境", false, true)]);
        // A word and an exclusion still mix, whichever comes first.
        for typed in ["对账|-跨境", "对账|=-跨境", "对账|-=跨境", r#""快捷 支付"|-对账"#, r#"-"快捷 支付" OR 对账"#]
        {
            assert_eq!(Query::parse(typed), Err(QueryError::MixedOr), "{typed}");
        }
    }

    /// `OR` after a filter is the mixing error, which says how filters are ORed, whether or
    /// not a word came before the filter (`from:张 OR from:李` said "`OR` needs a term on each
    /// side").
    #[test]
    fn or_after_a_filter_says_how_filters_are_ored() {
        for typed in ["from:张 OR from:李", "from:张 | from:李", "from:张 |李", "对账 from:张 OR 李", "from:张 OR 对账"]
        {
            assert_eq!(Query::parse(typed), Err(QueryError::MixedOr), "{typed}");
        }
        assert_eq!(Query::parse("OR 对账"), Err(QueryError::DanglingOr));
        // A filter glued to a word by `|` mixes as it does with ` OR ` (it searched for the
        // text `from:张`, and found the word's messages, exit 0).
        for typed in
            ["对账|from:张", "对账|date:2018", "-对账|org：银联 网联", "对账|风控|kind:link", r#""快捷 支付"|from:张"#]
        {
            assert_eq!(Query::parse(typed), Err(QueryError::MixedOr), "{typed}");
        }
        // Written `=`, it is text; a key no filter has is text too.
        let q = Query::parse("对账|=from:张 对账|https://x").unwrap();
        assert_eq!(forms(&q.terms[0]), [("对账", false, false), ("from:张", false, true)]);
        assert_eq!(forms(&q.terms[1]), [("对账", false, false), ("https://x", false, false)]);
    }

    /// Every alternative of a filter may be quoted, with `=` or without, as a word's may:
    /// `from:张|"李 四"` read `张|"李` and a word `四"`.
    /// A nickname holding quotes can be a filter's value: a backslash makes a quote (or a
    /// backslash) text, as in a shell (`from:"小李"飞刀` is a glued quote, and there was no way
    /// to write it); shown, such a value parses back to itself. Other forms are as before.
    #[test]
    fn a_backslash_makes_a_quote_text() {
        let nick = "\"小李\"飞刀";
        for typed in [r#"from:"\"小李\"飞刀""#, r#"from:\"小李\"飞刀"#, r#"对账 from:=x|"\"小李\"飞刀""#]
        {
            let q = Query::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(q.filters.last(), Some(&text_filter(Field::From, nick, false)), "{typed}");
        }
        assert_eq!(
            Query::parse(r#"from:\“小李\”飞刀"#).unwrap().filters,
            vec![text_filter(Field::From, "“小李”飞刀", false)]
        );
        for v in [nick, "“小李”", r"a\b", r#"x\""#, "小\"李"] {
            let f = text_filter(Field::From, v, true);
            assert_eq!(Query::parse(&f.to_string()).unwrap().filters, vec![f.clone()], "{f}");
        }
        // A phrase holding a quote, shown and parsed back.
        let q = Query::parse(r#""他说\"对账\"很难" 跨境"#).unwrap();
        assert_eq!(q.terms[0].text(), "他说\"对账\"很难");
        assert_eq!(Query::parse(&q.to_string()).unwrap(), q);
        // As before: a backslash before anything else is itself; the glued quote an error.
        assert_eq!(Query::parse(r"C:\path").unwrap().terms[0].text(), r"C:\path");
        let glued = Query::parse(r#"from:"小李"飞刀"#).unwrap_err();
        assert!(
            matches!(glued, QueryError::GluedQuote(_)) && glued.to_string().ends_with(r#"takes a backslash: `\"`)"#)
        );
        assert!(matches!(Query::parse(r#""快捷 支付\""#), Err(QueryError::EscapedClose { at: 1, .. })));
        // The error names the piece as typed, the escapes read.
        let long = format!("\"快捷 支付\"{}", "x".repeat(1000));
        assert_eq!(Query::parse(&long), Err(QueryError::GluedQuote(long.clone())));
    }

    /// A backslash before a closing quote makes it text, as in a shell, so `"C:\dir\"` is an
    /// unclosed quote. The error said only that (`unclosed quote starting at character 1`); it
    /// says why and how to write it, and what it says to write finds what was meant.
    #[test]
    fn a_quote_closed_after_a_backslash_says_how_to_write_it() {
        let error = Query::parse(r#""C:\dir\""#).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"unclosed quote starting at character 1: in `"C:\dir\"` the backslash before the last quote makes that quote text, as in a shell; to end a quote after a backslash, double it: `"C:\\dir\\"`"#
        );
        assert_eq!(Query::parse(r#""C:\\dir\\""#).unwrap().terms[0].text(), r"C:\dir\");
        // More after it, and a full-width quote: the piece meant is named, as typed.
        let error = Query::parse(r#"对账 “C:\\a b\” 网联"#).unwrap_err().to_string();
        assert!(error.starts_with("unclosed quote starting at character 4: in `“C:\\\\a b\\”`"), "{error}");
        assert!(error.ends_with(r#"double it: `“C:\\a b\\”`"#), "{error}");
        // An escaped quote inside a word is not where the quote was meant to end.
        assert_eq!(Query::parse(r#""他说\"对账"#), Err(QueryError::UnclosedQuote(1)));
        assert_eq!(Query::parse("\"网联"), Err(QueryError::UnclosedQuote(1)));
    }

    /// A word holding an escaped quote or backslash is shown as it is typed, and parses back to
    /// itself: `\"小李` was shown `"小李` (an unclosed quote), `x\" y\"` as `x" y"` (a glued
    /// quote). A backslash before anything else is shown as typed (`C:\path`).
    #[test]
    fn a_word_with_an_escaped_quote_is_shown_as_typed() {
        for typed in
            [r#"\"小李"#, r#"x\" y\""#, r#"a\"b "快捷 支付""#, r#"a\\\"b"#, r"C:\path", r"结尾\", r#"-\“对账 OR -跨境"#]
        {
            let q = Query::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            let shown = q.to_string();
            assert_eq!(Query::parse(&shown).as_ref(), Ok(&q), "{typed} shown as {shown}");
        }
        assert_eq!(Query::parse(r"C:\path").unwrap().to_string(), r"C:\path");
    }

    #[test]
    fn every_alternative_of_a_filter_may_be_quoted() {
        let values = |typed: &str| {
            let q = Query::parse(typed).unwrap();
            assert!(q.terms.iter().all(|t| t.text() == "对账"), "{typed}: {:?}", q.terms);
            q.filters.into_iter().map(|f| (f.value, f.negated)).collect::<Vec<_>>()
        };
        let text = |v: &str, negated: bool| (Value::Text(v.into()), negated);
        assert_eq!(values(r#"from:张|"李 四" 对账"#), [text("张", false), text("李 四", false)]);
        assert_eq!(
            values(r#"org:"银联 商务"|民生|"a|b" 对账"#),
            [text("银联 商务", false), text("民生", false), text("a|b", false)]
        );
        assert_eq!(values(r#"-from:张|="李 四" 对账"#), [text("张", true), text("=李 四", true)]);
        assert_eq!(values(r#"对账 from:="李 四"|“王 五”"#), [text("=李 四", false), text("王 五", false)]);
        assert_eq!(Query::parse(r#"from:张|"李 四"#), Err(QueryError::UnclosedQuote(8)));
        assert_eq!(Query::parse(r#"from:张|"#), Err(QueryError::EmptyValue("from")));
        // Shown, each value parses back to itself.
        let q = Query::parse(r#"from:张|"李 四" -org:"a|b"|=c"#).unwrap();
        assert_eq!(Query::parse(&q.to_string()), Ok(q));
    }

    #[test]
    fn or_pipes_chinese_punctuation_and_exact() {
        let q = Query::parse("拒付 OR 调单 网联，对账 a|b|c =路由").unwrap();
        let shown: Vec<Vec<&str>> = q.terms.iter().map(|t| t.typed_texts().collect()).collect();
        assert_eq!(shown, vec![vec!["拒付", "调单"], vec!["网联"], vec!["对账"], vec!["a", "b", "c"], vec!["路由"]]);
        assert_eq!(q.terms.iter().map(TextTerm::all_exact).collect::<Vec<_>>(), [false, false, false, false, true]);
        assert_eq!(
            forms(&Query::parse("拒付 | 调单").unwrap().terms[0]),
            [("拒付", false, false), ("调单", false, false)]
        );
        // Each alternative keeps its own `=`.
        for q in ["拒付 OR =调单 OR chargeback", "拒付|=调单|chargeback", "拒付 | =调单 | chargeback"] {
            let t = &Query::parse(q).unwrap().terms[0];
            assert_eq!(forms(t), [("拒付", false, false), ("调单", false, true), ("chargeback", false, false)], "{q}");
            assert!(!t.all_exact(), "{q}");
        }
        // An `=` before the word is every alternative's.
        for q in ["=拒付|调单", "=拒付|=调单", "=拒付 OR =调单"] {
            assert!(Query::parse(q).unwrap().terms[0].all_exact(), "{q}");
        }
        assert_eq!(Query::parse("\"快捷，支付\"").unwrap().terms[0].text(), "快捷，支付");
        assert_eq!(Query::parse("OR 网联"), Err(QueryError::DanglingOr));
        assert_eq!(Query::parse("网联 OR"), Err(QueryError::DanglingOr));
        assert_eq!(Query::parse("网联|"), Err(QueryError::DanglingOr));
        assert_eq!(Query::parse("|网联"), Err(QueryError::DanglingOr));
        assert_eq!(Query::parse("|"), Err(QueryError::DanglingOr));
        // An exclusion or a filter is no alternative of a word: `对账 OR -跨境` found 对账 or
        // 跨境, and `对账 from:张 OR 跨境` made 跨境 an alternative of 对账.
        for mixed in [
            "对账 OR -跨境",
            "-对账 OR 跨境",
            "对账|-跨境",
            "对账 OR from:张",
            "对账 from:张 OR 跨境",
            "对账 from:张 |跨境",
        ] {
            assert_eq!(Query::parse(mixed), Err(QueryError::MixedOr), "{mixed}");
        }
        let texts = |q: &str| Query::parse(q).unwrap().terms[0].typed_texts().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(texts("-对账 OR -跨境"), ["对账", "跨境"], "two exclusions join");
        assert_eq!(texts("from:张 对账 OR 跨境"), ["对账", "跨境"]);
        // A filter's values join with `|` too (`from:张|李` found nobody: no nickname holds a `|`).
        assert_eq!(
            Query::parse("from:张|李 date:2017-08|2017-10"),
            Query::parse("from:张 from:李 date:2017-08 date:2017-10")
        );
        assert_eq!(Query::parse("-topic:qr|routing"), Query::parse("-topic:qr -topic:routing"));
        assert_eq!(Query::parse("from:\"a|b\"").unwrap().filters.len(), 1, "quoted, `|` is text");
        assert_eq!(Query::parse("from:张|"), Err(QueryError::EmptyValue("from")));
        // A lowercase `or` is a word.
        assert_eq!(Query::parse("a or b").unwrap().terms.len(), 3);
        let mut t = TextTerm::new("拒付");
        t.also = vec!["调单".into(), "chargeback".into()];
        let q = Query { terms: vec![t], ..Query::default() };
        assert_eq!(q.expansion_note(), vec!["拒付: also 调单, chargeback"]);
        assert_eq!(q.highlight_terms(), vec!["拒付", "调单", "chargeback"]);
    }

    fn text_filter(field: Field, v: &str, negated: bool) -> Filter {
        Filter { field, value: Value::Text(v.into()), negated, narrows: false }
    }

    #[test]
    fn terms_phrases_and_negation() {
        let q = Query::parse(r#"网联  "快捷 支付" -pos -"刷 卡""#).unwrap();
        assert_eq!(
            q.terms,
            vec![
                term("网联", false, false),
                term("快捷 支付", true, false),
                term("pos", false, true),
                term("刷 卡", true, true)
            ]
        );
        assert!(q.filters.is_empty());
        assert_eq!(q.highlight_terms(), vec!["网联", "快捷 支付"]);
    }

    #[test]
    fn filters_with_quotes_and_full_width_colon() {
        let q = Query::parse(r#"from:张 org："民生 金服" group:proddev topic:routing -from:李"#).unwrap();
        assert_eq!(
            q.filters,
            vec![
                text_filter(Field::From, "张", false),
                text_filter(Field::Org, "民生 金服", false),
                text_filter(Field::Group, "proddev", false),
                text_filter(Field::Topic, "routing", false),
                text_filter(Field::From, "李", true),
            ]
        );
        assert!(q.terms.is_empty());
    }

    #[test]
    fn unknown_keys_and_urls_are_plain_terms() {
        let q = Query::parse("http://wechat.lixf.cn T+1 foo:bar").unwrap();
        let texts: Vec<&str> = q.terms.iter().map(|t| t.text()).collect();
        assert_eq!(texts, vec!["http://wechat.lixf.cn", "T+1", "foo:bar"]);
    }

    #[test]
    fn dates_months_years_and_ranges() {
        let d = |s: &str| Date::parse_prefix(s).unwrap();
        let r = |s: &str| DateRange::parse(s).unwrap();
        assert_eq!(r("2017-08"), DateRange { from: d("2017-08-01"), to: d("2017-08-31") });
        assert_eq!(r("2016-02"), DateRange { from: d("2016-02-01"), to: d("2016-02-29") });
        assert_eq!(r("2017-08-01..2017-09-30"), DateRange { from: d("2017-08-01"), to: d("2017-09-30") });
        assert_eq!(r("2017..2018"), DateRange { from: d("2017-01-01"), to: d("2018-12-31") });
        assert_eq!(r("2018-03-05"), DateRange { from: d("2018-03-05"), to: d("2018-03-05") });
        assert_eq!(r("2018-03..").from, d("2018-03-01"));
        assert_eq!(r("..2017-06").to, d("2017-06-30"));
        let q = Query::parse("date:2017-08").unwrap();
        assert_eq!(q.filters[0].value, Value::Dates(r("2017-08")));
        assert_eq!(q.filters[0].to_string(), "date:2017-08");
    }

    /// A date filter is shown as it is typed (the text saying why nothing matched showed
    /// `date:2030` as `date:2030-01-01..2030-12-31`, and `date:..2017-06` as
    /// `date:0001-01-01..2017-06-30`), and what it shows parses back to the same range.
    #[test]
    fn date_filters_are_shown_as_typed() {
        for typed in [
            "2030",
            "2017-08",
            "2016-02",
            "2018-03-05",
            "2017..2018",
            "2017..2018-06",
            "2017-08..2017-09",
            "2017-08-16..2018-01",
            "2017-08-16..2017-09-03",
            "2018-03..",
            "2018-03-05..",
            "..2017-06",
            "..2017-06-15",
            "..2017",
            "2017..",
            "..",
        ] {
            let range = DateRange::parse(typed).unwrap();
            assert_eq!(range.to_string(), typed, "{range:?}");
            let filter = Query::parse(&format!("-date:{typed}")).unwrap().filters.remove(0);
            assert_eq!(filter.to_string(), format!("-date:{typed}"));
        }
        // Any range, however written, parses back from what is shown.
        let days =
            [(1, 1, 1), (2016, 2, 29), (2017, 1, 1), (2017, 1, 31), (2017, 8, 1), (2017, 12, 31), (9999, 12, 31)];
        let days: Vec<Date> = days.iter().map(|&(y, m, d)| Date::new(y, m, d).unwrap()).collect();
        for &from in &days {
            for &to in days.iter().filter(|&&to| to >= from) {
                let range = DateRange { from, to };
                assert_eq!(DateRange::parse(&range.to_string()), Ok(range), "{range}");
            }
        }
    }

    #[test]
    fn malformed_queries_get_clear_errors() {
        assert_eq!(Query::parse("\"网联"), Err(QueryError::UnclosedQuote(1)));
        assert_eq!(Query::parse("from:"), Err(QueryError::EmptyValue("from")));
        assert_eq!(Query::parse("from:="), Err(QueryError::EmptyValue("from")));
        assert_eq!(Query::parse("对账 org:＝"), Err(QueryError::EmptyValue("org")));
        assert_eq!(Query::parse("from:张|="), Err(QueryError::EmptyValue("from")));
        assert_eq!(Query::parse("date:2017-13"), Err(QueryError::BadDate("2017-13".into())));
        assert_eq!(Query::parse("date:2017-1"), Err(QueryError::BadDate("2017-1".into())));
        // A range names its bad side.
        assert_eq!(Query::parse("date:2018-02-29..2018-03"), Err(QueryError::BadDate("2018-02-29".into())));
        assert_eq!(Query::parse("date:2018-01..2018-13"), Err(QueryError::BadDate("2018-13".into())));
        assert_eq!(Query::parse("date:2018..2017"), Err(QueryError::BackwardsDates("2018..2017".into())));
        assert_eq!(Query::parse("kind:video"), Err(QueryError::BadKind("video".into())));
        assert_eq!(Query::parse("？？"), Err(QueryError::NothingToSearch("？？".into())));
        assert!(Query::parse("date:").is_err());
    }

    #[test]
    fn kinds_and_display_round_trip() {
        let q = Query::parse("kind:LINK -kind:image from:\"Jin He\"").unwrap();
        let shown: Vec<String> = q.filters.iter().map(ToString::to_string).collect();
        assert_eq!(shown, vec!["kind:link", "-kind:image", "from:\"Jin He\""]);
        assert_eq!(Query::parse(&shown.join(" ")).unwrap(), q);
    }

    /// The operators as a Chinese input method types them, full-width, work as typed plain
    /// (folding makes them one in text anyway: `T－1` is `T-1`).
    #[test]
    fn full_width_operators_are_operators() {
        for (wide, plain) in [
            ("拒付｜调单", "拒付|调单"),
            ("拒付 ｜ 调单", "拒付 | 调单"),
            ("－跨境 对账", "-跨境 对账"),
            ("＝chargeback", "=chargeback"),
            ("对账 －from：陈默", "对账 -from:陈默"),
            ("对账 ＯＲ 勾兑", "对账 OR 勾兑"),
            ("对账 ＯR 勾兑 OＲ 差错", "对账 OR 勾兑 OR 差错"),
        ] {
            assert_eq!(Query::parse(wide).unwrap(), Query::parse(plain).unwrap(), "{wide}");
        }
        assert_eq!(Query::parse("对账 ＯＲ"), Err(QueryError::DanglingOr));
        // Only the operator: a word holding the letters is a word.
        for word in ["ＯＲＧ", "ｏｒ", "ＯＲ对账"] {
            assert_eq!(Query::parse(&format!("对账 {word}")).unwrap().terms.len(), 2, "{word}");
        }
    }

    /// `：` between words separates them as `，` does (`对账：差错`, as notes write "subject:
    /// detail"): read as one word, it was a phrase found nowhere. After a filter's key it is
    /// the filter's colon (or, for a key typed wrongly, its error); ASCII colons are read as ever.
    #[test]
    fn a_full_width_colon_between_words_separates_them() {
        for (wide, plain) in [
            ("对账：差错", "对账，差错"),
            ("网联：断直连", "网联 断直连"),
            ("结售汇：外管局：备案", "结售汇 外管局 备案"),
            ("-对账：差错", "-对账，差错"),
            ("=对账：差错", "=对账 差错"),
            ("对账：差错|勾兑", "对账 差错|勾兑"),
            ("note：对账", "note 对账"),
            ("：对账：", "对账"),
            ("“二清”：问题", "\"二清\" 问题"),
            ("对账：from：张", "对账 from:张"),
            ("对账：from:张", "对账 from:张"),
            ("10:30：对账", "10:30 对账"),
        ] {
            assert_eq!(Query::parse(wide).unwrap(), Query::parse(plain).unwrap(), "{wide}");
        }
        for (filter, field, value) in [
            ("from：张", Field::From, "张"),
            ("org：银联", Field::Org, "银联"),
            ("from:张：对账", Field::From, "张：对账"),
        ] {
            let q = Query::parse(filter).unwrap();
            assert_eq!(q.filters, vec![text_filter(field, value, false)], "{filter}");
            assert!(q.terms.is_empty(), "{filter}");
        }
        assert!(matches!(Query::parse("form：陈默"), Err(QueryError::MisspeltFilter { nearest: "from", .. })));
        assert!(matches!(Query::parse("since：2018"), Err(QueryError::DateKey { .. })));
        assert_eq!(
            Query::parse("=from：张").unwrap().terms,
            vec![TextTerm {
                typed: vec![Alternative { text: "from：张".into(), phrase: false, exact: true }],
                ..TextTerm::default()
            }]
        );
        assert_eq!(Query::parse("对账|from：张"), Err(QueryError::MixedOr));
        let q = Query::parse("对账|=from：张").unwrap();
        assert_eq!(forms(&q.terms[0]), [("对账", false, false), ("from：张", false, true)]);
        for ascii in ["10:30", "https://example.com/a", "对账:差错"] {
            assert_eq!(Query::parse(ascii).unwrap().terms, vec![term(ascii, false, false)], "{ascii}");
        }
        assert_eq!(Query::parse("：："), Err(QueryError::NothingToSearch("：：".into())));
    }

    /// `=` before a value, as `from:=` and `org:=` take it, is taken by every filter: `group:=`
    /// names one group exactly (the search resolves it), and a kind or a date, always exact,
    /// is the same with it as without.
    #[test]
    fn every_filter_takes_an_equals_sign_before_its_value() {
        for (with, without) in [
            ("kind:=link", "kind:link"),
            ("date:=2018", "date:2018"),
            ("date:=2017-08..2017-09", "date:2017-08..2017-09"),
            ("-kind:=image", "-kind:image"),
            ("date:=\"2018-03\"", "date:2018-03"),
        ] {
            assert_eq!(Query::parse(with).unwrap(), Query::parse(without).unwrap(), "{with}");
        }
        assert_eq!(Query::parse("group:=proddev").unwrap().filters, vec![text_filter(Field::Group, "=proddev", false)]);
        assert_eq!(Query::parse("kind:=lnk"), Err(QueryError::BadKind("=lnk".into())));
        assert_eq!(Query::parse("date:=2018-13"), Err(QueryError::BadDate("2018-13".into())));
        assert_eq!(Query::parse("kind:="), Err(QueryError::EmptyValue("kind")));
    }

    /// Display names and nicknames hold brackets and Chinese punctuation (`李通，社区半径产品专家`,
    /// `活动小丑、`, `岩。`, 18 nicknames of the real archive): a filter's value runs to the next
    /// white space, as it does through an ASCII comma, while punctuation still ends a word.
    #[test]
    fn a_filter_value_runs_to_the_next_space() {
        let q = Query::parse("group:支付产品交流群（演示） 对账").unwrap();
        assert_eq!(q.filters[0].value, Value::Text("支付产品交流群（演示）".into()));
        assert_eq!(q.terms, vec![term("对账", false, false)]);
        assert_eq!(Query::parse("from:覃（qin）").unwrap().filters[0].value, Value::Text("覃（qin）".into()));
        for nick in [
            "李通，社区半径产品专家",
            "活动小丑、",
            "岩。",
            "Tuzki！",
            "楷，事务开发，腾讯，深圳",
            "张起坤、平安银行、反欺诈PL",
        ] {
            let q = Query::parse(&format!("from:{nick} 对账")).unwrap();
            assert_eq!(q.filters, vec![text_filter(Field::From, nick, false)], "{nick}");
            assert_eq!(q.terms, vec![term("对账", false, false)], "{nick}");
        }
        // One value, as `from:张,对账` is: the search says no speaker holds it.
        let q = Query::parse("from:张，对账（重要）").unwrap();
        assert_eq!(q.filters, vec![text_filter(Field::From, "张，对账（重要）", false)]);
        assert!(q.terms.is_empty());
        assert_eq!(Query::parse("from:张,对账").unwrap().filters, vec![text_filter(Field::From, "张,对账", false)]);
        // Full-width `：` and `｜` still work in a value; punctuation before the key ends a word.
        let q = Query::parse("对账，from：李通，社区半径产品专家｜岩。").unwrap();
        assert_eq!(
            q.filters,
            vec![text_filter(Field::From, "李通，社区半径产品专家", false), text_filter(Field::From, "岩。", false)]
        );
        assert_eq!(q.terms, vec![term("对账", false, false)]);
    }

    /// A filter shown as typed parses back to itself (saved searches store their chips so, the
    /// markdown export heads with them), whatever punctuation its value holds.
    #[test]
    fn filters_shown_with_punctuation_parse_back_to_themselves() {
        for value in [
            "李通，社区半径产品专家",
            "大卫爸爸楼（不在职场，请打手机）",
            "活动小丑、",
            "岩。",
            "a|b",
            "Jin He",
            "“引号",
        ] {
            let filter =
                Filter { field: Field::From, value: Value::Text(value.into()), negated: false, narrows: false };
            let shown = filter.to_string();
            assert_eq!(Query::parse(&shown).unwrap().filters, vec![filter], "{shown}");
        }
        let plain = Filter { field: Field::Org, value: Value::Text("民生".into()), negated: true, narrows: false };
        assert_eq!(plain.to_string(), "-org:民生", "nothing to quote");
    }

    /// A question pasted whole may hold a word of signs alone (`four-element verification /
    /// real-name authentication`, `– and`, `...`): its punctuation, left out. It was refused
    /// (`/` has nothing to search for), the whole question with it. Typed, such a word still
    /// is, and so is one in an `OR`, excluded or exact.
    #[test]
    fn a_questions_lone_signs_are_punctuation() {
        for question in [
            "How is four-element verification / real-name authentication done, and what are the costs?",
            "what is settlement ... and clearing?",
            "settlement & clearing, which comes first?",
            "what is T+0 – and when?",
            "对账 : 怎么做才不出差错？",
        ] {
            let q = Query::parse(question).unwrap_or_else(|e| panic!("{question}: {e}"));
            assert!(q.reads_as_question(), "{question}");
            assert!(q.terms.iter().all(|t| !crate::tokenize::term_variants(t.text()).is_empty()), "{question}");
        }
        assert_eq!(Query::parse("对账 /"), Err(QueryError::NothingToSearch("/".into())));
        assert_eq!(Query::parse("对账 : 差错"), Err(QueryError::NothingToSearch(":".into())));
        assert!(Query::parse("what is settlement OR ... and clearing?").is_err());
        assert!(Query::parse("what is settlement =... and clearing?").is_err());
    }

    #[test]
    fn empty_and_lone_dash() {
        assert!(Query::parse("   ").unwrap().is_empty());
        assert_eq!(Query::parse("- 网联").unwrap().terms, vec![term("网联", false, false)]);
        // A rule of dashes is nothing to search for, not an `OR` gone wrong.
        assert_eq!(Query::parse("网联 ---"), Err(QueryError::NothingToSearch("---".into())));
        assert_eq!(Query::parse("网联 --"), Err(QueryError::NothingToSearch("--".into())));
    }

    /// Misspelt keys are errors wherever a query is parsed (CLI, browser, MCP), not text that
    /// silently finds nothing.
    #[test]
    fn a_misspelt_filter_key_names_the_nearest() {
        let e = Query::parse("对账 -Gruop:risk").unwrap_err();
        assert_eq!(e, QueryError::MisspeltFilter { key: "gruop".into(), word: "Gruop:risk".into(), nearest: "group" });
        assert!(e.to_string().contains("did you mean `group:`?"), "{e}");
        assert!(matches!(Query::parse("form:陈默"), Err(QueryError::MisspeltFilter { nearest: "from", .. })));
        assert!(matches!(Query::parse("topc:对账"), Err(QueryError::MisspeltFilter { nearest: "topic", .. })));
        // Quoted or `=`, it is text; far from every key, too.
        assert_eq!(Query::parse("\"form:陈默\"").unwrap().terms[0].text(), "form:陈默");
        assert_eq!(Query::parse("=form:陈默").unwrap().terms[0].text(), "form:陈默");
        assert_eq!(Query::parse("https://x.cn").unwrap().terms[0].text(), "https://x.cn");
        // The CLI's --since and --until are not keys: the error says how to write them.
        let e = Query::parse("对账 since:2018").unwrap_err();
        assert_eq!(e, QueryError::DateKey { key: "since".into(), word: "since:2018".into() });
        assert!(e.to_string().contains("date:2018-01.."), "{e}");
        assert!(matches!(Query::parse("Until:2018"), Err(QueryError::DateKey { .. })));
    }

    /// A question pasted whole is never refused for a word and a colon in it (`data:`,
    /// `note:`, `Date:`), nor is a `word:` whose value the filter it resembles would not take;
    /// a filter typed wrongly still is an error.
    #[test]
    fn a_word_and_a_colon_is_text_in_a_question_and_where_no_filter_fits() {
        for question in [
            "请问 data:怎么传",
            "请问data:怎么传",
            "note: 对账文件怎么下载",
            "Note:对账文件怎么下载？",
            "Date: 对账文件一般几点能下载？",
            "from: 哪里能下载对账文件",
            "logic:先查余额再扣款，对吗？",
            "form:陈默 说的对账文件怎么下载",
            "since:2018 断直连以后怎么对账？",
        ] {
            let q = Query::parse(question).unwrap_or_else(|e| panic!("{question:?} refused: {e}"));
            assert!(q.filters.is_empty() && q.reads_as_question(), "{question:?}: {q:?}");
        }
        assert_eq!(Query::parse("note: 对账文件怎么下载").unwrap().terms[0].text(), "note:");
        // Not questions, but no filter takes the value: text.
        for text in ["find:商户", "rate:0.6%", "code:10001", "until:月底", "data: 2018", "note:"] {
            let q = Query::parse(text).unwrap_or_else(|e| panic!("{text:?} refused: {e}"));
            assert_eq!(q.terms[0].text(), text.split(' ').next().unwrap(), "{text:?}");
        }
        // Typed filters with a wrong key, or no value, are still errors.
        for (typed, nearest) in
            [("form:陈默", "from"), ("form:陈默 对账", "from"), ("data:2018", "date"), ("data:2018-13..", "date")]
        {
            assert!(
                matches!(Query::parse(typed), Err(QueryError::MisspeltFilter { nearest: n, .. }) if n == nearest),
                "{typed:?}: {:?}",
                Query::parse(typed)
            );
        }
        assert!(matches!(Query::parse("kinds:link"), Err(QueryError::MisspeltFilter { nearest: "kind", .. })));
        assert!(matches!(Query::parse("对账 since:2018-03"), Err(QueryError::DateKey { .. })));
        assert_eq!(Query::parse("from: 陈默"), Err(QueryError::EmptyValue("from")));
        assert_eq!(Query::parse("对账 from:"), Err(QueryError::EmptyValue("from")));
        assert_eq!(
            Query::parse("form:陈默 对账文件 from:张"),
            Err(QueryError::MisspeltFilter { key: "form".into(), word: "form:陈默".into(), nearest: "from" })
        );
    }

    #[test]
    fn sentences_and_question_words_make_questions() {
        let q = |s: &str| Query::parse(s).unwrap();
        assert!(q("长款短款差错怎么处理").reads_as_question());
        // Folded: traditional characters ask as simplified ones do (怎麼).
        assert!(q("長款短款差錯怎麼處理").reads_as_question());
        assert!(q("什么是二清，平台型业务分账怎么避免二清风险").reads_as_question());
        assert!(q("how to handle a chargeback?").reads_as_question());
        // A question mark makes a question, the full-width one too (it ends a term, as a space).
        assert!(q("对账文件一般几点能下载？").reads_as_question());
        assert!(q("对账文件一般几点能下载?").reads_as_question());
        // Asked without a question mark: 几点, 请问, 谁, a verb both ways (能不能). Read as
        // typed, each found nothing, while its key terms occur.
        for asked in [
            "对账文件一般几点能下载",
            "请问协议支付能不能用",
            "外卡收单找谁合作",
            "退款手续费退不退",
            "请教一下二清风险",
        ] {
            assert!(q(asked).reads_as_question(), "{asked}");
        }
        assert!(!q("对账文件一般能下载").reads_as_question());
        assert!(!q("不可不知的对账").reads_as_question());
        assert!(!q("二清").reads_as_question());
        // Short questions: a term with a question mark, four characters with a question word.
        for short in ["清算怎么做？", "对账如何做？", "对账怎么做?", "清算怎么做", "怎么对账", "二清？", "T0?"]
        {
            assert!(q(short).reads_as_question(), "{short}");
        }
        for typed in ["为什么", "怎么办", "对账吗", "网？"] {
            assert!(!q(typed).reads_as_question(), "{typed}");
        }
        assert!(!q("备付金 存管").reads_as_question());
        assert!(!q("对账文件怎么 from:张").reads_as_question());
        assert!(!q("\"对账文件怎么处理\"").reads_as_question());
        // Nor with an `OR`, in either order, whatever its alternatives.
        for ored in ["对账文件怎么下载 OR \"快捷 支付\"", "对账文件怎么下载 OR 快捷支付", "快捷支付|对账文件怎么下载"]
        {
            assert!(!q(ored).reads_as_question(), "{ored}");
        }
    }

    /// The texts of `typed`'s terms once runs of bare words are read as glossary forms.
    fn read_with_glossary(typed: &str) -> Vec<String> {
        let q = Query::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
        let shown = |t: &TextTerm| {
            let alternatives = t.typed.iter().map(|a| match (a.phrase, a.exact) {
                (true, _) => format!("\"{}\"", a.text),
                (false, true) => format!("={}", a.text),
                (false, false) => a.text.clone(),
            });
            format!("{}{}", if t.negated { "-" } else { "" }, alternatives.collect::<Vec<_>>().join(" OR "))
        };
        q.with_glossary_runs(&crate::glossary::Glossary::builtin()).terms.iter().map(shown).collect()
    }

    /// A glossary name glued to Chinese (`cross border支付`) is the name, then the Chinese, as
    /// `cross border 支付` is: it was `cross` AND `border支付`, and found nothing. A word that
    /// is a form itself stays whole (`POS机`, `II类户`), as does one whose letters end no form.
    #[test]
    fn a_glossary_name_glued_to_chinese_is_the_name_then_the_chinese() {
        assert_eq!(read_with_glossary("cross border支付"), ["cross border", "支付"]);
        assert_eq!(read_with_glossary("cross border支付"), read_with_glossary("cross border 支付"));
        assert_eq!(read_with_glossary("risk control系统"), ["risk control", "系统"]);
        assert_eq!(read_with_glossary("NetsUnion对账"), ["NetsUnion", "对账"]);
        assert_eq!(read_with_glossary("our risk control系统"), ["our", "risk control", "系统"]);
        assert_eq!(read_with_glossary("crossborder支付 费率"), ["crossborder", "支付", "费率"]);
        // Whatever separates a form's words, glued too: `cross-border支付` was one term, and
        // found nothing where `cross-border 支付` and `crossborder支付` find 170 messages.
        assert_eq!(read_with_glossary("cross-border支付"), ["cross-border", "支付"]);
        assert_eq!(read_with_glossary("Cross_Border支付"), ["Cross_Border", "支付"]);
        assert_eq!(read_with_glossary("anti money-laundering规则"), ["anti money-laundering", "规则"]);
        for whole in [
            "POS机",
            "IC卡",
            "II类户",
            "for ex支付",
            "foo对账",
            "T-1到账",
            "border-支付",
            "=NetsUnion对账",
            "-NetsUnion对账",
            "\"NetsUnion对账\"",
        ] {
            let read = read_with_glossary(whole);
            assert_eq!(read.len(), whole.split(' ').count(), "{whole}: {read:?}");
        }
        assert_eq!(read_with_glossary("for ex支付"), ["for", "ex支付"]);
        // A word after a glued word does not continue a form with it.
        assert_eq!(read_with_glossary("NetsUnion对账 border"), ["NetsUnion", "对账", "border"]);
    }

    /// The forms of one entry that differ by the same characters, pair after pair, are grouped
    /// for reading (`II类(账)户`); a pair alone is not (`长款`, `长短款`: two words), nor a
    /// separator (`二类账户`, `二、三类账户`). Every form is counted in one group, and the full
    /// line keeps every form. On main the note listed all 17 of 二类户's.
    #[test]
    fn an_expansions_forms_that_differ_alike_are_grouped() {
        let g = crate::glossary::Glossary::builtin();
        let forms = g.expand("二类户");
        assert_eq!(forms.len(), 17);
        let e = Expansion { named: "二类户".into(), forms: forms.clone() };
        let groups: Vec<String> = e.groups().into_iter().map(|(g, _)| g).collect();
        assert_eq!(
            groups,
            [
                "II类(账)户",
                "2类(账)户",
                "二类账户",
                "class II account",
                "type II account",
                "II、III类(账)户",
                "二、三类(账)户",
                "2、3类(账)户",
                "II类、III类(账)户",
                "二类、三类(账)户"
            ]
        );
        assert_eq!(e.groups().iter().map(|(_, n)| n).sum::<usize>(), 17);
        assert!(e.read().starts_with("二类户: also II类(账)户, 2类(账)户, 二类账户, class II account"));
        assert_eq!(e.line(), format!("二类户: also {}", forms.join(", ")));
        let alone = Expansion { named: "差错".into(), forms: g.expand("差错") };
        assert!(alone.groups().iter().all(|(g, n)| *n == 1 && !g.contains('(')), "{:?}", alone.groups());
        let t0 = Expansion { named: "T0".into(), forms: g.expand("T0") };
        assert!(t0.groups().iter().all(|(_, n)| *n == 1), "{:?}", t0.groups());
    }

    /// After `OR` or `|`, a glued name reads as typed alone (the name AND the Chinese): the
    /// terms that say the same, every choice of one part of each glued alternative (`A OR
    /// (B AND C)` is `A OR B` AND `A OR C`); excluded, it is one exclusion of its parts
    /// together. On main, both stayed the whole word, which no message holds.
    #[test]
    fn a_glued_name_ored_or_excluded_reads_as_typed_alone() {
        assert_eq!(read_with_glossary("网联 OR NetsUnion对账"), ["网联 OR NetsUnion", "网联 OR 对账"]);
        assert_eq!(read_with_glossary("网联|NetsUnion对账"), read_with_glossary("网联 OR NetsUnion对账"));
        assert_eq!(read_with_glossary("NetsUnion对账 OR 清分 x"), ["NetsUnion OR 清分", "对账 OR 清分", "x"]);
        assert_eq!(
            read_with_glossary("NetsUnion对账|Cross_Border支付"),
            ["NetsUnion OR Cross_Border", "对账 OR Cross_Border", "NetsUnion OR 支付", "对账 OR 支付"]
        );
        // A term holding every alternative of another is left out: `对账` says it.
        assert_eq!(read_with_glossary("NetsUnion对账|NUCC对账"), ["NetsUnion OR NUCC", "对账"]);
        // Typed alone, as `=`, quoted, or a form itself (`POS机`): as typed.
        for whole in ["网联 OR =NetsUnion对账", "网联 OR \"NetsUnion对账\"", "网联 OR POS机", "网联 OR foo对账"]
        {
            assert_eq!(read_with_glossary(whole).len(), 1, "{whole}");
        }
        // More than MOST_GLUED_ORED glued alternatives: the term as typed.
        assert_eq!(read_with_glossary("NetsUnion对账|NUCC对账|UnionPay对账|chargeback流程").len(), 1);
        let g = crate::glossary::Glossary::builtin();
        let parts = |typed: &str| -> Vec<(String, Vec<String>)> {
            let q = Query::parse(typed).unwrap().with_glossary_runs(&g);
            assert_eq!(q.with_glossary_runs(&g), q, "{typed}: read twice, the same");
            let shown = q.terms.iter().map(|t| (t.to_string(), t.parts.iter().map(ToString::to_string).collect()));
            shown.collect()
        };
        let excluded =
            |typed: &str, parts: &[&str]| (typed.to_owned(), parts.iter().map(|p| (*p).to_owned()).collect());
        assert_eq!(
            parts("对账 -NetsUnion对账"),
            [excluded("对账", &[]), excluded("-NetsUnion对账", &["NetsUnion", "对账"])]
        );
        assert_eq!(
            parts("-清分|NetsUnion对账"),
            [excluded("-清分", &[]), excluded("-NetsUnion对账", &["NetsUnion", "对账"])]
        );
        assert_eq!(parts("-=NetsUnion对账"), [excluded("-=NetsUnion对账", &[])]);
        assert_eq!(parts("-POS机"), [excluded("-POS机", &[])]);
    }

    /// A run of bare words that spells a glossary form is that one term: the longest first, in
    /// any case or width, whatever separates the form's words; a form inside a longer run is
    /// found there, the other words stay ANDed. Quoted, `=`, excluded, `OR`ed words, and words
    /// apart (a filter or Chinese punctuation between them), keep their meaning. On main each
    /// word was a term: `cross border` was `cross` AND `border`.
    #[test]
    fn bare_words_that_spell_a_glossary_form_are_one_term() {
        assert_eq!(read_with_glossary("cross border"), ["cross border"]);
        assert_eq!(read_with_glossary("Cross BORDER"), ["Cross BORDER"]);
        assert_eq!(read_with_glossary("ｃｒｏｓｓ　ｂｏｒｄｅｒ"), ["ｃｒｏｓｓ ｂｏｒｄｅｒ"]);
        // Longest first: `cross border payment` (跨境支付), not `cross border` (跨境) and a word.
        assert_eq!(read_with_glossary("cross border payment"), ["cross border payment"]);
        assert_eq!(read_with_glossary("anti money laundering"), ["anti money laundering"]);
        assert_eq!(read_with_glossary("anti-money laundering"), ["anti-money laundering"]);
        assert_eq!(read_with_glossary("money laundering"), ["money laundering"]);
        // Hyphenated or glued it is one word already, and the glossary finds it so.
        assert_eq!(read_with_glossary("cross-border"), ["cross-border"]);
        let g = crate::glossary::Glossary::builtin();
        for one in ["cross-border", "crossborder", "CrossBorder", "cross_border", "Anti-Money-Laundering"] {
            assert!(g.holds(one), "{one}");
        }
        // A form inside a longer run, the words around it ANDed.
        assert_eq!(read_with_glossary("how risk control works"), ["how", "risk control", "works"]);
        assert_eq!(
            read_with_glossary("our payment gateway foreign exchange fees"),
            ["our", "payment gateway", "foreign exchange", "fees"]
        );
        assert_eq!(read_with_glossary("risk 风控 control"), ["risk", "风控", "control"]);
        assert_eq!(read_with_glossary("risk control risk control"), ["risk control"]);
        // Quotes, `=`, exclusions, OR, filters and punctuation between the words: as typed.
        assert_eq!(read_with_glossary("\"risk control\""), ["\"risk control\""]);
        assert_eq!(read_with_glossary("=risk control"), ["=risk", "control"]);
        assert_eq!(read_with_glossary("risk =control"), ["risk", "=control"]);
        assert_eq!(read_with_glossary("-risk control"), ["-risk", "control"]);
        assert_eq!(read_with_glossary("risk -control"), ["risk", "-control"]);
        assert_eq!(read_with_glossary("x OR risk control"), ["x OR risk", "control"]);
        assert_eq!(read_with_glossary("risk|x control"), ["risk OR x", "control"]);
        assert_eq!(read_with_glossary("risk from:张 control"), ["risk", "control"]);
        assert_eq!(read_with_glossary("risk，control"), ["risk", "control"]);
        assert_eq!(read_with_glossary("risk2 control"), ["risk2", "control"]);
        // Words that spell no form stay apart.
        assert_eq!(read_with_glossary("border cross"), ["border", "cross"]);
        // Read twice, the same.
        let q = Query::parse("how cross border payment works").unwrap().with_glossary_runs(&g);
        assert_eq!(q.with_glossary_runs(&g), q);
    }

    /// A word that took an `OR` after it, or that `--exact` made exact once the query was
    /// parsed, is no bare word of a run: `risk control OR 对账` was read as the form `risk
    /// control` (885 hits in the real archive, the `OR 对账` lost, where `risk` AND `control OR
    /// 对账` finds 4), and `--exact cross border` as the form, expanded to 跨境 (269 hits, where
    /// the words as typed find none).
    #[test]
    fn a_word_ored_after_or_made_exact_is_no_part_of_a_glossary_form() {
        assert_eq!(read_with_glossary("risk control OR 对账"), ["risk", "control OR 对账"]);
        assert_eq!(read_with_glossary("risk control | 对账"), ["risk", "control OR 对账"]);
        assert_eq!(read_with_glossary("cross border OR x payment"), ["cross", "border OR x", "payment"]);
        // The words before an ORed one still make a form.
        assert_eq!(read_with_glossary("foreign exchange fees OR 手续费"), ["foreign exchange", "fees OR 手续费"]);
        let g = crate::glossary::Glossary::builtin();
        let mut q = Query::parse("cross border").unwrap();
        q.terms.iter_mut().for_each(TextTerm::make_exact);
        let read = q.with_glossary_runs(&g);
        assert_eq!(read.terms, q.terms, "--exact: =cross AND =border");
    }
}
