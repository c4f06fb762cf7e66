//! git's smart HTTP protocol for libgit2, on the same HTTP client as every other call.
//!
//! libgit2 keeps doing what it is good at (negotiation, packs, the object database); this module
//! only moves its requests: `GET …/info/refs?service=…` and `POST …/git-upload-pack` /
//! `…/git-receive-pack`. So fetches and pushes get the shared timeouts (connect, stall, headers),
//! TLS from rustls and the system's proxy settings, and libgit2 is built without its own HTTPS
//! stack (no OpenSSL to build or to keep patched).
//!
//! Credentials: the URL's own (`https://user:token@host/…`), those given to [`authorize`] for a
//! URL (the fork push's token), then git's credential helpers, then `GH_TOKEN`/`GITHUB_TOKEN` for
//! github.com. They are sent only after the server asks (401), except the explicit ones.

use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream, Transport};
use std::io::{self, Read, Write};
use std::sync::{Mutex, Once};

/// Credentials given for URLs that start with a prefix.
static GRANTS: Mutex<Vec<(String, String, String)>> = Mutex::new(Vec::new());

/// Use `user`/`password` for every URL that starts with `url_prefix` (credentials in the URL
/// itself still come first).
pub fn authorize(url_prefix: &str, user: &str, password: &str) {
    let mut grants = GRANTS.lock().unwrap_or_else(|e| e.into_inner());
    grants.retain(|(p, _, _)| p != url_prefix);
    grants.push((url_prefix.to_string(), user.to_string(), password.to_string()));
}

/// Route libgit2's `http://` and `https://` through this module. Call before any fetch or push;
/// calling it again does nothing.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // libgit2 adds the "://".
        for scheme in ["http", "https"] {
            // SAFETY: registered once, before any transport is used (callers call this first).
            let registered =
                unsafe { git2::transport::register(scheme, |remote| Transport::smart(remote, true, Smart { base: Mutex::new(None) })) };
            if let Err(e) = registered {
                tracing::warn!("cannot register the {scheme} git transport: {e}");
            }
        }
    });
}

/// The shared client (`net::http`): the same pool, timeouts and TLS as every other call.
fn client() -> io::Result<reqwest::blocking::Client> {
    crate::net::Http::shared()
        .map(|http| http.client().clone())
        .map_err(|e| io_error(format!("{e:#}")))
}

struct Smart {
    /// The repository URL as the first request found it (after redirects).
    base: Mutex<Option<String>>,
}

impl SmartSubtransport for Smart {
    fn action(&self, url: &str, action: Service) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let mut base = self.base.lock().unwrap_or_else(|e| e.into_inner());
        let base = base.get_or_insert_with(|| url.trim_end_matches('/').to_string()).clone();
        let (service, path, post) = match action {
            Service::UploadPackLs => ("upload-pack", "/info/refs?service=git-upload-pack", false),
            Service::UploadPack => ("upload-pack", "/git-upload-pack", true),
            Service::ReceivePackLs => ("receive-pack", "/info/refs?service=git-receive-pack", false),
            Service::ReceivePack => ("receive-pack", "/git-receive-pack", true),
        };
        Ok(Box::new(Stream {
            url: format!("{base}{path}"),
            service,
            post,
            body: Vec::new(),
            response: None,
            received: 0,
        }))
    }

    fn close(&self) -> Result<(), git2::Error> {
        Ok(())
    }
}

struct Stream {
    url: String,
    service: &'static str,
    post: bool,
    /// What libgit2 wrote: the request body, sent on the first read.
    body: Vec<u8>,
    /// The answer, when its headers came, and the pace its body must keep
    /// ([`crate::net::Pace::download`], read once: it looks at the environment).
    response: Option<(reqwest::blocking::Response, std::time::Instant, crate::net::Pace)>,
    /// Body bytes read so far.
    received: u64,
}

/// `url` without its user information, and that information.
fn split_userinfo(url: &str) -> (String, Option<(String, String)>) {
    match url::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() => {
            let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
            let creds = (decode(u.username()), decode(u.password().unwrap_or("")));
            let _ = u.set_username("");
            let _ = u.set_password(None);
            (u.to_string(), Some(creds))
        }
        _ => (url.to_string(), None),
    }
}

/// Credentials given with [`authorize`] for `url`.
fn granted(url: &str) -> Option<(String, String)> {
    let grants = GRANTS.lock().unwrap_or_else(|e| e.into_inner());
    grants
        .iter()
        .filter(|(p, _, _)| url.starts_with(p.as_str()))
        .max_by_key(|(p, _, _)| p.len())
        .map(|(_, user, password)| (user.clone(), password.clone()))
}

/// Credentials to offer after a 401: git's credential helpers (`git credential fill`, never
/// prompting), then a GitHub token, but only for github.com (a token is never sent elsewhere).
fn asked_credentials(url: &str) -> Option<(String, String)> {
    if let Some(found) = credential_fill(url) {
        return Some(found);
    }
    if url.starts_with("https://github.com/") {
        if let Some(token) = ["GH_TOKEN", "GITHUB_TOKEN"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|t| !t.is_empty()))
        {
            return Some(("x-access-token".into(), token));
        }
    }
    None
}

