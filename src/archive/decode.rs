//! Bytes → text. The archive is UTF-8 (with or without BOM), but logs saved by Windows tools
//! arrive as GBK/GB18030 or UTF-16; binary junk must be refused, never guessed at.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// Why a file's bytes are not a text chat log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("binary data (NUL byte at offset {0}), not a text log")]
    Binary(usize),
    #[error("neither UTF-8 nor GB18030 text (invalid byte sequence at offset {0})")]
    Undecodable(usize),
}

/// Lines with bad UTF-8 named one by one, at most; the rest are counted.
const MAX_LINE_NOTES: usize = 5;

/// Text decoded from a file, with what the decoding had to say about it (each note names
/// its line where there is one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub notes: Vec<String>,
}

impl Decoded {
    fn clean(text: String) -> Decoded {
        Decoded { text, notes: Vec::new() }
    }
}

/// Decodes a log file's bytes; line ends are left as they are (CRLF is handled by the parser).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_gb18030(rest);
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(rest);
            return if had_errors { Err(DecodeError::Undecodable(0)) } else { Ok(Decoded::clean(text.into_owned())) };
        }
    }
    utf8_or_gb18030(bytes)
}

/// UTF-8 line by line: valid lines stay; a line that is not UTF-8 is read as GB18030 when it
/// is cleanly that ([`gb18030_line`]), else its bad sequences become U+FFFD; each with a note
/// naming the line. The whole file is read as GB18030 when it is not mostly UTF-8 (as many of
/// its non-ASCII lines fail as UTF-8 as pass, or more), and said so. Bytes that are mostly
/// invalid either way are refused.
fn utf8_or_gb18030(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // Text never holds NUL; binary files almost always do, and GB18030 would decode them. A
    // text log with a few (see [`stray_nuls`]) keeps its text without them.
    let Some(at) = memchr_nul(bytes) else { return text(bytes) };
    let (rest, nul_notes) = stray_nuls(bytes).ok_or(DecodeError::Binary(at))?;
    let mut decoded = text(&rest).map_err(|_| DecodeError::Binary(at))?;
    decoded.notes.splice(0..0, nul_notes);
    Ok(decoded)
}

/// At most this many places (runs of NUL bytes) in a text log hold NUL, or one per
/// [`NUL_PLACE_BYTES`] of a bigger one: stray ones. Binary formats hold them everywhere (one
/// place in a few hundred bytes for compressed data, images and fonts; more for executables
/// and gettext catalogues, whose strings NUL ends).
const STRAY_NUL_PLACES: usize = 4;
const NUL_PLACE_BYTES: usize = 4096;

/// `bytes` without their NUL bytes, with a note for each line that held some (the first
/// [`MAX_LINE_NOTES`] named, the others counted), when they are stray ones in a text log (a
/// tool's bug, a block a crash left zeroed); `None` when the file is binary: NUL is half of its
/// bytes or more (UTF-16 without a BOM, a file of zeros, a database), or it is in more places
/// than a text log's few, or the other bytes hold control characters text never has (tab, line
/// ends, form feed and escape aside) at one in a hundred (random bytes have ten; the real
/// archive, one in two thousand at most). What is left must still be text (`utf8_or_gb18030`).
fn stray_nuls(bytes: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    // A tar of text files: its headers' NULs are a few long runs, and the rest is text; its
    // magic (`ustar` at byte 257) says what it is.
    if bytes.get(257..262) == Some(b"ustar".as_slice()) {
        return None;
    }
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    let places =
        bytes.iter().zip(std::iter::once(&1).chain(bytes)).filter(|&(&b, &before)| b == 0 && before != 0).count();
    if nuls * 2 >= bytes.len() || places > STRAY_NUL_PLACES.max(bytes.len() / NUL_PLACE_BYTES) {
        return None;
    }
    let rest: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).collect();
    let controls =
        rest.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0x1B)).count();
    if controls * 100 >= rest.len() {
        return None;
    }
    let held: Vec<(usize, usize)> = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.iter().filter(|&&b| b == 0).count()))
        .filter(|&(_, n)| n > 0)
        .collect();
    let mut notes: Vec<String> = held
        .iter()
        .take(MAX_LINE_NOTES)
        .map(|&(line, n)| format!("line {line}: {} removed", crate::plural::count(n, "NUL byte", "NUL bytes")))
        .collect();
    let others = held.len().saturating_sub(MAX_LINE_NOTES);
    if others > 0 {
        notes.push(format!("{} with NUL bytes removed", crate::plural::count(others, "more line", "more lines")));
    }
    Some((rest, notes))
}

