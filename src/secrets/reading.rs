//! Where a credential hides in a file's bytes, however the file is read: as text, its JSON
//! strings decoded, as UTF-16 or UTF-32, or as binary (formats only, a PNG's compressed text
//! chunks inflated).

use super::formats::{scan_binary, scan_text, Hit};

/// Whether a file is read as text: no NUL byte near the start (most binary formats have one in
/// their first bytes), or a name that says text whatever the bytes (a `script.csx` or `notes.txt`
/// with a stray NUL is still code or notes).
fn scannable(name: &str, bytes: &[u8]) -> bool {
    const TEXT: [&str; 24] = [
        ".md",
        ".markdown",
        ".txt",
        ".csx",
        ".cs",
        ".json",
        ".yaml",
        ".yml",
        ".xml",
        ".ps1",
        ".sh",
        ".cmd",
        ".bat",
        ".js",
        ".ts",
        ".py",
        ".ini",
        ".env",
        ".config",
        ".properties",
        ".html",
        ".htm",
        ".csv",
        ".toml",
    ];
    let lower = name.to_ascii_lowercase();
    !bytes[..bytes.len().min(8192)].contains(&0) || TEXT.iter().any(|ext| lower.ends_with(ext))
}

/// File names that hold private keys whatever their content looks like.
pub fn key_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"].contains(&lower.as_str())
        || [".pfx", ".p12", ".jks", ".keystore", ".ppk"].iter().any(|ext| lower.ends_with(ext))
}

/// One credential found in a file.
pub struct FileHit {
    /// The span in the file's bytes (for JSON-escaped ones, of the escaped text).
    pub hit: Hit,
    /// The credential as it reads (unescaped, decoded): what the message masks.
    pub secret: String,
    /// Where it is: what the file's bytes are read as.
    pub how: Reading,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The bytes as text.
    Text,
    /// A JSON string, with its escapes (`\/`, `\u005f`) decoded.
    JsonString,
    /// A file saved as UTF-16 or UTF-32, decoded: the span is in the decoded text.
    Wide,
    /// A binary file's bytes, for well-known formats only (no position: it has no lines).
    Binary,
    /// A PNG's compressed text chunk (`zTXt`, `iTXt`), inflated: the span is the chunk's.
    PngText,
}

/// Every credential in one file, however it is written: the bytes as text; the decoded value of
/// every JSON string that holds an escape; a UTF-16 or UTF-32 file decoded; a binary file's bytes
/// and a PNG's compressed text for well-known formats.
pub fn file_hits(name: &str, bytes: &[u8], json: bool) -> Vec<FileHit> {
    let found = |hit: Hit, text: &[u8], how| FileHit {
        secret: String::from_utf8_lossy(&text[hit.start..hit.end]).into_owned(),
        hit,
        how,
    };
    if let Some(text) = wide_text(bytes) {
        return scan_text(text.as_bytes())
            .into_iter()
            .map(|h| found(h, text.as_bytes(), Reading::Wide))
            .collect();
    }
    if !scannable(name, bytes) {
        let (segments, inflated) = png_parts(bytes).unwrap_or_else(|| (std::iter::once(0..bytes.len()).collect(), Vec::new()));
        let mut hits = Vec::new();
        for segment in segments {
            for h in scan_binary(&bytes[segment.clone()]) {
                let hit = Hit {
                    start: segment.start + h.start,
                    end: segment.start + h.end,
                    kind: h.kind,
                };
                hits.push(found(hit, bytes, Reading::Binary));
            }
        }
        for (span, text) in inflated {
            for h in scan_binary(&text) {
                let secret = String::from_utf8_lossy(&text[h.start..h.end]).into_owned();
                // A chunk stored rather than compressed shows the secret in the bytes already.
                if hits
                    .iter()
                    .any(|f| span.0 <= f.hit.start && f.hit.end <= span.1 && f.secret == secret)
                {
                    continue;
                }
                let hit = Hit {
                    start: span.0,
                    end: span.1,
                    kind: h.kind,
                };
                hits.push(FileHit {
                    hit,
                    secret,
                    how: Reading::PngText,
                });
            }
        }
        return hits;
    }
    let mut hits: Vec<FileHit> = scan_text(bytes).into_iter().map(|h| found(h, bytes, Reading::Text)).collect();
    if json {
        for (hit, secret) in json_escaped_hits(bytes) {
            // Inside what the byte scan found already: nothing new.
            if hits.iter().any(|h| h.hit.start <= hit.start && hit.end <= h.hit.end) {
                continue;
            }
            // Overlapping it (`AccountKey=abc\/def` reads as a shorter key): the decoded one,
            // spanning both, so that masking hides all of it.
            let mut span = hit;
            hits.retain(|h| {
                let overlaps = h.hit.start < hit.end && hit.start < h.hit.end;
                if overlaps {
                    span.start = span.start.min(h.hit.start);
                    span.end = span.end.max(h.hit.end);
                }
                !overlaps
            });
            hits.push(FileHit {
                hit: span,
                secret,
                how: Reading::JsonString,
            });
        }
        hits.sort_by_key(|h| h.hit.start);
    }
    hits
}

