//! The branch a submission is pushed to: `add-open-brewery-db`, `update-deepl`, or with the
//! `branch-prefix` setting `connectors/add-open-brewery-db`.

use super::Kind;

/// The default branch name for a change of `kind` to `folder_name`, under `prefix` when one is set.
pub fn default_name(kind: Kind, folder_name: &str, prefix: Option<&str>) -> String {
    let mut slug = String::new();
    for c in folder_name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "connector" } else { slug };
    let name = format!("{}-{slug}", if kind == Kind::New { "add" } else { "update" });
    match prefix.map(|p| p.trim().trim_end_matches('/')).filter(|p| !p.is_empty()) {
        Some(prefix) => format!("{prefix}/{name}"),
        None => name,
    }
}

/// A branch name git and GitHub both accept (a conservative subset of `git check-ref-format`).
pub fn check(branch: &str) -> Result<(), String> {
    let ok = !branch.is_empty()
        && !branch.starts_with(['-', '/', '.'])
        && !branch.ends_with(['/', '.'])
        && !branch.contains("..")
        && !branch.contains("//")
        && !branch.contains("/.")
        && !branch.ends_with(".lock")
        && !branch.contains(".lock/")
        && branch.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{branch}\" is not a usable branch name; use letters, digits, `-`, `_`, `.` and `/`"
        ))
    }
}

/// The `branch-prefix` setting: what it makes of a branch name must be usable.
pub fn check_prefix(prefix: &str) -> Result<(), String> {
    check(&default_name(Kind::New, "x", Some(prefix)))
        .map_err(|_| format!("branch-prefix \"{prefix}\" does not make a usable branch name; use letters, digits, `-`, `_`, `.` and `/` (`connector-publish config set branch-prefix connectors`)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(default_name(Kind::New, "Open Brewery DB", None), "add-open-brewery-db");
        assert_eq!(
            default_name(Kind::Update, "Brønnøysundregistrene", None),
            "update-br-nn-ysundregistrene"
        );
        assert_eq!(default_name(Kind::New, "DeepL", Some("connectors/")), "connectors/add-deepl");
        assert_eq!(default_name(Kind::New, "DeepL", Some("me")), "me/add-deepl");
        assert_eq!(default_name(Kind::New, "DeepL", Some(" ")), "add-deepl");
        assert!(check("add-deepl").is_ok());
        assert!(check("feature/x").is_ok());
        for bad in ["", "-x", "a..b", "a b", "x.lock", "a//b", "/x", "a/.b"] {
            assert!(check(bad).is_err(), "{bad}");
        }
        assert!(check_prefix("connectors/").is_ok());
        assert!(check_prefix("bad prefix").is_err());
        assert!(check_prefix("-x").is_err());
    }
}
