//! The certification team's coding standards (coding-standards.md), as warnings: indentation and
//! trailing space, the order of the file's sections, PascalCase operation ids, summaries and
//! descriptions, 2xx success responses, and shared parameters and definitions.

use super::schema::{child, operations, resolve, Operation};
use crate::check::{JsonFile, Sink};
use crate::connector::Position;
use serde_json::Value;
use std::collections::HashMap;

/// The order coding-standards.md gives for the top-level sections.
const SECTION_ORDER: &[(&str, usize)] = &[
    ("swagger", 0),
    ("info", 1),
    ("host", 2),
    ("basePath", 2),
    ("schemes", 2),
    ("consumes", 3),
    ("produces", 3),
    ("paths", 4),
    ("definitions", 5),
    ("parameters", 6),
];

pub(super) fn check(swagger: &JsonFile, _properties: Option<&JsonFile>, sink: &mut Sink) {
    whitespace(swagger, sink);
    let root = &swagger.doc.value;
    section_order(swagger, root, sink);
    let mut seen = Seen::default();
    let ops = operations(root);
    for (index, op) in ops.iter().enumerate() {
        let label = op.label();
        operation_text(swagger, op, &label, sink);
        response_schemas(swagger, op, &label, &mut seen, sink);
        parameters(swagger, &ops, index, &label, &mut seen, sink);
    }
}

/// What the operations seen so far define, to find what a later one repeats.
#[derive(Default)]
struct Seen {
    /// A parameter's text -> the operation (its index) that has it first: not its pointer and
    /// label, which every parameter of a long list would copy.
    parameters: HashMap<String, usize>,
    /// A response schema's text -> the label and pointer of the first operation that has it.
    schemas: HashMap<String, (String, String)>,
}

/// An operation's id is PascalCase, its description ends with a period and does not repeat its
/// summary.
fn operation_text(swagger: &JsonFile, op: &Operation, label: &str, sink: &mut Sink) {
    if let Some(id) = op.op.get("operationId").and_then(Value::as_str) {
        let pascal = id.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !id.contains(['-', '_']);
        if !pascal && !id.is_empty() {
            sink.at(
                "standard-operation-id-case",
                swagger,
                &child(&op.at, "operationId"),
                format!("operationId \"{id}\" of {label} is not PascalCase (capitalized words, no `-` or `_`)"),
            );
        }
    }
    let summary = op.op.get("summary").and_then(Value::as_str);
    let description = op.op.get("description").and_then(Value::as_str);
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        if !d.trim_end().ends_with('.') {
            sink.at(
                "standard-description-period",
                swagger,
                &child(&op.at, "description"),
                format!("the description of {label} does not end with a period"),
            );
        }
    }
    if let (Some(s), Some(d)) = (summary, description) {
        if same_text(s, d) {
            sink.at(
                "standard-summary-description",
                swagger,
                &child(&op.at, "description"),
                format!("the description of {label} repeats its summary \"{s}\""),
            );
        }
    }
}

/// An inline response schema with properties that an earlier operation already has.
fn response_schemas(swagger: &JsonFile, op: &Operation, label: &str, seen: &mut Seen, sink: &mut Sink) {
    if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
        for (code, r) in responses {
            let Some(schema) = r.get("schema") else {
                continue;
            };
            let shared = schema.get("$ref").is_none() && schema.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
            if shared {
                let at = child(&child(&child(&op.at, "responses"), code), "schema");
                if let Some((first, _)) = seen.schemas.get(&schema.to_string()) {
                    sink.at(
                        "standard-shared-definition",
                        swagger,
                        &at,
                        format!("the response schema of {label} repeats the one of {first}"),
                    );
                } else {
                    seen.schemas.insert(schema.to_string(), (label.to_string(), at));
                }
            }
        }
    }
}

/// The operation's and its path's parameters: a description that repeats the summary, and an
/// operation parameter defined the same way in an earlier operation.
fn parameters(swagger: &JsonFile, ops: &[Operation], index: usize, label: &str, seen: &mut Seen, sink: &mut Sink) {
    let root = &swagger.doc.value;
    let op = &ops[index];
    let mut lists = vec![(child(&op.at, "parameters"), op.op.get("parameters"))];
    lists.push((
        crate::connector::json::pointer(&["paths", op.path, "parameters"]),
        op.item.get("parameters"),
    ));
    for (list_at, list) in lists {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let p_at = child(&list_at, &i.to_string());
            let resolved = match p.get("$ref").and_then(Value::as_str) {
                Some(r) => resolve(root, r).unwrap_or(p),
                None => p,
            };
            if let (Some(s), Some(d)) = (
                resolved.get("x-ms-summary").and_then(Value::as_str),
                resolved.get("description").and_then(Value::as_str),
            ) {
                if same_text(s, d) {
                    sink.at(
                        "standard-summary-description",
                        swagger,
                        &p_at,
                        format!("{label}: the description of a parameter repeats its x-ms-summary \"{s}\""),
                    );
                }
            }
            // Path-level parameters are already shared by the path's operations.
            if p.get("$ref").is_some() || !list_at.ends_with(&format!("{}/parameters", op.method)) {
                continue;
            }
            let key = p.to_string();
            match seen.parameters.get(&key) {
                Some(&first) if first != index => {
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                    sink.at(
                        "standard-shared-parameter",
                        swagger,
                        &p_at,
                        format!(
                            "{label}: the parameter \"{name}\" is defined the same way in {}",
                            ops[first].label()
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    seen.parameters.insert(key, index);
                }
            }
        }
    }
}

/// Same words, ignoring case, surrounding space and a final period.
fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('.').trim().to_lowercase();
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

fn whitespace(file: &JsonFile, sink: &mut Sink) {
    let text = file.text();
    let mut tabs: Vec<usize> = Vec::new();
    let mut trailing: Vec<(usize, usize)> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let content = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - content.len()];
        if indent.contains('\t') {
            tabs.push(i + 1);
        }
        let kept = line.trim_end_matches([' ', '\t']);
        if kept.len() < line.len() {
            trailing.push((i + 1, kept.chars().count() + 1));
        }
    }
    if let Some(&line) = tabs.first() {
        sink.emit(
            "standard-indentation",
            file.name,
            Some(Position { line, column: 1 }),
            None,
            format!("{} line(s) are indented with hard tabs, the first at line {line}", tabs.len()),
            None,
        );
    }
    if let Some(&(line, column)) = trailing.first() {
        sink.emit(
            "standard-trailing-space",
            file.name,
            Some(Position { line, column }),
            None,
            format!("{} line(s) end with spaces or tabs, the first at line {line}", trailing.len()),
            None,
        );
    }
}

fn section_order(file: &JsonFile, root: &Value, sink: &mut Sink) {
    let Some(obj) = root.as_object() else {
        return;
    };
    let mut highest: Option<(&str, usize)> = None;
    for key in obj.keys() {
        let Some(&(_, rank)) = SECTION_ORDER.iter().find(|(k, _)| k == key) else {
            continue;
        };
        if let Some((before, r)) = highest {
            if rank < r {
                sink.at(
                    "standard-section-order",
                    file,
                    &child("", key),
                    format!("`{key}` comes after `{before}`; the order is swagger, info, host and schemes, consumes and produces, paths, definitions, parameters"),
                );
                return;
            }
        }
        if highest.is_none_or(|(_, r)| rank > r) {
            highest = Some((key, rank));
        }
    }
}
