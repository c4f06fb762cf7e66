//! `fork sync` and `cleanup`: their reports, for the terminal and for `--json`.

use crate::output::{paint, DIM, ERROR, GOOD, HEADER};
use crate::publish::github::fork::Synced;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub fork: String,
    pub branch: String,
    pub upstream: String,
    #[serde(flatten)]
    pub synced: Synced,
    /// What to do about a refusal.
    pub advice: Option<String>,
}

impl SyncReport {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        match &self.synced {
            Synced::Synced { merge_type, message } => {
                let what = match merge_type.as_str() {
                    "none" => "already up to date with".to_string(),
                    "fast-forward" => "fast-forwarded to".to_string(),
                    other => format!("brought up to date ({other}) with"),
                };
                writeln!(
                    out,
                    "{} {}:{} {what} {}:{}",
                    paint(GOOD, "synced"),
                    self.fork,
                    self.branch,
                    self.upstream,
                    self.branch
                )?;
                if !message.is_empty() {
                    writeln!(out, "{}", paint(DIM, format!("GitHub: {message}")))?;
                }
            }
            Synced::Refused { status, message } => {
                writeln!(
                    out,
                    "{} GitHub refused to sync {}:{} ({status} {message})",
                    paint(ERROR, "not synced:"),
                    self.fork,
                    self.branch
                )?;
                if let Some(advice) = &self.advice {
                    writeln!(out, "{advice}")?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CleanupReport {
    pub fork: Option<String>,
    pub dry_run: bool,
    pub branches: Vec<BranchLine>,
    /// Set when the deleting stopped part-way: why (the error), and after which branch. The
    /// branches after it are `not_tried`.
    pub stopped: Option<Stopped>,
}

/// Why `cleanup` stopped deleting.
#[derive(Debug, Clone, Serialize)]
pub struct Stopped {
    /// The branch whose DELETE (or re-read) failed.
    pub branch: String,
    pub error: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchLine {
    pub name: String,
    pub sha: String,
    /// The pull requests from the branch: `#12 merged`.
    pub pulls: Vec<String>,
    /// delete, deleted, kept, gone (already deleted), failed (GitHub refused or the call
    /// failed; the branch is still there as far as is known), not_tried (cleanup stopped before it).
    pub action: String,
    /// Why it is kept, failed or not tried.
    pub reason: Option<String>,
}

impl CleanupReport {
    pub fn candidates(&self) -> impl Iterator<Item = &BranchLine> {
        self.branches.iter().filter(|b| b.action == "delete")
    }

    fn count(&self, action: &str) -> usize {
        self.branches.iter().filter(|b| b.action == action).count()
    }

    /// Some branch could not be deleted (failed) or was not tried.
    pub fn incomplete(&self) -> bool {
        self.count("failed") + self.count("not_tried") > 0
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(fork) = &self.fork else {
            writeln!(out, "You have no fork of the upstream repository: nothing to clean up.")?;
            return Ok(());
        };
        writeln!(out, "{}", paint(HEADER, format!("Branches of {fork}")))?;
        for b in &self.branches {
            let prs = if b.pulls.is_empty() {
                String::new()
            } else {
                format!(" ({})", b.pulls.join(", "))
            };
            let action = match b.action.as_str() {
                "delete" if self.dry_run => paint(GOOD, "would delete"),
                "delete" => paint(GOOD, "to delete"),
                "deleted" => paint(GOOD, "deleted"),
                "gone" => paint(DIM, "already gone"),
                "failed" => paint(ERROR, "NOT deleted"),
                "not_tried" => paint(ERROR, "not tried"),
                other => paint(DIM, other),
            };
            let why = b.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
            writeln!(out, "  {action:<12} {}{prs}{why}", crate::connector::name::printable(&b.name))?;
        }
        if self.dry_run {
            writeln!(out, "Dry run: nothing was deleted.")?;
        }
        let (deleted, failed, untried) = (self.count("deleted"), self.count("failed"), self.count("not_tried"));
        if failed + untried > 0 {
            writeln!(
                out,
                "{} {deleted} branch{} deleted; {failed} could not be deleted; {untried} not tried.",
                paint(ERROR, "Cleanup is incomplete:"),
                if deleted == 1 { "" } else { "es" },
            )?;
            match &self.stopped {
                Some(stop) => writeln!(
                    out,
                    "It stopped at {}: {} Run `connector-publish cleanup` again once that is fixed; it judges every branch afresh.",
                    crate::connector::name::printable(&stop.branch),
                    stop.error
                )?,
                None => writeln!(
                    out,
                    "It went on past the branches GitHub refused; the others were deleted as listed."
                )?,
            }
        }
        Ok(())
    }
}
