//! `intro.md`: the connector's introduction that goes beside the package zip, and that becomes
//! the connector's page in the Microsoft Learn connector reference.
//!
//! Source of the section list. The Learn page that describes the package
//! (https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission,
//! "Prepare Power Platform connector and AI enabled connector files for certification") asks for
//! an `intro.md` beside the package; the copy of that page in microsoft/powerplatform-developerhub
//! (`docs/custom-connectors/certification-submission.md`) predates the package and has no intro
//! template, and the upstream repository's `templates/` holds the readme template only. The
//! section list below is therefore the one the `intro.md` files published upstream follow
//! (`certified-connectors/Calendly/intro.md` and `certified-connectors/Sparse Power Box Tools/intro.md`
//! hold all six, in this order; every upstream `intro.md` as of 2024-02 holds the three required
//! ones): a description paragraph, then these `##` sections. The readme template's names for the
//! same sections (`templates/readme.md`: "Obtaining Credentials", "Getting Started", "Known
//! Issues and Limitations", "Frequently Asked Questions") are accepted too.

use serde_json::Value;

/// An upstream `intro.md` that holds every section of the list, in order.
pub const SOURCE: &str = "https://github.com/microsoft/PowerPlatformConnectors/blob/dev/certified-connectors/Calendly/intro.md";

/// One section of the intro template.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub heading: &'static str,
    pub required: bool,
    /// Other headings that mean the same (the readme template's).
    pub aliases: &'static [&'static str],
    /// What goes in it, for the generated starting file.
    pub hint: &'static str,
}

pub const SECTIONS: &[Section] = &[
    Section {
        heading: "Prerequisites",
        required: true,
        aliases: &[],
        hint: "the plans, licenses or accounts a user needs",
    },
    Section {
        heading: "How to get credentials",
        required: true,
        aliases: &["Obtaining Credentials", "How to get credentials?"],
        hint: "the authentication and, step by step, how to get the credentials",
    },
    Section {
        heading: "Get started with your connector",
        required: false,
        aliases: &["Getting Started"],
        hint: "a first flow or app with the connector",
    },
    Section {
        heading: "Known issues and limitations",
        required: true,
        aliases: &["Known Issues and Limitations"],
        hint: "what does not work, throttling, limits",
    },
    Section {
        heading: "Common errors and remedies",
        required: false,
        aliases: &[],
        hint: "the errors users meet and what to do about them",
    },
    Section {
        heading: "FAQ",
        required: false,
        aliases: &["Frequently Asked Questions"],
        hint: "questions your users ask",
    },
];

/// A heading, compared loosely: case, surrounding punctuation and spaces aside.
fn normalize(heading: &str) -> String {
    heading
        .trim()
        .trim_end_matches(['?', ':', '.'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The Markdown headings of `text` (ATX `#` headings outside fenced code), with their line.
pub fn headings(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
            out.push((i + 1, t[hashes..].trim().trim_end_matches('#').trim().to_string()));
        }
    }
    out
}

/// What an intro lacks against the template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntroCheck {
    /// Required sections with no heading.
    pub missing: Vec<&'static str>,
    /// Lines that still hold a `TODO:` placeholder (from `package intro`): the first
    /// [`TODO_LINES_KEPT`]; `todo_count` has them all.
    pub todo_lines: Vec<usize>,
    /// How many lines hold `TODO:`.
    pub todo_count: usize,
    /// Nothing but whitespace.
    pub empty: bool,
}

/// How many `TODO:` line numbers [`IntroCheck::todo_lines`] keeps.
pub const TODO_LINES_KEPT: usize = 100;

/// Of a line, only this much is kept to judge it: a heading that names a section is short, and
/// `TODO:` is looked for across the whole line as it streams past.
const LINE_KEPT: usize = 1024;

pub fn check(text: &str) -> IntroCheck {
    check_reader(text.as_bytes()).unwrap_or_default()
}

/// [`check`] on a stream: the text is read a block at a time and never held whole, so what it
/// costs does not grow with the file (127 MiB of one-character headings took 2.2 GB as a
/// `String` and a list of every heading).
pub fn check_reader(mut reader: impl std::io::Read) -> std::io::Result<IntroCheck> {
    let mut scan = Scan::new();
    let mut block = vec![0u8; 64 << 10];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        scan.feed(&block[..n]);
    }
    Ok(scan.finish())
}

