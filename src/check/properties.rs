//! Rules for `apiProperties.json`.

use super::{JsonFile, Sink};
use crate::package::category::{DEFAULT_COLORS, INDEPENDENT_PUBLISHER_COLOR};
use serde_json::Value;

pub(super) fn check(file: &JsonFile, sink: &mut Sink) {
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
                let at = crate::package::json::pointer(&["properties", "connectionParameters", name]);
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
