//! `package check`, `package intro` and `package build`, driven through the built binary on
//! packages built here with the zip crate: a valid one, every rule of Microsoft's Package
//! Validator broken once, hostile archives, and the connector solution compared with a local
//! folder and with an upstream folder served by the real `git http-backend`.

mod common;
use common::certification::*;
use common::git;
mod support;

use assert_cmd::Command;
use std::io::{Cursor, Write};
use std::path::Path;
use support::git_http::GitHttpServer;
use zip::write::SimpleFileOptions;

fn bin(cache: &Path) -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.env("CONNECTOR_PUBLISH_CACHE", cache)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env_remove("CONNECTOR_PUBLISH_UPSTREAM")
        .env_remove("CONNECTOR_PUBLISH_CONFIG")
        .env("CONNECTOR_PUBLISH_CONFIG", cache.join("config.toml"))
        .env("NO_COLOR", "1");
    cmd
}

/// `package check` on `bytes`, in a fresh working folder and temporary folder that must stay
/// empty (the check never writes), returning the exit status, the JSON report and the text.
fn check(bytes: &[u8], args: &[&str]) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let file = input.join("certification.zip");
    std::fs::write(&file, bytes).unwrap();
    let work = dir.path().join("work");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&work).unwrap();
    std::fs::create_dir(&tmp).unwrap();
    let run = |json: bool| {
        let mut cmd = bin(&dir.path().join("cache"));
        cmd.current_dir(&work)
            .env("TMPDIR", &tmp)
            .args(["package", "check"])
            .arg(&file)
            .args(args);
        if json {
            cmd.arg("--json");
        }
        cmd.output().unwrap()
    };
    let out = run(true);
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let text = run(false);
    assert_eq!(text.status.code(), out.status.code());
    assert_eq!(std::fs::read_dir(&work).unwrap().count(), 0, "check wrote into the working folder");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "check wrote into the temporary folder");
    assert_eq!(std::fs::read_dir(&input).unwrap().count(), 1, "check wrote beside the package");
    (out.status.code().unwrap(), doc, String::from_utf8_lossy(&text.stdout).into_owned())
}

