//! One file per command: an options struct and a `run` function that composes stages.

pub mod download;
pub mod init;
pub mod login;
pub mod package;
pub mod search;
pub mod submit;
pub mod sync;
pub mod validate;
