//! Swagger Validator catalogue, "Operations": operation ids, paths, responses, operation
//! families (`x-ms-api-annotation`), notifications (`x-ms-notification`), paging, and the
//! request's content types.

use super::model::{Level, Model, Op, Param};
use crate::check::Sink;
use crate::connector::json::pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The restricted characters of an operation summary (connector string guidance).
const SUMMARY_FORBIDDEN: [char; 8] = ['/', '\\', '<', '>', '*', '%', '&', '?'];
/// "Reduce the operation 'summary' property to be fewer than 120 characters."
const SUMMARY_LIMIT: usize = 120;
const NEXT_LINK_NAMES: [&str; 2] = ["nextLink", "@odata.nextLink"];
const FORM_TYPES: [&str; 2] = ["multipart/form-data", "application/x-www-form-urlencoded"];

pub(super) fn check(model: &Model, sink: &mut Sink) {
    let file = model.file;
    let root = model.root;
    if let Some(Value::Array(schemes)) = root.get("schemes") {
        if schemes.is_empty() {
            sink.at("schemes-empty", file, "/schemes", "`schemes` is an empty array".into());
        }
    }
    paths(model, sink);
    let mut first_with_id: HashMap<&str, &str> = HashMap::new();
    for op in &model.ops {
        operation_id(model, op, &mut first_with_id, sink);
        summary(model, op, sink);
        responses(model, op, sink);
        parameter_lists(model, op, sink);
        path_parameters(model, op, sink);
        request_content(model, op, sink);
        annotation(model, op, sink);
        notification(model, op, sink);
        if let Some(name) = op.ext("x-ms-pageable").and_then(|p| p.get("nextLinkName")) {
            if !name.as_str().is_some_and(|n| NEXT_LINK_NAMES.contains(&n)) {
                sink.at(
                    "next-link-name",
                    file,
                    &format!("{}/x-ms-pageable/nextLinkName", op.at),
                    format!("{}: `x-ms-pageable.nextLinkName` is {name}", op.label),
                );
            }
        }
    }
    families(model, sink);
}

/// The `{name}`s of a path template.
pub(super) fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// Why a path template is malformed: a brace that opens or closes nothing, a variable across
/// segments, an empty or nested variable.
fn template_problem(path: &str) -> Option<&'static str> {
    for segment in path.split('/') {
        let mut open = false;
        let mut empty = false;
        for c in segment.chars() {
            match c {
                '{' if open => return Some("a `{` inside a variable"),
                '{' => {
                    open = true;
                    empty = true;
                }
                '}' if !open => return Some("a `}` that closes no variable"),
                '}' if empty => return Some("an empty variable `{}`"),
                '}' => open = false,
                _ => empty = false,
            }
        }
        if open {
            return Some("a `{` not closed within its segment");
        }
    }
    None
}

/// A path with its variables blanked, for comparing routes.
fn route(path: &str) -> Vec<Option<String>> {
    // A trailing slash and a segment like `{id}.{format}` make a route of their own.
    path.split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') && s.matches('{').count() == 1 {
                None
            } else {
                Some(s.to_ascii_lowercase())
            }
        })
        .collect()
}
/// Each path: its template, `$ref`, capitalization and path-level parameters; then the routes.
fn paths(model: &Model, sink: &mut Sink) {
    let file = model.file;
    let Some(paths) = model.root.get("paths").and_then(Value::as_object) else {
        return;
    };
    let mut lowercase: HashMap<String, &str> = HashMap::new();
    for (path, item) in paths {
        let at = pointer(&["paths", path]);
        if path.starts_with("x-") {
            continue;
        }
        template(model, path, &at, sink);
        if item.get("$ref").is_some() {
            sink.at(
                "path-item-ref",
                file,
                &format!("{at}/$ref"),
                format!("the path \"{path}\" is a `$ref`"),
            );
        }
        if let Some(first) = lowercase.get(&path.to_lowercase()) {
            sink.at(
                "path-redefined",
                file,
                &at,
                format!("the path \"{path}\" differs from \"{first}\" only in capitalization"),
            );
        } else {
            lowercase.insert(path.to_lowercase(), path);
        }
        if let Some(item) = item.as_object() {
            path_level_parameters(model, path, item, sink);
        }
    }
    routes(model, sink);
}

