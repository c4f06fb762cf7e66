//! Shared helpers for integration tests. Include with `mod support;`.

pub mod git_http;
