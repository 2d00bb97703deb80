//! The command line: clap definitions and one function per subcommand. Flags are parsed
//! here into the core's types; printing lives in `print`.

mod print;

use anyhow::{Context, Result};
use chatlore::index::{self, IndexError, Options, Progress};
use chatlore::query::{Field, Filter, Query, Value};
use chatlore::search::{Engine, Page, Sort};
use chatlore::topics::Taxonomy;
use chatlore::watch::ArchiveWatcher;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// chatlore: find past discussions of the payments-industry WeChat groups.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// The archive folder: `<group>/_posts/YYYY-MM-DD-chat.markdown` logs.
    #[arg(long, global = true, env = "CHATLORE_ARCHIVE", default_value = "archive")]
    pub archive: PathBuf,
    /// The index folder (created if missing; its contents are chatlore's).
    #[arg(long, global = true, env = "CHATLORE_INDEX", default_value = "index")]
    pub index: PathBuf,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal browser (the default).
    Browse,
    /// Bring the index up to date with the archive: only new, changed and removed logs.
    Index {
        /// Start from an empty index.
        #[arg(long)]
        rebuild: bool,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
        /// Keep running: index logs as they arrive, change or go, until Ctrl-C.
        #[arg(long)]
        watch: bool,
    },
    /// Search messages. Exit status: 0 with hits, 1 with none, 2 on error.
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// Counts: files, messages, groups, months, topics, speakers, companies.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// The topic taxonomy with message counts.
    Topics {
        #[arg(long)]
        json: bool,
    },
    /// Export every message of the archive, one JSON object a line (for Quickwit and others).
    Export {
        /// The format: newline-delimited JSON (the only one).
        #[arg(long, required = true)]
        ndjson: bool,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Serve the archive to AI assistants: Model Context Protocol tools over stdio (read-only).
    Mcp,
    /// Write a synthetic archive with another archive's statistics, for benchmarks at scale.
    Generate {
        /// The archive to learn from.
        #[arg(long)]
        from: PathBuf,
        /// How many times its size.
        #[arg(long, default_value_t = 1)]
        scale: usize,
        /// Where to write (must not exist yet).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 2017)]
        seed: u64,
    },
}

