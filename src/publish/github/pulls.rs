//! A pull request after it opened, as GitHub tells it: the pull itself, its checks and statuses
//! (with the annotations of failed checks), reviews, review comments, the conversation (for the
//! CLA bot), and how far its base branch moved on. Every list is paged (`Link`), and every call is
//! conditional (ETag) on a refresh, so `status --watch` costs one 304 per source when nothing
//! changed (304s do not count against GitHub's rate limit).
//!
//! Only the pull request itself must be read: every other section comes from its own call, and a
//! section whose call fails is named in [`PullSnapshot::unread`] with why, the others standing.
//!
//! Calls for one pull request: 1 (pull) + 1 per 100 check runs + 1 per 100 statuses + 1 per 100
//! reviews + 1 per 100 review comments + 1 per 100 comments + 1 (compare) + 1 per failed check
//! (annotations, at most [`MAX_ANNOTATED`]).

use super::types::{
    Annotation, CheckRun, CheckRuns, CombinedStatus, CommitStatus, Comparison, IssueComment, PullRequest, PullRequestSimple, Review,
    ReviewComment,
};
use super::{Client, Conditional, MAX_PAGES};
use std::collections::{BTreeMap, HashMap};

/// The most failed checks whose annotations are read (one call each).
pub const MAX_ANNOTATED: usize = 5;

/// Everything known about one pull request.
#[derive(Debug, Clone, Default)]
pub struct PullSnapshot {
    pub pull: PullRequest,
    pub checks: Vec<CheckRun>,
    pub statuses: Vec<CommitStatus>,
    /// Annotations of failed check runs, by check-run id.
    pub annotations: BTreeMap<u64, Vec<Annotation>>,
    pub reviews: Vec<Review>,
    pub review_comments: Vec<ReviewComment>,
    pub comments: Vec<IssueComment>,
    /// The base branch against the head (open pull requests only).
    pub comparison: Option<Comparison>,
    /// The sections whose own call failed on the last refresh, and why (`compare`, `checks`,
    /// `statuses`, `reviews`, `review comments`, `comments`, `annotations`): the rest stands.
    pub unread: BTreeMap<&'static str, String>,
}

/// One pull request, refreshed with conditional requests.
pub struct PullWatch {
    upstream: String,
    number: u64,
    etags: HashMap<String, String>,
    pub snapshot: PullSnapshot,
}

impl PullWatch {
    pub fn new(upstream: &str, number: u64) -> PullWatch {
        PullWatch {
            upstream: upstream.to_string(),
            number,
            etags: HashMap::new(),
            snapshot: PullSnapshot::default(),
        }
    }

