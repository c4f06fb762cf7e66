//! The catalog against real git peers: a bare upstream served over smart HTTP by the real
//! `git http-backend` (with Basic auth) and over `file://`, driven through the built binary.

mod common;
mod support;

use assert_cmd::Command;
use connector_publish::catalog::search::{self, Query, Verdict};
use connector_publish::catalog::{index, Mirror, Upstream};
use std::path::{Path, PathBuf};
use support::git_http::GitHttpServer;

const USER: &str = "octo";
const PASS: &str = "t0ken";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "credential.helper=",
            "-c",
            "init.defaultBranch=dev",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GIT_DIR")
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn swagger(title: &str, host: &str, paths: &[&str]) -> String {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| format!("\"{p}\": {{\"get\": {{\"operationId\": \"Op{}\", \"responses\": {{}}}}}}", p.len()))
        .collect();
    format!("{{\"swagger\": \"2.0\", \"info\": {{\"title\": \"{title}\", \"version\": \"1\"}}, \"host\": \"{host}\", \"basePath\": \"/v1\", \"paths\": {{{}}}}}", paths.join(", "))
}

/// A work tree with two connectors, committed, and a bare clone of it to serve.
struct Upstreams {
    _dir: tempfile::TempDir,
    work: PathBuf,
    /// Holds `upstream.git`.
    served: PathBuf,
}

impl Upstreams {
    fn new() -> Upstreams {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work).unwrap();
        git(&work, &["init", "-q"]);
        let u = Upstreams {
            work,
            served: dir.path().join("served"),
            _dir: dir,
        };
        u.add(
            "certified-connectors/DeepL",
            &swagger("DeepL", "api.deepl.com", &["/translate", "/usage", "/languages", "/glossaries"]),
        );
        u.add(
            "independent-publisher-connectors/Open Brewery DB",
            &swagger(
                "Open Brewery DB",
                "api.openbrewerydb.org",
                &["/breweries", "/breweries/{id}", "/breweries/random"],
            ),
        );
        git(&u.work, &["add", "-A"]);
        git(&u.work, &["commit", "-qm", "two connectors"]);
        std::fs::create_dir_all(&u.served).unwrap();
        git(&u.served, &["clone", "-q", "--bare", u.work.to_str().unwrap(), "upstream.git"]);
        u
    }

    fn add(&self, folder: &str, swagger: &str) {
        let dir = self.work.join(folder);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("apiDefinition.swagger.json"), swagger).unwrap();
        std::fs::write(dir.join("apiProperties.json"), "{\"properties\": {}}").unwrap();
        std::fs::write(dir.join("readme.md"), format!("# {folder}\n")).unwrap();
    }

    /// Commit a third connector and push it to the served repository.
    fn push_new_connector(&self) {
        self.add(
            "independent-publisher-connectors/Icon Horse",
            &swagger("Icon Horse", "icon.horse", &["/icon/{domain}", "/status"]),
        );
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-qm", "Icon Horse"]);
        git(
            &self.work,
            &["push", "-q", self.served.join("upstream.git").to_str().unwrap(), "dev"],
        );
    }
}

fn bin(cache: &Path) -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.env("CONNECTOR_PUBLISH_CACHE", cache)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN");
    cmd
}

