//! Open pull requests against upstream `dev`: "someone is already submitting this", the commonest
//! duplicate verdict a reviewer gives, which no local mirror can know.
//!
//! The pull requests come from a [`PullRequestSource`] (GitHub's pulls, pull-files and contents
//! endpoints; the implementation is in `publish::github`, so this stage imports no later one).
//! Every open pull request is looked at on every run, none left for later:
//!
//! - The list is read 100 a page, each page asked with the ETag of its last answer: a page that
//!   did not change is a 304, which GitHub does not count against the rate limit.
//! - Each pull request's folders are fingerprinted from the swagger at its head, read from the
//!   base repository (every head is `refs/pull/N/head` there, so a deleted fork, `head.repo:
//!   null`, does not matter), and cached by the head's commit: a pull request whose head did not
//!   move is not read again.
//! - The pull requests to read are read [`READERS`] at a time (GitHub's secondary limits allow
//!   100 concurrent requests and 900 points a minute; a GET is one point).
//! - When the rate limit runs out part way, no further read is started, and [`Looked::unread`] names
//!   every open pull request that was not read (`submit` stops on them unless told otherwise).

use super::search::{compare, judge, Candidate, Source, Verdict, THRESHOLDS};
use crate::connector::{Category, ConnectorPackage, Fingerprint};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A pull request as the list shows it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct PullInfo {
    pub number: u64,
    pub title: String,
    /// The pull request's page.
    pub url: Option<String>,
    /// The author's login.
    pub user: String,
    pub updated_at: String,
    /// `open` or `closed`.
    pub state: String,
    pub merged: bool,
    /// `owner/name` of the head repository (`None` when the fork was deleted).
    pub head_repo: Option<String>,
    pub head_sha: String,
}

/// One file a pull request changes.
#[derive(Debug, Clone)]
pub struct ChangedFile {
    pub path: String,
    pub removed: bool,
}

/// One page of the pull request list, as asked with an ETag.
#[derive(Debug)]
pub enum Page {
    /// 304: the page is what it was when it had this ETag.
    NotModified,
    /// The page, its ETag, and whether another page follows.
    Modified {
        pulls: Vec<PullInfo>,
        etag: Option<String>,
        next: bool,
    },
}

/// Where pull requests are read from (GitHub, or a test's stand-in). Reads run on several
/// threads at once.
pub trait PullRequestSource: Sync {
    /// Page `page` (from 1, 100 a page) of the pull requests against `base` in `state` (`open`
    /// or `closed`), most recently updated first, asked with `If-None-Match: etag`.
    fn pulls_page(&self, state: &str, base: &str, page: usize, etag: Option<&str>) -> anyhow::Result<Page>;
    /// The files pull request `number` changes, at most `max_pages` pages.
    fn pull_files(&self, number: u64, max_pages: usize) -> anyhow::Result<Vec<ChangedFile>>;
    /// A file's bytes at commit `sha` of the base repository (a pull request's head is there as
    /// `refs/pull/N/head`, whatever became of its fork).
    fn file_at(&self, path: &str, sha: &str) -> anyhow::Result<Vec<u8>>;
    /// Whether `error` means that no further read can succeed now (the rate limit ran out).
    fn exhausted(&self, _error: &anyhow::Error) -> bool {
        false
    }
}

/// How many calls one search may make.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Pages of open pull requests (100 each); beyond them the oldest are left out, said in a note.
    pub open_pages: usize,
    /// Pages of recently closed pull requests (for the notes about unmerged ones).
    pub closed_pages: usize,
    /// Pages of one pull request's files (GitHub lists at most 3,000 files, 30 pages).
    pub file_pages: usize,
    /// Pull requests read at the same time.
    pub readers: usize,
}

/// Pull requests read at the same time.
pub const READERS: usize = 8;

pub const BOUNDS: Bounds = Bounds {
    open_pages: 30,
    closed_pages: 1,
    file_pages: 30,
    readers: READERS,
};

/// What one pull request adds or changes at one head, as cached.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CachedPull {
    head_sha: String,
    /// (`category/Folder`, its swagger's fingerprint at the head).
    folders: Vec<(String, Fingerprint)>,
}

/// A page of the list as last answered.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CachedPage {
    etag: String,
    pulls: Vec<PullInfo>,
    next: bool,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Cache {
    /// The format; a cache of another format is read as empty.
    #[serde(default)]
    version: u32,
    /// The list's pages by `state base`.
    #[serde(default)]
    pages: BTreeMap<String, Vec<CachedPage>>,
    #[serde(default)]
    pulls: BTreeMap<u64, CachedPull>,
}

/// 3: the fingerprints read the pull request's `apiProperties.json` (publisher, policies).
const CACHE_VERSION: u32 = 3;

/// An open pull request that was not read, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unread {
    pub number: u64,
    pub title: String,
    pub why: String,
}

