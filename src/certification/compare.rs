//! The connector inside the connector solution against the connector folder on GitHub (or a
//! local folder): its OpenAPI definition (host, base path, operations) and its connection
//! parameters. The reviewers ask for the two to match; differences are shown as unified diffs,
//! the same as `submit`'s plan shows.

use crate::connector::diff::{unified, FileChange, FileDiff};
use crate::connector::{json, ConnectorPackage, KnownFile};
use crate::powerplatform::download::OUTPUT_ONLY_OAUTH_FIELDS;
use crate::secrets::Masker;
use serde_json::Value;
use std::collections::BTreeMap;

/// The connector's files as read from the connector solution zip.
#[derive(Debug, Clone, Default)]
pub struct SolutionConnector {
    /// `<name>` in customizations.xml.
    pub name: Option<String>,
    /// Each file's place for messages (`package.zip › PkgAssets/C.zip › Connector/x_openapidefinition.json`) and bytes.
    pub swagger: Option<(String, Vec<u8>)>,
    pub connection_parameters: Option<(String, Vec<u8>)>,
    pub connection_parameter_sets: Option<(String, Vec<u8>)>,
}

/// The parts of a swagger the reviewers compare, one line each, sorted.
pub fn swagger_view(swagger: &Value) -> String {
    let mut out = String::new();
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("(none)").to_string();
    out.push_str(&format!("host: {}\n", text(swagger.get("host"))));
    out.push_str(&format!("basePath: {}\n", text(swagger.get("basePath"))));
    out.push_str("operations:\n");
    let mut ops = Vec::new();
    if let Some(paths) = swagger.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for (method, op) in item.as_object().into_iter().flatten() {
                if !crate::connector::fingerprint::HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                    continue;
                }
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("(no operationId)");
                ops.push(format!("  {} {path} {id}", method.to_ascii_uppercase()));
            }
        }
    }
    ops.sort();
    for op in ops {
        out.push_str(&op);
        out.push('\n');
    }
    out
}

/// Keys sorted, the service's output-only OAuth fields dropped: what the author controls.
fn canonical(value: &Value, in_oauth: bool) -> Value {
    match value {
        Value::Object(map) => {
            let sorted: BTreeMap<&String, Value> = map
                .iter()
                .filter(|(k, _)| !(in_oauth && OUTPUT_ONLY_OAUTH_FIELDS.contains(&k.as_str())))
                .map(|(k, v)| (k, canonical(v, k == "oAuthSettings")))
                .collect();
            Value::Object(sorted.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| canonical(v, false)).collect()),
        other => other.clone(),
    }
}

/// Connection parameters (or parameter sets) as sorted, indented JSON.
pub fn parameters_view(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(&canonical(value, false)).unwrap_or_default();
    text.push('\n');
    text
}

fn parse(bytes: &[u8]) -> Option<Value> {
    json::parse(bytes).ok().map(|d| d.value)
}

/// One comparison's outcome.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Only the parts that differ.
    pub diffs: Vec<FileDiff>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

/// A diff entry with every secret masked (the text scan, and the values the JSON checks flag in
/// either side), as `submit`'s plan shows them: a secret never reaches the terminal or `--json`.
fn masked_diff(masker: &Masker, path: String, change: FileChange, old: &str, new: &str, a: &str, b: &str) -> FileDiff {
    let masked = masker.spans(old.as_bytes()).len() + masker.spans(new.as_bytes()).len();
    let (old_masked, new_masked) = (masker.text(old), masker.text(new));
    FileDiff {
        path,
        change,
        unified: Some(unified(old_masked.as_ref(), new_masked.as_ref(), a, b)),
        old_size: old.len(),
        new_size: new.len(),
        summary: None,
        masked,
    }
}

fn diff_of(masker: &Masker, old_label: &str, old: &str, new_label: &str, new: &str) -> Option<FileDiff> {
    (old != new).then(|| {
        masked_diff(
            masker,
            old_label.to_string(),
            FileChange::Modified,
            old,
            new,
            &format!("a/{old_label}"),
            &format!("b/{new_label}"),
        )
    })
}

