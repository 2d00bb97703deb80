//! The rows of the filter pane's tabs, with live counts for the current query. Speakers are
//! found by fuzzy matching (nucleo) over nickname, name and company.

use super::action::{Expert, FilterTab, InsightSection};
use super::effect::Catalog;
use crate::query::{DateRange, Field, Filter, Value};
use crate::search::Facets;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::collections::BTreeMap;

/// Speakers listed at most (the pane is a finder, not a census).
const MAX_SPEAKERS: usize = 300;

fn filter(field: Field, value: Value) -> Filter {
    Filter { field, value, negated: false, narrows: false }
}

/// A row of a filter tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRow {
    pub label: String,
    pub detail: String,
    pub count: u64,
    pub filter: Filter,
}

/// The rows of `tab` for the current query's facets, narrowed by what was typed.
pub fn rows(facets: Option<&Facets>, catalog: Option<&Catalog>, tab: FilterTab, typed: &str) -> Vec<FilterRow> {
    let (Some(facets), Some(catalog)) = (facets, catalog) else { return Vec::new() };
    let typed = typed.trim();
    match tab {
        FilterTab::Dates => dates(facets, typed),
        FilterTab::Speakers => speakers(catalog, facets, typed),
        FilterTab::Topics => topics(catalog, facets, typed),
        FilterTab::Groups => groups(catalog, facets, typed),
        FilterTab::Companies => companies(facets, typed),
    }
}

/// The rows of an insights section for the query's facets: each a value with its count and
/// the filter Enter adds.
/// `experts`: who knows about the query's words (see [`crate::who`]), which the people
/// section lists when there are any; else it lists people by their matching messages.
pub fn insight_rows(
    facets: Option<&Facets>,
    experts: &[Expert],
    catalog: Option<&Catalog>,
    section: InsightSection,
) -> Vec<FilterRow> {
    let (Some(facets), Some(catalog)) = (facets, catalog) else { return Vec::new() };
    match section {
        InsightSection::Months => continuous_months(&facets.months)
            .into_iter()
            .filter_map(|(m, count)| {
                let range = DateRange::parse(&m).ok()?;
                Some(FilterRow {
                    label: m,
                    detail: String::new(),
                    count,
                    filter: filter(Field::Date, Value::Dates(range)),
                })
            })
            .collect(),
        InsightSection::Speakers => {
            // (person, evidence, count)
            let people: Vec<(&str, &str, u64)> = if experts.is_empty() {
                Facets::top(&facets.people, 30).into_iter().map(|(p, n)| (p, "", n)).collect()
            } else {
                experts.iter().take(30).map(|e| (e.label.as_str(), e.evidence.as_str(), e.matching)).collect()
            };
            people
                .into_iter()
                .map(|(p, evidence, count)| FilterRow {
                    label: p.to_owned(),
                    detail: evidence.to_owned(),
                    count,
                    // That person, exactly: `from:华` would be every 李楚华 and 李清华 too.
                    filter: filter(Field::From, Value::Text(format!("={p}"))),
                })
                .collect()
        }
        InsightSection::Companies => companies(facets, ""),
        InsightSection::Topics => {
            let mut rows: Vec<FilterRow> = topics(catalog, facets, "").into_iter().filter(|r| r.count > 0).collect();
            for r in &mut rows {
                r.label = r.label.split(' ').next().unwrap_or_default().to_owned();
            }
            rows.sort_by_key(|r| std::cmp::Reverse(r.count));
            rows
        }
    }
}

