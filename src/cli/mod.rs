//! The command line: clap definitions and one function per subcommand. Flags are parsed
//! here into the core's types; printing lives in `print`.

pub(crate) mod print;

use anyhow::{Context, Result};
use chatlore::archive::layout::{self, Layout, LayoutError};
use chatlore::index::{self, IndexError, Options, Progress};
use chatlore::plural::count;
use chatlore::query::{Field, Filter, Query, TextTerm, Value};
use chatlore::search::{Engine, Page, SearchError, Sort};
use chatlore::topics::Taxonomy;
use chatlore::watch::ArchiveWatcher;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// chatlore: find past discussions of the payments-industry WeChat groups.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct CommandLine<C: Subcommand> {
    /// The archive folder: it holds `<group>/_posts/YYYY-MM-DD-chat.markdown` logs.
    #[arg(long, global = true, env = "CHATLORE_ARCHIVE", default_value = index::DEFAULT_ARCHIVE)]
    pub archive: PathBuf,
    /// The index folder (created if missing; a non-empty folder chatlore did not create is
    /// refused, and files of yours in one it did are kept).
    #[arg(long, global = true, env = "CHATLORE_INDEX", default_value = index::DEFAULT_INDEX)]
    pub index: PathBuf,
    #[command(subcommand)]
    pub command: Option<C>,
}

/// The command line with every subcommand.
pub type Cli = CommandLine<Command>;

/// The `search` subcommand alone: the tree [`parse`] tries first (help and errors come from
/// the full one, [`Command`]).
#[derive(Debug, Subcommand)]
enum SearchOnly {
    Search(SearchArgs),
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
        /// Follow symbolic links that lead outside the archive, for logs and for topics.yaml,
        /// glossary.yaml, people.yaml and <group>/index.html (not followed otherwise). The
        /// index remembers the choice: the browser and the MCP server update it the same way.
        #[arg(long)]
        follow: bool,
    },
    /// Search messages. Exit status: 0 with hits, 1 with none, 2 on error.
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// Search discussions: one entry per conversation, with its title, span and people.
    /// Without a query, every discussion in date order. Exit status: 0 with some, 1 with
    /// none, 2 on error.
    #[command(after_help = QUERY_HELP)]
    Discussions(DiscussionsArgs),
    /// People, not nicknames: without a query, everyone by messages, with their nicknames and
    /// company; with one, who knows about it, ranked by what they wrote about it (the sum of
    /// their best hits' scores), each with their best three messages. Exit status: 0 with
    /// some, 1 with none, 2 on error.
    #[command(after_help = QUERY_HELP)]
    People(PeopleArgs),
    /// Counts: files, messages, groups, months, topics, speakers, companies.
    Stats {
        /// Print the counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The topic taxonomy with message counts.
    Topics {
        /// One JSON object per topic.
        #[arg(long)]
        json: bool,
    },
    /// Export every message of the archive, one JSON object a line (for Quickwit and others).
    Export {
        /// Newline-delimited JSON: the only format, and the default (the flag is accepted).
        #[arg(long)]
        ndjson: bool,
        /// Write here instead of standard output (`-`: standard output). An existing file is
        /// replaced only when it is empty or a chatlore export, and only once the export is whole.
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
        /// The random seed: the same seed and source archive write the same logs.
        #[arg(long, default_value_t = 2017)]
        seed: u64,
    },
}

const QUERY_HELP: &str = "Query language: terms (all must match), A OR B (or A|B), \"phrases\", -excluded, \
=term (no glossary synonyms), from:NICK org:COMPANY group:GROUP topic:ID|label|keyword kind:text|link|image \
date:2017-08 | date:2017-08-01..2017-09-30 | date:2017..2018. \
Chinese matches as a substring; Latin words match whole, any case; full-width and traditional \
forms match their plain ones; a space or punctuation inside a phrase matches any separators or none. \
Words starting with - are exclusions, not flags (`search 对账 -跨境`); filters alone are a query.";

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Query words and filters (may be left out when flags filter).
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// One JSON object per hit (same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// human (for reading), json (one object per hit, as --json) or md (a Markdown notes file).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Hits to show; 0 means all (a larger number than there are hits shows them all).
    #[arg(long, default_value_t = 20, allow_negative_numbers = true)]
    pub limit: usize,
    /// Relevance (newest first when the query has no words), date (newest first) or oldest.
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
    /// Search the terms as typed, without their glossary synonyms (like `=term`).
    #[arg(long)]
    pub exact: bool,
    /// Colour the matches: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, clap::Args)]
