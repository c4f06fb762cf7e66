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
use std::collections::{HashMap, HashSet};

/// Schemas nested deeper than this are not walked further (the validator's own limit is lower).
pub(super) const MAX_DEPTH: usize = 64;

/// Swagger 2.0 keys per object (anything else must be an `x-` extension).
const ROOT_KEYS: &[&str] = &[
    "swagger",
    "info",
    "host",
    "basePath",
    "schemes",
    "consumes",
    "produces",
    "paths",
    "definitions",
    "parameters",
    "responses",
    "securityDefinitions",
    "security",
    "tags",
    "externalDocs",
];
const INFO_KEYS: &[&str] = &["title", "description", "termsOfService", "contact", "license", "version"];
const CONTACT_KEYS: &[&str] = &["name", "url", "email"];
const LICENSE_KEYS: &[&str] = &["name", "url"];
const PATH_ITEM_KEYS: &[&str] = &["$ref", "get", "put", "post", "delete", "options", "head", "patch", "parameters"];
const OPERATION_KEYS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "consumes",
    "produces",
    "parameters",
    "responses",
    "schemes",
    "deprecated",
    "security",
];
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "schema",
    "type",
    "format",
    "allowEmptyValue",
    "items",
    "collectionFormat",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];
/// Keys a body parameter may not use: its type is its `schema` (all of [`PARAMETER_KEYS`] after
/// `name`, `in`, `description`, `required` and `schema`).
const BODY_FORBIDDEN: &[&str] = PARAMETER_KEYS.split_at(5).1;
const RESPONSE_KEYS: &[&str] = &["description", "schema", "headers", "examples"];
const SCHEMA_KEYS: &[&str] = &[
    "$ref",
    "format",
    "title",
    "description",
    "default",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "items",
    "allOf",
    "properties",
    "additionalProperties",
    "discriminator",
    "readOnly",
    "xml",
    "externalDocs",
    "example",
];
const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object", "null", "file"];
const PARAMETER_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "file"];
const PARAMETER_LOCATIONS: &[&str] = &["query", "header", "path", "formData", "body"];
const SCHEMES: &[&str] = &["http", "https", "ws", "wss"];

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

