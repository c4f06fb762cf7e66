//! Swagger Validator catalogue, offline: Properties, Response, Webhooks and Metadata.
//!
//! Every schema of the swagger (definitions, body parameters, responses, webhook notification
//! content) is walked once where it is written, without following `$ref`, for the rules about one
//! schema: keywords, types, value constraints, references. The rules that depend on where a schema
//! is used (input only: string/binary, readOnly, notification URL, filterFunctions) follow `$ref`
//! from each body parameter with a visited set and a depth cap, so reference loops and hostile
//! nesting neither hang nor overflow the stack. Reference loops between definitions are found on
//! a graph with an iterative search.

use crate::check::{JsonFile, Sink};
use crate::connector::fingerprint::HTTP_METHODS;
use crate::connector::json::{pointer, walk};
use serde_json::{Map, Value};
use std::collections::HashSet;

// The swagger's top level, operations and responses, parameters, input-only rules, one schema's
// keywords, value constraints, and reference loops between definitions.
mod constraints;
mod document;
mod input;
mod keywords;
mod loops;
mod operation;
mod parameter;

use document::document;
use keywords::{schema, Place};
use loops::definition_loops;
use operation::{operation, response};
use parameter::parameter;

/// Schemas nested deeper than this are not walked further (the validator's own limit is lower).
pub(super) const MAX_DEPTH: usize = 64;

/// Where the findings go, with duplicates (one definition reached twice) dropped.
pub(super) struct Cx<'a, 'f, 's> {
    pub file: &'a JsonFile<'f>,
    pub root: &'a Value,
    pub sink: &'s mut Sink,
    emitted: HashSet<(&'static str, String)>,
}

impl<'a, 'f, 's> Cx<'a, 'f, 's> {
    pub fn new(file: &'a JsonFile<'f>, sink: &'s mut Sink) -> Self {
        Cx {
            file,
            root: &file.doc.value,
            sink,
            emitted: HashSet::new(),
        }
    }

    pub fn at(&mut self, rule: &'static str, at: &str, detail: String) {
        if self.emitted.insert((rule, at.to_string())) {
            self.sink.at(rule, self.file, at, detail);
        }
    }
}

/// `at` extended by one (escaped) segment.
pub(super) fn child(at: &str, key: &str) -> String {
    let mut s = String::with_capacity(at.len() + key.len() + 1);
    s.push_str(at);
    s.push_str(&pointer(&[key]));
    s
}

/// One operation of `paths`.
pub(super) struct Operation<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub at: String,
    pub op: &'a Map<String, Value>,
    pub item: &'a Map<String, Value>,
}

impl Operation<'_> {
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_ascii_uppercase(), crate::check::shown(self.path))
    }
}

pub(super) fn operations(root: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            if let Some(op) = op.as_object() {
                out.push(Operation {
                    path,
                    method,
                    at: pointer(&["paths", path.as_str(), method.as_str()]),
                    op,
                    item,
                });
            }
        }
    }
    out
}

/// A local reference (`#/definitions/X`) resolved; percent-encoded pointers are decoded too.
pub(super) fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    root.pointer(fragment).or_else(|| {
        let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8().ok()?;
        root.pointer(&decoded)
    })
}

/// What is wrong with the JSON pointer syntax of a local reference, if anything.
fn pointer_syntax(reference: &str) -> Option<&'static str> {
    let fragment = reference.strip_prefix('#')?;
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Some("after `#`, a JSON pointer must start with `/`");
    }
    let bytes = fragment.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'~' && !matches!(bytes.get(i + 1), Some(b'0') | Some(b'1')) {
            return Some("`~` must be followed by `0` or `1` in a JSON pointer");
        }
    }
    None
}

pub(super) use super::model::json_type as json_name;
pub(super) use crate::check::found;

/// True when the swagger has `key` at its top level and it is not an object: `json-type` says so
/// once, and a reference into it is not also "not found".
pub(super) fn mistyped_container(root: &Value, key: &str) -> bool {
    root.get(key).is_some_and(|v| !v.is_object())
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Str,
    Bool,
    Num,
    Arr,
    Obj,
    StrOrArr,
    ObjOrArr,
    ObjOrBool,
}

