//! The upstream mirror: a bare, shallow (depth 1) clone of upstream `dev` in the cache folder.
//!
//! No work tree is ever checked out: the index reads swagger files straight from the object
//! database. A lock file serializes processes, and refs move only after a complete fetch, so an
//! interrupted or concurrent sync leaves a usable mirror.

use anyhow::{anyhow, bail, Context};
use git2::{Direction, FetchOptions, ObjectType, Oid, RemoteCallbacks, Repository};
use std::fs::{self, File};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How old a temporary file must be to count as left behind by an interrupted run.
pub const LEFTOVER_AGE: Duration = Duration::from_secs(300);

use crate::config::{DEFAULT_BRANCH, DEFAULT_UPSTREAM};
use crate::net::redact;

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

    /// Can this URL be mirrored with bounded waits? `https://`, `http://`, `file://` and local
    /// paths go through transports with timeouts (`git_http`); libgit2's own `git://` and ssh
    /// transports have none, and a stalled server would hang the command.
    pub fn check_url(url: &str) -> Result<(), String> {
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let scp_like = scheme.is_none()
            && url
                .split_once(':')
                .is_some_and(|(host, _)| host.contains('@') && !host.contains('/') && host.len() > 1);
        match scheme.as_deref() {
            None if !scp_like => Ok(()),
            Some("https" | "http" | "file") => Ok(()),
            _ => Err(format!(
                "--upstream {}: only https://, http://, file:// or a local path can be mirrored (git:// and ssh have no timeouts here, and GitHub serves https://), e.g. {DEFAULT_UPSTREAM}",
                redact(url)
            )),
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
    /// Set when the mirror was found damaged and fetched again from scratch: what was wrong.
    pub repaired: Option<String>,
    /// Leftovers of interrupted runs that were removed (temporary packs, stale lock files).
    pub removed_leftovers: usize,
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

    /// The mirror and the commit of its last recorded sync, when there is one that opens.
    pub fn open_recorded(&self) -> Option<(Repository, Oid)> {
        let (head, _) = self.recorded_head()?;
        Some((self.open().ok()?, Oid::from_str(&head).ok()?))
    }

    /// How long ago the last successful sync finished.
    pub fn age(&self) -> Option<Duration> {
        let modified = fs::metadata(self.path.join("connector-publish-synced")).ok()?.modified().ok()?;
        Some(SystemTime::now().duration_since(modified).unwrap_or_default())
    }

    pub fn open(&self) -> anyhow::Result<Repository> {
        Repository::open_bare(&self.path).with_context(|| format!("opening the mirror {}", self.path.display()))
    }

    /// The lock file next to the mirror (`<mirror>.lock`); it holds the pid of its holder.
    pub fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// Take the mirror's lock: one writer at a time across processes. Waits at most
    /// [`crate::net::lock_wait`], saying once who holds it, then gives up with a clear message.
    pub fn lock(&self, notice: &mut dyn FnMut(&str)) -> anyhow::Result<File> {
        let parent = self.path.parent().expect("mirror path has a parent");
        fs::create_dir_all(parent).with_context(|| format!("creating the cache folder {}", parent.display()))?;
        let lock_path = self.lock_path();
        let mut file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("opening {}", lock_path.display()))?;
        let wait = crate::net::lock_wait();
        let started = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = match holder_pid(&lock_path) {
                        Some(pid) => format!("another connector-publish (pid {pid})"),
                        None => "another connector-publish".to_string(),
                    };
                    if started.elapsed() >= wait {
                        bail!(
                            "{holder} has been using the cache {} for more than {}; let it finish and run this again (or stop it; its lock is {})",
                            self.path.display(),
                            crate::net::seconds(wait),
                            lock_path.display()
                        );
                    }
                    if !told {
                        notice(&format!(
                            "waiting for {holder} to finish with the cache (at most {})",
                            crate::net::seconds(wait)
                        ));
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("locking {}", lock_path.display()));
                }
            }
        }
        // Who holds it, for whoever waits next.
        let _ = file
            .set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| writeln!(file, "{}", std::process::id()))
            .and_then(|_| file.flush());
        Ok(file)
    }

    /// [`Self::remove_leftovers`] when no other process holds the lock (never waits).
    pub fn tidy(&self) -> usize {
        let Ok(file) = File::options().write(true).open(self.lock_path()) else {
            return 0;
        };
        if file.try_lock().is_err() {
            return 0;
        }
        self.remove_leftovers()
    }

    /// Remove what interrupted runs leave behind: libgit2's and git's temporary packs, stale
    /// `.lock` files of refs, and half-written `.tmp` files. Only call this holding [`Self::lock`]:
    /// another process's fetch in progress would look the same. Files younger than
    /// [`LEFTOVER_AGE`] are kept, as a few writers (a real run's commit, an index being saved)
    /// do not take the lock.
    pub fn remove_leftovers(&self) -> usize {
        let mut removed = 0;
        let mut remove = |p: &Path| {
            let old = fs::metadata(p)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| SystemTime::now().duration_since(m).ok())
                .is_some_and(|age| age >= LEFTOVER_AGE);
            if old && fs::remove_file(p).is_ok() {
                tracing::debug!("removed the leftover {}", p.display());
                removed += 1;
            }
        };
        let pack_dir = self.path.join("objects").join("pack");
        for entry in fs::read_dir(&pack_dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            // libgit2's `pack_git2_*`, git's `tmp_pack_*` and `tmp_idx_*`, and git repack's
            // `.tmp-<pid>-pack-*`.
            let temporary = name.starts_with("tmp_")
                || name.starts_with(".tmp-")
                || name.contains("_git2_")
                || name.ends_with(".tmp")
                || name.ends_with(".lock");
            if temporary && entry.file_type().is_ok_and(|t| t.is_file()) {
                remove(&entry.path());
            }
        }
        // Loose objects being written, and lock files anywhere in the repository.
        let mut stack = vec![self.path.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                let Ok(kind) = entry.file_type() else { continue };
                let name = entry.file_name().to_string_lossy().into_owned();
                if kind.is_dir() {
                    if entry.path() != pack_dir {
                        stack.push(entry.path());
                    }
                } else if kind.is_file()
                    && (name.ends_with(".lock") || name.contains(".tmp") || name.starts_with("tmp_obj") || name.contains("_git2_"))
                {
                    remove(&entry.path());
                }
            }
        }
        removed
    }

    /// What is wrong with the mirror's objects, if anything: a pack or pack index whose checksum
    /// does not match its content (truncated, a flipped byte), or an object of `tip`'s tree that
    /// is missing or unreadable.
    pub fn damage(&self, repo: &Repository, tip: Oid) -> Option<String> {
        let pack_dir = self.path.join("objects").join("pack");
        let mut entries: Vec<PathBuf> = fs::read_dir(&pack_dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("pack" | "idx")))
            .collect();
        entries.sort();
        for path in &entries {
            if let Err(why) = check_trailer(path) {
                return Some(format!("{} {why}", path.display()));
            }
            if path.extension().is_some_and(|e| e == "pack") && !path.with_extension("idx").is_file() {
                return Some(format!("{} has no index", path.display()));
            }
        }
        let commit = match repo.find_commit(tip) {
            Ok(c) => c,
            Err(e) => return Some(format!("the mirrored commit {tip} cannot be read ({})", e.message())),
        };
        let tree = match commit.tree() {
            Ok(t) => t,
            Err(e) => return Some(format!("the tree of {tip} cannot be read ({})", e.message())),
        };
        let odb = match repo.odb() {
            Ok(o) => o,
            Err(e) => return Some(format!("the object database cannot be opened ({})", e.message())),
        };
        let mut stack = vec![tree];
        while let Some(tree) = stack.pop() {
            for entry in tree.iter() {
                match entry.kind() {
                    Some(ObjectType::Tree) => match repo.find_tree(entry.id()) {
                        Ok(t) => stack.push(t),
                        Err(e) => return Some(format!("tree {} cannot be read ({})", entry.id(), e.message())),
                    },
                    Some(ObjectType::Blob) if !odb.exists(entry.id()) => {
                        return Some(format!("object {} is missing", entry.id()));
                    }
                    _ => {}
                }
            }
        }
        None
    }

    /// Throw the damaged mirror away (its indexes with it: they were read from it) and start an
    /// empty one.
    fn recreate(&self) -> anyhow::Result<Repository> {
        let aside = self.path.with_extension(format!("damaged-{}", std::process::id()));
        fs::rename(&self.path, &aside).with_context(|| format!("moving the damaged mirror {} aside", self.path.display()))?;
        fs::remove_dir_all(&aside).with_context(|| format!("removing the damaged mirror {}", aside.display()))?;
        Repository::init_bare(&self.path).with_context(|| format!("creating the mirror {}", self.path.display()))
    }

    /// Bring the mirror up to date with upstream. Fetches nothing when upstream has not moved
    /// and the mirror is whole; a damaged mirror is fetched again from scratch. Notices (a wait
    /// for the lock) go to stderr.
    pub fn sync(&self, progress: &mut dyn FnMut(FetchProgress)) -> anyhow::Result<SyncOutcome> {
        self.sync_with_notices(progress, &mut |msg| crate::output::print_notice(msg))
    }

    /// [`Self::sync`], with the notices given to `notice`.
    pub fn sync_with_notices(&self, progress: &mut dyn FnMut(FetchProgress), notice: &mut dyn FnMut(&str)) -> anyhow::Result<SyncOutcome> {
        let _lock = self.lock(notice)?;
        crate::net::git_http::install();
        let removed_leftovers = self.remove_leftovers();
        let (repo, repaired) = self.open_or_repair()?;
        let local = repo.refname_to_id(&self.branch_ref()).ok();
        let url = &self.upstream.url;
        let mut remote = repo
            .remote_anonymous(url)
            .with_context(|| format!("bad upstream URL {}", self.upstream.display_url()))?;
        let remote_tip = self.remote_tip(&mut remote)?;

        tracing::debug!(upstream = %self.upstream.display_url(), local = ?local, remote = %remote_tip, "sync");
        let fetched = local != Some(remote_tip);
        let stats = match fetched {
            true => self.fetch(&mut remote, progress)?,
            false => (0, 0),
        };
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
            repaired,
            removed_leftovers,
        })
    }

    /// The mirror's repository, created when missing, made again when it is not a repository or
    /// is damaged; and why it was made again, if it was.
    fn open_or_repair(&self) -> anyhow::Result<(Repository, Option<String>)> {
        let mut repaired = None;
        let mut repo = match Repository::open_bare(&self.path) {
            Ok(r) => r,
            Err(_) if self.path.exists() => {
                repaired = Some(format!("{} is not a git repository", self.path.display()));
                self.recreate()?
            }
            Err(_) => Repository::init_bare(&self.path).with_context(|| format!("creating the mirror {}", self.path.display()))?,
        };
        if let Ok(tip) = repo.refname_to_id(&self.branch_ref()) {
            if let Some(why) = self.damage(&repo, tip) {
                tracing::warn!("the mirror is damaged: {why}; fetching it again");
                repaired = Some(why);
                drop(repo);
                repo = self.recreate()?;
            }
        }
        Ok((repo, repaired))
    }

    /// Where upstream's branch is: a few hundred bytes, and often all a sync needs.
    fn remote_tip(&self, remote: &mut git2::Remote) -> anyhow::Result<Oid> {
        let connection = remote
            .connect_auth(Direction::Fetch, None, None)
            .map_err(crate::net::git_error)
            .with_context(|| format!("cannot reach {}", self.upstream.display_url()))?;
        let heads = connection.list()?;
        match heads.iter().find(|h| h.name() == self.branch_ref()) {
            Some(head) => Ok(head.oid()),
            None => Err(anyhow!(
                "{} has no branch `{}`; choose one with --base-branch",
                self.upstream.display_url(),
                self.upstream.branch
            )),
        }
    }

    /// Fetch upstream's branch into the mirror (only its tip, from a remote upstream); the
    /// objects and bytes received.
    fn fetch(&self, remote: &mut git2::Remote, progress: &mut dyn FnMut(FetchProgress)) -> anyhow::Result<(usize, usize)> {
        let mut stats = (0usize, 0usize);
        let mut cb = RemoteCallbacks::new();
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
            .map_err(crate::net::git_error)
            .with_context(|| format!("fetching {} from {}", self.upstream.branch, self.upstream.display_url()))?;
        drop(options);
        Ok(stats)
    }
}

