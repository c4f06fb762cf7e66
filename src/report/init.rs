//! `init`: what it created around the connector, what it kept, and what a person must still
//! write. Its lines for created and kept files and for what is left are shared with
//! `package intro` (`report::package::IntroReport`).

use crate::connector::Category;
use crate::output::{paint, DIM, EMPHASIS, GOOD, WARNING};
use crate::scaffold::InitOutcome;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// What `init` reports: the folder, its category, and the files it created or kept.
#[derive(Debug, Serialize)]
pub struct InitReport<'a> {
    pub path: &'a Path,
    pub category: Option<Category>,
    pub created: &'a [String],
    pub kept: &'a [String],
    /// What a person must still write or change.
    pub todo: &'a [String],
}

impl<'a> InitReport<'a> {
    pub fn new(path: &'a Path, outcome: &'a InitOutcome) -> Self {
        InitReport {
            path,
            category: outcome.category,
            created: &outcome.created,
            kept: &outcome.kept,
            todo: &outcome.todo,
        }
    }

    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let category = self.category.map(|c| c.to_string()).unwrap_or_default();
        writeln!(out, "Prepared {} as {}", self.path.display(), paint(EMPHASIS, category))?;
        for f in self.created {
            write_created(f, out)?;
        }
        for f in self.kept {
            write_kept(f, out)?;
        }
        if self.todo.is_empty() {
            writeln!(
                out,
                "\nNothing left to fill in. Next: connector-publish submit {} --dry-run",
                self.path.display()
            )?;
        } else {
            write_still_to_fill_in(self.todo, out)?;
            writeln!(out, "\nThen: connector-publish validate {}", self.path.display())?;
        }
        Ok(())
    }
}

/// `  created <file>`.
pub(crate) fn write_created(file: impl std::fmt::Display, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "  {} {file}", paint(GOOD, "created"))
}

/// `  kept    <file> (existing files are never overwritten)`.
pub(crate) fn write_kept(file: impl std::fmt::Display, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "  {} {file} {}",
        paint(DIM, "kept   "),
        paint(DIM, "(existing files are never overwritten)")
    )
}

/// A blank line, `Still to fill in:`, and one `  - <item>` line each.
pub(crate) fn write_still_to_fill_in(items: &[impl std::fmt::Display], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "\n{}", paint(WARNING, "Still to fill in:"))?;
    for item in items {
        writeln!(out, "  - {item}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as a pipe gets it (anstream strips the styles there).
    fn human(report: &InitReport) -> String {
        let mut out = Vec::new();
        report.human(&mut out).unwrap();
        anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
    }

    #[test]
    fn says_what_was_created_kept_and_is_left_then_what_to_run() {
        let (created, kept) = (["readme.md".to_string()], ["apiProperties.json".to_string()]);
        let todo = ["readme.md: TODO: your name".to_string()];
        let report = InitReport {
            path: Path::new("Weather Now"),
            category: Some(Category::IndependentPublisher),
            created: &created,
            kept: &kept,
            todo: &todo,
        };
        assert_eq!(
            human(&report),
            "Prepared Weather Now as independent-publisher\n  \
             created readme.md\n  \
             kept    apiProperties.json (existing files are never overwritten)\n\
             \nStill to fill in:\n  - readme.md: TODO: your name\n\
             \nThen: connector-publish validate Weather Now\n"
        );
        let done = InitReport { todo: &[], ..report };
        assert!(
            human(&done).ends_with("\nNothing left to fill in. Next: connector-publish submit Weather Now --dry-run\n"),
            "{}",
            human(&done)
        );
    }
}
