//! Why a query found nothing, said one way by the CLI (`search`, `discussions`, `people`), the
//! browser and the MCP tools: a word no message holds, words never together in one message, or
//! the filter (or exclusion) that leaves none of the messages the words find.

use crate::plural::count;
use crate::query::{Filter, Query, TextTerm};
use crate::search::{Engine, Page, SearchError, Sort};

/// Why `query` matches no message, or `None` when it matches some. Counts a few queries
/// (each word alone, the words together, the query without each filter): a handful of
/// searches, run only when a search came back empty.
pub fn explain(engine: &Engine, query: &Query) -> Result<Option<String>, SearchError> {
    let total =
        |q: &Query| engine.search(q, Page { limit: Some(0), offset: 0, sort: Sort::Relevance }).map(|r| r.total);
    if total(query)? > 0 {
        return Ok(None);
    }
    let words: Vec<&TextTerm> = query.terms.iter().filter(|t| !t.negated).collect();
    let only = |terms: Vec<TextTerm>| Query { terms, filters: Vec::new(), asks: false };
    let mut absent = Vec::new();
    for t in &words {
        if total(&only(vec![(*t).clone()]))? == 0 {
            absent.push(typed(t));
        }
    }
    if !absent.is_empty() {
        return Ok(Some(format!("no message contains {}", absent.join(" nor "))));
    }
    let together = words.iter().map(|t| typed(t)).collect::<Vec<_>>().join(" ");
    if words.len() > 1 && total(&only(words.iter().map(|t| (*t).clone()).collect()))? == 0 {
        let each = if words.len() == 2 { "both" } else { "all of" };
        return Ok(Some(format!("no message contains {each} {together} (each occurs, never in one message)")));
    }
    // The filters and exclusions, and how many messages the query finds without each. The
    // values of one field are ORed (`date:2030 date:2031`), so they are left out together:
    // without one of them the others find fewer, not more.
    let mut constraints: Vec<(String, Query)> = Vec::new();
    for (k, f) in query.filters.iter().enumerate() {
        let ored = |g: &Filter| !g.negated && !f.negated && g.field == f.field;
        if query.filters[..k].iter().any(ored) {
            continue;
        }
        let leave_out = |j: usize, g: &Filter| j == k || ored(g);
        let kept = query.filters.iter().enumerate().filter(|&(j, g)| !leave_out(j, g)).map(|(_, g)| g.clone());
        let without = Query { filters: kept.collect(), ..query.clone() };
        let left_out = query.filters.iter().enumerate().filter(|&(j, g)| leave_out(j, g));
        let name = left_out.map(|(_, g)| g.to_string()).collect::<Vec<_>>().join(" ");
        constraints.push((name, without));
    }
    for (k, t) in query.terms.iter().enumerate().filter(|(_, t)| t.negated) {
        let mut without = query.clone();
        without.terms.remove(k);
        constraints.push((typed(t), without));
    }
    if constraints.is_empty() {
        return Ok(None);
    }
    let names = constraints.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(" ");
    if words.is_empty() && constraints.len() == 1 {
        return Ok(Some(format!("no message matches {names}")));
    }
    let mut culprits = Vec::new();
    for (name, without) in &constraints {
        // Without every filter and exclusion nothing is left: the query was that one filter.
        if !without.is_empty() {
            let n = total(without)?;
            if n > 0 {
                culprits.push((name.as_str(), n, shown(without)));
            }
        }
    }
    let subject = if words.is_empty() { "no message".to_owned() } else { format!("no message containing {together}") };
    Ok(Some(match culprits.as_slice() {
        [] => format!("{subject} matches {names} together (leaving out any one of them still finds none)"),
        [(name, n, rest)] => format!("of the {} `{rest}` finds, none matches {name}", count(*n, "message", "messages")),
        _ => {
            let each: Vec<String> = culprits
                .iter()
                .map(|(name, n, _)| format!("without {name}, {}", count(*n, "message", "messages")))
                .collect();
            format!("{subject} matches all of {names}: {}", each.join("; "))
        }
    }))
}

/// What to say of a search that found nothing, given the [`explain`] of it: the reason, or,
/// when explaining failed (the search itself did not), a short note saying so. An explanation
/// never turns 0 hits into an error.
pub fn or_note(explained: Result<Option<String>, SearchError>) -> Option<String> {
    explained.unwrap_or_else(|e| Some(format!("could not say why: {e}")))
}

/// A query as it would be typed: its terms, then its filters.
fn shown(q: &Query) -> String {
    let terms = q.terms.iter().map(typed);
    terms.chain(q.filters.iter().map(ToString::to_string)).collect::<Vec<_>>().join(" ")
}

/// A term as it would be typed: `-跨境`, `=pos`, `"快捷 支付"`, `拒付 OR =调单`.
fn typed(t: &TextTerm) -> String {
    let quote = |s: &str| if t.phrase || s.contains(char::is_whitespace) { format!("\"{s}\"") } else { s.to_owned() };
    let alternatives: Vec<String> =
        t.typed_alternatives().map(|(s, exact)| format!("{}{}", if exact { "=" } else { "" }, quote(s))).collect();
    format!("{}{}", if t.negated { "-" } else { "" }, alternatives.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_shown_as_typed() {
        let q = Query::parse(r#"-跨境 =pos "快捷 支付" 拒付|调单 拒付|=调单 =拒付 OR 调单"#).unwrap();
        let shown: Vec<String> = q.terms.iter().map(typed).collect();
        assert_eq!(shown, ["-跨境", "=pos", "\"快捷 支付\"", "拒付 OR 调单", "拒付 OR =调单", "=拒付 OR 调单"]);
    }
}
