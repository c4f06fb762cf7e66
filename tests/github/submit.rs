//! `submit` end to end: the built binary against a real `git http-backend` (Basic auth) serving
//! the upstream and the fork, and a stateful fake of the GitHub REST API, with faults injected.
//! Assertions look at the repositories' end state and at the recorded API calls.

use crate::common;
use crate::support;
pub(crate) use common::git;

use assert_cmd::Command;
use connector_publish::catalog::{Mirror, Upstream};
use std::path::{Path, PathBuf};
use support::git_http::GitHttpServer;
use support::github::{FakeGitHub, FakeGitHubConfig, MergeUpstreamResult};

pub(crate) const TOKEN: &str = "ghp_testtoken0000000000000000000000000000";
pub(crate) const NO_SCOPE_TOKEN: &str = "ghp_noscope00000000000000000000000000000";
const FINE_GRAINED_TOKEN: &str = "github_pat_finegrained000000000000000000";
pub(crate) const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
pub(crate) const FORK: &str = "octo/PowerPlatformConnectors";

pub(crate) struct World {
    pub(crate) _root: tempfile::TempDir,
    /// When set, merge-upstream answers 409 (the fork's dev diverged).
    pub(crate) conflict: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub(crate) served: PathBuf,
    pub(crate) cache: tempfile::TempDir,
    pub(crate) connector: tempfile::TempDir,
    pub(crate) git: GitHttpServer,
    pub(crate) github: FakeGitHub,
}

impl World {
    pub(crate) fn new(fork_polls: u32) -> World {
        World::with_git_auth(fork_polls, true)
    }

    /// `git_auth: false` serves git without Basic auth, for tokens the git server cannot know.
    fn with_git_auth(fork_polls: u32, git_auth: bool) -> World {
        let root = tempfile::tempdir().unwrap();
        let work = root.path().join("work");
        std::fs::create_dir(&work).unwrap();
        git(&work, &["init", "-q"]);
        std::fs::create_dir_all(work.join("certified-connectors/DeepL")).unwrap();
        std::fs::write(
            work.join("certified-connectors/DeepL/apiDefinition.swagger.json"),
            r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "basePath": "/v2", "paths": {"/translate": {"post": {}}, "/usage": {"get": {}}, "/languages": {"get": {}}}}"#,
        )
        .unwrap();
        std::fs::write(work.join("README.md"), "# Power Platform Connectors\n").unwrap();
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-qm", "upstream"]);
        let served = root.path().join("served");
        std::fs::create_dir_all(served.join("microsoft")).unwrap();
        git(
            &served.join("microsoft"),
            &["clone", "-q", "--bare", work.to_str().unwrap(), "PowerPlatformConnectors.git"],
        );

        let git_server = GitHttpServer::start(&served, git_auth.then_some(("x-access-token", TOKEN)));
        let served_for_fork = served.clone();
        let served_for_merge = served.clone();
        let conflict = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let conflict_in_hook = conflict.clone();
        let mut config = FakeGitHubConfig {
            git_base_url: git_server.base_url(),
            ..Default::default()
        };
        // A classic token without the public_repo scope, and a fine-grained token (no scopes header).
        config
            .users
            .push(support::github::FakeUser::new(NO_SCOPE_TOKEN, "noscope").scopes(Some("read:user")));
        config
            .users
            .push(support::github::FakeUser::new(FINE_GRAINED_TOKEN, "octo").scopes(None));
        let github = FakeGitHub::start(
            config
                .user(TOKEN, "octo")
                .repo(UPSTREAM)
                .fork_polls_before_visible(fork_polls)
                // A fork on the fake API is a real bare clone on the git server.
                .on_fork(move |f| {
                    let dir = served_for_fork.join(&f.owner);
                    std::fs::create_dir_all(&dir).unwrap();
                    git(
                        &dir,
                        &[
                            "clone",
                            "-q",
                            "--bare",
                            served_for_fork.join("microsoft/PowerPlatformConnectors.git").to_str().unwrap(),
                            &format!("{}.git", f.repo),
                        ],
                    );
                })
                .on_merge_upstream(move |m| {
                    if conflict_in_hook.load(std::sync::atomic::Ordering::SeqCst) {
                        return MergeUpstreamResult::Conflict;
                    }
                    let fork = served_for_merge.join(format!("{}/{}.git", m.owner, m.repo));
                    let upstream = served_for_merge.join(format!("{}/{}.git", m.parent_owner, m.parent_repo));
                    git(&fork, &["fetch", "-q", upstream.to_str().unwrap(), &format!("+{0}:{0}", m.branch)]);
                    MergeUpstreamResult::FastForward
                }),
        );
        let connector = tempfile::tempdir().unwrap();
        common::write_clean_connector(connector.path());
        World {
            _root: root,
            conflict,
            served,
            cache: tempfile::tempdir().unwrap(),
            connector,
            git: git_server,
            github,
        }
    }

    fn upstream_url(&self) -> String {
        self.git
            .url_with_credentials("microsoft/PowerPlatformConnectors.git", "x-access-token", TOKEN)
    }

    pub(crate) fn submit(&self) -> Command {
        self.submit_folder(self.connector.path())
    }

    pub(crate) fn submit_folder(&self, folder: &Path) -> Command {
        let mut cmd = self.submit_command();
        cmd.arg(folder);
        cmd
    }

    /// `submit` with the loopback peers and no folder argument.
    fn submit_command(&self) -> Command {
        self.submit_command_with_api(&self.github.url())
    }

    /// `submit` with the loopback git server, GitHub's API at `api`, and no folder argument. The
    /// clean connector is an independent publisher's without its certification package: the
    /// pull request opens for review first (`--without-package`); `ip_certification.rs` runs
    /// with packages ([`World::submit_with_package`]).
    fn submit_command_with_api(&self, api: &str) -> Command {
        let mut cmd = self.submit_base(api);
        cmd.arg("--without-package");
        cmd
    }

    /// `submit` on `folder`, which carries its certification package (no `--without-package`).
    pub(crate) fn submit_with_package(&self, folder: &Path) -> Command {
        let mut cmd = self.submit_base(&self.github.url());
        cmd.arg(folder);
        cmd
    }

    fn submit_base(&self, api: &str) -> Command {
        let mut cmd = Command::cargo_bin("connector-publish").unwrap();
        cmd.arg("submit")
            .args([
                "--upstream",
                &self.upstream_url(),
                "--github-api",
                api,
                "--author",
                "Jane Doe <jane@example.org>",
            ])
            .env("CONNECTOR_PUBLISH_CACHE", self.cache.path())
            .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
            .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
            .env("GH_TOKEN", TOKEN)
            .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
            .env_remove("GITHUB_TOKEN")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        cmd
    }

    pub(crate) fn fork_git(&self) -> PathBuf {
        self.served.join(format!("{FORK}.git"))
    }

    pub(crate) fn pushes(&self) -> usize {
        self.git
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.contains("git-receive-pack"))
            .count()
    }
}

