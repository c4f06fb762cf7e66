//! Against the fake Power Platform (identity, Power Apps, Flow, storage): sign-in, `download`, `create`, `update`, `validate --online`, `submit --from-environment`, and paconn compatibility.
//!
//! One test binary per area, so the shared support code compiles once per area.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod deploy;
mod paconn_compat;
mod powerplatform;
mod powerplatform_fake;
mod published;
