//! The change as a patch (`--patch`: binary-safe, `git apply` takes it on upstream `dev`) and as
//! a unified diff for people (text files line by line, binary files by size).

use super::{FileChange, Plan};
use anyhow::Context;
use git2::{DiffFormat, DiffOptions, Repository};

/// `git diff --binary --full-index base plan -- <folder>`, as bytes.
pub fn patch(repo: &Repository, plan: &Plan) -> anyhow::Result<Vec<u8>> {
    let old = repo.find_tree(plan.base_tree)?;
    let new = repo.find_tree(plan.tree)?;
    let mut options = DiffOptions::new();
    options
        .show_binary(true)
        .id_abbrev(40)
        .pathspec(format!("{}/", plan.target.folder()))
        .disable_pathspec_match(false);
    let diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), Some(&mut options))
        .context("comparing with upstream")?;
    let mut out = Vec::new();
    diff.print(DiffFormat::Patch, |_delta, _hunk, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            out.push(line.origin() as u8);
        }
        out.extend_from_slice(line.content());
        true
    })?;
    Ok(out)
}

/// Is this text a person can read in a diff?
fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

/// A unified diff of two texts under the header names `a` and `b`, with three lines of context:
/// the plan's diff, and `package check`'s comparison of a solution's connector with GitHub's.
pub fn unified(old: &str, new: &str, a: &str, b: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(a, b)
        .to_string()
}

/// One file's diff for people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileDiff {
    pub path: String,
    pub change: FileChange,
    /// Unified diff text; `None` for binary files.
    pub unified: Option<String>,
    pub old_size: usize,
    pub new_size: usize,
}

/// The readable diff of every file that changes.
pub fn file_diffs(repo: &Repository, plan: &Plan) -> anyhow::Result<Vec<FileDiff>> {
    let old_root = repo.find_tree(plan.base_tree)?;
    let new_root = repo.find_tree(plan.tree)?;
    let folder = plan.target.folder();
    let read = |root: &git2::Tree, name: &str| -> anyhow::Result<Option<Vec<u8>>> {
        match root.get_path(std::path::Path::new(&format!("{folder}/{name}"))) {
            Ok(entry) => Ok(Some(repo.find_blob(entry.id())?.content().to_vec())),
            Err(_) => Ok(None),
        }
    };
    let mut out = Vec::new();
    for file in plan.files.iter().filter(|f| f.change != FileChange::Unchanged) {
        let old = read(&old_root, &file.name)?.unwrap_or_default();
        let new = read(&new_root, &file.name)?.unwrap_or_default();
        let path = format!("{folder}/{}", file.name);
        let unified = match (as_text(&old), as_text(&new)) {
            (Some(o), Some(n)) => {
                let (a, b) = match file.change {
                    FileChange::Added => ("/dev/null".to_string(), format!("b/{path}")),
                    FileChange::Deleted => (format!("a/{path}"), "/dev/null".to_string()),
                    _ => (format!("a/{path}"), format!("b/{path}")),
                };
                Some(unified(o, n, &a, &b))
            }
            _ => None,
        };
        out.push(FileDiff {
            path,
            change: file.change,
            unified,
            old_size: old.len(),
            new_size: new.len(),
        });
    }
    Ok(out)
}
