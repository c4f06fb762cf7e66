//! The rule table. To add a rule: add a row here, make a check function emit its id, and add a
//! failing and a passing case to `tests/rules.rs` (a test fails when a row has no case).

use crate::package::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub applies_to: &'static [Category],
    pub message: &'static str,
    pub fix: &'static str,
    /// The public document the rule comes from.
    pub source: &'static str,
    /// The error name Microsoft's Swagger Validator reports for the same problem (its catalogue:
    /// certification-swagger-validator-rules), so a pipeline failure can be matched to a rule.
    pub validator: Option<&'static str>,
}

use Category::{Certified as C, Custom as U, IndependentPublisher as I};
use Severity::{Error, Warning};

const ALL: &[Category] = &[C, I, U];
const PUBLISHED: &[Category] = &[C, I];

const CERTIFICATION: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission";
const INDEPENDENT: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission-ip";
const VALIDATOR: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules";
const EXTENSIONS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/openapi-extensions";
const STRINGS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/connector-string-guidance";
const PR_TEMPLATE: &str = "https://github.com/microsoft/PowerPlatformConnectors/blob/dev/.github/pull_request_template.md";
const REPO_SCHEMA: &str = "https://github.com/microsoft/PowerPlatformConnectors/tree/dev/schemas";
const README_TEMPLATES: &str = "https://github.com/microsoft/PowerPlatformConnectors/tree/dev/templates";
const SWAGGER_2: &str = "https://swagger.io/specification/v2/";
const PACONN: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/paconn-cli";

macro_rules! rule {
    ($id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr) => {
        Rule {
            id: $id,
            severity: $sev,
            applies_to: $applies,
            message: $msg,
            fix: $fix,
            source: $src,
            validator: None,
        }
    };
    ($id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr, $validator:literal) => {
        Rule {
            id: $id,
            severity: $sev,
            applies_to: $applies,
            message: $msg,
            fix: $fix,
            source: $src,
            validator: Some($validator),
        }
    };
}