/// [`check_reader`]'s state between blocks: the line so far (its first [`LINE_KEPT`] bytes),
/// whether it holds `TODO:`, and what the lines before it found.
struct Scan {
    /// Every section's heading and aliases, normalized, with the section's heading.
    names: Vec<(&'static str, String)>,
    /// The sections whose heading was seen.
    found: Vec<&'static str>,
    out: IntroCheck,
    /// Inside a fenced code block, where a `#` line is no heading.
    fenced: bool,
    /// The number of the lines ended so far.
    number: usize,
    line: Vec<u8>,
    /// The last bytes of the line beyond what is kept, so that `TODO:` across two blocks is seen.
    tail: Vec<u8>,
    line_todo: bool,
}

impl Scan {
    fn new() -> Scan {
        Scan {
            names: SECTIONS
                .iter()
                .flat_map(|s| {
                    std::iter::once(s.heading)
                        .chain(s.aliases.iter().copied())
                        .map(move |n| (s.heading, normalize(n)))
                })
                .collect(),
            found: Vec::new(),
            out: IntroCheck {
                empty: true,
                ..Default::default()
            },
            fenced: false,
            number: 0,
            line: Vec::with_capacity(LINE_KEPT),
            tail: Vec::with_capacity(crate::scaffold::TODO.len() * 2),
            line_todo: false,
        }
    }

    /// The next block: each line it ends is judged, and the part after its last line break is
    /// kept for the next.
    fn feed(&mut self, mut rest: &[u8]) {
        if self.out.empty && rest.iter().any(|b| !b.is_ascii_whitespace()) {
            self.out.empty = false;
        }
        while !rest.is_empty() {
            let (part, ends) = match rest.iter().position(|b| *b == b'\n') {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            let part = part.strip_suffix(b"\r").filter(|_| ends.is_some()).unwrap_or(part);
            self.look_for_todo(part);
            let room = LINE_KEPT.saturating_sub(self.line.len());
            self.line.extend_from_slice(&part[..part.len().min(room)]);
            match ends {
                Some(i) => {
                    self.end_line();
                    rest = &rest[i + 1..];
                }
                None => rest = &[],
            }
        }
    }

    /// `TODO:` anywhere in the line, however long, across blocks.
    fn look_for_todo(&mut self, part: &[u8]) {
        if self.line_todo {
            return;
        }
        let todo = crate::scaffold::TODO.as_bytes();
        self.tail.extend_from_slice(part);
        self.line_todo = self.tail.windows(todo.len()).any(|w| w == todo);
        let keep = self.tail.len().min(todo.len() - 1);
        self.tail.drain(..self.tail.len() - keep);
    }

    /// The line is complete: count its `TODO:`, follow code fences, and note the section its
    /// heading names.
    fn end_line(&mut self) {
        self.number += 1;
        if self.line_todo {
            self.out.todo_count += 1;
            if self.out.todo_lines.len() < TODO_LINES_KEPT {
                self.out.todo_lines.push(self.number);
            }
        }
        let text = String::from_utf8_lossy(&self.line);
        let t = text.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            self.fenced = !self.fenced;
        } else if !self.fenced {
            if let Some(heading) = atx_heading(t) {
                for (section, name) in &self.names {
                    if *name == heading && !self.found.contains(section) {
                        self.found.push(section);
                    }
                }
            }
        }
        self.line.clear();
        self.tail.clear();
        self.line_todo = false;
    }

