//! Safe connector folder names.
//!
//! The folder name ends up as a path component in a git tree and on the author's disk (patches,
//! downloads). It comes from hostile input (a swagger title, a flag, an API response), so it is
//! checked, never silently rewritten: a rewritten name would surprise the author in a public PR.

/// Longest folder name accepted, in characters (upstream's longest is 46).
pub const MAX_LEN: usize = 64;

const RESERVED_WINDOWS: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4",
    "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];
const FORBIDDEN: [char; 9] = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{name}` cannot be a connector folder name: {reason}; choose another with --name \"My Connector\"")]
pub struct UnsafeName {
    pub name: String,
    pub reason: String,
}

/// Accept `name` as one folder component, or say why not.
pub fn safe_folder_name(name: &str) -> Result<String, UnsafeName> {
    check_component(name).map(|()| name.to_string()).map_err(|reason| UnsafeName {
        name: name.escape_debug().to_string(),
        reason,
    })
}

/// Zero-width and direction-changing characters: they make a name look like another.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A name from the folder as it can be printed at the start of an output line: control
/// characters (a line break could fake a line of output, an escape sequence recolor the
/// terminal) and invisible ones written as escapes (`new\nline.png`), everything else as is.
pub fn printable(name: &str) -> std::borrow::Cow<'_, str> {
    let escaped = |c: char| c.is_control() || invisible(c);
    if !name.chars().any(escaped) {
        return name.into();
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        if escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Longest file name accepted, in bytes: what every common file system stores.
pub const MAX_FILE_NAME_BYTES: usize = 255;

/// Why `name` cannot be one path component (a folder name), if it cannot.
pub fn check_component(name: &str) -> Result<(), String> {
    check_name(name)?;
    let len = name.chars().count();
    if len > MAX_LEN {
        return Err(format!("it is {len} characters long; the limit is {MAX_LEN}"));
    }
    Ok(())
}

/// What `validate` and `submit` think of one file name in a connector folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameIssue {
    /// The name cannot be submitted at all (`submit` refuses it, `validate` reports an error).
    Refused { name: String, reason: String },
    /// Two names differ only in case: checkouts on Windows and macOS keep only one.
    CaseClash { name: String, other: String },
    /// A standard file with unusual casing (`ApiDefinition.Swagger.JSON`).
    Miscased { name: String, canonical: &'static str },
}

/// The one file-name policy, shared by `validate` (findings) and `submit` (the plan refuses what
/// is [`NameIssue::Refused`] or a [`NameIssue::CaseClash`]).
pub fn file_name_issues<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<NameIssue> {
    let names: Vec<&str> = names.into_iter().collect();
    let mut issues = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Err(reason) = check_file_name(name) {
            issues.push(NameIssue::Refused {
                name: name.to_string(),
                reason,
            });
            continue;
        }
        if let Some(other) = names[..i].iter().find(|o| o.to_lowercase() == name.to_lowercase()) {
            issues.push(NameIssue::CaseClash {
                name: name.to_string(),
                other: other.to_string(),
            });
            continue;
        }
        if let Some(known) = super::KnownFile::from_name(name) {
            if !known.usual_spellings().contains(name) {
                issues.push(NameIssue::Miscased {
                    name: name.to_string(),
                    canonical: known.canonical_name(),
                });
            }
        }
    }
    issues
}

/// Why a file name cannot be submitted, if it cannot.
pub fn check_file_name(name: &str) -> Result<(), String> {
    check_name(name)?;
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err(format!("it is {} bytes long; the limit is {MAX_FILE_NAME_BYTES}", name.len()));
    }
    Ok(())
}

/// The rules folder and file names share.
fn check_name(name: &str) -> Result<(), String> {
    let reject = |reason: String| Err(reason);
    if name.trim().is_empty() {
        return reject("it is empty".into());
    }
    if name == "." {
        return reject("`.` is the current folder, not a name".into());
    }
    if name == ".." {
        return reject("`..` is the parent folder, not a name".into());
    }
    if name.contains("..") {
        return reject("it contains `..`".into());
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return reject(format!("it contains `{c}`, which is not allowed in a folder name"));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return reject(format!("it contains the control character U+{:04X}", c as u32));
    }
    if let Some(c) = name.chars().find(|&c| invisible(c)) {
        return reject(format!("it contains the invisible character U+{:04X}", c as u32));
    }
    if name.starts_with([' ', '.']) || name.ends_with([' ', '.']) {
        return reject("it starts or ends with a space or a dot".into());
    }
    if name.starts_with('-') {
        return reject("it starts with `-`, which tools read as an option".into());
    }
    let stem = name.split('.').next().unwrap_or(name).trim().to_ascii_uppercase();
    if RESERVED_WINDOWS.contains(&stem.as_str()) {
        return reject(format!("`{stem}` is a reserved device name on Windows"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_upstream_names_are_accepted() {
        for name in [
            "DeepL",
            "IN-D Invoice Data Capture",
            "Easyvista_Service._Manager",
            "Brønnøysundregistrene",
            "1Me Corporate",
            "Icon Horse",
        ] {
            assert_eq!(safe_folder_name(name).unwrap(), name);
        }
    }

    #[test]
    fn hostile_names_are_rejected_not_mangled() {
        for name in [
            "",
            "   ",
            ".",
            "..",
            "../etc",
            "a/../b",
            "foo/bar",
            "foo\\bar",
            "C:",
            "a\0b",
            "tab\there",
            "new\nline",
            " lead",
            "trail ",
            ".hidden",
            "dot.",
            "CON",
            "con.txt",
            "Lpt1",
            "-rf",
            "a*b",
            "what?",
            "\u{202E}evil",
            &"x".repeat(65),
        ] {
            let err = safe_folder_name(name).expect_err(name);
            assert!(err.to_string().contains("--name"), "{err}");
        }
    }

    #[test]
    fn dot_and_dot_dot_say_what_they_are() {
        assert!(safe_folder_name(".").unwrap_err().reason.contains("the current folder"));
        assert!(safe_folder_name("..").unwrap_err().reason.contains("the parent folder"));
        assert_eq!(safe_folder_name("a..b").unwrap_err().reason, "it contains `..`");
    }

    #[test]
    fn printable_names_escape_only_what_could_fake_output() {
        assert_eq!(printable("Jane's \"notes\" é.png"), "Jane's \"notes\" é.png");
        assert_eq!(
            printable("x\n  apiDefinition.swagger.json:1:1: error\r\u{1b}[0m\u{202E}.png"),
            "x\\n  apiDefinition.swagger.json:1:1: error\\r\\u{1b}[0m\\u{202e}.png"
        );
    }

    #[test]
    fn one_file_name_policy() {
        let long = "x".repeat(256);
        let ok_long = format!("{}.png", "y".repeat(200));
        let issues = file_name_issues([
            "apiDefinition.swagger.json",
            "README.md",
            "readme.md",
            "ReadMe.MD",
            "ApiProperties.JSON",
            "new\nline.png",
            "-rf.png",
            long.as_str(),
            ok_long.as_str(),
            "screenshot.png",
        ]);
        assert_eq!(
            issues,
            vec![
                NameIssue::CaseClash {
                    name: "readme.md".into(),
                    other: "README.md".into()
                },
                NameIssue::CaseClash {
                    name: "ReadMe.MD".into(),
                    other: "README.md".into()
                },
                NameIssue::Miscased {
                    name: "ApiProperties.JSON".into(),
                    canonical: "apiProperties.json"
                },
                NameIssue::Refused {
                    name: "new\nline.png".into(),
                    reason: "it contains the control character U+000A".into()
                },
                NameIssue::Refused {
                    name: "-rf.png".into(),
                    reason: "it starts with `-`, which tools read as an option".into()
                },
                NameIssue::Refused {
                    name: long.clone(),
                    reason: "it is 256 bytes long; the limit is 255".into()
                },
            ]
        );
    }
}