fn document(cx: &mut Cx, obj: &Map<String, Value>) {
    unknown_keys(cx, obj, "", ROOT_KEYS, "the swagger's top level");
    use Kind::*;
    types(
        cx,
        obj,
        "",
        &[
            ("info", Obj),
            ("paths", Obj),
            ("definitions", Obj),
            ("parameters", Obj),
            ("responses", Obj),
            ("securityDefinitions", Obj),
            ("security", Arr),
            ("tags", Arr),
            ("consumes", Arr),
            ("produces", Arr),
            ("schemes", Arr),
            ("externalDocs", Obj),
            ("x-ms-connector-metadata", Arr),
        ],
    );
    // Path items and operations: the rules read through them, so one that is not an object is
    // said once here (and nothing is said about what it lacks).
    if let Some(paths) = obj.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_at = pointer(&["paths", path.as_str()]);
            let Some(item) = item.as_object() else {
                cx.at(
                    "json-type",
                    &item_at,
                    format!("the path \"{path}\" must be an object of operations, found {}", found(item)),
                );
                continue;
            };
            types(cx, item, &item_at, &[("parameters", Arr)]);
            for (method, op) in item {
                if HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) && !op.is_object() {
                    cx.at(
                        "json-type",
                        &child(&item_at, method),
                        format!("the operation `{method}` of \"{path}\" must be an object, found {}", found(op)),
                    );
                }
            }
        }
    }
    for key in ["info", "paths"] {
        if !obj.contains_key(key) {
            cx.at("required-property", "", format!("the `{key}` property is required"));
        }
    }
    if let Some(info) = obj.get("info").and_then(Value::as_object) {
        unknown_keys(cx, info, "/info", INFO_KEYS, "`info`");
        types(
            cx,
            info,
            "/info",
            &[
                ("title", Str),
                ("description", Str),
                ("termsOfService", Str),
                ("contact", Obj),
                ("license", Obj),
                ("version", Str),
            ],
        );
        if !info.contains_key("version") {
            cx.at("required-property", "/info", "the `info.version` property is required".into());
        }
        for key in ["title", "version"] {
            if info.get(key).and_then(Value::as_str).is_some_and(|s| s.trim().is_empty()) {
                cx.at("required-value-empty", &child("/info", key), format!("`info.{key}` is empty"));
            }
        }
        english(cx, info, "/info", &["title", "description"]);
        if let Some(contact) = info.get("contact").and_then(Value::as_object) {
            unknown_keys(cx, contact, "/info/contact", CONTACT_KEYS, "`info.contact`");
            if let Some(u) = contact.get("url") {
                url_value(cx, u, "/info/contact/url", "`info.contact.url`");
            }
        }
        if let Some(license) = info.get("license").and_then(Value::as_object) {
            unknown_keys(cx, license, "/info/license", LICENSE_KEYS, "`info.license`");
            if let Some(u) = license.get("url") {
                url_value(cx, u, "/info/license/url", "`info.license.url`");
            }
        }
    }
    if let Some(u) = obj.pointer_get("/externalDocs/url") {
        url_value(cx, u, "/externalDocs/url", "`externalDocs.url`");
    }
    if let Some(entries) = obj.get("x-ms-connector-metadata").and_then(Value::as_array) {
        for (i, e) in entries.iter().enumerate() {
            if !e.is_object() {
                cx.at(
                    "json-type",
                    &format!("/x-ms-connector-metadata/{i}"),
                    format!(
                        "an entry of `x-ms-connector-metadata` must be an object ({{\"propertyName\": ..., \"propertyValue\": ...}}), found {}",
                        found(e)
                    ),
                );
                continue;
            }
            let name = e.get("propertyName").and_then(Value::as_str).unwrap_or("").trim();
            if name.eq_ignore_ascii_case("Website") || name.eq_ignore_ascii_case("Privacy policy") {
                if let Some(v) = e.get("propertyValue") {
                    let at = format!("/x-ms-connector-metadata/{i}/propertyValue");
                    url_value(cx, v, &at, &format!("the {name} URL"));
                }
            }
        }
    }
    if let Some(schemes) = obj.get("schemes").and_then(Value::as_array) {
        for (i, s) in schemes.iter().enumerate() {
            let at = format!("/schemes/{i}");
            let lower = s.as_str().map(str::to_ascii_lowercase);
            match lower.as_deref() {
                Some("http" | "https") => {}
                Some("ws" | "wss") => cx.at("scheme-websocket", &at, format!("{s}: WebSocket schemes are not supported")),
                _ => cx.at(
                    "scheme-value",
                    &at,
                    format!("{s} is not a transfer protocol of: {}", SCHEMES.join(", ")),
                ),
            }
        }
    }
    mimes(cx, obj, "");
    if let Some(tags) = obj.get("tags").and_then(Value::as_array) {
        let mut seen: HashSet<&str> = HashSet::new();
        for (i, t) in tags.iter().enumerate() {
            if let Some(name) = t.get("name").and_then(Value::as_str) {
                if !seen.insert(name) {
                    cx.at(
                        "tag-redefined",
                        &format!("/tags/{i}/name"),
                        format!("the tag \"{name}\" is defined more than once"),
                    );
                }
            }
            if let Some(u) = t.pointer("/externalDocs/url") {
                url_value(cx, u, &format!("/tags/{i}/externalDocs/url"), "`externalDocs.url`");
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

fn operation(cx: &mut Cx, op: &Operation, root_produces: &Option<Vec<String>>, urls: &mut HashSet<String>) {
    let at = op.at.as_str();
    let label = op.label();
    unknown_keys(cx, op.op, at, OPERATION_KEYS, &format!("the operation {label}"));
    // Path-level keys, once per path (the first operation).
    if op
        .item
        .keys()
        .find(|k| HTTP_METHODS.contains(&k.to_ascii_lowercase().as_str()))
        .map(String::as_str)
        == Some(op.method)
    {
        let item_at = pointer(&["paths", op.path]);
        unknown_keys(cx, op.item, &item_at, PATH_ITEM_KEYS, &format!("the path {}", op.path));
        types(cx, op.item, &item_at, &[("x-ms-notification-content", Kind::Obj)]);
        // The path item's notification content (where merged connectors put it): its schema is
        // an output schema. One without a schema is not an error here: the repository's schema
        // does not require it, and an accepted connector (StaffCircle) has one; the trigger then
        // has no outputs, which trigger-output-schema says.
        if let Some(s) = op.item.pointer_get("/x-ms-notification-content/schema") {
            let content_at = child(&item_at, "x-ms-notification-content");
            schema(cx, s, &child(&content_at, "schema"), 0, Place::Output, true);
        }
        if let Some(params) = op.item.get("parameters").and_then(Value::as_array) {
            for (i, p) in params.iter().enumerate() {
                parameter(cx, p, &child(&child(&item_at, "parameters"), &i.to_string()), urls);
            }
        }
    }
    use Kind::*;
    types(
        cx,
        op.op,
        at,
        &[
            ("summary", Str),
            ("description", Str),
            ("operationId", Str),
            ("parameters", Arr),
            ("responses", Obj),
            ("deprecated", Bool),
            ("consumes", Arr),
            ("produces", Arr),
            ("schemes", Arr),
            ("tags", Arr),
            ("security", Arr),
            ("x-ms-trigger", Str),
            ("x-ms-visibility", Str),
            ("x-ms-notification-content", Obj),
        ],
    );
    english(cx, op.op, at, &["summary", "description"]);
    mimes(cx, op.op, at);
    if let Some(u) = op.op.pointer_get("/externalDocs/url") {
        url_value(cx, u, &format!("{at}/externalDocs/url"), "`externalDocs.url`");
    }
    if let Some(params) = op.op.get("parameters").and_then(Value::as_array) {
        for (i, p) in params.iter().enumerate() {
            parameter(cx, p, &format!("{at}/parameters/{i}"), urls);
        }
    }
    let produces = mime_list(op.op.get("produces")).or_else(|| root_produces.clone());
    if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
        for (code, r) in responses {
            if code.starts_with("x-") {
                continue;
            }
            response(cx, r, &child(&child(at, "responses"), code), Some(code), produces.as_deref());
        }
    }
    let trigger = op.op.get("x-ms-trigger");
    if let Some(t) = trigger.and_then(Value::as_str) {
        if !["single", "batch"].contains(&t) {
            cx.at(
                "value-not-in-enum",
                &format!("{at}/x-ms-trigger"),
                format!("{label}: x-ms-trigger is \"{t}\"; it must be one of: single, batch"),
            );
        }
    }
    if let Some(content) = op.op.get("x-ms-notification-content").and_then(Value::as_object) {
        let content_at = format!("{at}/x-ms-notification-content");
        match content.get("schema") {
            Some(s) => schema(cx, s, &child(&content_at, "schema"), 0, Place::Output, true),
            None => cx.at(
                "required-property",
                &content_at,
                format!("{label}: x-ms-notification-content needs a `schema`"),
            ),
        }
    }
    if trigger.is_some() {
        let responses = op.op.get("responses");
        let has_output = ["200", "201"].iter().any(|code| {
            responses
                .and_then(|r| r.get(*code))
                .map(|r| match r.get("$ref").and_then(Value::as_str) {
                    Some(reference) => resolve(cx.root, reference).unwrap_or(r),
                    None => r,
                })
                .is_some_and(|r| r.get("schema").is_some())
        }) || op.op.pointer_get("/x-ms-notification-content/schema").is_some()
            || op.item.pointer_get("/x-ms-notification-content/schema").is_some();
        if !has_output {
            cx.at(
                "trigger-output-schema",
                at,
                format!("{label} is a trigger without an output schema on its 200 or 201 response or in x-ms-notification-content"),
            );
        }
    }
}

fn response(cx: &mut Cx, r: &Value, at: &str, code: Option<&str>, produces: Option<&[String]>) {
    if let Some(code) = code {
        let valid = code == "default" || (code.len() == 3 && code.parse::<u16>().is_ok_and(|c| (100..600).contains(&c)));
        if !valid {
            cx.at(
                "response-code",
                at,
                format!("the response \"{code}\" is neither an HTTP status code nor \"default\""),
            );
        }
    }
    let Some(obj) = r.as_object() else {
        cx.at("json-type", at, format!("a response must be an object, found {}", found(r)));
        return;
    };
    if let Some(reference) = obj.get("$ref") {
        let ref_at = child(at, "$ref");
        let Some(s) = reference.as_str() else {
            cx.at("json-type", &ref_at, "`$ref` must be a string".into());
            return;
        };
        if let Some(problem) = pointer_syntax(s) {
            cx.at("ref-pointer", &ref_at, format!("\"{s}\": {problem}"));
        } else if !s.starts_with("#/responses/") {
            cx.at(
                "response-ref-invalid",
                &ref_at,
                format!("the response reference \"{s}\" does not start with #/responses/"),
            );
        } else if resolve(cx.root, s).is_none() && !mistyped_container(cx.root, "responses") {
            cx.at(
                "response-ref-not-found",
                &ref_at,
                format!("the response reference \"{s}\" is not in the swagger's `responses`"),
            );
        }
        return;
    }
    unknown_keys(cx, obj, at, RESPONSE_KEYS, "a response");
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[("description", Str), ("schema", Obj), ("headers", Obj), ("examples", Obj)],
    );
    if !obj.contains_key("description") {
        cx.at("required-property", at, "a response needs a `description`".into());
    }
    if let Some(headers) = obj.get("headers").and_then(Value::as_object) {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for name in headers.keys() {
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), name) {
                cx.at(
                    "response-headers-unique",
                    &child(&child(at, "headers"), name),
                    format!("the response header \"{name}\" repeats \"{first}\" (header names ignore case)"),
                );
            }
        }
    }
    if let (Some(examples), Some(produces)) = (obj.get("examples").and_then(Value::as_object), produces) {
        for mime in examples.keys() {
            if !produces.iter().any(|p| p.eq_ignore_ascii_case(mime.trim())) {
                cx.at(
                    "response-example-mime",
                    &child(&child(at, "examples"), mime),
                    format!(
                        "the example for \"{mime}\" is not a type the operation produces ({})",
                        produces.join(", ")
                    ),
                );
            }
        }
    }
    if let Some(s) = obj.get("schema") {
        schema(cx, s, &child(at, "schema"), 0, Place::Output, true);
    }
}