#[test]
fn dry_run_writes_nothing_anywhere() {
    let w = World::new(0);
    // Sync first, so the mirror's objects can be counted before the dry run.
    let mirror = Mirror::new(w.cache.path(), &Upstream::new(&w.upstream_url(), "dev"));
    mirror.sync(&mut |_| {}).unwrap();
    let count_objects = || walk_files(&mirror.path.join("objects"));
    let objects_before = count_objects();
    let connector_before = common::snapshot(w.connector.path());

    let elsewhere = tempfile::tempdir().unwrap();
    let patch = elsewhere.path().join("change.patch");
    let out = w.submit().arg("--dry-run").arg("--patch").arg(&patch).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "fork:   octo/PowerPlatformConnectors (would be created)",
        "branch: add-open-brewery-db from dev",
        "folder: independent-publisher-connectors/Open Brewery DB (new)",
        "+++ b/independent-publisher-connectors/Open Brewery DB/readme.md",
        "Pull request: Open Brewery DB (Independent Publisher)",
        "https://cla.microsoft.com",
        "Dry run: nothing was written but the patch",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(
        w.github.write_requests().is_empty(),
        "a dry run made write requests: {:?}",
        w.github.write_requests()
    );
    assert_eq!(w.pushes(), 0);
    assert_eq!(count_objects(), objects_before, "the dry run wrote objects into the mirror");
    assert_eq!(
        common::snapshot(w.connector.path()),
        connector_before,
        "the author's folder changed"
    );
    assert!(!w.fork_git().exists());
    let patch_text = std::fs::read_to_string(&patch).unwrap();
    assert!(patch_text.contains("diff --git a/independent-publisher-connectors/Open Brewery DB/apiProperties.json"));

    // Without a token a dry run still works and says what it could not check.
    let out = w
        .submit()
        .arg("--dry-run")
        .arg("--json")
        .env_remove("GH_TOKEN")
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["fork"]["state"], "unknown");
    assert_eq!(doc["folder"], "independent-publisher-connectors/Open Brewery DB");
    assert_eq!(doc["title"], "Open Brewery DB (Independent Publisher)");
    assert!(doc["would_stop"].is_null());
}

/// The files of the connector folder on the fork's `add-open-brewery-db` branch.
fn pushed_files(fork: &Path) -> Vec<String> {
    const FOLDER: &str = "independent-publisher-connectors/Open Brewery DB/";
    git(fork, &["ls-tree", "--name-only", "add-open-brewery-db", FOLDER])
        .lines()
        .map(|path| path.strip_prefix(FOLDER).unwrap_or(path).to_string())
        .collect()
}

