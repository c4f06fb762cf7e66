//! Swagger Validator catalogue, "Parameters", "Arrays" and "Not supported", and the value rules of
//! "Operations" that apply to any schema: parameter references, locations and encodings, arrays
//! without items, enums, collection formats, types.

use super::model::{json_type, matches_type, resolve_pointer, Model};
use crate::check::Sink;
use crate::connector::json::walk;
use serde_json::{Map, Value};

const COLLECTION_FORMATS: [&str; 5] = ["csv", "ssv", "tsv", "pipes", "multi"];
const TYPES: [&str; 8] = ["string", "number", "integer", "boolean", "array", "object", "file", "null"];
/// Members whose values are data (examples, defaults), not swagger: never searched for keywords.
const DATA_KEYS: [&str; 7] = [
    "example",
    "examples",
    "default",
    "x-ms-test-value",
    "x-example",
    "x-ms-connector-metadata",
    "securityDefinitions",
];

pub(super) fn check(model: &Model, sink: &mut Sink) {
    references(model, sink);
    for op in &model.ops {
        for p in op.effective() {
            let Some(def) = p.def else {
                continue;
            };
            let name = p.name();
            let location = p.location();
            let kind = def.get("type").and_then(Value::as_str);
            if name.eq_ignore_ascii_case("connectionId") {
                sink.at(
                    "connection-id-parameter",
                    model.file,
                    &p.at(),
                    format!("{}: a parameter is named \"{name}\", which the platform reserves", op.label),
                );
            }
            if location == "formData" && !name.is_ascii() {
                sink.at(
                    "form-data-parameter-name",
                    model.file,
                    &p.at(),
                    format!(
                        "{}: the formData parameter name \"{name}\" has characters outside US-ASCII",
                        op.label
                    ),
                );
            }
            if kind == Some("file") && location != "formData" {
                sink.at(
                    "file-parameter-location",
                    model.file,
                    &p.at(),
                    format!(
                        "{}: \"{name}\" has type file but is in `{location}`; files go in formData",
                        op.label
                    ),
                );
            }
            if location == "body" {
                if let Some(ext) = def.as_object().and_then(|o| o.keys().find(|k| k.starts_with("x-ms-dynamic-"))) {
                    sink.at(
                        "dynamic-extension-on-body-parameter",
                        model.file,
                        &p.at(),
                        format!(
                            "{}: the body parameter \"{name}\" carries `{ext}`; put it in the body's schema",
                            op.label
                        ),
                    );
                }
            }
            let encoding = def.get("x-ms-url-encoding");
            if location == "path" && encoding.is_none() {
                sink.at(
                    "path-parameter-encoding",
                    model.file,
                    &p.at(),
                    format!("{}: path parameter \"{name}\" has no `x-ms-url-encoding`", op.label),
                );
            }
            if location == "query" && encoding.is_some() {
                sink.at(
                    "query-parameter-encoding",
                    model.file,
                    &p.at(),
                    format!("{}: query parameter \"{name}\" sets `x-ms-url-encoding`", op.label),
                );
            }
        }
    }
    values(model, sink);
}

