//! Rules for `apiDefinition.swagger.json`.

use super::{JsonFile, Sink};
use crate::connector::fingerprint::HTTP_METHODS;
use serde_json::{Map, Value};

/// Microsoft's connector categories (certification-submission page).
pub const CATEGORIES: [&str; 19] = [
    "AI",
    "Business Management",
    "Business Intelligence",
    "Collaboration",
    "Commerce",
    "Communication",
    "Content and Files",
    "Data",
    "Finance",
    "Human Resources",
    "Internet of Things",
    "IT Operations",
    "Lifestyle and Entertainment",
    "Marketing",
    "Productivity",
    "Sales and CRM",
    "Security",
    "Social Media",
    "Website",
];

/// Power Platform product names that titles and descriptions may not use.
const PRODUCT_NAMES: [&str; 10] = [
    "power apps",
    "powerapps",
    "power automate",
    "microsoft flow",
    "logic apps",
    "logicapps",
    "power platform",
    "power bi",
    "power virtual agents",
    "copilot studio",
];
const TITLE_WORDS: [&str; 2] = ["api", "connector"];
const VISIBILITY: [&str; 3] = ["important", "advanced", "internal"];

pub(super) use crate::connector::json::pointer;

pub(super) fn check(file: &JsonFile, sink: &mut Sink) {
    let root = &file.doc.value;
    basics(file, root, sink);
    info(file, root, sink);
    metadata(file, root, sink);
    operations(file, root, sink);
    visibility(file, sink);
}

fn basics(file: &JsonFile, root: &Value, sink: &mut Sink) {
    match root.get("swagger") {
        Some(Value::String(v)) if v == "2.0" => {}
        Some(other) => sink.at(
            "swagger-version",
            file,
            "/swagger",
            format!("`swagger` is {other}; connectors must be OpenAPI 2.0 (\"2.0\")"),
        ),
        None if root.get("openapi").is_some() => sink.at(
            "swagger-version",
            file,
            "/openapi",
            "this is an OpenAPI 3 file; connectors must be OpenAPI 2.0".into(),
        ),
        None => sink.at(
            "swagger-version",
            file,
            "",
            "`swagger` is missing; connectors must be OpenAPI 2.0 (\"swagger\": \"2.0\")".into(),
        ),
    }
    if let Some(host) = root.get("host") {
        match host.as_str() {
            Some(h) if h.contains("://") || h.contains('/') || h.trim() != h || h.is_empty() => sink.at(
                "swagger-host",
                file,
                "/host",
                format!("`host` is \"{h}\"; it must be a host name only, like \"api.example.com\""),
            ),
            Some(_) => {}
            None => sink.at("swagger-host", file, "/host", "`host` must be a string".into()),
        }
    }
    if let Some(base) = root.get("basePath") {
        if !base.as_str().is_some_and(|b| b.starts_with('/')) {
            sink.at(
                "swagger-base-path",
                file,
                "/basePath",
                format!("`basePath` is {base}; it must start with `/`"),
            );
        }
    }
    match root.get("schemes") {
        Some(Value::Array(s)) if s.iter().any(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case("https"))) => {}
        Some(Value::Array(_)) => sink.at("swagger-schemes", file, "/schemes", "`schemes` does not list https".into()),
        Some(other) => sink.at(
            "swagger-schemes",
            file,
            "/schemes",
            format!("`schemes` must be an array, found {}", super::found(other)),
        ),
        None => sink.at("swagger-schemes", file, "", "`schemes` is missing".into()),
    }
}

/// Whole-word, case-insensitive search for a restricted phrase (its words in a row). The text is
/// read a word at a time, with only the last few words held: a description may be huge.
/// The restricted word or product name in a connector title, if any (`title-words`).
pub(crate) fn restricted_title_word(title: &str) -> Option<String> {
    let mut restricted: Vec<&str> = TITLE_WORDS.to_vec();
    restricted.extend(PRODUCT_NAMES);
    find_phrase(title, &restricted)
}

