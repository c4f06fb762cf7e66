//! Rules for custom code (`script.csx`), from Microsoft's write-code.md: the supported namespaces
//! (also for a type written by its full name, and for the target of an alias), the `Script` class
//! deriving from `ScriptBase` with `ExecuteAsync`, the 1 MB limit, one script per connector, a
//! client of its own (`new HttpClient`) instead of `this.Context.SendAsync`, and the operations
//! `scriptOperations` in apiProperties.json names.
//!
//! The code is read by a small C# lexer that skips comments, preprocessor lines, strings (regular,
//! verbatim, raw) and character literals, and reads the code inside interpolated strings' holes:
//! a namespace that a comment or a string merely mentions is not a use.

use super::{JsonFile, Sink};
use crate::connector::{PackageFile, Position};
use serde_json::Value;

/// write-code.md: "the size of your script file can't be more than 1 MB". Read as 1,048,576 bytes,
/// so a file is refused only when it is over 1 MB whichever way the megabyte is counted.
pub const MAX_SCRIPT_BYTES: usize = 1024 * 1024;

/// Scripts up to this size are read for the other rules; larger ones only get script-size.
const MAX_READ_BYTES: usize = 4 * MAX_SCRIPT_BYTES;

/// write-code.md, "Supported namespaces": the only namespaces custom code may use.
pub const SUPPORTED_NAMESPACES: &[&str] = &[
    "System",
    "System.Collections",
    "System.Collections.Generic",
    "System.Diagnostics",
    "System.IO",
    "System.IO.Compression",
    "System.Linq",
    "System.Net",
    "System.Net.Http",
    "System.Net.Http.Headers",
    "System.Net.Security",
    "System.Security.Authentication",
    "System.Security.Cryptography",
    "System.Text",
    "System.Text.RegularExpressions",
    "System.Threading",
    "System.Threading.Tasks",
    "System.Web",
    "System.Xml",
    "System.Xml.Linq",
    "System.Drawing",
    "System.Drawing.Drawing2D",
    "System.Drawing.Imaging",
    "Microsoft.Extensions.Logging",
    "Newtonsoft.Json",
    "Newtonsoft.Json.Linq",
];

/// Namespaces of .NET and Json.NET under the supported roots that the list leaves out. A full
/// name (`System.Reflection.Assembly`) cannot say by itself where the namespace ends and the type
/// begins, so a full name is refused when it runs through one of these (or through `Microsoft.`
/// anything but Extensions.Logging, or `Newtonsoft.` anything but Json); `System.Text.Encoding`
/// and `System.Web.HttpUtility` are types of supported namespaces.
const UNSUPPORTED_NAMESPACES: &[&str] = &[
    "System.Buffers",
    "System.CodeDom",
    "System.Collections.Concurrent",
    "System.Collections.Immutable",
    "System.Collections.ObjectModel",
    "System.Collections.Specialized",
    "System.ComponentModel",
    "System.Configuration",
    "System.Data",
    "System.Diagnostics.CodeAnalysis",
    "System.Diagnostics.Contracts",
    "System.Diagnostics.Eventing",
    "System.Diagnostics.Metrics",
    "System.Diagnostics.Tracing",
    "System.DirectoryServices",
    "System.Drawing.Design",
    "System.Drawing.Printing",
    "System.Drawing.Text",
    "System.Dynamic",
    "System.Formats",
    "System.Globalization",
    "System.IdentityModel",
    "System.IO.Enumeration",
    "System.IO.IsolatedStorage",
    "System.IO.MemoryMappedFiles",
    "System.IO.Pipelines",
    "System.IO.Pipes",
    "System.IO.Ports",
    "System.Linq.Expressions",
    "System.Management",
    "System.Media",
    "System.Messaging",
    "System.Net.Cache",
    "System.Net.Http.Json",
    "System.Net.Mail",
    "System.Net.Mime",
    "System.Net.NetworkInformation",
    "System.Net.Quic",
    "System.Net.Sockets",
    "System.Net.WebSockets",
    "System.Numerics",
    "System.Reflection",
    "System.Resources",
    "System.Runtime",
    "System.Security.AccessControl",
    "System.Security.Claims",
    "System.Security.Cryptography.Pkcs",
    "System.Security.Cryptography.X509Certificates",
    "System.Security.Cryptography.Xml",
    "System.Security.Permissions",
    "System.Security.Policy",
    "System.Security.Principal",
    "System.ServiceModel",
    "System.ServiceProcess",
    "System.Text.Encodings",
    "System.Text.Json",
    "System.Text.Unicode",
    "System.Threading.Channels",
    "System.Threading.Tasks.Dataflow",
    "System.Timers",
    "System.Transactions",
    "System.Web.Caching",
    "System.Web.Configuration",
    "System.Web.Hosting",
    "System.Web.Http",
    "System.Web.Mvc",
    "System.Web.Script",
    "System.Web.Security",
    "System.Web.Services",
    "System.Web.UI",
    "System.Windows",
    "System.Xml.Schema",
    "System.Xml.Serialization",
    "System.Xml.XPath",
    "System.Xml.Xsl",
    "Newtonsoft.Json.Bson",
    "Newtonsoft.Json.Converters",
    "Newtonsoft.Json.Schema",
    "Newtonsoft.Json.Serialization",
    "Newtonsoft.Json.Utilities",
];

