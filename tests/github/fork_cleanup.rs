//! `fork sync` and `cleanup` against the fake GitHub: merge-upstream and its refusals explained,
//! the fork's branches (paged) deleted only when every pull request from them is merged or closed.

use crate::status::{command, fake, TOKEN};
use crate::support::github::MergeUpstreamResult;

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
