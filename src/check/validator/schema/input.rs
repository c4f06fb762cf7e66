//! The rules that depend on a schema being an input: followed from each body parameter through
//! `$ref` (visited once per body parameter, depth-capped), with what holds along the way.

use super::{child, is_internal, resolve, Cx, PointerGet, MAX_DEPTH};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// What holds along the way from an input parameter down to a property.
#[derive(Clone, Copy)]
pub(super) struct Chain {
    pub required: bool,
    pub internal: bool,
}

pub(super) fn notification_url(cx: &mut Cx, obj: &Map<String, Value>, at: &str, chain: Chain, label: &str) {
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

/// One body parameter's walk: the definitions it has visited, and the notification URLs it found.
pub(super) struct Visit<'u> {
    pub visited: HashSet<String>,
    pub urls: &'u mut HashSet<String>,
}

/// The rules about inputs, following `$ref` (visited once per body parameter, depth-capped).
pub(super) fn input(cx: &mut Cx, node: &Value, at: &str, depth: usize, top: bool, chain: Chain, visit: &mut Visit) {
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
        if visit.visited.insert(target_at.clone()) {
            input(cx, target, &target_at, depth + 1, top, chain, visit);
        }
        return;
    }
    let chain = Chain {
        required: chain.required,
        internal: chain.internal || is_internal(obj),
    };
    node_rules(cx, obj, at, top, chain, visit.urls);
    properties(cx, obj, at, depth, chain, visit);
    match obj.get("items") {
        Some(items @ Value::Object(_)) => input(cx, items, &child(at, "items"), depth + 1, false, chain, visit),
        Some(Value::Array(list)) => {
            for (i, items) in list.iter().enumerate() {
                input(
                    cx,
                    items,
                    &child(&child(at, "items"), &i.to_string()),
                    depth + 1,
                    false,
                    chain,
                    visit,
                );
            }
        }
        _ => {}
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for (i, part) in all.iter().enumerate() {
            input(cx, part, &child(&child(at, "allOf"), &i.to_string()), depth + 1, top, chain, visit);
        }
    }
    if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
        let chain = Chain {
            required: false,
            internal: chain.internal,
        };
        input(cx, extra, &child(at, "additionalProperties"), depth + 1, false, chain, visit);
    }
}

/// The rules about one input node: string/binary only at the top, no filterFunctions, and a
/// notification URL (noted, and checked along the chain).
fn node_rules(cx: &mut Cx, obj: &Map<String, Value>, at: &str, top: bool, chain: Chain, urls: &mut HashSet<String>) {
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
}

/// The properties of an input: required and readOnly at once is an error; each is walked with
/// the chain of `required` carried down.
fn properties(cx: &mut Cx, obj: &Map<String, Value>, at: &str, depth: usize, chain: Chain, visit: &mut Visit) {
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
            input(cx, p, &p_at, depth + 1, false, chain, visit);
        }
    }
}
