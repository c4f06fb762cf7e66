//! The upstream mirror: a bare, shallow (depth 1) clone of upstream `dev` in the cache folder.
//!
//! No work tree is ever checked out: the index reads swagger files straight from the object
//! database. A lock file serializes processes, and refs move only after a complete fetch, so an
//! interrupted or concurrent sync leaves a usable mirror.

use anyhow::{anyhow, Context};
use git2::{Cred, CredentialType, Direction, FetchOptions, RemoteCallbacks, Repository};
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The production upstream.
pub const DEFAULT_UPSTREAM: &str = "https://github.com/microsoft/PowerPlatformConnectors.git";
pub const DEFAULT_BRANCH: &str = "dev";

/// Where and what to mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// A git URL (`https://`, `http://`, `file://`) or a local path.
    pub url: String,
    pub branch: String,
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream {
            url: DEFAULT_UPSTREAM.into(),
            branch: DEFAULT_BRANCH.into(),
        }
    }
}

impl Upstream {
    /// Local paths become absolute, so the mirror does not depend on the current folder.
    pub fn new(url: &str, branch: &str) -> Upstream {
        let url = if url.contains("://") {
            url.to_string()
        } else {
            fs::canonicalize(url)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| url.to_string())
        };
        Upstream {
            url,
            branch: branch.to_string(),
        }
    }

    /// True for `file://` URLs and plain paths: libgit2's local transport cannot fetch shallow,
    /// and has no network to save anyway.
    pub fn is_local(&self) -> bool {
        self.url.starts_with("file://") || !self.url.contains("://")
    }

    /// The URL with any password removed, for messages and the index.
    pub fn display_url(&self) -> String {
        redact(&self.url)
    }

    /// `https://github.com/owner/repo/tree/<branch>/<folder>` when the upstream is on GitHub.
    pub fn browse_url(&self, folder: &str) -> Option<String> {
        let rest = self.url.strip_prefix("https://github.com/")?;
        let repo = rest.trim_end_matches('/').trim_end_matches(".git");
        let folder: String = folder.split('/').map(percent_encode_segment).collect::<Vec<_>>().join("/");
        Some(format!("https://github.com/{repo}/tree/{}/{folder}", self.branch))
    }
}

fn percent_encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Remove `user:password@` from a URL.
pub fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}://{}", &url[..scheme_end], &rest[at + 1..]);
        }
    }
    url.to_string()
}

/// The cache folder: `CONNECTOR_PUBLISH_CACHE`, or the platform's cache folder.
pub fn cache_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CONNECTOR_PUBLISH_CACHE") {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir()
        .map(|d| d.join("connector-publish"))
        .ok_or_else(|| anyhow!("cannot tell where the cache folder is; set CONNECTOR_PUBLISH_CACHE to a folder"))
}

/// The bare mirror of one upstream in the cache folder.
#[derive(Debug, Clone)]
pub struct Mirror {
    pub path: PathBuf,
    pub upstream: Upstream,
}

/// What a sync did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SyncOutcome {
    pub commit: String,
    /// Commit time, seconds since the epoch.
    pub commit_time: i64,
    /// False when upstream had not moved and nothing was fetched.
    pub fetched: bool,
    pub received_objects: usize,
    pub received_bytes: usize,
}

/// Progress of a fetch, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct FetchProgress {
    pub received_objects: usize,
    pub total_objects: usize,
    pub received_bytes: usize,
}

impl Mirror {
    pub fn new(cache: &Path, upstream: &Upstream) -> Mirror {
        // One mirror per upstream URL and branch, named readably plus a hash to keep them apart.
        let key = format!("{}#{}", upstream.display_url(), upstream.branch);
        let readable: String = upstream
            .display_url()
            .rsplit(['/', '\\'])
            .find(|s| !s.is_empty())
            .unwrap_or("upstream")
            .trim_end_matches(".git")
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(40)
            .collect();
        let path = cache.join("mirrors").join(format!("{readable}-{:016x}.git", fnv1a(key.as_bytes())));
        Mirror {
            path,
            upstream: upstream.clone(),
        }
    }

