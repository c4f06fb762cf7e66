//! The duplicate search's other source: open pull requests against upstream `dev`, read from the
//! fake GitHub (the pulls list and its pages with ETags, a pull request's files over several pages,
//! the swagger at the head from the base repository), the cache by head commit, the rate limit
//! running out part way, and `search`/`submit` with no token, offline, with an open pull request
//! for the same API, and with 131 open ones.

use crate::common;
use crate::common::git;
use crate::support::github::{FakeGitHub, FakeGitHubConfig};
use assert_cmd::Command;
use connector_publish::catalog::open_prs::{self, Bounds, Looked, BOUNDS};
use connector_publish::catalog::Source;
use connector_publish::catalog::Verdict;
use connector_publish::connector::Fingerprint;
use connector_publish::publish::github::{self, Client, UpstreamPulls};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
const PULLS: &str = "GET /repos/microsoft/PowerPlatformConnectors/pulls";
const TOKEN: &str = "ghp_reviewer_token";
const WEATHER: &str = "independent-publisher-connectors/OpenWeather Now/apiDefinition.swagger.json";

fn swagger(title: &str, host: &str, base: &str, paths: &[&str]) -> String {
    let paths: serde_json::Map<String, serde_json::Value> = paths
        .iter()
        .map(|p| {
            (
                p.to_string(),
                json!({"get": {"operationId": "Get", "responses": {"200": {"description": "OK"}}}}),
            )
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "swagger": "2.0", "info": {"title": title, "version": "1.0"}, "host": host, "basePath": base, "schemes": ["https"], "paths": paths
    }))
    .unwrap()
}

/// The fake, with the upstream and the forks the pull requests come from.
fn fake() -> FakeGitHub {
    FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "reviewer")
            .repo(UPSTREAM)
            .fork("alice/PowerPlatformConnectors", UPSTREAM)
            .fork("bob/PowerPlatformConnectors", UPSTREAM)
            .fork("reviewer/PowerPlatformConnectors", UPSTREAM),
    )
}

fn client(gh: &FakeGitHub) -> Client {
    let settings = github::Settings {
        api: gh.url(),
        upstream_repo: UPSTREAM.into(),
        poll_interval: Duration::from_millis(10),
        ..Default::default()
    };
    Client::new(&settings, TOKEN.into()).unwrap()
}

fn look(gh: &FakeGitHub, cache: &Path, query: &Fingerprint, bounds: &Bounds) -> anyhow::Result<Looked> {
    let client = client(gh);
    let source = UpstreamPulls {
        client: &client,
        repo: UPSTREAM.into(),
    };
    open_prs::search(&source, cache, UPSTREAM, "dev", query, Some("reviewer"), bounds)
}

/// The one current-weather endpoint, split as `/data/2.5/` + `/weather`.
fn current_weather() -> Fingerprint {
    Fingerprint::from_swagger_bytes(swagger("Current Weather", "api.openweathermap.org", "/data/2.5/", &["/weather"]).as_bytes()).unwrap()
}

/// Alice's pull request #7 adds the same endpoint split as `/` + `/data/2.5/weather`.
fn alice_adds_weather(gh: &FakeGitHub) {
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "alice:add-openweather", 7);
    gh.set_pr_title(7, "Add OpenWeather Now (Independent Publisher)", "alice");
    let body = swagger(
        "OpenWeather Now",
        "api.openweathermap.org",
        "/",
        &["/data/2.5/weather", "/data/2.5/forecast"],
    );
    gh.set_pr_files(
        7,
        &[
            (WEATHER, Some(body.as_str())),
            (
                "independent-publisher-connectors/OpenWeather Now/readme.md",
                Some("# OpenWeather Now\n"),
            ),
        ],
    );
}

