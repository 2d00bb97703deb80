//! Hostile and odd input. Property tests (proptest) stand in for fuzzing, bounded so CI runs
//! them every time (`PROPTEST_CASES` raises the count): the log parser, front matter and the
//! query language never panic; generated logs parse back to the same messages; the index's
//! recall rule holds for any text. Then the file system's oddities.

mod common;

use chatlore::archive::{self, parse_log};
use chatlore::query::Query;
use chatlore::tokenize::{grams, query_grams};
use common::*;
use proptest::prelude::*;

/// Pieces that stress the parsers: headers, fences, markdown, entities, line ends, CJK.
fn tricky() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "> 12:00:00  甲",
        "> 25:61:61  x",
        "> 1",
        "---",
        "...",
        "\n",
        "\r\n",
        "\t",
        " ",
        "  ",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "[强]",
        "*",
        "**",
        "_",
        "`",
        "```",
        "<",
        ">",
        "&",
        "&amp;",
        "&amp;amp;quot;",
        "&#183;",
        "\u{FEFF}",
        "\0",
        "网联",
        "对账",
        "pos",
        "http://x.y/z",
        "#",
        "- ",
        "1. ",
        "|",
        "\\",
        "\"",
        "：",
        "“",
        "from:",
        "date:",
        "-",
        "..",
        "2017-08",
        "😀",
        "\u{200B}",
        "title: ",
        "date: 2017-08-15",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_log_parser_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_log("g/_posts/2017-08-15-chat.markdown", &bytes);
    }

    #[test]
    fn the_log_parser_never_panics_on_tricky_text(text in tricky()) {
        let framed = format!("---\n{text}\n---\n{text}");
        for t in [&text, &framed] {
            if let Ok((day, _)) = parse_log("g/_posts/2017-08-15-chat.markdown", t.as_bytes()) {
                let headers = t.split('\n').filter(|l| archive::header(l.strip_suffix('\r').unwrap_or(l)).is_some()).count();
                prop_assert!(day.messages.len() <= headers);
            }
        }
    }

    #[test]
    fn the_query_language_never_panics_and_filters_round_trip(q in tricky()) {
        if let Ok(parsed) = Query::parse(&q) {
            let shown: Vec<String> = parsed.filters.iter().map(ToString::to_string).collect();
            let again = Query::parse(&shown.join(" "));
            prop_assert!(again.is_ok(), "{shown:?}");
            prop_assert_eq!(again.unwrap().filters, parsed.filters);
        }
    }

    #[test]
    fn generated_logs_parse_back_to_the_same_messages(
        msgs in prop::collection::vec((0u32..86_400, "[a-zA-Z\u{4e00}-\u{4e80}][a-zA-Z0-9_\u{4e00}-\u{4e80} -]{0,15}", "[a-zA-Z0-9\u{4e00}-\u{9fa5}，。？ ]{1,60}( \n[a-zA-Z0-9\u{4e00}-\u{9fa5}，。]{1,30})?"), 0..20)
    ) {
        let mut log = String::from("---\ntitle: \"2017-08-15-WeChat\"\ntag:\t\t  [chat]\n---\n");
        for (t, who, text) in &msgs {
            log.push_str(&format!("> {}  {who}  \n   \n", archive::time_label(*t)));
            for line in text.lines() {
                log.push_str(&format!("{line}  \n"));
            }
            log.push_str("   \n");
        }
        let (day, warnings) = parse_log("g/_posts/x.md", log.as_bytes()).unwrap();
        prop_assert!(warnings.is_empty());
        prop_assert_eq!(day.messages.len(), msgs.len());
        for (m, (t, who, text)) in day.messages.iter().zip(&msgs) {
            prop_assert_eq!(m.time, *t);
            prop_assert_eq!(&m.speaker, who.trim());
            let expected: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let got: Vec<&str> = m.text.lines().map(str::trim).collect();
            prop_assert_eq!(got, expected);
        }
    }

    /// The index's promise: a term's grams match in any text that contains the term.
    #[test]
    fn every_substring_matches_its_text_as_grams(text in "[网联支付对账pos a-z，+#\u{4e00}-\u{4e10}]{1,40}", from in 0usize..40, len in 1usize..8) {
        let chars: Vec<char> = text.chars().collect();
        let from = from % chars.len();
        let term: String = chars[from..(from + len).min(chars.len())].iter().collect();
        let q = query_grams(&term);
        prop_assume!(!q.grams.is_empty());
        // Latin terms match whole words only: skip terms that cut a word.
        let is_word = |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        prop_assume!(!(is_word(term.chars().next().as_ref()) && is_word(from.checked_sub(1).and_then(|i| chars.get(i)))));
        prop_assume!(!(is_word(term.chars().last().as_ref()) && is_word(chars.get(from + term.chars().count()))));
        let lower: Vec<(usize, String)> = grams(&text).into_iter().map(|g| (g.position, g.text)).collect();
        let found = lower.iter().any(|(p0, _)| {
            q.grams.iter().enumerate().all(|(i, (off, g))| {
                let last = i + 1 == q.grams.len();
                lower.iter().any(|(p, t)| *p == p0 + off && (t == g || (last && q.prefix && t.starts_with(g.as_str()))))
            })
        });
        prop_assert!(found, "{term:?} in {text:?}: {:?} vs {:?}", q, lower);
    }
}

