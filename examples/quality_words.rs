//! The words `chatlore::rank::quality_among` reads of every message of an archive, for
//! `benches/quality_cv.py`, which learns the quality model from them: one line per message,
//! `path<TAB>line<TAB>words` (space-separated), read exactly as the index's writer reads them.
//!
//! usage: cargo run --release --example quality_words -- ARCHIVE > words.tsv

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let root = std::env::args().nth(1).ok_or_else(|| anyhow::anyhow!("usage: quality_words ARCHIVE"))?;
    let archive = chatlore::archive::load(std::path::Path::new(&root))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for day in &archive.days {
        let known = day.spaced_speakers();
        for m in &day.messages {
            let words = chatlore::rank::words_among(&m.text, &known);
            writeln!(out, "{}\t{}\t{}", day.path, m.line, words.join(" "))?;
        }
    }
    out.flush()?;
    Ok(())
}
