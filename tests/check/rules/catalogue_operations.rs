//! Cases for the Swagger Validator catalogue: Operations, Arrays, Not supported, Parameters.

use super::*;

/// The path parameter of GET /breweries/{obdb_id}.
const ID: &str = "/paths/~1breweries~1{obdb_id}/get/parameters/0";
/// The api_key header parameter of POST /breweries.
const KEY: &str = "/paths/~1breweries/post/parameters/1";

/// Add an operation (operationId and a 200 response are filled in).
fn add_op(f: &mut Fixture, path: &str, method: &str, id: &str, extra: Value) {
    let mut op = json!({"operationId": id, "responses": {"200": {"description": "OK"}}});
    for (k, v) in extra.as_object().unwrap() {
        op[k] = v.clone();
    }
    let paths = f.swagger["paths"].as_object_mut().unwrap();
    let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
    item[method] = op;
}

/// Rename a path, keeping its operations.
fn rename_path(f: &mut Fixture, from: &str, to: &str) {
    let paths = f.swagger["paths"].as_object_mut().unwrap();
    let item = paths.shift_remove(from).unwrap();
    paths.insert(to.to_string(), item);
}

fn push(v: &mut Value, pointer: &str, item: Value) {
    v.pointer_mut(pointer).unwrap().as_array_mut().unwrap().push(item);
}

fn ext(v: &mut Value, pointer: &str, key: &str, value: Value) {
    v.pointer_mut(pointer).unwrap()[key] = value;
}

/// POST /breweries takes formData instead of a body, with `consumes` on the operation.
fn form(f: &mut Fixture, param: Value, consumes: Value) {
    set(&mut f.swagger, &format!("{POST}/parameters/0"), param);
    ext(&mut f.swagger, POST, "consumes", consumes);
}

/// A webhook trigger, OnHook, at POST /hooks, written as create-webhook-trigger.md and merged
/// connectors write it: `x-ms-notification-content` on the path item, beside `post`.
pub(super) fn webhook(f: &mut Fixture) {
    add_op(
        f,
        "/hooks",
        "post",
        "OnHook",
        json!({
            "x-ms-trigger": "single",
            "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"type": "object", "required": ["url"], "properties": {
                "url": {"type": "string", "x-ms-notification-url": true, "x-ms-visibility": "internal"}
            }}}],
        }),
    );
    f.swagger["paths"]["/hooks"]["x-ms-notification-content"] =
        json!({"description": "An event", "schema": {"type": "object", "properties": {"id": {"type": "string"}}}});
}

/// The body property of OnHook that carries the callback URL.
pub(super) const HOOK_URL: &str = "/paths/~1hooks/post/parameters/0/schema/properties/url";

/// A dynamic-values lookup on api_key invoking GetBrewery with `parameters`.
fn lookup(f: &mut Fixture, parameters: Value) {
    ext(
        &mut f.swagger,
        KEY,
        "x-ms-dynamic-values",
        json!({"operationId": "GetBrewery", "parameters": parameters, "value-path": "id"}),
    );
}

/// Two operations of one family, with the given annotations.
fn family(f: &mut Fixture, get: Value, post: Value) {
    ext(&mut f.swagger, GET, "x-ms-api-annotation", get);
    ext(&mut f.swagger, POST, "x-ms-api-annotation", post);
}

/// GET's success response schema.
fn get_schema(f: &mut Fixture, schema: Value) {
    set(&mut f.swagger, &format!("{GET}/responses/200/schema"), schema);
}

/// A dynamic schema on api_key invoking GetBrewery, with extra members on the holder.
fn dynamic_schema(f: &mut Fixture, value_path: &str, properties: Option<Value>) {
    ext(
        &mut f.swagger,
        KEY,
        "x-ms-dynamic-schema",
        json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-path": value_path}),
    );
    if let Some(p) = properties {
        ext(&mut f.swagger, KEY, "x-ms-dynamic-properties", p);
    }
}

/// An optional integer query parameter with the given enum.
fn page_size(values: Value) -> Value {
    json!({"name": "size", "in": "query", "type": "integer", "enum": values, "x-ms-summary": "Size", "description": "Page size."})
}

/// GET's response: a definition whose nested property is a number with the given enum.
fn nested_enum(f: &mut Fixture, values: Value) {
    f.swagger["definitions"] = json!({"Out": {"type": "object", "properties": {"score": {"type": "object", "properties": {
        "level": {"type": "number", "enum": values}
    }}}}});
    get_schema(f, json!({"$ref": "#/definitions/Out"}));
}

/// GET's response: {"value": [{"id", "name"}]}.
fn list_of_breweries() -> Value {
    json!({"type": "object", "properties": {"value": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "name": {"type": "string"}
    }}}}})
}

/// A dynamic-values lookup on api_key reading `value` of GetBrewery's response.
fn lookup_paths(f: &mut Fixture, path: &str, title: &str) {
    ext(
        &mut f.swagger,
        KEY,
        "x-ms-dynamic-values",
        json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-collection": "value", "value-path": path, "value-title": title}),
    );
}