#[test]
fn pathological_markdown_is_taken_as_plain_text() {
    for body in
        ["[".repeat(200_000), "*a".repeat(100_000), "![x](".repeat(50_000), "> ".repeat(100_000), "`".repeat(100_000)]
    {
        let log = format!("> 08:00:00  甲\n{body}\n");
        let (day, _) = parse_log("g/_posts/2017-08-15-chat.md", log.as_bytes()).unwrap();
        assert_eq!(day.messages.len(), 1);
        assert_eq!(day.messages[0].text.len(), body.trim_end().len(), "nothing lost");
    }
}

#[test]
fn symlink_loops_dangling_links_fifos_and_vanished_files_are_named() {
    let arch = tempfile::tempdir().unwrap();
    let root = arch.path();
    write(root, "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "好的一天")]));
    std::os::unix::fs::symlink(root.join("g"), root.join("g/_posts/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("nowhere.md"), root.join("g/_posts/dangling.md")).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(root.join("g/_posts/pipe.md")).status().unwrap().success());
    write(root, "g/_posts/2017-08-02-chat.markdown", log("2017-08-02", &[("09:00:00", "乙", "会消失")]));

    let (files, mut warnings) = archive::list_logs(root).unwrap();
    std::fs::remove_file(root.join("g/_posts/2017-08-02-chat.markdown")).unwrap();
    let (days, read_warnings) = archive::read_logs(&files);
    warnings.extend(read_warnings);
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|w| w.starts_with("g/_posts/loop") && w.contains("loop")), "{text:?}");
    assert!(text.iter().any(|w| w.starts_with("g/_posts/dangling.md")), "{text:?}");
    assert!(text.iter().any(|w| w == "g/_posts/pipe.md: not a regular file"), "{text:?}");
    assert!(text.iter().any(|w| w.starts_with("g/_posts/2017-08-02-chat.markdown: cannot read")), "{text:?}");
    assert_eq!(days.iter().map(|d| d.messages.len()).sum::<usize>(), 1, "the good log loads");

    let idx = tempfile::tempdir().unwrap();
    let s = index(root, idx.path());
    assert_eq!(s.messages, 1);
    assert!(s.warnings.len() >= 3);
}

#[test]
fn names_with_spaces_and_chinese_work_end_to_end() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(
        arch.path(),
        "支付 群/_posts/2017-08-01 聊天 记录.md",
        log("2017-08-01", &[("09:00:00", "甲", "网联断直连")]),
    );
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "网联"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let hit: serde_json::Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(hit["path"], "支付 群/_posts/2017-08-01 聊天 记录.md");
    assert_eq!(hit["group"], "支付 群");
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "group:\"支付 群\"", "网联"]);
    assert_eq!(stdout(&out).lines().count(), 1);
    let day = archive::load_day(arch.path(), hit["path"].as_str().unwrap()).unwrap();
    assert_eq!(day.messages[0].text, "网联断直连");
}

