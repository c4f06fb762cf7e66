//! The duplicate search's other source: open pull requests against upstream `dev`, read from the
//! fake GitHub (the pulls list and its pages, a pull request's files over several pages, the
//! swagger at the head), the cache by `updated_at`, the rate limit, and `search`/`submit` with no
//! token, offline, and with an open pull request for the same API.

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
fn an_open_pull_request_for_the_same_api_is_found_and_cached_by_its_update_time() {
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
    // ... and, nothing having changed, read from the cache: the list only.
    assert_eq!(looked.read, 0);
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/7/files"), 0);
    assert_eq!(gh.count(PULLS), 2, "one page of open and one of closed pull requests");

    // A push to the pull request changes its update time: read again.
    gh.touch_pr(7, "2024-03-01T10:00:00Z");
    let looked = look(&gh, cache.path(), &current_weather(), &BOUNDS).unwrap();
    assert_eq!(looked.read, 1);
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/7/files"), 1);
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
fn lists_and_files_over_several_pages_within_the_bounds() {
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

    let all = Bounds { max_read: 200, ..BOUNDS };
    let looked = look(&gh, cache.path(), &current_weather(), &all).unwrap();
    assert_eq!(looked.open, 105);
    assert_eq!(gh.count("GET /repos/microsoft/PowerPlatformConnectors/pulls/3/files"), 2);
    assert_eq!(looked.candidates.len(), 1);
    assert_eq!(looked.candidates[0].label(), "open pull request #3 by @bob: Change 3");
    assert!(looked.notes.is_empty(), "{:?}", looked.notes);

    // Bounded: one page of the list, and at most 10 pull requests read in a run.
    let cold = tempfile::tempdir().unwrap();
    gh.clear_requests();
    let few = Bounds {
        open_pages: 1,
        max_read: 10,
        ..BOUNDS
    };
    let looked = look(&gh, cold.path(), &current_weather(), &few).unwrap();
    assert_eq!(looked.open, 100);
    assert_eq!(looked.read, 10);
    assert!(
        looked.notes.iter().any(|n| n.contains("more than 100 open pull requests")),
        "{:?}",
        looked.notes
    );
    assert!(
        looked.notes.iter().any(|n| n.contains("90 pull request(s) not looked at yet")),
        "{:?}",
        looked.notes
    );
    assert_eq!(gh.count(PULLS), 2);
    // The files calls are bounded too: one per pull request read.
    let files_calls = gh.requests().iter().filter(|r| r.path.ends_with("/files")).count();
    assert_eq!(files_calls, 10);
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
        .env("CONNECTOR_PUBLISH_POLL_MS", "10")
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