impl Kind {
    fn accepts(self, v: &Value) -> bool {
        match self {
            Kind::Str => v.is_string(),
            Kind::Bool => v.is_boolean(),
            Kind::Num => v.is_number(),
            Kind::Arr => v.is_array(),
            Kind::Obj => v.is_object(),
            Kind::StrOrArr => v.is_string() || v.is_array(),
            Kind::ObjOrArr => v.is_object() || v.is_array(),
            Kind::ObjOrBool => v.is_object() || v.is_boolean(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Bool => "a boolean",
            Kind::Num => "a number",
            Kind::Arr => "an array",
            Kind::Obj => "an object",
            Kind::StrOrArr => "a string or an array",
            Kind::ObjOrArr => "an object or an array",
            Kind::ObjOrBool => "an object or a boolean",
        }
    }
}

/// `json-type` for the members of `obj` whose JSON type is fixed.
pub(super) fn types(cx: &mut Cx, obj: &Map<String, Value>, at: &str, expected: &[(&str, Kind)]) {
    for (key, kind) in expected {
        if let Some(v) = obj.get(*key) {
            if !kind.accepts(v) {
                cx.at(
                    "json-type",
                    &child(at, key),
                    format!("`{key}` must be {}, found {}", kind.name(), found(v)),
                );
            }
        }
    }
}

/// `extension-name` for members that are neither Swagger 2.0 keys of this object nor `x-` extensions.
pub(super) fn unknown_keys(cx: &mut Cx, obj: &Map<String, Value>, at: &str, allowed: &[&str], what: &str) {
    for key in obj.keys() {
        if !key.starts_with("x-") && !allowed.contains(&key.as_str()) {
            cx.at(
                "extension-name",
                &child(at, key),
                format!("`{key}` is not a property of {what}; an extension's name must begin with \"x-\""),
            );
        }
    }
}

pub(super) fn check(swagger: &JsonFile, _properties: Option<&JsonFile>, sink: &mut Sink) {
    let mut cx = Cx::new(swagger, sink);
    let root = cx.root;
    let Some(obj) = root.as_object() else {
        return;
    };
    document(&mut cx, obj);
    let mut notification_urls: HashSet<String> = HashSet::new();

    if let Some(defs) = obj.get("definitions").and_then(Value::as_object) {
        for (name, def) in defs {
            schema(&mut cx, def, &pointer(&["definitions", name.as_str()]), 0, Place::Definition, true);
        }
        definition_loops(&mut cx, defs);
    }
    if let Some(params) = obj.get("parameters").and_then(Value::as_object) {
        for (name, p) in params {
            parameter(&mut cx, p, &pointer(&["parameters", name.as_str()]), &mut notification_urls);
        }
    }
    if let Some(responses) = obj.get("responses").and_then(Value::as_object) {
        for (name, r) in responses {
            response(&mut cx, r, &pointer(&["responses", name.as_str()]), None, None);
        }
    }
    let root_produces = mime_list(obj.get("produces"));
    for op in operations(root) {
        operation(&mut cx, &op, &root_produces, &mut notification_urls);
    }
    // A notification URL anywhere but an input.
    let mut misplaced = Vec::new();
    walk(root, &mut |at, key, v| {
        if key == "x-ms-notification-url" && v.as_bool() == Some(true) {
            let parent = at.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
            if !notification_urls.contains(parent) {
                misplaced.push(at.to_string());
            }
        }
        !(key == "example" || key == "examples")
    });
    for at in misplaced {
        cx.at(
            "notification-url-position",
            &at,
            "x-ms-notification-url is set outside the input of a webhook registration".into(),
        );
    }
}

fn mime_list(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(|s| s.trim().to_ascii_lowercase()).collect())
}

/// Non-Latin letters in text that the designer shows (titles, summaries, descriptions).
pub(super) fn non_english(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| c.is_alphabetic() && !(c <= '\u{024F}' || ('\u{1E00}'..='\u{1EFF}').contains(&c)))
}