    /// Read what changed since the last refresh (everything, the first time). True when anything
    /// did.
    pub fn refresh(&mut self, client: &Client) -> anyhow::Result<bool> {
        let (up, n) = (self.upstream.clone(), self.number);
        let mut changed = false;
        let unread_before = std::mem::take(&mut self.snapshot.unread);
        if let Some(pull) = self.one::<PullRequest>(client, &format!("/repos/{up}/pulls/{n}"))? {
            self.snapshot.pull = pull;
            changed = true;
        }
        let sha = self.snapshot.pull.head.as_ref().and_then(|h| h.sha.clone()).unwrap_or_default();
        if !sha.is_empty() {
            let path = format!("/repos/{up}/commits/{sha}/check-runs?per_page=100");
            let read = self.list(client, &path, |p: CheckRuns| p.check_runs);
            if let Some(checks) = self.section("checks", read) {
                self.snapshot.checks = checks;
                changed = true;
            }
            let path = format!("/repos/{up}/commits/{sha}/status?per_page=100");
            let read = self.list(client, &path, |p: CombinedStatus| p.statuses);
            if let Some(statuses) = self.section("statuses", read) {
                self.snapshot.statuses = statuses;
                changed = true;
            }
        }
        let read = self.list(client, &format!("/repos/{up}/pulls/{n}/reviews?per_page=100"), |p: Vec<Review>| p);
        if let Some(reviews) = self.section("reviews", read) {
            self.snapshot.reviews = reviews;
            changed = true;
        }
        // Newest first, so that any new or edited comment changes the first page's ETag.
        let path = format!("/repos/{up}/pulls/{n}/comments?per_page=100&sort=updated&direction=desc");
        let read = self.list(client, &path, |p: Vec<ReviewComment>| p);
        if let Some(comments) = self.section("review comments", read) {
            self.snapshot.review_comments = comments;
            changed = true;
        }
        let read = self.list(
            client,
            &format!("/repos/{up}/issues/{n}/comments?per_page=100"),
            |p: Vec<IssueComment>| p,
        );
        if let Some(comments) = self.section("comments", read) {
            self.snapshot.comments = comments;
            changed = true;
        }
        let base = self.snapshot.pull.base.as_ref().and_then(|b| b.name.clone());
        if let (Some(base), false, "open" | "draft") = (base, sha.is_empty(), self.snapshot.pull.state_word()) {
            let read = self.one::<Comparison>(client, &format!("/repos/{up}/compare/{base}...{sha}"));
            if let Some(comparison) = self.section("compare", read) {
                self.snapshot.comparison = Some(comparison);
                changed = true;
            }
        }
        // Annotations of failed checks: read once per check run (a re-run is a new id).
        let failed: Vec<u64> = self
            .snapshot
            .checks
            .iter()
            .filter(|c| is_failure(c.conclusion.as_deref()) && c.output.annotations_count > 0)
            .map(|c| c.id)
            .take(MAX_ANNOTATED)
            .collect();
        self.snapshot.annotations.retain(|id, _| failed.contains(id));
        for id in failed {
            if self.snapshot.annotations.contains_key(&id) {
                continue;
            }
            let read = client.get::<Vec<Annotation>>(&format!("/repos/{up}/check-runs/{id}/annotations?per_page=50"));
            if let Some(annotations) = self.section("annotations", read.map(Some)) {
                self.snapshot.annotations.insert(id, annotations);
                changed = true;
            }
        }
        Ok(changed || self.snapshot.unread != unread_before)
    }

    /// A section's answer: its value (`None`: unchanged), or, when its call failed, `None` and
    /// the reason in [`PullSnapshot::unread`].
    fn section<T>(&mut self, name: &'static str, read: anyhow::Result<Option<T>>) -> Option<T> {
        match read {
            Ok(value) => value,
            Err(e) => {
                tracing::debug!("{name} could not be read: {e:#}");
                self.snapshot.unread.insert(name, format!("{e:#}"));
                None
            }
        }
    }

    fn one<T: serde::de::DeserializeOwned>(&mut self, client: &Client, path: &str) -> anyhow::Result<Option<T>> {
        match client.get_conditional::<T>(path, self.etags.get(path).map(String::as_str))? {
            Conditional::NotModified => Ok(None),
            Conditional::Modified(value, etag) => {
                self.remember(path, etag);
                Ok(Some(value))
            }
        }
    }

    fn list<P: serde::de::DeserializeOwned, T>(
        &mut self,
        client: &Client,
        path: &str,
        items: impl Fn(P) -> Vec<T>,
    ) -> anyhow::Result<Option<Vec<T>>> {
        match client.get_pages_conditional(path, self.etags.get(path).map(String::as_str), MAX_PAGES, items)? {
            Conditional::NotModified => Ok(None),
            Conditional::Modified(value, etag) => {
                self.remember(path, etag);
                Ok(Some(value))
            }
        }
    }

    fn remember(&mut self, path: &str, etag: Option<String>) {
        match etag {
            Some(e) => self.etags.insert(path.to_string(), e),
            None => self.etags.remove(path),
        };
    }
}

/// A check run's or status's conclusion that means it failed.
pub fn is_failure(conclusion: Option<&str>) -> bool {
    matches!(
        conclusion,
        Some("failure" | "timed_out" | "action_required" | "cancelled" | "error")
    )
}

