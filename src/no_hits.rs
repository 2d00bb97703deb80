//! Why a query found nothing, said one way by the CLI (`search`, `discussions`, `people`), the
//! browser and the MCP tools: a word no message holds, words never together in one message, or
//! the filter (or exclusion) that leaves none of the messages the words find.

use crate::plural::count;
use crate::query::{Field, Filter, Query, TextTerm};
use crate::search::{Engine, Page, QuestionTerms, SearchError, Sort};

/// What to say of a search for `query` that found nothing: why (see [`explain`]), or, when
/// working that out failed (the search itself did not), a short note saying so; `None` when
/// the query matches messages after all. An explanation never turns 0 hits into an error.
/// `messages` is how many messages the query matches when the caller has counted them (a
/// message search: its total), so that they are not counted again; `None` (a discussion or
/// people search that came back empty) counts them here.
pub fn why_none(engine: &Engine, query: &Query, messages: Option<usize>) -> Option<String> {
    or_note(explain(engine, query, messages))
}

/// [`why_none`] of a discussion search that found nothing: a discussion matches when its
/// messages hold the words between them, so words that occur, never in one discussion, are
/// said so (not "never in one message", which a discussion search does not ask).
pub fn why_no_discussion(engine: &Engine, query: &Query) -> Option<String> {
    or_note(explain_in(engine, query, None, Unit::Discussions))
}

/// What a search counts: messages, or discussions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Messages,
    Discussions,
}

impl Unit {
    fn one(self) -> &'static str {
        match self {
            Unit::Messages => "message",
            Unit::Discussions => "discussion",
        }
    }

    fn many(self) -> &'static str {
        match self {
            Unit::Messages => "messages",
            Unit::Discussions => "discussions",
        }
    }

    /// How many of this unit `query` finds.
    fn total(self, engine: &Engine, query: &Query) -> Result<usize, SearchError> {
        match self {
            Unit::Messages => total(engine, query),
            Unit::Discussions => Ok(engine.discussions(query, Some(0), Sort::Relevance)?.total),
        }
    }
}

/// Why `query` matches no message, or `None` when it matches some (`messages`, as for
/// [`why_none`]). Counts a few queries (each word alone, the words together, the query
/// without each filter): a handful of searches, run only when a search came back empty.
pub fn explain(engine: &Engine, query: &Query, messages: Option<usize>) -> Result<Option<String>, SearchError> {
    explain_in(engine, query, messages, Unit::Messages)
}

/// [`explain`], counting `unit`s (`found`: how many the search found, when the caller counted).
fn explain_in(engine: &Engine, query: &Query, found: Option<usize>, unit: Unit) -> Result<Option<String>, SearchError> {
    let found = match found {
        Some(n) => n,
        None => unit.total(engine, query)?,
    };
    if found > 0 {
        return Ok(None);
    }
    let typed = |engine: &Engine, query: &Query| typed(engine, query, unit);
    let Some(QuestionTerms { terms: keys, uncounted }) = engine.question_terms(query)? else {
        return typed(engine, query);
    };
    let bare = bare_filter_keys(query);
    // A question pasted whole is searched by its key terms, any one of which finds a message;
    // its question and common words (`请问`) are not searched. Without a key term it is
    // searched as typed.
    if keys.is_empty() {
        let why = typed(engine, query)?;
        return Ok(why.map(|why| {
            format!("the question holds only question and common words, so it was searched as typed: {why}{bare}")
        }));
    }
    if keys.iter().any(|(_, found)| *found > 0) {
        return typed(engine, query);
    }
    let terms: Vec<String> = keys.into_iter().map(|(term, _)| term).collect();
    if let Some(word) = terms.iter().find_map(|t| crate::tokenize::overlong_word(t)) {
        return Ok(Some(overlong(word)));
    }
    let mut others = "its other words are question or common words, not searched".to_owned();
    if uncounted > 0 {
        let more = count(uncounted, "key term", "key terms");
        others = format!("the {more} after the first {} were not checked; {others}", crate::question::COUNTED_KEYS);
    }
    Ok(Some(match terms.as_slice() {
        [term] => format!("no message contains {term}, the question's key term ({others}){bare}"),
        _ => format!(
            "no message contains any of the question's key terms: {}{bare}",
            listed(&terms, ", ", Some(&others))
        ),
    }))
}