/// The masker for both sides: the folder's files, and the solution's connector read as a folder
/// (its OpenAPI definition and its connection parameters as apiProperties.json).
fn masker_for(connector: &SolutionConnector, folder: &ConnectorPackage) -> Masker {
    let mut files = Vec::new();
    if let Some((_, bytes)) = &connector.swagger {
        files.push(("apiDefinition.swagger.json".to_string(), bytes.clone()));
    }
    let mut properties = serde_json::Map::new();
    for (key, side) in [
        ("connectionParameters", &connector.connection_parameters),
        ("connectionParameterSets", &connector.connection_parameter_sets),
    ] {
        if let Some(value) = side.as_ref().and_then(|(_, bytes)| parse(bytes)) {
            properties.insert(key.to_string(), value);
        }
    }
    let wrapped = serde_json::json!({ "properties": properties });
    files.push(("apiProperties.json".to_string(), serde_json::to_vec(&wrapped).unwrap_or_default()));
    let solution = ConnectorPackage::from_files("solution", files);
    Masker::for_package(folder).with(Masker::for_package(&solution))
}

/// Compare the solution's connector with `folder`, whose files are named under `folder_label`
/// (`independent-publisher-connectors/Open Brewery DB`, or a local path).
pub fn compare(connector: &SolutionConnector, folder_label: &str, folder: &ConnectorPackage) -> Comparison {
    let mut out = Comparison::default();
    let masker = masker_for(connector, folder);
    compare_swaggers(&mut out, &masker, connector, folder_label, folder);
    let properties = folder.file(KnownFile::ApiProperties);
    let props_value = properties.and_then(|f| parse(&f.bytes));
    let pairs = [
        ("connectionParameters", &connector.connection_parameters),
        ("connectionParameterSets", &connector.connection_parameter_sets),
    ];
    for (key, solution_side) in pairs {
        let upstream = props_value.as_ref().and_then(|p| p.pointer(&format!("/properties/{key}")));
        let old_label = match properties {
            Some(f) => format!("{} (properties.{key})", in_folder(folder_label, f)),
            None => format!("{folder_label}/apiProperties.json (properties.{key})"),
        };
        compare_parameters(&mut out, &masker, &old_label, upstream, solution_side);
    }
    out
}

/// A folder's file as messages and diffs name it.
fn in_folder(folder_label: &str, f: &crate::connector::PackageFile) -> String {
    format!("{folder_label}/{}", f.name)
}

/// The two OpenAPI definitions, as [`swagger_view`] shows them.
fn compare_swaggers(out: &mut Comparison, masker: &Masker, connector: &SolutionConnector, folder_label: &str, folder: &ConnectorPackage) {
    match (folder.swagger_file(), &connector.swagger) {
        (Some(file), Some((place, bytes))) => match (parse(&file.bytes), parse(bytes)) {
            (Some(old), Some(new)) => {
                out.diffs.extend(diff_of(
                    masker,
                    &in_folder(folder_label, file),
                    &swagger_view(&old),
                    place,
                    &swagger_view(&new),
                ));
            }
            (None, _) => out
                .notes
                .push(format!("{} is not JSON: it cannot be compared", in_folder(folder_label, file))),
            (_, None) => out.notes.push(format!("{place} is not JSON: it cannot be compared")),
        },
        (None, _) => out
            .notes
            .push(format!("{folder_label} has no apiDefinition.swagger.json to compare with")),
        (_, None) => out
            .notes
            .push("the connector solution's connector has no OpenAPI definition to compare".into()),
    }
}

/// One kind of connection parameters: the folder's `upstream` (under `old_label`) against the
/// solution's file, as [`parameters_view`] shows them.
fn compare_parameters(
    out: &mut Comparison,
    masker: &Masker,
    old_label: &str,
    upstream: Option<&Value>,
    solution_side: &Option<(String, Vec<u8>)>,
) {
    let new = match solution_side {
        Some((place, bytes)) => match parse(bytes) {
            Some(v) => Some((place, v)),
            None => {
                out.notes.push(format!("{place} is not JSON: it cannot be compared"));
                return;
            }
        },
        None => None,
    };
    match (upstream, new) {
        (None, None) => {}
        (Some(old), Some((place, new))) => {
            out.diffs
                .extend(diff_of(masker, old_label, &parameters_view(old), place, &parameters_view(&new)));
        }
        (Some(old), None) => {
            // An empty list on one side and nothing on the other are the same.
            if old.as_object().is_some_and(|o| !o.is_empty()) {
                let old_text = parameters_view(old);
                out.diffs.push(masked_diff(
                    masker,
                    old_label.to_string(),
                    FileChange::Deleted,
                    &old_text,
                    "",
                    &format!("a/{old_label}"),
                    "/dev/null",
                ));
            }
        }
        (None, Some((place, new))) => {
            if new.as_object().is_some_and(|o| !o.is_empty()) {
                let new_text = parameters_view(&new);
                out.diffs.push(masked_diff(
                    masker,
                    place.clone(),
                    FileChange::Added,
                    "",
                    &new_text,
                    "/dev/null",
                    &format!("b/{place}"),
                ));
            }
        }
    }
}