/// What git's configured credential helpers know for `url`, without asking anyone.
fn credential_fill(url: &str) -> Option<(String, String)> {
    let parsed = url::Url::parse(url).ok()?;
    let host = match parsed.port() {
        Some(port) => format!("{}:{port}", parsed.host_str()?),
        None => parsed.host_str()?.to_string(),
    };
    let mut child = std::process::Command::new("git")
        .args(["credential", "fill"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GCM_INTERACTIVE", "never")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let request = format!(
        "protocol={}\nhost={host}\npath={}\n\n",
        parsed.scheme(),
        parsed.path().trim_start_matches('/')
    );
    child.stdin.take()?.write_all(request.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
    Some((field("username=")?, field("password=")?))
}

fn io_error(message: String) -> io::Error {
    io::Error::other(message)
}

impl Stream {
    /// Send the request, with `body` when it is a POST (shared: a second try does not copy it).
    fn send(&self, url: &str, credentials: Option<&(String, String)>, body: &bytes::Bytes) -> io::Result<reqwest::blocking::Response> {
        let client = client()?;
        let request = if self.post {
            let request = client
                .post(url)
                .header("Content-Type", format!("application/x-git-{}-request", self.service))
                .header("Accept", format!("application/x-git-{}-result", self.service))
                .body(body.clone());
            // A push's body goes in one write: allow it the time a slow link needs (64 KiB/s).
            // (A request's own timeout also bounds its answer's body, so a fetch, whose answer is
            // the large part, keeps the client's: headers within the timeout, then the pace.)
            match self.service {
                "receive-pack" => request.timeout(crate::net::timeout() + std::time::Duration::from_secs(body.len() as u64 / 65_536)),
                _ => request,
            }
        } else {
            client.get(url)
        };
        let request = match credentials {
            Some((user, password)) => request.basic_auth(user, Some(password)),
            None => request,
        };
        request.send().map_err(|e| {
            let shown = crate::net::redact(url);
            if e.is_timeout() {
                // `net::git_error` adds what to do about it.
                io_error(format!("{shown} timed out"))
            } else {
                io_error(format!("{shown}: {}", e.without_url()))
            }
        })
    }

    fn start(&mut self) -> io::Result<()> {
        let (url, in_url) = split_userinfo(&self.url);
        let explicit = in_url.or_else(|| granted(&url));
        let body = bytes::Bytes::from(std::mem::take(&mut self.body));
        let mut response = self.send(&url, explicit.as_ref(), &body)?;
        if response.status().as_u16() == 401 {
            match explicit.is_none().then(|| asked_credentials(&url)).flatten() {
                Some(found) => response = self.send(&url, Some(&found), &body)?,
                None if explicit.is_some() => {
                    return Err(io_error(
                        "authentication failed: the server refused the credentials (check the user and token in the URL, or your git credential helper)".into(),
                    ))
                }
                None => {
                    return Err(io_error(
                        "the server asks for credentials: put them in the URL (https://user:token@host/...) or in a git credential helper".into(),
                    ))
                }
            }
        }
        let status = response.status().as_u16();
        let shown = crate::net::redact(&url);
        match status {
            200 => {}
            401 => {
                return Err(io_error(format!(
                    "authentication failed at {shown}: the server refused the credentials"
                )))
            }
            403 => return Err(io_error(format!("{shown} refused access (HTTP 403)"))),
            404 => return Err(io_error(format!("{shown}: no such repository (HTTP 404)"))),
            _ => return Err(io_error(format!("{shown} answered HTTP {status}"))),
        }
        if !self.post {
            let expected = format!("application/x-git-{}-advertisement", self.service);
            let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
            if content_type != expected {
                return Err(io_error(format!(
                    "{shown} does not speak git's smart HTTP protocol (content type `{content_type}`)"
                )));
            }
        }
        self.response = Some((response, std::time::Instant::now(), crate::net::Pace::download()));
        Ok(())
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.response.is_none() {
            self.start()?;
        }
        let (response, started, pace) = self.response.as_mut().expect("started above");
        let n = response.read(buf).map_err(|e| {
            if crate::net::is_timeout(&e) {
                io_error("the git server stalled (timed out)".into())
            } else {
                e
            }
        })?;
        self.received += n as u64;
        // Each read came within the timeout; a server that trickles must still keep the pace.
        if let Some(behind) = pace.behind(*started, self.received) {
            return Err(io_error(format!("from the git server: {behind}")));
        }
        Ok(n)
    }
}

impl Write for Stream {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.body.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_information_is_taken_out_of_the_url() {
        let (url, creds) = super::split_userinfo("https://x-access-token:t%40k@example.com/o/r.git/info/refs?service=git-upload-pack");
        assert_eq!(url, "https://example.com/o/r.git/info/refs?service=git-upload-pack");
        assert_eq!(creds, Some(("x-access-token".into(), "t@k".into())));
        assert_eq!(super::split_userinfo("https://example.com/r.git").1, None);
    }
}
