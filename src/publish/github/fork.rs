//! The fork: what is known of it before anything is written (`ForkState`), created and awaited
//! when missing (`submit`), its base branch brought up to date with upstream (merge-upstream,
//! which `submit` also does), and after the pull requests its branches listed and deleted.

use super::types::{BranchSummary, CreateFork, ErrorBody, MergeUpstream, MergedUpstream, PullRequest, Repository};
use super::{Client, MAX_PAGES};
use crate::exit::UsageError;
use anyhow::bail;
use reqwest::Method;
use std::time::Instant;

/// A GitHub account or organization name as GitHub allows it: letters, digits and hyphens, not
/// starting with a hyphen, at most 39 characters (`_` too, for the `_shortcode` of Enterprise
/// managed users). Anything else (`x/../me`) would change the URL's path, so it is a usage error.
pub fn check_owner(owner: &str, flag: &str) -> Result<(), UsageError> {
    let printable: String = owner.chars().take(60).flat_map(char::escape_debug).collect();
    let ok = !owner.is_empty()
        && owner.len() <= 39
        && !owner.starts_with('-')
        && owner.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{flag} `{printable}` is not a GitHub account or organization name: those are letters, digits and hyphens (at most 39, not starting with a hyphen)"
        )))
    }
}

/// What merge-upstream did.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Synced {
    /// 200: `merge_type` is `fast-forward`, `merge` or `none` (already up to date).
    Synced { merge_type: String, message: String },
    /// 409 (conflicts) or 422 (GitHub refused): nothing changed on the fork.
    Refused { status: u16, message: String },
}

impl Synced {
    /// What to do about a refusal, in words.
    pub fn advice(&self, fork: &str, branch: &str, upstream: &str) -> Option<String> {
        let Synced::Refused { status, .. } = self else {
            return None;
        };
        Some(match status {
            409 => format!(
                "{fork}:{branch} has commits that {upstream}:{branch} does not, so GitHub cannot bring it up to date. \
                 Your pull requests live on their own branches, so {branch} on your fork should carry no work of its own: \
                 on GitHub, open {fork}, choose \"Sync fork\" and then \"Discard commits\"; or with git, \
                 `git fetch https://github.com/{upstream}.git {branch}` and `git push --force <your fork> FETCH_HEAD:{branch}` \
                 (save any work on {branch} to another branch first)"
            ),
            _ => format!(
                "GitHub refused to sync {fork}:{branch}; check that {fork} is a fork of {upstream} and has a `{branch}` branch \
                 (an old fork may name it differently), or delete the fork and let `submit` create a new one"
            ),
        })
    }
}

/// The fork `owner/<upstream's name>`, or `None` when there is none; an error when a repository
/// of that name exists but is not a fork of `upstream`.
pub fn find(client: &Client, upstream: &str, owner: &str) -> anyhow::Result<Option<Repository>> {
    let full = format!("{owner}/{}", Client::repo_name(upstream));
    let reply = client.request(Method::GET, &format!("/repos/{full}"), None)?;
    match reply.status {
        404 => Ok(None),
        200 => {
            let repo: Repository = client.decode(&reply, &format!("reading your fork {full}"))?;
            let parent = repo.parent.as_ref().map(|p| p.full_name.as_str());
            if !parent.is_some_and(|p| p.eq_ignore_ascii_case(upstream)) {
                bail!("{full} exists but is not a fork of {upstream}; name the fork's owner with --fork-owner");
            }
            Ok(Some(repo))
        }
        _ => Err(client.fail(&format!("looking for your fork {full}"), &reply)),
    }
}

/// What is known about the fork before anything is written.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ForkState {
    Exists {
        full_name: String,
        /// The open pull request from the branch: a real run adds a commit to it (an iteration).
        #[serde(skip_serializing_if = "Option::is_none")]
        open_pull_request: Option<String>,
    },
    Missing {
        would_create: String,
    },
    Unknown {
        reason: String,
    },
}

#[allow(non_snake_case)]
impl ForkState {
    pub fn Unknown(reason: String) -> ForkState {
        ForkState::Unknown { reason }
    }

    pub fn describe(&self) -> String {
        match self {
            ForkState::Exists {
                full_name,
                open_pull_request: Some(url),
            } => format!("{full_name} (exists; the branch's pull request is open: {url}, so a real run adds a commit to it)"),
            ForkState::Exists { full_name, .. } => format!("{full_name} (exists; reused)"),
            ForkState::Missing { would_create } => format!("{would_create} (would be created)"),
            ForkState::Unknown { reason } => format!("not checked: {reason}"),
        }
    }
}

