//! `connector-publish validate` as a user runs it: the built binary, real folders, exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn bin() -> Command {
    let mut cmd = Command::cargo_bin("connector-publish").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

/// A small independent publisher connector with exactly one error, a product name in the
/// description, and a trailing comma (a warning: the service's JSON reader accepts it).
fn connector(dir: &std::path::Path) {
    fs::write(
        dir.join("apiDefinition.swagger.json"),
        r#"{
  "swagger": "2.0",
  "info": {"title": "Open Brewery DB", "version": "1.0",
    "description": "Open Brewery DB is a free dataset with public information on breweries for Power Automate.",
    "contact": {"name": "Jane Doe", "email": "jane@example.org"}},
  "host": "api.openbrewerydb.org",
  "basePath": "/v1",
  "schemes": ["https"],
  "paths": {},
  "x-ms-connector-metadata": [
    {"propertyName": "Website", "propertyValue": "https://www.openbrewerydb.org"},
    {"propertyName": "Privacy policy", "propertyValue": "https://www.openbrewerydb.org"},
    {"propertyName": "Categories", "propertyValue": "Data"}
  ],
}
"#,
    )
    .unwrap();
    fs::write(
        dir.join("apiProperties.json"),
        r##"{"properties": {"iconBrandColor": "#da3b01", "publisher": "Jane Doe", "stackOwner": "Open Brewery DB"}}"##,
    )
    .unwrap();
    fs::write(
        dir.join("Readme.md"),
        "# Open Brewery DB\nBreweries.\n## Publisher: Jane Doe\n## Prerequisites\n## Supported Operations\n## Obtaining Credentials\n## Known Issues and Limitations\n",
    )
    .unwrap();
    fs::write(
        dir.join("settings.json"),
        r#"{"environment": "00000000-0000-0000-0000-000000000000"}"#,
    )
    .unwrap();
}

#[test]
fn errors_are_reported_with_file_line_column_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    bin()
        .args(["validate", "--without-package"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "as independent-publisher (inferred: iconBrandColor is #da3b01",
        ))
        .stdout(predicate::str::contains(
            "apiDefinition.swagger.json:14:4: warning[json-not-strict] not strict JSON: a trailing comma",
        ))
        .stdout(predicate::str::contains("fix:"))
        .stdout(predicate::str::contains("settings.json: warning[file-settings]"))
        .stdout(predicate::str::contains(
            "It would be submitted as independent-publisher-connectors/Open Brewery DB",
        ))
        .stdout(predicate::str::contains("error[description-words]"))
        .stdout(predicate::str::contains("1 error, 2 warnings"))
        // Piped output carries no color codes.
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn clean_connector_exits_0_and_json_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    let swagger = fs::read_to_string(dir.path().join("apiDefinition.swagger.json"))
        .unwrap()
        .replace("],\n}", "]\n}")
        .replace(" for Power Automate.", ".");
    fs::write(dir.path().join("apiDefinition.swagger.json"), swagger).unwrap();
    let out = bin()
        .args(["validate", "--json", "--without-package"])
        .arg(dir.path())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["category"], "independent-publisher");
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 1);
    assert_eq!(doc["folder"], "independent-publisher-connectors/Open Brewery DB");
    assert_eq!(doc["findings"][0]["rule"], "file-settings");
    assert_eq!(doc["files"].as_array().unwrap().len(), 4);
}

#[test]
fn category_override_changes_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    bin()
        .args(["validate", "--category", "certified-connectors"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("as certified (as you asked)"))
        .stdout(predicate::str::contains("readme-sections-template"));
}

