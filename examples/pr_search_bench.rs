//! Benchmark of the duplicate search's look at open pull requests: 150 open pull requests, each
//! adding a connector, on the loopback fake GitHub with 10 ms added to every answer (a round
//! trip). Prints the cold first run (nothing cached: every pull request read) and the warm run
//! (nothing changed: the list pages are 304s), the calls each made, and what they would take on
//! api.github.com from the call count and a typical round trip.
//!
//! Usage: cargo run --release --example pr_search_bench [-- LATENCY_MS]

#[path = "../tests/support/github.rs"]
mod github;
#[path = "../tests/support/http.rs"]
mod http;

use connector_publish::catalog::open_prs::READERS;
use connector_publish::connector::Fingerprint;
use connector_publish::publish::github::{pull_requests, Settings};
use std::time::{Duration, Instant};

const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";
const OPEN: u64 = 150;
/// A typical round trip to api.github.com (TLS session reused) plus GitHub's own time for a list
/// or a small file, for the estimate.
const GITHUB_ROUND_TRIP: Duration = Duration::from_millis(300);

fn swagger(n: u64) -> String {
    format!(
        r#"{{"swagger": "2.0", "info": {{"title": "Connector {n}", "version": "1.0"}}, "host": "api.vendor{n}.com", "basePath": "/v1", "paths": {{"/items": {{"get": {{}}}}, "/items/{{id}}": {{"get": {{}}}}}}}}"#
    )
}

fn main() {
    let latency_ms: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let gh = github::FakeGitHub::start(
        github::FakeGitHubConfig::default()
            .user("bench-token", "bench")
            .repo(UPSTREAM)
            .fork("someone/PowerPlatformConnectors", UPSTREAM),
    );
    for n in 1..=OPEN {
        gh.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("someone:add-{n}"), n);
        gh.set_pr_title(n, &format!("Add Connector {n}"), "someone");
        let body = swagger(n);
        let path = format!("independent-publisher-connectors/Connector {n}/apiDefinition.swagger.json");
        let readme = format!("independent-publisher-connectors/Connector {n}/readme.md");
        gh.set_pr_files(n, &[(path.as_str(), Some(body.as_str())), (readme.as_str(), Some("# Connector\n"))]);
    }
    gh.set_latency(Duration::from_millis(latency_ms));
    let settings = Settings {
        api: gh.url(),
        token: Some("bench-token".into()),
        upstream_repo: UPSTREAM.into(),
        poll_interval: Duration::from_millis(50),
        ..Default::default()
    };
    // The query is the connector of the pull request listed last: found only if all are read.
    let query = Fingerprint::from_swagger_bytes(swagger(1).as_bytes()).unwrap();
    let cache = tempfile::tempdir().unwrap();

    let look = || {
        let started = Instant::now();
        let lookup = pull_requests(&settings, false, cache.path(), "dev", &query);
        let elapsed = started.elapsed();
        let looked = lookup.looked.as_ref().unwrap_or_else(|| panic!("no look: {:?}", lookup.not_looked));
        assert_eq!(looked.open, OPEN as usize);
        assert!(looked.complete(), "{:?}", looked.unread);
        assert!(
            looked.candidates.iter().any(|c| c.folder.ends_with("/Connector 1")),
            "the pull request listed last was not found"
        );
        (elapsed, looked.read)
    };

    println!("{OPEN} open pull requests on the loopback fake GitHub, {latency_ms} ms added to every answer, {READERS} reads at a time");
    gh.clear_requests();
    let (cold, read) = look();
    let cold_calls = gh.requests().len();
    let cold_reads = gh
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/files") || r.path.contains("/contents/"))
        .count();
    let cold_304 = gh.requests().iter().filter(|r| r.status == 304).count();
    println!(
        "cold first run: {:.2} s, {read} of {OPEN} pull requests read, {cold_calls} calls ({cold_304} answered 304) (goal: all read, <= 3 s)",
        cold.as_secs_f64()
    );
    assert_eq!(read, OPEN as usize);

    let mut warm = Vec::new();
    let mut warm_calls = 0;
    let mut warm_304 = 0;
    for _ in 0..5 {
        gh.clear_requests();
        let (elapsed, read) = look();
        assert_eq!(read, 0, "nothing changed, nothing read");
        warm.push(elapsed);
        warm_calls = gh.requests().len();
        warm_304 = gh.requests().iter().filter(|r| r.status == 304).count();
    }
    warm.sort();
    println!(
        "warm run, nothing changed: median {:.3} s of 5, {warm_calls} calls ({warm_304} answered 304, free of the rate limit) (goal: <= 0.3 s)",
        warm[2].as_secs_f64()
    );

    // One push to one pull request: only it is read again.
    gh.update_pr(75, |p| p.head_sha = "7".repeat(40));
    gh.clear_requests();
    let (one, read) = look();
    println!(
        "after a push to one pull request: {:.3} s, {read} read, {} calls",
        one.as_secs_f64(),
        gh.requests().len()
    );

    // On api.github.com: the list pages and /user one after another, the reads READERS at a time.
    let sequential = |calls: usize, reads: usize| {
        let rounds = (calls - reads) + reads.div_ceil(READERS);
        GITHUB_ROUND_TRIP * rounds as u32
    };
    println!(
        "estimate on api.github.com at {} ms a call: cold about {:.0} s ({cold_calls} calls: /user and the list pages one after another, {cold_reads} file lists and swaggers {READERS} at a time; {} points of the 5,000 an hour), warm about {:.1} s ({warm_calls} calls, all 304s, no points)",
        GITHUB_ROUND_TRIP.as_millis(),
        sequential(cold_calls, cold_reads).as_secs_f64(),
        cold_calls - cold_304,
        sequential(warm_calls, 0).as_secs_f64()
    );
}
