//! A connector in a Power Platform environment: picked (on a terminal) and downloaded, in
//! paconn's layout, then written to a folder the rest of the pipeline reads.

use crate::output::{paint, WARNING};
use crate::powerplatform::api::{ConnectorSummary, Environment, PowerPlatform};
use crate::powerplatform::auth::TokenSource;
use crate::powerplatform::download::{self, Download};
use crate::powerplatform::{http_client, storage_client, Endpoints};
use anyhow::{bail, Context};
use std::io::{BufRead, Write};
use std::path::PathBuf;

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
    pub fn connect(&self) -> anyhow::Result<(PowerPlatform, crate::net::Http)> {
        let endpoints = self.checked_endpoints()?;
        let http = http_client()?;
        let tokens = TokenSource::new(http.clone(), self.token_cache.clone(), endpoints.clone());
        Ok((PowerPlatform::new(http, endpoints, tokens), storage_client()?))
    }
}

/// Which connector to fetch, and how to ask when it is not said.
#[derive(Debug, Clone)]
pub struct Request {
    pub environment: Option<String>,
    pub connector_id: Option<String>,
    /// Whether stdin and stderr are a terminal (for the pickers).
    pub interactive: bool,
    /// No spinner (`--json`).
    pub json: bool,
    pub power_platform: PowerPlatformSettings,
}

/// Pick (when needed) and fetch the connector; nothing is written.
pub fn fetch(options: &Request, input: &mut dyn BufRead, err: &mut dyn Write) -> anyhow::Result<Download> {
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

fn require_terminal(options: &Request, flag: &str) -> anyhow::Result<()> {
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
        crate::output::write_notice("note:", note, err)?;
    }
    Ok(())
}

/// A downloaded connector written to a temporary folder named after it (`submit
/// --from-environment`); the folder goes away with this value unless it is kept.
pub struct Downloaded {
    pub download: Download,
    /// The connector folder inside the temporary folder.
    pub path: PathBuf,
    dir: tempfile::TempDir,
}

impl Downloaded {
    /// The download's notes, and what was downloaded (not with `--json`).
    pub fn announce(&self, json: bool, err: &mut dyn Write) -> anyhow::Result<()> {
        print_notes(&self.download, err)?;
        if !json {
            let d = &self.download;
            let from = format!("{} ({}) from {}", d.display_name, d.connector_id, d.environment);
            writeln!(err, "{} downloaded {from}", crate::output::paint(crate::output::GOOD, "✓"))?;
        }
        Ok(())
    }

    /// After the run: the folder is kept when asked, or when the run stopped short (to fix it
    /// there and submit it without downloading again); otherwise removed.
    pub fn finish(self, keep: bool, stopped: bool, err: &mut dyn Write) -> anyhow::Result<()> {
        if keep || stopped {
            let kept = self.keep();
            writeln!(err, "the downloaded connector is kept in {}", kept.display())?;
            if stopped {
                writeln!(err, "  fix it there, then: connector-publish submit \"{}\"", kept.display())?;
            }
        }
        Ok(())
    }

    /// Keep the folder after the run; its path.
    pub fn keep(self) -> PathBuf {
        let name = self.path.file_name().map(ToOwned::to_owned).unwrap_or_default();
        self.dir.keep().join(name)
    }
}

/// Fetch the connector and write it to a temporary folder.
pub fn fetch_to_folder(request: &Request, err: &mut dyn Write) -> anyhow::Result<Downloaded> {
    let download = fetch(request, &mut std::io::empty(), err)?;
    let dir = tempfile::Builder::new()
        .prefix("connector-publish-download-")
        .tempdir()
        .context("creating a temporary folder for the download")?;
    // The folder is named after the connector so that the default upstream name reads well.
    let path = dir
        .path()
        .join(crate::connector::name::safe_folder_name(&download.display_name).unwrap_or_else(|_| download.connector_id.clone()));
    download::write(&path, &download, false)?;
    Ok(Downloaded { download, path, dir })
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
