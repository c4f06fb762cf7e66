//! `connector-publish fork sync`: bring the fork's base branch up to date with upstream
//! (GitHub's merge-upstream, as `submit` does before it pushes), and explain a refusal.

use crate::exit::Exit;
use crate::publish::github::{self, fork};
use crate::report::fork::SyncReport;
use anyhow::bail;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct ForkSyncOptions {
    /// The branch to sync (upstream's base branch, `dev`).
    pub branch: String,
    pub json: bool,
    pub github: github::Settings,
}

pub fn sync(options: &ForkSyncOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    if let Some(owner) = &options.github.fork_owner {
        fork::check_owner(
            owner,
            "the fork owner (--fork-owner, CONNECTOR_PUBLISH_FORK_OWNER or config fork-owner)",
        )?;
    }
    let client = github::connect(&options.github)?;
    let owner = github::fork_owner(&client, &options.github)?;
    let upstream = &options.github.upstream_repo;
    let Some(repo) = fork::find(&client, upstream, &owner)? else {
        bail!("{owner} has no fork of {upstream}; `connector-publish submit` creates one");
    };
    let synced = fork::merge_upstream(&client, &repo.full_name, &options.branch)?;
    let advice = synced.advice(&repo.full_name, &options.branch, upstream);
    let refused = matches!(synced, fork::Synced::Refused { .. });
    let report = SyncReport {
        fork: repo.full_name.clone(),
        branch: options.branch.clone(),
        upstream: upstream.clone(),
        synced,
        advice,
    };
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(if refused { Exit::Failure } else { Exit::Ok })
}

/// `fork sync`'s options from its flags, the environment and the config file.
pub fn exec_sync(args: crate::cli::ForkSyncArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let ctx = ctx.nested();
    let options = ForkSyncOptions {
        branch: ctx.base_branch(&args.base_branch),
        json: args.json,
        github: ctx.github(args.github),
    };
    sync(&options, &mut crate::output::stdout())
}
