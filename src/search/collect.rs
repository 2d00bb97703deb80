//! The collectors of a search and the fast-field columns they read: the relevance walk
//! ([`TopByKey`], keys from [`KeyColumns`], bounds from [`super::prune`]), what the page rules
//! need of each ranked hit ([`candidates`]), and the documents at given lines ([`AtLines`]).

use super::*;
/// The total and the top hits (`offset` skipped, then at most `limit`), ranked by `sort`, in
/// a single pass over the matches. By relevance the key is [`crate::rank::score`] of the text
/// match and the message's substance beyond the query's own (`query_substance`); equal keys go
/// newest first. `read_bounds`: read the segments' substance bounds where not read yet (see
/// [`prune`]).
pub(super) fn ranked(
    searcher: &Searcher,
    columns: &Arc<[SegmentColumns]>,
    tq: &dyn TQuery,
    (offset, limit): (usize, usize),
    rank: Rank,
    read_bounds: bool,
) -> Result<(usize, Vec<(Score, DocAddress)>), SearchError> {
    let by_seq = |order| (SortByStaticFastValue::<u64>::for_field(names::SEQ), order);
    Ok(match rank.sort {
        Sort::Relevance => {
            let end = offset.saturating_add(limit);
            let together = rank.together;
            let depth = if together > 0.0 { end.max(crate::rank::TOGETHER_DEPTH) } else { end };
            let top = TopByKey {
                end: depth,
                rank,
                columns: Arc::clone(columns),
                read_bounds,
                floor: Arc::default(),
                sorted: sorted(searcher),
            };
            // A segment's matches counted from its terms' frequencies where it can be.
            let (total, docs) =
                crate::split::search(searcher, tq, &top, &|r, exact| count::matches(tq, searcher, r, exact))?;
            let mut docs: Vec<(Score, DocAddress)> = docs.into_iter().map(|((score, _), a)| (score, a)).collect();
            if together > 0.0 {
                docs = with_discussions(searcher, columns, docs, together)?;
                docs.truncate(end);
            }
            (total, docs.into_iter().skip(offset).collect())
        }
        Sort::Newest | Sort::Oldest => {
            let order = if rank.sort == Sort::Newest { Order::Desc } else { Order::Asc };
            let top = TopDocs::with_limit(limit).and_offset(offset);
            let (total, docs) = searcher.search(tq, &(Count, top.order_by(by_seq(order))))?;
            (total, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        }
    })
}

/// Ranked `docs` with their first [`crate::rank::TOGETHER_DEPTH`] re-sorted by
/// [`crate::rank::together`] of their keys raised by their quality ([`crate::rank::QUALITY_WEIGHT`]
/// times the `quality` column) (their discussions read from the `conversation` column, their
/// messages from `ts` and `text_hash`; `weight` its weight), the rest after them in their order.
fn with_discussions(
    searcher: &Searcher,
    kept: &[SegmentColumns],
    mut docs: Vec<(Score, DocAddress)>,
    weight: f32,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let head = docs.len().min(crate::rank::TOGETHER_DEPTH);
    let mut by_segment: HashMap<u32, SegmentColumns> = HashMap::new();
    let mut discussions = Vec::with_capacity(head);
    let mut keys: Vec<Score> = Vec::with_capacity(head);
    for &(key, addr) in &docs[..head] {
        let cols = columns_of(&mut by_segment, searcher, kept, addr.segment_ord)?;
        // A message without one is its own discussion; a message is its time and text (a copy
        // under a second nickname is the same message, as the page rules fold it).
        let message = (cols.ts.first(addr.doc_id), cols.text_hash.first(addr.doc_id));
        discussions.push((cols.conversation.first(addr.doc_id).ok_or(addr), message));
        let quality = cols.quality.first(addr.doc_id).unwrap_or(0.0) as f32;
        keys.push(key + crate::rank::QUALITY_WEIGHT * quality);
    }
    let order = crate::rank::together(&keys, &discussions, weight);
    let rest = docs.split_off(head);
    let mut out: Vec<(Score, DocAddress)> = order.into_iter().map(|(key, i)| (key, docs[i].1)).collect();
    out.extend(rest);
    Ok(out)
}

/// Whether the index's segments are in [`crate::index::schema::sort`]'s order.
pub(super) fn sorted(searcher: &Searcher) -> bool {
    searcher.index().settings().sort_by_field == Some(crate::index::schema::sort())
}

/// The ranking key of a hit and its `seq` (ties go newest first).
pub(super) type Key = (Score, u64);

/// The number of matches and the first `end` of them by relevance: what
/// `(Count, TopDocs::with_limit(end).tweak_score(..))` gives, with tantivy's own top-n buffer and
/// its tie rule, but cheaper per hit: the ranking inputs are one dense fast value (see
/// [`crate::index::schema::pack_ranking`]), a hit's `seq` is read only when its key can
/// still enter the top, and its key only when its block's bound can (see [`prune`]).
pub(super) struct TopByKey {
    pub(super) end: usize,
    pub(super) rank: Rank,
    pub(super) columns: Arc<[SegmentColumns]>,
    /// Read the segments' substance bounds where not read yet (else only those already read).
    pub(super) read_bounds: bool,
    /// The best threshold of any part of this search.
    pub(super) floor: Arc<Floor>,
    /// The segments are sorted by substance, most first (see [`crate::index::schema::sort`]).
    pub(super) sorted: bool,
}

/// The fast-field columns of one segment that ranking and the page rules read. Opening a
/// column reads its header (a blockwise-linear column, every block's): opened once per
/// state, not once per search.
#[derive(Clone)]
pub(crate) struct SegmentColumns {
    id: tantivy::index::SegmentId,
    /// Every document has a ranking value: the values read directly, without the index.
    ranking: Option<Arc<dyn ColumnValues<u64>>>,
    seq: Option<Column<u64>>,
    path: Option<StrColumn>,
    speaker: Option<StrColumn>,
    ts: Column<u64>,
    conversation: Column<u64>,
    text_hash: Column<u64>,
    /// See [`crate::rank::quality_among`] (messages only).
    quality: Column<f64>,
    /// The largest substance of each block of documents, read when a search asks.
    bounds: LazyBounds,
}

impl SegmentColumns {
    pub(super) fn open(seg: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let ff = seg.fast_fields();
        Ok(SegmentColumns {
            id: seg.segment_id(),
            ranking: ranking_column(seg),
            seq: ff.u64(names::SEQ).ok(),
            path: ff.str(names::PATH)?,
            speaker: ff.str(names::SPEAKER)?,
            ts: ff.u64(names::TS)?,
            conversation: ff.u64(names::CONVERSATION)?,
            text_hash: ff.u64(names::TEXT_HASH)?,
            quality: ff.f64(names::QUALITY)?,
            bounds: LazyBounds::default(),
        })
    }

    /// The columns of segment `ord` (`seg`): the kept ones, or opened now when the segments
    /// changed under a state (a reload between two calls).
    pub(crate) fn of(kept: &[SegmentColumns], ord: u32, seg: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        match kept.get(ord as usize) {
            Some(c) if c.id == seg.segment_id() => Ok(c.clone()),
            _ => SegmentColumns::open(seg),
        }
    }

    /// Its documents' conversations (see [`crate::index::schema::Fields::conversation`]).
    pub(crate) fn conversation(&self) -> &Column<u64> {
        &self.conversation
    }

    /// Its documents' `seq` (the tie-breaker: larger is newer), when the column exists.
    pub(crate) fn seq(&self) -> Option<&Column<u64>> {
        self.seq.as_ref()
    }

    /// What the relevance key reads of it, with the weights of a query (`repeat_weight`: see
    /// [`crate::rank::repeated`]).
    pub(crate) fn keys(&self, match_weight: f32, query_substance: u32, repeat_weight: f32) -> KeyColumns {
        KeyColumns { ranking: self.ranking.clone(), match_weight, query_substance, repeat_weight }
    }
}

pub(super) struct TopByKeySegment {
    segment: u32,
    count: usize,
    keys: KeyColumns,
    mentions: SegmentMentions,
    seq: Option<Column<u64>>,
    bounds: Option<Arc<SubstanceBounds>>,
    top: TopNComputer<Key, DocId, NaturalComparator>,
    floor: Arc<Floor>,
    /// The floor as last read, and this part's threshold as last published.
    seen: (f32, f32),
    /// The cut ([`prune::cut`]) for a threshold and a best text score, and those.
    cut: (u32, f32, f32),
    /// See [`TopByKey::sorted`].
    sorted: bool,
}

impl Collector for TopByKey {
    type Fruit = (usize, Vec<(Key, DocAddress)>);
    type Child = TopByKeySegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<TopByKeySegment> {
        let columns = SegmentColumns::of(&self.columns, segment, seg)?;
        Ok(TopByKeySegment {
            segment,
            count: 0,
            keys: columns.keys(self.rank.match_weight, self.rank.query_substance, self.rank.repeat_weight),
            mentions: self.rank.mentions.for_segment(seg)?,
            bounds: columns.bounds.get(columns.ranking.as_ref(), self.read_bounds),
            seq: columns.seq,
            top: TopNComputer::new_with_comparator(self.end, NaturalComparator),
            floor: Arc::clone(&self.floor),
            seen: (f32::NEG_INFINITY, f32::NEG_INFINITY),
            cut: (0, f32::NAN, f32::NAN),
            sorted: self.sorted && columns.ranking.is_some(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<(usize, Vec<(Key, DocAddress)>)>) -> tantivy::Result<Self::Fruit> {
        let mut total = 0;
        let mut top = TopNComputer::new_with_comparator(self.end, NaturalComparator);
        for (count, docs) in fruits {
            total += count;
            for (key, addr) in docs {
                top.push(key, addr);
            }
        }
        Ok((total, top.into_sorted_vec().into_iter().map(|d| (d.sort_key, d.doc)).collect()))
    }
}

/// Whether `key` is below the threshold of `top`: `push` would refuse it whatever its seq.
fn below(top: &TopNComputer<Key, DocId, NaturalComparator>, key: f32) -> bool {
    top.threshold.is_some_and(|(t, _)| key < t)
}

impl crate::split::ScoreOnDemand for TopByKeySegment {
    fn wants_most(&self) -> bool {
        self.bounds.is_some() || self.sorted
    }

    #[inline]
    fn collect_on_demand(&mut self, doc: DocId, most: Score, score: impl FnOnce() -> Score) -> Walk {
        self.count += 1;
        let substance = match &self.bounds {
            Some(bounds) => bounds.most(doc),
            // A sorted segment is walked from its most substance down: its own is read.
            None if self.sorted => self.keys.substance(doc),
            None => {
                self.offer(doc, score());
                return Walk::Score;
            }
        };
        // The page's threshold: this part's, or a higher one another part reached. A match
        // that cannot reach it with the query's best text score (it says too little), or then
        // with its own, needs neither its score nor its key (see `prune`). In a sorted
        // segment no later match says more: none can reach it, and they are only counted.
        if self.count.is_multiple_of(if self.sorted { 64 } else { 1024 }) {
            self.seen.0 = self.floor.get();
        }
        let t = self.top.threshold.map_or(self.seen.0, |(t, _)| t.max(self.seen.0));
        if t == f32::NEG_INFINITY {
            self.offer(doc, score());
            return Walk::Score;
        }
        // A match whose best is not known (one a scorer bounds apart: see `crate::union::Bounded`)
        // has no cut, and leaves the cut of the others as it was.
        if most != Score::INFINITY {
            if (t, most) != (self.cut.1, self.cut.2) {
                self.cut = (prune::cut(t, self.keys.most_match(most), self.keys.query_substance), t, most);
            }
            if substance < self.cut.0 {
                return if self.sorted { Walk::Count } else { Walk::Score };
            }
        }
        let score = score();
        if self.keys.bound(substance, score) < t {
            return Walk::Score;
        }
        self.offer(doc, score);
        if let Some((t, _)) = self.top.threshold {
            if t > self.seen.1 {
                self.seen.1 = t;
                self.floor.raise(t);
            }
        }
        Walk::Score
    }

    fn count_more(&mut self, n: usize) {
        self.count += n;
    }
}

impl TopByKeySegment {
    /// Match `doc` (counted) offered to the top with its key.
    fn offer(&mut self, doc: DocId, score: Score) {
        let (key, message) = self.keys.key_of(doc, score);
        // Below the threshold whatever its seq: `push` would refuse it. Where the message
        // names the terms only takes off, and how often a question's keys stand in it adds at
        // most what its cover allows, so it is read only for a message that could still enter.
        if below(&self.top, key + self.keys.most_repeated(score)) {
            return;
        }
        let key = key - self.keys.placed(message, score, self.mentions.place(doc));
        if below(&self.top, key) {
            return;
        }
        let seq = self.seq.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        self.top.push((key, seq), doc);
    }
}

impl SegmentCollector for TopByKeySegment {
    type Fruit = (usize, Vec<(Key, DocAddress)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        // A walk that goes on past a `Walk::Count` only meets matches that cannot enter.
        crate::split::ScoreOnDemand::collect_on_demand(self, doc, score, || score);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        let docs = self.top.into_vec().into_iter().map(|d| (d.sort_key, DocAddress::new(segment, d.doc))).collect();
        (self.count, docs)
    }
}

/// A segment's `ranking` column (see [`crate::index::schema::pack_ranking`]): every document
/// has a value, so the values are read directly, without the optional index.
pub(super) fn ranking_column(seg: &SegmentReader) -> Option<Arc<dyn ColumnValues<u64>>> {
    seg.fast_fields().u64(names::RANKING).ok().map(|c| match c.index {
        tantivy::columnar::ColumnIndex::Full => c.values,
        _ => c.first_or_default_col(0),
    })
}

/// What the relevance key ([`crate::rank::score`]) reads of one segment's messages, from
/// the `ranking` fast field, with the weights of the query.
pub(crate) struct KeyColumns {
    ranking: Option<Arc<dyn ColumnValues<u64>>>,
    match_weight: f32,
    query_substance: u32,
    /// See [`crate::rank::repeated`]: 0 but for a question.
    repeat_weight: f32,
}

impl KeyColumns {
    pub(crate) fn new(seg: &SegmentReader, match_weight: f32, query_substance: u32) -> KeyColumns {
        KeyColumns { ranking: ranking_column(seg), match_weight, query_substance, repeat_weight: 0.0 }
    }

    /// The relevance key of message `doc` whose text match scored `score`, before what its
    /// mentions take off (see [`KeyColumns::placed`]).
    pub(crate) fn key(&self, doc: DocId, score: Score) -> f32 {
        self.key_of(doc, score).0
    }

    /// The substance of message `doc`.
    pub(super) fn substance(&self, doc: DocId) -> u32 {
        let value = self.ranking.as_ref().map_or(0, |c| c.get_val(doc));
        crate::index::schema::unpack_ranking(value).0
    }

    /// Above [`KeyColumns::key`] for any message of substance at most `most` whose text match
    /// scored `score` (see [`crate::rank::bound`]).
    fn bound(&self, most: u32, score: Score) -> f32 {
        crate::rank::bound(self.most_match(score), most, self.query_substance)
    }

    /// The most the text match `score` and the mentions of a question's keys that come with it
    /// add to a key (see [`crate::rank::repeated`]).
    fn most_match(&self, score: Score) -> f32 {
        self.match_weight * score + self.most_repeated(score)
    }

    /// The most the mentions of a question's keys add to the key of a message whose text
    /// match (its cover) scored `score`.
    fn most_repeated(&self, score: Score) -> f32 {
        crate::rank::repeated_most(self.repeat_weight) * score
    }

    /// [`KeyColumns::key`], with what ranking read of the message.
    fn key_of(&self, doc: DocId, score: Score) -> (f32, crate::rank::Message) {
        let value = self.ranking.as_ref().map_or(0, |c| c.get_val(doc));
        let (substance, asks, info) = crate::index::schema::unpack_ranking(value);
        let context = crate::rank::Context::of(crate::index::schema::unpack_disc_info(info));
        let message = crate::rank::Message { substance, asks, context };
        (crate::rank::score(self.match_weight * score, message, self.query_substance), message)
    }

    /// What the place and number of the terms' mentions take off a message's key (see
    /// [`crate::rank::placed`]), less what a question's keys named again add (see
    /// [`crate::rank::repeated`]; `score` is its text match, the cover).
    fn placed(&self, message: crate::rank::Message, score: Score, at: crate::mention::Placed) -> f32 {
        crate::rank::placed(crate::rank::rest(message, self.query_substance), at.share, at.count)
            - crate::rank::repeated(self.repeat_weight, at.repeated, score)
    }
}

/// The order of a search and the weights of its relevance key.
#[derive(Debug, Clone)]
pub(super) struct Rank {
    pub(super) sort: Sort,
    pub(super) match_weight: f32,
    pub(super) query_substance: u32,
    /// Where a message first names the terms: the key takes off for a late first mention.
    /// For a question, how often it names each key.
    pub(super) mentions: Arc<Mentions>,
    /// See [`crate::rank::repeated`]: 0 but for a question.
    pub(super) repeat_weight: f32,
    /// What a hit's discussion's matches add ([`crate::rank::together`]): 0 but for a typed
    /// search by relevance. Where it is not 0, the first hits' keys also add their quality
    /// ([`crate::rank::QUALITY_WEIGHT`]; see [`with_discussions`]): both were measured and gated
    /// for typed searches.
    pub(super) together: f32,
}

/// The columns of segment `ord`, opened once per call that reads several hits (`by_segment`;
/// see [`SegmentColumns::of`]).
fn columns_of<'a>(
    by_segment: &'a mut HashMap<u32, SegmentColumns>,
    searcher: &Searcher,
    kept: &[SegmentColumns],
    ord: u32,
) -> Result<&'a mut SegmentColumns, SearchError> {
    Ok(match by_segment.entry(ord) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(SegmentColumns::of(kept, ord, searcher.segment_reader(ord))?)
        }
    })
}

