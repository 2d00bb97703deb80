//! The loader: finds the chat logs under an archive folder and reads each into a [`Day`] of
//! [`Message`]s. The layout is the Jekyll site's `<group>/_posts/YYYY-MM-DD-chat.markdown`;
//! any `.markdown`/`.md` file below a group folder is read. A file that cannot be read is
//! reported as a [`Warning`] naming its path and the reason, and the run goes on.

mod dating;
mod decode;
mod front_matter;
mod header;
pub mod layout;
pub mod markdown;
mod parse;

pub use decode::{DecodeError, Decoded};
pub use header::header;
pub use markdown::{Kind, Span};
pub use parse::{time_label, Message};

use crate::date::Date;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// One group's log of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// Path relative to the archive root, `/`-separated.
    pub path: String,
    /// The first folder under the archive root (`proddev`, `devarch`, …).
    pub group: String,
    pub date: Date,
    pub messages: Vec<Message>,
}

impl Day {
    /// The nicknames with white space in them that posted in the log: a mention in it reads
    /// them whole ([`crate::text::mention_spans_among`]).
    pub fn spaced_speakers(&self) -> Vec<&str> {
        crate::text::spaced_names(self.messages.iter().map(|m| m.speaker.as_str()))
    }
}

/// Something in the archive that could not be read as it should; the run went on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Warning {
    /// Path relative to the archive root (or the root itself).
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A log file found in the archive, not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// Relative, `/`-separated: the file's identity in the index and the manifest.
    pub path: String,
    pub abs: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 if unknown).
    pub mtime_ns: u64,
    /// Status-change time (ns) and inode, 0 where the platform has none.
    pub ctime_ns: u64,
    pub ino: u64,
}

impl LogFile {
    /// The file at `abs`, known by `path`, as its metadata describes it now.
    pub fn new(path: String, abs: PathBuf, m: &std::fs::Metadata) -> LogFile {
        let ns = |d: std::time::Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let mtime_ns = m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, ns);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            let secs = u64::try_from(m.ctime()).unwrap_or(0);
            let nanos = u64::try_from(m.ctime_nsec()).unwrap_or(0);
            (secs.saturating_mul(1_000_000_000).saturating_add(nanos), m.ino())
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (0, 0);
        LogFile { path, abs, size: m.len(), mtime_ns, ctime_ns, ino }
    }
}

/// The archive folder itself is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive folder {path}: {source}")]
    Root { path: PathBuf, source: std::io::Error },
    #[error("archive folder {0} is not a folder")]
    NotADir(PathBuf),
}

/// What the archive holds: the logs that loaded, and what did not.
#[derive(Debug, Default)]
pub struct Archive {
    pub days: Vec<Day>,
    pub warnings: Vec<Warning>,
}

impl Archive {
    pub fn message_count(&self) -> usize {
        self.days.iter().map(|d| d.messages.len()).sum()
    }
}

/// Lists every log file under `root`, sorted by path. Unreadable entries (permissions, symlink
/// loops) become warnings. Hidden folders and files directly in the root are not logs.
/// Symbolic links leading outside the archive are not followed (one warning names them).
pub fn list_logs(root: &Path) -> Result<(Vec<LogFile>, Vec<Warning>), ArchiveError> {
    list_logs_with(root, false)
}