fn rules(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_valid_package_passes() {
    let (code, doc, text) = check(&outer(&valid_deployer()), &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 0, "{:?}", rules(&doc));
    assert_eq!(doc["intro"], "intro.md");
    assert_eq!(doc["deployer_package"], "OpenBreweryDB.pdpkg.zip");
    assert_eq!(doc["asset_folder"], "PkgAssets");
    let kinds: Vec<&str> = doc["solutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["connector", "flow"]);
    assert_eq!(doc["solutions"][0]["connectors"][0], NAME);
    assert_eq!(doc["solutions"][1]["workflows"], 1);
    assert!(text.contains("The package is valid"), "{text}");

    // With --plugin, three solutions.
    let plugin = deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", flow_solution()),
        ("PkgAssets/Plugin.zip", plugin_solution(true)),
    ]);
    let (code, doc, text) = check(&outer(&plugin), &["--plugin"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(doc["solutions"][2]["kind"], "ai-plugin");
}

/// One rule broken: the outer bytes, the arguments, the rule, and where it must point.
struct Case {
    what: &'static str,
    bytes: Vec<u8>,
    args: &'static [&'static str],
    rule: &'static str,
    file: &'static str,
}

#[test]
fn every_validator_rule_broken_once_fails_and_names_the_file() {
    let pkg = "certification.zip";
    let inner = "certification.zip › OpenBreweryDB.pdpkg.zip";
    let assets = "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets";
    let with =
        |name: &'static str, bytes: Vec<u8>| deployer(vec![("PkgAssets/OpenBreweryDBConnector.zip", connector_solution()), (name, bytes)]);
    let cases = vec![
        Case {
            what: "not a zip",
            bytes: b"%PDF-1.7 this is a PDF".to_vec(),
            args: &[],
            rule: "package-not-zip",
            file: pkg,
        },
        Case {
            what: "a folder in the outer zip",
            bytes: zip_of(&[
                ("intro.md", INTRO.as_bytes()),
                ("OpenBreweryDB.pdpkg.zip", &valid_deployer()),
                ("__MACOSX/._intro.md", b"x"),
            ]),
            args: &[],
            rule: "outer-folders",
            file: pkg,
        },
        Case {
            what: "no intro.md",
            bytes: zip_of(&[("OpenBreweryDB.pdpkg.zip", &valid_deployer())]),
            args: &[],
            rule: "outer-intro",
            file: pkg,
        },
        Case {
            what: "two Markdown files",
            bytes: zip_of(&[
                ("intro.md", INTRO.as_bytes()),
                ("notes.MD", b"# notes"),
                ("OpenBreweryDB.pdpkg.zip", &valid_deployer()),
            ]),
            args: &[],
            rule: "outer-intro",
            file: pkg,
        },
        Case {
            what: "no package zip",
            bytes: zip_of(&[("intro.md", INTRO.as_bytes())]),
            args: &[],
            rule: "outer-package-zip",
            file: pkg,
        },
        Case {
            what: "two package zips",
            bytes: zip_of(&[
                ("intro.md", INTRO.as_bytes()),
                ("a.zip", &valid_deployer()),
                ("b.zip", &valid_deployer()),
            ]),
            args: &[],
            rule: "outer-package-zip",
            file: pkg,
        },
        Case {
            what: "the package zip is not a zip",
            bytes: outer(b"not a zip at all"),
            args: &[],
            rule: "package-zip-not-zip",
            file: inner,
        },
        Case {
            what: "no asset folder",
            bytes: outer(&owned(&[("Connector.zip", connector_solution()), ("Flow.zip", flow_solution())])),
            args: &[],
            rule: "package-asset-folder",
            file: inner,
        },
        Case {
            what: "two folders in the package zip",
            bytes: outer(&owned(&[
                ("PkgAssets/Connector.zip", connector_solution()),
                ("PkgAssets/Flow.zip", flow_solution()),
                ("Extra/readme.txt", b"x".to_vec()),
            ])),
            args: &[],
            rule: "package-asset-folder",
            file: inner,
        },
        Case {
            what: "a folder in the asset folder",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector.zip", connector_solution()),
                ("PkgAssets/Flow.zip", flow_solution()),
                ("PkgAssets/old/Flow.zip", flow_solution()),
            ])),
            args: &[],
            rule: "assets-subfolders",
            file: assets,
        },
        Case {
            what: "one solution only",
            bytes: outer(&deployer(vec![("PkgAssets/Connector.zip", connector_solution())])),
            args: &[],
            rule: "assets-solution-count",
            file: assets,
        },
        Case {
            what: "three solutions without --plugin",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector.zip", connector_solution()),
                ("PkgAssets/Flow.zip", flow_solution()),
                ("PkgAssets/Flow2.zip", flow_solution()),
            ])),
            args: &[],
            rule: "assets-solution-count",
            file: assets,
        },
        Case {
            what: "two solutions with --plugin",
            bytes: outer(&valid_deployer()),
            args: &["--plugin"],
            rule: "assets-solution-count",
            file: assets,
        },
        Case {
            what: "a solution that is not a zip",
            bytes: outer(&with("PkgAssets/Flow.zip", b"garbage".to_vec())),
            args: &[],
            rule: "solution-not-zip",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Flow.zip",
        },
        Case {
            what: "a solution without solution.xml",
            bytes: outer(&with(
                "PkgAssets/Flow.zip",
                owned(&[
                    ("[Content_Types].xml", CONTENT_TYPES.to_vec()),
                    ("customizations.xml", customizations(true, false).into_bytes()),
                    ("Connector/x.json", b"{}".to_vec()),
                    ("Workflows/x.json", b"{}".to_vec()),
                ]),
            )),
            args: &[],
            rule: "solution-root-files",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Flow.zip",
        },
        Case {
            what: "customizations.xml that is not XML",
            bytes: outer(&with(
                "PkgAssets/Flow.zip",
                solution("<ImportExportXml>\n  <Connectors>\n</ImportExportXml>", flow_files()),
            )),
            args: &[],
            rule: "solution-customizations",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Flow.zip › customizations.xml",
        },
        Case {
            what: "a connector without its Connector folder",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector.zip", solution(&customizations(false, false), vec![])),
                ("PkgAssets/Flow.zip", flow_solution()),
            ])),
            args: &[],
            rule: "solution-connector-folder",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Connector.zip",
        },
        Case {
            what: "workflows without their Workflows folder",
            bytes: outer(&with(
                "PkgAssets/Flow.zip",
                solution(&customizations(true, false), connector_files("api.openbrewerydb.org")),
            )),
            args: &[],
            rule: "solution-workflows-folder",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Flow.zip",
        },
        Case {
            what: "an AI plugin without its folders",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector.zip", connector_solution()),
                ("PkgAssets/Flow.zip", flow_solution()),
                ("PkgAssets/Plugin.zip", plugin_solution(false)),
            ])),
            args: &["--plugin"],
            rule: "solution-plugin-folders",
            file: "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Plugin.zip",
        },
        Case {
            what: "no connector solution",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Flow1.zip", flow_solution()),
                ("PkgAssets/Flow2.zip", flow_solution()),
            ])),
            args: &[],
            rule: "connector-solution-missing",
            file: assets,
        },
        Case {
            what: "no flow solution",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector1.zip", connector_solution()),
                ("PkgAssets/Connector2.zip", connector_solution()),
            ])),
            args: &[],
            rule: "flow-solution-missing",
            file: assets,
        },
        Case {
            what: "no AI plugin solution",
            bytes: outer(&deployer(vec![
                ("PkgAssets/Connector.zip", connector_solution()),
                ("PkgAssets/Flow.zip", flow_solution()),
                ("PkgAssets/Connector2.zip", connector_solution()),
            ])),
            args: &["--plugin"],
            rule: "plugin-solution-missing",
            file: assets,
        },
    ];
    let mut covered = std::collections::BTreeSet::new();
    for case in cases {
        let (code, doc, text) = check(&case.bytes, case.args);
        assert_eq!(code, 1, "{}: exit status; {text}", case.what);
        assert_eq!(doc["valid"], false, "{}", case.what);
        let found = rules(&doc);
        assert!(
            found.iter().any(|(r, s, f)| r == case.rule && s == "error" && f == case.file),
            "{}: expected {} at {:?}, got {found:?}",
            case.what,
            case.rule,
            case.file
        );
        assert!(text.contains(case.file), "{}: the text names the file:\n{text}", case.what);
        assert!(text.contains("fix:"), "{}: the text says what to do:\n{text}", case.what);
        covered.insert(case.rule);
    }
    // Every validator rule of the table has a case.
    for rule in connector_publish::certification::rules::RULES.iter().filter(|r| r.validator) {
        assert!(covered.contains(rule.id), "no case breaks {}", rule.id);
    }
}

