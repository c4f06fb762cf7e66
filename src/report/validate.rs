//! What `validate` reports: the category, the folder name, the files and the findings.

use super::ValidationSummary;
use crate::check::Validation;
use crate::connector::name::printable;
use crate::connector::{Category, KnownFile};
use crate::exit::Exit;
use crate::output::{paint, DIM, EMPHASIS, ERROR, GOOD, WARNING};
use std::io::Write;
use std::path::Path;

#[derive(Debug, serde::Serialize)]
pub struct FileEntry<'a> {
    pub name: &'a str,
    pub kind: Option<KnownFile>,
    pub bytes: usize,
}

#[derive(Debug, serde::Serialize)]
pub struct ValidateReport<'a> {
    pub path: &'a Path,
    pub category: Category,
    pub category_inferred: Category,
    pub category_reason: &'a str,
    /// `<category folder>/<Folder>` as it would be submitted, or why there is no name.
    pub folder: Option<String>,
    pub folder_error: Option<&'a String>,
    pub files: Vec<FileEntry<'a>>,
    #[serde(flatten)]
    pub validation_summary: ValidationSummary<'a>,
    /// An independent publisher's certification package: its check and what the certification bot
    /// would answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certification_package: Option<crate::check::IpPackage>,
    /// `--online`: what the service said, and where it disagrees with the findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<super::deploy::OnlineValidation>,
    #[serde(skip)]
    validation: &'a Validation,
    /// The category was given (`--category`), not inferred.
    #[serde(skip)]
    category_given: bool,
    #[serde(skip)]
    strict: bool,
}

impl<'a> ValidateReport<'a> {
    pub fn new(path: &'a Path, v: &'a Validation, category_given: bool, strict: bool) -> Self {
        ValidateReport {
            path,
            category: v.category,
            category_inferred: v.inference.category,
            category_reason: &v.inference.reason,
            folder: v.default_folder.as_ref().ok().map(|f| format!("{}/{f}", v.category.folder())),
            folder_error: v.default_folder.as_ref().err(),
            files: v
                .package
                .files
                .iter()
                .map(|f| FileEntry {
                    name: &f.name,
                    kind: f.kind,
                    bytes: f.bytes.len(),
                })
                .collect(),
            validation_summary: ValidationSummary::new(&v.report, strict),
            certification_package: None,
            online: None,
            validation: v,
            category_given,
            strict,
        }
    }

    /// The service's validation (`validate --online`), shown after the findings.
    pub fn with_online(mut self, online: super::deploy::OnlineValidation) -> Self {
        self.online = Some(online);
        self
    }

    pub fn exit(&self) -> Exit {
        if self.validation_summary.blocking > 0 || self.online.as_ref().is_some_and(|o| o.has_errors()) {
            Exit::Findings
        } else {
            Exit::Ok
        }
    }

    pub fn write(&self, json: bool, out: &mut dyn Write) -> anyhow::Result<()> {
        if json {
            super::write_json(self, out)
        } else {
            self.human(out)
        }
    }

    fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let v = self.validation;
        let how = if self.category_given {
            "as you asked".to_string()
        } else {
            format!("inferred: {}", self.category_reason)
        };
        writeln!(out, "Checked {} as {} ({how})", self.path.display(), paint(EMPHASIS, self.category))?;
        match (&self.folder, self.folder_error) {
            (Some(folder), _) => writeln!(out, "{}", paint(DIM, format!("It would be submitted as {folder}")))?,
            (None, Some(e)) => writeln!(out, "{}", paint(WARNING, format!("Folder name: {e}")))?,
            (None, None) => {}
        }
        if let Some(p) = &self.certification_package {
            let file = p.file.as_deref().map(|f| format!("{}: ", printable(f))).unwrap_or_default();
            writeln!(
                out,
                "{}",
                paint(
                    DIM,
                    format!(
                        "Certification package: {file}{}; the certification bot would answer \"{}\"",
                        p.result, p.bot_answer
                    )
                )
            )?;
        }
        super::findings::write_findings(&v.report.findings, super::findings::Layout::Folder, out)?;
        super::print_pre_existing(&v.report, self.strict, out)?;
        if let Some(online) = &self.online {
            online.human(out)?;
        }
        writeln!(out)?;
        let style = match (self.validation_summary.blocking, v.report.findings.iter().any(|f| !f.pre_existing)) {
            (0, false) => GOOD,
            (0, true) => WARNING,
            _ => ERROR,
        };
        writeln!(out, "{}", paint(style, v.report.summary()))?;
        Ok(())
    }
}
