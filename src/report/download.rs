//! `download`: its report, for the terminal and for `--json`.

use crate::output::{paint, GOOD};
use crate::powerplatform::api::{ConnectorSummary, Environment};
use anyhow::Context;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `download` reports.
#[derive(Debug, Serialize)]
pub struct DownloadReport<'a> {
    pub environment: &'a str,
    pub connector_id: &'a str,
    pub display_name: &'a str,
    pub folder: &'a Path,
    pub files: &'a [PathBuf],
}

impl DownloadReport<'_> {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
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

/// What `download --list` reports: the environments, or (with `--env`) that environment's custom
/// connectors. `--json` is the list itself.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ListReport<'a> {
    Environments(&'a [Environment]),
    Connectors(&'a [ConnectorSummary]),
}

impl ListReport<'_> {
    /// One line each, tab-separated: the name, then the display name.
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        match self {
            ListReport::Environments(environments) => {
                for e in *environments {
                    writeln!(
                        out,
                        "{}\t{}{}",
                        e.name,
                        e.display_name,
                        if e.is_default { " [default]" } else { "" }
                    )?;
                }
            }
            ListReport::Connectors(connectors) => {
                for c in *connectors {
                    writeln!(out, "{}\t{}", c.name, c.display_name)?;
                }
            }
        }
        Ok(())
    }
}
