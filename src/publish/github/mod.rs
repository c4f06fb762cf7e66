//! GitHub: the token, the fork (created and awaited when missing, synced with upstream), the push
//! (git2, only the new objects) and the pull request (found or opened). Every step can be re-run:
//! an existing fork, an identical branch and an open pull request are reused, never duplicated.

use crate::catalog::mirror::redact;
use crate::plan::Plan;
use anyhow::{anyhow, bail, Context};
use git2::{Cred, Direction, PushOptions, RemoteCallbacks, Repository, Signature};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// The production API and upstream repository.
pub const DEFAULT_API: &str = "https://api.github.com";
pub const DEFAULT_UPSTREAM_REPO: &str = "microsoft/PowerPlatformConnectors";

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
    Exists { full_name: String },
    Missing { would_create: String },
    Unknown { reason: String },
}

#[allow(non_snake_case)]
impl ForkState {
    pub fn Unknown(reason: String) -> ForkState {
        ForkState::Unknown { reason }
    }

    pub fn describe(&self) -> String {
        match self {
            ForkState::Exists { full_name } => format!("{full_name} (exists; reused)"),
            ForkState::Missing { would_create } => format!("{would_create} (would be created)"),
            ForkState::Unknown { reason } => format!("not checked: {reason}"),
        }
    }
}

/// A GitHub response: status, the headers that matter, and the JSON body.
#[derive(Debug)]
struct Reply {
    status: u16,
    scopes: Option<String>,
    body: Value,
}

/// Status, `Retry-After`, `x-ratelimit-remaining`, `x-ratelimit-reset`, `x-oauth-scopes`, body.
type Answer = (u16, Option<u64>, Option<String>, Option<u64>, Option<String>, String);

/// Why a call got no answer.
enum Failure {
    /// Connection refused or reset, a bad answer: worth another try.
    Http(octocrab::Error),
    /// No answer (or no complete answer) within the timeout.
    TimedOut,
    /// The body passed the cap.
    TooLarge(u64),
}

pub struct Client {
    octo: octocrab::Octocrab,
    runtime: tokio::runtime::Runtime,
    token: String,
    settings: Settings,
}

impl Client {
    pub fn new(settings: &Settings, token: String) -> anyhow::Result<Client> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let api = settings.api.trim_end_matches('/').to_string();
        let octo = runtime.block_on(async {
            let timeout = Some(crate::net::timeout());
            octocrab::Octocrab::builder()
                .set_connect_timeout(timeout)
                .set_read_timeout(timeout)
                .set_write_timeout(timeout)
                .base_uri(api.as_str())
                .map_err(|e| anyhow!("bad GitHub API URL {api}: {e}"))?
                .personal_token(token.clone())
                .add_header(http::header::USER_AGENT, format!("connector-publish/{}", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| anyhow!("cannot set up the GitHub client: {e}"))
        })?;
        Ok(Client {
            octo,
            runtime,
            token,
            settings: settings.clone(),
        })
    }

    /// One request with bounded retries: 5xx and rate limits (403/429 with `Retry-After` or an
    /// exhausted `x-ratelimit-remaining`), waiting what GitHub asks, at most 60 s a time.
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> anyhow::Result<Reply> {
        const ATTEMPTS: u32 = 4;
        let mut delay = self.settings.poll_interval;
        for attempt in 1..=ATTEMPTS {
            let result = self.runtime.block_on(self.call(method, path, body));
            let (status, retry_after, remaining, reset, scopes, text) = match result {
                Ok(r) => r,
                Err(Failure::Http(e)) if attempt < ATTEMPTS => {
                    tracing::debug!(method, path, attempt, "GitHub call failed: {e}; retrying");
                    std::thread::sleep(delay);
                    delay *= 2;
                    continue;
                }
                Err(Failure::Http(e)) => return Err(anyhow!("cannot reach GitHub at {}: {e}", self.settings.api)),
                // A silent or trickling peer is not asked again: the command ends within the timeout.
                Err(Failure::TimedOut) => bail!(
                    "GitHub at {} did not answer {method} {}: {}",
                    self.settings.api,
                    path.split('?').next().unwrap_or(path),
                    crate::net::timeout_hint()
                ),
                Err(Failure::TooLarge(cap)) => bail!(
                    "GitHub at {} sent an answer to {method} {} larger than {}, more than any real one; refusing to read on",
                    self.settings.api,
                    path.split('?').next().unwrap_or(path),
                    crate::net::size(cap)
                ),
            };
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            let message = body.get("message").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            let rate_limited = matches!(status, 403 | 429)
                && (retry_after.is_some() || remaining.as_deref() == Some("0") || message.contains("rate limit"));
            let retryable = status >= 500 || rate_limited;
            if retryable && attempt < ATTEMPTS {
                tracing::debug!(method, path, status, ?retry_after, attempt, "GitHub asked to retry");
                let wait = if let Some(secs) = retry_after {
                    Duration::from_secs(secs)
                } else if let (Some("0"), Some(reset)) = (remaining.as_deref(), reset) {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_secs();
                    Duration::from_secs(reset.saturating_sub(now) + 1)
                } else {
                    delay
                };
                if wait > Duration::from_secs(60) {
                    bail!(
                        "GitHub's rate limit asks to wait {} s; run again later (nothing was left half done)",
                        wait.as_secs()
                    );
                }
                std::thread::sleep(wait);
                delay *= 2;
                continue;
            }
            tracing::debug!(method, path, status, attempt, "GitHub");
            return Ok(Reply { status, scopes, body });
        }
        unreachable!("the last attempt returns")
    }

