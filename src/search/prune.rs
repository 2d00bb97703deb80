//! Skipping the score and the ranking key of a match that cannot enter the page.
//!
//! A search counts every match (the total is exact) and computes the ranking key of each one
//! that could still enter the top: its text score, its `ranking` value (a blockwise-linear
//! column) and the key combining substance, asking and context with the text match. Once the
//! top is full, its threshold is usually far above most matches' keys. Each document's
//! substance is kept in a plain array (two bytes a document): with it and the query's best
//! text score (see [`crate::union`]), or then the match's own, [`crate::rank::bound`] gives a
//! key the match cannot exceed; a match whose bound is below the threshold is only counted.
//! The answers do not change: tantivy's top-n buffer refuses a key below its threshold anyway.
//! (The largest substance of blocks of 32 documents pruned little: most blocks hold a long
//! message.)
//!
//! Reading a segment's substances reads its whole `ranking` column once, about as much as one
//! search of a common term: they are read for a state's later searches, not its first (a
//! process that runs one search does not pay for them), and kept with the segment's columns.

use crate::index::schema::unpack_ranking;
use std::sync::{Arc, OnceLock};
use tantivy::columnar::ColumnValues;
use tantivy::DocId;

/// Values read from the column at a time.
const CHUNK: usize = 4096;

/// The substance of each document of a segment, up to 65,534 (more is kept as 65,535: at
/// least that).
pub(crate) struct SubstanceBounds {
    most: Box<[u16]>,
}

impl SubstanceBounds {
    /// The bounds of a segment's `ranking` column (see [`crate::index::schema::pack_ranking`]).
    pub(crate) fn of(ranking: &dyn ColumnValues<u64>) -> SubstanceBounds {
        let n = ranking.num_vals() as usize;
        let mut most = Vec::with_capacity(n);
        let mut buf = vec![0u64; CHUNK];
        let mut start = 0;
        while start < n {
            let len = (n - start).min(CHUNK);
            ranking.get_range(start as u64, &mut buf[..len]);
            most.extend(buf[..len].iter().map(|&v| unpack_ranking(v).0.min(u32::from(u16::MAX)) as u16));
            start += len;
        }
        SubstanceBounds { most: most.into() }
    }

    /// A substance `doc` does not exceed: its own, or the largest possible for one kept as
    /// 65,535 or past the column's end.
    #[inline]
    pub(crate) fn most(&self, doc: DocId) -> u32 {
        match self.most.get(doc as usize) {
            Some(&v) if v < u16::MAX => u32::from(v),
            _ => u32::MAX,
        }
    }
}

/// A segment's bounds, read the first time a search wants them (see the module documentation).
#[derive(Clone, Default)]
pub(crate) struct LazyBounds(Arc<OnceLock<Option<Arc<SubstanceBounds>>>>);

impl LazyBounds {
    /// The bounds of the segment whose `ranking` column this is, read now if not yet, or
    /// `None` without the column. `read` false: only bounds already read.
    pub(crate) fn get(&self, ranking: Option<&Arc<dyn ColumnValues<u64>>>, read: bool) -> Option<Arc<SubstanceBounds>> {
        if !read {
            return self.0.get().cloned().flatten();
        }
        self.0.get_or_init(|| ranking.map(|c| Arc::new(SubstanceBounds::of(&**c)))).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::pack_ranking;

    /// A column of `values`.
    fn column(values: Vec<u64>) -> Arc<dyn ColumnValues<u64>> {
        Arc::new(tantivy::columnar::column_values::VecColumn::from(values))
    }

    #[test]
    fn a_bound_is_the_substance_of_its_document_or_above() {
        // Substances with asks and discussion info packed above them, across several chunks and
        // a last one cut short; some beyond two bytes.
        let n = CHUNK * 2 + 37;
        let substance = |d: usize| ((d * 7919) % 1013) as u32 + if d % 997 == 0 { 0xF_0000 } else { 0 };
        let col = column((0..n).map(|d| pack_ranking(substance(d), d % 3 == 0, (d % 5000) as u64)).collect());
        let bounds = SubstanceBounds::of(&*col);
        for d in 0..n {
            let s = substance(d);
            let expected = if s < 65_535 { s } else { u32::MAX };
            assert_eq!(bounds.most(d as DocId), expected, "{d}");
        }
        assert_eq!(bounds.most(n as DocId), u32::MAX);
    }

    #[test]
    fn bounds_are_read_only_when_asked() {
        let col = column(vec![pack_ranking(9, false, 0); 3]);
        let lazy = LazyBounds::default();
        assert!(lazy.get(Some(&col), false).is_none());
        assert_eq!(lazy.get(Some(&col), true).map(|b| b.most(0)), Some(9));
        assert_eq!(lazy.get(None, false).map(|b| b.most(2)), Some(9));
        assert!(LazyBounds::default().get(None, true).is_none());
    }
}
