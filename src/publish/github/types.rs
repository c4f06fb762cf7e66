//! The parts of GitHub's REST answers (2022-11-28) this tool reads, as typed structs. Fields it
//! does not use are left out (serde ignores them); fields GitHub may leave out or send as `null`
//! are `Option` or defaulted, so a leaner answer (GitHub Enterprise, the test fake) still reads.

use serde::{Deserialize, Serialize};

/// `GET /user` (private-user / public-user).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct User {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub id: Option<u64>,
    #[serde(default)]
    pub name: Option<String>,
    /// The public email, when the profile shows one.
    #[serde(default)]
    pub email: Option<String>,
}

/// `GET /repos/{owner}/{repo}`, `POST /repos/{owner}/{repo}/forks` (full-repository).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Repository {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub clone_url: Option<String>,
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(default)]
    pub fork: bool,
    /// The repository this one was forked from (forks only).
    #[serde(default)]
    pub parent: Option<RepositoryRef>,
}

/// A repository named inside another answer (a fork's `parent`, a pull request's `head.repo`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RepositoryRef {
    #[serde(default)]
    pub full_name: String,
}

/// `GET/PATCH /repos/{owner}/{repo}/pulls/{n}`, `POST /repos/{owner}/{repo}/pulls` (pull-request);
/// lists are read as [`PullRequestSimple`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PullRequest {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub head: Option<Branch>,
    #[serde(default)]
    pub base: Option<Branch>,
    /// The description, `null` when empty.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Single-PR shape only: `merged`, `mergeable` (`null` while GitHub computes it) and
    /// `mergeable_state` (`clean`, `dirty` = conflicts, `behind`, `blocked`, `unstable`, …).
    #[serde(default)]
    pub merged: Option<bool>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub mergeable: Option<bool>,
    #[serde(default)]
    pub mergeable_state: Option<String>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub user: Option<Account>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A pull request as a list shows it (`GET /repos/{owner}/{repo}/pulls`: pull-request-simple),
/// without the single-PR fields (`merged`, `mergeable`, `mergeable_state`), which the list does not
/// have. Read lists as this, then use it as a [`PullRequest`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PullRequestSimple {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub head: Option<Branch>,
    #[serde(default)]
    pub base: Option<Branch>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub user: Option<Account>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl From<PullRequestSimple> for PullRequest {
    fn from(p: PullRequestSimple) -> PullRequest {
        PullRequest {
            number: p.number,
            html_url: p.html_url,
            state: p.state,
            title: p.title,
            head: p.head,
            base: p.base,
            body: p.body,
            draft: p.draft,
            merged: None,
            merged_at: p.merged_at,
            mergeable: None,
            mergeable_state: None,
            labels: p.labels,
            user: p.user,
            updated_at: p.updated_at,
        }
    }
}

impl PullRequest {
    /// open, draft, merged or closed.
    pub fn state_word(&self) -> &'static str {
        match self.state.as_deref() {
            Some("open") if self.draft => "draft",
            Some("open") => "open",
            _ if self.merged == Some(true) || self.merged_at.is_some() => "merged",
            _ => "closed",
        }
    }
}

/// A label on an issue or pull request.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Label {
    #[serde(default)]
    pub name: String,
}

/// An account named inside an answer (simple-user).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Account {
    #[serde(default)]
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// `GET /repos/{o}/{r}/commits/{ref}/check-runs`: a wrapped, paged list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckRuns {
    #[serde(default)]
    pub total_count: u64,
    #[serde(default)]
    pub check_runs: Vec<CheckRun>,
}

/// One check run (check-run).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckRun {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub name: String,
    /// queued, in_progress, completed (and waiting, requested, pending).
    #[serde(default)]
    pub status: String,
    /// success, failure, neutral, cancelled, skipped, timed_out, action_required, stale; `null`
    /// until completed.
    #[serde(default)]
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub details_url: Option<String>,
    #[serde(default)]
    pub output: CheckOutput,
}

/// A check run's `output`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckOutput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub annotations_count: u64,
}

/// `GET /repos/{o}/{r}/check-runs/{id}/annotations` (check-annotation).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Annotation {
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub start_line: Option<u64>,
    #[serde(default)]
    pub annotation_level: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// `null` in GitHub's description (an annotation may have only a title).
    #[serde(default)]
    pub message: Option<String>,
}

/// `GET /repos/{o}/{r}/commits/{ref}/status` (combined-commit-status).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CombinedStatus {
    /// failure, pending or success.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub statuses: Vec<CommitStatus>,
}

/// One commit status (simple-commit-status).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommitStatus {
    #[serde(default)]
    pub context: String,
    /// error, failure, pending, success.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub target_url: Option<String>,
}

/// `GET /repos/{o}/{r}/pulls/{n}/reviews` (pull-request-review).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Review {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub user: Option<Account>,
    /// APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub submitted_at: Option<String>,
}

