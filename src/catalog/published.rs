//! Published connectors that are not in the repository: many certified connectors (Microsoft's
//! own and many partners') have no folder upstream. The environment's list of connectors (the
//! Power Apps `apis` list `download`'s picker reads) names them, with their publisher and, for
//! some, the backend's URL; it changes rarely, so it is cached in the cache folder.

use super::search::{normalize_title, title_similarity, Candidate, Source, Verdict, THRESHOLDS};
use super::Index;
use crate::connector::fingerprint::{is_placeholder_host, normalize_host, normalize_publisher};
use crate::connector::{Category, Fingerprint};
use crate::powerplatform::api::ListedConnector;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How long a cached list is used before it is fetched again (`--refresh-published` at once).
pub const MAX_AGE_SECS: u64 = 7 * 24 * 3600;

/// The cached list of one environment.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PublishedList {
    pub environment: String,
    /// Seconds since the epoch.
    pub fetched_at: u64,
    pub connectors: Vec<ListedConnector>,
}

pub fn cache_path(cache: &Path) -> PathBuf {
    cache.join("published-connectors.json")
}

/// The cached list, when it is younger than `max_age` seconds at `now`.
pub fn load(cache: &Path, now: u64, max_age: u64) -> Option<PublishedList> {
    let list: PublishedList = serde_json::from_slice(&std::fs::read(cache_path(cache)).ok()?).ok()?;
    (now.saturating_sub(list.fetched_at) <= max_age).then_some(list)
}

/// Write the list (atomically; a cache that cannot be written is only slower next time).
pub fn save(cache: &Path, list: &PublishedList) {
    let path = cache_path(cache);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    if let Ok(bytes) = serde_json::to_vec(list) {
        if std::fs::create_dir_all(cache).is_ok() && std::fs::write(&tmp, bytes).is_ok() {
            std::fs::rename(&tmp, &path).ok();
        }
    }
}

/// The published (not custom) connectors like `query` that have no folder upstream, by the
/// search's standards: the same title and the same publisher, or the same title on the same real
/// host, is a duplicate; the same title, or the same real host, alone is related.
pub fn search(query: &Fingerprint, list: &PublishedList, index: &Index) -> Vec<Candidate> {
    // Titles upstream has: a published connector with one of them is in the repository.
    let upstream: HashSet<String> = index
        .connectors
        .iter()
        .filter_map(|c| c.fingerprint.as_ref()?.title.as_deref().map(normalize_title))
        .collect();
    let mut out = Vec::new();
    for listed in list.connectors.iter().filter(|c| !c.custom) {
        if upstream.contains(&normalize_title(&listed.display_name)) {
            continue;
        }
        let title = query.title.as_deref().map_or(0.0, |t| title_similarity(t, &listed.display_name));
        let same_title = title >= THRESHOLDS.same_title;
        let same_publisher = query.publisher.is_some() && query.publisher == listed.publisher.as_deref().and_then(normalize_publisher);
        let host = listed.host.as_deref().and_then(|h| normalize_host(h).0);
        let same_host =
            host.is_some() && host == query.host && !query.host_is_placeholder && !host.as_deref().is_some_and(is_placeholder_host);
        let mut evidence = Vec::new();
        if same_title {
            evidence.push("the same title".to_string());
        }
        if same_publisher {
            evidence.push(format!("the same publisher ({})", listed.publisher.as_deref().unwrap_or("")));
        }
        if same_host {
            evidence.push(format!("the same host ({})", host.as_deref().unwrap_or("")));
        }
        let verdict = if same_title && (same_publisher || same_host) {
            Verdict::Duplicate
        } else if same_title || same_host {
            Verdict::Related
        } else {
            continue;
        };
        let score = 0.3 * title + if same_publisher { 0.3 } else { 0.0 } + if same_host { 0.2 } else { 0.0 };
        out.push(Candidate {
            folder: listed.name.clone(),
            // Published, not custom: a certified (or Microsoft's own) connector.
            category: Category::Certified,
            source: Source::Published {
                name: listed.display_name.clone(),
                publisher: listed.publisher.clone().unwrap_or_else(|| "an unnamed publisher".into()),
            },
            title: Some(listed.display_name.clone()),
            verdict,
            score: (score * 1000.0).round() / 1000.0,
            evidence,
            url: None,
        });
    }
    super::search::rank(&mut out);
    out
}

#[derive(Debug, Clone)]
pub struct PublishedOptions {
    pub power_platform: crate::source::environment::PowerPlatformSettings,
    /// The environment whose list is read (default: the default environment).
    pub environment: Option<String>,
    /// Fetch the list again (`--refresh-published`).
    pub refresh: bool,
}

/// The comparison with published connectors: what was found, or why it was not made.
#[derive(Debug, Default)]
pub struct PublishedLookup {
    pub candidates: Vec<crate::catalog::Candidate>,
    pub not_looked: Option<String>,
    /// The list came from the cache (else it was fetched now).
    pub cached: bool,
    pub listed: usize,
}

impl PublishedLookup {
    /// Say on `err` when the comparison was not made, and why.
    pub fn print(&self, err: &mut dyn std::io::Write) -> std::io::Result<()> {
        match &self.not_looked {
            Some(why) => crate::output::write_notice("notice:", format_args!("did not compare with published connectors: {why}"), err),
            None => Ok(()),
        }
    }
}

