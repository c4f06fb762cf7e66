//! The upstream repository's own JSON schemas (`schemas/` on `dev`): the swagger, apiProperties.json
//! and settings.json checked against them with a maintained JSON Schema validator, every schema
//! error mapped to `file:line:col` through the document's pointer map.
//!
//! The schemas come from the synced mirror when there is one (upstream may change them); the copies
//! compiled in (`src/check/schemas/`, from upstream `dev` at b64352741880, 2024-02-28) are the
//! offline fallback. Upstream's files are not strict JSON (comments, a missing comma), so they are
//! read with the same tolerant parser as connector files.

use super::{JsonFile, Sink};
use crate::connector::json;
use std::sync::{Arc, OnceLock};

/// Where each schema lives in the upstream repository.
pub const SWAGGER_SCHEMA_PATH: &str = "schemas/apiDefinition.swagger.schema.json";
pub const PROPERTIES_SCHEMA_PATH: &str = "schemas/paconn-apiProperties.schema.json";
pub const SETTINGS_SCHEMA_PATH: &str = "schemas/paconn-settings.schema.json";

const BUILTIN_SWAGGER: &[u8] = include_bytes!("schemas/apiDefinition.swagger.schema.json");
const BUILTIN_PROPERTIES: &[u8] = include_bytes!("schemas/paconn-apiProperties.schema.json");
const BUILTIN_SETTINGS: &[u8] = include_bytes!("schemas/paconn-settings.schema.json");

/// At most this many schema findings per file: one wrong shape near the root can otherwise
/// cascade into hundreds of lines that all say the same thing.
const MAX_PER_FILE: usize = 20;

/// The three compiled schemas, and where they came from.
pub struct Schemas {
    swagger: Option<jsonschema::Validator>,
    properties: Option<jsonschema::Validator>,
    settings: Option<jsonschema::Validator>,
    /// The policy templates the apiProperties schema defines (`policies.rs` checks instances).
    pub(super) policy_templates: Vec<super::policies::Template>,
    /// "built in" or "upstream <commit>", for reports.
    pub origin: String,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas").field("origin", &self.origin).finish_non_exhaustive()
    }
}

fn compile(bytes: &[u8]) -> Option<jsonschema::Validator> {
    let mut doc = json::parse(bytes).ok()?;
    encode_refs(&mut doc.value);
    // Draft from the schema's own `$schema` (upstream uses draft-04 and draft-07); formats are
    // annotations only, as in the schemas' own drafts.
    jsonschema::options().should_validate_formats(false).build(&doc.value).ok()
}

impl Schemas {
    /// The copies compiled into the binary, compiled once per process.
    pub fn builtin() -> Arc<Schemas> {
        static BUILTIN: OnceLock<Arc<Schemas>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Arc::new(Schemas {
                    swagger: compile(BUILTIN_SWAGGER),
                    properties: compile(BUILTIN_PROPERTIES),
                    settings: compile(BUILTIN_SETTINGS),
                    policy_templates: super::policies::templates(BUILTIN_PROPERTIES),
                    origin: "built in (upstream dev of 2024-02-28)".into(),
                })
            })
            .clone()
    }

    /// Schemas read from an upstream tree. A schema that is missing or does not compile there
    /// falls back to the built-in copy, so a broken upstream file never disables a check.
    pub fn from_upstream(swagger: Option<&[u8]>, properties: Option<&[u8]>, settings: Option<&[u8]>, origin: String) -> Schemas {
        Schemas {
            swagger: swagger.and_then(compile).or_else(|| compile(BUILTIN_SWAGGER)),
            properties: properties.and_then(compile).or_else(|| compile(BUILTIN_PROPERTIES)),
            settings: settings.and_then(compile).or_else(|| compile(BUILTIN_SETTINGS)),
            policy_templates: Some(properties.map(super::policies::templates).unwrap_or_default())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| super::policies::templates(BUILTIN_PROPERTIES)),
            origin,
        }
    }

    /// Read the schemas from `commit` of an upstream mirror; the built-in copies when it has none.
    pub fn from_git(repo: &git2::Repository, commit: git2::Oid) -> Arc<Schemas> {
        let Ok(tree) = repo.find_commit(commit).and_then(|c| c.tree()) else {
            return Schemas::builtin();
        };
        let blob = |path: &str| -> Option<Vec<u8>> {
            let entry = tree.get_path(std::path::Path::new(path)).ok()?;
            Some(repo.find_blob(entry.id()).ok()?.content().to_vec())
        };
        let (s, p, t) = (blob(SWAGGER_SCHEMA_PATH), blob(PROPERTIES_SCHEMA_PATH), blob(SETTINGS_SCHEMA_PATH));
        if s.is_none() && p.is_none() && t.is_none() {
            return Schemas::builtin();
        }
        let short = commit.to_string()[..12].to_string();
        Arc::new(Schemas::from_upstream(
            s.as_deref(),
            p.as_deref(),
            t.as_deref(),
            format!("upstream {short}"),
        ))
    }
}

