//! Every rule of the table, with a case that must fire it and a near miss that must not.
//!
//! Each case starts from a clean connector (which fires nothing), changes one thing, writes the
//! folder to disk, and runs the same `validate` the CLI runs.

use connector_publish::check::validate_folder as validate;
use connector_publish::check::{Severity, RULES};
use connector_publish::connector::Category;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

/// A connector folder in memory: the clean independent-publisher sample, ready to be changed.
#[derive(Clone)]
struct Fixture {
    swagger: Value,
    properties: Value,
    readme: String,
    /// Raw file overrides (name, bytes): replace the JSON rendering or add files.
    raw: Vec<(String, Vec<u8>)>,
    /// Files to leave out.
    omit: Vec<&'static str>,
    /// Sparse files (name, size): big sizes without writing the bytes.
    sparse: Vec<(String, u64)>,
}

fn clean() -> Fixture {
    let swagger = json!({
        "swagger": "2.0",
        "info": {
            "title": "Open Brewery DB",
            "description": "Open Brewery DB is a free dataset and API with public information on breweries, cideries and brewpubs.",
            "version": "1.0",
            "contact": {"name": "Jane Doe", "url": "https://www.openbrewerydb.org", "email": "jane@example.org"}
        },
        "host": "api.openbrewerydb.org",
        "basePath": "/v1",
        "schemes": ["https"],
        "consumes": [],
        "produces": ["application/json"],
        "paths": {
            "/breweries/{obdb_id}": {
                "get": {
                    "summary": "Get brewery",
                    "description": "Gets one brewery by its identifier.",
                    "operationId": "GetBrewery",
                    "parameters": [
                        {"name": "obdb_id", "in": "path", "required": true, "type": "string", "x-ms-summary": "Brewery ID", "description": "The identifier of the brewery.", "x-ms-visibility": "important", "x-ms-url-encoding": "single"},
                        {"name": "format", "in": "query", "required": true, "type": "string", "default": "json", "x-ms-visibility": "internal"}
                    ],
                    "responses": {"200": {"description": "OK", "schema": {"type": "object"}}, "default": {"description": "Error"}}
                }
            },
            "/breweries": {
                "post": {
                    "summary": "Search breweries (by name)",
                    "description": "Searches breweries by name.",
                    "operationId": "SearchBreweries",
                    "parameters": [
                        {"name": "body", "in": "body", "schema": {"type": "object"}},
                        {"name": "api_key", "in": "header", "type": "string", "x-ms-summary": "API Key", "description": "Your key.", "default": "YOUR_API_KEY"}
                    ],
                    "responses": {"200": {"description": "OK"}}
                }
            }
        },
        "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://www.openbrewerydb.org"},
            {"propertyName": "Privacy policy", "propertyValue": "https://www.openbrewerydb.org/privacy"},
            {"propertyName": "Categories", "propertyValue": "Data;Lifestyle and Entertainment"}
        ]
    });
    let properties = json!({
        "properties": {
            "connectionParameters": {
                "api_key": {"type": "securestring", "uiDefinition": {"displayName": "API Key"}},
                "token": {"type": "oauthSetting", "oAuthSettings": {"identityProvider": "oauth2", "clientId": "[[REPLACE WITH CLIENT ID]]", "scopes": []}}
            },
            "iconBrandColor": "#da3b01",
            "capabilities": [],
            "publisher": "Jane Doe",
            "stackOwner": "Open Brewery DB"
        }
    });
    let readme = "# Open Brewery DB\nOpen Brewery DB is a free dataset of breweries.\n\n## Publisher: Jane Doe\n\n## Prerequisites\nNone.\n\n## Supported Operations\n### Get brewery\nGets one.\n\n## Obtaining Credentials\nNo key needed.\n\n## Known Issues and Limitations\nNone.\n\n## Deployment Instructions\nUse paconn.\n".to_string();
    Fixture {
        swagger,
        properties,
        readme,
        raw: Vec::new(),
        omit: Vec::new(),
        sparse: Vec::new(),
    }
}

impl Fixture {
    fn write(&self, dir: &Path) {
        let mut files: Vec<(String, Vec<u8>)> = vec![
            (
                "apiDefinition.swagger.json".into(),
                serde_json::to_vec_pretty(&self.swagger).unwrap(),
            ),
            ("apiProperties.json".into(), serde_json::to_vec_pretty(&self.properties).unwrap()),
            ("readme.md".into(), self.readme.clone().into_bytes()),
        ];
        for (name, bytes) in &self.raw {
            files.retain(|(n, _)| n != name);
            files.push((name.clone(), bytes.clone()));
        }
        files.retain(|(n, _)| !self.omit.contains(&n.as_str()));
        for (name, bytes) in files {
            let path = dir.join(&name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(path, bytes).unwrap();
        }
        for (name, size) in &self.sparse {
            std::fs::File::create(dir.join(name)).unwrap().set_len(*size).unwrap();
        }
    }

    /// Rules that fire on this folder checked as `category`.
    fn fired(&self, category: Category) -> BTreeSet<&'static str> {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        validate(dir.path(), Some(category))
            .unwrap()
            .report
            .findings
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    fn with(mut self, f: impl FnOnce(&mut Fixture)) -> Fixture {
        f(&mut self);
        self
    }
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    *v.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = new;
}

fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    v.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .shift_remove(key)
        .unwrap_or_else(|| panic!("no {pointer}"));
}