/// An upstream folder: its path as spelled upstream, and its top-level files' names and bytes.
pub type FolderFiles = (String, Vec<(String, Vec<u8>)>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_ignore_order_and_output_only_fields() {
        let a = serde_json::json!({"token": {"type": "oauthSetting", "oAuthSettings": {"clientId": "x", "redirectUrl": "https://r", "identityProvider": "aad"}}});
        let b = serde_json::json!({"token": {"oAuthSettings": {"identityProvider": "aad", "clientId": "x"}, "type": "oauthSetting"}});
        assert_eq!(parameters_view(&a), parameters_view(&b));
        let s1 = serde_json::json!({"host": "h", "basePath": "/v1", "paths": {"/b": {"get": {"operationId": "B"}}, "/a": {"post": {"operationId": "A"}, "parameters": []}}});
        assert_eq!(swagger_view(&s1), "host: h\nbasePath: /v1\noperations:\n  GET /b B\n  POST /a A\n");
    }

    #[test]
    fn differences_become_unified_diffs() {
        let folder = ConnectorPackage::from_files(
            "x",
            [
                (
                    "apiDefinition.swagger.json".into(),
                    br#"{"host": "api.a.com", "basePath": "/v1", "paths": {}}"#.to_vec(),
                ),
                (
                    "apiProperties.json".into(),
                    br#"{"properties": {"connectionParameters": {"api_key": {"type": "securestring"}}}}"#.to_vec(),
                ),
            ],
        );
        let connector = SolutionConnector {
            swagger: Some((
                "s.zip › Connector/x_openapidefinition.json".into(),
                br#"{"host": "api.b.com", "basePath": "/v1", "paths": {}}"#.to_vec(),
            )),
            connection_parameters: Some((
                "s.zip › Connector/x_connectionparameters.json".into(),
                br#"{"api_key": {"type": "securestring"}}"#.to_vec(),
            )),
            ..Default::default()
        };
        let c = compare(&connector, "certified-connectors/A", &folder);
        assert_eq!(c.diffs.len(), 1, "{:?}", c.diffs);
        let text = c.diffs[0].unified.as_deref().unwrap();
        assert!(text.contains("-host: api.a.com\n+host: api.b.com"), "{text}");
        assert!(text.contains("--- a/certified-connectors/A/apiDefinition.swagger.json"), "{text}");
    }
}

#[cfg(test)]
mod masking_tests {
    use super::*;

    /// The comparison shows connection parameters in full, so a secret in either side (an OAuth
    /// client secret in the solution, a token in the folder) must come out masked.
    #[test]
    fn secrets_in_either_side_are_masked() {
        let secret = "Zx8Q~kV2pL9mN4bR7tY1wC6dF3gH5jK0aS2eU8iO";
        let token = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
        let solution_params = serde_json::json!({"token": {"type": "oauthSetting", "oAuthSettings": {
            "identityProvider": "aad", "clientId": "[[REPLACE WITH CLIENT ID]]", "clientSecret": secret}}});
        let connector = SolutionConnector {
            name: Some("x".into()),
            swagger: None,
            connection_parameters: Some((
                "package.zip › C.zip › Connector/x_connectionparameters.json".into(),
                serde_json::to_vec(&solution_params).unwrap(),
            )),
            connection_parameter_sets: None,
        };
        let folder_props = serde_json::json!({"properties": {"connectionParameters": {"api_key": {
            "type": "securestring", "uiDefinition": {"description": format!("for example {token}")}}}}});
        let folder = ConnectorPackage::from_files(
            "folder",
            [("apiProperties.json".to_string(), serde_json::to_vec(&folder_props).unwrap())],
        );
        let comparison = compare(&connector, "certified-connectors/X", &folder);
        let text: String = comparison.diffs.iter().filter_map(|d| d.unified.clone()).collect();
        assert!(text.contains("clientSecret"), "the parameters are compared: {text}");
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(token), "{text}");
        assert!(comparison.diffs.iter().map(|d| d.masked).sum::<usize>() >= 2);
    }
}