/// Compare `query` with the environment's published connectors: the cached list while young
/// (any age offline), else fetched when signed in to Power Platform.
pub fn published_connectors(
    options: &PublishedOptions,
    offline: bool,
    cache: &Path,
    query: &crate::connector::Fingerprint,
    index: &crate::catalog::Index,
) -> PublishedLookup {
    let now = crate::powerplatform::auth::now();
    let max_age = if offline { u64::MAX } else { MAX_AGE_SECS };
    let cached = (!options.refresh || offline)
        .then(|| load(cache, now, max_age))
        .flatten()
        .filter(|l| options.environment.as_ref().is_none_or(|e| *e == l.environment));
    let list = match cached {
        Some(list) => Ok((list, true)),
        None if offline => Err("working offline, and no list in the cache".to_string()),
        None => fetch_published(options, now).map(|l| (l, false)),
    };
    match list {
        Ok((list, cached)) => {
            if !cached {
                save(cache, &list);
            }
            PublishedLookup {
                candidates: search(query, &list, index),
                not_looked: None,
                cached,
                listed: list.connectors.len(),
            }
        }
        Err(why) => PublishedLookup {
            not_looked: Some(why),
            ..Default::default()
        },
    }
}

fn fetch_published(options: &PublishedOptions, now: u64) -> Result<PublishedList, String> {
    let signed_in = crate::powerplatform::auth::load(&options.power_platform.token_cache)
        .ok()
        .flatten()
        .is_some();
    if !signed_in {
        return Err("not signed in to Power Platform (`connector-publish login`)".into());
    }
    let fetch = || -> anyhow::Result<PublishedList> {
        let (mut pp, _) = options.power_platform.connect()?;
        let environment = match &options.environment {
            Some(e) => e.clone(),
            None => {
                let environments = pp.environments()?;
                let default = environments.iter().find(|e| e.is_default).or(environments.first());
                default
                    .map(|e| e.name.clone())
                    .ok_or_else(|| anyhow::anyhow!("your account sees no environment"))?
            }
        };
        let connectors = pp.all_connectors(&environment)?;
        Ok(PublishedList {
            environment,
            fetched_at: now,
            connectors,
        })
    };
    fetch().map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listed(name: &str, display: &str, publisher: &str, host: Option<&str>, custom: bool) -> ListedConnector {
        ListedConnector {
            name: name.into(),
            display_name: display.into(),
            publisher: Some(publisher.into()),
            host: host.map(str::to_owned),
            custom,
        }
    }

    fn query(title: &str, host: &str, publisher: &str) -> Fingerprint {
        Fingerprint {
            publisher: normalize_publisher(publisher),
            ..Fingerprint::from_swagger(&json!({"info": {"title": title}, "host": host, "paths": {"/a": {"get": {}}}}))
        }
    }

    fn index_with(title: &str) -> Index {
        Index {
            format: 0,
            commit: "c".into(),
            connectors: vec![crate::catalog::IndexedConnector {
                folder: format!("certified-connectors/{title}"),
                category: Category::Certified,
                swagger: None,
                blob: None,
                properties_blob: None,
                fingerprint: Some(Fingerprint::from_swagger(&json!({"info": {"title": title}}))),
                error: None,
            }],
        }
    }

    #[test]
    fn published_connectors_match_by_title_with_publisher_or_host() {
        let list = PublishedList {
            environment: "Default-1".into(),
            fetched_at: 0,
            connectors: vec![
                listed("shared_acmesign", "Acme Sign", "Acme Inc.", None, false),
                listed("shared_acmepay", "Acme Pay", "Acme", Some("https://pay.acme.io/v1"), false),
                listed("shared_office365", "Office 365 Outlook", "Microsoft", None, false),
                listed("shared_mine", "Acme Sign", "Acme", None, true),
            ],
        };
        let index = index_with("Office 365 Outlook");
        // The same title and publisher: a duplicate, worded with its name and publisher.
        let found = search(&query("Acme Sign (Independent Publisher)", "api.acme.io", "ACME"), &list, &index);
        assert_eq!(found.len(), 1, "the custom connector is the environment's own: {found:?}");
        assert_eq!(found[0].verdict, Verdict::Duplicate);
        assert_eq!(found[0].label(), "published as 'Acme Sign' by Acme Inc. (not in the repository)");
        // The same title by someone else: related.
        let found = search(&query("Acme Sign", "api.acme.io", "Jane Doe"), &list, &index);
        assert_eq!(found[0].verdict, Verdict::Related);
        // The same host where the listing shows one, and the title: a duplicate; the host alone, related.
        let found = search(&query("Acme Pay", "pay.acme.io", "Jane Doe"), &list, &index);
        assert_eq!(found[0].verdict, Verdict::Duplicate);
        let found = search(&query("Payments", "pay.acme.io", "Jane Doe"), &list, &index);
        assert_eq!((found.len(), found[0].verdict), (1, Verdict::Related));
        // Nothing alike: nothing; and a connector that has a folder upstream is the mirror's business.
        assert!(search(&query("Weather", "api.weather.io", "Jane"), &list, &index).is_empty());
        assert!(search(&query("Office 365 Outlook", "outlook.office.com", "Microsoft"), &list, &index).is_empty());
    }

    #[test]
    fn the_cache_is_used_while_young() {
        let dir = tempfile::tempdir().unwrap();
        let list = PublishedList {
            environment: "Default-1".into(),
            fetched_at: 1_000,
            connectors: vec![listed("shared_a", "A", "P", None, false)],
        };
        save(dir.path(), &list);
        assert_eq!(
            load(dir.path(), 1_000 + MAX_AGE_SECS, MAX_AGE_SECS).unwrap().connectors,
            list.connectors
        );
        assert!(load(dir.path(), 1_001 + MAX_AGE_SECS, MAX_AGE_SECS).is_none());
    }
}
