//! Cases for the Swagger Validator catalogue: Properties, Response, Security, Webhooks, Metadata,
//! and the coding standards.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    vec![]
}