fn walk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { walk_files(&p) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn submit_forks_pushes_and_opens_the_pr_then_a_rerun_changes_nothing() {
    let w = World::new(3);
    // Faults on the way: a secondary rate limit on the first call, a 502 when opening the PR.
    w.github.rate_limit_next("GET /user", 1);
    w.github.fail_next(
        &format!("POST /repos/{UPSTREAM}/pulls"),
        502,
        serde_json::json!({"message": "Server Error"}),
    );

    let out = w.submit().arg("--yes").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {stderr}\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("waiting for GitHub to finish creating octo/PowerPlatformConnectors"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Opened https://github.com/microsoft/PowerPlatformConnectors/pull/1"));
    // The fork was in sync, so the push was a thin pack (no fallback to libgit2's push).
    assert!(stderr.contains("pushed ") && !stderr.contains("pushing the usual way"), "{stderr}");

    // The fork holds the branch, on upstream dev, with exactly the author's bytes.
    let fork = w.fork_git();
    let upstream_dev = git(&w.served.join("microsoft/PowerPlatformConnectors.git"), &["rev-parse", "dev"]);
    let parent = git(&fork, &["rev-parse", "add-open-brewery-db^"]);
    assert_eq!(parent, upstream_dev);
    assert_eq!(
        pushed_files(&fork),
        ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"]
    );
    for name in ["apiProperties.json", "readme.md", "apiDefinition.swagger.json"] {
        let committed = std::process::Command::new("git")
            .current_dir(&fork)
            .args([
                "show",
                &format!("add-open-brewery-db:independent-publisher-connectors/Open Brewery DB/{name}"),
            ])
            .output()
            .unwrap()
            .stdout;
        assert_eq!(
            committed,
            std::fs::read(w.connector.path().join(name)).unwrap(),
            "{name} bytes differ (CRLF must survive)"
        );
    }
    let author = git(&fork, &["log", "-1", "--format=%an <%ae>", "add-open-brewery-db"]);
    assert_eq!(author, "Jane Doe <jane@example.org>");

    // The recorded API calls: one fork, polls until it appeared, one merge-upstream, one PR.
    assert_eq!(w.github.count(&format!("POST /repos/{UPSTREAM}/forks")), 1);
    assert_eq!(w.github.count(&format!("POST /repos/{FORK}/merge-upstream")), 1);
    assert!(w.github.count(&format!("GET /repos/{FORK}")) >= 4, "the fork was polled");
    let prs = w.github.prs();
    assert_eq!(prs.len(), 1);
    assert_eq!(
        (prs[0].head_owner.as_str(), prs[0].head_ref.as_str(), prs[0].base_ref.as_str()),
        ("octo", "add-open-brewery-db", "dev")
    );
    assert_eq!(prs[0].title, "Open Brewery DB (Independent Publisher)");
    let body = prs[0].body.clone().unwrap();
    assert!(body.contains("@microsoft-github-policy-service agree") && body.contains("https://cla.microsoft.com"));
    assert!(body.contains("I have named this PR after the pattern"));
    assert!(body.contains("Duplicate search"));
    let pushes = w.pushes();
    assert_eq!(pushes, 1);

    // A re-run: no second fork, no second commit, no second pull request.
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("already open"));
    assert_eq!(w.github.count(&format!("POST /repos/{UPSTREAM}/forks")), 1);
    assert_eq!(w.github.prs().len(), 1);
    assert_eq!(w.pushes(), pushes, "an identical branch is not pushed again");
}

#[test]
fn a_branch_with_other_content_needs_force_push_and_conflicts_are_survived() {
    let w = World::new(0);
    // The fork exists already, with a branch of the same name holding something else.
    let served_upstream = w.served.join("microsoft/PowerPlatformConnectors.git");
    std::fs::create_dir_all(w.served.join("octo")).unwrap();
    git(
        &w.served.join("octo"),
        &[
            "clone",
            "-q",
            "--bare",
            served_upstream.to_str().unwrap(),
            "PowerPlatformConnectors.git",
        ],
    );
    w.github.add_repo(support::github::FakeRepo::fork_of(FORK, UPSTREAM));
    let scratch = tempfile::tempdir().unwrap();
    git(scratch.path(), &["clone", "-q", w.fork_git().to_str().unwrap(), "c"]);
    let clone = scratch.path().join("c");
    std::fs::write(clone.join("other.txt"), "other work\n").unwrap();
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-qm", "other"]);
    git(&clone, &["push", "-q", "origin", "HEAD:refs/heads/add-open-brewery-db"]);
    let before = git(&w.fork_git(), &["rev-parse", "add-open-brewery-db"]);
    w.conflict.store(true, std::sync::atomic::Ordering::SeqCst);

    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already holds other content") && stderr.contains("--force-push"),
        "{stderr}"
    );
    assert!(
        stderr.contains("could not sync"),
        "the merge-upstream conflict is reported: {stderr}"
    );
    assert_eq!(
        git(&w.fork_git(), &["rev-parse", "add-open-brewery-db"]),
        before,
        "the branch was not touched"
    );
    assert!(w.github.prs().is_empty());

    let out = w.submit().args(["--yes", "--force-push"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_ne!(git(&w.fork_git(), &["rev-parse", "add-open-brewery-db"]), before);
    assert_eq!(w.github.prs().len(), 1);
    assert_eq!(
        w.github.count(&format!("POST /repos/{UPSTREAM}/forks")),
        0,
        "the existing fork is reused"
    );
}

#[test]
fn refusals_happen_before_anything_public() {
    let w = World::new(0);
    // No terminal and no --yes.
    let out = w.submit().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    // No token at all.
    let out = w
        .submit()
        .arg("--yes")
        .env_remove("GH_TOKEN")
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no GitHub token"));
    // A token GitHub refuses.
    let out = w.submit().arg("--yes").env("GH_TOKEN", "wrong").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("401"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Validation errors stop a real run with exit 1.
    let swagger = w.connector.path().join("apiDefinition.swagger.json");
    let text = std::fs::read_to_string(&swagger).unwrap();
    std::fs::write(
        &swagger,
        text.replace("\"Open Brewery DB\"", "\"Open Brewery DB Connector API For Everyone\""),
    )
    .unwrap();
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(&swagger, &text).unwrap();
    // A duplicate stops with exit 5 and the folder to improve.
    // A clean connector for the same API: same host, base path and title as upstream's DeepL, and
    // one of its operations (a title alone would be related only).
    let dup = tempfile::tempdir().unwrap();
    common::write_clean_connector(dup.path());
    let swagger_text = text
        .replace("api.openbrewerydb.org", "api.deepl.com")
        .replace("\"/v1\"", "\"/v2\"")
        .replace("/breweries/{obdb_id}", "/usage")
        .replace("\"in\": \"path\"", "\"in\": \"query\"")
        .replace("\"title\": \"Open Brewery DB\"", "\"title\": \"DeepL\"");
    std::fs::write(dup.path().join("apiDefinition.swagger.json"), swagger_text).unwrap();
    let out = w.submit_folder(dup.path()).arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--update \"certified-connectors/DeepL\""), "{stderr}");
    // ... unless the author says why, which goes into the pull request (checked in a dry run).
    let out = w
        .submit_folder(dup.path())
        .args(["--dry-run", "--allow-duplicate", "DeepL's v3 API is a different product"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("Submitted although a connector for this API exists**: DeepL's v3 API is a different product"));
    assert!(
        w.github.write_requests().is_empty(),
        "nothing public happened: {:?}",
        w.github.write_requests()
    );
    assert_eq!(w.pushes(), 0);
}

#[test]
fn token_problems_and_slow_forks_get_clear_messages_and_reruns_finish() {
    let w = World::with_git_auth(1_000_000, false);
    // A classic token without the scope: stopped before anything is written.
    let out = w.submit().arg("--yes").env("GH_TOKEN", NO_SCOPE_TOKEN).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs `public_repo`"),
        "{} {:?}",
        String::from_utf8_lossy(&out.stderr),
        w.github
            .requests()
            .iter()
            .map(|r| (r.path.clone(), r.authorization.clone(), r.status))
            .collect::<Vec<_>>()
    );
    assert!(w.github.write_requests().is_empty());

    // GitHub takes longer than we wait to create the fork: a bounded wait and a clear message.
    let out = w
        .submit()
        .arg("--yes")
        .env("CONNECTOR_PUBLISH_TEST_FORK_TIMEOUT", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has not finished creating octo/PowerPlatformConnectors") && stderr.contains("run the same command again"),
        "{stderr}"
    );
    // ... and the re-run reuses the fork once it is there, without creating another.
    w.github.make_visible(FORK);
    // A fine-grained token cannot open pull requests on a repository its owner does not own.
    w.github.fail_next(
        &format!("POST /repos/{UPSTREAM}/pulls"),
        403,
        serde_json::json!({"message": "Resource not accessible by personal access token", "status": "403"}),
    );
    let out = w.submit().arg("--yes").env("GH_TOKEN", FINE_GRAINED_TOKEN).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fine-grained token cannot open pull requests"), "{stderr}");
    assert_eq!(w.github.count(&format!("POST /repos/{UPSTREAM}/forks")), 1);
    assert!(w.github.prs().is_empty());

    // With a classic token the same command finishes the job: the pushed branch is reused.
    let pushes = w.pushes();
    let out = w.submit().arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(w.pushes(), pushes, "the branch pushed by the failed run is reused");
    assert_eq!(w.github.prs().len(), 1);
    assert_eq!(w.github.count(&format!("POST /repos/{UPSTREAM}/forks")), 1);
}

#[test]
fn without_a_git_identity_the_commit_author_is_the_github_account() {
    let w = World::new(0);
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.arg("submit")
        .arg(w.connector.path())
        .args([
            "--yes",
            "--without-package",
            "--upstream",
            &w.upstream_url(),
            "--github-api",
            &w.github.url(),
        ])
        .env("CONNECTOR_PUBLISH_CACHE", w.cache.path())
        .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
        .env("GH_TOKEN", TOKEN)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let author = git(&w.fork_git(), &["log", "-1", "--format=%an <%ae>", "add-open-brewery-db"]);
    assert_eq!(author, "octo (fake) <octo@users.noreply.github.com>");
}

#[test]
fn a_missing_readme_is_generated_into_the_plan_and_the_diff() {
    let w = World::new(0);
    std::fs::remove_file(w.connector.path().join("readme.md")).unwrap();
    // Without the flag (and no terminal to ask on), the missing readme is a validation error.
    let out = w.submit().args(["--dry-run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = w.submit().args(["--dry-run", "--generate-readme"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Readme: generated from the swagger (not written: dry run)"),
        "{stdout}"
    );
    assert!(stdout.contains("+++ b/independent-publisher-connectors/Open Brewery DB/readme.md"));
    assert!(stdout.contains("+## Publisher: Jane Doe"));
    assert!(!w.connector.path().join("readme.md").exists(), "a dry run writes nothing");
    // A real run writes it to the folder too, so the folder matches the pull request.
    let out = w.submit().args(["--yes", "--generate-readme"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let written = std::fs::read(w.connector.path().join("readme.md")).unwrap();
    let committed = std::process::Command::new("git")
        .current_dir(w.fork_git())
        .args([
            "show",
            "add-open-brewery-db:independent-publisher-connectors/Open Brewery DB/readme.md",
        ])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(written, committed);
}

/// On a terminal, `submit` shows the plan and asks; anything but yes does nothing public.
#[test]
fn on_a_terminal_it_asks_before_anything_public() {
    let w = World::new(0);
    let bin = assert_cmd::cargo::cargo_bin("connector-publish");
    let command = format!(
        "{} submit '{}' --without-package --upstream '{}' --github-api '{}' --author 'Jane Doe <jane@example.org>'",
        bin.display(),
        w.connector.path().display(),
        w.upstream_url(),
        w.github.url()
    );
    // `script` gives the command a pseudo-terminal; "n" answers the question.
    let out = common::on_a_terminal(
        &command,
        |cmd| {
            cmd.env("CONNECTOR_PUBLISH_CACHE", w.cache.path())
                .env("GH_TOKEN", TOKEN)
                .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
                .env("NO_COLOR", "1");
        },
        &[b"n\n"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Plan") && text.contains("Push `add-open-brewery-db` to your fork and open"),
        "{text}"
    );
    assert!(text.contains("Nothing was done."), "{text}");
    assert!(w.github.write_requests().is_empty(), "{:?}", w.github.write_requests());
    assert_eq!(w.pushes(), 0);
}

/// `submit --from-environment`: the connector is downloaded from a (fake) Power Platform
/// environment into a temporary folder, then the whole flow runs on it; the folder is removed
/// afterwards unless `--keep`.
#[test]
fn submit_from_environment_downloads_then_opens_the_pr() {
    use support::powerplatform::{FakeConnector, FakePowerPlatform, FakePowerPlatformConfig, DEFAULT_ENVIRONMENT};
    const CID: &str = "shared_open-20brewery-20db-5f0123";
    let w = World::new(0);
    let swagger = std::fs::read(w.connector.path().join("apiDefinition.swagger.json")).unwrap();
    let properties: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.connector.path().join("apiProperties.json")).unwrap()).unwrap();
    let mut properties = properties["properties"].clone();
    properties["displayName"] = "Open Brewery DB".into();
    let fake = FakePowerPlatform::start(
        FakePowerPlatformConfig::default().connector(
            FakeConnector::new(DEFAULT_ENVIRONMENT, CID, "Open Brewery DB")
                .properties(properties)
                .swagger(swagger.clone())
                .icon(b"\x89PNG\r\n\x1a\nicon".to_vec()),
        ),
    );
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("token.json");
    fake.write_token_cache(&cache);
    let tmp = home.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let from_environment = |cmd: &mut Command| {
        cmd.args(["--from-environment", DEFAULT_ENVIRONMENT, "--connector-id", CID])
            .env("CONNECTOR_PUBLISH_TOKEN_CACHE", &cache)
            .env("CONNECTOR_PUBLISH_POWERAPPS_URL", fake.url())
            .env("TMPDIR", &tmp);
    };

    // A folder and --from-environment together are refused.
    let mut cmd = w.submit_folder(w.connector.path());
    from_environment(&mut cmd);
    let out = cmd.arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));

    // Stopped by validation (no readme): the download is kept, with what to do next.
    let mut cmd = w.submit_command();
    from_environment(&mut cmd);
    let out = cmd.args(["--dry-run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the downloaded connector is kept in ") && stderr.contains("fix it there, then: connector-publish submit"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&tmp).unwrap();
    std::fs::create_dir(&tmp).unwrap();

    // Dry run with --keep: the plan is the one for the folder, and the download stays.
    let mut cmd = w.submit_command();
    from_environment(&mut cmd);
    let out = cmd.args(["--dry-run", "--keep", "--generate-readme"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    assert!(
        stderr.contains(&format!("downloaded Open Brewery DB ({CID}) from {DEFAULT_ENVIRONMENT}")),
        "{stderr}"
    );
    assert!(
        stdout.contains("folder: independent-publisher-connectors/Open Brewery DB (new)"),
        "{stdout}"
    );
    assert!(stdout.contains("Dry run: nothing was written"), "{stdout}");
    assert!(w.github.write_requests().is_empty());
    let kept = stderr
        .lines()
        .find_map(|l| l.strip_prefix("the downloaded connector is kept in "))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(kept.starts_with(&tmp), "{}", kept.display());
    assert!(kept.join("settings.json").is_file() && kept.join("icon.png").is_file());
    std::fs::remove_dir_all(&tmp).unwrap();
    std::fs::create_dir(&tmp).unwrap();

    // A real run: the PR is opened from the downloaded files, and the temporary folder is gone.
    let mut cmd = w.submit_command();
    from_environment(&mut cmd);
    let out = cmd.args(["--yes", "--generate-readme"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(w.github.prs().len(), 1);
    let fork = w.fork_git();
    assert_eq!(
        pushed_files(&fork),
        ["apiDefinition.swagger.json", "apiProperties.json", "readme.md"],
        "settings.json and, for an independent publisher, icon.png stay out"
    );
    let committed = git(
        &fork,
        &[
            "show",
            "add-open-brewery-db:independent-publisher-connectors/Open Brewery DB/apiDefinition.swagger.json",
        ],
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&committed).unwrap(),
        serde_json::from_slice::<serde_json::Value>(&swagger).unwrap()
    );
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the temporary folder was removed");
}

#[test]
fn an_update_is_judged_by_what_it_changes() {
    let w = World::new(0);
    // The update: upstream's DeepL swagger byte for byte (it has many findings: no operation ids,
    // no descriptions...) plus an apiProperties.json with a brand color of its own.
    let folder = tempfile::tempdir().unwrap();
    let upstream_swagger = r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "basePath": "/v2", "paths": {"/translate": {"post": {}}, "/usage": {"get": {}}, "/languages": {"get": {}}}}"#;
    std::fs::write(folder.path().join("apiDefinition.swagger.json"), upstream_swagger).unwrap();
    std::fs::write(
        folder.path().join("apiProperties.json"),
        r##"{"properties": {"iconBrandColor": "#0f2b46", "capabilities": []}}"##,
    )
    .unwrap();
    let dry = |extra: &[&str]| {
        w.submit_folder(folder.path())
            .args(["--dry-run", "--update", "certified-connectors/DeepL"])
            .args(extra)
            .output()
            .unwrap()
    };
    // The upstream version's errors are pre-existing: shown, counted, not blocking.
    let out = dry(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Pre-existing:"), "{stdout}");
    assert!(stdout.contains("already upstream"), "{stdout}");
    assert!(stdout.contains("A real run would push"), "{stdout}");
    // The pull request body says which is which.
    assert!(stdout.contains("pre-existing finding"), "{stdout}");
    // --json marks each finding.
    let out = dry(&["--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let validation = &doc["validation"];
    assert_eq!(validation["blocking"], 0, "{validation}");
    assert!(validation["pre_existing"].as_u64().unwrap() > 0);
    assert!(validation["baseline"]
        .as_str()
        .unwrap()
        .starts_with("certified-connectors/DeepL at upstream"));
    assert!(validation["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["pre_existing"] == true || f["severity"] == "warning"));
    // --strict blocks on all of them.
    let out = dry(&["--strict"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    // A problem the change introduces blocks, even in an update: a new operation without an id.
    std::fs::write(
        folder.path().join("apiDefinition.swagger.json"),
        upstream_swagger.replace(
            r#""/languages": {"get": {}}"#,
            r#""/languages": {"get": {}}, "/glossaries": {"get": {}}"#,
        ),
    )
    .unwrap();
    let out = dry(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("/glossaries"), "{stdout}");
    assert!(stdout.contains("A real run would stop here"), "{stdout}");
    assert!(w.github.write_requests().is_empty());
    assert_eq!(w.pushes(), 0);
}

/// Where `--patch` may write: regular files outside the connector and cache folders, or `-`.
#[test]
fn patch_targets_are_checked_and_nothing_is_left_behind() {
    let w = World::new(0);
    let elsewhere = tempfile::tempdir().unwrap();
    let dry_run = |target: &Path| {
        w.submit()
            .args(["--dry-run", "--patch"])
            .arg(target)
            .current_dir(elsewhere.path())
            .output()
            .unwrap()
    };
    let connector_before = common::snapshot(w.connector.path());

    // `-` is standard output: the patch alone there, the report on stderr, no file named `-`.
    let out = dry_run(Path::new("-"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("diff --git a/independent-publisher-connectors/Open Brewery DB/"),
        "{stdout}"
    );
    assert!(!stdout.contains("Pull request:"), "the report went to stdout: {stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Pull request: Open Brewery DB"), "{stderr}");
    assert!(
        stderr.contains("Dry run: nothing was written (the patch went to standard output)"),
        "{stderr}"
    );
    assert!(!elsewhere.path().join("-").exists());
    let patch_bytes = out.stdout.clone();

    // An existing regular file is written in place (same inode, no temporary file beside it).
    let existing = elsewhere.path().join("change.patch");
    std::fs::write(&existing, "an older, longer patch ".repeat(1000)).unwrap();
    let inode = || std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&existing).unwrap());
    let before = inode();
    let out = dry_run(&existing);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("nothing was written but the patch, {}", existing.display())),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(std::fs::read(&existing).unwrap(), patch_bytes);
    assert_eq!(inode(), before);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 1, "only change.patch");

    // Refused as usage errors (exit 2) before anything runs, each left as it was.
    let fifo = elsewhere.path().join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let swagger = w.connector.path().join("apiDefinition.swagger.json");
    let link = elsewhere.path().join("link.patch");
    std::os::unix::fs::symlink(&swagger, &link).unwrap();
    let folder = elsewhere.path().join("a folder");
    std::fs::create_dir(&folder).unwrap();
    // A hard link to one of the connector's files is that file under another name.
    let hard_link = elsewhere.path().join("hard.patch");
    std::fs::hard_link(w.connector.path().join("readme.md"), &hard_link).unwrap();
    for (target, why) in [
        (hard_link.clone(), "other hard link"),
        (PathBuf::from("/dev/null"), "is not a regular file"),
        (fifo.clone(), "is not a regular file"),
        (folder.clone(), "is a folder"),
        (swagger.clone(), "is inside the connector folder"),
        (w.connector.path().join("change.patch"), "is inside the connector folder"),
        (link.clone(), "is inside the connector folder"),
        (w.cache.path().join("change.patch"), "is inside the cache folder"),
        (elsewhere.path().join("missing/change.patch"), "does not exist"),
    ] {
        let out = dry_run(&target);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", target.display());
        assert!(stderr.contains(why), "{}: {stderr}", target.display());
        assert!(!String::from_utf8_lossy(&out.stdout).contains("nothing was written"));
    }
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo_like());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(!w.cache.path().join("change.patch").exists());
    assert_eq!(
        common::snapshot(w.connector.path()),
        connector_before,
        "the connector folder changed"
    );

    // A write that fails half way (a file size limit) leaves neither the patch nor a temporary file.
    let limited = elsewhere.path().join("limited");
    std::fs::create_dir(&limited).unwrap();
    let target = limited.join("change.patch");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1; exec \"$@\"")
        .arg("sh")
        .arg(assert_cmd::cargo::cargo_bin("connector-publish"))
        .args([
            "submit",
            "--dry-run",
            "--upstream",
            &w.upstream_url(),
            "--github-api",
            &w.github.url(),
            "--patch",
        ])
        .arg(&target)
        .arg(w.connector.path())
        .env("CONNECTOR_PUBLISH_CACHE", w.cache.path())
        .env("GH_TOKEN", TOKEN)
        .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(patch_bytes.len() > 1024, "the patch must pass the 1 KiB limit");
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("writing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(&limited).unwrap().count(), 0, "something was left behind");
}

/// `is_fifo` without importing the trait at the top.
trait FifoLike {
    fn is_fifo_like(&self) -> bool;
}

impl FifoLike for std::fs::FileType {
    fn is_fifo_like(&self) -> bool {
        std::os::unix::fs::FileTypeExt::is_fifo(self)
    }
}

/// A GitHub API that never answers, that sends its headers a byte at a time, or whose answer
/// never ends: the run ends with a clear message within one call's deadline (twice the timeout,
/// its three tries included; GitHub is not asked again after it), and nothing is pushed.
#[test]
fn a_silent_slow_or_endless_github_ends_within_the_timeout() {
    use support::hostile::{HostileServer, Misbehaviour};
    let w = World::new(0);
    let deadline = "GitHub did not answer in 2 s (3 tries); check your network or set CONNECTOR_PUBLISH_TIMEOUT";
    for (misbehaviour, says) in [
        (Misbehaviour::Silent, deadline),
        (Misbehaviour::SlowHeaders, deadline),
        (Misbehaviour::EndlessBody, "larger than 1 MiB"),
    ] {
        let github = HostileServer::start(misbehaviour);
        let started = std::time::Instant::now();
        let out = w
            .submit_command_with_api(&github.url())
            .arg("--yes")
            .arg(w.connector.path())
            .env("CONNECTOR_PUBLISH_TIMEOUT", "1")
            .env("CONNECTOR_PUBLISH_TEST_BODY_CAP", (1 << 20).to_string())
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{misbehaviour:?}: {stderr}");
        assert!(stderr.contains(says), "{misbehaviour:?}: {stderr}");
        // One call's deadline (2 s) and the rest of the run, not one wait per call.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(12),
            "{misbehaviour:?} took {:?}",
            started.elapsed()
        );
        assert!(github.accepted() >= 1);
        if misbehaviour != Misbehaviour::EndlessBody {
            assert!(
                github.accepted() <= 3,
                "{misbehaviour:?}: {} connections; GitHub was asked again after the deadline",
                github.accepted()
            );
            assert!(stderr.contains("stopped:") || stderr.contains("error:"), "{stderr}");
        }
        if misbehaviour == Misbehaviour::EndlessBody {
            // The body was not read to the end (it has none), only up to the cap and socket buffers.
            assert!(github.body_bytes_sent() < 64 << 20, "{} bytes sent", github.body_bytes_sent());
        }
        assert_eq!(w.pushes(), 0);

        // A dry run says it could not check the fork, and goes on.
        let out = w
            .submit_command_with_api(&github.url())
            .arg("--dry-run")
            .arg(w.connector.path())
            .env("CONNECTOR_PUBLISH_TIMEOUT", "1")
            .env("CONNECTOR_PUBLISH_TEST_BODY_CAP", (1 << 20).to_string())
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("fork:   not checked: GitHub") && stdout.contains(says), "{stdout}");
    }
}

/// A fork whose git server accepts the connection and never answers: the push ends with a clear
/// message within the timeout (libgit2's server timeouts), and no pull request is opened.
#[test]
fn a_silent_fork_git_server_ends_the_push_within_the_timeout() {
    use support::hostile::{HostileServer, Misbehaviour};
    let w = World::new(0);
    let silent = HostileServer::start(Misbehaviour::Silent);
    let github = FakeGitHub::start(
        FakeGitHubConfig {
            git_base_url: silent.url(),
            ..Default::default()
        }
        .user(TOKEN, "octo")
        .repo(UPSTREAM),
    );
    let started = std::time::Instant::now();
    let out = w
        .submit_command_with_api(&github.url())
        .arg("--yes")
        .arg(w.connector.path())
        .env("CONNECTOR_PUBLISH_TIMEOUT", "1")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("cannot reach your fork") && stderr.contains("no answer within 1 s"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(silent.accepted() >= 1, "the fork's git server was asked");
    assert!(github.prs().is_empty(), "a pull request was opened without a push");
}

#[test]
fn secrets_are_masked_in_the_diff_the_json_the_patch_and_the_logs() {
    let w = World::new(0);
    // One secret the text scan finds (a GitHub token in the readme), one only the JSON checks
    // find (the default of a secure connection parameter).
    let token = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
    let key = "Zq81kdLs02mXv7Pw";
    let readme = w.connector.path().join("readme.md");
    let mut text = std::fs::read_to_string(&readme).unwrap();
    text.push_str(&format!("\n## Deployment Instructions\nexport GH_TOKEN={token}\n"));
    std::fs::write(&readme, text).unwrap();
    std::fs::write(
        w.connector.path().join("apiProperties.json"),
        format!(
            r##"{{"properties": {{"connectionParameters": {{"api_key": {{"type": "securestring", "defaultValue": "{key}"}}}},
  "iconBrandColor": "#da3b01", "capabilities": [], "publisher": "Jane Doe", "stackOwner": "Open Brewery DB"}}}}"##
        ),
    )
    .unwrap();
    let leaks = |what: &str, bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(token) && !text.contains(key), "{what} shows a secret:\n{text}");
    };

    let elsewhere = tempfile::tempdir().unwrap();
    let patch = elsewhere.path().join("change.patch");
    let out = w.submit().args(["--dry-run", "-vv", "--patch"]).arg(&patch).output().unwrap();
    // Validation errors: a real run would stop (exit 1), and the dry run says so.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    leaks("stdout", &out.stdout);
    leaks("stderr (-vv)", &out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("+export GH_TOKEN=ghp_…(40 chars)"), "{stdout}");
    assert!(stdout.contains("secret(s) masked below"), "{stdout}");
    assert!(stdout.contains("[secret-token]") && stdout.contains("[secret-value]"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 secret(s) masked in"), "{stderr}");
    let patch_bytes = std::fs::read(&patch).unwrap();
    leaks("the patch", &patch_bytes);
    assert!(String::from_utf8_lossy(&patch_bytes).contains("+export GH_TOKEN=ghp_…(40 chars)"));

    let out = w.submit().args(["--dry-run", "--json", "--patch"]).arg(&patch).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    leaks("--json", &out.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["patch_masked"], 2);
    let diff = doc["diff"].to_string();
    assert!(diff.contains("ghp_…(40 chars)") && diff.contains("…(16 chars)"), "{diff}");
    leaks("the patch (--json run)", &std::fs::read(&patch).unwrap());

    // Without secrets nothing is masked and the patch is the real change.
    common::write_clean_connector(w.connector.path());
    let out = w.submit().args(["--dry-run", "--json", "--patch"]).arg(&patch).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["patch_masked"], 0);
}