/// How many messages `query` matches.
fn total(engine: &Engine, query: &Query) -> Result<usize, SearchError> {
    engine.search(query, Page { limit: Some(0), offset: 0, sort: Sort::Relevance }).map(|r| r.total)
}

/// [`explain`] for a query searched as typed: each word alone, the words together, the query
/// without each filter and exclusion.
fn typed(engine: &Engine, query: &Query, unit: Unit) -> Result<Option<String>, SearchError> {
    let total = |q: &Query| total(engine, q);
    // Read as the search reads it: `cross border` is one term, not two words no message holds.
    let query = &engine.expand(query);
    let words: Vec<&TextTerm> = query.terms.iter().filter(|t| !t.negated).collect();
    // A part of a query read as typed is read as typed too: left without its exclusion,
    // `<300 words> -x` read as a question and "found" 4,931 messages the exclusion then "left
    // out".
    let as_typed = !query.reads_as_question();
    let only = |terms: Vec<TextTerm>| Query { terms, as_typed, ..Query::default() };
    let checked = &words[..words.len().min(CHECKED)];
    // What the text says of the words past the first [`CHECKED`] (not counted one by one).
    let unchecked = match words.len() - checked.len() {
        0 => None,
        n => Some(format!("the {} after the first {CHECKED} were not checked", count(n, "word", "words"))),
    };
    let mut absent = Vec::new();
    for t in checked {
        if total(&only(vec![(*t).clone()]))? == 0 {
            // A message may well hold it: the index does not (see `tokenize::MAX_TOKEN_BYTES`).
            if let Some(word) = t.alternatives().find_map(crate::tokenize::overlong_word) {
                return Ok(Some(overlong(word)));
            }
            absent.push(t.to_string());
        }
    }
    if !absent.is_empty() {
        return Ok(Some(format!("no message contains {}", listed(&absent, " nor ", unchecked.as_deref()))));
    }
    let together = some_of(&words.iter().map(|t| t.to_string()).collect::<Vec<_>>(), " ");
    let all = only(words.iter().map(|t| (*t).clone()).collect());
    if words.len() > 1 && unit.total(engine, &all)? == 0 {
        let each = if words.len() == 2 { "both" } else { "all of" };
        let one = unit.one();
        let why = match &unchecked {
            None => format!("each occurs, never in one {one}"),
            Some(unchecked) => format!("each of the first {CHECKED} occurs, never all in one {one}; {unchecked}"),
        };
        let holds = if unit == Unit::Messages { "contains" } else { "holds" };
        return Ok(Some(format!("no {one} {holds} {each} {together} ({why})")));
    }
    // The filters and exclusions, and how many messages the query finds without each. The
    // values of one field are ORed (`date:2030 date:2031`), so they are left out together:
    // without one of them the others find fewer, not more. A flag's (or chip's) values narrow
    // the text's: left out apart from them (see `Filter::narrows`).
    let mut constraints: Vec<(String, Query)> = Vec::new();
    for (k, f) in query.filters.iter().enumerate() {
        let ored = |g: &Filter| g.ored_with(f);
        if query.filters[..k].iter().any(ored) {
            continue;
        }
        let leave_out = |j: usize, g: &Filter| j == k || ored(g);
        let kept = query.filters.iter().enumerate().filter(|&(j, g)| !leave_out(j, g)).map(|(_, g)| g.clone());
        let without = Query { filters: kept.collect(), as_typed, ..query.clone() };
        let left_out = query.filters.iter().enumerate().filter(|&(j, g)| leave_out(j, g));
        let name = left_out.map(|(_, g)| g.to_string()).collect::<Vec<_>>().join(" ");
        constraints.push((name, without));
    }
    for (k, t) in query.terms.iter().enumerate().filter(|(_, t)| t.negated) {
        let mut without = Query { as_typed, ..query.clone() };
        without.terms.remove(k);
        constraints.push((t.to_string(), without));
    }
    if constraints.is_empty() {
        return Ok(None);
    }
    let names = constraints.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(" ");
    let (one, many) = (unit.one(), unit.many());
    if words.is_empty() && constraints.len() == 1 {
        return Ok(Some(format!("no {one} matches {names}")));
    }
    let mut culprits = Vec::new();
    for (name, without) in &constraints {
        // Without every filter and exclusion nothing is left: the query was that one filter.
        if !without.is_empty() {
            // Counted as the search counts: a discussion may hold the words in two messages.
            let n = unit.total(engine, without)?;
            if n > 0 {
                let terms = without.terms.iter().map(ToString::to_string);
                let shown: Vec<String> = terms.chain(without.filters.iter().map(ToString::to_string)).collect();
                culprits.push((name.as_str(), n, some_of(&shown, " ")));
            }
        }
    }
    let holding = if unit == Unit::Messages { "containing" } else { "holding" };
    let subject = if words.is_empty() { format!("no {one}") } else { format!("no {one} {holding} {together}") };
    Ok(Some(match culprits.as_slice() {
        [] => format!("{subject} matches {names} together (leaving out any one of them still finds none)"),
        [(name, n, rest)] => format!("of the {} `{rest}` finds, none matches {name}", count(*n, one, many)),
        _ => {
            let each: Vec<String> =
                culprits.iter().map(|(name, n, _)| format!("without {name}, {}", count(*n, one, many))).collect();
            format!("{subject} matches all of {names}: {}", each.join("; "))
        }
    }))
}