#[test]
fn intro_sections_and_names_are_warnings() {
    let bytes = zip_of(&[
        ("README.md", b"# Open Brewery DB\n\n## Prerequisites\nNone.\n"),
        ("p.zip", &valid_deployer()),
    ]);
    let (code, doc, _) = check(&bytes, &[]);
    assert_eq!(code, 0, "warnings only");
    let found = rules(&doc);
    for expected in ["intro-name", "intro-section"] {
        assert!(
            found
                .iter()
                .any(|(r, s, f)| r == expected && s == "warning" && f == "certification.zip › README.md"),
            "{expected}: {found:?}"
        );
    }
    assert_eq!(
        found.iter().filter(|(r, _, _)| r == "intro-section").count(),
        2,
        "credentials and known issues"
    );
}

/// Rename an entry in a built zip: same length, in the local header and the central directory.
fn rename_entry(mut bytes: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut hits = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from.as_bytes() {
            bytes[i..i + from.len()].copy_from_slice(to.as_bytes());
            hits += 1;
        }
        i += 1;
    }
    assert_eq!(hits, 2, "local header and central directory");
    bytes
}

#[test]
fn hostile_archives_are_refused_without_writing_anything() {
    // `../` and absolute names: reported, never read, never written.
    let bytes = zip_of(&[
        ("intro.md", INTRO.as_bytes()),
        ("OpenBreweryDB.pdpkg.zip", &valid_deployer()),
        ("xx/evil.sh", b"#!/bin/sh\necho pwned\n"),
        ("_etc/cron.d/x", b"* * * * * root sh"),
    ]);
    let bytes = rename_entry(rename_entry(bytes, "xx/evil.sh", "../evil.sh"), "_etc/cron.d/x", "/etc/cron.d/x");
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 1, "{text}");
    let found = rules(&doc);
    for name in ["../evil.sh", "/etc/cron.d/x"] {
        assert!(
            found
                .iter()
                .any(|(r, _, f)| r == "archive-unsafe-name" && f == &format!("certification.zip › {name}")),
            "{name}: {found:?}"
        );
    }

    // A zip bomb: a package "zip" of 150 MiB of zeros, about 150 KiB compressed.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("intro.md", options).unwrap();
    w.write_all(INTRO.as_bytes()).unwrap();
    w.start_file("bomb.zip", options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..150 {
        w.write_all(&chunk).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20);
    let (code, doc, text) = check(&bomb, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        rules(&doc)
            .iter()
            .any(|(r, _, f)| r == "archive-limits" && f == "certification.zip › bomb.zip"),
        "{:?}",
        rules(&doc)
    );
    assert!(
        doc["bytes_read"].as_u64().unwrap() < 1 << 20,
        "the bomb was not inflated: {}",
        doc["bytes_read"]
    );

    // A highly compressible customizations.xml (20 MiB, ratio ~1000) inside a solution.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in [("[Content_Types].xml", CONTENT_TYPES), ("solution.xml", SOLUTION_XML)] {
        w.start_file(name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.start_file("customizations.xml", options).unwrap();
    for _ in 0..20 {
        w.write_all(&vec![b' '; 1 << 20]).unwrap();
    }
    let bomb_solution = w.finish().unwrap().into_inner();
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", bomb_solution),
    ]));
    let (code, doc, _) = check(&bytes, &[]);
    assert_eq!(code, 1);
    assert!(
        rules(&doc).iter().any(|(r, _, f)| r == "archive-limits"
            && f == "certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Flow.zip › customizations.xml"),
        "{:?}",
        rules(&doc)
    );
    assert!(doc["bytes_read"].as_u64().unwrap() < 4 << 20);

    // Thousands of entries.
    let names: Vec<String> = (0..12_000).map(|i| format!("f{i}.txt")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    entries.push(("intro.md", INTRO.as_bytes()));
    let (code, doc, _) = check(&zip_of(&entries), &[]);
    assert_eq!(code, 1);
    assert_eq!(rules(&doc)[0].0, "archive-limits", "{:?}", rules(&doc));
    assert!(doc["findings"][0]["message"].as_str().unwrap().contains("12001 entries"));

    // A zip nested 30 deep inside a valid solution: never opened, the package stays valid.
    let mut nested = zip_of(&[("core.txt", b"bottom")]);
    for _ in 0..30 {
        nested = zip_of(&[("inner.zip", &nested)]);
    }
    let mut files = flow_files();
    files.push(("Workflows/nested.zip".into(), nested));
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", solution(&customizations(true, false), files)),
    ]));
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(doc["bytes_read"].as_u64().unwrap() < 256 << 10, "{}", doc["bytes_read"]);
}