/// [`utf8_or_gb18030`] of bytes that hold no NUL.
fn text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Decoded::clean(s.to_owned()));
    }
    // GB18030 never uses `\n` (nor `\r`) inside a character: lines split the same either way.
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let bad_lines = lines.iter().filter(|l| std::str::from_utf8(l).is_err()).count();
    let utf8_lines = lines.iter().filter(|l| !l.is_ascii() && std::str::from_utf8(l).is_ok()).count();
    if bad_lines >= utf8_lines {
        if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            let note = format!(
                "not UTF-8: {bad_lines} of {} lines with non-ASCII text are not valid UTF-8; read as GB18030",
                bad_lines + utf8_lines
            );
            return Ok(Decoded { text: text.into_owned(), notes: vec![note] });
        }
    }
    let mut text = String::with_capacity(bytes.len());
    let mut read_as = Vec::new();
    let (mut lost_bytes, mut first_lost) = (0, None);
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(s) => text.push_str(s),
            Err(e) => match gb18030_line(line) {
                Some(s) => {
                    text.push_str(&s);
                    read_as.push((i + 1, LineRead::Gb18030));
                }
                None => {
                    text.push_str(&String::from_utf8_lossy(line));
                    read_as.push((i + 1, LineRead::Replaced));
                    lost_bytes += invalid_bytes(line);
                    first_lost.get_or_insert(offset + e.valid_up_to());
                }
            },
        }
        offset += line.len() + 1;
    }
    // Junk: sequences that are neither UTF-8 nor GB18030 are a tenth of the bytes or more.
    if let Some(at) = first_lost.filter(|_| lost_bytes * 10 >= bytes.len()) {
        return Err(DecodeError::Undecodable(at));
    }
    Ok(Decoded { text, notes: line_notes(&read_as) })
}

/// How a line that is not valid UTF-8 was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineRead {
    Gb18030,
    Replaced,
}

impl LineRead {
    /// What is said after a line's number, and after a count of more such lines.
    fn said(self) -> (&'static str, &'static str) {
        match self {
            LineRead::Gb18030 => ("not valid UTF-8; read as GB18030", "not valid UTF-8 read as GB18030"),
            LineRead::Replaced => ("invalid UTF-8 replaced with U+FFFD", "with invalid UTF-8 replaced with U+FFFD"),
        }
    }
}

/// A note for each of the first [`MAX_LINE_NOTES`] lines (1-based) read otherwise than as UTF-8,
/// then a count of the others of each kind.
fn line_notes(read_as: &[(usize, LineRead)]) -> Vec<String> {
    let mut notes: Vec<String> =
        read_as.iter().take(MAX_LINE_NOTES).map(|&(n, how)| format!("line {n}: {}", how.said().0)).collect();
    let rest = read_as.get(MAX_LINE_NOTES..).unwrap_or_default();
    for how in [LineRead::Gb18030, LineRead::Replaced] {
        let others = rest.iter().filter(|(_, h)| *h == how).count();
        if others > 0 {
            let more = crate::plural::count(others, "more line", "more lines");
            notes.push(format!("{more} {}", how.said().1));
        }
    }
    notes
}