/// Whether a file of the folder is custom code.
pub(super) fn is_script(name: &str) -> bool {
    name.len() > 4 && name.is_char_boundary(name.len() - 4) && name[name.len() - 4..].eq_ignore_ascii_case(".csx")
}

/// The checks on the folder's script files.
pub(super) fn check(scripts: &[&PackageFile], sink: &mut Sink) {
    if scripts.len() > 1 {
        let names: Vec<String> = scripts
            .iter()
            .map(|f| format!("`{}`", crate::connector::name::printable(&f.name)))
            .collect();
        for extra in &scripts[1..] {
            sink.emit(
                "script-multiple",
                &extra.name,
                None,
                None,
                format!(
                    "the folder holds {} script files ({}); a connector has one",
                    scripts.len(),
                    names.join(", ")
                ),
                None,
            );
        }
    }
    for file in scripts {
        check_file(file, sink);
    }
}

fn check_file(file: &PackageFile, sink: &mut Sink) {
    let name = file.name.as_str();
    let Some(text) = text_of(file, sink) else {
        return;
    };
    let tokens = lex(&text);
    let lines = LineIndex::new(&text);
    let at = |offset: usize| Some(lines.position(&text, offset));
    let uses = analyse(&tokens);
    for u in &uses.namespaces {
        let (detail, fix) = namespace_words(u);
        sink.emit("script-namespace", name, at(u.offset), None, detail, Some(fix));
    }
    match (&uses.class, uses.execute) {
        (ClassFound::Script { base: true, .. }, true) => {}
        (found, execute) => {
            let (offset, detail) = match found {
                ClassFound::None => (None, "no class is named `Script`".to_string()),
                ClassFound::Script { offset, base: false } => {
                    (Some(*offset), "the class `Script` does not derive from `ScriptBase`".to_string())
                }
                ClassFound::Script { offset, base: true } => {
                    debug_assert!(!execute);
                    (Some(*offset), "the class `Script` has no `ExecuteAsync` method".to_string())
                }
            };
            sink.emit("script-class", name, offset.and_then(at), None, detail, None);
        }
    }
    for offset in &uses.http_clients {
        sink.emit(
            "script-http-client",
            name,
            at(*offset),
            None,
            "`new HttpClient` makes a client of its own; write-code.md says this will be blocked in the future".into(),
            None,
        );
    }
}

/// The script's text, once its size is said: none when it is too large to read, or UTF-16.
fn text_of<'f>(file: &'f PackageFile, sink: &mut Sink) -> Option<std::borrow::Cow<'f, str>> {
    let name = file.name.as_str();
    if file.bytes.len() > MAX_SCRIPT_BYTES {
        sink.emit(
            "script-size",
            name,
            None,
            None,
            format!(
                "`{}` is {} bytes; custom code may be at most 1 MB ({} bytes)",
                crate::connector::name::printable(name),
                file.bytes.len(),
                MAX_SCRIPT_BYTES
            ),
            None,
        );
    }
    // A file far over the limit is said to be too large and not read further: its tokens
    // would take memory in proportion (the folder allows files up to 100 MiB).
    if file.bytes.len() > MAX_READ_BYTES {
        return None;
    }
    let bytes = file.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&file.bytes);
    // UTF-16 is text-encoding's (files.rs); nothing sensible can be read from it here.
    if crate::connector::json::wide_encoding(&file.bytes).is_some() {
        return None;
    }
    Some(String::from_utf8_lossy(bytes))
}