const GET: &str = "/paths/~1breweries~1{obdb_id}/get";
/// A made-up token in GitHub's format (`ghp_` and 36 letters and digits).
const GITHUB_TOKEN: &str = "ghp_R8sK2mXq9LpZ4vN7tB3wY6cD1fH5jG0aE2iU";
/// A made-up RSA key body: long enough to be a key, random enough to look like one.
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0Z4nB1Bs2kV1eGfXmPq8rT5vB2cY7\ndZ1aQ9wK3sH6jF1dG5aE0iU2oWxMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi0\n-----END RSA PRIVATE KEY-----\n";

/// A PNG signature, IHDR chunk for a `width` × `height` image, an (empty) IDAT and the IEND
/// chunk: the chunks the checks look for, in order.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    b.extend_from_slice(&width.to_be_bytes());
    b.extend_from_slice(&height.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    b.extend_from_slice(b"\x00\x00\x00\x00IDAT\x35\xaf\x06\x1e");
    b.extend_from_slice(b"\x00\x00\x00\x00IEND\xaeB`\x82");
    b
}

/// `text` as UTF-16 little-endian with a byte order mark.
fn utf16le(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        b.extend_from_slice(&unit.to_le_bytes());
    }
    b
}
const POST: &str = "/paths/~1breweries/post";
type Change = fn(&mut Fixture);

struct Case {
    rule: &'static str,
    category: Category,
    fails: Change,
    passes: Change,
}

use Category::{Certified as C, Custom as U, IndependentPublisher as I};

fn certified(f: &mut Fixture) {
    set(&mut f.properties, "/properties/iconBrandColor", json!("#1f5fa8"));
}

// The Swagger Validator catalogue and the coding standards, one file per part.
#[path = "rules/catalogue_operations.rs"]
mod catalogue_operations;
#[path = "rules/catalogue_schema.rs"]
mod catalogue_schema;
#[path = "rules/script.rs"]
mod script;

fn cases() -> Vec<Case> {
    let mut all = base_cases();
    all.extend(catalogue_operations::cases());
    all.extend(catalogue_schema::cases());
    all.extend(script::cases());
    all
}

