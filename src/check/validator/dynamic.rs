//! Swagger Validator catalogue, "Operations": the references of the dynamic extensions
//! (`x-ms-dynamic-values`, `-schema`, `-list`, `-properties`, `-tree`) and of `x-ms-notification`:
//! the operation they invoke, the parameters they pass, and the response they read.

use super::model::{json_type, lookup, lookup_ignoring_case, matches_type, Lookup, Model, Op, Param};
use crate::check::Sink;
use crate::connector::json::walk;
use serde_json::{Map, Value};

const EXTENSIONS: [&str; 5] = [
    "x-ms-dynamic-values",
    "x-ms-dynamic-schema",
    "x-ms-dynamic-list",
    "x-ms-dynamic-properties",
    "x-ms-dynamic-tree",
];

pub(super) fn check(model: &Model, sink: &mut Sink) {
    let holders = holders(model);
    capabilities(model, &holders, sink);
    for (at, ext, e, holder) in extensions(model, &holders) {
        reference(model, &at, ext, e, holder, sink);
    }
}

/// Where the objects holding a dynamic extension are. Pointers first (the walk's values cannot
/// leave it), then the values they point at.
fn holders(model: &Model) -> Vec<String> {
    let mut holders: Vec<String> = Vec::new();
    walk(model.root, &mut |at, key, v| {
        if matches!(key, "example" | "examples" | "x-ms-test-value") {
            return false;
        }
        if v.as_object().is_some_and(|o| EXTENSIONS.iter().any(|e| o.contains_key(*e))) {
            holders.push(at.to_string());
        }
        true
    });
    holders
}

/// What `x-ms-capabilities` asks of the rest: a file picker browses with `x-ms-dynamic-tree`, and
/// the test connection invokes an operation.
fn capabilities(model: &Model, holders: &[String], sink: &mut Sink) {
    // A file picker (`x-ms-capabilities.file-picker`) browses with `x-ms-dynamic-tree`.
    if model.root.pointer("/x-ms-capabilities/file-picker").is_some()
        && !holders
            .iter()
            .any(|at| model.root.pointer(at).is_some_and(|h| h.get("x-ms-dynamic-tree").is_some()))
    {
        sink.at(
            "dynamic-tree-missing",
            model.file,
            "/x-ms-capabilities/file-picker",
            "`x-ms-capabilities` declares a file picker, but no parameter has `x-ms-dynamic-tree`".into(),
        );
    }
    // The connector's test connection (`x-ms-capabilities.testConnection`) invokes an operation.
    if let Some(id) = model
        .root
        .pointer("/x-ms-capabilities/testConnection/operationId")
        .and_then(Value::as_str)
    {
        not_found(model, "/x-ms-capabilities/testConnection/operationId", id, sink);
    }
}

/// Every dynamic extension of the holders, then every operation's `x-ms-notification`.
fn extensions<'a>(model: &Model<'a>, holders: &[String]) -> Vec<Found<'a>> {
    let mut found: Vec<Found> = Vec::new();
    for at in holders {
        let Some(Value::Object(obj)) = model.root.pointer(at) else {
            continue;
        };
        for ext in EXTENSIONS {
            if let Some(Value::Object(e)) = obj.get(ext) {
                found.push((format!("{at}/{ext}"), ext, e, Some(obj)));
            }
        }
    }
    for op in &model.ops {
        if let Some(Value::Object(n)) = op.ext("x-ms-notification") {
            found.push((format!("{}/x-ms-notification", op.at), "x-ms-notification", n, None));
        }
    }
    found
}