/// What `script-namespace` says about a namespace used: the detail and the fix.
fn namespace_words(u: &NamespaceUse) -> (String, String) {
    match u.how {
        How::Using => (
            format!("`using {};` names a namespace custom code does not support", u.name),
            format!(
                "remove `using {};` and what needs it; custom code may use only the namespaces write-code.md lists",
                u.name
            ),
        ),
        How::Static => (
            format!(
                "`using static {};` is in `{}`, a namespace custom code does not support",
                u.name, u.namespace
            ),
            format!(
                "remove the `using static` and what needs it; `{}` is not among the supported namespaces",
                u.namespace
            ),
        ),
        How::Alias => (
            format!(
                "the alias `{}` stands for `{}`, in `{}`, a namespace custom code does not support",
                u.alias, u.name, u.namespace
            ),
            format!(
                "remove the alias and what uses it; `{}` is not among the supported namespaces",
                u.namespace
            ),
        ),
        How::FullName => (
            format!("`{}` is in `{}`, a namespace custom code does not support", u.name, u.namespace),
            format!(
                "do without `{}`: custom code may use only the namespaces write-code.md lists, whether with `using` or by full name",
                u.namespace
            ),
        ),
    }
}

/// `scriptOperations` in apiProperties.json must name operations of the swagger.
pub(super) fn check_operations(properties: &JsonFile, swagger: &Value, sink: &mut Sink) {
    let Some(list) = properties.doc.value.pointer("/properties/scriptOperations") else {
        return;
    };
    let ids: std::collections::HashSet<&str> = operation_ids(swagger);
    let Some(items) = list.as_array() else {
        sink.at(
            "script-operations",
            properties,
            "/properties/scriptOperations",
            format!(
                "`properties.scriptOperations` must be an array of operationIds, found {}",
                super::found(list)
            ),
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("/properties/scriptOperations/{i}");
        match item.as_str() {
            Some(id) if ids.contains(id) => {}
            Some(id) => sink.at(
                "script-operations",
                properties,
                &at,
                format!(
                    "`scriptOperations` names \"{}\", which is not an operationId of the swagger",
                    super::shown(id)
                ),
            ),
            None => sink.at(
                "script-operations",
                properties,
                &at,
                format!(
                    "an entry of `scriptOperations` must be an operationId (a string), found {}",
                    super::found(item)
                ),
            ),
        }
    }
}

/// Every operationId of the swagger's operations.
fn operation_ids(swagger: &Value) -> std::collections::HashSet<&str> {
    let methods = crate::connector::fingerprint::HTTP_METHODS;
    swagger
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.iter())
        .filter(|(method, _)| methods.contains(&method.to_ascii_lowercase().as_str()))
        .filter_map(|(_, op)| op.get("operationId").and_then(Value::as_str))
        .collect()
}

// --- The lexer ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Punct(u8),
    Number,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    text: &'a str,
    offset: usize,
}

impl<'a> Token<'a> {
    fn is(&self, p: u8) -> bool {
        self.kind == Kind::Punct(p)
    }
    fn ident(&self) -> Option<&'a str> {
        (self.kind == Kind::Ident).then_some(self.text)
    }
}

struct Lexer<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
    out: Vec<Token<'a>>,
    /// Interpolated strings open within holes of interpolated strings: bounded, so hostile
    /// nesting cannot exhaust the stack.
    depth: usize,
}

/// How deep interpolated strings are read within each other's holes; deeper holes are skipped as
/// text.
const MAX_HOLE_DEPTH: usize = 32;
/// How far a directive's end (`;`) or a class's base list is looked for, in tokens.
const MAX_LOOKAHEAD: usize = 256;

/// The code tokens of C# source: identifiers (`@` of verbatim identifiers dropped), numbers and
/// punctuation; comments, preprocessor lines and literals are skipped, but the holes of
/// interpolated strings are code and are read.
fn lex(text: &str) -> Vec<Token<'_>> {
    let mut lexer = Lexer {
        text,
        s: text.as_bytes(),
        i: 0,
        out: Vec::new(),
        depth: 0,
    };
    lexer.code(false);
    lexer.out
}

