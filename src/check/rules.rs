//! The rule table. To add a rule: add a row here, make a check function emit its id, and add a
//! failing and a passing case to `tests/check/rules.rs` (a test fails when a row has no case).

use crate::connector::{Category, Severity};

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
    /// What the certification bot (the `certificationteam` account, after a maintainer's
    /// `certify-connector` on an independent publisher's pull request) answers for the same
    /// problem: its message, or the start of it, so `status` can match its numbered errors.
    pub bot: Option<&'static str>,
}

use Category::{Certified as C, Custom as U, IndependentPublisher as I};
use Severity::{Error, Warning};

const ALL: &[Category] = &[C, I, U];
const PUBLISHED: &[Category] = &[C, I];

const CERTIFICATION: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission";
const POLICY_ERRORS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-policy-errors";
const INDEPENDENT: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-submission-ip";
const VALIDATOR: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-swagger-validator-rules";
const EXTENSIONS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/openapi-extensions";
const STRINGS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/connector-string-guidance";
const PR_TEMPLATE: &str = "https://github.com/microsoft/PowerPlatformConnectors/blob/dev/.github/pull_request_template.md";
const REPO_SCHEMA: &str = "https://github.com/microsoft/PowerPlatformConnectors/tree/dev/schemas";
const README_TEMPLATES: &str = "https://github.com/microsoft/PowerPlatformConnectors/tree/dev/templates";
const SWAGGER_2: &str = "https://swagger.io/specification/v2/";
const CODING_STANDARDS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/coding-standards";
const WRITE_CODE: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/write-code";
const WEBHOOKS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/create-webhook-trigger";
const POLICIES: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/policy-templates";
const PACONN: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/paconn-cli";