    fn branch_ref(&self) -> String {
        format!("refs/heads/{}", self.upstream.branch)
    }

    /// The mirrored commit, if the mirror has one.
    pub fn head(&self) -> Option<git2::Oid> {
        let repo = Repository::open_bare(&self.path).ok()?;
        let oid = repo.refname_to_id(&self.branch_ref()).ok()?;
        Some(oid)
    }

    /// The commit and commit time the last sync recorded, read without opening the repository
    /// (libgit2's start-up, TLS included, would cost a warm `search` more than the search).
    /// Even `Oid::from_str` starts libgit2, so the commit id stays a string here.
    pub fn recorded_head(&self) -> Option<(String, i64)> {
        let text = fs::read_to_string(self.path.join("connector-publish-synced")).ok()?;
        let mut parts = text.split_whitespace();
        let oid = parts
            .next()
            .filter(|h| h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()))?
            .to_string();
        let time = parts.next()?.parse().ok()?;
        Some((oid, time))
    }

    /// How long ago the last successful sync finished.
    pub fn age(&self) -> Option<Duration> {
        let modified = fs::metadata(self.path.join("connector-publish-synced")).ok()?.modified().ok()?;
        Some(SystemTime::now().duration_since(modified).unwrap_or_default())
    }

    pub fn open(&self) -> anyhow::Result<Repository> {
        Repository::open_bare(&self.path).with_context(|| format!("opening the mirror {}", self.path.display()))
    }

    /// Take the mirror's lock (blocking): one sync at a time across processes.
    fn lock(&self) -> anyhow::Result<File> {
        let parent = self.path.parent().expect("mirror path has a parent");
        fs::create_dir_all(parent).with_context(|| format!("creating the cache folder {}", parent.display()))?;
        let lock_path = self.path.with_extension("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        file.lock().with_context(|| format!("locking {}", lock_path.display()))?;
        Ok(file)
    }

    /// Bring the mirror up to date with upstream. Fetches nothing when upstream has not moved.
    pub fn sync(&self, progress: &mut dyn FnMut(FetchProgress)) -> anyhow::Result<SyncOutcome> {
        let _lock = self.lock()?;
        let repo = match Repository::open_bare(&self.path) {
            Ok(r) => r,
            Err(_) => Repository::init_bare(&self.path).with_context(|| format!("creating the mirror {}", self.path.display()))?,
        };
        let local = repo.refname_to_id(&self.branch_ref()).ok();
        let url = &self.upstream.url;
        let mut remote = repo
            .remote_anonymous(url)
            .with_context(|| format!("bad upstream URL {}", self.upstream.display_url()))?;

        // Ask where upstream's branch is; a few hundred bytes, and often all a sync needs.
        let remote_tip = {
            let connection = remote
                .connect_auth(Direction::Fetch, Some(callbacks(url)), None)
                .with_context(|| format!("cannot reach {}", self.upstream.display_url()))?;
            let heads = connection.list()?;
            heads.iter().find(|h| h.name() == self.branch_ref()).map(|h| h.oid())
        };
        let Some(remote_tip) = remote_tip else {
            return Err(anyhow!(
                "{} has no branch `{}`; choose one with --base-branch",
                self.upstream.display_url(),
                self.upstream.branch
            ));
        };

        tracing::debug!(upstream = %self.upstream.display_url(), local = ?local, remote = %remote_tip, "sync");
        let mut stats = (0usize, 0usize);
        let fetched = local != Some(remote_tip);
        if fetched {
            let mut cb = callbacks(url);
            cb.transfer_progress(|p| {
                stats = (p.received_objects(), p.received_bytes());
                progress(FetchProgress {
                    received_objects: p.received_objects(),
                    total_objects: p.total_objects(),
                    received_bytes: p.received_bytes(),
                });
                true
            });
            let mut options = FetchOptions::new();
            options.remote_callbacks(cb);
            if !self.upstream.is_local() {
                options.depth(1);
            }
            let refspec = format!("+{}:{}", self.branch_ref(), self.branch_ref());
            remote
                .fetch(&[&refspec], Some(&mut options), None)
                .with_context(|| format!("fetching {} from {}", self.upstream.branch, self.upstream.display_url()))?;
        }
        let commit = repo.find_commit(remote_tip).context("the fetched commit is not in the mirror")?;
        let commit_time = commit.time().seconds();
        // Unset HEAD would make libgit2 guess; point it at the mirrored branch.
        repo.set_head(&self.branch_ref()).ok();
        // Written last: it marks a complete sync, and records what `recorded_head` reads.
        let marker = self.path.join("connector-publish-synced");
        let tmp = marker.with_extension("tmp");
        fs::write(&tmp, format!("{remote_tip} {commit_time}\n"))
            .and_then(|_| fs::rename(&tmp, &marker))
            .context("recording the sync")?;
        Ok(SyncOutcome {
            commit: remote_tip.to_string(),
            commit_time,
            fetched,
            received_objects: stats.0,
            received_bytes: stats.1,
        })
    }
}