fn ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn peek(&self, k: usize) -> u8 {
        self.s.get(self.i + k).copied().unwrap_or(0)
    }

    fn char_at(&self, i: usize) -> Option<char> {
        self.text.get(i..)?.chars().next()
    }

    fn skip_line(&mut self) {
        while self.i < self.s.len() && self.s[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// Code until the end, or (in an interpolation hole) until the `}` that closes the hole or
    /// the `:` that starts its format, after which the format text is skipped to the `}`.
    fn code(&mut self, hole: bool) {
        let mut depth = 0usize;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C => self.i += 1,
                b'/' if self.peek(1) == b'/' => self.skip_line(),
                b'/' if self.peek(1) == b'*' => {
                    self.i += 2;
                    while self.i < self.s.len() && !(self.s[self.i] == b'*' && self.peek(1) == b'/') {
                        self.i += 1;
                    }
                    self.i = (self.i + 2).min(self.s.len());
                }
                // Preprocessor directives (#region, #if ...) run to the end of the line.
                b'#' if !hole => self.skip_line(),
                b'"' | b'$' | b'@' if self.string() => {}
                b'\'' => self.char_literal(),
                b'0'..=b'9' => self.number(),
                _ => {
                    let start = self.i;
                    let verbatim = c == b'@' && self.char_at(self.i + 1).is_some_and(ident_start);
                    let first = if verbatim { self.i + 1 } else { self.i };
                    match self.char_at(first) {
                        Some(ch) if ident_start(ch) => {
                            self.i = first;
                            while let Some(ch) = self.char_at(self.i).filter(|ch| ident_char(*ch)) {
                                self.i += ch.len_utf8();
                            }
                            self.out.push(Token {
                                kind: Kind::Ident,
                                text: &self.text[first..self.i],
                                offset: start,
                            });
                        }
                        Some(ch) if !ch.is_ascii() => self.i += ch.len_utf8(),
                        None => self.i += 1,
                        Some(_) => {
                            if hole && self.hole_end(c, &mut depth) {
                                return;
                            }
                            self.i += 1;
                            self.push(Kind::Punct(c), start);
                        }
                    }
                }
            }
        }
    }

    /// A number: digits, letters (suffixes, hex), `_` separators and a decimal point.
    fn number(&mut self) {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric()
                || self.s[self.i] == b'_'
                || (self.s[self.i] == b'.' && self.peek(1).is_ascii_digit()))
        {
            self.i += 1;
        }
        self.push(Kind::Number, start);
    }

    /// In an interpolation hole, the punctuation `c` at `self.i`: brackets nest, and the `}` that
    /// closes the hole or the `:` that starts its format (its text is skipped) ends the hole:
    /// true, with `self.i` past it.
    fn hole_end(&mut self, c: u8, depth: &mut usize) -> bool {
        match c {
            b'(' | b'[' | b'{' => *depth += 1,
            b')' | b']' => *depth = depth.saturating_sub(1),
            b'}' if *depth == 0 => {
                self.i += 1;
                return true;
            }
            b'}' => *depth -= 1,
            b':' if *depth == 0 && self.peek(1) != b':' && !self.out.last().is_some_and(|t| t.is(b':') && t.offset + 1 == self.i) => {
                // The format: text up to the closing brace.
                while self.i < self.s.len() && self.s[self.i] != b'}' && self.s[self.i] != b'"' {
                    self.i += 1;
                }
                if self.peek(0) == b'}' {
                    self.i += 1;
                }
                return true;
            }
            _ => {}
        }
        false
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.out.push(Token {
            kind,
            text: &self.text[start..self.i],
            offset: start,
        });
    }

    /// A string literal at the cursor, with its `$` and `@` prefixes: skipped (its holes read as
    /// code). False when the cursor is not at one.
    fn string(&mut self) -> bool {
        let mut j = self.i;
        let mut dollars = 0;
        let mut verbatim = false;
        while j < self.s.len() && (self.s[j] == b'$' || (self.s[j] == b'@' && !verbatim)) {
            if self.s[j] == b'$' {
                dollars += 1;
            } else {
                verbatim = true;
            }
            j += 1;
        }
        if self.s.get(j) != Some(&b'"') {
            return false;
        }
        let quotes = self.s[j..].iter().take_while(|&&b| b == b'"').count();
        if quotes >= 3 {
            // A raw string literal ("""...""", C# 11): ends at as many quotes as it opened with.
            // Its holes ($"""{x}""") are not read.
            self.i = j + quotes;
            let close = vec![b'"'; quotes];
            while self.i < self.s.len() && !self.s[self.i..].starts_with(&close) {
                self.i += 1;
            }
            self.i = (self.i + quotes).min(self.s.len());
            return true;
        }
        self.i = j + 1;
        let interpolated = dollars > 0;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            match c {
                b'\\' if !verbatim => self.i += 2,
                b'"' if verbatim && self.peek(1) == b'"' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return true;
                }
                b'\n' if !verbatim => return true,
                b'{' if interpolated && self.peek(1) == b'{' => self.i += 2,
                b'{' if interpolated && self.depth < MAX_HOLE_DEPTH => {
                    self.i += 1;
                    self.depth += 1;
                    self.code(true);
                    self.depth -= 1;
                }
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(self.s.len());
        true
    }

    fn char_literal(&mut self) {
        self.i += 1;
        let mut n = 0;
        while self.i < self.s.len() && n < 12 {
            match self.s[self.i] {
                b'\\' => self.i += 2,
                b'\'' => {
                    self.i += 1;
                    return;
                }
                b'\n' => return,
                _ => self.i += 1,
            }
            n += 1;
        }
        self.i = self.i.min(self.s.len());
    }
}