fn is_default_environment(settings: &serde_json::Value) -> bool {
    settings
        .get("environment")
        .and_then(|v| v.as_str())
        .and_then(|e| e.strip_prefix("Default-"))
        .is_some_and(|guid| guid.len() == 36 && guid.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// Upstream's swagger schema has references such as `#/definitions/x-ms-api-annotation<info>`,
/// which are not valid URI references; percent-encode what a URI fragment cannot hold (a JSON
/// pointer in a fragment is percent-decoded before it is resolved, so they still point at the same
/// definitions).
fn encode_refs(value: &mut serde_json::Value) {
    const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'|')
        .add(b'\\')
        .add(b'^');
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    match child {
                        serde_json::Value::String(r) if key == "$ref" => {
                            *r = percent_encoding::utf8_percent_encode(r, FRAGMENT).to_string();
                        }
                        other => stack.push(other),
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

/// Schema findings on apiProperties.json that are wrong about accepted practice, or said better
/// by a rule of their own (see `rules::CALIBRATION`): `scriptOperations`, which the schema does not
/// know but 44 merged connectors carry (paconn and the portal write it beside script.csx); and
/// the policy template instances, which `policies.rs` checks against the same schema's templates
/// with ids compared ignoring case and the templates in use that the schema lacks.
fn properties_exempt(pointer: &str, kind: &jsonschema::error::ValidationErrorKind) -> bool {
    if pointer == "/properties/policyTemplateInstances" || pointer.starts_with("/properties/policyTemplateInstances/") {
        return true;
    }
    matches!(kind, jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected }
        if pointer == "/properties" && unexpected.iter().all(|u| u == "scriptOperations"))
}

/// Which of the three files is being checked.
#[derive(Clone, Copy)]
pub(super) enum Which {
    Swagger,
    Properties,
    Settings,
}

pub(super) fn check(schemas: &Schemas, which: Which, file: &JsonFile, sink: &mut Sink) {
    let (validator, rule, schema_path) = match which {
        Which::Swagger => (&schemas.swagger, "schema-swagger", SWAGGER_SCHEMA_PATH),
        Which::Properties => (&schemas.properties, "schema-properties", PROPERTIES_SCHEMA_PATH),
        Which::Settings => (&schemas.settings, "schema-settings", SETTINGS_SCHEMA_PATH),
    };
    let Some(validator) = validator else { return };
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for error in validator.iter_errors(&file.doc.value) {
        let pointer = error.instance_path().as_str().to_string();
        // paconn itself writes environment names (`Default-<tenant guid>`) where the settings
        // schema's pattern wants a bare GUID: paconn accepts both.
        if matches!(which, Which::Settings) && pointer == "/environment" && is_default_environment(&file.doc.value) {
            continue;
        }
        if matches!(which, Which::Properties) && properties_exempt(&pointer, error.kind()) {
            continue;
        }
        // The value itself is never quoted: it may be a secret, and it can be huge.
        let detail = error.masked_with("the value").to_string();
        if !seen.insert((pointer.clone(), detail.clone())) {
            continue;
        }
        count += 1;
        if count > MAX_PER_FILE {
            break;
        }
        let at = if pointer.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{pointer}`")
        };
        sink.at_with_fix(
            rule,
            file,
            &pointer,
            format!("{at} does not match the repository's {schema_path}: {detail}"),
            format!(
                "change the value at {at} to what {schema_path} allows (checked against the schema {})",
                schemas.origin
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_schemas_compile() {
        for (name, bytes) in [
            ("swagger", BUILTIN_SWAGGER),
            ("properties", BUILTIN_PROPERTIES),
            ("settings", BUILTIN_SETTINGS),
        ] {
            let mut doc = json::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            encode_refs(&mut doc.value);
            if let Err(e) = jsonschema::options().should_validate_formats(false).build(&doc.value) {
                panic!("{name}: {e}");
            }
        }
    }
}