pub static RULES: &[Rule] = &[
    // Files and layout.
    rule!("file-swagger-missing", Error, ALL, "apiDefinition.swagger.json is missing", "export the connector with `paconn download` or `connector-publish download`, or add the OpenAPI 2.0 file under this exact name", CERTIFICATION),
    rule!("file-properties-missing", Error, ALL, "apiProperties.json is missing", "add apiProperties.json (`connector-publish download` writes it; the repository's templates/ folder has one to start from)", CERTIFICATION),
    rule!("file-readme-missing", Error, PUBLISHED, "readme.md is missing", "add readme.md with the sections of the repository's readme template (`connector-publish init` writes one from your swagger)", CERTIFICATION),
    rule!("file-icon-independent", Warning, &[I], "independent publishers submit no icon: a generic icon is applied", "delete icon.png from the folder, or leave it: `submit` leaves it out for independent publishers", PR_TEMPLATE),
    rule!("file-settings", Warning, ALL, "settings.json holds your environment and is never submitted", "nothing to do: `submit` leaves it out", CERTIFICATION),
    rule!("file-name", Warning, ALL, "a file name that looks wrong", "rename the file as suggested", CERTIFICATION),
    rule!("file-skipped", Warning, ALL, "left out: only regular top-level files are submitted", "move what reviewers need (screenshots) to the top of the folder, or ignore this", CERTIFICATION),
    rule!("file-too-large", Error, ALL, "the file is larger than GitHub accepts (100 MiB)", "shrink the file or leave it out of the folder; GitHub refuses the push otherwise", "https://docs.github.com/en/repositories/working-with-files/managing-large-files/about-large-files-on-github"),
    rule!("file-name-refused", Error, ALL, "the file name cannot be submitted (control characters, a leading `-`, characters Windows forbids, over 255 bytes)", "rename the file: letters, digits, spaces, `-`, `_` and `.` are safe", CERTIFICATION),
    rule!("file-name-case-clash", Error, ALL, "two file names differ only in case, and Windows and macOS checkouts keep only one", "keep one of the two files and delete the other", CERTIFICATION),
    rule!("file-name-case", Warning, ALL, "a standard file has an unusual spelling", "rename the file to the spelling the repository uses", CERTIFICATION),
    rule!("icon-format", Error, &[C, U], "icon.png is not a PNG image", "save the icon as PNG (230 × 230 pixels, a non-white, non-transparent background)", CERTIFICATION),
    rule!("icon-size", Warning, &[C], "certified icons are a square of about 230 × 230 pixels (a logo of about 160 × 160 inside)", "resize the icon to 230 × 230 pixels", CERTIFICATION),
    rule!("text-encoding", Error, ALL, "a text file is saved as UTF-16 or UTF-32", "save the file as UTF-8 (your editor's \"Save with encoding\")", CERTIFICATION),
    rule!("swagger-size", Warning, PUBLISHED, "the swagger file is larger than 1 MB", "split the connector, or remove unused definitions and examples", CERTIFICATION),
    // JSON.
    rule!("json-invalid", Error, ALL, "the file is not JSON, and no data could be recovered", "fix the syntax at the position given; an editor with JSON support shows the exact spot", SWAGGER_2),
    rule!("json-not-strict", Warning, ALL, "the file is not strict JSON", "fix the syntax at the position given (trailing commas, comments, missing commas and raw line breaks in strings are not JSON); the rest of the file was read anyway", SWAGGER_2),
    rule!("json-too-large", Error, ALL, "the JSON file is too large to check (over 32 MiB)", "split the connector, or remove unused definitions and examples; the repository expects a swagger under 1 MB", CERTIFICATION),
    rule!("json-encoding", Error, ALL, "the file is not valid UTF-8", "save the file as UTF-8 (your editor's \"Save with encoding\")", SWAGGER_2),
    // The repository's own JSON schemas (schemas/ on dev).
    rule!("schema-swagger", Warning, ALL, "the swagger does not match the repository's schemas/apiDefinition.swagger.schema.json", "change the value as the schema asks", REPO_SCHEMA),
    rule!("schema-properties", Warning, ALL, "apiProperties.json does not match the repository's schemas/paconn-apiProperties.schema.json", "change the value as the schema asks", REPO_SCHEMA),
    rule!("schema-settings", Warning, ALL, "settings.json does not match the repository's schemas/paconn-settings.schema.json", "change the value as the schema asks (settings.json is never submitted; paconn reads it)", REPO_SCHEMA),
    // Swagger basics.
    rule!("swagger-not-object", Error, ALL, "the swagger is not a JSON object", "the file must hold one object: {\"swagger\": \"2.0\", \"info\": {...}, \"paths\": {...}}", SWAGGER_2),
    rule!("swagger-version", Error, ALL, "`swagger` must be \"2.0\": connectors are OpenAPI 2.0", "set \"swagger\": \"2.0\" (convert an OpenAPI 3 file to 2.0 first)", REPO_SCHEMA),
    rule!("swagger-host", Error, ALL, "`host` must be a host name only, without scheme or path", "put the scheme into `schemes` and the path into `basePath`", REPO_SCHEMA),
    rule!("swagger-base-path", Error, ALL, "`basePath` must start with `/`", "write the base path with a leading slash, e.g. \"/v1\"", REPO_SCHEMA),
    rule!("swagger-schemes", Warning, ALL, "`schemes` should list https", "add \"schemes\": [\"https\"]", SWAGGER_2),
    // info.
    rule!("title-missing", Error, ALL, "`info.title` is missing", "add a title of at most 30 characters", CERTIFICATION),
    rule!("title-length", Error, PUBLISHED, "`info.title` is longer than 30 characters", "shorten the title to 30 characters or fewer", CERTIFICATION),
    rule!("title-words", Error, PUBLISHED, "`info.title` contains a restricted word", "remove the words \"API\", \"Connector\" and Power Platform product names from the title", CERTIFICATION),
    rule!("title-ending", Warning, PUBLISHED, "`info.title` must end with a letter or digit", "remove the trailing punctuation or space", VALIDATOR),
    rule!("description-length", Error, PUBLISHED, "`info.description` must be 30 to 500 characters", "write one to three sentences about the service, 30 to 500 characters", CERTIFICATION),
    rule!("description-words", Error, PUBLISHED, "`info.description` contains a Power Platform product name", "describe the service without naming Power Apps, Power Automate, Logic Apps or other product names", CERTIFICATION),
    rule!("contact-email", Error, PUBLISHED, "`info.contact` needs a valid support email", "add \"contact\": {\"name\": ..., \"url\": ..., \"email\": \"support@your-company.com\"}", VALIDATOR),
    rule!("metadata-missing", Error, PUBLISHED, "`x-ms-connector-metadata` must list Website, Privacy policy and Categories", "add the missing entries as {\"propertyName\": \"Website\", \"propertyValue\": \"https://...\"}", CERTIFICATION),
    rule!("metadata-categories", Error, PUBLISHED, "Categories must be one or two values from Microsoft's list, separated by `;`", "use at most two of: AI; Business Management; Business Intelligence; Collaboration; Commerce; Communication; Content and Files; Data; Finance; Human Resources; Internet of Things; IT Operations; Lifestyle and Entertainment; Marketing; Productivity; Sales and CRM; Security; Social Media; Website", CERTIFICATION),
    // Operations.
    rule!("operation-id", Error, ALL, "every operation needs a unique, alphanumeric operationId", "give the operation an operationId of letters and digits in PascalCase, e.g. \"ListContacts\"", VALIDATOR),
    rule!("operation-summary", Error, PUBLISHED, "operation `summary` must be present, at most 80 characters, without `/ \\ < > * % & ?`", "write a short sentence-case phrase such as \"List contacts\"", STRINGS),
    rule!("operation-summary-ending", Warning, PUBLISHED, "operation `summary` should not end with punctuation", "remove the trailing punctuation", STRINGS),
    rule!("operation-description", Warning, PUBLISHED, "operation `description` is missing", "add a full sentence that says what the operation does", CERTIFICATION),
    rule!("parameter-summary", Error, PUBLISHED, "parameter needs `x-ms-summary`", "add \"x-ms-summary\": a title-case label such as \"Contact ID\"", EXTENSIONS),
    rule!("parameter-description", Error, PUBLISHED, "parameter needs `description`", "add a sentence that says what the parameter is for", CERTIFICATION),
    rule!("path-parameter", Error, ALL, "path parameters must be declared, required, and used in the path", "make every `{name}` in the path a parameter with \"in\": \"path\" and \"required\": true", VALIDATOR),
    rule!("internal-default", Error, ALL, "a required parameter with x-ms-visibility internal needs a default", "add a `default` value, or make the parameter visible", EXTENSIONS),
    rule!("default-response-schema", Warning, PUBLISHED, "the `default` response must not have a schema", "move the schema to the success response (\"200\"), and keep only a description on `default`", VALIDATOR),
    rule!("visibility-value", Error, ALL, "x-ms-visibility must be important, advanced or internal", "use one of important, advanced, internal (or remove it for normal visibility)", EXTENSIONS),
    // apiProperties.json.
    rule!("brand-color-independent", Error, &[I], "independent publishers must use iconBrandColor #da3b01", "set \"iconBrandColor\": \"#da3b01\" in apiProperties.json", INDEPENDENT),
    rule!("brand-color-certified", Error, &[C], "certified connectors need a brand color of their own, not #007ee5 or #ffffff", "set \"iconBrandColor\" to your brand's color (the background of your icon)", PR_TEMPLATE),
    rule!("brand-color-format", Error, ALL, "iconBrandColor must be a color like #1f5fa8", "set \"iconBrandColor\" to a # followed by six hex digits", REPO_SCHEMA),
    rule!("publisher-stack-owner", Error, &[I], "independent publishers must give `publisher`: you, the independent publisher", "add \"publisher\": \"Your Name\" under `properties`", INDEPENDENT),
    rule!("stack-owner-missing", Warning, &[I], "independent publishers should give `stackOwner`: the company behind the API", "add \"stackOwner\": \"Company behind the API\" under `properties`", INDEPENDENT),
    rule!("connection-parameter-name", Error, ALL, "connection parameter names must be letters, digits and `_`", "rename the parameter (and every reference to it in script.csx and policies)", REPO_SCHEMA),
    // readme.
    rule!("readme-sections", Warning, PUBLISHED, "the readme lacks a required section", "add the section with the heading the repository's readme template uses (`connector-publish init` writes a readme)", README_TEMPLATES),
    rule!("readme-sections-template", Warning, &[C], "the readme lacks a section of the certified template that reviewers often let pass", "add the section with the heading the repository's readme template uses", README_TEMPLATES),
    // Secrets.
    rule!("secret-client-secret", Error, ALL, "an OAuth client secret is in the file, and would be published", "replace the value with a dummy such as \"dummysecret\"; the real one belongs only in your environment (rotate it if the folder was ever shared)", CERTIFICATION),
    rule!("secret-client-id", Warning, ALL, "a real OAuth client id is in the file; an id is not a secret, but reviewers expect a placeholder", "replace the value with a dummy such as \"[[REPLACE WITH CLIENT ID]]\" unless the id is meant to be public", CERTIFICATION),
    rule!("secret-value", Error, ALL, "something that looks like a key or token is in the file, and would be published", "replace the value with a dummy such as \"YOUR_API_KEY\", and rotate the key if it is real", CERTIFICATION),
    rule!("secret-token", Error, ALL, "a credential in a well-known format (GitHub, Azure, AWS, Google, Slack, Stripe, OpenAI, JWT, bearer token) is in the file, and would be published", "remove it (write a placeholder such as \"YOUR_API_KEY\" or `<token>`), and revoke it with its issuer: it may already be copied", CERTIFICATION),
    rule!("secret-private-key", Error, ALL, "a PEM private key is in the file, and would be published", "remove the key block (keep only a placeholder such as `-----BEGIN PRIVATE KEY-----\\n...`), and replace the key pair", CERTIFICATION),
    rule!("secret-url-password", Error, ALL, "a URL carries a user name and password (https://user:pass@host), and would be published", "remove the credentials from the URL (write https://host/...) and change the password", CERTIFICATION),
    rule!("secret-file-name", Error, ALL, "a file name holds a credential, and would be published", "rename the file so that its name holds no token, and revoke the token", CERTIFICATION),
    rule!("secret-key-file", Error, ALL, "a private key or certificate store (id_rsa, .pfx, .p12, .jks, .ppk) is in the folder, and would be published", "move the file out of the connector folder and replace the key", CERTIFICATION),
    // Swagger Validator catalogue: Operations, Arrays, Not supported, Parameters
    // (src/check/catalogue/{operations,parameters}.rs).
    // -- end of Operations, Arrays, Not supported, Parameters --
    // Swagger Validator catalogue: Properties, Response, Security, Webhooks, Metadata
    // (src/check/catalogue/{schema,security}.rs).
    // -- end of Properties, Response, Security, Webhooks, Metadata --
    // Coding standards (src/check/catalogue/standards.rs): warnings.
    // -- end of coding standards --
];