fn is_internal(obj: &Map<String, Value>) -> bool {
    obj.get("x-ms-visibility")
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("internal"))
}

fn parameter(cx: &mut Cx, p: &Value, at: &str, urls: &mut HashSet<String>) {
    let Some(obj) = p.as_object() else {
        cx.at("json-type", at, format!("a parameter must be an object, found {}", found(p)));
        return;
    };
    if obj.contains_key("$ref") {
        // Parameter references belong to the Parameters part of the catalogue.
        return;
    }
    let name = obj.get("name").and_then(Value::as_str).unwrap_or("?");
    let label = format!("parameter \"{name}\"");
    unknown_keys(cx, obj, at, PARAMETER_KEYS, &format!("the {label}"));
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[
            ("name", Str),
            ("in", Str),
            ("description", Str),
            ("required", Bool),
            ("type", Str),
            ("x-ms-summary", Str),
            ("x-ms-visibility", Str),
            ("allowEmptyValue", Bool),
            ("x-ms-notification-url", Bool),
        ],
    );
    for key in ["name", "in"] {
        if !obj.contains_key(key) {
            cx.at("required-property", at, format!("the {label} needs `{key}`"));
        }
    }
    if obj.get("name").and_then(Value::as_str).is_some_and(|n| n.trim().is_empty()) {
        cx.at("required-value-empty", &child(at, "name"), "a parameter's `name` is empty".into());
    }
    english(cx, obj, at, &["x-ms-summary", "description"]);
    let location = obj.get("in").and_then(Value::as_str);
    if let Some(l) = location {
        if !PARAMETER_LOCATIONS.contains(&l) {
            cx.at(
                "value-not-in-enum",
                &child(at, "in"),
                format!("the {label} is in \"{l}\"; `in` must be one of: {}", PARAMETER_LOCATIONS.join(", ")),
            );
        }
    }
    let required = obj.get("required").and_then(Value::as_bool).unwrap_or(false);
    enum_values(cx, obj, at);
    if location == Some("body") {
        for key in obj.keys() {
            if BODY_FORBIDDEN.contains(&key.as_str()) {
                cx.at(
                    "body-parameter-property",
                    &child(at, key),
                    format!("the body {label} uses `{key}`; a body parameter's type is its `schema`"),
                );
            }
        }
        match obj.get("schema") {
            None => cx.at("body-parameter-schema", at, format!("the body {label} has no `schema`")),
            Some(s) => {
                let s_at = child(at, "schema");
                schema(cx, s, &s_at, 0, Place::Input, true);
                let mut visited = HashSet::new();
                let chain = Chain {
                    required,
                    internal: is_internal(obj),
                };
                input(cx, s, &s_at, 0, true, chain, &mut visited, urls);
            }
        }
        if obj.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
            urls.insert(at.to_string());
        }
        return;
    }
    if obj.contains_key("schema") {
        cx.at(
            "non-body-schema",
            &child(at, "schema"),
            format!("the {label} is not in the body, so it cannot have a `schema`"),
        );
    }
    let ty = obj.get("type").and_then(Value::as_str);
    match ty {
        Some(t) if !PARAMETER_TYPES.contains(&t) => cx.at(
            "value-not-in-enum",
            &child(at, "type"),
            format!("the {label} has type \"{t}\"; it must be one of: {}", PARAMETER_TYPES.join(", ")),
        ),
        Some(_) => {}
        None if location.is_some() && !obj.contains_key("schema") => cx.at("required-property", at, format!("the {label} needs `type`")),
        None => {}
    }
    constraints(cx, obj, at, ty);
    if let Some(items) = obj.get("items").and_then(Value::as_object) {
        let items_at = child(at, "items");
        let items_ty = items.get("type").and_then(Value::as_str);
        if let Some(t) = items_ty {
            if !PARAMETER_TYPES.contains(&t) || t == "file" {
                cx.at(
                    "value-not-in-enum",
                    &child(&items_at, "type"),
                    format!("the items of the {label} have type \"{t}\""),
                );
            }
        }
        constraints(cx, items, &items_at, items_ty);
    }
    if obj.contains_key("allowEmptyValue") && !matches!(location, Some("query" | "formData")) {
        cx.at(
            "allow-empty-value",
            &child(at, "allowEmptyValue"),
            format!(
                "the {label} is in \"{}\"; allowEmptyValue is only for query and formData",
                location.unwrap_or("?")
            ),
        );
    }
    let internal = is_internal(obj);
    if internal && obj.contains_key("default") && !required {
        cx.at(
            "internal-parameter-optional",
            at,
            format!("the {label} is internal and has a default but is not required, so it is never sent"),
        );
    }
    if obj.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
        urls.insert(at.to_string());
        notification_url(cx, obj, at, Chain { required, internal }, &label);
    }
}