impl Client {
    pub(super) fn repo_name(upstream_repo: &str) -> &str {
        upstream_repo.rsplit('/').next().unwrap_or(upstream_repo)
    }

    /// Read-only: does the fork exist, and is a pull request open from `branch` into `base`?
    /// (Used by dry runs, which write nothing.)
    pub fn fork_state(&self, upstream_repo: &str, branch: &str, base: &str) -> anyhow::Result<ForkState> {
        let owner = match &self.settings.fork_owner {
            Some(o) => o.clone(),
            None => self.login()?,
        };
        let full = format!("{owner}/{}", Self::repo_name(upstream_repo));
        let reply = self.request(Method::GET, &format!("/repos/{full}"), None)?;
        Ok(match reply.status {
            200 => ForkState::Exists {
                full_name: full,
                open_pull_request: super::open_pr(self, upstream_repo, &format!("{owner}:{branch}"), base)?.map(|p| p.html_url),
            },
            404 => ForkState::Missing { would_create: full },
            _ => ForkState::Unknown(self.fail("checking the fork", &reply).to_string()),
        })
    }
}

/// The fork's repository, creating the fork and waiting for it when it is missing.
pub(super) fn ensure(
    client: &Client,
    upstream: &str,
    owner: &str,
    login: &str,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Repository> {
    let full = format!("{owner}/{}", Client::repo_name(upstream));
    let what = format!("reading your fork {full}");
    let reply = client.request(Method::GET, &format!("/repos/{full}"), None)?;
    if reply.status == 200 {
        let repo: Repository = client.decode(&reply, &what)?;
        let parent = repo.parent.as_ref().map(|p| p.full_name.as_str());
        if !parent.is_some_and(|p| p.eq_ignore_ascii_case(upstream)) {
            bail!("{full} exists but is not a fork of {upstream}; fork into an organization with --fork-owner, or rename that repository");
        }
        return Ok(repo);
    }
    if reply.status != 404 {
        return Err(client.fail(&format!("looking for your fork {full}"), &reply));
    }
    progress(&format!("creating your fork {full}"));
    let request = CreateFork {
        default_branch_only: true,
        organization: (owner != login).then_some(owner),
    };
    let reply = client.request(Method::POST, &format!("/repos/{upstream}/forks"), Some(&request))?;
    if reply.status != 202 && reply.status != 200 {
        return Err(client.fail("creating the fork", &reply));
    }
    // GitHub creates forks in the background: poll until it answers, within bounds.
    let started = Instant::now();
    loop {
        let reply = client.request(Method::GET, &format!("/repos/{full}"), None)?;
        if reply.status == 200 {
            return client.decode(&reply, &what);
        }
        if started.elapsed() > client.settings.fork_timeout {
            bail!(
                "GitHub has not finished creating {full} after {} s; run the same command again in a minute (it will reuse the fork)",
                client.settings.fork_timeout.as_secs()
            );
        }
        progress(&format!("waiting for GitHub to finish creating {full}..."));
        std::thread::sleep(client.settings.poll_interval);
    }
}

/// `POST /repos/{fork}/merge-upstream` for `branch`: 409 and 422 are answers, not errors.
pub fn merge_upstream(client: &Client, fork: &str, branch: &str) -> anyhow::Result<Synced> {
    let reply = client.request(
        Method::POST,
        &format!("/repos/{fork}/merge-upstream"),
        Some(&MergeUpstream { branch }),
    )?;
    match reply.status {
        200 => {
            let done: MergedUpstream = client.decode(&reply, "syncing the fork")?;
            Ok(Synced::Synced {
                merge_type: done.merge_type.unwrap_or_else(|| "none".into()),
                message: done.message.unwrap_or_default(),
            })
        }
        409 | 422 => {
            let why: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
            Ok(Synced::Refused {
                status: reply.status,
                message: if why.message.is_empty() { "refused".into() } else { why.message },
            })
        }
        _ => Err(client.fail("syncing the fork", &reply)),
    }
}

/// Every branch of `repo` (paged).
pub fn branches(client: &Client, repo: &str) -> anyhow::Result<Vec<BranchSummary>> {
    client.get_all(&format!("/repos/{repo}/branches?per_page=100"), MAX_PAGES)
}

/// A branch name as one path segment per `/`, each percent-encoded.
fn encode_branch(branch: &str) -> String {
    branch
        .split('/')
        .map(|part| percent_encoding::utf8_percent_encode(part, percent_encoding::NON_ALPHANUMERIC).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether GitHub's answer says the reference does not exist (`Reference does not exist`,
/// `Not Found` on the ref itself), as opposed to a refusal (`Repository rule violations found`).
fn says_no_such_ref(status: u16, body: &[u8]) -> bool {
    let why: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    let message = why.message.to_ascii_lowercase();
    match status {
        422 => message.contains("reference does not exist"),
        404 => message.contains("reference does not exist") || message.contains("branch not found"),
        _ => false,
    }
}

/// Where a branch points now: `GET /repos/{repo}/git/ref/heads/{branch}` (an exact match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    At(String),
    /// 404: the branch no longer exists.
    Gone,
}

/// Read the branch's head again (just before deleting it).
pub fn head(client: &Client, repo: &str, branch: &str) -> anyhow::Result<Head> {
    let reply = client.request(Method::GET, &format!("/repos/{repo}/git/ref/heads/{}", encode_branch(branch)), None)?;
    match reply.status {
        200 => {
            let reference: super::types::GitRef = client.decode(&reply, &format!("reading {repo}:{branch}"))?;
            if reference.name != format!("refs/heads/{branch}") || reference.object.sha.is_empty() {
                bail!(
                    "reading {repo}:{branch}: GitHub answered with `{}`, not the branch; nothing was deleted for it",
                    reference.name.escape_debug()
                );
            }
            Ok(Head::At(reference.object.sha))
        }
        404 => Ok(Head::Gone),
        _ => Err(client.fail(&format!("reading {repo}:{branch}"), &reply)),
    }
}

/// What one `DELETE` did.
#[derive(Debug)]
pub enum Deleted {
    /// 204.
    Deleted,
    /// 404/422 saying the reference does not exist.
    Gone,
    /// GitHub refused this branch (422 for another reason: a ruleset, a protection): the others
    /// may still go.
    Refused(String),
}

/// `DELETE /repos/{repo}/git/refs/heads/{branch}`. Any other answer (5xx, 403, 429 after the
/// retries, a lost connection) is an error: the caller stops there.
pub fn delete_branch(client: &Client, repo: &str, branch: &str) -> anyhow::Result<Deleted> {
    let reply = client.request(
        Method::DELETE,
        &format!("/repos/{repo}/git/refs/heads/{}", encode_branch(branch)),
        None,
    )?;
    match reply.status {
        204 => Ok(Deleted::Deleted),
        404 | 422 if says_no_such_ref(reply.status, &reply.body) => Ok(Deleted::Gone),
        422 => {
            let why: ErrorBody = serde_json::from_slice(&reply.body).unwrap_or_default();
            let details = why.messages();
            let mut message = if why.message.is_empty() {
                "refused".to_string()
            } else {
                why.message.clone()
            };
            if !details.is_empty() {
                message = format!("{message}: {}", details.join("; "));
            }
            Ok(Deleted::Refused(format!(
                "GitHub refused to delete it (422 {})",
                one_line(&message, 300)
            )))
        }
        _ => Err(client.fail(&format!("deleting {repo}:{branch}"), &reply)),
    }
}

/// `text` on one line, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

/// Whether `cleanup` may delete a branch: the pull requests from it (`#12 merged`), and why it is
/// kept, if it is.
#[derive(Debug)]
pub struct CleanupVerdict {
    pub pulls: Vec<String>,
    pub keep: Option<String>,
}

/// What `cleanup` knows of the fork before judging its branches.
#[derive(Debug, Clone)]
pub struct CleanupContext<'a> {
    pub upstream: &'a str,
    pub owner: &'a str,
    /// `owner/name` of the fork.
    pub fork: &'a str,
    /// The fork's default branch; `None` when GitHub did not say (then every branch is kept).
    pub default: Option<&'a str>,
    /// The branch pull requests are opened against (`dev`, or the configured base-branch).
    pub base: &'a str,
}

/// A pull request's state as `cleanup` reads it: only GitHub's own words count.
fn cleanup_state(pull: &PullRequest) -> Option<&'static str> {
    match pull.state.as_deref() {
        Some("open") if pull.draft => Some("draft"),
        Some("open") => Some("open"),
        Some("closed") if pull.merged == Some(true) || pull.merged_at.is_some() => Some("merged"),
        Some("closed") => Some("closed"),
        _ => None,
    }
}

