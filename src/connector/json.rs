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

/// Where every value of a document sits, as a tree of nodes: node 0 is the root, every other
/// node is one member (by name) or element (by index) of its parent, found by a 64-bit hash of
/// (parent, segment) with a seed chosen at random per document. A pointer is looked up one segment
/// at a time, so the map holds no names and no pointers: its size grows with the number of values
/// only (a long key above a large array was once copied into every element's pointer). Two
/// segments whose hashes collide would only point a finding at the wrong line.
#[derive(Debug, Clone, Default)]
struct PositionMap {
    /// The line and column of each node: the key's for object members, the value's for the rest.
    positions: Vec<(u32, u32)>,
    /// hash of (parent node, segment) -> node.
    children: HashMap<u64, u32, ahash::RandomState>,
    seed: ahash::RandomState,
}

#[derive(Hash)]
enum Segment<'a> {
    Member(&'a str),
    Element(u32),
}

impl PositionMap {
    const ROOT: u32 = 0;

    fn add(&mut self, parent: Option<(u32, Segment)>, (line, column): (u32, u32)) -> u32 {
        let node = self.positions.len() as u32;
        self.positions.push((line, column));
        if let Some(key) = parent {
            self.children.insert(self.seed.hash_one(key), node);
        }
        node
    }

    /// The position of the value at `pointer`, or of its nearest enclosing value that is known.
    fn position_of(&self, pointer: &str) -> Option<Position> {
        let mut node = Self::ROOT;
        let mut segments = pointer.split('/');
        // A pointer is "" (the root) or starts with `/`.
        if segments.next() != Some("") {
            return None;
        }
        for segment in segments {
            let name: std::borrow::Cow<str> = if segment.contains('~') {
                segment.replace("~1", "/").replace("~0", "~").into()
            } else {
                segment.into()
            };
            let child = |s: Segment| self.children.get(&self.seed.hash_one((node, s))).copied();
            let next = child(Segment::Member(&name)).or_else(|| child(Segment::Element(name.parse().ok()?)));
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        let &(line, column) = self.positions.get(node as usize)?;
        Some(Position {
            line: line as usize,
            column: column as usize,
        })
    }
}

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
    /// The quirks the tolerant parse forgave, in the order met (the first
    /// [`MAX_KEPT_REPAIRS`]; a file of a million stray commas would otherwise keep a million).
    pub repairs: Vec<JsonIssue>,
    /// How many quirks it forgave in all.
    pub repair_count: usize,
    /// The file starts with a UTF-8 byte order mark.
    pub has_bom: bool,
    /// Where the first byte that is not UTF-8 sits, if any (it was read as U+FFFD).
    pub invalid_utf8_at: Option<Position>,
    /// How many values the file holds (objects, arrays, strings, numbers, literals).
    pub values: usize,
    /// Where each value sits: the member's key, or the element's value in arrays.
    positions: PositionMap,
}

impl JsonDocument {
    /// Where the value at `pointer` (RFC 6901) sits; for object members, the key's position.
    /// Falls back to the nearest enclosing value that is known, then to the file's start.
    pub fn position_of(&self, pointer: &str) -> Position {
        self.positions.position_of(pointer).unwrap_or(Position { line: 1, column: 1 })
    }

    /// True when a strict parser accepts the file (a BOM aside).
    pub fn is_strict(&self) -> bool {
        self.strict_error.is_none()
    }
}

/// The tolerant parse failed too: the file is beyond repair, or beyond the limits.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{issue}")]
pub struct JsonError {
    pub issue: JsonIssue,
    pub strict_error: Option<JsonIssue>,
    pub kind: JsonErrorKind,
}

/// Why a file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonErrorKind {
    /// Broken beyond repair (or nested deeper than [`MAX_DEPTH`]).
    Syntax,
    /// Larger than [`MAX_PARSE_BYTES`]: not parsed at all.
    TooLarge,
    /// More than [`MAX_VALUES`] values: the parse stopped there.
    TooManyValues,
    /// A member name longer than [`MAX_KEY_BYTES`]: the parse stopped there.
    KeyTooLong,
}

pub use crate::secrets::wide_encoding;

/// JSON files larger than this are not parsed: the tree and its position map take several times
/// the file's size in memory, and the repository expects a swagger under 1 MB (the corpus's
/// largest JSON file is under 1 MB).
pub const MAX_PARSE_BYTES: usize = 32 * 1024 * 1024;

