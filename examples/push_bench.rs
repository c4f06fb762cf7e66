//! Benchmark: bytes pushed to the fork for a new connector, against the goal of at most twice the
//! compressed size of the new blobs plus 10 KiB. The upstream is the whole corpus (about 1,000
//! connectors) served over real smart HTTP; GitHub is the loopback fake from `tests/support`.
//!
//! Usage: cargo build --release && cargo run --release --example push_bench [-- CORPUS_DIR]
//! (default: $CONNECTOR_PUBLISH_CORPUS). The connector pushed is each new connector of the
//! first few `replays/` cases, placed on the corpus upstream.

#[path = "../tests/support/git_http.rs"]
mod git_http;
#[path = "../tests/support/github.rs"]
mod github;
#[path = "../tests/support/http.rs"]
mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN: &str = "ghp_benchtoken000000000000000000000000000";

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "init.defaultBranch=dev",
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// zlib-compressed size of the files as git stores them (loose objects).
fn compressed_size(files: &[PathBuf]) -> u64 {
    let scratch = tempfile::tempdir().unwrap();
    git(scratch.path(), &["init", "-q"]);
    files
        .iter()
        .map(|f| {
            let oid = git(scratch.path(), &["hash-object", "-w", f.to_str().unwrap()]);
            std::fs::metadata(scratch.path().join(format!(".git/objects/{}/{}", &oid[..2], &oid[2..])))
                .unwrap()
                .len()
        })
        .sum()
}

fn main() {
    let corpus = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("CONNECTOR_PUBLISH_CORPUS").map(PathBuf::from))
        .expect("give the corpus folder or set CONNECTOR_PUBLISH_CORPUS");
    let corpus = std::fs::canonicalize(corpus).unwrap();
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("connector-publish");
    assert!(binary.is_file(), "build the binary first: cargo build --release");

    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["--work-tree", corpus.join("upstream").to_str().unwrap(), "add", "-A"]);
    git(&work, &["commit", "-qm", "corpus"]);
    let served = root.path().join("served");
    std::fs::create_dir_all(served.join("microsoft")).unwrap();
    git(
        &served.join("microsoft"),
        &["clone", "-q", "--bare", work.to_str().unwrap(), "PowerPlatformConnectors.git"],
    );
    let server = git_http::GitHttpServer::start(&served, Some(("x-access-token", TOKEN)));
    let served_fork = served.clone();
    let served_merge = served.clone();
    let fake = github::FakeGitHub::start(
        github::FakeGitHubConfig {
            git_base_url: server.base_url(),
            ..Default::default()
        }
        .user(TOKEN, "octo")
        .repo("microsoft/PowerPlatformConnectors")
        .on_fork(move |f| {
            std::fs::create_dir_all(served_fork.join(&f.owner)).unwrap();
            git(
                &served_fork.join(&f.owner),
                &[
                    "clone",
                    "-q",
                    "--bare",
                    served_fork.join("microsoft/PowerPlatformConnectors.git").to_str().unwrap(),
                    &format!("{}.git", f.repo),
                ],
            );
        })
        .on_merge_upstream(move |m| {
            let fork = served_merge.join(format!("{}/{}.git", m.owner, m.repo));
            git(
                &fork,
                &[
                    "fetch",
                    "-q",
                    served_merge.join("microsoft/PowerPlatformConnectors.git").to_str().unwrap(),
                    &format!("+{0}:{0}", m.branch),
                ],
            );
            github::MergeUpstreamResult::FastForward
        }),
    );
    let cache = tempfile::tempdir().unwrap();
    let upstream = server.url_with_credentials("microsoft/PowerPlatformConnectors.git", "x-access-token", TOKEN);

    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus.join("replays"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let new_cases: Vec<PathBuf> = cases
        .into_iter()
        .filter(|c| {
            let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(c.join("meta.json")).unwrap()).unwrap();
            meta["kind"] == "new"
        })
        .take(14)
        .collect();
    println!("| connector | files | new blobs, compressed | pushed | goal (2x + 10 KiB) | within |");
    println!("| --- | ---: | ---: | ---: | ---: | --- |");
    for (i, case) in new_cases.iter().enumerate() {
        let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(case.join("meta.json")).unwrap()).unwrap();
        let folder = meta["folder"].as_str().unwrap();
        let (category, name) = folder.split_once('/').unwrap();
        let files: Vec<PathBuf> = std::fs::read_dir(case.join("after")).unwrap().map(|e| e.unwrap().path()).collect();
        let compressed = compressed_size(&files);
        let before = server.bytes_received();
        let out = Command::new(&binary)
            .args([
                "submit",
                "--yes",
                "--allow-duplicate",
                "benchmark",
                "--category",
                category,
                "--name",
                &format!("{name} Bench{i}"),
            ])
            .arg(case.join("after"))
            .args([
                "--upstream",
                &upstream,
                "--github-api",
                &fake.url(),
                "--author",
                "Bench <bench@example.com>",
                "--branch",
                &format!("bench-{i}"),
            ])
            // These merged pull requests predate the certification package in independent
            // publishers' pull requests (2025).
            .args(if category == "independent-publisher-connectors" {
                &["--without-package"][..]
            } else {
                &[]
            })
            .env("CONNECTOR_PUBLISH_CACHE", cache.path())
            .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
            .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
            .env("GH_TOKEN", TOKEN)
            .output()
            .unwrap();
        // Validation errors stop a real run before any push; those cases say so.
        if !out.status.success() {
            println!(
                "| {folder} | {} | {compressed} B | not pushed: exit {:?} | | |",
                files.len(),
                out.status.code()
            );
            continue;
        }
        let pushed: u64 = server
            .requests()
            .iter()
            .filter(|r| r.path.contains("git-receive-pack") && r.method == "POST")
            .map(|r| r.request_bytes)
            .sum::<u64>();
        let _ = before;
        let this_push = pushed - PUSHED.with(|p| p.replace(pushed));
        let goal = 2 * compressed + 10 * 1024;
        println!(
            "| {folder} | {} | {compressed} B | {this_push} B | {goal} B | {} |",
            files.len(),
            if this_push <= goal { "yes" } else { "NO" }
        );
    }
}

thread_local! {
    static PUSHED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}