    /// One call: the answer's headers within the timeout, then its body, at most
    /// [`crate::net::API_BODY_CAP`], within twice the timeout.
    async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Answer, Failure> {
        use http_body_util::BodyExt;
        let timeout = crate::net::timeout();
        let sent = async {
            match method {
                "GET" => self.octo._get(path).await,
                "POST" => self.octo._post(path, body).await,
                other => unreachable!("method {other}"),
            }
        };
        let response = match tokio::time::timeout(timeout, sent).await {
            Ok(r) => r.map_err(|e| {
                if crate::net::is_timeout(&e) {
                    Failure::TimedOut
                } else {
                    Failure::Http(e)
                }
            })?,
            Err(_) => return Err(Failure::TimedOut),
        };
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let remaining = header("x-ratelimit-remaining");
        let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok());
        let scopes = header("x-oauth-scopes");
        let cap = crate::net::body_cap(crate::net::API_BODY_CAP);
        let deadline = tokio::time::Instant::now() + timeout * 2;
        let mut stream = response.into_body();
        let mut bytes: Vec<u8> = Vec::new();
        loop {
            let frame = match tokio::time::timeout_at(deadline, stream.frame()).await {
                Err(_) => return Err(Failure::TimedOut),
                Ok(None) => break,
                Ok(Some(Err(e))) if crate::net::is_timeout(&e) => return Err(Failure::TimedOut),
                Ok(Some(Err(e))) => return Err(Failure::Http(e)),
                Ok(Some(Ok(frame))) => frame,
            };
            if let Ok(data) = frame.into_data() {
                if bytes.len() as u64 + data.len() as u64 > cap {
                    return Err(Failure::TooLarge(cap));
                }
                bytes.extend_from_slice(&data);
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok((status, retry_after, remaining, reset, scopes, text))
    }

    fn fail(&self, what: &str, reply: &Reply) -> anyhow::Error {
        let message = reply.body.get("message").and_then(Value::as_str).unwrap_or("");
        let details: Vec<&str> = reply
            .body
            .get("errors")
            .and_then(Value::as_array)
            .map(|e| e.iter().filter_map(|x| x.get("message").and_then(Value::as_str)).collect())
            .unwrap_or_default();
        let hint = match reply.status {
            401 => " (the token is wrong or expired: create a new one, or `gh auth login`)",
            403 => " (the token lacks a permission: a classic token needs the `public_repo` scope; a fine-grained token cannot open pull requests on repositories you do not own, so use a classic token or `gh auth login`)",
            404 => " (not found, or the token cannot see it)",
            _ => "",
        };
        anyhow!(
            "{what}: GitHub answered {} {message}{}{hint}",
            reply.status,
            if details.is_empty() {
                String::new()
            } else {
                format!(": {}", details.join("; "))
            }
        )
    }

    /// The token's user, checking the token's scopes when GitHub reports them (classic tokens).
    pub fn login(&self) -> anyhow::Result<String> {
        let reply = self.request("GET", "/user", None)?;
        if reply.status != 200 {
            return Err(self.fail("checking the token", &reply));
        }
        if let Some(scopes) = &reply.scopes {
            let has = scopes.split(',').map(str::trim).any(|s| s == "repo" || s == "public_repo");
            if !has {
                bail!("the GitHub token has the scopes \"{scopes}\" but needs `public_repo` (or `repo`) to fork and open pull requests; create a token with it, or use `gh auth login`");
            }
        }
        reply
            .body
            .get("login")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("GitHub's /user answer has no login"))
    }

