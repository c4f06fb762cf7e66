//! What `submit` reports: the validation, the category, the duplicate search, the plan, the diff,
//! the pull request's text, why a real run would stop, and after a real run the pull request.

use super::ValidationSummary;
use crate::catalog::Verdict;
use crate::check::Severity;
use crate::connector::name::printable;
use crate::connector::Category;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, HEADER, WARNING};
use crate::plan::diff::FileDiff;
use crate::plan::submission::{Stop, Submission};
use crate::plan::{Excluded, FileChange, Kind, PlannedFile};
use crate::publish::github::{ForkState, PublishOutcome};
use crate::secrets::Masker;
use std::io::Write;
use std::path::Path;

/// The report. Secrets are masked in everything it holds (diff, title, body).
#[derive(Debug, serde::Serialize)]
pub struct SubmitReport<'a> {
    pub dry_run: bool,
    pub category: Category,
    pub category_reason: &'a str,
    pub folder: String,
    pub kind: Kind,
    pub branch: &'a str,
    pub base_branch: &'a str,
    pub base_commit: String,
    pub fork: &'a ForkState,
    /// The plan's files, their names masked where a name holds a credential.
    pub files: Vec<PlannedFile>,
    pub excluded: &'a [Excluded],
    pub validation: ValidationSummary<'a>,
    pub duplicates: &'a [crate::catalog::Candidate],
    pub breaking_changes: &'a Option<Vec<String>>,
    pub diff: Vec<FileDiff>,
    pub title: String,
    pub body: String,
    pub patch: Option<&'a Path>,
    pub patch_masked: usize,
    pub would_stop: Option<&'a str>,
    /// An independent publisher's certification package: its check, what the certification bot
    /// would answer, and where Microsoft's form and identity check go (the email masked when it
    /// looks like a secret).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification_package: Option<crate::check::IpPackage>,
    /// Whether the token's account may update the connector (independent publisher updates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher_account: Option<crate::publish::github::publisher::PublisherAccount>,
    /// After a real run: the pull request opened or found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<PublishOutcome>,
    #[serde(skip)]
    pub context: Context<'a>,
}

/// What the human output says beyond the JSON.
#[derive(Debug)]
pub struct Context<'a> {
    pub submission: &'a Submission,
    pub stop: Option<&'a Stop>,
    /// The connector folder (for the commands suggested next).
    pub path: &'a Path,
    pub strict: bool,
    pub allow_duplicate: Option<&'a str>,
    pub dry_run: bool,
    pub base_branch: &'a str,
    pub patch: Option<&'a Path>,
}

impl<'a> SubmitReport<'a> {
    /// The report; secrets are masked in the title and the body here (the diff comes masked).
    pub fn new(
        context: Context<'a>,
        fork: &'a ForkState,
        diff: Vec<FileDiff>,
        (title, body): (&str, &str),
        masker: &Masker,
        patch_masked: usize,
    ) -> Self {
        let sub = context.submission;
        let r = &sub.validation.report;
        SubmitReport {
            dry_run: context.dry_run,
            category: sub.plan.target.category,
            category_reason: &sub.category_reason,
            folder: sub.plan.target.folder(),
            kind: sub.plan.target.kind,
            branch: &sub.branch,
            base_branch: context.base_branch,
            base_commit: sub.plan.base_commit.to_string(),
            fork,
            files: sub
                .plan
                .files
                .iter()
                .map(|f| PlannedFile {
                    name: masker.text(&f.name).into_owned(),
                    source: f.source.as_deref().map(|s| masker.text(s).into_owned()),
                    ..f.clone()
                })
                .collect(),
            excluded: &sub.plan.excluded,
            validation: ValidationSummary::new(r, context.strict),
            duplicates: &sub.candidates,
            breaking_changes: &sub.breaking,
            diff,
            title: masker.text(title).into_owned(),
            body: masker.text(body).into_owned(),
            patch: context.patch,
            patch_masked,
            would_stop: context.stop.map(|s| s.why.as_str()),
            certification_package: sub.ip_package.clone().map(|mut p| {
                p.contact_email = p.contact_email.map(|e| masker.text(&e).into_owned());
                p
            }),
            publisher_account: None,
            pull_request: None,
            context,
        }
    }

