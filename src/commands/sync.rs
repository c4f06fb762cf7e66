//! `connector-publish sync`: refresh the mirror of upstream `dev` and index it.

use crate::catalog::open::{self as catalog, Freshness};
use crate::catalog::Upstream;
use crate::cli::Exit;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub cache: PathBuf,
    pub upstream: Upstream,
    pub json: bool,
}

pub fn run(options: &SyncOptions, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<Exit> {
    let c = catalog::open(&options.cache, &options.upstream, Freshness::SyncNow)?;
    for notice in &c.notices {
        writeln!(err, "{} {notice}", crate::output::paint(crate::output::WARNING, "notice:"))?;
    }
    let sync = c.sync.as_ref();
    let indexed = c.index.connectors.iter().filter(|x| x.fingerprint.is_some()).count();
    if options.json {
        let doc = serde_json::json!({
            "upstream": options.upstream.display_url(),
            "branch": options.upstream.branch,
            "commit": c.index.commit,
            "date": catalog::date(c.commit_time),
            "fetched": sync.map(|s| s.fetched),
            "repaired": sync.and_then(|s| s.repaired.clone()),
            "index_rebuilt_damaged": c.index_stats.rebuilt_damaged,
            "removed_leftovers": sync.map(|s| s.removed_leftovers),
            "received_bytes": sync.map(|s| s.received_bytes),
            "connectors": c.index.connectors.len(),
            "indexed": indexed,
            "fingerprinted": c.index_stats.fingerprinted,
            "reused": c.index_stats.reused,
            "mirror": c.mirror.path,
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)?;
        return Ok(Exit::Ok);
    }
    let what = match sync {
        Some(s) if s.fetched => format!(
            "{}fetched {} objects, {}",
            if s.repaired.is_some() {
                "repaired the damaged mirror: "
            } else {
                ""
            },
            s.received_objects,
            indicatif::BinaryBytes(s.received_bytes as u64)
        ),
        _ => "already up to date".to_string(),
    };
    let indexing = if c.index_stats.loaded {
        String::new()
    } else {
        format!(" ({} read, {} unchanged)", c.index_stats.fingerprinted, c.index_stats.reused)
    };
    writeln!(
        out,
        "Synced {} {} at {} ({}): {what}; {} connectors indexed{indexing}",
        options.upstream.display_url(),
        options.upstream.branch,
        &c.index.commit[..12],
        catalog::date(c.commit_time),
        c.index.connectors.len(),
    )?;
    Ok(Exit::Ok)
}