    /// The last line (with no line break after it) and the required sections never found.
    fn finish(mut self) -> IntroCheck {
        if !self.line.is_empty() || self.line_todo {
            self.end_line();
        }
        self.out.missing = SECTIONS
            .iter()
            .filter(|s| s.required && !self.found.contains(&s.heading))
            .map(|s| s.heading)
            .collect();
        self.out
    }
}

/// The text of a `#` to `######` heading (a line trimmed at its start), normalized.
fn atx_heading(t: &str) -> Option<String> {
    let hashes = t.chars().take_while(|c| *c == '#').count();
    ((1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t'])).then(|| normalize(t[hashes..].trim().trim_end_matches('#')))
}

/// The section bodies a readme already has, by template section (matched by heading).
fn readme_sections(readme: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let lines: Vec<&str> = readme.lines().collect();
    let heads = headings(readme);
    for (n, (line, heading)) in heads.iter().enumerate() {
        let Some(section) = SECTIONS.iter().find(|s| {
            std::iter::once(s.heading)
                .chain(s.aliases.iter().copied())
                .any(|name| normalize(name) == normalize(heading))
        }) else {
            continue;
        };
        let level = lines[line - 1].trim_start().chars().take_while(|c| *c == '#').count();
        // The body runs to the next heading of the same or a higher level.
        let end = heads[n + 1..]
            .iter()
            .find(|(l, _)| lines[l - 1].trim_start().chars().take_while(|c| *c == '#').count() <= level)
            .map_or(lines.len(), |(l, _)| l - 1);
        let body = lines[*line..end].join("\n").trim().to_string();
        if !body.is_empty() {
            out.push((section.heading, body));
        }
    }
    out
}

/// A starting `intro.md`: the description from the swagger, the readme's matching sections
/// where it has them, `TODO:` lines elsewhere. `readme` is the connector's readme text.
pub fn generate(swagger: Option<&Value>, readme: Option<&str>) -> String {
    let todo = crate::scaffold::TODO;
    let description = swagger
        .and_then(|s| s.pointer("/info/description"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("{todo} two or three sentences about the service and what the connector does with it."));
    let from_readme = readme.map(readme_sections).unwrap_or_default();
    let mut out = format!("{description}\n");
    for section in SECTIONS {
        out.push_str(&format!("\n## {}\n\n", section.heading));
        match from_readme.iter().find(|(h, _)| *h == section.heading) {
            Some((_, body)) => out.push_str(&format!("{body}\n")),
            None if section.heading == "Get started with your connector" => {
                out.push_str(&getting_started(swagger));
            }
            None => out.push_str(&format!("{todo} {}.\n", section.hint)),
        }
    }
    out
}

/// A few operations to start with, from the swagger.
fn getting_started(swagger: Option<&Value>) -> String {
    let todo = crate::scaffold::TODO;
    let mut ops: Vec<String> = Vec::new();
    if let Some(paths) = swagger.and_then(|s| s.get("paths")).and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for (method, op) in item {
                if !crate::connector::fingerprint::HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                    continue;
                }
                if let Some(summary) = op
                    .get("summary")
                    .and_then(Value::as_str)
                    .or_else(|| op.get("operationId").and_then(Value::as_str))
                {
                    ops.push(summary.trim().to_string());
                }
            }
        }
    }
    if ops.is_empty() {
        return format!("{todo} a first flow or app with the connector.\n");
    }
    let mut text = String::from("Create a connection, then add one of the connector's actions to a flow, for example:\n\n");
    for op in ops.iter().take(5) {
        text.push_str(&format!("- {op}\n"));
    }
    text.push_str(&format!("\n{todo} describe a first flow step by step.\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_loosely_and_code_blocks_are_skipped() {
        let text = "Intro.\n\n## Prerequisites\nx\n## How to get credentials?\n```\n## Known issues and limitations\n```\n";
        let c = check(text);
        assert_eq!(c.missing, vec!["Known issues and limitations"]);
        let c = check("## prerequisites\n## Obtaining Credentials\n### Known Issues and Limitations\n");
        assert!(c.missing.is_empty(), "{c:?}");
        assert!(check("  \n").empty);
    }

    #[test]
    fn a_stream_is_judged_as_the_text_is() {
        // A line split across blocks, `TODO:` across a block boundary, CRLF, a last line without \n.
        let mut text = String::from("Intro.\r\n## Prerequisites\r\n");
        text.push_str(&"x".repeat((64 << 10) - text.len() - 3));
        text.push_str("TODO: more\n## How to get credentials\n## Known issues and limitations");
        let c = check(&text);
        assert!(c.missing.is_empty(), "{c:?}");
        assert_eq!((c.todo_lines.clone(), c.todo_count), (vec![3], 1));
        // A heading far longer than what is kept is no section, and costs nothing.
        let long = format!("## Prerequisites{}\n", " x".repeat(1 << 20));
        assert_eq!(check(&long).missing.len(), 3);
        // Line numbers are kept up to a point; the count goes on.
        let many = "TODO: x\n".repeat(TODO_LINES_KEPT + 5);
        let c = check(&many);
        assert_eq!((c.todo_lines.len(), c.todo_count), (TODO_LINES_KEPT, TODO_LINES_KEPT + 5));
        assert!(!c.empty);
    }

    #[test]
    fn generated_intro_has_every_section_and_takes_the_readme_s() {
        let swagger = serde_json::json!({"info": {"description": "Breweries of the world."},
            "paths": {"/b": {"get": {"summary": "List breweries"}}}});
        let readme = "# X\n\n## Prerequisites\nA free account.\n\n## Supported Operations\n### List\nx\n\n## Obtaining Credentials\nNo key is needed.\n";
        let intro = generate(Some(&swagger), Some(readme));
        assert!(intro.starts_with("Breweries of the world.\n"));
        assert!(intro.contains("## Prerequisites\n\nA free account.\n"));
        assert!(intro.contains("## How to get credentials\n\nNo key is needed.\n"));
        assert!(intro.contains("- List breweries"));
        assert!(check(&intro).missing.is_empty());
        assert!(!check(&intro).todo_lines.is_empty(), "what only a person knows stays TODO");
    }
}