/// What holds along the way from an input parameter down to a property.
#[derive(Clone, Copy)]
struct Chain {
    required: bool,
    internal: bool,
}

fn notification_url(cx: &mut Cx, obj: &Map<String, Value>, at: &str, chain: Chain, label: &str) {
    if obj.get("type").and_then(Value::as_str) != Some("string") {
        cx.at(
            "notification-url-string",
            at,
            format!("the notification URL {label} must have \"type\": \"string\""),
        );
    }
    if !chain.required {
        cx.at(
            "notification-url-required",
            at,
            format!("the notification URL {label} is not required all the way from its parameter"),
        );
    }
    if !chain.internal {
        cx.at(
            "notification-url-internal",
            at,
            format!("neither the notification URL {label} nor a parent of it has \"x-ms-visibility\": \"internal\""),
        );
    }
}

/// The rules about inputs, following `$ref` (visited once per body parameter, depth-capped).
#[allow(clippy::too_many_arguments)]
fn input(
    cx: &mut Cx,
    node: &Value,
    at: &str,
    depth: usize,
    top: bool,
    chain: Chain,
    visited: &mut HashSet<String>,
    urls: &mut HashSet<String>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.as_object() else {
        return;
    };
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        let Some(target) = resolve(cx.root, reference) else {
            return;
        };
        let target_at = reference.trim_start_matches('#').to_string();
        if visited.insert(target_at.clone()) {
            input(cx, target, &target_at, depth + 1, top, chain, visited, urls);
        }
        return;
    }
    let chain = Chain {
        required: chain.required,
        internal: chain.internal || is_internal(obj),
    };
    let ty = obj.get("type").and_then(Value::as_str);
    if !top && ty == Some("string") && obj.get("format").and_then(Value::as_str) == Some("binary") {
        cx.at(
            "string-binary-position",
            at,
            "a string/binary schema is nested inside a body; it may only be the body itself".into(),
        );
    }
    if obj.pointer_get("/x-ms-capabilities/filterFunctions").is_some() {
        cx.at(
            "filter-functions-input",
            &format!("{at}/x-ms-capabilities/filterFunctions"),
            "filterFunctions is in an input schema; it belongs in the response schema".into(),
        );
    }
    if obj.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
        urls.insert(at.to_string());
        notification_url(cx, obj, at, chain, "property");
    }
    let required: HashSet<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        let props_at = child(at, "properties");
        for (name, p) in props {
            let p_at = child(&props_at, name);
            let is_required = required.contains(name.as_str());
            let resolved = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(cx.root, r).unwrap_or(p),
                None => p,
            };
            if is_required && resolved.get("readOnly").and_then(Value::as_bool) == Some(true) {
                cx.at(
                    "required-readonly-input",
                    &p_at,
                    format!("the input property \"{name}\" is both required and readOnly"),
                );
            }
            let chain = Chain {
                required: chain.required && is_required,
                internal: chain.internal,
            };
            input(cx, p, &p_at, depth + 1, false, chain, visited, urls);
        }
    }
    match obj.get("items") {
        Some(items @ Value::Object(_)) => input(cx, items, &child(at, "items"), depth + 1, false, chain, visited, urls),
        Some(Value::Array(list)) => {
            for (i, items) in list.iter().enumerate() {
                input(
                    cx,
                    items,
                    &child(&child(at, "items"), &i.to_string()),
                    depth + 1,
                    false,
                    chain,
                    visited,
                    urls,
                );
            }
        }
        _ => {}
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for (i, part) in all.iter().enumerate() {
            input(
                cx,
                part,
                &child(&child(at, "allOf"), &i.to_string()),
                depth + 1,
                top,
                chain,
                visited,
                urls,
            );
        }
    }
    if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
        let chain = Chain {
            required: false,
            internal: chain.internal,
        };
        input(
            cx,
            extra,
            &child(at, "additionalProperties"),
            depth + 1,
            false,
            chain,
            visited,
            urls,
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Definition,
    Input,
    Output,
}

