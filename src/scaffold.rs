//! Scaffolding for `init`: a readme in the repository's template, filled from the swagger where
//! the facts are there, and the files a category needs. Placeholders start with `TODO:` so the
//! author (and `init`'s report) can find what a person must still write.

use crate::package::category::INDEPENDENT_PUBLISHER_COLOR;
use crate::package::Category;
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
                if !crate::package::fingerprint::HTTP_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
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

/// Write a new file, never replacing one that exists; its path.
pub fn write_new(path: &std::path::Path, bytes: &[u8]) -> anyhow::Result<std::path::PathBuf> {
    use anyhow::Context;
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(path.to_path_buf())
}