fn base_cases() -> Vec<Case> {
    vec![
        Case {
            rule: "file-swagger-missing",
            category: I,
            fails: |f| f.omit.push("apiDefinition.swagger.json"),
            passes: |_| {},
        },
        Case {
            rule: "file-properties-missing",
            category: I,
            fails: |f| f.omit.push("apiProperties.json"),
            passes: |_| {},
        },
        Case {
            rule: "file-readme-missing",
            category: I,
            fails: |f| f.omit.push("readme.md"),
            passes: |f| f.raw.push(("README.MD".into(), b"x".to_vec())),
        },
        Case {
            rule: "file-icon-independent",
            category: I,
            fails: |f| f.raw.push(("icon.png".into(), b"\x89PNG".to_vec())),
            passes: |f| f.raw.push(("screenshot.png".into(), b"\x89PNG".to_vec())),
        },
        Case {
            rule: "file-settings",
            category: I,
            fails: |f| f.raw.push(("settings.json".into(), b"{}".to_vec())),
            passes: |_| {},
        },
        Case {
            rule: "file-name",
            category: I,
            fails: |f| f.raw.push(("apiDefination.swagger.json".into(), b"{}".to_vec())),
            passes: |f| f.raw.push(("FlowRunScreenshot.png".into(), b"x".to_vec())),
        },
        Case {
            rule: "file-skipped",
            category: I,
            fails: |f| f.raw.push(("images/one.png".into(), b"x".to_vec())),
            passes: |f| f.raw.push(("one.png".into(), b"x".to_vec())),
        },
        Case {
            rule: "swagger-size",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/version", json!("1".repeat(1_000_001))),
            passes: |f| set(&mut f.swagger, "/info/version", json!("1".repeat(990_000))),
        },
        Case {
            rule: "json-invalid",
            category: I,
            fails: |f| f.raw.push(("apiProperties.json".into(), b"{\"properties\": ".to_vec())),
            passes: |_| {},
        },
        Case {
            rule: "json-not-strict",
            category: I,
            fails: |f| {
                let text = serde_json::to_string_pretty(&f.properties)
                    .unwrap()
                    .replacen("\"#da3b01\"", "\"#da3b01\",", 1)
                    .replacen('}', ",}", 1);
                f.raw.push(("apiProperties.json".into(), text.into_bytes()))
            },
            passes: |f| {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend(serde_json::to_vec_pretty(&f.properties).unwrap());
                f.raw.push(("apiProperties.json".into(), bytes))
            },
        },
        Case {
            rule: "json-encoding",
            category: I,
            fails: |f| {
                // Latin-1 bytes, as a Windows editor writes them.
                let mut bytes = serde_json::to_vec_pretty(&f.swagger).unwrap();
                let at = bytes.windows(8).position(|w| w == b"Jane Doe").unwrap();
                bytes[at + 1] = 0xE5;
                f.raw.push(("apiDefinition.swagger.json".into(), bytes));
            },
            passes: |f| set(&mut f.swagger, "/info/contact/name", json!("Jåne Døe")),
        },
        Case {
            rule: "schema-swagger",
            category: I,
            // The schema allows no unknown top-level key other than an extension.
            fails: |f| f.swagger["produce"] = json!(["application/json"]),
            passes: |f| f.swagger["x-produce"] = json!(["application/json"]),
        },
        Case {
            rule: "schema-properties",
            category: I,
            fails: |f| f.properties["properties"]["iconBrandColour"] = json!("#da3b01"),
            passes: |f| {
                f.properties["$schema"] = json!(
                    "https://raw.githubusercontent.com/microsoft/PowerPlatformConnectors/master/schemas/paconn-apiProperties.schema.json#"
                )
            },
        },
        Case {
            rule: "schema-settings",
            category: I,
            fails: |f| {
                f.raw.push((
                    "settings.json".into(),
                    br#"{"apiDefinition": "apiDefinition.swagger.json", "apiDefinitionFile": "x"}"#.to_vec(),
                ))
            },
            // paconn writes environment names like Default-<guid>, which the schema's GUID pattern
            // does not know: not a finding.
            passes: |f| {
                f.raw.push((
                    "settings.json".into(),
                    br#"{"environment": "Default-72f988bf-86f1-41af-91ab-2d7cd011db47", "apiDefinition": "apiDefinition.swagger.json"}"#
                        .to_vec(),
                ))
            },
        },
        Case {
            rule: "swagger-version",
            category: I,
            fails: |f| set(&mut f.swagger, "/swagger", json!("3.0")),
            passes: |_| {},
        },
        Case {
            rule: "swagger-host",
            category: I,
            fails: |f| set(&mut f.swagger, "/host", json!("https://api.openbrewerydb.org/v1")),
            passes: |f| set(&mut f.swagger, "/host", json!("api.openbrewerydb.org:8443")),
        },
        Case {
            rule: "swagger-base-path",
            category: I,
            fails: |f| set(&mut f.swagger, "/basePath", json!("v1")),
            passes: |f| set(&mut f.swagger, "/basePath", json!("/")),
        },
        Case {
            rule: "swagger-schemes",
            category: I,
            fails: |f| set(&mut f.swagger, "/schemes", json!(["http"])),
            passes: |f| set(&mut f.swagger, "/schemes", json!(["http", "https"])),
        },
        Case {
            rule: "title-missing",
            category: I,
            fails: |f| remove(&mut f.swagger, "/info/title"),
            passes: |_| {},
        },
        Case {
            rule: "title-length",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/title", json!("Open Brewery Database Explorer X")),
            passes: |f| set(&mut f.swagger, "/info/title", json!("Open Brewery Database Explorer")),
        },
        Case {
            rule: "title-words",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/title", json!("Open Brewery API")),
            passes: |f| set(&mut f.swagger, "/info/title", json!("Apiary Brewery")),
        },
        Case {
            rule: "title-ending",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/title", json!("Open Brewery DB.")),
            passes: |f| set(&mut f.swagger, "/info/title", json!("Open Brewery (DB)")),
        },
        Case {
            rule: "description-length",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/description", json!("Breweries.")),
            passes: |f| set(&mut f.swagger, "/info/description", json!("x".repeat(500))),
        },
        Case {
            rule: "description-words",
            category: I,
            fails: |f| {
                set(
                    &mut f.swagger,
                    "/info/description",
                    json!("Use breweries in Power Automate flows and in your apps."),
                )
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    "/info/description",
                    json!("Use breweries in powerful automated flows and in your apps."),
                )
            },
        },
        Case {
            rule: "contact-email",
            category: I,
            fails: |f| set(&mut f.swagger, "/info/contact/email", json!("jane at example.org")),
            passes: |f| set(&mut f.swagger, "/info/contact/email", json!("jane.doe+brew@mail.example.org")),
        },
        Case {
            rule: "metadata-missing",
            category: I,
            fails: |f| set(&mut f.swagger, "/x-ms-connector-metadata/1/propertyName", json!("Privacy")),
            passes: |f| set(&mut f.swagger, "/x-ms-connector-metadata/1/propertyName", json!("privacy policy")),
        },
        Case {
            rule: "metadata-categories",
            category: I,
            fails: |f| set(&mut f.swagger, "/x-ms-connector-metadata/2/propertyValue", json!("Data;Breweries")),
            passes: |f| {
                set(
                    &mut f.swagger,
                    "/x-ms-connector-metadata/2/propertyValue",
                    json!("Internet of Things; AI"),
                )
            },
        },
        Case {
            rule: "operation-id",
            category: I,
            fails: |f| set(&mut f.swagger, &format!("{POST}/operationId"), json!("GetBrewery")),
            passes: |f| set(&mut f.swagger, &format!("{POST}/operationId"), json!("Search_Breweries")),
        },
        Case {
            rule: "operation-summary",
            category: I,
            fails: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("G".repeat(81))),
            passes: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("G".repeat(80))),
        },
        Case {
            rule: "operation-summary-ending",
            category: I,
            fails: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("Get brewery.")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("Get brewery (v2)")),
        },
        Case {
            rule: "operation-description",
            category: I,
            fails: |f| remove(&mut f.swagger, &format!("{GET}/description")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/description"), json!("Gets it.")),
        },
        Case {
            rule: "parameter-summary",
            category: I,
            fails: |f| remove(&mut f.swagger, &format!("{GET}/parameters/0/x-ms-summary")),
            passes: |f| {
                remove(&mut f.swagger, &format!("{GET}/parameters/0/x-ms-summary"));
                set(&mut f.swagger, &format!("{GET}/parameters/0/x-ms-visibility"), json!("internal"));
                set(&mut f.swagger, &format!("{GET}/parameters/0/required"), json!(false));
                f.swagger.pointer_mut(&format!("{GET}/parameters/0")).unwrap()["name"] = json!("obdb_id");
            },
        },
        Case {
            rule: "parameter-description",
            category: I,
            fails: |f| remove(&mut f.swagger, &format!("{POST}/parameters/1/description")),
            passes: |f| {
                remove(&mut f.swagger, &format!("{POST}/parameters/1/description"));
                f.swagger.pointer_mut(POST).unwrap()["x-ms-visibility"] = json!("internal");
            },
        },
        Case {
            rule: "path-parameter",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/parameters/0/required"), json!(false)),
            passes: |f| {
                // Declared once for the whole path instead of on the operation.
                let param = f.swagger.pointer(&format!("{GET}/parameters/0")).unwrap().clone();
                f.swagger.pointer_mut(GET).unwrap()["parameters"].as_array_mut().unwrap().remove(0);
                f.swagger.pointer_mut("/paths/~1breweries~1{obdb_id}").unwrap()["parameters"] = json!([param]);
            },
        },
        Case {
            rule: "internal-default",
            category: U,
            fails: |f| remove(&mut f.swagger, &format!("{GET}/parameters/1/default")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/parameters/1/default"), json!("")),
        },
        Case {
            rule: "default-response-schema",
            category: I,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/responses/default"),
                    json!({"description": "Error", "schema": {"type": "object"}}),
                )
            },
            passes: |f| set(&mut f.swagger, &format!("{GET}/responses/default"), json!({"description": "Error"})),
        },
        Case {
            rule: "visibility-value",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/parameters/0/x-ms-visibility"), json!("hidden")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/parameters/0/x-ms-visibility"), json!("advanced")),
        },
        Case {
            rule: "brand-color-independent",
            category: I,
            fails: |f| set(&mut f.properties, "/properties/iconBrandColor", json!("#1f5fa8")),
            passes: |f| set(&mut f.properties, "/properties/iconBrandColor", json!("#DA3B01")),
        },
        Case {
            rule: "brand-color-certified",
            category: C,
            fails: |f| set(&mut f.properties, "/properties/iconBrandColor", json!("#007ee5")),
            passes: certified,
        },
        Case {
            rule: "brand-color-format",
            category: U,
            fails: |f| set(&mut f.properties, "/properties/iconBrandColor", json!("blue")),
            passes: |f| set(&mut f.properties, "/properties/iconBrandColor", json!("#ABCDEF")),
        },
        Case {
            rule: "publisher-stack-owner",
            category: I,
            fails: |f| remove(&mut f.properties, "/properties/publisher"),
            passes: |f| remove(&mut f.properties, "/properties/stackOwner"),
        },
        Case {
            rule: "stack-owner-missing",
            category: I,
            fails: |f| set(&mut f.properties, "/properties/stackOwner", json!("  ")),
            passes: |f| remove(&mut f.properties, "/properties/publisher"),
        },
        Case {
            rule: "connection-parameter-name",
            category: U,
            fails: |f| {
                let p = f.properties.pointer("/properties/connectionParameters/api_key").unwrap().clone();
                f.properties["properties"]["connectionParameters"]["api-key"] = p;
            },
            passes: |f| {
                let p = f.properties.pointer("/properties/connectionParameters/api_key").unwrap().clone();
                f.properties["properties"]["connectionParameters"]["token:TenantId"] = p;
            },
        },
        Case {
            rule: "readme-sections",
            category: I,
            fails: |f| f.readme = f.readme.replace("## Obtaining Credentials", "## Credits"),
            passes: |f| f.readme = f.readme.replace("## Obtaining Credentials", "**Obtaining credentials**"),
        },
        Case {
            rule: "readme-sections-template",
            category: C,
            fails: |f| {
                certified(f);
                f.readme = f.readme.replace("## Deployment Instructions", "## Setup")
            },
            passes: |f| {
                certified(f);
                f.readme = f.readme.replace("## Deployment Instructions", "Deploying\n---------")
            },
        },
        Case {
            rule: "secret-client-secret",
            category: U,
            fails: |f| {
                f.properties["properties"]["connectionParameters"]["token"]["oAuthSettings"]["clientSecret"] =
                    json!("Qx8~kP2mZ.v7Lr5Nw3Ty6Ub9")
            },
            passes: |f| f.properties["properties"]["connectionParameters"]["token"]["oAuthSettings"]["clientSecret"] = json!("dummysecret"),
        },
        Case {
            rule: "secret-client-id",
            category: U,
            fails: |f| {
                f.properties["properties"]["connectionParameters"]["token"]["oAuthSettings"]["clientId"] =
                    json!("3f1c2a9e-8b7d-4c21-9e0f-5a6b7c8d9e0f")
            },
            passes: |f| {
                f.properties["properties"]["connectionParameters"]["token"]["oAuthSettings"]["clientId"] =
                    json!("00000000-0000-0000-0000-000000000000")
            },
        },
        Case {
            rule: "secret-value",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/1/default"),
                    json!("k8Zr2QmX7pLw4NvB9tYcD3"),
                )
            },
            passes: |f| set(&mut f.swagger, &format!("{POST}/parameters/1/default"), json!("application/json")),
        },
        Case {
            rule: "secret-token",
            category: U,
            fails: |f| f.readme.push_str(&format!("\nexport GH_TOKEN={GITHUB_TOKEN}\n")),
            passes: |f| f.readme.push_str("\nexport GH_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"),
        },
        Case {
            rule: "secret-private-key",
            category: U,
            fails: |f| {
                f.raw
                    .push(("script.csx".into(), format!("// key\nvar key = @\"{PEM}\";\n").into_bytes()))
            },
            passes: |f| {
                f.raw.push((
                    "script.csx".into(),
                    b"var key = \"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\";".to_vec(),
                ))
            },
        },
        Case {
            rule: "secret-url-password",
            category: U,
            fails: |f| {
                f.readme
                    .push_str("\nCall https://admin:Tr0ub4dor3x@api.openbrewerydb.org/v1 to test.\n")
            },
            passes: |f| {
                f.readme
                    .push_str("\nCall https://{username}:{password}@api.openbrewerydb.org/v1 to test.\n")
            },
        },
        Case {
            rule: "secret-file-name",
            category: U,
            fails: |f| f.raw.push((format!("{GITHUB_TOKEN}.txt"), b"notes".to_vec())),
            passes: |f| f.raw.push(("github-token-howto.txt".into(), b"notes".to_vec())),
        },
        Case {
            rule: "secret-key-file",
            category: U,
            fails: |f| f.raw.push(("id_rsa".into(), b"not really".to_vec())),
            passes: |f| f.raw.push(("id_rsa.pub".into(), b"ssh-rsa AAAA".to_vec())),
        },
        Case {
            rule: "file-too-large",
            category: U,
            fails: |f| f.sparse.push(("screenshot.png".into(), 100 * 1024 * 1024 + 1)),
            passes: |f| f.sparse.push(("screenshot.png".into(), 100 * 1024 * 1024)),
        },
        Case {
            rule: "file-name-refused",
            category: U,
            fails: |f| f.raw.push(("-rf.png".into(), b"x".to_vec())),
            passes: |f| f.raw.push(("rf-.png".into(), b"x".to_vec())),
        },
        Case {
            rule: "file-name-case-clash",
            category: U,
            fails: |f| f.raw.push(("README.md".into(), b"# Other".to_vec())),
            passes: |f| f.raw.push(("README.txt".into(), b"# Other".to_vec())),
        },
        Case {
            rule: "file-name-case",
            category: U,
            fails: |f| {
                f.omit.push("apiDefinition.swagger.json");
                f.raw
                    .push(("ApiDefinition.Swagger.JSON".into(), serde_json::to_vec_pretty(&f.swagger).unwrap()));
            },
            passes: |f| {
                f.omit.push("readme.md");
                f.raw.push(("README.md".into(), f.readme.clone().into_bytes()));
            },
        },
        Case {
            rule: "icon-format",
            category: U,
            fails: |f| f.raw.push(("icon.png".into(), b"GIF89a\x01\x00\x01\x00".to_vec())),
            passes: |f| f.raw.push(("icon.png".into(), png(230, 230))),
        },
        Case {
            rule: "icon-size",
            category: C,
            fails: |f| {
                certified(f);
                f.raw.push(("icon.png".into(), png(1024, 768)));
            },
            passes: |f| {
                certified(f);
                f.raw.push(("icon.png".into(), png(230, 230)));
            },
        },
        Case {
            rule: "text-encoding",
            category: U,
            fails: |f| f.raw.push(("script.csx".into(), utf16le("public class Script : ScriptBase { }"))),
            passes: |f| {
                f.raw
                    .push(("script.csx".into(), b"\xEF\xBB\xBFpublic class Script : ScriptBase { }".to_vec()))
            },
        },
        Case {
            rule: "json-too-large",
            category: U,
            fails: |f| f.sparse.push(("apiDefinition.swagger.json".into(), 32 * 1024 * 1024 + 1)),
            passes: |f| {
                // 1.5 MB of valid JSON: over the 1 MB warning, far under the limit.
                let mut swagger = f.swagger.clone();
                swagger["x-padding"] = json!("x".repeat(1_500_000));
                f.raw
                    .push(("apiDefinition.swagger.json".into(), serde_json::to_vec(&swagger).unwrap()));
            },
        },
        Case {
            rule: "json-too-many-values",
            category: U,
            // 100,001 tiny objects (300 KB): past the parser's budget, wherever they are.
            fails: |f| f.swagger["definitions"] = json!({"Blob": {"type": "object", "example": vec![json!({}); 100_001]}}),
            // 95,000: more than four times the largest upstream swagger, and still read.
            passes: |f| f.swagger["definitions"] = json!({"Blob": {"type": "object", "example": vec![json!({}); 95_000]}}),
        },
        Case {
            rule: "json-key-too-long",
            category: U,
            fails: |f| f.swagger["definitions"] = json!({"k".repeat(4097): {"type": "object"}}),
            // The longest upstream key is an OAuth scope list of 750 bytes.
            passes: |f| f.swagger["definitions"] = json!({"k".repeat(4096): {"type": "object"}}),
        },
        Case {
            rule: "properties-type",
            category: I,
            fails: |f| set(&mut f.properties, "/properties/connectionParameters", json!([])),
            passes: |f| set(&mut f.properties, "/properties/connectionParameters", json!({})),
        },
        Case {
            rule: "swagger-not-object",
            category: U,
            fails: |f| {
                f.raw
                    .push(("apiDefinition.swagger.json".into(), b"[\"swagger\", \"2.0\"]".to_vec()))
            },
            passes: |f| f.raw.push(("apiDefinition.swagger.json".into(), b"{}".to_vec())),
        },
    ]
}

