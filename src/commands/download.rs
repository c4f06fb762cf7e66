//! `connector-publish download`: a custom connector from a Power Platform environment into a
//! folder, as `paconn download` lays it out. `submit --from-environment` uses the same steps.

use crate::output::{paint, GOOD, WARNING};
use crate::powerplatform::api::{ConnectorSummary, Environment, PowerPlatform};
use crate::powerplatform::auth::TokenSource;
use crate::powerplatform::download::{self, Download};
use crate::powerplatform::{http_client, storage_client, Endpoints};
use anyhow::{bail, Context};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// Where Power Platform is and where the sign-in is cached.
#[derive(Debug, Clone)]
pub struct PowerPlatformSettings {
    pub endpoints: Endpoints,
    pub token_cache: PathBuf,
}

impl PowerPlatformSettings {
    /// The endpoints without trailing slashes, once they are known to be safe to send tokens to.
    pub fn checked_endpoints(&self) -> anyhow::Result<Endpoints> {
        let endpoints = self.endpoints.clone().normalized();
        endpoints.check()?;
        Ok(endpoints)
    }

    /// The API client, and the client for storage links.
    fn connect(&self) -> anyhow::Result<(PowerPlatform, crate::net::Http)> {
        let endpoints = self.checked_endpoints()?;
        let http = http_client()?;
        let tokens = TokenSource::new(http.clone(), self.token_cache.clone(), endpoints.clone());
        Ok((PowerPlatform::new(http, endpoints, tokens), storage_client()?))
    }
}

#[derive(Debug, Clone)]
pub struct DownloadOptions {
    pub environment: Option<String>,
    pub connector_id: Option<String>,
    pub dest: Option<PathBuf>,
    pub overwrite: bool,
    pub json: bool,
    /// Whether stdin and stderr are a terminal (for the pickers).
    pub interactive: bool,
    pub power_platform: PowerPlatformSettings,
}

pub fn run(options: &DownloadOptions, input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<i32> {
    let download = fetch(options, input, err)?;
    let dest = options.dest.clone().unwrap_or_else(|| PathBuf::from(&download.connector_id));
    let written = download::write(&dest, &download, options.overwrite)?;
    report(&download, &dest, &written, options.json, out, err)?;
    Ok(crate::cli::exit::OK)
}

/// `download --list`: the environments, or with `--env` that environment's custom connectors.
pub fn list(options: &DownloadOptions, out: &mut dyn Write) -> anyhow::Result<i32> {
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
    Ok(crate::cli::exit::OK)
}

/// Pick (when needed) and fetch the connector; nothing is written.
pub fn fetch(options: &DownloadOptions, input: &mut dyn BufRead, err: &mut dyn Write) -> anyhow::Result<Download> {
    let (mut pp, storage) = options.power_platform.connect()?;
    let environment = match &options.environment {
        Some(e) => e.clone(),
        None => {
            require_terminal(options, "--env <environment>")?;
            let environments = pp.environments()?;
            if environments.is_empty() {
                bail!("your account sees no Power Platform environment; check the tenant you signed in to (`connector-publish login --tenant`)");
            }
            let labels: Vec<String> = environments.iter().map(environment_label).collect();
            let chosen = pick("environment", &labels, input, err)?;
            environments[chosen].name.clone()
        }
    };
    let connector_id = match &options.connector_id {
        Some(c) => c.clone(),
        None => {
            require_terminal(options, "--cid <connector id>")?;
            let connectors = pp.custom_connectors(&environment)?;
            if connectors.is_empty() {
                bail!("environment `{environment}` has no custom connectors; create one in the maker portal, or pick another environment");
            }
            let labels: Vec<String> = connectors.iter().map(connector_label).collect();
            let chosen = pick("custom connector", &labels, input, err)?;
            connectors[chosen].name.clone()
        }
    };
    let spinner = crate::output::spinner(format!("downloading {connector_id} from {environment}"), options.json);
    let result = download::fetch(&mut pp, &storage, &environment, &connector_id);
    spinner.finish_and_clear();
    result
}

fn require_terminal(options: &DownloadOptions, flag: &str) -> anyhow::Result<()> {
    if !options.interactive {
        bail!("no terminal to pick from: pass {flag} (on a terminal, `connector-publish download` lists your environments and their custom connectors)");
    }
    Ok(())
}

fn environment_label(e: &Environment) -> String {
    format!("{}{}  ({})", e.display_name, if e.is_default { " [default]" } else { "" }, e.name)
}

fn connector_label(c: &ConnectorSummary) -> String {
    format!("{}  ({})", c.display_name, c.name)
}

/// A numbered list and a prompt; three tries at a valid number.
pub fn pick(what: &str, labels: &[String], input: &mut dyn BufRead, err: &mut dyn Write) -> anyhow::Result<usize> {
    for (i, label) in labels.iter().enumerate() {
        writeln!(err, "  {:>3}. {label}", i + 1)?;
    }
    for _ in 0..3 {
        write!(err, "Pick the {what} [1-{}]: ", labels.len())?;
        err.flush()?;
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            bail!("no {what} was picked (end of input)");
        }
        match line.trim().parse::<usize>() {
            Ok(n) if (1..=labels.len()).contains(&n) => return Ok(n - 1),
            _ => writeln!(err, "{} type a number from 1 to {}", paint(WARNING, "?"), labels.len())?,
        }
    }
    bail!("no {what} was picked")
}

/// What the user should know about a download (a swagger that was not strict JSON, say).
pub fn print_notes(download: &Download, err: &mut dyn Write) -> anyhow::Result<()> {
    for note in &download.notes {
        writeln!(err, "{} {note}", paint(WARNING, "note:"))?;
    }
    Ok(())
}

fn report(
    download: &Download,
    dest: &Path,
    written: &[PathBuf],
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    print_notes(download, err)?;
    if json {
        let value = serde_json::json!({
            "environment": download.environment,
            "connector_id": download.connector_id,
            "display_name": download.display_name,
            "folder": dest,
            "files": written,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} downloaded {} ({}) into {}",
        paint(GOOD, "✓"),
        download.display_name,
        download.connector_id,
        dest.display()
    )?;
    for path in written {
        let size = std::fs::metadata(path)
            .with_context(|| format!("reading {}", path.display()))?
            .len();
        writeln!(out, "  {}  {size} bytes", path.file_name().unwrap_or_default().to_string_lossy())?;
    }
    writeln!(
        out,
        "next: `connector-publish validate {}`, then `connector-publish submit {} --dry-run`",
        dest.display(),
        dest.display()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_retries_then_takes_a_number() {
        let labels = vec!["A".to_string(), "B".to_string()];
        let mut err = Vec::new();
        let chosen = pick("environment", &labels, &mut "x\n7\n2\n".as_bytes(), &mut err).unwrap();
        assert_eq!(chosen, 1);
        let shown = String::from_utf8(err).unwrap();
        assert!(shown.contains("  1. A") && shown.contains("  2. B"), "{shown}");
        assert_eq!(shown.matches("type a number from 1 to 2").count(), 2);
        assert!(pick("environment", &labels, &mut "".as_bytes(), &mut Vec::new()).is_err());
    }
}
