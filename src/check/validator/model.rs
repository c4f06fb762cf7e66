//! The swagger's operations and parameters, read once for the catalogue's checks: every
//! operation with its pointer, label and parameters (`$ref`s resolved), and bounded `$ref`
//! resolution that survives loops and dangling references.

use crate::check::JsonFile;
use crate::connector::fingerprint::HTTP_METHODS;
use crate::connector::json::pointer;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// How many `$ref` hops are followed before giving up (a chain this long is a loop in practice).
const MAX_REF_HOPS: usize = 32;
/// How deep schema lookups go (properties within properties, through `$ref`s).
pub(super) const MAX_SCHEMA_DEPTH: usize = 64;

/// Where a parameter list sits: on the path item (shared) or on the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    Path,
    Operation,
}

#[derive(Clone)]
pub(super) struct Param<'a> {
    /// The pointer of the list the entry is in, shared by its entries (a list of 20,000
    /// parameters under a long path would otherwise hold the path 20,000 times), and its index.
    list: std::rc::Rc<str>,
    index: usize,
    pub raw: &'a Value,
    /// The parameter with its `$ref` followed; `None` when the reference does not resolve.
    pub def: Option<&'a Value>,
    pub level: Level,
}

impl<'a> Param<'a> {
    /// Pointer to the entry in the list (the `$ref` object for a reference).
    pub fn at(&self) -> String {
        format!("{}/{}", self.list, self.index)
    }
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.def.and_then(|d| d.get(key))
    }
    pub fn name(&self) -> &'a str {
        self.get("name").and_then(Value::as_str).unwrap_or("")
    }
    pub fn location(&self) -> &'a str {
        self.get("in").and_then(Value::as_str).unwrap_or("")
    }
    pub fn required(&self) -> bool {
        self.get("required").and_then(Value::as_bool).unwrap_or(false)
    }
    pub fn internal(&self) -> bool {
        self.get("x-ms-visibility")
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("internal"))
    }
    /// The declared type: `type` for simple parameters, the schema's type for a body.
    pub fn kind(&self, root: &'a Value) -> Option<&'a str> {
        match self.get("schema") {
            Some(schema) => deref(root, schema).and_then(|s| s.get("type")).and_then(Value::as_str),
            None => self.get("type").and_then(Value::as_str),
        }
    }
}

pub(super) struct Op<'a> {
    pub path: &'a str,
    /// The method as written in the file.
    pub method: &'a str,
    pub at: String,
    /// "GET /path" with the operationId when it has one.
    pub label: String,
    pub obj: &'a Map<String, Value>,
    /// The path item the operation is in.
    pub item: &'a Map<String, Value>,
    pub id: Option<&'a str>,
    /// Path-level parameters first, then the operation's own.
    pub params: Vec<Param<'a>>,
    /// For each of `params`: a path-level parameter that one of the operation's own overrides.
    overridden: Vec<bool>,
}

