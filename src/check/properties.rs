//! Rules for `apiProperties.json`.

use super::{found, JsonFile, Sink};
use crate::connector::category::{DEFAULT_COLORS, INDEPENDENT_PUBLISHER_COLOR};
use serde_json::Value;

pub(super) fn check(file: &JsonFile, sink: &mut Sink) {
    if !shape(file, sink) {
        return;
    }
    let root = &file.doc.value;
    let color = root.pointer("/properties/iconBrandColor");
    match color.and_then(Value::as_str).map(str::trim) {
        None => {
            let (at, detail) = match color {
                Some(other) => (
                    "/properties/iconBrandColor",
                    format!("`properties.iconBrandColor` must be a string, found {}", super::found(other)),
                ),
                None => ("/properties", "`properties.iconBrandColor` is missing".to_string()),
            };
            sink.at("brand-color-format", file, at, detail.clone());
            sink.at("brand-color-independent", file, at, detail);
        }
        Some(c) => {
            let at = "/properties/iconBrandColor";
            let valid = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit());
            if !valid {
                sink.at(
                    "brand-color-format",
                    file,
                    at,
                    format!("iconBrandColor \"{c}\" is not a color like #1f5fa8"),
                );
            }
            let lower = c.to_ascii_lowercase();
            if lower != INDEPENDENT_PUBLISHER_COLOR {
                sink.at(
                    "brand-color-independent",
                    file,
                    at,
                    format!("iconBrandColor is \"{c}\"; independent publishers must use {INDEPENDENT_PUBLISHER_COLOR}"),
                );
            }
            if DEFAULT_COLORS.contains(&lower.as_str()) {
                sink.at(
                    "brand-color-certified",
                    file,
                    at,
                    format!("iconBrandColor \"{c}\" is a default color that certified connectors may not use"),
                );
            }
        }
    }
    for (field, rule) in [("publisher", "publisher-stack-owner"), ("stackOwner", "stack-owner-missing")] {
        let raw = root.pointer(&format!("/properties/{field}"));
        let value = raw.and_then(Value::as_str).map(str::trim);
        if let (Some(other), None) = (raw, value) {
            sink.at(
                rule,
                file,
                &format!("/properties/{field}"),
                format!("`properties.{field}` must be a string, found {}", super::found(other)),
            );
        } else if value.is_none_or(str::is_empty) {
            sink.at(rule, file, "/properties", format!("`properties.{field}` is missing or empty"));
        }
    }
    if let Some(params) = root.pointer("/properties/connectionParameters").and_then(Value::as_object) {
        for name in params.keys() {
            let ok = !name.is_empty()
                && name
                    .split(':')
                    .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if !ok {
                let at = crate::connector::json::pointer(&["properties", "connectionParameters", name]);
                sink.at(
                    "connection-parameter-name",
                    file,
                    &at,
                    format!("connection parameter name \"{name}\" has characters other than letters, digits and `_`"),
                );
            }
        }
    }
}

/// `properties-type` for the values the rules read through, whose JSON type the repository's
/// schema (schemas/paconn-apiProperties.schema.json) fixes: said once, where the value is. False
/// when the file or its `properties` is not an object: nothing else can be read from it.
fn shape(file: &JsonFile, sink: &mut Sink) -> bool {
    let root = &file.doc.value;
    let Some(obj) = root.as_object() else {
        sink.at(
            "properties-type",
            file,
            "",
            format!(
                "`{}` must be a JSON object ({{\"properties\": {{...}}}}), found {}",
                crate::connector::name::printable(file.name),
                found(root)
            ),
        );
        return false;
    };
    let Some(props) = obj.get("properties") else {
        // Missing altogether: the rules say what is missing.
        return true;
    };
    let Some(props) = props.as_object() else {
        sink.at(
            "properties-type",
            file,
            "/properties",
            format!("`properties` must be an object, found {}", found(props)),
        );
        return false;
    };
    // (member, an object rather than an array, what each entry must be)
    let members = [
        ("connectionParameters", true, "an object"),
        ("policyTemplateInstances", false, "an object"),
        ("capabilities", false, "a string"),
    ];
    for (key, object, entry) in members {
        let Some(v) = props.get(key) else { continue };
        let at = crate::connector::json::pointer(&["properties", key]);
        let wanted = if object { "an object" } else { "an array" };
        let entries: Vec<(String, &Value)> = match v {
            Value::Object(map) if object => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) if !object => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
            _ => {
                sink.at(
                    "properties-type",
                    file,
                    &at,
                    format!("`properties.{key}` must be {wanted}, found {}", found(v)),
                );
                continue;
            }
        };
        for (name, v) in entries {
            let ok = if entry == "a string" { v.is_string() } else { v.is_object() };
            if !ok {
                let mut entry_at = at.clone();
                crate::connector::json::push_segment(&mut entry_at, &name);
                let what = if object {
                    format!("the connection parameter \"{name}\"")
                } else {
                    format!("an entry of `properties.{key}`")
                };
                sink.at(
                    "properties-type",
                    file,
                    &entry_at,
                    format!("{what} must be {entry}, found {}", found(v)),
                );
            }
        }
    }
    true
}