/// Why no search finds `word`, a word too long to be indexed (a message may well hold it).
fn overlong(word: &str) -> String {
    let start: String = word.chars().take(16).collect();
    format!(
        "`{start}…` is a word of {} bytes: words longer than {} bytes are not indexed, so no search finds it; search \
         other words of its message",
        word.len(),
        crate::tokenize::MAX_TOKEN_BYTES
    )
}

/// What to say of the filter keys with nothing after their colon in a question pasted whole
/// (`请问 from: 哪里下载`): words of the question there, which a typed query refuses; a reader
/// who meant to filter is told how (empty when there are none).
fn bare_filter_keys(query: &Query) -> String {
    let field = query
        .terms
        .iter()
        .filter_map(|t| t.text().strip_suffix(':').or_else(|| t.text().strip_suffix('：')))
        .find_map(|key| Field::ALL.into_iter().find(|f| f.key().eq_ignore_ascii_case(key)));
    match field {
        None => String::new(),
        Some(field) => format!(
            "; `{key}:` with nothing after it was read as a word of the question, not a filter: to filter, write \
             the value right after the colon (`{key}:{}`)",
            example(field),
            key = field.key()
        ),
    }
}

/// A value of `field` to show in an example.
fn example(field: Field) -> &'static str {
    match field {
        Field::From => "陈默",
        Field::Org => "银联",
        Field::Group => "payprod",
        Field::Topic => "对账",
        Field::Kind => "link",
        Field::Date => "2017-08",
    }
}

/// Words an explanation counts one by one at most, the first ones typed (a query of 300 words
/// ran 300 searches): as many as a question pasted whole counts of its key terms.
const CHECKED: usize = crate::question::COUNTED_KEYS;

/// Words, terms or filters an explanation names at most; the rest are counted (a question of
/// 300 words absent from the archive listed all 300).
const LISTED: usize = 5;

/// `items` joined by `sep`, the first [`LISTED`] of them and how many more:
/// `a nor b nor c nor d nor e (and 295 more)`.
fn some_of(items: &[String], sep: &str) -> String {
    listed(items, sep, None)
}

/// [`some_of`], with `note` in its parentheses: `a nor b (and 59 more; the 236 words after
/// the first 64 were not checked)`.
fn listed(items: &[String], sep: &str, note: Option<&str>) -> String {
    let shown = items[..items.len().min(LISTED)].join(sep);
    let more = match items.len().saturating_sub(LISTED) {
        0 => None,
        more => Some(format!("and {more} more")),
    };
    let notes: Vec<&str> = more.as_deref().into_iter().chain(note).collect();
    if notes.is_empty() {
        shown
    } else {
        format!("{shown} ({})", notes.join("; "))
    }
}

/// [`why_none`] of an explanation already worked out (by [`explain`] or a stand-in for it).
pub(crate) fn or_note(explained: Result<Option<String>, SearchError>) -> Option<String> {
    explained.unwrap_or_else(|e| Some(format!("could not say why: {e}")))
}