#[test]
fn usage_errors_exit_2_and_missing_folders_exit_3() {
    bin()
        .args(["validate", "--category", "verified"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown category `verified`"));
    bin().args(["validate", "--no-such-flag"]).assert().code(2);
    bin()
        .args(["validate", "/definitely/not/here"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("/definitely/not/here: no such folder"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("apiDefinition.swagger.json");
    fs::write(&file, "{}").unwrap();
    bin()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("not a folder"));
}

#[test]
fn help_documents_exit_status() {
    bin()
        .args(["validate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status:"))
        .stdout(predicate::str::contains("1  validate found errors"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_folder_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.txt"), "password").unwrap();
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), dir.path().join("notes.txt")).unwrap();
    fs::create_dir(dir.path().join("screenshots")).unwrap();
    fs::write(dir.path().join(".DS_Store"), "x").unwrap();
    let out = bin().args(["validate", "--json"]).arg(dir.path()).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<_> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!files.contains(&"notes.txt".to_string()), "{files:?}");
    let skipped: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "file-skipped")
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped, [".DS_Store", "notes.txt", "screenshots"]);
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// The repository's schemas come from the mirror when there is one: upstream may change them.
#[test]
fn schemas_come_from_the_synced_mirror() {
    let root = tempfile::tempdir().unwrap();
    let upstream = root.path().join("upstream");
    fs::create_dir_all(upstream.join("schemas")).unwrap();
    // Upstream's (changed) apiProperties schema now requires a `capabilities` list.
    fs::write(
        upstream.join("schemas/paconn-apiProperties.schema.json"),
        r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {"properties": {"type": "object", "required": ["capabilities"]}}}"#,
    )
    .unwrap();
    git(&upstream, &["init", "-q", "-b", "dev"]);
    git(&upstream, &["add", "-A"]);
    git(&upstream, &["commit", "-qm", "schemas"]);
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    let cache = root.path().join("cache");
    let run = |args: &[&str]| {
        bin()
            .args(args)
            .args(["--upstream", upstream.to_str().unwrap(), "--base-branch", "dev"])
            .env("CONNECTOR_PUBLISH_CACHE", &cache)
            .output()
            .unwrap()
    };
    let validate = || String::from_utf8_lossy(&run(&["validate", dir.path().to_str().unwrap()]).stdout).into_owned();
    // Without a mirror: the built-in schema, which does not ask for capabilities.
    assert!(!validate().contains("schema-properties"));
    assert_eq!(run(&["sync"]).status.code(), Some(0));
    let stdout = validate();
    assert!(stdout.contains("apiProperties.json:1:2: warning[schema-properties]"), "{stdout}");
    assert!(stdout.contains("\"capabilities\" is a required property"), "{stdout}");
    assert!(stdout.contains("checked against the schema upstream "), "{stdout}");
}

/// `validate --against-upstream`: a folder placed like upstream is judged by what it changes,
/// against the local mirror (made by `sync`; validate itself stays offline).
#[test]
fn against_upstream_judges_a_change_by_what_it_changes() {
    let root = tempfile::tempdir().unwrap();
    // Upstream holds the connector with its product-name error (and the trailing comma).
    let upstream = root.path().join("upstream");
    let folder = upstream.join("independent-publisher-connectors/Open Brewery DB");
    fs::create_dir_all(&folder).unwrap();
    connector(&folder);
    fs::remove_file(folder.join("settings.json")).unwrap();
    git(&upstream, &["init", "-q", "-b", "dev"]);
    git(&upstream, &["add", "-A"]);
    git(&upstream, &["commit", "-qm", "upstream"]);
    // The author's clone of the repository, where the folder gets one more operation.
    let work = root.path().join("work/independent-publisher-connectors/Open Brewery DB");
    fs::create_dir_all(&work).unwrap();
    for entry in fs::read_dir(&folder).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), work.join(entry.file_name())).unwrap();
    }
    let cache = root.path().join("cache");
    // The folder is an independent publisher's, without its certification package.
    let run = |args: &[&str]| {
        let without = if args[0] == "validate" { &["--without-package"][..] } else { &[] };
        bin()
            .args(args)
            .args(without)
            .args(["--upstream", upstream.to_str().unwrap(), "--base-branch", "dev"])
            .env("CONNECTOR_PUBLISH_CACHE", &cache)
            .output()
            .unwrap()
    };
    let work_arg = work.to_str().unwrap();
    // No mirror yet: says to sync, and does not fetch by itself.
    let out = run(&["validate", work_arg, "--against-upstream"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("connector-publish sync"));
    assert!(!cache.join("mirrors").exists());
    assert_eq!(run(&["sync"]).status.code(), Some(0));
    // Unchanged: the error is pre-existing, so it does not fail the run...
    let out = run(&["validate", work_arg, "--against-upstream"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Pre-existing: "), "{stdout}");
    assert!(stdout.contains("error[description-words]"), "{stdout}");
    // ... unless --strict; and the upstream folder can be named instead of inferred.
    assert_eq!(
        run(&["validate", work_arg, "--against-upstream", "--strict"]).status.code(),
        Some(1)
    );
    let out = run(&[
        "validate",
        work_arg,
        "--json",
        "--against-upstream=independent-publisher-connectors/Open Brewery DB",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["blocking"], 0);
    assert!(doc["baseline"]
        .as_str()
        .unwrap()
        .starts_with("independent-publisher-connectors/Open Brewery DB at upstream"));
    let finding = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "description-words")
        .unwrap();
    assert_eq!(finding["pre_existing"], true);
    // A new error in the change blocks: the title gets a restricted word.
    let swagger = work.join("apiDefinition.swagger.json");
    let text = fs::read_to_string(&swagger).unwrap();
    fs::write(&swagger, text.replace("\"Open Brewery DB\"", "\"Open Brewery DB API\"")).unwrap();
    let out = run(&["validate", work_arg, "--against-upstream"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[title-words]"), "{stdout}");
    // A folder not placed like upstream, and a bad name, are usage errors.
    let out = run(&["validate", root.path().to_str().unwrap(), "--against-upstream"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(run(&["validate", work_arg, "--against-upstream=nowhere"]).status.code(), Some(2));
    // A folder that is not upstream says so.
    let out = run(&["validate", work_arg, "--against-upstream=certified-connectors/Nope"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not in the mirror"));
}

/// A swagger of millions of tiny values (23 MB of `{},` took 2 GB to read) is refused where it
/// passes the budget, with one finding that says what to do, and no JSON rule runs on it.
#[test]
fn a_swagger_with_too_many_values_is_refused_where_it_passes_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    // The root, "2.0" and the array are values 1 to 3: the 100,001st is the 99,998th `{}`.
    let mut swagger = String::from("{\"swagger\": \"2.0\",\n  \"x-blob\": [\n");
    swagger.push_str(&"{},".repeat(2_000_000));
    swagger.push_str("{}]\n}\n");
    fs::write(dir.path().join("apiDefinition.swagger.json"), swagger).unwrap();
    let out = bin().arg("validate").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let column = 3 * 99_997 + 1;
    assert!(
        stdout.contains(&format!(
            "apiDefinition.swagger.json:3:{column}: error[json-too-many-values] `apiDefinition.swagger.json` holds more than 100,000 values"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("fix: a swagger has at most 100,000 values"), "{stdout}");
    // Nothing else is said about the swagger's content: it was not read.
    for rule in ["title-missing", "schema-swagger", "json-type", "swagger-schemes"] {
        assert!(!stdout.contains(&format!("[{rule}]")), "{rule}: {stdout}");
    }
    assert!(
        stdout.contains("cannot be read as JSON (more than 100,000 values; reading stopped here"),
        "{stdout}"
    );
}

/// `"info": "PoetryDB"` is one error at `info`, saying what was found; `"properties": []` in
/// apiProperties.json likewise; neither is reported as the members it lacks.
#[test]
fn a_value_of_the_wrong_type_is_said_once_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    let path = dir.path().join("apiDefinition.swagger.json");
    let text = fs::read_to_string(&path).unwrap();
    let (start, end) = (text.find("\"info\": {").unwrap(), text.find("\n  \"host\"").unwrap());
    fs::write(&path, format!("{}\"info\": \"PoetryDB\",{}", &text[..start], &text[end..])).unwrap();
    fs::write(dir.path().join("apiProperties.json"), "{\n  \"properties\": []\n}\n").unwrap();
    let out = bin()
        .args(["validate", "--category", "independent-publisher-connectors"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("apiDefinition.swagger.json:3:3: error[json-type] `info` must be an object, found a string (\"PoetryDB\")"),
        "{stdout}"
    );
    assert!(
        stdout.contains("apiProperties.json:2:3: error[properties-type] `properties` must be an object, found an array"),
        "{stdout}"
    );
    assert!(!stdout.contains("is missing"), "{stdout}");
    assert!(
        stdout.contains("Folder name: info must be an object, found a string (\"PoetryDB\")"),
        "{stdout}"
    );
}

/// A swagger that is a folder, or a link out of the folder, is said to be what it is, at its
/// name, with what to do: not "missing", and not a second warning that it was left out.
#[cfg(unix)]
#[test]
fn a_swagger_that_is_a_folder_or_a_link_out_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    let swagger = dir.path().join("apiDefinition.swagger.json");
    let outside = tempfile::tempdir().unwrap();
    fs::rename(&swagger, outside.path().join("apiDefinition.swagger.json")).unwrap();
    fs::create_dir(&swagger).unwrap();
    let out = bin().arg("validate").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("apiDefinition.swagger.json: error[file-swagger-missing] `apiDefinition.swagger.json` is a folder, not a file"),
        "{stdout}"
    );
    assert!(!stdout.contains("is missing") && !stdout.contains("[file-skipped]"), "{stdout}");
    assert!(
        stdout.contains("Folder name: apiDefinition.swagger.json is a folder, not a file"),
        "{stdout}"
    );

    fs::remove_dir(&swagger).unwrap();
    std::os::unix::fs::symlink(outside.path().join("apiDefinition.swagger.json"), &swagger).unwrap();
    let out = bin().arg("validate").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("apiDefinition.swagger.json: error[file-swagger-missing] `apiDefinition.swagger.json` is a link to a file outside the connector folder"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fix: copy the file into the connector folder in place of the link"),
        "{stdout}"
    );
    assert!(!stdout.contains("is missing") && !stdout.contains("[file-skipped]"), "{stdout}");
}

/// A file name with a line break (or a carriage return) cannot fake a line of `validate`'s
/// output: where findings are printed, the name is escaped.
#[test]
fn file_names_with_line_breaks_cannot_fake_output_lines() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    let fake = "apiDefinition.swagger.json:1:1: error[title-words] forged";
    fs::write(dir.path().join(format!("x\n  {fake}\n.png")), "x").unwrap();
    fs::write(dir.path().join(format!("y\r  {fake}.png")), "y").unwrap();
    fs::create_dir(dir.path().join(format!("z\n  {fake}"))).unwrap();
    let out = bin().arg("validate").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.split(['\n', '\r']) {
        assert!(!line.trim_start().starts_with(fake), "a forged line: {line:?}\n{stdout}");
    }
    assert!(
        stdout.contains(&format!("  x\\n  {fake}\\n.png: error[file-name-refused]")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  y\\r  {fake}.png: error[file-name-refused]")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  z\\n  {fake}: warning[file-skipped] `z\\n  {fake}` is left out")),
        "{stdout}"
    );
}

/// `--name .` and `..` say what they are, not that they contain `..`.
#[test]
fn a_folder_name_of_dot_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    connector(dir.path());
    for (name, says) in [(".", "`.` is the current folder"), ("..", "`..` is the parent folder")] {
        bin()
            .args(["submit", "--dry-run", "--name", name])
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says))
            .stderr(predicate::str::contains("contains `..`").not());
    }
    let path = dir.path().join("apiDefinition.swagger.json");
    let text = fs::read_to_string(&path).unwrap().replace("\"Open Brewery DB\"", "\".\"");
    fs::write(&path, text).unwrap();
    bin().arg("validate").arg(dir.path()).assert().stdout(predicate::str::contains(
        "Folder name: `.` cannot be a connector folder name: `.` is the current folder",
    ));
}
