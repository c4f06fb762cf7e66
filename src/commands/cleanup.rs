//! `connector-publish cleanup`: delete the fork's branches whose pull requests are all merged or
//! closed, after asking (`--yes`), or only list them (`--dry-run`). Never the default branch, a
//! protected branch, a branch with an open pull request, or one with commits its pull request
//! never had.

use crate::exit::Exit;
use crate::publish::github::{self, fork};
use crate::report::fork::{BranchLine, CleanupReport, Stopped};
use anyhow::bail;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct CleanupOptions {
    pub yes: bool,
    pub dry_run: bool,
    pub json: bool,
    pub interactive: bool,
    /// The branch pull requests are opened against (`dev`, or the configured base-branch): kept.
    pub base_branch: String,
    pub github: github::Settings,
}

pub fn run(options: &CleanupOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    if let Some(owner) = &options.github.fork_owner {
        fork::check_owner(
            owner,
            "the fork owner (--fork-owner, CONNECTOR_PUBLISH_FORK_OWNER or config fork-owner)",
        )?;
    }
    let client = github::connect(&options.github)?;
    let owner = github::fork_owner(&client, &options.github)?;
    let upstream = &options.github.upstream_repo;
    let mut report = CleanupReport {
        fork: None,
        dry_run: options.dry_run,
        branches: Vec::new(),
        stopped: None,
    };
    let Some(repo) = fork::find(&client, upstream, &owner)? else {
        return finish(&report, options.json, out);
    };
    let fork_name = repo.full_name.clone();
    report.fork = Some(fork_name.clone());
    let context = fork::CleanupContext {
        upstream,
        owner: &owner,
        fork: &fork_name,
        default: repo.default_branch.as_deref().filter(|d| !d.is_empty()),
        base: &options.base_branch,
    };
    for branch in fork::branches(&client, &fork_name)? {
        let (name, sha) = (branch.name.clone(), branch.commit.sha.clone());
        let verdict = fork::cleanup_verdict(&client, &context, &branch)?;
        report.branches.push(BranchLine {
            name,
            sha,
            pulls: verdict.pulls,
            action: if verdict.keep.is_none() { "delete" } else { "kept" }.into(),
            reason: verdict.keep,
        });
    }
    let count = report.candidates().count();
    if count == 0 || options.dry_run {
        return finish(&report, options.json, out);
    }
    if !options.yes {
        if !options.interactive || options.json {
            bail!("cleanup deletes branches on your fork; confirm with --yes when there is no terminal to ask on (see them first with --dry-run)");
        }
        report.human(out)?;
        let question = format!("Delete {count} branch{} on {fork_name}?", if count == 1 { "" } else { "es" });
        if !crate::output::ask(&question, false, out)? {
            writeln!(err, "Nothing was deleted.")?;
            return Ok(Exit::Ok);
        }
    }
    delete_all(&client, &fork_name, &mut report);
    finish(&report, options.json, out)
}

/// Delete the candidates one by one, each only if it still points where it was judged (the
/// question may have waited a long time). A branch GitHub refuses (422) is reported and the
/// others go on; any other failure (5xx, 403, a rate limit outlasting the retries, a lost
/// connection) stops there, since the next calls would meet it too, and the rest are reported
/// as not tried. Never an early return: the report always says what happened to each branch.
fn delete_all(client: &github::Client, fork_name: &str, report: &mut CleanupReport) {
    for i in 0..report.branches.len() {
        if report.branches[i].action != "delete" {
            continue;
        }
        if let Some(stop) = &report.stopped {
            let line = &mut report.branches[i];
            line.action = "not_tried".into();
            line.reason = Some(format!("cleanup stopped after {} failed", stop.branch));
            continue;
        }
        let line = &mut report.branches[i];
        let outcome = fork::head(client, fork_name, &line.name).and_then(|head| match head {
            fork::Head::Gone => Ok(Some(fork::Deleted::Gone)),
            fork::Head::At(now) if now != line.sha => {
                line.action = "kept".into();
                line.reason = Some(format!(
                    "it moved to {} after it was checked (it was at {}), so it was judged on another commit",
                    short(&now),
                    short(&line.sha)
                ));
                Ok(None)
            }
            fork::Head::At(_) => fork::delete_branch(client, fork_name, &line.name).map(Some),
        });
        match outcome {
            Ok(None) => {}
            Ok(Some(fork::Deleted::Deleted)) => line.action = "deleted".into(),
            Ok(Some(fork::Deleted::Gone)) => line.action = "gone".into(),
            Ok(Some(fork::Deleted::Refused(why))) => {
                line.action = "failed".into();
                line.reason = Some(why);
            }
            Err(e) => {
                let error = format!("{e:#}");
                line.action = "failed".into();
                line.reason = Some(error.clone());
                report.stopped = Some(Stopped {
                    branch: line.name.clone(),
                    error,
                });
            }
        }
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// Print the report; exit 3 when a branch to delete was not deleted (the report says which).
fn finish(report: &CleanupReport, json: bool, out: &mut dyn Write) -> anyhow::Result<Exit> {
    if json {
        crate::report::write_json(report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(if report.incomplete() { Exit::Failure } else { Exit::Ok })
}

/// `cleanup`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::CleanupArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = CleanupOptions {
        yes: args.yes,
        dry_run: args.dry_run,
        json: args.json,
        interactive: super::context::interactive_stdout(),
        // Kept always: the environment's or the config file's base branch, else `dev`.
        base_branch: std::env::var("CONNECTOR_PUBLISH_BASE_BRANCH")
            .ok()
            .filter(|b| !b.trim().is_empty())
            .or_else(|| ctx.config.get("base-branch").map(str::to_owned))
            .unwrap_or_else(|| crate::config::DEFAULT_BRANCH.to_owned()),
        github: ctx.github(args.github),
    };
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}