/// What the search of pull requests found.
#[derive(Debug, Default)]
pub struct Looked {
    /// Open pull requests for the same or a related API, best first.
    pub candidates: Vec<Candidate>,
    /// Closed, unmerged pull requests for the same API, and what could not be looked at.
    pub notes: Vec<String>,
    /// Open pull requests looked at.
    pub open: usize,
    /// Pull requests read in this run (the others came from the cache).
    pub read: usize,
    /// Open pull requests that could not be read (the rate limit ran out, a file could not be
    /// had): the search does not know what they submit.
    pub unread: Vec<Unread>,
    /// Open pull requests left out because the list is longer than [`Bounds::open_pages`].
    pub left_out: usize,
}

impl Looked {
    /// Whether every open pull request was looked at.
    pub fn complete(&self) -> bool {
        self.unread.is_empty() && self.left_out == 0
    }
}

/// The cache file for `repo` (`owner/name`).
pub fn cache_path(cache: &Path, repo: &str) -> PathBuf {
    cache.join(format!("pull-requests-{}.json", repo.replace('/', "_")))
}

/// `certified-connectors/DeepL/apiDefinition.swagger.json` -> (`certified-connectors/DeepL`, file name).
fn connector_file(path: &str) -> Option<(String, &str)> {
    let mut parts = path.splitn(3, '/');
    let (category, folder, name) = (parts.next()?, parts.next()?, parts.next()?);
    Category::from_folder(category)?;
    (!name.contains('/')).then(|| (format!("{category}/{folder}"), name))
}

/// A connector folder a pull request adds or changes: its swagger, and its `apiProperties.json`
/// when the pull request writes it too (its publisher and policies join the fingerprint).
#[derive(Debug, PartialEq, Eq)]
struct ChangedConnector {
    /// `category/Folder`.
    folder: String,
    swagger: String,
    properties: Option<String>,
}

/// The connectors a pull request adds or changes (those whose swagger it writes).
fn swaggers(files: &[ChangedFile]) -> Vec<ChangedConnector> {
    let mut by_folder: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files.iter().filter(|f| !f.removed) {
        if let Some((folder, name)) = connector_file(&f.path) {
            by_folder.entry(folder).or_default().push(name.to_string());
        }
    }
    by_folder
        .into_iter()
        .filter_map(|(folder, names)| {
            let package = ConnectorPackage::from_files("", names.into_iter().map(|n| (n, Vec::new())));
            let swagger = format!("{folder}/{}", package.swagger_file()?.name);
            let properties = package
                .file(crate::connector::KnownFile::ApiProperties)
                .map(|f| format!("{folder}/{}", f.name));
            Some(ChangedConnector {
                folder,
                swagger,
                properties,
            })
        })
        .collect()
}

/// The whole list of pull requests in `state` against `base` (at most `max_pages` pages), each
/// page asked with its cached ETag; `pages` gets the pages as answered now. Returns the pull
/// requests and whether more were left out.
fn list(
    source: &dyn PullRequestSource,
    state: &str,
    base: &str,
    max_pages: usize,
    cached: &[CachedPage],
    pages: &mut Vec<CachedPage>,
) -> anyhow::Result<(Vec<PullInfo>, bool)> {
    let mut pulls = Vec::new();
    let mut next = true;
    for page in 1..=max_pages.max(1) {
        let known = cached.get(page - 1);
        match source.pulls_page(state, base, page, known.map(|c| c.etag.as_str()))? {
            Page::NotModified => {
                let known = known.ok_or_else(|| anyhow::anyhow!("GitHub answered 304 Not Modified to a request without an ETag"))?;
                pulls.extend(known.pulls.iter().cloned());
                next = known.next;
                pages.push(known.clone());
            }
            Page::Modified {
                pulls: listed,
                etag,
                next: more,
            } => {
                pulls.extend(listed.iter().cloned());
                next = more;
                if let Some(etag) = etag {
                    pages.push(CachedPage {
                        etag,
                        pulls: listed,
                        next: more,
                    });
                }
            }
        }
        if !next {
            break;
        }
    }
    // A pull request updated while the pages were read can show on two of them.
    let mut seen = std::collections::HashSet::new();
    pulls.retain(|p| seen.insert(p.number));
    Ok((pulls, next))
}

