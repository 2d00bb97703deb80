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
use std::sync::atomic::{AtomicU32, Ordering};
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

/// The least substance whose key bound ([`crate::rank::bound`]) with text match `weighted`
/// reaches `threshold`: every message saying less has a key below it. (The bound rises with
/// substance up to the prior's margin, which the bound adds: for any `s` below the cut,
/// `key(s) ≤ prior(s) + weighted ≤ bound(cut − 1) < threshold`.) `u32::MAX` when no substance
/// reaches it.
pub(crate) fn cut(threshold: f32, weighted: f32, query_substance: u32) -> u32 {
    let below = |s: u32| crate::rank::bound(weighted, s, query_substance) < threshold;
    if !below(0) {
        return 0;
    }
    // below(lo) holds throughout.
    let (mut lo, mut hi) = (0u32, u32::MAX);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if below(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

/// The best threshold any part of a search has reached: a match below it cannot enter the
/// page, whichever part finds it (that part holds a page of better keys). Kept as ordered
/// bits, so that parts raise it together.
#[derive(Default)]
pub(crate) struct Floor(AtomicU32);

impl Floor {
    /// Raises the floor to `t` if it is higher.
    pub(crate) fn raise(&self, t: f32) {
        let b = t.to_bits();
        self.0.fetch_max(if b >> 31 == 1 { !b } else { b | 0x8000_0000 }, Ordering::Relaxed);
    }

    /// The floor (minus infinity before any part has a threshold).
    pub(crate) fn get(&self) -> f32 {
        match self.0.load(Ordering::Relaxed) {
            0 => f32::NEG_INFINITY,
            u if u >> 31 == 1 => f32::from_bits(u & 0x7FFF_FFFF),
            u => f32::from_bits(!u),
        }
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
        let substance = |d: usize| ((d * 7919) % 1013) as u32 + if d.is_multiple_of(997) { 0xF_0000 } else { 0 };
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

    #[test]
    fn below_the_cut_every_key_is_below_the_threshold() {
        use crate::rank::{score, Context, Message};
        for qs in [0, 2, 5] {
            for weighted in [0.0, 0.3, 1.0, f32::INFINITY] {
                for threshold in [-200.0, -99.5, 0.0, 1.0, 3.3, 5.7, 8.0, 14.5, 30.0] {
                    let c = cut(threshold, weighted, qs);
                    let message = |substance| Message { substance, asks: false, context: Context::Discussion };
                    for s in [0, 1, 2, 3, 5, 9, 40, 81, 300, 1000, 4095, 4096, 9999, 65_534, 0xF_FFFF] {
                        let key = score(weighted, message(s), qs);
                        if s < c {
                            assert!(key < threshold, "{s} < cut {c}: {key} {threshold}");
                        }
                    }
                    // The cut is tight: the substance at it reaches the threshold.
                    if c > 0 && c < u32::MAX {
                        assert!(crate::rank::bound(weighted, c, qs) >= threshold);
                    }
                }
            }
        }
    }

    #[test]
    fn the_floor_keeps_the_highest_threshold() {
        let floor = Floor::default();
        assert_eq!(floor.get(), f32::NEG_INFINITY);
        for (t, expected) in [(-101.5, -101.5), (-3.0, -3.0), (-7.0, -3.0), (0.0, 0.0), (4.25, 4.25), (2.0, 4.25)] {
            floor.raise(t);
            assert_eq!(floor.get(), expected);
        }
    }
}
