//! Microsoft's Swagger Validator catalogue (certification-swagger-validator-rules), checked
//! offline, and the certification team's coding standards (coding-standards.md) as warnings.
//!
//! Each rule of the table that carries a `validator` name is emitted from one of these files.

use super::{JsonFile, Sink};

// Operations, Arrays, Not supported, Parameters.
mod dynamic;
mod model;
mod operations;
mod parameters;
// -- end of Operations, Arrays, Not supported, Parameters --
// Properties, Response, Security, Webhooks, Metadata.
mod schema;
mod security;
// -- end of Properties, Response, Security, Webhooks, Metadata --
// Coding standards.
mod standards;
// -- end of coding standards --

/// Run the catalogue's checks on the swagger (and apiProperties.json, when it parsed).
pub(crate) fn check(swagger: &JsonFile, properties: Option<&JsonFile>, sink: &mut Sink) {
    // Operations, Arrays, Not supported, Parameters.
    let model = model::Model::new(swagger);
    operations::check(&model, sink);
    parameters::check(&model, sink);
    dynamic::check(&model, sink);
    // -- end of Operations, Arrays, Not supported, Parameters --
    // Properties, Response, Security, Webhooks, Metadata.
    schema::check(swagger, properties, sink);
    security::check(swagger, properties, sink);
    // -- end of Properties, Response, Security, Webhooks, Metadata --
    // Coding standards.
    standards::check(swagger, properties, sink);
    // -- end of coding standards --
}
