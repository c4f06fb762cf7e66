//! Scaffolding for `init`: a readme in the repository's template, filled from the swagger where
//! the facts are there, and the files a category needs. Placeholders start with `TODO:` so the
//! author (and `init`'s report) can find what a person must still write.

use crate::connector::category::INDEPENDENT_PUBLISHER_COLOR;
use crate::connector::Category;
use anyhow::Context;
use serde_json::{json, Value};

const README_TEMPLATE: &str = include_str!("../templates/readme/readme.md.j2");
pub const TODO: &str = "TODO:";

/// How the API authenticates, in a sentence for "Obtaining Credentials".
fn credentials(swagger: Option<&Value>, properties: Option<&Value>, title: &str, category: Category) -> String {
    let definitions = swagger.and_then(|s| s.get("securityDefinitions")).and_then(Value::as_object);
    let mut kinds: Vec<String> = definitions
        .map(|d| {
            d.values()
                .filter_map(|v| match v.get("type").and_then(Value::as_str)? {
                    "apiKey" => Some(format!(
                        "an API key, sent in the {} `{}`",
                        v.get("in").and_then(Value::as_str).unwrap_or("header"),
                        v.get("name").and_then(Value::as_str).unwrap_or("?")
                    )),
                    "oauth2" => Some("OAuth 2.0".to_string()),
                    "basic" => Some("a username and password (basic authentication)".to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if kinds.is_empty() {
        let params = properties
            .and_then(|p| p.pointer("/properties/connectionParameters"))
            .and_then(Value::as_object);
        if let Some(params) = params {
            for p in params.values() {
                match p.get("type").and_then(Value::as_str) {
                    Some("oauthSetting") => kinds.push("OAuth 2.0".into()),
                    Some("securestring") => kinds.push("a secret key or token".into()),
                    _ => {}
                }
            }
        }
    }
    kinds.dedup();
    if kinds.is_empty() {
        return "No credentials are needed: the API is public.".into();
    }
    let oauth = kinds.iter().any(|k| k.contains("OAuth"));
    let mut text = format!(
        "The connector authenticates with {}. {TODO} say where and how to get {} for {title}.",
        kinds.join(" or "),
        if oauth { "them" } else { "it" }
    );
    if oauth && category == Category::IndependentPublisher {
        text.push_str(&format!(" {TODO} independent publishers must give detailed steps to create the OAuth app (redirect URL `https://global.consent.azure-apim.net/redirect`)."));
    }
    text
}

/// A readme for the connector, in the repository's template for `category`.
pub fn readme(swagger: Option<&Value>, properties: Option<&Value>, category: Category, fallback_title: &str) -> anyhow::Result<String> {
    let title = swagger
        .and_then(|s| s.pointer("/info/title"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(fallback_title)
        .to_string();
    let description = swagger
        .and_then(|s| s.pointer("/info/description"))
        .and_then(Value::as_str)
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| format!("{TODO} two or three sentences about the service and what the connector does with it."));
    let publisher = properties
        .and_then(|p| p.pointer("/properties/publisher"))
        .and_then(Value::as_str)
        .or_else(|| swagger.and_then(|s| s.pointer("/info/contact/name")).and_then(Value::as_str))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{TODO} your name (or your company's)"));
    let mut operations = Vec::new();
    if let Some(paths) = swagger.and_then(|s| s.get("paths")).and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for (method, op) in item {
                if !crate::connector::fingerprint::HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                    continue;
                }
                if op.get("x-ms-visibility").and_then(Value::as_str) == Some("internal") {
                    continue;
                }
                let summary = op
                    .get("summary")
                    .and_then(Value::as_str)
                    .or_else(|| op.get("operationId").and_then(Value::as_str))
                    .unwrap_or("Operation");
                let description = op
                    .get("description")
                    .and_then(Value::as_str)
                    .filter(|d| !d.trim().is_empty())
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{TODO} what this operation does."));
                operations
                    .push(minijinja::context! { summary => summary.trim().to_string(), description => description.trim().to_string() });
            }
        }
    }
    let prerequisites = if swagger
        .and_then(|s| s.get("securityDefinitions"))
        .and_then(Value::as_object)
        .is_none_or(|d| d.is_empty())
    {
        format!("None: the API is free and public. {TODO} add any plan or license the service needs.")
    } else {
        format!("{TODO} an account with {title}, and any plan or license the connector needs.")
    };
    let mut env = minijinja::Environment::new();
    env.add_template("readme", README_TEMPLATE).context("the readme template")?;
    let text = env.get_template("readme")?.render(minijinja::context! {
        title => title.clone(),
        description,
        publisher,
        prerequisites,
        operations,
        credentials => credentials(swagger, properties, &title, category),
        independent_publisher => category == Category::IndependentPublisher,
        certified => category == Category::Certified,
    })?;
    Ok(format!("{}\n", text.trim_end()))
}

/// A starting `apiDefinition.swagger.json` for a new connector (from the repository's template).
pub fn swagger_skeleton(title: &str) -> Value {
    json!({
        "swagger": "2.0",
        "info": {
            "title": title,
            "description": format!("{TODO} between 30 and 500 characters about the service and the connector."),
            "version": "1.0",
            "contact": {"name": format!("{TODO} name"), "url": "https://TODO.example.com", "email": "TODO@example.com"}
        },
        "host": "api.TODO.example.com",
        "basePath": "/",
        "schemes": ["https"],
        "consumes": [],
        "produces": ["application/json"],
        "paths": {},
        "definitions": {},
        "parameters": {},
        "responses": {},
        "securityDefinitions": {},
        "security": [],
        "tags": [],
        "x-ms-connector-metadata": [
            {"propertyName": "Website", "propertyValue": "https://TODO.example.com"},
            {"propertyName": "Privacy policy", "propertyValue": "https://TODO.example.com/privacy"},
            {"propertyName": "Categories", "propertyValue": "TODO: one or two of Microsoft's categories"}
        ]
    })
}

/// A starting `apiProperties.json`: the independent publisher color and fields, or a place for a
/// certified connector's own brand color.
pub fn properties_skeleton(category: Category, publisher: Option<&str>, stack_owner: Option<&str>) -> Value {
    let color = match category {
        Category::IndependentPublisher => INDEPENDENT_PUBLISHER_COLOR.to_string(),
        _ => format!("{TODO} your brand color, like #1f5fa8"),
    };
    json!({
        "properties": {
            "connectionParameters": {},
            "iconBrandColor": color,
            "capabilities": [],
            "publisher": publisher.map(str::to_owned).unwrap_or_else(|| format!("{TODO} your name")),
            "stackOwner": stack_owner.map(str::to_owned).unwrap_or_else(|| format!("{TODO} the company behind the API")),
        }
    })
}

/// The placeholders left in a text: each line holding `TODO:`.
pub fn todos(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.contains(TODO)).map(|l| l.trim().to_string()).collect()
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitOutcome {
    pub category: Option<Category>,
    pub created: Vec<String>,
    pub kept: Vec<String>,
    /// What a person must still write or change.
    pub todo: Vec<String>,
}

/// Create `path` only if it does not exist (never replacing anything); whether it was created.
pub fn create_new(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<bool> {
    use anyhow::Context;
    use std::io::Write;
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            f.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("creating {}", path.display())),
    }
}

/// What `init` writes around the connector in `path` (created when missing) for `category`
/// (inferred when not given): only missing files, and what a person must still write.
pub fn init(path: &std::path::Path, category: Option<Category>) -> anyhow::Result<InitOutcome> {
    use crate::connector::category;
    use crate::connector::KnownFile;
    std::fs::create_dir_all(path).with_context(|| format!("creating {}", path.display()))?;
    let package = crate::source::folder(path)?;
    let properties = package.json_value(KnownFile::ApiProperties).cloned();
    let category = category.unwrap_or_else(|| category::infer(properties.as_ref()).category);
    let folder_title = package.folder_name().unwrap_or_else(|| "My Connector".into());
    let mut outcome = InitOutcome {
        category: Some(category),
        ..Default::default()
    };
    let swagger = init_swagger(path, &package, &folder_title, &mut outcome)?;
    let properties = init_properties(path, &package, category, swagger.as_ref(), properties, &mut outcome)?;
    match package.file(KnownFile::Readme) {
        Some(f) => outcome.kept.push(f.name.clone()),
        None => {
            let text = readme(swagger.as_ref(), properties.as_ref(), category, &folder_title)?;
            if create_new(&path.join("readme.md"), text.as_bytes())? {
                outcome.created.push("readme.md".into());
                outcome.todo.extend(todos(&text).into_iter().map(|t| format!("readme.md: {t}")));
            }
        }
    }
    if category == Category::IndependentPublisher {
        if let Some(icon) = package.file(KnownFile::Icon) {
            outcome.todo.push(format!(
                "{}: independent publishers submit no icon (submit leaves it out)",
                icon.name
            ));
        }
    }
    Ok(outcome)
}

/// The swagger `init` works from: the folder's own (kept), or a skeleton titled after the folder
/// (written when missing).
fn init_swagger(
    path: &std::path::Path,
    package: &crate::connector::ConnectorPackage,
    folder_title: &str,
    outcome: &mut InitOutcome,
) -> anyhow::Result<Option<Value>> {
    if let Some(file) = package.swagger_file() {
        outcome.kept.push(file.name.clone());
        return Ok(package.swagger_value().cloned());
    }
    let title = crate::connector::name::safe_folder_name(folder_title).unwrap_or_else(|_| "My Connector".into());
    let skeleton = swagger_skeleton(&title);
    let bytes = serde_json::to_vec_pretty(&skeleton)?;
    if create_new(&path.join("apiDefinition.swagger.json"), &bytes)? {
        outcome.created.push("apiDefinition.swagger.json".into());
        outcome
            .todo
            .push("apiDefinition.swagger.json: the host, the operations, and every TODO value".into());
    }
    Ok(Some(skeleton))
}

/// The properties `init` works from: the folder's own (kept, never rewritten: what the category
/// needs changed is said), or a skeleton for `category` (written when missing).
fn init_properties(
    path: &std::path::Path,
    package: &crate::connector::ConnectorPackage,
    category: Category,
    swagger: Option<&Value>,
    properties: Option<Value>,
    outcome: &mut InitOutcome,
) -> anyhow::Result<Option<Value>> {
    let Some(f) = package.file(crate::connector::KnownFile::ApiProperties) else {
        let publisher = swagger
            .and_then(|s| s.pointer("/info/contact/name"))
            .and_then(Value::as_str)
            .filter(|n| !n.contains(TODO));
        let skeleton = properties_skeleton(category, publisher, None);
        if create_new(&path.join("apiProperties.json"), &serde_json::to_vec_pretty(&skeleton)?)? {
            outcome.created.push("apiProperties.json".into());
            outcome.todo.extend(
                todos(&serde_json::to_string_pretty(&skeleton)?)
                    .into_iter()
                    .map(|t| format!("apiProperties.json: {t}")),
            );
        }
        return Ok(Some(skeleton));
    };
    outcome.kept.push(f.name.clone());
    if category == Category::IndependentPublisher {
        let props = properties.as_ref().and_then(|p| p.get("properties"));
        outcome.todo.extend(independent_publisher_todos(&f.name, props));
    }
    Ok(properties)
}

/// What an independent publisher's existing properties (`props`, the `properties` object of
/// `file`) still need: the brand colour, a publisher and a stack owner.
fn independent_publisher_todos(file: &str, props: Option<&Value>) -> Vec<String> {
    let mut todo = Vec::new();
    let color = props
        .and_then(|p| p.get("iconBrandColor"))
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    if color.as_deref() != Some(INDEPENDENT_PUBLISHER_COLOR) {
        todo.push(format!("{file}: set \"iconBrandColor\": \"{INDEPENDENT_PUBLISHER_COLOR}\""));
    }
    for field in ["publisher", "stackOwner"] {
        if props
            .and_then(|p| p.get(field))
            .and_then(Value::as_str)
            .is_none_or(|v| v.trim().is_empty())
        {
            todo.push(format!("{file}: add \"{field}\" under \"properties\""));
        }
    }
    todo
}