/// A file with more values than this is not read further: each value costs about a hundred bytes
/// in the tree and the position map, whatever its size in the file (`{}` is two bytes), so a file
/// of millions of tiny values took gigabytes. The largest upstream swagger (Encodian, 0.95 MB)
/// holds 23,405 values; this is four times that, rounded up.
pub const MAX_VALUES: usize = 100_000;

/// A member name longer than this (in bytes) is not read: every finding under it, and every
/// parameter the checks list under it, carries it in its pointer and often in its message, so a
/// long name multiplies. The longest upstream is 750 (an OAuth scope list used as a key; paths
/// reach 212).
pub const MAX_KEY_BYTES: usize = 4096;

/// Nesting deeper than this is not read (the largest upstream depth is 27).
pub const MAX_DEPTH: usize = 256;

/// Repairs kept with their message and position; the rest are only counted.
pub const MAX_KEPT_REPAIRS: usize = 100;

/// The value of strict JSON (a byte order mark allowed), without the tolerant parse's position
/// map: the cheap read for callers that need only the data. `None` when the file is not strict
/// JSON, is over [`MAX_PARSE_BYTES`] or holds more than [`MAX_VALUES`] values; [`parse`] then
/// says why.
pub fn strict_value(bytes: &[u8]) -> Option<Value> {
    if bytes.len() > MAX_PARSE_BYTES {
        return None;
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !within_value_budget(body) {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// False when strict JSON `body` holds more than [`MAX_VALUES`] values, counted by a streaming
/// pass that builds nothing. Every value takes at least two bytes (`0,`, `{}`), so a shorter file
/// is within the budget without a look.
fn within_value_budget(body: &[u8]) -> bool {
    use serde::de::{DeserializeSeed, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::cell::Cell;

    if body.len() / 2 < MAX_VALUES {
        return true;
    }
    #[derive(Clone, Copy)]
    struct Count<'a>(&'a Cell<usize>);
    impl<'de> DeserializeSeed<'de> for Count<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.0.set(self.0.get() + 1);
            if self.0.get() > MAX_VALUES {
                return Err(D::Error::custom("too many values"));
            }
            d.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Count<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while map.next_key::<IgnoredAny>()?.is_some() {
                map.next_value_seed(self)?;
            }
            Ok(())
        }
    }
    let count = Cell::new(0);
    let mut de = serde_json::Deserializer::from_slice(body);
    // A syntax error is not this function's business: `parse` reports it.
    match Count(&count).deserialize(&mut de) {
        Ok(()) => true,
        Err(_) => count.get() <= MAX_VALUES,
    }
}

/// Read JSON bytes: strict first, then tolerant. Fails only when no data can be recovered, or
/// when the file is larger than [`MAX_PARSE_BYTES`].
pub fn parse(bytes: &[u8]) -> Result<JsonDocument, JsonError> {
    if bytes.len() > MAX_PARSE_BYTES {
        return Err(too_large(bytes.len()));
    }
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let body = if has_bom { &bytes[3..] } else { bytes };

    let (text, invalid_at) = match std::str::from_utf8(body) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(body), Some(e.valid_up_to())),
    };

    let strict_error = strict_issue(body);

    let mut parser = Parser::new(&text);
    let result = parser.document();
    let Parser {
        pos,
        repairs,
        repair_count,
        positions,
        values,
        limit,
        ..
    } = parser;
    // Every other offset to place, in one pass over the text: the repairs, where the parse
    // stopped, and the first byte that is not UTF-8 (`valid_up_to` counts bytes of the original;
    // the lossy text is identical up to there).
    let mut offsets: Vec<usize> = repairs.iter().map(|(offset, _)| *offset).collect();
    offsets.push(pos);
    offsets.extend(invalid_at);
    let mut placed = positions_in(&text, &offsets).into_iter();
    let mut repairs: Vec<JsonIssue> = repairs
        .into_iter()
        .zip(placed.by_ref())
        .map(|((_, message), position)| JsonIssue { message, position })
        .collect();
    let stopped_at = placed.next().expect("one position per offset");
    let invalid_utf8_at = placed.next();
    // serde_json skips ignored strings without checking their UTF-8, so check it here.
    let strict_error = strict_error.or_else(|| {
        invalid_utf8_at.map(|position| JsonIssue {
            message: "invalid UTF-8".into(),
            position,
        })
    });
    let value = match result {
        Ok(v) => v,
        Err(message) => {
            return Err(JsonError {
                issue: JsonIssue {
                    message,
                    position: stopped_at,
                },
                strict_error,
                kind: limit.unwrap_or(JsonErrorKind::Syntax),
            })
        }
    };
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
        repair_count: repair_count + usize::from(invalid_utf8_at.is_some()),
        has_bom,
        invalid_utf8_at,
        values,
        positions,
    })
}

