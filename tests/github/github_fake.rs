//! Exercises the fake GitHub REST API (tests/support/github.rs) with plain HTTP requests.

use crate::support;

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use support::github::{FakeGitHub, FakeGitHubConfig, FakeUser, MergeUpstreamResult, RecordedRequest};

const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
const TOKEN: &str = "token123";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn call(server: &FakeGitHub, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
    let url = format!("{}{}", server.url(), path);
    let agent = agent();
    let mut rq = match method {
        "GET" => agent.get(&url),
        "POST" => agent.post(&url),
        other => panic!("method {other} not used here"),
    }
    .header("Accept", "application/vnd.github+json");
    if let Some(t) = token {
        rq = rq.header("Authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        rq = rq.header("Content-Type", "application/json").body(serde_json::to_vec(&b).unwrap());
    }
    let response = rq.send().expect("HTTP exchange with the fake");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let text = response.text().expect("read body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    Reply { status, headers, body }
}

fn start(polls: u32) -> FakeGitHub {
    FakeGitHub::start(FakeGitHubConfig {
        users: vec![
            (TOKEN, "octo").into(),
            FakeUser::new("noscope", "plain").scopes(Some("")),
            FakeUser::new("github_pat_fine", "fine").scopes(None),
        ],
        repos: vec![UPSTREAM.into()],
        fork_polls_before_visible: polls,
        ..Default::default()
    })
}

#[test]
fn user_with_good_token_and_401_otherwise() {
    let gh = start(0);

    let ok = call(&gh, "GET", "/user", Some(TOKEN), None);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["login"], "octo");
    assert_eq!(ok.body["type"], "User");
    assert!(ok.body["id"].as_u64().is_some());
    assert_eq!(ok.body["html_url"], "https://github.com/octo");
    assert_eq!(ok.header("x-oauth-scopes"), Some("repo, workflow"));
    assert_eq!(ok.header("content-type"), Some("application/json; charset=utf-8"));

    let no_scope = call(&gh, "GET", "/user", Some("noscope"), None);
    assert_eq!(no_scope.status, 200);
    assert_eq!(no_scope.header("x-oauth-scopes"), Some(""));

    let fine = call(&gh, "GET", "/user", Some("github_pat_fine"), None);
    assert_eq!(fine.status, 200);
    assert_eq!(fine.header("x-oauth-scopes"), None);

    let bad = call(&gh, "GET", "/user", Some("wrong"), None);
    assert_eq!(bad.status, 401);
    assert_eq!(bad.body["message"], "Bad credentials");
    assert!(bad.body["documentation_url"].is_string());

    let anonymous = call(&gh, "GET", "/user", None, None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.body["message"], "Requires authentication");

    let recorded: Vec<RecordedRequest> = gh.requests();
    assert_eq!(recorded.len(), 5);
    assert_eq!(recorded[0].authorization.as_deref(), Some("Bearer token123"));
    assert_eq!(gh.count("GET /user"), 5);
}

#[test]
fn repository_and_404() {
    let gh = start(0);
    let r = call(&gh, "GET", "/repos/microsoft/PowerPlatformConnectors", Some(TOKEN), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body["full_name"], UPSTREAM);
    assert_eq!(r.body["owner"]["login"], "microsoft");
    assert_eq!(r.body["owner"]["type"], "Organization");
    assert_eq!(r.body["fork"], false);
    assert_eq!(r.body["default_branch"], "dev");
    assert_eq!(r.body["clone_url"], "https://github.com/microsoft/PowerPlatformConnectors.git");
    assert_eq!(
        r.body["permissions"],
        json!({"admin": false, "maintain": false, "push": false, "triage": false, "pull": true})
    );
    assert!(r.body.get("parent").is_none());

    let missing = call(&gh, "GET", "/repos/microsoft/Nope", Some(TOKEN), None);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["message"], "Not Found");
}

