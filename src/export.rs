//! `chatlore export --ndjson`: every message of the archive as one JSON object a line, in a
//! shape a distributed engine (Quickwit) ingests as it is — see the README's "Beyond one
//! machine". Read from the archive (the source of truth), a batch of logs at a time.

use crate::archive::{self, ArchiveError, Day, Warning};
use crate::speakers;
use crate::topics::Taxonomy;
use std::io::{self, Write};
use std::path::Path;

/// The archive's clock: China Standard Time, UTC+8 (the groups' wall clock).
pub const UTC_OFFSET_SECS: i64 = 8 * 3600;
const BATCH: usize = 256;

/// One exported message.
#[derive(Debug, serde::Serialize)]
pub struct Record<'a> {
    /// `path:line`: unique and stable while the log is unchanged.
    pub id: String,
    /// Unix seconds.
    pub timestamp: i64,
    pub date: String,
    pub time: String,
    pub group: &'a str,
    pub path: &'a str,
    pub line: u32,
    pub speaker: &'a str,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub text: &'a str,
    pub kind: &'a str,
    pub topics: Vec<&'a str>,
    pub urls: Vec<String>,
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct ExportSummary {
    pub files: usize,
    pub messages: usize,
    pub warnings: Vec<Warning>,
}

/// An export that could not be finished.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("writing the export: {0}")]
    Write(#[from] io::Error),
}

/// Writes every message under `archive_root` to `out`, a JSON object a line.
pub fn ndjson(archive_root: &Path, taxonomy: &Taxonomy, out: &mut impl Write) -> Result<ExportSummary, ExportError> {
    let (files, mut warnings) = archive::list_logs(archive_root)?;
    let mut summary = ExportSummary::default();
    for batch in files.chunks(BATCH) {
        let (days, batch_warnings) = archive::read_logs(batch);
        warnings.extend(batch_warnings);
        // Only files that read as logs count as logs.
        summary.files += days.len();
        for day in &days {
            summary.messages += write_day(day, taxonomy, out)?;
        }
    }
    out.flush()?;
    summary.warnings = warnings;
    Ok(summary)
}

fn write_day(day: &Day, taxonomy: &Taxonomy, out: &mut impl Write) -> io::Result<usize> {
    let midnight = day.date.days_since_epoch() * 86_400 - UTC_OFFSET_SECS;
    for (m, topics) in day.messages.iter().zip(taxonomy.tag_day(day)) {
        let who = speakers::parse(&m.speaker);
        let record = Record {
            id: format!("{}:{}", day.path, m.line),
            timestamp: midnight + i64::from(m.time),
            date: day.date.to_string(),
            time: m.time_label(),
            group: &day.group,
            path: &day.path,
            line: m.line,
            speaker: &m.speaker,
            name: who.name,
            company: who.company,
            text: &m.text,
            kind: m.kind.as_str(),
            topics,
            urls: m.urls(),
        };
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(day.messages.len())
}