#[test]
fn an_open_pull_request_for_the_same_api_is_found_and_cached_by_its_head_commit() {
    let gh = fake();
    alice_adds_weather(&gh);
    // Bob's is another API; the reviewer's own pull request is not someone else's submission.
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "bob:add-quotes", 8);
    gh.set_pr_title(8, "Add Quotes", "bob");
    let quotes = swagger("Quotes", "api.quotable.io", "/", &["/random", "/quotes"]);
    gh.set_pr_files(
        8,
        &[("independent-publisher-connectors/Quotes/apiDefinition.swagger.json", Some(&quotes))],
    );
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "reviewer:weather", 9);
    let mine = swagger("Current Weather", "api.openweathermap.org", "/data/2.5", &["/weather"]);
    gh.set_pr_files(9, &[("custom-connectors/Current Weather/apiDefinition.swagger.json", Some(&mine))]);
    let cache = tempfile::tempdir().unwrap();

    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.open, 3);
    assert_eq!(looked.read, 2, "the reviewer's own pull request is not read");
    assert_eq!(looked.candidates.len(), 1, "{:?}", looked.candidates);
    let found = &looked.candidates[0];
    assert_eq!(found.verdict, Verdict::Duplicate);
    assert_eq!(
        found.label(),
        "open pull request #7 by @alice: Add OpenWeather Now (Independent Publisher)"
    );
    assert_eq!(found.folder, "independent-publisher-connectors/OpenWeather Now");
    assert!(matches!(found.source, Source::OpenPullRequest { number: 7, .. }));
    assert_eq!(
        found.url.as_deref(),
        Some("https://github.com/microsoft/PowerPlatformConnectors/pull/7")
    );

    // Another endpoint of the same host: related, not duplicate.
    let air =
        Fingerprint::from_swagger_bytes(swagger("Air", "api.openweathermap.org", "/data/2.5", &["/air_pollution"]).as_bytes()).unwrap();
    gh.clear_requests();
    let looked = look(&gh, cache.path(), &air, &BOUNDS).unwrap();
    assert_eq!(looked.candidates.len(), 1);
    assert_eq!(looked.candidates[0].verdict, Verdict::Related);
    // ... and, nothing having changed, read from the cache: the list only, each page a 304.
    assert_eq!(looked.read, 0);
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/7/files"), 0);
    assert_eq!(gh.count(PULLS), 2, "one page of open and one of closed pull requests");
    let pages: Vec<u16> = gh
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/pulls"))
        .map(|r| r.status)
        .collect();
    assert_eq!(pages, [304, 304], "the pages were asked with their ETags");
    assert!(gh
        .requests()
        .iter()
        .all(|r| r.path.ends_with("/pulls") || r.path == "/user" || r.status == 304));

    // A comment changes the update time, not the head: not read again.
    gh.touch_pr(7, "2024-03-01T10:00:00Z");
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.read, 0);
    // A push moves the head: read again, from the upstream repository.
    gh.update_pr(7, |p| p.head_sha = "1".repeat(40));
    gh.clear_requests();
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.read, 1);
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/7/files"), 1);
    assert_eq!(looked.candidates[0].verdict, Verdict::Duplicate);
    let contents: Vec<String> = gh
        .requests()
        .iter()
        .filter(|r| r.path.contains("/contents/"))
        .map(|r| format!("{}?{}", r.path, r.raw_query))
        .collect();
    assert_eq!(
        contents,
        [format!("/repos/{UPSTREAM}/contents/{WEATHER}?ref={}", "1".repeat(40))],
        "read from the base repository at the head commit"
    );
}