const QUERY_HELP: &str = "Query language: terms (all must match), \"exact phrases\", -excluded, \
from:NICK org:COMPANY group:GROUP topic:ID|中文 kind:text|link|image \
date:2017-08 | date:2017-08-01..2017-09-30 | date:2017..2018. \
Chinese matches as a substring; Latin words match whole, any case.";

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Query words and filters.
    #[arg(required = true)]
    pub query: Vec<String>,
    /// One JSON object per hit (same as --format json).
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Hits to show; 0 means all.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Only messages from this speaker (nickname or name, part of it is enough).
    #[arg(long)]
    pub from: Vec<String>,
    /// Only messages on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<String>,
    /// Only messages on or before this date.
    #[arg(long)]
    pub until: Option<String>,
    /// Only messages of this topic (id or Chinese label).
    #[arg(long)]
    pub topic: Vec<String>,
    /// Only messages of this group.
    #[arg(long)]
    pub group: Vec<String>,
    /// Colour the matches: auto (on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    /// Newest first.
    Date,
    Oldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command.unwrap_or(Command::Browse) {
        Command::Browse => chatlore::tui::run(&cli.archive, &cli.index).map(|()| ExitCode::SUCCESS),
        Command::Index { rebuild, json, watch: false } => index_cmd(&cli.archive, &cli.index, rebuild, json),
        Command::Index { rebuild, json, watch: true } => watch_cmd(&cli.archive, &cli.index, rebuild, json),
        Command::Search(args) => search_cmd(&cli.archive, &cli.index, &args),
        Command::Stats { json } => {
            let engine = open_engine(&cli.archive, &cli.index)?;
            print::stats(&engine, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { ndjson: _, out } => export_cmd(&cli.archive, out.as_deref()),
        Command::Mcp => chatlore::mcp::run(&cli.archive, &cli.index).map(|()| ExitCode::SUCCESS),
        Command::Generate { from, scale, out, seed } => generate_cmd(&from, scale, &out, seed),
        Command::Topics { json } => {
            let engine = open_engine(&cli.archive, &cli.index)?;
            print::topics(&engine, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn index_cmd(archive: &Path, index_dir: &Path, rebuild: bool, json: bool) -> Result<ExitCode> {
    let bar = Bar::new(!json);
    let summary = index::update(archive, index_dir, &Options { rebuild }, &bar)
        .with_context(|| format!("indexing {} into {}", archive.display(), index_dir.display()))?;
    bar.finish();
    print::index_summary(&summary, json)?;
    Ok(ExitCode::SUCCESS)
}

fn export_cmd(archive: &Path, out: Option<&Path>) -> Result<ExitCode> {
    let taxonomy = Taxonomy::for_archive(archive)?;
    let summary = match out {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            chatlore::export::ndjson(archive, &taxonomy, &mut std::io::BufWriter::new(file))?
        }
        None => chatlore::export::ndjson(archive, &taxonomy, &mut std::io::BufWriter::new(std::io::stdout().lock()))?,
    };
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!("chatlore: exported {} messages of {} logs", summary.messages, summary.files);
    Ok(ExitCode::SUCCESS)
}

fn generate_cmd(from: &Path, scale: usize, out: &Path, seed: u64) -> Result<ExitCode> {
    anyhow::ensure!(scale >= 1, "--scale must be 1 or more");
    anyhow::ensure!(!out.exists(), "{} exists already; give a new folder", out.display());
    let started = Instant::now();
    let model = chatlore::generate::Model::learn(from)?;
    let (files, messages) = model.write(out, scale, seed)?;
    eprintln!(
        "chatlore: wrote {files} logs, {messages} messages to {} in {:.1} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `index --watch`: an update now, then one after every change to the archive, until Ctrl-C
/// (which lets a running update finish and commit).
fn watch_cmd(archive: &Path, index_dir: &Path, rebuild: bool, json: bool) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&stop);
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst)).context("installing the Ctrl-C handler")?;
    let mut watcher = ArchiveWatcher::new(archive, Some(index_dir))?;
    let mut options = Options { rebuild };
    let mut due = true;
    let mut retry_at: Option<Instant> = None;
    eprintln!("chatlore: watching {} for new, changed and removed logs; Ctrl-C stops", archive.display());
    while !stop.load(Ordering::SeqCst) {
        due |= watcher.wait(Duration::from_millis(200)) || retry_at.is_some_and(|t| Instant::now() >= t);
        if !due {
            continue;
        }
        due = false;
        retry_at = None;
        match index::update(archive, index_dir, &options, &index::writer::Silent) {
            Ok(summary) => print::index_summary(&summary, json)?,
            Err(IndexError::Busy(_)) => {
                eprintln!("chatlore: another process is indexing; trying again shortly");
                retry_at = Some(Instant::now() + Duration::from_secs(1));
            }
            // The archive is the user's: a bad moment (a folder being moved) is reported, and
            // the watch goes on.
            Err(e) => eprintln!("chatlore: error: {e}"),
        }
        options.rebuild = false;
    }
    eprintln!("chatlore: stopped watching");
    Ok(ExitCode::SUCCESS)
}

/// Opens the index; builds it first when there is none yet (a fresh clone), saying so.
fn open_engine(archive: &Path, index_dir: &Path) -> Result<Engine> {
    match Engine::open(index_dir) {
        Ok(e) => Ok(e),
        Err(IndexError::Missing(_)) => {
            eprintln!("chatlore: no index in {} yet; building it from {}", index_dir.display(), archive.display());
            let bar = Bar::new(true);
            let summary = index::update(archive, index_dir, &Options::default(), &bar)?;
            bar.finish();
            for w in &summary.warnings {
                eprintln!("warning: {w}");
            }
            Ok(Engine::open(index_dir)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn search_cmd(archive: &Path, index_dir: &Path, args: &SearchArgs) -> Result<ExitCode> {
    let mut query = Query::parse(&args.query.join(" ")).context("bad query")?;
    query.filters.extend(flag_filters(args)?);
    let engine = open_engine(archive, index_dir)?;
    let sort = match args.sort {
        SortArg::Relevance => Sort::Relevance,
        SortArg::Date => Sort::Newest,
        SortArg::Oldest => Sort::Oldest,
    };
    let page = Page { limit: (args.limit > 0).then_some(args.limit), offset: 0, sort };
    let results = engine.search(&query, page)?;
    let format = if args.json { Format::Json } else { args.format };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    print::hits(&engine, &query, &results, format, color)?;
    Ok(if results.total > 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `--from --since --until --topic --group` as query filters.
fn flag_filters(args: &SearchArgs) -> Result<Vec<Filter>> {
    let text = |field, v: &String| Filter { field, value: Value::Text(v.clone()), negated: false };
    let mut out: Vec<Filter> = args.from.iter().map(|v| text(Field::From, v)).collect();
    out.extend(args.topic.iter().map(|v| text(Field::Topic, v)));
    out.extend(args.group.iter().map(|v| text(Field::Group, v)));
    if args.since.is_some() || args.until.is_some() {
        let range = format!("{}..{}", args.since.as_deref().unwrap_or(""), args.until.as_deref().unwrap_or(""));
        let parsed = chatlore::query::DateRange::parse(&range).context("bad --since/--until")?;
        out.push(Filter { field: Field::Date, value: Value::Dates(parsed), negated: false });
    }
    Ok(out)
}

/// An indicatif bar on a terminal; nothing elsewhere.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new(wanted: bool) -> Bar {
        let on = wanted && std::io::stderr().is_terminal();
        Bar(on.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} logs {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        }))
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&self, files: u64) {
        if let Some(b) = &self.0 {
            b.set_length(files);
        }
    }

    fn advance(&self, files: u64) {
        if let Some(b) = &self.0 {
            b.inc(files);
        }
    }

    fn note(&self, message: &str) {
        match &self.0 {
            Some(b) => b.println(message),
            None => eprintln!("chatlore: {message}"),
        }
    }
}
