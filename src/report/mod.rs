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
use crate::output::{paint, DIM, ERROR, HEADER, WARNING};
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