/// The pid a lock file records.
fn holder_pid(lock_path: &Path) -> Option<u32> {
    fs::read_to_string(lock_path).ok()?.trim().parse().ok()
}

/// A pack or pack index ends with the SHA-1 of everything before it.
fn check_trailer(path: &Path) -> Result<(), String> {
    let mut file = File::open(path).map_err(|e| format!("cannot be read ({e})"))?;
    let len = file.metadata().map_err(|e| format!("cannot be read ({e})"))?.len();
    if len < 32 {
        return Err(format!("is truncated ({len} bytes)"));
    }
    let mut hasher = <sha1::Sha1 as sha1::Digest>::new();
    let mut remaining = len - 20;
    let mut buf = vec![0u8; 1 << 16];
    while remaining > 0 {
        let n = (remaining as usize).min(buf.len());
        file.read_exact(&mut buf[..n]).map_err(|e| format!("cannot be read ({e})"))?;
        sha1::Digest::update(&mut hasher, &buf[..n]);
        remaining -= n as u64;
    }
    let mut trailer = [0u8; 20];
    file.read_exact(&mut trailer).map_err(|e| format!("cannot be read ({e})"))?;
    if sha1::Digest::finalize(hasher).as_slice() != trailer {
        return Err("is damaged (its checksum does not match its content)".into());
    }
    Ok(())
}

