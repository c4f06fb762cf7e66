//! Replay of 290 real merged pull requests: `submit --dry-run --patch` of each PR's `after/`
//! folder onto an upstream holding its `before/` folder must give exactly the tree the real
//! `change.patch` gives.

use crate::common;

use rayon::prelude::*;
use std::path::Path;
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str], envs: &[(&str, &str)], stdin: Option<&[u8]>) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .args([
            "-c",
            "user.name=Replay",
            "-c",
            "user.email=replay@example.com",
            "-c",
            "core.autocrlf=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The tree you get by applying `patch` (empty: no change) to `base_tree` in `repo`.
fn apply(repo: &Path, base_tree: &str, patch: &[u8], scratch: &Path) -> Result<String, String> {
    let index = scratch.join(format!("index-{}", rand_suffix()));
    let index_str = index.to_str().unwrap();
    let env = [("GIT_INDEX_FILE", index_str)];
    git(repo, &["read-tree", base_tree], &env, None);
    if !patch.is_empty() {
        let mut cmd = Command::new("git");
        cmd.current_dir(repo)
            .args(["apply", "--cached", "--binary", "-"])
            .env("GIT_INDEX_FILE", index_str)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(patch).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            return Err(format!("git apply failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    Ok(git(repo, &["write-tree"], &env, None))
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

/// Run one case; `Err` holds the cause of a mismatch.
fn replay(case: &Path) -> Result<(), String> {
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(case.join("meta.json")).unwrap()).unwrap();
    let folder = meta["folder"].as_str().unwrap();
    let category = meta["category"].as_str().unwrap();
    let name = folder.split_once('/').unwrap().1;
    let update = meta["kind"] == "update";

    // An upstream whose `dev` holds the folder as it was (nothing, for a new connector), built
    // from the corpus files with git plumbing (nothing is copied).
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("upstream");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "dev"], &[], None);
    let index = scratch.path().join("base-index");
    let env = [("GIT_INDEX_FILE", index.to_str().unwrap())];
    // A neighbour, so the category folder and the root are not only this connector.
    let readme = git(&repo, &["hash-object", "-w", "--stdin"], &[], Some(b"# Upstream\n"));
    git(
        &repo,
        &["update-index", "--add", "--cacheinfo", &format!("100644,{readme},README.md")],
        &env,
        None,
    );
    if update {
        for entry in std::fs::read_dir(case.join("before")).unwrap() {
            let entry = entry.unwrap();
            let oid = git(&repo, &["hash-object", "-w", entry.path().to_str().unwrap()], &[], None);
            let path = format!("{folder}/{}", entry.file_name().to_str().unwrap());
            git(
                &repo,
                &["update-index", "--add", "--cacheinfo", &format!("100644,{oid},{path}")],
                &env,
                None,
            );
        }
    }
    let base_tree = git(&repo, &["write-tree"], &env, None);
    let base_commit = git(&repo, &["commit-tree", &base_tree, "-m", "base"], &[], None);
    git(&repo, &["update-ref", "refs/heads/dev", &base_commit], &[], None);

    let expected = apply(
        &repo,
        &base_tree,
        &std::fs::read(case.join("change.patch")).unwrap(),
        scratch.path(),
    )
    .map_err(|e| format!("the real change.patch: {e}"))?;

    let patch_path = scratch.path().join("ours.patch");
    let cache = scratch.path().join("cache");
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("connector-publish"));
    cmd.args(["submit", "--dry-run", "--json", "--category", category])
        .arg("--patch")
        .arg(&patch_path)
        .arg("--upstream")
        .arg(&repo)
        .env("CONNECTOR_PUBLISH_CACHE", &cache)
        .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env("PATH", "/usr/bin:/bin");
    // These pull requests predate the certification package in independent publishers' pull
    // requests (2025): they opened without one, as `--without-package` does.
    if category == "independent-publisher-connectors" {
        cmd.arg("--without-package");
    }
    if update {
        cmd.args(["--update", folder, "--prune"]);
    } else {
        cmd.args(["--name", name]);
    }
    cmd.arg(case.join("after"));
    let out = cmd.output().unwrap();
    if !matches!(out.status.code(), Some(0 | 1 | 5)) {
        return Err(format!(
            "submit --dry-run exited {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let ours = std::fs::read(&patch_path).map_err(|e| format!("no patch written: {e}"))?;
    let actual = apply(&repo, &base_tree, &ours, scratch.path())?;
    if actual != expected {
        let diff = git(&repo, &["diff", "--stat", &expected, &actual], &[], None);
        return Err(format!("trees differ:\n{diff}"));
    }
    // The dry run wrote nothing to the mirror's object database beyond the fetched upstream.
    Ok(())
}

#[test]
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn replay_real_merged_pull_requests() {
    let corpus = common::corpus();
    let mut cases: Vec<_> = std::fs::read_dir(corpus.join("replays"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("meta.json").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 290, "{} replay cases", cases.len());
    let results: Vec<(String, Result<(), String>)> = cases
        .par_iter()
        .map(|c| (c.file_name().unwrap().to_string_lossy().into_owned(), replay(c)))
        .collect();
    let failures: Vec<_> = results
        .iter()
        .filter_map(|(name, r)| r.as_ref().err().map(|e| format!("{name}: {e}")))
        .collect();
    eprintln!(
        "replay: {}/{} real pull requests reproduced exactly",
        results.len() - failures.len(),
        results.len()
    );
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