#[test]
fn the_connector_solution_is_compared_with_a_local_folder() {
    let folder = tempfile::tempdir().unwrap();
    common::write_clean_connector(folder.path());
    let dir = folder.path().to_str().unwrap();

    let (code, doc, text) = check(&outer(&valid_deployer()), &["--connector-dir", dir]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(doc["warnings"], 0, "{:?}", rules(&doc));
    assert_eq!(doc["diff"].as_array().unwrap().len(), 0);
    assert!(text.contains("matches"), "{text}");

    // Another host in the solution's connector: a warning and a unified diff.
    let changed = deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution_with_host("api.brewery.example.net")),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]);
    let (code, doc, text) = check(&outer(&changed), &["--connector-dir", dir]);
    assert_eq!(code, 0, "differences are warnings: {text}");
    let swagger = format!("{dir}/apiDefinition.swagger.json");
    assert!(
        rules(&doc)
            .iter()
            .any(|(r, s, f)| r == "connector-mismatch" && s == "warning" && f == &swagger),
        "{:?}",
        rules(&doc)
    );
    for expected in [
        format!("--- a/{swagger}"),
        format!("+++ b/certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets/Connector.zip › Connector/{NAME}_openapidefinition.json"),
        "-host: api.openbrewerydb.org".to_string(),
        "+host: api.brewery.example.net".to_string(),
        "the reviewers ask for the two to match".to_string(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }

    // A connection parameter the folder does not have.
    let mut files = connector_files("api.openbrewerydb.org");
    files[1].1 = br#"{"api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key"}}}"#.to_vec();
    let changed = deployer(vec![
        ("PkgAssets/Connector.zip", solution(&customizations(false, false), files)),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]);
    let (_, doc, _) = check(&outer(&changed), &["--connector-dir", dir]);
    let diff = doc["diff"].as_array().unwrap();
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert!(diff[0]["unified"].as_str().unwrap().contains("+  \"api_key\": {"), "{diff:?}");
}

#[test]
fn the_connector_solution_is_compared_with_the_upstream_folder_online_and_offline() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    common::write_clean_connector(&work.join("independent-publisher-connectors/Open Brewery DB"));
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "Open Brewery DB"]);
    let served = root.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    git(&served, &["clone", "-q", "--bare", work.to_str().unwrap(), "upstream.git"]);
    let server = GitHttpServer::start(&served, None);
    let url = server.url("upstream.git");
    let cache = root.path().join("cache");
    let package = root.path().join("certification.zip");
    let changed = deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution_with_host("api.brewery.example.net")),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]);
    std::fs::write(&package, outer(&changed)).unwrap();

    // The folder's case differs, as on a Windows checkout: still found.
    let run = |extra: &[&str]| {
        bin(&cache)
            .args([
                "package",
                "check",
                "--json",
                "--connector",
                "independent-publisher-connectors/open brewery db",
                "--upstream",
                &url,
            ])
            .args(extra)
            .arg(&package)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["compared_with"], "independent-publisher-connectors/Open Brewery DB");
    let unified = doc["diff"][0]["unified"].as_str().unwrap();
    assert!(
        unified.contains("--- a/independent-publisher-connectors/Open Brewery DB/apiDefinition.swagger.json"),
        "{unified}"
    );
    assert!(unified.contains("+host: api.brewery.example.net"), "{unified}");

    // Offline, the server gone: the mirror answers.
    server.set_offline(true);
    let requests = server.requests().len();
    let out = run(&["--offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.requests().len(), requests, "--offline touched the network");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diff"].as_array().unwrap().len(), 1);

    // A folder that is not upstream: the command cannot run.
    let out = bin(&cache)
        .args([
            "package",
            "check",
            "--offline",
            "--upstream",
            &url,
            "--connector",
            "certified-connectors/Nope",
        ])
        .arg(&package)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("certified-connectors/Nope is not in upstream dev"));
}