impl<'a> Op<'a> {
    /// The parameters that apply: the operation's own override the path's of the same name and location.
    pub fn effective(&self) -> impl Iterator<Item = &Param<'a>> + '_ {
        self.params.iter().zip(&self.overridden).filter(|(_, o)| !**o).map(|(p, _)| p)
    }
    pub fn is_get(&self) -> bool {
        self.method.eq_ignore_ascii_case("get")
    }
    pub fn ext(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key)
    }
    /// `x-ms-notification-content`: on the path item, where Microsoft's webhook doc, the
    /// repository's swagger schema and every merged connector put it, or on the operation.
    pub fn notification_content(&self) -> Option<&'a Value> {
        self.item
            .get("x-ms-notification-content")
            .or_else(|| self.obj.get("x-ms-notification-content"))
    }
    pub fn is_trigger(&self) -> bool {
        self.obj.get("x-ms-trigger").is_some_and(|t| !t.is_null())
    }
    pub fn internal(&self) -> bool {
        self.obj
            .get("x-ms-visibility")
            .and_then(Value::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case("internal"))
    }
    /// The body parameter's schema, resolved.
    pub fn body_schema(&self, root: &'a Value) -> Option<&'a Value> {
        self.effective()
            .find(|p| p.location() == "body")
            .and_then(|p| p.get("schema"))
            .and_then(|s| deref(root, s))
    }
    /// The effective `consumes`: the operation's, else the document's.
    pub fn consumes(&self, root: &'a Value) -> Vec<&'a str> {
        let list = self.obj.get("consumes").or_else(|| root.get("consumes"));
        list.and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
    /// The first success (2xx) response's schema, resolved.
    pub fn success_schema(&self, root: &'a Value) -> Option<&'a Value> {
        let responses = self.obj.get("responses")?.as_object()?;
        let mut codes: Vec<&String> = responses.keys().filter(|k| k.starts_with('2')).collect();
        codes.sort();
        codes
            .into_iter()
            .filter_map(|c| deref(root, &responses[c]))
            .find_map(|r| r.get("schema"))
            .and_then(|s| deref(root, s))
    }
}

pub(super) struct Model<'a> {
    pub file: &'a JsonFile<'a>,
    pub root: &'a Value,
    pub ops: Vec<Op<'a>>,
    by_id: HashMap<&'a str, usize>,
}

impl<'a> Model<'a> {
    pub fn new(file: &'a JsonFile<'a>) -> Model<'a> {
        let root = &file.doc.value;
        let mut ops = Vec::new();
        if let Some(paths) = root.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else {
                    continue;
                };
                let shared = params_of(root, item, &["paths", path, "parameters"], Level::Path);
                for (method, op) in item {
                    if !HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                        continue;
                    }
                    let Some(obj) = op.as_object() else {
                        continue;
                    };
                    let id = obj.get("operationId").and_then(Value::as_str);
                    let mut label = format!("{} {}", method.to_ascii_uppercase(), crate::check::shown(path));
                    if let Some(id) = id {
                        label = format!("{label} ({})", crate::check::shown(id));
                    }
                    let mut params: Vec<Param> = shared.to_vec();
                    params.extend(params_of(root, obj, &["paths", path, method, "parameters"], Level::Operation));
                    // Found with a set, not by comparing every pair: a list can be long.
                    let own: std::collections::HashSet<(&str, &str)> = params
                        .iter()
                        .filter(|p| p.level == Level::Operation)
                        .map(|p| (p.name(), p.location()))
                        .collect();
                    let overridden = params
                        .iter()
                        .map(|p| p.level == Level::Path && own.contains(&(p.name(), p.location())))
                        .collect();
                    ops.push(Op {
                        path,
                        method,
                        at: pointer(&["paths", path, method]),
                        label,
                        obj,
                        item,
                        id,
                        params,
                        overridden,
                    });
                }
            }
        }
        let mut by_id = HashMap::new();
        for (i, op) in ops.iter().enumerate() {
            if let Some(id) = op.id {
                by_id.entry(id).or_insert(i);
            }
        }
        Model { file, root, ops, by_id }
    }

    pub fn op(&self, id: &str) -> Option<&Op<'a>> {
        self.by_id.get(id).map(|&i| &self.ops[i])
    }

    /// A webhook trigger: a trigger with a property or parameter marked `x-ms-notification-url`.
    pub fn is_webhook(&self, op: &Op<'a>) -> bool {
        op.is_trigger() && self.notification_url(op).is_some()
    }

    /// The pointer of the first parameter or body property marked `x-ms-notification-url: true`.
    pub fn notification_url(&self, op: &Op<'a>) -> Option<String> {
        for p in op.effective() {
            if p.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
                return Some(p.at());
            }
        }
        let body = op.body_schema(self.root)?;
        let mut found = None;
        schema_walk(self.root, body, &mut |s| {
            if found.is_none() && s.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
                found = Some(op.at.clone());
            }
        });
        found
    }
}

fn params_of<'a>(root: &'a Value, obj: &'a Map<String, Value>, at: &[&str], level: Level) -> Vec<Param<'a>> {
    obj.get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            let list: std::rc::Rc<str> = pointer(at).into();
            ps.iter()
                .enumerate()
                .map(|(index, raw)| Param {
                    list: list.clone(),
                    index,
                    raw,
                    def: deref(root, raw),
                    level,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// For each of `values`, whether an equal one comes before it: compared within buckets of a hash
/// that agrees with `Value`'s equality (objects' members in any order), not pair by pair, so a
/// list of 20,000 parameters is not 200 million comparisons.
pub(super) fn repeats(values: &[&Value]) -> Vec<bool> {
    use std::hash::{BuildHasher, Hash, Hasher};
    fn hash(v: &Value, seed: &ahash::RandomState, h: &mut impl Hasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n.to_string()).hash(h),
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(items) => {
                (4u8, items.len()).hash(h);
                for item in items {
                    hash(item, seed, h);
                }
            }
            Value::Object(map) => {
                // Members in any order: the sum of their own hashes.
                let sum = map.iter().fold(0u64, |sum, (k, v)| {
                    let mut member = seed.build_hasher();
                    k.hash(&mut member);
                    hash(v, seed, &mut member);
                    sum.wrapping_add(member.finish())
                });
                (5u8, map.len(), sum).hash(h);
            }
        }
    }
    let seed = ahash::RandomState::new();
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let mut h = seed.build_hasher();
        hash(v, &seed, &mut h);
        let bucket = buckets.entry(h.finish()).or_default();
        out.push(bucket.iter().any(|&j| values[j] == *v));
        bucket.push(i);
    }
    out
}

