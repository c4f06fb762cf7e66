//! Tolerant JSON reading.
//!
//! Microsoft accepted connectors whose JSON is not strict: trailing commas, comments, a missing
//! comma between two members, text after the top-level object, raw control characters inside
//! strings, bytes that are not UTF-8. The tool must still read them (the catalog fingerprints every
//! upstream connector), while `validate` must still tell the author exactly where their file
//! breaks the standard. So every read does both:
//!
//! 1. a strict parse with `serde_json` (a UTF-8 byte order mark is allowed), whose error is kept
//!    with its line and column, and
//! 2. a forgiving recursive-descent parse that recovers the data, lists every repair it made,
//!    and remembers where each value sits so findings can point at `file:line:col`.

use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

/// Pointer -> offset. A fast hash: every value of every document gets an entry, and SipHash
/// was a tenth of `validate`'s time over the corpus.
type Offsets = HashMap<String, usize, ahash::RandomState>;

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Something the tolerant reader had to forgive, or the reason it gave up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JsonIssue {
    pub message: String,
    pub position: Position,
}

impl fmt::Display for JsonIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {}, column {}",
            self.message, self.position.line, self.position.column
        )
    }
}

/// A JSON file read as leniently as the corpus requires.
#[derive(Debug, Clone)]
pub struct JsonDocument {
    /// The recovered data.
    pub value: Value,
    /// Why a strict parser rejects the file, if it does.
    pub strict_error: Option<JsonIssue>,
    /// Every quirk the tolerant parse forgave, in file order.
    pub repairs: Vec<JsonIssue>,
    /// The file starts with a UTF-8 byte order mark.
    pub has_bom: bool,
    /// Where the first byte that is not UTF-8 sits, if any (it was read as U+FFFD).
    pub invalid_utf8_at: Option<Position>,
    lines: LineIndex,
    /// JSON pointer -> byte offset of the member's key (or of the element's value in arrays).
    offsets: Offsets,
}

impl JsonDocument {
    /// Where the value at `pointer` (RFC 6901) sits; for object members, the key's position.
    /// Falls back to the nearest enclosing value that is known, then to the file's start.
    pub fn position_of(&self, pointer: &str) -> Position {
        let mut p = pointer;
        loop {
            if let Some(&offset) = self.offsets.get(p) {
                return self.lines.position(offset);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Position { line: 1, column: 1 },
            }
        }
    }

    /// The file's text as read (without a byte order mark; bytes that are not UTF-8 as U+FFFD),
    /// for checks about lines and whitespace.
    pub fn text(&self) -> &str {
        &self.lines.text
    }

    /// True when a strict parser accepts the file (a BOM aside).
    pub fn is_strict(&self) -> bool {
        self.strict_error.is_none()
    }
}

/// The tolerant parse failed too: the file is beyond repair.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{issue}")]
pub struct JsonError {
    pub issue: JsonIssue,
    pub strict_error: Option<JsonIssue>,
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

/// JSON files larger than this are not parsed: the tree and its position map take several times
/// the file's size in memory, and the repository expects a swagger under 1 MB (the corpus's
/// largest JSON file is under 1 MB).
pub const MAX_PARSE_BYTES: usize = 32 * 1024 * 1024;

/// The value of strict JSON (a byte order mark allowed), without the tolerant parse's position
/// map: the cheap read for callers that need only the data. `None` when the file is not strict
/// JSON or is over [`MAX_PARSE_BYTES`]; [`parse`] then says why.
pub fn strict_value(bytes: &[u8]) -> Option<Value> {
    if bytes.len() > MAX_PARSE_BYTES {
        return None;
    }
    serde_json::from_slice(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()
}

/// Read JSON bytes: strict first, then tolerant. Fails only when no data can be recovered, or
/// when the file is larger than [`MAX_PARSE_BYTES`].
pub fn parse(bytes: &[u8]) -> Result<JsonDocument, JsonError> {
    if bytes.len() > MAX_PARSE_BYTES {
        return Err(JsonError {
            issue: JsonIssue {
                message: format!(
                    "the file is {:.1} MiB; JSON files over {} MiB are not read",
                    bytes.len() as f64 / (1024.0 * 1024.0),
                    MAX_PARSE_BYTES / (1024 * 1024)
                ),
                position: Position { line: 1, column: 1 },
            },
            strict_error: None,
        });
    }
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if has_bom { &bytes[3..] } else { bytes };

    let (text, invalid_at) = match std::str::from_utf8(body) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(body), Some(e.valid_up_to())),
    };
    let lines = LineIndex::new(&text);

