//! Opening the catalog for a command: sync when needed, fall back to the mirror when offline.

use super::{index, Index, IndexStats, Mirror, SyncOutcome, Upstream};
use anyhow::{anyhow, Context};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// When to sync before using the mirror.
#[derive(Debug, Clone, Copy)]
pub enum Freshness {
    /// Sync now, whatever the mirror's age.
    SyncNow,
    /// Sync when the mirror is missing or older than this.
    MaxAge(Duration),
    /// Never touch the network.
    Offline,
}

/// A ready catalog: the index of the mirrored commit, and how it was obtained.
#[derive(Debug)]
pub struct OpenCatalog {
    pub mirror: Mirror,
    pub index: Index,
    pub index_stats: IndexStats,
    pub commit_time: i64,
    pub sync: Option<SyncOutcome>,
    /// Set when working from an old mirror because the network failed.
    pub offline_notice: Option<String>,
    /// What was found wrong in the cache and repaired (a damaged index or mirror).
    pub notices: Vec<String>,
}

impl OpenCatalog {
    /// The offline notice and the repairs, one `notice:` line each.
    pub fn print_notices(&self, err: &mut dyn std::io::Write) -> std::io::Result<()> {
        for notice in self.offline_notice.iter().chain(&self.notices) {
            crate::output::write_notice("notice:", notice, err)?;
        }
        Ok(())
    }
}

/// Sync with a progress bar on a terminal (stderr; hidden when it is not a terminal).
pub fn sync_with_progress(mirror: &Mirror) -> anyhow::Result<SyncOutcome> {
    let bar = if crate::output::quiet() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} fetching {msg} [{bar:30}] {pos}/{len} objects, {binary_bytes}")
            .unwrap()
            .progress_chars("=> "),
    );
    bar.set_message(mirror.upstream.display_url());
    bar.enable_steady_tick(Duration::from_millis(120));
    let outcome = mirror.sync_with_notices(
        &mut |p| {
            bar.set_length(p.total_objects as u64);
            bar.set_position(p.received_objects as u64);
            bar.set_message(format!(
                "{} ({})",
                mirror.upstream.display_url(),
                indicatif::BinaryBytes(p.received_bytes as u64)
            ));
        },
        &mut |msg| bar.suspend(|| crate::output::print_notice(msg)),
    );
    bar.finish_and_clear();
    outcome
}

pub fn open(cache: &std::path::Path, upstream: &Upstream, freshness: Freshness) -> anyhow::Result<OpenCatalog> {
    let mirror = Mirror::new(cache, upstream);
    let recorded = mirror.recorded_head();
    let stale = match freshness {
        Freshness::SyncNow => true,
        Freshness::Offline => false,
        Freshness::MaxAge(max) => recorded.is_none() || mirror.age().is_none_or(|age| age > max),
    };
    let mut sync = None;
    let mut offline_notice = None;
    let mut notices = Vec::new();
    if !stale {
        mirror.tidy();
    }
    if stale {
        match sync_with_progress(&mirror) {
            Ok(outcome) => {
                if let Some(why) = &outcome.repaired {
                    notices.push(format!("the mirror in the cache was damaged ({why}); it has been fetched again"));
                }
                sync = Some(outcome)
            }
            // `sync` is asked to reach upstream: working from the old mirror would not be a sync.
            Err(e) if matches!(freshness, Freshness::SyncNow) => {
                return Err(e.context(format!("could not sync with {}", upstream.display_url())))
            }
            Err(e) if mirror.head().is_some() => {
                tracing::debug!("sync failed: {e:#}");
                offline_notice = Some(format!(
                    "could not sync with {} ({e:#}); working offline from the mirror as it was",
                    upstream.display_url()
                ));
            }
            Err(e) => return Err(e.context("there is no local mirror yet to work from offline")),
        }
    }
    let (head, commit_time) = match (&sync, mirror.recorded_head()) {
        (Some(s), _) => (s.commit.clone(), s.commit_time),
        (None, Some(recorded)) => recorded,
        (None, None) => {
            let head = mirror.head().ok_or_else(|| {
                anyhow!(
                    "the mirror has no `{}` branch yet; run `connector-publish sync` once with the network",
                    upstream.branch
                )
            })?;
            (head.to_string(), mirror.open()?.find_commit(head)?.time().seconds())
        }
    };
    let (index, index_stats) = index::load_or_build(&mirror.path, &head).context("indexing the upstream connectors")?;
    if index_stats.rebuilt_damaged {
        notices.push("the index of upstream connectors in the cache was damaged; it has been rebuilt from the mirror".into());
    }
    tracing::debug!(commit = %head, connectors = index.connectors.len(), loaded = index_stats.loaded, read = index_stats.fingerprinted, reused = index_stats.reused, "catalog ready");
    Ok(OpenCatalog {
        mirror,
        index,
        index_stats,
        commit_time,
        sync,
        offline_notice,
        notices,
    })
}

/// `2024-02-28` from seconds since the epoch (UTC).
pub fn date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(1_709_078_400), "2024-02-28");
    }
}
