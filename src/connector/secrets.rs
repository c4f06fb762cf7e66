//! Which values of a connector are secrets: what the JSON structure gives away (OAuth client
//! secrets in apiProperties, the defaults and examples of secret-named swagger parameters, the
//! `defaultValue` of secure connection parameters, secrets in settings.json), and the mask for a
//! whole package, which the gate's findings and every printed line share.

use super::{ConnectorPackage, KnownFile, PackageFile};
use crate::secrets::{file_hits, is_placeholder, json_escaped_hits, looks_random, mask, scan_text, Masker, Reading};
use serde_json::Value;

/// Whether a file is one of the connector's JSON files (its strings are JSON-escaped).
pub fn is_json(file: &PackageFile, package: &ConnectorPackage) -> bool {
    file.name.to_ascii_lowercase().ends_with(".json")
        || matches!(
            file.kind,
            Some(KnownFile::ApiDefinition | KnownFile::ApiProperties | KnownFile::Settings)
        )
        || package.swagger_file().is_some_and(|s| s.name == file.name)
}

/// A secret found through the JSON structure.
pub struct StructuredHit {
    pub rule: &'static str,
    pub pointer: String,
    pub value: String,
    pub detail: String,
    pub fix: Option<String>,
}

fn secret_like_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_', ' '], "");
    [
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "authorization",
        "subscriptionkey",
        "accesskey",
        "privatekey",
        "key",
    ]
    .iter()
    .any(|w| n == *w || n.ends_with(w) || n.starts_with(w))
}

/// The secrets that need the JSON structure to be recognised (the text scan does the rest).
pub fn structured(kind: KnownFile, value: &Value) -> Vec<StructuredHit> {
    let mut hits = Vec::new();
    match kind {
        KnownFile::ApiDefinition => swagger_parameters(value, &mut hits),
        KnownFile::ApiProperties => {
            client_secrets(value, &mut hits);
            connection_parameter_defaults(value, &mut hits);
        }
        KnownFile::Settings => settings(value, &mut hits),
        _ => {}
    }
    hits
}

/// A swagger parameter whose name says "secret", with a default or example that looks real.
fn swagger_parameters(value: &Value, hits: &mut Vec<StructuredHit>) {
    super::json::walk(value, &mut |at, _, v| {
        if let Value::Object(map) = v {
            let name = map.get("name").and_then(Value::as_str).unwrap_or("");
            if secret_like_name(name) {
                for field in ["default", "x-example", "example", "x-ms-test-value"] {
                    if let Some(Value::String(s)) = map.get(field) {
                        if looks_random(s) {
                            hits.push(StructuredHit {
                                rule: "secret-value",
                                pointer: format!("{at}/{field}"),
                                value: s.clone(),
                                detail: format!("the {field} of \"{name}\" looks like a real key: {}", mask(s)),
                                fix: None,
                            });
                        }
                    }
                }
            }
        }
        true
    })
}

/// An OAuth client secret anywhere in apiProperties.json that is not a placeholder.
fn client_secrets(value: &Value, hits: &mut Vec<StructuredHit>) {
    super::json::walk(value, &mut |at, key, v| {
        if let Value::String(s) = v {
            let k = key.to_ascii_lowercase();
            if (k == "clientsecret" || k == "client_secret") && !s.trim().is_empty() && !is_placeholder(s) {
                hits.push(StructuredHit {
                    rule: "secret-client-secret",
                    pointer: at.to_string(),
                    value: s.clone(),
                    detail: format!("an OAuth client secret is in apiProperties.json: {}", mask(s)),
                    fix: None,
                });
            }
        }
        true
    });
}

/// The default of a secure or secret-named connection parameter.
fn connection_parameter_defaults(value: &Value, hits: &mut Vec<StructuredHit>) {
    let Some(Value::Object(params)) = value.pointer("/properties/connectionParameters") else {
        return;
    };
    for (name, param) in params {
        let secure = param
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("securestring"));
        if !(secure || secret_like_name(name)) {
            continue;
        }
        let base = super::json::pointer(&["properties", "connectionParameters", name.as_str()]);
        super::json::walk(param, &mut |at, key, v| {
            if let Value::String(s) = v {
                if key == "defaultValue" && !is_placeholder(s) && (secure || looks_random(s)) {
                    hits.push(StructuredHit {
                        rule: "secret-value",
                        pointer: format!("{base}{at}"),
                        value: s.clone(),
                        detail: format!(
                            "the defaultValue of connection parameter \"{name}\" looks like a real key: {}",
                            mask(s)
                        ),
                        fix: None,
                    });
                }
            }
            true
        });
    }
}

/// A secret-named value in settings.json that is not a placeholder.
fn settings(value: &Value, hits: &mut Vec<StructuredHit>) {
    super::json::walk(value, &mut |at, key, v| {
        if let Value::String(s) = v {
            if secret_like_name(key) && !is_placeholder(s) {
                hits.push(StructuredHit {
                    rule: "secret-value",
                    pointer: at.to_string(),
                    value: s.clone(),
                    detail: format!("\"{key}\" in settings.json holds what looks like a secret: {}", mask(s)),
                    fix: Some(
                        "remove it from settings.json (paconn does not need it there) and rotate it if the file was ever shared".into(),
                    ),
                });
            }
        }
        true
    })
}

impl Masker {
    /// The mask for the content of `package` (and of anything else: the text scan applies to any
    /// text it is given).
    pub fn for_package(package: &ConnectorPackage) -> Masker {
        let mut literals = Vec::new();
        for file in &package.files {
            // What JSON escapes hide from the text scan (`ghp\u005f…`), as written in the file.
            if is_json(file, package) {
                for (hit, _) in json_escaped_hits(&file.bytes) {
                    literals.push(String::from_utf8_lossy(&file.bytes[hit.start..hit.end]).into_owned());
                }
            }
            let Some(kind) = file.kind.or_else(|| {
                package
                    .swagger_file()
                    .filter(|s| s.name == file.name)
                    .map(|_| KnownFile::ApiDefinition)
            }) else {
                continue;
            };
            if !matches!(kind, KnownFile::ApiDefinition | KnownFile::ApiProperties | KnownFile::Settings) {
                continue;
            }
            let Ok(doc) = file.json() else {
                continue;
            };
            for hit in structured(kind, &doc.value) {
                literals.push(hit.value.clone());
            }
        }
        // What the text scan finds in each file and name, found again wherever it is printed
        // even where the context that gave it away is gone (a key name on the line before, cut
        // off by a diff's `+`).
        for file in &package.files {
            for hit in scan_text(file.name.as_bytes()) {
                literals.push(file.name[hit.start..hit.end].to_string());
            }
            // However the file is read (as text, JSON strings decoded, UTF-16, binary): the
            // secret itself, and for a span of the file's own bytes, those bytes as written.
            for found in file_hits(&file.name, &file.bytes, is_json(file, package)) {
                if matches!(found.how, Reading::Text | Reading::JsonString) {
                    literals.push(String::from_utf8_lossy(&file.bytes[found.hit.start..found.hit.end]).into_owned());
                }
                literals.push(found.secret);
            }
        }
        Masker::from_literals(literals)
    }
}