#[test]
fn the_clean_fixture_fires_nothing() {
    for category in [I, U] {
        assert_eq!(clean().fired(category), BTreeSet::new(), "{category}");
    }
    assert_eq!(clean().with(certified).fired(C), BTreeSet::new());
}

#[test]
fn every_rule_has_a_case() {
    let covered: BTreeSet<_> = cases().iter().map(|c| c.rule).collect();
    // The certification package's rules need a zip (built by tests/common/certification.rs) and
    // run beside the folder's checks, in `validate` and `submit`: their cases are
    // tests/github/ip_certification.rs (each broken once through `submit --dry-run --json`).
    let missing: Vec<_> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id) && !id.starts_with("ip-package-"))
        .collect();
    assert!(missing.is_empty(), "rules without a test case: {missing:?}");
}

#[test]
fn every_rule_fires_on_its_failing_case_and_not_on_its_near_miss() {
    let mut problems = Vec::new();
    for case in cases() {
        let fired = clean().with(case.fails).fired(case.category);
        if !fired.contains(case.rule) {
            problems.push(format!("{}: did not fire on its failing case (fired: {fired:?})", case.rule));
        }
        let fired = clean().with(case.passes).fired(case.category);
        if fired.contains(case.rule) {
            problems.push(format!("{}: fired on its passing case", case.rule));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rules_only_apply_to_their_categories() {
    // An icon is fine for certified connectors, an error for independent publishers.
    let with_icon = clean()
        .with(certified)
        .with(|f| f.raw.push(("icon.png".into(), b"\x89PNG".to_vec())));
    assert!(!with_icon.fired(C).contains("file-icon-independent"));
    assert!(clean()
        .with(|f| f.raw.push(("icon.png".into(), b"\x89PNG".to_vec())))
        .fired(I)
        .contains("file-icon-independent"));
    // Custom connectors are samples: no title rules.
    let long_title = clean().with(|f| set(&mut f.swagger, "/info/title", json!("A very long title for a sample connector")));
    assert!(!long_title.fired(U).contains("title-length"));
}

#[test]
fn findings_point_at_file_line_and_column() {
    let fixture = clean().with(|f| set(&mut f.swagger, "/info/title", json!("Open Brewery API")));
    let dir = tempfile::tempdir().unwrap();
    fixture.write(dir.path());
    let report = validate(dir.path(), Some(I)).unwrap().report;
    let finding = report.findings.iter().find(|f| f.rule == "title-words").unwrap();
    assert_eq!(finding.file, "apiDefinition.swagger.json");
    assert_eq!(finding.severity, Severity::Error);
    let text = std::fs::read_to_string(dir.path().join("apiDefinition.swagger.json")).unwrap();
    let line = text.lines().position(|l| l.contains("\"title\": \"Open Brewery API\"")).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find("\"title\"").unwrap() + 1;
    let position = finding.position.unwrap();
    assert_eq!((position.line, position.column), (line, column));
    assert!(finding.fix.contains("API"));
}

/// CONTRIBUTING.md lists every Swagger Validator catalogue error with the rule that catches it, or
/// why it cannot be decided offline: the table and the rule table must agree both ways.
#[test]
fn the_catalogue_table_and_the_rule_table_agree() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/CONTRIBUTING.md")).unwrap();
    let start = text
        .find("## The Swagger Validator catalogue, offline")
        .expect("the catalogue section");
    let section = &text[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let name = cells[0].trim_matches('`').to_string();
        let rules: Vec<String> = cells
            .get(1)
            .unwrap_or(&"")
            .split(',')
            .map(|c| c.trim().trim_matches('`').to_string())
            .filter(|c| !c.is_empty() && c != "—" && c != "-")
            .collect();
        for r in &rules {
            assert!(
                ids.contains(r.as_str()),
                "CONTRIBUTING.md names `{r}` for {name}, and no rule has that id"
            );
        }
        if rules.is_empty() {
            assert!(
                line.contains("not checkable offline"),
                "CONTRIBUTING.md: {name} has no rule and does not say why: {line}"
            );
        }
        rows.push((name, rules));
    }
    for rule in RULES {
        let Some(validator) = rule.validator else { continue };
        assert!(
            rows.iter()
                .any(|(name, rules)| name == validator && rules.iter().any(|r| r == rule.id)),
            "rule {} catches {validator}, and CONTRIBUTING.md's catalogue table has no row saying so",
            rule.id
        );
    }
}

/// Hostile swaggers get findings, not a crash or a hang: deep nesting, binary garbage, references
/// that loop, and a large file. Runs on the test harness's ordinary thread stack on purpose.
#[test]
fn hostile_input_gets_findings_not_a_crash() {
    let validate_swagger = |bytes: Vec<u8>| {
        let fixture = clean().with(move |f| f.raw.push(("apiDefinition.swagger.json".into(), bytes)));
        fixture.fired(I)
    };
    // Nesting far deeper than any parser's recursion limit.
    let deep = "[".repeat(200_000).into_bytes();
    let fired = validate_swagger(deep);
    assert!(fired.contains("json-invalid") || fired.contains("json-not-strict"), "{fired:?}");
    // Deep but legal nesting inside a schema.
    let mut schema = json!({"type": "string"});
    for _ in 0..200 {
        schema = json!({"type": "object", "properties": {"inner": schema}});
    }
    let mut nested = clean().swagger;
    set(&mut nested, &format!("{GET}/responses/200/schema"), schema);
    validate_swagger(serde_json::to_vec(&nested).unwrap());
    // Binary garbage.
    let garbage: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let fired = validate_swagger(garbage);
    assert!(fired.contains("json-invalid") || fired.contains("json-encoding"), "{fired:?}");
    // References that loop: definitions, a parameter, a response, a schema that is its own item.
    let mut looping = clean().swagger;
    looping["definitions"] = json!({
        "A": {"$ref": "#/definitions/B"},
        "B": {"$ref": "#/definitions/A"},
        "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/Tree"}}}}
    });
    looping["parameters"] = json!({"p": {"$ref": "#/parameters/p"}});
    looping["responses"] = json!({"r": {"$ref": "#/responses/r"}});
    set(
        &mut looping,
        &format!("{GET}/responses/200/schema"),
        json!({"$ref": "#/definitions/A"}),
    );
    set(
        &mut looping,
        &format!("{POST}/parameters/0/schema"),
        json!({"$ref": "#/definitions/Tree"}),
    );
    looping["paths"]["/breweries"]["post"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({"$ref": "#/parameters/p"}));
    validate_swagger(serde_json::to_vec(&looping).unwrap());
    // A large file: 20,000 operations.
    let mut large = clean().swagger;
    let paths = large["paths"].as_object_mut().unwrap();
    for i in 0..20_000 {
        paths.insert(
            format!("/items{i}"),
            json!({"get": {"operationId": format!("GetItem{i}"), "summary": "Get item", "description": "Gets an item.", "responses": {"200": {"description": "OK"}}}}),
        );
    }
    let fired = validate_swagger(serde_json::to_vec(&large).unwrap());
    assert!(fired.contains("swagger-size"), "{fired:?}");
}

