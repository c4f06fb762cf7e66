//! The change as a patch (`--patch`: binary-safe, `git apply` takes it on upstream `dev`) and as
//! a unified diff for people (text files line by line, binary files by size).

use super::{FileChange, Plan};
use crate::check::secrets::Masker;
use anyhow::Context;
use git2::{DiffFormat, DiffOptions, Repository};
use std::borrow::Cow;

/// Files larger than this get a summary instead of a line diff: a line diff of a huge file is
/// slow, takes memory in proportion, and nobody reads it.
pub const LINE_DIFF_LIMIT: usize = 2 * 1024 * 1024;

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

/// The patch with every secret [`Masker`] finds replaced by its mask (`ghp_…(40 chars)`), and
/// how many were masked. A masked patch no longer applies to the real files: that is the point,
/// the patch file is something a person may share, and a secret must not travel with it.
pub fn masked_patch<'a>(patch: &'a [u8], masker: &Masker) -> (Cow<'a, [u8]>, usize) {
    let count = masker.spans(patch).len();
    (masker.bytes(patch), count)
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
    /// Unified diff text (secrets masked); `None` for binary files and files too large to diff.
    pub unified: Option<String>,
    pub old_size: usize,
    pub new_size: usize,
    /// Why there is no line diff, when the file is too large for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// How many secrets were masked in this file's diff.
    #[serde(skip_serializing_if = "is_zero")]
    pub masked: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The readable diff of every file that changes, with every secret `masker` finds masked.
pub fn file_diffs(repo: &Repository, plan: &Plan, masker: &Masker) -> anyhow::Result<Vec<FileDiff>> {
    let old_root = repo.find_tree(plan.base_tree)?;
    let new_root = repo.find_tree(plan.tree)?;
    let folder = plan.target.folder();
    let odb = repo.odb()?;
    let entry = |root: &git2::Tree, name: &str| root.get_path(std::path::Path::new(&format!("{folder}/{name}"))).ok();
    let size = |root: &git2::Tree, name: &str| -> anyhow::Result<usize> {
        match entry(root, name) {
            Some(e) => Ok(odb.read_header(e.id())?.0),
            None => Ok(0),
        }
    };
    let read = |root: &git2::Tree, name: &str| -> anyhow::Result<Vec<u8>> {
        match entry(root, name) {
            Some(e) => Ok(repo.find_blob(e.id())?.content().to_vec()),
            None => Ok(Vec::new()),
        }
    };
    let mut out = Vec::new();
    for file in plan.files.iter().filter(|f| f.change != FileChange::Unchanged) {
        let path = format!("{folder}/{}", file.name);
        let (old_size, new_size) = (size(&old_root, &file.name)?, size(&new_root, &file.name)?);
        if old_size.max(new_size) > LINE_DIFF_LIMIT {
            // Not even loaded: a summary is all a person can use.
            out.push(FileDiff {
                path,
                change: file.change,
                unified: None,
                old_size,
                new_size,
                summary: Some(format!("too large for a line diff ({old_size} -> {new_size} bytes)")),
                masked: 0,
            });
            continue;
        }
        let old = read(&old_root, &file.name)?;
        let new = read(&new_root, &file.name)?;
        let mut masked = 0;
        let unified = match (as_text(&old), as_text(&new)) {
            (Some(o), Some(n)) => {
                masked = masker.spans(o.as_bytes()).len() + masker.spans(n.as_bytes()).len();
                let (o, n) = (masker.text(o), masker.text(n));
                let (a, b) = match file.change {
                    FileChange::Added => ("/dev/null".to_string(), format!("b/{path}")),
                    FileChange::Deleted => (format!("a/{path}"), "/dev/null".to_string()),
                    _ => (format!("a/{path}"), format!("b/{path}")),
                };
                Some(unified(o.as_ref(), n.as_ref(), &a, &b))
            }
            _ => None,
        };
        out.push(FileDiff {
            path,
            change: file.change,
            unified,
            old_size,
            new_size,
            summary: None,
            masked,
        });
    }
    Ok(out)
}
