//! Loopback peers for integration tests: a real git smart-HTTP server, a fake GitHub API, and a
//! fake Microsoft identity platform, Power Apps, Flow and storage.
#![allow(dead_code)]

pub mod git_http;
pub mod github;
pub mod hostile;
pub mod http;
pub mod powerplatform;
