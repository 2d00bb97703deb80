//! Facet counts of a query (groups, months, days, speakers, topics, kinds) over its matching
//! messages, from fast fields: no stored document is read.

use super::Facets;
use crate::date::Date;
use crate::index::schema::{names, split_ts};
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

/// Counts facets over the matching documents from fast fields (no stored documents read).
/// Per document it only bumps counters in dense arrays indexed by term ordinals and by day.
pub(super) struct FacetCollector;

pub(super) struct SegmentFacets {
    group: Option<StrColumn>,
    speaker: Option<StrColumn>,
    topics: Option<StrColumn>,
    kind: Option<StrColumn>,
    ts: Column<u64>,
    /// Ordinal columns of the single-valued fields (direct reads, no iterator per document).
    group_ords: Option<Column<u64>>,
    speaker_ords: Option<Column<u64>>,
    kind_ords: Option<Column<u64>>,
    group_counts: Vec<u64>,
    speaker_counts: Vec<u64>,
    topic_counts: Vec<u64>,
    kind_counts: Vec<u64>,
    days: DayCounts,
    total: u64,
}

/// Messages per (group ordinal, day): a dense table over the segment's years where that is
/// small (always, for real archives), else a map. A day's cell is its year's 372 (12 × 31) plus
/// its month's 31 plus its day: date keys (yyyymmdd) spanned 10,000 cells a year, which every
/// facet count cleared and scanned (at 100× most of its time).
enum DayCounts {
    Dense { first_year: u32, span: usize, counts: Vec<u64> },
    Sparse(HashMap<(u64, u32), u64>),
}

/// Cells of a year in [`DayCounts::Dense`].
const YEAR_CELLS: u32 = 12 * 31;

const DENSE_DAY_CELLS: usize = 4 << 20;

impl DayCounts {
    fn new(ts: &Column<u64>, groups: usize) -> DayCounts {
        let (lo, hi) = (split_ts(ts.min_value()).0 / 10_000, split_ts(ts.max_value()).0 / 10_000);
        // Months of 31 days leave a few unused cells a year.
        let span = (hi.saturating_sub(lo) as usize + 1).saturating_mul(YEAR_CELLS as usize);
        let groups = groups.max(1) + 1;
        if span.saturating_mul(groups) <= DENSE_DAY_CELLS {
            DayCounts::Dense { first_year: lo, span, counts: vec![0; span * groups] }
        } else {
            DayCounts::Sparse(HashMap::new())
        }
    }

    /// `group` is an ordinal, or the number of groups for a document without one.
    fn bump(&mut self, group: u64, day: u32) {
        match self {
            DayCounts::Dense { first_year, span, counts } => {
                // A key that is no date (month or day 0) is left out, as harvesting leaves
                // it out of the map.
                let (year, month, d) = (day / 10_000, day / 100 % 100, day % 100);
                if !(1..=12).contains(&month) || !(1..=31).contains(&d) || year < *first_year {
                    return;
                }
                let cell = (year - *first_year) * YEAR_CELLS + (month - 1) * 31 + (d - 1);
                if let Some(n) = counts.get_mut(group as usize * *span + cell as usize) {
                    *n += 1;
                }
            }
            DayCounts::Sparse(map) => *map.entry((group, day)).or_default() += 1,
        }
    }

    fn into_entries(self) -> Vec<((u64, u32), u64)> {
        match self {
            DayCounts::Dense { first_year, span, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(i, n)| {
                    let cell = (i % span) as u32;
                    let (year, month, day) =
                        (first_year + cell / YEAR_CELLS, cell % YEAR_CELLS / 31 + 1, cell % 31 + 1);
                    (((i / span) as u64, year * 10_000 + month * 100 + day), n)
                })
                .collect(),
            DayCounts::Sparse(map) => map.into_iter().collect(),
        }
    }
}

fn counts_for(col: &Option<StrColumn>) -> Vec<u64> {
    vec![0; col.as_ref().map_or(0, |c| c.dictionary().num_terms())]
}

fn bump_one(ords: &Option<Column<u64>>, counts: &mut [u64], doc: DocId) -> Option<u64> {
    let ord = ords.as_ref()?.first(doc)?;
    if let Some(n) = counts.get_mut(ord as usize) {
        *n += 1;
    }
    Some(ord)
}