/// [`list_logs`], following symbolic links that lead outside the archive when `follow`.
pub fn list_logs_with(root: &Path, follow: bool) -> Result<(Vec<LogFile>, Vec<Warning>), ArchiveError> {
    let meta = std::fs::metadata(root).map_err(|source| ArchiveError::Root { path: root.into(), source })?;
    if !meta.is_dir() {
        return Err(ArchiveError::NotADir(root.into()));
    }
    let canonical_root =
        std::fs::canonicalize(root).map_err(|source| ArchiveError::Root { path: root.into(), source })?;
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let outside = std::cell::RefCell::new(Vec::new());
    let walker = walkdir::WalkDir::new(root).follow_links(true).min_depth(1).into_iter().filter_entry(|e| {
        if e.file_name().to_string_lossy().starts_with('.') {
            return false;
        }
        // A dangling link does not resolve: the walk reports it.
        let leaves = e.path_is_symlink() && leads_outside(&canonical_root, e.path());
        // Only a folder or a log is news here: a side file behind a link is named by its reader.
        let matters = e.file_type().is_dir() || (e.depth() >= 2 && is_log_name(e.path()));
        if leaves && !follow && matters {
            outside.borrow_mut().push(relative(root, e.path()));
        }
        follow || !leaves
    });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map_or_else(|| ".".to_owned(), |p| relative(root, p));
                warnings.push(Warning { path, reason: walk_reason(&err) });
                continue;
            }
        };
        if entry.depth() < 2 || entry.file_type().is_dir() || !is_log_name(entry.path()) {
            continue;
        }
        let path = relative(root, entry.path());
        if !entry.file_type().is_file() {
            // A FIFO or device named like a log: reading it could block forever.
            warnings.push(Warning { path, reason: "not a regular file".into() });
            continue;
        }
        match entry.metadata() {
            Ok(m) => files.push(LogFile::new(path, entry.into_path(), &m)),
            Err(err) => warnings.push(Warning { path, reason: walk_reason(&err) }),
        }
    }
    let mut outside = outside.into_inner();
    if let Some(first) = outside.first().cloned() {
        outside.sort();
        let others = outside.len() - 1;
        let more = crate::plural::count(others, "more such link", "more such links");
        let more = if others > 0 { format!(" (and {more})") } else { String::new() };
        warnings.push(Warning { path: first, reason: format!("{OUTSIDE}{more}; `index --follow` follows them") });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, warnings))
}

/// Why a log or a side file behind a symbolic link was not read (`--follow` reads it).
const OUTSIDE: &str = "symbolic link leading outside the archive, not followed";

/// Whether `path` resolves to somewhere outside the archive whose canonical path is
/// `canonical_root` (a path that does not resolve does not: reading it says what is wrong).
fn leads_outside(canonical_root: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|target| !target.starts_with(canonical_root))
}

fn walk_reason(err: &walkdir::Error) -> String {
    if err.loop_ancestor().is_some() {
        "symbolic link loop, not followed".to_owned()
    } else {
        err.io_error().map_or_else(|| err.to_string(), |e| e.to_string())
    }
}

fn is_log_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("markdown") || e.eq_ignore_ascii_case("md"))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Reads and parses one log. `Err` is the reason the file is not a chat log; `Ok` may carry
/// warnings about parts of it (messages are never dropped for them).
pub fn read_log(file: &LogFile) -> Result<(Day, Vec<Warning>), Warning> {
    let fail = |reason: String| Warning { path: file.path.clone(), reason };
    let bytes = read_log_bytes(&file.abs).map_err(fail)?;
    parse_log(&file.path, &bytes).map_err(fail)
}

/// What the loader reads from a log's bytes, versioned: raised whenever the same bytes give
/// other messages or warnings (2: irregular headers read, a GBK line decoded, a damaged first
/// header kept; 3: a `*`, `_`, list number or `#` that markdown took for markup kept as
/// written; 4: a text log with a few NUL bytes read without them, where it was refused as
/// binary), so that an index built by an older loader is rebuilt, not updated (an update
/// keeps the entries of the logs whose files did not change, and does not read again a file it
/// found not to be a log until it changes).
pub const LOADER_VERSION: u32 = 4;

/// The most a log is read up to: the real archive's largest is 200 KB. A bigger file (a sparse
/// or runaway one) is a warning, not its size in memory.
pub const MAX_LOG_BYTES: u64 = 256 * 1024 * 1024;