/// Look at the open (and recently closed) pull requests against `base` for `query`. `viewer` (the
/// token's login) is left out: your own pull request is not someone else's submission.
pub fn search(
    source: &dyn PullRequestSource,
    cache_dir: &Path,
    repo: &str,
    base: &str,
    query: &Fingerprint,
    viewer: Option<&str>,
    bounds: &Bounds,
) -> anyhow::Result<Looked> {
    let path = cache_path(cache_dir, repo);
    let cache: Cache = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Cache>(&b).ok())
        .filter(|c| c.version == CACHE_VERSION)
        .unwrap_or_default();
    let mut looked = Looked::default();
    let mut fresh = Cache {
        version: CACHE_VERSION,
        ..Default::default()
    };
    let (open, closed) = list_both(source, base, bounds, &cache, &mut fresh, &mut looked)?;
    let wanted: Vec<&PullInfo> = open
        .iter()
        .chain(closed.iter().filter(|p| !p.merged))
        .filter(|p| !viewer.is_some_and(|v| v.eq_ignore_ascii_case(&p.user)))
        .collect();
    refresh(source, &wanted, &cache, &mut fresh, &mut looked, bounds);
    note_unread(&mut looked);
    // What is listed no more (merged, closed long ago) is dropped from the cache.
    if let Ok(bytes) = serde_json::to_vec(&fresh) {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::create_dir_all(cache_dir).is_ok() && std::fs::write(&tmp, bytes).is_ok() {
            std::fs::rename(&tmp, &path).ok();
        }
    }
    for pull in &wanted {
        if let Some(cached) = fresh.pulls.get(&pull.number) {
            compare_pull(query, pull, cached, &mut looked);
        }
    }
    super::search::rank(&mut looked.candidates);
    Ok(looked)
}

/// The open pull requests against `base`, and the recently closed ones when [`Bounds`] asks
/// for them, each list asked with the cached pages' ETags; the pages as answered go to `fresh`.
fn list_both(
    source: &dyn PullRequestSource,
    base: &str,
    bounds: &Bounds,
    cache: &Cache,
    fresh: &mut Cache,
    looked: &mut Looked,
) -> anyhow::Result<(Vec<PullInfo>, Vec<PullInfo>)> {
    let no_pages = Vec::new();
    let key = |state: &str| format!("{state} {base}");
    let mut pages = Vec::new();
    let (open, more) = list(
        source,
        "open",
        base,
        bounds.open_pages,
        cache.pages.get(&key("open")).unwrap_or(&no_pages),
        &mut pages,
    )
    .context("listing open pull requests")?;
    fresh.pages.insert(key("open"), pages);
    if more {
        looked.left_out = 1;
        looked.notes.push(format!(
            "more than {} open pull requests: looked at the {} most recently updated",
            open.len(),
            open.len()
        ));
    }
    looked.open = open.len();
    if bounds.closed_pages == 0 {
        return Ok((open, Vec::new()));
    }
    let mut pages = Vec::new();
    let closed = list(
        source,
        "closed",
        base,
        bounds.closed_pages,
        cache.pages.get(&key("closed")).unwrap_or(&no_pages),
        &mut pages,
    )
    .context("listing closed pull requests")?
    .0;
    fresh.pages.insert(key("closed"), pages);
    Ok((open, closed))
}

/// Each wanted pull request's folders into `fresh`: from the cache when its head is unchanged,
/// else read now; an open one that could not be read is listed in `looked.unread`.
fn refresh(source: &dyn PullRequestSource, wanted: &[&PullInfo], cache: &Cache, fresh: &mut Cache, looked: &mut Looked, bounds: &Bounds) {
    let mut to_read = Vec::new();
    for pull in wanted {
        match cache.pulls.get(&pull.number) {
            Some(c) if c.head_sha == pull.head_sha && !pull.head_sha.is_empty() => {
                fresh.pulls.insert(pull.number, c.clone());
            }
            _ => to_read.push(*pull),
        }
    }
    let outcomes = read_all(source, &to_read, bounds);
    for (pull, outcome) in to_read.iter().zip(outcomes) {
        match outcome {
            Some(Ok(folders)) => {
                looked.read += 1;
                fresh.pulls.insert(
                    pull.number,
                    CachedPull {
                        head_sha: pull.head_sha.clone(),
                        folders,
                    },
                );
            }
            failed if pull.state == "open" => {
                if failed.is_some() {
                    looked.read += 1;
                }
                looked.unread.push(Unread {
                    number: pull.number,
                    title: pull.title.clone(),
                    why: match failed {
                        Some(Err(e)) => format!("{e:#}"),
                        _ => "not read: GitHub's rate limit ran out before it".into(),
                    },
                });
            }
            Some(Err(e)) => {
                looked.read += 1;
                tracing::debug!("closed pull request #{} could not be read: {e:#}", pull.number);
            }
            None => {}
        }
    }
}

/// The notes that say which open pull requests could not be read, and why.
fn note_unread(looked: &mut Looked) {
    if looked.unread.is_empty() {
        return;
    }
    let numbers: Vec<String> = looked.unread.iter().map(|u| format!("#{}", u.number)).collect();
    looked.notes.push(format!(
        "{} open pull request(s) could not be read, so they were not compared: {} (run again later to read them)",
        looked.unread.len(),
        numbers.join(", ")
    ));
    for u in &looked.unread {
        looked.notes.push(format!("  #{} {}: {}", u.number, u.title, u.why));
    }
}

