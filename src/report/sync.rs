//! `sync`: its report, for the terminal and for `--json`.

use serde::Serialize;
use std::io::Write;

/// What `sync` reports.
#[derive(Debug, Serialize)]
pub struct SyncReport<'a> {
    pub upstream: String,
    pub branch: &'a str,
    pub commit: &'a str,
    pub date: String,
    pub fetched: Option<bool>,
    pub repaired: Option<&'a str>,
    pub index_rebuilt_damaged: bool,
    pub removed_leftovers: Option<usize>,
    pub received_bytes: Option<usize>,
    pub connectors: usize,
    pub indexed: usize,
    pub fingerprinted: usize,
    pub reused: usize,
    pub mirror: &'a std::path::Path,
    #[serde(skip)]
    pub received_objects: Option<usize>,
    #[serde(skip)]
    pub index_loaded: bool,
}

impl SyncReport<'_> {
    pub fn human(&self, out: &mut dyn Write) -> anyhow::Result<()> {
        let what = match (self.fetched, self.received_objects, self.received_bytes) {
            (Some(true), Some(objects), Some(bytes)) => format!(
                "{}fetched {objects} objects, {}",
                if self.repaired.is_some() {
                    "repaired the damaged mirror: "
                } else {
                    ""
                },
                indicatif::BinaryBytes(bytes as u64)
            ),
            _ => "already up to date".to_string(),
        };
        let indexing = if self.index_loaded {
            String::new()
        } else {
            format!(" ({} read, {} unchanged)", self.fingerprinted, self.reused)
        };
        writeln!(
            out,
            "Synced {} {} at {} ({}): {what}; {} connectors indexed{indexing}",
            self.upstream,
            self.branch,
            &self.commit[..12],
            self.date,
            self.connectors,
        )?;
        Ok(())
    }
}