/// A value of the wrong JSON type where the rules read through it (`"info": "PoetryDB"`) is one
/// finding, where the value is, that says what was found: not "`info.title` is missing" and the
/// rest of what a string lacks.
#[test]
fn a_value_of_the_wrong_type_is_one_finding_where_it_is() {
    type Edit = fn(&mut Fixture);
    let cases: Vec<(Edit, &str, &str, &str)> = vec![
        (
            |f| set(&mut f.swagger, "/info", json!("PoetryDB")),
            "json-type",
            "/info",
            "`info` must be an object, found a string (\"PoetryDB\")",
        ),
        (
            |f| set(&mut f.swagger, "/info/contact", json!("jane@example.org")),
            "json-type",
            "/info/contact",
            "`contact` must be an object, found a string (\"jane@example.org\")",
        ),
        (
            |f| set(&mut f.swagger, "/paths", json!([])),
            "json-type",
            "/paths",
            "`paths` must be an object, found an array",
        ),
        (
            |f| set(&mut f.swagger, GET, json!([])),
            "json-type",
            GET,
            "the operation `get` of \"/breweries/{obdb_id}\" must be an object, found an array",
        ),
        (
            |f| set(&mut f.swagger, &format!("{GET}/parameters"), json!({})),
            "json-type",
            "/paths/~1breweries~1{obdb_id}/get/parameters",
            "`parameters` must be an array, found an object",
        ),
        (
            |f| set(&mut f.swagger, &format!("{GET}/responses"), json!([])),
            "json-type",
            "/paths/~1breweries~1{obdb_id}/get/responses",
            "`responses` must be an object, found an array",
        ),
        (
            |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/responses/200/schema"),
                    json!({"$ref": "#/definitions/Brewery"}),
                );
                f.swagger["definitions"] = json!([{"Brewery": {"type": "object"}}]);
            },
            "json-type",
            "/definitions",
            "`definitions` must be an object, found an array",
        ),
        (
            |f| {
                f.swagger["securityDefinitions"] = json!("apiKey");
                f.swagger["security"] = json!([{"api_key": []}]);
            },
            "json-type",
            "/securityDefinitions",
            "`securityDefinitions` must be an object, found a string (\"apiKey\")",
        ),
        (
            |f| {
                set(
                    &mut f.swagger,
                    "/x-ms-connector-metadata",
                    json!({"Website": "https://www.openbrewerydb.org"}),
                )
            },
            "json-type",
            "/x-ms-connector-metadata",
            "`x-ms-connector-metadata` must be an array, found an object",
        ),
        (
            |f| set(&mut f.properties, "/properties", json!([])),
            "properties-type",
            "/properties",
            "`properties` must be an object, found an array",
        ),
        (
            |f| f.properties = json!([]),
            "properties-type",
            "",
            "`apiProperties.json` must be a JSON object ({\"properties\": {...}}), found an array",
        ),
        (
            |f| set(&mut f.properties, "/properties/connectionParameters/api_key", json!("securestring")),
            "properties-type",
            "/properties/connectionParameters/api_key",
            "the connection parameter \"api_key\" must be an object, found a string (\"securestring\")",
        ),
        (
            |f| f.properties["properties"]["policyTemplateInstances"] = json!({"templateId": "setheader"}),
            "properties-type",
            "/properties/policyTemplateInstances",
            "`properties.policyTemplateInstances` must be an array, found an object",
        ),
    ];
    let mut problems = Vec::new();
    for (edit, rule, pointer, message) in cases {
        let fixture = clean().with(edit);
        let dir = tempfile::tempdir().unwrap();
        fixture.write(dir.path());
        let report = validate(dir.path(), Some(I)).unwrap().report;
        let said: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{} {} {:?}: {}", f.file, f.rule, f.pointer, f.message))
            .collect();
        let file = if rule == "json-type" {
            "apiDefinition.swagger.json"
        } else {
            "apiProperties.json"
        };
        let wanted = format!("{file} {rule} {:?}: {message}", Some(pointer));
        if said != [wanted.clone()] {
            problems.push(format!("wanted only {wanted}\n  got {said:#?}"));
        }
        // At the value: its key's line, not the file's start.
        if let Some(f) = report.findings.first().filter(|_| !pointer.is_empty()) {
            let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
            let key = pointer.rsplit('/').next().unwrap().replace("~1", "/");
            let line = text.lines().position(|l| l.contains(&format!("\"{key}\":"))).unwrap() + 1;
            assert_eq!(f.position.map(|p| p.line), Some(line), "{wanted}");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A certified connector's icon whose size cannot be read (the signature alone, an image header
/// cut short or missing, a file cut off before its image data or end) is not a complete PNG: an
/// error, not silence.
#[test]
fn an_icon_whose_size_cannot_be_read_is_not_a_complete_png() {
    let complete = png(230, 230);
    let mut no_header = complete.clone();
    no_header[12..16].copy_from_slice(b"tEXt");
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"\x89PNG\r\n\x1a\n".to_vec(),
            "it ends after 8 bytes, before the image header (IHDR)",
        ),
        (complete[..20].to_vec(), "it ends after 20 bytes, before the image header (IHDR)"),
        (no_header, "its first chunk is not the image header (IHDR)"),
        (complete[..33].to_vec(), "it holds no image data (IDAT)"),
        (complete[..complete.len() - 12].to_vec(), "it has no end marker (IEND)"),
        (png(0, 230), "its header gives 0 × 230 pixels"),
    ];
    for (bytes, says) in cases {
        let fixture = clean().with(certified).with(move |f| f.raw.push(("icon.png".into(), bytes)));
        let dir = tempfile::tempdir().unwrap();
        fixture.write(dir.path());
        let report = validate(dir.path(), Some(C)).unwrap().report;
        let icon: Vec<_> = report.findings.iter().filter(|f| f.file == "icon.png").collect();
        assert_eq!(icon.len(), 1, "{says}: {icon:?}");
        assert_eq!(icon[0].rule, "icon-format");
        assert_eq!(icon[0].severity, Severity::Error);
        assert!(
            icon[0].message.starts_with(&format!("`icon.png` is not a complete PNG: {says}")),
            "{}",
            icon[0].message
        );
    }
    assert!(!clean()
        .with(certified)
        .with(|f| f.raw.push(("icon.png".into(), png(230, 230))))
        .fired(C)
        .contains("icon-format"));
}

