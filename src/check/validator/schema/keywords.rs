//! One schema where it is written, and its inline children (not following `$ref`): its
//! keywords, types, object keywords (`required`, `discriminator`) and Microsoft's extensions.

use super::constraints::{constraints, enum_values};
use super::{child, found, is_internal, mistyped_container, pointer_syntax, resolve, types, Cx, Kind, PointerGet, MAX_DEPTH};
use serde_json::{Map, Value};
use std::collections::HashSet;

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

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
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
pub(super) fn schema(cx: &mut Cx, node: &Value, at: &str, depth: usize, place: Place, top: bool) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.as_object() else {
        cx.at("json-type", at, format!("a schema must be an object, found {}", found(node)));
        return;
    };
    if let Some(reference) = obj.get("$ref") {
        reference_only(cx, obj, reference, at);
        return;
    }
    keywords(cx, obj, at);
    let types_of = declared_types(cx, obj, at);
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
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    required_and_discriminator(cx, obj, at, &types_of, &required);
    extensions(cx, obj, at, ty);
    let walk = Walk { depth, place, top };
    children(cx, obj, at, walk, &required);
}

/// Where a schema's inline children are walked from.
#[derive(Clone, Copy)]
struct Walk {
    depth: usize,
    place: Place,
    top: bool,
}

/// A schema that is a reference: the reference itself, and the keywords next to it (ignored).
fn reference_only(cx: &mut Cx, obj: &Map<String, Value>, reference: &Value, at: &str) {
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
}

/// Keywords OpenAPI 2.0 does not have, and the JSON types of the ones it has.
fn keywords(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
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
}

/// The types `type` names (one or a list), each checked against the schema types.
fn declared_types<'o>(cx: &mut Cx, obj: &'o Map<String, Value>, at: &str) -> Vec<&'o str> {
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
    types_of
}

/// `required` (on objects, naming defined properties) and `discriminator` (a required string).
fn required_and_discriminator(cx: &mut Cx, obj: &Map<String, Value>, at: &str, types_of: &[&str], required: &[&str]) {
    let props = obj.get("properties").and_then(Value::as_object);
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
}

/// Microsoft's extensions on a schema: `x-ms-editor` "dictionary" and `filterFunctions`.
fn extensions(cx: &mut Cx, obj: &Map<String, Value>, at: &str, ty: Option<&str>) {
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
}

/// The inline children: properties (with internal-default-optional), items, allOf parts and
/// additionalProperties.
fn children(cx: &mut Cx, obj: &Map<String, Value>, at: &str, walk: Walk, required: &[&str]) {
    let Walk { depth, place, top } = walk;
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
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
