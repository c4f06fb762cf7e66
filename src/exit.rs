//! The ground floor: how a command ends (the process's exit status) and the usage error every
//! layer may raise for a bad value. Nothing here imports another module of the crate; only
//! commands choose an `Exit`, and `main` turns errors into one with [`exit_of`].

/// Exit statuses, documented in `--help` and the README.
/// How a command ended: the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exit {
    /// Success: the command did its job (validation found no errors; warnings are allowed).
    Ok = 0,
    /// Validation found errors that would get the pull request rejected.
    Findings = 1,
    /// The command line was wrong (unknown flag, bad value). clap uses 2 as well.
    Usage = 2,
    /// The command could not run: a missing folder, an unreadable file.
    Failure = 3,
    /// search: only related connectors (same host or similar title, a different API).
    Related = 4,
    /// search: a duplicate (the same API already has a connector upstream).
    Duplicate = 5,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// The exit status of an error: a [`UsageError`] anywhere in its chain is a usage error (2),
/// anything else means the command could not run (3).
pub fn exit_of(error: &anyhow::Error) -> Exit {
    if error.chain().any(|e| e.is::<UsageError>()) {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

/// A bad value on the command line that clap could not catch by itself: exits 2, like clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