fn schema_ref(cx: &mut Cx, reference: &Value, at: &str) {
    let Some(s) = reference.as_str() else {
        cx.at("json-type", at, format!("`$ref` must be a string, found {}", found(reference)));
        return;
    };
    if let Some(problem) = pointer_syntax(s) {
        cx.at("ref-pointer", at, format!("\"{s}\": {problem}"));
    } else if !s.starts_with("#/definitions/") {
        cx.at(
            "schema-ref-invalid",
            at,
            format!("the schema reference \"{s}\" does not start with #/definitions/"),
        );
    } else if resolve(cx.root, s).is_none() && !mistyped_container(cx.root, "definitions") {
        cx.at(
            "schema-ref-not-found",
            at,
            format!("the schema reference \"{s}\" is not in the swagger's `definitions`"),
        );
    }
}

/// One schema where it is written, and its inline children (not following `$ref`).
fn schema(cx: &mut Cx, node: &Value, at: &str, depth: usize, place: Place, top: bool) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.as_object() else {
        cx.at("json-type", at, format!("a schema must be an object, found {}", found(node)));
        return;
    };
    if let Some(reference) = obj.get("$ref") {
        schema_ref(cx, reference, &child(at, "$ref"));
        let others: Vec<&str> = obj
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "$ref" && !k.starts_with("x-"))
            .collect();
        if !others.is_empty() {
            cx.at(
                "ref-siblings",
                at,
                format!("`$ref` is next to `{}`, which are ignored", others.join("`, `")),
            );
        }
        return;
    }
    for key in obj.keys() {
        if !key.starts_with("x-") && !SCHEMA_KEYS.contains(&key.as_str()) {
            cx.at(
                "schema-unknown-keyword",
                &child(at, key),
                format!("`{key}` is not a keyword of an OpenAPI 2.0 schema"),
            );
        }
    }
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[
            ("type", StrOrArr),
            ("properties", Obj),
            ("required", Arr),
            ("items", ObjOrArr),
            ("allOf", Arr),
            ("additionalProperties", ObjOrBool),
            ("readOnly", Bool),
            ("description", Str),
            ("title", Str),
            ("discriminator", Str),
            ("x-ms-summary", Str),
            ("x-ms-visibility", Str),
            ("x-ms-notification-url", Bool),
        ],
    );
    let types_of: Vec<&str> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for t in &types_of {
        if !SCHEMA_TYPES.contains(t) {
            cx.at(
                "value-not-in-enum",
                &child(at, "type"),
                format!("the type \"{t}\" is not one of: {}", SCHEMA_TYPES.join(", ")),
            );
        }
    }
    let ty = match types_of.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    if ty == Some("file") && !(top && place != Place::Input) {
        cx.at(
            "file-type-position",
            &child(at, "type"),
            "type \"file\" is only valid for formData parameters and at the root of a response schema".into(),
        );
    }
    constraints(cx, obj, at, ty);
    enum_values(cx, obj, at);
    let props = obj.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if obj.get("required").is_some_and(Value::is_array) {
        if !types_of.is_empty() && !types_of.contains(&"object") {
            cx.at(
                "required-not-on-object",
                &child(at, "required"),
                format!(
                    "`required` is on a schema of type \"{}\"; it applies to objects only",
                    types_of.join(", ")
                ),
            );
        } else if !obj.contains_key("allOf") {
            for (i, name) in required.iter().enumerate() {
                if !props.is_some_and(|p| p.contains_key(*name)) {
                    cx.at(
                        "required-not-defined",
                        &format!("{}/{i}", child(at, "required")),
                        format!("\"{name}\" is required but not defined in `properties`"),
                    );
                }
            }
        }
    }
    if let Some(d) = obj.get("discriminator").and_then(Value::as_str) {
        let is_string = props.and_then(|p| p.get(d)).and_then(|p| p.get("type")).and_then(Value::as_str) == Some("string");
        if !(required.contains(&d) && is_string) {
            cx.at(
                "discriminator",
                &child(at, "discriminator"),
                format!("the discriminator \"{d}\" must name a required property of type string"),
            );
        }
    }
    if obj.get("x-ms-editor").and_then(Value::as_str) == Some("dictionary") {
        let closed = obj.get("additionalProperties") == Some(&Value::Bool(false));
        if ty != Some("object") || closed {
            cx.at(
                "editor-dictionary",
                &child(at, "x-ms-editor"),
                "x-ms-editor \"dictionary\" needs \"type\": \"object\" with additional properties allowed".into(),
            );
        }
    }
    if let Some(functions) = obj.pointer_get("/x-ms-capabilities/filterFunctions") {
        let f_at = format!("{at}/x-ms-capabilities/filterFunctions");
        if let Some(list) = functions.as_array() {
            if list.is_empty() {
                cx.at("filter-functions-empty", &f_at, "filterFunctions is empty".into());
            }
            let mut seen = HashSet::new();
            for (i, f) in list.iter().enumerate() {
                if !seen.insert(f.to_string()) {
                    cx.at(
                        "filter-functions-duplicates",
                        &format!("{f_at}/{i}"),
                        format!("filterFunctions lists {f} more than once"),
                    );
                }
            }
        }
    }
    if let Some(props) = props {
        let props_at = child(at, "properties");
        for (name, p) in props {
            let p_at = child(&props_at, name);
            if let Some(p_obj) = p.as_object() {
                if is_internal(p_obj) && p_obj.contains_key("default") && !required.contains(&name.as_str()) {
                    cx.at(
                        "internal-default-optional",
                        &p_at,
                        format!("the property \"{name}\" is internal with a default but optional, so it may not be sent"),
                    );
                }
            }
            schema(cx, p, &p_at, depth + 1, place, false);
        }
    }
    match obj.get("items") {
        Some(items @ Value::Object(_)) => schema(cx, items, &child(at, "items"), depth + 1, place, false),
        Some(Value::Array(list)) => {
            for (i, items) in list.iter().enumerate() {
                schema(cx, items, &child(&child(at, "items"), &i.to_string()), depth + 1, place, false);
            }
        }
        _ => {}
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for (i, part) in all.iter().enumerate() {
            schema(cx, part, &child(&child(at, "allOf"), &i.to_string()), depth + 1, place, top);
        }
    }
    if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
        schema(cx, extra, &child(at, "additionalProperties"), depth + 1, place, false);
    }
}

