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

/// UTF-8 line by line: valid lines stay, a bad sequence becomes U+FFFD with a note naming the
/// line. GB18030 only for a file that is not mostly UTF-8 (more of its non-ASCII lines fail
/// as UTF-8 than pass), and said so. Bytes that are mostly invalid either way are refused.
fn utf8_or_gb18030(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // Text never holds NUL; binary files almost always do, and GB18030 would decode them.
    if let Some(at) = memchr_nul(bytes) {
        return Err(DecodeError::Binary(at));
    }
    let first_error = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(Decoded::clean(s.to_owned())),
        Err(e) => e.valid_up_to(),
    };
    let (mut utf8_lines, mut bad_lines, mut bad_bytes) = (0usize, Vec::new(), 0usize);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(_) => utf8_lines += 1,
            Err(_) => {
                bad_lines.push(i + 1);
                bad_bytes += invalid_bytes(line);
            }
        }
    }
    if bad_lines.len() >= utf8_lines {
        if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            let note = format!(
                "not UTF-8: {} of {} lines with non-ASCII text are not valid UTF-8; read as GB18030",
                bad_lines.len(),
                bad_lines.len() + utf8_lines
            );
            return Ok(Decoded { text: text.into_owned(), notes: vec![note] });
        }
    }
    // Junk: invalid sequences are a tenth of the bytes or more.
    if bad_bytes * 10 >= bytes.len() {
        return Err(DecodeError::Undecodable(first_error));
    }
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut notes: Vec<String> = bad_lines
        .iter()
        .take(MAX_LINE_NOTES)
        .map(|n| format!("line {n}: invalid UTF-8 replaced with U+FFFD"))
        .collect();
    if bad_lines.len() > MAX_LINE_NOTES {
        let more = crate::plural::count(bad_lines.len() - MAX_LINE_NOTES, "more line", "more lines");
        notes.push(format!("{more} with invalid UTF-8 replaced with U+FFFD"));
    }
    Ok(Decoded { text, notes })
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

    #[test]
    fn a_stray_byte_in_utf8_is_replaced_on_its_line_only() {
        let mut bytes = "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"bad \xB5 byte\n");
        bytes.extend_from_slice("跨境结售汇\n".as_bytes());
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "> 08:00:00  甲\n网联对账\n> 08:01:00  乙\nbad \u{FFFD} byte\n跨境结售汇\n");
        assert_eq!(decoded.notes, ["line 4: invalid UTF-8 replaced with U+FFFD"]);
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