#[test]
fn fork_appears_after_n_polls_and_second_post_returns_it() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hook_seen = Arc::clone(&seen);
    let gh = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork_polls_before_visible(3)
            .on_fork(move |f| {
                hook_seen
                    .lock()
                    .unwrap()
                    .push(format!("{}/{} <- {}/{}", f.owner, f.repo, f.parent_owner, f.parent_repo));
            }),
    );
    let fork_path = "/repos/octo/PowerPlatformConnectors";
    assert_eq!(call(&gh, "GET", fork_path, Some(TOKEN), None).status, 404);

    let created = call(
        &gh,
        "POST",
        "/repos/microsoft/PowerPlatformConnectors/forks",
        Some(TOKEN),
        Some(json!({"default_branch_only": true})),
    );
    assert_eq!(created.status, 202);
    assert_eq!(created.body["full_name"], "octo/PowerPlatformConnectors");
    assert_eq!(created.body["fork"], true);
    assert_eq!(created.body["owner"]["login"], "octo");
    assert_eq!(created.body["parent"]["full_name"], UPSTREAM);
    assert_eq!(created.body["parent"]["owner"]["login"], "microsoft");
    assert_eq!(created.body["source"]["full_name"], UPSTREAM);
    assert_eq!(created.body["permissions"]["push"], true);
    assert_eq!(
        *seen.lock().unwrap(),
        vec!["octo/PowerPlatformConnectors <- microsoft/PowerPlatformConnectors".to_string()]
    );

    for _ in 0..3 {
        assert_eq!(call(&gh, "GET", fork_path, Some(TOKEN), None).status, 404);
    }
    let visible = call(&gh, "GET", fork_path, Some(TOKEN), None);
    assert_eq!(visible.status, 200);
    assert_eq!(visible.body["parent"]["full_name"], UPSTREAM);
    assert_eq!(visible.body["default_branch"], "dev");

    let again = call(&gh, "POST", "/repos/microsoft/PowerPlatformConnectors/forks", Some(TOKEN), None);
    assert_eq!(again.status, 202);
    assert_eq!(again.body["id"], created.body["id"]);
    assert_eq!(seen.lock().unwrap().len(), 1, "no second fork is made");
    assert_eq!(gh.count("POST /repos/microsoft/PowerPlatformConnectors/forks"), 2);
    assert_eq!(gh.forks_of(UPSTREAM).len(), 1);
}

#[test]
fn merge_upstream_syncs_and_injected_409() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let hook_calls = Arc::clone(&calls);
    let gh = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork("octo/PowerPlatformConnectors", UPSTREAM)
            .on_merge_upstream(move |c| {
                hook_calls.lock().unwrap().push(format!("{}/{}:{}", c.owner, c.repo, c.branch));
                MergeUpstreamResult::FastForward
            }),
    );
    let path = "/repos/octo/PowerPlatformConnectors/merge-upstream";

    let ok = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.body,
        json!({
            "message": "Successfully fetched and fast-forwarded from upstream microsoft:dev.",
            "merge_type": "fast-forward",
            "base_branch": "microsoft:dev"
        })
    );
    assert_eq!(*calls.lock().unwrap(), vec!["octo/PowerPlatformConnectors:dev".to_string()]);

    gh.fail_next(&format!("POST {path}"), 409, json!({"message": "There are merge conflicts"}));
    let conflict = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.body["message"], "There are merge conflicts");
    assert_eq!(calls.lock().unwrap().len(), 1, "an injected answer skips the hook");

    let after = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(after.status, 200);

    // Not the caller's repository.
    let upstream = call(
        &gh,
        "POST",
        "/repos/microsoft/PowerPlatformConnectors/merge-upstream",
        Some(TOKEN),
        Some(json!({"branch": "dev"})),
    );
    assert_eq!(upstream.status, 403);
    assert_eq!(gh.write_requests().len(), 4);
}

