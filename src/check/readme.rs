//! Rules for the readme: the sections of the repository's readme templates.

use super::Sink;
use crate::connector::{Category, PackageFile};
use serde_json::Value;

/// A required section: its name in the template, the heading words that count as it, and
/// where its absence is an error or only a warning.
///
/// The repository's templates mark all of these "Required" (Deployment Instructions for certified
/// only). Measured on the 136 new connectors merged 2023-06..2024-02 (`examples/validate_corpus`
/// over `replays/`), reviewers enforce every one for independent publishers (1 of 67 lacked one)
/// but not for certified connectors, where Publisher (14 of 69), Obtaining Credentials (10) and
/// Deployment Instructions (10) were often missing: for certified those are warnings.
struct Section {
    name: &'static str,
    accepts: &'static [&'static str],
    error_in: &'static [Category],
    warning_in: &'static [Category],
}

use Category::{Certified as C, IndependentPublisher as I};

const SECTIONS: [Section; 6] = [
    Section {
        name: "Publisher",
        accepts: &["publisher"],
        error_in: &[I],
        warning_in: &[C],
    },
    Section {
        name: "Prerequisites",
        accepts: &["prerequisite", "pre-requisite", "pre requisite", "requirement"],
        error_in: &[I, C],
        warning_in: &[],
    },
    Section {
        name: "Supported Operations",
        accepts: &["operation", "action", "trigger"],
        error_in: &[I, C],
        warning_in: &[],
    },
    Section {
        name: "Obtaining Credentials",
        accepts: &["credential", "authentication", "api key"],
        error_in: &[I],
        warning_in: &[C],
    },
    Section {
        name: "Known Issues and Limitations",
        accepts: &["known issue", "limitation"],
        error_in: &[I, C],
        warning_in: &[],
    },
    Section {
        name: "Deployment Instructions",
        accepts: &["deploy"],
        error_in: &[],
        warning_in: &[C],
    },
];

/// A markdown heading: level and text. ATX (`## x`) and setext (`x` over `===`/`---`) both count,
/// and so does a line that is bold only (`**Publisher:** Jane`), which many accepted readmes use.
pub(crate) fn headings(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let lines: Vec<&str> = text.lines().collect();
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.starts_with("```") || line.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if line.starts_with('#') {
            let level = line.chars().take_while(|&c| c == '#').count();
            let title = line[level..].trim().trim_end_matches('#').trim();
            if level <= 6 && !title.is_empty() {
                out.push((level, title.to_string()));
            }
        } else if let Some(next) = lines.get(i + 1) {
            let next = next.trim();
            if !line.is_empty() && next.len() >= 3 && (next.chars().all(|c| c == '=') || next.chars().all(|c| c == '-')) {
                out.push((if next.starts_with('=') { 1 } else { 2 }, line.to_string()));
                continue;
            }
        }
        if line.starts_with("**") && line[2..].contains("**") {
            let inner = line[2..].split("**").next().unwrap_or("");
            out.push((3, inner.to_string()));
        }
    }
    out
}

pub(super) fn check(file: &PackageFile, _swagger: Option<&Value>, sink: &mut Sink) {
    let text = String::from_utf8_lossy(&file.bytes);
    let found: Vec<String> = headings(&text).into_iter().map(|(_, t)| t.to_lowercase()).collect();
    let category = sink.category;
    let mut missing_required = Vec::new();
    let mut missing_recommended = Vec::new();
    for section in &SECTIONS {
        if found.iter().any(|h| section.accepts.iter().any(|a| h.contains(a))) {
            continue;
        }
        if section.error_in.contains(&category) {
            missing_required.push(section.name);
        } else if section.warning_in.contains(&category) {
            missing_recommended.push(section.name);
        }
    }
    let has_intro = text
        .lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!') && !l.starts_with('<'));
    if !has_intro {
        missing_required.insert(0, "a title paragraph");
    }
    let fix = "add each missing section as a `## Heading` with the name the repository's readme template uses; `connector-publish init` writes a readme from your swagger";
    if !missing_required.is_empty() {
        sink.emit(
            "readme-sections",
            &file.name,
            None,
            None,
            format!("the readme lacks: {}", missing_required.join(", ")),
            Some(fix.into()),
        );
    }
    if !missing_recommended.is_empty() {
        sink.emit(
            "readme-sections-template",
            &file.name,
            None,
            None,
            format!("the readme lacks the template's {}", missing_recommended.join(", ")),
            Some(fix.into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_atx_setext_and_bold_headings_outside_code() {
        let h = headings("# Title\ntext\n\nPublisher\n---------\n```\n# not a heading\n```\n**Prerequisites:** none\n## Known Issues ##\n");
        let titles: Vec<_> = h.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(titles, ["Title", "Publisher", "Prerequisites:", "Known Issues"]);
    }
}
