//! `connector-publish cleanup`: delete the fork's branches whose pull requests are all merged or
//! closed, after asking (`--yes`), or only list them (`--dry-run`). Never the default branch, a
//! protected branch, a branch with an open pull request, or one with commits its pull request
//! never had.

use crate::exit::Exit;
use crate::publish::github::{self, fork};
use crate::report::fork::{BranchLine, CleanupReport};
use anyhow::bail;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct CleanupOptions {
    pub yes: bool,
    pub dry_run: bool,
    pub json: bool,
    pub interactive: bool,
    pub github: github::Settings,
}

pub fn run(options: &CleanupOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let client = github::connect(&options.github)?;
    let owner = github::fork_owner(&client, &options.github)?;
    let upstream = &options.github.upstream_repo;
    let mut report = CleanupReport {
        fork: None,
        dry_run: options.dry_run,
        branches: Vec::new(),
    };
    let Some(repo) = fork::find(&client, upstream, &owner)? else {
        return finish(&report, options.json, out);
    };
    let fork_name = repo.full_name.clone();
    report.fork = Some(fork_name.clone());
    let default = repo.default_branch.clone().unwrap_or_else(|| "dev".into());
    for branch in fork::branches(&client, &fork_name)? {
        let (name, sha) = (branch.name.clone(), branch.commit.sha.clone());
        let verdict = fork::cleanup_verdict(&client, upstream, &owner, &default, &branch)?;
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
    for line in report.branches.iter_mut().filter(|b| b.action == "delete") {
        let deleted = fork::delete_branch(&client, &fork_name, &line.name)?;
        line.action = if deleted { "deleted" } else { "gone" }.into();
    }
    finish(&report, options.json, out)
}

fn finish(report: &CleanupReport, json: bool, out: &mut dyn Write) -> anyhow::Result<Exit> {
    if json {
        crate::report::write_json(report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

/// `cleanup`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::CleanupArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = CleanupOptions {
        yes: args.yes,
        dry_run: args.dry_run,
        json: args.json,
        interactive: super::context::interactive_stdout(),
        github: ctx.github(args.github),
    };
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}
