//! One operation (and, once per path, its path item) and its responses.

use super::keywords::{schema, Place};
use super::parameter::parameter;
use super::{
    child, english, found, mime_list, mimes, mistyped_container, pointer_syntax, resolve, types, unknown_keys, url_value, Cx, Kind,
    Operation, PointerGet,
};
use crate::connector::fingerprint::HTTP_METHODS;
use crate::connector::json::pointer;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

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
const RESPONSE_KEYS: &[&str] = &["description", "schema", "headers", "examples"];

pub(super) fn operation(cx: &mut Cx, op: &Operation, root_produces: &Option<Vec<String>>, urls: &mut HashSet<String>) {
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
        path_item(cx, op, urls);
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
    trigger(cx, op, &label);
}

/// The path item's own keys, notification content and parameters.
fn path_item(cx: &mut Cx, op: &Operation, urls: &mut HashSet<String>) {
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

/// `x-ms-trigger` (single or batch), `x-ms-notification-content` on the operation, and a trigger's
/// output schema.
fn trigger(cx: &mut Cx, op: &Operation, label: &str) {
    let at = op.at.as_str();
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

pub(super) fn response(cx: &mut Cx, r: &Value, at: &str, code: Option<&str>, produces: Option<&[String]>) {
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