fn find_phrase(text: &str, phrases: &[&str]) -> Option<String> {
    let split: Vec<Vec<&str>> = phrases.iter().map(|p| p.split(' ').filter(|w| !w.is_empty()).collect()).collect();
    let longest = split.iter().map(Vec::len).max().unwrap_or(0);
    let mut window: std::collections::VecDeque<String> = std::collections::VecDeque::with_capacity(longest + 1);
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        window.push_back(word.to_lowercase());
        if window.len() > longest {
            window.pop_front();
        }
        for (phrase, words) in phrases.iter().zip(&split) {
            let n = words.len();
            if n > 0 && n <= window.len() && window.iter().skip(window.len() - n).zip(words).all(|(a, b)| a == b) {
                return Some(phrase.to_string());
            }
        }
    }
    None
}
/// `info`: the title, the description and the contact's email.
fn info(file: &JsonFile, root: &Value, sink: &mut Sink) {
    // `info` that is not an object is said once (json-type), not as everything it lacks.
    if root.get("info").is_some_and(|i| !i.is_object()) {
        return;
    }
    title(file, root, sink);
    description(file, root, sink);
    match root.pointer("/info/contact/email").and_then(Value::as_str) {
        Some(email) if is_email(email) => {}
        Some(email) => sink.at(
            "contact-email",
            file,
            "/info/contact/email",
            format!("\"{email}\" is not a valid email address"),
        ),
        // A contact that is not an object is json-type's.
        None if root.pointer("/info/contact").is_some_and(|c| !c.is_object()) => {}
        None if root.pointer("/info/contact").is_some() => {
            sink.at("contact-email", file, "/info/contact", "`info.contact` has no `email`".into())
        }
        None => sink.at("contact-email", file, "/info", "`info.contact` is missing".into()),
    }
}

/// The title: given, at most 30 characters, no restricted words, ending in a letter or digit.
fn title(file: &JsonFile, root: &Value, sink: &mut Sink) {
    match root.pointer("/info/title").map(|t| (t, t.as_str())) {
        None => sink.at("title-missing", file, "/info", String::new()),
        Some((other, None)) => sink.at(
            "title-missing",
            file,
            "/info/title",
            format!("`info.title` must be a string, found {}", super::found(other)),
        ),
        Some((_, Some(title))) => {
            let n = title.chars().count();
            if n > 30 {
                sink.at(
                    "title-length",
                    file,
                    "/info/title",
                    format!("the title \"{title}\" is {n} characters; the limit is 30"),
                );
            }
            let mut restricted: Vec<&str> = TITLE_WORDS.to_vec();
            restricted.extend(PRODUCT_NAMES);
            if let Some(word) = find_phrase(title, &restricted) {
                sink.at(
                    "title-words",
                    file,
                    "/info/title",
                    format!("the title \"{title}\" contains the restricted word \"{word}\""),
                );
            }
            if !title.chars().last().is_some_and(|c| c.is_alphanumeric() || c == ')') {
                sink.at(
                    "title-ending",
                    file,
                    "/info/title",
                    format!("the title \"{title}\" ends with a character that is not a letter or digit"),
                );
            }
        }
    }
}

/// The description: given, 30 to 500 characters, no product names.
fn description(file: &JsonFile, root: &Value, sink: &mut Sink) {
    match root.pointer("/info/description").and_then(Value::as_str) {
        None => match root.pointer("/info/description") {
            Some(other) => sink.at(
                "description-length",
                file,
                "/info/description",
                format!("`info.description` must be a string, found {}", super::found(other)),
            ),
            None => sink.at("description-length", file, "/info", "`info.description` is missing".into()),
        },
        Some(d) => {
            let n = d.chars().count();
            if !(30..=500).contains(&n) {
                sink.at(
                    "description-length",
                    file,
                    "/info/description",
                    format!("`info.description` is {n} characters; it must be 30 to 500"),
                );
            }
            if let Some(word) = find_phrase(d, &PRODUCT_NAMES) {
                sink.at(
                    "description-words",
                    file,
                    "/info/description",
                    format!("`info.description` names the product \"{word}\""),
                );
            }
        }
    }
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
}

