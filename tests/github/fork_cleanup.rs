//! `fork sync` and `cleanup` against the fake GitHub: merge-upstream and its refusals explained,
//! the fork's branches (paged) deleted only when every pull request from them is merged or closed.

use crate::status::{command, fake, TOKEN};
use crate::support::github::{CannedResponse, FakeGitHub, FakeGitHubConfig, FakeRepo, MergeUpstreamResult};
use serde_json::{json, Value};

const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
const FORK: &str = "octo/PowerPlatformConnectors";

#[test]
fn fork_sync_brings_dev_up_to_date_and_explains_a_conflict() {
    let github = fake();
    let out = command(&github, &["fork", "sync"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("synced octo/PowerPlatformConnectors:dev fast-forwarded to microsoft/PowerPlatformConnectors:dev"),
        "{text}"
    );
    let call = github.write_requests().pop().unwrap();
    assert_eq!(call.route(), format!("POST /repos/{FORK}/merge-upstream"));
    assert_eq!(call.body["branch"], "dev");

    github.set_merge_upstream_result(MergeUpstreamResult::Conflict);
    let out = command(&github, &["fork", "sync", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["result"], "refused");
    assert_eq!(doc["status"], 409);
    assert!(doc["advice"].as_str().unwrap().contains("\"Discard commits\""), "{doc}");

    github.set_merge_upstream_result(MergeUpstreamResult::Unprocessable("Branch not found".into()));
    let out = command(&github, &["fork", "sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("422 Branch not found") && text.contains("has a `dev` branch"),
        "{text}"
    );
}

#[test]
fn fork_sync_needs_a_token_with_the_scope_and_a_fork() {
    let github = fake();
    let out = command(&github, &["fork", "sync"])
        .env("GH_TOKEN", "ghp_noscope_status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs `public_repo`"), "{stderr}");
    assert!(github.write_requests().is_empty());

    github.remove_repo(FORK);
    let out = command(&github, &["fork", "sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("octo has no fork of microsoft/PowerPlatformConnectors"));
    assert!(github.write_requests().is_empty());
}

#[test]
fn cleanup_deletes_only_branches_whose_pull_requests_are_all_merged_or_closed() {
    let github = fake();
    let pr = |label: &str, number: u64| {
        github.add_open_pr("microsoft", "PowerPlatformConnectors", label, number);
        github.prs().into_iter().find(|p| p.number == number).unwrap().head_sha
    };
    github.set_branch(FORK, "dev", "d0", false);
    let merged = pr("octo:add-merged", 1);
    github.close_pr(1);
    github.update_pr(1, |p| p.merged = true);
    github.set_branch(FORK, "add-merged", &merged, false);
    let closed = pr("octo:add-closed", 2);
    github.close_pr(2);
    github.set_branch(FORK, "add-closed", &closed, false);
    let open = pr("octo:add-open", 3);
    github.set_branch(FORK, "add-open", &open, false);
    pr("octo:add-moved", 4);
    github.close_pr(4);
    github.set_branch(FORK, "add-moved", "later-commit", false);
    // Enough branches without pull requests for two pages.
    for i in 0..100 {
        github.set_branch(FORK, &format!("work-{i:03}"), "w", false);
    }
    github.set_branch(FORK, "release", "r", true);

    // A token that may not push is refused before anything is listed or deleted.
    let out = command(&github, &["cleanup", "--yes"])
        .env("GH_TOKEN", "ghp_noscope_status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs `public_repo`"));
    assert_eq!(github.count(&format!("GET /repos/{FORK}/branches")), 0);

    // A secondary rate limit on the first page is waited out.
    github.rate_limit_next(&format!("GET /repos/{FORK}/branches"), 0);
    let out = command(&github, &["cleanup", "--dry-run", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = |name: &str| {
        doc["branches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .map(|b| {
                (
                    b["action"].as_str().unwrap().to_string(),
                    b["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .unwrap()
    };
    assert_eq!(action("add-merged").0, "delete");
    assert_eq!(action("add-closed").0, "delete");
    assert_eq!(action("add-open"), ("kept".into(), "pull request #3 is open".into()));
    assert_eq!(action("add-moved"), ("kept".into(), "it has commits that #4 did not have".into()));
    assert_eq!(action("dev"), ("kept".into(), "the fork's default branch".into()));
    assert_eq!(action("release"), ("kept".into(), "protected".into()));
    assert_eq!(action("work-000"), ("kept".into(), "no pull request".into()));
    assert_eq!(doc["branches"].as_array().unwrap().len(), 106);
    assert_eq!(
        github.count(&format!("GET /repos/{FORK}/branches")),
        3,
        "the rate-limited try, then two pages"
    );
    assert_eq!(github.pending_faults(), 0);
    assert!(github.write_requests().is_empty(), "a dry run deletes nothing");

    // Without a terminal to ask on, nothing happens without --yes.
    let out = command(&github, &["cleanup"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert!(github.write_requests().is_empty());

    let out = command(&github, &["cleanup", "--yes"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("deleted") && text.contains("add-merged (#1 merged)"), "{text}");
    let deletes: Vec<String> = github.write_requests().iter().map(|r| r.route()).collect();
    assert_eq!(
        deletes,
        [
            format!("DELETE /repos/{FORK}/git/refs/heads/add-closed"),
            format!("DELETE /repos/{FORK}/git/refs/heads/add-merged"),
        ]
    );
    let left = github.branches(FORK);
    assert!(left.contains(&"add-open".to_string()) && left.contains(&"dev".to_string()));
    assert!(!left.contains(&"add-merged".to_string()));
    let _ = (TOKEN, UPSTREAM);
}

// --- cleanup fails closed -------------------------------------------------------------------------

/// `n` branches `add-1`..`add-n` of the fork, each from a merged pull request (#1..#n) whose head it
/// still is: every one may be deleted.
fn merged_branches(github: &FakeGitHub, n: u64) {
    github.set_branch(FORK, "dev", "d0", false);
    for i in 1..=n {
        let name = format!("add-{i}");
        github.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("octo:{name}"), i);
        github.close_pr(i);
        github.update_pr(i, |p| p.merged = true);
        let sha = github.prs().into_iter().find(|p| p.number == i).unwrap().head_sha;
        github.set_branch(FORK, &name, &sha, false);
    }
}

fn delete_route(branch: &str) -> String {
    format!("DELETE /repos/{FORK}/git/refs/heads/{branch}")
}

fn deletes(github: &FakeGitHub) -> Vec<String> {
    github.write_requests().iter().map(|r| r.route()).collect()
}

/// `(action, reason)` of each branch of a `cleanup --json` document.
fn actions(doc: &Value) -> Vec<(String, String, String)> {
    doc["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap().to_string(),
                b["action"].as_str().unwrap().to_string(),
                b["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn action_of(doc: &Value, name: &str) -> (String, String) {
    actions(doc)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, a, r)| (a, r))
        .unwrap_or_else(|| panic!("no branch {name} in {doc}"))
}

/// The fake's own answer to `GET path`, to hand back changed.
fn fetch(github: &FakeGitHub, path: &str) -> Value {
    reqwest::blocking::Client::new()
        .get(format!("{}{path}", github.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .and_then(|r| r.bytes())
        .map(|b| serde_json::from_slice(&b).unwrap())
        .unwrap()
}

#[test]
fn cleanup_keeps_a_branch_that_moved_after_it_was_judged() {
    let github = fake();
    merged_branches(&github, 2);
    // Someone pushes to add-2 while add-1 is being deleted (or while the question waits).
    github.move_branch_on(&delete_route("add-1"), FORK, "add-2", "pushed-meanwhile");
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action_of(&doc, "add-1").0, "deleted");
    let (action, reason) = action_of(&doc, "add-2");
    assert_eq!(action, "kept");
    assert!(reason.contains("moved to pushed-meanw"), "{reason}");
    assert_eq!(deletes(&github), [delete_route("add-1")]);
    assert!(github.branches(FORK).contains(&"add-2".to_string()));
    assert_eq!(
        github.count(&format!("GET /repos/{FORK}/git/ref/heads/add-2")),
        1,
        "read again just before"
    );
}

#[test]
fn a_failure_mid_way_says_what_was_deleted_and_what_was_not() {
    type Fault = fn(&FakeGitHub, &str);
    let cases: [(&str, Fault, &str); 4] = [
        (
            "500 on every try",
            |g, r| (0..4).for_each(|_| g.fail_next(r, 500, json!({"message": "Server Error"}))),
            "500",
        ),
        (
            "403, no permission",
            |g, r| g.fail_next(r, 403, json!({"message": "Must have admin rights to Repository."})),
            "lacks a permission",
        ),
        (
            "403 rate limit on every try",
            |g, r| (0..4).for_each(|_| g.fail_next(r, 403, json!({"message": "API rate limit exceeded for user ID 1001."}))),
            "GitHub's rate limit: wait until it resets",
        ),
        (
            "429 asking for an hour",
            |g, r| g.rate_limit_429_next(r, 3600),
            "asks to wait 3600 s",
        ),
    ];
    for (case, inject, said) in cases {
        let github = fake();
        merged_branches(&github, 3);
        inject(&github, &delete_route("add-2"));

        let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{case}: {}", String::from_utf8_lossy(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{case}: no JSON on stdout ({e})"));
        assert_eq!(action_of(&doc, "add-1").0, "deleted", "{case}");
        let (action, reason) = action_of(&doc, "add-2");
        assert_eq!(action, "failed", "{case}");
        assert!(reason.contains(said), "{case}: {reason}");
        if said.contains("rate limit") {
            assert!(!reason.contains("lacks a permission"), "{case}: {reason}");
        }
        assert_eq!(action_of(&doc, "add-3").0, "not_tried", "{case}");
        assert_eq!(doc["stopped"]["branch"], "add-2", "{case}");
        assert_eq!(deletes(&github).first(), Some(&delete_route("add-1")), "{case}");
        assert!(!deletes(&github).contains(&delete_route("add-3")), "{case}: stopped before add-3");
        let left = github.branches(FORK);
        assert!(!left.contains(&"add-1".to_string()) && left.contains(&"add-2".to_string()) && left.contains(&"add-3".to_string()));

        // The same in words, on a second run that finds add-1 gone already.
        inject(&github, &delete_route("add-2"));
        let out = command(&github, &["cleanup", "--yes"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{case}: {text}");
        assert!(text.contains("NOT deleted") && text.contains("add-2"), "{case}: {text}");
        assert!(text.contains("not tried") && text.contains("add-3"), "{case}: {text}");
        assert!(
            text.contains("Cleanup is incomplete") && text.contains("It stopped at add-2"),
            "{case}: {text}"
        );
        assert!(!text.contains("half done"), "{case}: {text}");
    }
}

#[test]
fn a_rule_violation_is_a_failure_not_already_gone() {
    let github = fake();
    merged_branches(&github, 2);
    github.fail_next(
        &delete_route("add-1"),
        422,
        json!({"message": "Repository rule violations found\n\nCannot delete this branch\n\n", "status": "422"}),
    );
    let out = command(&github, &["cleanup", "--yes"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(!text.contains("already gone"), "{text}");
    assert!(
        text.contains("NOT deleted") && text.contains("422 Repository rule violations found"),
        "{text}"
    );
    assert!(text.contains("went on past the branches GitHub refused"), "{text}");
    // The branch is still there; the next one went.
    let left = github.branches(FORK);
    assert!(
        left.contains(&"add-1".to_string()) && !left.contains(&"add-2".to_string()),
        "{left:?}"
    );

    // A reference that does not exist is gone (someone deleted it between the re-read and the DELETE).
    github.fail_next(&delete_route("add-1"), 422, json!({"message": "Reference does not exist"}));
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action_of(&doc, "add-1").0, "gone");
}

#[test]
fn unknown_states_and_a_missing_default_keep_the_branch() {
    // "OPEN" in capitals is not a state GitHub sends: unknown.
    let github = fake();
    merged_branches(&github, 1);
    github.update_pr(1, |p| {
        p.state = "OPEN".into();
        p.merged = false;
    });
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (action, reason) = action_of(&doc, "add-1");
    assert_eq!(action, "kept");
    assert!(reason.contains("the state `OPEN`"), "{reason}");
    assert!(deletes(&github).is_empty());

    // A state of null.
    let github = fake();
    merged_branches(&github, 1);
    let pulls = format!("/repos/{UPSTREAM}/pulls?state=all&head=octo%3Aadd-1&per_page=100");
    let mut listed = fetch(&github, &pulls);
    assert_eq!(listed[0]["number"], 1);
    listed[0]["state"] = Value::Null;
    github.inject(&format!("GET /repos/{UPSTREAM}/pulls"), CannedResponse::new(200, listed));
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (action, reason) = action_of(&doc, "add-1");
    assert_eq!((action.as_str(), reason.contains("no state")), ("kept", true), "{reason}");
    assert_eq!(github.pending_faults(), 0);
    assert!(deletes(&github).is_empty());

    // A fork whose answer has no default_branch: its `main` may be the default, so nothing goes.
    let github = fake();
    merged_branches(&github, 1);
    github.set_branch(FORK, "main", "m0", false);
    let mut repo = fetch(&github, &format!("/repos/{FORK}"));
    repo.as_object_mut().unwrap().remove("default_branch");
    github.inject(&format!("GET /repos/{FORK}"), CannedResponse::new(200, repo));
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (name, action, reason) in actions(&doc) {
        assert_eq!(action, "kept", "{name}");
        assert!(
            reason.contains("did not say which branch is the fork's default"),
            "{name}: {reason}"
        );
    }
    assert!(deletes(&github).is_empty());
}

#[test]
fn a_pull_request_from_another_head_is_not_the_branch_s() {
    let github = fake();
    github.set_branch(FORK, "dev", "d0", false);
    // mallory's closed pull request from a branch of the same name, at the same commit.
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "mallory:add-x", 1);
    github.close_pr(1);
    let sha = github.prs()[0].head_sha.clone();
    github.set_branch(FORK, "add-x", &sha, false);
    // A server (or a proxy) that ignores `head=`.
    github.ignore_head_filter(true);
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action_of(&doc, "add-x"), ("kept".into(), "no pull request".into()));
    assert!(deletes(&github).is_empty());

    // The fork's own pull request is still found among the others.
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-x", 2);
    github.close_pr(2);
    let own = github.prs().into_iter().find(|p| p.number == 2).unwrap().head_sha;
    github.set_branch(FORK, "add-x", &own, false);
    let out = command(&github, &["cleanup", "--yes", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["branches"][0]["name"], "add-x");
    assert_eq!(doc["branches"][0]["pulls"], json!(["#2 closed"]));
    assert_eq!(action_of(&doc, "add-x").0, "deleted");
}

#[test]
fn the_base_branch_is_kept_when_the_default_is_another() {
    let config = FakeGitHubConfig::default().user(TOKEN, "octo").repo(UPSTREAM);
    let mut config = config;
    config.repos.push(FakeRepo::fork_of(FORK, UPSTREAM).default_branch("main"));
    let github = FakeGitHub::start(config);
    github.set_branch(FORK, "main", "m0", false);
    for (number, name) in [(1, "dev"), (2, "next")] {
        github.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("octo:{name}"), number);
        github.close_pr(number);
        github.update_pr(number, |p| p.merged = true);
        let sha = github.prs().into_iter().find(|p| p.number == number).unwrap().head_sha;
        github.set_branch(FORK, name, &sha, false);
    }
    let out = command(&github, &["cleanup", "--dry-run", "--json"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action_of(&doc, "main"), ("kept".into(), "the fork's default branch".into()));
    assert_eq!(
        action_of(&doc, "dev"),
        ("kept".into(), "the base branch pull requests are opened against".into())
    );
    assert_eq!(action_of(&doc, "next").0, "delete");
    // A configured base branch is kept too.
    let out = command(&github, &["cleanup", "--yes", "--json"])
        .env("CONNECTOR_PUBLISH_BASE_BRANCH", "next")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action_of(&doc, "next").0, "kept");
    assert_eq!(deletes(&github), [delete_route("dev")], "dev is not the base branch then");
}

#[test]
fn a_fork_owner_that_is_not_a_github_name_is_a_usage_error() {
    let github = fake();
    merged_branches(&github, 1);
    for owner in ["x/../me", "x%2F..%2Fme", "-x", "a b"] {
        for args in [&["cleanup", "--yes"][..], &["fork", "sync"][..]] {
            let out = command(&github, args).arg(format!("--fork-owner={owner}")).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{owner} {args:?}: {stderr}");
            assert!(stderr.contains("is not a GitHub account or organization name"), "{stderr}");
        }
    }
    assert!(github.requests().is_empty(), "nothing was asked of GitHub");
}