/// `query` against each folder of one pull request: an open one's folders are candidates, a
/// closed one for the same API is a note.
fn compare_pull(query: &Fingerprint, pull: &PullInfo, cached: &CachedPull, looked: &mut Looked) {
    for (folder, fp) in &cached.folders {
        let Some((verdict, score, evidence)) = judge(&compare(query, fp), fp, &THRESHOLDS) else {
            continue;
        };
        if pull.state != "open" {
            if verdict == Verdict::Duplicate {
                looked.notes.push(format!(
                    "closed pull request #{} by @{}: {} ({folder}) was for the same API and was not merged",
                    pull.number, pull.user, pull.title
                ));
            }
            continue;
        }
        looked.candidates.push(Candidate {
            folder: folder.clone(),
            category: folder.split('/').next().and_then(Category::from_folder).unwrap_or(Category::Custom),
            source: Source::OpenPullRequest {
                number: pull.number,
                user: pull.user.clone(),
                title: pull.title.clone(),
            },
            title: fp.title.clone(),
            verdict,
            score,
            evidence,
            url: pull.url.clone(),
        });
    }
}

/// The folders a pull request adds or changes, each with its swagger's fingerprint.
type Folders = Vec<(String, Fingerprint)>;

/// Read `pulls`, [`Bounds::readers`] at a time: for each, its folders, its error, or `None` when
/// it was not started (the rate limit ran out first).
fn read_all(source: &dyn PullRequestSource, pulls: &[&PullInfo], bounds: &Bounds) -> Vec<Option<anyhow::Result<Folders>>> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let slots: Vec<std::sync::Mutex<Option<anyhow::Result<Folders>>>> = pulls.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let work = || loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let i = next.fetch_add(1, Ordering::SeqCst);
        let Some(pull) = pulls.get(i) else { break };
        let outcome = read_pull(source, pull, bounds);
        if let Err(e) = &outcome {
            if source.exhausted(e) {
                stop.store(true, Ordering::SeqCst);
            }
        }
        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
    };
    let readers = bounds.readers.clamp(1, 32).min(pulls.len());
    if readers <= 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..readers {
                scope.spawn(work);
            }
        });
    }
    slots
        .into_iter()
        .map(|s| s.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}

/// The folders a pull request adds or changes, each fingerprinted from its swagger at the head,
/// with the publisher and the policies' routes of its `apiProperties.json` when the pull request
/// writes one (a copy may hide its real base path in a `dynamichosturl` policy).
fn read_pull(source: &dyn PullRequestSource, pull: &PullInfo, bounds: &Bounds) -> anyhow::Result<Folders> {
    let files = source.pull_files(pull.number, bounds.file_pages)?;
    let mut out = Vec::new();
    for changed in swaggers(&files) {
        if pull.head_sha.is_empty() {
            anyhow::bail!("GitHub gave no head commit");
        }
        let bytes = source.file_at(&changed.swagger, &pull.head_sha)?;
        let properties = match &changed.properties {
            Some(path) => crate::connector::json::parse(&source.file_at(path, &pull.head_sha)?)
                .ok()
                .map(|d| d.value),
            None => None,
        };
        if let Ok(fp) = Fingerprint::from_swagger_bytes_with_policies(&bytes, properties.as_ref()) {
            out.push((changed.folder, fp));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swagger_of_each_connector_folder_is_picked() {
        let files = |paths: &[(&str, bool)]| -> Vec<ChangedFile> {
            paths
                .iter()
                .map(|(p, removed)| ChangedFile {
                    path: p.to_string(),
                    removed: *removed,
                })
                .collect()
        };
        let found = swaggers(&files(&[
            ("independent-publisher-connectors/Open Weather/apiDefinition.swagger.json", false),
            ("independent-publisher-connectors/Open Weather/readme.md", false),
            ("certified-connectors/Old/apiDefinition.swagger.json", true),
            ("certified-connectors/Docs/readme.md", false),
            ("schemas/apiDefinition.swagger.json", false),
            ("custom-connectors/Deep/nested/apiDefinition.swagger.json", false),
        ]));
        assert_eq!(
            found,
            [ChangedConnector {
                folder: "independent-publisher-connectors/Open Weather".to_string(),
                swagger: "independent-publisher-connectors/Open Weather/apiDefinition.swagger.json".to_string(),
                properties: None,
            }]
        );
        let found = swaggers(&files(&[
            ("custom-connectors/Hidden/apiDefinition.swagger.json", false),
            ("custom-connectors/Hidden/ApiProperties.json", false),
        ]));
        assert_eq!(found[0].properties.as_deref(), Some("custom-connectors/Hidden/ApiProperties.json"));
    }
}