#[test]
fn merge_upstream_configured_results_without_hook() {
    let gh = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork("octo/PowerPlatformConnectors", UPSTREAM),
    );
    let path = "/repos/octo/PowerPlatformConnectors/merge-upstream";
    gh.set_merge_upstream_result(MergeUpstreamResult::UpToDate);
    let none = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(none.body["merge_type"], "none");

    gh.set_merge_upstream_result(MergeUpstreamResult::Conflict);
    let conflict = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.body["message"], "There are merge conflicts");

    gh.set_merge_upstream_result(MergeUpstreamResult::Unprocessable("Branch not found".into()));
    let other = call(&gh, "POST", path, Some(TOKEN), Some(json!({"branch": "dev"})));
    assert_eq!(other.status, 422);

    let no_branch = call(&gh, "POST", path, Some(TOKEN), Some(json!({})));
    assert_eq!(no_branch.status, 422);
}

#[test]
fn pull_create_then_duplicate_422_and_list_filters() {
    let gh = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork("octo/PowerPlatformConnectors", UPSTREAM),
    );
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "someone:other-branch", 41);
    let pulls = "/repos/microsoft/PowerPlatformConnectors/pulls";
    let request = json!({
        "title": "Contoso connector",
        "head": "octo:contoso-connector",
        "base": "dev",
        "body": "Adds the Contoso connector.",
        "maintainer_can_modify": true,
        "draft": false
    });

    let created = call(&gh, "POST", pulls, Some(TOKEN), Some(request.clone()));
    assert_eq!(created.status, 201);
    assert_eq!(created.body["number"], 42);
    assert_eq!(created.body["state"], "open");
    assert_eq!(created.body["title"], "Contoso connector");
    assert_eq!(created.body["body"], "Adds the Contoso connector.");
    assert_eq!(created.body["draft"], false);
    assert_eq!(created.body["maintainer_can_modify"], true);
    assert_eq!(created.body["user"]["login"], "octo");
    assert_eq!(
        created.body["html_url"],
        "https://github.com/microsoft/PowerPlatformConnectors/pull/42"
    );
    assert_eq!(created.body["head"]["ref"], "contoso-connector");
    assert_eq!(created.body["head"]["label"], "octo:contoso-connector");
    assert_eq!(created.body["head"]["repo"]["full_name"], "octo/PowerPlatformConnectors");
    assert_eq!(created.body["head"]["sha"].as_str().map(str::len), Some(40));
    assert_eq!(created.body["base"]["ref"], "dev");
    assert_eq!(created.body["base"]["repo"]["full_name"], UPSTREAM);
    assert!(created.header("location").is_some_and(|l| l.ends_with("/pulls/42")));

    let duplicate = call(&gh, "POST", pulls, Some(TOKEN), Some(request.clone()));
    assert_eq!(duplicate.status, 422);
    assert_eq!(duplicate.body["message"], "Validation Failed");
    assert_eq!(
        duplicate.body["errors"],
        json!([{
            "resource": "PullRequest",
            "code": "custom",
            "message": "A pull request already exists for octo:contoso-connector."
        }])
    );

    let second = call(
        &gh,
        "POST",
        pulls,
        Some(TOKEN),
        Some(json!({"title": "Another", "head": "octo:another", "base": "dev"})),
    );
    assert_eq!(second.body["number"], 43);

    let mine = call(
        &gh,
        "GET",
        &format!("{pulls}?head=octo%3Acontoso-connector&base=dev&state=open"),
        Some(TOKEN),
        None,
    );
    assert_eq!(mine.status, 200);
    let list = mine.body.as_array().expect("array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["number"], 42);
    assert_eq!(list[0]["head"]["repo"]["full_name"], "octo/PowerPlatformConnectors");

    let all_open = call(&gh, "GET", pulls, Some(TOKEN), None);
    let numbers: Vec<u64> = all_open
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, vec![43, 42, 41]);

    let by_user = call(&gh, "GET", &format!("{pulls}?head=octo"), Some(TOKEN), None);
    assert_eq!(by_user.body.as_array().unwrap().len(), 2);

    gh.close_pr(42);
    let after_close = call(
        &gh,
        "GET",
        &format!("{pulls}?head=octo:contoso-connector&state=open"),
        Some(TOKEN),
        None,
    );
    assert_eq!(after_close.body, json!([]));
    let closed = call(
        &gh,
        "GET",
        &format!("{pulls}?head=octo:contoso-connector&state=closed"),
        Some(TOKEN),
        None,
    );
    assert_eq!(closed.body.as_array().unwrap().len(), 1);

    let no_fork = call(
        &gh,
        "POST",
        pulls,
        Some(TOKEN),
        Some(json!({"title": "x", "head": "stranger:branch", "base": "dev"})),
    );
    assert_eq!(no_fork.status, 422);
    assert_eq!(no_fork.body["errors"][0]["field"], "head");
    assert_eq!(no_fork.body["errors"][0]["code"], "invalid");

    let recorded = gh.requests();
    let first_post = recorded.iter().find(|r| r.method == "POST").unwrap();
    assert_eq!(first_post.body, request);
    let filtered = recorded.iter().find(|r| r.raw_query.contains("base=dev")).unwrap();
    assert_eq!(filtered.query_param("head"), Some("octo:contoso-connector"));
    assert_eq!(gh.prs().len(), 3);
}

