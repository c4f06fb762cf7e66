//! Cases for the Swagger Validator catalogue: Operations, Arrays, Not supported, Parameters.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    vec![]
}
