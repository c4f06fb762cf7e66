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

/// Why `name` cannot be one path component (a folder or a file name), if it cannot.
pub fn check_component(name: &str) -> Result<(), String> {
    let reject = |reason: String| Err(reason);
    if name.trim().is_empty() {
        return reject("it is empty".into());
    }
    if name == "." || name == ".." || name.contains("..") {
        return reject("it contains `..`".into());
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return reject(format!("it contains `{c}`, which is not allowed in a folder name"));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return reject(format!("it contains the control character U+{:04X}", c as u32));
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'))
    {
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
    let len = name.chars().count();
    if len > MAX_LEN {
        return reject(format!("it is {len} characters long; the limit is {MAX_LEN}"));
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
}
