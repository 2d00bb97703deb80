//! A synthetic archive with the real archive's statistics, at any multiple of its size, for
//! benchmarks: per group the same days and messages per day, speakers drawn from the real
//! nickname frequencies, message lengths from the real length distribution, text made of
//! words drawn by their real frequencies (jieba-segmented), links and images at their real
//! rates. Everything is learned from the archive it is given at run time; no text of it is
//! kept in the project.

use crate::archive::{self, Archive, ArchiveError, Kind};
use crate::date::Date;
use crate::tokenize::build_jieba;
use rand::distr::weighted::WeightedIndex;
use rand::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// What the generator learned.
pub struct Model {
    /// Per group: (day, messages that day).
    groups: Vec<(String, Vec<(Date, usize)>)>,
    nicknames: Vec<String>,
    nickname_weights: WeightedIndex<u32>,
    lengths: Vec<usize>,
    words: Vec<String>,
    word_weights: WeightedIndex<u32>,
    /// Shares of image and link messages.
    image_rate: f64,
    link_rate: f64,
}

/// A generation that could not be done.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("{0} has no messages to learn from")]
    Empty(String),
    #[error("writing {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

impl Model {
    /// Learns from an archive folder.
    pub fn learn(root: &Path) -> Result<Model, GenerateError> {
        let archive = archive::load(root)?;
        Model::from_archive(&archive).ok_or_else(|| GenerateError::Empty(root.display().to_string()))
    }

    fn from_archive(archive: &Archive) -> Option<Model> {
        let mut groups: HashMap<&str, Vec<(Date, usize)>> = HashMap::new();
        let mut nicks: HashMap<&str, u32> = HashMap::new();
        let mut lengths = Vec::new();
        let (mut images, mut links, mut total) = (0usize, 0usize, 0usize);
        for day in &archive.days {
            groups.entry(&day.group).or_default().push((day.date, day.messages.len()));
            for m in &day.messages {
                *nicks.entry(&m.speaker).or_default() += 1;
                total += 1;
                match m.kind {
                    Kind::Image => images += 1,
                    Kind::Link => links += 1,
                    Kind::Text => lengths.push(m.text.chars().count().max(1)),
                }
            }
        }
        let jieba = build_jieba([]);
        let counts: HashMap<String, u32> = archive
            .days
            .par_iter()
            .flat_map_iter(|d| d.messages.iter())
            .fold(HashMap::new, |mut acc: HashMap<String, u32>, m| {
                for w in jieba.cut(&m.text, false) {
                    if !w.word.trim().is_empty() {
                        *acc.entry(w.word.to_owned()).or_default() += 1;
                    }
                }
                acc
            })
            .reduce(HashMap::new, |mut a, b| {
                for (k, v) in b {
                    *a.entry(k).or_default() += v;
                }
                a
            });
        let mut words: Vec<(String, u32)> = counts.into_iter().collect();
        words.sort();
        let mut nicknames: Vec<(&str, u32)> = nicks.into_iter().collect();
        nicknames.sort();
        let mut groups: Vec<(String, Vec<(Date, usize)>)> = groups
            .into_iter()
            .map(|(g, mut days)| {
                (g.to_owned(), {
                    days.sort();
                    days
                })
            })
            .collect();
        groups.sort();
        Some(Model {
            groups,
            nickname_weights: WeightedIndex::new(nicknames.iter().map(|n| n.1)).ok()?,
            nicknames: nicknames.into_iter().map(|n| n.0.to_owned()).collect(),
            lengths: if lengths.is_empty() { vec![10] } else { lengths },
            word_weights: WeightedIndex::new(words.iter().map(|w| w.1)).ok()?,
            words: words.into_iter().map(|w| w.0).collect(),
            image_rate: images as f64 / total.max(1) as f64,
            link_rate: links as f64 / total.max(1) as f64,
        })
    }

    /// Writes `scale` copies of every group (`<group>-<n>`) under `out`, in parallel, each log
    /// from its own seed; returns (files, messages).
    pub fn write(&self, out: &Path, scale: usize, seed: u64) -> Result<(usize, usize), GenerateError> {
        let jobs: Vec<(String, Date, usize)> = (0..scale)
            .flat_map(|copy| {
                self.groups.iter().flat_map(move |(g, days)| {
                    let name = if scale == 1 { g.clone() } else { format!("{g}-{copy:03}") };
                    days.iter().map(move |(d, n)| (name.clone(), *d, *n))
                })
            })
            .collect();
        let messages = jobs
            .par_iter()
            .enumerate()
            .map(|(i, (group, date, n))| {
                let mut rng = StdRng::seed_from_u64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let text = self.day(&mut rng, *date, *n);
                let dir = out.join(group).join("_posts");
                let path = dir.join(format!("{date}-chat.markdown"));
                let err = |source| GenerateError::Write { path: path.display().to_string(), source };
                std::fs::create_dir_all(&dir).map_err(err)?;
                std::fs::write(&path, text).map_err(err)?;
                Ok(*n)
            })
            .collect::<Result<Vec<usize>, GenerateError>>()?;
        Ok((jobs.len(), messages.iter().sum()))
    }

    /// One day's log in the archive's format.
    fn day(&self, rng: &mut StdRng, date: Date, n: usize) -> String {
        let mut s = format!(
            "---\nlayout:     source \ntitle:      \"{date}-WeChat\"\ndate:       {date} 12:00:00\nauthor:     \"PaymentGroup\"\ntag:\t\t  [chat]\n---\n"
        );
        let mut times: Vec<u32> = (0..n).map(|_| rng.random_range(7 * 3600..24 * 3600)).collect();
        times.sort_unstable();
        for t in times {
            let nick = &self.nicknames[self.nickname_weights.sample(rng)];
            let _ = write!(s, "> {}  {nick}  \n   \n", archive::time_label(t));
            let roll: f64 = rng.random();
            if roll < self.image_rate {
                let _ = writeln!(
                    s,
                    "![{date} {}](https://img.example/{}.png) ",
                    archive::time_label(t),
                    rng.random::<u32>()
                );
            } else if roll < self.image_rate + self.link_rate {
                let _ = writeln!(s, "[{}](https://example.com/{})  ", self.words(rng, 12), rng.random::<u32>());
            } else {
                let len = self.lengths[rng.random_range(0..self.lengths.len())];
                let _ = writeln!(s, "{}  ", self.words(rng, len));
            }
            s.push_str("   \n");
        }
        s
    }

    /// Words drawn by frequency until `chars` characters.
    fn words(&self, rng: &mut StdRng, chars: usize) -> String {
        let mut s = String::new();
        let mut count = 0;
        while count < chars {
            let w = &self.words[self.word_weights.sample(rng)];
            count += w.chars().count();
            s.push_str(w);
        }
        s
    }
}