/// The error for a file over `MAX_PARSE_BYTES`, which is not read at all.
fn too_large(len: usize) -> JsonError {
    JsonError {
        issue: JsonIssue {
            message: format!(
                "the file is {:.1} MiB; JSON files over {} MiB are not read",
                len as f64 / (1024.0 * 1024.0),
                MAX_PARSE_BYTES / (1024 * 1024)
            ),
            position: Position { line: 1, column: 1 },
        },
        strict_error: None,
        kind: JsonErrorKind::TooLarge,
    }
}

/// What a strict parser (serde_json) says about `body`, if it refuses it.
fn strict_issue(body: &[u8]) -> Option<JsonIssue> {
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => None,
        Err(e) => Some(JsonIssue {
            message: strict_message(&e),
            position: Position {
                line: e.line().max(1),
                column: e.column().max(1),
            },
        }),
    }
}

/// serde_json's message without its trailing " at line X column Y" (we print our own).
fn strict_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The line and column of each byte offset into `text`, in one pass however many there are
/// (columns count characters; an offset inside a character counts the bytes after its start).
fn positions_in(text: &str, offsets: &[usize]) -> Vec<Position> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![Position { line: 1, column: 1 }; offsets.len()];
    let mut cursor = (0, 1, 1);
    for i in order {
        let (line, column) = advance(text.as_bytes(), &mut cursor, offsets[i]);
        out[i] = Position {
            line: line as usize,
            column: column as usize,
        };
    }
    out
}

