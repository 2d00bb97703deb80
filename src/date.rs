//! Calendar dates as the archive names them (`YYYY-MM-DD`), without a time-zone library:
//! chat logs carry local wall-clock dates and times, and that is all chatlore compares.

use std::fmt;

/// A calendar day. Ordering is chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Builds a date, checking the month and the day of that month.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let ok = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        ok.then_some(Date { year, month, day })
    }

    /// Parses a leading `YYYY-MM-DD` (the rest of the string is ignored, so
    /// `2017-05-05 12:00:00` and `2017-08-15-WeChat` both work).
    pub fn parse_prefix(s: &str) -> Option<Date> {
        let b = s.trim().as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = b.get(r)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        Date::new(num(0..4)?, u8::try_from(num(5..7)?).ok()?, u8::try_from(num(8..10)?).ok()?)
    }

    /// `20170805`: the numeric key used in the index.
    pub fn key(self) -> u32 {
        u32::from(self.year) * 10_000 + u32::from(self.month) * 100 + u32::from(self.day)
    }

    /// Inverse of [`Date::key`].
    pub fn from_key(key: u32) -> Option<Date> {
        Date::new(u16::try_from(key / 10_000).ok()?, u8::try_from(key / 100 % 100).ok()?, u8::try_from(key % 100).ok()?)
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil-date algorithm.
    pub fn days_since_epoch(self) -> i64 {
        let (y, m, d) = (i64::from(self.year), i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// `2017-08`.
    pub fn month_label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_front_matter_title_and_file_name_shapes() {
        let d = Date::new(2017, 5, 5).unwrap();
        assert_eq!(Date::parse_prefix("2017-05-05 12:00:00"), Some(d));
        assert_eq!(Date::parse_prefix("2017-05-05-WeChat"), Some(d));
        assert_eq!(Date::parse_prefix("2017-05-05-chat.markdown"), Some(d));
        assert_eq!(d.to_string(), "2017-05-05");
    }

    #[test]
    fn rejects_impossible_dates_and_junk() {
        assert_eq!(Date::parse_prefix("2017-02-29"), None);
        assert_eq!(Date::parse_prefix("2017-13-01"), None);
        assert_eq!(Date::parse_prefix("2017-1-01x"), None);
        assert_eq!(Date::parse_prefix("薛定谔的-05-05"), None);
        assert_eq!(Date::parse_prefix(""), None);
        assert!(Date::parse_prefix("2016-02-29").is_some());
    }

    #[test]
    fn days_since_epoch_matches_known_dates() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2017, 8, 15).unwrap().days_since_epoch(), 17_393);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::new(1969, 12, 31).unwrap().days_since_epoch(), -1);
    }

    #[test]
    fn key_round_trips() {
        let d = Date::new(2018, 6, 5).unwrap();
        assert_eq!(d.key(), 20180605);
        assert_eq!(Date::from_key(d.key()), Some(d));
        assert_eq!(d.month_label(), "2018-06");
    }
}