    let strict_error = match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => None,
        Err(e) => Some(JsonIssue {
            message: strict_message(&e),
            position: Position {
                line: e.line().max(1),
                column: e.column().max(1),
            },
        }),
    };
    let invalid_utf8_at = invalid_at.map(|valid_up_to| {
        // `valid_up_to` counts bytes of the original; the lossy text is identical up to there.
        lines.position(valid_up_to)
    });
    // serde_json skips ignored strings without checking their UTF-8, so check it here.
    let strict_error = strict_error.or_else(|| {
        invalid_utf8_at.map(|position| JsonIssue {
            message: "invalid UTF-8".into(),
            position,
        })
    });

    let mut parser = Parser {
        text: &text,
        bytes: text.as_bytes(),
        pos: 0,
        repairs: Vec::new(),
        offsets: Offsets::default(),
        path: String::new(),
    };
    let value = match parser.document() {
        Ok(v) => v,
        Err(message) => {
            return Err(JsonError {
                issue: JsonIssue {
                    message,
                    position: lines.position(parser.pos),
                },
                strict_error,
            })
        }
    };
    let mut repairs: Vec<JsonIssue> = parser
        .repairs
        .into_iter()
        .map(|(offset, message)| JsonIssue {
            message,
            position: lines.position(offset),
        })
        .collect();
    if let Some(position) = invalid_utf8_at {
        repairs.insert(
            0,
            JsonIssue {
                message: "bytes that are not UTF-8 (read as U+FFFD)".into(),
                position,
            },
        );
    }
    Ok(JsonDocument {
        value,
        strict_error,
        repairs,
        has_bom,
        invalid_utf8_at,
        lines,
        offsets: parser.offsets,
    })
}

/// serde_json's message without its trailing " at line X column Y" (we print our own).
fn strict_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Byte offsets of line starts, to turn an offset into a line and a column on demand.
#[derive(Debug, Clone)]
struct LineIndex {
    starts: Vec<usize>,
    text: std::sync::Arc<str>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts, text: text.into() }
    }

    fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(offset - start) + 1;
        Position { line: line + 1, column }
    }
}

/// An RFC 6901 pointer from its segments: `["paths", "/a/{id}"]` -> `/paths/~1a~1{id}`.
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for s in segments {
        push_segment(&mut out, s.as_ref());
    }
    out
}

/// Visit every value depth-first with its pointer and the name of the member it belongs to
/// (array elements take their array's name; the root has ""). A value's children are visited
/// only when `visit` returns true for it.
pub fn walk(value: &Value, visit: &mut dyn FnMut(&str, &str, &Value) -> bool) {
    fn inner(value: &Value, at: &mut String, key: &str, visit: &mut dyn FnMut(&str, &str, &Value) -> bool) {
        if !visit(at, key, value) {
            return;
        }
        let len = at.len();
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    push_segment(at, k);
                    inner(v, at, k, visit);
                    at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    push_segment(at, &i.to_string());
                    inner(v, at, key, visit);
                    at.truncate(len);
                }
            }
            _ => {}
        }
    }
    inner(value, &mut String::new(), "", visit)
}

/// Append one RFC 6901 pointer segment.
pub fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    repairs: Vec<(usize, String)>,
    offsets: Offsets,
    path: String,
}

