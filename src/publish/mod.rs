//! Publish: the pull request's title and body, and GitHub: fork, sync, push, PR.

pub mod github;
pub mod pr;
pub mod thin_push;
