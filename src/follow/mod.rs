//! After the pull request: what the upstream repository's bots and maintainers say on it, read
//! from what GitHub returned (pure functions; the calls are `publish::github::pulls`).

pub mod certification;