fn sync_json(cache: &Path, upstream: &str) -> serde_json::Value {
    let out = bin(cache).args(["sync", "--json", "--upstream", upstream]).output().unwrap();
    assert!(out.status.success(), "sync failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sync_over_smart_http_with_basic_auth_then_search() {
    let ups = Upstreams::new();
    let server = GitHttpServer::start(&ups.served, Some((USER, PASS)));
    let cache = tempfile::tempdir().unwrap();

    // Wrong credentials: a clear error, and no mirror to fall back on.
    let bad = server.url_with_credentials("upstream.git", USER, "wrong");
    let out = bin(cache.path()).args(["sync", "--upstream", &bad]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("authentication") || stderr.contains("credentials"), "{stderr}");
    assert!(!stderr.contains("wrong"), "the password must not be printed: {stderr}");

    let url = server.url_with_credentials("upstream.git", USER, PASS);
    let synced = sync_json(cache.path(), &url);
    assert_eq!(synced["fetched"], true);
    assert_eq!(synced["connectors"], 2);
    assert_eq!(synced["fingerprinted"], 2);
    assert!(!synced["upstream"].as_str().unwrap().contains(PASS), "the password is redacted");
    // Every request after the first challenge carried the credentials.
    assert!(server.requests().iter().any(|r| r.user.as_deref() == Some(USER)));

    // The mirror is bare and shallow: no work tree, one commit deep.
    let mirror = Mirror::new(cache.path(), &Upstream::new(&url, "dev"));
    assert!(mirror.path.join("shallow").is_file(), "the mirror is shallow");
    assert!(!mirror.path.join("certified-connectors").exists());

    // A duplicate by API, from a folder on disk with another title and host spelling.
    let mine = tempfile::tempdir().unwrap();
    std::fs::write(
        mine.path().join("apiDefinition.swagger.json"),
        swagger("DeepL Translator", "API.DeepL.com:443", &["/translate", "/usage", "/languages"]),
    )
    .unwrap();
    let out = bin(cache.path())
        .args(["search", "--json", "--upstream", &url])
        .arg(mine.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(5),
        "duplicate exit status; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["candidates"][0]["folder"], "certified-connectors/DeepL");
    assert_eq!(doc["candidates"][0]["verdict"], "duplicate");
    assert!(doc["candidates"][0]["score"].as_f64().unwrap() > 0.5);

    // A title query finds a neighbour, not a duplicate; a host query too; nothing is exit 0.
    bin(cache.path())
        .args(["search", "--upstream", &url, "open brewery db (independent publisher)"])
        .assert()
        .code(4)
        .stdout(predicates::str::contains("independent-publisher-connectors/Open Brewery DB"));
    bin(cache.path())
        .args(["search", "--upstream", &url, "https://api.openbrewerydb.org/v1/breweries"])
        .assert()
        .code(4);
    bin(cache.path())
        .args(["search", "--upstream", &url, "Completely Different"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("No connector upstream"));
}

#[test]
fn incremental_sync_fetches_and_indexes_only_the_new_connector() {
    let ups = Upstreams::new();
    let server = GitHttpServer::start(&ups.served, Some((USER, PASS)));
    let cache = tempfile::tempdir().unwrap();
    let url = server.url_with_credentials("upstream.git", USER, PASS);
    sync_json(cache.path(), &url);

    // Unchanged upstream: nothing fetched, and under 10 KiB on the wire.
    let before = server.bytes_sent();
    let again = sync_json(cache.path(), &url);
    assert_eq!(again["fetched"], false);
    let unchanged_bytes = server.bytes_sent() - before;
    assert!(unchanged_bytes < 10 * 1024, "an unchanged sync transferred {unchanged_bytes} bytes");

    ups.push_new_connector();
    let after = sync_json(cache.path(), &url);
    assert_eq!(after["fetched"], true);
    assert_eq!(after["connectors"], 3);
    assert_eq!(after["fingerprinted"], 1, "only the new connector is read");
    assert_eq!(after["reused"], 2);
    // The new commit, 3 trees on its path, the new folder's tree and its 3 files; the old blobs stay.
    let objects = after["received_bytes"].as_u64().unwrap();
    assert!(objects < 4096, "received {objects} bytes for one small connector");
}

#[test]
fn file_urls_and_local_paths_work_and_offline_falls_back_to_the_mirror() {
    let ups = Upstreams::new();
    let cache = tempfile::tempdir().unwrap();
    let file_url = format!("file://{}", ups.served.join("upstream.git").display());
    assert_eq!(sync_json(cache.path(), &file_url)["connectors"], 2);
    assert_eq!(
        sync_json(cache.path(), ups.served.join("upstream.git").to_str().unwrap())["connectors"],
        2
    );

    // Over HTTP: sync once, then the server goes away.
    let server = GitHttpServer::start(&ups.served, None);
    let url = server.url("upstream.git");
    sync_json(cache.path(), &url);
    server.set_offline(true);
    bin(cache.path())
        .args(["search", "--max-age-hours", "0", "--upstream", &url, "DeepL"])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("working offline from the mirror"))
        .stdout(predicates::str::contains("certified-connectors/DeepL"));
    // Without a mirror, offline is an error that says what to do.
    let empty = tempfile::tempdir().unwrap();
    bin(empty.path())
        .args(["search", "--upstream", &url, "DeepL"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no local mirror yet"));
}

#[test]
fn concurrent_syncs_leave_a_usable_mirror() {
    let ups = Upstreams::new();
    let server = GitHttpServer::start(&ups.served, Some((USER, PASS)));
    let cache = tempfile::tempdir().unwrap();
    let url = server.url_with_credentials("upstream.git", USER, PASS);
    let children: Vec<_> = (0..3)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("connector-publish"))
                .args(["sync", "--json", "--upstream", &url])
                .env("CONNECTOR_PUBLISH_CACHE", cache.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut fetched = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["connectors"], 2);
        fetched += usize::from(doc["fetched"] == true);
    }
    assert_eq!(fetched, 1, "the lock makes the later syncs find the mirror up to date");
    bin(cache.path())
        .args(["search", "--offline", "--upstream", &url, "DeepL"])
        .assert()
        .code(4);
}

/// The real corpus as a git repository: every connector finds itself first as a duplicate, and
/// with its own folder left out at most 5% still get a duplicate verdict.
#[test]
fn corpus_self_search_and_leave_one_out() {
    let Some(corpus) = common::corpus() else { return };
    let repo = tempfile::tempdir().unwrap();
    let upstream_dir = corpus.join("upstream");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["--work-tree", upstream_dir.to_str().unwrap(), "add", "-A"]);
    git(repo.path(), &["commit", "-qm", "corpus"]);

    let cache = tempfile::tempdir().unwrap();
    let mirror = Mirror::new(cache.path(), &Upstream::new(repo.path().to_str().unwrap(), "dev"));
    let outcome = mirror.sync(&mut |_| {}).unwrap();
    let (index, stats) = index::load_or_build(&mirror.path, &outcome.commit).unwrap();
    assert!(index.connectors.len() > 900);
    assert_eq!(stats.fingerprinted, index.connectors.iter().filter(|c| c.swagger.is_some()).count());
    assert!(
        index.connectors.iter().all(|c| c.swagger.is_none() || c.fingerprint.is_some()),
        "every swagger is fingerprinted"
    );

    let mut self_misses = Vec::new();
    let mut loo = Vec::new();
    for c in &index.connectors {
        let Some(fp) = &c.fingerprint else { continue };
        let found = search::search(&index, &Query::Connector(fp.clone(), Some(c.folder.clone())), None, &|_| None);
        if !(found
            .first()
            .is_some_and(|f| f.folder == c.folder && f.verdict == Verdict::Duplicate))
        {
            self_misses.push(c.folder.clone());
        }
        let without = search::search(&index, &Query::Connector(fp.clone(), None), Some(&c.folder), &|_| None);
        if let Some(first) = without.first().filter(|f| f.verdict == Verdict::Duplicate) {
            loo.push(format!("{} ~ {}", c.folder, first.folder));
        }
    }
    assert!(
        self_misses.is_empty(),
        "connectors that do not find themselves first: {self_misses:?}"
    );
    let share = loo.len() as f64 / index.connectors.len() as f64;
    eprintln!(
        "leave-one-out duplicates: {} of {} ({:.1}%)",
        loo.len(),
        index.connectors.len(),
        share * 100.0
    );
    assert!(share <= 0.05, "leave-one-out duplicate share {:.1}%: {loo:#?}", share * 100.0);
    // The known real duplicates are among them.
    for pair in [
        "certified-connectors/DeepL ~ independent-publisher-connectors/DeepLIP",
        "certified-connectors/Mensagia ~ independent-publisher-connectors/Mensagia",
    ] {
        assert!(loo.iter().any(|l| l == pair), "{pair} not found as a duplicate");
    }
    // And the 15 neighbours on graph.microsoft.com are not duplicates of each other.
    let graph: Vec<_> = index
        .connectors
        .iter()
        .filter(|c| c.fingerprint.as_ref().and_then(|f| f.host.as_deref()) == Some("graph.microsoft.com"))
        .collect();
    assert!(graph.len() >= 10, "{} graph connectors", graph.len());
    for c in &graph {
        assert!(
            !loo.iter().any(|l| l.starts_with(&format!("{} ~", c.folder))),
            "{} judged a duplicate",
            c.folder
        );
    }
}