/// An open pull request that keeps its real host and base path in a `dynamichosturl` policy of
/// its `apiProperties.json` is compared on the routes the policy makes: the same API, written
/// plainly, is a duplicate of it. Without the policy's file in the pull request, it stays related.
#[test]
fn an_open_pull_requests_policies_are_read_with_its_swagger() {
    let gh = fake();
    let folder = "independent-publisher-connectors/Jira Lite";
    let hidden = swagger(
        "Jira Lite",
        "definedinconnectionparameters",
        "/",
        &["/issue/{id}", "/search", "/project"],
    );
    let properties = serde_json::to_string_pretty(&json!({"properties": {
        "publisher": "Alice Tools",
        "policyTemplateInstances": [{"templateId": "dynamichosturl", "title": "host", "parameters": {
            "x-ms-apimTemplateParameter.urlTemplate": "https://@connectionParameters('instance').atlassian.net/rest/api/3"}}]
    }}))
    .unwrap();
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "alice:add-jira-lite", 7);
    gh.set_pr_title(7, "Add Jira Lite (Independent Publisher)", "alice");
    let swagger_path = format!("{folder}/apiDefinition.swagger.json");
    let properties_path = format!("{folder}/apiProperties.json");
    gh.set_pr_files(
        7,
        &[
            (swagger_path.as_str(), Some(hidden.as_str())),
            (properties_path.as_str(), Some(properties.as_str())),
        ],
    );
    let plain = Fingerprint::from_swagger_bytes(
        swagger(
            "Jira Mini",
            "your-company.atlassian.net",
            "/rest/api/3",
            &["/issue/{key}", "/search", "/project"],
        )
        .as_bytes(),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let looked = look(&gh, cache.path(), &plain, &BOUNDS).unwrap();
    assert!(looked.complete(), "{:?}", looked.unread);
    assert_eq!(looked.candidates.len(), 1, "{:?}", looked.notes);
    assert_eq!(
        looked.candidates[0].verdict,
        Verdict::Duplicate,
        "{:?}",
        looked.candidates[0].evidence
    );
    let read = gh
        .requests()
        .iter()
        .filter(|r| r.path.contains("/contents/") && r.path.ends_with("/apiProperties.json"))
        .count();
    assert_eq!(read, 1, "the policies' file read once, at the head");

    // The same pull request without its apiProperties.json: the swagger alone names no host.
    let gh = fake();
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "alice:add-jira-lite", 7);
    gh.set_pr_title(7, "Add Jira Lite (Independent Publisher)", "alice");
    gh.set_pr_files(7, &[(swagger_path.as_str(), Some(hidden.as_str()))]);
    let cache = tempfile::tempdir().unwrap();
    let looked = look(&gh, cache.path(), &plain, &BOUNDS).unwrap();
    assert!(
        looked.candidates.iter().all(|c| c.verdict != Verdict::Duplicate),
        "{:?}",
        looked.candidates
    );
}

/// A pull request whose fork was deleted (`head.repo: null`) is read from the base repository,
/// where its head stays as `refs/pull/N/head`.
#[test]
fn a_pull_request_from_a_deleted_fork_is_still_read() {
    let gh = fake();
    alice_adds_weather(&gh);
    gh.remove_repo("alice/PowerPlatformConnectors");
    let cache = tempfile::tempdir().unwrap();
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert!(looked.complete(), "{:?}", looked.unread);
    assert_eq!(looked.candidates.len(), 1, "{:?}", looked.notes);
    assert_eq!(looked.candidates[0].verdict, Verdict::Duplicate);
}

#[test]
fn closed_pull_requests_are_notes_only_when_not_merged() {
    let gh = fake();
    alice_adds_weather(&gh);
    gh.close_pr(7);
    let cache = tempfile::tempdir().unwrap();
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert!(looked.candidates.is_empty());
    assert_eq!(looked.notes.len(), 1, "{:?}", looked.notes);
    assert!(
        looked.notes[0].contains("closed pull request #7 by @alice") && looked.notes[0].contains("not merged"),
        "{:?}",
        looked.notes
    );
    // Merged: it is upstream now, the mirror's business.
    gh.merge_pr(7);
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert!(looked.candidates.is_empty() && looked.notes.is_empty(), "{:?}", looked.notes);
}

