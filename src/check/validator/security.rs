//! Swagger Validator catalogue, offline: Security, and the security definitions of Properties.
//!
//! `securityDefinitions` are checked per type (what each type requires and allows, in Swagger
//! 2.0), and every security requirement (`security` at the root or on an operation) against them.

use super::schema::{child, found, mistyped_container, operations, types, unknown_keys, url_value, Cx, Kind};
use crate::check::{JsonFile, Sink};
use crate::connector::json::pointer;
use serde_json::{Map, Value};

const TYPES: &[&str] = &["basic", "apiKey", "oauth2"];
const FLOWS: &[&str] = &["implicit", "password", "application", "accessCode"];
const SCHEME_KEYS: &[&str] = &[
    "type",
    "description",
    "name",
    "in",
    "flow",
    "authorizationUrl",
    "tokenUrl",
    "scopes",
];

pub(super) fn check(swagger: &JsonFile, _properties: Option<&JsonFile>, sink: &mut Sink) {
    let mut cx = Cx::new(swagger, sink);
    let root = cx.root;
    let definitions = root.get("securityDefinitions").and_then(Value::as_object);
    if let Some(defs) = definitions {
        for (name, def) in defs {
            definition(&mut cx, name, def, &pointer(&["securityDefinitions", name.as_str()]));
        }
    }
    if let Some(security) = root.get("security") {
        requirements(&mut cx, security, "/security", definitions, "the swagger");
    }
    for op in operations(root) {
        if let Some(security) = op.op.get("security") {
            requirements(&mut cx, security, &child(&op.at, "security"), definitions, &op.label());
        }
    }
}

/// One security definition: an object with a known `type`, and what that type requires and allows.
fn definition(cx: &mut Cx, name: &str, def: &Value, at: &str) {
    let Some(obj) = def.as_object() else {
        cx.at(
            "json-type",
            at,
            format!("the security definition \"{name}\" must be an object, found {}", found(def)),
        );
        return;
    };
    unknown_keys(cx, obj, at, SCHEME_KEYS, &format!("the security definition \"{name}\""));
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[
            ("type", Str),
            ("description", Str),
            ("name", Str),
            ("in", Str),
            ("flow", Str),
            ("authorizationUrl", Str),
            ("tokenUrl", Str),
            ("scopes", Obj),
        ],
    );
    let Some(ty) = obj.get("type").and_then(Value::as_str) else {
        cx.at(
            "required-property",
            at,
            format!("the security definition \"{name}\" needs `type` (basic, apiKey or oauth2)"),
        );
        return;
    };
    if !TYPES.contains(&ty) {
        cx.at(
            "value-not-in-enum",
            &child(at, "type"),
            format!(
                "the security definition \"{name}\" has type \"{ty}\"; it must be one of: {}",
                TYPES.join(", ")
            ),
        );
        return;
    }
    let flow = obj.get("flow").and_then(Value::as_str);
    type_keys(cx, obj, at, name, ty, flow);
    type_values(cx, obj, at, name, ty, flow);
}

/// The keys a type (and an OAuth flow) requires, and the ones it allows.
fn keys_of_type(ty: &str, flow: Option<&str>) -> (Vec<&'static str>, Vec<&'static str>) {
    match ty {
        "basic" => (vec![], vec![]),
        "apiKey" => (vec!["name", "in"], vec!["name", "in"]),
        _ => {
            let mut required = vec!["flow"];
            let mut allowed = vec!["flow", "scopes"];
            match flow {
                Some("implicit") => {
                    required.push("authorizationUrl");
                    allowed.push("authorizationUrl");
                }
                Some("password" | "application") => {
                    required.push("tokenUrl");
                    allowed.push("tokenUrl");
                }
                Some("accessCode") => {
                    required.extend(["authorizationUrl", "tokenUrl"]);
                    allowed.extend(["authorizationUrl", "tokenUrl"]);
                }
                _ => allowed.extend(["authorizationUrl", "tokenUrl"]),
            }
            (required, allowed)
        }
    }
}

