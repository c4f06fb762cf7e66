//! Secret scan: a pull request is public forever, so OAuth client secrets, real client ids and
//! keys or tokens in defaults and examples must never reach it.

use super::{JsonFile, Sink};
use serde_json::Value;

/// Words that mark a value as a stand-in, not a secret.
const PLACEHOLDER_WORDS: [&str; 18] = [
    "replace",
    "your",
    "dummy",
    "placeholder",
    "example",
    "sample",
    "xxxx",
    "****",
    "<",
    "{",
    "[[",
    "client_id",
    "clientid",
    "client-id",
    "secret",
    "todo",
    "here",
    "required",
];

/// A value that is clearly a stand-in (`[[REPLACE WITH CLIENT ID]]`, `YOUR_API_KEY`, all zeros).
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if v.len() < 8 {
        return true;
    }
    if v.chars().filter(|c| c.is_ascii_alphanumeric()).all(|c| c == '0' || c == 'x') {
        return true;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| v.contains(w)) {
        return true;
    }
    // A value made of one repeated character, or a plain word.
    let distinct: std::collections::BTreeSet<char> = v.chars().collect();
    distinct.len() <= 3
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts.values().map(|&k| k as f64 / n).map(|p| -p * p.log2()).sum()
}

/// Looks like a generated key: long, no spaces, letters and digits mixed, high entropy.
fn looks_random(value: &str) -> bool {
    let v = value.trim();
    v.len() >= 16
        && !v.contains(' ')
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && entropy(v) >= 3.5
        && !v.starts_with("http")
        && !is_placeholder(v)
}

/// A registered application's id: a GUID, or a generated string of letters and digits.
/// Readable names ("microsoft.flow", "power-platform-integration") identify nothing secret.
fn looks_like_client_id(value: &str) -> bool {
    let v = value.trim();
    if is_placeholder(v) {
        return false;
    }
    let is_guid = v.len() == 36
        && v.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    let generated = v.len() >= 12
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && entropy(v) >= 3.0;
    is_guid || generated
}