/// A dynamic list on api_key reading GetBrewery's response.
fn dynamic_list(f: &mut Fixture, items: &str, value: &str, title: &str) {
    ext(
        &mut f.swagger,
        KEY,
        "x-ms-dynamic-list",
        json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "itemsPath": items, "itemValuePath": value, "itemTitlePath": title}),
    );
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        // Operation ids and summaries.
        Case {
            rule: "operation-id-required",
            category: U,
            fails: |f| remove(&mut f.swagger, &format!("{GET}/operationId")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/operationId"), json!("GetBreweryV2")),
        },
        Case {
            rule: "operation-id-sanitized",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/operationId"), json!("Get.Brewery")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/operationId"), json!("Get_Brewery")),
        },
        Case {
            rule: "operation-id-not-found",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-values",
                    json!({"operationId": "GetBreweries", "value-path": "id"}),
                )
            },
            passes: |f| lookup(f, json!({"obdb_id": {"value": "x"}})),
        },
        Case {
            rule: "operation-id-revision",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"family": "GetBrewery", "revision": 2}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"family": "GetBrewery", "revision": 2}),
                );
                set(&mut f.swagger, &format!("{GET}/operationId"), json!("GetBreweryV2"));
            },
        },
        Case {
            rule: "operation-summary-too-long",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("G".repeat(120))),
            passes: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("G".repeat(119))),
        },
        Case {
            rule: "summary-characters",
            category: I,
            fails: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("Get brewery & beer")),
            passes: |f| set(&mut f.swagger, &format!("{GET}/summary"), json!("Get brewery (by ID), beer")),
        },
        // Responses.
        Case {
            rule: "operation-response-missing",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{GET}/responses"), json!({})),
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    json!({"204": {"description": "No content"}}),
                )
            },
        },
        Case {
            rule: "operation-success-response",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    json!({"404": {"description": "Not found"}}),
                )
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    json!({"201": {"description": "Created"}}),
                )
            },
        },
        Case {
            rule: "responses-with-schema",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "201",
                    json!({"description": "Created", "schema": {"type": "object"}}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    &format!("{GET}/responses"),
                    "201",
                    json!({"description": "Created"}),
                )
            },
        },
        // Paths.
        Case {
            rule: "path-leading-slash",
            category: U,
            fails: |f| rename_path(f, "/breweries", "breweries"),
            passes: |f| rename_path(f, "/breweries", "/breweries/"),
        },
        Case {
            rule: "path-wildcard",
            category: U,
            fails: |f| rename_path(f, "/breweries", "/breweries/*"),
            passes: |f| rename_path(f, "/breweries", "/breweries/all"),
        },
        Case {
            rule: "path-query-fragment",
            category: U,
            fails: |f| rename_path(f, "/breweries", "/breweries?by=name"),
            passes: |f| rename_path(f, "/breweries", "/breweries/by-name"),
        },
        Case {
            rule: "path-template",
            category: U,
            fails: |f| rename_path(f, "/breweries/{obdb_id}", "/breweries/{obdb_id"),
            passes: |f| rename_path(f, "/breweries/{obdb_id}", "/breweries/{obdb_id}.json"),
        },
        Case {
            rule: "path-variable-default",
            category: U,
            fails: |f| rename_path(f, "/breweries/{obdb_id}", "/breweries/{obdb_id=1}"),
            passes: |f| ext(&mut f.swagger, ID, "default", json!("1")),
        },
        Case {
            rule: "path-redefined",
            category: U,
            fails: |f| add_op(f, "/Breweries", "put", "PutBreweries", json!({})),
            passes: |f| add_op(f, "/breweries/search", "put", "PutBreweries", json!({})),
        },
        Case {
            rule: "duplicate-operation-path",
            category: U,
            fails: |f| {
                let params = json!([{"name": "id", "in": "path", "required": true, "type": "string", "x-ms-url-encoding": "single"}]);
                add_op(f, "/breweries/{id}", "get", "GetBrewery2", json!({"parameters": params}))
            },
            passes: |f| {
                let params = json!([{"name": "id", "in": "path", "required": true, "type": "string", "x-ms-url-encoding": "single"}]);
                add_op(f, "/breweries/{id}", "put", "PutBrewery", json!({"parameters": params}))
            },
        },
        Case {
            rule: "partial-duplicate-path",
            category: U,
            fails: |f| add_op(f, "/breweries/random", "get", "RandomBrewery", json!({})),
            passes: |f| add_op(f, "/breweries/random/one", "get", "RandomBrewery", json!({})),
        },
        Case {
            rule: "path-parameter-missing",
            category: U,
            fails: |f| {
                f.swagger.pointer_mut(GET).unwrap()["parameters"].as_array_mut().unwrap().remove(0);
            },
            passes: |f| {
                let param = f.swagger.pointer(ID).unwrap().clone();
                f.swagger.pointer_mut(GET).unwrap()["parameters"].as_array_mut().unwrap().remove(0);
                f.swagger.pointer_mut("/paths/~1breweries~1{obdb_id}").unwrap()["parameters"] = json!([param]);
            },
        },
        Case {
            rule: "path-parameter-not-in-template",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{ID}/name"), json!("id")),
            passes: |f| {
                set(&mut f.swagger, &format!("{ID}/name"), json!("id"));
                rename_path(f, "/breweries/{obdb_id}", "/breweries/{id}");
            },
        },
        // Parameter lists.
        Case {
            rule: "operation-parameters-not-unique",
            category: U,
            fails: |f| {
                f.swagger["parameters"] = json!({"Trace": {"name": "trace", "in": "header", "type": "string"}});
                push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/Trace"}));
                push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/Trace"}));
            },
            passes: |f| {
                f.swagger["parameters"] = json!({"Trace": {"name": "trace", "in": "header", "type": "string"}});
                push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/Trace"}));
            },
        },
        Case {
            rule: "operation-parameter-duplicate",
            category: U,
            fails: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "API_KEY", "in": "header", "type": "string"}),
                )
            },
            passes: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "api_key", "in": "query", "type": "string"}),
                )
            },
        },
        Case {
            rule: "operation-body-parameters",
            category: U,
            fails: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "extra", "in": "body", "schema": {"type": "object"}}),
                )
            },
            passes: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "extra", "in": "header", "type": "string"}),
                )
            },
        },
        Case {
            rule: "path-level-parameter-duplicate",
            category: U,
            fails: |f| {
                f.swagger["paths"]["/breweries"]["parameters"] =
                    json!([{"name": "X", "in": "header", "type": "string"}, {"name": "x", "in": "header", "type": "string"}])
            },
            passes: |f| {
                f.swagger["paths"]["/breweries"]["parameters"] =
                    json!([{"name": "x", "in": "header", "type": "string"}, {"name": "x", "in": "query", "type": "string"}])
            },
        },
        Case {
            rule: "path-level-body-parameters",
            category: U,
            fails: |f| {
                f.swagger["paths"]["/breweries"]["parameters"] = json!([
                    {"name": "a", "in": "body", "schema": {"type": "object"}},
                    {"name": "b", "in": "body", "schema": {"type": "object"}}
                ])
            },
            passes: |f| {
                f.swagger["paths"]["/breweries"]["parameters"] = json!([{"name": "body", "in": "body", "schema": {"type": "object"}}])
            },
        },
        Case {
            rule: "fetch-body-parameter",
            category: U,
            fails: |f| {
                push(
                    &mut f.swagger,
                    &format!("{GET}/parameters"),
                    json!({"name": "body", "in": "body", "schema": {"type": "object"}}),
                )
            },
            passes: |f| {
                push(
                    &mut f.swagger,
                    &format!("{GET}/parameters"),
                    json!({"name": "body", "in": "query", "type": "string"}),
                )
            },
        },
        Case {
            rule: "connection-id-parameter",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{KEY}/name"), json!("ConnectionId")),
            passes: |f| set(&mut f.swagger, &format!("{KEY}/name"), json!("connectionIdentifier")),
        },
        // Request content.
        Case {
            rule: "consumes-missing",
            category: U,
            fails: |f| {
                form(f, json!({"name": "name", "in": "formData", "type": "string"}), json!([]));
                remove(&mut f.swagger, &format!("{POST}/consumes"));
            },
            passes: |f| {
                form(
                    f,
                    json!({"name": "name", "in": "formData", "type": "string"}),
                    json!(["multipart/form-data"]),
                )
            },
        },
        Case {
            rule: "form-data-consumes",
            category: U,
            fails: |f| {
                form(
                    f,
                    json!({"name": "name", "in": "formData", "type": "string"}),
                    json!(["application/json"]),
                )
            },
            passes: |f| {
                form(
                    f,
                    json!({"name": "name", "in": "formData", "type": "string"}),
                    json!(["application/x-www-form-urlencoded; charset=utf-8"]),
                )
            },
        },
        Case {
            rule: "form-urlencoded-binary",
            category: U,
            fails: |f| {
                form(
                    f,
                    json!({"name": "file", "in": "formData", "type": "file"}),
                    json!(["application/x-www-form-urlencoded"]),
                )
            },
            passes: |f| {
                form(
                    f,
                    json!({"name": "file", "in": "formData", "type": "file"}),
                    json!(["multipart/form-data"]),
                )
            },
        },
        Case {
            rule: "form-data-parameter-name",
            category: U,
            fails: |f| {
                form(
                    f,
                    json!({"name": "bière", "in": "formData", "type": "string"}),
                    json!(["multipart/form-data"]),
                )
            },
            passes: |f| {
                form(
                    f,
                    json!({"name": "biere", "in": "formData", "type": "string"}),
                    json!(["multipart/form-data"]),
                )
            },
        },
        Case {
            rule: "next-link-name",
            category: U,
            fails: |f| ext(&mut f.swagger, GET, "x-ms-pageable", json!({"nextLinkName": "next"})),
            passes: |f| ext(&mut f.swagger, GET, "x-ms-pageable", json!({"nextLinkName": "@odata.nextLink"})),
        },
        // Values.
        Case {
            rule: "enum-value-type",
            category: U,
            fails: |f| ext(&mut f.swagger, ID, "enum", json!(["a", 1])),
            passes: |f| ext(&mut f.swagger, ID, "enum", json!(["a", "1"])),
        },
        // A top-level query parameter: a string in an integer enum.
        Case {
            rule: "enum-value-type",
            category: U,
            fails: |f| push(&mut f.swagger, &format!("{GET}/parameters"), page_size(json!([10, "all"]))),
            passes: |f| push(&mut f.swagger, &format!("{GET}/parameters"), page_size(json!([10, 50]))),
        },
        // Deep in a response schema, through a definition.
        Case {
            rule: "enum-value-type",
            category: U,
            fails: |f| nested_enum(f, json!(["high", 2.5])),
            passes: |f| nested_enum(f, json!([1.5, 2.5])),
        },
        Case {
            rule: "enum-value-text",
            category: U,
            fails: |f| push(&mut f.swagger, &format!("{GET}/parameters"), page_size(json!([10, "50"]))),
            passes: |f| push(&mut f.swagger, &format!("{GET}/parameters"), page_size(json!([10, 50]))),
        },
        Case {
            rule: "enum-values-duplicate",
            category: U,
            fails: |f| {
                ext(&mut f.swagger, ID, "enum", json!(["a", "b"]));
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-enum-values",
                    json!([{"value": "a", "displayName": "A"}, {"value": "a", "displayName": "B"}]),
                );
            },
            passes: |f| {
                ext(&mut f.swagger, ID, "enum", json!(["a", "b"]));
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-enum-values",
                    json!([{"value": "a", "displayName": "A"}, {"value": "b", "displayName": "A"}]),
                );
            },
        },
        Case {
            rule: "enum-values-not-in-enum",
            category: U,
            fails: |f| {
                ext(&mut f.swagger, ID, "enum", json!(["a"]));
                ext(&mut f.swagger, ID, "x-ms-enum-values", json!([{"value": "b", "displayName": "B"}]));
            },
            passes: |f| {
                ext(&mut f.swagger, ID, "enum", json!(["a"]));
                ext(&mut f.swagger, ID, "x-ms-enum-values", json!([{"value": "a", "displayName": "B"}]));
            },
        },
        Case {
            rule: "array-duplicate-value",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    "/produces",
                    json!(["application/json", "text/json", "application/json"]),
                )
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    "/produces",
                    json!(["application/json", "text/json", "Application/JSON; charset=utf-8"]),
                )
            },
        },
        Case {
            rule: "type-format",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{ID}/type"), json!("text")),
            passes: |f| ext(&mut f.swagger, ID, "format", json!("uuid")),
        },
        Case {
            rule: "selected-item-value-path",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-dynamic-tree",
                    json!({"settings": {}, "open": {"operationId": "GetBrewery", "selectedItemValuePath": "id"}}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-dynamic-tree",
                    json!({"settings": {}, "browse": {"operationId": "GetBrewery", "selectedItemValuePath": "id"}}),
                )
            },
        },
        // Operation families.
        Case {
            rule: "api-annotation-replacement-deprecated",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"api": "openbrewery", "operationId": "GetBreweryV2"}}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"api": "openbrewery", "operationId": "GetBreweryV2"}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
        },
        Case {
            rule: "api-annotation-replacement-api",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"operationId": "GetBreweryV2"}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"api": "openbrewery", "operationId": "GetBreweryV2"}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
        },
        Case {
            rule: "api-annotation-replacement-operation-id",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"api": "openbrewery"}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"replacement": {"api": "openbrewery", "operationId": "GetBreweryV2"}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
        },
        Case {
            rule: "family-duplicate-revisions",
            category: U,
            fails: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1}),
                    json!({"family": "Brewery", "revision": 1}),
                )
            },
            passes: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1}),
                    json!({"family": "Brewery2", "revision": 1}),
                )
            },
        },
        Case {
            rule: "family-active-operations",
            category: U,
            fails: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1}),
                    json!({"family": "Brewery", "revision": 2}),
                );
                add_op(
                    f,
                    "/v3/breweries",
                    "post",
                    "SearchBreweriesV3",
                    json!({"x-ms-api-annotation": {"family": "Brewery", "revision": 3}}),
                );
            },
            passes: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1}),
                    json!({"family": "Brewery", "revision": 2}),
                );
                add_op(
                    f,
                    "/v3/breweries",
                    "post",
                    "SearchBreweriesV3",
                    json!({"x-ms-api-annotation": {"family": "Brewery", "revision": 3}}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
        },
        Case {
            rule: "family-active-production",
            category: U,
            fails: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1, "status": "Production"}),
                    json!({"family": "Brewery", "revision": 2, "status": "Production"}),
                )
            },
            passes: |f| {
                family(
                    f,
                    json!({"family": "Brewery", "revision": 1, "status": "Production"}),
                    json!({"family": "Brewery", "revision": 2, "status": "Production"}),
                );
                ext(&mut f.swagger, GET, "deprecated", json!(true));
            },
        },
        Case {
            rule: "family-empty-revisions",
            category: U,
            fails: |f| family(f, json!({"family": "Brewery"}), json!({"family": "Brewery"})),
            passes: |f| family(f, json!({"family": "Brewery"}), json!({"family": "Brewery", "revision": 2})),
        },
        Case {
            rule: "operation-revision-empty",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"family": "Brewery", "revision": "one"}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    GET,
                    "x-ms-api-annotation",
                    json!({"family": "Brewery", "revision": "1"}),
                )
            },
        },
        Case {
            rule: "operation-status-ahead",
            category: U,
            fails: |f| {
                f.swagger["info"]["x-ms-api-annotation"] = json!({"status": "Preview"});
                ext(&mut f.swagger, GET, "x-ms-api-annotation", json!({"status": "Production"}));
            },
            passes: |f| {
                f.swagger["info"]["x-ms-api-annotation"] = json!({"status": "Preview"});
                ext(&mut f.swagger, GET, "x-ms-api-annotation", json!({"status": "Preview"}));
            },
        },
        // Notifications.
        Case {
            rule: "notification-in-webhook",
            category: U,
            fails: |f| {
                webhook(f);
                ext(
                    &mut f.swagger,
                    "/paths/~1hooks/post",
                    "x-ms-notification",
                    json!({"operationId": "OnHook"}),
                );
            },
            passes: |f| {
                webhook(f);
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
        },
        Case {
            rule: "notification-trigger-only",
            category: U,
            fails: |f| {
                webhook(f);
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
            passes: |f| {
                webhook(f);
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
        },
        Case {
            rule: "notification-operation-webhook",
            category: U,
            fails: |f| {
                webhook(f);
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "SearchBreweries"}));
            },
            passes: |f| {
                webhook(f);
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
        },
        Case {
            rule: "notification-content-missing",
            category: U,
            fails: |f| {
                webhook(f);
                remove(&mut f.swagger, "/paths/~1hooks/x-ms-notification-content");
            },
            passes: webhook,
        },
        Case {
            rule: "webhook-notification-url-missing",
            category: U,
            fails: |f| {
                webhook(f);
                remove(&mut f.swagger, &format!("{HOOK_URL}/x-ms-notification-url"));
            },
            // The content written on the operation, as some older files do, is read too.
            passes: |f| {
                webhook(f);
                let content = f.swagger["paths"]["/hooks"]
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("x-ms-notification-content")
                    .unwrap();
                f.swagger["paths"]["/hooks"]["post"]["x-ms-notification-content"] = content;
            },
        },
        Case {
            rule: "notification-parameters-match",
            category: U,
            fails: |f| {
                webhook(f);
                push(
                    &mut f.swagger,
                    "/paths/~1hooks/post/parameters",
                    json!({"name": "format", "in": "query", "type": "integer", "required": true, "default": 1, "x-ms-visibility": "internal"}),
                );
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
            passes: |f| {
                webhook(f);
                push(
                    &mut f.swagger,
                    "/paths/~1hooks/post/parameters",
                    json!({"name": "format", "in": "query", "type": "string", "required": true, "default": "json", "x-ms-visibility": "internal"}),
                );
                ext(&mut f.swagger, GET, "x-ms-trigger", json!("batch"));
                ext(&mut f.swagger, GET, "x-ms-notification", json!({"operationId": "OnHook"}));
            },
        },
        // Dynamic extensions.
        Case {
            rule: "dynamic-list-required-non-parameter",
            category: U,
            fails: |f| lookup(f, json!({"obdb_id": {"parameter": "body/name"}})),
            passes: |f| {
                lookup(f, json!({"obdb_id": {"parameter": "body/name"}}));
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-list",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameterReference": "body/name"}}}),
                );
            },
        },
        Case {
            rule: "dynamic-list-required-ambiguous",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"api_key": {"type": "string"}}}),
                );
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"key": {"type": "string"}}}),
                );
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
        },
        Case {
            rule: "dynamic-properties-required-non-parameter",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameter": "body/name"}}, "value-path": "schema"}),
                );
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameter": "body/name"}}, "value-path": "schema"}),
                );
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-properties",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameterReference": "body/name"}}, "itemValuePath": "schema"}),
                );
            },
        },
        Case {
            rule: "dynamic-properties-required-ambiguous",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"api_key": {"type": "string"}}}),
                );
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameter": "api_key"}}, "value-path": "schema"}),
                );
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"api_key": {"type": "string"}}}),
                );
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameter": "api_key"}}, "value-path": "schema"}),
                );
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-properties",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"parameterReference": "api_key"}}, "itemValuePath": "schema"}),
                );
            },
        },
        Case {
            rule: "dynamic-properties-required-value-path",
            category: U,
            fails: |f| dynamic_schema(f, "schema/properties", None),
            passes: |f| {
                dynamic_schema(
                    f,
                    "schema/properties",
                    Some(json!({"operationId": "GetBrewery", "itemValuePath": "schema"})),
                )
            },
        },
        Case {
            rule: "dynamic-properties-item-value-path",
            category: U,
            fails: |f| {
                dynamic_schema(
                    f,
                    "schema/properties",
                    Some(json!({"operationId": "GetBrewery", "itemValuePath": "schema/properties"})),
                )
            },
            passes: |f| {
                dynamic_schema(
                    f,
                    "/schema/properties",
                    Some(json!({"operationId": "GetBrewery", "itemValuePath": "schema/"})),
                )
            },
        },
        Case {
            rule: "invoked-operation-array",
            category: U,
            fails: |f| {
                get_schema(f, json!({"type": "object", "properties": {"items": {"type": "object"}}}));
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-values",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-collection": "items", "value-path": "id"}),
                );
            },
            passes: |f| {
                get_schema(
                    f,
                    json!({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}}),
                );
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-values",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-collection": "items", "value-path": "id"}),
                );
            },
        },
        Case {
            rule: "invoked-operation-property",
            category: U,
            fails: |f| {
                get_schema(f, json!({"type": "object", "properties": {"other": {"type": "object"}}}));
                dynamic_schema(f, "schema", None);
            },
            passes: |f| {
                f.swagger["definitions"] = json!({"Out": {"type": "object", "properties": {"schema": {"type": "object"}}}});
                get_schema(f, json!({"$ref": "#/definitions/Out"}));
                dynamic_schema(f, "schema", None);
            },
        },
        // value-path and value-title of a dynamic list must be properties of the items the
        // invoked operation returns.
        Case {
            rule: "invoked-operation-property",
            category: U,
            fails: |f| {
                get_schema(f, list_of_breweries());
                lookup_paths(f, "id", "title");
            },
            passes: |f| {
                get_schema(f, list_of_breweries());
                lookup_paths(f, "id", "name");
            },
        },
        Case {
            rule: "invoked-operation-property",
            category: U,
            fails: |f| {
                get_schema(f, list_of_breweries());
                dynamic_list(f, "value", "brewery_id", "name");
            },
            passes: |f| {
                get_schema(f, list_of_breweries());
                dynamic_list(f, "value", "id", "name");
            },
        },
        Case {
            rule: "operation-missing-required-parameter",
            category: U,
            fails: |f| lookup(f, json!({})),
            passes: |f| lookup(f, json!({"obdb_id": {"value": "x"}})),
        },
        // No `parameters` at all, on x-ms-dynamic-list as on x-ms-dynamic-values.
        Case {
            rule: "operation-missing-required-parameter",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-list",
                    json!({"operationId": "GetBrewery", "itemValuePath": "id"}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    KEY,
                    "x-ms-dynamic-list",
                    json!({"operationId": "GetBrewery", "itemValuePath": "id", "parameters": {"obdb_id": {"value": "x"}}}),
                )
            },
        },
        // The connector's test connection names an operation.
        Case {
            rule: "operation-id-not-found",
            category: U,
            fails: |f| f.swagger["x-ms-capabilities"] = json!({"testConnection": {"operationId": "ListBreweries"}}),
            passes: |f| f.swagger["x-ms-capabilities"] = json!({"testConnection": {"operationId": "SearchBreweries"}}),
        },
        Case {
            rule: "parameter-name-not-found",
            category: U,
            fails: |f| lookup(f, json!({"obdb_id": {"value": "x"}, "brewery": {"value": "y"}})),
            passes: |f| lookup(f, json!({"obdb_id": {"value": "x"}, "format": {"value": "json"}})),
        },
        Case {
            rule: "parameter-name-ambiguous",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"api_key": {"type": "string"}}}),
                );
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-dynamic-values",
                    json!({"operationId": "SearchBreweries", "parameters": {"api_key": {"value": "k"}}, "value-path": "id"}),
                );
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    json!({"type": "object", "properties": {"key": {"type": "string"}}}),
                );
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-dynamic-values",
                    json!({"operationId": "SearchBreweries", "parameters": {"api_key": {"value": "k"}}, "value-path": "id"}),
                );
            },
        },
        Case {
            rule: "parameter-required-mismatch",
            category: U,
            fails: |f| {
                remove(&mut f.swagger, &format!("{KEY}/default"));
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
            passes: |f| lookup(f, json!({"obdb_id": {"parameter": "api_key"}})),
        },
        Case {
            rule: "parameter-type-mismatch",
            category: U,
            fails: |f| {
                set(&mut f.swagger, &format!("{KEY}/type"), json!("integer"));
                set(&mut f.swagger, &format!("{KEY}/default"), json!(1));
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
            passes: |f| lookup(f, json!({"obdb_id": {"parameter": "api_key"}})),
        },
        Case {
            rule: "parameter-static-type-mismatch",
            category: U,
            fails: |f| lookup(f, json!({"obdb_id": {"value": 5}})),
            passes: |f| lookup(f, json!({"obdb_id": {"value": "5"}})),
        },
        Case {
            rule: "source-parameter-internal",
            category: U,
            fails: |f| {
                ext(&mut f.swagger, KEY, "x-ms-visibility", json!("internal"));
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
            passes: |f| {
                ext(&mut f.swagger, KEY, "x-ms-visibility", json!("internal"));
                ext(&mut f.swagger, POST, "x-ms-visibility", json!("internal"));
                lookup(f, json!({"obdb_id": {"parameter": "api_key"}}));
            },
        },
        Case {
            rule: "dynamic-extension-on-body-parameter",
            category: U,
            fails: |f| {
                ext(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0"),
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-path": "schema"}),
                )
            },
            passes: |f| {
                ext(
                    &mut f.swagger,
                    &format!("{POST}/parameters/0/schema"),
                    "x-ms-dynamic-schema",
                    json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-path": "schema"}),
                )
            },
        },
        Case {
            rule: "dynamic-tree-missing",
            category: U,
            fails: |f| f.swagger["x-ms-capabilities"] = json!({"file-picker": {"open": {"operationId": "GetBrewery"}}}),
            passes: |f| {
                f.swagger["x-ms-capabilities"] = json!({"file-picker": {"open": {"operationId": "GetBrewery"}}});
                ext(
                    &mut f.swagger,
                    ID,
                    "x-ms-dynamic-tree",
                    json!({"settings": {"canSelectParentNodes": true}, "open": {"operationId": "GetBrewery"}, "browse": {"operationId": "GetBrewery"}}),
                );
            },
        },
        // Arrays.
        Case {
            rule: "array-items",
            category: U,
            fails: |f| get_schema(f, json!({"type": "object", "properties": {"tags": {"type": "array"}}})),
            passes: |f| {
                get_schema(
                    f,
                    json!({"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}),
                )
            },
        },
        Case {
            rule: "required-empty",
            category: U,
            fails: |f| {
                get_schema(
                    f,
                    json!({"type": "object", "required": [], "properties": {"id": {"type": "string"}}}),
                )
            },
            passes: |f| {
                get_schema(
                    f,
                    json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}),
                )
            },
        },
        Case {
            rule: "schemes-empty",
            category: U,
            fails: |f| set(&mut f.swagger, "/schemes", json!([])),
            passes: |f| set(&mut f.swagger, "/schemes", json!(["https", "http"])),
        },
        // Not supported.
        Case {
            rule: "collection-format",
            category: U,
            fails: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/parameters/1"),
                    json!({"name": "ids", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "comma"}),
                )
            },
            passes: |f| {
                set(
                    &mut f.swagger,
                    &format!("{GET}/parameters/1"),
                    json!({"name": "ids", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}),
                )
            },
        },
        Case {
            rule: "path-item-ref",
            category: U,
            fails: |f| f.swagger["paths"]["/beers"] = json!({"$ref": "#/paths/~1breweries"}),
            passes: |f| add_op(f, "/beers", "get", "ListBeers", json!({})),
        },
        // Parameters.
        Case {
            rule: "file-parameter-location",
            category: U,
            fails: |f| set(&mut f.swagger, &format!("{KEY}/type"), json!("file")),
            passes: |f| {
                form(
                    f,
                    json!({"name": "file", "in": "formData", "type": "file"}),
                    json!(["multipart/form-data"]),
                )
            },
        },
        Case {
            rule: "form-data-and-body",
            category: U,
            fails: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "name", "in": "formData", "type": "string"}),
                )
            },
            passes: |f| {
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"name": "name", "in": "query", "type": "string"}),
                )
            },
        },
        Case {
            rule: "parameter-ref-not-found",
            category: U,
            fails: |f| push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/Trace"})),
            passes: |f| {
                f.swagger["parameters"] = json!({"Trace": {"name": "trace", "in": "header", "type": "string"}});
                push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/Trace"}));
            },
        },
        Case {
            rule: "parameter-ref-not-valid",
            category: U,
            fails: |f| {
                f.swagger["definitions"] = json!({"Trace": {"name": "trace", "in": "header", "type": "string"}});
                push(
                    &mut f.swagger,
                    &format!("{POST}/parameters"),
                    json!({"$ref": "#/definitions/Trace"}),
                );
            },
            passes: |f| {
                f.swagger["parameters"] = json!({"a/b": {"name": "trace", "in": "header", "type": "string"}});
                push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/a~1b"}));
            },
        },
        Case {
            rule: "parameter-ref-loop",
            category: U,
            fails: |f| {
                f.swagger["parameters"] = json!({"A": {"$ref": "#/parameters/B"}, "B": {"name": "b", "in": "query", "type": "string"}})
            },
            passes: |f| f.swagger["parameters"] = json!({"A": {"name": "b", "in": "query", "type": "string"}}),
        },
        Case {
            rule: "response-ref-loop",
            category: U,
            fails: |f| f.swagger["responses"] = json!({"A": {"$ref": "#/responses/B"}, "B": {"description": "B"}}),
            passes: |f| f.swagger["responses"] = json!({"A": {"description": "A"}, "B": {"description": "B"}}),
        },
        Case {
            rule: "path-parameter-encoding",
            category: U,
            fails: |f| remove(&mut f.swagger, &format!("{ID}/x-ms-url-encoding")),
            passes: |f| set(&mut f.swagger, &format!("{ID}/x-ms-url-encoding"), json!("double")),
        },
        Case {
            rule: "query-parameter-encoding",
            category: U,
            fails: |f| ext(&mut f.swagger, &format!("{GET}/parameters/1"), "x-ms-url-encoding", json!("double")),
            passes: |f| set(&mut f.swagger, &format!("{ID}/x-ms-url-encoding"), json!("double")),
        },
    ]
}