/// A branch goes only when it is not the default, the base branch or protected, every pull
/// request from it is merged or closed, and it still points at the newest one's commit. Anything
/// not known (a state GitHub did not name, a head that is not this fork's branch, no default
/// branch) keeps it.
pub fn cleanup_verdict(client: &Client, context: &CleanupContext, branch: &BranchSummary) -> anyhow::Result<CleanupVerdict> {
    let kept = |pulls: Vec<String>, reason: &str| CleanupVerdict {
        pulls,
        keep: Some(reason.to_string()),
    };
    let Some(default) = context.default else {
        return Ok(kept(
            Vec::new(),
            "GitHub did not say which branch is the fork's default, so no branch is deleted",
        ));
    };
    if branch.name == default {
        return Ok(kept(Vec::new(), "the fork's default branch"));
    }
    if branch.name == context.base {
        return Ok(kept(Vec::new(), "the base branch pull requests are opened against"));
    }
    if branch.protected {
        return Ok(kept(Vec::new(), "protected"));
    }
    let prs = super::pulls::for_head(client, context.upstream, context.owner, &branch.name)?;
    let label = format!("{}:{}", context.owner, branch.name);
    let mut ours = Vec::new();
    for pull in &prs {
        let head = pull.head.as_ref();
        let head_label = head.and_then(|h| h.label.as_deref());
        let head_repo = head.and_then(|h| h.repo.as_ref()).map(|r| r.full_name.as_str());
        let label_matches = head_label.is_some_and(|l| {
            l.split_once(':')
                .is_some_and(|(o, b)| o.eq_ignore_ascii_case(context.owner) && b == branch.name)
        });
        match (head_label, head_repo) {
            // Another head: the server did not filter (or the names only look alike).
            (Some(_), _) if !label_matches => continue,
            (Some(_), Some(repo)) if !repo.eq_ignore_ascii_case(context.fork) => continue,
            (Some(_), Some(_)) => ours.push(pull),
            _ => {
                return Ok(kept(
                    Vec::new(),
                    &format!(
                        "GitHub did not say where pull request #{}'s head is, so it may be {label}",
                        pull.number
                    ),
                ))
            }
        }
    }
    let mut listed = Vec::new();
    for pull in &ours {
        let Some(state) = cleanup_state(pull) else {
            let said = pull
                .state
                .as_deref()
                .map_or("no state".to_string(), |s| format!("the state `{}`", one_line(s, 40)));
            listed.push(format!("#{} unknown", pull.number));
            return Ok(kept(
                listed,
                &format!(
                    "pull request #{} has {said}, which this tool does not know as open or closed",
                    pull.number
                ),
            ));
        };
        listed.push(format!("#{} {state}", pull.number));
    }
    if let Some(open) = ours.iter().find(|p| matches!(cleanup_state(p), Some("open" | "draft"))) {
        return Ok(kept(listed, &format!("pull request #{} is open", open.number)));
    }
    let Some(newest) = ours.first() else {
        return Ok(kept(listed, "no pull request"));
    };
    if newest.head.as_ref().and_then(|h| h.sha.as_deref()) != Some(branch.commit.sha.as_str()) {
        return Ok(kept(listed, &format!("it has commits that #{} did not have", newest.number)));
    }
    Ok(CleanupVerdict { pulls: listed, keep: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_names_are_github_s() {
        for good in ["octo", "Octo-Cat", "a", "octo_acme", "x1-2"] {
            assert!(check_owner(good, "--fork-owner").is_ok(), "{good}");
        }
        for bad in ["x/../me", "", "-x", "a b", "a.b", "é", &"a".repeat(40), "x%2F..", "x\nme"] {
            let e = check_owner(bad, "--fork-owner").unwrap_err();
            assert!(e.0.contains("--fork-owner"), "{e}");
        }
    }

    #[test]
    fn only_a_missing_reference_is_gone() {
        assert!(says_no_such_ref(422, br#"{"message":"Reference does not exist"}"#));
        assert!(!says_no_such_ref(
            422,
            br#"{"message":"Repository rule violations found\n\nCannot delete this branch\n\n"}"#
        ));
        assert!(!says_no_such_ref(422, b""));
        assert!(!says_no_such_ref(403, br#"{"message":"Reference does not exist"}"#));
    }
}
