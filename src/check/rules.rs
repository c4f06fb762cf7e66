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
const CODING_STANDARDS: &str = "https://learn.microsoft.com/en-us/connectors/custom-connectors/coding-standards";
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
    rule!("swagger-size", Warning, PUBLISHED, "the swagger file is larger than 1 MB", "split the connector, or remove unused definitions and examples", CERTIFICATION),
    // JSON.
    rule!("json-invalid", Error, ALL, "the file is not JSON, and no data could be recovered", "fix the syntax at the position given; an editor with JSON support shows the exact spot", SWAGGER_2),
    rule!("json-not-strict", Error, ALL, "the file is not strict JSON", "fix the syntax at the position given (trailing commas, comments, missing commas and raw line breaks in strings are not JSON); the rest of the file was read anyway", SWAGGER_2),
    rule!("json-encoding", Error, ALL, "the file is not valid UTF-8", "save the file as UTF-8 (your editor's \"Save with encoding\")", SWAGGER_2),
    // Swagger basics.
    rule!("swagger-version", Error, ALL, "`swagger` must be \"2.0\": connectors are OpenAPI 2.0", "set \"swagger\": \"2.0\" (convert an OpenAPI 3 file to 2.0 first)", REPO_SCHEMA, "SpecificationVersionIncorrect"),
    rule!("swagger-host", Error, ALL, "`host` must be a host name only, without scheme or path", "put the scheme into `schemes` and the path into `basePath`", REPO_SCHEMA, "HostNameNotValid"),
    rule!("swagger-base-path", Error, ALL, "`basePath` must start with `/`", "write the base path with a leading slash, e.g. \"/v1\"", REPO_SCHEMA, "BasePathNotValid"),
    rule!("swagger-schemes", Warning, ALL, "`schemes` should list https", "add \"schemes\": [\"https\"]", SWAGGER_2),
    // info.
    rule!("title-missing", Error, ALL, "`info.title` is missing", "add a title of at most 30 characters", CERTIFICATION, "RequiredPropertyMissing"),
    rule!("title-length", Error, PUBLISHED, "`info.title` is longer than 30 characters", "shorten the title to 30 characters or fewer", CERTIFICATION, "FieldLengthExceeded"),
    rule!("title-words", Error, PUBLISHED, "`info.title` contains a restricted word", "remove the words \"API\", \"Connector\" and Power Platform product names from the title", CERTIFICATION, "ValueContainsRestrictedWords"),
    rule!("title-ending", Warning, PUBLISHED, "`info.title` must end with a letter or digit", "remove the trailing punctuation or space", VALIDATOR, "ValueMustEndWithAlphanumeric"),
    rule!("description-length", Error, PUBLISHED, "`info.description` must be 30 to 500 characters", "write one to three sentences about the service, 30 to 500 characters", CERTIFICATION, "FieldLengthNotInRange"),
    rule!("description-words", Error, PUBLISHED, "`info.description` contains a Power Platform product name", "describe the service without naming Power Apps, Power Automate, Logic Apps or other product names", CERTIFICATION, "ValueContainsRestrictedWords"),
    rule!("contact-email", Error, PUBLISHED, "`info.contact` needs a valid support email", "add \"contact\": {\"name\": ..., \"url\": ..., \"email\": \"support@your-company.com\"}", VALIDATOR, "ContactEmailNotValid"),
    rule!("metadata-missing", Error, PUBLISHED, "`x-ms-connector-metadata` must list Website, Privacy policy and Categories", "add the missing entries as {\"propertyName\": \"Website\", \"propertyValue\": \"https://...\"}", CERTIFICATION, "ConnectorMetadataPropertiesMissing"),
    rule!("metadata-categories", Error, PUBLISHED, "Categories must be values from Microsoft's list, separated by `;`", "use at most two of: AI; Business Management; Business Intelligence; Collaboration; Commerce; Communication; Content and Files; Data; Finance; Human Resources; Internet of Things; IT Operations; Lifestyle and Entertainment; Marketing; Productivity; Sales and CRM; Security; Social Media; Website", CERTIFICATION, "InvalidConnectorCategory"),
    // Operations.
    rule!("operation-id", Error, ALL, "every operation needs a unique, alphanumeric operationId", "give the operation an operationId of letters and digits in PascalCase, e.g. \"ListContacts\"", VALIDATOR),
    rule!("operation-summary", Error, PUBLISHED, "operation `summary` must be present, at most 80 characters, without `/ \\ < > * % & ?`", "write a short sentence-case phrase such as \"List contacts\"", STRINGS),
    rule!("operation-summary-ending", Warning, PUBLISHED, "operation `summary` should not end with punctuation", "remove the trailing punctuation", STRINGS),
    rule!("operation-description", Error, PUBLISHED, "operation `description` is missing", "add a full sentence that says what the operation does", CERTIFICATION),
    rule!("parameter-summary", Error, PUBLISHED, "parameter needs `x-ms-summary`", "add \"x-ms-summary\": a title-case label such as \"Contact ID\"", EXTENSIONS),
    rule!("parameter-description", Error, PUBLISHED, "parameter needs `description`", "add a sentence that says what the parameter is for", CERTIFICATION),
    rule!("path-parameter", Error, ALL, "path parameters must be declared, required, and used in the path", "make every `{name}` in the path a parameter with \"in\": \"path\" and \"required\": true", VALIDATOR),
    rule!("internal-default", Error, ALL, "a required parameter with x-ms-visibility internal needs a default", "add a `default` value, or make the parameter visible", EXTENSIONS),
    rule!("default-response-schema", Error, PUBLISHED, "the `default` response must not have a schema", "move the schema to the success response (\"200\"), and keep only a description on `default`", VALIDATOR, "DefaultResponseHasSchema"),
    rule!("visibility-value", Error, ALL, "x-ms-visibility must be important, advanced or internal", "use one of important, advanced, internal (or remove it for normal visibility)", EXTENSIONS),
    // apiProperties.json.
    rule!("brand-color-independent", Error, &[I], "independent publishers must use iconBrandColor #da3b01", "set \"iconBrandColor\": \"#da3b01\" in apiProperties.json", INDEPENDENT),
    rule!("brand-color-certified", Error, &[C], "certified connectors need a brand color of their own, not #007ee5 or #ffffff", "set \"iconBrandColor\" to your brand's color (the background of your icon)", PR_TEMPLATE),
    rule!("brand-color-format", Error, ALL, "iconBrandColor must be a color like #1f5fa8", "set \"iconBrandColor\" to a # followed by six hex digits", REPO_SCHEMA),
    rule!("publisher-stack-owner", Error, &[I], "independent publishers must give `publisher` (you) and `stackOwner` (the service's owner)", "add \"publisher\": \"Your Name\" and \"stackOwner\": \"Company behind the API\" under `properties`", INDEPENDENT),
    rule!("connection-parameter-name", Error, ALL, "connection parameter names must be letters, digits and `_`", "rename the parameter (and every reference to it in script.csx and policies)", REPO_SCHEMA),
    // readme.
    rule!("readme-sections", Error, PUBLISHED, "the readme lacks a required section", "add the section with the heading the repository's readme template uses (`connector-publish init` writes a readme)", README_TEMPLATES),
    rule!("readme-sections-template", Warning, &[C], "the readme lacks a section of the certified template that reviewers often let pass", "add the section with the heading the repository's readme template uses", README_TEMPLATES),
    // Secrets.
    rule!("secret-client-secret", Error, ALL, "an OAuth client secret is in the file, and would be published", "replace the value with a dummy such as \"dummysecret\"; the real one belongs only in your environment", CERTIFICATION),
    rule!("secret-client-id", Error, ALL, "a real OAuth client id is in the file, and would be published", "replace the value with a dummy such as \"[[REPLACE WITH CLIENT ID]]\"", CERTIFICATION),
    rule!("secret-value", Error, ALL, "something that looks like a key or token is in the file, and would be published", "replace the value with a dummy such as \"YOUR_API_KEY\"", CERTIFICATION),
    // Swagger Validator catalogue: Operations, Arrays, Not supported, Parameters
    // (src/check/catalogue/{operations,parameters}.rs).
    // -- end of Operations, Arrays, Not supported, Parameters --
    // Swagger Validator catalogue: Properties, Response, Security, Webhooks, Metadata
    // (src/check/catalogue/{schema,security}.rs).
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
    // Coding standards (src/check/catalogue/standards.rs): warnings.
    rule!("standard-indentation", Warning, ALL, "the swagger is indented with hard tabs", "indent with four spaces (your editor's \"convert indentation to spaces\")", CODING_STANDARDS),
    rule!("standard-trailing-space", Warning, ALL, "lines of the swagger end with spaces or tabs", "remove trailing whitespace (most editors can trim it on save)", CODING_STANDARDS),
    rule!("standard-section-order", Warning, ALL, "the swagger's sections are out of the standard order", "order the top level: swagger, info, host and schemes, consumes and produces, paths, definitions, parameters", CODING_STANDARDS),
    rule!("standard-operation-id-case", Warning, ALL, "operationId is not PascalCase", "capitalize every word and drop `-` and `_`, e.g. \"GetMessages\"", CODING_STANDARDS),
    rule!("standard-description-period", Warning, ALL, "an operation's description does not end with a period", "end the description with `.`", CODING_STANDARDS),
    rule!("standard-summary-description", Warning, ALL, "a description repeats its summary", "make the summary a short name and the description a sentence that adds information", CODING_STANDARDS),
    rule!("standard-success-response", Warning, ALL, "an operation defines no 2xx success response", "define the success response (\"200\", \"201\"...) and keep `default` only for errors", CODING_STANDARDS),
    rule!("standard-shared-parameter", Warning, ALL, "the same parameter is defined inline in several operations", "define it once under the top-level `parameters` and use {\"$ref\": \"#/parameters/Name\"}", CODING_STANDARDS),
    rule!("standard-shared-definition", Warning, ALL, "the same response schema is written inline in several operations", "define it once under `definitions` and use {\"$ref\": \"#/definitions/Name\"}", CODING_STANDARDS),
    // -- end of coding standards --
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