#[test]
fn injected_502_then_success() {
    let gh = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork("octo/PowerPlatformConnectors", UPSTREAM),
    );
    let route = "POST /repos/microsoft/PowerPlatformConnectors/pulls";
    gh.fail_next(route, 502, json!({"message": "Server Error"}));
    assert_eq!(gh.pending_faults(), 1);
    let body = json!({"title": "t", "head": "octo:b", "base": "dev"});
    let path = "/repos/microsoft/PowerPlatformConnectors/pulls";

    let failed = call(&gh, "POST", path, Some(TOKEN), Some(body.clone()));
    assert_eq!(failed.status, 502);
    assert_eq!(failed.body["message"], "Server Error");
    assert!(gh.prs().is_empty(), "a served fault changes nothing");

    let ok = call(&gh, "POST", path, Some(TOKEN), Some(body));
    assert_eq!(ok.status, 201);
    assert_eq!(gh.pending_faults(), 0);
    let recorded = gh.requests();
    assert!(recorded[0].injected && !recorded[1].injected);
    assert_eq!(gh.count(route), 2);
}

#[test]
fn rate_limits_secondary_429_and_primary() {
    let gh = start(0);
    gh.rate_limit_next("GET /user", 2);
    let limited = call(&gh, "GET", "/user", Some(TOKEN), None);
    assert_eq!(limited.status, 403);
    assert_eq!(limited.header("retry-after"), Some("2"));
    assert!(limited.body["message"]
        .as_str()
        .unwrap()
        .starts_with("You have exceeded a secondary rate limit"));

    gh.rate_limit_429_next("GET /user", 1);
    let too_many = call(&gh, "GET", "/user", Some(TOKEN), None);
    assert_eq!(too_many.status, 429);
    assert_eq!(too_many.header("retry-after"), Some("1"));

    gh.primary_rate_limit_next("*", 60);
    let primary = call(&gh, "GET", "/repos/microsoft/PowerPlatformConnectors", Some(TOKEN), None);
    assert_eq!(primary.status, 403);
    assert_eq!(primary.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = primary.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!(reset > 1_700_000_000);
    assert!(primary.body["message"].as_str().unwrap().starts_with("API rate limit exceeded"));

    let fine = call(&gh, "GET", "/user", Some(TOKEN), None);
    assert_eq!(fine.status, 200);
    assert_eq!(fine.header("x-ratelimit-remaining"), Some("4999"));
}

#[test]
fn unknown_routes_are_404_and_recorded() {
    let gh = start(0);
    let r = call(
        &gh,
        "POST",
        "/repos/microsoft/PowerPlatformConnectors/issues",
        Some(TOKEN),
        Some(json!({"title": "x"})),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.body["message"], "Not Found");
    let unhandled = gh.unhandled();
    assert_eq!(unhandled.len(), 1);
    assert_eq!(unhandled[0].route(), "POST /repos/microsoft/PowerPlatformConnectors/issues");
    assert_eq!(unhandled[0].body, json!({"title": "x"}));
    assert_eq!(gh.write_requests().len(), 1);
}
