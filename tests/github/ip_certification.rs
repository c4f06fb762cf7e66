//! An independent publisher's pull request carries its certification package: `submit --dry-run
//! --json` stops without it, with two, and on each of the certification bot's rules broken once;
//! goes on with a valid one (listed as the package, pushed byte for byte) and with
//! `--without-package` (saying what the bot will answer); warns about the publisher account on an
//! update; and `status` reads the bot's answers in both wordings.

use crate::common;
use crate::common::certification::{self as pkg, zip_of};
use crate::submit::{git, World, TOKEN, UPSTREAM};
use crate::support::github::{bot_failure, bot_failure_2025, BOT_SUCCESS, BOT_SUCCESS_2025};
use serde_json::Value;
use std::path::Path;

pub(crate) const FOLDER: &str = "independent-publisher-connectors/Open Brewery DB";

/// The clean connector in a fresh folder, with `zips` beside it.
pub(crate) fn folder_with(zips: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write_clean_connector(dir.path());
    for (name, bytes) in zips {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// The clean swagger with `change` applied.
fn swagger_with(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(&pkg::clean_swagger()).unwrap();
    change(&mut v);
    serde_json::to_vec_pretty(&v).unwrap()
}

/// `submit --dry-run --json` on `folder`: exit code and document.
pub(crate) fn dry_run(w: &World, folder: &Path, extra: &[&str]) -> (i32, Value, String) {
    let out = w
        .submit_with_package(folder)
        .args(["--dry-run", "--json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: stdout {} stderr {stderr}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), doc, stderr)
}

/// What is broken, the zips in the folder, the rule that stops the run, what the bot would answer.
type Case<'a> = (&'a str, Vec<(&'a str, Vec<u8>)>, &'a str, Option<&'a str>);

#[test]
fn a_dry_run_stops_on_each_thing_the_certification_bot_would_refuse() {
    let w = World::new(0);
    let valid = pkg::package_for(&pkg::clean_swagger());
    let loose = zip_of(&[("apiDefinition.swagger.json", &pkg::clean_swagger()), ("apiProperties.json", b"{}")]);
    let cases: Vec<Case> = vec![
        ("no zip", vec![], "ip-package-missing", Some("No zip")),
        (
            "two zips",
            vec![("package.zip", valid.clone()), ("old.zip", valid.clone())],
            "ip-package-count",
            Some("More than one zip file"),
        ),
        (
            "not a zip",
            vec![("package.zip", b"not a zip at all".to_vec())],
            "ip-package-unreadable",
            Some("Not able to deserialize the package"),
        ),
        (
            "the connector's loose files",
            vec![("package.zip", loose)],
            "ip-package-solution-root",
            Some("Solution package not found at root of the package zip file"),
        ),
        (
            "two Markdown files",
            vec![(
                "package.zip",
                zip_of(&[
                    ("intro.md", pkg::INTRO.as_bytes()),
                    ("notes.md", b"Notes."),
                    ("OpenBreweryDB.pdpkg.zip", &pkg::package_deployer_for(&pkg::clean_swagger())),
                ]),
            )],
            "ip-package-structure",
            Some("Not able to deserialize the package. Invalid package structure."),
        ),
        (
            "no flow solution",
            vec![("package.zip", pkg::package_without_flow(&pkg::clean_swagger()))],
            "ip-package-flow",
            Some("Package should contain a flow package"),
        ),
        (
            "a long title",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| {
                    v["info"]["title"] = "Open Brewery DB for every brewery on earth".into()
                })),
            )],
            "ip-package-title-length",
            Some("Maximum of 30 characters allowed in the connector title"),
        ),
        (
            "a title ending in punctuation",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| v["info"]["title"] = "Open Brewery DB!".into())),
            )],
            "ip-package-title-ending",
            Some("Title cannot end in non"),
        ),
        (
            "a reserved word",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| v["info"]["title"] = "Open Brewery API".into())),
            )],
            "ip-package-title-words",
            Some("Title cannot contain the reserved words"),
        ),
        (
            "no connector metadata",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| {
                    v.as_object_mut().unwrap().remove("x-ms-connector-metadata");
                })),
            )],
            "ip-package-metadata",
            Some("The required property 'x-ms-connector-metadata' is missing"),
        ),
        (
            "another host",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| v["host"] = "api.other-brewery.org".into())),
            )],
            "ip-package-mismatch",
            None,
        ),
        (
            "another contact email",
            vec![(
                "package.zip",
                pkg::package_for(&swagger_with(|v| v["info"]["contact"]["email"] = "someone@example.com".into())),
            )],
            "ip-package-contact",
            None,
        ),
    ];
    for (what, zips, rule, bot) in cases {
        let folder = folder_with(&zips);
        let (code, doc, stderr) = dry_run(&w, folder.path(), &[]);
        assert_eq!(code, 1, "{what}: {stderr}");
        let stop = doc["would_stop"].as_str().unwrap_or_else(|| panic!("{what}: no would_stop"));
        assert!(stop.contains(&format!("[{rule}]")), "{what}: {stop}");
        let finding = doc["validation"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{what}: no {rule} finding in {}", doc["validation"]));
        assert_eq!(finding["severity"], "error", "{what}");
        if let Some(bot) = bot {
            assert!(finding["bot"].as_str().is_some_and(|b| b.starts_with(bot)), "{what}: {finding}");
            assert!(stop.contains(bot), "{what}: the stop names the bot's answer: {stop}");
            assert!(
                doc["certification_package"]["bot_answer"].as_str().unwrap().starts_with(bot),
                "{what}: {}",
                doc["certification_package"]
            );
        }
        if rule == "ip-package-mismatch" {
            let message = finding["message"].as_str().unwrap();
            assert!(
                message.contains("-host: api.openbrewerydb.org") && message.contains("+host: api.other-brewery.org"),
                "{message}"
            );
        }
        if rule == "ip-package-missing" {
            assert!(finding["fix"].as_str().unwrap().contains("package build"), "{finding}");
        }
    }
}