/// `$ref`s in parameter lists, and definitions under `parameters` / `responses` that are
/// themselves references.
fn references(model: &Model, sink: &mut Sink) {
    let root = model.root;
    for op in &model.ops {
        for p in &op.params {
            let Some(r) = p.raw.get("$ref") else {
                continue;
            };
            let at = format!("{}/$ref", p.at());
            let Some(r) = r.as_str() else {
                sink.at(
                    "parameter-ref-not-valid",
                    model.file,
                    &at,
                    format!("{}: `$ref` is {r}, not a string", op.label),
                );
                continue;
            };
            if !r.starts_with("#/parameters/") || !valid_pointer(&r[1..]) {
                sink.at(
                    "parameter-ref-not-valid",
                    model.file,
                    &at,
                    format!(
                        "{}: the parameter reference \"{r}\" does not start with `#/parameters/` or is not a JSON pointer",
                        op.label
                    ),
                );
            } else if resolve_pointer(root, r).is_none() && !super::schema::mistyped_container(root, "parameters") {
                sink.at(
                    "parameter-ref-not-found",
                    model.file,
                    &at,
                    format!("{}: the parameter reference \"{r}\" has no definition under `parameters`", op.label),
                );
            }
        }
    }
    for (section, rule) in [("parameters", "parameter-ref-loop"), ("responses", "response-ref-loop")] {
        if let Some(defs) = root.get(section).and_then(Value::as_object) {
            for (name, def) in defs {
                if def.get("$ref").is_some() {
                    sink.at(
                        rule,
                        model.file,
                        &crate::connector::json::pointer(&[section, name, "$ref"]),
                        format!("`{section}.{name}` is a `$ref` to another definition"),
                    );
                }
            }
        }
    }
}

/// An RFC 6901 pointer: `~` only as `~0` or `~1`.
fn valid_pointer(p: &str) -> bool {
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return false;
        }
    }
    p.starts_with('/')
}

/// The parent member name of a pointer's last segment (`/a/properties/b` -> `properties`).
fn parent_key(at: &str) -> &str {
    let mut parts = at.rsplit('/');
    parts.next();
    parts.next().unwrap_or("")
}

/// Rules about values anywhere in the swagger's schemas and parameters.
fn values(model: &Model, sink: &mut Sink) {
    let file = model.file;
    walk(model.root, &mut |at, key, v| {
        let is_member_name = matches!(parent_key(at), "properties" | "definitions" | "parameters" | "responses" | "paths");
        if !is_member_name && DATA_KEYS.contains(&key) {
            return false;
        }
        // Inside a dynamic extension, members are arguments, not schemas.
        if at.contains("/x-ms-dynamic-") {
            if v.get("selectedItemValuePath").is_some() && !at.contains("/x-ms-dynamic-tree/browse") {
                sink.at(
                    "selected-item-value-path",
                    file,
                    &format!("{at}/selectedItemValuePath"),
                    "`selectedItemValuePath` is allowed only in the `browse` operation of `x-ms-dynamic-tree`".into(),
                );
            }
            return true;
        }
        let Some(obj) = v.as_object() else {
            if let Value::Array(items) = v {
                if !is_member_name {
                    array_value(model, at, key, items, sink);
                }
            }
            return true;
        };
        schema_values(model, at, obj, sink);
        true
    });
}

/// The rules about the values of one schema or parameter object, keyword by keyword.
fn schema_values(model: &Model, at: &str, obj: &Map<String, Value>, sink: &mut Sink) {
    let file = model.file;
    let kind = obj.get("type").and_then(Value::as_str);
    type_format(model, at, obj, kind, sink);
    if let (Some(Value::Array(values)), Some(t)) = (obj.get("enum"), kind) {
        enum_types(model, at, values, t, sink);
    }
    if let Some(Value::Array(entries)) = obj.get("x-ms-enum-values") {
        enum_value_map(model, at, obj, entries, sink);
    }
    if let Some(cf) = obj.get("collectionFormat") {
        if !cf.as_str().is_some_and(|c| COLLECTION_FORMATS.contains(&c)) {
            sink.at(
                "collection-format",
                file,
                &format!("{at}/collectionFormat"),
                format!("`collectionFormat` is {cf}; use csv, ssv, tsv, pipes or multi"),
            );
        }
    }
    if obj.contains_key("selectedItemValuePath") {
        sink.at(
            "selected-item-value-path",
            file,
            &format!("{at}/selectedItemValuePath"),
            "`selectedItemValuePath` is allowed only in the `browse` operation of `x-ms-dynamic-tree`".into(),
        );
    }
}

