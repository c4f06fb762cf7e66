//! Cases for the Swagger Validator catalogue: Properties, Response, Security, Webhooks, Metadata,
//! and the coding standards.

use super::*;

const GET_PARAM: &str = "/paths/~1breweries~1{obdb_id}/get/parameters/0";
const QUERY_PARAM: &str = "/paths/~1breweries~1{obdb_id}/get/parameters/1";
const BODY_PARAM: &str = "/paths/~1breweries/post/parameters/0";
const OK_RESPONSE: &str = "/paths/~1breweries~1{obdb_id}/get/responses/200";

/// Replace the POST body's schema.
fn body(f: &mut Fixture, schema: Value) {
    set(&mut f.swagger, &format!("{BODY_PARAM}/schema"), schema);
}

/// Replace the GET 200 response's schema.
fn output(f: &mut Fixture, schema: Value) {
    set(&mut f.swagger, &format!("{OK_RESPONSE}/schema"), schema);
}

/// Add a definition.
fn define(f: &mut Fixture, name: &str, schema: Value) {
    if f.swagger.get("definitions").is_none() {
        f.swagger["definitions"] = json!({});
    }
    f.swagger["definitions"][name] = schema;
}

fn add(v: &mut Value, pointer: &str, key: &str, new: Value) {
    v.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}"))[key] = new;
}

/// An API key security definition, and an OAuth one with one scope.
fn security_definitions(f: &mut Fixture) {
    f.swagger["securityDefinitions"] = json!({
        "key": {"type": "apiKey", "name": "api_key", "in": "header"},
        "oauth": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://www.openbrewerydb.org/oauth/authorize",
            "tokenUrl": "https://www.openbrewerydb.org/oauth/token",
            "scopes": {"read": "Read breweries"}
        }
    });
}

fn secured(f: &mut Fixture, requirement: Value) {
    security_definitions(f);
    f.swagger["security"] = json!([requirement]);
}

/// A webhook registration body whose `callback` property carries the notification URL.
fn webhook(f: &mut Fixture, callback: Value, required: bool) {
    add(&mut f.swagger, BODY_PARAM, "required", json!(true));
    let mut schema = json!({"type": "object", "properties": {"callback": callback}});
    if required {
        schema["required"] = json!(["callback"]);
    }
    body(f, schema);
}

fn notification_url() -> Value {
    json!({"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"})
}

fn pretty(f: &Fixture) -> String {
    serde_json::to_string_pretty(&f.swagger).unwrap()
}