/// The keys of the definition's type: present when required, absent when not allowed.
fn type_keys(cx: &mut Cx, obj: &Map<String, Value>, at: &str, name: &str, ty: &str, flow: Option<&str>) {
    let (required, allowed) = keys_of_type(ty, flow);
    for key in required {
        if !obj.contains_key(key) {
            cx.at(
                "security-definition-required",
                at,
                format!("the {ty} security definition \"{name}\" needs `{key}`"),
            );
        }
    }
    for key in obj.keys() {
        let common = key == "type" || key == "description" || key.starts_with("x-");
        if !common && SCHEME_KEYS.contains(&key.as_str()) && !allowed.contains(&key.as_str()) {
            cx.at(
                "security-definition-property",
                &child(at, key),
                format!("`{key}` is not valid in a {ty} security definition (\"{name}\")"),
            );
        }
    }
}

/// The values of the type's keys: an apiKey in the query or a header, a known OAuth flow and
/// absolute URLs.
fn type_values(cx: &mut Cx, obj: &Map<String, Value>, at: &str, name: &str, ty: &str, flow: Option<&str>) {
    if ty == "apiKey" {
        if let Some(location) = obj.get("in").and_then(Value::as_str) {
            if !["query", "header"].contains(&location) {
                cx.at(
                    "value-not-in-enum",
                    &child(at, "in"),
                    format!("the apiKey \"{name}\" is in \"{location}\"; it must be query or header"),
                );
            }
        }
    }
    if ty == "oauth2" {
        if let Some(f) = flow {
            if !FLOWS.contains(&f) {
                cx.at(
                    "value-not-in-enum",
                    &child(at, "flow"),
                    format!("the OAuth flow \"{f}\" of \"{name}\" is not one of: {}", FLOWS.join(", ")),
                );
            }
        }
        for key in ["authorizationUrl", "tokenUrl"] {
            if let Some(u) = obj.get(key) {
                url_value(cx, u, &child(at, key), &format!("`{key}` of \"{name}\""));
            }
        }
    }
}

fn requirements(cx: &mut Cx, security: &Value, at: &str, definitions: Option<&Map<String, Value>>, owner: &str) {
    let Some(list) = security.as_array() else {
        return;
    };
    for (i, requirement) in list.iter().enumerate() {
        let r_at = child(at, &i.to_string());
        let Some(requirement) = requirement.as_object() else {
            cx.at(
                "json-type",
                &r_at,
                format!("a security requirement of {owner} must be an object, found {}", found(requirement)),
            );
            continue;
        };
        for (name, scopes) in requirement {
            let s_at = child(&r_at, name);
            let Some(def) = definitions.and_then(|d| d.get(name)) else {
                // `securityDefinitions` that is not an object is json-type's, once.
                if mistyped_container(cx.root, "securityDefinitions") {
                    continue;
                }
                cx.at(
                    "security-undefined",
                    &s_at,
                    format!("{owner} requires \"{name}\", which is not in `securityDefinitions`"),
                );
                continue;
            };
            let Some(scopes) = scopes.as_array() else {
                cx.at(
                    "security-value",
                    &s_at,
                    format!("the security requirement \"{name}\" of {owner} is {scopes}; it must be an array (empty when no scopes)"),
                );
                continue;
            };
            if def.get("type").and_then(Value::as_str) == Some("oauth2") {
                let defined = def.get("scopes").and_then(Value::as_object);
                for (j, scope) in scopes.iter().enumerate() {
                    let known = scope.as_str().is_some_and(|s| defined.is_some_and(|d| d.contains_key(s)));
                    if !known {
                        cx.at(
                            "security-scope",
                            &child(&s_at, &j.to_string()),
                            format!("the scope {scope} of \"{name}\" is not in its `scopes` in `securityDefinitions`"),
                        );
                    }
                }
            } else if !scopes.is_empty() {
                cx.at(
                    "security-scopes-not-allowed",
                    &s_at,
                    format!("\"{name}\" is not OAuth, so its requirement must be an empty array"),
                );
            }
        }
    }
}