/// One extension's references: the operation it invokes, the arguments it passes, and what it
/// reads from the response.
fn reference(model: &Model, at: &str, ext: &str, e: &Map<String, Value>, holder: Option<&Map<String, Value>>, sink: &mut Sink) {
    if ext == "x-ms-dynamic-tree" {
        for part in ["open", "browse"] {
            if let Some(id) = e.get(part).and_then(|p| p.get("operationId")).and_then(Value::as_str) {
                not_found(model, &format!("{at}/{part}/operationId"), id, sink);
            }
        }
        return;
    }
    let Some(id) = e.get("operationId").and_then(Value::as_str) else {
        return;
    };
    let Some(target) = not_found(model, &format!("{at}/operationId"), id, sink) else {
        return;
    };
    if ext != "x-ms-notification" {
        required_arguments(model, at, target, e.get("parameters"), sink);
    }
    match ext {
        "x-ms-dynamic-values" | "x-ms-dynamic-schema" => values_or_schema(model, at, ext, e, target, holder, sink),
        "x-ms-dynamic-list" => {
            collection(model, at, e, "itemsPath", target, sink);
            item_paths(model, at, e, "itemsPath", &["itemValuePath", "itemTitlePath"], target, sink);
        }
        "x-ms-dynamic-properties" => {
            if let Some(path) = e.get("itemValuePath").and_then(Value::as_str) {
                if let Some(schema) = target.success_schema(model.root) {
                    if let Lookup::Missing = lookup_ignoring_case(model.root, schema, &segments(path)) {
                        sink.at(
                            "invoked-operation-property",
                            model.file,
                            &format!("{at}/itemValuePath"),
                            format!("the response of {} has no property at \"{path}\" (`itemValuePath`)", target.label),
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

/// `x-ms-dynamic-values` or `x-ms-dynamic-schema`: the arguments (a sibling `-list` or
/// `-properties` takes over the rules about body properties), then the response it reads.
fn values_or_schema(
    model: &Model,
    at: &str,
    ext: &str,
    e: &Map<String, Value>,
    target: &Op,
    holder: Option<&Map<String, Value>>,
    sink: &mut Sink,
) {
    // The operation the extension belongs to, when it is inside one.
    let source = model
        .ops
        .iter()
        .filter(|o| at.starts_with(&format!("{}/", o.at)))
        .max_by_key(|o| o.at.len());
    let siblings = |name: &str| holder.is_some_and(|h| h.contains_key(name));
    let (list, rules) = if ext == "x-ms-dynamic-values" {
        (
            "x-ms-dynamic-list",
            ["dynamic-list-required-non-parameter", "dynamic-list-required-ambiguous"],
        )
    } else {
        (
            "x-ms-dynamic-properties",
            ["dynamic-properties-required-non-parameter", "dynamic-properties-required-ambiguous"],
        )
    };
    if let Some(Value::Object(params)) = e.get("parameters") {
        let call = Invocation {
            model,
            source,
            target,
            needs_list: !siblings(list),
            rules,
        };
        arguments(&call, at, params, sink);
    }
    if ext == "x-ms-dynamic-values" {
        collection(model, at, e, "value-collection", target, sink);
        item_paths(model, at, e, "value-collection", &["value-path", "value-title"], target, sink);
    } else {
        value_path(model, at, e, target, holder, sink);
    }
}

/// A dynamic extension found: where, which extension, the extension's object, and its operation's.
type Found<'a> = (String, &'a str, &'a Map<String, Value>, Option<&'a Map<String, Value>>);

/// `operation-id-not-found` when `id` names no operation; the operation otherwise.
fn not_found<'a, 'm>(model: &'m Model<'a>, at: &str, id: &str, sink: &mut Sink) -> Option<&'m Op<'a>> {
    let op = model.op(id);
    if op.is_none() {
        sink.at(
            "operation-id-not-found",
            model.file,
            at,
            format!("the operationId \"{id}\" is not an operation of this swagger"),
        );
    }
    op
}

/// Whether `name` is a top-level property of the operation's body.
fn body_property(model: &Model, op: &Op, name: &str) -> bool {
    op.body_schema(model.root)
        .is_some_and(|s| matches!(lookup(model.root, s, &[name]), Lookup::Found(_)))
}

/// What the arguments of one extension are checked against: the operation it is in (`source`),
/// the one it invokes (`target`), whether the rules about body properties are its own (no sibling
/// `-list` or `-properties`), and their names (non-parameter, ambiguous).
struct Invocation<'m, 'a> {
    model: &'m Model<'a>,
    source: Option<&'m Op<'a>>,
    target: &'m Op<'a>,
    needs_list: bool,
    rules: [&'static str; 2],
}

/// The arguments an extension passes to the operation it invokes.
fn arguments(call: &Invocation, at: &str, params: &Map<String, Value>, sink: &mut Sink) {
    let (model, target) = (call.model, call.target);
    let file = model.file;
    let at_params = format!("{at}/parameters");
    for (name, arg) in params {
        let here = crate::connector::json::pointer(&[name.as_str()]);
        let here = format!("{at_params}{here}");
        let target_param: Option<&Param> = target.effective().find(|p| p.name() == name.as_str());
        if target_param.is_none() && !name.contains('/') && !body_property(model, target, name) {
            sink.at(
                "parameter-name-not-found",
                file,
                &here,
                format!("{} has no parameter \"{name}\"", target.label),
            );
        }
        if target_param.is_some_and(|p| p.location() != "body") && body_property(model, target, name) {
            sink.at(
                "parameter-name-ambiguous",
                file,
                &here,
                format!("\"{name}\" is both a parameter of {} and a property of its body", target.label),
            );
        }
        match arg.get("parameter").and_then(Value::as_str) {
            Some(reference) => passed_parameter(call, name, &here, reference, target_param, sink),
            None => static_value(call, name, &here, arg, target_param, sink),
        }
    }
}

/// An argument that passes a parameter of the source operation: it exists, is not ambiguous, and
/// fits the target's type, requirement and visibility.
fn passed_parameter(call: &Invocation, name: &str, here: &str, reference: &str, target_param: Option<&Param>, sink: &mut Sink) {
    let (model, target, needs_list, rules) = (call.model, call.target, call.needs_list, call.rules);
    let (file, root) = (model.file, model.root);
    let Some(source) = call.source else {
        return;
    };
    let target_kind = target_param.and_then(|p| p.kind(root));
    let target_required = target_param.is_some_and(|p| p.required());
    let source_param = source.effective().find(|p| p.name() == reference);
    if reference.contains('/') {
        if needs_list {
            sink.at(
                rules[0],
                file,
                &format!("{here}/parameter"),
                format!("\"{reference}\" refers to a property within a parameter"),
            );
        }
        return;
    }
    let in_body = body_property(model, source, reference);
    match source_param {
        None if !in_body => sink.at(
            "parameter-name-not-found",
            file,
            &format!("{here}/parameter"),
            format!("{} has no parameter \"{reference}\"", source.label),
        ),
        Some(p) if in_body && p.location() != "body" && needs_list => sink.at(
            rules[1],
            file,
            &format!("{here}/parameter"),
            format!("\"{reference}\" is both a parameter of {} and a property of its body", source.label),
        ),
        _ => {}
    }
    let Some(sp) = source_param else {
        return;
    };
    if let (Some(s), Some(t)) = (sp.kind(root), target_kind) {
        if s != t && !(s == "integer" && t == "number") {
            sink.at(
                "parameter-type-mismatch",
                file,
                &format!("{here}/parameter"),
                format!("\"{reference}\" is {s}, but {} takes \"{name}\" as {t}", target.label),
            );
        }
    }
    if target_required && !sp.required() && sp.get("default").is_none() {
        sink.at(
            "parameter-required-mismatch",
            file,
            &format!("{here}/parameter"),
            format!(
                "{} requires \"{name}\", but \"{reference}\" of {} is optional",
                target.label, source.label
            ),
        );
    }
    if sp.internal() && !source.internal() {
        sink.at(
            "source-parameter-internal",
            file,
            &format!("{here}/parameter"),
            format!("\"{reference}\" of {} is internal, so the maker never sets it", source.label),
        );
    }
}

/// An argument that is a static value: it fits the target parameter's type.
fn static_value(call: &Invocation, name: &str, here: &str, arg: &Value, target_param: Option<&Param>, sink: &mut Sink) {
    let target = call.target;
    let target_kind = target_param.and_then(|p| p.kind(call.model.root));
    let value = match arg {
        Value::Object(o) => match o.get("value") {
            Some(v) => v,
            None => return,
        },
        other => other,
    };
    if let Some(t) = target_kind {
        if !matches_type(value, t) {
            sink.at(
                "parameter-static-type-mismatch",
                call.model.file,
                here,
                format!(
                    "{} takes \"{name}\" as {t}, but the static value {value} is {}",
                    target.label,
                    json_type(value)
                ),
            );
        }
    }
}

/// Every required parameter of the invoked operation must be passed (a default or an internal
/// value stands in for one), whether or not the extension has `parameters` at all.
fn required_arguments(model: &Model, at: &str, target: &Op, params: Option<&Value>, sink: &mut Sink) {
    let given = params.and_then(Value::as_object);
    if params.is_some() && given.is_none() {
        return; // json-type says what `parameters` should be.
    }
    for p in target.effective() {
        if p.required()
            && p.get("default").is_none()
            && p.location() != "body"
            && p.def.is_some()
            && !given.is_some_and(|g| g.contains_key(p.name()))
        {
            let (here, how) = match given {
                Some(_) => (format!("{at}/parameters"), "which is not passed"),
                None => (at.to_string(), "and the extension has no `parameters`"),
            };
            sink.at(
                "operation-missing-required-parameter",
                model.file,
                &here,
                format!("{} requires the parameter \"{}\", {how}", target.label, p.name()),
            );
        }
    }
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// The schema of one item of the list an extension reads: the items of the array at `key`
/// (`value-collection`, `itemsPath`) of the invoked operation's response, or of the response
/// itself when it is an array. `None` when the schema does not say.
fn item_schema<'a>(model: &Model<'a>, e: &Map<String, Value>, key: &str, target: &Op<'a>) -> Option<&'a Value> {
    let root = model.root;
    let response = target.success_schema(root)?;
    let list = match e.get(key).and_then(Value::as_str) {
        Some(path) => match lookup(root, response, &segments(path)) {
            Lookup::Found(s) => super::model::deref(root, s)?,
            _ => return None,
        },
        None => response,
    };
    if list.get("type").and_then(Value::as_str) != Some("array") {
        return None;
    }
    super::model::deref(root, list.get("items")?)
}

/// `value-path` and `value-title` (`itemValuePath`, `itemTitlePath`) must be properties of the
/// items the invoked operation returns.
fn item_paths(model: &Model, at: &str, e: &Map<String, Value>, collection_key: &str, keys: &[&str], target: &Op, sink: &mut Sink) {
    let Some(item) = item_schema(model, e, collection_key, target) else {
        return;
    };
    for key in keys {
        let Some(path) = e.get(*key).and_then(Value::as_str) else {
            continue;
        };
        // Names that differ only in case are let pass: an accepted connector (Dime.Scheduler)
        // reads "Name" from items that declare "name".
        if let Lookup::Missing = lookup_ignoring_case(model.root, item, &segments(path)) {
            sink.at(
                "invoked-operation-property",
                model.file,
                &format!("{at}/{key}"),
                format!("the items {} returns have no property at \"{path}\" (`{key}`)", target.label),
            );
        }
    }
}

/// `value-collection` (`itemsPath`) must be an array in the invoked operation's response.
fn collection(model: &Model, at: &str, e: &Map<String, Value>, key: &str, target: &Op, sink: &mut Sink) {
    let Some(schema) = target.success_schema(model.root) else {
        return;
    };
    // Without `value-collection` the response itself is the list; accepted connectors return
    // strings and objects there, so only an explicit path is checked.
    let Some(path) = e.get(key).and_then(Value::as_str) else {
        return;
    };
    let found = lookup(model.root, schema, &segments(path));
    let problem = match found {
        Lookup::Found(s) => match super::model::deref(model.root, s)
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
        {
            Some(t) if t != "array" => Some(format!("is {t}")),
            _ => None,
        },
        Lookup::Missing => Some("does not exist".into()),
        Lookup::Unknown => None,
    };
    if let Some(problem) = problem {
        let at = format!("{at}/{key}");
        sink.at(
            "invoked-operation-array",
            model.file,
            &at,
            format!("the response of {} at \"{path}\" {problem}; it must be an array", target.label),
        );
    }
}

/// `x-ms-dynamic-schema`: `value-path` must exist in the response; a path ending in `properties`
/// needs `x-ms-dynamic-properties` with the matching `itemValuePath`.
fn value_path(model: &Model, at: &str, e: &Map<String, Value>, target: &Op, holder: Option<&Map<String, Value>>, sink: &mut Sink) {
    let Some(path) = e.get("value-path").and_then(Value::as_str) else {
        return;
    };
    let here = format!("{at}/value-path");
    let segs = segments(path);
    if let Some(schema) = target.success_schema(model.root) {
        if let Lookup::Missing = lookup(model.root, schema, &segs) {
            sink.at(
                "invoked-operation-property",
                model.file,
                &here,
                format!("the response of {} has no property at \"{path}\"", target.label),
            );
        }
    }
    let ends_in_properties = segs.last() == Some(&"properties");
    let properties = holder.and_then(|h| h.get("x-ms-dynamic-properties"));
    if ends_in_properties && properties.is_none() {
        sink.at(
            "dynamic-properties-required-value-path",
            model.file,
            &here,
            format!("`value-path` \"{path}\" points to schema properties; add `x-ms-dynamic-properties`"),
        );
    }
    if let Some(item) = properties.and_then(|p| p.get("itemValuePath")).and_then(Value::as_str) {
        let expected = if ends_in_properties {
            segs[..segs.len() - 1].join("/")
        } else {
            segs.join("/")
        };
        if segments(item).join("/") != expected {
            let at = format!(
                "{}/x-ms-dynamic-properties/itemValuePath",
                at.rsplit_once('/').map(|(a, _)| a).unwrap_or("")
            );
            sink.at(
                "dynamic-properties-item-value-path",
                model.file,
                &at,
                format!("`itemValuePath` is \"{item}\"; with `value-path` \"{path}\" it must be \"{expected}\""),
            );
        }
    }
}