/// Line starts, for line and column of a byte offset.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }
    fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.0.partition_point(|&s| s <= offset);
        let start = self.0[line - 1];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        Position { line, column }
    }
}

// --- What the code uses ----------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Using,
    Static,
    Alias,
    FullName,
}

#[derive(Debug)]
struct NamespaceUse {
    how: How,
    /// The name as written (without `global::`).
    name: String,
    /// The unsupported namespace it is in.
    namespace: String,
    alias: String,
    offset: usize,
}

#[derive(Debug)]
enum ClassFound {
    None,
    Script { offset: usize, base: bool },
}

struct Uses {
    namespaces: Vec<NamespaceUse>,
    class: ClassFound,
    execute: bool,
    http_clients: Vec<usize>,
}

/// A dotted name from token `i` (`global::` and generic arguments end it): its segments and the
/// index after it.
fn dotted<'a>(tokens: &[Token<'a>], mut i: usize) -> (Vec<&'a str>, usize) {
    if tokens.get(i).and_then(Token::ident) == Some("global")
        && tokens.get(i + 1).is_some_and(|t| t.is(b':'))
        && tokens.get(i + 2).is_some_and(|t| t.is(b':'))
    {
        i += 3;
    }
    let mut segments = Vec::new();
    while let Some(name) = tokens.get(i).and_then(Token::ident) {
        segments.push(name);
        i += 1;
        if tokens.get(i).is_some_and(|t| t.is(b'.')) && tokens.get(i + 1).and_then(Token::ident).is_some() {
            i += 1;
        } else {
            break;
        }
    }
    (segments, i)
}

/// The unsupported namespace a full name (or an alias's or `using static`'s target) runs through.
fn unsupported(segments: &[&str]) -> Option<String> {
    let joined = segments.join(".");
    if SUPPORTED_NAMESPACES.contains(&joined.as_str()) {
        return None;
    }
    for k in 2..=segments.len() {
        let prefix = segments[..k].join(".");
        if UNSUPPORTED_NAMESPACES.contains(&prefix.as_str()) {
            return Some(prefix);
        }
    }
    match segments {
        ["Microsoft", "Extensions", "Logging", ..] => None,
        ["Microsoft", second, ..] => Some(format!("Microsoft.{second}")),
        ["Newtonsoft", "Json", ..] => None,
        ["Newtonsoft", second, ..] => Some(format!("Newtonsoft.{second}")),
        _ => None,
    }
}