/// What the page rules need of each ranked hit, read from fast fields (no stored documents).
pub(super) fn candidates(
    searcher: &Searcher,
    kept: &[SegmentColumns],
    hits: &[(Score, DocAddress)],
) -> Result<Vec<Candidate>, SearchError> {
    let mut by_segment: HashMap<u32, SegmentColumns> = HashMap::new();
    let mut columns = Vec::with_capacity(hits.len());
    for &(_, addr) in hits {
        let cols = columns_of(&mut by_segment, searcher, kept, addr.segment_ord)?;
        columns.push(Candidate {
            path: String::new(),
            time: cols.ts.first(addr.doc_id).map_or(0, |t| split_ts(t).1),
            conversation: cols.conversation.first(addr.doc_id).unwrap_or(0),
            text_hash: cols.text_hash.first(addr.doc_id).unwrap_or(0),
            speaker: String::new(),
        });
    }
    // Path and speaker only tell copies apart, and a copy has the time and text of another
    // candidate: only those get them. Within one segment a column's ordinals stand for its
    // strings (equal ordinals, equal strings), so candidates that share a time and text all
    // in one segment are told apart by ordinals; across segments, by the strings (a dictionary
    // lookup each, ~18 k instructions).
    let mut shared: HashMap<(u32, u64), (usize, Option<u32>)> = HashMap::with_capacity(columns.len());
    for (c, &(_, addr)) in columns.iter().zip(hits) {
        let (n, segment) = shared.entry((c.time, c.text_hash)).or_insert((0, Some(addr.segment_ord)));
        *n += 1;
        if *segment != Some(addr.segment_ord) {
            *segment = None;
        }
    }
    for (c, &(_, addr)) in columns.iter_mut().zip(hits) {
        let Some(&(n, one_segment)) = shared.get(&(c.time, c.text_hash)) else { continue };
        let Some(cols) = by_segment.get(&addr.segment_ord).filter(|_| n > 1) else { continue };
        if one_segment.is_some() {
            let ord = |col: &Option<StrColumn>| col.as_ref().and_then(|c| c.ords().first(addr.doc_id));
            c.path = ord(&cols.path).map(|o| format!("#{o}")).unwrap_or_default();
            c.speaker = ord(&cols.speaker).map(|o| format!("#{o}")).unwrap_or_default();
        } else {
            c.path = column_str(&cols.path, addr.doc_id);
            c.speaker = column_str(&cols.speaker, addr.doc_id);
        }
    }
    Ok(columns)
}