/// A log's bytes, under [`read_regular`]'s rules with [`MAX_LOG_BYTES`] (a FIFO put in a log's
/// place after the walk would block); `Err` says why not.
pub fn read_log_bytes(path: &Path) -> Result<Vec<u8>, String> {
    read_regular(path, MAX_LOG_BYTES).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => format!("{e} for a log; not read"),
        _ => format!("cannot read: {e}"),
    })
}

/// A size as a person reads it: in MiB (`300 MiB`, `256.5 MiB`), KiB, or bytes.
fn size_said(bytes: u64) -> String {
    let said = |n: u64, unit: u64, name: &str| {
        if n.is_multiple_of(unit) {
            format!("{} {name}", n / unit)
        } else {
            format!("{:.1} {name}", n as f64 / unit as f64)
        }
    };
    match bytes {
        n if n >= 1 << 20 => said(n, 1 << 20, "MiB"),
        n if n >= 1 << 10 => said(n, 1 << 10, "KiB"),
        n => crate::plural::count(n, "byte", "bytes"),
    }
}

/// Parses a log's bytes; `path` is its archive-relative path (it gives group and date).
pub fn parse_log(path: &str, bytes: &[u8]) -> Result<(Day, Vec<Warning>), String> {
    let Decoded { text, notes } = decode::decode(bytes).map_err(|e| e.to_string())?;
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let fm = front_matter::split(&lines);
    // What a reader is told about the log, in the order of its parts: bytes, front matter, body.
    let mut reasons = notes;
    if let Some(err) = &fm.yaml_error {
        reasons.push(format!("front matter is not valid YAML ({err}); its fields were read line by line"));
    }
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let (date, date_warning) = dating::date_of(&fm, file_name)?;
    reasons.extend(date_warning);
    let body = parse::messages(&lines, fm.body_start);
    reasons.extend(body.warnings);
    let warnings = reasons.into_iter().map(|reason| Warning { path: path.to_owned(), reason }).collect();
    let group = path.split('/').next().unwrap_or_default().to_owned();
    Ok((Day { path: path.to_owned(), group, date, messages: body.messages }, warnings))
}

/// Reads one log by its archive-relative path (the browser opens a hit's day with this).
pub fn load_day(root: &Path, path: &str) -> Result<Day, Warning> {
    let abs = root.join(path);
    let meta =
        std::fs::metadata(&abs).map_err(|e| Warning { path: path.to_owned(), reason: format!("cannot read: {e}") })?;
    let file = LogFile::new(path.to_owned(), abs, &meta);
    read_log(&file).map(|(day, _)| day)
}

/// Reads the given log files in parallel. Files that fail become warnings.
pub fn read_logs(files: &[LogFile]) -> (Vec<Day>, Vec<Warning>) {
    let results: Vec<_> = files.par_iter().map(read_log).collect();
    let mut days = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    for r in results {
        match r {
            Ok((day, w)) => {
                days.push(day);
                warnings.extend(w);
            }
            Err(w) => warnings.push(w),
        }
    }
    (days, warnings)
}

/// Loads the whole archive.
pub fn load(root: &Path) -> Result<Archive, ArchiveError> {
    let (files, mut warnings) = list_logs(root)?;
    let (days, read_warnings) = read_logs(&files);
    warnings.extend(read_warnings);
    Ok(Archive { days, warnings })
}

/// The most an optional side file (`<group>/index.html`, `topics.yaml`) may hold.
pub const SIDE_FILE_CAP: u64 = 1024 * 1024;

/// Reads an optional side file (or one of the browser's lists of searches): only a regular
/// file (a FIFO or a device would block or never end), of at most `cap` bytes. A missing file
/// is `NotFound`, as `std::fs::read` says.
pub(crate) fn read_regular(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let refuse = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
    let too_big = |what: String| std::io::Error::new(std::io::ErrorKind::FileTooLarge, what);
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse("not a regular file".to_owned()));
    }
    if meta.len() > cap {
        let size = match meta.len() {
            n if n < 1 << 10 => size_said(n),
            n => format!("{} ({n} bytes)", size_said(n)),
        };
        return Err(too_big(format!("{size}, over the {} limit", size_said(cap))));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_big(format!("over the {} limit (it grew while it was read)", size_said(cap))));
    }
    Ok(bytes)
}