/// A log over 256 MiB (here sparse: it costs no disk) is named in a warning and not read: reading
/// it took its size in memory (a 3 GB one: 3.1 GB resident and 33 s), one big enough aborts.
#[test]
fn a_log_over_the_size_cap_is_named_not_read() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    let huge = arch.path().join("g/_posts/2017-08-02-chat.markdown");
    std::fs::File::create(&huge).unwrap().set_len(archive::MAX_LOG_BYTES + 1).unwrap();
    for args in [&["index", "--json"][..], &["export"]] {
        let out = chatlore(arch.path(), idx.path(), args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        // Said plainly: its size, then the limit (it said `268435457 bytes, more than the 268435456 read`).
        let why = "256.0 MiB (268435457 bytes), over the 256 MiB limit for a log; not read";
        let named = format!("warning: {}: {why}\n", huge.display());
        assert!(said.contains(&named) || said.contains(&format!("\"reason\":\"{why}\"")), "{args:?}: {said}");
    }
    assert_eq!(stdout(&chatlore(arch.path(), idx.path(), &["search", "--json", "网联"])).lines().count(), 1);
}

#[test]
fn a_100_mb_log_loads_with_its_runaway_message_cut_and_named() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let mut big = log("2017-08-01", &[("09:00:00", "甲", "开头的正常消息")]);
    big.push_str("> 09:01:00  乙\n");
    let line = format!("{}\n", "支付清算对账跨境网联路由".repeat(40));
    while big.len() < 100 * 1024 * 1024 {
        big.push_str(&line);
    }
    big.push_str("> 09:02:00  丙\n结尾的正常消息\n");
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &big);
    drop(big);
    let s = index(arch.path(), idx.path());
    assert_eq!(s.messages, 3);
    let header_line = std::fs::read_to_string(arch.path().join("g/_posts/2017-08-01-chat.markdown"))
        .unwrap()
        .lines()
        .position(|l| l.starts_with("> 09:01:00"))
        .unwrap()
        + 1;
    let expected = format!("the message at line {header_line} is");
    assert!(
        s.warnings.iter().any(|w| w.reason.starts_with(&expected) && w.reason.contains("first 1048576 bytes")),
        "{:?}",
        s.warnings
    );
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "--limit", "0", "结尾"]);
    assert_eq!(stdout(&out).lines().count(), 1, "the message after the huge one is there");
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "--limit", "0", "跨境网联"]);
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn a_hundred_thousand_tiny_logs() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    // 1,000 distinct days per group: 28 a month, 12 months a year.
    let dates: Vec<String> =
        (0..1000u32).map(|i| format!("{:04}-{:02}-{:02}", 2000 + i / 336, i / 28 % 12 + 1, i % 28 + 1)).collect();
    for g in 0..100 {
        for (i, d) in dates.iter().enumerate() {
            let text = format!("---\ndate: {d}\n---\n> 10:00:00  u{g}\n消息 g{g} n{i}\n");
            let dir = arch.path().join(format!("group{g:03}/_posts"));
            if i == 0 {
                std::fs::create_dir_all(&dir).unwrap();
            }
            std::fs::write(dir.join(format!("{d}-chat.md")), text).unwrap();
        }
    }
    let s = index(arch.path(), idx.path());
    assert_eq!((s.files, s.messages, s.warnings.len()), (100_000, 100_000, 0));
    let again = index(arch.path(), idx.path());
    assert_eq!((again.unchanged, again.indexed_messages), (100_000, 0));
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "--limit", "0", "n999"]);
    assert_eq!(stdout(&out).lines().count(), 100);
}

#[test]
fn one_stray_byte_costs_one_line_not_the_log() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let mut bytes = log("2017-08-01", &[("09:00:00", "甲", "网联对账"), ("09:01:00", "乙", "坏字节")]).into_bytes();
    bytes.extend_from_slice("> 09:02:00  丙  \n跨境".as_bytes());
    bytes.push(0xB5);
    bytes.extend_from_slice("结售汇\n".as_bytes());
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &bytes);
    let s = index(arch.path(), idx.path());
    assert_eq!(s.messages, 3, "{:?}", s.warnings);
    let w: Vec<String> = s.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w, ["g/_posts/2017-08-01-chat.markdown: line 17: invalid UTF-8 replaced with U+FFFD"]);
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "网联对账"]);
    assert_eq!(stdout(&out).lines().count(), 1);
}