    fn repo_name(upstream_repo: &str) -> &str {
        upstream_repo.rsplit('/').next().unwrap_or(upstream_repo)
    }

    /// A commit author from the GitHub account, for when git has no user.name/user.email:
    /// the profile's name and public email, else GitHub's no-reply address.
    pub fn identity(&self) -> anyhow::Result<(String, String)> {
        let reply = self.request("GET", "/user", None)?;
        if reply.status != 200 {
            return Err(self.fail("reading your GitHub profile", &reply));
        }
        let login = reply
            .body
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or("connector-publish")
            .to_string();
        let name = reply
            .body
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&login)
            .to_string();
        let email = match reply.body.get("email").and_then(Value::as_str).filter(|e| e.contains('@')) {
            Some(e) => e.to_string(),
            None => match reply.body.get("id").and_then(Value::as_u64) {
                Some(id) => format!("{id}+{login}@users.noreply.github.com"),
                None => format!("{login}@users.noreply.github.com"),
            },
        };
        Ok((name, email))
    }

    /// Read-only: does the fork exist? (Used by dry runs, which write nothing.)
    pub fn fork_state(&self, upstream_repo: &str) -> anyhow::Result<ForkState> {
        let owner = match &self.settings.fork_owner {
            Some(o) => o.clone(),
            None => self.login()?,
        };
        let full = format!("{owner}/{}", Self::repo_name(upstream_repo));
        let reply = self.request("GET", &format!("/repos/{full}"), None)?;
        Ok(match reply.status {
            200 => ForkState::Exists { full_name: full },
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
    let fork_full = fork.get("full_name").and_then(Value::as_str).unwrap_or_default().to_string();
    let clone_url = fork
        .get("clone_url")
        .and_then(Value::as_str)
        .ok_or_else(|| anyhow!("GitHub's answer for {fork_full} has no clone_url"))?
        .to_string();

    // Sync the fork's base branch, so the push carries only the new objects.
    progress(&format!("syncing {fork_full}:{} with upstream", req.base_branch));
    let reply = client.request(
        "POST",
        &format!("/repos/{fork_full}/merge-upstream"),
        Some(&json!({ "branch": req.base_branch })),
    )?;
    let fork_synced = reply.status == 200;
    match reply.status {
        200 => {}
        409 | 422 => progress(&format!(
            "GitHub could not sync {fork_full}:{} ({}); pushing anyway, which may upload more",
            req.base_branch,
            reply.body.get("message").and_then(Value::as_str).unwrap_or("refused")
        )),
        _ => return Err(client.fail("syncing the fork", &reply)),
    }

    let (commit, pushed) = push(client, repo, plan, &clone_url, req, author, fork_synced, progress)?;

    // Find or open the pull request.
    let head = format!("{owner}:{}", req.branch);
    if let Some(pr) = open_pr(client, &req.upstream_repo, &head, &req.base_branch)? {
        return Ok(outcome(&pr, true, &fork_full, req, pushed, &commit));
    }
    progress(&format!("opening the pull request on {}", req.upstream_repo));
    let reply = client.request(
        "POST",
        &format!("/repos/{}/pulls", req.upstream_repo),
        Some(&json!({ "title": req.title, "head": head, "base": req.base_branch, "body": req.body, "maintainer_can_modify": true })),
    )?;
    match reply.status {
        201 => Ok(outcome(&reply.body, false, &fork_full, req, pushed, &commit)),
        422 => match open_pr(client, &req.upstream_repo, &head, &req.base_branch)? {
            Some(pr) => Ok(outcome(&pr, true, &fork_full, req, pushed, &commit)),
            None => Err(client.fail("opening the pull request", &reply)),
        },
        _ => Err(client.fail("opening the pull request", &reply)),
    }
}

fn outcome(pr: &Value, existing: bool, fork: &str, req: &PublishRequest, pushed: bool, commit: &str) -> PublishOutcome {
    PublishOutcome {
        url: pr.get("html_url").and_then(Value::as_str).unwrap_or_default().to_string(),
        number: pr.get("number").and_then(Value::as_u64).unwrap_or(0),
        existing,
        fork: fork.to_string(),
        branch: req.branch.clone(),
        pushed,
        commit: commit.to_string(),
    }
}

fn open_pr(client: &Client, upstream: &str, head: &str, base: &str) -> anyhow::Result<Option<Value>> {
    let reply = client.request(
        "GET",
        &format!("/repos/{upstream}/pulls?head={}&base={base}&state=open", head.replace(' ', "%20")),
        None,
    )?;
    if reply.status != 200 {
        return Err(client.fail("looking for an open pull request", &reply));
    }
    Ok(reply.body.as_array().and_then(|a| a.first()).cloned())
}

/// The fork's repository JSON, creating the fork and waiting for it when it is missing.
fn ensure_fork(client: &Client, upstream: &str, owner: &str, login: &str, progress: &mut dyn FnMut(&str)) -> anyhow::Result<Value> {
    let full = format!("{owner}/{}", Client::repo_name(upstream));
    let reply = client.request("GET", &format!("/repos/{full}"), None)?;
    if reply.status == 200 {
        let parent = reply.body.pointer("/parent/full_name").and_then(Value::as_str);
        if !parent.is_some_and(|p| p.eq_ignore_ascii_case(upstream)) {
            bail!("{full} exists but is not a fork of {upstream}; fork into an organization with --fork-owner, or rename that repository");
        }
        return Ok(reply.body);
    }
    if reply.status != 404 {
        return Err(client.fail(&format!("looking for your fork {full}"), &reply));
    }
    progress(&format!("creating your fork {full}"));
    let mut request = json!({ "default_branch_only": true });
    if owner != login {
        request["organization"] = json!(owner);
    }
    let reply = client.request("POST", &format!("/repos/{upstream}/forks"), Some(&request))?;
    if reply.status != 202 && reply.status != 200 {
        return Err(client.fail("creating the fork", &reply));
    }
    // GitHub creates forks in the background: poll until it answers, within bounds.
    let started = Instant::now();
    loop {
        let reply = client.request("GET", &format!("/repos/{full}"), None)?;
        if reply.status == 200 {
            return Ok(reply.body);
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

/// Push the plan's commit to the fork's branch. An identical branch is left alone; a branch with
/// other content is only replaced with `--force-push`. When the fork is in sync with upstream,
/// the push is a thin pack (see `thin_push`); libgit2's push is the fallback.
#[allow(clippy::too_many_arguments)]
fn push(
    client: &Client,
    repo: &Repository,
    plan: &Plan,
    url: &str,
    req: &PublishRequest,
    author: &Signature,
    fork_synced: bool,
    progress: &mut dyn FnMut(&str),
) -> anyhow::Result<(String, bool)> {
    let branch_ref = format!("refs/heads/{}", req.branch);
    crate::net::configure_git();
    let mut remote = repo.remote_anonymous(url)?;
    let existing = {
        let connection = remote
            .connect_auth(Direction::Fetch, Some(git_callbacks(&client.token)), None)
            .map_err(crate::net::git_error)
            .with_context(|| format!("cannot reach your fork at {}", redact(url)))?;
        connection.list()?.iter().find(|h| h.name() == branch_ref).map(|h| h.oid())
    };
    if let Some(oid) = existing {
        // Bring the branch's commit here to compare contents (cheap: it shares our objects).
        if repo.find_commit(oid).is_err() {
            let mut options = git2::FetchOptions::new();
            options.remote_callbacks(git_callbacks(&client.token)).depth(1);
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
            return Ok((oid.to_string(), false));
        }
        if !req.force_push {
            bail!(
                "the branch `{}` on your fork already holds other content; choose another branch with --branch, or replace it with --force-push",
                req.branch
            );
        }
    }
    let commit = crate::plan::commit(repo, plan, author, &req.title)?;
    progress(&format!("pushing {} to {}", req.branch, redact(url)));
    if fork_synced {
        let thin = crate::publish::thin_push::ThinPush {
            repo,
            url,
            token: &client.token,
            base: plan.base_commit,
            commit,
            refname: &branch_ref,
            old: existing,
        };
        match thin.run() {
            Ok(pushed) => {
                progress(&format!("pushed {} bytes", pushed.bytes));
                return Ok((commit.to_string(), true));
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
        let force = if req.force_push { "+" } else { "" };
        remote
            .push(&[&format!("{force}{commit}:{branch_ref}")], Some(&mut options))
            .map_err(crate::net::git_error)
            .with_context(|| format!("pushing to {}", redact(url)))?;
    }
    if let Some(why) = rejection {
        bail!("your fork rejected the push ({why}); if the branch moved, run again, or use --force-push to replace it");
    }
    Ok((commit.to_string(), true))
}
