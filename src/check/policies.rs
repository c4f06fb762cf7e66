//! Policy template instances in apiProperties.json (`properties.policyTemplateInstances`), against
//! the templates the repository's schemas/paconn-apiProperties.schema.json defines: each
//! `PolicyTemplateInstance-<id>` definition gives the ids it accepts and the parameters it
//! requires (policy-templates.md: "provide the parameter values required by the policy
//! template").
//!
//! Template ids are compared ignoring case: the schema lists some spellings ("SetProperty") and
//! merged connectors use others ("SetHeader", "setHeader", "dynamicHostUrl"). Three templates in
//! use in merged connectors are missing from the schema and are accepted as they are.

use super::{found, JsonFile, Sink};
use serde_json::Value;

/// Templates merged connectors use that the repository's schema (2024-02-28) does not define.
pub const IN_USE_NOT_IN_SCHEMA: [&str; 3] = ["setconnectionstatustounauthenticated", "moveproperties", "dynamicsubdomain"];

/// One template of the schema.
#[derive(Debug, Clone)]
pub struct Template {
    /// The ids it accepts, lowercase.
    pub ids: Vec<String>,
    /// The parameters an instance must give.
    pub required: Vec<String>,
}

/// The templates defined in the apiProperties schema's bytes (none when it cannot be read).
pub(super) fn templates(schema: &[u8]) -> Vec<Template> {
    let Ok(doc) = crate::connector::json::parse(schema) else {
        return Vec::new();
    };
    let Some(defs) = doc.value.get("definitions").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, def) in defs {
        let Some(suffix) = name.strip_prefix("PolicyTemplateInstance-") else {
            continue;
        };
        let mut ids: Vec<String> = def
            .pointer("/properties/templateId/enum")
            .and_then(Value::as_array)
            .map(|e| e.iter().filter_map(Value::as_str).map(str::to_ascii_lowercase).collect())
            .unwrap_or_default();
        ids.push(suffix.to_ascii_lowercase());
        ids.sort();
        ids.dedup();
        let required = def
            .pointer("/properties/parameters/required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default();
        out.push(Template { ids, required });
    }
    out
}

pub(super) fn check(file: &JsonFile, templates: &[Template], sink: &mut Sink) {
    // Not an array, or entries that are not objects: properties-type says so.
    let Some(list) = file
        .doc
        .value
        .pointer("/properties/policyTemplateInstances")
        .and_then(Value::as_array)
    else {
        return;
    };
    for (i, instance) in list.iter().enumerate() {
        let at = format!("/properties/policyTemplateInstances/{i}");
        let Some(obj) = instance.as_object() else {
            continue;
        };
        let id = match obj.get("templateId") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.as_str(),
            Some(other) => {
                sink.at(
                    "policy-template-unknown",
                    file,
                    &format!("{at}/templateId"),
                    format!("`templateId` must name a policy template, found {}", found(other)),
                );
                continue;
            }
            None => {
                sink.at(
                    "policy-template-unknown",
                    file,
                    &at,
                    "a policy template instance has no `templateId`".into(),
                );
                continue;
            }
        };
        let lower = id.to_ascii_lowercase();
        if IN_USE_NOT_IN_SCHEMA.contains(&lower.as_str()) {
            continue;
        }
        let Some(template) = templates.iter().find(|t| t.ids.contains(&lower)) else {
            let mut known: Vec<&str> = templates.iter().filter_map(|t| t.ids.first().map(String::as_str)).collect();
            known.extend(IN_USE_NOT_IN_SCHEMA);
            known.sort();
            sink.at_with_fix(
                "policy-template-unknown",
                file,
                &format!("{at}/templateId"),
                format!("\"{}\" is not a policy template", super::shown(id)),
                format!("use one of: {}", known.join(", ")),
            );
            continue;
        };
        let params = obj.get("parameters").and_then(Value::as_object);
        let missing: Vec<&str> = template
            .required
            .iter()
            .filter(|r| !params.is_some_and(|p| p.contains_key(r.as_str())))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            let here = if params.is_some() { format!("{at}/parameters") } else { at.clone() };
            sink.at_with_fix(
                "policy-template-parameter",
                file,
                &here,
                format!(
                    "the policy template \"{}\" needs the parameter{} {}",
                    super::shown(id),
                    if missing.len() == 1 { "" } else { "s" },
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "add {} under `parameters` (the portal's policy editor writes them when the template is set up there)",
                    missing.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_schema_gives_templates_and_their_parameters() {
        let t = templates(include_bytes!("schemas/paconn-apiProperties.schema.json"));
        assert!(t.len() >= 13, "{t:?}");
        let header = t.iter().find(|t| t.ids.contains(&"setheader".to_string())).expect("setheader");
        assert!(!header.required.is_empty(), "{header:?}");
        for id in IN_USE_NOT_IN_SCHEMA {
            assert!(!t.iter().any(|t| t.ids.iter().any(|i| i == id)), "{id} is in the schema now");
        }
    }
}
