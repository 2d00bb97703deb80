//! The opaque cursor `search` hands back to continue a result list: where the next page starts,
//! bound to the query, order and kind of results it was made for, so a cursor passed with
//! another query is refused rather than silently answering a different question.

use xxhash_rust::xxh3::xxh3_64;

/// A position in one query's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub offset: usize,
    /// The results the pages before it covered, a hit's folded copies included (a total counts
    /// them): what is left is the total less this.
    pub covered: usize,
    /// Fingerprint of (query, sort, by).
    pub bound_to: u64,
}

/// Why a cursor was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum CursorError {
    #[error("cursor `{0}` is not one search returned; call search without a cursor to start over")]
    Malformed(String),
    #[error("cursor `{0}` was made for another query, sort or `by`; pass the same ones, or no cursor to start over")]
    OtherQuery(String),
}

const PREFIX: &str = "c2-";

impl Cursor {
    /// The cursor for `offset` in the results of `key` (query, sort and `by` joined), the pages
    /// before it having covered `covered` results.
    pub fn new(offset: usize, covered: usize, key: &str) -> Cursor {
        Cursor { offset, covered, bound_to: xxh3_64(key.as_bytes()) }
    }

    pub fn encode(&self) -> String {
        format!("{PREFIX}{:x}-{:x}-{:016x}", self.offset, self.covered, self.bound_to)
    }

    /// Reads a cursor and checks that it belongs to `key`.
    pub fn decode(text: &str, key: &str) -> Result<Cursor, CursorError> {
        let malformed = || CursorError::Malformed(text.to_owned());
        let mut parts = text.strip_prefix(PREFIX).ok_or_else(malformed)?.split('-');
        let (Some(offset), Some(covered), Some(bound), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let offset = usize::from_str_radix(offset, 16).map_err(|_| malformed())?;
        let covered = usize::from_str_radix(covered, 16).map_err(|_| malformed())?;
        let bound_to = u64::from_str_radix(bound, 16).map_err(|_| malformed())?;
        let cursor = Cursor { offset, covered, bound_to };
        if cursor.bound_to != xxh3_64(key.as_bytes()) {
            return Err(CursorError::OtherQuery(text.to_owned()));
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_only_for_its_own_query() {
        let c = Cursor::new(40, 43, "结售汇|relevance|messages");
        assert_eq!(Cursor::decode(&c.encode(), "结售汇|relevance|messages"), Ok(c));
        assert!(matches!(Cursor::decode(&c.encode(), "对账|relevance|messages"), Err(CursorError::OtherQuery(_))));
        for bad in [
            "",
            "c2-",
            "c2-zz-0-00",
            "40",
            "c2-28",
            "c2-28-0000000000000000",
            "c1-28-0000000000000000",
            "c2-28-2a-00-00",
        ] {
            assert!(matches!(Cursor::decode(bad, "x"), Err(CursorError::Malformed(_))), "{bad}");
        }
    }
}