/// Findings grow with the values of a file, and a long path or operationId is in the message of
/// every one about its parameters: 20,000 parameters under a 10 KB path (a 1 MB swagger) took
/// 1.6 GB and 21 s. Names are at most 4 KB now; at most 2,000 findings of a rule are kept per
/// file, and the last says how many more there are; messages quote at most 500 characters of a
/// path or an operationId.
#[test]
fn a_long_parameter_list_under_a_long_path_is_bounded() {
    let fixture = clean().with(|f| {
        let params: Vec<Value> = (0..20_000)
            .map(|i| json!({"name": format!("p{i}"), "in": "query", "type": "string"}))
            .collect();
        let path = format!("/{}", "k".repeat(4000));
        f.swagger["paths"] = json!({path: {"get": {
            "summary": "Get item", "description": "Gets an item.", "operationId": "G".repeat(100_000),
            "parameters": params, "responses": {"200": {"description": "OK"}}
        }}});
    });
    let dir = tempfile::tempdir().unwrap();
    fixture.write(dir.path());
    let started = std::time::Instant::now();
    let report = validate(dir.path(), Some(I)).unwrap().report;
    let summaries: Vec<_> = report.findings.iter().filter(|f| f.rule == "parameter-summary").collect();
    assert_eq!(summaries.len(), 2_001);
    assert!(
        summaries
            .iter()
            .any(|f| f.message == "… and 18000 more `parameter-summary` findings in this file (the first 2,000 are listed)"),
        "{:?}",
        summaries.last()
    );
    assert!(report.findings.iter().all(|f| f.message.chars().count() <= 2_001));
    // Slow machines and debug builds included: this took 20 s when every pair was compared.
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
}
