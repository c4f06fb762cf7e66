//! Proves `support::git_http::GitHttpServer` speaks real smart HTTP by driving
//! it with the `git` CLI.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::git_http::GitHttpServer;
use tempfile::TempDir;

const USER: &str = "alice";
const PASS: &str = "s3cret";

/// Runs git in `dir`, isolated from the machine's and user's config, with
/// prompts and credential helpers disabled.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(["-c", "credential.helper=", "-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("run git")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Adds `n` empty commits on top of HEAD with one `git fast-import`.
fn add_local_commits(repo: &Path, n: usize) {
    use std::io::Write;
    let mut script = String::new();
    for i in 0..n {
        script.push_str(&format!(
            "commit refs/heads/local\ncommitter T <t@example.com> {} +0000\ndata 8\nlocal{i:03}\n",
            4_000_000_000u64 + i as u64
        ));
        if i == 0 {
            script.push_str("from HEAD^0\n");
        }
        script.push('\n');
    }
    let mut child = Command::new("git")
        .current_dir(repo)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
}

fn commit_file(repo: &Path, name: &str, contents: &[u8], message: &str) {
    std::fs::write(repo.join(name), contents).unwrap();
    git_ok(repo, &["add", name]);
    git_ok(repo, &["commit", "-q", "-m", message]);
}

/// A temp dir with `srv/upstream.git` (bare, 3 commits on `main`) and a
/// server over `srv`.
struct Fixture {
    tmp: TempDir,
    server: GitHttpServer,
}

impl Fixture {
    fn new(credentials: Option<(&str, &str)>) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let seed = tmp.path().join("seed");
        std::fs::create_dir(&seed).unwrap();
        git_ok(&seed, &["init", "-q"]);
        for i in 1..=3 {
            commit_file(&seed, "file.txt", format!("v{i}\n").as_bytes(), &format!("c{i}"));
        }
        let srv = tmp.path().join("srv");
        std::fs::create_dir(&srv).unwrap();
        git_ok(tmp.path(), &["clone", "-q", "--bare", "seed", "srv/upstream.git"]);
        let server = GitHttpServer::start(&srv, credentials);
        Fixture { tmp, server }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn authed_url(&self) -> String {
        self.server.url_with_credentials("upstream.git", USER, PASS)
    }

    fn bare(&self) -> PathBuf {
        self.path("srv/upstream.git")
    }
}

#[test]
fn clone_needs_the_right_credentials() {
    let fx = Fixture::new(Some((USER, PASS)));
    let root = fx.tmp.path();

    git_ok(root, &["clone", "-q", &fx.authed_url(), "ok"]);
    assert_eq!(git_ok(&fx.path("ok"), &["rev-list", "--count", "HEAD"]), "3");
    assert_eq!(std::fs::read_to_string(fx.path("ok/file.txt")).unwrap(), "v3\n");

    let anon = git(root, &["clone", "-q", &fx.server.url("upstream.git"), "anon"]);
    assert!(!anon.status.success(), "anonymous clone must fail");

    let wrong = fx.server.url_with_credentials("upstream.git", USER, "wrong");
    let bad = git(root, &["clone", "-q", &wrong, "bad"]);
    assert!(!bad.status.success(), "clone with a wrong password must fail");

    let requests = fx.server.requests();
    assert!(requests.iter().any(|r| r.status == 401));
    assert!(requests.iter().any(|r| r.status == 200 && r.user.as_deref() == Some(USER)));
    assert!(requests.iter().filter(|r| r.status == 200).all(|r| r.user.as_deref() == Some(USER)));
}

#[test]
fn protocol_v2_and_v0_both_work() {
    let fx = Fixture::new(Some((USER, PASS)));
    let root = fx.tmp.path();
    git_ok(root, &["-c", "protocol.version=2", "clone", "-q", &fx.authed_url(), "v2"]);
    let v2 = fx.server.requests();
    assert!(v2
        .iter()
        .any(|r| r.status == 200 && r.header("Git-Protocol") == Some("version=2") && r.path.contains("/git-upload-pack")));

    git_ok(root, &["-c", "protocol.version=0", "clone", "-q", &fx.authed_url(), "v0"]);
    assert_eq!(git_ok(&fx.path("v0"), &["rev-list", "--count", "HEAD"]), "3");
}

#[test]
fn shallow_clone_fetches_one_commit() {
    let fx = Fixture::new(Some((USER, PASS)));
    git_ok(fx.tmp.path(), &["clone", "-q", "--depth", "1", &fx.authed_url(), "shallow"]);
    let clone = fx.path("shallow");
    assert_eq!(git_ok(&clone, &["rev-list", "--count", "HEAD"]), "1");
    assert_eq!(git_ok(&clone, &["rev-parse", "--is-shallow-repository"]), "true");
}

#[test]
fn push_of_a_new_branch_lands_in_the_bare_repo() {
    let fx = Fixture::new(Some((USER, PASS)));
    git_ok(fx.tmp.path(), &["clone", "-q", &fx.authed_url(), "work"]);
    let work = fx.path("work");
    git_ok(&work, &["checkout", "-q", "-b", "feature"]);
    commit_file(&work, "new.txt", b"hello\n", "add new.txt");
    let before = fx.server.bytes_received();

    git_ok(&work, &["push", "-q", "origin", "feature"]);

    let pushed = git_ok(&fx.bare(), &["rev-parse", "refs/heads/feature"]);
    assert_eq!(pushed, git_ok(&work, &["rev-parse", "HEAD"]));
    assert!(fx.server.bytes_received() > before);
    assert!(fx
        .server
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path.ends_with("/git-receive-pack") && r.status == 200));
}