/// Reads the optional side file `rel` of the archive `root` (`topics.yaml`,
/// `<group>/index.html`) under [`read_regular`]'s rules: `Ok(None)` when there is none. Unless
/// `follow`, one that resolves outside the archive (a symbolic link, or a link on the way to
/// it) is refused, as logs are.
fn read_side_file(root: &Path, rel: &Path, follow: bool) -> std::io::Result<Option<Vec<u8>>> {
    let read = || {
        let path = root.join(rel);
        if !follow && leads_outside(&std::fs::canonicalize(root)?, &path) {
            return Err(std::io::Error::other(format!("{OUTSIDE}; `index --follow` follows it")));
        }
        read_regular(&path, SIDE_FILE_CAP)
    };
    match read() {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The YAML file `name` of the archive folder (`topics.yaml`, `glossary.yaml`, `people.yaml`)
/// parsed by `parse` (given its text and path), or `fallback.0()` when there is none. A file
/// that cannot be used (unreadable, not a regular file, too big, not UTF-8, a link leading
/// outside the archive unless `follow`, or refused by `parse`) gives `fallback.0()` too, and a
/// warning naming the file once, saying why and then `fallback.1` (what is used instead).
pub(crate) fn yaml_file<T>(
    archive: &Path,
    name: &str,
    follow: bool,
    parse: impl FnOnce(&str, &Path) -> Result<T, crate::yaml::FileError>,
    fallback: (impl FnOnce() -> T, &str),
) -> (T, Option<Warning>) {
    let (default, instead) = fallback;
    let text = read_side_file(archive, Path::new(name), follow)
        .and_then(|bytes| bytes.map(String::from_utf8).transpose().map_err(std::io::Error::other));
    let problem = match text {
        Ok(None) => return (default(), None),
        Ok(Some(text)) => match parse(&text, &archive.join(name)) {
            Ok(value) => return (value, None),
            Err(e) => e.problem.to_string(),
        },
        Err(e) => e.to_string(),
    };
    (default(), Some(Warning { path: name.to_owned(), reason: format!("{problem}; {instead}") }))
}

/// Display names of groups, from the front matter `author:` of `<group>/index.html` where
/// the site has one (`proddev` → `支付产品技术交流群`), and a warning for each such file that
/// cannot be read (the folder's name is shown for its group). `follow` as for logs: a group
/// folder leading outside the archive is skipped without a word (the walk for logs names it).
pub fn group_names(root: &Path, follow: bool) -> (BTreeMap<String, String>, Vec<Warning>) {
    let mut names = BTreeMap::new();
    let mut warnings = Vec::new();
    let (Ok(canonical_root), Ok(entries)) = (std::fs::canonicalize(root), std::fs::read_dir(root)) else {
        return (names, warnings);
    };
    for entry in entries.flatten() {
        let group = entry.file_name().to_string_lossy().into_owned();
        let dir = entry.path();
        if group.starts_with('.') || !dir.is_dir() || (!follow && leads_outside(&canonical_root, &dir)) {
            continue;
        }
        let rel = Path::new(&entry.file_name()).join("index.html");
        match read_side_file(root, &rel, follow) {
            Ok(Some(bytes)) => {
                let author = decode::decode(&bytes).ok().and_then(|d| {
                    let lines: Vec<&str> = d.text.lines().collect();
                    front_matter::split(&lines).author
                });
                names.extend(author.map(|a| (group, a)));
            }
            Ok(None) => {}
            Err(e) => warnings.push(Warning {
                path: format!("{group}/index.html"),
                reason: format!("{e}; the folder's name is shown for the group"),
            }),
        }
    }
    warnings.sort_by(|a, b| a.path.cmp(&b.path));
    (names, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_header_time_is_a_warning_naming_the_line() {
        let log = "---\ndate: 2017-08-15 12:00:00\n---\n> 08:00:00  甲\n上文\n> 25:61:61  乙\n";
        let (day, warnings) = parse_log("g/_posts/2017-08-15-chat.markdown", log.as_bytes()).unwrap();
        assert_eq!(day.messages.len(), 1);
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["g/_posts/2017-08-15-chat.markdown: line 6: `> 25:61:61` is not a time of day; the line and the text after it are kept in the message before it (line 4)"]
        );
    }

    #[test]
    fn date_from_front_matter_then_title_then_file_name() {
        let with_date = "---\ndate: 2017-08-15 12:00:00\ntitle: \"2017-01-01-WeChat\"\n---\n> 08:00:00  a\nx\n";
        assert_eq!(
            parse_log("g/_posts/2016-01-01-chat.markdown", with_date.as_bytes()).unwrap().0.date.to_string(),
            "2017-08-15"
        );
        let title_only = "---\ntitle: \"2017-01-02-WeChat\"\n---\n> 08:00:00  a\nx\n";
        assert_eq!(
            parse_log("g/_posts/2016-01-01-chat.markdown", title_only.as_bytes()).unwrap().0.date.to_string(),
            "2017-01-02"
        );
        let none = "> 08:00:00  a\nx\n";
        let (day, warnings) = parse_log("g/_posts/2016-01-03-chat.markdown", none.as_bytes()).unwrap();
        assert_eq!((day.date.to_string(), day.group.as_str(), warnings.len()), ("2016-01-03".to_owned(), "g", 0));
    }

    #[test]
    fn crlf_and_bom_load() {
        let text = "\u{FEFF}---\r\ndate: 2017-08-15\r\n---\r\n> 08:00:00  a  \r\n对账  \r\n";
        let (day, _) = parse_log("g/x.md", text.as_bytes()).unwrap();
        assert_eq!(day.messages.len(), 1);
        assert_eq!(day.messages[0].text, "对账");
    }

    #[test]
    fn side_files_are_read_only_when_regular_and_small() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("index.html");
        std::fs::write(&file, "---\nauthor: 群\n---\n").unwrap();
        assert_eq!(read_regular(&file, 100).unwrap().len(), 20);
        assert_eq!(read_regular(&file, 10).unwrap_err().to_string(), "20 bytes, over the 10 bytes limit");
        assert!(read_regular(dir.path(), 100).unwrap_err().to_string().contains("not a regular file"));
        assert!(read_regular(Path::new("/dev/zero"), 100).unwrap_err().to_string().contains("not a regular file"));
        let missing = read_regular(&dir.path().join("none"), 100).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
    }

    /// README, When things go wrong: side files are read "only when they are regular files of
    /// at most 1 MiB"; a bigger one is a warning naming it, and the default is used.
    #[test]
    fn a_side_file_of_1_mib_is_read_and_one_byte_more_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let read = |bytes: usize| {
            std::fs::write(dir.path().join("topics.yaml"), "#".repeat(bytes)).unwrap();
            yaml_file(
                dir.path(),
                "topics.yaml",
                false,
                |text, _| Ok(text.len()),
                (|| 0, "the built-in default is used"),
            )
        };
        assert_eq!(read(1 << 20), (1 << 20, None), "1 MiB is read");
        let (value, warning) = read((1 << 20) + 1);
        let warning = warning.expect("a warning");
        assert_eq!((value, warning.path.as_str()), (0, "topics.yaml"));
        assert_eq!(warning.reason, "1.0 MiB (1048577 bytes), over the 1 MiB limit; the built-in default is used");
    }

    #[test]
    fn a_file_with_no_date_anywhere_is_refused_with_a_reason() {
        let err = parse_log("g/notes.md", b"> 08:00:00  a\nx\n").unwrap_err();
        assert!(err.contains("no date"), "{err}");
    }
}
