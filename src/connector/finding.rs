//! One place where one rule fires: the one `Finding` type of the folder's checks (`check`) and the
//! certification package's (`certification`), and its `Severity`. Here, below both, so that
//! both stages and the reports share it; the rule tables stay with their stages.

use super::Position;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One place where one rule fires.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The file name as in the folder (or the expected name when it is missing); for the
    /// certification package, the place inside the nested archives.
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// RFC 6901 pointer into the JSON file, when the finding is about one value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    pub message: String,
    pub fix: String,
    /// The Swagger Validator's own error name for this problem, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validator: Option<&'static str>,
    /// What the certification bot answers for the same problem (its message or policy code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot: Option<&'static str>,
    /// Already in the upstream version of the connector (see `check::Report::apply_baseline`):
    /// shown, counted, but it does not stop a run unless `--strict`.
    pub pre_existing: bool,
}

impl Finding {
    /// A finding with no pointer, no validator or bot citation, and not pre-existing: what the
    /// certification package's rules find (a place in an archive has no upstream version).
    pub fn at(rule: &'static str, severity: Severity, file: String, message: String, fix: String) -> Finding {
        Finding {
            rule,
            severity,
            file,
            position: None,
            pointer: None,
            message,
            fix,
            validator: None,
            bot: None,
            pre_existing: false,
        }
    }
}

/// Findings without their `pre_existing`, for a `--json` whose findings are never compared with
/// an upstream version (`package check`, `package build`: a certification package has none), so
/// that they hold the keys they always held. Use as `#[serde(serialize_with = ...)]`.
pub fn serialize_without_baseline<S: serde::Serializer>(findings: &[Finding], s: S) -> Result<S::Ok, S::Error> {
    let values = findings
        .iter()
        .map(|f| {
            let mut value = serde_json::to_value(f).map_err(serde::ser::Error::custom)?;
            if let Some(fields) = value.as_object_mut() {
                fields.shift_remove("pre_existing");
            }
            Ok(value)
        })
        .collect::<Result<Vec<_>, S::Error>>()?;
    s.collect_seq(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_field() -> Finding {
        Finding {
            rule: "r",
            severity: Severity::Warning,
            file: "f".into(),
            position: Some(Position { line: 2, column: 3 }),
            pointer: Some("/a".into()),
            message: "m".into(),
            fix: "x".into(),
            validator: Some("V"),
            bot: Some("B"),
            pre_existing: true,
        }
    }

    #[test]
    fn without_baseline_is_the_finding_less_pre_existing() {
        let at = Finding::at("r", Severity::Error, "f".into(), "m".into(), "x".into());
        let mut out = serde_json::Serializer::new(Vec::new());
        serialize_without_baseline(&[every_field(), at], &mut out).unwrap();
        // The keys of the finding in their order, the skipped ones left out, no `pre_existing`.
        assert_eq!(
            String::from_utf8(out.into_inner()).unwrap(),
            r#"[{"rule":"r","severity":"warning","file":"f","position":{"line":2,"column":3},"pointer":"/a","message":"m","fix":"x","validator":"V","bot":"B"},{"rule":"r","severity":"error","file":"f","message":"m","fix":"x"}]"#
        );
    }
}