/// The open pull requests on `upstream` opened by `login` (every page of the open list).
pub fn open_by(client: &Client, upstream: &str, login: &str) -> anyhow::Result<Vec<PullRequest>> {
    let all: Vec<PullRequestSimple> = client.get_all(&format!("/repos/{upstream}/pulls?state=open&per_page=100"), MAX_PAGES)?;
    Ok(all
        .into_iter()
        .filter(|p| p.user.as_ref().is_some_and(|u| u.login.eq_ignore_ascii_case(login)))
        .map(PullRequest::from)
        .collect())
}

/// The pull requests (any state) from `owner:branch` on `upstream`, newest first.
pub fn for_head(client: &Client, upstream: &str, owner: &str, branch: &str) -> anyhow::Result<Vec<PullRequest>> {
    let head = format!("{owner}:{branch}");
    let encoded = percent_encoding::utf8_percent_encode(&head, percent_encoding::NON_ALPHANUMERIC).to_string();
    let all: Vec<PullRequestSimple> =
        client.get_all(&format!("/repos/{upstream}/pulls?state=all&head={encoded}&per_page=100"), MAX_PAGES)?;
    Ok(all.into_iter().map(PullRequest::from).collect())
}

/// The pull request's number from what was given.
/// A number (`123`, `#123`), a pull request URL, a connector folder (the branches `submit` would
/// have pushed it to) or a branch of the fork (`fork_owner`'s, else the token's user's); usage
/// errors for what is none of these.
pub fn resolve(
    client: &Client,
    upstream: &str,
    fork_owner: Option<&str>,
    target: &str,
    branch_prefix: Option<&str>,
) -> anyhow::Result<u64> {
    use crate::exit::UsageError;
    use std::path::Path;
    let trimmed = target.trim().trim_start_matches('#');
    if let Ok(n) = trimmed.parse::<u64>() {
        return Ok(n);
    }
    if let Some((_, n)) = trimmed.rsplit_once("/pull/") {
        let n = n.split(['/', '#', '?']).next().unwrap_or_default();
        return n
            .parse()
            .map_err(|_| UsageError(format!("`{target}` is not a pull request URL")).into());
    }
    let owner = match fork_owner {
        Some(o) => o.to_string(),
        None => client.login_name()?,
    };
    let owner = owner.as_str();
    let branches = if Path::new(target).is_dir() {
        folder_branches(Path::new(target), branch_prefix)?
    } else {
        crate::plan::branch::check(target).map_err(|e| UsageError(format!("`{target}` is not a number, a folder or a branch: {e}")))?;
        vec![target.to_string()]
    };
    let mut found = Vec::new();
    for branch in &branches {
        found.extend(for_head(client, upstream, owner, branch)?);
    }
    found.sort_by_key(|p| std::cmp::Reverse(p.number));
    match found.first() {
        Some(p) => Ok(p.number),
        None => anyhow::bail!(
            "no pull request on {upstream} from {}; `connector-publish status` lists your open ones, and `connector-publish submit` opens one",
            branches.iter().map(|b| format!("{owner}:{b}")).collect::<Vec<_>>().join(" or ")
        ),
    }
}

/// The branches `submit` would have pushed a folder to: from its title, new or update, and from
/// the folder's own name.
fn folder_branches(path: &std::path::Path, prefix: Option<&str>) -> anyhow::Result<Vec<String>> {
    use crate::plan::{branch::default_name, Kind};
    let package = crate::source::folder(path)?;
    let mut names = Vec::new();
    let title = package
        .swagger_value()
        .and_then(|v| v.pointer("/info/title"))
        .and_then(|t| t.as_str())
        .and_then(|t| crate::connector::name::safe_folder_name(t).ok());
    for name in title.into_iter().chain(package.folder_name()) {
        for kind in [Kind::New, Kind::Update] {
            let branch = default_name(kind, &name, prefix);
            if !names.contains(&branch) {
                names.push(branch);
            }
        }
    }
    Ok(names)
}