/// `GET /repos/{o}/{r}/pulls/{n}/comments` (pull-request-review-comment).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewComment {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub path: String,
    /// `null` when the comment is outdated (its line is no longer in the diff).
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(default)]
    pub original_line: Option<u64>,
    #[serde(default)]
    pub position: Option<u64>,
    #[serde(default)]
    pub in_reply_to_id: Option<u64>,
    #[serde(default)]
    pub user: Option<Account>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `GET /repos/{o}/{r}/issues/{n}/comments` (issue-comment).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IssueComment {
    #[serde(default)]
    pub id: u64,
    #[serde(default)]
    pub user: Option<Account>,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// `GET /repos/{o}/{r}/compare/{base}...{head}` (commit-comparison).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Comparison {
    /// diverged, ahead, behind, identical.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub ahead_by: u64,
    #[serde(default)]
    pub behind_by: u64,
}

/// `GET /repos/{o}/{r}/branches` (short-branch).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BranchSummary {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub commit: CommitRef,
    #[serde(default)]
    pub protected: bool,
}

/// A commit named inside an answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommitRef {
    #[serde(default)]
    pub sha: String,
}

/// `PATCH /repos/{o}/{r}/pulls/{n}`: only the body (the title is the author's).
#[derive(Debug, Serialize)]
pub struct UpdatePullRequestBody<'a> {
    pub body: &'a str,
}

/// A pull request's `head` or `base`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Branch {
    /// `owner:branch`.
    #[serde(default)]
    pub label: Option<String>,
    #[serde(rename = "ref", default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sha: Option<String>,
    #[serde(default)]
    pub repo: Option<RepositoryRef>,
}

/// `POST /repos/{owner}/{repo}/merge-upstream` (merged-upstream).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MergedUpstream {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub merge_type: Option<String>,
    #[serde(default)]
    pub base_branch: Option<String>,
}

/// An error answer (basic-error, validation-error): `message` and, for 422, `errors`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub errors: Vec<ErrorDetail>,
}

impl ErrorBody {
    /// The detail messages (`errors[].message`), the ones that say something.
    pub fn messages(&self) -> Vec<&str> {
        self.errors
            .iter()
            .filter_map(|e| match e {
                ErrorDetail::Message { message } => Some(message.as_str()),
                ErrorDetail::Other(_) => None,
            })
            .collect()
    }
}

/// One entry of `errors`: an object with a `message`, or something else (some endpoints send
/// plain strings or objects with only `code`), which is not shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    Message { message: String },
    Other(serde::de::IgnoredAny),
}

/// `POST /repos/{owner}/{repo}/forks`.
#[derive(Debug, Serialize)]
pub struct CreateFork<'a> {
    pub default_branch_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<&'a str>,
}

/// `POST /repos/{owner}/{repo}/merge-upstream`.
#[derive(Debug, Serialize)]
pub struct MergeUpstream<'a> {
    pub branch: &'a str,
}

/// `POST /repos/{owner}/{repo}/pulls`.
#[derive(Debug, Serialize)]
pub struct NewPullRequest<'a> {
    pub title: &'a str,
    pub head: &'a str,
    pub base: &'a str,
    pub body: &'a str,
    pub maintainer_can_modify: bool,
}

// --- The duplicate search's view of pull requests (pulls and pull-files endpoints) ----------------

/// `GET /repos/{owner}/{repo}/pulls` as the duplicate search reads it (pull-request-simple).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PullListed {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub user: Option<UserRef>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub merged_at: Option<String>,
    #[serde(default)]
    pub head: Option<Branch>,
}

/// A user named inside another answer (simple-user).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserRef {
    #[serde(default)]
    pub login: String,
}

/// One entry of `GET /repos/{owner}/{repo}/pulls/{number}/files` (diff-entry).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PullFile {
    #[serde(default)]
    pub filename: String,
    /// `added`, `removed`, `modified`, `renamed`, `copied`, `changed`, `unchanged`.
    #[serde(default)]
    pub status: String,
}

/// `GET /repos/{owner}/{repo}/contents/{path}?ref=` for a file (content-file).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FileContent {
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_with_and_without_optional_fields() {
        let repo: Repository = serde_json::from_str(
            r#"{"full_name": "octo/R", "fork": true, "clone_url": "https://github.com/octo/R.git", "parent": {"full_name": "microsoft/R", "id": 1}, "extra": [1]}"#,
        )
        .unwrap();
        assert_eq!(repo.parent.unwrap().full_name, "microsoft/R");
        let user: User = serde_json::from_str(r#"{"login": "octo", "id": 7, "name": null, "email": null}"#).unwrap();
        assert_eq!((user.login.as_str(), user.id, user.name), ("octo", Some(7), None));
        let error: ErrorBody = serde_json::from_str(
            r#"{"message": "Validation Failed", "errors": [{"resource": "PullRequest", "code": "custom", "message": "A pull request already exists"}, {"code": "missing"}, "plain"]}"#,
        )
        .unwrap();
        assert_eq!(error.messages(), ["A pull request already exists"]);
    }
}

/// `GET /repos/{o}/{r}/git/ref/{ref}`: a reference and the object it points at.
#[derive(Debug, Clone, Deserialize)]
pub struct GitRef {
    #[serde(rename = "ref", default)]
    pub name: String,
    #[serde(default)]
    pub object: GitObject,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GitObject {
    #[serde(default)]
    pub sha: String,
}

/// `GET /repos/{o}/{r}/commits` (commit list): only what is read.
#[derive(Debug, Clone, Deserialize)]
pub struct CommitItem {
    #[serde(default)]
    pub sha: String,
    pub commit: CommitDetail,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitDetail {
    #[serde(default)]
    pub message: String,
}
