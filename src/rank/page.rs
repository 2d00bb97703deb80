//! The page rules: an exact copy of a hit is folded into it, and within each block of
//! [`BLOCK`] hits a conversation gets at most [`PER_CONVERSATION`] and a text one; the rest
//! wait for the next block, in rank order.
//!
//! Laying out `n` candidates costs about `n` hash lookups, whatever the page's depth: a copy is
//! found by its key, and the waiting hits are kept by conversation, so a block skips a full
//! conversation's waiting hits at once (a page of thousands of one day's hits used to take
//! seconds, comparing every candidate with every hit before it).

use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, VecDeque};

/// Hits of one conversation allowed in each ten of a page.
pub(crate) const PER_CONVERSATION: usize = 2;
/// The block of a page the conversation rule applies to.
pub(crate) const BLOCK: usize = 10;
/// How many ranked candidates a page reads, at most, for hits that fit its blocks before the
/// waiting ones fill it in order: where every hit shares one text (a notice posted in every
/// log), none fits a block after the first, and reading to the end of the results cost 25 ms
/// for 2,000 hits where 40 had cost 1.3 ms.
pub(crate) const LOOK_AHEAD: usize = 500;

/// A ranked candidate as the page rules see it. Path and speaker are keys, equal for the same
/// log and the same nickname (the names, or their ordinals in one segment's columns); they may
/// be left empty where no other candidate has the same time and text hash (it cannot be a copy
/// then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub path: String,
    /// Seconds since midnight.
    pub time: u32,
    /// Its conversation (its discussion, see [`crate::discussions`]): equal values, one conversation.
    pub conversation: u64,
    /// Hash of the text: with path and time, what makes two messages copies.
    pub text_hash: u64,
    pub speaker: String,
}

/// One hit of a page: the index of its candidate and the indices of its folded copies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slot {
    pub at: usize,
    pub copies: Vec<usize>,
}

/// Lays ranked candidates out as a page: an exact copy of an earlier hit (same log, time and
/// text under another nickname) is folded into it, and within each block of [`BLOCK`] hits a
/// conversation gets at most [`PER_CONVERSATION`] and a text (reposted, forwarded to another
/// day) one; the rest wait for the next block, in rank order. Returns the slots from the
/// first, at most `want` of them.
pub(crate) fn layout(cands: &[Candidate], want: usize, spread: bool) -> Vec<Slot> {
    laid_out(cands, want, spread).0
}

/// [`layout`], and whether it ran out of `cands` while some waited: the waiting ones then
/// filled the page in order, where more candidates (ranked after these) could have filled the
/// blocks instead. A page of `cands` that are not all the ranked hits is final only when it
/// did not run out.
pub(crate) fn laid_out(cands: &[Candidate], want: usize, spread: bool) -> (Vec<Slot>, bool) {
    let mut ran_out = false;
    let mut page = Page { cands, placed: Vec::new(), slot_of: FxHashMap::default(), block: Block::default() };
    let mut originals: FxHashMap<(&str, u32, u64), Vec<usize>> = FxHashMap::default();
    let mut copies: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    let mut waiting = Waiting::default();
    let mut next = 0;
    while page.placed.len() < want {
        // A waiting candidate that fits this block comes first: it ranked higher.
        if let Some(w) = waiting.first_fitting(cands, &page.block) {
            waiting.remove(w, cands[w].conversation);
            page.place(w);
            continue;
        }
        let Some(c) = cands.get(next) else {
            // Nothing left that fits: the waiting ones fill up in order.
            match waiting.first() {
                Some(w) => {
                    ran_out = true;
                    waiting.remove(w, cands[w].conversation);
                    page.place(w);
                    continue;
                }
                None => break,
            }
        };
        let i = next;
        next += 1;
        // A copy of a hit, placed or waiting, is folded into it: the first such hit, placed
        // ones in page order, then waiting ones in rank order.
        let same = originals.entry((c.path.as_str(), c.time, c.text_hash)).or_default();
        let original = same
            .iter()
            .filter(|&&o| cands[o].speaker != c.speaker)
            .min_by_key(|&&o| page.slot_of.get(&o).map_or((1, o), |&s| (0, s)));
        if let Some(&o) = original {
            copies.entry(o).or_default().push(i);
            continue;
        }
        same.push(i);
        if !spread || page.block.fits(c) {
            page.place(i);
        } else {
            waiting.push(i, c.conversation);
        }
    }
    let slots = page.placed.into_iter().map(|at| Slot { at, copies: copies.remove(&at).unwrap_or_default() }).collect();
    (slots, ran_out)
}

