//! `package check`, `package intro` and `package build`, driven through the built binary on
//! packages built here with the zip crate: a valid one, every rule of Microsoft's Package
//! Validator broken once, hostile archives, and the connector solution compared with a local
//! folder and with an upstream folder served by the real `git http-backend`.

mod common;
use common::certpackage::*;
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
    for rule in connector_publish::certpackage::rules::RULES.iter().filter(|r| r.validator) {
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