/// The credentials that JSON escapes hide from a byte scan (`"ghp\u005f…"`, `AccountKey=…\/…`):
/// every string literal holding `\/` or `\u` is decoded and scanned; a member's value is scanned
/// after its (decoded) name, so that `"apiKey": "…"` reads as an assignment. Spans are of the
/// escaped text in `bytes`; the secret is returned decoded. Reads JSON as loosely as the tolerant
/// parser (comments, raw control characters): a string ends at its closing quote or at the end
/// of its line.
pub fn json_escaped_hits(bytes: &[u8]) -> Vec<(Hit, String)> {
    let mut out = Vec::new();
    let mut i = 0;
    // The previous string literal: (start of its body, end of its body).
    let mut previous: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut hides = false;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    if bytes[j] == b'\\' {
                        hides |= matches!(bytes.get(j + 1), Some(b'/' | b'u'));
                        j += 1;
                    }
                    j += 1;
                }
                let end = j.min(bytes.len());
                if hides {
                    let (value, map) = decode_json_string(&bytes[start..end], start);
                    // `"name": ` before the value, when the literal before this one is a name.
                    let mut text = Vec::new();
                    if let Some((key_start, key_end)) = previous {
                        let between = &bytes[(key_end + 1).min(start - 1)..start - 1];
                        if between.iter().filter(|b| !b.is_ascii_whitespace()).eq(std::iter::once(&b':')) {
                            text.push(b'"');
                            text.extend(decode_json_string(&bytes[key_start..key_end], key_start).0);
                            text.extend(b"\": ");
                        }
                    }
                    text.push(b'"');
                    let offset = text.len();
                    text.extend(&value);
                    text.push(b'"');
                    for hit in scan_text(&text) {
                        if hit.start < offset || hit.end > offset + value.len() {
                            continue;
                        }
                        let (s, e) = (hit.start - offset, hit.end - offset);
                        let raw_end = map.get(e).copied().unwrap_or(end);
                        out.push((
                            Hit {
                                start: map[s],
                                end: raw_end,
                                kind: hit.kind,
                            },
                            String::from_utf8_lossy(&value[s..e]).into_owned(),
                        ));
                    }
                }
                previous = Some((start, end));
                i = end + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = bytes[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            _ => i += 1,
        }
    }
    out
}

/// A JSON string's body decoded, with the offset in the file (`base` + index in `raw`) of the
/// escape or byte each decoded byte comes from. What is not a valid escape is kept as written.
fn decode_json_string(raw: &[u8], base: usize) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len());
    let hex4 = |at: usize| -> Option<u32> {
        let digits = raw.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let mut i = 0;
    while i < raw.len() {
        let (decoded, len): (Option<char>, usize) = if raw[i] == b'\\' && i + 1 < raw.len() {
            match raw[i + 1] {
                b'"' => (Some('"'), 2),
                b'\\' => (Some('\\'), 2),
                b'/' => (Some('/'), 2),
                b'b' => (Some('\u{8}'), 2),
                b'f' => (Some('\u{c}'), 2),
                b'n' => (Some('\n'), 2),
                b'r' => (Some('\r'), 2),
                b't' => (Some('\t'), 2),
                b'u' => match hex4(i + 2) {
                    Some(high @ 0xD800..=0xDBFF) => match (raw.get(i + 6..i + 8), hex4(i + 8)) {
                        (Some(b"\\u"), Some(low @ 0xDC00..=0xDFFF)) => {
                            (char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), 12)
                        }
                        _ => (None, 1),
                    },
                    Some(code) => (char::from_u32(code), 6),
                    None => (None, 1),
                },
                _ => (None, 1),
            }
        } else {
            (None, 1)
        };
        match decoded {
            Some(c) => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push(b);
                    map.push(base + i);
                }
                i += len;
            }
            None => {
                out.push(raw[i]);
                map.push(base + i);
                i += 1;
            }
        }
    }
    (out, map)
}