macro_rules! rule {
    (@ $id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr, $validator:expr, $bot:expr) => {
        Rule {
            id: $id,
            severity: $sev,
            applies_to: $applies,
            message: $msg,
            fix: $fix,
            source: $src,
            validator: $validator,
            bot: $bot,
        }
    };
    ($id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr) => {
        rule!(@ $id, $sev, $applies, $msg, $fix, $src, None, None)
    };
    ($id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr, $validator:literal) => {
        rule!(@ $id, $sev, $applies, $msg, $fix, $src, Some($validator), None)
    };
    ($id:literal, $sev:expr, $applies:expr, $msg:literal, $fix:literal, $src:expr, bot = $bot:literal) => {
        rule!(@ $id, $sev, $applies, $msg, $fix, $src, None, Some($bot))
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
    rule!("json-too-many-values", Error, ALL, "the JSON file holds more than 100,000 values, more than any connector needs; it is not checked further", "a swagger has at most 100,000 values (objects, arrays, strings, numbers): Power Platform accepts 1 MB, and the largest upstream swagger (0.95 MB) has 23,405; remove unused definitions and examples, or split the connector", CERTIFICATION),
    rule!("json-encoding", Error, ALL, "the file is not valid UTF-8", "save the file as UTF-8 (your editor's \"Save with encoding\")", SWAGGER_2),
    // The repository's own JSON schemas (schemas/ on dev).
    rule!("schema-swagger", Warning, ALL, "the swagger does not match the repository's schemas/apiDefinition.swagger.schema.json", "change the value as the schema asks", REPO_SCHEMA),
    rule!("schema-properties", Warning, ALL, "apiProperties.json does not match the repository's schemas/paconn-apiProperties.schema.json", "change the value as the schema asks", REPO_SCHEMA),
    rule!("schema-settings", Warning, ALL, "settings.json does not match the repository's schemas/paconn-settings.schema.json", "change the value as the schema asks (settings.json is never submitted; paconn reads it)", REPO_SCHEMA),
    rule!("json-key-too-long", Error, ALL, "a member name of the JSON file is longer than 4,096 bytes, longer than any connector needs; the file is not checked further", "shorten the name (a path, a property, a scope list) to 4,096 bytes or fewer: the longest upstream is 750 bytes (an OAuth scope list)", CERTIFICATION),
    rule!("properties-type", Error, ALL, "a value of apiProperties.json has the wrong JSON type", "write the value with the type the message names (the repository's schemas/paconn-apiProperties.schema.json has the shape: {\"properties\": {\"connectionParameters\": {...}, \"iconBrandColor\": \"#...\", ...}})", REPO_SCHEMA),
    // Swagger basics.
    rule!("swagger-not-object", Error, ALL, "the swagger is not a JSON object", "the file must hold one object: {\"swagger\": \"2.0\", \"info\": {...}, \"paths\": {...}}", SWAGGER_2),
    rule!("swagger-version", Error, ALL, "`swagger` must be \"2.0\": connectors are OpenAPI 2.0", "set \"swagger\": \"2.0\" (convert an OpenAPI 3 file to 2.0 first)", REPO_SCHEMA, "SpecificationVersionIncorrect"),
    rule!("swagger-host", Error, ALL, "`host` must be a host name only, without scheme or path", "put the scheme into `schemes` and the path into `basePath`", REPO_SCHEMA, "HostNameNotValid"),
    rule!("swagger-base-path", Error, ALL, "`basePath` must start with `/`", "write the base path with a leading slash, e.g. \"/v1\"", REPO_SCHEMA, "BasePathNotValid"),
    rule!("swagger-schemes", Warning, ALL, "`schemes` should list https", "add \"schemes\": [\"https\"]", SWAGGER_2),
    // info.
    rule!("title-missing", Error, ALL, "`info.title` is missing", "add a title of at most 30 characters", CERTIFICATION, "RequiredPropertyMissing"),
    rule!("title-length", Error, PUBLISHED, "`info.title` is longer than 30 characters", "shorten the title to 30 characters or fewer", CERTIFICATION, "FieldLengthExceeded"),
    rule!("title-words", Error, PUBLISHED, "`info.title` contains a restricted word", "remove the words \"API\", \"Connector\" and Power Platform product names from the title", CERTIFICATION, "ValueContainsRestrictedWords"),
    rule!("title-ending", Error, PUBLISHED, "`info.title` must end with a letter or digit", "remove the trailing punctuation or space", VALIDATOR, "ValueMustEndWithAlphanumeric"),
    rule!("description-length", Error, PUBLISHED, "`info.description` must be 30 to 500 characters", "write one to three sentences about the service, 30 to 500 characters", CERTIFICATION, "FieldLengthNotInRange"),
    rule!("description-words", Error, PUBLISHED, "`info.description` contains a Power Platform product name", "describe the service without naming Power Apps, Power Automate, Logic Apps or other product names", CERTIFICATION, "ValueContainsRestrictedWords"),
    rule!("contact-email", Error, PUBLISHED, "`info.contact` needs a valid support email", "add \"contact\": {\"name\": ..., \"url\": ..., \"email\": \"support@your-company.com\"}", VALIDATOR, "ContactEmailNotValid"),
    rule!("metadata-missing", Error, PUBLISHED, "`x-ms-connector-metadata` must list Website, Privacy policy and Categories", "add the missing entries as {\"propertyName\": \"Website\", \"propertyValue\": \"https://...\"}", CERTIFICATION, "ConnectorMetadataPropertiesMissing"),
    rule!("metadata-categories", Error, PUBLISHED, "Categories must be values from Microsoft's list, separated by `;`", "use at most two of: AI; Business Management; Business Intelligence; Collaboration; Commerce; Communication; Content and Files; Data; Finance; Human Resources; Internet of Things; IT Operations; Lifestyle and Entertainment; Marketing; Productivity; Sales and CRM; Security; Social Media; Website", CERTIFICATION, "InvalidConnectorCategory"),
    // Operations.
    rule!("operation-id", Error, ALL, "every operationId must be unique", "rename one of the operations; operationIds are PascalCase letters and digits, e.g. \"ListContacts\"", VALIDATOR, "OperationIdNotUnique"),
    rule!("operation-summary", Error, PUBLISHED, "operation `summary` must be present and at most 80 characters", "write a short sentence-case phrase such as \"List contacts\"", STRINGS),
    rule!("operation-summary-ending", Warning, PUBLISHED, "operation `summary` should not end with punctuation", "remove the trailing punctuation", STRINGS),
    rule!("operation-description", Warning, PUBLISHED, "operation `description` is missing", "add a full sentence that says what the operation does", CERTIFICATION),
    rule!("parameter-summary", Error, PUBLISHED, "parameter needs `x-ms-summary`", "add \"x-ms-summary\": a title-case label such as \"Contact ID\"", EXTENSIONS),
    rule!("parameter-description", Error, PUBLISHED, "parameter needs `description`", "add a sentence that says what the parameter is for", CERTIFICATION),
    rule!("path-parameter", Error, ALL, "a path parameter must be required", "add \"required\": true to the parameter", VALIDATOR, "PathParameterMustBeRequired"),
    rule!("internal-default", Error, ALL, "a required parameter with x-ms-visibility internal needs a default", "add a `default` value, or make the parameter visible", EXTENSIONS),
    rule!("default-response-schema", Warning, PUBLISHED, "the `default` response must not have a schema", "move the schema to the success response (\"200\"), and keep only a description on `default`", VALIDATOR, "DefaultResponseHasSchema"),
    rule!("visibility-value", Error, ALL, "x-ms-visibility must be important, advanced or internal", "use one of important, advanced, internal (or remove it for normal visibility)", EXTENSIONS),
    // apiProperties.json.
    rule!("brand-color-independent", Error, &[I], "independent publishers must use iconBrandColor #da3b01", "set \"iconBrandColor\": \"#da3b01\" in apiProperties.json", INDEPENDENT),
    rule!("brand-color-certified", Error, &[C], "certified connectors need a brand color of their own, not #007ee5 or #ffffff", "set \"iconBrandColor\" to your brand's color (the background of your icon)", PR_TEMPLATE),
    rule!("brand-color-format", Error, ALL, "iconBrandColor must be a color like #1f5fa8", "set \"iconBrandColor\" to a # followed by six hex digits", REPO_SCHEMA),
    rule!("publisher-stack-owner", Error, &[I], "independent publishers must give `publisher`: you, the independent publisher", "add \"publisher\": \"Your Name\" under `properties`", INDEPENDENT),
    rule!("stack-owner-missing", Warning, &[I], "independent publishers should give `stackOwner`: the company behind the API", "add \"stackOwner\": \"Company behind the API\" under `properties`", INDEPENDENT),
    rule!("connection-parameter-name", Error, ALL, "connection parameter names must be letters, digits and `_`", "rename the parameter (and every reference to it in script.csx and policies)", REPO_SCHEMA),
    // Custom code (script.csx, src/check/script.rs).
    rule!("script-namespace", Error, ALL, "custom code uses a namespace it does not support", "use only the namespaces write-code.md lists (System, System.Collections(.Generic), System.Diagnostics, System.IO(.Compression), System.Linq, System.Net(.Http(.Headers), .Security), System.Security.Authentication, System.Security.Cryptography, System.Text(.RegularExpressions), System.Threading(.Tasks), System.Web, System.Xml(.Linq), System.Drawing(.Drawing2D, .Imaging), Microsoft.Extensions.Logging, Newtonsoft.Json(.Linq)), whether with `using` or by full name", WRITE_CODE),
    rule!("script-class", Error, ALL, "custom code must be a class `Script` deriving from `ScriptBase` with an `ExecuteAsync` method", "write `public class Script : ScriptBase` with `public override async Task<HttpResponseMessage> ExecuteAsync()`", WRITE_CODE),
    rule!("script-size", Error, ALL, "the script file is larger than 1 MB", "shrink the script to 1 MB or less (move work to the service, drop unused code)", WRITE_CODE),
    rule!("script-multiple", Warning, ALL, "a connector has one script file", "merge the scripts into script.csx, or remove the others from the folder", WRITE_CODE),
    rule!("script-http-client", Warning, ALL, "custom code makes an HttpClient of its own, which Microsoft says it will block", "send requests with `this.Context.SendAsync(request, this.CancellationToken)`", WRITE_CODE),
    rule!("script-operations", Warning, ALL, "`scriptOperations` names an operation the swagger does not have", "list the operationIds the script handles, as the swagger spells them (case-sensitive)", WRITE_CODE),
    // Policy templates (apiProperties.json, src/check/policies.rs).
    rule!("policy-template-unknown", Warning, ALL, "a policy template instance names no policy template the repository's schema defines", "use a template id of schemas/paconn-apiProperties.schema.json (set the policy up in the portal's policy editor and download the connector)", POLICIES),
    rule!("policy-template-parameter", Warning, ALL, "a policy template instance lacks a parameter its template requires", "add the parameter under `parameters` (the portal's policy editor writes them)", POLICIES),
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
    // The certification package in an independent publisher's pull request, as the certification
    // bot checks it after a maintainer's `certify-connector` (src/certification/bot.rs emits these:
    // they need the zip, so they run beside the folder's checks, in `validate` and `submit`).
    rule!("ip-package-missing", Error, &[I], "the folder has no certification package: an independent publisher's pull request carries it as exactly one .zip beside the swagger", "build it with `connector-publish package build --intro intro.md --package <Package Deployer zip> -o <folder>/package.zip` (`connector-publish package intro` writes intro.md), or open the pull request for review first with --without-package", INDEPENDENT, bot = "No zip"),
    rule!("ip-package-count", Error, &[I], "the folder holds more than one .zip: the certification bot takes exactly one", "keep the certification package and remove the other zips from the folder", INDEPENDENT, bot = "More than one zip file"),
    rule!("ip-package-unreadable", Error, &[I], "the certification package cannot be read as a zip archive", "build it again with `connector-publish package build`; do not rename another format to .zip", POLICY_ERRORS, bot = "Not able to deserialize the package"),
    rule!("ip-package-structure", Error, &[I], "the certification package breaks a rule of Microsoft's Package Validator", "fix what the message says (`connector-publish package check <zip>` shows every rule), and build the package again", POLICY_ERRORS, bot = "Not able to deserialize the package. Invalid package structure."),
    rule!("ip-package-solution-root", Error, &[I], "the certification package holds no solution package at its root: intro.md and a Package Deployer zip whose PkgAssets folder holds the solution zips", "zip intro.md and the Package Deployer package (not the connector's loose files): `connector-publish package build --intro intro.md --package <Package Deployer zip> -o <folder>/package.zip`", CERTIFICATION, bot = "Solution package not found at root of the package zip file"),
    rule!("ip-package-flow", Error, &[I], "the certification package has no flow solution (the connector and a flow that uses it)", "create a solution holding the connector and a flow that uses it, export it, and put its zip in PkgAssets beside the connector solution", CERTIFICATION, bot = "Package should contain a flow package"),
    rule!("ip-package-title-length", Error, &[I], "the title of the connector in the package is longer than 30 characters", "shorten `info.title` to 30 characters or fewer in your environment's connector (and the folder's swagger), then export the solutions again", POLICY_ERRORS, bot = "Maximum of 30 characters allowed in the connector title"),
    rule!("ip-package-title-ending", Error, &[I], "the title of the connector in the package does not end with a letter or digit", "remove the trailing punctuation, space or line break from `info.title`, then export the solutions again", POLICY_ERRORS, bot = "Title cannot end in non"),
    rule!("ip-package-title-words", Error, &[I], "the title of the connector in the package contains a reserved word (API, Connector, a Power Platform product name)", "remove the word from `info.title`, then export the solutions again", POLICY_ERRORS, bot = "Title cannot contain the reserved words"),
    rule!("ip-package-metadata", Error, &[I], "the connector in the package lacks `x-ms-connector-metadata` with Website, Privacy policy and Categories", "add the three entries to the connector's swagger in your environment (as in the folder's), then export the solutions again", POLICY_ERRORS, bot = "The required property 'x-ms-connector-metadata' is missing"),
    rule!("ip-package-mismatch", Error, &[I], "the connector in the package differs from the folder's (host, basePath, operations or connection parameters): the certification team deploys the package's", "update the connector in your environment (or the folder) so the two match, and export the solutions again", POLICY_ERRORS),
    rule!("ip-package-contact", Error, &[I], "the swagger's contact email is missing, or differs from the one in the package: Microsoft sends the certification form and the OneVet identity check to it", "set `info.contact.email` to your address, the same in the folder's swagger and in the package's connector", INDEPENDENT),
    rule!("ip-package-advice", Warning, &[I], "the certification package has something reviewers ask to change (intro.md sections, names)", "fix what the message says (`connector-publish package check <zip>` shows it in full)", POLICY_ERRORS),
    rule!("ip-package-certified", Error, &[C], "a certified connector's pull request carries no package: the package goes to Partner Center", "remove the .zip from the folder and upload it in Partner Center after the pull request is merged (`connector-publish package check` checks it)", CERTIFICATION),
    // Swagger Validator catalogue: Operations, Arrays, Not supported, Parameters
    // (src/check/validator/{operations,parameters}.rs).
    // Operations.
    rule!("operation-id-required", Error, ALL, "every operation needs an operationId", "add an operationId of letters and digits in PascalCase, e.g. \"ListContacts\"", VALIDATOR, "OperationIdRequired"),
    rule!("operation-id-sanitized", Error, ALL, "an operationId must be letters and digits only", "remove the other characters (spaces, dots, slashes) from the operationId, e.g. \"ListContacts\"", VALIDATOR, "OperationIdSanitized"),
    rule!("operation-id-not-found", Error, ALL, "a reference names an operationId this swagger does not have", "correct the operationId (they are case-sensitive), or add the operation it names", VALIDATOR, "OperationIdNotFound"),
    rule!("operation-id-revision", Warning, ALL, "an operation with a revision should have an operationId ending with that revision (\"V2\")", "rename the operation to end with its revision, e.g. \"GetItemV2\"", VALIDATOR, "OperationIdShouldEndWithRevision"),
    rule!("operation-summary-too-long", Error, ALL, "an operation summary must be fewer than 120 characters", "shorten the summary to a phrase and move detail to `description`", VALIDATOR, "OperationSummaryTooLong"),
    rule!("summary-characters", Error, PUBLISHED, "an operation summary contains a restricted character (`/ \\ < > * % & ?`)", "rephrase the summary without these characters", VALIDATOR, "RestrictedCharactersInSummary"),
    rule!("operation-response-missing", Warning, ALL, "an operation must have at least one response", "add \"responses\": {\"200\": {\"description\": \"OK\"}}", VALIDATOR, "OperationMustHaveResponse"),
    rule!("operation-success-response", Warning, ALL, "an operation should have a success (2xx) response", "add the response the service returns on success, e.g. \"200\" or \"204\"", VALIDATOR, "OperationShouldHaveSuccessfulResponse"),
    rule!("responses-with-schema", Warning, ALL, "only one response's schema is used by the designer", "keep the schema on the main success response and remove it from the others", VALIDATOR, "OperationHasManyResponsesWithSchema"),
    rule!("path-leading-slash", Error, ALL, "a path must start with `/`", "write the path with a leading slash, e.g. \"/items\"", VALIDATOR, "OperationPathMustStartWithSlash"),
    rule!("path-wildcard", Error, ALL, "a path cannot contain the wildcard `*`", "replace the wildcard by a path parameter (`{name}`)", VALIDATOR, "OperationPathContainsUnsupportedCharacters"),
    rule!("path-query-fragment", Error, ALL, "a path cannot contain a query (`?`) or fragment (`#`)", "move query values into \"in\": \"query\" parameters, or URL-encode the character (%3F, %23)", VALIDATOR, "OperationPathMayNotContainQueryOrFragment"),
    rule!("path-template", Error, ALL, "a path template variable must be enclosed by `{` and `}` within one segment", "close every `{` within its segment, or URL-encode lone braces (%7B, %7D)", VALIDATOR, "OperationPathTemplateNotValid"),
    rule!("path-variable-default", Error, ALL, "a path template variable cannot set a default with `=`", "write `{name}` in the path and give the parameter a `default` instead", VALIDATOR, "OperationPathVariablesContainDefaults"),
    rule!("path-redefined", Error, ALL, "two paths differ only in capitalization", "merge the operations under one path, or make the paths differ", VALIDATOR, "PathRedefined"),
    rule!("duplicate-operation-path", Error, ALL, "two operations with the same method have indistinguishable path templates", "make a static segment differ (only the variable names differ now)", VALIDATOR, "DuplicateOperationPath"),
    rule!("partial-duplicate-path", Warning, ALL, "two operations with the same method can route the same URL", "make the paths differ in a static segment, so a value of the variable cannot match the other's fixed segment", VALIDATOR, "PartialDuplicateOperationPath"),
    rule!("path-parameter-missing", Error, ALL, "a `{name}` in the path has no path parameter", "add a parameter with \"in\": \"path\", \"required\": true and that name", VALIDATOR, "OperationMissingPathParameter"),
    rule!("path-parameter-not-in-template", Error, ALL, "a path parameter does not appear in the path template", "add `{name}` to the path, or change the parameter's `in`", VALIDATOR, "PathParameterNotDefinedInTemplate"),
    rule!("operation-parameters-not-unique", Error, ALL, "an operation lists the same parameter entry twice", "remove the repeated entry", VALIDATOR, "OperationParametersAreNotUnique"),
    rule!("operation-parameter-duplicate", Error, ALL, "an operation declares two parameters with the same name and location", "remove or rename one of them", VALIDATOR, "OperationParametersContainDuplicateParameter"),
    rule!("operation-body-parameters", Error, ALL, "an operation can have at most one body parameter", "merge the body parameters into one schema", VALIDATOR, "OperationParametersContainMultipleBodyParameters"),
    rule!("path-level-parameter-duplicate", Error, ALL, "a path's shared parameters declare the same name and location twice", "remove or rename one of them", VALIDATOR, "PathParametersContainDuplicateParameter"),
    rule!("path-level-body-parameters", Error, ALL, "a path's shared parameters can have at most one body parameter", "merge the body parameters into one schema", VALIDATOR, "PathParametersContainMultipleBodyParameters"),
    rule!("fetch-body-parameter", Warning, ALL, "a GET operation cannot have a body or formData parameter", "send the values as query parameters, or use POST", VALIDATOR, "BodyOrFormDataParameterInFetchOperationNotAllowed"),
    rule!("connection-id-parameter", Error, ALL, "a parameter cannot be named `connectionId`", "rename the parameter", VALIDATOR, "ConnectionIdParameterNotAllowed"),
    rule!("consumes-missing", Error, ALL, "an operation with formData parameters must list a MIME type in `consumes`", "add \"consumes\": [\"multipart/form-data\"] (or application/x-www-form-urlencoded) to the operation", VALIDATOR, "ConsumesMissing"),
    rule!("form-data-consumes", Error, ALL, "formData parameters need a form MIME type in `consumes`", "add multipart/form-data or application/x-www-form-urlencoded to the operation's `consumes`", VALIDATOR, "MimeTypeNotCompatibleWithRequestContentSchemaType"),
    rule!("form-urlencoded-binary", Error, ALL, "files and string/binary parameters cannot be sent as application/x-www-form-urlencoded", "consume multipart/form-data for this operation", VALIDATOR, "StringBinaryNotSupportedForFormUrlEncoded"),
    rule!("form-data-parameter-name", Error, ALL, "a formData parameter name must be US-ASCII", "rename the parameter with ASCII characters only", VALIDATOR, "InvalidFormDataParameterName"),
    rule!("next-link-name", Warning, ALL, "`x-ms-pageable.nextLinkName` should be nextLink or @odata.nextLink", "set \"nextLinkName\" to \"nextLink\" or \"@odata.nextLink\" (the property of the response that holds the next page's URL)", VALIDATOR, "InvalidNextLinkNameValue"),
    rule!("enum-value-type", Error, ALL, "an enum value is not of the schema's type", "write the value with the declared type (e.g. 5, not \"5\", for an integer), or fix `type`", VALIDATOR, "InvalidEnumValue"),
    rule!("enum-value-text", Warning, ALL, "an enum value is a string where the schema's type is integer, number or boolean", "write the value without quotes (5, not \"5\"; true, not \"true\"), or make the type string", VALIDATOR, "InvalidEnumValue"),
    rule!("enum-values-duplicate", Error, ALL, "`x-ms-enum-values` maps one value more than once", "keep one display name per value", VALIDATOR, "DuplicateEnumValuesInExtension"),
    rule!("enum-values-not-in-enum", Error, ALL, "an `x-ms-enum-values` value is not in `enum`", "add the value to `enum`, or correct it", VALIDATOR, "InvalidEnumValuesExtensionValue"),
    rule!("array-duplicate-value", Error, ALL, "an array of enum values, required names, MIME types or schemes lists a value twice", "remove the duplicate", VALIDATOR, "ArrayDuplicateValue"),
    rule!("type-format", Error, ALL, "a type or type/format is not recognized", "use a Swagger 2.0 type (string, number, integer, boolean, array, object, file) and a format that fits it (int32/int64 for integers, float/double for numbers)", VALIDATOR, "UnrecognizedTypeFormat"),
    rule!("selected-item-value-path", Error, ALL, "`selectedItemValuePath` is allowed only in the `browse` operation of `x-ms-dynamic-tree`", "move it into `x-ms-dynamic-tree.browse`, or remove it", VALIDATOR, "SelectedItemValuePathNotAllowedInThisPosition"),
    rule!("api-annotation-replacement-deprecated", Error, ALL, "`x-ms-api-annotation.replacement` is only for deprecated operations", "mark the operation \"deprecated\": true, or remove `replacement`", VALIDATOR, "ApiAnnotationExtensionReplacementInfoForNonDeprecatedOperations"),
    rule!("api-annotation-replacement-api", Error, ALL, "`x-ms-api-annotation.replacement` must name the `api`", "add \"api\" (the connector's name) to `replacement`", VALIDATOR, "ApiAnnotationExtensionReplacementInfoMissingApiProperty"),
    rule!("api-annotation-replacement-operation-id", Error, ALL, "`x-ms-api-annotation.replacement` must name the `operationId`", "add the replacing operation's \"operationId\" to `replacement`", VALIDATOR, "ApiAnnotationExtensionReplacementInfoMissingOperationIdProperty"),
    rule!("family-duplicate-revisions", Error, ALL, "two operations of one family have the same revision", "give each operation of the family its own `revision`", VALIDATOR, "OperationFamilyHasDuplicateRevisions"),
    rule!("family-active-operations", Error, ALL, "an operation family has more than two operations that are not deprecated", "mark the older revisions \"deprecated\": true", VALIDATOR, "OperationFamilyHasManyActiveOperations"),
    rule!("family-active-production", Error, ALL, "an operation family has several operations in Production that are not deprecated", "deprecate the previous revisions", VALIDATOR, "OperationFamilyHasManyActiveProductionOperations"),
    rule!("family-empty-revisions", Error, ALL, "only one operation of a family may have no revision", "give the other operations of the family a `revision`", VALIDATOR, "OperationFamilyHasManyEmptyRevisions"),
    rule!("operation-revision-empty", Error, ALL, "an operation of a family must give its revision as a number", "set \"revision\": 1 (2, 3...) in `x-ms-api-annotation`", VALIDATOR, "OperationRevisionEmpty"),
    rule!("operation-status-ahead", Error, ALL, "an operation cannot be in Production while the connector is in Preview", "set the operation's status to Preview, or the connector's (info.x-ms-api-annotation) to Production", VALIDATOR, "OperationStatusAheadOfConnector"),
    rule!("notification-in-webhook", Error, ALL, "a webhook operation cannot have `x-ms-notification`", "remove `x-ms-notification` from the webhook; put it on the polling trigger that points to the webhook", VALIDATOR, "NotificationExtensionNotSupportedInWebhookOperation"),
    rule!("notification-trigger-only", Error, ALL, "`x-ms-notification` is supported on triggers only", "add `x-ms-trigger` to the operation, or remove `x-ms-notification`", VALIDATOR, "NotificationExtensionSupportedForTriggerOnly"),
    rule!("notification-operation-webhook", Error, ALL, "`x-ms-notification.operationId` must name a webhook trigger", "point it at the trigger whose body has the `x-ms-notification-url` property", VALIDATOR, "NotificationOperationMustBeWebhook"),
    rule!("notification-content-missing", Error, ALL, "a webhook trigger with a notification URL should describe what it receives with `x-ms-notification-content`", "add \"x-ms-notification-content\": {\"description\": ..., \"schema\": ...} to the path item, beside the webhook's `post` (create-webhook-trigger.md)", VALIDATOR, "OperationMustHaveNotificationContentExtension"),
    rule!("webhook-notification-url-missing", Error, ALL, "a webhook trigger must mark the parameter or body property that carries the callback URL with `x-ms-notification-url`", "add \"x-ms-notification-url\": true, \"x-ms-visibility\": \"internal\" and \"required\" to the property that takes the callback URL (create-webhook-trigger.md)", WEBHOOKS, "WebhookOperationsMissingNotificationUrlProperty"),
    rule!("dynamic-list-required-non-parameter", Error, ALL, "`x-ms-dynamic-values` refers to a property within a parameter and needs `x-ms-dynamic-list`", "add `x-ms-dynamic-list` next to it, with `parameterReference` paths", VALIDATOR, "DynamicListExtensionRequiredForNonParameterReferences"),
    rule!("dynamic-list-required-ambiguous", Error, ALL, "`x-ms-dynamic-values` refers to a name that is both a parameter and a body property, and needs `x-ms-dynamic-list`", "add `x-ms-dynamic-list` next to it, with unambiguous `parameterReference` paths", VALIDATOR, "DynamicListExtensionRequiredForAmbiguousReferences"),
    rule!("dynamic-properties-required-non-parameter", Error, ALL, "`x-ms-dynamic-schema` refers to a property within a parameter and needs `x-ms-dynamic-properties`", "add `x-ms-dynamic-properties` next to it, with `parameterReference` paths", VALIDATOR, "DynamicPropertiesExtensionRequiredForNonParameterReferences"),
    rule!("dynamic-properties-required-ambiguous", Error, ALL, "`x-ms-dynamic-schema` refers to a name that is both a parameter and a body property, and needs `x-ms-dynamic-properties`", "add `x-ms-dynamic-properties` next to it, with unambiguous `parameterReference` paths", VALIDATOR, "DynamicPropertiesExtensionRequiredForAmbiguousReferences"),
    rule!("dynamic-properties-required-value-path", Error, ALL, "an `x-ms-dynamic-schema` `value-path` ending in `properties` needs `x-ms-dynamic-properties`", "add `x-ms-dynamic-properties` with `itemValuePath` set to the path without `properties`", VALIDATOR, "DynamicPropertiesExtensionRequiredForPropertiesValuePath"),
    rule!("dynamic-properties-item-value-path", Error, ALL, "`x-ms-dynamic-properties.itemValuePath` must be `x-ms-dynamic-schema`'s `value-path` without `properties`", "set `itemValuePath` to the path the message gives", VALIDATOR, "DynamicPropertiesItemValuePathMismatch"),
    rule!("invoked-operation-array", Error, ALL, "the operation a dynamic list invokes must return an array at `value-collection`", "correct `value-collection`, or declare the array in the invoked operation's success response", VALIDATOR, "InvokedOperationShouldProduceArray"),
    rule!("invoked-operation-property", Warning, ALL, "the operation a dynamic schema invokes must return the property at `value-path`", "correct `value-path`, or declare the property in the invoked operation's success response", VALIDATOR, "InvokedOperationShouldProduceProperty"),
    rule!("operation-missing-required-parameter", Error, ALL, "a dynamic extension does not pass a parameter the invoked operation requires", "add the parameter to the extension's `parameters` ({\"parameter\": ...} or {\"value\": ...})", VALIDATOR, "OperationMissingRequiredProperty"),
    rule!("parameter-name-not-found", Warning, ALL, "a dynamic extension names a parameter the operation does not have", "correct the name (case-sensitive) to a parameter of the operation", VALIDATOR, "OperationParameterNameNotFound"),
    rule!("parameter-name-ambiguous", Error, ALL, "a dynamic extension passes a name that is both a parameter of the invoked operation and a property of its body", "rename the parameter or the body property", VALIDATOR, "OperationParameterNameIsAmbiguous"),
    rule!("parameter-required-mismatch", Warning, ALL, "a dynamic extension passes an optional parameter where the invoked operation requires one", "make the source parameter required (or give it a default), or pass a static value", VALIDATOR, "OperationParameterRequiredMismatch"),
    rule!("parameter-type-mismatch", Error, ALL, "a dynamic extension passes a parameter of another type than the invoked operation takes", "make the two parameters' types agree", VALIDATOR, "OperationParameterTypeMismatch"),
    rule!("parameter-static-type-mismatch", Error, ALL, "a dynamic extension passes a static value of another type than the invoked operation takes", "write the value with the parameter's type (e.g. 5, not \"5\", for an integer)", VALIDATOR, "OperationParameterStaticTypeMismatch"),
    rule!("source-parameter-internal", Warning, ALL, "a dynamic extension refers to an internal parameter, which the maker never sets", "make the parameter visible, or pass a static {\"value\": ...}", VALIDATOR, "SourcePropertyInternal"),
    rule!("dynamic-tree-missing", Error, ALL, "a file picker (`x-ms-capabilities.file-picker`) needs `x-ms-dynamic-tree` on a parameter", "add `x-ms-dynamic-tree` (with `open` and `browse` operations) to the parameter the picker fills", VALIDATOR, "DynamicTreeExtensionMissing"),
    rule!("dynamic-extension-on-body-parameter", Error, ALL, "dynamic extensions belong in the body parameter's schema, not on the parameter", "move the `x-ms-dynamic-*` extension into the parameter's `schema`", VALIDATOR, "DynamicExtensionDefinitionNotAllowedInParameter"),
    rule!("notification-parameters-match", Error, ALL, "parameters of the same name in the polling and the webhook trigger must have the same type and visibility", "make the two parameters' `type` and `x-ms-visibility` agree", VALIDATOR, "ParamtersWithSameNameMustHaveSameTypeAndVisibility"),
    // Arrays.
    rule!("array-items", Warning, ALL, "an array has no `items`", "add \"items\": {\"type\": \"string\"} (or the items' schema)", VALIDATOR, "ArrayHasNoItems"),
    rule!("required-empty", Error, ALL, "`required` is an empty array", "remove `required` when no property is required", VALIDATOR, "RequiredPropertyArrayEmpty"),
    rule!("schemes-empty", Error, ALL, "`schemes` is an empty array", "set \"schemes\": [\"https\"]", VALIDATOR, "SchemesArrayEmpty"),
    // Not supported.
    rule!("collection-format", Error, ALL, "`collectionFormat` has a value Swagger does not define", "use csv (the default), ssv, tsv, pipes or multi", VALIDATOR, "CollectionFormatValueNotSupported"),
    rule!("path-item-ref", Error, ALL, "a path cannot be a `$ref`", "write the path's operations in place", VALIDATOR, "PathItemRefNotSuppored"),
    // Parameters.
    rule!("file-parameter-location", Error, ALL, "a parameter of type file must be in formData", "set \"in\": \"formData\" (and consume multipart/form-data), or use a body parameter with a string/binary schema", VALIDATOR, "FileParameterMustBeInFormData"),
    rule!("form-data-and-body", Error, ALL, "an operation cannot have both a body and formData parameters", "keep one of the two kinds", VALIDATOR, "ParameterListContainsFormDataAndBody"),
    rule!("parameter-ref-not-found", Error, ALL, "a parameter `$ref` points to nothing", "add the definition under `parameters`, or correct the reference", VALIDATOR, "ParameterReferenceNotFound"),
    rule!("parameter-ref-not-valid", Error, ALL, "a parameter `$ref` must start with `#/parameters/` and be a JSON pointer", "write the reference as \"#/parameters/name\" (`~0` for `~`, `~1` for `/`)", VALIDATOR, "ParameterReferenceNotValid"),
    rule!("parameter-ref-loop", Error, ALL, "a parameter definition cannot be a `$ref` to another one", "write the parameter in place under `parameters`", VALIDATOR, "ParameterRefLoopNotAllowed"),
    rule!("response-ref-loop", Error, ALL, "a response definition cannot be a `$ref` to another one", "write the response in place under `responses`", VALIDATOR, "ResponseRefLoopNotAllowed"),
    rule!("path-parameter-encoding", Warning, ALL, "a path parameter should say how it is URL-encoded", "add \"x-ms-url-encoding\": \"single\"", VALIDATOR, "PathParameterMissingEncoding"),
    rule!("query-parameter-encoding", Warning, ALL, "query parameters cannot set `x-ms-url-encoding`: they are always encoded once", "remove `x-ms-url-encoding` from the query parameter", VALIDATOR, "QueryParameterEncodingNotSupported"),
    // -- end of Operations, Arrays, Not supported, Parameters --
    // Swagger Validator catalogue: Properties, Response, Security, Webhooks, Metadata
    // (src/check/validator/{schema,security}.rs).
    rule!("metadata-categories-count", Error, PUBLISHED, "Categories may list at most two values", "keep the one or two categories that fit best, separated by `;`", VALIDATOR, "TooManyConnectorCategories"),
    rule!("schema-unknown-keyword", Error, ALL, "a schema uses a keyword that OpenAPI 2.0 schemas do not have", "remove it, or rename it to an `x-` extension (OpenAPI 3 keywords such as nullable, oneOf, anyOf do not exist in 2.0)", VALIDATOR, "AdditionalPropertyNotAllowed"),
    rule!("ref-siblings", Warning, ALL, "a schema with `$ref` has other properties next to it", "keep only `$ref`: move the other properties into the referenced definition", VALIDATOR, "AdditionalPropertyNotAllowedAdjacentToRef"),
    rule!("body-parameter-property", Error, ALL, "a body parameter uses a property that belongs in its `schema`", "move `type`, `format`, `enum`, `default`... into the parameter's `schema`", VALIDATOR, "BodyParameterPropertyNotValid"),
    rule!("default-type", Warning, ALL, "a `default` value is not of the declared type", "write the default as the declared type (e.g. 10, not \"10\", for an integer)", VALIDATOR, "DefaultValueMustMatchType"),
    rule!("enum-empty", Error, ALL, "`enum` is an empty array", "list at least one value, or remove `enum`", VALIDATOR, "EnumMustContainAtLeastOneElement"),
    rule!("extension-name", Error, ALL, "a property that OpenAPI 2.0 does not define here; extensions must begin with \"x-\"", "remove it, fix its spelling or case, or rename it to an `x-` extension", VALIDATOR, "ExtensionNameNotValid"),
    rule!("filter-functions-empty", Error, ALL, "`filterFunctions` is empty", "list at least one function, or remove `filterFunctions`", VALIDATOR, "FilterFunctionsPropertyEmpty"),
    rule!("filter-functions-duplicates", Error, ALL, "`filterFunctions` lists a function twice", "remove the duplicate", VALIDATOR, "FilterFunctionsPropertyHasDuplicates"),
    rule!("filter-functions-input", Error, ALL, "`filterFunctions` is in an input schema", "move it to the response schema", VALIDATOR, "FilterFunctionsPropertyInInputSchema"),
    rule!("internal-default-optional", Warning, ALL, "an internal schema property has a default but is optional: it may not be sent", "add the property to its parent's `required` list, or leave it if sending it is optional", VALIDATOR, "InternalPropertyWithDefaultOptional"),
    rule!("internal-parameter-optional", Warning, ALL, "an internal parameter has a default but is not required: optional internal parameters are ignored", "add \"required\": true, or make the parameter visible", VALIDATOR, "PropertyMustBeRequired"),
    rule!("string-binary-position", Warning, ALL, "a string/binary schema is nested inside a body parameter", "make the binary content the body parameter's whole schema, or a formData parameter of type file", VALIDATOR, "InvalidStringBinaryProperty"),
    rule!("json-type", Error, ALL, "a property has the wrong JSON type", "write the value with the type the message names (e.g. true, not \"true\")", VALIDATOR, "JsonTypeIncorrect"),
    rule!("value-not-in-enum", Error, ALL, "a value is not one of those OpenAPI 2.0 or the extension allows", "use one of the values the message lists", VALIDATOR, "JsonValueNotInEnum"),
    rule!("mime-type", Error, ALL, "a `consumes` or `produces` entry is not a MIME type", "write type/subtype, e.g. \"application/json\"", VALIDATOR, "MimeTypeNotValid"),
    rule!("enum-values-display-name", Error, ALL, "an x-ms-enum-values entry has no displayName", "add \"displayName\": the label makers see for the value", VALIDATOR, "MissingEnumValuesDisplayName"),
    rule!("multiple-of", Error, ALL, "`multipleOf` must be greater than zero", "use a positive number, or remove `multipleOf`", VALIDATOR, "MultipleOfMustBeGreaterThanZero"),
    rule!("required-not-defined", Error, ALL, "a schema's `required` names a property it does not define", "define the property under `properties`, or remove it from `required`", VALIDATOR, "RequiredPropertyDefinitionMissing"),
    rule!("required-property", Error, ALL, "a property that OpenAPI 2.0 requires is missing", "add the property the message names", VALIDATOR, "RequiredPropertyMissing"),
    rule!("required-not-on-object", Warning, ALL, "`required` is on a schema that is not an object", "remove `required` (for a required parameter, set \"required\": true on the parameter)", VALIDATOR, "RequiredPropertyNotOnObject"),
    rule!("required-readonly-input", Error, ALL, "an input property is both required and readOnly", "remove readOnly, or remove the property from `required`", VALIDATOR, "RequiredReadOnlyPropertyNotAllowedAsInput"),
    rule!("scheme-value", Error, ALL, "`schemes` lists something that is not a transfer protocol", "list only \"https\" (or \"http\")", VALIDATOR, "SchemeNotValid"),
    rule!("security-definition-property", Error, ALL, "a security definition has a property its type does not allow", "remove the property (apiKey takes name and in; oauth2 takes flow, scopes and the URLs of its flow; basic takes none)", VALIDATOR, "SecuritySchemePropertyNotValid"),
    rule!("security-definition-required", Error, ALL, "a security definition lacks a property its type requires", "add it (apiKey: name and in; oauth2: flow, and authorizationUrl and/or tokenUrl for the flow)", VALIDATOR, "SecuritySchemePropertyRequired"),
    rule!("tag-redefined", Error, ALL, "`tags` defines the same tag twice", "remove the duplicate tag", VALIDATOR, "TagRedefined"),
    rule!("url-value", Warning, ALL, "a URL is not a valid absolute URL", "write the full URL with https://", VALIDATOR, "UrlNotValid"),
    rule!("body-parameter-schema", Error, ALL, "a body parameter has no `schema`", "add a `schema` describing the body", VALIDATOR, "BodyParameterSchemaRequired"),
    rule!("editor-dictionary", Error, ALL, "x-ms-editor \"dictionary\" is on a schema that is not an object allowing additional properties", "use it only with \"type\": \"object\" and additionalProperties not false", VALIDATOR, "InvalidCustomEditorExtensionDictionaryValue"),
    rule!("ref-pointer", Error, ALL, "a `$ref` is not a valid JSON pointer", "write the reference as #/definitions/Name (escape `/` as ~1 and `~` as ~0)", VALIDATOR, "JsonPointerNotValid"),
    rule!("non-body-schema", Error, ALL, "a parameter that is not in the body has a `schema`", "use `type` (and `items`) for query, header, path and formData parameters; only body parameters take a schema", VALIDATOR, "NonBodyParameterSchemaNotValid"),
    rule!("required-loop", Error, ALL, "required properties refer to each other in a loop", "make one property of the loop optional", VALIDATOR, "RequiredLoopInSchemaNotAllowed"),
    rule!("response-example-mime", Error, ALL, "a response example is for a MIME type the operation does not produce", "key the example by a type in `produces`, or add the type to `produces`", VALIDATOR, "ResponseExampleMustBeProducedByOperation"),
    rule!("response-headers-unique", Error, ALL, "a response defines the same header twice (names ignore case)", "remove the duplicate header", VALIDATOR, "ResponseHeadersAreNotUnique"),
    rule!("response-code", Error, ALL, "a response key is neither an HTTP status code nor \"default\"", "key responses by status code (\"200\", \"404\") or \"default\"", VALIDATOR, "ResponseMustBeDefaultOrHttpStatusCode"),
    rule!("response-ref-not-found", Error, ALL, "a response `$ref` points at nothing", "define the response under `responses`, or fix the reference", VALIDATOR, "ResponseReferenceNotFound"),
    rule!("response-ref-invalid", Error, ALL, "a response `$ref` does not start with #/responses/", "move the response under the top-level `responses` and refer to it as #/responses/Name", VALIDATOR, "ResponseReferenceNotValid"),
    rule!("trigger-output-schema", Warning, ALL, "a trigger has no output schema, so the designer shows no outputs", "add a schema to the 200 or 201 response, or x-ms-notification-content with a schema for a webhook", VALIDATOR, "SchemaDefinitionSetIncorrectly"),
    rule!("schema-ref-not-found", Error, ALL, "a schema `$ref` points at nothing", "add the definition under `definitions`, or fix the reference", VALIDATOR, "SchemaReferenceNotFound"),
    rule!("schema-ref-invalid", Error, ALL, "a schema `$ref` does not start with #/definitions/", "move the schema under `definitions` and refer to it as #/definitions/Name", VALIDATOR, "SchemaReferenceNotValid"),
    rule!("schema-ref-loop", Error, ALL, "definitions that are only references to each other form a loop", "make one definition of the loop a real schema", VALIDATOR, "SchemaRefLoopNotAllowed"),
    rule!("file-type-position", Error, ALL, "type \"file\" is used where it is not allowed", "use type file only for formData parameters and at the root of a response schema (string/binary in a body)", VALIDATOR, "SchemaTypeFileNotValid"),
    rule!("scheme-websocket", Error, ALL, "WebSocket schemes (ws, wss) are not supported", "list only \"https\"", VALIDATOR, "SchemeNotSupported"),
    rule!("security-scope", Error, ALL, "an OAuth security requirement names a scope its definition does not define", "add the scope to the definition's `scopes`, or fix its name", VALIDATOR, "OAuthSecurityRequirementValueMustBeScopeName"),
    rule!("security-undefined", Warning, ALL, "a security requirement names a security definition that does not exist", "add it to `securityDefinitions`, or fix the name", VALIDATOR, "SecurityRequirementMustBeDefined"),
    rule!("security-scopes-not-allowed", Error, ALL, "a security requirement that is not OAuth lists scopes", "use an empty array: {\"api_key\": []}", VALIDATOR, "SecurityRequirementMustHaveEmptyValue"),
    rule!("security-value", Error, ALL, "a security requirement's value is not an array", "use an array of scopes, empty when there are none: {\"name\": []}", VALIDATOR, "SecurityRequirementMustHaveValue"),
    rule!("notification-url-position", Warning, ALL, "x-ms-notification-url is set outside a webhook registration's input", "set it only on the parameter or body property that carries the callback URL", VALIDATOR, "NotificationUrlNotAllowedInThisPosition"),
    rule!("notification-url-internal", Error, ALL, "the notification URL (or a parent of it) must be internal", "add \"x-ms-visibility\": \"internal\" to the property or a parent", VALIDATOR, "NotificationUrlNotInternal"),
    rule!("notification-url-required", Warning, ALL, "the notification URL must be required all the way from its parameter", "mark the parameter required and list each property on the way in its parent's `required`", VALIDATOR, "NotificationUrlNotRequired"),
    rule!("notification-url-string", Error, ALL, "the notification URL must be of type string", "set \"type\": \"string\"", VALIDATOR, "NotificationUrlNotString"),
    rule!("allow-empty-value", Error, ALL, "allowEmptyValue is only valid on query and formData parameters", "remove allowEmptyValue", VALIDATOR, "AllowEmptyValueOnlyValidForQueryFormData"),
    rule!("discriminator", Error, ALL, "a discriminator must name a required string property", "define the property with \"type\": \"string\" and list it in `required`", VALIDATOR, "DiscriminatorMustBeARequiredStringProperty"),
    rule!("exclusive-maximum", Error, ALL, "exclusiveMaximum without maximum", "add `maximum`, or remove exclusiveMaximum", VALIDATOR, "ExclusiveMaximumRequiresMaximum"),
    rule!("exclusive-minimum", Error, ALL, "exclusiveMinimum without minimum", "add `minimum`, or remove exclusiveMinimum", VALIDATOR, "ExclusiveMinimumRequiresMinimum"),
    rule!("max-items-negative", Error, ALL, "maxItems is negative", "use zero or more", VALIDATOR, "MaxItemsMustBeGreaterThanOrEqualToZero"),
    rule!("max-length-negative", Error, ALL, "maxLength is negative", "use zero or more", VALIDATOR, "MaxLengthMustBeGreaterThanOrEqualToZero"),
    rule!("max-properties-negative", Error, ALL, "maxProperties is negative", "use zero or more", VALIDATOR, "MaxPropertiesMustBeGreaterThanOrEqualToZero"),
    rule!("minimum-maximum", Error, ALL, "minimum is greater than maximum", "swap or fix the bounds", VALIDATOR, "MinimumShouldBeLessThanOrEqualToMaximum"),
    rule!("min-items-negative", Error, ALL, "minItems is negative", "use zero or more", VALIDATOR, "MinItemsMustBeGreaterThanOrEqualToZero"),
    rule!("min-max-items", Error, ALL, "minItems is greater than maxItems", "swap or fix the bounds", VALIDATOR, "MinItemsShouldBeLessThanOrEqualToMaxItems"),
    rule!("min-length-negative", Error, ALL, "minLength is negative", "use zero or more", VALIDATOR, "MinLengthMustBeGreaterThanOrEqualToZero"),
    rule!("min-max-length", Error, ALL, "minLength is greater than maxLength", "swap or fix the bounds", VALIDATOR, "MinLengthShouldBeLessThanOrEqualToMaxLength"),
    rule!("min-properties-negative", Error, ALL, "minProperties is negative", "use zero or more", VALIDATOR, "MinPropertiesMustBeGreaterThanOrEqualToZero"),
    rule!("pattern-regex", Error, ALL, "a `pattern` is not a valid regular expression", "fix the expression (unbalanced parentheses or brackets, a quantifier with nothing to repeat, a reversed range)", VALIDATOR, "PatternShouldBeValidRegularExpression"),
    rule!("required-value-empty", Error, ALL, "a required property has an empty value", "fill in the value", VALIDATOR, "RequiredValueEmpty"),
    rule!("value-english", Error, PUBLISHED, "text makers see is not in English", "write titles, summaries and descriptions in English", VALIDATOR, "ValueMustBeInEnglish"),
    // -- end of Properties, Response, Security, Webhooks, Metadata --
    // Coding standards (src/check/validator/standards.rs): warnings.
    rule!("standard-indentation", Warning, ALL, "the swagger is indented with hard tabs", "indent with four spaces (your editor's \"convert indentation to spaces\")", CODING_STANDARDS),
    rule!("standard-trailing-space", Warning, ALL, "lines of the swagger end with spaces or tabs", "remove trailing whitespace (most editors can trim it on save)", CODING_STANDARDS),
    rule!("standard-section-order", Warning, ALL, "the swagger's sections are out of the standard order", "order the top level: swagger, info, host and schemes, consumes and produces, paths, definitions, parameters", CODING_STANDARDS),
    rule!("standard-operation-id-case", Warning, ALL, "operationId is not PascalCase", "capitalize every word and drop `-` and `_`, e.g. \"GetMessages\"", CODING_STANDARDS),
    rule!("standard-description-period", Warning, ALL, "an operation's description does not end with a period", "end the description with `.`", CODING_STANDARDS),
    rule!("standard-summary-description", Warning, ALL, "a description repeats its summary", "make the summary a short name and the description a sentence that adds information", CODING_STANDARDS),
    rule!("standard-shared-parameter", Warning, ALL, "the same parameter is defined inline in several operations", "define it once under the top-level `parameters` and use {\"$ref\": \"#/parameters/Name\"}", CODING_STANDARDS),
    rule!("standard-shared-definition", Warning, ALL, "the same response schema is written inline in several operations", "define it once under `definitions` and use {\"$ref\": \"#/definitions/Name\"}", CODING_STANDARDS),
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
    ("fetch-body-parameter", "warning: 2 recent merged updates added a body to a GET operation (Cognito Forms, AIForged) and were accepted"),
    ("invoked-operation-property", "warning: a recent merged update (Emigo) has a value-path its invoked operation does not declare; the response schema is often dynamic"),
    ("parameter-name-not-found", "warning: a recent merged update (Tikit) names a dynamic parameter the operation lacks, and was accepted"),
    ("array-items", "warning: a recent merged update (PartnerCenterReferrals) added an array without items, and was accepted"),
    ("enum-value-text", "warning: the validator's InvalidEnumValue, yet 19 upstream connectors and 1 of 290 recent merges (4a81c2244f) quote numbers or booleans in an enum (\"true\", \"5\"), and were accepted; any other value of the wrong type is enum-value-type, an error"),
    ("script-namespace", "error: write-code.md says custom code can use functions from the listed namespaces \"only\". The corpus holds no script.csx (its code files were left out), so this severity rests on the page's wording, not on merges"),
    ("script-class", "error: write-code.md: \"The class name must be Script and it must implement ScriptBase\", with ExecuteAsync, \"which is called during runtime\" (no corpus evidence: code files were left out)"),
    ("script-size", "error: write-code.md: \"the size of your script file can't be more than 1 MB\"; read as 1,048,576 bytes, so only a file over 1 MB however counted is refused (no corpus evidence: code files were left out)"),
    ("script-http-client", "warning: write-code.md: \"Currently yes, but we'll block this in the future\": allowed today"),
    ("script-multiple", "warning: write-code.md supports one script file per connector, yet upstream custom-connectors/AzureOpenAIService keeps two .csx files (paconn uploads the one it is given)"),
    ("script-operations", "warning: paconn and the portal write scriptOperations; no page says an unknown name is refused"),
    ("schema-properties", "warning; and `scriptOperations` is not reported: the repository's schema (2024-02-28) does not know it, yet 44 merged connectors carry it (12 independent publishers), as paconn and the portal write it beside script.csx: the schema is older than the practice. Policy template instances are left to policy-template-unknown and policy-template-parameter"),
    ("title-ending", "error (was a warning): the validator's catalogue lists ValueMustEndWithAlphanumeric as an error, and no connector upstream or among the 290 recent merges has a title ending otherwise"),
    ("family-active-production", "error (was a warning): an error in the validator's catalogue (OperationFamilyHasManyActiveProductionOperations); no merged connector has it"),
    ("notification-content-missing", "error (was a warning): an error in the validator's catalogue; read on the path item as merged connectors write it, it fires on none of the 188 upstream webhooks (it warned on 185 when it looked on the operation)"),
    ("parameter-name-ambiguous", "error (was a warning): an error in the validator's catalogue (OperationParameterNameIsAmbiguous); no merged connector has it"),
    ("brand-color-certified", "error although 2 of 290 recent merges use a default color: the repository's pull request template states it explicitly"),
    ("title-words", "error although 1 of 290 recent merges has \"API\" in its title: the certification page states it explicitly"),
    ("description-words", "error although 2 of 290 recent merges name a product: the certification page states it explicitly"),
    ("contact-email", "error although 1 of 290 recent merges lacks one: the validator and the certification page require it"),
    ("ip-package-missing", "error although none of the 80 independent-publisher merges of the corpus (the latest from February 2024) carries a zip: they predate the 2025 process, in which the certification bot answers \"No zip\" (#4039); the replay and gate_eval run them with --without-package"),
    ("ip-package-mismatch", "error, where `package check` warns: the certification bot deploys the package's connector, so a package that differs from the reviewed folder publishes something nobody reviewed; no merge of the corpus carries a package to measure it on"),
    ("ip-package-advice", "warning: what reviewers ask for beyond the Package Validator and the bot (intro.md's sections, names), as `package check` says it"),
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
    fn the_value_budget_is_the_parser_s() {
        let n = crate::connector::json::MAX_VALUES;
        let written = format!("{},{:03}", n / 1000, n % 1000);
        let r = rule("json-too-many-values");
        assert!(r.message.contains(&written) && r.fix.contains(&written), "{written}");
        let n = crate::connector::json::MAX_KEY_BYTES;
        let written = format!("{},{:03} bytes", n / 1000, n % 1000);
        let r = rule("json-key-too-long");
        assert!(r.message.contains(&written) && r.fix.contains(&written), "{written}");
    }

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