/// The hits placed so far and the block being filled.
struct Page<'a> {
    cands: &'a [Candidate],
    placed: Vec<usize>,
    /// Where each placed candidate is on the page.
    slot_of: FxHashMap<usize, usize>,
    block: Block,
}

impl Page<'_> {
    fn place(&mut self, at: usize) {
        self.block.add(&self.cands[at]);
        self.slot_of.insert(at, self.placed.len());
        self.placed.push(at);
        if self.placed.len().is_multiple_of(BLOCK) {
            self.block = Block::default();
        }
    }
}

/// The conversations and texts of the block being filled (at most [`BLOCK`] of each).
#[derive(Default)]
struct Block {
    conversations: Vec<u64>,
    texts: Vec<u64>,
}

impl Block {
    fn add(&mut self, c: &Candidate) {
        self.conversations.push(c.conversation);
        self.texts.push(c.text_hash);
    }

    fn full(&self, conversation: u64) -> bool {
        self.conversations.iter().filter(|&&c| c == conversation).count() >= PER_CONVERSATION
    }

    fn fits(&self, c: &Candidate) -> bool {
        !self.full(c.conversation) && !self.texts.contains(&c.text_hash)
    }
}

/// Candidates held back for a later block, by conversation, each conversation's in rank order.
#[derive(Default)]
struct Waiting {
    by_conversation: FxHashMap<u64, VecDeque<usize>>,
    /// Each conversation's first waiting candidate, in rank order: `(candidate, conversation)`.
    heads: BTreeSet<(usize, u64)>,
}

impl Waiting {
    fn push(&mut self, at: usize, conversation: u64) {
        let queue = self.by_conversation.entry(conversation).or_default();
        if queue.is_empty() {
            self.heads.insert((at, conversation));
        }
        queue.push_back(at);
    }

    fn first(&self) -> Option<usize> {
        self.heads.first().map(|&(at, _)| at)
    }

    /// The first waiting candidate (in rank order) that fits `block`. A conversation that is
    /// full in the block is passed over whole; within another, only a text already in the
    /// block is passed over, so the walk stops early.
    fn first_fitting(&self, cands: &[Candidate], block: &Block) -> Option<usize> {
        let mut best: Option<usize> = None;
        for &(head, conversation) in &self.heads {
            if best.is_some_and(|b| head >= b) {
                break;
            }
            if block.full(conversation) {
                continue;
            }
            let found = self.by_conversation[&conversation]
                .iter()
                .copied()
                .take_while(|&at| best.is_none_or(|b| at < b))
                .find(|&at| !block.texts.contains(&cands[at].text_hash));
            best = found.or(best);
        }
        best
    }

