//! The index schema, declared once. Bump [`SCHEMA_VERSION`] whenever a field or a tokenizer
//! changes, or what indexing computes for a message (its ranking inputs, its discussion): an
//! index of another version is rebuilt from the archive.

use crate::tokenize::{GRAMS, GRAM_TOKENIZER, JIEBA, TRIGRAMS, TRIGRAM_TOKENIZER};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::Index;

pub const SCHEMA_VERSION: u32 = 16;

/// The tantivy field names, named once: the schema, the field handles and the fast-field
/// readers of the search all use these.
pub mod names {
    pub const PATH: &str = "path";
    pub const LINE: &str = "line";
    pub const GROUP: &str = "group";
    pub const SPEAKER: &str = "speaker";
    pub const TS: &str = "ts";
    pub const SEQ: &str = "seq";
    pub const RANKING: &str = "ranking";
    pub const CONVERSATION: &str = "conversation";
    pub const TEXT_HASH: &str = "text_hash";
    pub const QUALITY: &str = "quality";
    pub const TOPICS: &str = "topics";
    pub const KIND: &str = "kind";
    pub const TEXT: &str = "text";
    pub const URLS: &str = "urls";
    pub const BODY: &str = "body";
    pub const GRAMS: &str = "grams";
    pub const UNIT: &str = "unit";
    pub const DISC: &str = "disc";
    pub const DISC_INFO: &str = "disc_info";
    pub const DISC_JSON: &str = "disc_json";
    pub const TRI: &str = "tri";
}

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Archive-relative path of the day's log: one term per file, for deletes and day views.
    pub path: Field,
    /// 1-based line of the message header (fast: a discussion lists its matching lines).
    pub line: Field,
    pub group: Field,
    /// The nickname as written.
    pub speaker: Field,
    /// `yyyymmddhhmmss`: date filters and month and day facets.
    pub ts: Field,
    /// A unique, chronological key per message (see [`seq`]): sorting and ties.
    pub seq: Field,
    /// What the ranking key reads of a document, packed by [`pack_ranking`] into one value
    /// that every document has (a dense column: one read per hit, no optional index).
    pub ranking: Field,
    /// The `seq` of the first message of the message's discussion (see
    /// [`crate::discussions`]): at most two hits of one conversation in a top ten.
    pub conversation: Field,
    /// Hash of the text (see [`crate::rank::text_hash`]): finds exact copies to fold.
    pub text_hash: Field,
    /// A message's quality (see [`crate::rank::quality_among`]): a typed search's key adds it.
    pub quality: Field,
    /// Topic ids (multi-valued).
    pub topics: Field,
    /// `text`, `link` or `image`.
    pub kind: Field,
    /// The plain text, stored for display and snippets.
    pub text: Field,
    /// URLs of links and images (multi-valued, stored).
    pub urls: Field,
    /// jieba words (ranking).
    pub body: Field,
    /// CJK unigrams + bigrams and Latin words with positions (recall).
    pub grams: Field,
    /// [`UNIT_DISCUSSION`] on discussion documents, absent on messages: message queries
    /// exclude the term, discussion listings require it.
    pub unit: Field,
    /// The header line of the first message of the discussion a message belongs to (on a
    /// discussion document, its own first line): with `path`, the discussion's id.
    pub disc: Field,
    /// A discussion's size for ranking, packed by [`pack_disc_info`], on the discussion's
    /// document (its messages carry it in [`Fields::ranking`]).
    pub disc_info: Field,
    /// A discussion document's [`crate::discussions::Discussion`] as JSON.
    pub disc_json: Field,
    /// The trigrams of the CJK runs (see [`crate::tokenize::trigram_tokens`]), with frequencies, no
    /// positions, no norms: a term of three CJK characters is one postings list, not the
    /// phrase of two bigrams (see `crate::search::trigram`).
    pub tri: Field,
}

/// The `unit` term of discussion documents.
pub const UNIT_DISCUSSION: &str = "discussion";

/// What ranking needs of a discussion, in one fast value: messages, people, whether it is
/// chatter, whether it opens with a question.
pub fn pack_disc_info(messages: u32, people: u32, chatter: bool, question: bool) -> u64 {
    u64::from(messages.min(0xF_FFFF))
        | (u64::from(people.min(0xF_FFFF)) << 20)
        | (u64::from(chatter) << 40)
        | (u64::from(question) << 41)
}