#[test]
fn every_open_pull_request_is_read_on_the_first_run_over_several_pages() {
    let gh = fake();
    // 105 open pull requests: the list takes two pages of 100.
    for n in 1..=105 {
        gh.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("bob:branch-{n}"), n);
        gh.set_pr_title(n, &format!("Change {n}"), "bob");
    }
    // Pull request #3 (on the list's second page) changes 150 files; its swagger is on the second page of files.
    let body = swagger("OpenWeather Now", "api.openweathermap.org", "/", &["/data/2.5/weather"]);
    let mut files: Vec<(String, Option<String>)> = (0..149)
        .map(|i| {
            (
                format!("independent-publisher-connectors/OpenWeather Now/script{i}.txt"),
                Some(String::new()),
            )
        })
        .collect();
    files.push((WEATHER.to_string(), Some(body)));
    let files: Vec<(&str, Option<&str>)> = files.iter().map(|(p, c)| (p.as_str(), c.as_deref())).collect();
    gh.set_pr_files(3, &files);
    let cache = tempfile::tempdir().unwrap();

    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.open, 105);
    assert_eq!(looked.read, 105, "all of them on the first run");
    assert!(looked.complete());
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/3/files"), 2);
    assert_eq!(looked.candidates.len(), 1);
    assert_eq!(looked.candidates[0].label(), "open pull request #3 by @bob: Change 3");
    assert!(looked.notes.is_empty(), "{:?}", looked.notes);
    let files_calls = gh.requests().iter().filter(|r| r.path.ends_with("/files")).count();
    assert_eq!(files_calls, 106, "one per pull request, two for #3");

    // Bounded to one page of the list: the left-out ones are said, and the look is not complete.
    let cold = tempfile::tempdir().unwrap();
    gh.clear_requests();
    let few = Bounds { open_pages: 1, ..BOUNDS };
    let looked = look(&gh, cold.path(), &current_weather(), &few).unwrap();
    assert_eq!(looked.open, 100);
    assert!(!looked.complete());
    assert!(
        looked.notes.iter().any(|n| n.contains("more than 100 open pull requests")),
        "{:?}",
        looked.notes
    );
    assert_eq!(gh.count(PULLS), 2);
}

#[test]
fn a_rate_limit_is_waited_out_when_short_and_reported_when_long() {
    let gh = fake();
    alice_adds_weather(&gh);
    let cache = tempfile::tempdir().unwrap();
    gh.rate_limit_next(PULLS, 1);
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.candidates.len(), 1);
    assert_eq!(gh.count(PULLS), 3, "the rate-limited page was asked again");

    gh.primary_rate_limit_next(PULLS, 3600);
    let error = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap_err();
    let text = format!("{error:#}");
    assert!(text.contains("rate limit") && text.contains("run again later"), "{text}");
    assert!(!text.contains(TOKEN));
}

/// The rate limit runs out after some pull requests were read: no further read is started, and
/// every open pull request that was not read is named; the next run reads just those.
#[test]
fn when_the_rate_limit_runs_out_part_way_the_unread_pull_requests_are_named() {
    let gh = fake();
    // Alice's #7 and bob's #8 to #47: listed #47 first, #7 last.
    alice_adds_weather(&gh);
    for n in 8..=47 {
        gh.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("bob:branch-{n}"), n);
    }
    let cache = tempfile::tempdir().unwrap();
    // Read one at a time, in the list's order: #47 to #40 are read, then #39's files call finds
    // the limit spent for an hour.
    gh.primary_rate_limit_next(&format!("GET /repos/{UPSTREAM}/pulls/39/files"), 3600);
    let one_reader = Bounds { readers: 1, ..BOUNDS };
    let looked = look(&gh, cache.path(), &current_weather(), &one_reader).unwrap();
    assert!(!looked.complete());
    let unread: Vec<u64> = looked.unread.iter().map(|u| u.number).collect();
    assert_eq!(unread.len(), 41 - 8, "eight read, then nothing: {unread:?}");
    assert_eq!(unread.first(), Some(&39));
    let note = looked.notes.iter().find(|n| n.contains("could not be read")).unwrap();
    for n in &unread {
        assert!(note.contains(&format!("#{n}")), "{note}");
    }
    assert!(looked.unread.iter().any(|u| u.why.contains("rate limit")), "{:?}", looked.unread);
    // The next run reads only those.
    gh.clear_requests();
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert!(looked.complete(), "{:?}", looked.unread);
    assert_eq!(looked.read, unread.len());
    assert_eq!(looked.candidates.len(), 1);
}

// --- Through the binary ----------------------------------------------------------------------

/// An upstream with one unrelated connector, as a `file://` URL.
fn upstream(dir: &Path) -> String {
    let work = dir.join("work");
    let folder = work.join("certified-connectors/DeepL");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("apiDefinition.swagger.json"),
        swagger("DeepL", "api.deepl.com", "/v2", &["/translate", "/usage"]),
    )
    .unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "one"]);
    format!("file://{}", work.display())
}