    /// The report before anything public happens.
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        self.validation_lines(out)?;
        writeln!(out, "{} {} ({})", paint(EMPHASIS, "Category:"), self.category, self.category_reason)?;
        self.certification_lines(out)?;
        if let Some(account) = &self.publisher_account {
            let style = if account.mismatch { WARNING } else { DIM };
            writeln!(out, "{} {}", paint(EMPHASIS, "Publisher account:"), paint(style, &account.message))?;
        }
        self.readme_line(out)?;
        self.duplicates_lines(out)?;
        self.breaking_lines(out)?;
        writeln!(out)?;
        self.plan_lines(out)?;
        writeln!(out)?;
        self.diff_lines(out)?;
        writeln!(out)?;
        writeln!(out, "{} {}", paint(HEADER, "Pull request:"), self.title)?;
        writeln!(out, "{}", self.body)?;
        Ok(())
    }

    /// The validation's summary, its new errors, the pre-existing ones and where the warnings are.
    fn validation_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let report = &self.context.submission.validation.report;
        let summary_style = if self.validation.blocking > 0 {
            ERROR
        } else if report.findings.iter().any(|f| !f.pre_existing) {
            WARNING
        } else {
            GOOD
        };
        writeln!(out, "{} {}", paint(EMPHASIS, "Validation:"), paint(summary_style, report.summary()))?;
        for f in report.findings.iter().filter(|f| f.severity == Severity::Error && !f.pre_existing) {
            let at = f.position.map(|pos| format!(":{}:{}", pos.line, pos.column)).unwrap_or_default();
            writeln!(out, "  {}{at}: {} [{}]", printable(&f.file), f.message, f.rule)?;
        }
        super::print_pre_existing(report, self.context.strict, out)?;
        if report.warnings() > 0 {
            writeln!(
                out,
                "  {}",
                paint(
                    DIM,
                    format!("(warnings: `connector-publish validate {}`)", self.context.path.display())
                )
            )?;
        }
        Ok(())
    }

    /// An independent publisher's certification package: its check and the bot's answer.
    fn certification_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(p) = &self.certification_package else {
            return Ok(());
        };
        let file = match (&p.file, p.size) {
            (Some(f), Some(size)) => format!("{} ({size} bytes): ", printable(f)),
            _ => String::new(),
        };
        writeln!(out, "{} {file}{}", paint(EMPHASIS, "Certification package:"), p.result)?;
        let style = if p.bot_answer.starts_with(crate::certification::bot::BOT_SUCCESS) {
            GOOD
        } else {
            WARNING
        };
        writeln!(
            out,
            "  on `certify-connector`, the certification bot would answer: {}",
            paint(style, format!("\"{}\"", p.bot_answer))
        )?;
        if let Some(email) = &p.contact_email {
            writeln!(
                out,
                "  Microsoft's form and the OneVet identity check go to {email} (the swagger's contact email)"
            )?;
        }
        Ok(())
    }

    /// A readme generated from the swagger, and how many TODO lines it leaves.
    fn readme_line(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(readme) = &self.context.submission.generated_readme else {
            return Ok(());
        };
        let todos = crate::scaffold::todos(&String::from_utf8_lossy(readme)).len();
        let written = if self.dry_run {
            "not written: dry run"
        } else {
            "written to your folder"
        };
        writeln!(
            out,
            "{} generated from the swagger ({written}); {todos} TODO line(s) to fill in",
            paint(EMPHASIS, "Readme:")
        )?;
        Ok(())
    }

    /// The duplicate search's best candidate, and `--allow-duplicate`'s reason.
    fn duplicates_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(c) = self.duplicates.first() else {
            writeln!(out, "{} no connector upstream serves this API", paint(EMPHASIS, "Duplicates:"))?;
            return Ok(());
        };
        let (label, style) = if c.verdict == Verdict::Duplicate {
            ("duplicate", ERROR)
        } else {
            ("related", WARNING)
        };
        writeln!(
            out,
            "{} {} {} ({})",
            paint(EMPHASIS, "Duplicates:"),
            paint(style, label),
            c.label(),
            c.evidence.join("; ")
        )?;
        if let (Verdict::Duplicate, Some(reason)) = (c.verdict, self.context.allow_duplicate) {
            writeln!(out, "  proceeding anyway (--allow-duplicate): {reason}")?;
        }
        Ok(())
    }

    /// An update's breaking changes, when they were looked for.
    fn breaking_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(breaking) = self.breaking_changes else {
            return Ok(());
        };
        if breaking.is_empty() {
            writeln!(out, "{} none found", paint(EMPHASIS, "Breaking changes:"))?;
        } else {
            writeln!(out, "{} {}", paint(EMPHASIS, "Breaking changes:"), paint(WARNING, breaking.len()))?;
            for b in breaking {
                writeln!(out, "  - {b}")?;
            }
        }
        Ok(())
    }

    /// The plan: fork, branch, folder, and each file submitted or left out.
    fn plan_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        writeln!(out, "{}", paint(HEADER, "Plan"))?;
        writeln!(out, "  fork:   {}", self.fork.describe())?;
        writeln!(
            out,
            "  branch: {} from {} at {}",
            self.branch,
            self.base_branch,
            &self.base_commit[..12]
        )?;
        writeln!(
            out,
            "  folder: {} ({})",
            self.folder,
            if self.kind == Kind::New { "new" } else { "update" }
        )?;
        for f in &self.files {
            let unusual = if f.package {
                paint(EMPHASIS, "  (the certification package)")
            } else if f.unusual {
                paint(WARNING, "  (unusual file: check it belongs in the PR)")
            } else {
                String::new()
            };
            writeln!(
                out,
                "    {} {:<40} {:>9} bytes{unusual}",
                change_mark(f.change),
                printable(&f.name),
                f.size
            )?;
        }
        for e in self.excluded {
            writeln!(
                out,
                "    {} {:<40} not submitted: {}",
                paint(DIM, "x"),
                printable(&e.name),
                e.reason
            )?;
        }
        Ok(())
    }

    /// The diff, file by file, with how many secrets were masked in it.
    fn diff_lines(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        writeln!(out, "{}", paint(HEADER, "Diff"))?;
        let masked: usize = self.diff.iter().map(|d| d.masked).sum();
        if masked > 0 {
            writeln!(
                out,
                "{}",
                paint(WARNING, format!("({masked} secret(s) masked below, shown as prefix…(length))"))
            )?;
        }
        for d in &self.diff {
            match (&d.unified, &d.summary) {
                (Some(text), _) => crate::output::write_diff(out, text)?,
                (None, Some(summary)) => writeln!(out, "{} {} {summary}", paint(EMPHASIS, "~"), d.path)?,
                (None, None) => writeln!(
                    out,
                    "{} binary file {} ({} -> {} bytes)",
                    paint(EMPHASIS, "~"),
                    d.path,
                    d.old_size,
                    d.new_size
                )?,
            }
        }
        Ok(())
    }

    /// The dry run's last line: what was written (nothing, or the patch) and what a real run
    /// would do.
    pub fn dry_run_end(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let nothing_written = match self.patch {
            Some(p) if p.as_os_str() == "-" => "nothing was written (the patch went to standard output).".to_string(),
            Some(p) => format!("nothing was written but the patch, {}.", p.display()),
            None => "nothing was written.".to_string(),
        };
        match self.context.stop {
            Some(stop) if stop.kind != crate::plan::submission::StopKind::NothingToSubmit => writeln!(
                out,
                "\n{} {nothing_written} A real run would stop here: {}.",
                paint(WARNING, "Dry run:"),
                stop.why
            )?,
            Some(stop) => writeln!(out, "\n{} {nothing_written} {}.", paint(GOOD, "Dry run:"), stop.why)?,
            None if matches!(self.fork, ForkState::Exists { open_pull_request: Some(_), .. }) => writeln!(
                out,
                "\n{} {nothing_written} A real run would add a commit to `{}` and update the generated part of its pull request's description.",
                paint(GOOD, "Dry run:"),
                self.branch
            )?,
            None => writeln!(
                out,
                "\n{} {nothing_written} A real run would push `{}` and open the pull request.",
                paint(GOOD, "Dry run:"),
                self.branch
            )?,
        }
        Ok(())
    }

    /// After a real run: the pull request.
    pub fn published(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let Some(outcome) = &self.pull_request else {
            return Ok(());
        };
        if outcome.existing && outcome.pushed {
            writeln!(
                out,
                "{} a commit ({}) on `{}`, the branch of the open pull request {}",
                paint(GOOD, "Added"),
                &outcome.commit[..outcome.commit.len().min(12)],
                self.branch,
                outcome.url
            )?;
            if !outcome.kept_from_branch.is_empty() {
                writeln!(
                    out,
                    "Kept what others changed on the branch: {}",
                    outcome.kept_from_branch.join(", ")
                )?;
            }
            if outcome.body_updated {
                writeln!(
                    out,
                    "Updated the generated section of its description (the title and your own text are kept)."
                )?;
            }
            writeln!(
                out,
                "Next: `connector-publish status {}` follows its checks and reviews.",
                outcome.number
            )?;
        } else if outcome.existing {
            writeln!(out, "A pull request for `{}` is already open: {}", self.branch, outcome.url)?;
        } else {
            writeln!(out, "{} {}", paint(GOOD, "Opened"), outcome.url)?;
            writeln!(
                out,
                "Next: sign the Contributor License Agreement when the CLA bot asks on the pull request (https://cla.microsoft.com)."
            )?;
        }
        Ok(())
    }
}

fn change_mark(change: FileChange) -> &'static str {
    match change {
        FileChange::Added => "+",
        FileChange::Modified => "~",
        FileChange::Deleted => "-",
        FileChange::Unchanged => "=",
    }
}
