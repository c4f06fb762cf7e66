//! The catalog against real git peers: a bare upstream served over smart HTTP by the real
//! `git http-backend` (with Basic auth) and over `file://`, driven through the built binary.

use crate::common;
use crate::support;
use common::git;

use assert_cmd::Command;
use connector_publish::catalog::search::{self, Query, Verdict};
use connector_publish::catalog::{index, Mirror, Upstream};
use std::path::{Path, PathBuf};
use support::git_http::GitHttpServer;

const USER: &str = "octo";
const PASS: &str = "t0ken";

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
        .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
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
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn corpus_self_search_and_leave_one_out() {
    let corpus = common::corpus();
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

    // Each connector searched for twice, with itself and without: on every core.
    use rayon::prelude::*;
    let results: Vec<(Option<String>, Option<String>)> = index
        .connectors
        .par_iter()
        .filter_map(|c| {
            let fp = c.fingerprint.as_ref()?;
            let found = search::search(&index, &Query::Connector(fp.clone(), Some(c.folder.clone())), None, &|_| None);
            let missed = !found
                .first()
                .is_some_and(|f| f.folder == c.folder && f.verdict == Verdict::Duplicate);
            let without = search::search(&index, &Query::Connector(fp.clone(), None), Some(&c.folder), &|_| None);
            let duplicate = without.first().filter(|f| f.verdict == Verdict::Duplicate);
            Some((
                missed.then(|| c.folder.clone()),
                duplicate.map(|first| format!("{} ~ {}", c.folder, first.folder)),
            ))
        })
        .collect();
    let self_misses: Vec<String> = results.iter().filter_map(|(m, _)| m.clone()).collect();
    let loo: Vec<String> = results.iter().filter_map(|(_, d)| d.clone()).collect();
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
    assert!(share <= 0.03, "leave-one-out duplicate share {:.1}%: {loo:#?}", share * 100.0);
    // The known real duplicates are among them, the tiny one too (one endpoint, split differently).
    for pair in [
        "certified-connectors/DeepL ~ independent-publisher-connectors/DeepLIP",
        "certified-connectors/Mensagia ~ independent-publisher-connectors/Mensagia",
        "independent-publisher-connectors/OpenWeather ~ independent-publisher-connectors/WeatherForecast",
    ] {
        assert!(loo.iter().any(|l| l == pair), "{pair} not found as a duplicate");
    }
    // A publisher's own family is not: Blackbaud's Raiser's Edge NXT connectors.
    assert!(!loo.iter().any(|l| l.contains("Blackbaud")), "{loo:#?}");
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

/// How long the network waits in these tests (`CONNECTOR_PUBLISH_TIMEOUT`, seconds).
const TIMEOUT_SECS: &str = "1";

/// A warm mirror for `url` filled from the local bare repository (the mirror's folder is named
/// after `url`, which may never answer).
/// `sync` with the timeout of these tests, against `url`: its output and how long it took.
fn sync_timed(cache: &Path, url: &str) -> (std::process::Output, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = bin(cache)
        .env("CONNECTOR_PUBLISH_TIMEOUT", TIMEOUT_SECS)
        .args(["sync", "--upstream", url])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (out, started.elapsed())
}

/// `search <query>` with the timeout of these tests, against `url` and a mirror that is due a
/// sync: the exit code, stderr, and how long it took.
fn search_due(cache: &Path, url: &str, query: &str) -> (Option<i32>, String, std::time::Duration) {
    let started = std::time::Instant::now();
    let out = bin(cache)
        .env("CONNECTOR_PUBLISH_TIMEOUT", TIMEOUT_SECS)
        .args(["search", "--max-age-hours", "0", "--upstream", url, query])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

fn warm_mirror(cache: &Path, url: &str, ups: &Upstreams) -> Mirror {
    let mirror = Mirror::new(cache, &Upstream::new(url, "dev"));
    let filler = Mirror {
        path: mirror.path.clone(),
        upstream: Upstream::new(ups.served.join("upstream.git").to_str().unwrap(), "dev"),
    };
    filler.sync(&mut |_| {}).unwrap();
    mirror
}

#[test]
fn a_silent_upstream_falls_back_to_the_mirror_within_the_timeout() {
    use support::hostile::{HostileServer, Misbehaviour};
    let ups = Upstreams::new();
    let silent = HostileServer::start(Misbehaviour::Silent);
    let url = format!("{}/upstream.git", silent.url());
    let cache = tempfile::tempdir().unwrap();
    warm_mirror(cache.path(), &url, &ups);

    for (query, code) in [("DeepL", 4), ("Completely Different", 0)] {
        let (exit, stderr, took) = search_due(cache.path(), &url, query);
        assert_eq!(exit, Some(code), "{stderr}");
        assert!(stderr.contains("working offline from the mirror"), "{stderr}");
        assert!(
            stderr.contains("CONNECTOR_PUBLISH_TIMEOUT"),
            "the notice says how to wait longer: {stderr}"
        );
        assert!(took < std::time::Duration::from_secs(20), "took {took:?}");
    }
    assert!(silent.accepted() >= 1, "the upstream was asked");

    // Without a mirror: a clear error, as quickly.
    let empty = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = bin(empty.path())
        .env("CONNECTOR_PUBLISH_TIMEOUT", TIMEOUT_SECS)
        .args(["search", "--upstream", &url, "DeepL"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("no local mirror yet") && stderr.contains("no answer within 1 s"),
        "{stderr}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    // `sync` itself fails rather than call the old mirror synced.
    let (out, _) = sync_timed(cache.path(), &url);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not sync"));
}

#[test]
fn a_held_cache_lock_is_waited_for_then_given_up_on() {
    let ups = Upstreams::new();
    let cache = tempfile::tempdir().unwrap();
    let upstream = ups.served.join("upstream.git");
    let url = upstream.to_str().unwrap();
    assert_eq!(sync_json(cache.path(), url)["connectors"], 2);

    // This test process is the other connector-publish: it holds the lock and says who it is.
    let mirror = Mirror::new(cache.path(), &Upstream::new(url, "dev"));
    let hold = || {
        let file = std::fs::File::options().write(true).open(mirror.lock_path()).unwrap();
        file.lock().unwrap();
        std::fs::write(mirror.lock_path(), format!("{}\n", std::process::id())).unwrap();
        file
    };
    let held = hold();
    let started = std::time::Instant::now();
    let out = bin(cache.path())
        .env("CONNECTOR_PUBLISH_TIMEOUT", TIMEOUT_SECS)
        .args(["sync", "--upstream", url])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let pid = std::process::id();
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("waiting for another connector-publish (pid {pid})")),
        "{stderr}"
    );
    assert!(stderr.contains("for more than 2 s"), "the lock wait is twice the timeout: {stderr}");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(2) && waited < std::time::Duration::from_secs(20),
        "{waited:?}"
    );

    // A search that would sync works from the mirror meanwhile, saying why.
    bin(cache.path())
        .env("CONNECTOR_PUBLISH_TIMEOUT", TIMEOUT_SECS)
        .args(["search", "--max-age-hours", "0", "--upstream", url, "DeepL"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(4)
        .stderr(predicates::str::contains("working offline from the mirror"));

    // Released while another waits: that one goes ahead.
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("connector-publish"))
        .args(["sync", "--json", "--upstream", url])
        .env("CONNECTOR_PUBLISH_CACHE", cache.path())
        .env("CONNECTOR_PUBLISH_TIMEOUT", "30")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop(held);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("(pid {pid})")));
    // The lock file now names the process that held it last.
    let recorded: u32 = std::fs::read_to_string(mirror.lock_path()).unwrap().trim().parse().unwrap();
    assert_ne!(recorded, pid);
}

