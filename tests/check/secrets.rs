//! The secret scan over every place a credential can hide in a connector folder, each kind of
//! credential in each place; and the limits `validate` shares with `submit`: sizes, encodings,
//! file names, usage errors.

use crate::common;

use assert_cmd::Command;
use connector_publish::check::validate_folder as validate;
use connector_publish::check::{Finding, Severity};
use connector_publish::connector::Category;
use serde_json::{json, Value};
use std::path::Path;

/// Made-up credentials in each well-known format (none was ever issued).
const KINDS: &[(&str, &str)] = &[
    ("github", "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU"),
    ("github-fine-grained", "github_pat_11AB2CDEF0q8Zr2QmX7pLw_4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w"),
    (
        "azure-storage",
        "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4KmN8rT5vB2cY7dZ1aQ9w==;EndpointSuffix=core.windows.net",
    ),
    (
        "azure-sas",
        "https://contoso.blob.core.windows.net/files?sv=2022-11-02&sr=c&sp=r&sig=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx%3D",
    ),
    ("azure-ad-secret", "aB38Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0i"),
    ("aws-access-key", "AKIAZ3MXQ7TR2LPV4KWN"),
    ("aws-secret-key", "aws_secret_access_key=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"),
    ("google", "AIzaSyD3kXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU"),
    ("slack", "xoxb-2048613457-9834756102934-Rk8sZq2mXLp4vN7tB3wY6cD1"),
    ("stripe", "sk_live_51Hq8Zr2QmX7pLw4NvB9tYcK3"),
    ("openai", "sk-proj-Q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx"),
    (
        "jwt",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb250b3NvIiwiZXhwIjoxOTAwMDAwMDAwfQ.q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4",
    ),
    (
        "pem",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDTz2mr7SZiAMfQyuvB\njM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7dZ1aQ9wK3sH6jF1dG5aE0iU2oWx\n-----END PRIVATE KEY-----",
    ),
    ("basic-auth-url", "https://admin:Tr0ub4dor3x@api.openbrewerydb.org/v1"),
    ("bearer", "Authorization: Bearer q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5a"),
];

/// The part of each snippet that must never be printed: the secret itself.
fn secret_part(snippet: &str) -> &str {
    for marker in ["AccountKey=", "sig=", "aws_secret_access_key=", "Bearer ", "admin:"] {
        if let Some(i) = snippet.find(marker) {
            let rest = &snippet[i + marker.len()..];
            let end = rest.find([';', '@', '%']).unwrap_or(rest.len());
            return &rest[..end];
        }
    }
    snippet
}

fn clean(dir: &Path) {
    common::write_clean_connector(dir);
    std::fs::write(
        dir.join("apiProperties.json"),
        serde_json::to_vec_pretty(&json!({
            "properties": {
                "connectionParameters": {
                    "api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key"}}
                },
                "iconBrandColor": "#da3b01",
                "capabilities": [],
                "publisher": "Jane Doe",
                "stackOwner": "Open Brewery DB"
            }
        }))
        .unwrap(),
    )
    .unwrap();
}

fn edit_json(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
}

const OPERATION: &str = "/paths/~1breweries~1{obdb_id}/get";

/// Put `snippet` into one place of the folder; returns the file it went into.
fn place(dir: &Path, place: &str, snippet: &str) -> String {
    match place {
        "readme" => {
            let mut text = std::fs::read_to_string(dir.join("readme.md")).unwrap();
            text.push_str(&format!("\n## Example\nUse {snippet} to try it.\n"));
            std::fs::write(dir.join("readme.md"), text).unwrap();
            "readme.md".into()
        }
        "script" => {
            let code = format!("public class Script : ScriptBase\n{{\n    private const string Value = @\"{snippet}\";\n}}\n");
            std::fs::write(dir.join("script.csx"), code).unwrap();
            "script.csx".into()
        }
        "description" => {
            edit_json(&dir.join("apiDefinition.swagger.json"), |v| {
                v.pointer_mut(OPERATION).unwrap()["description"] = json!(format!("Gets one brewery. Example: {snippet}"));
            });
            "apiDefinition.swagger.json".into()
        }
        "x-ms" => {
            edit_json(&dir.join("apiDefinition.swagger.json"), |v| {
                v.pointer_mut(OPERATION).unwrap()["x-ms-test-value"] = json!(snippet);
            });
            "apiDefinition.swagger.json".into()
        }
        "connection-default" => {
            edit_json(&dir.join("apiProperties.json"), |v| {
                v["properties"]["connectionParameters"]["api_key"]["uiDefinition"]["description"] =
                    json!(format!("Your key, e.g. {snippet}"));
            });
            "apiProperties.json".into()
        }
        "file-name" => {
            std::fs::write(dir.join(format!("{snippet}.txt")), b"notes").unwrap();
            format!("{snippet}.txt")
        }
        other => panic!("unknown place {other}"),
    }
}

