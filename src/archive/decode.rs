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

/// Decodes a log file's bytes; line ends are left as they are (CRLF is handled by the parser).
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_or_gb18030(rest);
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(rest);
            return if had_errors { Err(DecodeError::Undecodable(0)) } else { Ok(text.into_owned()) };
        }
    }
    utf8_or_gb18030(bytes)
}

fn utf8_or_gb18030(bytes: &[u8]) -> Result<String, DecodeError> {
    // Text never holds NUL; binary files almost always do, and GB18030 would decode them.
    if let Some(at) = memchr_nul(bytes) {
        return Err(DecodeError::Binary(at));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(utf8_err) => GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|s| s.into_owned())
            .ok_or(DecodeError::Undecodable(utf8_err.valid_up_to())),
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("网联".as_bytes()).unwrap(), "网联");
        assert_eq!(decode(b"\xEF\xBB\xBF> 08:00:00  a").unwrap(), "> 08:00:00  a");
    }

    #[test]
    fn gb18030_and_gbk_text() {
        let (bytes, _, _) = GB18030.encode("对账差错处理，长短款");
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(decode(&bytes).unwrap(), "对账差错处理，长短款");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "跨境".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "跨境");
    }

    #[test]
    fn binary_junk_is_refused_with_a_reason() {
        let junk = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00];
        assert_eq!(decode(&junk), Err(DecodeError::Binary(8)));
        assert!(matches!(decode(&[0xFF, 0x80, 0xFF, 0x30]), Err(DecodeError::Undecodable(_))));
    }
}
