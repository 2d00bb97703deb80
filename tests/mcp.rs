//! `chatlore mcp` driven by the reference Python MCP client (`tests/mcp_client.py`): initialize,
//! list tools, search 结售汇 by discussions and by messages with every line cited, read around a
//! hit and a whole discussion by its id, refusals of traversal paths, bad ids and malformed
//! calls, on the demo archive and on the real one.
//!
//! The client runs on `CHATLORE_MCP_PYTHON`, else `target/mcp-venv/bin/python` (`.ci/run`
//! creates it with `pip install mcp`); without either the tests skip, saying so, unless
//! `CHATLORE_REQUIRE_SHARED=1`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python_or_skip() -> Option<PathBuf> {
    let python = std::env::var_os("CHATLORE_MCP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python"));
    if python.exists() {
        return Some(python);
    }
    assert!(!require_shared(), "CHATLORE_REQUIRE_SHARED=1 but there is no MCP client at {}", python.display());
    println!("skipping: no Python with the mcp package at {} (set CHATLORE_MCP_PYTHON)", python.display());
    None
}

/// Runs the client's checks against `chatlore mcp` on `archive` with a fresh index.
fn client_check(python: &Path, archive: &Path, extra: &[&str]) -> String {
    let index = tempfile::tempdir().unwrap();
    client(python, archive, index.path(), "check", extra)
}

/// Runs the client in `mode` against `chatlore mcp` on `archive` and `index`; what it printed.
fn client(python: &Path, archive: &Path, index: &Path, mode: &str, extra: &[&str]) -> String {
    let out = Command::new(python)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py"))
        .arg(env!("CARGO_BIN_EXE_chatlore"))
        .arg(archive)
        .arg(index)
        .arg(mode)
        .args(extra)
        .output()
        .expect("the Python client runs");
    let (so, se) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "the MCP client's checks failed:\n{so}\n{se}");
    so
}

/// The index folder deleted under the running server (`rm -rf`) is rebuilt from the archive, as
/// the browser does: the call is answered (it was JSON-RPC error -32603, "Failed to acquire
/// Lockfile"), and its note on stderr said tantivy's error in Rust's debug form, `IoError(Os { code:
/// 2, kind: NotFound, … }). None`: now in words). When the rebuild fails, the answer is a tool error (`isError`) saying what
/// happened and the command that repairs the index, and the next call tries again.
#[test]
fn an_index_deleted_under_the_server_is_rebuilt() {
    let Some(python) = python_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    copy_tree(&demo_archive(), &archive);
    let out = client(&python, &archive, &dir.path().join("index"), "rebuild", &[]);
    for step in [
        "a generation deleted under the server is rebuilt, and said plainly",
        "a search after the index folder was deleted is answered from the index rebuilt",
        "a failed rebuild is a tool error naming the command that repairs the index",
        "the next call rebuilds the index once the archive is back",
    ] {
        assert!(out.contains(&format!("ok: {step}")), "missing `{step}` in:\n{out}");
    }
}

/// Logs that arrive, change or go while the server runs are searched as they are now, with
/// no call in between to prompt it (the server followed the archive only at its start). Bad
/// files that arrive are named on its stderr with why, once, and counted as files, not logs.
#[test]
fn the_server_follows_logs_that_arrive_change_and_go() {
    let Some(python) = python_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    copy_tree(&demo_archive(), &archive);
    let out = client(&python, &archive, &dir.path().join("index"), "follow", &[]);
    for step in [
        "a word of no log yet finds nothing",
        "a log written while the server runs is found, cited by its path",
        "a log changed while the server runs is searched as it is now",
        "a log removed while the server runs is found no more",
        "bad logs that arrive while the server runs are named, with why",
        "an update counts files added, and only the logs among them as logs",
        "a warning that stands is said once, and counted as before by later updates",
    ] {
        assert!(out.contains(&format!("ok: {step}")), "missing `{step}` in:\n{out}");
    }
}

