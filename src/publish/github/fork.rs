//! The fork after the pull requests: bring its base branch up to date with upstream
//! (merge-upstream, which `submit` also does), list its branches, delete one.

use super::types::{BranchSummary, ErrorBody, MergeUpstream, MergedUpstream, Repository};
use super::{Client, MAX_PAGES};
use anyhow::bail;
use reqwest::Method;

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

/// `DELETE /repos/{repo}/git/refs/heads/{branch}`; a branch already gone is not an error.
pub fn delete_branch(client: &Client, repo: &str, branch: &str) -> anyhow::Result<bool> {
    let encoded: String = branch
        .split('/')
        .map(|part| percent_encoding::utf8_percent_encode(part, percent_encoding::NON_ALPHANUMERIC).to_string())
        .collect::<Vec<_>>()
        .join("/");
    let reply = client.request(Method::DELETE, &format!("/repos/{repo}/git/refs/heads/{encoded}"), None)?;
    match reply.status {
        204 => Ok(true),
        422 => Ok(false),
        _ => Err(client.fail(&format!("deleting {repo}:{branch}"), &reply)),
    }
}

/// Whether `cleanup` may delete a branch: the pull requests from it (`#12 merged`), and why it is
/// kept, if it is.
#[derive(Debug)]
pub struct CleanupVerdict {
    pub pulls: Vec<String>,
    pub keep: Option<String>,
}

/// A branch goes only when it is not the default or protected, every pull request from it is
/// merged or closed, and it still points at the newest one's commit.
pub fn cleanup_verdict(
    client: &Client,
    upstream: &str,
    owner: &str,
    default: &str,
    branch: &super::types::BranchSummary,
) -> anyhow::Result<CleanupVerdict> {
    let kept = |pulls: Vec<String>, reason: &str| CleanupVerdict {
        pulls,
        keep: Some(reason.to_string()),
    };
    if branch.name == default {
        return Ok(kept(Vec::new(), "the fork's default branch"));
    }
    if branch.protected {
        return Ok(kept(Vec::new(), "protected"));
    }
    let prs = super::pulls::for_head(client, upstream, owner, &branch.name)?;
    let listed: Vec<String> = prs.iter().map(|p| format!("#{} {}", p.number, p.state_word())).collect();
    if let Some(open) = prs.iter().find(|p| matches!(p.state_word(), "open" | "draft")) {
        return Ok(kept(listed, &format!("pull request #{} is open", open.number)));
    }
    let Some(newest) = prs.first() else {
        return Ok(kept(listed, "no pull request"));
    };
    if newest.head.as_ref().and_then(|h| h.sha.as_deref()) != Some(branch.commit.sha.as_str()) {
        return Ok(kept(listed, &format!("it has commits that #{} did not have", newest.number)));
    }
    Ok(CleanupVerdict { pulls: listed, keep: None })
}
