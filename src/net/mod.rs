//! Limits every network peer shares: how long to wait (connect, stall, time to the answer's
//! headers, the cache lock) and how much of an answer to read. The one HTTP client and its retry
//! policy (`http`: GitHub, Power Platform, the identity platform, storage, the thin push) and git
//! (libgit2, through `git_http` on the same client) all take them from here, so one setting, `CONNECTOR_PUBLISH_TIMEOUT`, bounds every
//! wait.

pub mod git_http;
pub mod http;

pub use http::{Failure, Http, Limits, Reply, Retry};

use std::io::Read;
use std::time::{Duration, Instant};

/// The environment variable: seconds (a decimal number, e.g. `1.5`).
pub const TIMEOUT_ENV: &str = "CONNECTOR_PUBLISH_TIMEOUT";
/// Long enough for a slow real network (a TCP connect retries its SYN at 1, 3 and 7 s; GitHub
/// answers a merge-upstream in a few seconds), short enough that a dead peer ends within a minute.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most of an API answer (GitHub, Power Apps, Flow, sign-in) read into memory: the largest
/// real ones, a page of an environment's connectors, are a few hundred KB.
pub const API_BODY_CAP: u64 = 16 << 20;
/// The most of a storage file (swagger, icon, script) read into memory. GitHub refuses files over
/// 100 MB, so nothing larger could be submitted anyway.
pub const STORAGE_BODY_CAP: u64 = 100 << 20;

/// Remove `user:password@` from a URL.
pub fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}://{}", &url[..scheme_end], &rest[at + 1..]);
        }
    }
    url.to_string()
}

/// `CONNECTOR_PUBLISH_TIMEOUT` as a duration, or why it cannot be one.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{TIMEOUT_ENV}={text:?} is not a number of seconds (e.g. 30 or 1.5)"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0) {
        return Err(format!(
            "{TIMEOUT_ENV}={text:?}: give a number of seconds above 0 and at most 86400"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The connect, stall and answer timeout: `CONNECTOR_PUBLISH_TIMEOUT`, else [`DEFAULT_TIMEOUT`].
/// (`main` refuses a bad value up front; here a bad value falls back to the default.)
pub fn timeout() -> Duration {
    std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|t| parse_timeout(&t).ok())
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// The slowest a stored file may come, on average, with the default timeout: 8 KiB/s (a file at
/// the 100 MB cap in under 3.5 hours). A longer [`TIMEOUT_ENV`] lowers it in proportion, for a
/// slower link; a shorter one (the tests') raises it.
pub const MIN_BODY_RATE: u64 = 8 << 10;

/// How long a body may take once its headers have come.
#[derive(Clone, Copy, Debug)]
pub enum Pace {
    /// All of it within this long (an API answer).
    Within(Duration),
    /// Within `grace`, plus a second for every `bytes_per_second` received: a large file on a
    /// slow link takes its time, one that trickles (each read within the timeout, so the stall
    /// timeout never fires) does not.
    AtLeast { grace: Duration, bytes_per_second: u64 },
}

impl Pace {
    /// A download's (a stored file, a git pack): twice the timeout, then [`min_body_rate`] on
    /// average.
    pub fn download() -> Pace {
        Pace::AtLeast {
            grace: timeout() * 2,
            bytes_per_second: min_body_rate(),
        }
    }

    /// Why a body that started at `start` and has brought `received` bytes so far is behind
    /// this pace, if it is.
    pub fn behind(self, start: Instant, received: u64) -> Option<BodyError> {
        let now = Instant::now();
        match self {
            Pace::Within(d) => (now > start + d).then_some(BodyError::TimedOut),
            Pace::AtLeast { grace, bytes_per_second } => {
                let allowed = grace + Duration::from_secs_f64(received as f64 / bytes_per_second.max(1) as f64);
                (now > start + allowed).then(|| BodyError::TooSlow {
                    received,
                    elapsed: (now - start).as_secs(),
                    rate: bytes_per_second,
                })
            }
        }
    }
}

/// [`MIN_BODY_RATE`] for the timeout in force: bytes a second.
pub fn min_body_rate() -> u64 {
    let scaled = MIN_BODY_RATE as f64 * DEFAULT_TIMEOUT.as_secs_f64() / timeout().as_secs_f64();
    (scaled as u64).max(1)
}

/// How long to wait for another connector-publish to release the cache: twice the network
/// timeout, as the other process may itself be waiting on the network that long.
pub fn lock_wait() -> Duration {
    timeout() * 2
}

/// The body cap for `default`, lowered by the test-only knob [`crate::config::TEST_BODY_CAP`]
/// when it is set.
pub fn body_cap(default: u64) -> u64 {
    crate::config::test_knobs().body_cap.map_or(default, |c| c.min(default))
}

/// "16 MiB", "240 KiB", "512 bytes".
pub fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// "30 s", "1.5 s".
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

/// What a timeout message ends with: how to wait longer.
pub fn timeout_hint() -> String {
    format!(
        "no answer within {} (set {TIMEOUT_ENV} to wait longer on a slow network)",
        seconds(timeout())
    )
}

/// What a call whose peer never answered ends with: "did not answer in 60 s (3 tries); check
/// your network or set CONNECTOR_PUBLISH_TIMEOUT" (the peer's name goes before it).
pub fn did_not_answer(waited: Duration, tries: u32) -> String {
    format!(
        "did not answer in {} ({tries} {}); check your network or set {TIMEOUT_ENV}",
        seconds(waited),
        if tries == 1 { "try" } else { "tries" }
    )
}

/// Why reading an answer stopped.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the answer is larger than {}, more than any real one; refusing to read on", size(*.cap))]
    TooLarge { cap: u64 },
    #[error("the answer stalled or came too slowly: {}", timeout_hint())]
    TimedOut,
    #[error(
        "the answer came too slowly ({} in {elapsed} s, under {}/s on average); try a faster connection, or set {TIMEOUT_ENV} above {} to accept a slower one",
        size(*.received),
        size(*.rate),
        seconds(timeout())
    )]
    TooSlow { received: u64, elapsed: u64, rate: u64 },
    #[error("the connection broke while reading the answer: {0}")]
    Io(std::io::Error),
}