fn metadata(file: &JsonFile, root: &Value, sink: &mut Sink) {
    let Some(entries) = root.get("x-ms-connector-metadata").and_then(Value::as_array) else {
        // There, but not an array: json-type says so.
        if root.get("x-ms-connector-metadata").is_some() {
            return;
        }
        sink.at(
            "metadata-missing",
            file,
            "",
            "`x-ms-connector-metadata` is missing (Website, Privacy policy, Categories)".into(),
        );
        return;
    };
    let find = |name: &str| {
        entries.iter().enumerate().find(|(_, e)| {
            e.get("propertyName")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
        })
    };
    let missing: Vec<&str> = ["Website", "Privacy policy", "Categories"]
        .into_iter()
        .filter(|n| find(n).is_none())
        .collect();
    if !missing.is_empty() {
        sink.at(
            "metadata-missing",
            file,
            "/x-ms-connector-metadata",
            format!("`x-ms-connector-metadata` lacks {}", missing.join(", ")),
        );
    }
    if let Some((i, entry)) = find("Categories") {
        let at = format!("/x-ms-connector-metadata/{i}/propertyValue");
        let value = entry.get("propertyValue").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = value.split(';').map(str::trim).filter(|v| !v.is_empty()).collect();
        let unknown: Vec<&str> = values
            .iter()
            .copied()
            .filter(|v| !CATEGORIES.iter().any(|c| c.eq_ignore_ascii_case(v)))
            .collect();
        if values.is_empty() {
            sink.at("metadata-categories", file, &at, "Categories is empty".into());
        }
        if values.len() > 2 {
            sink.at(
                "metadata-categories-count",
                file,
                &at,
                format!("Categories lists {} values (\"{value}\"); at most two are allowed", values.len()),
            );
        }
        if !unknown.is_empty() {
            sink.at(
                "metadata-categories",
                file,
                &at,
                format!("\"{}\" is not one of Microsoft's categories", unknown.join("\", \"")),
            );
        }
    }
}

/// A parameter with `$ref` to `#/parameters/...` resolved.
fn resolve<'a>(root: &'a Value, param: &'a Value) -> &'a Value {
    match param.get("$ref").and_then(Value::as_str) {
        Some(r) => r.strip_prefix('#').and_then(|p| root.pointer(p)).unwrap_or(param),
        None => param,
    }
}

fn operations(file: &JsonFile, root: &Value, sink: &mut Sink) {
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        let shared: Vec<Entry> = params_of(item, &[path.as_str(), "parameters"]);
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(op_obj) = op.as_object() else {
                continue;
            };
            let at = pointer(&["paths", path, method]);
            let label = format!("{} {}", method.to_ascii_uppercase(), super::shown(path));
            operation_text(file, op_obj, &at, &label, sink);

            let mut params = shared.clone();
            params.extend(params_of(op_obj, &[path.as_str(), method.as_str(), "parameters"]));
            // Internal operations (webhook deletes, dynamic-value lookups) are never shown to a
            // maker, so their parameters need no labels.
            let internal_op = op_obj
                .get("x-ms-visibility")
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case("internal"));
            parameters(file, root, &params, &label, internal_op, sink);

            if op_obj
                .get("responses")
                .and_then(|r| r.get("default"))
                .and_then(|d| d.get("schema"))
                .is_some()
            {
                sink.at(
                    "default-response-schema",
                    file,
                    &format!("{at}/responses/default/schema"),
                    format!("{label}: the `default` response has a schema"),
                );
            }
        }
    }
}

/// A parameter entry: the pointer of its list (shared by the list's entries: a long list under a
/// long path would otherwise hold the path once per entry), its index, and the entry.
type Entry<'a> = (std::rc::Rc<str>, usize, &'a Value);

