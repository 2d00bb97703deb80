//! Searching discussions: which discussions a query finds, and in which order.
//!
//! A discussion matches when each positive term of the query occurs in at least one of its
//! messages, and the filters hold for those messages (so `group:G date:D` with no term lists
//! that day's partition, chatter included). Messages are found by the same compiled queries
//! as `search`, one per positive term; each message document carries its discussion's first
//! line (`disc`), and the discussion documents carry what ranking needs as a fast value.
//!
//! Relevance: the best message score for each term, summed; a little for every further
//! matching message; and substance (messages, people, an opening question). Chatter ranks
//! below every discussion.

use crate::discussions::{Discussion, SpanKind};
use crate::index::schema::{names, unpack_disc_info, UNIT_DISCUSSION};
use crate::query::Query;
use crate::search::{Engine, SearchError, Sort, State};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value as _};
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument, Term};

/// One discussion found, with the lines of its matching messages.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DiscussionHit {
    #[serde(flatten)]
    pub discussion: Discussion,
    /// The people behind its participants' nicknames, each once (see [`crate::people`]).
    pub people: Vec<String>,
    /// Header lines of the messages that matched the query's terms (empty without terms).
    pub hits: Vec<u32>,
    pub score: f32,
}

/// A page of discussions and how many matched.
#[derive(Debug, Clone, Default)]
pub struct DiscussionResults {
    pub total: usize,
    pub discussions: Vec<DiscussionHit>,
    pub elapsed: Duration,
}

/// What the messages matching one term say about one discussion.
#[derive(Debug, Clone, Default)]
struct Matches {
    best: f32,
    lines: Vec<u32>,
}

/// (path, first line): a discussion's identity.
type Key = (String, u64);

/// Per discussion: summed best scores, matching messages, their lines.
type Found = HashMap<Key, (f32, u32, Vec<u32>)>;

impl Engine {
    /// The discussions `query` finds: `limit` of them (`None`: all) in `sort` order. Without
    /// a positive term, relevance means date order, oldest first (a day reads in order).
    pub fn discussions(
        &self,
        query: &Query,
        limit: Option<usize>,
        sort: Sort,
    ) -> Result<DiscussionResults, SearchError> {
        self.with_state(|state| discussions(state, query, limit, sort))
    }
}

