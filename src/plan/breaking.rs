//! Breaking changes between the upstream swagger and the updated one: what would break the flows
//! and apps of people who already use the connector. Reported in the plan and the PR body.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use crate::connector::fingerprint::HTTP_METHODS;

struct Operation<'a> {
    method: String,
    path: String,
    op: &'a Map<String, Value>,
    path_params: Vec<&'a Value>,
}

/// Operations keyed by operationId (or `METHOD path` when there is none).
fn operations(root: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut out = BTreeMap::new();
    let Some(paths) = root.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let Some(op) = op.as_object() else { continue };
            let key = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            out.insert(
                key,
                Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    op,
                    path_params: shared.clone(),
                },
            );
        }
    }
    out
}

fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(p) => root.pointer(p).unwrap_or(v),
        None => v,
    }
}

/// Parameters by (in, name).
fn parameters<'a>(root: &'a Value, op: &Operation<'a>) -> BTreeMap<String, &'a Value> {
    let own = op
        .op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    op.path_params
        .iter()
        .copied()
        .chain(own)
        .map(|p| resolve(root, p))
        .filter_map(|p| Some((p.get("name")?.as_str()?.to_string(), p)))
        .collect()
}

/// The success response's schema properties (one level, `$ref` resolved).
fn output_fields<'a>(root: &'a Value, op: &Operation<'a>) -> BTreeMap<String, String> {
    let responses = op.op.get("responses").and_then(Value::as_object);
    let schema = responses
        .and_then(|r| ["200", "201", "202"].iter().find_map(|c| r.get(*c)))
        .and_then(|r| r.get("schema"))
        .map(|s| resolve(root, s));
    let props = schema.and_then(|s| s.get("properties")).and_then(Value::as_object);
    props
        .map(|p| {
            p.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        resolve(root, v).get("type").and_then(Value::as_str).unwrap_or("object").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn auth_types(root: &Value) -> Vec<String> {
    let mut types: Vec<String> = root
        .get("securityDefinitions")
        .and_then(Value::as_object)
        .map(|d| {
            d.values()
                .filter_map(|v| v.get("type").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    types.sort();
    types.dedup();
    types
}

/// Compare the upstream swagger (`old`) with the new one; one sentence per breaking change.
pub fn report(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let (before, after) = (operations(old), operations(new));
    for (id, o) in &before {
        let Some(n) = after.get(id) else {
            out.push(format!("operation {id} ({} {}) is removed", o.method, o.path));
            continue;
        };
        if o.method != n.method || o.path != n.path {
            out.push(format!(
                "operation {id} moved from {} {} to {} {}",
                o.method, o.path, n.method, n.path
            ));
        }
        let (op_params, np_params) = (parameters(old, o), parameters(new, n));
        for (name, p) in &op_params {
            match np_params.get(name) {
                None => out.push(format!("operation {id}: parameter \"{name}\" is removed")),
                Some(q) if p.get("in") != q.get("in") => out.push(format!(
                    "operation {id}: parameter \"{name}\" moved from {} to {}",
                    p.get("in").and_then(Value::as_str).unwrap_or("?"),
                    q.get("in").and_then(Value::as_str).unwrap_or("?")
                )),
                Some(q) => {
                    if q.get("enum").is_some() && p.get("enum").is_none() {
                        out.push(format!(
                            "operation {id}: parameter \"{name}\" now only accepts a fixed list of values (enum)"
                        ));
                    }
                    if q.get("required") == Some(&Value::Bool(true)) && p.get("required") != Some(&Value::Bool(true)) {
                        out.push(format!("operation {id}: parameter \"{name}\" became required"));
                    }
                }
            }
        }
        for (name, q) in &np_params {
            let required = q.get("required") == Some(&Value::Bool(true));
            let filled = q.get("default").is_some();
            if !op_params.contains_key(name) && required && !filled {
                out.push(format!("operation {id}: new required parameter \"{name}\""));
            }
        }
        let (of, nf) = (output_fields(old, o), output_fields(new, n));
        for (field, ty) in &of {
            match nf.get(field) {
                None => out.push(format!("operation {id}: output field \"{field}\" is removed")),
                Some(t) if t != ty => out.push(format!("operation {id}: output field \"{field}\" changed type from {ty} to {t}")),
                _ => {}
            }
        }
    }
    let (oa, na) = (auth_types(old), auth_types(new));
    if oa != na && !oa.is_empty() {
        out.push(format!(
            "authentication changed from {} to {}",
            oa.join(", "),
            if na.is_empty() { "none".into() } else { na.join(", ") }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({
            "securityDefinitions": {"key": {"type": "apiKey"}},
            "paths": {"/items/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true}],
                "get": {"operationId": "GetItem", "parameters": [{"name": "fields", "in": "query"}],
                        "responses": {"200": {"schema": {"$ref": "#/definitions/Item"}}}},
                "delete": {"operationId": "DeleteItem", "responses": {}}
            }},
            "definitions": {"Item": {"properties": {"id": {"type": "string"}, "size": {"type": "integer"}}}}
        })
    }

    #[test]
    fn no_change_no_report() {
        assert!(report(&base(), &base()).is_empty());
    }

    #[test]
    fn each_kind_of_break_is_reported() {
        let mut new = base();
        new["paths"]["/items/{id}"].as_object_mut().unwrap().remove("delete");
        let get = &mut new["paths"]["/items/{id}"]["get"];
        get["parameters"] = json!([{"name": "fields", "in": "header", "enum": ["a"]}, {"name": "tenant", "in": "query", "required": true}]);
        new["definitions"]["Item"]["properties"] = json!({"id": {"type": "integer"}});
        new["securityDefinitions"] = json!({"oauth": {"type": "oauth2"}});
        let r = report(&base(), &new).join("\n");
        for expected in [
            "operation DeleteItem (DELETE /items/{id}) is removed",
            "parameter \"fields\" moved from query to header",
            "new required parameter \"tenant\"",
            "output field \"size\" is removed",
            "output field \"id\" changed type from string to integer",
            "authentication changed from apiKey to oauth2",
        ] {
            assert!(r.contains(expected), "missing `{expected}` in:\n{r}");
        }
        let mut moved = base();
        let item = moved["paths"].as_object_mut().unwrap().remove("/items/{id}").unwrap();
        moved["paths"]["/things/{id}"] = item;
        assert!(report(&base(), &moved)
            .iter()
            .any(|r| r == "operation GetItem moved from GET /items/{id} to GET /things/{id}"));
    }
}
