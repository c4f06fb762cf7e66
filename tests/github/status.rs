//! `status` against the fake GitHub: one pull request's checks (paged), statuses, the CLA,
//! reviews and review comments (paged), the base branch moving on; the list of open pull requests;
//! `--watch` with conditional requests (304s) until the merge; a deleted fork; tokens; rate limits.

use crate::common;
use crate::support::github::{FakeGitHub, FakeGitHubConfig, FakeUser};
use assert_cmd::Command;
use serde_json::Value;
use std::time::{Duration, Instant};

pub(crate) const TOKEN: &str = "ghp_statustoken000000000000000000000000";
const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
const FORK: &str = "octo/PowerPlatformConnectors";

pub(crate) fn fake() -> FakeGitHub {
    let mut config = FakeGitHubConfig::default().user(TOKEN, "octo").repo(UPSTREAM).fork(FORK, UPSTREAM);
    config
        .users
        .push(FakeUser::new("ghp_noscope_status", "noscope").scopes(Some("read:user")));
    FakeGitHub::start(config)
}

pub(crate) fn command(github: &FakeGitHub, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.args(args)
        .args(["--github-api", &github.url()])
        .env("GH_TOKEN", TOKEN)
        .env_remove("GITHUB_TOKEN")
        .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_WATCH_MS", "20")
        .env("CONNECTOR_PUBLISH_CONFIG", "/nonexistent/connector-publish.toml");
    cmd
}

/// PR #7 from octo:add-open-brewery-db, and its head sha.
fn open_pr(github: &FakeGitHub) -> String {
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-open-brewery-db", 7);
    github.prs().into_iter().find(|p| p.number == 7).unwrap().head_sha
}

