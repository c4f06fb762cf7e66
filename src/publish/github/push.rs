//! The push's transport: the fork's branch read over git's smart HTTP (its tip, and its commits
//! brought here so `plan::push` can decide), then written as decided. When the fork is in sync
//! with upstream, or for a review iteration, the push is a thin pack (see `thin_push`); libgit2's
//! push is the fallback.

use super::fork::Synced;
use super::Client;
use crate::net::redact;
use crate::plan::push::{Branch, Push};
use anyhow::{bail, Context};
use git2::{Cred, Direction, Oid, PushOptions, Remote, RemoteCallbacks, Repository};

/// What the push did.
pub(super) struct Pushed {
    pub commit: String,
    pub pushed: bool,
    pub iteration: bool,
    pub kept_from_branch: Vec<String>,
}

/// The fork's branch, as read before the push.
pub(super) struct ForkBranch<'r> {
    client: &'r Client,
    repo: &'r Repository,
    url: &'r str,
    name: &'r str,
    refname: String,
    remote: Remote<'r>,
    tip: Option<Oid>,
    open_pull_request: bool,
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

impl<'r> ForkBranch<'r> {
    /// Read the branch `name` of the fork at `url`: its tip, and that commit brought here to
    /// compare contents (cheap: it shares our objects); for an open pull request's branch, with
    /// the history that holds the author's last commit on it.
    pub fn read(
        client: &'r Client,
        repo: &'r Repository,
        url: &'r str,
        name: &'r str,
        open_pull_request: bool,
    ) -> anyhow::Result<ForkBranch<'r>> {
        let refname = format!("refs/heads/{name}");
        crate::net::git_http::install();
        crate::net::git_http::authorize(url, "x-access-token", &client.token);
        let mut remote = repo.remote_anonymous(url)?;
        let tip = {
            let connection = remote
                .connect_auth(Direction::Fetch, Some(git_callbacks(&client.token)), None)
                .map_err(crate::net::git_error)
                .with_context(|| format!("cannot reach your fork at {}", redact(url)))?;
            connection.list()?.iter().find(|h| h.name() == refname).map(|h| h.oid())
        };
        if let Some(oid) = tip {
            let depth = if open_pull_request { crate::plan::iteration::HISTORY } else { 1 };
            if repo.find_commit(oid).is_err() || open_pull_request {
                let mut options = git2::FetchOptions::new();
                options.remote_callbacks(git_callbacks(&client.token)).depth(depth);
                remote
                    .fetch(
                        &[&format!("+{refname}:refs/connector-publish/fork-branch")],
                        Some(&mut options),
                        None,
                    )
                    .map_err(crate::net::git_error)
                    .context("reading your fork's branch")?;
            }
        }
        Ok(ForkBranch {
            client,
            repo,
            url,
            name,
            refname,
            remote,
            tip,
            open_pull_request,
        })
    }

    /// What `plan::push::decide` needs to know of the branch.
    pub fn state(&self) -> Branch<'r> {
        Branch {
            name: self.name,
            tip: self.tip,
            open_pull_request: self.open_pull_request,
        }
    }

    /// Carry out `decision`: nothing, or the thin pack when the fork is `synced` with upstream
    /// (or for an iteration), else libgit2's push.
    pub fn write(mut self, decision: Push, synced: &Synced, progress: &mut dyn FnMut(&str)) -> anyhow::Result<Pushed> {
        let (commit, base, force, kept_from_branch) = match decision {
            Push::Nothing { tip, iteration } => {
                progress(&format!("{} on your fork already holds this change; nothing to push", self.name));
                return Ok(Pushed {
                    commit: tip.to_string(),
                    pushed: false,
                    iteration,
                    kept_from_branch: Vec::new(),
                });
            }
            Push::Iteration {
                commit,
                onto,
                kept_from_branch,
            } => {
                if !kept_from_branch.is_empty() {
                    progress(&format!(
                        "kept the changes others made on the branch to {}",
                        kept_from_branch.join(", ")
                    ));
                }
                (commit, onto, false, Some(kept_from_branch))
            }
            Push::Commit { commit, base, force } => (commit, base, force, None),
        };
        let iteration = kept_from_branch.is_some();
        let done = Pushed {
            commit: commit.to_string(),
            pushed: true,
            iteration,
            kept_from_branch: kept_from_branch.unwrap_or_default(),
        };
        progress(&format!(
            "pushing {} to {}{}",
            self.name,
            redact(self.url),
            if iteration {
                " (a new commit on the pull request's branch)"
            } else {
                ""
            }
        ));
        if matches!(synced, Synced::Synced { .. }) || iteration {
            let thin = crate::publish::thin_push::ThinPush {
                http: &self.client.http,
                retry: self.client.retry(),
                repo: self.repo,
                url: self.url,
                token: &self.client.token,
                base,
                commit,
                refname: &self.refname,
                old: self.tip,
            };
            match thin.run() {
                Ok(pushed) => {
                    progress(&format!("pushed {} bytes", pushed.bytes));
                    return Ok(done);
                }
                Err(e) => progress(&format!("{e:#}; pushing the usual way")),
            }
        }
        if let Some(why) = self.push_with_libgit2(commit, force)? {
            if iteration {
                bail!("your fork rejected the push ({why}): the branch moved while this ran; run submit again (it builds on the new tip)");
            }
            bail!("your fork rejected the push ({why}); if the branch moved, run again, or use --force-push to replace it");
        }
        Ok(done)
    }

    /// libgit2's push of `commit` to the branch (`force`: replacing it); the fork's rejection, if
    /// it rejected the update.
    fn push_with_libgit2(&mut self, commit: Oid, force: bool) -> anyhow::Result<Option<String>> {
        let mut rejection: Option<String> = None;
        let mut cb = git_callbacks(&self.client.token);
        cb.push_update_reference(|name, status| {
            if let Some(message) = status {
                rejection = Some(format!("{name}: {message}"));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(cb);
        let force = if force { "+" } else { "" };
        self.remote
            .push(&[&format!("{force}{commit}:{}", self.refname)], Some(&mut options))
            .map_err(crate::net::git_error)
            .with_context(|| format!("pushing to {}", redact(self.url)))?;
        drop(options);
        Ok(rejection)
    }
}