fn discussions(
    state: &State,
    query: &Query,
    limit: Option<usize>,
    sort: Sort,
) -> Result<DiscussionResults, SearchError> {
    {
        let started = Instant::now();
        let searcher = state.handle.searcher();
        let positive: Vec<_> = query.terms.iter().filter(|t| !t.negated).collect();
        let negative: Vec<_> = query.terms.iter().filter(|t| t.negated).cloned().collect();
        let scoring = !positive.is_empty();
        let subqueries: Vec<Query> = if scoring {
            positive
                .iter()
                .map(|t| {
                    let mut terms = vec![(*t).clone()];
                    terms.extend(negative.iter().cloned());
                    Query { terms, filters: query.filters.clone() }
                })
                .collect()
        } else {
            vec![query.clone()]
        };
        let mut matched: Option<Found> = None;
        for sub in &subqueries {
            let tq = state.compile(sub)?;
            let found = searcher.search(&tq, &MessageCollector { scoring })?;
            matched = Some(match matched {
                None => found.into_iter().map(|(k, m)| (k, (m.best, m.lines.len() as u32, m.lines))).collect(),
                Some(mut acc) => {
                    acc.retain(|k, _| found.contains_key(k));
                    for (k, (best, n, lines)) in acc.iter_mut() {
                        if let Some(m) = found.get(k) {
                            *best += m.best;
                            *n += m.lines.len() as u32;
                            lines.extend(&m.lines);
                        }
                    }
                    acc
                }
            });
        }
        let matched = matched.unwrap_or_default();
        let f = &state.handle.fields;
        let units = TermQuery::new(Term::from_field_text(f.unit, UNIT_DISCUSSION), IndexRecordOption::Basic);
        let docs = searcher.search(&units, &DiscussionDocs)?;

        struct Candidate {
            tier: u8,
            score: f32,
            ts: u64,
            key: Key,
            addr: DocAddress,
            lines: Vec<u32>,
        }
        let mut candidates: Vec<Candidate> = matched
            .into_iter()
            .filter_map(|(key, (best, n, mut lines))| {
                let d = docs.get(&key)?;
                let (messages, people, chatter, question) = unpack_disc_info(d.info);
                let substance = 0.3 * (1.0 + messages as f32).ln()
                    + 0.3 * (1.0 + people as f32).ln()
                    + if question { 0.5 } else { 0.0 };
                let score = if scoring { best + 0.5 * (n as f32).ln_1p() + substance } else { 0.0 };
                if scoring {
                    lines.sort_unstable();
                    lines.dedup();
                } else {
                    lines.clear();
                }
                Some(Candidate { tier: u8::from(!chatter), score, ts: d.ts, key, addr: d.addr, lines })
            })
            .collect();
        let sort = if sort == Sort::Relevance && !scoring { Sort::Oldest } else { sort };
        let by_place = |a: &Candidate, b: &Candidate| a.key.cmp(&b.key);
        match sort {
            Sort::Relevance => candidates.sort_by(|a, b| {
                b.tier.cmp(&a.tier).then(b.score.total_cmp(&a.score)).then(b.ts.cmp(&a.ts)).then(by_place(a, b))
            }),
            Sort::Newest => candidates.sort_by(|a, b| b.ts.cmp(&a.ts).then(by_place(a, b))),
            Sort::Oldest => candidates.sort_by(|a, b| a.ts.cmp(&b.ts).then(by_place(a, b))),
        }
        let total = candidates.len();
        candidates.truncate(limit.unwrap_or(total));
        let people = state.people()?;
        let discussions = candidates
            .into_iter()
            .map(|c| {
                let doc: TantivyDocument = searcher.doc(c.addr)?;
                let json = doc.get_first(f.disc_json).and_then(|v| v.as_str()).unwrap_or_default();
                let discussion: Discussion = serde_json::from_str(json).unwrap_or_else(|_| bare(&c.key));
                let people = people.labels(&discussion.participants);
                Ok(DiscussionHit { discussion, people, hits: c.lines, score: c.score })
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        Ok(DiscussionResults { total, discussions, elapsed: started.elapsed() })
    }
}

/// A discussion whose stored record cannot be read (an index written by a broken build):
/// its place, so it can still be opened.
fn bare(key: &Key) -> Discussion {
    let line = u32::try_from(key.1).unwrap_or(0);
    Discussion {
        path: key.0.clone(),
        group: key.0.split('/').next().unwrap_or_default().to_owned(),
        date: String::new(),
        start_time: String::new(),
        end_time: String::new(),
        start_line: line,
        end_line: line,
        messages: 0,
        participants: Vec::new(),
        title: String::new(),
        summary: Vec::new(),
        topics: Vec::new(),
        kind: SpanKind::Discussion,
    }
}

/// Names the path ordinals of a segment, each looked up once.
fn path_names(col: &Option<StrColumn>, ords: impl Iterator<Item = u64>) -> HashMap<u64, String> {
    let mut out = HashMap::new();
    let Some(c) = col else { return out };
    for ord in ords {
        out.entry(ord).or_insert_with(|| {
            let mut s = String::new();
            match c.ord_to_str(ord, &mut s) {
                Ok(true) => s,
                _ => String::new(),
            }
        });
    }
    out
}

/// Groups matching messages by discussion: best score and header lines.
struct MessageCollector {
    scoring: bool,
}

struct MessageSegment {
    path: Option<StrColumn>,
    path_ords: Option<Column<u64>>,
    disc: Option<Column<u64>>,
    line: Option<Column<u64>>,
    found: HashMap<(u64, u64), Matches>,
}

impl Collector for MessageCollector {
    type Fruit = HashMap<Key, Matches>;
    type Child = MessageSegment;

    fn for_segment(&self, _: u32, seg: &SegmentReader) -> tantivy::Result<MessageSegment> {
        let ff = seg.fast_fields();
        let path = ff.str(names::PATH)?;
        Ok(MessageSegment {
            path_ords: path.as_ref().map(|c| c.ords().clone()),
            path,
            disc: ff.u64(names::DISC).ok(),
            line: ff.u64(names::LINE).ok(),
            found: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<Key, Matches>>) -> tantivy::Result<HashMap<Key, Matches>> {
        let mut out: HashMap<Key, Matches> = HashMap::new();
        for fruit in fruits {
            for (k, m) in fruit {
                let e = out.entry(k).or_default();
                e.best = e.best.max(m.best);
                e.lines.extend(m.lines);
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for MessageSegment {
    type Fruit = HashMap<Key, Matches>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (Some(p), Some(d)) =
            (self.path_ords.as_ref().and_then(|c| c.first(doc)), self.disc.as_ref().and_then(|c| c.first(doc)))
        else {
            return;
        };
        let line = self.line.as_ref().and_then(|c| c.first(doc)).and_then(|l| u32::try_from(l).ok()).unwrap_or(0);
        let e = self.found.entry((p, d)).or_default();
        e.best = e.best.max(score);
        e.lines.push(line);
    }

    fn harvest(self) -> HashMap<Key, Matches> {
        let names = path_names(&self.path, self.found.keys().map(|k| k.0));
        self.found.into_iter().map(|((p, d), m)| ((names.get(&p).cloned().unwrap_or_default(), d), m)).collect()
    }
}

/// Where each discussion document is, with its ranking value and start time.
struct DiscussionDocs;

#[derive(Debug, Clone, Copy)]
struct DocInfo {
    addr: DocAddress,
    info: u64,
    ts: u64,
}

struct DocsSegment {
    segment: u32,
    path: Option<StrColumn>,
    path_ords: Option<Column<u64>>,
    disc: Option<Column<u64>>,
    info: Option<Column<u64>>,
    ts: Option<Column<u64>>,
    found: Vec<(u64, u64, DocInfo)>,
}

impl Collector for DiscussionDocs {
    type Fruit = HashMap<Key, DocInfo>;
    type Child = DocsSegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<DocsSegment> {
        let ff = seg.fast_fields();
        let path = ff.str(names::PATH)?;
        Ok(DocsSegment {
            segment,
            path_ords: path.as_ref().map(|c| c.ords().clone()),
            path,
            disc: ff.u64(names::DISC).ok(),
            info: ff.u64(names::DISC_INFO).ok(),
            ts: ff.u64(names::TS).ok(),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<Key, DocInfo>>) -> tantivy::Result<HashMap<Key, DocInfo>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for DocsSegment {
    type Fruit = HashMap<Key, DocInfo>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let first = |c: &Option<Column<u64>>| c.as_ref().and_then(|c| c.first(doc));
        let (Some(p), Some(d)) = (first(&self.path_ords), first(&self.disc)) else { return };
        let info = DocInfo {
            addr: DocAddress::new(self.segment, doc),
            info: first(&self.info).unwrap_or(0),
            ts: first(&self.ts).unwrap_or(0),
        };
        self.found.push((p, d, info));
    }

    fn harvest(self) -> HashMap<Key, DocInfo> {
        let names = path_names(&self.path, self.found.iter().map(|f| f.0));
        self.found.into_iter().map(|(p, d, info)| ((names.get(&p).cloned().unwrap_or_default(), d), info)).collect()
    }
}