    fn remove(&mut self, at: usize, conversation: u64) {
        let queue = self.by_conversation.get_mut(&conversation).expect("a waiting candidate's conversation");
        let place = queue.iter().position(|&w| w == at).expect("a waiting candidate");
        queue.remove(place);
        if place == 0 {
            self.heads.remove(&(at, conversation));
            if let Some(&head) = queue.front() {
                self.heads.insert((head, conversation));
            }
        }
        if queue.is_empty() {
            self.by_conversation.remove(&conversation);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::text_hash;
    use proptest::prelude::*;

    fn cand(path: &str, time: u32, text: &str, speaker: &str) -> Candidate {
        let conversation = text_hash(path);
        Candidate { path: path.into(), time, conversation, text_hash: text_hash(text), speaker: speaker.into() }
    }

    /// Twelve hits of twelve other conversations: more than a block of ten.
    fn fill(cands: &mut Vec<Candidate>) {
        for i in 0..12 {
            cands.push(cand(&format!("c{i}"), 0, &format!("v{i}"), "戊"));
        }
    }

    #[test]
    fn copies_fold_and_conversations_take_two_per_ten() {
        let mut cands = vec![
            cand("a", 100, "x", "甲"),
            cand("a", 100, "x", "甲-公司"),
            cand("a", 200, "y", "乙"),
            cand("a", 300, "z", "丙"),
            cand("b", 100, "w", "丁"),
        ];
        let slots = layout(&cands, 10, true);
        let order: Vec<usize> = slots.iter().map(|s| s.at).collect();
        assert_eq!(order, vec![0, 2, 4, 3]);
        assert_eq!(slots[0].copies, vec![1]);
        // A third hit of the conversation waits for the next block of ten.
        fill(&mut cands);
        let order: Vec<usize> = layout(&cands, 20, true).iter().map(|s| s.at).collect();
        assert_eq!(&order[..3], &[0, 2, 4]);
        assert_eq!(order.iter().position(|&i| i == 3), Some(10));
        // The same text from the same speaker (a repeated message) is not a copy.
        let again = [cand("a", 100, "x", "甲"), cand("a", 100, "x", "甲")];
        assert_eq!(layout(&again, 10, true).len(), 2);
        // A text posted again elsewhere waits for the next block: one of each text in ten.
        let mut reposted = vec![cand("a", 100, "x", "甲"), cand("b", 200, "x", "乙")];
        fill(&mut reposted);
        let order: Vec<usize> = layout(&reposted, 20, true).iter().map(|s| s.at).collect();
        assert_eq!(order.iter().position(|&i| i == 1), Some(10), "{order:?}");
    }

    /// Laid out from the first candidates only, a page that runs out of them fills up with the
    /// waiting ones (a third hit of one conversation), where the next candidate would have
    /// taken the slot: it says so, and the search fetches more (a page of ten was not the top
    /// of a page of thirty).
    #[test]
    fn a_page_that_runs_out_of_candidates_while_some_wait_says_so() {
        let cands = [
            cand("a", 100, "x", "甲"),
            cand("a", 200, "y", "乙"),
            cand("a", 300, "z", "丙"),
            cand("b", 100, "w", "丁"),
        ];
        let (slots, ran_out) = laid_out(&cands[..3], 3, true);
        assert_eq!(slots.iter().map(|s| s.at).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(ran_out);
        let (slots, ran_out) = laid_out(&cands, 3, true);
        assert_eq!(slots.iter().map(|s| s.at).collect::<Vec<_>>(), [0, 1, 3]);
        assert!(!ran_out);
        // Filled without waiting ones, a page is final.
        assert!(!laid_out(&cands[..2], 2, true).1);
    }

    #[test]
    fn a_copy_of_a_waiting_hit_is_folded_into_it() {
        // Two hits of conversation `a`, then a third that waits for the next block and its copy
        // under another nickname, met while it waits: the copy goes with it, neither a hit nor lost.
        let mut cands = vec![
            cand("a", 100, "x", "甲"),
            cand("a", 200, "y", "乙"),
            cand("a", 300, "z", "丙"),
            cand("a", 300, "z", "丙-公司"),
        ];
        fill(&mut cands);
        let copy = 3;
        let slots = layout(&cands, cands.len(), true);
        let waited = slots.iter().find(|s| s.at == 2).expect("the third hit is placed");
        assert_eq!(waited.copies, vec![copy]);
        assert!(slots.iter().all(|s| s.at != copy));
        let laid: usize = slots.iter().map(|s| 1 + s.copies.len()).sum();
        assert_eq!(laid, cands.len(), "every candidate is a hit or folded into one");
    }

    /// The page rules as first written: every candidate compared with every hit before it
    /// (quadratic). [`layout`] must lay out exactly as this does.
    fn layout_by_scan(cands: &[Candidate], want: usize, spread: bool) -> Vec<Slot> {
        let is_copy = |a: &Candidate, b: &Candidate| {
            a.path == b.path && a.time == b.time && a.text_hash == b.text_hash && a.speaker != b.speaker
        };
        let mut slots: Vec<Slot> = Vec::new();
        let mut waiting: Vec<Slot> = Vec::new();
        let mut next = 0;
        while slots.len() < want {
            let block_start = slots.len() / BLOCK * BLOCK;
            let fits = |slots: &[Slot], i: usize| {
                let c = &cands[i];
                let block = &slots[block_start..];
                !spread
                    || (block.iter().filter(|s| cands[s.at].conversation == c.conversation).count() < PER_CONVERSATION
                        && !block.iter().any(|s| cands[s.at].text_hash == c.text_hash))
            };
            if let Some(w) = waiting.iter().position(|s| fits(&slots, s.at)) {
                slots.push(waiting.remove(w));
                continue;
            }
            let Some(c) = cands.get(next) else {
                if waiting.is_empty() {
                    break;
                }
                slots.push(waiting.remove(0));
                continue;
            };
            let i = next;
            next += 1;
            if let Some(original) = slots.iter_mut().chain(waiting.iter_mut()).find(|s| is_copy(&cands[s.at], c)) {
                original.copies.push(i);
                continue;
            }
            let slot = Slot { at: i, copies: Vec::new() };
            if fits(&slots, i) {
                slots.push(slot);
            } else {
                waiting.push(slot);
            }
        }
        slots
    }

    proptest! {
        /// Few paths, times, texts, speakers and conversations, so that copies, repeated
        /// texts, full conversations, full blocks and long waits all happen.
        #[test]
        fn the_layout_is_the_scan_s(
            raw in proptest::collection::vec((0u8..3, 0u32..3, 0u8..12, 0u8..3, 0u8..7), 0..120),
            want in 0usize..130,
            spread: bool,
        ) {
            let cands: Vec<Candidate> = raw
                .iter()
                .map(|&(path, time, text, speaker, conversation)| Candidate {
                    path: format!("p{path}"),
                    time,
                    conversation: u64::from(conversation),
                    text_hash: u64::from(text),
                    speaker: format!("s{speaker}"),
                })
                .collect();
            prop_assert_eq!(layout(&cands, want, spread), layout_by_scan(&cands, want, spread));
        }
    }

    /// A page deep in one day's hits (a third of them one conversation, every text repeated
    /// once under another nickname) is laid out whole: before, each candidate was compared with
    /// every hit before it, and each block walked every waiting hit.
    #[test]
    fn a_deep_page_of_one_conversation_is_laid_out_whole() {
        let cands: Vec<Candidate> = (0..40_000u32)
            .map(|i| Candidate {
                path: "day".into(),
                time: i / 2,
                conversation: if i % 3 == 0 { 1 } else { u64::from(i) + 2 },
                text_hash: u64::from(i / 2),
                speaker: format!("s{}", i % 2),
            })
            .collect();
        assert_eq!(layout(&cands[..2_000], 2_000, true), layout_by_scan(&cands[..2_000], 2_000, true));
        let slots = layout(&cands, cands.len(), true);
        assert_eq!(slots.len(), 20_000);
        assert!(slots.iter().all(|s| s.copies == [s.at + 1]));
        // Two of the conversation of every third candidate in each ten.
        for block in slots.chunks(BLOCK).take(100) {
            assert!(block.iter().filter(|s| cands[s.at].conversation == 1).count() <= PER_CONVERSATION);
        }
    }
}