#[test]
fn an_mcp_client_searches_reads_and_is_refused_on_the_demo_archive() {
    let Some(python) = python_or_skip() else { return };
    let out = client_check(&python, &demo_archive(), &[]);
    for step in [
        "initialize names the server",
        "five tools listed",
        "the input schemas state the bounds the server enforces",
        "every hit is cited as path:line in the text",
        "search 结售汇 finds discussions by default",
        "every line of every discussion is cited as path:line with date, time, group and speaker",
        "read by discussion id gives its messages, cited",
        "people stays within max_chars and says how many did not fit",
        "people refuses a max_chars out of range",
        "people without a query lists everyone by messages (['limit'])",
        "people without a query lists everyone by messages (['limit', 'query'])",
        "a from: that no speaker holds is refused",
        "search by discussions with an empty query lists every discussion, oldest first",
        "search by messages refuses an empty query",
        "search [('query', '\"\"')] refuses a query that holds nothing",
        "search [('by', 'messages'), ('query', '\"\"')] refuses a query that holds nothing",
        "people [('query', '\"\"')] refuses a query that holds nothing",
        "search =对账 gives highlights on the matched characters of each hit's text",
        "search POS gives highlights on the matched characters of each hit's text",
        "search 结售汇 gives highlights on the matched characters of each hit's text",
        "search =对账 by discussions gives highlights on the matched characters of titles and lines",
        "search 结售汇 by discussions gives highlights on the matched characters of titles and lines",
        "discussions listed without a term carry no highlights",
        "a discussion id outside the archive is refused",
        "a bad discussion id is refused",
        "read shows the hit marked among its neighbours",
        "a ../ path is refused",
        "an absolute path is refused",
        "a query of the wrong type is an error",
        "the server still answers after the errors",
    ] {
        assert!(out.contains(&format!("ok: {step}")), "missing `{step}` in:\n{out}");
    }
}

#[test]
fn an_mcp_client_searches_the_real_archive() {
    let Some(python) = python_or_skip() else { return };
    let Some(archive) = real_archive_or_skip() else { return };
    let out = client_check(&python, &archive, &["--real"]);
    assert!(out.contains("ok: the real archive's 92,240 messages"), "{out}");
    assert!(out.contains("ok: every hit is cited as path:line in the text"), "{out}");
    assert!(out.contains("ok: every line of every discussion is cited as path:line"), "{out}");
    assert!(out.contains("ok: a nickname with `，` after from: is found whole"), "{out}");
    assert!(out.contains("ok: people at limit 50 says how else to see the rest (['limit', 'max_chars'])"), "{out}");
    assert!(
        out.contains("ok: people at limit 50 says how else to see the rest (['limit', 'max_chars', 'query'])"),
        "{out}"
    );
}

#[test]
fn nothing_but_protocol_goes_to_stdout_and_a_bad_archive_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = chatlore(&dir.path().join("none"), &dir.path().join("index"), &["mcp"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "stdout is the protocol's: {}", stdout(&out));
    assert!(stderr(&out).contains("none"), "the error names the archive: {}", stderr(&out));
}

/// A client that closed the server's stderr (it reads only the protocol) still gets its
/// answers: the indexing warnings the server writes there are dropped, not a panic. With
/// `eprintln!` the first warning (a stray byte in a log) panicked on the closed pipe and the
/// server never answered `initialize`.
#[test]
fn a_client_that_closed_stderr_still_gets_answers() {
    use std::io::Write;
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let mut bytes = log("2017-08-01", &[("09:00:00", "甲", "网联对账")]).into_bytes();
    bytes.extend_from_slice("> 09:02:00  丙  \n跨境".as_bytes());
    bytes.push(0xB5);
    bytes.extend_from_slice("结售汇\n".as_bytes());
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &bytes);
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .arg("--archive")
        .arg(arch.path())
        .arg("--index")
        .arg(idx.path().join("index"))
        .arg("mcp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(writer)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2024-11-05","capabilities":{{}},"clientInfo":{{"name":"test","version":"1"}}}}}}"#
    )
    .unwrap();
    writeln!(stdin, r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let answer = String::from_utf8_lossy(&out.stdout);
    assert!(answer.contains(r#""id":1"#) && answer.contains("serverInfo"), "{:?}: {answer}", out.status);
    assert_eq!(out.status.code(), Some(0), "{answer}");
}

/// While another process holds the indexer's lock, the server serves the index as it stands,
/// but never one built from another archive: that is the error `search` gives (it served the
/// demo archive's index for the archive it was started on).
#[test]
fn an_index_of_another_archive_is_not_served_while_another_indexer_runs() {
    let idx = tempfile::tempdir().unwrap();
    index(&demo_archive(), idx.path());
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "g/_posts/2018-01-01-chat.markdown", log("2018-01-01", &[("09:00:00", "甲", "网联")]));
    let lock = std::fs::File::create(idx.path().join(".chatlore.lock")).unwrap();
    lock.lock().unwrap();
    let out = chatlore(other.path(), idx.path(), &["mcp"]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("was built from the archive") && said.contains("another process is indexing"), "{said}");
    drop(lock);
}
