//! Who knows about X: the people whose messages answer a query best, with their evidence.
//!
//! The query's best [`BEST_HITS`] messages are found by the ordinary relevance search; each
//! person (all their nicknames together, see [`crate::people`]) is scored by the sum of the
//! scores of their best [`SCORED_HITS`] hits among them. What counts is what they wrote about
//! X, not how much they write: a member with two substantive answers outranks one with a
//! dozen passing mentions, and a prolific member gains nothing from volume beyond their best
//! few hits. The CLI (`chatlore people QUERY`), the MCP `people` tool and the browser share
//! this one ranking. A query of filters alone has nothing to know about: its people come by
//! their matching messages ([`WhoKnows::by_messages`]).

use crate::people::{People, Person};
use crate::query::{Field, Filter, Query, Value};
use crate::search::{Engine, Hit, Page, SearchError, Sort};
use std::collections::BTreeMap;

/// The best hits weighed.
pub const BEST_HITS: usize = 200;
/// A person's hits that count toward their score: their best ones.
pub const SCORED_HITS: usize = 5;

/// One person and their evidence.
#[derive(Debug, Clone)]
pub struct Expert {
    pub person: Person,
    /// The sum of the scores of their best [`SCORED_HITS`] hits.
    pub score: f32,
    /// Their hits among the best [`BEST_HITS`], best first.
    pub hits: Vec<Hit>,
    /// Every message of theirs the query matches, as `from:=LABEL` with the query finds them.
    pub matching: u64,
}

/// The people who know about a query.
#[derive(Debug, Clone, Default)]
pub struct WhoKnows {
    /// Messages the query matches.
    pub total: usize,
    /// Hits weighed (at most [`BEST_HITS`]).
    pub weighed: usize,
    /// Best first.
    pub experts: Vec<Expert>,
    /// The query has no words, only filters (and exclusions): nothing to know about, so people
    /// are ranked by their matching messages, as the browser's insights count them; scores are
    /// 0 and the evidence is each one's newest messages (looked up for the people shown).
    pub by_messages: bool,
}

/// The messages a person of a query of filters alone is shown with: their newest ones.
pub const EVIDENCE: usize = 3;

/// The newest [`EVIDENCE`] messages of the person `label` that `query` matches. The newest hits
/// of the whole query are mostly a few people's: the others were listed with no message (255
/// of the 305 people of `group:devarch`, one with 425 matching messages).
/// Evidence, not the listing: a lookup that cannot run (a speaker with no nickname, whose label
/// `from:=` cannot name) leaves that person without messages, never the command without its
/// answer.
fn newest_of(engine: &Engine, query: &Query, label: &str, people: &People) -> Vec<Hit> {
    if label.is_empty() {
        return Vec::new();
    }
    let mut theirs = query.clone();
    let filter = Filter { field: Field::From, value: Value::Text(format!("={label}")), negated: false, narrows: true };
    theirs.narrow([filter]);
    // `from:=` matches nicknames in any case, and a `--from` of the caller narrows too, ORed
    // with this one: more are read, and only the person's kept.
    let page = Page { limit: Some(EVIDENCE_READ), offset: 0, sort: Sort::Newest };
    let hits = engine.search(&theirs, page).map(|r| r.hits).unwrap_or_default();
    hits.into_iter().filter(|h| people.label_of(&h.speaker) == label).take(EVIDENCE).collect()
}

/// How many of a person's newest matches [`newest_of`] reads for its [`EVIDENCE`].
const EVIDENCE_READ: usize = 60;

/// Ranks the people of `hits` (see the module doc): by score, then by how many hits, then
/// by label. Hits whose person `people` does not know stand for their nickname.
pub fn rank(hits: &[Hit], people: &People) -> Vec<(Person, f32, Vec<Hit>)> {
    let mut by: BTreeMap<&str, Vec<&Hit>> = BTreeMap::new();
    for h in hits {
        by.entry(people.label_of(&h.speaker)).or_default().push(h);
    }
    let mut ranked: Vec<(Person, f32, Vec<Hit>)> = by
        .into_iter()
        .map(|(label, mut hits)| {
            hits.sort_by(|a, b| b.score.total_cmp(&a.score));
            let score = hits.iter().take(SCORED_HITS).map(|h| h.score).sum();
            let person = people.of(&hits[0].speaker).cloned().unwrap_or_else(|| Person {
                label: label.to_owned(),
                name: label.to_owned(),
                company: None,
                aliases: vec![hits[0].speaker.clone()],
                messages: 0,
            });
            (person, score, hits.into_iter().cloned().collect())
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1).then_with(|| b.2.len().cmp(&a.2.len())).then_with(|| a.0.label.cmp(&b.0.label))
    });
    ranked
}