/// README, When things go wrong: a log with a stray NUL byte keeps every message (the whole day
/// was refused as `binary data`), with a warning naming the file and the line; `index` says it on
/// every run, as long as the NUL is there; an image renamed `.markdown` beside it is refused.
#[test]
fn a_stray_nul_costs_nothing_but_itself_and_a_binary_file_is_still_refused() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let text = log(
        "2017-08-01",
        &[("09:00:00", "甲", "网联对账"), ("09:01:00", "乙", "分布式对账呗"), ("09:02:00", "丙", "好的")],
    );
    let at = text.find("分布式").unwrap();
    let mut bytes = text.as_bytes().to_vec();
    bytes.insert(at, 0);
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &bytes);
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
    png.extend((0..3000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    write(arch.path(), "g/_posts/2017-08-02-chat.markdown", &png);
    for run in 0..2 {
        let out = chatlore(arch.path(), idx.path(), &["index"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        let named = arch.path().join("g/_posts/2017-08-01-chat.markdown");
        let line = text[..at].lines().count() + 1;
        assert!(
            said.contains(&format!("warning: {}: line {line}: 1 NUL byte removed\n", named.display())),
            "{run}: {said}"
        );
        let png_named = arch.path().join("g/_posts/2017-08-02-chat.markdown");
        assert!(
            said.contains(&format!("warning: {}: binary data (NUL byte at offset 8)", png_named.display())),
            "{said}"
        );
        assert!(said.contains("; 1 log, 3 messages"), "{run}: {said}");
    }
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "分布式对账呗"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stderr(&out));
}

/// README, When things go wrong: a GBK line in a UTF-8 log is read as GB18030, named, and found
/// (it had become U+FFFD).
#[test]
fn a_gbk_line_in_a_utf8_log_is_read_as_gb18030_and_found() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let mut bytes = log("2017-08-01", &[("09:00:00", "甲", "网联对账"), ("09:01:00", "乙", "好的")]).into_bytes();
    bytes.extend_from_slice("> 09:02:00  丙  \n".as_bytes());
    bytes.extend_from_slice(&encoding_rs::GB18030.encode("跨境结售汇的清算路径  \n").0);
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &bytes);
    let s = index(arch.path(), idx.path());
    assert_eq!(s.messages, 3, "{:?}", s.warnings);
    let w: Vec<String> = s.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(w, ["g/_posts/2017-08-01-chat.markdown: line 17: not valid UTF-8; read as GB18030"]);
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "=结售汇"]);
    let hits: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(hits.len(), 1, "{}", stdout(&out));
    assert_eq!((hits[0]["speaker"].as_str(), hits[0]["text"].as_str()), (Some("丙"), Some("跨境结售汇的清算路径")));
}

