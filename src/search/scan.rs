//! One pass over every message's fast fields (nickname, group, path, time, text hash): what
//! the person model ([`crate::people::People::build`]) and the search of exact copies need.

use crate::index::schema::names;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentReader};

/// Every message's nickname, group, path, time and text hash, from fast fields: what
/// [`People::build`] needs.
pub(super) struct MessageScan;

/// One message document, to find exact copies by: its time, text hash, place and nickname.
pub(super) struct Copy<'a> {
    pub(super) ts: u64,
    pub(super) hash: u64,
    pub(super) segment: u32,
    pub(super) doc: DocId,
    pub(super) speaker: &'a str,
}

/// What one segment says about its speakers: messages and groups by speaker ordinal, and
/// every message's (path, ts, text hash, doc, speaker) as ordinals.
pub(super) struct Scanned {
    pub(super) segment: u32,
    pub(super) speakers: Vec<String>,
    pub(super) groups: Vec<String>,
    pub(super) paths: Vec<String>,
    /// By speaker ordinal.
    pub(super) messages: Vec<u64>,
    /// By speaker ordinal: group ordinals.
    pub(super) speaker_groups: Vec<Vec<u64>>,
    pub(super) rows: Vec<(u64, u64, u64, DocId, u64)>,
}

pub(super) struct SegmentScan {
    segment: u32,
    speaker: Option<StrColumn>,
    group: Option<StrColumn>,
    path: Option<StrColumn>,
    ts: Column<u64>,
    hash: Column<u64>,
    /// (path, ts, text hash, doc, speaker).
    rows: Vec<(u64, u64, u64, DocId, u64)>,
    messages: Vec<u64>,
    speaker_groups: Vec<Vec<u64>>,
}

/// The term of ordinal `ord` of a dictionary read by [`dictionary`] (empty if none).
pub(super) fn name(names: &[String], ord: u64) -> &str {
    usize::try_from(ord).ok().and_then(|o| names.get(o)).map_or("", String::as_str)
}

/// Every term of a column's dictionary, by ordinal.
fn dictionary(col: &Option<StrColumn>) -> Vec<String> {
    col.as_ref().and_then(|c| crate::index::reader::column_terms(c).ok()).unwrap_or_default()
}

impl Collector for MessageScan {
    type Fruit = Vec<Scanned>;
    type Child = SegmentScan;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<SegmentScan> {
        let ff = seg.fast_fields();
        let speaker = ff.str(names::SPEAKER)?;
        let speakers = speaker.as_ref().map_or(0, |c| c.dictionary().num_terms());
        Ok(SegmentScan {
            segment,
            speaker,
            group: ff.str(names::GROUP)?,
            path: ff.str(names::PATH)?,
            ts: ff.u64(names::TS)?,
            hash: ff.u64(names::TEXT_HASH)?,
            rows: Vec::new(),
            messages: vec![0; speakers],
            speaker_groups: vec![Vec::new(); speakers],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Scanned>>) -> tantivy::Result<Vec<Scanned>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentScan {
    type Fruit = Vec<Scanned>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let ord = |c: &Option<StrColumn>| c.as_ref().and_then(|c| c.ords().first(doc)).unwrap_or(u64::MAX);
        let (speaker, group, path) = (ord(&self.speaker), ord(&self.group), ord(&self.path));
        let (ts, hash) = (self.ts.first(doc).unwrap_or(0), self.hash.first(doc).unwrap_or(0));
        self.rows.push((path, ts, hash, doc, speaker));
        if let Some(s) = usize::try_from(speaker).ok().filter(|&s| s < self.messages.len()) {
            self.messages[s] += 1;
            if !self.speaker_groups[s].contains(&group) {
                self.speaker_groups[s].push(group);
            }
        }
    }

    fn harvest(self) -> Vec<Scanned> {
        vec![Scanned {
            segment: self.segment,
            speakers: dictionary(&self.speaker),
            groups: dictionary(&self.group),
            paths: dictionary(&self.path),
            messages: self.messages,
            speaker_groups: self.speaker_groups,
            rows: self.rows,
        }]
    }
}