/// Every month from the first to the last with a count, those without one at zero (so gaps
/// show as gaps).
pub fn continuous_months(counts: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let (Some(first), Some(last)) = (counts.keys().next(), counts.keys().next_back()) else { return Vec::new() };
    let ym = |m: &str| Some((m.get(..4)?.parse::<u32>().ok()?, m.get(5..7)?.parse::<u32>().ok()?));
    let (Some((mut y, mut m)), Some(end)) = (ym(first), ym(last)) else {
        return counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    };
    let mut out = Vec::new();
    while (y, m) <= end {
        let key = format!("{y:04}-{m:02}");
        out.push((key.clone(), counts.get(&key).copied().unwrap_or(0)));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// Companies of the query's speakers (parsed from their nicknames), most messages first, each
/// counted as its chip, `org:=COMPANY`, finds: that company exactly (`org:银联` would be
/// 银联电子 and 银联商务 too), with every nickname of its people.
fn companies(facets: &Facets, typed: &str) -> Vec<FilterRow> {
    let typed = typed.to_lowercase();
    Facets::top(&facets.companies, usize::MAX)
        .into_iter()
        .filter(|(c, _)| c.to_lowercase().contains(&typed))
        .map(|(c, count)| FilterRow {
            label: c.to_owned(),
            detail: String::new(),
            count,
            filter: filter(Field::Org, Value::Text(format!("={c}"))),
        })
        .collect()
}

fn dates(facets: &Facets, typed: &str) -> Vec<FilterRow> {
    let mut out = Vec::new();
    // A typed date or range is offered first, with its exact count.
    if let Ok(range) = DateRange::parse(typed) {
        let count = facets.days.iter().filter(|((_, d), _)| range.contains(*d)).map(|(_, n)| n).sum();
        out.push(FilterRow {
            label: range.to_string(),
            detail: "typed".into(),
            count,
            filter: filter(Field::Date, Value::Dates(range)),
        });
    }
    for (month, count) in facets.months.iter().rev().filter(|(m, _)| m.starts_with(typed)) {
        if let Ok(range) = DateRange::parse(month) {
            out.push(FilterRow {
                label: month.clone(),
                detail: String::new(),
                count: *count,
                filter: filter(Field::Date, Value::Dates(range)),
            });
        }
    }
    out
}

/// One row a person: the nickname of theirs that fits best (what was typed matched it best;
/// with nothing typed, the one with most of the query's messages), its company, role and
/// city, and their other nicknames. A row counts what its chip, `from:=NICKNAME`, finds: the
/// messages of the nickname's person under any of their nicknames, as the insights count a
/// person ([`crate::people::People::messages_by_person`]); two nicknames of one person were two
/// rows with one count.
fn speakers(catalog: &Catalog, facets: &Facets, typed: &str) -> Vec<FilterRow> {
    let people = &catalog.people;
    let own = |nick: &str| facets.speakers.get(nick).copied().unwrap_or(0);
    let count_of = |nick: &str| facets.people.get(people.label_of(nick)).copied().unwrap_or(0);
    // (how well it fits, the nickname's own messages here, the nickname): the nicknames that
    // spoke under the query, or with something typed, those it finds.
    let mut fits: Vec<(u32, u64, &crate::speakers::Speaker)> = if typed.is_empty() {
        catalog.directory.entries.iter().map(|(s, _)| (0, own(&s.nickname), s)).filter(|(_, n, _)| *n > 0).collect()
    } else {
        let pattern = Pattern::parse(typed, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        catalog
            .directory
            .entries
            .iter()
            .filter_map(|(s, _)| {
                let hay = format!("{} {} {}", s.nickname, s.name, s.company.as_deref().unwrap_or(""));
                let score = pattern.score(Utf32Str::new(&hay, &mut buf), &mut matcher)?;
                Some((score, own(&s.nickname), s))
            })
            .collect()
    };
    // Each person's best fit first, then the first of each person only.
    fits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)).then_with(|| a.2.nickname.cmp(&b.2.nickname)));
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<(u32, u64, &crate::speakers::Speaker)> = fits
        .into_iter()
        .filter(|(_, _, s)| seen.insert(people.label_of(&s.nickname)))
        .map(|(fit, _, s)| (fit, count_of(&s.nickname), s))
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)).then_with(|| a.2.nickname.cmp(&b.2.nickname)));
    rows.into_iter()
        .take(MAX_SPEAKERS)
        .map(|(_, count, s)| {
            let mut detail: Vec<String> = [&s.company, &s.role, &s.city].into_iter().flatten().cloned().collect();
            if detail.is_empty() && s.name != s.nickname {
                detail.push(s.name.clone());
            }
            let others: Vec<&str> = people
                .of(&s.nickname)
                .map(|p| p.aliases.iter().map(String::as_str).filter(|a| *a != s.nickname).collect())
                .unwrap_or_default();
            if !others.is_empty() {
                detail.push(format!("also {}", others.join(", ")));
            }
            FilterRow {
                label: s.nickname.clone(),
                detail: detail.join(" · "),
                count,
                // That nickname's person, exactly: `from:Tim` would be `Tim-魔线科技` and `绅士@Tim` too.
                filter: filter(Field::From, Value::Text(format!("={}", s.nickname))),
            }
        })
        .collect()
}

fn topics(catalog: &Catalog, facets: &Facets, typed: &str) -> Vec<FilterRow> {
    let typed = typed.to_lowercase();
    catalog
        .meta
        .topics
        .iter()
        .filter(|t| [&t.id, &t.zh, &t.en].iter().any(|s| s.to_lowercase().contains(&typed)))
        .map(|t| FilterRow {
            label: format!("{} {}", t.zh, t.id),
            detail: t.en.clone(),
            count: facets.topics.get(&t.id).copied().unwrap_or(0),
            filter: filter(Field::Topic, Value::Text(t.id.clone())),
        })
        .collect()
}

fn groups(catalog: &Catalog, facets: &Facets, typed: &str) -> Vec<FilterRow> {
    let names = &catalog.meta.groups;
    let typed = typed.to_lowercase();
    facets
        .groups
        .iter()
        .map(|(g, n)| (g, names.get(g).cloned().unwrap_or_default(), *n))
        .filter(|(g, name, _)| g.to_lowercase().contains(&typed) || name.to_lowercase().contains(&typed))
        .map(|(g, name, count)| FilterRow {
            label: g.clone(),
            detail: name,
            count,
            filter: filter(Field::Group, Value::Text(g.clone())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_without_hits_appear_on_the_axis() {
        let counts: BTreeMap<String, u64> =
            [("2017-11", 3), ("2018-02", 5)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let months = continuous_months(&counts);
        let months: Vec<(&str, u64)> = months.iter().map(|(m, n)| (m.as_str(), *n)).collect();
        assert_eq!(months, vec![("2017-11", 3), ("2017-12", 0), ("2018-01", 0), ("2018-02", 5)]);
    }
}