/// The fields of [`pack_disc_info`].
pub fn unpack_disc_info(v: u64) -> (u32, u32, bool, bool) {
    ((v & 0xF_FFFF) as u32, ((v >> 20) & 0xF_FFFF) as u32, v >> 40 & 1 == 1, v >> 41 & 1 == 1)
}

/// The inputs of a message's ranking key in one fast value: its substance (see
/// [`crate::rank::substance`], at most 2^20 − 1), whether it asks (see [`crate::rank::asks`]) and
/// its discussion's [`pack_disc_info`]. Raw inputs, not a precomputed prior: how they combine
/// stays [`crate::rank::score`]'s, at query time. A discussion document carries its own info and
/// no substance. Substance is the highest bits: the index is sorted by this value, descending
/// (see [`sort`]), so a segment's documents come in the order of what they say, most first.
pub fn pack_ranking(substance: u32, asks: bool, disc_info: u64) -> u64 {
    (u64::from(substance.min(0xF_FFFF)) << 43) | (u64::from(asks) << 42) | (disc_info & 0x3FF_FFFF_FFFF)
}

/// The fields of [`pack_ranking`]: substance, asks, disc_info.
pub fn unpack_ranking(v: u64) -> (u32, bool, u64) {
    ((v >> 43) as u32 & 0xF_FFFF, v >> 42 & 1 == 1, v & 0x3FF_FFFF_FFFF)
}

/// How every segment orders its documents: by [`pack_ranking`]'s value, descending, so by
/// substance, most first (discussion documents, of substance 0, last). A ranked walk over a
/// segment meets its matches in the order of their ranking key's bound and stops scoring at
/// the first one that cannot enter the page (see `crate::search::prune`). Nothing else reads
/// documents in their id order: a day, a discussion and ties are ordered by `line` and `seq`.
pub fn sort() -> tantivy::IndexSortByField {
    tantivy::IndexSortByField { field: names::RANKING.to_owned(), order: tantivy::Order::Desc }
}

impl Fields {
    /// Builds the schema and its field handles.
    pub fn build() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let keyword = STRING | STORED | FAST;
        let fields = Fields {
            path: b.add_text_field(names::PATH, STRING | STORED | FAST),
            line: b.add_u64_field(names::LINE, STORED | FAST),
            group: b.add_text_field(names::GROUP, keyword.clone()),
            speaker: b.add_text_field(names::SPEAKER, keyword.clone()),
            ts: b.add_u64_field(names::TS, NumericOptions::default().set_indexed().set_fast().set_stored()),
            seq: b.add_u64_field(names::SEQ, NumericOptions::default().set_fast()),
            ranking: b.add_u64_field(names::RANKING, NumericOptions::default().set_fast()),
            conversation: b.add_u64_field(names::CONVERSATION, NumericOptions::default().set_fast()),
            text_hash: b.add_u64_field(names::TEXT_HASH, NumericOptions::default().set_fast()),
            quality: b.add_f64_field(names::QUALITY, NumericOptions::default().set_fast()),
            topics: b.add_text_field(names::TOPICS, keyword.clone()),
            kind: b.add_text_field(names::KIND, keyword),
            text: b.add_text_field(names::TEXT, STORED),
            urls: b.add_text_field(names::URLS, STORED),
            body: b.add_text_field(names::BODY, analysed(JIEBA, IndexRecordOption::WithFreqs)),
            grams: b.add_text_field(names::GRAMS, analysed(GRAMS, IndexRecordOption::WithFreqsAndPositions)),
            unit: b.add_text_field(names::UNIT, STRING),
            disc: b.add_u64_field(names::DISC, STORED | FAST),
            disc_info: b.add_u64_field(names::DISC_INFO, FAST),
            disc_json: b.add_text_field(names::DISC_JSON, STORED),
            tri: b.add_text_field(
                names::TRI,
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(TRIGRAMS)
                        .set_index_option(IndexRecordOption::WithFreqs)
                        .set_fieldnorms(false),
                ),
            ),
        };
        (b.build(), fields)
    }

    /// Field handles of an opened index (its schema is checked by the manifest's version).
    pub fn of(index: &Index) -> Result<Fields, tantivy::TantivyError> {
        let schema = index.schema();
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            path: f(names::PATH)?,
            line: f(names::LINE)?,
            group: f(names::GROUP)?,
            speaker: f(names::SPEAKER)?,
            ts: f(names::TS)?,
            seq: f(names::SEQ)?,
            ranking: f(names::RANKING)?,
            conversation: f(names::CONVERSATION)?,
            text_hash: f(names::TEXT_HASH)?,
            quality: f(names::QUALITY)?,
            topics: f(names::TOPICS)?,
            kind: f(names::KIND)?,
            text: f(names::TEXT)?,
            urls: f(names::URLS)?,
            body: f(names::BODY)?,
            grams: f(names::GRAMS)?,
            unit: f(names::UNIT)?,
            disc: f(names::DISC)?,
            disc_info: f(names::DISC_INFO)?,
            disc_json: f(names::DISC_JSON)?,
            tri: f(names::TRI)?,
        })
    }
}