/// Credentials for fetching: the URL's own `user:password@`, then git's credential helpers, then
/// a GitHub token from the environment, but only for github.com (a token is never sent elsewhere).
pub fn callbacks(url: &str) -> RemoteCallbacks<'static> {
    let url = url.to_string();
    let mut tries = 0;
    let mut cb = RemoteCallbacks::new();
    cb.credentials(move |_u, username, allowed| {
        tries += 1;
        if tries > 3 {
            return Err(git2::Error::from_str("authentication failed: the upstream refused the credentials (check the user and token in the URL, or your git credential helper)"));
        }
        if !allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            return Err(git2::Error::from_str("the upstream asks for an authentication method this tool does not support"));
        }
        if let Some((user, pass)) = userinfo(&url) {
            if tries == 1 {
                return Cred::userpass_plaintext(&user, &pass);
            }
        }
        if let Ok(config) = git2::Config::open_default() {
            if let Ok(cred) = Cred::credential_helper(&config, &url, username) {
                return Ok(cred);
            }
        }
        if url.starts_with("https://github.com/") {
            if let Some(token) = ["GH_TOKEN", "GITHUB_TOKEN"].iter().find_map(|k| std::env::var(k).ok().filter(|t| !t.is_empty())) {
                return Cred::userpass_plaintext("x-access-token", &token);
            }
        }
        Err(git2::Error::from_str("the upstream asks for credentials: put them in the URL (https://user:token@host/...) or in a git credential helper"))
    });
    cb
}

/// `user:password` from a URL, percent-decoded.
fn userinfo(url: &str) -> Option<(String, String)> {
    let rest = &url[url.find("://")? + 3..];
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let (info, _) = authority.rsplit_once('@')?;
    let (user, pass) = info.split_once(':').unwrap_or((info, ""));
    Some((percent_decode(user), percent_decode(pass)))
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// A small, stable hash for folder names (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf29ce484222325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted_and_credentials_read() {
        assert_eq!(redact("https://me:s3cret@host/x.git"), "https://host/x.git");
        assert_eq!(redact("/local/path"), "/local/path");
        assert_eq!(
            userinfo("http://me:p%40ss@127.0.0.1:8080/x.git"),
            Some(("me".into(), "p@ss".into()))
        );
        assert_eq!(userinfo("https://host/x.git"), None);
    }

    #[test]
    fn browse_urls_point_at_github_folders() {
        let up = Upstream::default();
        assert_eq!(
            up.browse_url("certified-connectors/Adobe PDF Services").as_deref(),
            Some("https://github.com/microsoft/PowerPlatformConnectors/tree/dev/certified-connectors/Adobe%20PDF%20Services")
        );
        assert_eq!(Upstream::new("/tmp", "dev").browse_url("x"), None);
    }

    #[test]
    fn mirrors_of_different_upstreams_do_not_collide() {
        let a = Mirror::new(Path::new("/c"), &Upstream::default());
        let b = Mirror::new(
            Path::new("/c"),
            &Upstream {
                url: DEFAULT_UPSTREAM.into(),
                branch: "main".into(),
            },
        );
        assert_ne!(a.path, b.path);
        assert!(a.path.starts_with("/c/mirrors"));
        assert!(a
            .path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("PowerPlatformConnectors-"));
    }
}
