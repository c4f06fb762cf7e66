//! Benchmark: `status` of a pull request with 300 review comments and 50 check runs (two failed,
//! with annotations), against the loopback fake GitHub from `tests/support`: the time and the
//! number of API calls of the first look, and of a `--watch` refresh when nothing changed (every
//! call a 304). The goal: under 3 s, with a bounded number of calls.
//!
//! Usage: cargo run --release --example status_bench

#[path = "../tests/support/github.rs"]
mod github;
#[path = "../tests/support/http.rs"]
mod http;

use connector_publish::commands::status::{run, StatusOptions};
use connector_publish::publish::github::{pulls::PullWatch, Client, Settings};
use github::{FakeGitHub, FakeGitHubConfig};
use std::time::{Duration, Instant};

const TOKEN: &str = "ghp_benchtoken000000000000000000000000000";
const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";

fn main() -> anyhow::Result<()> {
    let fake = FakeGitHub::start(
        FakeGitHubConfig::default()
            .user(TOKEN, "octo")
            .repo(UPSTREAM)
            .fork("octo/PowerPlatformConnectors", UPSTREAM),
    );
    fake.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-open-brewery-db", 7);
    let sha = fake.prs()[0].head_sha.clone();
    for i in 0..48 {
        fake.add_check_run(&sha, &format!("job {i}"), Some("success"), "ok", "ok", "");
    }
    for name in ["Swagger Validator", "Change Validator"] {
        let id = fake.add_check_run(&sha, name, Some("failure"), "errors", "OperationIdNotUnique: GetBrewery twice", "");
        for line in 0..10 {
            fake.add_annotation(id, "apiDefinition.swagger.json", line, "OperationIdNotUnique", "GetBrewery twice");
        }
    }
    fake.add_status(&sha, "license/cla", "pending", "not signed yet");
    for i in 0..300 {
        fake.add_review_comment(
            7,
            "maintainer",
            "apiDefinition.swagger.json",
            Some(i + 1),
            &format!("comment {i}"),
            None,
        );
    }
    fake.add_review(7, "maintainer", "CHANGES_REQUESTED", "See the comments.");

    let settings = Settings {
        api: fake.url(),
        token: Some(TOKEN.into()),
        poll_interval: Duration::from_millis(20),
        ..Settings::default()
    };
    let options = StatusOptions {
        target: Some("7".into()),
        watch: false,
        interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(200),
        json: true,
        company: None,
        branch_prefix: None,
        github: settings.clone(),
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        fake.clear_requests();
        let started = Instant::now();
        let mut out = Vec::new();
        run(&options, &mut out, &mut std::io::sink())?;
        times.push(started.elapsed());
        let doc: serde_json::Value = serde_json::from_slice(&out)?;
        assert_eq!(doc["comments"].as_array().map(Vec::len), Some(300));
        assert_eq!(doc["checks"].as_array().map(Vec::len), Some(51));
    }
    let calls = fake.requests().len();
    times.sort();
    println!(
        "status of a pull request with 300 review comments and 50 check runs: {calls} calls, median {} ms, slowest {} ms (5 runs)",
        times[2].as_millis(),
        times[4].as_millis()
    );

    // A --watch refresh when nothing changed: conditional requests only.
    let client = Client::new(&settings, TOKEN.into())?;
    let mut watch = PullWatch::new(UPSTREAM, 7);
    watch.refresh(&client)?;
    fake.clear_requests();
    let started = Instant::now();
    let changed = watch.refresh(&client)?;
    let elapsed = started.elapsed();
    let requests = fake.requests();
    let not_modified = requests.iter().filter(|r| r.status == 304).count();
    println!(
        "a --watch refresh with nothing changed: {} calls ({not_modified} answered 304), {} ms, changed: {changed}",
        requests.len(),
        elapsed.as_millis()
    );
    Ok(())
}
