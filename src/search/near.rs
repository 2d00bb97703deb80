//! Messages near a sparse match. When fewer messages than a page hold every term of a query
//! (`路由 成功率`: six in the real archive), the discussions where the terms meet still answer
//! it: a talk on routing names 成功率 in one message and explains routing in the next ten.
//!
//! Near messages hold some of the query's positive terms, but not all, and belong to a
//! conversation (its discussion, see [`crate::discussions`]) whose messages hold every one of
//! them between them, negated terms and filters applying to each message as in `search`. They
//! rank as `search` ranks messages (their best key over the terms they hold), newest first on
//! ties. They are never counted as hits: the recall rule and totals stay those of the query.

use crate::query::Query;
use crate::search::{KeyColumns, SearchError, SegmentColumns, State};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentReader};

/// One message holding a term.
#[derive(Debug, Clone, Copy)]
struct Held {
    conversation: u64,
    key: Score,
    seq: u64,
    addr: DocAddress,
}

/// The near messages of `query`, best first, as (ranking key, address); empty for a query
/// with fewer than two positive terms.
pub(crate) fn near(state: &State, query: &Query) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let subqueries = query.per_positive_term();
    if subqueries.len() < 2 {
        return Ok(Vec::new());
    }
    let searcher = state.handle.searcher();
    let mut compiled = Vec::with_capacity(subqueries.len());
    for sub in &subqueries {
        let tq = state.compile(sub)?;
        let count = searcher.search(&tq, &Count)?;
        compiled.push((count, tq, state.expand(sub).substance()));
    }
    // The rarest term first: the conversations it names bound what the others collect.
    compiled.sort_by_key(|(count, _, _)| *count);
    let terms = compiled.len();
    let mut within: Option<Arc<HashSet<u64>>> = None;
    let mut held: HashMap<DocAddress, (Held, usize)> = HashMap::new();
    let columns = state.columns(&searcher)?;
    for (_, tq, query_substance) in &compiled {
        let holding =
            Holding { query_substance: *query_substance, within: within.clone(), columns: Arc::clone(&columns) };
        let found = searcher.search(tq, &holding)?;
        let here: HashSet<u64> = found.iter().map(|h| h.conversation).collect();
        let left: HashSet<u64> = match within {
            None => here,
            Some(w) => w.iter().copied().filter(|c| here.contains(c)).collect(),
        };
        if left.is_empty() {
            // No conversation holds every term so far: nothing is near.
            return Ok(Vec::new());
        }
        within = Some(Arc::new(left));
        for h in found {
            let e = held.entry(h.addr).or_insert((h, 0));
            e.0.key = e.0.key.max(h.key);
            e.1 += 1;
        }
    }
    let within = within.unwrap_or_default();
    let mut out: Vec<Held> =
        held.into_values().filter(|(h, n)| *n < terms && within.contains(&h.conversation)).map(|(h, _)| h).collect();
    out.sort_by(|a, b| b.key.total_cmp(&a.key).then(b.seq.cmp(&a.seq)).then(a.addr.cmp(&b.addr)));
    Ok(out.into_iter().map(|h| (h.key, h.addr)).collect())
}

/// The messages matching one term, each with its conversation and ranking key; only those of
/// the conversations `within`, when given.
struct Holding {
    query_substance: u32,
    within: Option<Arc<HashSet<u64>>>,
    /// The state's columns (see [`SegmentColumns`]).
    columns: Arc<[SegmentColumns]>,
}

struct HoldingSegment {
    segment: u32,
    columns: SegmentColumns,
    keys: KeyColumns,
    within: Option<Arc<HashSet<u64>>>,
    found: Vec<Held>,
}

impl Collector for Holding {
    type Fruit = Vec<Held>;
    type Child = HoldingSegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<HoldingSegment> {
        let columns = SegmentColumns::of(&self.columns, segment, seg)?;
        Ok(HoldingSegment {
            segment,
            keys: columns.keys(crate::rank::MATCH_WEIGHT, self.query_substance, 0.0),
            columns,
            within: self.within.clone(),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Held>>) -> tantivy::Result<Vec<Held>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for HoldingSegment {
    type Fruit = Vec<Held>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(conversation) = self.columns.conversation().first(doc) else { return };
        if self.within.as_ref().is_some_and(|w| !w.contains(&conversation)) {
            return;
        }
        self.found.push(Held {
            conversation,
            key: self.keys.key(doc, score),
            seq: self.columns.seq().and_then(|c| c.first(doc)).unwrap_or(0),
            addr: DocAddress::new(self.segment, doc),
        });
    }

    fn harvest(self) -> Vec<Held> {
        self.found
    }
}