#[test]
fn large_push_with_chunked_body_works() {
    let fx = Fixture::new(Some((USER, PASS)));
    git_ok(fx.tmp.path(), &["clone", "-q", &fx.authed_url(), "work"]);
    let work = fx.path("work");
    // 2 MiB of incompressible bytes: over git's 1 MiB http.postBuffer, so the
    // pack goes up with `Transfer-Encoding: chunked`.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let blob: Vec<u8> = (0..2 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    commit_file(&work, "big.bin", &blob, "big blob");
    let before = fx.server.bytes_received();

    git_ok(&work, &["push", "-q", "origin", "HEAD:refs/heads/big"]);

    assert_eq!(
        git_ok(&fx.bare(), &["rev-parse", "refs/heads/big"]),
        git_ok(&work, &["rev-parse", "HEAD"])
    );
    assert!(fx.server.bytes_received() - before >= 2 * 1024 * 1024);
    assert!(fx
        .server
        .requests()
        .iter()
        .any(|r| r.status == 200 && r.header("Transfer-Encoding").is_some_and(|v| v.contains("chunked"))));
}

#[test]
fn gzip_request_bodies_are_understood() {
    let fx = Fixture::new(Some((USER, PASS)));
    git_ok(fx.tmp.path(), &["clone", "-q", &fx.authed_url(), "work"]);
    let work = fx.path("work");
    // Many local commits the server lacks make the negotiation requests
    // bigger than 1 KiB, which git sends gzip-compressed.
    add_local_commits(&work, 100);
    let seed = fx.path("seed");
    commit_file(&seed, "file.txt", b"v4\n", "c4");
    git_ok(&seed, &["push", "-q", fx.bare().to_str().unwrap(), "main"]);
    git_ok(&work, &["-c", "protocol.version=2", "fetch", "-q", "origin"]);
    assert_eq!(git_ok(&work, &["rev-parse", "origin/main"]), git_ok(&seed, &["rev-parse", "HEAD"]));

    commit_file(&seed, "file.txt", b"v5\n", "c5");
    git_ok(&seed, &["push", "-q", fx.bare().to_str().unwrap(), "main"]);
    git_ok(&work, &["-c", "protocol.version=0", "fetch", "-q", "origin"]);
    assert_eq!(git_ok(&work, &["rev-parse", "origin/main"]), git_ok(&seed, &["rev-parse", "HEAD"]));
    // Both protocol versions sent (and http-backend inflated) gzip bodies.
    let gzipped: Vec<_> = fx
        .server
        .requests()
        .into_iter()
        .filter(|r| r.status == 200 && r.header("Content-Encoding") == Some("gzip"))
        .collect();
    assert!(gzipped.iter().any(|r| r.header("Git-Protocol").is_some()));
    assert!(gzipped.iter().any(|r| r.header("Git-Protocol").is_none()));
}

#[test]
fn offline_fails_fetch_and_bytes_sent_grows() {
    let fx = Fixture::new(Some((USER, PASS)));
    git_ok(fx.tmp.path(), &["clone", "-q", &fx.authed_url(), "work"]);
    let work = fx.path("work");

    let seed = fx.path("seed");
    commit_file(&seed, "file.txt", b"v4\n", "c4");
    git_ok(&seed, &["push", "-q", fx.bare().to_str().unwrap(), "main"]);

    fx.server.set_offline(true);
    let requests_before = fx.server.requests().len();
    let sent_before = fx.server.bytes_sent();
    let failed = git(&work, &["fetch", "-q", "origin"]);
    assert!(!failed.status.success(), "fetch must fail while offline");
    assert_eq!(fx.server.requests().len(), requests_before);
    assert_eq!(fx.server.bytes_sent(), sent_before);

    fx.server.set_offline(false);
    git_ok(&work, &["fetch", "-q", "origin"]);
    assert!(fx.server.bytes_sent() > sent_before);
    assert_eq!(git_ok(&work, &["rev-parse", "origin/main"]), git_ok(&seed, &["rev-parse", "HEAD"]));
}

#[test]
fn anonymous_server_allows_clone_and_push() {
    let fx = Fixture::new(None);
    let url = fx.server.url("upstream.git");
    git_ok(fx.tmp.path(), &["clone", "-q", &url, "work"]);
    let work = fx.path("work");
    commit_file(&work, "x.txt", b"x\n", "x");
    git_ok(&work, &["push", "-q", "origin", "HEAD:refs/heads/anon"]);
    assert_eq!(
        git_ok(&fx.bare(), &["rev-parse", "refs/heads/anon"]),
        git_ok(&work, &["rev-parse", "HEAD"])
    );
    assert!(fx.server.requests().iter().all(|r| r.user.is_none()));
}

#[test]
fn unknown_repo_is_404() {
    let fx = Fixture::new(Some((USER, PASS)));
    let url = fx.server.url_with_credentials("missing.git", USER, PASS);
    let out = git(fx.tmp.path(), &["ls-remote", &url]);
    assert!(!out.status.success());
    assert!(fx.server.requests().iter().any(|r| r.status == 404));
}