/// Every term of a (small) column by its ordinal.
fn ord_names(col: &Option<StrColumn>) -> HashMap<u64, String> {
    let Some(c) = col else { return HashMap::new() };
    (0..c.dictionary().num_terms() as u64)
        .filter_map(|ord| {
            let mut name = String::new();
            let found = c.ord_to_str(ord, &mut name).ok()?;
            found.then_some((ord, name))
        })
        .collect()
}

/// Adds the counted terms of a column to `into` by name. The dictionary is streamed once in
/// ordinal order: looking ordinals up one by one costs a block seek each.
fn named(col: &Option<StrColumn>, counts: &[u64], into: &mut BTreeMap<String, u64>) {
    let Some(c) = col else { return };
    if counts.iter().all(|&n| n == 0) {
        return;
    }
    let Ok(mut stream) = c.dictionary().stream() else { return };
    while stream.advance() {
        let n = counts.get(stream.term_ord() as usize).copied().unwrap_or(0);
        if n > 0 {
            *into.entry(String::from_utf8_lossy(stream.key()).into_owned()).or_default() += n;
        }
    }
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = SegmentFacets;

    fn for_segment(&self, _segment: u32, seg: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let ff = seg.fast_fields();
        let (group, speaker, topics, kind) =
            (ff.str(names::GROUP)?, ff.str(names::SPEAKER)?, ff.str(names::TOPICS)?, ff.str(names::KIND)?);
        let ts = ff.u64(names::TS)?;
        let ords = |c: &Option<StrColumn>| c.as_ref().map(|c| c.ords().clone());
        let group_counts = counts_for(&group);
        Ok(SegmentFacets {
            days: DayCounts::new(&ts, group_counts.len()),
            group_ords: ords(&group),
            speaker_ords: ords(&speaker),
            kind_ords: ords(&kind),
            group_counts,
            speaker_counts: counts_for(&speaker),
            topic_counts: counts_for(&topics),
            kind_counts: counts_for(&kind),
            group,
            speaker,
            topics,
            kind,
            ts,
            total: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetPart>) -> tantivy::Result<Facets> {
        let mut out = Facets::default();
        let mut days = Vec::with_capacity(fruits.iter().map(|f| f.days.len()).sum());
        for FacetPart { facets: f, days: part_days } in fruits {
            out.total += f.total;
            for (into, from) in [
                (&mut out.groups, f.groups),
                (&mut out.speakers, f.speakers),
                (&mut out.topics, f.topics),
                (&mut out.kinds, f.kinds),
            ] {
                for (k, v) in from {
                    *into.entry(k).or_default() += v;
                }
            }
            days.extend(part_days);
        }
        // Each part's days come sorted: a stable sort merges the runs, and the map is built
        // from sorted entries, not one lookup each (tens of thousands at 100×).
        days.sort_by(|a, b| a.0.cmp(&b.0));
        let mut summed: Vec<((String, Date), u64)> = Vec::with_capacity(days.len());
        let mut months: BTreeMap<(u16, u8), u64> = BTreeMap::new();
        for (key, n) in days {
            *months.entry((key.1.year, key.1.month)).or_default() += n;
            match summed.last_mut() {
                Some(last) if last.0 == key => last.1 += n,
                _ => summed.push((key, n)),
            }
        }
        out.days = summed.into_iter().collect();
        out.months =
            months.into_iter().map(|((year, month), n)| (Date { year, month, day: 1 }.month_label(), n)).collect();
        Ok(out)
    }
}

/// What one segment's facets give: its counts, and its (group, day) counts as a list (merged
/// once, see [`FacetCollector::merge_fruits`]; months come from the days).
pub(super) struct FacetPart {
    facets: Facets,
    days: Vec<((String, Date), u64)>,
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetPart;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.total += 1;
        bump_one(&self.speaker_ords, &mut self.speaker_counts, doc);
        bump_one(&self.kind_ords, &mut self.kind_counts, doc);
        if let Some(t) = &self.topics {
            for ord in t.ords().values_for_doc(doc) {
                if let Some(n) = self.topic_counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
        let group = bump_one(&self.group_ords, &mut self.group_counts, doc).unwrap_or(self.group_counts.len() as u64);
        if let Some(t) = self.ts.first(doc) {
            self.days.bump(group, split_ts(t).0);
        }
    }

    fn harvest(self) -> FacetPart {
        let mut out = Facets { total: self.total, ..Facets::default() };
        named(&self.group, &self.group_counts, &mut out.groups);
        named(&self.speaker, &self.speaker_counts, &mut out.speakers);
        named(&self.topics, &self.topic_counts, &mut out.topics);
        named(&self.kind, &self.kind_counts, &mut out.kinds);
        let group_names = ord_names(&self.group);
        let days = self
            .days
            .into_entries()
            .into_iter()
            .filter_map(|((group_ord, day), n)| {
                let date = Date::from_key(day)?;
                Some(((group_names.get(&group_ord).cloned().unwrap_or_default(), date), n))
            })
            .collect();
        FacetPart { facets: out, days }
    }
}

/// The logs holding the matching messages, each with how many of them it holds (the browser's
/// day list): a row per log, so that two logs of a group dated alike are two rows, not one.
pub(super) struct LogCollector;

pub(super) struct SegmentLogs {
    path: Option<StrColumn>,
    group: Option<StrColumn>,
    path_ords: Option<Column<u64>>,
    group_ords: Option<Column<u64>>,
    ts: Column<u64>,
    /// Per path ordinal: messages, and the group ordinal and day (yyyymmdd) of the first one
    /// (a log's messages share both).
    counts: Vec<(u64, Option<u64>, u32)>,
}

impl Collector for LogCollector {
    type Fruit = Vec<super::LogCount>;
    type Child = SegmentLogs;

    fn for_segment(&self, _segment: u32, seg: &SegmentReader) -> tantivy::Result<SegmentLogs> {
        let ff = seg.fast_fields();
        let (path, group) = (ff.str(names::PATH)?, ff.str(names::GROUP)?);
        let ords = |c: &Option<StrColumn>| c.as_ref().map(|c| c.ords().clone());
        Ok(SegmentLogs {
            counts: vec![(0, None, 0); path.as_ref().map_or(0, |c| c.dictionary().num_terms())],
            path_ords: ords(&path),
            group_ords: ords(&group),
            path,
            group,
            ts: ff.u64(names::TS)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<super::LogCount>>) -> tantivy::Result<Vec<super::LogCount>> {
        // A log's messages are in one segment unless it changed: its counts add up.
        let mut logs: Vec<super::LogCount> = fruits.into_iter().flatten().collect();
        logs.sort_by(|a, b| a.path.cmp(&b.path));
        logs.dedup_by(|later, first| {
            let same = later.path == first.path;
            if same {
                first.messages += later.messages;
            }
            same
        });
        Ok(logs)
    }
}

impl SegmentCollector for SegmentLogs {
    type Fruit = Vec<super::LogCount>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(ord) = self.path_ords.as_ref().and_then(|c| c.first(doc)) else { return };
        let Some(count) = self.counts.get_mut(ord as usize) else { return };
        if count.0 == 0 {
            count.1 = self.group_ords.as_ref().and_then(|c| c.first(doc));
            count.2 = self.ts.first(doc).map_or(0, |t| split_ts(t).0);
        }
        count.0 += 1;
    }

    fn harvest(self) -> Vec<super::LogCount> {
        let (Some(paths), mut logs) = (&self.path, Vec::new()) else { return Vec::new() };
        let Ok(mut stream) = paths.dictionary().stream() else { return logs };
        let groups = ord_names(&self.group);
        while stream.advance() {
            let Some(&(messages, group, day)) = self.counts.get(stream.term_ord() as usize) else { continue };
            let Some(date) = Date::from_key(day).filter(|_| messages > 0) else { continue };
            let group = group.and_then(|ord| groups.get(&ord)).cloned().unwrap_or_default();
            logs.push(super::LogCount {
                path: String::from_utf8_lossy(stream.key()).into_owned(),
                group,
                date,
                messages,
            });
        }
        logs
    }
}
