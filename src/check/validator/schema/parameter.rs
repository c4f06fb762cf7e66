//! One parameter where it is written: its keys, location and type; a body parameter's schema
//! (with the input rules), a non-body parameter's value constraints and `items`.

use super::constraints::{constraints, enum_values};
use super::input::{input, notification_url, Chain, Visit};
use super::keywords::{schema, Place};
use super::{child, english, found, is_internal, types, unknown_keys, Cx, Kind};
use serde_json::{Map, Value};
use std::collections::HashSet;

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
const PARAMETER_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "file"];
const PARAMETER_LOCATIONS: &[&str] = &["query", "header", "path", "formData", "body"];

pub(super) fn parameter(cx: &mut Cx, p: &Value, at: &str, urls: &mut HashSet<String>) {
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
    keys(cx, obj, at, &label);
    let location = obj.get("in").and_then(Value::as_str);
    let required = obj.get("required").and_then(Value::as_bool).unwrap_or(false);
    enum_values(cx, obj, at);
    if location == Some("body") {
        body(cx, obj, at, &label, required, urls);
        return;
    }
    non_body_value(cx, obj, at, &label, location);
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

/// A parameter's keys: their types, `name` and `in` given, English text, and a known location.
fn keys(cx: &mut Cx, obj: &Map<String, Value>, at: &str, label: &str) {
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
}

/// A body parameter: no keys of a non-body parameter, a `schema` (walked where it is written and
/// as an input), and a notification URL flag noted.
fn body(cx: &mut Cx, obj: &Map<String, Value>, at: &str, label: &str, required: bool, urls: &mut HashSet<String>) {
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
            let chain = Chain {
                required,
                internal: is_internal(obj),
            };
            let mut visit = Visit {
                visited: HashSet::new(),
                urls: &mut *urls,
            };
            input(cx, s, &s_at, 0, true, chain, &mut visit);
        }
    }
    if obj.get("x-ms-notification-url").and_then(Value::as_bool) == Some(true) {
        urls.insert(at.to_string());
    }
}

/// A non-body parameter's value: no `schema`, a known `type`, constraints, and its `items`.
fn non_body_value(cx: &mut Cx, obj: &Map<String, Value>, at: &str, label: &str, location: Option<&str>) {
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
}
