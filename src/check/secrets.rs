//! Secret scan: a pull request is public forever, so no credential may reach it. This module
//! turns what `crate::secrets` and `crate::connector::secrets` find into findings.
//!
//! Two layers:
//! - a text scan (`crate::secrets::scan_text`) over the bytes of every file of the folder (JSON, Markdown,
//!   script.csx, any other text) and over the file names, for well-known credential formats
//!   (GitHub, Azure storage keys and SAS signatures, Azure AD client secrets, AWS, Google, Slack,
//!   Stripe, OpenAI-style keys, JWTs, PEM private keys, passwords in URLs, bearer tokens in
//!   code) and for high-entropy values assigned to key-like names (`"apiKey": "..."`,
//!   `var token = "..."`, `API_KEY=...`);
//! - JSON checks that need the structure: OAuth client secrets and client ids in apiProperties,
//!   the defaults and examples of secret-named swagger parameters, the `defaultValue` of secure
//!   connection parameters, secrets in settings.json.
//!
//! Whatever is found is also what `crate::secrets::Masker` hides wherever the tool prints or writes content
//! (the diff, `--json`, the `--patch` file): `ghp_…(40 chars)`.

use super::{JsonFile, Sink};
use crate::connector::secrets::{is_json, structured};
use crate::connector::{ConnectorPackage, KnownFile, Position};
use crate::secrets::{file_hits, key_file_name, looks_like_client_id, mask, scan_text, wide_text, Reading};
use serde_json::Value;

/// 1-based line and column (in characters) of a byte offset.
fn position_in(text: &[u8], offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Position { line, column }
}

/// The text scan over every file of the folder and every file name.
pub(super) fn scan_package(package: &ConnectorPackage, sink: &mut Sink) {
    for file in &package.files {
        for hit in scan_text(file.name.as_bytes()) {
            let secret = &file.name[hit.start..hit.end];
            sink.emit(
                "secret-file-name",
                &file.name,
                None,
                None,
                format!("the file name holds {} ({})", hit.kind.describe(), mask(secret)),
                None,
            );
        }
        if key_file_name(&file.name) {
            sink.emit(
                "secret-key-file",
                &file.name,
                None,
                None,
                format!("`{}` is a private key or certificate store", file.name),
                None,
            );
        }
        for found in file_hits(&file.name, &file.bytes, is_json(file, package)) {
            let (what, masked) = (found.hit.kind.describe(), mask(&found.secret));
            let (position, message) = match found.how {
                Reading::Text => (
                    Some(position_in(&file.bytes, found.hit.start)),
                    format!("{what} is in the file: {masked}"),
                ),
                Reading::JsonString => (
                    Some(position_in(&file.bytes, found.hit.start)),
                    format!("{what} is in the file, written with JSON escapes: {masked}"),
                ),
                Reading::Wide => (
                    wide_text(&file.bytes).map(|text| position_in(text.as_bytes(), found.hit.start)),
                    format!("{what} is in the file (read as UTF-16/UTF-32): {masked}"),
                ),
                Reading::Binary => (None, format!("{what} is in the binary file at byte {}: {masked}", found.hit.start)),
                Reading::PngText => (
                    None,
                    format!(
                        "{what} is in a compressed text chunk of the image at byte {}: {masked}",
                        found.hit.start
                    ),
                ),
            };
            sink.emit(found.hit.kind.rule(), &file.name, position, None, message, None);
        }
    }
}

/// Whether the JSON checks of `kind` would report anything on `value` (client ids included).
pub(super) fn has_structured_findings(kind: KnownFile, value: &Value) -> bool {
    if !structured(kind, value).is_empty() {
        return true;
    }
    let mut id = false;
    if kind == KnownFile::ApiProperties {
        crate::connector::json::walk(value, &mut |_, key, v| {
            if let Value::String(s) = v {
                id |= matches!(key.to_ascii_lowercase().as_str(), "clientid" | "client_id") && looks_like_client_id(s);
            }
            !id
        });
    }
    id
}

fn emit_structured(kind: KnownFile, file: &JsonFile, sink: &mut Sink) {
    for hit in structured(kind, &file.doc.value) {
        match hit.fix {
            Some(fix) => sink.at_with_fix(hit.rule, file, &hit.pointer, hit.detail, fix),
            None => sink.at(hit.rule, file, &hit.pointer, hit.detail),
        }
    }
}

/// Swagger: keys in the defaults and examples of secret-named parameters.
pub(super) fn scan_swagger(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::ApiDefinition, file, sink);
}

/// apiProperties: OAuth client secrets, secure connection parameter defaults, client ids.
pub(super) fn scan_properties(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::ApiProperties, file, sink);
    let mut ids = Vec::new();
    crate::connector::json::walk(&file.doc.value, &mut |at, key, v| {
        if let Value::String(s) = v {
            let k = key.to_ascii_lowercase();
            if (k == "clientid" || k == "client_id") && looks_like_client_id(s) {
                ids.push((at.to_string(), s.to_string()));
            }
        }
        true
    });
    for (at, id) in ids {
        sink.at("secret-client-id", file, &at, format!("the OAuth client id \"{id}\" looks real"));
    }
}

/// settings.json is never submitted, but a secret in it is one copy away from a PR.
pub(super) fn scan_settings(file: &JsonFile, sink: &mut Sink) {
    emit_structured(KnownFile::Settings, file, sink);
}

/// The text scan and the JSON checks can find the same value: keep one finding per line, the
/// most specific (an OAuth client secret in apiProperties is `secret-client-secret`, not the
/// text scan's generic `secret-value`), the first of equals.
pub(super) fn dedupe(findings: &mut Vec<super::Finding>) {
    let counted = |f: &super::Finding| f.rule.starts_with("secret-") && f.rule != "secret-client-id";
    let rank = |rule: &str| match rule {
        "secret-value" => 1,
        _ => 0,
    };
    let mut best: std::collections::HashMap<(&str, usize), usize> = std::collections::HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(p) = f.position.filter(|_| counted(f)) else { continue };
        best.entry((f.file.as_str(), p.line))
            .and_modify(|b| {
                if rank(f.rule) < rank(findings[*b].rule) {
                    *b = i;
                }
            })
            .or_insert(i);
    }
    let keep: std::collections::HashSet<usize> = best.into_values().collect();
    let mut i = 0;
    findings.retain(|f| {
        i += 1;
        !(counted(f) && f.position.is_some()) || keep.contains(&(i - 1))
    });
}