/// `x-ms-enum-values` entries need a display name.
fn enum_values(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
    if let Some(list) = obj.get("x-ms-enum-values").and_then(Value::as_array) {
        for (i, e) in list.iter().enumerate() {
            if e.get("displayName").and_then(Value::as_str).is_none_or(|d| d.trim().is_empty()) {
                cx.at(
                    "enum-values-display-name",
                    &format!("{}/{i}", child(at, "x-ms-enum-values")),
                    "this x-ms-enum-values entry has no `displayName`".into(),
                );
            }
        }
    }
}

/// Does `v` fit the declared type?
fn fits(ty: &str, v: &Value) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn number(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
}

/// Value constraints shared by schemas and non-body parameters.
fn constraints(cx: &mut Cx, obj: &Map<String, Value>, at: &str, ty: Option<&str>) {
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[
            ("enum", Arr),
            ("pattern", Str),
            ("multipleOf", Num),
            ("maximum", Num),
            ("minimum", Num),
            ("exclusiveMaximum", Bool),
            ("exclusiveMinimum", Bool),
            ("maxLength", Num),
            ("minLength", Num),
            ("maxItems", Num),
            ("minItems", Num),
            ("maxProperties", Num),
            ("minProperties", Num),
            ("uniqueItems", Bool),
            ("format", Str),
        ],
    );
    if obj.get("enum").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        cx.at("enum-empty", &child(at, "enum"), "`enum` is empty".into());
    }
    if let (Some(ty), Some(default)) = (ty, obj.get("default")) {
        if !fits(ty, default) {
            cx.at(
                "default-type",
                &child(at, "default"),
                format!("the default {default} is {}, but the type is \"{ty}\"", json_name(default)),
            );
        }
    }
    if number(obj, "multipleOf").is_some_and(|m| m <= 0.0) {
        cx.at(
            "multiple-of",
            &child(at, "multipleOf"),
            "`multipleOf` must be greater than zero".into(),
        );
    }
    for (key, rule) in [
        ("maxItems", "max-items-negative"),
        ("maxLength", "max-length-negative"),
        ("maxProperties", "max-properties-negative"),
        ("minItems", "min-items-negative"),
        ("minLength", "min-length-negative"),
        ("minProperties", "min-properties-negative"),
    ] {
        if let Some(n) = number(obj, key).filter(|n| *n < 0.0) {
            cx.at(rule, &child(at, key), format!("`{key}` is {n}; it must be zero or more"));
        }
    }
    for (low, high, rule) in [
        ("minimum", "maximum", "minimum-maximum"),
        ("minItems", "maxItems", "min-max-items"),
        ("minLength", "maxLength", "min-max-length"),
    ] {
        if let (Some(l), Some(h)) = (number(obj, low), number(obj, high)) {
            if l > h {
                cx.at(rule, &child(at, low), format!("`{low}` ({l}) is greater than `{high}` ({h})"));
            }
        }
    }
    for (flag, bound, rule) in [
        ("exclusiveMaximum", "maximum", "exclusive-maximum"),
        ("exclusiveMinimum", "minimum", "exclusive-minimum"),
    ] {
        if obj.contains_key(flag) && !obj.contains_key(bound) {
            cx.at(rule, &child(at, flag), format!("`{flag}` is given without `{bound}`"));
        }
    }
    if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
        if let Some(problem) = pattern_problem(p) {
            cx.at(
                "pattern-regex",
                &child(at, "pattern"),
                format!("the pattern \"{p}\" is not a valid regular expression: {problem}"),
            );
        }
    }
}