/// Why a rule has the severity it has, where the evidence needed a word: measured on the 290 real
/// merged pull requests of the corpus (`examples/gate_eval`), which Microsoft all accepted. An error
/// that fires on accepted recent merges is kept only when its source states it explicitly.
pub static CALIBRATION: &[(&str, &str)] = &[
    ("default-response-schema", "warning: the validator reports it, yet 27 of 290 recent merges have it (18 would have been stopped)"),
    ("readme-sections", "warning: 72 of 290 recent merges lack a template section (6 new connectors would have been stopped); a missing readme stays an error"),
    ("operation-description", "warning: 9 of 290 recent merges lack one (4 would have been stopped)"),
    ("json-not-strict", "warning: the service's JSON reader accepts comments and trailing commas; 6 of 290 recent merges were not strict. Unreadable JSON is json-invalid, an error"),
    ("secret-client-id", "warning: an OAuth client id is public by design (issue 10); a client secret stays an error"),
    ("stack-owner-missing", "warning: 3 of 25 recent independent-publisher merges have no stackOwner; a missing publisher stays an error"),
    ("brand-color-certified", "error although 2 of 290 recent merges use a default color: the repository's pull request template states it explicitly"),
    ("title-words", "error although 1 of 290 recent merges has \"API\" in its title: the certification page states it explicitly"),
    ("description-words", "error although 2 of 290 recent merges name a product: the certification page states it explicitly"),
    ("contact-email", "error although 1 of 290 recent merges lacks one: the validator and the certification page require it"),
];

/// Look a rule up by id. Panics on an unknown id: that is a bug in a check, caught by tests.
pub fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("unknown rule id {id}"))
}

/// Where paconn's validation lives, for messages that point the author at it.
pub const PACONN_DOCS: &str = PACONN;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calibration_notes_name_real_rules() {
        for (id, note) in CALIBRATION {
            let r = rule(id);
            let says = if r.severity == Severity::Warning { "warning" } else { "error" };
            assert!(note.starts_with(says), "{id}: the note says otherwise than the severity");
        }
    }

    #[test]
    fn ids_are_unique_and_rows_complete() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(
                !r.message.is_empty() && !r.fix.is_empty() && r.source.starts_with("https://") && !r.applies_to.is_empty(),
                "{}",
                r.id
            );
        }
    }
}
