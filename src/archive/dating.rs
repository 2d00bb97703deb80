//! Which day a log is of: its front matter `date:`, else its `title:` (the export writes
//! `2017-08-15-WeChat`), else its file name (`2017-08-15-chat.markdown`). A `date:` that is
//! there but names no day of the calendar is a warning saying which date was used instead; a
//! `title:` is free text, so one without a date is passed over without a word.

use super::front_matter::FrontMatter;
use crate::date::Date;

/// The log's date, and a warning when its `date:` is no date; `Err` (the reason) when no
/// source gives one.
pub(crate) fn date_of(fm: &FrontMatter, file_name: &str) -> Result<(Date, Option<String>), String> {
    if let Some(date) = fm.date.as_deref().and_then(Date::parse_prefix) {
        return Ok((date, None));
    }
    let fallback = [("the front matter `title:`", fm.title.as_deref()), ("the file name", Some(file_name))]
        .into_iter()
        .find_map(|(source, text)| Some((Date::parse_prefix(text?)?, source)));
    match (fm.date.as_deref().map(shown), fallback) {
        (None, Some((date, _))) => Ok((date, None)),
        (Some(bad), Some((date, source))) => Ok((
            date,
            Some(format!("front matter `date: {bad}` is not a date; the log is dated {date}, from {source}")),
        )),
        (None, None) => Err("no date in front matter `date:`, `title:` or the file name".to_owned()),
        (Some(bad), None) => {
            Err(format!("front matter `date: {bad}` is not a date, and there is none in `title:` or the file name"))
        }
    }
}

/// A field's value as a warning quotes it: on one line, and cut after 40 characters.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 40;
    let one_line = value.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(date: Option<&str>, title: Option<&str>) -> FrontMatter {
        FrontMatter { date: date.map(str::to_owned), title: title.map(str::to_owned), ..FrontMatter::default() }
    }

    fn dated(date: Option<&str>, title: Option<&str>, file: &str) -> Result<(String, Option<String>), String> {
        date_of(&fm(date, title), file).map(|(d, w)| (d.to_string(), w))
    }

    #[test]
    fn a_good_date_wins_without_a_word() {
        let got = dated(Some("2017-08-15 12:00:00"), Some("2017-01-01-WeChat"), "2016-01-01-chat.markdown");
        assert_eq!(got, Ok(("2017-08-15".to_owned(), None)));
        assert_eq!(dated(None, Some("2017-01-02-WeChat"), "x.md"), Ok(("2017-01-02".to_owned(), None)));
        assert_eq!(dated(None, Some("群聊"), "2016-01-03-chat.md"), Ok(("2016-01-03".to_owned(), None)));
    }

    #[test]
    fn a_date_that_is_no_date_is_a_warning_saying_which_date_was_used() {
        let from_file = dated(Some("2019-02-30"), None, "2019-02-28-chat.markdown");
        assert_eq!(
            from_file,
            Ok((
                "2019-02-28".to_owned(),
                Some(
                    "front matter `date: 2019-02-30` is not a date; the log is dated 2019-02-28, from the file name"
                        .into()
                )
            ))
        );
        let from_title = dated(Some("昨天"), Some("2019-03-01-WeChat"), "2019-02-28-chat.markdown");
        assert_eq!(
            from_title,
            Ok((
                "2019-03-01".to_owned(),
                Some("front matter `date: 昨天` is not a date; the log is dated 2019-03-01, from the front matter `title:`".into())
            ))
        );
    }

    #[test]
    fn no_date_anywhere_is_a_reason_naming_a_bad_one() {
        assert_eq!(
            dated(None, None, "notes.md"),
            Err("no date in front matter `date:`, `title:` or the file name".into())
        );
        let long = format!("2019-02-30\n{}", "x".repeat(60));
        let err = dated(Some(&long), None, "notes.md").unwrap_err();
        assert_eq!(
            err,
            format!(
                "front matter `date: 2019-02-30 {}…` is not a date, and there is none in `title:` or the file name",
                "x".repeat(29)
            )
        );
    }
}
