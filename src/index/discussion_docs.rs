//! The discussion documents of one snapshot of the index, found once and kept with it: where
//! each is and what ranking needs of it (its packed size and start time), keyed by path and
//! first line. Paths are numbered once per snapshot (in path order), so that collecting the
//! messages a query matches costs two fast-field reads per message and no string at all.

use super::schema::{names, Fields, UNIT_DISCUSSION};
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

/// Where a discussion document is, with its ranking value and start time.
#[derive(Debug, Clone, Copy)]
pub struct DocInfo {
    pub addr: DocAddress,
    /// See [`super::schema::pack_disc_info`].
    pub info: u64,
    /// `yyyymmddhhmmss` of its first message.
    pub ts: u64,
}

/// The snapshot the directory describes, its paths and its discussion documents.
pub struct DiscussionDocs {
    /// The snapshot every lookup refers to: search it, not a newer one, when using the ids.
    pub searcher: Searcher,
    /// Every path of the snapshot, sorted: a path id is an index into it.
    paths: Vec<String>,
    /// Per segment (by ordinal), the path id of each path ordinal.
    path_ids: Vec<Arc<[u32]>>,
    /// Sorted by (path id, first line).
    docs: Vec<((u32, u64), DocInfo)>,
}

impl DiscussionDocs {
    /// Numbers the paths of `searcher`'s segments and finds every discussion document.
    pub fn load(searcher: Searcher, fields: &Fields) -> tantivy::Result<DiscussionDocs> {
        let mut per_segment: Vec<Vec<String>> = Vec::with_capacity(searcher.segment_readers().len());
        for seg in searcher.segment_readers() {
            let names = match seg.fast_fields().str(names::PATH)? {
                Some(col) => super::reader::column_terms(&col)?,
                None => Vec::new(),
            };
            per_segment.push(names);
        }
        let mut paths: Vec<String> = per_segment.iter().flatten().cloned().collect();
        paths.sort_unstable();
        paths.dedup();
        let path_ids = per_segment
            .iter()
            .map(|names| {
                names.iter().map(|n| paths.binary_search(n).map_or(u32::MAX, |i| i as u32)).collect::<Arc<[u32]>>()
            })
            .collect::<Vec<_>>();
        let units = TermQuery::new(Term::from_field_text(fields.unit, UNIT_DISCUSSION), IndexRecordOption::Basic);
        let mut docs = searcher.search(&units, &Collect { path_ids: &path_ids })?;
        docs.sort_unstable_by_key(|d| d.0);
        Ok(DiscussionDocs { searcher, paths, path_ids, docs })
    }

    /// The path ids of a segment's path ordinals (empty for an unknown segment).
    pub fn path_ids(&self, segment_ord: u32) -> Arc<[u32]> {
        self.path_ids.get(segment_ord as usize).map_or_else(|| Arc::from([]), Arc::clone)
    }

    /// The path of a path id.
    pub fn path(&self, id: u32) -> &str {
        self.paths.get(id as usize).map_or("", String::as_str)
    }

    /// The discussion document of the path with id `path` whose first message is at `line`.
    pub fn get(&self, path: u32, line: u64) -> Option<&DocInfo> {
        let at = self.docs.binary_search_by_key(&(path, line), |d| d.0).ok()?;
        Some(&self.docs[at].1)
    }
}

/// The path id and `disc` (first line) of documents, read from fast fields.
pub struct Place {
    path_ords: Option<Column<u64>>,
    disc: Option<Column<u64>>,
}

impl Place {
    pub fn of(seg: &SegmentReader) -> tantivy::Result<Place> {
        let ff = seg.fast_fields();
        let path: Option<StrColumn> = ff.str(names::PATH)?;
        Ok(Place { path_ords: path.map(|c| c.ords().clone()), disc: ff.u64(names::DISC).ok() })
    }

    /// (path ordinal, first line of its discussion) of `doc`.
    pub fn get(&self, doc: DocId) -> Option<(u64, u64)> {
        Some((self.path_ords.as_ref()?.first(doc)?, self.disc.as_ref()?.first(doc)?))
    }
}

struct Collect<'a> {
    path_ids: &'a [Arc<[u32]>],
}

struct CollectSegment {
    segment: u32,
    ids: Arc<[u32]>,
    place: Place,
    info: Option<Column<u64>>,
    ts: Option<Column<u64>>,
    found: Vec<((u32, u64), DocInfo)>,
}

impl<'a> Collector for Collect<'a> {
    type Fruit = Vec<((u32, u64), DocInfo)>;
    type Child = CollectSegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<CollectSegment> {
        let ff = seg.fast_fields();
        Ok(CollectSegment {
            segment,
            ids: self.path_ids.get(segment as usize).map_or_else(|| Arc::from([]), Arc::clone),
            place: Place::of(seg)?,
            info: ff.u64(names::DISC_INFO).ok(),
            ts: ff.u64(names::TS).ok(),
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<((u32, u64), DocInfo)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for CollectSegment {
    type Fruit = Vec<((u32, u64), DocInfo)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let Some((ord, disc)) = self.place.get(doc) else { return };
        let Some(&path) = self.ids.get(ord as usize) else { return };
        let first = |c: &Option<Column<u64>>| c.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        let info = DocInfo { addr: DocAddress::new(self.segment, doc), info: first(&self.info), ts: first(&self.ts) };
        self.found.push(((path, disc), info));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}