/// Who knows about `query`: every person among its best hits, best first. For a query of
/// filters alone, the first `shown` people (those the caller shows) get their own newest
/// messages as evidence; looking them up for all (711 people of `group:proddev`) took 0.4 s
/// for a page of ten.
pub fn who_knows(engine: &Engine, query: &Query, shown: usize) -> Result<WhoKnows, SearchError> {
    who_knows_counted(engine, query, &engine.facets(query)?.people, shown)
}

/// [`who_knows`] for a caller that has the query's facets already: `matching` is their count of
/// matching messages by person.
pub fn who_knows_counted(
    engine: &Engine,
    query: &Query,
    matching: &BTreeMap<String, u64>,
    shown: usize,
) -> Result<WhoKnows, SearchError> {
    let results = engine.search(query, Page { limit: Some(BEST_HITS), offset: 0, sort: Sort::Relevance })?;
    let people = engine.people()?;
    if !query.has_words() {
        // Without words the "best" hits are only the newest: ranking them would crown whoever
        // spoke last. Everyone with a matching message counts, by how many.
        let mut newest: BTreeMap<&str, Vec<Hit>> = BTreeMap::new();
        for h in &results.hits {
            newest.entry(people.label_of(&h.speaker)).or_default().push(h.clone());
        }
        let persons: BTreeMap<&str, &Person> = people.persons.iter().map(|p| (p.label.as_str(), p)).collect();
        let mut experts: Vec<Expert> = matching
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(label, &n)| {
                let hits = newest.remove(label.as_str()).unwrap_or_default();
                let person = persons.get(label.as_str()).map_or_else(
                    || Person {
                        label: label.clone(),
                        name: label.clone(),
                        company: None,
                        aliases: vec![hits.first().map_or_else(|| label.clone(), |h| h.speaker.clone())],
                        messages: 0,
                    },
                    |p| (*p).clone(),
                );
                Expert { person, score: 0.0, hits, matching: n }
            })
            .collect();
        experts.sort_by(|a, b| b.matching.cmp(&a.matching).then_with(|| a.person.label.cmp(&b.person.label)));
        for e in experts.iter_mut().take(shown) {
            if e.hits.len() < EVIDENCE && (e.hits.len() as u64) < e.matching {
                e.hits = newest_of(engine, query, &e.person.label, &people);
            }
        }
        return Ok(WhoKnows { total: results.total, weighed: results.hits.len(), experts, by_messages: true });
    }
    let experts = rank(&results.hits, &people)
        .into_iter()
        .map(|(person, score, hits)| {
            let matching = matching.get(&person.label).copied().unwrap_or(hits.len() as u64);
            Expert { person, score, hits, matching }
        })
        .collect();
    Ok(WhoKnows { total: results.total, weighed: results.hits.len(), experts, by_messages: false })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Kind;
    use crate::date::Date;
    use crate::people::Nickname;

    fn hit(speaker: &str, score: f32) -> Hit {
        Hit {
            path: "g/p.md".into(),
            line: 1,
            group: "g".into(),
            date: Date::default(),
            time: 0,
            speaker: speaker.into(),
            person: String::new(),
            text: "x".into(),
            kind: Kind::Text,
            topics: vec![],
            urls: vec![],
            discussion: "g/p.md#1".into(),
            score,
            also: vec![],
            near: false,
            highlights: vec![],
        }
    }

    #[test]
    fn evidence_not_volume_and_aliases_together() {
        let nick = |n: &str| Nickname { nickname: n.into(), messages: 10, groups: ["g".to_owned()].into() };
        let people = People::build(&[nick("龚晓冬"), nick("龚晓冬-银商账户-产品-上海"), nick("话痨")], &[]);
        let mut hits = vec![hit("龚晓冬", 3.0), hit("龚晓冬-银商账户-产品-上海", 2.5)];
        // Ten weak mentions: only the best five count, 5 × 1.0 < 5.5.
        hits.extend((0..10).map(|_| hit("话痨", 1.0)));
        hits.push(hit("路人", 0.5));
        let ranked = rank(&hits, &people);
        let labels: Vec<&str> = ranked.iter().map(|r| r.0.label.as_str()).collect();
        assert_eq!(labels, ["龚晓冬", "话痨", "路人"]);
        assert_eq!(ranked[0].1, 5.5);
        assert_eq!(ranked[0].2.len(), 2, "both nicknames' hits are one person's");
        assert_eq!(ranked[0].0.aliases.len(), 2);
        assert_eq!(ranked[1].1, 5.0);
        assert_eq!(ranked[1].2.len(), 10);
        // Someone the model does not know stands for their nickname.
        assert_eq!(ranked[2].0.aliases, vec!["路人"]);
    }
}
