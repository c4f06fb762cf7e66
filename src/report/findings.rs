//! The one human rendering of findings, for `validate` (a connector folder's) and `package check`
//! / `build` (a certification package's): a header per file, then each finding's place, severity,
//! rule, message, citations and fix.

use crate::connector::name::printable;
use crate::connector::{Finding, Position, Severity};
use crate::output::{paint, DIM, ERROR, HEADER, WARNING};
use std::collections::BTreeMap;
use std::io::Write;

/// Where the findings are, which decides their order and how a place is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A connector folder's files: in name order, each finding at `file:line:column` as compilers
    /// write it (an editor opens it).
    Folder,
    /// Places inside nested archives (long, and made of several names): in the order they were
    /// first found, each finding at `line L, column C` under its place.
    Archive,
}

impl Layout {
    /// The files and their findings, in this layout's order.
    fn groups(self, findings: &[Finding]) -> Vec<(&str, Vec<&Finding>)> {
        match self {
            Layout::Folder => {
                let mut map: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
                for f in findings {
                    map.entry(f.file.as_str()).or_default().push(f);
                }
                map.into_iter().collect()
            }
            Layout::Archive => {
                let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
                for f in findings {
                    match groups.iter_mut().find(|(file, _)| *file == f.file) {
                        Some((_, group)) => group.push(f),
                        None => groups.push((&f.file, vec![f])),
                    }
                }
                groups
            }
        }
    }

    /// What comes before a finding's severity: its place, and ": ".
    fn place(self, file: &str, position: Option<Position>) -> String {
        match (self, position) {
            (Layout::Folder, Some(p)) => format!("{file}:{}:{}: ", p.line, p.column),
            (Layout::Folder, None) => format!("{file}: "),
            (Layout::Archive, Some(p)) => format!("line {}, column {}: ", p.line, p.column),
            (Layout::Archive, None) => String::new(),
        }
    }
}

/// The findings that are not pre-existing (those are counted by rule in
/// [`super::print_pre_existing`]), grouped by file, each group after a blank line and a header.
pub fn write_findings(findings: &[Finding], layout: Layout, out: &mut dyn Write) -> anyhow::Result<()> {
    for (file, group) in layout.groups(findings) {
        let group: Vec<&Finding> = group.into_iter().filter(|f| !f.pre_existing).collect();
        if group.is_empty() {
            continue;
        }
        // A file name (or a name from an archive) can hold a line break: it must never start a
        // line of output of its own.
        let file = printable(file);
        writeln!(out)?;
        writeln!(out, "{}", paint(HEADER, &file))?;
        for f in group {
            write_finding(f, &layout.place(&file, f.position), out)?;
        }
    }
    Ok(())
}

/// One finding: two lines, what and where, then the fix.
fn write_finding(f: &Finding, place: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let (label, style) = match f.severity {
        Severity::Error => ("error", ERROR),
        Severity::Warning => ("warning", WARNING),
    };
    let citations = f.validator.map(|n| format!(" (validator: {n})")).unwrap_or_default()
        + &f.bot.map(|b| format!(" (certification bot: \"{b}\")")).unwrap_or_default();
    writeln!(out, "  {place}{}[{}] {}{citations}", paint(style, label), f.rule, f.message)?;
    writeln!(out, "    {} {}", paint(DIM, "fix:"), f.fix)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(file: &str, line: Option<usize>) -> Finding {
        Finding {
            position: line.map(|line| Position { line, column: 4 }),
            ..Finding::at("r", Severity::Error, file.into(), "m".into(), "x".into())
        }
    }

    fn render(findings: &[Finding], layout: Layout) -> String {
        let mut out = Vec::new();
        write_findings(findings, layout, &mut out).unwrap();
        // The styles, as a pipe gets them (anstream strips them there).
        anstream::adapter::strip_str(&String::from_utf8(out).unwrap()).to_string()
    }

    #[test]
    fn a_folder_is_in_name_order_and_an_archive_in_the_order_found() {
        let findings = [finding("b", Some(2)), finding("a", None), finding("b", None)];
        let folder = render(&findings, Layout::Folder);
        assert!(folder.find("\na\n").unwrap() < folder.find("\nb\n").unwrap(), "{folder}");
        assert!(folder.contains("  b:2:4: error[r] m\n"), "{folder}");
        assert!(folder.contains("  a: error[r] m\n"), "{folder}");
        let archive = render(&findings, Layout::Archive);
        assert!(archive.find("\nb\n").unwrap() < archive.find("\na\n").unwrap(), "{archive}");
        assert!(archive.contains("  line 2, column 4: error[r] m\n"), "{archive}");
        assert!(archive.contains("\na\n  error[r] m\n"), "{archive}");
    }

    #[test]
    fn pre_existing_findings_and_their_empty_files_are_left_out() {
        let mut old = finding("old", None);
        old.pre_existing = true;
        let text = render(&[old, finding("new", None)], Layout::Folder);
        assert!(!text.contains("old"), "{text}");
        assert!(text.contains("new"), "{text}");
    }
}