/// A folder's files: names and bytes.
pub type FolderFiles = Vec<(String, Vec<u8>)>;

/// The top-level files of `<category>/<folder>` at `commit` in the mirror, the folder matched
/// case-insensitively as checkouts on Windows and macOS do, with its name as upstream spells it:
/// `("certified-connectors/DeepL", files)`. `None` when there is no such folder.
pub fn folder_files(repo: &Repository, commit: Oid, category: &str, folder: &str) -> anyhow::Result<Option<(String, FolderFiles)>> {
    let tree = repo
        .find_commit(commit)
        .context("the mirrored commit is missing; run `connector-publish sync`")?
        .tree()?;
    let Ok(category_entry) = tree.get_path(std::path::Path::new(category)) else {
        return Ok(None);
    };
    let category_tree = repo.find_tree(category_entry.id())?;
    let Some(entry) = category_tree
        .iter()
        .find(|e| e.kind() == Some(git2::ObjectType::Tree) && e.name().is_ok_and(|n| n.eq_ignore_ascii_case(folder)))
    else {
        return Ok(None);
    };
    let name = entry.name().unwrap_or(folder).to_string();
    let folder_tree = repo.find_tree(entry.id())?;
    let mut files = Vec::new();
    for e in folder_tree.iter() {
        if e.kind() != Some(git2::ObjectType::Blob) {
            continue;
        }
        let Ok(file_name) = e.name() else { continue };
        files.push((file_name.to_string(), repo.find_blob(e.id())?.content().to_vec()));
    }
    Ok(Some((format!("{category}/{name}"), files)))
}

/// A small, stable hash for folder names (not for security).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf29ce484222325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x100000001b3))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_transports_with_timeouts_are_mirrored() {
        for ok in [
            "https://github.com/microsoft/PowerPlatformConnectors.git",
            "http://127.0.0.1:1/u.git",
            "file:///tmp/u",
            "/tmp/u",
            "relative/dir",
            "C:\\work\\u",
        ] {
            assert!(super::Upstream::check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "git://127.0.0.1/u",
            "ssh://git@github.com/x/y.git",
            "git@github.com:x/y.git",
            "ftp://h/u",
        ] {
            assert!(super::Upstream::check_url(bad).unwrap_err().contains("https://"), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn urls_are_redacted_and_credentials_read() {
        assert_eq!(redact("https://me:s3cret@host/x.git"), "https://host/x.git");
        assert_eq!(redact("/local/path"), "/local/path");
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