fn swagger_text(f: &mut Fixture, text: String) {
    f.raw.push(("apiDefinition.swagger.json".into(), text.into_bytes()));
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            rule: "metadata-categories-count",
            category: I,
            fails: |f| {
                set(
                    &mut f.swagger,
                    "/x-ms-connector-metadata/2/propertyValue",
                    json!("Data;AI;Productivity"),
                )
            },
            passes: |f| set(&mut f.swagger, "/x-ms-connector-metadata/2/propertyValue", json!("Data; AI;")),
        },
        // Properties.
        Case {
            rule: "schema-unknown-keyword",
            category: U,
            fails: |f| body(f, json!({"type": "object", "nullable": true})),
            passes: |f| body(f, json!({"type": "object", "x-nullable": true, "example": {}})),
        },
        Case {
            rule: "ref-siblings",
            category: U,
            fails: |f| {
                define(f, "Brewery", json!({"type": "object"}));
                output(f, json!({"$ref": "#/definitions/Brewery", "description": "A brewery."}));
            },
            passes: |f| {
                define(f, "Brewery", json!({"type": "object", "description": "A brewery."}));
                output(f, json!({"$ref": "#/definitions/Brewery"}));
            },
        },
        Case {
            rule: "body-parameter-property",
            category: U,
            fails: |f| add(&mut f.swagger, BODY_PARAM, "type", json!("object")),
            passes: |f| add(&mut f.swagger, BODY_PARAM, "description", json!("The search.")),
        },
        Case {
            rule: "default-type",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{QUERY_PARAM}/default"), json!(1)),
            passes: |f| {
                set(&mut f.swagger, &format!("{QUERY_PARAM}/type"), json!("integer"));
                set(&mut f.swagger, &format!("{QUERY_PARAM}/default"), json!(1.0));
            },
        },
        Case {
            rule: "enum-empty",
            category: U,
            fails: |f| add(&mut f.swagger, QUERY_PARAM, "enum", json!([])),
            passes: |f| add(&mut f.swagger, QUERY_PARAM, "enum", json!(["json"])),
        },
        Case {
            rule: "extension-name",
            category: U,
            fails: |f| add(&mut f.swagger, GET, "ms-trigger-hint", json!("Add a brewery.")),
            passes: |f| add(&mut f.swagger, GET, "x-ms-trigger-hint", json!("Add a brewery.")),
        },
        Case {
            rule: "filter-functions-empty",
            category: U,
            fails: |f| {
                output(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": []}}}}),
                )
            },
            passes: |f| {
                output(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": ["startswith"]}}}}),
                )
            },
        },
        Case {
            rule: "filter-functions-duplicates",
            category: U,
            fails: |f| {
                output(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": ["eq", "eq"]}}}}),
                )
            },
            passes: |f| {
                output(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": ["eq", "ne"]}}}}),
                )
            },
        },
        Case {
            rule: "filter-functions-input",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": ["eq"]}}}}),
                )
            },
            passes: |f| {
                output(
                    f,
                    json!({"type": "object", "properties": {"name": {"type": "string", "x-ms-capabilities": {"filterFunctions": ["eq"]}}}}),
                )
            },
        },
        Case {
            rule: "internal-default-optional",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "properties": {"mode": {"type": "string", "default": "exact", "x-ms-visibility": "internal"}}}),
                )
            },
            passes: |f| {
                body(
                    f,
                    json!({"type": "object", "required": ["mode"], "properties": {"mode": {"type": "string", "default": "exact", "x-ms-visibility": "internal"}}}),
                )
            },
        },
        Case {
            rule: "internal-parameter-optional",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{QUERY_PARAM}/required"), json!(false)),
            passes: |f| {
                set(&mut f.swagger, &format!("{QUERY_PARAM}/required"), json!(false));
                set(&mut f.swagger, &format!("{QUERY_PARAM}/x-ms-visibility"), json!("advanced"));
            },
        },
        Case {
            rule: "string-binary-position",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}),
                )
            },
            passes: |f| body(f, json!({"type": "string", "format": "binary"})),
        },
        Case {
            rule: "json-type",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET_PARAM}/required"), json!("true")),
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET_PARAM}/description"),
                    json!("The brewery's \"obdb\" id."),
                )
            },
        },
        Case {
            rule: "value-not-in-enum",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{QUERY_PARAM}/type"), json!("str")),
            passes: |f| set(&mut f.swagger, &format!("{QUERY_PARAM}/type"), json!("boolean")),
        },
        Case {
            rule: "mime-type",
            category: U,
            fails: |f| set(&mut f.swagger, "/produces", json!(["json"])),
            passes: |f| set(&mut f.swagger, "/produces", json!(["application/json; charset=utf-8", "text/*"])),
        },
        Case {
            rule: "enum-values-display-name",
            category: U,
            fails: |f| add(&mut f.swagger, QUERY_PARAM, "x-ms-enum-values", json!([{"value": "json"}])),
            passes: |f| {
                add(
                    &mut f.swagger,
                    QUERY_PARAM,
                    "x-ms-enum-values",
                    json!([{"value": "json", "displayName": "JSON"}]),
                )
            },
        },
        Case {
            rule: "multiple-of",
            category: U,
            fails: |f| body(f, json!({"type": "number", "multipleOf": 0})),
            passes: |f| body(f, json!({"type": "number", "multipleOf": 0.5})),
        },
        Case {
            rule: "required-not-defined",
            category: U,
            fails: |f| body(f, json!({"type": "object", "required": ["name"], "properties": {}})),
            passes: |f| {
                body(
                    f,
                    json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}),
                )
            },
        },
        Case {
            rule: "required-property",
            category: U,
            fails: |f| remove(&mut f.swagger, "/info/version"),
            passes: |f| set(&mut f.swagger, "/info/version", json!("2.0")),
        },
        Case {
            rule: "required-not-on-object",
            category: U,
            fails: |f| body(f, json!({"type": "string", "required": ["name"]})),
            passes: |f| {
                body(
                    f,
                    json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}),
                )
            },
        },
        Case {
            rule: "required-readonly-input",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "readOnly": true}}}),
                )
            },
            passes: |f| {
                output(
                    f,
                    json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "readOnly": true}}}),
                )
            },
        },
        Case {
            rule: "scheme-value",
            category: U,
            fails: |f| set(&mut f.swagger, "/schemes", json!(["https", "ftp"])),
            passes: |f| set(&mut f.swagger, "/schemes", json!(["https", "HTTP"])),
        },
        Case {
            rule: "security-definition-property",
            category: U,
            fails: |f| {
                security_definitions(f);
                f.swagger["securityDefinitions"]["key"]["flow"] = json!("implicit");
            },
            passes: |f| {
                security_definitions(f);
                f.swagger["securityDefinitions"]["key"]["description"] = json!("Your API key.");
            },
        },
        Case {
            rule: "security-definition-required",
            category: U,
            fails: |f| {
                security_definitions(f);
                remove(&mut f.swagger, "/securityDefinitions/oauth/tokenUrl");
            },
            passes: |f| {
                security_definitions(f);
                set(&mut f.swagger, "/securityDefinitions/oauth/flow", json!("implicit"));
                remove(&mut f.swagger, "/securityDefinitions/oauth/tokenUrl");
            },
        },
        Case {
            rule: "tag-redefined",
            category: U,
            fails: |f| f.swagger["tags"] = json!([{"name": "Breweries"}, {"name": "Breweries"}]),
            passes: |f| f.swagger["tags"] = json!([{"name": "Breweries"}, {"name": "Beers"}]),
        },
        Case {
            rule: "url-value",
            category: U,
            fails: |f| set(&mut f.swagger, "/info/contact/url", json!("www.openbrewerydb.org")),
            passes: |f| {
                set(
                    &mut f.swagger,
                    "/info/contact/url",
                    json!("https://www.openbrewerydb.org/contact?from=connector"),
                )
            },
        },
        // Response.
        Case {
            rule: "body-parameter-schema",
            category: U,
            fails: |f| remove(&mut f.swagger, &format!("{BODY_PARAM}/schema")),
            passes: |f| body(f, json!({"type": "string"})),
        },
        Case {
            rule: "editor-dictionary",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "x-ms-editor": "dictionary", "additionalProperties": false}),
                )
            },
            passes: |f| {
                body(
                    f,
                    json!({"type": "object", "x-ms-editor": "dictionary", "additionalProperties": {"type": "string"}}),
                )
            },
        },
        Case {
            rule: "ref-pointer",
            category: U,
            fails: |f| {
                define(f, "A/B", json!({"type": "object"}));
                output(f, json!({"$ref": "#/definitions/A~2B"}));
            },
            passes: |f| {
                define(f, "A/B", json!({"type": "object"}));
                output(f, json!({"$ref": "#/definitions/A~1B"}));
            },
        },
        Case {
            rule: "non-body-schema",
            category: U,
            fails: |f| add(&mut f.swagger, GET_PARAM, "schema", json!({"type": "string"})),
            passes: |f| add(&mut f.swagger, GET_PARAM, "x-schema", json!({"type": "string"})),
        },
        Case {
            rule: "required-loop",
            category: U,
            fails: |f| {
                define(
                    f,
                    "A",
                    json!({"type": "object", "required": ["b"], "properties": {"b": {"$ref": "#/definitions/B"}}}),
                );
                define(
                    f,
                    "B",
                    json!({"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/definitions/A"}}}),
                );
            },
            passes: |f| {
                define(
                    f,
                    "A",
                    json!({"type": "object", "required": ["b"], "properties": {"b": {"$ref": "#/definitions/B"}}}),
                );
                define(f, "B", json!({"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}}));
            },
        },
        Case {
            rule: "response-example-mime",
            category: U,
            fails: |f| add(&mut f.swagger, OK_RESPONSE, "examples", json!({"text/csv": "id,name"})),
            passes: |f| add(&mut f.swagger, OK_RESPONSE, "examples", json!({"application/json": {"id": "x"}})),
        },
        Case {
            rule: "response-headers-unique",
            category: U,
            fails: |f| {
                add(
                    &mut f.swagger,
                    OK_RESPONSE,
                    "headers",
                    json!({"X-Rate-Limit": {"type": "integer"}, "x-rate-limit": {"type": "integer"}}),
                )
            },
            passes: |f| {
                add(
                    &mut f.swagger,
                    OK_RESPONSE,
                    "headers",
                    json!({"X-Rate-Limit": {"type": "integer"}, "X-Rate-Limit-Reset": {"type": "integer"}}),
                )
            },
        },
        Case {
            rule: "response-code",
            category: U,
            fails: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404 Not Found",
                    json!({"description": "Not found"}),
                )
            },
            passes: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404",
                    json!({"description": "Not found"}),
                )
            },
        },
        Case {
            rule: "response-ref-not-found",
            category: U,
            fails: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404",
                    json!({"$ref": "#/responses/NotFound"}),
                )
            },
            passes: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404",
                    json!({"$ref": "#/responses/NotFound"}),
                );
                f.swagger["responses"] = json!({"NotFound": {"description": "Not found"}});
            },
        },
        Case {
            rule: "response-ref-invalid",
            category: U,
            fails: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404",
                    json!({"$ref": "#/definitions/NotFound"}),
                );
                define(f, "NotFound", json!({"description": "Not found"}));
            },
            passes: |f| {
                add(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "404",
                    json!({"$ref": "#/responses/NotFound"}),
                );
                f.swagger["responses"] = json!({"NotFound": {"description": "Not found"}});
            },
        },
        Case {
            rule: "trigger-output-schema",
            category: U,
            fails: |f| add(&mut f.swagger, POST, "x-ms-trigger", json!("single")),
            passes: |f| {
                // Where merged connectors put it: on the path item, beside the operation.
                add(&mut f.swagger, POST, "x-ms-trigger", json!("single"));
                add(
                    &mut f.swagger,
                    "/paths/~1breweries",
                    "x-ms-notification-content",
                    json!({"description": "Breweries", "schema": {"type": "object"}}),
                );
            },
        },
        Case {
            rule: "schema-ref-not-found",
            category: U,
            fails: |f| output(f, json!({"$ref": "#/definitions/Brewery"})),
            passes: |f| {
                define(f, "Brewery", json!({"type": "object"}));
                output(f, json!({"$ref": "#/definitions/Brewery"}));
            },
        },
        Case {
            rule: "schema-ref-invalid",
            category: U,
            fails: |f| output(f, json!({"$ref": "brewery.json#/Brewery"})),
            passes: |f| {
                define(f, "Brewery", json!({"type": "object"}));
                output(f, json!({"$ref": "#/definitions/Brewery"}));
            },
        },
        Case {
            rule: "schema-ref-loop",
            category: U,
            fails: |f| {
                define(f, "A", json!({"$ref": "#/definitions/B"}));
                define(f, "B", json!({"$ref": "#/definitions/A"}));
            },
            passes: |f| {
                // A recursive structure through a property is not a loop of references.
                define(f, "A", json!({"$ref": "#/definitions/B"}));
                define(
                    f,
                    "B",
                    json!({"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/A"}}}}),
                );
            },
        },
        Case {
            rule: "file-type-position",
            category: U,
            fails: |f| body(f, json!({"type": "file"})),
            passes: |f| output(f, json!({"type": "file"})),
        },
        Case {
            rule: "scheme-websocket",
            category: U,
            fails: |f| set(&mut f.swagger, "/schemes", json!(["https", "wss"])),
            passes: |f| set(&mut f.swagger, "/schemes", json!(["https"])),
        },
        // Security.
        Case {
            rule: "security-scope",
            category: U,
            fails: |f| secured(f, json!({"oauth": ["write"]})),
            passes: |f| secured(f, json!({"oauth": ["read"]})),
        },
        Case {
            rule: "security-undefined",
            category: U,
            fails: |f| f.swagger["security"] = json!([{"oauth2": []}]),
            passes: |f| secured(f, json!({"oauth": []})),
        },
        Case {
            rule: "security-scopes-not-allowed",
            category: U,
            fails: |f| secured(f, json!({"key": ["read"]})),
            passes: |f| secured(f, json!({"key": []})),
        },
        Case {
            rule: "security-value",
            category: U,
            fails: |f| secured(f, json!({"key": null})),
            passes: |f| secured(f, json!({"key": []})),
        },
        // Webhooks.
        Case {
            rule: "notification-url-position",
            category: U,
            fails: |f| output(f, json!({"type": "object", "properties": {"callback": notification_url()}})),
            passes: |f| webhook(f, notification_url(), true),
        },
        Case {
            rule: "notification-url-internal",
            category: U,
            fails: |f| webhook(f, json!({"type": "string", "x-ms-notification-url": true}), true),
            passes: |f| {
                webhook(f, json!({"type": "string", "x-ms-notification-url": true}), true);
                add(
                    &mut f.swagger,
                    &format!("{BODY_PARAM}/schema"),
                    "x-ms-visibility",
                    json!("internal"),
                );
            },
        },
        Case {
            rule: "notification-url-required",
            category: U,
            fails: |f| webhook(f, notification_url(), false),
            passes: |f| webhook(f, notification_url(), true),
        },
        Case {
            rule: "notification-url-string",
            category: U,
            fails: |f| {
                webhook(
                    f,
                    json!({"type": "object", "x-ms-notification-url": true, "x-ms-visibility": "internal"}),
                    true,
                )
            },
            passes: |f| webhook(f, notification_url(), true),
        },
        // Metadata.
        Case {
            rule: "allow-empty-value",
            category: U,
            fails: |f| add(&mut f.swagger, GET_PARAM, "allowEmptyValue", json!(true)),
            passes: |f| add(&mut f.swagger, QUERY_PARAM, "allowEmptyValue", json!(true)),
        },
        Case {
            rule: "discriminator",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "object", "discriminator": "kind", "properties": {"kind": {"type": "string"}}}),
                )
            },
            passes: |f| {
                body(
                    f,
                    json!({"type": "object", "discriminator": "kind", "required": ["kind"], "properties": {"kind": {"type": "string"}}}),
                )
            },
        },
        Case {
            rule: "exclusive-maximum",
            category: U,
            fails: |f| body(f, json!({"type": "number", "exclusiveMaximum": true})),
            passes: |f| body(f, json!({"type": "number", "exclusiveMaximum": true, "maximum": 10})),
        },
        Case {
            rule: "exclusive-minimum",
            category: U,
            fails: |f| body(f, json!({"type": "number", "exclusiveMinimum": true})),
            passes: |f| body(f, json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})),
        },
        Case {
            rule: "max-items-negative",
            category: U,
            fails: |f| body(f, json!({"type": "array", "items": {"type": "string"}, "maxItems": -1})),
            passes: |f| body(f, json!({"type": "array", "items": {"type": "string"}, "maxItems": 0})),
        },
        Case {
            rule: "max-length-negative",
            category: U,
            fails: |f| add(&mut f.swagger, GET_PARAM, "maxLength", json!(-1)),
            passes: |f| add(&mut f.swagger, GET_PARAM, "maxLength", json!(0)),
        },
        Case {
            rule: "max-properties-negative",
            category: U,
            fails: |f| body(f, json!({"type": "object", "maxProperties": -1})),
            passes: |f| body(f, json!({"type": "object", "maxProperties": 0})),
        },
        Case {
            rule: "minimum-maximum",
            category: U,
            fails: |f| body(f, json!({"type": "number", "minimum": 5, "maximum": 1})),
            passes: |f| body(f, json!({"type": "number", "minimum": 1, "maximum": 1.0})),
        },
        Case {
            rule: "min-items-negative",
            category: U,
            fails: |f| body(f, json!({"type": "array", "items": {"type": "string"}, "minItems": -1})),
            passes: |f| body(f, json!({"type": "array", "items": {"type": "string"}, "minItems": 0})),
        },
        Case {
            rule: "min-max-items",
            category: U,
            fails: |f| {
                body(
                    f,
                    json!({"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 2}),
                )
            },
            passes: |f| {
                body(
                    f,
                    json!({"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}),
                )
            },
        },
        Case {
            rule: "min-length-negative",
            category: U,
            fails: |f| add(&mut f.swagger, GET_PARAM, "minLength", json!(-1)),
            passes: |f| add(&mut f.swagger, GET_PARAM, "minLength", json!(0)),
        },
        Case {
            rule: "min-max-length",
            category: U,
            fails: |f| {
                add(&mut f.swagger, GET_PARAM, "minLength", json!(5));
                add(&mut f.swagger, GET_PARAM, "maxLength", json!(2));
            },
            passes: |f| {
                add(&mut f.swagger, GET_PARAM, "minLength", json!(2));
                add(&mut f.swagger, GET_PARAM, "maxLength", json!(2));
            },
        },
        Case {
            rule: "min-properties-negative",
            category: U,
            fails: |f| body(f, json!({"type": "object", "minProperties": -1})),
            passes: |f| body(f, json!({"type": "object", "minProperties": 0})),
        },
        Case {
            rule: "pattern-regex",
            category: U,
            fails: |f| add(&mut f.swagger, GET_PARAM, "pattern", json!("^([a-z0-9-]+$")),
            // Look-ahead and backreferences are ECMA syntax the regex crate does not support.
            passes: |f| add(&mut f.swagger, GET_PARAM, "pattern", json!(r"^(?=[a-z])([a-z0-9-])\1*$")),
        },
        Case {
            rule: "required-value-empty",
            category: U,
            fails: |f| set(&mut f.swagger, "/info/version", json!(" ")),
            passes: |f| set(&mut f.swagger, "/info/version", json!("0")),
        },
        Case {
            rule: "value-english",
            category: I,
            fails: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("ブルワリーを取得")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("Get café brewery")),
        },
        // Coding standards.
        Case {
            rule: "standard-indentation",
            category: U,
            fails: |f| {
                let text = pretty(f).replace("\n  ", "\n\t");
                swagger_text(f, text);
            },
            passes: |f| {
                let text = pretty(f).replace('\n', "\n  ");
                swagger_text(f, text);
            },
        },
        Case {
            rule: "standard-trailing-space",
            category: U,
            fails: |f| {
                let text = pretty(f).replacen(",\n", ", \n", 1);
                swagger_text(f, text);
            },
            passes: |f| {
                let text = pretty(f).replace('\n', "\r\n");
                swagger_text(f, text);
            },
        },
        Case {
            rule: "standard-section-order",
            category: U,
            fails: |f| {
                let info = f.swagger["info"].clone();
                remove(&mut f.swagger, "/info");
                f.swagger["info"] = info;
            },
            passes: |f| {
                let paths = f.swagger["paths"].clone();
                remove(&mut f.swagger, "/paths");
                f.swagger["paths"] = paths;
                f.swagger["definitions"] = json!({});
            },
        },
        Case {
            rule: "standard-operation-id-case",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/operationId"), json!("Get_Brewery")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/operationId"), json!("GetBreweryV2")),
        },
        Case {
            rule: "standard-description-period",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/description"), json!("Gets one brewery")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/description"), json!("Gets one brewery (by ID). ")),
        },
        Case {
            rule: "standard-summary-description",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/description"), json!("Get brewery.")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/description"), json!("Gets a brewery.")),
        },
        Case {
            rule: "standard-shared-parameter",
            category: U,
            fails: |f| {
                let p = f.swagger.pointer(QUERY_PARAM).unwrap().clone();
                f.swagger
                    .pointer_mut(&format!("{POST}/parameters"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(p);
            },
            passes: |f| {
                let mut p = f.swagger.pointer(QUERY_PARAM).unwrap().clone();
                p["default"] = json!("csv");
                f.swagger
                    .pointer_mut(&format!("{POST}/parameters"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(p);
            },
        },
        Case {
            rule: "standard-shared-definition",
            category: U,
            fails: |f| {
                let schema = json!({"type": "object", "properties": {"id": {"type": "string"}}});
                output(f, schema.clone());
                set(
                    &mut f.swagger,
                    &format!("{POST}/responses/200"),
                    json!({"description": "OK", "schema": schema}),
                );
            },
            passes: |f| {
                output(f, json!({"type": "object", "properties": {"id": {"type": "string"}}}));
                set(
                    &mut f.swagger,
                    &format!("{POST}/responses/200"),
                    json!({"description": "OK", "schema": {"type": "object", "properties": {"name": {"type": "string"}}}}),
                );
            },
        },
    ]
}