/// Why a `pattern` is clearly not a regular expression in any dialect, if it is not. Patterns
/// are ECMA 262 regular expressions; the `regex` crate's parser (regex-syntax) reads most of
/// them, and what it cannot read only because it does not support it (look-around,
/// backreferences, unknown escapes, `{` as a literal) is not called invalid.
pub(super) fn pattern_problem(p: &str) -> Option<String> {
    use regex_syntax::ast::{parse::Parser, ErrorKind};
    // `[]` and `[^]` are valid ECMA classes (match nothing / anything) that regex-syntax reads
    // as an unclosed class.
    if p.contains("[]") || p.contains("[^]") {
        return None;
    }
    let error = Parser::new().parse(p).err()?;
    let clear = matches!(
        error.kind(),
        ErrorKind::GroupUnclosed
            | ErrorKind::GroupUnopened
            | ErrorKind::ClassUnclosed
            | ErrorKind::ClassRangeInvalid
            | ErrorKind::RepetitionMissing
            | ErrorKind::RepetitionCountInvalid
            | ErrorKind::EscapeUnexpectedEof
    );
    clear.then(|| error.kind().to_string())
}

/// Reference loops between definitions: through any `$ref` (schema-ref-loop) and through
/// required properties (required-loop).
fn definition_loops(cx: &mut Cx, defs: &Map<String, Value>) {
    let index: HashMap<&str, usize> = defs.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let target = |r: &str| -> Option<usize> {
        let name = r.strip_prefix("#/definitions/")?;
        let name = name.replace("~1", "/").replace("~0", "~");
        index.get(name.as_str()).copied().or_else(|| {
            let decoded = percent_encoding::percent_decode_str(&name).decode_utf8().ok()?;
            index.get(decoded.as_ref()).copied()
        })
    };
    let mut alias: Vec<Vec<(usize, String)>> = vec![Vec::new(); defs.len()];
    let mut required: Vec<Vec<(usize, String)>> = vec![Vec::new(); defs.len()];
    for (i, (name, def)) in defs.iter().enumerate() {
        let at = pointer(&["definitions", name.as_str()]);
        // A definition that is only a reference to another.
        if let Some(t) = def.get("$ref").and_then(Value::as_str).and_then(target) {
            alias[i].push((t, child(&at, "$ref")));
        }
        required_edges(def, &at, 0, &target, &mut required[i]);
    }
    for (from, to, at) in back_edges(&alias) {
        let names: Vec<&String> = defs.keys().collect();
        cx.at(
            "schema-ref-loop",
            &at,
            format!(
                "the definition \"{}\" refers back to \"{}\" in a loop of references",
                names[from], names[to]
            ),
        );
    }
    for (from, to, at) in back_edges(&required) {
        let names: Vec<&String> = defs.keys().collect();
        cx.at(
            "required-loop",
            &at,
            format!("the required properties of \"{}\" lead back to \"{}\"", names[from], names[to]),
        );
    }
}