fn params_of<'a>(obj: &'a Map<String, Value>, prefix: &[&str]) -> Vec<Entry<'a>> {
    let mut segments: Vec<&str> = vec!["paths"];
    segments.extend(prefix);
    let list: std::rc::Rc<str> = pointer(&segments).into();
    obj.get("parameters")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().enumerate().map(|(i, p)| (list.clone(), i, p)).collect())
        .unwrap_or_default()
}

fn operation_text(file: &JsonFile, op: &Map<String, Value>, at: &str, label: &str, sink: &mut Sink) {
    match op.get("summary").and_then(Value::as_str) {
        None => sink.at("operation-summary", file, at, format!("{label} has no summary")),
        Some(summary) => {
            let at = format!("{at}/summary");
            let n = summary.chars().count();
            if n > 80 {
                sink.at(
                    "operation-summary",
                    file,
                    &at,
                    format!("the summary of {label} is {n} characters; the limit is 80"),
                );
            } else if summary.trim().is_empty() {
                sink.at("operation-summary", file, &at, format!("the summary of {label} is empty"));
            } else if summary.chars().last().is_some_and(|c| !(c.is_alphanumeric() || c == ')')) {
                sink.at(
                    "operation-summary-ending",
                    file,
                    &at,
                    format!(
                        "the summary of {label}, \"{summary}\", ends with `{}`",
                        summary.chars().last().unwrap_or(' ')
                    ),
                );
            }
        }
    }
    if op.get("description").and_then(Value::as_str).is_none_or(|d| d.trim().is_empty()) {
        sink.at("operation-description", file, at, format!("{label} has no description"));
    }
}

#[allow(clippy::too_many_arguments)]
fn parameters(file: &JsonFile, root: &Value, params: &[Entry], label: &str, internal_op: bool, sink: &mut Sink) {
    for (list, i, raw) in params {
        let at = &format!("{list}/{i}");
        let p = resolve(root, raw);
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let visibility = p.get("x-ms-visibility").and_then(Value::as_str).unwrap_or("");
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let internal = visibility.eq_ignore_ascii_case("internal");
        // Findings about a shared `$ref` parameter point at the reference in the operation.
        if internal && required && p.get("default").is_none() && location != "body" {
            sink.at(
                "internal-default",
                file,
                at,
                format!("{label}: \"{name}\" is required and internal but has no default"),
            );
        }
        if location == "body" || internal || internal_op {
            continue;
        }
        if p.get("x-ms-summary").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            sink.at(
                "parameter-summary",
                file,
                at,
                format!("{label}: parameter \"{name}\" has no x-ms-summary"),
            );
        }
        if p.get("description").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            sink.at(
                "parameter-description",
                file,
                at,
                format!("{label}: parameter \"{name}\" has no description"),
            );
        }
    }
}

/// Every `x-ms-visibility` anywhere in the file.
fn visibility(file: &JsonFile, sink: &mut Sink) {
    crate::connector::json::walk(&file.doc.value, &mut |at, key, v| {
        if key != "x-ms-visibility" {
            return true;
        }
        let ok = v.as_str().is_some_and(|s| VISIBILITY.contains(&s) || s.is_empty());
        if !ok {
            sink.at("visibility-value", file, at, format!("x-ms-visibility is {v}"));
        }
        false
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restricted_phrases_are_whole_words() {
        assert_eq!(find_phrase("Monster API", &TITLE_WORDS), Some("api".into()));
        assert_eq!(find_phrase("Apify", &TITLE_WORDS), None);
        assert_eq!(find_phrase("Cards for Power Apps", &PRODUCT_NAMES), Some("power apps".into()));
        assert_eq!(find_phrase("Powerful apps", &PRODUCT_NAMES), None);
    }

    #[test]
    fn emails() {
        assert!(is_email("support@deepl.com"));
        assert!(!is_email("support at deepl.com"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a@b.com, c@d.com"));
    }
}