/// Well-known token formats, recognisable anywhere.
fn known_token(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_start_matches("Bearer ").trim_start_matches("bearer ");
    let prefixed = |prefix: &str, min: usize| {
        v.starts_with(prefix) && v.len() >= min && v[prefix.len()..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if ["ghp_", "gho_", "ghu_", "ghs_", "github_pat_"].iter().any(|p| prefixed(p, 30)) {
        return Some("a GitHub token");
    }
    if v.len() == 20 && v.starts_with("AKIA") && v.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return Some("an AWS access key id");
    }
    if prefixed("AIza", 39) {
        return Some("a Google API key");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxs-"]
        .iter()
        .any(|p| v.starts_with(p) && v.len() > 20)
    {
        return Some("a Slack token");
    }
    if ["sk_live_", "rk_live_"].iter().any(|p| prefixed(p, 20)) || prefixed("sk-", 40) {
        return Some("a secret API key");
    }
    let parts: Vec<&str> = v.split('.').collect();
    if v.starts_with("eyJ")
        && parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() >= 10 && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        return Some("a JSON Web Token");
    }
    None
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

/// Every string value with its pointer and the member it belongs to.
fn walk_strings(value: &Value, visit: &mut dyn FnMut(&str, &str, &str)) {
    crate::package::json::walk(value, &mut |at, key, v| {
        if let Value::String(s) = v {
            visit(at, key, s);
        }
        true
    });
}

/// Well-known token formats anywhere in the file.
fn scan_known_tokens(file: &JsonFile, sink: &mut Sink) {
    let mut hits = Vec::new();
    walk_strings(&file.doc.value, &mut |at, _, s| {
        if let Some(kind) = known_token(s) {
            hits.push((at.to_string(), kind));
        }
    });
    for (at, kind) in hits {
        sink.at("secret-value", file, &at, format!("{kind} is in the file"));
    }
}

/// Swagger: tokens anywhere, and keys in the defaults and examples of secret-named parameters.
pub(super) fn scan_swagger(file: &JsonFile, sink: &mut Sink) {
    scan_known_tokens(file, sink);
    let mut hits = Vec::new();
    crate::package::json::walk(&file.doc.value, &mut |at, _, v| {
        if let Value::Object(map) = v {
            collect_parameter_defaults(map, at, &mut hits);
        }
        true
    });
    for (at, name) in hits {
        sink.at(
            "secret-value",
            file,
            &at,
            format!("the default or example of \"{name}\" looks like a real key"),
        );
    }
}

/// A parameter object whose name says "secret", with a default or example that looks real.
fn collect_parameter_defaults(map: &serde_json::Map<String, Value>, at: &str, hits: &mut Vec<(String, String)>) {
    let name = map.get("name").and_then(Value::as_str).unwrap_or("");
    if secret_like_name(name) {
        for field in ["default", "x-example", "example", "x-ms-test-value"] {
            if let Some(Value::String(s)) = map.get(field) {
                if looks_random(s) && known_token(s).is_none() {
                    hits.push((format!("{at}/{field}"), name.to_string()));
                }
            }
        }
    }
}

/// apiProperties: OAuth client secrets and client ids, and tokens anywhere.
pub(super) fn scan_properties(file: &JsonFile, sink: &mut Sink) {
    scan_known_tokens(file, sink);
    let mut secrets = Vec::new();
    let mut ids = Vec::new();
    walk_strings(&file.doc.value, &mut |at, key, s| {
        let k = key.to_ascii_lowercase();
        if (k == "clientsecret" || k == "client_secret") && !s.trim().is_empty() && !is_placeholder(s) {
            secrets.push(at.to_string());
        }
        if (k == "clientid" || k == "client_id") && looks_like_client_id(s) {
            ids.push((at.to_string(), s.to_string()));
        }
    });
    for at in secrets {
        sink.at(
            "secret-client-secret",
            file,
            &at,
            "an OAuth client secret is in apiProperties.json".into(),
        );
    }
    for (at, id) in ids {
        sink.at("secret-client-id", file, &at, format!("the OAuth client id \"{id}\" looks real"));
    }
}

/// settings.json is never submitted, but a secret in it is one copy away from a PR.
pub(super) fn scan_settings(file: &JsonFile, sink: &mut Sink) {
    scan_known_tokens(file, sink);
    let mut hits = Vec::new();
    walk_strings(&file.doc.value, &mut |at, key, s| {
        if secret_like_name(key) && !is_placeholder(s) && known_token(s).is_none() {
            hits.push((at.to_string(), key.to_string()));
        }
    });
    for (at, key) in hits {
        sink.at_with_fix(
            "secret-value",
            file,
            &at,
            format!("\"{key}\" in settings.json holds what looks like a secret"),
            "remove it from settings.json (paconn does not need it there) and rotate it if the file was ever shared".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "[[REPLACE WITH CLIENT ID]]",
            "YOUR_API_KEY",
            "00000000-0000-0000-0000-000000000000",
            "dummysecret",
            "abc",
            "xxxxxxxxxxxxxxxx",
            "<client id>",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in ["3f1c2a9e-8b7d-4c21-9e0f-5a6b7c8d9e0f", "k8Zr2QmX7pLw4NvB9tYc"] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn known_tokens_are_recognised() {
        assert_eq!(known_token("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), Some("a GitHub token"));
        assert_eq!(known_token("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(
            known_token("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
            Some("a JSON Web Token")
        );
        assert_eq!(known_token("The quick brown fox"), None);
        assert_eq!(known_token("application/json"), None);
    }

    #[test]
    fn client_ids() {
        assert!(looks_like_client_id("6145b6dc-1ce4-43b1-a4b5-a19b8440096a"));
        assert!(looks_like_client_id("60mOMrhl23bdJmprB0pDzrLF7MXCqyzHMTitaOZeU7E"));
        for v in [
            "microsoft.flow",
            "power-platform-integration",
            "logic-apps",
            "{add client id here}",
            "required",
            "[[REPLACE WITH CLIENT ID]]",
        ] {
            assert!(!looks_like_client_id(v), "{v}");
        }
    }

    #[test]
    fn random_looking_values() {
        assert!(looks_random("k8Zr2QmX7pLw4NvB9tYc"));
        assert!(!looks_random("application/json"));
        assert!(!looks_random("YOUR_API_KEY_HERE_123"));
        assert!(!looks_random("https://api.example.com/v1/key123"));
    }
}