fn required_edges(node: &Value, at: &str, depth: usize, target: &dyn Fn(&str) -> Option<usize>, out: &mut Vec<(usize, String)>) {
    if depth > MAX_DEPTH {
        return;
    }
    let (Some(req), Some(props)) = (
        node.get("required").and_then(Value::as_array),
        node.get("properties").and_then(Value::as_object),
    ) else {
        return;
    };
    for name in req.iter().filter_map(Value::as_str) {
        let Some(p) = props.get(name) else {
            continue;
        };
        let p_at = child(&child(at, "properties"), name);
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                if let Some(t) = target(r) {
                    out.push((t, child(&p_at, "$ref")));
                }
            }
            None => required_edges(p, &p_at, depth + 1, target, out),
        }
    }
}

/// Edges that close a cycle in a directed graph (iterative depth-first search).
fn back_edges(edges: &[Vec<(usize, String)>]) -> Vec<(usize, usize, String)> {
    let mut color = vec![0u8; edges.len()];
    let mut out = Vec::new();
    for start in 0..edges.len() {
        if color[start] != 0 {
            continue;
        }
        color[start] = 1;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = stack.last_mut() {
            let (u, i) = *top;
            if i < edges[u].len() {
                top.1 += 1;
                let (v, ref at) = edges[u][i];
                match color[v] {
                    0 => {
                        color[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => out.push((u, v, at.clone())),
                    _ => {}
                }
            } else {
                color[u] = 2;
                stack.pop();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_in_ecma_syntax_are_not_errors() {
        for ok in [
            r"^\d{5}$",
            r"^(?=.*[a-z]).{8,}$",
            r"(\w)\1",
            r"^[^]$",
            r"a{",
            r"^\/api\/.*$",
            r"^(?<year>\d{4})$",
        ] {
            assert_eq!(pattern_problem(ok), None, "{ok}");
        }
        for bad in [r"^(abc$", r"abc)", r"[a-z", r"[z-a]", r"*abc", r"a{5,2}", "abc\\"] {
            assert!(pattern_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn loops_are_found_without_recursion() {
        // A chain of 100,000 definitions closed into a loop.
        let n = 100_000;
        let edges: Vec<Vec<(usize, String)>> = (0..n).map(|i| vec![((i + 1) % n, String::new())]).collect();
        assert_eq!(back_edges(&edges).len(), 1);
        let edges: Vec<Vec<(usize, String)>> = (0..n)
            .map(|i| if i + 1 < n { vec![(i + 1, String::new())] } else { vec![] })
            .collect();
        assert!(back_edges(&edges).is_empty());
    }

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