fn analyse(tokens: &[Token]) -> Uses {
    let mut uses = Uses {
        namespaces: Vec::new(),
        class: ClassFound::None,
        execute: false,
        http_clients: Vec::new(),
    };
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let prev = i.checked_sub(1).map(|p| tokens[p]);
        let after_dot = prev.is_some_and(|p| p.is(b'.'));
        match t.ident() {
            Some("using") if !after_dot => {
                if let Some(next) = using_directive(tokens, i, &mut uses.namespaces) {
                    i = next;
                    continue;
                }
            }
            Some("class") if !after_dot && tokens.get(i + 1).and_then(Token::ident) == Some("Script") => {
                let mut j = i + 2;
                // Generic parameters would make it another class; the base list follows `:`.
                let base = tokens.get(j).is_some_and(|t| t.is(b':')) && {
                    j += 1;
                    let mut found = false;
                    let stop = (j + MAX_LOOKAHEAD).min(tokens.len());
                    // `ScriptBase`, or the last segment of a full name ending in it.
                    while j < stop && !tokens[j].is(b'{') && !tokens[j].is(b';') {
                        found |= tokens[j].ident() == Some("ScriptBase") && !tokens.get(j + 1).is_some_and(|n| n.is(b'.'));
                        j += 1;
                    }
                    found
                };
                if !matches!(uses.class, ClassFound::Script { base: true, .. }) {
                    uses.class = ClassFound::Script { offset: t.offset, base };
                }
            }
            Some("ExecuteAsync") if !after_dot => {
                // A declaration: a return type before it (`Task<HttpResponseMessage>`, `Task`),
                // not a call (`await ExecuteAsync()`, `return ExecuteAsync()`).
                let declared = tokens.get(i + 1).is_some_and(|n| n.is(b'('))
                    && prev.is_some_and(|p| {
                        p.is(b'>')
                            || p.ident()
                                .is_some_and(|w| !["await", "return", "new", "nameof", "in", "is", "as"].contains(&w))
                    });
                uses.execute |= declared;
            }
            Some("new") if !after_dot => {
                let (segments, next) = dotted(tokens, i + 1);
                if segments.last() == Some(&"HttpClient") && tokens.get(next).is_some_and(|n| n.is(b'(') || n.is(b'{')) {
                    uses.http_clients.push(t.offset);
                }
            }
            Some(_) if !after_dot => {
                let (segments, next) = dotted(tokens, i);
                if segments.len() >= 2 && matches!(segments[0], "System" | "Microsoft" | "Newtonsoft") {
                    if let Some(namespace) = unsupported(&segments) {
                        uses.namespaces.push(NamespaceUse {
                            how: How::FullName,
                            name: segments.join("."),
                            namespace,
                            alias: String::new(),
                            offset: t.offset,
                        });
                    }
                }
                i = next.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    uses
}

/// A `using` directive at token `i` (`using N;`, `using static T;`, `using A = N;`, each maybe
/// after `global`): its unsupported namespace recorded, and the index after its `;`. `None` for a
/// `using` statement or declaration (`using (var x = ...)`, `using var x = ...;`).
fn using_directive(tokens: &[Token], i: usize, out: &mut Vec<NamespaceUse>) -> Option<usize> {
    let mut j = i + 1;
    let is_static = tokens.get(j).and_then(Token::ident) == Some("static");
    if is_static {
        j += 1;
    }
    let alias = match (tokens.get(j).and_then(Token::ident), tokens.get(j + 1)) {
        (Some(name), Some(eq)) if !is_static && eq.is(b'=') && tokens.get(j + 2).is_some_and(|t| !t.is(b'=')) => {
            j += 2;
            Some(name)
        }
        _ => None,
    };
    let (segments, next) = dotted(tokens, j);
    if segments.is_empty() {
        return None;
    }
    // A directive ends with `;` (an alias may name a generic type: `<...>` before it).
    let end = tokens.get(next)?;
    let end_at = if end.is(b';') {
        next
    } else if alias.is_some() && end.is(b'<') {
        (next..(next + MAX_LOOKAHEAD).min(tokens.len())).find(|&k| tokens[k].is(b';'))?
    } else {
        return None;
    };
    let name = segments.join(".");
    let how = match (is_static, alias) {
        (true, _) => How::Static,
        (false, Some(_)) => How::Alias,
        (false, None) => How::Using,
    };
    let namespace = match how {
        How::Using => (!SUPPORTED_NAMESPACES.contains(&name.as_str())).then(|| name.clone()),
        // A type (or a namespace, for an alias): refused when it runs through an unsupported
        // namespace, or when what holds it is not a supported namespace.
        _ => unsupported(&segments).or_else(|| {
            let holder = segments[..segments.len() - 1].join(".");
            let known = SUPPORTED_NAMESPACES.contains(&name.as_str()) || SUPPORTED_NAMESPACES.contains(&holder.as_str());
            (!known && segments.len() > 1 && !matches!(segments[0], "System" | "Microsoft" | "Newtonsoft")).then_some(holder)
        }),
    };
    if let Some(namespace) = namespace {
        out.push(NamespaceUse {
            how,
            name,
            namespace,
            alias: alias.unwrap_or_default().to_string(),
            offset: tokens[i].offset,
        });
    }
    Some(end_at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(code: &str) -> Vec<&str> {
        lex(code).into_iter().filter_map(|t| t.ident()).collect()
    }

    #[test]
    fn literals_and_comments_are_not_code_but_holes_are() {
        assert_eq!(idents("a // System.Reflection\n b /* System.Data */ c"), ["a", "b", "c"]);
        assert_eq!(idents(r#"x = "System.Reflection \" still"; y"#), ["x", "y"]);
        assert_eq!(idents(r#"x = @"C:\dir"" System.Data"; y"#), ["x", "y"]);
        assert_eq!(idents(r#"x = $"{a} and {{System.Data}} {b:yyyy-MM-dd}"; y"#), ["x", "a", "b", "y"]);
        assert_eq!(idents(r#"x = $@"{a}"" {(c ? d : e)}"; y"#), ["x", "a", "c", "d", "e", "y"]);
        assert_eq!(idents("x = '\"'; y = '\\''; z"), ["x", "y", "z"]);
        assert_eq!(idents("x = \"\"\"\n System.Data \"\" \n\"\"\"; y"), ["x", "y"]);
        assert_eq!(idents("#region System.Data\nx\n# endregion\ny"), ["x", "y"]);
        assert_eq!(idents("@class = $\"{@if}\""), ["class", "if"]);
        assert_eq!(idents("x = \"unterminated\ny"), ["x", "y"]);
    }

    #[test]
    fn namespaces_by_using_full_name_alias_and_static() {
        let found =
            |code: &str| -> Vec<(How, String)> { analyse(&lex(code)).namespaces.into_iter().map(|u| (u.how, u.namespace)).collect() };
        assert_eq!(found("using System.Reflection;"), [(How::Using, "System.Reflection".into())]);
        assert_eq!(
            found("global using System.Globalization;"),
            [(How::Using, "System.Globalization".into())]
        );
        assert_eq!(found("using System.Text; using Newtonsoft.Json.Linq;"), []);
        assert_eq!(
            found("var a = System.Reflection.Assembly.GetExecutingAssembly();"),
            [(How::FullName, "System.Reflection".into())]
        );
        assert_eq!(
            found("var a = global::System.Text.Json.JsonSerializer.Serialize(x);"),
            [(How::FullName, "System.Text.Json".into())]
        );
        assert_eq!(
            found("var e = System.Text.Encoding.UTF8; var q = System.Web.HttpUtility.ParseQueryString(u);"),
            []
        );
        assert_eq!(
            found("using Json = System.Text.Json.JsonSerializer;"),
            [(How::Alias, "System.Text.Json".into())]
        );
        assert_eq!(
            found("using Azure = Microsoft.Azure.Storage;"),
            [(How::Alias, "Microsoft.Azure".into())]
        );
        assert_eq!(found("using Rx = System.Text.RegularExpressions.Regex;"), []);
        assert_eq!(found("using static System.Math;"), []);
        assert_eq!(
            found("using static System.Runtime.InteropServices.Marshal;"),
            [(How::Static, "System.Runtime".into())]
        );
        // Statements and declarations are not directives.
        assert_eq!(
            found("using (var s = new MemoryStream()) {} using var r = new StreamReader(s);"),
            []
        );
        // Member access is not a full name.
        assert_eq!(found("x.System.Reflection = 1;"), []);
    }

    /// Hostile code is read in one pass: nested interpolations do not recurse without bound,
    /// and directives or base lists that never end are not searched to the end of the file again
    /// for each of them.
    #[test]
    fn hostile_code_is_bounded() {
        let nested = "$\"{".repeat(200_000);
        lex(&nested);
        let aliases = "using a = b<".repeat(200_000);
        analyse(&lex(&aliases));
        let classes = "class Script : ".repeat(200_000);
        analyse(&lex(&classes));
    }

    #[test]
    fn the_script_class_and_its_entry_point() {
        let class = |code: &str| {
            let u = analyse(&lex(code));
            (matches!(u.class, ClassFound::Script { base: true, .. }), u.execute)
        };
        assert_eq!(
            class("public class Script : ScriptBase { public override async Task<HttpResponseMessage> ExecuteAsync() {} }"),
            (true, true)
        );
        assert_eq!(
            class("public class Script : Other { public override Task ExecuteAsync() {} }"),
            (false, true)
        );
        assert_eq!(
            class("public class Script : ScriptBase { Task Run() { return ExecuteAsync(); } }"),
            (true, false)
        );
        assert_eq!(class("// class Script : ScriptBase\npublic class Other {}"), (false, false));
    }
}