fn bin(cache: &Path, gh: &FakeGitHub) -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.env("CONNECTOR_PUBLISH_CACHE", cache)
        .env(common::NO_SIGN_IN.0, common::NO_SIGN_IN.1)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("CONNECTOR_PUBLISH_GITHUB_API", gh.url())
        .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "10")
        .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "10")
        .env("PATH", "/usr/bin:/bin")
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN");
    cmd
}

#[test]
fn search_and_submit_look_at_open_pull_requests_with_a_token_only() {
    let gh = fake();
    alice_adds_weather(&gh);
    let dir = tempfile::tempdir().unwrap();
    let url = upstream(dir.path());
    let cache = dir.path().join("cache");
    let mine = dir.path().join("Current Weather");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(
        mine.join("apiDefinition.swagger.json"),
        swagger("Current Weather", "api.openweathermap.org", "/data/2.5/", &["/weather"]),
    )
    .unwrap();

    // No token: the search says it did not look, and finds nothing upstream.
    let out = bin(&cache, &gh).args(["search", "--upstream", &url]).arg(&mine).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("did not look at open pull requests") && stderr.contains("no GitHub token"),
        "{stderr}"
    );
    assert_eq!(gh.count(PULLS), 0);

    // Offline, even with a token: it did not look either.
    let out = bin(&cache, &gh)
        .args(["search", "--offline", "--upstream", &url])
        .arg(&mine)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("did not look at open pull requests") && stderr.contains("offline"),
        "{stderr}"
    );
    assert_eq!(gh.count(PULLS), 0);

    // With a token: alice's open pull request is a duplicate.
    let out = bin(&cache, &gh)
        .args(["search", "--upstream", &url])
        .arg(&mine)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stdout}\n{stderr}");
    assert!(stdout.contains("open pull request #7 by @alice: Add OpenWeather Now"), "{stdout}");
    assert!(stderr.contains("Looked at 1 open pull request(s)"), "{stderr}");
    assert!(!stdout.contains(TOKEN) && !stderr.contains(TOKEN));
    let json_out = bin(&cache, &gh)
        .args(["search", "--json", "--upstream", &url])
        .arg(&mine)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(doc["candidates"][0]["source"]["kind"], "open_pull_request");
    assert_eq!(doc["candidates"][0]["source"]["number"], 7);
    assert_eq!(doc["pull_requests"]["looked"], true);

    // submit stops on it like on a duplicate; --allow-duplicate goes on.
    let clean = dir.path().join("Clean");
    common::write_clean_connector(&clean);
    let brewery = swagger("Open Brewery DB", "api.openbrewerydb.org", "/v1", &["/breweries/{obdb_id}"]);
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "bob:add-brewery", 11);
    gh.set_pr_title(11, "Add Open Brewery DB", "bob");
    gh.set_pr_files(
        11,
        &[(
            "independent-publisher-connectors/Brewery/apiDefinition.swagger.json",
            Some(&brewery),
        )],
    );
    let submit = |extra: &[&str]| {
        bin(&cache, &gh)
            .args([
                "submit",
                "--dry-run",
                "--without-package",
                "--upstream",
                &url,
                "--upstream-repo",
                UPSTREAM,
            ])
            .args(extra)
            .arg(&clean)
            .env("GH_TOKEN", TOKEN)
            .output()
            .unwrap()
    };
    let out = submit(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(5), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("open pull request #11 by @bob: Add Open Brewery DB"), "{stdout}");
    let out = submit(&["--allow-duplicate", "the pull request was abandoned"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// 131 open pull requests, each adding a connector, and the duplicate listed last (the least
/// recently updated): the first `search` with a token finds it, and `submit --dry-run` stops on
/// it. When the rate limit runs out part way, a real `submit` stops and names the pull requests it
/// could not read, unless `--allow-unchecked-prs`.
#[test]
fn with_131_open_pull_requests_the_first_run_finds_the_one_listed_last() {
    let gh = fake();
    let dir = tempfile::tempdir().unwrap();
    // Alice's #7 submits the same API as the clean connector (Open Brewery DB).
    let clean = dir.path().join("Clean");
    common::write_clean_connector(&clean);
    let brewery = std::fs::read_to_string(clean.join("apiDefinition.swagger.json")).unwrap();
    gh.add_open_pr("microsoft", "PowerPlatformConnectors", "alice:add-brewery", 7);
    gh.set_pr_title(7, "Add Open Brewery DB", "alice");
    gh.set_pr_files(
        7,
        &[(
            "independent-publisher-connectors/Brewery/apiDefinition.swagger.json",
            Some(brewery.as_str()),
        )],
    );
    gh.touch_pr(7, "2023-01-01T00:00:00Z");
    for n in 100..230 {
        gh.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("bob:add-{n}"), n);
        gh.set_pr_title(n, &format!("Add Service {n}"), "bob");
        let body = swagger(
            &format!("Service {n}"),
            &format!("api{n}.example.com"),
            "/v1",
            &["/items", "/items/{id}"],
        );
        let path = format!("independent-publisher-connectors/Service {n}/apiDefinition.swagger.json");
        gh.set_pr_files(n, &[(path.as_str(), Some(body.as_str()))]);
        gh.touch_pr(n, &format!("2024-02-{:02}T10:{:02}:00Z", 1 + n % 28, n % 60));
    }
    assert_eq!(gh.prs().len(), 131);
    let url = upstream(dir.path());
    let cache = dir.path().join("cache");
    let mine = &clean;

    let out = bin(&cache, &gh)
        .args(["search", "--json", "--upstream", &url])
        .arg(mine)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["pull_requests"]["open"], 131);
    assert_eq!(doc["pull_requests"]["unread"], json!([]));
    assert_eq!(doc["candidates"][0]["source"]["number"], 7, "{doc}");
    assert_eq!(doc["candidates"][0]["verdict"], "duplicate", "{doc}");
    // The list came in two pages, sorted by update; alice's pull request was on the last one.
    let listed: Vec<String> = gh
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/pulls") && r.query_param("state") == Some("open"))
        .map(|r| r.raw_query.clone())
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|q| q.contains("sort=updated") && q.contains("per_page=100")));

    let out = bin(&cache, &gh)
        // An independent publisher's folder without its certification package: the duplicate
        // is what stops it here.
        .args([
            "submit",
            "--dry-run",
            "--without-package",
            "--upstream",
            &url,
            "--upstream-repo",
            UPSTREAM,
        ])
        .arg(mine)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(5), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("open pull request #7 by @alice: Add Open Brewery DB"), "{stdout}");

    // A first run, for another API, whose rate limit runs out at #150's files.
    let other = dir.path().join("Other");
    common::write_clean_connector(&other);
    let swagger_path = other.join("apiDefinition.swagger.json");
    let text = std::fs::read_to_string(&swagger_path).unwrap();
    std::fs::write(&swagger_path, text.replace("api.openbrewerydb.org", "api.brewery-other.example")).unwrap();
    let clean = other;
    let fresh = dir.path().join("fresh-cache");
    let limited = || {
        gh.primary_rate_limit_next(&format!("GET /repos/{UPSTREAM}/pulls/150/files"), 3600);
    };
    limited();
    let out = bin(&fresh, &gh)
        .args([
            "submit",
            "--yes",
            "--without-package",
            "--upstream",
            &url,
            "--upstream-repo",
            UPSTREAM,
        ])
        .arg(&clean)
        .env("GH_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("could not be read") && stderr.contains("#150"), "{stderr}");
    assert!(stderr.contains("stopped:") && stderr.contains("--allow-unchecked-prs"), "{stderr}");
    assert!(gh.write_requests().is_empty(), "nothing was written on GitHub");
    assert!(gh.prs().len() == 131);

    // With --allow-unchecked-prs it goes on past that stop (to the fork, which this test does
    // not serve).
    limited();
    let fresh = dir.path().join("fresh-cache-2");
    let out = bin(&fresh, &gh)
        .args([
            "submit",
            "--yes",
            "--without-package",
            "--allow-unchecked-prs",
            "--upstream",
            &url,
            "--upstream-repo",
            UPSTREAM,
        ])
        .arg(&clean)
        .env("GH_TOKEN", TOKEN)
        .env("CONNECTOR_PUBLISH_TIMEOUT", "2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("#150"), "the unread pull request is still named: {stderr}");
    assert!(!stderr.contains("stopped:"), "{stderr}");
}