pub struct DiscussionsArgs {
    /// Query words and filters (the same language as `search`); none lists every discussion.
    pub query: Vec<String>,
    /// One JSON object per discussion.
    #[arg(long)]
    pub json: bool,
    /// Discussions to show; 0 means all.
    #[arg(long, default_value_t = 20, allow_negative_numbers = true)]
    pub limit: usize,
    /// Relevance (date order, oldest first, when the query has no words), date (newest first)
    /// or oldest.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

#[derive(Debug, clap::Args)]
pub struct PeopleArgs {
    /// What they should know about (the same language as `search`); none lists everyone.
    pub query: Vec<String>,
    /// One JSON object per person.
    #[arg(long)]
    pub json: bool,
    /// People to show; 0 means all.
    #[arg(long, default_value_t = 10, allow_negative_numbers = true)]
    pub limit: usize,
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
    /// Newest first (also `newest`).
    #[value(alias = "newest")]
    Date,
    Oldest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Parses the command line. The query words of `search`, `discussions` and `people` may start
/// with `-` (`对账 -跨境`, `-from:陈默`): every argument after the command that is not one of its
/// flags (or a flag's value) is a query word, moved behind a `--` so that clap takes it as one. An unknown
/// `--word` stays a flag, for clap to report.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Cli, clap::Error> {
    let args: Vec<OsString> = args.into_iter().collect();
    // Most runs are searches: a tree holding only `search` parses them for a fraction of what
    // building every subcommand costs, with the same flags and so the same result. Anything
    // it does not parse to a search (another subcommand, help, version, any error) is parsed
    // again by the full tree, which prints what it always printed.
    if let Ok(CommandLine { archive, index, command: Some(SearchOnly::Search(search)) }) =
        parse_with::<SearchOnly>(args.clone())
    {
        return Ok(Cli { archive, index, command: Some(Command::Search(search)) });
    }
    parse_with::<Command>(args)
}

/// [`parse`] by the tree of subcommands `C`.
fn parse_with<C: Subcommand>(args: Vec<OsString>) -> Result<CommandLine<C>, clap::Error> {
    let mut command = CommandLine::<C>::command();
    // A variable set but empty (`CHATLORE_ARCHIVE=`) is taken as unset, as a shell's unset one
    // (clap would say a value is required for the flag, which was not given).
    for arg in ["archive", "index"] {
        let var = command.get_arguments().find(|a| a.get_id() == arg).and_then(|a| a.get_env().map(OsString::from));
        if var.and_then(std::env::var_os).is_some_and(|v| v.is_empty()) {
            command = command.mut_arg(arg, |a| a.env(None::<&'static str>));
        }
    }
    command.build();
    let args = query_words_last(&command, args);
    // The command built once serves both the reordering and the parse.
    let mut matches = command.try_get_matches_from_mut(args)?;
    CommandLine::<C>::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
}

fn query_words_last(command: &clap::Command, args: Vec<OsString>) -> Vec<OsString> {
    let takes_value = |cmd: &clap::Command, arg: &str| -> Option<bool> {
        let known = if let Some(long) = arg.strip_prefix("--") {
            let name = long.split_once('=').map_or(long, |(n, _)| n);
            cmd.get_arguments()
                .find(|a| a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name)))
                .map(|a| (a, long.contains('=')))
        } else {
            let mut chars = arg.strip_prefix('-')?.chars();
            let (c, rest) = (chars.next()?, chars.as_str());
            cmd.get_arguments().find(|a| a.get_short() == Some(c)).map(|a| (a, !rest.is_empty()))
        };
        known.map(|(a, attached)| a.get_action().takes_values() && !attached)
    };
    // The subcommand: the first argument that is not a top-level flag or a flag's value.
    let mut i = 1;
    while i < args.len() {
        let Some(arg) = args[i].to_str() else { return args };
        if arg.starts_with('-') {
            i += if takes_value(command, arg) == Some(true) { 2 } else { 1 };
            continue;
        }
        break;
    }
    // Every command that takes the query language.
    let name = args.get(i).and_then(|a| a.to_str()).filter(|n| ["search", "discussions", "people"].contains(n));
    let Some(search) = name.and_then(|n| command.find_subcommand(n)) else { return args };
    let (mut flags, mut words): (Vec<OsString>, Vec<OsString>) = (args[..=i].to_vec(), Vec::new());
    let mut rest = args[i + 1..].iter();
    while let Some(arg) = rest.next() {
        match arg.to_str() {
            Some("--") => {
                words.extend(rest.by_ref().cloned());
            }
            Some(a) if a.len() > 1 && a.starts_with('-') => match takes_value(search, a) {
                Some(value) => {
                    flags.push(arg.clone());
                    if value {
                        flags.extend(rest.next().cloned());
                    }
                }
                // A misspelt flag (`--limt`) is left for clap to report, not searched for.
                None if a.starts_with("--") => flags.push(arg.clone()),
                None => words.push(arg.clone()),
            },
            _ => words.push(arg.clone()),
        }
    }
    if !words.is_empty() {
        flags.push("--".into());
        flags.extend(words);
    }
    flags
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if let Err(value) = chatlore::index::reader::threads_asked() {
        say!(
            "chatlore: warning: {}={:?} is not a number of threads; ignored",
            chatlore::index::reader::THREADS_VARIABLE,
            value
        );
    }
    let command = cli.command.unwrap_or(Command::Browse);
    // Every command that reads or writes the index (`export` reads the archive alone).
    if !matches!(command, Command::Generate { .. } | Command::Export { .. }) {
        index::refuse_holding_archive(&cli.archive, &cli.index)?;
    }
    match command {
        Command::Browse => browse_cmd(&cli.archive, &cli.index),
        Command::Index { rebuild, json, watch: false, follow } => {
            check_archive(&cli.archive)?;
            index_cmd(&cli.archive, &cli.index, &Options { rebuild, follow: Some(follow) }, json)
        }
        Command::Index { rebuild, json, watch: true, follow } => {
            check_archive(&cli.archive)?;
            watch_cmd(&cli.archive, &cli.index, Options { rebuild, follow: Some(follow) }, json)
        }
        Command::Search(args) => search_cmd(&cli.archive, &cli.index, &args),
        Command::Discussions(args) => discussions_cmd(&cli.archive, &cli.index, &args),
        Command::People(args) => people_cmd(&cli.archive, &cli.index, &args),
        Command::Stats { json } => {
            let engine = open_engine(&cli.archive, &cli.index)?;
            print::stats(&engine, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { ndjson: _, out } => {
            check_archive(&cli.archive)?;
            export_cmd(&cli.archive, &cli.index, out.as_deref())
        }
        Command::Mcp => {
            check_archive(&cli.archive)?;
            chatlore::mcp::run(&cli.archive, &cli.index).map(|()| ExitCode::SUCCESS)
        }
        Command::Generate { from, scale, out, seed } => generate_cmd(&from, scale, &out, seed),
        Command::Topics { json } => {
            let engine = open_engine(&cli.archive, &cli.index)?;
            print::topics(&engine, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What repairs the index when `e` is the index's fault, said with the archive and index
/// folder given (see [`index::command`]), to follow the error.
pub fn repair(e: &anyhow::Error, archive: &Path, index_dir: &Path) -> Option<String> {
    e.chain().find_map(|cause| {
        let index = cause.downcast_ref::<IndexError>().and_then(|e| e.repair(archive, index_dir));
        index.or_else(|| cause.downcast_ref::<SearchError>().and_then(|e| e.repair(archive, index_dir)))
    })
}

/// Where to say how to point chatlore at an archive.
const ARCHIVE_HINT: &str =
    "give the archive folder with --archive DIR or the environment variable CHATLORE_ARCHIVE=DIR";

/// The archive folder is there and at the right level; otherwise an error that says which
/// folder fits, or how to give one. A folder with no logs is only a warning (its logs may all
/// have been removed). Nothing is created either way.
fn check_archive(archive: &Path) -> Result<()> {
    match layout::check(archive) {
        Ok(Layout::Fits) => Ok(()),
        Ok(Layout::Empty) => {
            say!("chatlore: warning: no chat logs in {}: expected {} below it", print::path(archive), layout::EXPECTED);
            Ok(())
        }
        Err(e) => match &e {
            LayoutError::Missing { .. } | LayoutError::NotADir(_) => {
                anyhow::bail!("{e}; {ARCHIVE_HINT} (it holds {})", layout::EXPECTED)
            }
            LayoutError::GroupFolder { archive, .. } | LayoutError::Parent { archive, .. } => {
                anyhow::bail!("{e}: run with --archive {}", archive.display())
            }
        },
    }
}

fn browse_cmd(archive: &Path, index_dir: &Path) -> Result<ExitCode> {
    // A wrong archive is the archive's fault, said before the browser opens.
    check_archive(archive)?;
    // Without a terminal the browser cannot draw; say so before the terminal library does
    // ("No such device or address").
    anyhow::ensure!(
        std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        "the browser needs a terminal, and standard input or output is not one; \
         `chatlore search QUERY` searches from scripts and pipes"
    );
    chatlore::tui::run(archive, index_dir)?;
    Ok(ExitCode::SUCCESS)
}

fn index_cmd(archive: &Path, index_dir: &Path, options: &Options, json: bool) -> Result<ExitCode> {
    let bar = Bar::new(!json);
    let summary = index::update(archive, index_dir, options, &bar)
        .with_context(|| format!("indexing {} into {}", archive.display(), index_dir.display()))?;
    bar.finish();
    print::index_summary(archive, &summary, json, bar.said_rebuild(), None)?;
    Ok(ExitCode::SUCCESS)
}

fn export_cmd(archive: &Path, index_dir: &Path, out: Option<&Path>) -> Result<ExitCode> {
    // As `index` does: a malformed topics.yaml is a warning, and the built-in topics are used.
    // It follows no symbolic link leading outside the archive, for logs as for topics.yaml.
    let (taxonomy, taxonomy_warning) = Taxonomy::for_archive(archive, false);
    if let Some(w) = taxonomy_warning {
        print::warning(&print::archive_warning(archive, &w));
    }
    let summary = match out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            outside_archive(
                path,
                archive,
                "the export is never written among the logs it reads (it could replace one)",
            )?;
            if let Some(to) = resolved(path) {
                anyhow::ensure!(
                    !index::holds_index_files(index_dir, &to),
                    "--out {} is among the files of the index {}: the export would damage it; give a path outside \
                     the index's own files",
                    print::path(path),
                    print::path(index_dir)
                );
            }
            export_to(path, |mut w| Ok(chatlore::export::ndjson(archive, &taxonomy, &mut w)?))?
        }
        None => chatlore::export::ndjson(archive, &taxonomy, &mut std::io::BufWriter::new(std::io::stdout().lock()))?,
    };
    for w in &summary.warnings {
        print::warning(&print::archive_warning(archive, w));
    }
    let (messages, logs) = (count(summary.messages, "message", "messages"), count(summary.files, "log", "logs"));
    say!("chatlore: exported {messages} of {logs}");
    Ok(ExitCode::SUCCESS)
}

/// Writes an export to `path`. A regular file there is the user's unless it is empty or a
/// chatlore export (its first line an export's object): theirs is refused, never truncated.
/// A regular file is written beside its place and renamed over it when complete, so a failed
/// export leaves the old one; a device or pipe (`/dev/null`) is written as it is.
fn export_to<T>(path: &Path, export: impl FnOnce(&mut dyn std::io::Write) -> Result<T, anyhow::Error>) -> Result<T> {
    let shown = || print::path(path);
    let existing = std::fs::metadata(path).ok();
    if let Some(meta) = existing.as_ref().filter(|m| !m.is_file()) {
        anyhow::ensure!(!meta.is_dir(), "--out {} is a folder; give a file name", shown());
        let mut file =
            std::fs::OpenOptions::new().write(true).open(path).with_context(|| format!("opening {}", shown()))?;
        return export(&mut file);
    }
    if existing.is_some() {
        anyhow::ensure!(
            is_export(path).with_context(|| format!("reading {}", shown()))?,
            "--out {} already holds a file that is not a chatlore export: chatlore replaces only its own \
             exports; move it away or give another path",
            shown()
        );
    }
    let target = resolved(path).with_context(|| format!("--out {}: its folder does not exist", shown()))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = target.with_file_name(format!(".{name}.chatlore-{}.tmp", std::process::id()));
    let written = (|| {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("writing --out {}: creating {}", shown(), print::path(&tmp)))?;
        if let Some(meta) = &existing {
            // The replaced export's permissions, not the umask's.
            let _ = file.set_permissions(meta.permissions());
        }
        let mut w = std::io::BufWriter::new(file);
        let value = export(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &target).with_context(|| format!("replacing {}", shown()))?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Whether the file at `path` is empty or starts with a line of `chatlore export`.
fn is_export(path: &Path) -> std::io::Result<bool> {
    use std::io::{BufRead, Read};
    let mut first = Vec::new();
    std::io::BufReader::new(std::fs::File::open(path)?).take(1 << 20).read_until(b'\n', &mut first)?;
    if first.is_empty() {
        return Ok(true);
    }
    let line: Option<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&first).ok();
    Ok(line.is_some_and(|o| ["id", "timestamp", "path", "line", "speaker", "text"].iter().all(|k| o.contains_key(*k))))
}

/// An error when writing to `out` would land inside `archive` (`why` says what that would do).
fn outside_archive(out: &Path, archive: &Path, why: &str) -> Result<()> {
    if let (Some(to), Ok(root)) = (resolved(out), archive.canonicalize()) {
        anyhow::ensure!(
            !to.starts_with(&root),
            "--out {} is inside the archive {}: {why}; give a path outside the archive",
            print::path(out),
            print::path(archive)
        );
    }
    Ok(())
}

/// Where writing to `path` lands: the file itself when it exists (a link followed), else its
/// folder, resolved, joined with its name; `None` when its folder does not exist either.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

fn generate_cmd(from: &Path, scale: usize, out: &Path, seed: u64) -> Result<ExitCode> {
    anyhow::ensure!(scale >= 1, "--scale must be 1 or more");
    anyhow::ensure!(!out.exists(), "{} exists already; give a new folder", out.display());
    outside_archive(out, from, "its synthetic logs would be indexed with the real ones")?;
    let started = Instant::now();
    let model = chatlore::generate::Model::learn(from)?;
    let (files, messages) = model.write(out, scale, seed)?;
    say!(
        "chatlore: wrote {}, {} to {} in {:.1} s",
        count(files, "log", "logs"),
        count(messages, "message", "messages"),
        print::path(out),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `index --watch`: an update now, then one after every change to the archive, until Ctrl-C
/// (which lets a running update finish and commit).
fn watch_cmd(archive: &Path, index_dir: &Path, mut options: Options, json: bool) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&stop);
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst)).context("installing the Ctrl-C handler")?;
    let mut watcher = ArchiveWatcher::new(archive, Some(index_dir))?;
    let mut due = true;
    let mut retry_at: Option<Instant> = None;
    // Warnings the last update printed: a standing one is said once, not after every change.
    let mut shown = index::SaidWarnings::default();
    say!("chatlore: watching {} for new, changed and removed logs; Ctrl-C stops", print::path(archive));
    while !stop.load(Ordering::SeqCst) {
        due |= watcher.wait(Duration::from_millis(200)) || retry_at.is_some_and(|t| Instant::now() >= t);
        if !due {
            continue;
        }
        due = false;
        retry_at = None;
        match index::update(archive, index_dir, &options, &index::writer::Silent) {
            Ok(summary) => print::index_summary(archive, &summary, json, false, Some(&mut shown))?,
            Err(IndexError::Busy(_)) => {
                say!("chatlore: another process is indexing; trying again shortly");
                retry_at = Some(Instant::now() + Duration::from_secs(1));
            }
            // The archive is the user's: a bad moment (a folder being moved) is reported, and
            // the watch goes on.
            Err(e) => say!(
                "chatlore: error: {}; still watching: the next change to the archive is tried again",
                print::clean(&e.to_string())
            ),
        }
        options.rebuild = false;
    }
    say!("chatlore: stopped watching");
    Ok(ExitCode::SUCCESS)
}

/// Opens the index; builds it first when there is none yet (a fresh clone), saying so.
/// An index built from another archive is an error, never an answer.
fn open_engine(archive: &Path, index_dir: &Path) -> Result<Engine> {
    let engine = open_or_build(archive, index_dir)?;
    if let Err(e) = engine.handle().check_archive(archive) {
        // A folder one level off is said as such first: rebuilding the index for it, as the
        // error would advise, is refused.
        check_archive(archive)?;
        return Err(e.into());
    }
    Ok(engine)
}

fn open_or_build(archive: &Path, index_dir: &Path) -> Result<Engine> {
    match Engine::open(index_dir) {
        Ok(e) => Ok(e),
        Err(IndexError::Missing(_)) => {
            // Checked first: a wrong archive must leave no empty index folder behind.
            check_archive(archive)?;
            let (index_dir_shown, archive_shown) = (print::path(index_dir), print::path(archive));
            if index::unfinished(index_dir) {
                say!(
                    "chatlore: the index in {index_dir_shown} is not complete (a build of it stopped before the end, \
                     or is still running); building it from {archive_shown}"
                );
            } else {
                say!("chatlore: no index in {index_dir_shown} yet; building it from {archive_shown}");
            }
            let bar = Bar::new(true);
            let summary = index::update(archive, index_dir, &Options::default(), &bar)?;
            bar.finish();
            for w in &summary.warnings {
                print::warning(&print::archive_warning(archive, w));
            }
            Ok(Engine::open(index_dir)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn search_cmd(archive: &Path, index_dir: &Path, args: &SearchArgs) -> Result<ExitCode> {
    let text = args.query.join(" ");
    let mut query = Query::parse(&text).context("bad query")?;
    // A flag bounds what the query asks (a script's `--since "$START"` around a user's query).
    query.narrow(flag_filters(args)?);
    // An empty term (`""`) is ignored; a query of nothing at all would list every message.
    anyhow::ensure!(
        !query.is_empty(),
        "nothing to search for: give words or filters (`chatlore search 对账`, `chatlore search --from 陈默`)"
    );
    if args.exact {
        query.terms.iter_mut().for_each(TextTerm::make_exact);
    }
    let engine = open_engine(archive, index_dir)?;
    let sort = args.sort.into();
    let page = Page { limit: (args.limit > 0).then_some(args.limit), offset: 0, sort };
    let mut results = engine.search(&query, page)?;
    // Fewer hits than asked for by relevance: the page goes on with the messages of the
    // discussions that hold every term between them.
    let mut near = match page.limit {
        Some(limit) if sort == Sort::Relevance && results.hits.len() < limit => {
            engine.near(&query, limit - results.hits.len())?
        }
        _ => Vec::new(),
    };
    let format = if args.json { Format::Json } else { args.format };
    if format == Format::Json {
        engine.name_people(results.hits.iter_mut().chain(near.iter_mut()))?;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if format == Format::Human {
        // What the glossary added, on stderr so that piped hits stay clean.
        for added in engine.expand(&query).expansions() {
            say!("{} (=term or --exact: only as typed)", added.read());
        }
    }
    print::hits(&engine, &query, &results, &near, format, color)?;
    if results.total == 0 {
        say_why_none(chatlore::no_hits::why_none(&engine, &query, Some(0)), archive, index_dir);
    }
    let code = if results.total > 0 { ExitCode::SUCCESS } else { ExitCode::from(1) };
    // The process ends here: leaving the open index to the exit, which unmaps its files and
    // frees its memory at once, spares a search the munmap of each file and the frees.
    std::mem::forget(engine);
    Ok(code)
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        }
    }
}

fn discussions_cmd(archive: &Path, index_dir: &Path, args: &DiscussionsArgs) -> Result<ExitCode> {
    let query = Query::parse(&args.query.join(" ")).context("bad query")?;
    given_query_holds_something(&args.query, &query, "discussions", "every discussion")?;
    let engine = open_engine(archive, index_dir)?;
    let results = engine.discussions(&query, (args.limit > 0).then_some(args.limit), args.sort.into())?;
    print::discussions(&results, args.json)?;
    if results.total == 0 && !query.is_empty() {
        say_why_none(chatlore::no_hits::why_no_discussion(&engine, &query), archive, index_dir);
    }
    Ok(if results.total > 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `discussions` and `people` list `all` without a query; a query given (`words`) that holds
/// no words or filters (`""`, as a script's empty variable gives it) is refused, as
/// `search ""` is, rather than taken for none.
fn given_query_holds_something(words: &[String], query: &Query, command: &str, all: &str) -> Result<()> {
    anyhow::ensure!(
        words.is_empty() || !query.is_empty(),
        "nothing to search for: the query given holds no words or filters; give some (`chatlore {command} 对账`), \
         or no query to list {all}"
    );
    Ok(())
}

/// Why a query found nothing (`why`, see [`chatlore::no_hits`]), on stderr as the summary is;
/// and, when the archive has moved on since the index was last updated, that an `index` run
/// may find what this search could not (a search reads the index as it was built).
fn say_why_none(why: Option<String>, archive: &Path, index_dir: &Path) {
    // The search found nothing whatever the explanation does: a failure of it is a note, not
    // an error (exit 1, as for any search that finds nothing).
    if let Some(why) = why {
        say!("{}", print::clean_line(&why));
    }
    if let Some(stale) = index::stale_note(archive, index_dir) {
        say!("chatlore: note: {}", print::clean_line(&stale));
    }
}

fn people_cmd(archive: &Path, index_dir: &Path, args: &PeopleArgs) -> Result<ExitCode> {
    let query = Query::parse(&args.query.join(" ")).context("bad query")?;
    given_query_holds_something(&args.query, &query, "people", "everyone")?;
    let engine = open_engine(archive, index_dir)?;
    let limit = if args.limit == 0 { usize::MAX } else { args.limit };
    for nick in engine.unknown_in_rules()? {
        let file = print::path(&archive.join(chatlore::people::RULES_FILE));
        say!("chatlore: warning: {file}: no message was posted as `{}`", print::clean(&nick));
    }
    let shown = if query.is_empty() {
        let people = engine.people()?;
        print::people(&people.persons[..people.persons.len().min(limit)], args.json)?;
        people.persons.len()
    } else {
        let who = chatlore::who::who_knows(&engine, &query, limit)?;
        print::who_knows(&who, &engine.mention_names()?, limit, args.json)?;
        if who.experts.is_empty() {
            say_why_none(chatlore::no_hits::why_none(&engine, &query, None), archive, index_dir);
        }
        who.experts.len()
    };
    Ok(if shown > 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `--from --since --until --topic --group` as query filters (each of a flag's values ORed,
/// the flags ANDed with the query's filters: see [`Query::narrow`]).
fn flag_filters(args: &SearchArgs) -> Result<Vec<Filter>> {
    let text = |field, v: &String| Filter { field, value: Value::Text(v.clone()), negated: false, narrows: true };
    let mut out: Vec<Filter> = args.from.iter().map(|v| text(Field::From, v)).collect();
    out.extend(args.topic.iter().map(|v| text(Field::Topic, v)));
    out.extend(args.group.iter().map(|v| text(Field::Group, v)));
    if args.since.is_some() || args.until.is_some() {
        let (since, until) = (args.since.as_deref().unwrap_or(""), args.until.as_deref().unwrap_or(""));
        // Each flag on its own first, so an error names the flag and the value given, and says
        // what the flag takes: one date (`2018-13..`, or `date:`'s ranges, are not for it).
        for (flag, value, other) in [("--since", since, "--until"), ("--until", until, "--since")] {
            let date = !value.contains("..") && chatlore::query::DateRange::parse(value).is_ok();
            anyhow::ensure!(
                value.is_empty() || date,
                "bad {flag} `{value}`: not a date; give YYYY, YYYY-MM or YYYY-MM-DD (`{flag} 2017-08`), and {other} \
                 for the other end of a range"
            );
        }
        let parsed = chatlore::query::DateRange::parse(&format!("{since}..{until}")).context("bad --since/--until")?;
        out.push(Filter { field: Field::Date, value: Value::Dates(parsed), negated: false, narrows: true });
    }
    Ok(out)
}

/// An indicatif bar on a terminal; nothing elsewhere.
struct Bar(Option<indicatif::ProgressBar>, AtomicBool);

impl Bar {
    fn new(wanted: bool) -> Bar {
        let on = wanted && std::io::stderr().is_terminal();
        let bar = on.then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} indexing [{bar:30}] {pos}/{len} logs {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        });
        Bar(bar, AtomicBool::new(false))
    }

    /// Whether a note already told why the index was rebuilt.
    fn said_rebuild(&self) -> bool {
        self.1.load(Ordering::SeqCst)
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

    /// Said above a live bar (a long rebuild says why at its start); without one the summary
    /// says it at the end.
    fn note(&self, message: &str) {
        if let Some(b) = &self.0 {
            self.1.store(true, Ordering::SeqCst);
            b.println(print::clean(message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parse gives, comparable: the parsed command line, or the error as printed.
    fn outcome(parsed: Result<Cli, clap::Error>) -> String {
        match parsed {
            Ok(cli) => format!("{cli:?}"),
            Err(e) => format!("error {:?}: {}", e.kind(), e.render()),
        }
    }

    const WORDS: &[&str] = &[
        "search",
        "--json",
        "--limit",
        "5",
        "--sort",
        "newest",
        "网联",
        "-跨境",
        "--from",
        "陈默",
        "--archive",
        "a",
        "--index=i",
        "--",
        "--help",
        "-h",
        "--version",
        "-V",
        "index",
        "--color",
        "always",
        "--limt",
        "0",
        "--format",
        "md",
        "--exact",
        "topic:对账",
        "help",
        "people",
        "--topic",
        "x",
        "-",
        "--since",
        "2018",
    ];

    #[test]
    fn the_search_only_tree_parses_as_the_full_one() {
        for args in [
            vec!["search", "网联"],
            vec!["--archive", "a", "search", "--json", "对账", "-跨境", "--limit", "0"],
            vec!["search", "--help"],
            vec!["search", "--limt", "3", "x"],
            vec!["index", "--json"],
            vec![],
            vec!["--version"],
            vec!["help", "search"],
        ] {
            let argv: Vec<OsString> =
                std::iter::once("chatlore").chain(args.iter().copied()).map(OsString::from).collect();
            assert_eq!(outcome(parse(argv.clone())), outcome(parse_with::<Command>(argv)), "{args:?}");
        }
    }

    #[test]
    fn every_option_of_every_command_says_what_it_does() {
        fn check(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.get_help().is_none() && !matches!(id, "help" | "version") {
                    missing.push(format!("{path} --{id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        check(&Cli::command(), "chatlore", &mut missing);
        assert!(missing.is_empty(), "options without help: {missing:?}");
    }

    proptest::proptest! {
        #[test]
        fn any_command_line_parses_as_the_full_tree_parses_it(
            global in proptest::option::of(0..WORDS.len()),
            picks in proptest::collection::vec(0..WORDS.len(), 0..7),
        ) {
            // Mostly searches (the fast path), after a top-level word or none.
            let first = global.map(|i| WORDS[i]).into_iter().chain(["search"]);
            let words = first.chain(picks.iter().map(|&i| WORDS[i]));
            let argv: Vec<OsString> = std::iter::once("chatlore").chain(words).map(OsString::from).collect();
            proptest::prop_assert_eq!(outcome(parse(argv.clone())), outcome(parse_with::<Command>(argv)));
        }
    }
}
