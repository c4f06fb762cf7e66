//! The shared retry policy (`connector_publish::net::http`) against the loopback fakes: GitHub
//! through the typed client, Power Platform and storage through their library clients. Base delays
//! are milliseconds and `Retry-After` at most 1 s, so no test waits long; waits over a minute are
//! refused without waiting.

use crate::support;

use connector_publish::publish::github::{types, Client, Conditional, Settings};
use std::time::{Duration, Instant};
use support::github::{FakeGitHub, FakeGitHubConfig};
use support::powerplatform::{FakeConnector, FakePowerPlatform, FakePowerPlatformConfig, DEFAULT_ENVIRONMENT};

const TOKEN: &str = "ghp_retrytoken";
const UPSTREAM: &str = "microsoft/PowerPlatformConnectors";

fn github() -> (FakeGitHub, Client) {
    let fake = FakeGitHub::start(FakeGitHubConfig::default().user(TOKEN, "octo").repo(UPSTREAM));
    let settings = Settings {
        api: fake.url(),
        poll_interval: Duration::from_millis(10),
        ..Settings::default()
    };
    let client = Client::new(&settings, TOKEN.into()).unwrap();
    (fake, client)
}

#[test]
fn a_429_with_retry_after_is_waited_out_then_tried_again() {
    let (fake, client) = github();
    fake.rate_limit_429_next("GET /user", 1);
    let started = Instant::now();
    assert_eq!(client.login().unwrap(), "octo");
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was not honoured");
    assert_eq!(fake.count("GET /user"), 2);
}

#[test]
fn server_errors_are_tried_again_a_bounded_number_of_times() {
    let (fake, client) = github();
    fake.fail_next("GET /user", 502, serde_json::json!({"message": "Server Error"}));
    fake.fail_next("GET /user", 503, serde_json::json!({"message": "Unavailable"}));
    assert_eq!(client.login().unwrap(), "octo");
    assert_eq!(fake.count("GET /user"), 3);

    // Four tries, then the last answer is reported as GitHub's.
    fake.clear_requests();
    for _ in 0..5 {
        fake.fail_next("GET /user", 500, serde_json::json!({"message": "Server Error"}));
    }
    let e = client.login().unwrap_err().to_string();
    assert!(e.contains("GitHub answered 500"), "{e}");
    assert_eq!(fake.count("GET /user"), 4);
}

#[test]
fn secondary_rate_limits_are_tried_again() {
    let (fake, client) = github();
    // 403 with Retry-After, and 403 with only the message (the base delay, doubling).
    fake.rate_limit_next("GET /user", 0);
    fake.secondary_rate_limit_no_header_next("GET /user");
    assert_eq!(client.login().unwrap(), "octo");
    assert_eq!(fake.count("GET /user"), 3);

    // A plain 403 is an answer, not a rate limit: no retry, and the usual hint.
    fake.clear_requests();
    fake.fail_next(
        "GET /user",
        403,
        serde_json::json!({"message": "Resource not accessible by personal access token"}),
    );
    let e = client.login().unwrap_err().to_string();
    assert!(e.contains("GitHub answered 403") && e.contains("public_repo"), "{e}");
    assert_eq!(fake.count("GET /user"), 1);
}

#[test]
fn a_wait_over_a_minute_is_refused_at_once() {
    let (fake, client) = github();
    let started = Instant::now();
    fake.primary_rate_limit_next("GET /user", 3600);
    let e = client.login().unwrap_err().to_string();
    assert!(e.contains("run again later") && e.contains("rate limit"), "{e}");
    fake.rate_limit_next("GET /user", 120);
    let e = client.login().unwrap_err().to_string();
    assert!(e.contains("asks to wait 120 s; run again later"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5), "waited: {:?}", started.elapsed());
    assert_eq!(fake.count("GET /user"), 2, "each asked once");

    // A primary limit that resets within the minute is waited out.
    fake.primary_rate_limit_next("GET /user", 0);
    assert_eq!(client.login().unwrap(), "octo");
}