/// `type` is a Swagger type, `format` one known for it, and an array has `items`.
fn type_format(model: &Model, at: &str, obj: &Map<String, Value>, kind: Option<&str>, sink: &mut Sink) {
    let file = model.file;
    if let Some(t) = kind {
        if !TYPES.contains(&t) {
            sink.at(
                "type-format",
                file,
                &format!("{at}/type"),
                format!("the type \"{t}\" is not a Swagger type"),
            );
        } else if let Some(f) = obj.get("format").and_then(Value::as_str) {
            let known = match t {
                "integer" => ["int32", "int64"].contains(&f),
                "number" => ["float", "double", "int32", "int64", "decimal"].contains(&f),
                _ => true,
            };
            if !known {
                sink.at(
                    "type-format",
                    file,
                    &format!("{at}/format"),
                    format!("the type/format \"{t}/{f}\" is not recognized"),
                );
            }
        }
    }
    if kind == Some("array") && !obj.contains_key("items") && !obj.contains_key("$ref") {
        sink.at("array-items", file, at, "an array has no `items`".into());
    }
}

/// Each `enum` value is of the schema's type.
fn enum_types(model: &Model, at: &str, values: &[Value], t: &str, sink: &mut Sink) {
    let file = model.file;
    for (i, e) in values.iter().enumerate() {
        if e.is_null() || matches_type(e, t) {
            continue;
        }
        // A string that reads as the type ("true", "5"): the validator's error, but
        // accepted merges have it (enum-value-text, a warning).
        let coerced = e.as_str().and_then(|s| serde_json::from_str::<Value>(s.trim()).ok());
        let (rule, detail) = if coerced.is_some_and(|c| matches_type(&c, t) && !c.is_string()) {
            (
                "enum-value-text",
                format!("the enum value {e} is a string, but the schema's type is {t}: write it without quotes"),
            )
        } else {
            (
                "enum-value-type",
                format!("the enum value {e} is of type {} but the schema's type is {t}", json_type(e)),
            )
        };
        sink.at(rule, file, &format!("{at}/enum/{i}"), detail);
    }
}

/// `x-ms-enum-values` maps each value once, and only values `enum` lists.
fn enum_value_map(model: &Model, at: &str, obj: &Map<String, Value>, entries: &[Value], sink: &mut Sink) {
    let file = model.file;
    let enums = obj.get("enum").and_then(Value::as_array);
    for (i, entry) in entries.iter().enumerate() {
        let Some(value) = entry.get("value") else {
            continue;
        };
        let here = format!("{at}/x-ms-enum-values/{i}/value");
        if entries[..i].iter().any(|e| e.get("value") == Some(value)) {
            sink.at(
                "enum-values-duplicate",
                file,
                &here,
                format!("`x-ms-enum-values` maps the value {value} more than once"),
            );
        }
        if let Some(enums) = enums {
            if !enums.contains(value) {
                sink.at(
                    "enum-values-not-in-enum",
                    file,
                    &here,
                    format!("`x-ms-enum-values` has the value {value}, which `enum` does not list"),
                );
            }
        }
    }
}

/// Arrays of keywords: duplicates, empty `required`.
fn array_value(model: &Model, at: &str, key: &str, items: &[Value], sink: &mut Sink) {
    if key == "required" && items.is_empty() {
        sink.at(
            "required-empty",
            model.file,
            at,
            "`required` is an empty array; remove it when no property is required".into(),
        );
    }
    if matches!(key, "enum" | "required" | "consumes" | "produces" | "schemes") {
        for (i, v) in items.iter().enumerate() {
            if items[..i].contains(v) {
                sink.at(
                    "array-duplicate-value",
                    model.file,
                    &format!("{at}/{i}"),
                    format!("`{key}` lists {v} more than once"),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers() {
        assert!(valid_pointer("/parameters/a~1b"));
        assert!(!valid_pointer("/parameters/a~2b"));
        assert!(!valid_pointer("parameters/a"));
        assert_eq!(parent_key("/definitions/x/properties/type"), "properties");
    }
}
