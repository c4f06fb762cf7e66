//! Open pull requests against upstream `dev`: "someone is already submitting this", the commonest
//! duplicate verdict a reviewer gives, which no local mirror can know.
//!
//! The pull requests come from a [`PullRequestSource`] (GitHub's pulls and pull-files endpoints;
//! the implementation is in `publish::github`, so this stage imports no later one). Each pull
//! request's folders are fingerprinted from the swagger at its head and cached by the pull
//! request's `updated_at`: a warm run makes one call per page of the list (two or three), and only
//! pull requests that changed since are read again, at most [`Bounds::max_read`] of them per run.

use super::search::{compare, judge, Candidate, Source, Verdict, THRESHOLDS};
use crate::connector::{Category, ConnectorPackage, Fingerprint};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A pull request as the list shows it.
#[derive(Debug, Clone, Default)]
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

/// Where pull requests are read from (GitHub, or a test's stand-in).
pub trait PullRequestSource {
    /// Pull requests against `base` in `state` (`open` or `closed`), most recently updated first,
    /// at most `max_pages` pages, and whether more were left out.
    fn pulls(&self, state: &str, base: &str, max_pages: usize) -> anyhow::Result<(Vec<PullInfo>, bool)>;
    /// The files pull request `number` changes, at most `max_pages` pages.
    fn pull_files(&self, number: u64, max_pages: usize) -> anyhow::Result<Vec<ChangedFile>>;
    /// A file's bytes in `repo` at commit `sha`.
    fn file_at(&self, repo: &str, path: &str, sha: &str) -> anyhow::Result<Vec<u8>>;
}

/// How many calls one search may make.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Pages of open pull requests (100 each).
    pub open_pages: usize,
    /// Pages of recently closed pull requests (for the notes about unmerged ones).
    pub closed_pages: usize,
    /// Pages of one pull request's files (GitHub lists at most 3,000 files, 30 pages).
    pub file_pages: usize,
    /// Pull requests read (files and swaggers) in one run; the rest wait for the next run.
    pub max_read: usize,
}

pub const BOUNDS: Bounds = Bounds {
    open_pages: 5,
    closed_pages: 1,
    file_pages: 30,
    max_read: 25,
};

/// What one pull request adds or changes, as cached.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CachedPull {
    updated_at: String,
    title: String,
    #[serde(default)]
    url: Option<String>,
    user: String,
    state: String,
    merged: bool,
    /// (`category/Folder`, its swagger's fingerprint at the head).
    folders: Vec<(String, Fingerprint)>,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Cache {
    pulls: BTreeMap<u64, CachedPull>,
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

/// The swaggers a pull request adds or changes: (`category/Folder`, path).
fn swaggers(files: &[ChangedFile]) -> Vec<(String, String)> {
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
            let name = package.swagger_file()?.name.clone();
            Some((format!("{folder}/{name}"), folder))
        })
        .map(|(path, folder)| (folder, path))
        .collect()
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
    let mut cache: Cache = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut looked = Looked::default();
    let (open, more) = source
        .pulls("open", base, bounds.open_pages)
        .context("listing open pull requests")?;
    if more {
        looked.notes.push(format!(
            "more than {} open pull requests: looked at the {} most recently updated",
            open.len(),
            open.len()
        ));
    }
    let closed = if bounds.closed_pages > 0 {
        source
            .pulls("closed", base, bounds.closed_pages)
            .context("listing closed pull requests")?
            .0
    } else {
        Vec::new()
    };
    looked.open = open.len();
    let mut pending = 0;
    let mut fresh = Cache::default();
    for pull in open.iter().chain(closed.iter().filter(|p| !p.merged)) {
        if viewer.is_some_and(|v| v.eq_ignore_ascii_case(&pull.user)) {
            continue;
        }
        let cached = cache
            .pulls
            .remove(&pull.number)
            .filter(|c| c.updated_at == pull.updated_at && c.state == pull.state);
        let entry = match cached {
            Some(c) => c,
            None if looked.read >= bounds.max_read => {
                pending += 1;
                continue;
            }
            None => {
                looked.read += 1;
                match read_pull(source, pull, bounds) {
                    Ok(folders) => CachedPull {
                        updated_at: pull.updated_at.clone(),
                        title: pull.title.clone(),
                        url: pull.url.clone(),
                        user: pull.user.clone(),
                        state: pull.state.clone(),
                        merged: pull.merged,
                        folders,
                    },
                    Err(e) => {
                        looked.notes.push(format!("pull request #{} could not be read: {e:#}", pull.number));
                        continue;
                    }
                }
            }
        };
        fresh.pulls.insert(pull.number, entry);
    }
    if pending > 0 {
        looked.notes.push(format!(
            "{pending} pull request(s) not looked at yet (at most {} are read per run; run again to read the rest)",
            bounds.max_read
        ));
    }
    // What is listed no more (merged, closed long ago) is dropped from the cache.
    if let Ok(bytes) = serde_json::to_vec(&fresh) {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::create_dir_all(cache_dir).is_ok() && std::fs::write(&tmp, bytes).is_ok() {
            std::fs::rename(&tmp, &path).ok();
        }
    }
    for (number, pull) in &fresh.pulls {
        for (folder, fp) in &pull.folders {
            let Some((verdict, score, evidence)) = judge(&compare(query, fp), fp, &THRESHOLDS) else {
                continue;
            };
            if pull.state != "open" {
                if verdict == Verdict::Duplicate {
                    looked.notes.push(format!(
                        "closed pull request #{number} by @{}: {} ({folder}) was for the same API and was not merged",
                        pull.user, pull.title
                    ));
                }
                continue;
            }
            looked.candidates.push(Candidate {
                folder: folder.clone(),
                category: folder.split('/').next().and_then(Category::from_folder).unwrap_or(Category::Custom),
                source: Source::OpenPullRequest {
                    number: *number,
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
    super::search::rank(&mut looked.candidates);
    Ok(looked)
}

/// The folders a pull request adds or changes, each fingerprinted from its swagger at the head.
fn read_pull(source: &dyn PullRequestSource, pull: &PullInfo, bounds: &Bounds) -> anyhow::Result<Vec<(String, Fingerprint)>> {
    let files = source.pull_files(pull.number, bounds.file_pages)?;
    let mut out = Vec::new();
    for (folder, path) in swaggers(&files) {
        let Some(repo) = &pull.head_repo else {
            anyhow::bail!("its fork was deleted");
        };
        let bytes = source.file_at(repo, &path, &pull.head_sha)?;
        if let Ok(fp) = Fingerprint::from_swagger_bytes(&bytes) {
            out.push((folder, fp));
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
            [(
                "independent-publisher-connectors/Open Weather".to_string(),
                "independent-publisher-connectors/Open Weather/apiDefinition.swagger.json".to_string()
            )]
        );
    }
}
