//! `package check` and `package build`: the certification package's report, for the terminal and
//! for `--json`.

use crate::certification::{self, archive::size, Report};
use crate::output::{paint, EMPHASIS, ERROR, GOOD, HEADER};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// What `package check` and `package build` report: the certification package's checks, the
/// counts, and for `build` the file it wrote or would have written. `--json` is the checks'
/// fields followed by `valid`, `errors`, `warnings` and `output`.
#[derive(Debug, Serialize)]
pub struct PackageReport<'a> {
    #[serde(flatten)]
    pub report: &'a Report,
    pub valid: bool,
    pub errors: usize,
    pub warnings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Output<'a>>,
}

/// The certification package `build` wrote (or, when it is not valid, did not write).
#[derive(Debug, Serialize)]
pub struct Output<'a> {
    pub path: &'a Path,
    pub written: bool,
    pub bytes: usize,
}

impl<'a> PackageReport<'a> {
    pub fn new(report: &'a Report, output: Option<Output<'a>>) -> Self {
        PackageReport {
            report,
            valid: report.errors() == 0,
            errors: report.errors(),
            warnings: report.warnings(),
            output,
        }
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let report = self.report;
        let what = if report.plugin {
            "connector, flow and AI plugin solutions"
        } else {
            "connector and flow solutions"
        };
        writeln!(out, "Checked {} ({what})", paint(EMPHASIS, &report.package))?;
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        writeln!(out, "  intro:     {}", show(&report.intro))?;
        writeln!(out, "  package:   {}", show(&report.deployer_package))?;
        writeln!(out, "  assets:    {}", show(&report.asset_folder))?;
        write_solutions(report, out)?;
        super::findings::write_findings(&report.findings, super::findings::Layout::Archive, out)?;
        write_comparison(report, out)?;
        writeln!(out)?;
        write_verdict(report, self.output.as_ref(), out)
    }
}

/// The solutions in the package, one line each: their kind, connectors and flows.
fn write_solutions(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    for (i, s) in report.solutions.iter().enumerate() {
        let kind = s.kind.map_or("unclassified".to_string(), |k| k.describe().to_string());
        let mut detail = Vec::new();
        if !s.connectors.is_empty() {
            detail.push(format!("connectors: {}", s.connectors.join(", ")));
        }
        if s.workflows > 0 {
            detail.push(format!("{} workflow{}", s.workflows, if s.workflows == 1 { "" } else { "s" }));
        }
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({})", detail.join("; "))
        };
        writeln!(
            out,
            "  {} {:<32} {kind}{detail}",
            if i == 0 { "solutions:" } else { "          " },
            crate::connector::name::printable(&s.file)
        )?;
    }
    Ok(())
}

/// Whether the connector solution's connector matches the folder it was compared with, and the
/// diff when it does not.
fn write_comparison(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(with) = &report.compared_with {
        writeln!(out)?;
        if report.diff.is_empty() {
            writeln!(
                out,
                "{} the connector solution's connector matches {with} (host, base path, operations, connection parameters)",
                paint(HEADER, "Compared:")
            )?;
        } else {
            writeln!(
                out,
                "{} the connector solution's connector differs from {with}; the reviewers ask for the two to match",
                paint(HEADER, "Compared:")
            )?;
            for d in &report.diff {
                if let Some(text) = &d.unified {
                    crate::output::write_diff(out, text)?;
                }
            }
        }
    }
    Ok(())
}

/// The last line: the counts, and what was written or what to do next.
fn write_verdict(report: &Report, built: Option<&Output>, out: &mut dyn Write) -> anyhow::Result<()> {
    let summary = format!(
        "{} error{}, {} warning{}",
        report.errors(),
        if report.errors() == 1 { "" } else { "s" },
        report.warnings(),
        if report.warnings() == 1 { "" } else { "s" }
    );
    match built {
        Some(Output { path, written: false, .. }) => writeln!(
            out,
            "{} ({summary}): {} was not written; fix the files named above and build again",
            paint(ERROR, "The package is not valid"),
            path.display()
        )?,
        Some(Output {
            path,
            written: true,
            bytes,
        }) => writeln!(
            out,
            "{} {} ({}; {summary}). Next: upload it in Partner Center.",
            paint(GOOD, "Wrote"),
            path.display(),
            size(*bytes as u64)
        )?,
        None if report.errors() > 0 => writeln!(
            out,
            "{} ({summary}). See {}",
            paint(ERROR, "The package is not valid"),
            certification::rules::LEARN
        )?,
        None => writeln!(
            out,
            "{} ({summary}). Next: upload it in Partner Center.",
            paint(GOOD, "The package is valid")
        )?,
    }
    Ok(())
}

/// What `package intro` reports: the intro.md it created with the lines still to fill in, or the
/// one it kept with what that one still lacks.
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntroReport<'a> {
    /// The folder has an intro.md already (`check`: what it lacks; none when it appeared while
    /// this one was being written, and was not read).
    Kept {
        file: &'a str,
        missing: &'a [&'static str],
        todo_count: usize,
    },
    /// intro.md was written: the lines (1-based, with their text) that still hold `TODO:`.
    Created { path: &'a Path, todo: Vec<(usize, &'a str)> },
}

impl IntroReport<'_> {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            IntroReport::Kept { file, missing, todo_count } => {
                super::init::write_kept(file, out)?;
                for section in *missing {
                    writeln!(out, "  - {file}: add a `## {section}` section")?;
                }
                if *todo_count > 0 {
                    writeln!(out, "  - {file}: {todo_count} line(s) still hold TODO:")?;
                }
            }
            IntroReport::Created { path, todo } => {
                super::init::write_created(path.display(), out)?;
                if !todo.is_empty() {
                    let items: Vec<String> = todo
                        .iter()
                        .map(|(line, text)| format!("intro.md:{line}: {}", text.trim()))
                        .collect();
                    super::init::write_still_to_fill_in(&items, out)?;
                }
                writeln!(
                    out,
                    "\nThen: connector-publish package build --intro {} --package <Package Deployer package .zip> -o <certification package .zip>",
                    path.display()
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as a pipe gets it (anstream strips the styles there).
    fn human(report: &IntroReport) -> String {
        let mut out = Vec::new();
        report.human(&mut out).unwrap();
        anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
    }

    #[test]
    fn intro_names_the_lines_still_to_fill_in_or_what_a_kept_file_lacks() {
        let created = IntroReport::Created {
            path: Path::new("c/intro.md"),
            todo: vec![(27, "  TODO: describe a first flow. ")],
        };
        assert_eq!(
            human(&created),
            "  created c/intro.md\n\
             \nStill to fill in:\n  - intro.md:27: TODO: describe a first flow.\n\
             \nThen: connector-publish package build --intro c/intro.md --package <Package Deployer package .zip> -o <certification package .zip>\n"
        );
        let kept = IntroReport::Kept {
            file: "Intro.md",
            missing: &["Prerequisites"],
            todo_count: 2,
        };
        assert_eq!(
            human(&kept),
            "  kept    Intro.md (existing files are never overwritten)\n  \
             - Intro.md: add a `## Prerequisites` section\n  \
             - Intro.md: 2 line(s) still hold TODO:\n"
        );
    }
}