/// Hostile references: loops and deep chains end, with a finding, not a hang or a crash.
#[test]
fn reference_loops_and_deep_nesting_end() {
    let looping = clean().with(|f| {
        f.swagger["parameters"] = json!({"A": {"$ref": "#/parameters/B"}, "B": {"$ref": "#/parameters/A"}});
        push(&mut f.swagger, &format!("{POST}/parameters"), json!({"$ref": "#/parameters/A"}));
        f.swagger["definitions"] = json!({"X": {"$ref": "#/definitions/Y"}, "Y": {"$ref": "#/definitions/X"},
            "Z": {"type": "object", "properties": {"self": {"$ref": "#/definitions/Z"}}}});
        get_schema(f, json!({"$ref": "#/definitions/Z"}));
        ext(
            &mut f.swagger,
            KEY,
            "x-ms-dynamic-schema",
            json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-path": "self/self/self/self/missing"}),
        );
        ext(
            &mut f.swagger,
            KEY,
            "x-ms-dynamic-values",
            json!({"operationId": "GetBrewery", "parameters": {"obdb_id": {"value": "x"}}, "value-collection": "self/self/self", "value-path": "id"}),
        );
    });
    let fired = looping.fired(U);
    assert!(fired.contains("parameter-ref-loop"), "{fired:?}");
    assert!(fired.contains("invoked-operation-property"), "{fired:?}");
    assert!(fired.contains("invoked-operation-array"), "{fired:?}");

    // A schema nested 100 levels deep, with an array without items at the bottom.
    let mut deep = json!({"type": "array"});
    for _ in 0..100 {
        deep = json!({"type": "object", "properties": {"a": deep}});
    }
    let nested = clean().with(|f| get_schema(f, deep.clone()));
    assert!(nested.fired(U).contains("array-items"));
}