fn analysed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
}

/// Registers the tokenizers every index needs for writing grams and trigrams; the jieba one is
/// registered by the writer, which alone pays for its dictionary.
pub fn register_grams(index: &Index) {
    index.tokenizers().register(GRAMS, GRAM_TOKENIZER);
    index.tokenizers().register(TRIGRAMS, TRIGRAM_TOKENIZER);
}

/// `yyyymmddhhmmss` of a date key (`yyyymmdd`) and seconds since midnight.
pub fn ts(date_key: u32, secs: u32) -> u64 {
    u64::from(date_key) * 1_000_000 + u64::from(secs / 3600 * 10_000 + secs / 60 % 60 * 100 + secs % 60)
}

/// A message's place in time, unique in practice: Unix seconds in the high 32 bits, the header
/// line and a hash of the group below, so that equal scores and equal times still sort the
/// same way whatever order the documents were indexed in.
pub fn seq(date: crate::date::Date, secs: u32, line: u32, group: &str) -> u64 {
    let epoch = (date.days_since_epoch() * 86_400 + i64::from(secs)).clamp(0, i64::from(u32::MAX)) as u64;
    let group_hash = group.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    (epoch << 32) | (u64::from(line.min(0xF_FFFF)) << 12) | u64::from(group_hash & 0xFFF)
}

/// The date key and seconds since midnight of a `ts`.
pub fn split_ts(ts: u64) -> (u32, u32) {
    let date = u32::try_from(ts / 1_000_000).unwrap_or(0);
    let hms = u32::try_from(ts % 1_000_000).unwrap_or(0);
    (date, hms / 10_000 * 3600 + hms / 100 % 100 * 60 + hms % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_orders_by_time_then_line() {
        let d = crate::date::Date::new(2017, 8, 15).unwrap();
        let next = crate::date::Date::new(2017, 8, 16).unwrap();
        assert!(seq(d, 10, 5, "g") < seq(d, 11, 1, "g"));
        assert!(seq(d, 10, 5, "g") < seq(d, 10, 6, "g"));
        assert!(seq(d, 86_399, 900, "g") < seq(next, 0, 1, "g"));
        assert_ne!(seq(d, 10, 5, "proddev"), seq(d, 10, 5, "devarch"));
    }

    #[test]
    fn disc_info_round_trips() {
        assert_eq!(unpack_disc_info(pack_disc_info(28, 9, false, true)), (28, 9, false, true));
        assert_eq!(unpack_disc_info(pack_disc_info(u32::MAX, 1, true, false)), (0xF_FFFF, 1, true, false));
    }

    #[test]
    fn ranking_round_trips() {
        let info = pack_disc_info(0xF_FFFF, 0xF_FFFF, true, true);
        assert_eq!(unpack_ranking(pack_ranking(u32::MAX, true, info)), (0xF_FFFF, true, info));
        assert_eq!(
            unpack_ranking(pack_ranking(37, false, pack_disc_info(3, 2, false, true))),
            (37, false, pack_disc_info(3, 2, false, true))
        );
        assert_eq!(unpack_ranking(0), (0, false, 0));
    }

    #[test]
    fn ts_round_trips() {
        let t = ts(20170815, 10 * 3600 + 37 * 60 + 4);
        assert_eq!(t, 20170815103704);
        assert_eq!(split_ts(t), (20170815, 38224));
    }
}