const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    fn document(&mut self) -> Result<Value, String> {
        self.skip_trivia();
        if self.pos >= self.bytes.len() {
            return Err("the file holds no JSON value".into());
        }
        self.offsets.insert(String::new(), self.pos);
        let value = self.value(0)?;
        self.skip_trivia();
        if self.pos < self.bytes.len() {
            self.repairs.push((self.pos, "text after the top-level value (ignored)".into()));
        }
        Ok(value)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skip whitespace and comments (comments are a repair: strict JSON has none).
    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.repairs.push((self.pos, "a // comment".into()));
                    while let Some(b) = self.peek() {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    self.repairs.push((self.pos, "a /* */ comment".into()));
                    self.pos += 2;
                    while self.pos < self.bytes.len() && !self.text[self.pos..].starts_with("*/") {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 2).min(self.bytes.len());
                }
                _ => {
                    // Non-breaking and other Unicode spaces between tokens.
                    match self.text[self.pos..].chars().next() {
                        Some(c) if c.is_whitespace() => {
                            self.repairs
                                .push((self.pos, format!("a non-JSON whitespace character U+{:04X}", c as u32)));
                            self.pos += c.len_utf8();
                        }
                        Some('\u{feff}') => {
                            self.repairs.push((self.pos, "a stray byte order mark".into()));
                            self.pos += 3;
                        }
                        _ => return,
                    }
                }
            }
        }
    }

    fn starts_value(b: u8) -> bool {
        matches!(b, b'{' | b'[' | b'"' | b'\'' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("nesting deeper than 256 levels".into());
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string(b'"').map(Value::String),
            Some(b'\'') => {
                self.repairs.push((self.pos, "a single-quoted string".into()));
                self.string(b'\'').map(Value::String)
            }
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => self.number(),
            Some(_) => self.word(),
            None => Err("the file ends where a value was expected".into()),
        }
    }

    fn word(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        match &self.text[start..self.pos] {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            "True" | "False" | "None" | "undefined" | "NaN" => {
                let w = &self.text[start..self.pos];
                self.repairs.push((start, format!("the non-JSON literal `{w}`")));
                Ok(match w {
                    "True" => Value::Bool(true),
                    "False" => Value::Bool(false),
                    _ => Value::Null,
                })
            }
            "" => {
                self.pos = start;
                let c = self.text[start..].chars().next().unwrap_or(' ');
                Err(format!("unexpected character `{}` where a value was expected", c.escape_debug()))
            }
            w => {
                self.pos = start;
                Err(format!("unexpected word `{w}` where a value was expected"))
            }
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let literal = &self.text[start..self.pos];
        if let Ok(n) = serde_json::from_str::<Number>(literal) {
            return Ok(Value::Number(n));
        }
        match literal.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => {
                self.repairs.push((start, format!("the non-JSON number `{literal}`")));
                Ok(Value::Number(n))
            }
            None => {
                self.pos = start;
                Err(format!("`{literal}` is not a number"))
            }
        }
    }

    fn string(&mut self, quote: u8) -> Result<String, String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            // Copy the run of ordinary characters in one go.
            let run = rest
                .find(|c: char| c as u32 == quote as u32 || c == '\\' || (c as u32) < 0x20)
                .unwrap_or(rest.len());
            out.push_str(&rest[..run]);
            self.pos += run;
            match self.peek() {
                None => {
                    self.pos = open;
                    return Err("a string that is never closed".into());
                }
                Some(b) if b == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(b) => {
                    self.repairs
                        .push((self.pos, format!("a raw control character (0x{b:02X}) inside a string")));
                    out.push(b as char);
                    self.pos += 1;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let at = self.pos;
        self.pos += 1;
        let Some(c) = self.text[self.pos..].chars().next() else {
            return Err("a string that ends in a backslash".into());
        };
        self.pos += c.len_utf8();
        match c {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let first = self.hex4();
                match first {
                    Some(hi @ 0xD800..=0xDBFF) if self.text[self.pos..].starts_with("\\u") => {
                        let save = self.pos;
                        self.pos += 2;
                        match self.hex4() {
                            Some(lo @ 0xDC00..=0xDFFF) => {
                                let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                            }
                            _ => {
                                self.pos = save;
                                out.push('\u{FFFD}');
                            }
                        }
                    }
                    Some(code) => out.push(char::from_u32(code).unwrap_or('\u{FFFD}')),
                    None => {
                        self.repairs.push((at, "an invalid \\u escape".into()));
                        out.push_str("\\u");
                    }
                }
            }
            other => {
                self.repairs.push((at, format!("an invalid escape `\\{other}`")));
                out.push(other);
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos + 4)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(code)
    }

    fn key(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(b'"') => self.string(b'"'),
            Some(b'\'') => {
                self.repairs.push((self.pos, "a single-quoted key".into()));
                self.string(b'\'')
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let start = self.pos;
                while let Some(b) = self.peek() {
                    if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'-' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                self.repairs.push((start, "an unquoted key".into()));
                Ok(self.text[start..self.pos].to_string())
            }
            _ => Err("expected a member name in double quotes".into()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1; // {
        let mut map = Map::new();
        let mut after_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                Some(b'}') => {
                    if let Some(at) = after_comma {
                        self.repairs.push((at, "a trailing comma".into()));
                    }
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(b',') => {
                    // An empty member (`,,` or `{,`): skip it.
                    self.repairs.push((self.pos, "an extra comma".into()));
                    self.pos += 1;
                    continue;
                }
                // A value where a member name belongs, or the enclosing array closing: this
                // object lacks its `}`. Close it here and let the parent carry on.
                Some(b'{' | b'[' | b']') if depth > 0 => {
                    self.repairs.push((self.pos, "a missing `}`".into()));
                    return Ok(Value::Object(map));
                }
                None => {
                    self.repairs.push((self.pos, "a missing `}` at the end of the file".into()));
                    return Ok(Value::Object(map));
                }
                _ => {}
            }
            let key_at = self.pos;
            let key = self.key()?;
            self.skip_trivia();
            if self.peek() == Some(b':') {
                self.pos += 1;
            } else if self.peek().is_some_and(Self::starts_value) {
                self.repairs.push((self.pos, "a missing colon".into()));
            } else {
                return Err(format!("expected `:` after the member name \"{key}\""));
            }
            self.skip_trivia();
            let saved = self.path.len();
            push_segment(&mut self.path, &key);
            self.offsets.insert(self.path.clone(), key_at);
            let value = self.value(depth + 1)?;
            self.path.truncate(saved);
            map.insert(key, value);
            self.skip_trivia();
            match self.peek() {
                Some(b',') => {
                    after_comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => after_comma = None,
                Some(b'"' | b'\'') => {
                    self.repairs.push((self.pos, "a missing comma between members".into()));
                    after_comma = None;
                }
                Some(b'{' | b'[' | b']') if depth > 0 => after_comma = None,
                None => after_comma = None,
                Some(_) => {
                    let c = self.text[self.pos..].chars().next().unwrap_or(' ');
                    return Err(format!("expected `,` or `}}` after a member, found `{}`", c.escape_debug()));
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1; // [
        let mut items = Vec::new();
        let mut after_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                Some(b']') => {
                    if let Some(at) = after_comma {
                        self.repairs.push((at, "a trailing comma".into()));
                    }
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.repairs.push((self.pos, "an extra comma".into()));
                    self.pos += 1;
                    continue;
                }
                None => {
                    self.repairs.push((self.pos, "a missing `]` at the end of the file".into()));
                    return Ok(Value::Array(items));
                }
                _ => {}
            }
            let saved = self.path.len();
            push_segment(&mut self.path, &items.len().to_string());
            self.offsets.insert(self.path.clone(), self.pos);
            let value = self.value(depth + 1)?;
            self.path.truncate(saved);
            items.push(value);
            self.skip_trivia();
            // A `}` that closes nothing here: its object was closed early (see `object`).
            while self.peek() == Some(b'}') {
                self.repairs.push((self.pos, "an extra `}`".into()));
                self.pos += 1;
                self.skip_trivia();
            }
            match self.peek() {
                Some(b',') => {
                    after_comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b']') => after_comma = None,
                Some(b) if Self::starts_value(b) => {
                    self.repairs.push((self.pos, "a missing comma between elements".into()));
                    after_comma = None;
                }
                None => after_comma = None,
                Some(_) => {
                    let c = self.text[self.pos..].chars().next().unwrap_or(' ');
                    return Err(format!("expected `,` or `]` after an element, found `{}`", c.escape_debug()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repairs(doc: &JsonDocument) -> Vec<&str> {
        doc.repairs.iter().map(|r| r.message.as_str()).collect()
    }

    #[test]
    fn strict_json_has_no_repairs() {
        let doc = parse(br#"{"a": [1, 2.5, "x"], "b": {"c": null}}"#).unwrap();
        assert!(doc.is_strict());
        assert!(doc.repairs.is_empty());
        assert_eq!(doc.value, json!({"a": [1, 2.5, "x"], "b": {"c": null}}));
    }

    #[test]
    fn bom_is_allowed_and_reported() {
        let doc = parse(b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        assert!(doc.has_bom);
        assert!(doc.is_strict(), "{:?}", doc.strict_error);
        assert_eq!(doc.value, json!({"a": 1}));
    }

    #[test]
    fn trailing_commas_in_objects_and_arrays() {
        let doc = parse(b"{\n  \"a\": [1, 2,],\n  \"b\": 2,\n}").unwrap();
        assert_eq!(doc.value, json!({"a": [1, 2], "b": 2}));
        let err = doc.strict_error.clone().expect("strict parser must reject");
        assert_eq!(err.position.line, 2);
        assert_eq!(repairs(&doc), ["a trailing comma", "a trailing comma"]);
        assert_eq!(doc.repairs[1].position, Position { line: 3, column: 9 });
    }

    #[test]
    fn comments_are_skipped() {
        let doc = parse(b"{ // note\n \"a\": /* inline */ 1 }").unwrap();
        assert_eq!(doc.value, json!({"a": 1}));
        assert_eq!(repairs(&doc), ["a // comment", "a /* */ comment"]);
        assert!(!doc.is_strict());
    }

    #[test]
    fn text_after_the_top_level_object_is_ignored() {
        let doc = parse(b"{\"a\": 1}\n,\n}").unwrap();
        assert_eq!(doc.value, json!({"a": 1}));
        assert_eq!(repairs(&doc), ["text after the top-level value (ignored)"]);
        assert_eq!(doc.repairs[0].position, Position { line: 2, column: 1 });
    }

    #[test]
    fn raw_control_characters_inside_strings_are_kept() {
        let doc = parse(b"{\"a\": \"line\tone\nline two\"}").unwrap();
        assert_eq!(doc.value["a"], "line\tone\nline two");
        assert_eq!(doc.repairs.len(), 2);
        assert!(doc.strict_error.unwrap().message.contains("control character"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_replaced() {
        let doc = parse(b"{\"name\": \"Br\xf8nn\xf8ysund\"}").unwrap();
        assert_eq!(doc.value["name"], "Br\u{FFFD}nn\u{FFFD}ysund");
        assert_eq!(doc.invalid_utf8_at, Some(Position { line: 1, column: 13 }));
        assert!(doc.strict_error.is_some());
    }

    #[test]
    fn missing_commas_between_members_and_elements() {
        let doc = parse(b"{\n \"a\": 1\n \"b\": [1 2]\n}").unwrap();
        assert_eq!(doc.value, json!({"a": 1, "b": [1, 2]}));
        assert_eq!(
            repairs(&doc),
            ["a missing comma between members", "a missing comma between elements"]
        );
        assert_eq!(doc.repairs[0].position, Position { line: 3, column: 2 });
    }

    #[test]
    fn missing_closing_braces_are_supplied() {
        // The end of the file closes whatever is open (real: gofileroom, Shopranos).
        let doc = parse(b"{\"a\": {\"b\": [1, 2").unwrap();
        assert_eq!(doc.value, json!({"a": {"b": [1, 2]}}));
        assert_eq!(
            repairs(&doc),
            [
                "a missing `]` at the end of the file",
                "a missing `}` at the end of the file",
                "a missing `}` at the end of the file"
            ]
        );
        // An object in an array that runs into the next element (real: Icon Horse).
        let doc = parse(b"{\"p\": [{\"a\": 1,\n {\"b\": 2}], \"c\": 3}").unwrap();
        assert_eq!(doc.value, json!({"p": [{"a": 1}, {"b": 2}], "c": 3}));
        assert_eq!(repairs(&doc), ["a missing `}`", "a missing comma between elements"]);
        // ... and whose `}` turns up after the next element.
        let doc = parse(b"[{\"a\": 1,\n {\"b\": 2}\n}]").unwrap();
        assert_eq!(doc.value, json!([{"a": 1}, {"b": 2}]));
        assert_eq!(repairs(&doc), ["a missing `}`", "a missing comma between elements", "an extra `}`"]);
    }

    #[test]
    fn unquoted_and_single_quoted_keys() {
        let doc = parse(b"{a: 1, 'b': 'two'}").unwrap();
        assert_eq!(doc.value, json!({"a": 1, "b": "two"}));
    }

    #[test]
    fn positions_of_members_and_elements() {
        let doc = parse(b"{\n  \"paths\": {\n    \"/a/{id}\": {\n      \"get\": {}\n    }\n  },\n  \"list\": [\n    1,\n    \"x\"\n  ]\n}")
            .unwrap();
        assert_eq!(doc.position_of("/paths/~1a~1{id}/get"), Position { line: 4, column: 7 });
        assert_eq!(doc.position_of("/list/1"), Position { line: 9, column: 5 });
        // Unknown children fall back to the nearest known parent.
        assert_eq!(doc.position_of("/paths/~1a~1{id}/get/summary"), Position { line: 4, column: 7 });
        assert_eq!(doc.position_of(""), Position { line: 1, column: 1 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let doc = parse("{\"é\": 1, \"b\": 2}".as_bytes()).unwrap();
        assert_eq!(doc.position_of("/b"), Position { line: 1, column: 10 });
    }

    #[test]
    fn broken_beyond_repair_reports_where() {
        let err = parse(b"{\n  \"a\": \n}").unwrap_err();
        assert_eq!(err.issue.position.line, 3);
        assert!(parse(b"   ").is_err());
        let deep = "[".repeat(1000);
        assert!(parse(deep.as_bytes()).is_err());
    }
}