fn english(cx: &mut Cx, obj: &Map<String, Value>, at: &str, keys: &[&str]) {
    for key in keys {
        if let Some(text) = obj.get(*key).and_then(Value::as_str) {
            if let Some(c) = non_english(text) {
                cx.at(
                    "value-english",
                    &child(at, key),
                    format!("`{key}` has `{c}`, a letter outside the Latin alphabet"),
                );
            }
        }
    }
}

fn is_absolute_url(s: &str) -> bool {
    url::Url::parse(s.trim())
        .ok()
        .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

pub(super) fn url_value(cx: &mut Cx, v: &Value, at: &str, what: &str) {
    match v.as_str() {
        Some(s) if is_absolute_url(s) => {}
        _ => cx.at("url-value", at, format!("{what} is {v}, not an absolute http(s) URL")),
    }
}

fn valid_mime(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or("").trim();
    let token = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-*".contains(c));
    match essence.split_once('/') {
        Some((t, sub)) => token(t) && token(sub),
        None => false,
    }
}

fn mimes(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
    for key in ["consumes", "produces"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            for (i, m) in list.iter().enumerate() {
                if !m.as_str().is_some_and(valid_mime) {
                    cx.at(
                        "mime-type",
                        &child(&child(at, key), &i.to_string()),
                        format!("{m} in `{key}` is not a MIME type like \"application/json\""),
                    );
                }
            }
        }
    }
}

trait PointerGet {
    fn pointer_get(&self, p: &str) -> Option<&Value>;
}

impl PointerGet for Map<String, Value> {
    fn pointer_get(&self, p: &str) -> Option<&Value> {
        let mut parts = p.trim_start_matches('/').splitn(2, '/');
        let first = self.get(parts.next()?)?;
        match parts.next() {
            Some(rest) => first.pointer(&format!("/{rest}")),
            None => Some(first),
        }
    }
}

fn is_internal(obj: &Map<String, Value>) -> bool {
    obj.get("x-ms-visibility")
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("internal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_loops_and_deep_nesting_end() {
        use crate::connector::Category;
        let mut deep = String::from(r#"{"type": "string"}"#);
        for _ in 0..100 {
            deep = format!(r#"{{"type": "object", "required": ["a"], "properties": {{"a": {deep}}}}}"#);
        }
        let text = format!(
            r##"{{"swagger": "2.0", "info": {{"title": "T", "version": "1"}}, "paths": {{"/a": {{"post": {{
                "parameters": [{{"name": "body", "in": "body", "schema": {{"$ref": "#/definitions/A"}}}}],
                "responses": {{"200": {{"description": "OK", "schema": {deep}}}}}}}}}}},
              "definitions": {{"A": {{"type": "object", "required": ["a"], "properties": {{"a": {{"$ref": "#/definitions/A"}}}}}},
                               "B": {{"$ref": "#/definitions/B"}}}}}}"##
        );
        let doc = crate::connector::json::parse(text.as_bytes()).unwrap();
        let file = JsonFile {
            name: "apiDefinition.swagger.json",
            doc: &doc,
            bytes: text.as_bytes(),
        };
        let mut sink = Sink::new(Category::Custom);
        check(&file, None, &mut sink);
        let rules: HashSet<&str> = sink.findings.iter().map(|f| f.rule).collect();
        assert!(rules.contains("required-loop") && rules.contains("schema-ref-loop"), "{rules:?}");
    }

    #[test]
    fn pointers_and_urls() {
        assert_eq!(pointer_syntax("#/definitions/A"), None);
        assert!(pointer_syntax("#definitions/A").is_some());
        assert!(pointer_syntax("#/definitions/A~2").is_some());
        assert!(is_absolute_url("https://example.com/privacy"));
        assert!(!is_absolute_url("www.example.com"));
        assert!(valid_mime("application/json; charset=utf-8"));
        assert!(!valid_mime("json"));
        assert_eq!(non_english("Café Señor Łódź"), None);
        assert_eq!(non_english("天気"), Some('天'));
    }
}