/// Findings name the operation and point at the offending value.
#[test]
fn findings_name_the_operation_and_point_at_the_value() {
    let fixture = clean().with(|f| lookup(f, json!({"obdb_id": {"value": "x"}, "brewery": {"value": "y"}})));
    let dir = tempfile::tempdir().unwrap();
    fixture.write(dir.path());
    let report = validate(dir.path(), Some(U)).unwrap().report;
    let finding = report.findings.iter().find(|f| f.rule == "parameter-name-not-found").unwrap();
    assert!(
        finding.message.contains("GetBrewery") && finding.message.contains("brewery"),
        "{}",
        finding.message
    );
    assert_eq!(finding.validator, Some("OperationParameterNameNotFound"));
    let text = std::fs::read_to_string(dir.path().join("apiDefinition.swagger.json")).unwrap();
    let line = text.lines().position(|l| l.contains("\"brewery\": {")).unwrap() + 1;
    assert_eq!(finding.position.unwrap().line, line);
}

/// The notification rules, as they fire on a folder.
fn notification_findings(fixture: &Fixture) -> BTreeSet<&'static str> {
    fixture
        .fired(U)
        .into_iter()
        .filter(|r| r.starts_with("notification") || r.starts_with("webhook") || *r == "trigger-output-schema")
        .collect()
}

