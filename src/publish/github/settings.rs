//! Where GitHub is and who the token is: the settings every GitHub command builds from its flags,
//! the token (`--token`, the environment, `gh`), the client for commands that need one, and the
//! token's account (its login, its scopes, a commit author from its profile).

use super::types::User;
use super::Client;
use crate::config::{DEFAULT_API, DEFAULT_UPSTREAM_REPO};
use anyhow::bail;
use reqwest::Method;
use std::time::Duration;

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
}
