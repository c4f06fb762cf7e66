//! What `validate --online`, `create` and `update` report: the service's own validation of the
//! swagger next to the offline findings, and what a deployment did.

use crate::check::Finding;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, HEADER, WARNING};
use std::io::Write;
use std::path::PathBuf;

/// One line of the service's answer, and the offline rules that name the same problem.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ServiceLine {
    pub text: String,
    /// The Swagger Validator error names in the line that an offline rule knows.
    pub validators: Vec<&'static str>,
    /// The offline findings' rules that report the same (empty: no offline rule covers it).
    pub offline_rules: Vec<&'static str>,
}

/// `validate --online`: what the service said about the swagger (with certification rules), when,
/// and where it and the offline rules disagree.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OnlineValidation {
    /// The Power Apps service asked.
    pub service: String,
    /// When it answered (UTC, RFC 3339).
    pub validated_at: String,
    /// The service found nothing.
    pub valid: bool,
    pub messages: Vec<ServiceLine>,
    /// One sentence per disagreement.
    pub disagreements: Vec<String>,
}

/// On stderr before an update is asked about: what it breaks for the users of connector `id`.
pub fn write_breaking(id: &str, breaking_changes: &[String], err: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        err,
        "{} this update breaks what users of {id} built on the deployed version:",
        paint(WARNING, "breaking:")
    )?;
    for change in breaking_changes {
        writeln!(err, "  - {change}")?;
    }
    Ok(())
}

/// Whether a service line is an error (the service starts them with `Error`), not a warning.
pub fn is_error_line(line: &str) -> bool {
    line.trim_start().to_ascii_lowercase().starts_with("error")
}

impl OnlineValidation {
    /// Compare the service's lines with the offline findings. A line is covered when an offline
    /// finding carries one of the validator names it mentions; a finding with a validator name the
    /// service did not mention is one the service said nothing about.
    pub fn compare(service: &str, validated_at: String, lines: Vec<String>, findings: &[Finding]) -> OnlineValidation {
        let mut messages = Vec::new();
        let mut disagreements = Vec::new();
        let mut mentioned: std::collections::HashSet<&'static str> = std::collections::HashSet::new();
        for text in lines {
            let validators: Vec<&'static str> = super::status::matching_rules(&text).into_iter().map(|m| m.validator).collect();
            mentioned.extend(validators.iter().copied());
            let mut offline_rules: Vec<&'static str> = findings
                .iter()
                .filter(|f| f.validator.is_some_and(|v| validators.contains(&v)))
                .map(|f| f.rule)
                .collect();
            offline_rules.sort_unstable();
            offline_rules.dedup();
            if offline_rules.is_empty() {
                disagreements.push(format!("the service reports \"{}\", which no offline rule covers", text.trim()));
            }
            messages.push(ServiceLine {
                text,
                validators,
                offline_rules,
            });
        }
        let mut said_nothing: Vec<&'static str> = Vec::new();
        for f in findings {
            let Some(validator) = f.validator else { continue };
            if f.pre_existing || mentioned.contains(validator) || said_nothing.contains(&f.rule) {
                continue;
            }
            said_nothing.push(f.rule);
            let at = match f.position {
                Some(p) => format!("{}:{}:{}", f.file, p.line, p.column),
                None => f.file.clone(),
            };
            disagreements.push(format!(
                "offline rule {} fired ({validator}, at {at}), the service said nothing",
                f.rule
            ));
        }
        OnlineValidation {
            service: service.to_string(),
            validated_at,
            valid: messages.is_empty(),
            messages,
            disagreements,
        }
    }

    /// On stderr before the submission's report: when the service validated, and its summary.
    pub fn write_validated(&self, err: &mut dyn Write) -> anyhow::Result<()> {
        writeln!(
            err,
            "{} Power Platform validated the swagger at {}: {}",
            paint(DIM, "online:"),
            self.validated_at,
            self.summary()
        )?;
        Ok(())
    }

    /// One line for the pull request: what the service said, and when.
    pub fn summary(&self) -> String {
        let errors = self.messages.iter().filter(|m| is_error_line(&m.text)).count();
        let said = match (self.messages.len(), errors) {
            (0, _) => "validated, no messages".to_string(),
            (n, 0) => format!("validated, {n} warning(s)"),
            (n, e) => format!("{e} error(s), {} warning(s)", n - e),
        };
        format!("{said} ({} UTC)", self.validated_at.trim_end_matches('Z').replace('T', " "))
    }

    /// The service reported an error.
    pub fn has_errors(&self) -> bool {
        self.messages.iter().any(|m| is_error_line(&m.text))
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            paint(
                HEADER,
                format!("The service's validation ({}, {})", self.service, self.validated_at)
            )
        )?;
        if self.valid {
            writeln!(out, "  {} the service validated the swagger: no messages", paint(GOOD, "✓"))?;
        }
        for m in &self.messages {
            let style = if is_error_line(&m.text) { ERROR } else { WARNING };
            let rules = if m.offline_rules.is_empty() {
                String::new()
            } else {
                paint(DIM, format!("  (offline: {})", m.offline_rules.join(", ")))
            };
            writeln!(out, "  {}{rules}", paint(style, m.text.trim()))?;
        }
        if !self.disagreements.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", paint(EMPHASIS, "Where the service and the offline rules disagree:"))?;
            for d in &self.disagreements {
                writeln!(out, "  - {d}")?;
            }
        }
        Ok(())
    }
}

/// What `create` or `update` did.
#[derive(Debug, serde::Serialize)]
pub struct DeployReport {
    /// `created` or `updated`.
    pub action: &'static str,
    pub environment: String,
    pub connector_id: String,
    pub display_name: Option<String>,
    /// The offline validation's counts (it ran before anything was sent).
    pub offline_errors: usize,
    pub offline_warnings: usize,
    /// The service's messages about the swagger (its validation without certification rules).
    pub service_messages: Vec<String>,
    /// update: the breaking changes against what was deployed.
    pub breaking_changes: Vec<String>,
    pub icon_uploaded: bool,
    pub script_uploaded: bool,
    /// create: where paconn's settings.json was written (`None`: it was not).
    pub settings: Option<PathBuf>,
}

impl DeployReport {
    pub fn write(&self, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
        if json {
            return super::write_json(self, out);
        }
        let name = self.display_name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
        writeln!(
            out,
            "{} {} {name}({}) in {}",
            paint(GOOD, "✓"),
            self.action,
            self.connector_id,
            self.environment
        )?;
        let files = match (self.icon_uploaded, self.script_uploaded) {
            (true, true) => "icon and script uploaded",
            (true, false) => "icon uploaded, no script",
            (false, true) => "script uploaded, no icon",
            (false, false) => "no icon, no script",
        };
        writeln!(out, "  {files}")?;
        for m in &self.service_messages {
            writeln!(out, "  {} {}", paint(WARNING, "service:"), m.trim())?;
        }
        if let Some(settings) = &self.settings {
            writeln!(out, "  wrote {} (paconn's format; it holds no secret)", settings.display())?;
        }
        writeln!(
            out,
            "next: test every operation in the maker portal (Custom connectors → {} → Test), then `connector-publish update` after changes, and `connector-publish submit --dry-run`",
            self.display_name.as_deref().unwrap_or(&self.connector_id)
        )?;
        Ok(())
    }
}