#[test]
fn a_gb18030_log_is_read_and_said_to_be() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    let text = log("2017-08-01", &[("09:00:00", "甲", "对账差错处理，长短款")]);
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", &bytes);
    let s = index(arch.path(), idx.path());
    assert_eq!(s.messages, 1);
    assert!(s.warnings.iter().any(|w| w.reason.contains("read as GB18030")), "{:?}", s.warnings);
    let out = chatlore(arch.path(), idx.path(), &["search", "--json", "长短款"]);
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn fifos_and_devices_where_side_files_go_do_not_hang_index() {
    let arch = tempfile::tempdir().unwrap();
    let idx = tempfile::tempdir().unwrap();
    write(arch.path(), "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    write(arch.path(), "h/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "乙", "网联")]));
    for fifo in ["topics.yaml", "glossary.yaml", "people.yaml", "g/index.html"] {
        assert!(std::process::Command::new("mkfifo").arg(arch.path().join(fifo)).status().unwrap().success());
    }
    std::os::unix::fs::symlink("/dev/zero", arch.path().join("h/index.html")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chatlore"))
        .arg("--archive")
        .arg(arch.path())
        .arg("--index")
        .arg(idx.path())
        // Followed, so that the link to a device is read as far as the rule for devices.
        .args(["index", "--json", "--follow"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hang guard, not a speed claim: the run takes well under a second.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`index` hangs on a FIFO or a device");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"], 2);
    // Each warning names its file once, says why, then what is used instead.
    let warnings = warning_lines(&v);
    for expected in [
        "topics.yaml: not a regular file; using the built-in topics",
        "glossary.yaml: not a regular file; using the built-in glossary",
        "people.yaml: not a regular file; no people rules used",
        "g/index.html: not a regular file; the folder's name is shown for the group",
        "h/index.html: not a regular file; the folder's name is shown for the group",
    ] {
        assert!(warnings.iter().any(|w| w == expected), "{expected}: {warnings:?}");
    }
    // Over the size cap: read no further, a warning, the built-in or no rules.
    for file in ["topics.yaml", "glossary.yaml", "people.yaml"] {
        std::fs::remove_file(arch.path().join(file)).unwrap();
        std::fs::write(arch.path().join(file), vec![b'#'; 2 << 20]).unwrap();
    }
    let out = chatlore(arch.path(), idx.path(), &["index"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let shown = stderr(&out);
    for file in ["topics.yaml", "glossary.yaml", "people.yaml"] {
        let line = shown.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("{file}: {shown}"));
        let named = arch.path().join(file);
        assert!(
            line.starts_with(&format!("warning: {}: 2 MiB (2097152 bytes), over the 1 MiB limit; ", named.display())),
            "{line}"
        );
        assert_eq!(line.matches(file).count(), 1, "the file is named once: {line}");
    }
}

/// An `index --json` summary's warnings as `path: reason` lines (the path relative to the archive).
fn warning_lines(summary: &serde_json::Value) -> Vec<String> {
    let list = summary["warnings"].as_array().unwrap();
    list.iter().map(|w| format!("{}: {}", w["path"].as_str().unwrap(), w["reason"].as_str().unwrap())).collect()
}

#[test]
fn side_files_behind_links_leading_outside_the_archive_are_read_only_with_follow() {
    let arch = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let (root, out) = (arch.path(), elsewhere.path());
    write(
        root,
        "g/_posts/2017-08-01-chat.markdown",
        log("2017-08-01", &[("09:00:00", "甲", "网联"), ("09:01:00", "乙", "好")]),
    );
    // Each would change what chatlore answers: a topic of its own, a synonym, one person for
    // two nicknames, a display name for the group.
    write(out, "topics.yaml", "topics:\n- id: outside\n  zh: 外面的话题\n  en: Outside\n  keywords: [网联]\n");
    write(out, "glossary.yaml", "glossary:\n- [网联, 奇异词]\n");
    write(out, "people.yaml", "same:\n- [甲, 乙]\n");
    write(out, "index.html", "---\nauthor: 外面的群名\n---\n");
    for file in ["topics.yaml", "glossary.yaml", "people.yaml", "index.html"] {
        let name = if file == "index.html" { "g/index.html".to_owned() } else { file.to_owned() };
        std::os::unix::fs::symlink(out.join(file), root.join(name)).unwrap();
    }
    let idx = tempfile::tempdir().unwrap();
    let stats = || stdout(&chatlore(root, idx.path(), &["stats"]));
    let synonym_hits = || chatlore(root, idx.path(), &["search", "--json", "奇异词"]).status.code();
    let people = || stdout(&chatlore(root, idx.path(), &["people", "--json"])).lines().count();
    let not_read = |summary: &serde_json::Value| {
        let warnings = warning_lines(summary);
        for file in ["topics.yaml", "glossary.yaml", "people.yaml", "g/index.html"] {
            let said: Vec<&String> = warnings.iter().filter(|w| w.contains(file)).collect();
            assert_eq!(said.len(), 1, "{file} is named once: {warnings:?}");
            let why = format!(
                "{file}: symbolic link leading outside the archive, not followed; `index --follow` follows it; "
            );
            assert!(said[0].starts_with(&why), "{warnings:?}");
        }
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        let shown = stats();
        assert!(!shown.contains("外面的话题") && !shown.contains("外面的群名"), "{shown}");
        assert_eq!(synonym_hits(), Some(1), "no glossary from outside");
        assert_eq!(people(), 2, "no people rules from outside");
    };
    let v = index_json(root, idx.path(), &["index", "--json"]);
    not_read(&v);
    // `export` (it has no `--follow`) reads no topics.yaml from outside either.
    let exported = chatlore(root, idx.path(), &["export"]);
    assert_eq!(exported.status.code(), Some(0), "{}", stderr(&exported));
    let why = format!(
        "warning: {}: symbolic link leading outside the archive, not followed; ",
        root.join("topics.yaml").display()
    );
    assert!(stderr(&exported).lines().any(|l| l.starts_with(&why)), "{}", stderr(&exported));
    assert!(stdout(&exported).contains(r#""topics":["netsunion"]"#), "{}", stdout(&exported));

    let v = index_json(root, idx.path(), &["index", "--json", "--follow"]);
    assert_eq!(warning_lines(&v), Vec::<String>::new());
    let read = || {
        let shown = stats();
        assert!(shown.contains("outside 外面的话题") && shown.contains("g 外面的群名"), "{shown}");
        assert_eq!(synonym_hits(), Some(0), "the glossary from outside is used");
        assert_eq!(people(), 1, "the people rules from outside are used");
    };
    read();
    // The index remembers `--follow`: an update that is not told (the browser's, the MCP
    // server's) keeps to it rather than rebuilding without the files.
    let s = chatlore::index::update(
        root,
        idx.path(),
        &chatlore::index::Options::default(),
        &chatlore::index::writer::Silent,
    )
    .unwrap();
    assert_eq!((s.rebuilt, s.warnings.len()), (None, 0));
    read();
    // `index` without `--follow` follows none again.
    let v = index_json(root, idx.path(), &["index", "--json"]);
    not_read(&v);

    // A link that stays inside the archive is read without `--follow`.
    std::fs::remove_file(root.join("topics.yaml")).unwrap();
    std::fs::copy(out.join("topics.yaml"), root.join("g/topics-copy.yaml")).unwrap();
    std::os::unix::fs::symlink(root.join("g/topics-copy.yaml"), root.join("topics.yaml")).unwrap();
    let v = index_json(root, idx.path(), &["index", "--json"]);
    assert!(!warning_lines(&v).iter().any(|w| w.contains("topics.yaml")), "{v}");
    assert!(stats().contains("outside 外面的话题"));
}

fn index_json(root: &std::path::Path, idx: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = chatlore(root, idx, args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn links_leading_outside_the_archive_are_followed_only_when_asked() {
    let arch = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let root = arch.path();
    write(root, "g/_posts/2017-08-01-chat.markdown", log("2017-08-01", &[("09:00:00", "甲", "网联")]));
    write(elsewhere.path(), "2017-08-02-chat.markdown", log("2017-08-02", &[("09:00:00", "乙", "网联")]));
    write(elsewhere.path(), "more/2017-08-03-chat.markdown", log("2017-08-03", &[("09:00:00", "丙", "网联")]));
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(elsewhere.path().join(target), root.join(name)).unwrap();
    };
    link("2017-08-02-chat.markdown", "g/_posts/2017-08-02-chat.markdown");
    link("more", "g/_posts/more");
    // A link that stays inside the archive is followed as before.
    std::os::unix::fs::symlink(
        root.join("g/_posts/2017-08-01-chat.markdown"),
        root.join("g/_posts/2017-08-04-chat.markdown"),
    )
    .unwrap();

    let idx = tempfile::tempdir().unwrap();
    let out = chatlore(root, idx.path(), &["index", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 2, "{v}");
    let warnings: Vec<String> = v["warnings"].as_array().unwrap().iter().map(|w| w["reason"].to_string()).collect();
    assert_eq!(warnings.len(), 1, "said once: {warnings:?}");
    assert!(warnings[0].contains("outside the archive") && warnings[0].contains("1 more"), "{warnings:?}");
    assert!(warnings[0].contains("--follow"), "{warnings:?}");

    let out = chatlore(root, idx.path(), &["index", "--json", "--follow"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["files"].as_u64(), v["messages"].as_u64()), (Some(4), Some(4)), "{v}");
}
