//! Counts said in English, wherever one is printed (CLI, browser, MCP): `1 msg` and `2 msgs`,
//! `1 person` and `2 people`, never `1 msgs` or `hit(s)`.

use std::fmt::Display;

/// A count of things: any unsigned integer.
pub trait Count: Copy + Display {
    fn is_one(self) -> bool;
}

macro_rules! counts {
    ($($t:ty),*) => {
        $(impl Count for $t {
            fn is_one(self) -> bool {
                self == 1
            }
        })*
    };
}
counts!(u32, u64, usize);

/// The noun for `n`: `one` for 1, else `many` (`0 msgs`).
pub fn noun<'a>(n: impl Count, one: &'a str, many: &'a str) -> &'a str {
    if n.is_one() {
        one
    } else {
        many
    }
}

/// `n` and its noun: `1 msg`, `12 msgs`.
pub fn count(n: impl Count, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// `n` things and the verb agreeing: `1 message matches`, `3 messages match`.
pub fn matching(n: impl Count, one: &str, many: &str) -> String {
    format!("{} {}", count(n, one, many), noun(n, "matches", "match"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u32, "msg", "msgs"), "1 msg");
        assert_eq!(count(0usize, "msg", "msgs"), "0 msgs");
        assert_eq!(count(2u64, "person", "people"), "2 people");
        assert_eq!(noun(1usize, "person", "people"), "person");
        assert_eq!(matching(1usize, "message", "messages"), "1 message matches");
        assert_eq!(matching(0u64, "message", "messages"), "0 messages match");
    }
}
