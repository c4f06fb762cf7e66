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
    let names: Vec<(&'static str, String)> = SECTIONS
        .iter()
        .flat_map(|s| {
            std::iter::once(s.heading)
                .chain(s.aliases.iter().copied())
                .map(move |n| (s.heading, normalize(n)))
        })
        .collect();
    let todo = crate::scaffold::TODO.as_bytes();
    let mut found: Vec<&'static str> = Vec::new();
    let mut out = IntroCheck {
        empty: true,
        ..Default::default()
    };
    let mut fenced = false;
    let mut number = 0usize;
    let mut line: Vec<u8> = Vec::with_capacity(LINE_KEPT);
    // The last bytes of the line beyond what is kept, so that `TODO:` across two blocks is seen.
    let mut tail: Vec<u8> = Vec::with_capacity(todo.len() * 2);
    let mut line_todo = false;
    let mut end_line = |line: &mut Vec<u8>, line_todo: &mut bool, tail: &mut Vec<u8>, out: &mut IntroCheck| {
        number += 1;
        if *line_todo {
            out.todo_count += 1;
            if out.todo_lines.len() < TODO_LINES_KEPT {
                out.todo_lines.push(number);
            }
        }
        let text = String::from_utf8_lossy(line);
        let t = text.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced {
            let hashes = t.chars().take_while(|c| *c == '#').count();
            if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
                let heading = normalize(t[hashes..].trim().trim_end_matches('#'));
                for (section, name) in &names {
                    if *name == heading && !found.contains(section) {
                        found.push(section);
                    }
                }
            }
        }
        line.clear();
        tail.clear();
        *line_todo = false;
    };
    let mut block = vec![0u8; 64 << 10];
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut rest = &block[..n];
        if out.empty && rest.iter().any(|b| !b.is_ascii_whitespace()) {
            out.empty = false;
        }
        while !rest.is_empty() {
            let (part, ends) = match rest.iter().position(|b| *b == b'\n') {
                Some(i) => (&rest[..i], Some(i)),
                None => (rest, None),
            };
            let part = part.strip_suffix(b"\r").filter(|_| ends.is_some()).unwrap_or(part);
            if !line_todo {
                tail.extend_from_slice(part);
                line_todo = tail.windows(todo.len()).any(|w| w == todo);
                let keep = tail.len().min(todo.len() - 1);
                tail.drain(..tail.len() - keep);
            }
            let room = LINE_KEPT.saturating_sub(line.len());
            line.extend_from_slice(&part[..part.len().min(room)]);
            match ends {
                Some(i) => {
                    end_line(&mut line, &mut line_todo, &mut tail, &mut out);
                    rest = &rest[i + 1..];
                }
                None => rest = &[],
            }
        }
    }
    if !line.is_empty() || line_todo {
        end_line(&mut line, &mut line_todo, &mut tail, &mut out);
    }
    out.missing = SECTIONS
        .iter()
        .filter(|s| s.required && !found.contains(&s.heading))
        .map(|s| s.heading)
        .collect();
    Ok(out)
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