/// Read a body into memory, at most `cap` bytes, at the `pace` given (the reader's own per-read
/// timeout bounds each stall).
pub fn read_capped(mut reader: impl Read, cap: u64, pace: Option<Pace>) -> Result<Vec<u8>, BodyError> {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) if is_timeout(&e) => return Err(BodyError::TimedOut),
            Err(e) => return Err(BodyError::Io(e)),
        };
        if out.len() as u64 + n as u64 > cap {
            return Err(BodyError::TooLarge { cap });
        }
        out.extend_from_slice(&buf[..n]);
        if let Some(behind) = pace.and_then(|p| p.behind(start, out.len() as u64)) {
            return Err(behind);
        }
    }
}

/// Does this error (or one of its causes) say that a wait timed out?
pub fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) {
                return true;
            }
        }
        if e.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return true;
        }
        let text = e.to_string().to_ascii_lowercase();
        if text.contains("timed out") || text.contains("timeout") || text.contains("deadline has elapsed") {
            return true;
        }
        current = e.source();
    }
    false
}

/// A git error reworded when it is a timeout, so that the message says what to do.
pub fn git_error(e: git2::Error) -> anyhow::Error {
    if is_timeout(&e) {
        anyhow::anyhow!("{}: {e}", timeout_hint())
    } else {
        e.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_and_bad_values_are_refused() {
        assert_eq!(parse_timeout("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_timeout(" 1.5 ").unwrap(), Duration::from_millis(1500));
        for bad in ["", "abc", "0", "-1", "inf", "NaN", "1e9"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bodies_are_read_up_to_the_cap_and_no_further() {
        assert_eq!(read_capped(&b"hello"[..], 5, None).unwrap(), b"hello");
        assert!(matches!(read_capped(&b"hello!"[..], 5, None), Err(BodyError::TooLarge { cap: 5 })));
        // An endless body stops at the cap.
        let endless = std::io::repeat(b'x');
        assert!(matches!(read_capped(endless, 1 << 20, None), Err(BodyError::TooLarge { .. })));
        assert!(matches!(
            read_capped(&b"slow"[..], 100, Some(Pace::Within(Duration::ZERO))),
            Err(BodyError::TimedOut)
        ));
        // At a minimum rate: a quick body passes, one that trickles is cut off soon after the grace.
        let pace = Pace::AtLeast {
            grace: Duration::from_millis(50),
            bytes_per_second: 1000,
        };
        assert_eq!(read_capped(&b"quick"[..], 100, Some(pace)).unwrap(), b"quick");
        let started = Instant::now();
        let trickle = Trickle(started + Duration::from_secs(5));
        assert!(matches!(read_capped(trickle, u64::MAX, Some(pace)), Err(BodyError::TooSlow { .. })));
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    }

    /// A body that gives one byte every 5 ms (200 bytes/s) until `.0`, then ends.
    struct Trickle(Instant);

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if Instant::now() > self.0 {
                return Ok(0);
            }
            std::thread::sleep(Duration::from_millis(5));
            buf[0] = b'x';
            Ok(1)
        }
    }
}
