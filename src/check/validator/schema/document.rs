//! The swagger's top level: its keys, `paths` as objects of operations, `info`, the metadata
//! URLs, `schemes`, MIME types and `tags`.

use super::{child, english, found, mimes, types, unknown_keys, url_value, Cx, Kind, PointerGet};
use crate::connector::fingerprint::HTTP_METHODS;
use crate::connector::json::pointer;
use serde_json::{Map, Value};
use std::collections::HashSet;

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
const SCHEMES: &[&str] = &["http", "https", "ws", "wss"];

pub(super) fn document(cx: &mut Cx, obj: &Map<String, Value>) {
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
    path_items(cx, obj);
    for key in ["info", "paths"] {
        if !obj.contains_key(key) {
            cx.at("required-property", "", format!("the `{key}` property is required"));
        }
    }
    info(cx, obj);
    if let Some(u) = obj.pointer_get("/externalDocs/url") {
        url_value(cx, u, "/externalDocs/url", "`externalDocs.url`");
    }
    connector_metadata(cx, obj);
    schemes(cx, obj);
    mimes(cx, obj, "");
    tags(cx, obj);
}

/// Path items and operations: the rules read through them, so one that is not an object is
/// said once here (and nothing is said about what it lacks).
fn path_items(cx: &mut Cx, obj: &Map<String, Value>) {
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
            types(cx, item, &item_at, &[("parameters", Kind::Arr)]);
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
}

/// `info`: its keys and their types, the version and title, English text, contact and license.
fn info(cx: &mut Cx, obj: &Map<String, Value>) {
    use Kind::*;
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
}

/// The Website and Privacy policy URLs of `x-ms-connector-metadata`.
fn connector_metadata(cx: &mut Cx, obj: &Map<String, Value>) {
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
}

/// `schemes`: http or https (WebSocket schemes are not supported).
fn schemes(cx: &mut Cx, obj: &Map<String, Value>) {
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
}

/// `tags`: each defined once, with a URL for its external docs.
fn tags(cx: &mut Cx, obj: &Map<String, Value>) {
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