/// A line that is not UTF-8, read as GB18030 when it decodes so without error and most of its
/// non-ASCII bytes are not UTF-8 (a UTF-8 line with one stray byte often decodes as GB18030 too,
/// into nonsense).
fn gb18030_line(line: &[u8]) -> Option<String> {
    let non_ascii = line.iter().filter(|b| !b.is_ascii()).count();
    if invalid_bytes(line) * 2 <= non_ascii {
        return None;
    }
    let decoded = GB18030.decode_without_bom_handling_and_without_replacement(line)?;
    // An ASCII byte read as the second byte of a character is not GB18030 text but a byte of
    // another encoding before it (`caf\xE9t\xE9`, Latin-1, swallowed its `t`): such a line keeps
    // U+FFFD for its bad bytes rather than becoming characters nobody wrote.
    let ascii = |n: usize| n == decoded.chars().filter(char::is_ascii).count();
    ascii(line.iter().filter(|b| b.is_ascii()).count()).then(|| decoded.into_owned())
}

/// How many bytes of `line` are not part of a valid UTF-8 sequence.
fn invalid_bytes(mut line: &[u8]) -> usize {
    let mut n = 0;
    while let Err(e) = std::str::from_utf8(line) {
        let bad = e.error_len().unwrap_or(line.len() - e.valid_up_to());
        n += bad;
        line = &line[e.valid_up_to() + bad..];
    }
    n
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("网联".as_bytes()).unwrap(), Decoded::clean("网联".into()));
        assert_eq!(decode(b"\xEF\xBB\xBF> 08:00:00  a").unwrap().text, "> 08:00:00  a");
    }

    #[test]
    fn gb18030_and_gbk_text() {
        let (bytes, _, _) = GB18030.encode("对账差错处理，长短款");
        assert!(std::str::from_utf8(&bytes).is_err());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "对账差错处理，长短款");
        assert!(decoded.notes[0].contains("read as GB18030"), "{:?}", decoded.notes);
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "跨境".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "跨境");
    }

    #[test]
    fn binary_junk_is_refused_with_a_reason() {
        let junk = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00];
        assert_eq!(decode(&junk), Err(DecodeError::Binary(8)));
        assert!(matches!(decode(&[0xFF, 0x80, 0xFF, 0x30]), Err(DecodeError::Undecodable(_))));
    }

    /// Bytes as random as compressed data, the same on every run (xorshift).
    fn noise(n: usize, mut seed: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed.to_le_bytes()[3]
            })
            .collect()
    }

    #[test]
    fn a_stray_nul_costs_itself_only_and_is_named_by_its_line() {
        let log = "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\n分布式对账呗\n> 08:02:00  丙\n好的\n";
        let at = log.find("分布式").unwrap();
        let mut bytes = log.as_bytes().to_vec();
        bytes.insert(at, 0);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, log);
        assert_eq!(decoded.notes, ["line 4: 1 NUL byte removed"]);
        // Two in a message of their own (`\0\0abc`): the message keeps `abc`.
        let two = log.replace("好的", "\0\0abc");
        let decoded = decode(two.as_bytes()).unwrap();
        assert_eq!(decoded.text, log.replace("好的", "abc"));
        assert_eq!(decoded.notes, ["line 6: 2 NUL bytes removed"]);
        // A block a crash left zeroed is one place, however long; with a BOM, or GBK, too.
        let mut zeroed = b"\xEF\xBB\xBF".to_vec();
        zeroed.extend_from_slice(&log.as_bytes()[..at]);
        zeroed.extend(vec![0; 40]);
        zeroed.extend_from_slice(&log.as_bytes()[at..]);
        assert_eq!(decode(&zeroed).unwrap().text, log);
        let mut gbk_nul = gbk(log);
        gbk_nul.insert(3, 0);
        let decoded = decode(&gbk_nul).unwrap();
        assert_eq!((decoded.text.as_str(), decoded.notes.len()), (log, 2), "{:?}", decoded.notes);
        assert!(decoded.notes[0] == "line 1: 1 NUL byte removed" && decoded.notes[1].contains("GB18030"));
    }

    #[test]
    fn nul_bytes_on_many_lines_are_counted_past_the_named_ones() {
        // Eight places: a log of 32 KiB or more.
        let bytes = format!("{}{}", "网联\0对账\n".repeat(8), "好的\n".repeat(5000));
        let decoded = decode(bytes.as_bytes()).unwrap();
        assert_eq!(decoded.text, format!("{}{}", "网联对账\n".repeat(8), "好的\n".repeat(5000)));
        assert_eq!(decoded.notes.len(), MAX_LINE_NOTES + 1);
        assert_eq!(decoded.notes[MAX_LINE_NOTES], "3 more lines with NUL bytes removed");
        // Four places in a small log are stray; a fifth is too many for it, not for a log
        // of 20 KiB (five places allowed).
        let small = |places: usize| "> 08:00:00  甲\n网联\0对账\n".repeat(places);
        assert!(decode(small(4).as_bytes()).is_ok());
        assert_eq!(decode(small(5).as_bytes()), Err(DecodeError::Binary(22)));
        let big = format!("{}{}", small(5), "> 08:00:00  甲\n好的\n".repeat(20 * 1024 / 20));
        assert!(big.len() >= 5 * NUL_PLACE_BYTES, "{}", big.len());
        assert_eq!(decode(big.as_bytes()).unwrap().text.matches("网联对账").count(), 5);
    }

    /// What real binary files look like, measured on a machine's images, fonts, archives,
    /// executables, databases and gettext catalogues: NUL everywhere, or control characters
    /// text never has, or bytes that are no text. Each is refused, as a file of NUL is.
    #[test]
    fn binary_files_are_refused_whatever_their_nul_bytes() {
        let binary = |bytes: &[u8]| matches!(decode(bytes), Err(DecodeError::Binary(_)));
        for (n, seed) in [(300, 1), (5000, 2), (100_000, 3)] {
            let mut random = noise(n, seed);
            random[n / 2] = 0;
            assert!(binary(&random), "{n} random bytes");
        }
        // An image renamed .markdown: PNG's signature and header, then compressed data.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
        png.extend(noise(3000, 4));
        assert!(binary(&png));
        // A gettext catalogue: a table of offsets, then strings each ended by NUL, text all.
        let mut mo = b"\xde\x12\x04\x95\0\0\0\0\x03\0\0\0\x1c\0\0\0".to_vec();
        for msg in ["对账文件\0", "reconciliation file\0", "清算\0", "clearing\0", "路由\0", "routing\0"] {
            mo.extend_from_slice(msg.as_bytes());
        }
        assert!(binary(&mo));
        // UTF-16 without its BOM: NUL is half of it; an executable's header; a file of zeros.
        let utf16: Vec<u8> = "> 08:00:00  a\nhello\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(binary(&utf16));
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
        elf.extend(b"GLIBC_2.2.5\0printf\0".repeat(3));
        assert!(binary(&elf));
        assert!(binary(&[0; 64]) && binary(&[0, 1, 2]) && binary(&[0]));
        // A tar of text logs: a header of names, zero-padded numbers and NUL runs, then text.
        let mut tar = b"2017-01-01-chat.markdown".to_vec();
        tar.resize(100, 0);
        tar.extend(b"0000644\x000000000\x000000000\x0000000200000\x0014000000000\x00012345\x00 0");
        tar.resize(257, 0);
        tar.extend(b"ustar\x0000");
        tar.resize(512, 0);
        tar.extend("> 08:00:00  甲\n\n对账文件\n".repeat(2000).as_bytes());
        tar.resize(tar.len() + 1024, 0);
        assert!(binary(&tar), "a tar");
    }

    #[test]
    fn a_stray_byte_in_utf8_is_replaced_on_its_line_only() {
        let mut bytes = "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"bad \xB5 byte\n");
        bytes.extend_from_slice("跨境结售汇\n".as_bytes());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\nbad \u{FFFD} byte\n跨境结售汇\n");
        assert_eq!(decoded.notes, ["line 4: invalid UTF-8 replaced with U+FFFD"]);
    }

    fn gbk(text: &str) -> Vec<u8> {
        GB18030.encode(text).0.into_owned()
    }

    #[test]
    fn a_gbk_line_in_a_utf8_log_is_read_as_gb18030_and_said_so() {
        let mut bytes = "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\n".as_bytes().to_vec();
        bytes.extend(gbk("清算一行：跨境结售汇\n"));
        bytes.extend_from_slice("> 08:02:00  丙\n好的\n".as_bytes());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(
            decoded.text,
            "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\n清算一行：跨境结售汇\n> 08:02:00  丙\n好的\n"
        );
        assert_eq!(decoded.notes, ["line 4: not valid UTF-8; read as GB18030"]);
    }

    #[test]
    fn a_stray_byte_in_a_utf8_line_is_not_taken_for_gb18030() {
        // These bytes decode cleanly as GB18030, into nonsense: most of the line is UTF-8.
        let mut line = "跨境".as_bytes().to_vec();
        line.push(0xB5);
        line.extend_from_slice("结售汇".as_bytes());
        assert!(GB18030.decode_without_bom_handling_and_without_replacement(&line).is_some());
        let mut bytes = "网联\n对账\n".as_bytes().to_vec();
        bytes.extend(&line);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "网联\n对账\n跨境\u{FFFD}结售汇");
        assert_eq!(decoded.notes, ["line 3: invalid UTF-8 replaced with U+FFFD"]);
    }

    #[test]
    fn gbk_lines_are_not_junk_however_many_bytes_they_hold() {
        // A third of the lines, most of the bytes: still a UTF-8 log with GB18030 lines in it.
        let mut bytes = Vec::new();
        for _ in 0..3 {
            bytes.extend_from_slice("> 08:00:00  甲\n好\n".as_bytes());
            bytes.extend(gbk(&format!("{}\n", "对账差错处理".repeat(20))));
        }
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text.matches("对账差错处理").count(), 60);
        assert_eq!(
            decoded.notes,
            [
                "line 3: not valid UTF-8; read as GB18030",
                "line 6: not valid UTF-8; read as GB18030",
                "line 9: not valid UTF-8; read as GB18030"
            ]
        );
    }

    #[test]
    fn lines_past_the_named_ones_are_counted_by_how_they_were_read() {
        let mut bytes = "网联\n".as_bytes().repeat(20);
        bytes.extend(b"x\xFFy\n".repeat(4));
        bytes.extend(gbk("对账\n").repeat(3));
        bytes.extend(b"x\xFFy\n");
        let notes = decode(&bytes).unwrap().notes;
        assert_eq!(notes.len(), MAX_LINE_NOTES + 2, "{notes:?}");
        assert_eq!(notes[4], "line 25: not valid UTF-8; read as GB18030");
        assert_eq!(
            notes[5..],
            ["2 more lines not valid UTF-8 read as GB18030", "1 more line with invalid UTF-8 replaced with U+FFFD"]
        );
    }

    #[test]
    fn a_gbk_file_with_one_undecodable_line_keeps_its_gbk_lines() {
        let mut bytes = gbk("> 08:00:00  甲\n对账差错处理\n");
        bytes.extend(b"\xFF\xFF\n");
        bytes.extend(gbk("长短款\n"));
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "> 08:00:00  甲\n对账差错处理\n\u{FFFD}\u{FFFD}\n长短款\n");
        assert_eq!(
            decoded.notes,
            [
                "line 1: not valid UTF-8; read as GB18030",
                "line 2: not valid UTF-8; read as GB18030",
                "line 3: invalid UTF-8 replaced with U+FFFD",
                "line 4: not valid UTF-8; read as GB18030"
            ]
        );
    }

    #[test]
    fn a_latin1_line_is_not_read_as_gb18030() {
        let mut bytes = "网联\n".as_bytes().repeat(20);
        bytes.extend(b"caf\xE9t\xE9 ok\n");
        let decoded = decode(&bytes).unwrap();
        assert!(decoded.text.contains("caf\u{FFFD}t\u{FFFD} ok"), "{}", decoded.text);
        assert!(decoded.notes.iter().all(|n| !n.contains("GB18030")), "{:?}", decoded.notes);
    }

    #[test]
    fn many_bad_lines_are_counted_not_listed() {
        let mut bytes = "网联\n".as_bytes().repeat(20);
        bytes.extend(b"x\xFFy\n".repeat(7));
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.notes.len(), MAX_LINE_NOTES + 1);
        assert!(
            decoded.notes[0].starts_with("line 21:") && decoded.notes[5].starts_with("2 more"),
            "{:?}",
            decoded.notes
        );
    }
}
