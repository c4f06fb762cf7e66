//! Loopback peers for integration tests: a real git smart-HTTP server and a fake GitHub API.
#![allow(dead_code)]

pub mod git_http;
pub mod github;
pub mod powerplatform;