/// A file saved as UTF-16 or UTF-32, decoded (its secrets are spread over NUL bytes otherwise).
pub fn wide_text(bytes: &[u8]) -> Option<String> {
    let encoding = wide_encoding(bytes)?;
    let units = |size: usize, big: bool| {
        bytes.chunks_exact(size).map(move |c| match (size, big) {
            (2, true) => u32::from(u16::from_be_bytes([c[0], c[1]])),
            (2, false) => u32::from(u16::from_le_bytes([c[0], c[1]])),
            (_, true) => u32::from_be_bytes([c[0], c[1], c[2], c[3]]),
            (_, false) => u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
        })
    };
    let big = encoding.contains("big");
    let text: String = if encoding.starts_with("UTF-16") {
        let u16s: Vec<u16> = units(2, big).map(|u| u as u16).collect();
        char::decode_utf16(u16s).map(|c| c.unwrap_or('\u{FFFD}')).collect()
    } else {
        units(4, big).map(|u| char::from_u32(u).unwrap_or('\u{FFFD}')).collect()
    };
    Some(text.trim_start_matches('\u{FEFF}').to_string())
}

/// A PNG read chunk by chunk, so that a chunk's length and CRC bytes never run into a token that
/// ends its data: the data of each chunk (and whatever follows the last chunk read) as ranges of
/// the file, and the compressed text chunks (`zTXt`, and `iTXt` when compressed) inflated, each
/// with the chunk's span. A tEXt chunk is plain bytes, read with the others. `None` when the file
/// is not a PNG.
#[allow(clippy::type_complexity)]
fn png_parts(bytes: &[u8]) -> Option<(Vec<std::ops::Range<usize>>, Vec<((usize, usize), Vec<u8>)>)> {
    use std::io::Read;
    /// Inflated text beyond this is not read (a chunk that inflates further is a bomb, not notes).
    const LIMIT: u64 = 4 << 20;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let (mut segments, mut inflated) = (Vec::new(), Vec::new());
    let mut at = 8;
    while at + 12 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let Some(data) = bytes.get(at + 8..(at + 8).saturating_add(len)) else {
            break;
        };
        segments.push(at + 8..at + 8 + len);
        let compressed = match kind {
            // keyword NUL method data
            b"zTXt" => data.iter().position(|&b| b == 0).and_then(|k| data.get(k + 2..)),
            // keyword NUL flag method language NUL translated keyword NUL text
            b"iTXt" => data.iter().position(|&b| b == 0).and_then(|k| {
                if data.get(k + 1) != Some(&1) {
                    return None;
                }
                let rest = data.get(k + 3..)?;
                let lang = rest.iter().position(|&b| b == 0)?;
                let rest = &rest[lang + 1..];
                let translated = rest.iter().position(|&b| b == 0)?;
                Some(&rest[translated + 1..])
            }),
            _ => None,
        };
        if let Some(compressed) = compressed {
            let mut text = Vec::new();
            if flate2::read::ZlibDecoder::new(compressed)
                .take(LIMIT)
                .read_to_end(&mut text)
                .is_ok()
            {
                inflated.push(((at, at + 12 + len), text));
            }
        }
        at += 12 + len;
        if kind == b"IEND" {
            break;
        }
    }
    // Bytes after IEND, or where the chunks stop making sense: read as they are.
    if at < bytes.len() {
        segments.push(at..bytes.len());
    }
    Some((segments, inflated))
}