/// A webhook written the way merged connectors write it (create-webhook-trigger.md: the
/// notification content on the path item, the callback URL an internal, required body property)
/// gets no notification finding; one missing its content, or its URL, does.
#[test]
fn a_webhook_as_merged_connectors_write_it_gets_no_notification_finding() {
    assert_eq!(notification_findings(&clean().with(webhook)), BTreeSet::new());
    let no_content = clean().with(|f| {
        webhook(f);
        remove(&mut f.swagger, "/paths/~1hooks/x-ms-notification-content");
    });
    assert_eq!(
        notification_findings(&no_content),
        BTreeSet::from(["notification-content-missing", "trigger-output-schema"])
    );
    let no_url = clean().with(|f| {
        webhook(f);
        remove(&mut f.swagger, &format!("{HOOK_URL}/x-ms-notification-url"));
    });
    assert_eq!(notification_findings(&no_url), BTreeSet::from(["webhook-notification-url-missing"]));
    // The URL as a query parameter instead of a body property is a webhook too.
    let query_url = clean().with(|f| {
        webhook(f);
        f.swagger["paths"]["/hooks"]["post"]["parameters"] = json!([
            {"name": "callback", "in": "query", "type": "string", "required": true, "x-ms-notification-url": true, "x-ms-visibility": "internal"}
        ]);
    });
    assert_eq!(notification_findings(&query_url), BTreeSet::new());
}