/// Follow `$ref` (local, `#/...`) until a value without one; `None` for a dangling, external or
/// looping reference.
pub(super) fn deref<'a>(root: &'a Value, value: &'a Value) -> Option<&'a Value> {
    let mut current = value;
    for _ in 0..MAX_REF_HOPS {
        match current.get("$ref") {
            Some(Value::String(r)) => current = resolve_pointer(root, r)?,
            Some(_) => return None,
            None => return Some(current),
        }
    }
    None
}

/// The target of a local reference `#/a/b`, with `~0`/`~1` and percent escapes decoded.
pub(super) fn resolve_pointer<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if let Some(v) = root.pointer(pointer) {
        return Some(v);
    }
    let decoded = percent_encoding::percent_decode_str(pointer).decode_utf8().ok()?;
    root.pointer(&decoded)
}

/// Visit a schema and every schema under it (properties, items, allOf, additionalProperties),
/// following `$ref`s once each, to a bounded depth.
pub(super) fn schema_walk<'a>(root: &'a Value, schema: &'a Value, visit: &mut dyn FnMut(&'a Value)) {
    let mut seen: Vec<*const Value> = Vec::new();
    fn inner<'a>(root: &'a Value, s: &'a Value, depth: usize, seen: &mut Vec<*const Value>, visit: &mut dyn FnMut(&'a Value)) {
        if depth > MAX_SCHEMA_DEPTH {
            return;
        }
        let Some(s) = deref(root, s) else {
            return;
        };
        let key = s as *const Value;
        if seen.contains(&key) {
            return;
        }
        seen.push(key);
        visit(s);
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for p in props.values() {
                inner(root, p, depth + 1, seen, visit);
            }
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = s.get(key).filter(|c| c.is_object()) {
                inner(root, child, depth + 1, seen, visit);
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for child in all {
                inner(root, child, depth + 1, seen, visit);
            }
        }
    }
    inner(root, schema, 0, &mut seen, visit);
}

/// What a path of property names (`a/b/c`) finds in a schema.
pub(super) enum Lookup<'a> {
    Found(&'a Value),
    Missing,
    /// The schema does not say (no `properties`, a dangling `$ref`, too deep).
    Unknown,
}

/// Follow `segments` through `properties` (and `allOf`) of `schema`.
pub(super) fn lookup<'a>(root: &'a Value, schema: &'a Value, segments: &[&str]) -> Lookup<'a> {
    lookup_with(root, schema, segments, false)
}

/// [`lookup`] with property names compared ignoring case.
pub(super) fn lookup_ignoring_case<'a>(root: &'a Value, schema: &'a Value, segments: &[&str]) -> Lookup<'a> {
    lookup_with(root, schema, segments, true)
}

fn lookup_with<'a>(root: &'a Value, schema: &'a Value, segments: &[&str], ci: bool) -> Lookup<'a> {
    let Some(mut current) = deref(root, schema) else {
        return Lookup::Unknown;
    };
    for (depth, segment) in segments.iter().enumerate() {
        if depth > MAX_SCHEMA_DEPTH {
            return Lookup::Unknown;
        }
        match property(root, current, segment, 0, ci) {
            Lookup::Found(next) => match deref(root, next) {
                Some(next) => current = next,
                None => return Lookup::Unknown,
            },
            other => return other,
        }
    }
    Lookup::Found(current)
}

fn property<'a>(root: &'a Value, schema: &'a Value, name: &str, depth: usize, ci: bool) -> Lookup<'a> {
    if depth > 8 {
        return Lookup::Unknown;
    }
    let mut known = false;
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        if let Some(p) = props.get(name) {
            return Lookup::Found(p);
        }
        if let Some((_, p)) = props.iter().find(|(k, _)| ci && k.eq_ignore_ascii_case(name)) {
            return Lookup::Found(p);
        }
        known = true;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            let Some(part) = deref(root, part) else {
                return Lookup::Unknown;
            };
            match property(root, part, name, depth + 1, ci) {
                Lookup::Found(p) => return Lookup::Found(p),
                Lookup::Unknown => return Lookup::Unknown,
                Lookup::Missing => known = true,
            }
        }
    }
    // Open objects (additionalProperties, x-ms-dynamic-*) may hold anything.
    let open = schema.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false))
        || schema.as_object().is_some_and(|o| o.keys().any(|k| k.starts_with("x-ms-dynamic")));
    if known && !open {
        Lookup::Missing
    } else {
        Lookup::Unknown
    }
}

/// The JSON type name of a value, as Swagger names types.
pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Whether `v` is a value of the Swagger type `kind`.
pub(super) fn matches_type(v: &Value, kind: &str) -> bool {
    match kind {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}
