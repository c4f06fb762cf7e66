//! One serializable report per command: the command builds it from its stages' results, and both
//! its human output and its `--json` are drawn from it, so the two cannot disagree.

pub mod config;
pub mod deploy;
pub mod download;
pub mod findings;
pub mod fork;
pub mod init;
pub mod login;
pub mod package;
pub mod search;
pub mod status;
pub mod submit;
pub mod sync;
pub mod validate;

use crate::check::{Report, Severity};
use crate::output::{paint, DIM, ERROR, GOOD, HEADER, WARNING};
use std::io::Write;

/// The validation's counts and findings, as `validate --json` and `submit --json` show them.
#[derive(Debug, serde::Serialize)]
pub struct ValidationSummary<'a> {
    pub errors: usize,
    pub warnings: usize,
    /// Errors that stop a submission (with `--strict`, pre-existing ones too).
    pub blocking: usize,
    pub pre_existing: usize,
    pub baseline: &'a Option<String>,
    pub findings: &'a [crate::check::Finding],
}

impl<'a> ValidationSummary<'a> {
    pub fn new(report: &'a Report, strict: bool) -> Self {
        ValidationSummary {
            errors: report.errors(),
            warnings: report.warnings(),
            blocking: report.blocking(strict),
            pre_existing: report.pre_existing(),
            baseline: &report.baseline,
            findings: &report.findings,
        }
    }
}

/// Write `report` as pretty JSON, one document and a newline.
pub fn write_json(report: &impl serde::Serialize, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)?;
    Ok(())
}

/// Write `report` as compact JSON on one line (`logout --json`, each change of `status --watch
/// --json`).
pub fn write_json_line(report: &impl serde::Serialize, out: &mut dyn Write) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, report)?;
    writeln!(out)?;
    Ok(())
}

/// A line on stderr the run goes on after (the stages write theirs with the same function).
pub use crate::output::write_notice;

/// A line on stderr saying why the run stopped: `stopped:` in red, or in green when stopping is
/// the good outcome (nothing to submit).
pub fn write_stopped(why: impl std::fmt::Display, good: bool, err: &mut dyn Write) -> std::io::Result<()> {
    let style = if good { GOOD } else { ERROR };
    writeln!(err, "{} {why}", paint(style, "stopped:"))
}

/// A progress line on stderr, dimmed.
pub fn write_progress(text: impl std::fmt::Display, err: &mut dyn Write) -> std::io::Result<()> {
    writeln!(err, "{}", paint(DIM, text))
}

/// Findings the upstream version already has, grouped by rule with a count: shown so they can be
/// fixed, and said not to block (unless `--strict`).
pub fn print_pre_existing(report: &Report, strict: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let old: Vec<_> = report.findings.iter().filter(|f| f.pre_existing).collect();
    if old.is_empty() {
        return Ok(());
    }
    let mut by_rule: std::collections::BTreeMap<(&str, Severity), usize> = std::collections::BTreeMap::new();
    for f in &old {
        *by_rule.entry((f.rule, f.severity)).or_default() += 1;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint(
            HEADER,
            format!(
                "Pre-existing: {} finding{} already in {} ({})",
                old.len(),
                if old.len() == 1 { "" } else { "s" },
                report.baseline.as_deref().unwrap_or("upstream"),
                if strict {
                    "they block: --strict"
                } else {
                    "not introduced by this change; they do not block"
                }
            )
        )
    )?;
    for ((rule, severity), n) in by_rule {
        let label = match severity {
            Severity::Error => paint(ERROR, "error"),
            Severity::Warning => paint(WARNING, "warning"),
        };
        writeln!(
            out,
            "  {n:>4} × {label}[{rule}] {}",
            paint(DIM, crate::check::rules::rule(rule).message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `write` puts on a pipe (anstream strips the styles there).
    fn text(write: impl FnOnce(&mut Vec<u8>) -> anyhow::Result<()>) -> String {
        let mut err = Vec::new();
        write(&mut err).unwrap();
        anstream::adapter::strip_str(&String::from_utf8(err).unwrap()).to_string()
    }

    #[test]
    fn stderr_lines_carry_their_label() {
        assert_eq!(text(|e| Ok(write_notice("note:", "offline", e)?)), "note: offline\n");
        assert_eq!(text(|e| Ok(write_stopped("a duplicate", false, e)?)), "stopped: a duplicate\n");
        assert_eq!(text(|e| Ok(write_progress("pushing", e)?)), "pushing\n");
        let breaking = vec!["the operation GetItem was removed".to_string()];
        assert_eq!(
            text(|e| deploy::write_breaking("shared_x", &breaking, e)),
            "breaking: this update breaks what users of shared_x built on the deployed version:\n  \
             - the operation GetItem was removed\n"
        );
        let line = serde_json::json!({"a": 1});
        assert_eq!(text(|e| write_json_line(&line, e)), "{\"a\":1}\n");
    }
}
