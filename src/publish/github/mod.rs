//! GitHub: the token, the fork (created and awaited when missing, synced with upstream), the push
//! (git2, only the new objects) and the pull request (found or opened). Every step can be re-run:
//! an existing fork, an identical branch and an open pull request are reused, never duplicated.
//! The REST calls go through our own typed client (`client.rs`, answers in `types.rs`) on the
//! process's one HTTP client and retry policy (`crate::net::http`).

mod client;
pub mod fork;
pub mod publisher;
mod pull_search;
pub mod pulls;
pub mod types;

pub use client::erased::Body as JsonBody;
pub use client::{ApiError, Client, Conditional, MAX_PAGES};
pub use pull_search::{pull_requests, PullLookup, UpstreamPulls};

use crate::net::redact;
use crate::plan::Plan;
use anyhow::{anyhow, bail, Context};
use git2::{Cred, Direction, PushOptions, RemoteCallbacks, Repository, Signature};
use reqwest::Method;
use std::time::{Duration, Instant};
use types::{CreateFork, NewPullRequest, PullRequest, UpdatePullRequestBody, User};

use crate::config::{DEFAULT_API, DEFAULT_UPSTREAM_REPO};

#[derive(Debug, Clone)]
pub struct Settings {
    /// API base (GitHub Enterprise: `https://host/api/v3`).
    pub api: String,
    /// `--token`, if given (else the environment or `gh`).
    pub token: Option<String>,
    /// `owner/name` of the upstream repository on GitHub.
    pub upstream_repo: String,
    /// Fork into this organization instead of the user's account.
    pub fork_owner: Option<String>,
    /// How long to wait for a new fork to answer.
    pub fork_timeout: Duration,
    /// Pause between polls, and the first retry delay.
    pub poll_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api: DEFAULT_API.into(),
            token: None,
            upstream_repo: DEFAULT_UPSTREAM_REPO.into(),
            fork_owner: None,
            fork_timeout: Duration::from_secs(120),
            poll_interval: Duration::from_secs(2),
        }
    }
}

/// The client for commands that cannot work without GitHub (`status`, `fork sync`, `cleanup`),
/// or the error that says where a token comes from.
pub fn connect(settings: &Settings) -> anyhow::Result<Client> {
    let token = resolve_token(settings.token.as_deref())
        .ok_or_else(|| anyhow::anyhow!("no GitHub token: pass --token, set GH_TOKEN or GITHUB_TOKEN, or sign in with `gh auth login`"))?;
    Client::new(settings, token)
}

/// The fork's owner: `--fork-owner` (config `fork-owner`), else the token's user.
pub fn fork_owner(client: &Client, settings: &Settings) -> anyhow::Result<String> {
    match &settings.fork_owner {
        Some(owner) => Ok(owner.clone()),
        None => client.login(),
    }
}

