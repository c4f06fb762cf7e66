//! `connector-publish download`: a custom connector from a Power Platform environment into a
//! folder, as `paconn download` lays it out. `submit --from-environment` uses the same steps.

use crate::exit::Exit;
use crate::powerplatform::download;
use crate::report::download::{DownloadReport, ListReport};
use crate::source::environment::{self, Request};
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Which connector, from where (`--env`, `--cid`, the sign-in), and `--json`.
    pub request: Request,
    pub dest: Option<PathBuf>,
    pub overwrite: bool,
}

pub fn run(options: &DownloadOptions, input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let download = environment::fetch(&options.request, input, err)?;
    let dest = options.dest.clone().unwrap_or_else(|| PathBuf::from(&download.connector_id));
    let written = download::write(&dest, &download, options.overwrite)?;
    environment::print_notes(&download, err)?;
    let report = DownloadReport {
        environment: &download.environment,
        connector_id: &download.connector_id,
        display_name: &download.display_name,
        folder: &dest,
        files: &written,
    };
    if options.request.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

/// `download --list`: the environments, or with `--env` that environment's custom connectors.
pub fn list(options: &DownloadOptions, out: &mut dyn Write) -> anyhow::Result<Exit> {
    let options = &options.request;
    let (mut pp, _) = options.power_platform.connect()?;
    let (environments, connectors);
    let report = match &options.environment {
        None => {
            environments = pp.environments()?;
            ListReport::Environments(&environments)
        }
        Some(environment) => {
            connectors = pp.custom_connectors(environment)?;
            ListReport::Connectors(&connectors)
        }
    };
    if options.json {
        crate::report::write_json(&report, out)?;
    } else {
        report.human(out)?;
    }
    Ok(Exit::Ok)
}

/// `download`'s options from its flags and the environment.
pub fn exec(args: crate::cli::DownloadArgs, ctx: &super::Context) -> anyhow::Result<Exit> {
    let options = DownloadOptions {
        request: crate::source::environment::Request {
            environment: args.environment,
            connector_id: args.connector_id,
            json: args.json,
            interactive: super::context::interactive(std::io::IsTerminal::is_terminal(&std::io::stderr())),
            power_platform: ctx.power_platform(&args.power_platform)?,
        },
        dest: args.dest,
        overwrite: args.overwrite,
    };
    let mut out = crate::output::stdout();
    if args.list {
        return list(&options, &mut out);
    }
    run(&options, &mut std::io::stdin().lock(), &mut out, &mut crate::output::stderr())
}
