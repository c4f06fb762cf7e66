//! GitHub: the settings and the token (`settings.rs`), the fork (created and awaited when
//! missing, synced with upstream: `fork.rs`), the push (`push.rs`: the transport of what
//! `plan::push` decided, only the new objects) and the pull request (found or opened, here).
//! Every step can be re-run: an existing fork, an identical branch and an open pull request are
//! reused, never duplicated. The REST calls go through our own typed client (`client.rs`,
//! answers in `types.rs`) on the process's one HTTP client and retry policy (`crate::net::http`).

mod client;
pub mod fork;
pub mod publisher;
mod pull_search;
pub mod pulls;
mod push;
mod settings;
pub mod types;

pub use client::erased::Body as JsonBody;
pub use client::{ApiError, Client, Conditional, MAX_PAGES};
pub use fork::ForkState;
pub use pull_search::{pull_requests, PullLookup, UpstreamPulls};
pub use settings::{connect, fork_owner, resolve_token, Settings};

use crate::plan::Plan;
use anyhow::anyhow;
use git2::{Repository, Signature};
use push::{ForkBranch, Pushed};
use reqwest::Method;
use types::{NewPullRequest, PullRequest, UpdatePullRequestBody};

/// What to publish.
#[derive(Debug, Clone)]
pub struct PublishRequest {
    pub upstream_repo: String,
    pub base_branch: String,
    pub branch: String,
    pub title: String,
    pub body: String,
    pub force_push: bool,
    pub fork_owner: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PublishOutcome {
    pub url: String,
    pub number: u64,
    /// The pull request was already open; none was opened.
    pub existing: bool,
    pub fork: String,
    pub branch: String,
    /// False when the fork's branch already held exactly this change.
    pub pushed: bool,
    pub commit: String,
    /// A review iteration: the commit was added on top of the open pull request's branch.
    pub iteration: bool,
    /// Files of the folder that others changed on the branch, kept in the new commit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_from_branch: Vec<String>,
    /// The generated section of the open pull request's body was updated.
    pub body_updated: bool,
}

/// Fork, sync, push, open: every step idempotent.
pub fn publish(
    client: &Client,
    repo: &Repository,
    plan: &Plan,
    req: &PublishRequest,
    author: &Signature,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<PublishOutcome> {
    let login = client.login()?;
    let owner = req.fork_owner.clone().unwrap_or_else(|| login.clone());
    let fork = fork::ensure(client, &req.upstream_repo, &owner, &login, progress)?;
    let fork_full = fork.full_name;
    let clone_url = fork
        .clone_url
        .ok_or_else(|| anyhow!("GitHub's answer for {fork_full} has no clone_url"))?;

    // Sync the fork's base branch, so the push carries only the new objects.
    progress(&format!("syncing {fork_full}:{} with upstream", req.base_branch));
    let synced = fork::merge_upstream(client, &fork_full, &req.base_branch)?;
    if let fork::Synced::Refused { message, .. } = &synced {
        progress(&format!(
            "GitHub could not sync {fork_full}:{} ({message}); pushing anyway, which may upload more (`connector-publish fork sync` explains)",
            req.base_branch
        ));
    }

    // An open pull request from the branch makes this run a review iteration.
    let head = format!("{owner}:{}", req.branch);
    let open = open_pr(client, &req.upstream_repo, &head, &req.base_branch)?;
    let branch = ForkBranch::read(client, repo, &clone_url, &req.branch, open.is_some())?;
    let decision = crate::plan::push::decide(repo, plan, &branch.state(), author, &req.title, req.force_push)?;
    let pushed = branch.write(decision, &synced, progress)?;

    if let Some(pr) = open {
        // The title and the author's own text stay; only the generated section is replaced.
        let body_updated = pushed.pushed && update_body(client, &pr, req, progress)?;
        let mut done = outcome(&pr, true, &fork_full, req, &pushed);
        done.body_updated = body_updated;
        return Ok(done);
    }
    progress(&format!("opening the pull request on {}", req.upstream_repo));
    let reply = client.request(
        Method::POST,
        &format!("/repos/{}/pulls", req.upstream_repo),
        Some(&NewPullRequest {
            title: &req.title,
            head: &head,
            base: &req.base_branch,
            body: &req.body,
            maintainer_can_modify: true,
        }),
    )?;
    match reply.status {
        201 => {
            let pr: PullRequest = client.decode(&reply, "opening the pull request")?;
            Ok(outcome(&pr, false, &fork_full, req, &pushed))
        }
        422 => match open_pr(client, &req.upstream_repo, &head, &req.base_branch)? {
            Some(pr) => Ok(outcome(&pr, true, &fork_full, req, &pushed)),
            None => Err(client.fail("opening the pull request", &reply)),
        },
        _ => Err(client.fail("opening the pull request", &reply)),
    }
}

/// The open pull request's description with its generated section replaced by the new one;
/// whether it changed.
fn update_body(client: &Client, pr: &PullRequest, req: &PublishRequest, progress: &mut dyn FnMut(&str)) -> anyhow::Result<bool> {
    let current = pr.body.clone().unwrap_or_default();
    let body = crate::publish::pr::replace_generated(&current, &req.body);
    if body == current {
        return Ok(false);
    }
    progress(&format!("updating the generated section of #{}'s description", pr.number));
    let reply = client.request(
        Method::PATCH,
        &format!("/repos/{}/pulls/{}", req.upstream_repo, pr.number),
        Some(&UpdatePullRequestBody { body: &body }),
    )?;
    if reply.status != 200 {
        return Err(client.fail("updating the pull request's description", &reply));
    }
    Ok(true)
}

fn outcome(pr: &PullRequest, existing: bool, fork: &str, req: &PublishRequest, pushed: &Pushed) -> PublishOutcome {
    PublishOutcome {
        url: pr.html_url.clone(),
        number: pr.number,
        existing,
        fork: fork.to_string(),
        branch: req.branch.clone(),
        pushed: pushed.pushed,
        commit: pushed.commit.to_string(),
        iteration: pushed.iteration,
        kept_from_branch: pushed.kept_from_branch.clone(),
        body_updated: false,
    }
}

fn open_pr(client: &Client, upstream: &str, head: &str, base: &str) -> anyhow::Result<Option<PullRequest>> {
    let open: Vec<types::PullRequestSimple> = client.get_as(
        &format!("/repos/{upstream}/pulls?head={}&base={base}&state=open", head.replace(' ', "%20")),
        "looking for an open pull request",
    )?;
    Ok(open.into_iter().next().map(PullRequest::from))
}