#[test]
fn intro_writes_a_starting_file_and_never_overwrites() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("Open Brewery DB");
    common::write_clean_connector(&folder);
    let cache = root.path().join("cache");
    let out = bin(&cache).args(["package", "intro"]).arg(&folder).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let intro = std::fs::read_to_string(folder.join("intro.md")).unwrap();
    assert!(intro.starts_with("Open Brewery DB is a free dataset"), "{intro}");
    for heading in [
        "## Prerequisites\n\nNone.",
        "## How to get credentials\n\nNo key is needed.",
        "## Known issues and limitations\n\nNone.",
    ] {
        assert!(intro.contains(heading), "missing {heading:?} in:\n{intro}");
    }
    assert!(intro.contains("- Get brewery"), "{intro}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("created"));

    // Run again, and over a file of the author's: never replaced.
    std::fs::write(folder.join("intro.md"), "mine\n").unwrap();
    let before = common::snapshot(&folder);
    let out = bin(&cache).args(["package", "intro"]).arg(&folder).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("kept") && stdout.contains("never overwritten"), "{stdout}");
    assert!(stdout.contains("add a `## Prerequisites` section"), "{stdout}");
    assert_eq!(common::snapshot(&folder), before);
}

#[test]
fn build_assembles_checks_and_refuses_to_overwrite() {
    let root = tempfile::tempdir().unwrap();
    let intro = root.path().join("intro.md");
    std::fs::write(&intro, INTRO).unwrap();
    let package = root.path().join("OpenBreweryDB.pdpkg.zip");
    std::fs::write(&package, valid_deployer()).unwrap();
    let output = root.path().join("out").join("certification.zip");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    let cache = root.path().join("cache");
    let build = || {
        let mut cmd = bin(&cache);
        cmd.args(["package", "build", "--intro"])
            .arg(&intro)
            .arg("--package")
            .arg(&package)
            .arg("-o")
            .arg(&output);
        cmd
    };
    let out = build().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Wrote"));
    // Exactly intro.md and the package, the package byte for byte.
    let mut zip = zip::ZipArchive::new(Cursor::new(std::fs::read(&output).unwrap())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert_eq!(names, ["intro.md", "OpenBreweryDB.pdpkg.zip"]);
    let mut inner = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("OpenBreweryDB.pdpkg.zip").unwrap(), &mut inner).unwrap();
    assert_eq!(inner, std::fs::read(&package).unwrap());
    assert_eq!(
        std::fs::read_dir(output.parent().unwrap()).unwrap().count(),
        1,
        "no temporary file left"
    );
    bin(&cache).args(["package", "check"]).arg(&output).assert().code(0);

    // An existing output: refused, untouched; replaced with --force.
    std::fs::write(&output, b"previous").unwrap();
    let out = build().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read(&output).unwrap(), b"previous");
    build().arg("--force").assert().code(0);
    assert_ne!(std::fs::read(&output).unwrap(), b"previous");

    // A package that breaks a rule: nothing written, the message names the file inside.
    std::fs::write(&package, deployer(vec![("PkgAssets/Connector.zip", connector_solution())])).unwrap();
    std::fs::remove_file(&output).unwrap();
    let out = build().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("certification.zip › OpenBreweryDB.pdpkg.zip › PkgAssets"),
        "{stdout}"
    );
    assert!(stdout.contains("was not written"), "{stdout}");
    assert!(!output.exists());
}