/// The encoding of a file saved as UTF-16 or UTF-32 (by its byte order mark, or by the NUL bytes
/// that ASCII text has in those encodings), or `None`.
pub fn wide_encoding(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Some("UTF-32 (big-endian)");
    }
    if bytes.starts_with(b"\xFF\xFE\x00\x00") {
        return Some("UTF-32 (little-endian)");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Some("UTF-16 (big-endian)");
    }
    if bytes.starts_with(b"\xFF\xFE") {
        return Some("UTF-16 (little-endian)");
    }
    // No byte order mark: ASCII text in UTF-16/32 has NULs in a fixed pattern.
    let head = &bytes[..bytes.len().min(64) & !3];
    if head.len() < 4 {
        return None;
    }
    let nul_at = |offset: usize, step: usize| head.iter().skip(offset).step_by(step).all(|&b| b == 0);
    let non_nul_at = |offset: usize, step: usize| head.iter().skip(offset).step_by(step).all(|&b| b != 0);
    if non_nul_at(0, 4) && nul_at(1, 4) && nul_at(2, 4) && nul_at(3, 4) {
        return Some("UTF-32 (little-endian)");
    }
    if nul_at(0, 4) && nul_at(1, 4) && nul_at(2, 4) && non_nul_at(3, 4) {
        return Some("UTF-32 (big-endian)");
    }
    if non_nul_at(0, 2) && nul_at(1, 2) {
        return Some("UTF-16 (little-endian)");
    }
    if nul_at(0, 2) && non_nul_at(1, 2) {
        return Some("UTF-16 (big-endian)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::{mask, scan_binary, SecretKind};

    const TOKEN: &str = "q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx";

    #[test]
    fn json_escapes_do_not_hide_a_secret() {
        let json = br#"{"description": "token ghp\u005fR8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU", "n": 1}"#;
        let hits = json_escaped_hits(json);
        assert_eq!(hits.len(), 1, "{hits:?}");
        let (hit, secret) = &hits[0];
        assert_eq!(
            (hit.kind, secret.as_str()),
            (SecretKind::GitHubToken, "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU")
        );
        assert_eq!(&json[hit.start..hit.end], br"ghp\u005fR8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU");
        // `\/` inside an account key: the whole key, over the shorter one the byte scan sees.
        let json = br#"{"x-ms-test-value": "AccountKey=q8Zr2QmX7pLw4NvB9tYc\/K3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w==;EndpointSuffix=core.windows.net"}"#;
        let found = file_hits("apiDefinition.swagger.json", json, true);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].secret,
            "q8Zr2QmX7pLw4NvB9tYc/K3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w=="
        );
        assert!(found[0].how == Reading::JsonString);
        // A member's value reads after its name; a name can be escaped too.
        let json = br#"{"api\u005fkey": "q8Zr2QmX7pLw4NvB9tYcK\/3sH6jF1"}"#;
        assert_eq!(json_escaped_hits(json).len(), 1);
        assert_eq!(json_escaped_hits(json)[0].1, "q8Zr2QmX7pLw4NvB9tYcK/3sH6jF1");
        // A surrogate pair, comments and unterminated strings are read through.
        assert_eq!(decode_json_string(br"\ud83d\ude00\/", 0).0, "😀/".as_bytes());
        let json = b"// \"a \\u0041\n{\"k\": \"\\u0067hp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU\" /* \" */}";
        assert_eq!(json_escaped_hits(json).len(), 1);
        for json in [
            &br#"{"host": "https:\/\/api.contoso.com\/v1\/items\/{id}", "name": "caf\u00e9 na\u00efve"}"#[..],
            br#"{"apiKey": "YOUR\/API\/KEY"}"#,
            br#"{"description": "use \u0022apiKey\u0022: \u0022[[REPLACE]]\u0022"}"#,
        ] {
            assert!(json_escaped_hits(json).is_empty(), "{}", String::from_utf8_lossy(json));
        }
    }

    /// Bytes that look like compressed data (a fixed xorshift sequence).
    fn noise(n: usize) -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    #[test]
    fn binary_files_are_scanned_for_formats_only() {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(noise(4096));
        bytes.extend(b"\0\0\0\x3ftEXtComment\0ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU");
        bytes.extend(noise(4096));
        bytes.extend(format!("\0api_key={TOKEN}\0").as_bytes());
        let found = file_hits("icon.png", &bytes, false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].hit.kind, SecretKind::GitHubToken);
        assert!(found[0].how == Reading::Binary);
        // A name that says text is read as text, a NUL or not.
        let notes = format!("// \0\napi_key={TOKEN}\n");
        assert_eq!(file_hits("notes.txt", notes.as_bytes(), false).len(), 1);
        assert_eq!(file_hits("script.csx", notes.as_bytes(), false).len(), 1);
        assert!(file_hits("notes.bin", notes.as_bytes(), false).is_empty());
        // Random bytes hold no credential format.
        assert!(scan_binary(&noise(8 << 20)).is_empty());
    }

    #[test]
    fn a_png_compressed_text_chunk_is_inflated() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        // Compressible text, so that the token's bytes do not show in the compressed stream.
        z.write_all(format!("{}token ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU", "made with love ".repeat(20)).as_bytes())
            .unwrap();
        let mut data = b"Comment\0\0".to_vec();
        data.extend(z.finish().unwrap());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(b"zTXt");
        png.extend(&data);
        png.extend([0; 4]);
        png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
        let found = file_hits("icon.png", &png, false);
        assert_eq!(found.len(), 1);
        assert!(found[0].how == Reading::PngText);
        assert!(scan_binary(&png).is_empty());
        assert_eq!(mask(&found[0].secret), "ghp_…(40 chars)");
        // A chunk longer than the file: what is left is read as it is.
        let segments = png_parts(b"\x89PNG\r\n\x1a\n\0\0\0\x05zTXtab").unwrap().0;
        assert_eq!((segments.len(), segments.first()), (1, Some(&(8..18))));
        assert!(png_parts(b"GIF89a").is_none());
    }

    #[test]
    fn utf16_text_is_decoded() {
        let text = format!("\u{FEFF}# Notes\r\napi_key={TOKEN}\r\n");
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let found = file_hits("notes.txt", &utf16, false);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].secret, TOKEN);
        let utf16be: Vec<u8> = "# Notes\nno secret here at all\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(file_hits("notes.txt", &utf16be, false).is_empty());
    }
}