/// A path's template: a leading `/`, no `*`, query or fragment, well-formed variables without
/// defaults.
fn template(model: &Model, path: &str, at: &str, sink: &mut Sink) {
    let file = model.file;
    if !path.starts_with('/') {
        sink.at(
            "path-leading-slash",
            file,
            at,
            format!("the path \"{path}\" does not start with `/`"),
        );
    }
    if path.contains('*') {
        sink.at("path-wildcard", file, at, format!("the path \"{path}\" contains `*`"));
    }
    if path.contains('?') || path.contains('#') {
        sink.at(
            "path-query-fragment",
            file,
            at,
            format!("the path \"{path}\" contains a query or fragment (`?` or `#`)"),
        );
    }
    if let Some(problem) = template_problem(path) {
        sink.at("path-template", file, at, format!("the path \"{path}\" has {problem}"));
    } else if let Some(v) = template_names(path).into_iter().find(|n| n.contains('=')) {
        sink.at(
            "path-variable-default",
            file,
            at,
            format!("the path \"{path}\" gives the variable `{{{v}}}` a default with `=`"),
        );
    }
}

/// The path-level parameter list: no duplicates, at most one body.
fn path_level_parameters(model: &Model, path: &str, item: &Map<String, Value>, sink: &mut Sink) {
    let level: Vec<&Param> = model
        .ops
        .iter()
        .find(|o| o.path == path)
        .map(|o| o.params.iter().filter(|p| p.level == Level::Path).collect())
        .unwrap_or_default();
    if item.contains_key("parameters") {
        duplicates(
            model,
            &level,
            &format!("the path \"{path}\""),
            ["path-level-parameter-duplicate", "path-level-body-parameters"],
            sink,
        );
    }
}

/// Routes: the same method on indistinguishable (or partly overlapping) templates.
fn routes(model: &Model, sink: &mut Sink) {
    let file = model.file;
    let ops: Vec<&Op> = model.ops.iter().collect();
    // Each route once; two routes without variables can only collide when their paths are equal
    // but for case, which is one path: such pairs need no comparing (20,000 literal paths
    // would otherwise be 200 million comparisons).
    let routes: Vec<Vec<Option<String>>> = ops.iter().map(|o| route(o.path)).collect();
    let variable: Vec<bool> = routes.iter().map(|r| r.iter().any(Option::is_none)).collect();
    let mut reported: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (i, a) in ops.iter().enumerate() {
        let ra = &routes[i];
        for (j, b) in ops.iter().enumerate().skip(i + 1) {
            if !(variable[i] || variable[j]) {
                continue;
            }
            if !a.method.eq_ignore_ascii_case(b.method) || a.path == b.path || a.path.eq_ignore_ascii_case(b.path) {
                continue;
            }
            let rb = &routes[j];
            if ra.len() != rb.len() {
                continue;
            }
            if ra == rb {
                sink.at(
                    "duplicate-operation-path",
                    file,
                    &b.at,
                    format!("{} and {} have indistinguishable path templates", a.label, b.label),
                );
                reported.insert((i, j));
            } else if ra.iter().zip(rb).all(|(x, y)| x.is_none() || y.is_none() || x == y) && reported.insert((i, j)) {
                sink.at(
                    "partial-duplicate-path",
                    file,
                    &b.at,
                    format!(
                        "{} and {} can route the same URL: a path variable matches the other's fixed segment",
                        a.label, b.label
                    ),
                );
            }
        }
    }
}

fn operation_id<'a>(model: &Model<'a>, op: &Op<'a>, first: &mut HashMap<&'a str, &'a str>, sink: &mut Sink) {
    let file = model.file;
    let Some(id) = op.id else {
        sink.at("operation-id-required", file, &op.at, format!("{} has no operationId", op.label));
        return;
    };
    let at = format!("{}/operationId", op.at);
    if let Some(other) = first.get(id) {
        sink.at(
            "operation-id",
            file,
            &at,
            format!(
                "operationId \"{id}\" of {} {} is already used by {other}",
                op.method.to_ascii_uppercase(),
                op.path
            ),
        );
    } else {
        first.insert(id, op.path);
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            let sanitized: String = id.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            sink.at(
                "operation-id-sanitized",
                file,
                &at,
                format!("operationId \"{id}\" has characters other than letters, digits, `_` and `-` (sanitized: \"{sanitized}\")"),
            );
        }
    }
}

