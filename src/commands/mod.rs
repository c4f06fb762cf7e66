//! One file per command: an options struct and a `run` function that composes stages.

pub mod cleanup;
pub mod create;
pub mod download;
pub mod fork;
pub mod init;
pub mod login;
pub mod package;
pub mod search;
pub mod status;
pub mod submit;
pub mod sync;
pub mod validate;