/// `--token`, `GH_TOKEN`, `GITHUB_TOKEN`, then `gh auth token` when `gh` is installed.
pub fn resolve_token(explicit: Option<&str>) -> Option<String> {
    if let Some(t) = explicit.filter(|t| !t.trim().is_empty()) {
        return Some(t.trim().to_string());
    }
    for var in ["GH_TOKEN", "GITHUB_TOKEN"] {
        if let Ok(t) = std::env::var(var) {
            if !t.trim().is_empty() {
                return Some(t.trim().to_string());
            }
        }
    }
    let out = std::process::Command::new("gh")
        .args(["auth", "token"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let token = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !token.is_empty()).then_some(token)
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
    /// The token's user, checking the token's scopes when GitHub reports them (classic tokens).
    pub fn login(&self) -> anyhow::Result<String> {
        let reply = self.request(Method::GET, "/user", None)?;
        if reply.status != 200 {
            return Err(self.fail("checking the token", &reply));
        }
        if let Some(scopes) = reply.header("x-oauth-scopes") {
            let has = scopes.split(',').map(str::trim).any(|s| s == "repo" || s == "public_repo");
            if !has {
                bail!("the GitHub token has the scopes \"{scopes}\" but needs `public_repo` (or `repo`) to fork and open pull requests; create a token with it, or use `gh auth login`");
            }
        }
        let user: User = serde_json::from_slice(&reply.body).unwrap_or_default();
        if user.login.is_empty() {
            bail!("GitHub's /user answer has no login");
        }
        Ok(user.login)
    }

    /// The token's user, without checking scopes (for reading: `status`).
    pub fn login_name(&self) -> anyhow::Result<String> {
        let user: User = self.get_as("/user", "checking the token")?;
        if user.login.is_empty() {
            bail!("GitHub's /user answer has no login");
        }
        Ok(user.login)
    }

    fn repo_name(upstream_repo: &str) -> &str {
        upstream_repo.rsplit('/').next().unwrap_or(upstream_repo)
    }

    /// A commit author from the GitHub account, for when git has no user.name/user.email:
    /// the profile's name and public email, else GitHub's no-reply address.
    pub fn identity(&self) -> anyhow::Result<(String, String)> {
        let reply = self.request(Method::GET, "/user", None)?;
        if reply.status != 200 {
            return Err(self.fail("reading your GitHub profile", &reply));
        }
        let user: User = serde_json::from_slice(&reply.body).unwrap_or_default();
        let login = if user.login.is_empty() {
            "connector-publish".to_string()
        } else {
            user.login
        };
        let name = user.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| login.clone());
        let email = match (user.email.filter(|e| e.contains('@')), user.id) {
            (Some(e), _) => e,
            (None, Some(id)) => format!("{id}+{login}@users.noreply.github.com"),
            (None, None) => format!("{login}@users.noreply.github.com"),
        };
        Ok((name, email))
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
                open_pull_request: open_pr(self, upstream_repo, &format!("{owner}:{branch}"), base)?.map(|p| p.html_url),
            },
            404 => ForkState::Missing { would_create: full },
            _ => ForkState::Unknown(self.fail("checking the fork", &reply).to_string()),
        })
    }
}

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
    let fork = ensure_fork(client, &req.upstream_repo, &owner, &login, progress)?;
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
    let fork_synced = matches!(synced, fork::Synced::Synced { .. });

    // An open pull request from the branch makes this run a review iteration.
    let head = format!("{owner}:{}", req.branch);
    let open = open_pr(client, &req.upstream_repo, &head, &req.base_branch)?;
    let pushed = push(client, repo, plan, &clone_url, req, author, fork_synced, open.is_some(), progress)?;

    if let Some(pr) = open {
        // The title and the author's own text stay; only the generated section is replaced.
        let mut body_updated = false;
        if pushed.pushed {
            let current = pr.body.clone().unwrap_or_default();
            let body = crate::publish::pr::replace_generated(&current, &req.body);
            if body != current {
                progress(&format!("updating the generated section of #{}'s description", pr.number));
                let reply = client.request(
                    Method::PATCH,
                    &format!("/repos/{}/pulls/{}", req.upstream_repo, pr.number),
                    Some(&UpdatePullRequestBody { body: &body }),
                )?;
                if reply.status != 200 {
                    return Err(client.fail("updating the pull request's description", &reply));
                }
                body_updated = true;
            }
        }
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

/// What the push did.
struct Pushed {
    commit: String,
    pushed: bool,
    iteration: bool,
    kept_from_branch: Vec<String>,
}

fn open_pr(client: &Client, upstream: &str, head: &str, base: &str) -> anyhow::Result<Option<PullRequest>> {
    let open: Vec<types::PullRequestSimple> = client.get_as(
        &format!("/repos/{upstream}/pulls?head={}&base={base}&state=open", head.replace(' ', "%20")),
        "looking for an open pull request",
    )?;
    Ok(open.into_iter().next().map(PullRequest::from))
}

/// The fork's repository, creating the fork and waiting for it when it is missing.
fn ensure_fork(
    client: &Client,
    upstream: &str,
    owner: &str,
    login: &str,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<types::Repository> {
    let full = format!("{owner}/{}", Client::repo_name(upstream));
    let what = format!("reading your fork {full}");
    let reply = client.request(Method::GET, &format!("/repos/{full}"), None)?;
    if reply.status == 200 {
        let repo: types::Repository = client.decode(&reply, &what)?;
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

fn git_callbacks(token: &str) -> RemoteCallbacks<'static> {
    let token = token.to_string();
    let mut tries = 0;
    let mut cb = RemoteCallbacks::new();
    cb.credentials(move |_, _, _| {
        tries += 1;
        if tries > 2 {
            return Err(git2::Error::from_str(
                "the fork refused the token for git; check that it may push to your fork",
            ));
        }
        Cred::userpass_plaintext("x-access-token", &token)
    });
    cb
}

/// Push the plan's commit to the fork's branch. An identical branch is left alone. A branch whose
/// pull request is open (`iterate`) gets a new commit on top of its tip, a fast-forward that keeps
/// whatever is there (see `plan::iteration`); any other branch with other content is only
/// replaced with `--force-push`. When the fork is in sync with upstream, the push is a thin pack
/// (see `thin_push`); libgit2's push is the fallback.
#[allow(clippy::too_many_arguments)]
fn push(
    client: &Client,
    repo: &Repository,
    plan: &Plan,
    url: &str,
    req: &PublishRequest,
    author: &Signature,
    fork_synced: bool,
    iterate: bool,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<Pushed> {
    let branch_ref = format!("refs/heads/{}", req.branch);
    crate::net::git_http::install();
    crate::net::git_http::authorize(url, "x-access-token", &client.token);
    let mut remote = repo.remote_anonymous(url)?;
    let existing = {
        let connection = remote
            .connect_auth(Direction::Fetch, Some(git_callbacks(&client.token)), None)
            .map_err(crate::net::git_error)
            .with_context(|| format!("cannot reach your fork at {}", redact(url)))?;
        connection.list()?.iter().find(|h| h.name() == branch_ref).map(|h| h.oid())
    };
    let mut iteration = None;
    if let Some(oid) = existing {
        // Bring the branch's commit here to compare contents (cheap: it shares our objects); for
        // an iteration, with the history that holds the author's last commit on it.
        let depth = if iterate { crate::plan::iteration::HISTORY } else { 1 };
        if repo.find_commit(oid).is_err() || iterate {
            let mut options = git2::FetchOptions::new();
            options.remote_callbacks(git_callbacks(&client.token)).depth(depth);
            remote
                .fetch(
                    &[&format!("+{branch_ref}:refs/connector-publish/fork-branch")],
                    Some(&mut options),
                    None,
                )
                .map_err(crate::net::git_error)
                .context("reading your fork's branch")?;
        }
        let theirs = repo.find_commit(oid)?.tree()?;
        let folder = plan.target.folder();
        let same = theirs.get_path(std::path::Path::new(&folder)).ok().map(|e| e.id())
            == repo
                .find_tree(plan.tree)?
                .get_path(std::path::Path::new(&folder))
                .ok()
                .map(|e| e.id());
        if same {
            progress(&format!("{} on your fork already holds this change; nothing to push", req.branch));
            return Ok(Pushed {
                commit: oid.to_string(),
                pushed: false,
                iteration: iterate,
                kept_from_branch: Vec::new(),
            });
        }
        if iterate {
            match crate::plan::iteration::commit_on(repo, plan, oid, author, &iteration_message(&req.title))? {
                None => {
                    progress(&format!("{} on your fork already holds this change; nothing to push", req.branch));
                    return Ok(Pushed {
                        commit: oid.to_string(),
                        pushed: false,
                        iteration: true,
                        kept_from_branch: Vec::new(),
                    });
                }
                Some(i) => {
                    if !i.kept_from_branch.is_empty() {
                        progress(&format!(
                            "kept the changes others made on the branch to {}",
                            i.kept_from_branch.join(", ")
                        ));
                    }
                    iteration = Some(i);
                }
            }
        } else if !req.force_push {
            bail!(
                "the branch `{}` on your fork already holds other content and has no open pull request; choose another branch with --branch, or replace it with --force-push",
                req.branch
            );
        }
    }
    let (commit, base, force) = match &iteration {
        Some(i) => (i.commit, existing.expect("an iteration has a branch"), false),
        None => {
            let message = crate::plan::iteration::message(repo, plan, &req.title)?;
            (crate::plan::commit(repo, plan, author, &message)?, plan.base_commit, req.force_push)
        }
    };
    let done = |pushed: bool| Pushed {
        commit: commit.to_string(),
        pushed,
        iteration: iteration.is_some(),
        kept_from_branch: iteration.as_ref().map(|i| i.kept_from_branch.clone()).unwrap_or_default(),
    };
    progress(&format!(
        "pushing {} to {}{}",
        req.branch,
        redact(url),
        if iteration.is_some() {
            " (a new commit on the pull request's branch)"
        } else {
            ""
        }
    ));
    if fork_synced || iteration.is_some() {
        let thin = crate::publish::thin_push::ThinPush {
            http: &client.http,
            retry: client.retry(),
            repo,
            url,
            token: &client.token,
            base,
            commit,
            refname: &branch_ref,
            old: existing,
        };
        match thin.run() {
            Ok(pushed) => {
                progress(&format!("pushed {} bytes", pushed.bytes));
                return Ok(done(true));
            }
            Err(e) => progress(&format!("{e:#}; pushing the usual way")),
        }
    }
    let mut rejection: Option<String> = None;
    {
        let mut cb = git_callbacks(&client.token);
        cb.push_update_reference(|name, status| {
            if let Some(message) = status {
                rejection = Some(format!("{name}: {message}"));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(cb);
        let force = if force { "+" } else { "" };
        remote
            .push(&[&format!("{force}{commit}:{branch_ref}")], Some(&mut options))
            .map_err(crate::net::git_error)
            .with_context(|| format!("pushing to {}", redact(url)))?;
    }
    if let Some(why) = rejection {
        if iteration.is_some() {
            bail!("your fork rejected the push ({why}): the branch moved while this ran; run submit again (it builds on the new tip)");
        }
        bail!("your fork rejected the push ({why}); if the branch moved, run again, or use --force-push to replace it");
    }
    Ok(done(true))
}

/// The message of a review iteration's commit.
fn iteration_message(title: &str) -> String {
    format!("{title}: changes after review")
}