fn summary(model: &Model, op: &Op, sink: &mut Sink) {
    let Some(summary) = op.ext("summary").and_then(Value::as_str) else {
        return;
    };
    let at = format!("{}/summary", op.at);
    let n = summary.chars().count();
    if n >= SUMMARY_LIMIT {
        sink.at(
            "operation-summary-too-long",
            model.file,
            &at,
            format!(
                "the summary of {} is {n} characters; it must be fewer than {SUMMARY_LIMIT}",
                op.label
            ),
        );
    }
    if let Some(c) = summary.chars().find(|c| SUMMARY_FORBIDDEN.contains(c)) {
        sink.at(
            "summary-characters",
            model.file,
            &at,
            format!("the summary of {}, \"{summary}\", contains `{c}`", op.label),
        );
    }
}

fn responses(model: &Model, op: &Op, sink: &mut Sink) {
    let file = model.file;
    let responses = op.ext("responses").and_then(Value::as_object);
    let Some(responses) = responses.filter(|r| !r.is_empty()) else {
        // Responses that are not an object are json-type's: they are there, just mistyped.
        if op.ext("responses").is_none_or(Value::is_object) {
            sink.at("operation-response-missing", file, &op.at, format!("{} has no responses", op.label));
        }
        return;
    };
    if !responses.keys().any(|k| k.starts_with('2')) {
        sink.at(
            "operation-success-response",
            file,
            &format!("{}/responses", op.at),
            format!("{} has no success (2xx) response", op.label),
        );
    }
    let with_schema: Vec<&String> = responses
        .iter()
        .filter(|(k, r)| k.as_str() != "default" && super::model::deref(model.root, r).is_some_and(|r| r.get("schema").is_some()))
        .map(|(k, _)| k)
        .collect();
    if with_schema.len() > 1 {
        sink.at(
            "responses-with-schema",
            file,
            &format!("{}/responses", op.at),
            format!(
                "{} has a schema on {} responses ({}); the designer uses only one",
                op.label,
                with_schema.len(),
                with_schema.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

/// Duplicate (name, location) entries and more than one body in one parameter list.
fn duplicates(model: &Model, list: &[&Param], owner: &str, rules: [&'static str; 2], sink: &mut Sink) {
    let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
    let mut bodies = 0;
    for p in list {
        if p.def.is_none() {
            continue;
        }
        // Header names are case-insensitive; other names are not.
        let name = if p.location().eq_ignore_ascii_case("header") {
            p.name().to_ascii_lowercase()
        } else {
            p.name().to_string()
        };
        let key = (name, p.location().to_ascii_lowercase());
        if p.location() == "body" {
            bodies += 1;
            if bodies == 2 {
                sink.at(
                    rules[1],
                    model.file,
                    &p.at(),
                    format!("{owner} has more than one parameter in the body"),
                );
            }
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = seen.entry(key) {
            slot.insert("");
        } else {
            sink.at(
                rules[0],
                model.file,
                &p.at(),
                format!("{owner} declares the parameter \"{}\" in `{}` twice", p.name(), p.location()),
            );
        }
    }
}

fn parameter_lists(model: &Model, op: &Op, sink: &mut Sink) {
    let own: Vec<&Param> = op.params.iter().filter(|p| p.level == Level::Operation).collect();
    // The same entry twice (the same `$ref`, or an identical object).
    let raws: Vec<&serde_json::Value> = own.iter().map(|p| p.raw).collect();
    let repeats = super::model::repeats(&raws);
    for (p, _) in own.iter().zip(&repeats).filter(|(_, r)| **r) {
        sink.at(
            "operation-parameters-not-unique",
            model.file,
            &p.at(),
            format!("{}: this parameter entry repeats an earlier one", op.label),
        );
    }
    let distinct: Vec<&Param> = own.iter().zip(&repeats).filter(|(_, r)| !**r).map(|(p, _)| *p).collect();
    duplicates(
        model,
        &distinct,
        &op.label,
        ["operation-parameter-duplicate", "operation-body-parameters"],
        sink,
    );
}

fn path_parameters(model: &Model, op: &Op, sink: &mut Sink) {
    let names = template_names(op.path);
    let mut declared = BTreeSet::new();
    for p in op.effective() {
        if p.location() != "path" {
            continue;
        }
        let name = p.name();
        declared.insert(name);
        if !p.required() {
            sink.at(
                "path-parameter",
                model.file,
                &p.at(),
                format!("{}: path parameter \"{name}\" must have \"required\": true", op.label),
            );
        }
        if !names.contains(&name) {
            sink.at(
                "path-parameter-not-in-template",
                model.file,
                &p.at(),
                format!("{}: path parameter \"{name}\" does not appear in the path", op.label),
            );
        }
    }
    // A parameter list that is not an array of objects is json-type's; what it declares is unknown.
    let item = model.root.get("paths").and_then(|p| p.get(op.path));
    let unreadable = [op.ext("parameters"), item.and_then(|i| i.get("parameters"))]
        .into_iter()
        .flatten()
        .any(|list| list.as_array().is_none_or(|l| l.iter().any(|p| !p.is_object())));
    for name in names {
        if !declared.contains(name) && !name.contains('=') && !unreadable {
            sink.at(
                "path-parameter-missing",
                model.file,
                &op.at,
                format!("{}: `{{{name}}}` in the path has no parameter with \"in\": \"path\"", op.label),
            );
        }
    }
}
/// The request's content: a GET takes no body or formData, not both at once, and formData
/// needs a form MIME type.
fn request_content(model: &Model, op: &Op, sink: &mut Sink) {
    let file = model.file;
    let body = op.effective().find(|p| p.location() == "body");
    let form: Vec<&Param> = op.effective().filter(|p| p.location() == "formData").collect();
    if op.is_get() {
        if let Some(p) = body.or(form.first().copied()) {
            sink.at(
                "fetch-body-parameter",
                file,
                &p.at(),
                format!(
                    "{}: a GET operation cannot take a `{}` parameter (\"{}\")",
                    op.label,
                    p.location(),
                    p.name()
                ),
            );
        }
    }
    if let (Some(b), Some(f)) = (body, form.first()) {
        sink.at(
            "form-data-and-body",
            file,
            &f.at(),
            format!(
                "{}: the parameters use both the body (\"{}\") and formData (\"{}\")",
                op.label,
                b.name(),
                f.name()
            ),
        );
    }
    if form.is_empty() {
        return;
    }
    form_consumes(model, op, &form, sink);
}

/// The MIME types an operation with formData parameters consumes: a form type, and one that can
/// carry files when a parameter is a file.
fn form_consumes(model: &Model, op: &Op, form: &[&Param], sink: &mut Sink) {
    let file = model.file;
    let root = model.root;
    let consumes = op.consumes(root);
    let at = if op.ext("consumes").is_some() {
        format!("{}/consumes", op.at)
    } else {
        op.at.clone()
    };
    if consumes.is_empty() {
        sink.at(
            "consumes-missing",
            file,
            &at,
            format!("{} takes formData parameters but `consumes` lists no MIME type", op.label),
        );
        return;
    }
    let media = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !consumes.iter().any(|m| FORM_TYPES.contains(&media(m).as_str())) {
        sink.at(
            "form-data-consumes",
            file,
            &at,
            format!(
                "{} takes formData parameters but consumes {}; use multipart/form-data or application/x-www-form-urlencoded",
                op.label,
                consumes.join(", ")
            ),
        );
    }
    if consumes.iter().all(|m| media(m) == "application/x-www-form-urlencoded") {
        for p in form {
            let binary = p.get("type").and_then(Value::as_str) == Some("file")
                || (p.get("type").and_then(Value::as_str) == Some("string") && p.get("format").and_then(Value::as_str) == Some("binary"));
            if binary {
                sink.at(
                    "form-urlencoded-binary",
                    file,
                    &p.at(),
                    format!(
                        "{}: \"{}\" is a file or string/binary, which application/x-www-form-urlencoded cannot carry",
                        op.label,
                        p.name()
                    ),
                );
            }
        }
    }
}

fn annotation(model: &Model, op: &Op, sink: &mut Sink) {
    let file = model.file;
    let Some(a) = op.ext("x-ms-api-annotation").and_then(Value::as_object) else {
        return;
    };
    let at = format!("{}/x-ms-api-annotation", op.at);
    if let Some(replacement) = a.get("replacement") {
        let rat = format!("{at}/replacement");
        if op.ext("deprecated").and_then(Value::as_bool) != Some(true) {
            sink.at(
                "api-annotation-replacement-deprecated",
                file,
                &rat,
                format!("{} names a replacement but is not \"deprecated\": true", op.label),
            );
        }
        if replacement.get("api").is_none() {
            sink.at(
                "api-annotation-replacement-api",
                file,
                &rat,
                format!("{}: the replacement has no `api`", op.label),
            );
        }
        if replacement.get("operationId").is_none() {
            sink.at(
                "api-annotation-replacement-operation-id",
                file,
                &rat,
                format!("{}: the replacement has no `operationId`", op.label),
            );
        }
    }
    if let (Some(r), Some(id)) = (revision(op), op.id) {
        if r >= 2 && !id.to_ascii_lowercase().ends_with(&format!("v{r}")) {
            sink.at(
                "operation-id-revision",
                file,
                &format!("{}/operationId", op.at),
                format!("operationId \"{id}\" has revision {r} but does not end with \"V{r}\""),
            );
        }
    }
    let production = a
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("production"));
    let connector_preview = model
        .root
        .pointer("/info/x-ms-api-annotation/status")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("preview"));
    if production && connector_preview {
        sink.at(
            "operation-status-ahead",
            file,
            &format!("{at}/status"),
            format!(
                "{} is in Production status while the connector (info.x-ms-api-annotation) is in Preview",
                op.label
            ),
        );
    }
}

fn revision(op: &Op) -> Option<i64> {
    let r = op.ext("x-ms-api-annotation")?.get("revision")?;
    r.as_i64().or_else(|| r.as_str().and_then(|s| s.trim().parse().ok()))
}
/// The operation families of `x-ms-api-annotation`, each checked on its own.
fn families(model: &Model, sink: &mut Sink) {
    let mut families: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in &model.ops {
        if let Some(f) = op.ext("x-ms-api-annotation").and_then(|a| a.get("family")).and_then(Value::as_str) {
            families.entry(f).or_default().push(op);
        }
    }
    for (family, ops) in families {
        family_revisions(model, family, &ops, sink);
        family_active(model, family, &ops, sink);
    }
}

/// A family's revisions: each once, numbers, and at most one operation without one.
fn family_revisions(model: &Model, family: &str, ops: &[&Op], sink: &mut Sink) {
    let file = model.file;
    let mut revisions: BTreeMap<i64, &Op> = BTreeMap::new();
    let mut empty: Vec<&Op> = Vec::new();
    for op in ops {
        let has_key = op
            .ext("x-ms-api-annotation")
            .and_then(|a| a.get("revision"))
            .is_some_and(|r| !r.is_null());
        match revision(op) {
            Some(r) => {
                if let Some(first) = revisions.get(&r) {
                    sink.at(
                        "family-duplicate-revisions",
                        file,
                        &format!("{}/x-ms-api-annotation/revision", op.at),
                        format!("{} and {} of family \"{family}\" both have revision {r}", first.label, op.label),
                    );
                } else {
                    revisions.insert(r, op);
                }
            }
            None if has_key => sink.at(
                "operation-revision-empty",
                file,
                &format!("{}/x-ms-api-annotation/revision", op.at),
                format!("{} is in family \"{family}\" but its revision is not a number", op.label),
            ),
            None => {
                empty.push(op);
                if empty.len() == 2 {
                    sink.at(
                        "family-empty-revisions",
                        file,
                        &format!("{}/x-ms-api-annotation", op.at),
                        format!(
                            "{} and {} of family \"{family}\" both have no revision; only one may",
                            empty[0].label, op.label
                        ),
                    );
                }
            }
        }
    }
}

/// A family's operations that are not deprecated: at most two, at most one in Production.
fn family_active(model: &Model, family: &str, ops: &[&Op], sink: &mut Sink) {
    let file = model.file;
    let active: Vec<&&Op> = ops
        .iter()
        .filter(|o| o.ext("deprecated").and_then(Value::as_bool) != Some(true))
        .collect();
    if active.len() > 2 {
        sink.at(
            "family-active-operations",
            file,
            &format!("{}/x-ms-api-annotation", active[2].at),
            format!(
                "family \"{family}\" has {} operations that are not deprecated; at most two may be",
                active.len()
            ),
        );
    }
    let production: Vec<&&&Op> = active
        .iter()
        .filter(|o| {
            o.ext("x-ms-api-annotation")
                .and_then(|a| a.get("status"))
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("production"))
        })
        .collect();
    if production.len() > 1 {
        sink.at(
            "family-active-production",
            file,
            &format!("{}/x-ms-api-annotation/status", production[1].at),
            format!(
                "family \"{family}\" has {} operations in Production that are not deprecated; deprecate the older revisions",
                production.len()
            ),
        );
    }
}

/// Webhooks and `x-ms-notification`: a webhook trigger's shape, and a polling trigger's
/// notification naming a webhook whose parameters agree with its own.
fn notification(model: &Model, op: &Op, sink: &mut Sink) {
    let file = model.file;
    webhook_shape(model, op, sink);
    let webhook = model.is_webhook(op);
    let Some(n) = op.ext("x-ms-notification") else {
        return;
    };
    let at = format!("{}/x-ms-notification", op.at);
    if webhook {
        sink.at(
            "notification-in-webhook",
            file,
            &at,
            format!("{} is a webhook and cannot have `x-ms-notification`", op.label),
        );
    } else if !op.is_trigger() {
        sink.at(
            "notification-trigger-only",
            file,
            &at,
            format!("{} has `x-ms-notification` but is not a trigger (`x-ms-trigger`)", op.label),
        );
    }
    let Some(target_id) = n.get("operationId").and_then(Value::as_str) else {
        return;
    };
    let Some(target) = model.op(target_id) else {
        return; // operation-id-not-found (dynamic.rs) reports it.
    };
    if !model.is_webhook(target) {
        sink.at(
            "notification-operation-webhook",
            file,
            &format!("{at}/operationId"),
            format!(
                "{}: `x-ms-notification` names {}, which is not a webhook trigger",
                op.label, target.label
            ),
        );
        return;
    }
    notification_parameters(model, op, target, sink);
}

/// A webhook as create-webhook-trigger.md writes it: a trigger whose input carries the
/// notification URL, in a path item whose `x-ms-notification-content` describes what arrives.
fn webhook_shape(model: &Model, op: &Op, sink: &mut Sink) {
    let file = model.file;
    match (model.notification_url(op), op.notification_content()) {
        (Some(url_at), None) if op.is_trigger() => sink.at(
            "notification-content-missing",
            file,
            &url_at,
            format!(
                "{} has a notification URL but its path has no `x-ms-notification-content`",
                op.label
            ),
        ),
        (None, Some(_)) if op.is_trigger() && !op.is_get() => {
            let content_at = if op.item.contains_key("x-ms-notification-content") {
                format!("{}/x-ms-notification-content", op.at.rsplit_once('/').map_or("", |(item, _)| item))
            } else {
                format!("{}/x-ms-notification-content", op.at)
            };
            sink.at(
                "webhook-notification-url-missing",
                file,
                &content_at,
                format!(
                    "{} is a webhook trigger (its path has `x-ms-notification-content`), but no parameter or body property is marked `x-ms-notification-url`",
                    op.label
                ),
            );
        }
        _ => {}
    }
}

/// Fetch and subscribe: parameters of the same name agree on type and visibility.
fn notification_parameters(model: &Model, op: &Op, target: &Op, sink: &mut Sink) {
    let file = model.file;
    for p in op.effective() {
        let Some(q) = target.effective().find(|q| q.name() == p.name() && q.location() != "body") else {
            continue;
        };
        if p.location() == "body" {
            continue;
        }
        let vis = |x: &Param| x.get("x-ms-visibility").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
        if p.kind(model.root) != q.kind(model.root) || vis(p) != vis(q) {
            sink.at(
                "notification-parameters-match",
                file,
                &p.at(),
                format!(
                    "{}: parameter \"{}\" differs in type or visibility from the same parameter of {}",
                    op.label,
                    p.name(),
                    target.label
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(template_names("/a/{id}/b/{other}"), ["id", "other"]);
        assert_eq!(template_problem("/a/{id}.{ext}"), None);
        assert!(template_problem("/a/{id").is_some());
        assert!(template_problem("/a/id}").is_some());
        assert!(template_problem("/a/{i/d}").is_some());
        assert!(template_problem("/a/{}").is_some());
        assert_eq!(route("/a/{x}/B"), route("/A/{y}/b"));
        assert_ne!(route("/a/{x}"), route("/a/{x}/"));
        assert_ne!(route("/a/{x}"), route("/a/{x}.{f}"));
    }
}