#[test]
fn typed_gets_pages_and_conditional_requests() {
    let (fake, client) = github();
    let repo: types::Repository = client.get(&format!("/repos/{UPSTREAM}")).unwrap();
    assert_eq!(repo.full_name, UPSTREAM);
    assert!(repo.parent.is_none());
    let e = client.get::<types::Repository>("/repos/nobody/nothing").unwrap_err().to_string();
    assert!(
        e.contains("GitHub answered 404") && e.contains("not found, or the token cannot see it"),
        "{e}"
    );

    // Five open pull requests, two a page: three pages followed over `Link: rel="next"`.
    for n in 1..=5 {
        fake.add_open_pr("microsoft", "PowerPlatformConnectors", &format!("octo:branch-{n}"), n);
    }
    let path = format!("/repos/{UPSTREAM}/pulls?state=open&per_page=2");
    let prs: Vec<types::PullRequest> = client.get_all(&path, 10).unwrap();
    let mut numbers: Vec<u64> = prs.iter().map(|p| p.number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert_eq!(fake.count(&format!("GET /repos/{UPSTREAM}/pulls")), 3);
    let e = client.get_all::<types::PullRequest>(&path, 2).unwrap_err().to_string();
    assert!(e.contains("more than 2 pages"), "{e}");

    // If-None-Match: the ETag of the last answer gets a 304.
    let path = format!("/repos/{UPSTREAM}");
    let Conditional::Modified(first, Some(etag)) = client.get_conditional::<types::Repository>(&path, None).unwrap() else {
        panic!("expected the document and its ETag");
    };
    assert_eq!(first.full_name, UPSTREAM);
    assert!(matches!(
        client.get_conditional::<types::Repository>(&path, Some(&etag)).unwrap(),
        Conditional::NotModified
    ));
    assert!(matches!(
        client.get_conditional::<types::Repository>(&path, Some("\"stale\"")).unwrap(),
        Conditional::Modified(_, Some(_))
    ));
}

#[test]
fn links_to_other_hosts_get_no_token() {
    let (_fake, client) = github();
    let e = client.get::<types::User>("https://elsewhere.example/user").unwrap_err().to_string();
    assert!(e.contains("refusing to send the token there"), "{e}");
}

/// Power Platform and storage share the policy, with `Endpoints::retry_delay` as the first delay.
#[test]
fn power_platform_and_storage_share_the_policy() {
    use connector_publish::powerplatform::{api::PowerPlatform, auth::TokenSource, download, http_client, Endpoints};
    const CID: &str = "shared_retry-5f0123";
    let fake =
        FakePowerPlatform::start(FakePowerPlatformConfig::default().connector(FakeConnector::new(DEFAULT_ENVIRONMENT, CID, "Retry")));
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("token.json");
    fake.write_token_cache(&cache);
    let endpoints = Endpoints {
        authority: fake.url(),
        powerapps: fake.url(),
        flow: fake.url(),
        retry_delay: Duration::from_millis(10),
    };
    let http = http_client().unwrap();
    let mut pp = PowerPlatform::new(http.clone(), endpoints.clone(), TokenSource::new(http.clone(), cache, endpoints));

    let route = "GET /providers/Microsoft.ProcessSimple/environments";
    fake.push_fault_with_headers(
        route,
        429,
        &[("Retry-After", "1")],
        r#"{"error":{"code":"TooManyRequests","message":"slow"}}"#,
    );
    fake.push_fault(route, 502, r#"{"error":{"code":"BadGateway","message":"down"}}"#);
    let started = Instant::now();
    assert!(!pp.environments().unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(fake.count("GET", "/providers/Microsoft.ProcessSimple/environments"), 3);

    fake.push_fault_with_headers(
        route,
        429,
        &[("Retry-After", "300")],
        r#"{"error":{"code":"TooManyRequests","message":"slow"}}"#,
    );
    let started = Instant::now();
    let e = format!("{:#}", pp.environments().unwrap_err());
    assert!(e.contains("asks to wait 300 s; run again later"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // Storage: a 503, then the file; the signature is never shown.
    let storage = format!("GET /storage/{DEFAULT_ENVIRONMENT}/{CID}/original.swagger.json");
    fake.push_fault(&storage, 503, "<Error><Code>ServerBusy</Code></Error>");
    let d = download::fetch(&mut pp, &http, DEFAULT_ENVIRONMENT, CID).unwrap();
    assert!(d.files.iter().any(|f| f.name == download::SWAGGER));
    fake.push_fault_with_headers(&storage, 503, &[("Retry-After", "3600")], "");
    let e = format!("{:#}", download::fetch(&mut pp, &http, DEFAULT_ENVIRONMENT, CID).unwrap_err());
    assert!(e.contains("run again later") && !e.contains("SECRETSIG"), "{e}");
}