#[test]
fn a_valid_package_goes_on_and_is_listed_as_the_package_and_without_one_the_plan_says_no_zip() {
    let w = World::new(0);
    let package = pkg::package_for(&pkg::clean_swagger());
    let folder = folder_with(&[("ConnectorPackage.zip", package.clone())]);
    let (code, doc, stderr) = dry_run(&w, folder.path(), &[]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    assert!(doc["would_stop"].is_null(), "{}", doc["would_stop"]);
    let file = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "ConnectorPackage.zip")
        .unwrap_or_else(|| panic!("{}", doc["files"]));
    assert_eq!(file["package"], true);
    assert_eq!(file["unusual"], false);
    assert_eq!(file["size"], package.len());
    let cert = &doc["certification_package"];
    assert_eq!(cert["file"], "ConnectorPackage.zip");
    assert_eq!(cert["bot_answer"], "Certification completed");
    assert_eq!(cert["contact_email"], "jane@example.org");
    // The zip is never diffed as text.
    let diff = doc["diff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with(".zip"))
        .unwrap();
    assert!(diff["unified"].is_null(), "{diff}");
    let body = doc["body"].as_str().unwrap();
    assert!(
        body.contains("`ConnectorPackage.zip`") && body.contains("certification bot would answer \"Certification completed\""),
        "{body}"
    );
    assert!(body.contains("OneVet") && body.contains("**jane@example.org**"), "{body}");
    assert!(body.contains("a maintainer comments `certify-connector`"), "{body}");

    // `validate` checks it the same way, offline.
    let out = assert_cmd::Command::cargo_bin("connector-publish")
        .unwrap()
        .args(["validate", "--json"])
        .arg(folder.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let validated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(validated["certification_package"]["bot_answer"], "Certification completed");
    let out = assert_cmd::Command::cargo_bin("connector-publish")
        .unwrap()
        .args(["validate", "--json"])
        .arg(folder_with(&[]).path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let validated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(validated["certification_package"]["bot_answer"], "No zip");

    // The human plan names it too.
    let out = w
        .submit_with_package(folder.path())
        .arg("--dry-run")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ConnectorPackage.zip") && text.contains("(the certification package)"),
        "{text}"
    );
    assert!(!text.contains("unusual file"), "{text}");

    // Without a package, --without-package goes on and says what the bot will answer.
    let bare = folder_with(&[]);
    let (code, doc, stderr) = dry_run(&w, bare.path(), &["--without-package"]);
    assert_eq!(code, 0, "{stderr}\n{doc}");
    assert!(doc["would_stop"].is_null());
    assert_eq!(doc["certification_package"]["without_package"], true);
    assert_eq!(doc["certification_package"]["bot_answer"], "No zip");
    assert!(
        doc["body"].as_str().unwrap().contains("the certification bot answers \"No zip\""),
        "{}",
        doc["body"]
    );
    let out = w
        .submit_with_package(bare.path())
        .args(["--dry-run", "--without-package"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("the certification bot would answer: \"No zip\""));

    // What reviewers ask for beyond the bot (intro.md's sections) is a warning: it goes on.
    let thin_intro = zip_of(&[
        ("intro.md", b"Open Brewery DB.\n"),
        ("OpenBreweryDB.pdpkg.zip", &pkg::package_deployer_for(&pkg::clean_swagger())),
    ]);
    let advised = folder_with(&[("package.zip", thin_intro)]);
    let (code, doc, stderr) = dry_run(&w, advised.path(), &[]);
    assert_eq!(code, 0, "{stderr}\n{}", doc["would_stop"]);
    let advice: Vec<&Value> = doc["validation"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ip-package-advice")
        .collect();
    assert!(
        !advice.is_empty() && advice.iter().all(|f| f["severity"] == "warning"),
        "{}",
        doc["validation"]
    );
    assert_eq!(doc["certification_package"]["bot_answer"], "Certification completed");

    // A zip in a certified connector's folder goes to Partner Center, not into the pull request.
    let (code, doc, _) = dry_run(&w, folder.path(), &["--category", "certified"]);
    assert_eq!(code, 1);
    assert!(
        doc["would_stop"].as_str().unwrap().contains("[ip-package-certified]"),
        "{}",
        doc["would_stop"]
    );
}

#[test]
fn the_package_s_connector_is_scanned_for_secrets_and_they_never_show() {
    let w = World::new(0);
    let secret = "Zx8Q~kV2pL9mN4bR7tY1wC6dF3gH5jK0aS2eU8iO";
    let parameters = serde_json::json!({"token": {"type": "oauthSetting", "oAuthSettings": {
        "identityProvider": "aad", "clientId": "[[REPLACE WITH CLIENT ID]]", "clientSecret": secret}}});
    let package = pkg::package_with_parameters(&pkg::clean_swagger(), &serde_json::to_vec_pretty(&parameters).unwrap());
    let folder = folder_with(&[("package.zip", package)]);
    let out = w.submit_with_package(folder.path()).args(["--dry-run", "--json"]).output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(!all.contains(secret), "the secret is printed: {all}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = doc["validation"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-client-secret")
        .unwrap_or_else(|| panic!("{}", doc["validation"]));
    let file = finding["file"].as_str().unwrap();
    assert!(
        file.starts_with("package.zip › ") && file.ends_with("_connectionparameters.json"),
        "{file}"
    );
    let out = w.submit_with_package(folder.path()).arg("--dry-run").output().unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains(secret), "the secret is printed: {all}");
}

#[test]
fn a_real_submit_pushes_the_package_byte_for_byte() {
    let w = World::new(0);
    let package = pkg::package_for(&pkg::clean_swagger());
    let folder = folder_with(&[("package.zip", package.clone())]);
    let out = w.submit_with_package(folder.path()).arg("--yes").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let pushed = std::process::Command::new("git")
        .current_dir(w.fork_git())
        .args(["show", &format!("add-open-brewery-db:{FOLDER}/package.zip")])
        .output()
        .unwrap();
    assert!(pushed.status.success(), "{}", String::from_utf8_lossy(&pushed.stderr));
    assert_eq!(pushed.stdout, package, "the package is pushed byte for byte");
    let body = w.github.prs().into_iter().find(|p| p.number == 1).unwrap().body.unwrap_or_default();
    assert!(
        body.contains("Certification (independent publisher)") && body.contains("`package.zip`"),
        "{body}"
    );
}

/// The upstream gets `FOLDER`, as merged long ago from @brewer's pull request #1500, and 120 later
/// commits to it by others (so the oldest is on the second page of GitHub's list).
pub(crate) fn upstream_with_the_folder(w: &World) {
    let work = tempfile::tempdir().unwrap();
    let upstream = w.served.join("microsoft/PowerPlatformConnectors.git");
    git(work.path(), &["clone", "-q", upstream.to_str().unwrap(), "up"]);
    let up = work.path().join("up");
    common::write_clean_connector(&up.join(FOLDER));
    git(&up, &["add", "-A"]);
    git(&up, &["commit", "-qm", "Open Brewery DB (Independent Publisher) (#1500)"]);
    git(&up, &["push", "-q", "origin", "HEAD:dev"]);
    let swagger = format!("{FOLDER}/apiDefinition.swagger.json");
    w.github.add_commit(
        "Open Brewery DB (Independent Publisher) (#1500)\n\n* first version",
        "brewer",
        &[&swagger],
    );
    w.github.add_commit(
        "DeepL: v2 (#1501)",
        "deepl",
        &["certified-connectors/DeepL/apiDefinition.swagger.json"],
    );
    for i in 0..120 {
        w.github.add_commit(
            &format!("Open Brewery DB readme fix {i} (#{})", 1600 + i),
            "helper",
            &[&format!("{FOLDER}/readme.md")],
        );
    }
    w.github
        .add_open_pr("microsoft", "PowerPlatformConnectors", "brewer:add-open-brewery-db", 1500);
    w.github.set_pr_title(1500, "Open Brewery DB (Independent Publisher)", "brewer");
    w.github.merge_pr(1500);
}

#[test]
fn an_update_from_another_account_is_warned_about_before_anything_public() {
    let w = World::new(0);
    upstream_with_the_folder(&w);
    let folder = folder_with(&[]);
    std::fs::write(folder.path().join("readme.md"), "# Open Brewery DB\nAn update.\n\n## Publisher: Jane Doe\n\n## Prerequisites\nNone.\n\n## Supported Operations\n### Get brewery\nGets one brewery.\n\n## Obtaining Credentials\nNo key is needed.\n\n## Known Issues and Limitations\nNone.\n").unwrap();
    let update = ["--update", FOLDER, "--without-package"];
    let (code, doc, stderr) = dry_run(&w, folder.path(), &update);
    assert_eq!(code, 0, "{stderr}\n{}", doc["would_stop"]);
    let account = &doc["publisher_account"];
    assert_eq!(account["checked"], true, "{account}");
    assert_eq!(account["mismatch"], true);
    assert_eq!(account["original_author"], "brewer");
    assert_eq!(account["first_pull_request"], 1500);
    assert_eq!(account["user"], "octo");
    let message = account["message"].as_str().unwrap();
    assert!(
        message.starts_with("Publisher Mismatch") && message.contains("@brewer") && message.contains("#1500"),
        "{message}"
    );
    assert!(stderr.contains("warning: Publisher Mismatch"), "{stderr}");
    // The oldest commit is on the last page: two list calls, one pull request.
    let commits = format!("GET /repos/{UPSTREAM}/commits");
    assert_eq!(w.github.count(&commits), 2);
    assert_eq!(w.github.count(&format!("GET /repos/{UPSTREAM}/pulls/1500")), 1);
    // The answer is cached: a second run asks nothing more.
    let out = w
        .submit_with_package(folder.path())
        .args(["--dry-run"])
        .args(update)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Publisher account: Publisher Mismatch"), "{text}");
    assert_eq!(w.github.count(&commits), 2);
    assert!(w.cache.path().join("publishers.json").is_file());

    // Without a token the check is said to be skipped.
    let out = w
        .submit_with_package(folder.path())
        .args(["--dry-run", "--json"])
        .args(update)
        .env_remove("GH_TOKEN")
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["publisher_account"]["checked"], false);
    assert!(doc["publisher_account"]["message"]
        .as_str()
        .unwrap()
        .starts_with("not checked: no GitHub token"));
    let _ = TOKEN;
}

/// `status --json` of pull request #7 after `comments` (author, body).
fn status_after(comments: &[(&str, &str)], labels: &[&str]) -> Value {
    let github = crate::status::fake();
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-open-brewery-db", 7);
    github.set_pr_title(7, "Open Brewery DB (Independent Publisher)", "octo");
    github.update_pr(7, |p| p.labels = labels.iter().map(|l| l.to_string()).collect());
    for (user, body) in comments {
        github.add_issue_comment(7, user, body);
    }
    let out = crate::status::command(&github, &["status", "7", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn status_reads_the_certification_bot_in_both_wordings() {
    let bot = crate::support::github::CERTIFICATION_BOT;
    let none = status_after(&[], &[]);
    assert_eq!(none["certification"]["state"], "not-requested");

    let new = bot_failure(&["No zip", "Maximum of 30 characters allowed in the connector title"]);
    let doc = status_after(&[("vmanoharas", "certify-connector"), (bot, &new)], &[]);
    let c = &doc["certification"];
    assert_eq!(c["state"], "failed", "{c}");
    let errors: Vec<(u64, &str, &str)> = c["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["number"].as_u64().unwrap(),
                e["text"].as_str().unwrap(),
                e["rule"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (1, "No zip", "ip-package-missing"),
            (
                2,
                "Maximum of 30 characters allowed in the connector title",
                "ip-package-title-length"
            )
        ]
    );
    assert!(
        doc["next"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("certification: fix each error")),
        "{}",
        doc["next"]
    );

    let old = bot_failure_2025(&[
        "Solution package not found at root of the package zip file",
        "Package should contain a flow package",
    ]);
    let doc = status_after(&[("souchoudhary", "certify-connector"), ("souchoudhary", &old)], &[]);
    let rules: Vec<(u64, &str)> = doc["certification"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["number"].as_u64().unwrap(), e["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [(1, "ip-package-solution-root"), (2, "ip-package-flow")]);

    for success in [BOT_SUCCESS, BOT_SUCCESS_2025] {
        let doc = status_after(
            &[
                ("vmanoharas", "certify-connector"),
                (bot, &new),
                ("vmanoharas", "certify-connector"),
                (bot, success),
            ],
            &[],
        );
        assert_eq!(doc["certification"]["state"], "approved", "{success}");
        assert_eq!(doc["certification"]["errors"].as_array().unwrap().len(), 0);
    }
    let doc = status_after(&[(bot, BOT_SUCCESS)], &["deployed"]);
    assert_eq!(doc["certification"]["state"], "deployed");
    let doc = status_after(&[("vmanoharas", "Thank you, we have initiated onevet verification.")], &[]);
    assert_eq!(doc["certification"]["state"], "identity-check");
    let doc = status_after(&[("vmanoharas", "certify-connector")], &[]);
    assert_eq!(doc["certification"]["state"], "requested");
}

#[test]
fn status_watch_reports_the_bot_s_answer_as_a_change() {
    let github = crate::status::fake();
    github.add_open_pr("microsoft", "PowerPlatformConnectors", "octo:add-open-brewery-db", 7);
    github.set_pr_title(7, "Open Brewery DB (Independent Publisher)", "octo");
    github.add_issue_comment(7, "vmanoharas", "certify-connector");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("connector-publish"))
        .args(["status", "7", "--watch", "--github-api", &github.url()])
        .env("GH_TOKEN", crate::status::TOKEN)
        .env_remove("GITHUB_TOKEN")
        .env("NO_COLOR", "1")
        .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
        .env("CONNECTOR_PUBLISH_TEST_WATCH_MS", "20")
        .env("CONNECTOR_PUBLISH_CONFIG", "/nonexistent/connector-publish.toml")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once the conversation was read (the first report is out), the bot answers; once that was
    // read again, the pull request is merged and the watch ends.
    let comments = "/repos/microsoft/PowerPlatformConnectors/issues/7/comments";
    let reads = || github.requests().iter().filter(|r| r.path == comments && r.status == 200).count();
    let wait_for = |n: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while reads() < n {
            assert!(std::time::Instant::now() < deadline, "the watch did not read the comments");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    wait_for(1);
    github.add_bot_comment(7, &bot_failure(&["No zip"]));
    wait_for(2);
    github.close_pr(7);
    github.update_pr(7, |p| p.merged = true);
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < std::time::Duration::from_secs(30) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let before = text
        .find("requested: waiting for the certification bot's answer")
        .unwrap_or_else(|| panic!("{text}"));
    let change = text.find("--- #7 changed:").unwrap_or_else(|| panic!("{text}"));
    let failed = text.find("    1. No zip").unwrap_or_else(|| panic!("{text}"));
    assert!(before < change && change < failed, "{text}");
}