#[test]
fn a_huge_text_file_gets_a_summary_not_a_line_diff() {
    let w = World::new(0);
    // 3 MB of text: over the line-diff limit, well under GitHub's.
    let line = "A line of documentation that repeats, to make a large text file.\n";
    let notes = line.repeat(3_000_000 / line.len());
    std::fs::write(w.connector.path().join("notes.md"), &notes).unwrap();
    let out = w.submit().arg("--dry-run").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = format!("notes.md too large for a line diff (0 -> {} bytes)", notes.len());
    assert!(stdout.contains(&summary), "{}", &stdout[..stdout.len().min(4000)]);
    assert!(stdout.len() < 100_000, "the diff printed the whole file: {} bytes", stdout.len());
}

#[test]
fn usage_errors_exit_2_before_anything_and_the_branch_prefix_names_the_branch() {
    let w = World::new(0);
    let usage = |args: &[&str], env: Option<(&str, &str)>, says: &str| {
        let mut cmd = w.submit();
        cmd.args(args).arg("--yes");
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    usage(&["--branch", "my branch"], None, "--branch");
    let out = Command::cargo_bin("connector-publish")
        .unwrap()
        .args(["submit", "--dry-run", "--author", "Jane Doe", "--upstream", &w.upstream_url()])
        .arg(w.connector.path())
        .env("CONNECTOR_PUBLISH_CACHE", w.cache.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--author wants \"Name <email>\""));
    usage(
        &["--category", "custom", "--update", "certified-connectors/DeepL"],
        None,
        "contradicts --update",
    );
    usage(&[], Some(("CONNECTOR_PUBLISH_BRANCH_PREFIX", "my prefix")), "branch-prefix");
    // Well formed, but no such folder upstream: found once the mirror can tell, still before any call.
    usage(&["--update", "certified-connectors/Nope"], None, "no such folder upstream");
    assert!(w.github.requests().is_empty(), "usage errors are found before any call");
    assert_eq!(w.pushes(), 0);

    // `<prefix>/add-x`, in the plan and on the fork.
    let out = w
        .submit()
        .args(["--dry-run", "--json"])
        .env("CONNECTOR_PUBLISH_BRANCH_PREFIX", "connectors/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["branch"], "connectors/add-open-brewery-db");
    let out = w
        .submit()
        .args(["--yes", "--json"])
        .env("CONNECTOR_PUBLISH_BRANCH_PREFIX", "connectors")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // One JSON document: the plan and the pull request it opened.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["pull_request"]["branch"], "connectors/add-open-brewery-db");
    assert_eq!(doc["pull_request"]["number"], 1);
    let branches = git(&w.fork_git(), &["branch", "--list", "--format=%(refname:short)"]);
    assert!(branches.lines().any(|b| b == "connectors/add-open-brewery-db"), "{branches}");
    assert_eq!(w.github.prs()[0].head_ref, "connectors/add-open-brewery-db");
}

/// The patch is streamed: a binary file as git's own literal binary patch written from the
/// package's bytes, a large text file a few MiB at a time. `git apply` takes it on upstream `dev`
/// and gives the author's bytes back, exactly.
#[test]
fn a_streamed_patch_with_binary_and_large_text_files_applies_exactly() {
    let w = World::new(0);
    let mut noise = Vec::with_capacity(300_000);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    while noise.len() < 300_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    noise.extend_from_slice(&[0, 1, 2]); // not a multiple of 4 or of 52
    std::fs::write(w.connector.path().join("screenshot.bin"), &noise).unwrap();
    let mut readme = std::fs::read(w.connector.path().join("readme.md")).unwrap();
    let mut n = 0;
    while readme.len() < 9 * 1024 * 1024 {
        readme.extend_from_slice(format!("Line {n} of a long readme, long enough to need more than one chunk.\n").as_bytes());
        n += 1;
    }
    std::fs::write(w.connector.path().join("readme.md"), &readme).unwrap();

    let elsewhere = tempfile::tempdir().unwrap();
    let patch = elsewhere.path().join("change.patch");
    let out = w.submit().arg("--dry-run").arg("--patch").arg(&patch).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read(&patch).unwrap();
    assert!(text.windows(16).any(|w| w == b"GIT binary patch"));

    let checkout = elsewhere.path().join("checkout");
    git(
        elsewhere.path(),
        &[
            "clone",
            "-q",
            "--branch",
            "dev",
            w.served.join("microsoft/PowerPlatformConnectors.git").to_str().unwrap(),
            checkout.to_str().unwrap(),
        ],
    );
    git(&checkout, &["apply", "--index", patch.to_str().unwrap()]);
    let folder = checkout.join("independent-publisher-connectors/Open Brewery DB");
    assert_eq!(std::fs::read(folder.join("screenshot.bin")).unwrap(), noise);
    assert_eq!(std::fs::read(folder.join("readme.md")).unwrap(), readme);
}