/// The string of document `doc` in a string column (empty if it has none).
fn column_str(col: &Option<StrColumn>, doc: DocId) -> String {
    let mut s = String::new();
    if let Some(c) = col {
        if let Some(ord) = c.ords().first(doc) {
            let _ = c.ord_to_str(ord, &mut s);
        }
    }
    s
}

/// The nickname of the message at `addr`, from the speaker column.
pub(super) fn speaker_of(
    searcher: &Searcher,
    kept: &[SegmentColumns],
    addr: DocAddress,
) -> Result<String, SearchError> {
    let cols = SegmentColumns::of(kept, addr.segment_ord, searcher.segment_reader(addr.segment_ord))?;
    Ok(column_str(&cols.speaker, addr.doc_id))
}

/// The documents whose `line` is one of `lines`, with that line.
pub(super) struct AtLines {
    pub(super) lines: Arc<[u32]>,
}

pub(super) struct AtLinesSegment {
    lines: Arc<[u32]>,
    segment: u32,
    line: Option<Column<u64>>,
    found: Vec<(u32, DocAddress)>,
}

impl Collector for AtLines {
    type Fruit = Vec<(u32, DocAddress)>;
    type Child = AtLinesSegment;

    fn for_segment(&self, segment: u32, seg: &SegmentReader) -> tantivy::Result<AtLinesSegment> {
        let line = seg.fast_fields().u64(names::LINE).ok();
        Ok(AtLinesSegment { lines: Arc::clone(&self.lines), segment, line, found: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, DocAddress)>>) -> tantivy::Result<Vec<(u32, DocAddress)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AtLinesSegment {
    type Fruit = Vec<(u32, DocAddress)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        let line = self.line.as_ref().and_then(|c| c.first(doc)).and_then(|l| u32::try_from(l).ok());
        if let Some(line) = line.filter(|l| self.lines.contains(l)) {
            self.found.push((line, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Vec<(u32, DocAddress)> {
        self.found
    }
}
