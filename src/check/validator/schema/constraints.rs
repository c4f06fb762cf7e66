//! Value constraints, shared by schemas and non-body parameters: `enum`, `default`, bounds,
//! lengths, counts, `pattern`, and `x-ms-enum-values`.

use super::{child, json_name, types, Cx, Kind};
use serde_json::{Map, Value};

/// `x-ms-enum-values` entries need a display name.
pub(super) fn enum_values(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
    if let Some(list) = obj.get("x-ms-enum-values").and_then(Value::as_array) {
        for (i, e) in list.iter().enumerate() {
            if e.get("displayName").and_then(Value::as_str).is_none_or(|d| d.trim().is_empty()) {
                cx.at(
                    "enum-values-display-name",
                    &format!("{}/{i}", child(at, "x-ms-enum-values")),
                    "this x-ms-enum-values entry has no `displayName`".into(),
                );
            }
        }
    }
}

/// Does `v` fit the declared type?
fn fits(ty: &str, v: &Value) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn number(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key).and_then(Value::as_f64)
}

/// Value constraints shared by schemas and non-body parameters.
pub(super) fn constraints(cx: &mut Cx, obj: &Map<String, Value>, at: &str, ty: Option<&str>) {
    constraint_types(cx, obj, at);
    if obj.get("enum").and_then(Value::as_array).is_some_and(Vec::is_empty) {
        cx.at("enum-empty", &child(at, "enum"), "`enum` is empty".into());
    }
    if let (Some(ty), Some(default)) = (ty, obj.get("default")) {
        if !fits(ty, default) {
            cx.at(
                "default-type",
                &child(at, "default"),
                format!("the default {default} is {}, but the type is \"{ty}\"", json_name(default)),
            );
        }
    }
    if number(obj, "multipleOf").is_some_and(|m| m <= 0.0) {
        cx.at(
            "multiple-of",
            &child(at, "multipleOf"),
            "`multipleOf` must be greater than zero".into(),
        );
    }
    bounds(cx, obj, at);
    if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
        if let Some(problem) = pattern_problem(p) {
            cx.at(
                "pattern-regex",
                &child(at, "pattern"),
                format!("the pattern \"{p}\" is not a valid regular expression: {problem}"),
            );
        }
    }
}

/// `json-type` for the constraint keywords.
fn constraint_types(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
    use Kind::*;
    types(
        cx,
        obj,
        at,
        &[
            ("enum", Arr),
            ("pattern", Str),
            ("multipleOf", Num),
            ("maximum", Num),
            ("minimum", Num),
            ("exclusiveMaximum", Bool),
            ("exclusiveMinimum", Bool),
            ("maxLength", Num),
            ("minLength", Num),
            ("maxItems", Num),
            ("minItems", Num),
            ("maxProperties", Num),
            ("minProperties", Num),
            ("uniqueItems", Bool),
            ("format", Str),
        ],
    );
}

/// Sizes and bounds: counts and lengths are not negative, a minimum is not above its maximum, and
/// an exclusive flag has its bound.
fn bounds(cx: &mut Cx, obj: &Map<String, Value>, at: &str) {
    for (key, rule) in [
        ("maxItems", "max-items-negative"),
        ("maxLength", "max-length-negative"),
        ("maxProperties", "max-properties-negative"),
        ("minItems", "min-items-negative"),
        ("minLength", "min-length-negative"),
        ("minProperties", "min-properties-negative"),
    ] {
        if let Some(n) = number(obj, key).filter(|n| *n < 0.0) {
            cx.at(rule, &child(at, key), format!("`{key}` is {n}; it must be zero or more"));
        }
    }
    for (low, high, rule) in [
        ("minimum", "maximum", "minimum-maximum"),
        ("minItems", "maxItems", "min-max-items"),
        ("minLength", "maxLength", "min-max-length"),
    ] {
        if let (Some(l), Some(h)) = (number(obj, low), number(obj, high)) {
            if l > h {
                cx.at(rule, &child(at, low), format!("`{low}` ({l}) is greater than `{high}` ({h})"));
            }
        }
    }
    for (flag, bound, rule) in [
        ("exclusiveMaximum", "maximum", "exclusive-maximum"),
        ("exclusiveMinimum", "minimum", "exclusive-minimum"),
    ] {
        if obj.contains_key(flag) && !obj.contains_key(bound) {
            cx.at(rule, &child(at, flag), format!("`{flag}` is given without `{bound}`"));
        }
    }
}

/// Why a `pattern` is clearly not a regular expression in any dialect, if it is not. Patterns
/// are ECMA 262 regular expressions; the `regex` crate's parser (regex-syntax) reads most of
/// them, and what it cannot read only because it does not support it (look-around,
/// backreferences, unknown escapes, `{` as a literal) is not called invalid.
pub(super) fn pattern_problem(p: &str) -> Option<String> {
    use regex_syntax::ast::{parse::Parser, ErrorKind};
    // `[]` and `[^]` are valid ECMA classes (match nothing / anything) that regex-syntax reads
    // as an unclosed class.
    if p.contains("[]") || p.contains("[^]") {
        return None;
    }
    let error = Parser::new().parse(p).err()?;
    let clear = matches!(
        error.kind(),
        ErrorKind::GroupUnclosed
            | ErrorKind::GroupUnopened
            | ErrorKind::ClassUnclosed
            | ErrorKind::ClassRangeInvalid
            | ErrorKind::RepetitionMissing
            | ErrorKind::RepetitionCountInvalid
            | ErrorKind::EscapeUnexpectedEof
    );
    clear.then(|| error.kind().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_in_ecma_syntax_are_not_errors() {
        for ok in [
            r"^\d{5}$",
            r"^(?=.*[a-z]).{8,}$",
            r"(\w)\1",
            r"^[^]$",
            r"a{",
            r"^\/api\/.*$",
            r"^(?<year>\d{4})$",
        ] {
            assert_eq!(pattern_problem(ok), None, "{ok}");
        }
        for bad in [r"^(abc$", r"abc)", r"[a-z", r"[z-a]", r"*abc", r"a{5,2}", "abc\\"] {
            assert!(pattern_problem(bad).is_some(), "{bad}");
        }
    }
}