fn secret_findings(dir: &Path) -> Vec<Finding> {
    validate(dir, Some(Category::IndependentPublisher))
        .unwrap()
        .report
        .findings
        .into_iter()
        .filter(|f| f.rule.starts_with("secret-"))
        .collect()
}

#[test]
fn the_clean_folder_has_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    assert_eq!(secret_findings(dir.path()), vec![]);
}

#[test]
fn every_kind_of_secret_is_found_in_every_place_and_never_printed() {
    let mut problems = Vec::new();
    for (kind, snippet) in KINDS {
        for where_ in ["readme", "script", "description", "x-ms", "connection-default", "file-name"] {
            // A file name holds no `/`, `\n` or `:` (the formats with those stay out of names).
            if where_ == "file-name" && snippet.contains(['/', '\n', ':', ';', '?', '&', '~']) {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            clean(dir.path());
            let file = place(dir.path(), where_, snippet);
            let findings = secret_findings(dir.path());
            // A name that holds a credential is shown masked.
            let shown = connector_publish::secrets::Masker::default().text(&file).into_owned();
            let hits: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.file == shown && f.severity == Severity::Error)
                .collect();
            if hits.is_empty() {
                problems.push(format!("{kind} in {where_}: not found (findings: {findings:?})"));
                continue;
            }
            let secret = secret_part(snippet);
            for f in &findings {
                if f.message.contains(secret) || f.fix.contains(secret) || f.file.contains(secret) {
                    problems.push(format!("{kind} in {where_}: the finding prints the secret: {}", f.message));
                }
            }
            // Text findings point at the line and column where the secret starts.
            if where_ != "file-name" {
                let text = std::fs::read_to_string(dir.path().join(&file)).unwrap();
                let position = hits[0].position.expect("a position");
                let line = text.lines().nth(position.line - 1).unwrap_or("");
                let at: String = line.chars().skip(position.column - 1).collect();
                let first_line_of_secret = secret.lines().next().unwrap();
                let escaped = serde_json::to_string(first_line_of_secret).unwrap();
                let escaped = &escaped[1..escaped.len() - 1];
                if !(at.starts_with(first_line_of_secret) || at.starts_with(escaped) || line.contains(escaped)) {
                    problems.push(format!("{kind} in {where_}: {file}:{position} is not the secret: {line}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_secure_connection_parameter_default_is_a_secret_and_a_placeholder_is_not() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let props = dir.path().join("apiProperties.json");
    edit_json(&props, |v| {
        v["properties"]["connectionParameters"]["api_key"]["defaultValue"] = json!("Zq81kdLs02mXv7")
    });
    let findings = secret_findings(dir.path());
    assert!(
        findings
            .iter()
            .any(|f| f.rule == "secret-value" && f.pointer.as_deref() == Some("/properties/connectionParameters/api_key/defaultValue")),
        "{findings:?}"
    );
    assert!(findings.iter().all(|f| !f.message.contains("Zq81kdLs02mXv7")));
    edit_json(&props, |v| {
        v["properties"]["connectionParameters"]["api_key"]["defaultValue"] = json!("YOUR_API_KEY")
    });
    assert_eq!(secret_findings(dir.path()), vec![]);
}

#[test]
fn an_oauth_client_id_is_a_warning_and_a_client_secret_an_error() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    edit_json(&dir.path().join("apiProperties.json"), |v| {
        v["properties"]["connectionParameters"]["token"] = json!({"type": "oauthSetting", "oAuthSettings": {
            "identityProvider": "oauth2", "clientId": "3f1c2a9e-8b7d-4c21-9e0f-5a6b7c8d9e0f", "clientSecret": "Qx8-kP2mZ.v7Lr5Nw3Ty6Ub9"}});
    });
    let findings = secret_findings(dir.path());
    let id = findings.iter().find(|f| f.rule == "secret-client-id").unwrap();
    assert_eq!(id.severity, Severity::Warning);
    let secret = findings.iter().find(|f| f.rule == "secret-client-secret").unwrap();
    assert_eq!(secret.severity, Severity::Error);
    assert!(!secret.message.contains("Qx8-kP2mZ"), "{}", secret.message);
}

#[test]
fn a_file_over_100_mib_is_an_error_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    // 1 GiB, sparse: reading it would take a second and a gigabyte; the check reads metadata only.
    std::fs::File::create(dir.path().join("icon.png"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    std::fs::File::create(dir.path().join("readme.md"))
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    let started = std::time::Instant::now();
    let v = validate(dir.path(), Some(Category::Certified)).unwrap();
    let big: Vec<_> = v.report.findings.iter().filter(|f| f.rule == "file-too-large").collect();
    assert_eq!(big.len(), 2, "{:?}", v.report.findings);
    assert!(big.iter().any(|f| f.file == "icon.png" && f.message.contains("1024.0 MiB")));
    assert!(v.package.files.iter().all(|f| f.bytes.len() < 1 << 20));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn utf16_and_utf32_files_say_save_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let swagger = std::fs::read_to_string(dir.path().join("apiDefinition.swagger.json")).unwrap();
    // UTF-16 LE without a byte order mark: found by its NUL pattern.
    let utf16: Vec<u8> = swagger.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.path().join("apiDefinition.swagger.json"), utf16).unwrap();
    // UTF-32 BE with a byte order mark.
    let mut utf32 = vec![0, 0, 0xFE, 0xFF];
    utf32.extend("# Open Brewery DB\n".chars().flat_map(|c| (c as u32).to_be_bytes()));
    std::fs::write(dir.path().join("readme.md"), utf32).unwrap();
    let report = validate(dir.path(), None).unwrap().report;
    let swagger = report.findings.iter().find(|f| f.file == "apiDefinition.swagger.json").unwrap();
    assert_eq!(swagger.rule, "json-encoding");
    assert!(swagger.message.contains("UTF-16 (little-endian)") && swagger.message.contains("save it as UTF-8"));
    assert!(!report.findings.iter().any(|f| f.message.contains('\u{FFFD}')));
    let readme = report.findings.iter().find(|f| f.rule == "text-encoding").unwrap();
    assert_eq!(readme.file, "readme.md");
    assert!(readme.message.contains("UTF-32 (big-endian)"), "{}", readme.message);
}

#[test]
fn wrong_json_types_say_what_was_found() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    edit_json(&dir.path().join("apiDefinition.swagger.json"), |v| v["schemes"] = json!("https"));
    edit_json(&dir.path().join("apiProperties.json"), |v| {
        v["properties"]["iconBrandColor"] = json!(5)
    });
    let report = validate(dir.path(), None).unwrap().report;
    let schemes = report.findings.iter().find(|f| f.rule == "json-type").unwrap();
    assert_eq!(schemes.message, "`schemes` must be an array, found a string (\"https\")");
    let color = report.findings.iter().find(|f| f.rule == "brand-color-format").unwrap();
    assert_eq!(color.message, "`properties.iconBrandColor` must be a string, found the number 5");
}

#[test]
fn a_swagger_that_is_missing_or_not_an_object_says_so_first() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(dir.path().join("apiDefinition.swagger.json"), "[1, 2]").unwrap();
    let v = validate(dir.path(), None).unwrap();
    let err = v.default_folder.unwrap_err();
    assert!(err.contains("must be a JSON object, found an array"), "{err}");
    assert_eq!(
        v.report.findings.iter().filter(|f| f.file == "apiDefinition.swagger.json").count(),
        1
    );
    std::fs::remove_file(dir.path().join("apiDefinition.swagger.json")).unwrap();
    let err = validate(dir.path(), None).unwrap().default_folder.unwrap_err();
    assert!(err.starts_with("there is no apiDefinition.swagger.json"), "{err}");
}

#[test]
fn file_names_submit_refuses_are_validate_errors() {
    for (name, rule) in [
        ("new\nline.png", "file-name-refused"),
        ("-rf.png", "file-name-refused"),
        ("a\u{7}bell.txt", "file-name-refused"),
        ("README.md", "file-name-case-clash"),
        ("ApiProperties.JSON", "file-name-case-clash"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        clean(dir.path());
        std::fs::write(dir.path().join(name), b"x").unwrap();
        let report = validate(dir.path(), None).unwrap().report;
        // A clash is reported on the second name in sort order, which may be the original.
        let f = report
            .findings
            .iter()
            .find(|f| f.rule == rule && (f.file == name || f.message.contains(name)))
            .unwrap_or_else(|| panic!("{name:?}: {:?}", report.findings));
        assert_eq!(f.severity, Severity::Error, "{name:?}");
    }
    // 255 bytes is the longest name a file system stores; 256 is refused (the OS may refuse to
    // create it first, so the policy is checked through the library function).
    let issues = connector_publish::connector::name::file_name_issues([format!("{}.md", "x".repeat(253)).as_str()]);
    assert!(matches!(
        &issues[..],
        [connector_publish::connector::name::NameIssue::Refused { .. }]
    ));
    // A mis-cased standard file is a warning that names the canonical spelling.
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::rename(
        dir.path().join("apiDefinition.swagger.json"),
        dir.path().join("ApiDefinition.Swagger.JSON"),
    )
    .unwrap();
    let report = validate(dir.path(), None).unwrap().report;
    let f = report.findings.iter().find(|f| f.rule == "file-name-case").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("`apiDefinition.swagger.json`"), "{}", f.message);
}

#[test]
fn bad_name_and_update_values_are_usage_errors() {
    for args in [
        &["--name", "../escape"][..],
        &["--name", "-rf"],
        &["--update", "certified-connectors/../x"],
        &["--update", "DeepL"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        clean(dir.path());
        let out = Command::cargo_bin("connector-publish")
            .unwrap()
            .arg("submit")
            .arg(dir.path())
            .arg("--dry-run")
            .args(args)
            .env("CONNECTOR_PUBLISH_CACHE", dir.path().join("cache"))
            .env("CONNECTOR_PUBLISH_UPSTREAM", "/nonexistent/upstream")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

// The forms an audit found the scan missing, each in the place it was found: `validate` must
// exit 1, show the secret masked, and never print it.

/// A random value in no well-known format (40 characters).
const RANDOM_40: &str = "q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWx";

/// Run `validate` on the folder, plain and `--json`: it stops (exit 1), the output shows
/// `masked` and never `secret`. Returns the plain output.
///
/// `--json`'s `files` list names each file as it is on disk, a name holding a credential too
/// (the findings mask it): that list is left out of the check.
fn validate_stops(dir: &Path, secret: &str, masked: &str) -> String {
    let mut plain = String::new();
    for json in [false, true] {
        let mut cmd = Command::cargo_bin("connector-publish").unwrap();
        cmd.arg("validate").args(if json { &["--json"][..] } else { &[] }).arg(dir);
        let out = cmd.output().unwrap();
        let mut text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        if json {
            let mut doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            doc.as_object_mut().unwrap().remove("files");
            text = format!("{doc}{}", String::from_utf8_lossy(&out.stderr));
        }
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains(masked), "{masked} is not in:\n{text}");
        assert!(!text.contains(secret), "the secret is printed:\n{text}");
        if !json {
            plain = text;
        }
    }
    plain
}

/// The secret findings of one file, as (rule, line).
fn found_in(dir: &Path, file: &str) -> Vec<(&'static str, Option<usize>)> {
    secret_findings(dir)
        .into_iter()
        .filter(|f| f.file == file)
        .map(|f| (f.rule, f.position.map(|p| p.line)))
        .collect()
}

#[test]
fn the_clean_folder_passes_validate() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let out = Command::cargo_bin("connector-publish")
        .unwrap()
        .arg("validate")
        .arg(dir.path())
        .arg("--without-package")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn gap1_a_bearer_token_given_to_authentication_header_value() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(
        dir.path().join("script.csx"),
        format!(
            "public class Script : ScriptBase\n{{\n    public override async Task<HttpResponseMessage> ExecuteAsync()\n    {{\n        this.Context.Request.Headers.Authorization = new AuthenticationHeaderValue(\"Bearer\", \"{RANDOM_40}\");\n        return await this.Context.SendAsync(this.Context.Request, this.CancellationToken);\n    }}\n}}\n"
        ),
    )
    .unwrap();
    assert_eq!(found_in(dir.path(), "script.csx"), vec![("secret-token", Some(5))]);
    let out = validate_stops(dir.path(), RANDOM_40, "q8Z…(40 chars)");
    assert!(out.contains("a bearer token"), "{out}");
}

#[test]
fn gap2_an_azure_ad_secret_before_a_full_stop_or_as_a_file_name() {
    let secret = "KLz8Q~Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU";
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let mut readme = std::fs::read_to_string(dir.path().join("readme.md")).unwrap();
    readme.push_str(&format!("\n## Testing\nRegister an app; the secret is {secret}.\n"));
    std::fs::write(dir.path().join("readme.md"), readme).unwrap();
    assert_eq!(found_in(dir.path(), "readme.md"), vec![("secret-token", Some(20))]);
    validate_stops(dir.path(), secret, "KLz…(40 chars)");

    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(dir.path().join(format!("{secret}.md")), "notes").unwrap();
    assert_eq!(found_in(dir.path(), "KLz…(40 chars).md"), vec![("secret-file-name", None)]);
    validate_stops(dir.path(), secret, "KLz…(40 chars)");
}

#[test]
fn gap3_json_escapes_in_a_swagger_string() {
    // `\/` inside an account key (the same value as `/`): the whole key is found.
    let key = "q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU/2oWxPl4KmN8rT5vB2cY7dZ1aQ9w==";
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    edit_json(&dir.path().join("apiDefinition.swagger.json"), |v| {
        v.pointer_mut(OPERATION).unwrap()["x-ms-test-value"] = json!(format!(
            "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey={key};EndpointSuffix=core.windows.net"
        ));
    });
    let swagger = dir.path().join("apiDefinition.swagger.json");
    let text = std::fs::read_to_string(&swagger).unwrap().replace(key, &key.replace('/', "\\/"));
    std::fs::write(&swagger, &text).unwrap();
    let line = text.lines().position(|l| l.contains("AccountKey=")).unwrap() + 1;
    assert_eq!(
        found_in(dir.path(), "apiDefinition.swagger.json"),
        vec![("secret-token", Some(line))]
    );
    let out = validate_stops(dir.path(), &key.replace('/', "\\/"), "q8Z…(66 chars)");
    assert!(!out.contains(&key[..36]), "{out}");

    // `\u005f` for `_`: the string decodes to a GitHub token.
    let token = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    edit_json(&dir.path().join("apiDefinition.swagger.json"), |v| {
        v.pointer_mut(OPERATION).unwrap()["description"] = json!(format!("Gets one brewery. Try it with {token}."));
    });
    let swagger = dir.path().join("apiDefinition.swagger.json");
    let text = std::fs::read_to_string(&swagger)
        .unwrap()
        .replace(token, &token.replace('_', "\\u005f"));
    std::fs::write(&swagger, &text).unwrap();
    assert_eq!(found_in(dir.path(), "apiDefinition.swagger.json").len(), 1);
    let out = validate_stops(dir.path(), &token[4..], "ghp_…(40 chars)");
    assert!(out.contains("written with JSON escapes"), "{out}");
}

#[test]
fn gap4_a_client_secret_in_code_and_markdown_and_once_in_api_properties() {
    let secret = "Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0";
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(
        dir.path().join("script.csx"),
        format!("public class Script : ScriptBase\n{{\n    private const string clientSecret = \"{secret}\";\n}}\n"),
    )
    .unwrap();
    let mut readme = std::fs::read_to_string(dir.path().join("readme.md")).unwrap();
    readme.push_str(&format!(
        "\n## Testing\n```\nCLIENT_ID=3f1c2a9e-8b7d-4c21-9e0f-5a6b7c8d9e0f\nCLIENT_SECRET={secret}\n```\n"
    ));
    std::fs::write(dir.path().join("readme.md"), readme).unwrap();
    assert_eq!(found_in(dir.path(), "script.csx"), vec![("secret-value", Some(3))]);
    assert_eq!(found_in(dir.path(), "readme.md"), vec![("secret-value", Some(22))]);
    validate_stops(dir.path(), secret, "Zr2…(32 chars)");

    // In apiProperties the JSON check reports it; the text scan finds it too, on the same line:
    // one finding, the specific one.
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    edit_json(&dir.path().join("apiProperties.json"), |v| {
        v["properties"]["connectionParameters"]["token"] = json!({"type": "oauthSetting", "oAuthSettings": {
            "identityProvider": "oauth2", "clientId": "[[REPLACE WITH CLIENT ID]]", "clientSecret": secret}});
    });
    let found = found_in(dir.path(), "apiProperties.json");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "secret-client-secret");
    validate_stops(dir.path(), secret, "Zr2…(32 chars)");
}

#[test]
fn gap5_unquoted_key_like_values_in_a_readme() {
    for (form, masked) in [
        (format!("```yaml\napi_key: {RANDOM_40}\n```"), "q8Z…(40 chars)"),
        (format!("```ini\npassword = {RANDOM_40}\n```"), "q8Z…(40 chars)"),
        (format!("`Server=tcp:contoso.database.windows.net;Database=db;User ID=app;Password={RANDOM_40};`"), "q8Z…(40 chars)"),
        (format!("`Server=db;Uid=app;Pwd={RANDOM_40};`"), "q8Z…(40 chars)"),
        (format!("GET https://api.contoso.com/v1/items?api_key={RANDOM_40}&page=2"), "q8Z…(40 chars)"),
        (format!("GET https://api.contoso.com/v1/me?format=json&access_token={RANDOM_40}"), "q8Z…(40 chars)"),
        (format!("```http\nGET /v1/items HTTP/1.1\nx-api-key: {RANDOM_40}\n```"), "q8Z…(40 chars)"),
        (
            "`Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=q8Zr2QmX7pLw4NvB9tYcK3sH6jF1dG5aE0iU2oWxPl4=`".to_string(),
            "q8Z…(44 chars)",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        clean(dir.path());
        let mut readme = std::fs::read_to_string(dir.path().join("readme.md")).unwrap();
        readme.push_str(&format!("\n## Testing\n{form}\n"));
        std::fs::write(dir.path().join("readme.md"), readme).unwrap();
        let found = found_in(dir.path(), "readme.md");
        assert_eq!(found.len(), 1, "{form}: {found:?}");
        validate_stops(dir.path(), &RANDOM_40[..30], masked);
    }
    // Placeholders are not secrets.
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let mut readme = std::fs::read_to_string(dir.path().join("readme.md")).unwrap();
    readme.push_str(
        "\n## Testing\n```yaml\napi_key: YOUR_API_KEY\npassword = <token>\n```\n`Server=db;User ID=app;Password=[[REPLACE_WITH_PASSWORD]];`\n\
         GET https://api.contoso.com/v1/items?api_key={{apiKey}}&page=2\n```\nx-api-key: xxxxxxxxxxxxxxxxxxxxxxxx\nclient_secret: dummysecret\n```\n",
    );
    std::fs::write(dir.path().join("readme.md"), readme).unwrap();
    assert_eq!(secret_findings(dir.path()), vec![]);
}

/// A PEM private key body (made up).
const PEM_BODY: &str = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDTz2mr7SZiAMfQyuvB\njM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7dZ1aQ9wK3sH6jF1dG5aE0iU2oWxPl4KmN8\n";

#[test]
fn gap6_a_truncated_pem_key_and_a_base64_one() {
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    let mut readme = std::fs::read_to_string(dir.path().join("readme.md")).unwrap();
    readme.push_str(&format!("\n## Testing\n```\n-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}"));
    std::fs::write(dir.path().join("readme.md"), readme).unwrap();
    assert_eq!(found_in(dir.path(), "readme.md"), vec![("secret-private-key", Some(21))]);
    validate_stops(dir.path(), &PEM_BODY[..64], "-----BEGIN RSA PRIVATE KEY-----…");

    use base64::Engine;
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("-----BEGIN PRIVATE KEY-----\n{PEM_BODY}-----END PRIVATE KEY-----\n"));
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(
        dir.path().join("script.csx"),
        format!("public class Script : ScriptBase\n{{\n    private const string Key = \"{encoded}\";\n}}\n"),
    )
    .unwrap();
    assert_eq!(found_in(dir.path(), "script.csx"), vec![("secret-private-key", Some(3))]);
    validate_stops(dir.path(), &encoded[..60], &format!("LS0…({} chars)", encoded.len()));
}

/// A 1×1 PNG with `extra` chunks (type, data) before IEND, CRCs and all.
fn png(extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(data);
        out.extend(crc.sum().to_be_bytes());
        out
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    png.extend(chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0, 0, 0x03, 0x01, 0x01, 0]));
    for (kind, data) in extra {
        png.extend(chunk(kind, data));
    }
    png.extend(chunk(b"IEND", &[]));
    png
}

#[test]
fn gap7_files_with_nul_bytes_are_scanned() {
    let token = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
    // Text files with a NUL: read as text whatever the NUL.
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(dir.path().join("notes.txt"), format!("// \0\ntoken {token}\n")).unwrap();
    std::fs::write(
        dir.path().join("script.csx"),
        format!("// \0\npublic class Script : ScriptBase\n{{\n    private const string clientSecret = \"{RANDOM_40}\";\n}}\n"),
    )
    .unwrap();
    assert_eq!(found_in(dir.path(), "notes.txt"), vec![("secret-token", Some(2))]);
    assert_eq!(found_in(dir.path(), "script.csx"), vec![("secret-value", Some(4))]);
    validate_stops(dir.path(), &token[4..], "ghp_…(40 chars)");
    validate_stops(dir.path(), RANDOM_40, "q8Z…(40 chars)");

    // An image: its bytes for well-known formats (a tEXt chunk is plain), a compressed text
    // chunk inflated.
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(format!("{}Authorization: Bearer {token}", "made with love ".repeat(20)).as_bytes())
        .unwrap();
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend(z.finish().unwrap());
    for chunk in [(b"tEXt", format!("Comment\0made with {token}").into_bytes()), (b"zTXt", ztxt)] {
        let dir = tempfile::tempdir().unwrap();
        clean(dir.path());
        std::fs::write(dir.path().join("icon.png"), png(&[chunk])).unwrap();
        assert_eq!(found_in(dir.path(), "icon.png"), vec![("secret-token", None)]);
        let out = validate_stops(dir.path(), &token[4..], "ghp_…(40 chars)");
        assert!(out.contains("at byte"), "{out}");
    }
    // A key-like assignment is not looked for in binary bytes (structures imitate it).
    let dir = tempfile::tempdir().unwrap();
    clean(dir.path());
    std::fs::write(
        dir.path().join("icon.png"),
        png(&[(b"tEXt", format!("Comment\0api_key={RANDOM_40}").into_bytes())]),
    )
    .unwrap();
    assert_eq!(found_in(dir.path(), "icon.png"), vec![]);
}

#[test]
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn no_binary_file_of_the_corpus_holds_a_credential_format() {
    let root = common::corpus();
    let mut folders: Vec<std::path::PathBuf> = common::upstream_connectors(&root).into_iter().map(|(_, p)| p).collect();
    for replay in std::fs::read_dir(root.join("replays")).unwrap() {
        folders.push(replay.unwrap().path().join("after"));
    }
    let mut binaries = 0;
    for path in folders.iter().filter(|p| p.is_dir()) {
        let package = connector_publish::connector::ConnectorPackage::load(path).unwrap();
        let binary: Vec<&str> = package
            .files
            .iter()
            .filter(|f| f.bytes[..f.bytes.len().min(8192)].contains(&0))
            .map(|f| f.name.as_str())
            .collect();
        binaries += binary.len();
        let findings: Vec<_> = connector_publish::check::scan_secrets(&package)
            .into_iter()
            .filter(|f| binary.contains(&f.file.as_str()))
            .collect();
        assert!(findings.is_empty(), "{}: {findings:?}", path.display());
    }
    assert!(binaries >= 30, "only {binaries} binary files");
}
