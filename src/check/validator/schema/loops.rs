//! Reference loops between definitions, found on a graph with an iterative search.

use super::{child, Cx, MAX_DEPTH};
use crate::connector::json::pointer;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Reference loops between definitions: through any `$ref` (schema-ref-loop) and through
/// required properties (required-loop).
pub(super) fn definition_loops(cx: &mut Cx, defs: &Map<String, Value>) {
    let index: HashMap<&str, usize> = defs.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let target = |r: &str| -> Option<usize> {
        let name = r.strip_prefix("#/definitions/")?;
        let name = name.replace("~1", "/").replace("~0", "~");
        index.get(name.as_str()).copied().or_else(|| {
            let decoded = percent_encoding::percent_decode_str(&name).decode_utf8().ok()?;
            index.get(decoded.as_ref()).copied()
        })
    };
    let mut alias: Vec<Vec<(usize, String)>> = vec![Vec::new(); defs.len()];
    let mut required: Vec<Vec<(usize, String)>> = vec![Vec::new(); defs.len()];
    for (i, (name, def)) in defs.iter().enumerate() {
        let at = pointer(&["definitions", name.as_str()]);
        // A definition that is only a reference to another.
        if let Some(t) = def.get("$ref").and_then(Value::as_str).and_then(target) {
            alias[i].push((t, child(&at, "$ref")));
        }
        required_edges(def, &at, 0, &target, &mut required[i]);
    }
    for (from, to, at) in back_edges(&alias) {
        let names: Vec<&String> = defs.keys().collect();
        cx.at(
            "schema-ref-loop",
            &at,
            format!(
                "the definition \"{}\" refers back to \"{}\" in a loop of references",
                names[from], names[to]
            ),
        );
    }
    for (from, to, at) in back_edges(&required) {
        let names: Vec<&String> = defs.keys().collect();
        cx.at(
            "required-loop",
            &at,
            format!("the required properties of \"{}\" lead back to \"{}\"", names[from], names[to]),
        );
    }
}

fn required_edges(node: &Value, at: &str, depth: usize, target: &dyn Fn(&str) -> Option<usize>, out: &mut Vec<(usize, String)>) {
    if depth > MAX_DEPTH {
        return;
    }
    let (Some(req), Some(props)) = (
        node.get("required").and_then(Value::as_array),
        node.get("properties").and_then(Value::as_object),
    ) else {
        return;
    };
    for name in req.iter().filter_map(Value::as_str) {
        let Some(p) = props.get(name) else {
            continue;
        };
        let p_at = child(&child(at, "properties"), name);
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                if let Some(t) = target(r) {
                    out.push((t, child(&p_at, "$ref")));
                }
            }
            None => required_edges(p, &p_at, depth + 1, target, out),
        }
    }
}

/// Edges that close a cycle in a directed graph (iterative depth-first search).
fn back_edges(edges: &[Vec<(usize, String)>]) -> Vec<(usize, usize, String)> {
    let mut color = vec![0u8; edges.len()];
    let mut out = Vec::new();
    for start in 0..edges.len() {
        if color[start] != 0 {
            continue;
        }
        color[start] = 1;
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(top) = stack.last_mut() {
            let (u, i) = *top;
            if i < edges[u].len() {
                top.1 += 1;
                let (v, ref at) = edges[u][i];
                match color[v] {
                    0 => {
                        color[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => out.push((u, v, at.clone())),
                    _ => {}
                }
            } else {
                color[u] = 2;
                stack.pop();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_are_found_without_recursion() {
        // A chain of 100,000 definitions closed into a loop.
        let n = 100_000;
        let edges: Vec<Vec<(usize, String)>> = (0..n).map(|i| vec![((i + 1) % n, String::new())]).collect();
        assert_eq!(back_edges(&edges).len(), 1);
        let edges: Vec<Vec<(usize, String)>> = (0..n)
            .map(|i| if i + 1 < n { vec![(i + 1, String::new())] } else { vec![] })
            .collect();
        assert!(back_edges(&edges).is_empty());
    }
}
