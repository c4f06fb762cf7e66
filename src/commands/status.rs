//! `connector-publish status [PR | folder | branch]`: where a pull request stands (state,
//! mergeability, the CLA, checks with the first lines of failures, reviews, review comments), or
//! without an argument the user's open pull requests. `--watch` refreshes with conditional
//! requests, backing off while nothing changes, prints only the lines that changed, and stops
//! when the pull request is merged or closed.

use crate::exit::{Exit, UsageError};
use crate::publish::github::{self, pulls};
use crate::report::status::{ListReport, StatusReport, Watch};
use std::io::Write;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct StatusOptions {
    /// A number (`123`, `#123`, a pull request URL), a connector folder, or a branch of the fork.
    pub target: Option<String>,
    pub watch: bool,
    /// The first pause of `--watch`; it doubles while nothing changes, up to `max_interval`.
    pub interval: Duration,
    pub max_interval: Duration,
    pub json: bool,
    /// For the CLA reply on behalf of an employer.
    pub company: Option<String>,
    /// Config `branch-prefix`, to find a folder's branch.
    pub branch_prefix: Option<String>,
    pub github: github::Settings,
}

pub fn run(options: &StatusOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let client = github::connect(&options.github)?;
    let upstream = &options.github.upstream_repo;
    let Some(target) = options.target.as_deref() else {
        if options.watch {
            return Err(UsageError("--watch follows one pull request: give its number, folder or branch".into()).into());
        }
        let login = client.login_name()?;
        let report = ListReport::new(&login, upstream, &pulls::open_by(&client, upstream, &login)?);
        if options.json {
            crate::report::write_json(&report, out)?;
        } else {
            report.human(out)?;
        }
        return Ok(Exit::Ok);
    };
    let owner = options.github.fork_owner.as_deref();
    let number = pulls::resolve(&client, upstream, owner, target, options.branch_prefix.as_deref())?;
    let mut watch = pulls::PullWatch::new(upstream, number);
    watch.refresh(&client)?;
    let mut report = StatusReport::new(&watch.snapshot, options.company.as_deref());
    if !options.watch {
        if options.json {
            crate::report::write_json(&report, out)?;
        } else {
            report.human(out)?;
        }
        return Ok(Exit::Ok);
    }

    // --watch: the whole report once, then only what changed.
    let mut printer = Watch::new(options.json);
    printer.changes(&report, out)?;
    let mut pause = options.interval;
    while matches!(report.state.as_str(), "open" | "draft") {
        std::thread::sleep(pause);
        let changed = match watch.refresh(&client) {
            Ok(changed) => changed,
            // A watch runs for days: GitHub being down or slow for a while does not end it; a
            // refusal (a revoked token, a pull request gone) does.
            Err(e) if !is_refusal(&e) => {
                pause = options.max_interval;
                printer.retrying(&e, pause, err)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        if changed {
            report = StatusReport::new(&watch.snapshot, options.company.as_deref());
            printer.changes(&report, out)?;
            pause = options.interval;
        } else {
            pause = (pause * 2).min(options.max_interval);
            tracing::debug!("no change; next look in {} ms", pause.as_millis());
        }
    }
    printer.stopped(&report, err)?;
    Ok(Exit::Ok)
}

/// An answer that asking again will not change: 401, 403 (but a rate limit, which the retry
/// policy waits out or reports as "run again later"), 404, 410, 422.
fn is_refusal(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<github::ApiError>()
        .is_some_and(|e| matches!(e.status, 401 | 403 | 404 | 410 | 422))
}

/// `status`'s options from its flags, the environment and the config file.
pub fn exec(args: crate::cli::StatusArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let interval = crate::config::test_knobs().watch.unwrap_or(Duration::from_secs(args.interval));
    let options = StatusOptions {
        target: args.target,
        watch: args.watch,
        interval,
        max_interval: interval * 10,
        json: args.json,
        company: args.company,
        branch_prefix: ctx.branch_prefix(),
        github: ctx.github(args.github),
    };
    run(&options, &mut crate::output::stdout(), &mut crate::output::stderr())
}
