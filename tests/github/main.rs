//! Against the loopback peers: the fake GitHub, a real `git http-backend`, and the replays of real merged pull requests: `submit` and its review iterations, `status`, `fork sync`, `cleanup`, `sync`, `search`, the push and the retry policy.
//!
//! One test binary per area, so the shared support code compiles once per area.

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/mod.rs"]
mod support;

mod catalog;
mod contract;
mod fork_cleanup;
mod git_http_server;
mod github_fake;
mod ip_certification;
mod iterate;
mod net_retry;
mod replay;
mod search_sources;
mod status;
mod submit;