/// Move `cursor` (offset, line, column) forward to `offset` over `bytes` and give its line and
/// column: lines end at `\n`, columns count characters (UTF-8 lead bytes).
fn advance(bytes: &[u8], cursor: &mut (usize, u32, u32), offset: usize) -> (u32, u32) {
    let offset = offset.min(bytes.len());
    if offset < cursor.0 {
        *cursor = (0, 1, 1);
    }
    let (from, mut line, mut column) = *cursor;
    for &b in &bytes[from..offset] {
        if b == b'\n' {
            line += 1;
            column = 1;
        } else if b & 0xC0 != 0x80 {
            column += 1;
        }
    }
    *cursor = (offset, line, column);
    (line, column)
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
    // Exactly what it needs: growing by doubling would make a long key's pointer (`walk` reuses
    // one buffer for the whole document) twice the key's size.
    path.reserve_exact(1 + segment.len() + segment.bytes().filter(|b| matches!(b, b'~' | b'/')).count());
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
    /// The first [`MAX_KEPT_REPAIRS`] repairs (offset, message).
    repairs: Vec<(usize, String)>,
    repair_count: usize,
    positions: PositionMap,
    /// The last place a node was put (offset, line, column): nodes come in file order, so their
    /// lines and columns take one pass over the text.
    cursor: (usize, u32, u32),
    /// Values read so far, against [`MAX_VALUES`].
    values: usize,
    /// The limit that stopped the parse, if one did.
    limit: Option<JsonErrorKind>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `text`, nothing read yet.
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            repairs: Vec::new(),
            repair_count: 0,
            positions: PositionMap::default(),
            cursor: (0, 1, 1),
            values: 0,
            limit: None,
        }
    }

    fn document(&mut self) -> Result<Value, String> {
        self.skip_trivia();
        if self.pos >= self.bytes.len() {
            return Err("the file holds no JSON value".into());
        }
        let root = self.node(None, self.pos);
        let value = self.value(0, root)?;
        self.skip_trivia();
        if self.pos < self.bytes.len() {
            self.repair(self.pos, "text after the top-level value (ignored)");
        }
        Ok(value)
    }

    /// Put a value that starts (or whose key starts) at `offset` into the position map.
    fn node(&mut self, parent: Option<(u32, Segment)>, offset: usize) -> u32 {
        let place = advance(self.bytes, &mut self.cursor, offset);
        self.positions.add(parent, place)
    }

    /// Note a repair; past [`MAX_KEPT_REPAIRS`], only count it.
    fn repair(&mut self, offset: usize, message: impl Into<String>) {
        self.repair_count += 1;
        if self.repairs.len() < MAX_KEPT_REPAIRS {
            self.repairs.push((offset, message.into()));
        }
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
                    self.repair(self.pos, "a // comment");
                    while let Some(b) = self.peek() {
                        if b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    self.repair(self.pos, "a /* */ comment");
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
                            self.repair(self.pos, format!("a non-JSON whitespace character U+{:04X}", c as u32));
                            self.pos += c.len_utf8();
                        }
                        Some('\u{feff}') => {
                            self.repair(self.pos, "a stray byte order mark");
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

    /// The value at the current position; `node` is its place in the position map.
    fn value(&mut self, depth: usize, node: u32) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
        }
        self.values += 1;
        if self.values > MAX_VALUES {
            self.limit = Some(JsonErrorKind::TooManyValues);
            return Err(format!(
                "more than {},{:03} values; reading stopped here",
                MAX_VALUES / 1000,
                MAX_VALUES % 1000
            ));
        }
        match self.peek() {
            Some(b'{') => self.object(depth, node),
            Some(b'[') => self.array(depth, node),
            Some(b'"') => self.string(b'"').map(Value::String),
            Some(b'\'') => {
                self.repair(self.pos, "a single-quoted string");
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
                self.repair(start, format!("the non-JSON literal `{w}`"));
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
                self.repair(start, format!("the non-JSON number `{literal}`"));
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
                    self.repair(self.pos, format!("a raw control character (0x{b:02X}) inside a string"));
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
                        self.repair(at, "an invalid \\u escape");
                        out.push_str("\\u");
                    }
                }
            }
            other => {
                self.repair(at, format!("an invalid escape `\\{other}`"));
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
                self.repair(self.pos, "a single-quoted key");
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
                self.repair(start, "an unquoted key");
                Ok(self.text[start..self.pos].to_string())
            }
            _ => Err("expected a member name in double quotes".into()),
        }
    }

    fn object(&mut self, depth: usize, node: u32) -> Result<Value, String> {
        self.pos += 1; // {
        let mut map = Map::new();
        let mut after_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                Some(b'}') => {
                    if let Some(at) = after_comma {
                        self.repair(at, "a trailing comma");
                    }
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(b',') => {
                    // An empty member (`,,` or `{,`): skip it.
                    self.repair(self.pos, "an extra comma");
                    self.pos += 1;
                    continue;
                }
                // A value where a member name belongs, or the enclosing array closing: this
                // object lacks its `}`. Close it here and let the parent carry on.
                Some(b'{' | b'[' | b']') if depth > 0 => {
                    self.repair(self.pos, "a missing `}`");
                    return Ok(Value::Object(map));
                }
                None => {
                    self.repair(self.pos, "a missing `}` at the end of the file");
                    return Ok(Value::Object(map));
                }
                _ => {}
            }
            let key_at = self.pos;
            let key = self.key()?;
            if key.len() > MAX_KEY_BYTES {
                self.pos = key_at;
                self.limit = Some(JsonErrorKind::KeyTooLong);
                return Err(format!(
                    "a member name of {} bytes (the limit is {MAX_KEY_BYTES}); reading stopped here",
                    key.len()
                ));
            }
            self.skip_trivia();
            if self.peek() == Some(b':') {
                self.pos += 1;
            } else if self.peek().is_some_and(Self::starts_value) {
                self.repair(self.pos, "a missing colon");
            } else {
                return Err(format!("expected `:` after the member name \"{key}\""));
            }
            self.skip_trivia();
            let member = self.node(Some((node, Segment::Member(&key))), key_at);
            let value = self.value(depth + 1, member)?;
            map.insert(key, value);
            self.skip_trivia();
            match self.peek() {
                Some(b',') => {
                    after_comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => after_comma = None,
                Some(b'"' | b'\'') => {
                    self.repair(self.pos, "a missing comma between members");
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

    fn array(&mut self, depth: usize, node: u32) -> Result<Value, String> {
        self.pos += 1; // [
        let mut items = Vec::new();
        let mut after_comma: Option<usize> = None;
        loop {
            self.skip_trivia();
            match self.peek() {
                Some(b']') => {
                    if let Some(at) = after_comma {
                        self.repair(at, "a trailing comma");
                    }
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.repair(self.pos, "an extra comma");
                    self.pos += 1;
                    continue;
                }
                None => {
                    self.repair(self.pos, "a missing `]` at the end of the file");
                    return Ok(Value::Array(items));
                }
                _ => {}
            }
            let element = self.node(Some((node, Segment::Element(items.len() as u32))), self.pos);
            let value = self.value(depth + 1, element)?;
            items.push(value);
            self.skip_trivia();
            // A `}` that closes nothing here: its object was closed early (see `object`).
            while self.peek() == Some(b'}') {
                self.repair(self.pos, "an extra `}`");
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
                    self.repair(self.pos, "a missing comma between elements");
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
    fn pointers_with_escapes_duplicates_and_long_keys_find_their_values() {
        let doc = parse(b"{\"a/b~c\": {\"x\": 1},\n \"d\": 1,\n \"d\": [0,\n 1]}").unwrap();
        assert_eq!(doc.position_of("/a~1b~0c/x"), Position { line: 1, column: 12 });
        // The later of two equal keys wins, as in the value.
        assert_eq!(doc.position_of("/d/1"), Position { line: 4, column: 2 });
        // An element index is not a member name.
        let doc = parse(b"{\"0\": [\"x\"],\n\"1\": {\"0\": true}}").unwrap();
        assert_eq!(doc.position_of("/0/0"), Position { line: 1, column: 8 });
        assert_eq!(doc.position_of("/1/0"), Position { line: 2, column: 7 });
        // A long key above many elements costs nothing per element.
        let key = "k".repeat(MAX_KEY_BYTES);
        let text = format!("{{\"{key}\": [{}0]}}", "0,".repeat(50_000));
        let doc = parse(text.as_bytes()).unwrap();
        let at = pointer(&[key.as_str(), "50000"]);
        assert_eq!(
            doc.position_of(&at),
            Position {
                line: 1,
                column: MAX_KEY_BYTES + 7 + 100_000
            }
        );
        assert_eq!(doc.values, 50_003);
    }

    #[test]
    fn more_values_than_the_budget_stop_the_parse_where_they_pass_it() {
        let within = format!("[{}0]", "{},".repeat(MAX_VALUES - 2));
        let doc = parse(within.as_bytes()).unwrap();
        assert_eq!(doc.values, MAX_VALUES);
        assert!(strict_value(within.as_bytes()).is_some());
        let over = format!("[\n{}0]", "{},".repeat(MAX_VALUES - 1));
        let err = parse(over.as_bytes()).unwrap_err();
        assert_eq!(err.kind, JsonErrorKind::TooManyValues);
        assert_eq!(
            err.issue.position,
            Position {
                line: 2,
                column: 3 * (MAX_VALUES - 1) + 1
            }
        );
        assert!(err.issue.message.contains("100,000 values"), "{}", err.issue.message);
        assert_eq!(strict_value(over.as_bytes()), None);
        // Not strict JSON: the tolerant parse counts too.
        let loose = format!("[{}]", "{}".repeat(MAX_VALUES + 1));
        assert_eq!(parse(loose.as_bytes()).unwrap_err().kind, JsonErrorKind::TooManyValues);
        assert_eq!(parse(b"{\"a\": ").unwrap_err().kind, JsonErrorKind::Syntax);
    }

    #[test]
    fn a_member_name_over_the_limit_stops_the_parse_at_it() {
        let ok = format!("{{\"{}\": 1}}", "k".repeat(MAX_KEY_BYTES));
        assert!(parse(ok.as_bytes()).is_ok());
        let long = format!("{{\"a\": 1,\n \"{}\": 1}}", "k".repeat(MAX_KEY_BYTES + 1));
        let err = parse(long.as_bytes()).unwrap_err();
        assert_eq!(err.kind, JsonErrorKind::KeyTooLong);
        assert_eq!(err.issue.position, Position { line: 2, column: 2 });
        assert!(
            err.issue.message.starts_with("a member name of 4097 bytes"),
            "{}",
            err.issue.message
        );
    }

    #[test]
    fn repairs_past_the_first_hundred_are_counted_not_kept() {
        let text = format!("[{}1]", ",".repeat(1_000_000));
        let doc = parse(text.as_bytes()).unwrap();
        assert_eq!(doc.repairs.len(), MAX_KEPT_REPAIRS);
        assert_eq!(doc.repair_count, 1_000_000);
        assert_eq!(doc.repairs[99].position, Position { line: 1, column: 101 });
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
