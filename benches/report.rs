//! Shared by the benchmarks: timing statistics, the machine's description, and writing a
//! section of BENCHMARKS.md between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The common start of a benchmark: `None` when `cargo test --benches` only probes it with
/// `--list`; else the real archive, the query list and a scratch folder.
pub fn start() -> Option<(std::path::PathBuf, Vec<String>, tempfile::TempDir)> {
    if std::env::args().any(|a| a == "--list") {
        return None;
    }
    Some((real_archive(), queries(), tempfile::tempdir().unwrap()))
}

/// The `chatlore` binary on an archive and an index.
pub fn chatlore(archive: &Path, index: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chatlore"));
    c.arg("--archive").arg(archive).arg("--index").arg(index);
    c
}

/// `../shared/archive`, the real archive.
pub fn real_archive() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/archive")
}

/// The terms of `../shared/queries.txt`.
pub fn queries() -> Vec<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/queries.txt"))
        .expect("../shared/queries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Sorted samples.
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn collect(n: usize, mut f: impl FnMut() -> Duration) -> Samples {
        let mut v: Vec<Duration> = (0..n).map(|_| f()).collect();
        v.sort();
        Samples(v)
    }

    pub fn pct(&self, p: f64) -> Duration {
        let i = ((self.0.len() as f64 - 1.0) * p / 100.0).round() as usize;
        self.0[i.min(self.0.len() - 1)]
    }

    pub fn median(&self) -> Duration {
        self.pct(50.0)
    }
}

pub fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.0} ms")
    }
}

pub fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// Runs a command and returns its wall time and peak RSS in KiB.
pub fn run_measured(cmd: &mut Command) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 on our own child with valid out-pointers; the Child is not waited again.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(r, pid, "wait4 failed");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "command failed: {cmd:?}");
    std::mem::forget(child.stdin.take());
    drop(child);
    (elapsed, usage.ru_maxrss as u64)
}

/// `nproc`, CPU model and memory, for the report's header.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0)))
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let date = Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{date}, {cores} cores ({cpu}), {:.0} GiB RAM", mem as f64 / 1024.0 / 1024.0)
}

/// Replaces (or appends) the section `name` of BENCHMARKS.md.
pub fn write_section(name: &str, body: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        "# Benchmarks\n\nMade by `cargo bench` (each bench rewrites its own section). Targets are the issues'.\n".into()
    });
    let (start, end) = (format!("<!-- {name}:start -->"), format!("<!-- {name}:end -->"));
    let section = format!("{start}\n{}\n{end}", body.trim_end());
    let new = match (old.find(&start), old.find(&end)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &old[..a], &old[b + end.len()..]),
        _ => format!("{}\n{section}\n", old.trim_end()),
    };
    std::fs::write(&path, new).expect("write BENCHMARKS.md");
    println!("{body}");
}

/// `runs` full builds of `archive`, each into a new folder `full{i}` under `work`, sorted by
/// wall time: (wall time, peak RSS in KB) of each.
pub fn full_builds(archive: &Path, work: &Path, runs: usize) -> Vec<(Duration, u64)> {
    let mut full: Vec<(Duration, u64)> =
        (0..runs).map(|i| run_measured(chatlore(archive, &work.join(format!("full{i}"))).arg("index"))).collect();
    full.sort();
    full
}

/// The real archive's last day, the "new day" of the benchmarks.
pub const LAST_DAY: &str = "proddev/_posts/2018-06-05-chat.markdown";

/// The time to index one new day, `runs` times: `copy` (a copy of an archive, which this
/// changes) is indexed into `work/copy-index`, then each round its last real day is removed,
/// indexed, written back and indexed again (the second run is the one timed). Returns the
/// samples and the index.
pub fn one_new_day(copy: &Path, work: &Path, runs: usize) -> (Samples, std::path::PathBuf) {
    let day = copy.join(LAST_DAY);
    let day_bytes = std::fs::read(&day).unwrap();
    let copy_index = work.join("copy-index");
    run_measured(chatlore(copy, &copy_index).arg("index"));
    let one_day = Samples::collect(runs, || {
        std::fs::remove_file(&day).unwrap();
        run_measured(chatlore(copy, &copy_index).arg("index"));
        std::fs::write(&day, &day_bytes).unwrap();
        run_measured(chatlore(copy, &copy_index).arg("index")).0
    });
    (one_day, copy_index)
}
