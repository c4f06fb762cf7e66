//! `connector-publish download`: a custom connector from a Power Platform environment into a
//! folder, as `paconn download` lays it out. `submit --from-environment` uses the same steps.

use crate::exit::Exit;
use crate::output::{paint, GOOD};
use crate::powerplatform::download;
use crate::source::environment::{self, Request};
use anyhow::Context;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

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
    match &options.environment {
        None => {
            let environments = pp.environments()?;
            if options.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&environments)?)?;
            } else {
                for e in &environments {
                    writeln!(
                        out,
                        "{}\t{}{}",
                        e.name,
                        e.display_name,
                        if e.is_default { " [default]" } else { "" }
                    )?;
                }
            }
        }
        Some(environment) => {
            let connectors = pp.custom_connectors(environment)?;
            if options.json {
                writeln!(out, "{}", serde_json::to_string_pretty(&connectors)?)?;
            } else {
                for c in &connectors {
                    writeln!(out, "{}\t{}", c.name, c.display_name)?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// What `download` reports.
#[derive(Debug, serde::Serialize)]
struct DownloadReport<'a> {
    environment: &'a str,
    connector_id: &'a str,
    display_name: &'a str,
    folder: &'a Path,
    files: &'a [PathBuf],
}

impl DownloadReport<'_> {
    fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let dest = self.folder.display();
        writeln!(
            out,
            "{} downloaded {} ({}) into {dest}",
            paint(GOOD, "✓"),
            self.display_name,
            self.connector_id,
        )?;
        for path in self.files {
            let size = std::fs::metadata(path)
                .with_context(|| format!("reading {}", path.display()))?
                .len();
            writeln!(out, "  {}  {size} bytes", path.file_name().unwrap_or_default().to_string_lossy())?;
        }
        writeln!(
            out,
            "next: `connector-publish validate {dest}`, then `connector-publish submit {dest} --dry-run`"
        )?;
        Ok(())
    }
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