#[test]
fn what_the_validator_lets_through_but_reviewers_ask_for_is_a_warning() {
    // A lower-case asset folder, a stray file beside intro.md, an empty intro.md, and a
    // customizations.xml naming a connector file the zip lacks: all warnings, exit 0.
    let mut files = connector_files("api.openbrewerydb.org");
    files.retain(|(n, _)| !n.ends_with("_connectionparameters.json"));
    let package = owned(&[
        ("pkgassets/Connector.zip", solution(&customizations(false, false), files)),
        ("pkgassets/Flow.zip", flow_solution()),
    ]);
    let bytes = zip_of(&[("intro.md", b"  \n"), ("OpenBreweryDB.pdpkg.zip", &package), ("notes.txt", b"x")]);
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 0, "{text}");
    let found = rules(&doc);
    for (rule, file) in [
        ("asset-folder-name", "certification.zip › OpenBreweryDB.pdpkg.zip › pkgassets"),
        ("outer-extra-files", "certification.zip"),
        ("intro-empty", "certification.zip › intro.md"),
        (
            "solution-connector-files",
            "certification.zip › OpenBreweryDB.pdpkg.zip › pkgassets/Connector.zip › customizations.xml",
        ),
    ] {
        assert!(
            found.iter().any(|(r, s, f)| r == rule && s == "warning" && f == file),
            "{rule} at {file}: {found:?}"
        );
    }

    // An AI plugin solution checked without --plugin: it is none of the two kinds, and says so.
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]));
    let (_, doc, _) = check(&bytes, &["--plugin"]);
    assert!(rules(&doc).iter().any(|(r, _, _)| r == "plugin-solution-missing"));
    let plugin_with_workflows = solution(&customizations(true, true), flow_files());
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", flow_solution()),
        ("PkgAssets/Odd.zip", plugin_with_workflows),
    ]));
    let (code, doc, _) = check(&bytes, &["--plugin"]);
    assert_eq!(code, 1);
    assert!(
        rules(&doc)
            .iter()
            .any(|(r, s, f)| r == "solution-unclassified" && s == "warning" && f.ends_with("PkgAssets/Odd.zip › customizations.xml")),
        "{:?}",
        rules(&doc)
    );
}

/// One stored entry of a zip built by hand, for what the zip crate will not write: a local
/// header that disagrees with the central directory, two entries of one name, a link, a zip64
/// size that cannot be.
#[derive(Clone, Copy)]
struct Raw<'a> {
    name: &'a [u8],
    /// The local header's name, when it is not `name`.
    local_name: Option<&'a [u8]>,
    data: &'a [u8],
    /// Unix mode (made by Unix), e.g. 0o120777 for a symbolic link.
    unix_mode: Option<u32>,
    /// A zip64 compressed size in the central directory.
    zip64_compressed: Option<u64>,
}

impl<'a> Raw<'a> {
    fn file(name: &'a str, data: &'a [u8]) -> Raw<'a> {
        Raw {
            name: name.as_bytes(),
            local_name: None,
            data,
            unix_mode: None,
            zip64_compressed: None,
        }
    }
}