/// The one index file of the mirror.
fn index_file(mirror: &Mirror) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(mirror.path.join("connector-publish-index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn a_damaged_index_is_rebuilt_with_a_notice_and_the_verdicts_stay() {
    let ups = Upstreams::new();
    let cache = tempfile::tempdir().unwrap();
    let url = ups.served.join("upstream.git").to_str().unwrap().to_string();
    sync_json(cache.path(), &url);
    let mirror = Mirror::new(cache.path(), &Upstream::new(&url, "dev"));
    let mine = tempfile::tempdir().unwrap();
    std::fs::write(
        mine.path().join("apiDefinition.swagger.json"),
        swagger("DeepL Translator", "api.deepl.com", &["/translate", "/usage", "/languages"]),
    )
    .unwrap();
    let search = || {
        bin(cache.path())
            .args(["search", "--offline", "--json", "--upstream", &url])
            .arg(mine.path())
            .output()
            .unwrap()
    };
    let before = search();
    assert_eq!(before.status.code(), Some(5));
    // Offline, the only notices are that open pull requests and published connectors were not asked.
    let stderr = String::from_utf8_lossy(&before.stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("did not look at open pull requests"), "{stderr}");
    assert!(stderr.contains("did not compare with published connectors"), "{stderr}");

    // One changed byte anywhere: in the middle (a fingerprint), and at the end.
    let path = index_file(&mirror);
    let good = std::fs::read(&path).unwrap();
    for at in [good.len() / 2, good.len() - 1, 3] {
        let mut bad = good.clone();
        bad[at] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        let after = search();
        let stderr = String::from_utf8_lossy(&after.stderr);
        assert!(
            stderr.contains("index of upstream connectors in the cache was damaged"),
            "byte {at}: {stderr}"
        );
        assert_eq!(after.status.code(), Some(5), "{stderr}");
        assert_eq!(after.stdout, before.stdout, "the verdicts changed with byte {at}");
        // Rebuilt: the next run has nothing to say.
        assert_eq!(std::fs::read(index_file(&mirror)).unwrap(), good);
        assert!(!String::from_utf8_lossy(&search().stderr).contains("damaged"));
    }

    // Cut short, and not an index at all: the same.
    for bad in [good[..good.len() / 3].to_vec(), b"garbage".to_vec()] {
        std::fs::write(&path, &bad).unwrap();
        let after = search();
        assert!(String::from_utf8_lossy(&after.stderr).contains("was damaged"));
        assert_eq!(after.stdout, before.stdout);
    }
}

/// `submit --dry-run --offline` of a clean connector updating one upstream, with no GitHub token or `gh`.
fn dry_run_offline(cache: &Path, url: &str, connector: &Path) -> std::process::Output {
    bin(cache)
        .args(["submit", "--dry-run", "--offline", "--without-package", "--upstream", url])
        .args(["--update", "independent-publisher-connectors/Open Brewery DB"])
        .arg(connector)
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap()
}

#[test]
fn a_truncated_pack_is_repaired_by_sync() {
    let ups = Upstreams::new();
    let server = GitHttpServer::start(&ups.served, None);
    let url = server.url("upstream.git");
    let cache = tempfile::tempdir().unwrap();
    sync_json(cache.path(), &url);
    let mirror = Mirror::new(cache.path(), &Upstream::new(&url, "dev"));
    let connector = tempfile::tempdir().unwrap();
    common::write_clean_connector(connector.path());
    let out = dry_run_offline(cache.path(), &url, connector.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let packs: Vec<PathBuf> = std::fs::read_dir(mirror.path.join("objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    assert!(!packs.is_empty());
    for pack in &packs {
        let len = std::fs::metadata(pack).unwrap().len();
        std::fs::File::options().write(true).open(pack).unwrap().set_len(len / 2).unwrap();
    }
    // The damage is real: submit cannot read the upstream tree.
    let out = dry_run_offline(cache.path(), &url, connector.path());
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));

    // sync notices, refetches, and says so (it used to say "already up to date").
    let out = bin(cache.path()).args(["sync", "--upstream", &url]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("repaired the damaged mirror"), "{stdout}");
    assert!(!stdout.contains("already up to date"), "{stdout}");
    assert!(
        stderr.contains("the mirror in the cache was damaged") && stderr.contains("checksum"),
        "{stderr}"
    );

    let out = dry_run_offline(cache.path(), &url, connector.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    bin(cache.path())
        .args(["search", "--offline", "--upstream", &url, "DeepL"])
        .assert()
        .code(4);
    // Whole again: the next sync is quiet.
    let again = sync_json(cache.path(), &url);
    assert_eq!(again["fetched"], false);
    assert!(again["repaired"].is_null());

    // A missing pack (and its index) is the same story.
    for entry in std::fs::read_dir(mirror.path.join("objects/pack")).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let repaired = sync_json(cache.path(), &url);
    assert_eq!(repaired["fetched"], true);
    assert!(repaired["repaired"].as_str().unwrap().contains("cannot be read"), "{repaired}");
    let out = dry_run_offline(cache.path(), &url, connector.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn leftovers_of_interrupted_runs_are_removed_under_the_lock() {
    let ups = Upstreams::new();
    let cache = tempfile::tempdir().unwrap();
    let url = ups.served.join("upstream.git").to_str().unwrap().to_string();
    sync_json(cache.path(), &url);
    let mirror = Mirror::new(cache.path(), &Upstream::new(&url, "dev"));
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let leave = |rel: &str, size: usize, old: bool| {
        let path = mirror.path.join(rel);
        std::fs::write(&path, vec![7u8; size]).unwrap();
        if old {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        path
    };
    let old = [
        leave("objects/pack/pack_git2_0123456789abcdef", 3 << 20, true),
        leave("objects/pack/tmp_pack_Xy12Ab", 1 << 20, true),
        leave("refs/heads/dev.lock", 41, true),
        leave("connector-publish-synced.tmp", 10, true),
        leave("connector-publish-index/0123.tmp4242", 100, true),
    ];
    // Young ones may belong to a run in progress that does not take the lock.
    let young = leave("objects/pack/tmp_pack_inprogress", 100, false);

    // Held by another process: nothing is touched.
    let other = std::fs::File::options().write(true).open(mirror.lock_path()).unwrap();
    other.lock().unwrap();
    bin(cache.path())
        .args(["search", "--offline", "--upstream", &url, "DeepL"])
        .assert()
        .code(4);
    assert!(old.iter().all(|p| p.exists()));
    drop(other);

    let synced = sync_json(cache.path(), &url);
    assert_eq!(synced["removed_leftovers"], 5, "{synced}");
    for p in &old {
        assert!(!p.exists(), "{} is still there", p.display());
    }
    assert!(young.exists());
    // The mirror still works, and a locked ref would have broken the next fetch.
    ups.push_new_connector();
    assert_eq!(sync_json(cache.path(), &url)["connectors"], 3);

    // A search that does not sync tidies too, when nobody holds the lock.
    let again = leave("objects/pack/tmp_pack_again", 10, true);
    bin(cache.path())
        .args(["search", "--offline", "--upstream", &url, "DeepL"])
        .assert()
        .code(4);
    assert!(!again.exists());
}

/// A git upstream that sends its headers a byte at a time, or a body that never ends: the fetch
/// goes through the shared client (`git_http`), so the same timeout bounds it, and a warm mirror
/// is used instead.
#[test]
fn a_trickling_or_endless_git_upstream_falls_back_to_the_mirror_within_the_timeout() {
    use support::hostile::{HostileServer, Misbehaviour};
    let ups = Upstreams::new();
    for misbehaviour in [Misbehaviour::SlowHeaders, Misbehaviour::EndlessBody] {
        let server = HostileServer::start(misbehaviour);
        let url = format!("{}/upstream.git", server.url());
        let cache = tempfile::tempdir().unwrap();
        warm_mirror(cache.path(), &url, &ups);
        let (exit, stderr, took) = search_due(cache.path(), &url, "DeepL");
        assert_eq!(exit, Some(4), "{misbehaviour:?}: {stderr}");
        assert!(stderr.contains("working offline from the mirror"), "{misbehaviour:?}: {stderr}");
        assert!(took < std::time::Duration::from_secs(20), "{misbehaviour:?} took {took:?}");
        assert!(server.accepted() >= 1, "the upstream was asked");
    }
}

/// A fetch whose answer takes several times the timeout at a steady pace completes: a slow link
/// is not a dead one. One that trickles (each read within the timeout) ends soon after twice the
/// timeout, saying so, and `search` falls back to the warm mirror. The timeout is 1 s here, so
/// the minimum rate is 240 KiB/s.
#[test]
fn a_slow_fetch_completes_and_a_trickling_one_ends_at_the_minimum_rate() {
    let ups = Upstreams::new();
    // 1.5 MB that does not compress: the pack is about as large.
    let mut noise = Vec::with_capacity(1_500_000);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    while noise.len() < 1_500_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(ups.work.join("certified-connectors/DeepL/screenshot.bin"), &noise).unwrap();
    git(&ups.work, &["add", "-A"]);
    git(&ups.work, &["commit", "-qm", "a screenshot"]);
    git(&ups.work, &["push", "-q", ups.served.join("upstream.git").to_str().unwrap(), "dev"]);
    let server = GitHttpServer::start(&ups.served, None);
    let url = server.url("upstream.git");
    let cache = tempfile::tempdir().unwrap();
    let sync = || sync_timed(cache.path(), &url);

    // Steady: 32 KiB every 100 ms, about 320 KiB/s: the pack takes over four times the timeout.
    server.set_upload_pack_pace(Some((32 << 10, std::time::Duration::from_millis(100))));
    let (out, took) = sync();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(took > std::time::Duration::from_secs(3), "the pack was paced: {took:?}");

    // Trickling: 16 bytes every 50 ms.
    ups.push_new_connector();
    server.set_upload_pack_pace(Some((16, std::time::Duration::from_millis(50))));
    let (out, took) = sync();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("came too slowly") && stderr.contains("CONNECTOR_PUBLISH_TIMEOUT"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    let (exit, stderr, _) = search_due(cache.path(), &url, "DeepL");
    assert_eq!(exit, Some(4), "{stderr}");
    assert!(stderr.contains("working offline from the mirror"), "{stderr}");
}

/// `git://` and ssh upstreams are refused up front (exit 2): libgit2's own transports for them
/// have no timeouts, so a stalled server would hang the command. Nothing is connected to.
#[test]
fn upstreams_without_timeouts_are_refused() {
    let cache = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    for url in [
        format!("git://127.0.0.1:{port}/upstream.git"),
        "git@github.com:microsoft/PowerPlatformConnectors.git".into(),
    ] {
        for args in [vec!["sync", "--upstream", &url], vec!["search", "--upstream", &url, "DeepL"]] {
            let out = bin(cache.path())
                .args(&args)
                .timeout(std::time::Duration::from_secs(30))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("only https://, http://, file:// or a local path"), "{stderr}");
        }
    }
    assert!(listener.accept().is_err(), "nothing connected");
}
