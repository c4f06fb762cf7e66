//! How one file of a connector changed between two versions, for people: the kind of change and
//! a unified diff. The plan's diff against upstream and `package check`'s comparison of a
//! solution's connector with the folder's both speak it.

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileChange {
    Added,
    Modified,
    Unchanged,
    Deleted,
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