fn json_of(out: &std::process::Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn one_pull_request_with_300_review_comments_and_50_checks_is_read_in_a_bounded_number_of_calls() {
    let github = fake();
    let sha = open_pr(&github);
    github.update_pr(7, |p| p.labels = vec!["Independent Publisher".into(), "Waiting on author".into()]);
    github.set_compare(&sha, 1, 12);
    for i in 0..49 {
        github.add_check_run(&sha, &format!("job {i}"), Some("success"), "ok", "ok", "");
    }
    let failed = github.add_check_run(
        &sha,
        "Swagger Validator",
        Some("failure"),
        "1 error",
        "Validation failed:\nOperationIdNotUnique: the operation id GetBrewery is used twice",
        "See the log.",
    );
    github.add_annotation(
        failed,
        "independent-publisher-connectors/Open Brewery DB/apiDefinition.swagger.json",
        12,
        "OperationIdNotUnique",
        "GetBrewery is used twice",
    );
    github.add_status(&sha, "license/cla", "pending", "Contributor License Agreement is not agreed yet.");
    github.add_review(7, "maintainer", "COMMENTED", "A first look.");
    github.add_review(
        7,
        "maintainer",
        "CHANGES_REQUESTED",
        "Please add response schemas.\nSee the comments.",
    );
    let mut top = Vec::new();
    for i in 0..250 {
        top.push(github.add_review_comment(
            7,
            "maintainer",
            "apiDefinition.swagger.json",
            Some(i + 1),
            &format!("comment {i}\nsecond line"),
            None,
        ));
    }
    for i in 0..40 {
        github.add_review_comment(7, "maintainer", "readme.md", None, &format!("outdated {i}"), None);
    }
    for parent in &top[..10] {
        github.add_review_comment(7, "octo", "apiDefinition.swagger.json", Some(1), "done", Some(*parent));
    }

    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["state"], "open");
    assert_eq!(doc["head"], "octo:add-open-brewery-db");
    assert_eq!(doc["labels"], serde_json::json!(["Independent Publisher", "Waiting on author"]));
    assert_eq!(doc["mergeability"]["base_moved_by"], 12);
    assert_eq!(doc["mergeability"]["conflicts"], false);
    let checks = doc["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 51, "50 check runs and one status");
    let validator = checks.iter().find(|c| c["name"] == "Swagger Validator").unwrap();
    assert_eq!(validator["state"], "failure");
    let details: Vec<&str> = validator["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("OperationIdNotUnique: the operation id GetBrewery")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("apiDefinition.swagger.json:12: OperationIdNotUnique GetBrewery is used twice")),
        "{details:?}"
    );
    assert_eq!(validator["rules"][0]["validator"], "OperationIdNotUnique");
    assert_eq!(validator["rules"][0]["rule"], "operation-id");
    assert_eq!(doc["cla"]["state"], "pending");
    assert_eq!(doc["cla"]["reply"], "@microsoft-github-policy-service agree");
    assert_eq!(doc["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(doc["reviews"][0]["state"], "CHANGES_REQUESTED");
    assert_eq!(doc["comments"].as_array().unwrap().len(), 250);
    assert_eq!(doc["outdated_comments"], 40);
    assert_eq!(doc["comments"][0]["replies"], 1);

    // Every page read once: 300 review comments are 3 pages of 100; the rest one call each.
    let comments = format!("GET /repos/{UPSTREAM}/pulls/7/comments");
    assert_eq!(github.count(&comments), 3);
    assert_eq!(github.count(&format!("GET /repos/{UPSTREAM}/commits/{sha}/check-runs")), 1);
    assert_eq!(github.count(&format!("GET /repos/{UPSTREAM}/check-runs/{failed}/annotations")), 1);
    assert_eq!(
        github.requests().len(),
        10,
        "{:#?}",
        github.requests().iter().map(|r| r.route()).collect::<Vec<_>>()
    );
    assert!(github.write_requests().is_empty());

    // The terminal: the reply with a company, the rule to run locally, a bounded comment list.
    let out = command(&github, &["status", "7", "--company", "Contoso"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for expected in [
        "#7 Existing pull request #7 (open)",
        "CLA: pending (status license/cla)",
        "reply on the pull request: @microsoft-github-policy-service agree company=\"Contoso\"",
        "`OperationIdNotUnique` is the rule `operation-id`: run `connector-publish validate` to see it locally",
        "the base branch moved on by 12 commits",
        "maintainer changes requested",
        "Review comments: 250 on the current diff, 40 outdated",
        "… and 230 more (--json lists them all)",
        "labels: Independent Publisher, Waiting on author",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn the_cla_is_read_from_the_bots_comment_and_the_authors_reply() {
    let github = fake();
    open_pr(&github);
    github.add_issue_comment(7, "microsoft-github-policy-service[bot]", "Please read the following Contributor License Agreement (CLA). If you agree, reply with @microsoft-github-policy-service agree [company=\"{your company}\"].");
    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["cla"]["state"], "pending");
    assert!(doc["next"][0].as_str().unwrap().contains("@microsoft-github-policy-service agree"));
    github.add_issue_comment(7, "octo", "@microsoft-github-policy-service agree");
    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["cla"]["state"], "signed");
    assert!(doc["cla"]["reply"].is_null());
}

#[test]
fn without_an_argument_the_users_open_pull_requests_are_listed_across_pages() {
    let github = fake();
    for i in 0..120 {
        github.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("someone{i}:add-x{i}"), 100 + i);
    }
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-open-brewery-db", 7);
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:update-deepl", 300);
    let doc = json_of(&command(&github, &["status", "--json"]).output().unwrap());
    let numbers: Vec<u64> = doc["pulls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [300, 7]);
    assert_eq!(github.count(&format!("GET /repos/{UPSTREAM}/pulls")), 2, "two pages of 100");
    let out = command(&github, &["status", "--watch"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "--watch needs one pull request");
}

#[test]
fn a_branch_a_folder_or_a_url_find_the_pull_request() {
    let github = fake();
    open_pr(&github);
    github.close_pr(7);
    github.update_pr(7, |p| p.merged = true);
    let doc = json_of(&command(&github, &["status", "add-open-brewery-db", "--json"]).output().unwrap());
    assert_eq!((doc["number"].as_u64(), doc["state"].as_str()), (Some(7), Some("merged")));
    assert!(
        doc["mergeability"]["base_moved_by"].is_null(),
        "no compare for a merged pull request"
    );
    let folder = tempfile::tempdir().unwrap();
    common::write_clean_connector(folder.path());
    let doc = json_of(
        &command(&github, &["status", folder.path().to_str().unwrap(), "--json"])
            .output()
            .unwrap(),
    );
    assert_eq!(doc["number"], 7);
    let url = "https://github.com/microsoft/PowerPlatformConnectors/pull/7/files";
    let doc = json_of(&command(&github, &["status", url, "--json"]).output().unwrap());
    assert_eq!(doc["number"], 7);
    let out = command(&github, &["status", "add-nothing"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no pull request on microsoft/PowerPlatformConnectors from octo:add-nothing"));
}

#[test]
fn a_pull_request_from_a_deleted_fork_says_what_to_do() {
    let github = fake();
    open_pr(&github);
    github.remove_repo(FORK);
    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["fork_deleted"], true);
    assert!(doc["next"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n.as_str().unwrap().contains("fork this pull request came from was deleted")));
    let out = command(&github, &["status", "7"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("from octo:add-open-brewery-db (the fork was deleted)"));
}

#[test]
fn watch_polls_with_etags_prints_what_changed_and_stops_at_the_merge() {
    let github = fake();
    open_pr(&github);
    let pull = format!("/repos/{UPSTREAM}/pulls/7");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("connector-publish"))
        .args(["status", "7", "--watch", "--github-api", &github.url()])
        .env("GH_TOKEN", TOKEN)
        .env_remove("GITHUB_TOKEN")
        .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_WATCH_MS", "20")
        .env("CONNECTOR_PUBLISH_CONFIG", "/nonexistent/connector-publish.toml")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let not_modified = || {
        github
            .requests()
            .iter()
            .filter(|r| r.path == pull && r.status == 304 && r.header("if-none-match").is_some())
            .count()
    };
    let wait_for = |what: &str, done: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done() {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for("a 304", &|| not_modified() >= 1);
    github.add_review(7, "maintainer", "APPROVED", "Looks good.");
    let seen = github.requests().len();
    wait_for("the review to be read", &|| {
        github.requests()[seen..]
            .iter()
            .any(|r| r.path.ends_with("/pulls/7/reviews") && r.status == 200)
    });
    // GitHub failing for a while (every retry of one look) does not end the watch.
    for _ in 0..4 {
        github.fail_next(&format!("GET {pull}"), 502, serde_json::json!({"message": "Server Error"}));
    }
    wait_for("the failures to be served", &|| github.pending_faults() == 0);
    github.close_pr(7);
    github.update_pr(7, |p| p.merged = true);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut child = child;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "--watch did not stop at the merge");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // The whole report once, then only the changed lines.
    assert_eq!(text.matches("from octo:add-open-brewery-db").count(), 1, "{text}");
    let changes: Vec<&str> = text.split("--- #7 changed:").collect();
    assert!(changes.len() >= 2, "{text}");
    assert!(text.contains("maintainer approved"), "{text}");
    assert!(changes.last().unwrap().contains("(merged)"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("#7 is merged; stopped watching"), "{stderr}");
    assert!(stderr.contains("warning: ") && stderr.contains("GitHub answered 502"), "{stderr}");
    assert!(not_modified() >= 1);
    assert!(github.write_requests().is_empty());
}

#[test]
fn rate_limits_are_waited_out_and_a_long_one_stops_with_advice() {
    let github = fake();
    let sha = open_pr(&github);
    github.rate_limit_next(&format!("GET /repos/{UPSTREAM}/commits/{sha}/check-runs"), 1);
    github.rate_limit_429_next(&format!("GET /repos/{UPSTREAM}/pulls/7/comments"), 0);
    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["number"], 7);
    assert_eq!(github.pending_faults(), 0);

    github.primary_rate_limit_next(&format!("GET /repos/{UPSTREAM}/pulls/7"), 3600);
    let out = command(&github, &["status", "7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run again later"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_bad_token_or_a_missing_pull_request_gets_a_hint() {
    let github = fake();
    let out = command(&github, &["status", "7"]).env("GH_TOKEN", "ghp_wrong").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("401") && stderr.contains("the token is wrong or expired"),
        "{stderr}"
    );
    assert!(!stderr.contains("ghp_wrong"), "the token is never printed");
    let out = command(&github, &["status", "99"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
}

/// Each section that comes from its own call (compare, check runs, statuses, annotations,
/// reviews, review comments, the conversation) failing with a 404 or a 403 is named with why, and
/// the rest stands; the command exits 0, as the pull request itself was read. A deleted fork
/// (`head.repo: null`) with a failing side call too.
#[test]
fn a_side_call_that_fails_leaves_the_rest_of_the_report_standing() {
    let github = fake();
    let sha = open_pr(&github);
    github.update_pr(7, |p| p.labels = vec!["Independent Publisher".into()]);
    github.set_compare(&sha, 1, 3);
    let failed = github.add_check_run(&sha, "Swagger Validator", Some("failure"), "1 error", "OperationIdNotUnique", "");
    github.add_annotation(
        failed,
        "apiDefinition.swagger.json",
        12,
        "OperationIdNotUnique",
        "GetBrewery is used twice",
    );
    github.add_status(&sha, "license/cla", "success", "Signed.");
    github.add_review(7, "maintainer", "CHANGES_REQUESTED", "Please add response schemas.");
    github.add_review_comment(7, "maintainer", "apiDefinition.swagger.json", Some(3), "A schema here.", None);
    github.add_issue_comment(7, "someone", "Looks useful.");
    let sections = [
        ("compare", format!("GET /repos/{UPSTREAM}/compare/dev...{sha}")),
        ("checks", format!("GET /repos/{UPSTREAM}/commits/{sha}/check-runs")),
        ("statuses", format!("GET /repos/{UPSTREAM}/commits/{sha}/status")),
        ("annotations", format!("GET /repos/{UPSTREAM}/check-runs/{failed}/annotations")),
        ("reviews", format!("GET /repos/{UPSTREAM}/pulls/7/reviews")),
        ("review comments", format!("GET /repos/{UPSTREAM}/pulls/7/comments")),
        ("comments", format!("GET /repos/{UPSTREAM}/issues/7/comments")),
    ];
    let refusals = [
        (
            404,
            serde_json::json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}),
        ),
        (
            403,
            serde_json::json!({"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com/rest"}),
        ),
    ];
    for (section, route) in &sections {
        for (status, body) in &refusals {
            github.fail_next(route, *status, body.clone());
            let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
            assert_eq!(github.pending_faults(), 0, "{section}: the failing call was made");
            let unread = doc["unread"].as_array().unwrap();
            assert_eq!(unread.len(), 1, "{section} {status}: {unread:?}");
            assert_eq!(unread[0]["section"], *section);
            let reason = unread[0]["reason"].as_str().unwrap();
            assert!(reason.contains(&status.to_string()), "{section}: {reason}");
            // The rest stands.
            assert_eq!(doc["number"], 7);
            assert_eq!(doc["labels"], serde_json::json!(["Independent Publisher"]));
            assert_eq!(
                doc["mergeability"]["base_moved_by"],
                if *section == "compare" { Value::Null } else { 3.into() }
            );
            let checks = doc["checks"].as_array().unwrap();
            let expected_checks = match *section {
                "checks" => 1,
                "statuses" => 1,
                _ => 2,
            };
            assert_eq!(checks.len(), expected_checks, "{section}: {checks:?}");
            assert_eq!(
                doc["reviews"].as_array().unwrap().len(),
                usize::from(*section != "reviews"),
                "{section}"
            );
            assert_eq!(
                doc["comments"].as_array().unwrap().len(),
                usize::from(*section != "review comments"),
                "{section}"
            );
            let validator = checks.iter().find(|c| c["name"] == "Swagger Validator");
            if *section == "annotations" {
                let details = validator.unwrap()["details"].to_string();
                assert!(!details.contains("GetBrewery is used twice"), "{details}");
            } else if *section != "checks" {
                let details = validator.unwrap()["details"].to_string();
                assert!(details.contains("GetBrewery is used twice"), "{section}: {details}");
            }
            assert!(
                doc["next"].to_string().contains(&format!("{section} could not be read")),
                "{section}: {}",
                doc["next"]
            );
        }
        // The human report says it where the section would be.
        github.fail_next(route, 404, refusals[0].1.clone());
        let out = command(&github, &["status", "7"]).env("NO_COLOR", "1").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{section}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("could not be read: GET /repos/"), "{section}: {stdout}");
        assert!(stdout.contains("404 Not Found"), "{section}: {stdout}");
        assert!(stdout.contains("#7 Existing pull request #7"), "{stdout}");
    }

    // The fork deleted (`head.repo: null`), and the check runs refused: the rest still stands.
    github.remove_repo(FORK);
    github.fail_next(&sections[1].1, 403, refusals[1].1.clone());
    let doc = json_of(&command(&github, &["status", "7", "--json"]).output().unwrap());
    assert_eq!(doc["fork_deleted"], true);
    assert_eq!(doc["unread"][0]["section"], "checks");
    assert_eq!(doc["reviews"].as_array().unwrap().len(), 1);
    assert_eq!(doc["cla"]["state"], "signed", "from the status, which was read");

    // The pull request itself failing is still an error.
    github.fail_next(&format!("GET /repos/{UPSTREAM}/pulls/7"), 404, refusals[0].1.clone());
    let out = command(&github, &["status", "7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
}