fn raw_zip(entries: &[Raw]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let crc = crc32fast::hash(e.data);
        let size = e.data.len() as u32;
        let local = e.local_name.unwrap_or(e.name);
        out.extend_from_slice(b"PK\x03\x04");
        for v in [20u16, 0, 0, 0, 0x21] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(local.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(local);
        out.extend_from_slice(e.data);

        let mut extra = Vec::new();
        let (csize, usize_) = match e.zip64_compressed {
            Some(c) => {
                extra.extend_from_slice(&1u16.to_le_bytes());
                extra.extend_from_slice(&16u16.to_le_bytes());
                extra.extend_from_slice(&(e.data.len() as u64).to_le_bytes());
                extra.extend_from_slice(&c.to_le_bytes());
                (u32::MAX, u32::MAX)
            }
            None => (size, size),
        };
        central.extend_from_slice(b"PK\x01\x02");
        let made_by: u16 = if e.unix_mode.is_some() { (3 << 8) | 20 } else { 20 };
        for v in [made_by, if e.zip64_compressed.is_some() { 45 } else { 20 }, 0, 0, 0, 0x21] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, csize, usize_] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [e.name.len() as u16, extra.len() as u16, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&(e.unix_mode.unwrap_or(0) << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name);
        central.extend_from_slice(&extra);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    for v in [0u16, 0, entries.len() as u16, entries.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The findings of `rule`: (file, message).
fn findings_of(doc: &serde_json::Value, rule: &str) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| (f["file"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn what_the_zip_says_twice_must_agree() {
    let package = valid_deployer();
    let broken = |bytes: &[u8], said: &str| {
        let (code, doc, text) = check(bytes, &[]);
        assert_eq!(code, 1, "{said}: {text}");
        let found = findings_of(&doc, "package-not-zip");
        assert!(
            found.iter().any(|(f, m)| f == "certification.zip" && m.contains(said)),
            "{said}: {found:?}"
        );
        assert!(
            doc["intro"].is_null() && doc["deployer_package"].is_null(),
            "nothing was read: {doc}"
        );
    };
    // intro.md twice: which one would an extractor keep?
    let intro = INTRO.as_bytes();
    broken(
        &raw_zip(&[
            Raw::file("intro.md", intro),
            Raw::file("intro.md", b"# other"),
            Raw::file("OpenBreweryDB.pdpkg.zip", &package),
        ]),
        "two entries",
    );
    // The same name in another case is the same file on Windows.
    broken(
        &raw_zip(&[
            Raw::file("intro.md", intro),
            Raw::file("INTRO.md", b"# other"),
            Raw::file("OpenBreweryDB.pdpkg.zip", &package),
        ]),
        "two entries are named `INTRO.md`",
    );
    // A local header named `../ev.md` under the central name `intro.md`.
    broken(
        &raw_zip(&[
            Raw {
                local_name: Some(b"../ev.md"),
                ..Raw::file("intro.md", intro)
            },
            Raw::file("OpenBreweryDB.pdpkg.zip", &package),
        ]),
        "its local header names it `../ev.md`",
    );
    // An end record whose central directory is 0xFFFFFF00 bytes.
    let mut bytes = outer(&package);
    let end = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    bytes[end + 12..end + 16].copy_from_slice(&0xFFFF_FF00u32.to_le_bytes());
    broken(&bytes, "end record says the central directory is 3.9 GiB");
    // A zip64 compressed size of 2^62.
    broken(
        &raw_zip(&[
            Raw {
                zip64_compressed: Some(1 << 62),
                ..Raw::file("intro.md", intro)
            },
            Raw::file("OpenBreweryDB.pdpkg.zip", &package),
        ]),
        "compressed, more than the whole archive",
    );

    // A solution zip twice in the package zip: the package zip is broken.
    let connector = connector_solution();
    let flow = flow_solution();
    let inner = raw_zip(&[
        Raw::file("PkgAssets/Connector.zip", &connector),
        Raw::file("PkgAssets/Connector.zip", &flow),
    ]);
    let (code, doc, _) = check(&outer(&inner), &[]);
    assert_eq!(code, 1);
    let found = findings_of(&doc, "package-zip-not-zip");
    assert!(
        found
            .iter()
            .any(|(f, m)| f == "certification.zip › OpenBreweryDB.pdpkg.zip" && m.contains("two entries")),
        "{found:?}"
    );
    assert!(doc["solutions"].as_array().unwrap().is_empty());

    // A stored package zip whose bytes do not match its checksum.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("intro.md", SimpleFileOptions::default()).unwrap();
    w.write_all(intro).unwrap();
    w.start_file(
        "OpenBreweryDB.pdpkg.zip",
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    w.write_all(&package).unwrap();
    let mut bytes = w.finish().unwrap().into_inner();
    let at = bytes.windows(package.len()).position(|w| w == package.as_slice()).unwrap() + package.len() / 2;
    bytes[at] ^= 0xFF;
    let (code, doc, _) = check(&bytes, &[]);
    assert_eq!(code, 1);
    let found = findings_of(&doc, "archive-limits");
    assert!(
        found.iter().any(|(_, m)| m.contains("checksum (CRC-32) does not match")),
        "{found:?}"
    );
}

#[test]
fn symbolic_links_are_refused_never_read() {
    let bytes = raw_zip(&[
        Raw {
            unix_mode: Some(0o120777),
            ..Raw::file("intro.md", b"/etc/passwd")
        },
        Raw::file("OpenBreweryDB.pdpkg.zip", &valid_deployer()),
    ]);
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 1, "{text}");
    let found = findings_of(&doc, "archive-unsafe-name");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "certification.zip › intro.md");
    assert!(found[0].1.contains("symbolic link"), "{found:?}");
    assert!(!findings_of(&doc, "outer-intro").is_empty(), "the link is no intro");
    assert!(doc["intro"].is_null());
}

#[test]
fn messages_cut_long_names_and_lists() {
    let longest = |doc: &serde_json::Value, text: &str| {
        let json = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().len().max(f["file"].as_str().unwrap().len()))
            .max()
            .unwrap_or(0);
        json.max(text.lines().map(str::len).max().unwrap_or(0))
    };
    let package = valid_deployer();
    // A 65,535-byte name.
    let name = format!("{}.txt", "n".repeat(65_531));
    let bytes = raw_zip(&[
        Raw::file("intro.md", INTRO.as_bytes()),
        Raw::file("OpenBreweryDB.pdpkg.zip", &package),
        Raw::file(&name, b"x"),
    ]);
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 0, "an extra file is a warning: {text}");
    let found = findings_of(&doc, "outer-extra-files");
    assert!(found[0].1.contains("(65535 bytes in all)"), "{found:?}");
    assert!(longest(&doc, &text) < 400, "a line of {} bytes", longest(&doc, &text));

    // 9,000 folders: the first few are named, then how many more.
    let names: Vec<String> = (0..9_000).map(|i| format!("folder-{i:05}-{}/x", "f".repeat(40))).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    entries.push(("intro.md", INTRO.as_bytes()));
    let (code, doc, text) = check(&zip_of(&entries), &[]);
    assert_eq!(code, 1);
    let found = findings_of(&doc, "outer-folders");
    assert!(found[0].1.contains("and 8990 more"), "{found:?}");
    assert!(longest(&doc, &text) < 1000, "a line of {} bytes", longest(&doc, &text));

    // 10,001 entries: refused in one short line.
    let names: Vec<String> = (0..10_001).map(|i| format!("{}-{i}.txt", "e".repeat(200))).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let (code, doc, text) = check(&zip_of(&entries), &[]);
    assert_eq!(code, 1);
    assert!(findings_of(&doc, "archive-limits")[0].1.contains("10001 entries"));
    assert!(longest(&doc, &text) < 400, "a line of {} bytes", longest(&doc, &text));
}

/// customizations.xml with `attributes` on one `<Connector>`, or `per` attributes on each of
/// `elements` elements.
fn solution_with_attributes(one: usize, elements: usize, per: usize) -> Vec<u8> {
    let attrs = |n: usize| (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect::<String>();
    // Values that do not repeat, so the file compresses as a real one does (not 1000 to 1).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut crowd = String::new();
    for _ in 0..elements {
        crowd.push_str("<e");
        for i in 0..per {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            crowd.push_str(&format!(" a{i}=\"{}\"", x % 1_000_000));
        }
        crowd.push_str("/>");
    }
    let xml = customizations(false, false)
        .replace("<Connector>", &format!("<Connector{}>", attrs(one)))
        .replace("<Entities />", &format!("<Entities>{crowd}</Entities>"));
    solution(&xml, connector_files("api.openbrewerydb.org"))
}

#[test]
fn customizations_attributes_are_counted_before_parsing() {
    // 200,000 attributes on one element (the parser's duplicate check is quadratic in them).
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", solution_with_attributes(200_000, 0, 0)),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]));
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 1, "{text}");
    let found: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "solution-customizations")
        .collect();
    assert_eq!(found.len(), 1, "{text}");
    assert!(found[0]["message"].as_str().unwrap().contains("more than 256 attributes"), "{text}");
    assert!(found[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("PkgAssets/Connector.zip › customizations.xml"));
    assert!(found[0]["position"]["line"].as_u64().unwrap() > 1);

    // 40,000 elements of 26 attributes each: a million and more in all.
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", connector_solution()),
        ("PkgAssets/Flow.zip", solution_with_attributes(0, 40_000, 26)),
    ]));
    let (code, doc, text) = check(&bytes, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        findings_of(&doc, "solution-customizations")
            .iter()
            .any(|(_, m)| m.contains("more than 1000000 attributes")),
        "{text}"
    );

    // A few attributes per element, as Dataverse writes them, pass.
    let bytes = outer(&deployer(vec![
        ("PkgAssets/Connector.zip", solution_with_attributes(10, 2_000, 12)),
        ("PkgAssets/Flow.zip", flow_solution()),
    ]));
    let (code, _, text) = check(&bytes, &[]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn build_says_what_stands_in_the_output_s_way() {
    let root = tempfile::tempdir().unwrap();
    let intro = root.path().join("intro.md");
    std::fs::write(&intro, INTRO).unwrap();
    let package = root.path().join("OpenBreweryDB.pdpkg.zip");
    std::fs::write(&package, valid_deployer()).unwrap();
    let out_dir = root.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let cache = root.path().join("cache");
    let build = |output: &std::ffi::OsStr| {
        let mut cmd = bin(&cache);
        cmd.args(["package", "build", "--intro"])
            .arg(&intro)
            .arg("--package")
            .arg(&package)
            .arg("-o")
            .arg(output)
            .output()
            .unwrap()
    };
    // `-o new.zip/`: a folder's name.
    let mut slash = out_dir.join("new.zip").into_os_string();
    slash.push("/");
    let out = build(&slash);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names a folder (it ends with a slash)"));
    // A dangling link: never written through.
    let link = out_dir.join("link.zip");
    std::os::unix::fs::symlink(out_dir.join("missing.zip"), &link).unwrap();
    for force in [false, true] {
        let mut cmd = bin(&cache);
        cmd.args(["package", "build", "--intro"])
            .arg(&intro)
            .arg("--package")
            .arg(&package)
            .arg("-o")
            .arg(&link);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(3));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is a symbolic link (dangling)"), "{stderr}");
        assert!(!stderr.contains("appeared while"), "{stderr}");
    }
    // A folder.
    let folder = out_dir.join("folder.zip");
    std::fs::create_dir(&folder).unwrap();
    let out = build(folder.as_os_str());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
    let mut left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["folder.zip", "link.zip"], "nothing written, no temporary file left");
    assert!(!out_dir.join("missing.zip").exists());
}
