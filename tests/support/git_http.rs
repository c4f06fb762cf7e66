//! A tiny smart-HTTP git server for integration tests.
//!
//! Serves every bare repository under a root directory at
//! `http://127.0.0.1:PORT/<name>.git` by running the real `git http-backend`
//! CGI program once per request. Optional HTTP Basic auth, request recording,
//! byte counters and an "offline" switch that drops connections.
//!
//! Only std is used: one accept thread, one thread per connection, and every
//! response is sent with `Content-Length` and `Connection: close`.
//!
//! ```ignore
//! mod support;
//! use support::git_http::GitHttpServer;
//! let server = GitHttpServer::start(root, Some(("user", "pass")));
//! let url = server.url_with_credentials("upstream.git", "user", "pass");
//! // ... clone/fetch/push against `url`, then inspect
//! // server.requests(), server.bytes_sent(), server.bytes_received()
//! ```

#![allow(dead_code)]

use super::http::percent_decode;
use base64::Engine;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One HTTP request the server answered (including 401s; dropped
/// connections while offline are not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path plus query, exactly as requested, e.g. `/upstream.git/info/refs?service=git-upload-pack`.
    pub path: String,
    pub status: u16,
    /// Request headers in arrival order (names as sent).
    pub headers: Vec<(String, String)>,
    /// The user that authenticated, if any.
    pub user: Option<String>,
    /// Request body bytes after de-chunking (still gzip-compressed if the client compressed it).
    pub request_bytes: u64,
    /// Response body bytes.
    pub response_bytes: u64,
    /// What `git http-backend` wrote to stderr (empty for requests that never reached it).
    pub cgi_stderr: String,
}

impl RecordedRequest {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    root: PathBuf,
    credentials: Option<(String, String)>,
    offline: AtomicBool,
    stopping: AtomicBool,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    requests: Mutex<Vec<RecordedRequest>>,
    /// When set, the answers to fetches (`POST …/git-upload-pack`) are sent this many bytes at a
    /// time with this pause between (a slow or a trickling link).
    upload_pack_pace: Mutex<Option<(usize, Duration)>>,
    /// Open connections, so Drop can shut them down and unblock their threads.
    open: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// A smart-HTTP git server on 127.0.0.1 backed by `git http-backend`.
/// Stops (and joins all its threads) when dropped.
pub struct GitHttpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl GitHttpServer {
    /// Serve every bare repo under `root` (e.g. `root/upstream.git`) at
    /// `http://127.0.0.1:PORT/<name>.git`. With `credentials`, every request
    /// must carry matching HTTP Basic auth or gets `401`. Push
    /// (`http.receivepack`) is always enabled.
    pub fn start(root: &Path, credentials: Option<(&str, &str)>) -> GitHttpServer {
        let root = root
            .canonicalize()
            .unwrap_or_else(|e| panic!("git http root {}: {e}", root.display()));
        // Fail early (in the test thread) if the CGI is missing.
        let _ = http_backend();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let shared = Arc::new(Shared {
            root,
            credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
            offline: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
            bytes_sent: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            requests: Mutex::new(Vec::new()),
            upload_pack_pace: Mutex::new(None),
            open: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
        });
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::Builder::new()
                .name("git-http-accept".into())
                .spawn(move || accept_loop(listener, shared))
                .expect("spawn accept thread")
        };
        GitHttpServer {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT/<repo>`; `repo` is e.g. `"upstream.git"` (a
    /// leading `/` is tolerated).
    pub fn url(&self, repo: &str) -> String {
        format!("{}/{}", self.base_url(), repo.trim_start_matches('/'))
    }

    /// Like [`url`](Self::url) with `user:pass@` embedded.
    pub fn url_with_credentials(&self, repo: &str, user: &str, pass: &str) -> String {
        format!("http://{user}:{pass}@{}/{}", self.addr, repo.trim_start_matches('/'))
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every answered request so far, in completion order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// Total response body bytes sent (what fetches/clones transferred).
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(Ordering::SeqCst)
    }

    /// Total request body bytes received (what pushes uploaded), as sent on
    /// the wire minus chunk framing.
    pub fn bytes_received(&self) -> u64 {
        self.shared.bytes_received.load(Ordering::SeqCst)
    }

    /// Send the answers to fetches `bytes` at a time, `pause` apart (`None`: at once): a link
    /// that is slow but steady, or one that trickles.
    pub fn set_upload_pack_pace(&self, pace: Option<(usize, Duration)>) {
        *self.shared.upload_pack_pace.lock().unwrap() = pace;
    }

    /// When `true`, new connections are accepted and closed at once, without
    /// reading or answering anything (simulates a network failure).
    pub fn set_offline(&self, offline: bool) {
        self.shared.offline.store(offline, Ordering::SeqCst);
    }
}

impl Drop for GitHttpServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.acceptor.take() {
            let _ = handle.join();
        }
        for stream in self.shared.open.lock().unwrap().values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let workers = std::mem::take(&mut *self.shared.workers.lock().unwrap());
        for worker in workers {
            let _ = worker.join();
        }
    }
}

/// Path of `git-http-backend`, from `git --exec-path`.
pub fn http_backend() -> &'static Path {
    static BACKEND: OnceLock<PathBuf> = OnceLock::new();
    BACKEND.get_or_init(|| {
        let from_exec_path = Command::new("git")
            .arg("--exec-path")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("git-http-backend"))
            .filter(|p| p.is_file());
        from_exec_path
            .or_else(|| {
                let p = PathBuf::from("/usr/lib/git-core/git-http-backend");
                p.is_file().then_some(p)
            })
            .expect("git-http-backend not found (git --exec-path, /usr/lib/git-core)")
    })
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut next_id = 0u64;
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if shared.offline.load(Ordering::SeqCst) {
            // Close without reading or answering: the client sees an empty reply.
            drop(stream);
            continue;
        }
        next_id += 1;
        let id = next_id;
        if let Ok(clone) = stream.try_clone() {
            shared.open.lock().unwrap().insert(id, clone);
        }
        let worker_shared = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name(format!("git-http-conn-{id}"))
            .spawn(move || {
                let _ = handle_connection(stream, &worker_shared);
                worker_shared.open.lock().unwrap().remove(&id);
            })
            .expect("spawn connection thread");
        let mut workers = shared.workers.lock().unwrap();
        workers.retain(|w| !w.is_finished());
        workers.push(handle);
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn handle_connection(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream);

    let Some(request) = read_head(&mut reader)? else {
        return Ok(());
    };
    let user = authenticate(&request, shared.credentials.as_ref());
    let authorized = shared.credentials.is_none() || user.is_some();
    let expects_continue = request.header("Expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));

    let (response, body_len, stderr) = if !authorized {
        // Drain the body unless the client is waiting for `100 Continue`
        // (then it sends nothing), so closing does not reset the connection
        // before the client reads the 401.
        let body_len = if expects_continue {
            0
        } else {
            read_body(&mut reader, &request)?.len() as u64
        };
        let response = Response {
            status: 401,
            reason: "Unauthorized".into(),
            headers: vec![
                ("WWW-Authenticate".into(), "Basic realm=\"test\"".into()),
                ("Content-Type".into(), "text/plain".into()),
            ],
            body: b"authentication required\n".to_vec(),
        };
        (response, body_len, String::new())
    } else {
        if expects_continue {
            reader.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let body = read_body(&mut reader, &request)?;
        let body_len = body.len() as u64;
        match run_cgi(shared, &request, user.as_deref(), body) {
            Ok((response, stderr)) => (response, body_len, stderr),
            Err(e) => (
                Response {
                    status: 500,
                    reason: "Internal Server Error".into(),
                    headers: vec![("Content-Type".into(), "text/plain".into())],
                    body: format!("git http-backend failed: {e}\n").into_bytes(),
                },
                body_len,
                e.to_string(),
            ),
        }
    };

    shared.bytes_received.fetch_add(body_len, Ordering::SeqCst);
    let response_len = response.body.len() as u64;
    let pace = match request.target.contains("git-upload-pack") && request.method == "POST" {
        true => *shared.upload_pack_pace.lock().unwrap(),
        false => None,
    };
    // Recorded before the answer goes out: a client may finish, and its test look, the moment it
    // has read the answer.
    shared.requests.lock().unwrap().push(RecordedRequest {
        method: request.method.clone(),
        path: request.target.clone(),
        status: response.status,
        headers: request.headers.clone(),
        user,
        request_bytes: body_len,
        response_bytes: response_len,
        cgi_stderr: stderr,
    });
    shared.bytes_sent.fetch_add(response_len, Ordering::SeqCst);
    let write_result = write_response(reader.get_mut(), &response, pace, &shared.stopping);
    if write_result.is_err() {
        shared.bytes_sent.fetch_sub(response_len, Ordering::SeqCst);
    }
    write_result?;

    // Lingering close: stop writing, then wait (briefly) for the client to
    // close so unread bytes don't turn our close into a reset.
    let stream = reader.get_mut();
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut sink = [0u8; 4096];
    while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
    Ok(())
}

/// Reads the request line and headers; `None` if the client closed first.
fn read_head(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bad request line"));
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    Ok(Some(Request { method, target, headers }))
}

/// The request body, de-chunked if `Transfer-Encoding: chunked`.
fn read_body(reader: &mut BufReader<TcpStream>, request: &Request) -> io::Result<Vec<u8>> {
    let chunked = request
        .header("Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let size_text = line.trim().split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_text, 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("bad chunk size {line:?}")))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    line.clear();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(len) = request.header("Content-Length") {
        let len: usize = len
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))?;
        body.resize(len, 0);
        reader.read_exact(&mut body)?;
    }
    Ok(body)
}

/// The authenticated user name, if the request carries valid Basic auth.
fn authenticate(request: &Request, credentials: Option<&(String, String)>) -> Option<String> {
    let (user, pass) = credentials?;
    let value = request.header("Authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    (scheme.eq_ignore_ascii_case("basic") && token.trim() == expected).then(|| user.clone())
}

fn run_cgi(shared: &Shared, request: &Request, user: Option<&str>, body: Vec<u8>) -> io::Result<(Response, String)> {
    let (path, query) = match request.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (request.target.as_str(), ""),
    };
    let mut cmd = Command::new(http_backend());
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_NAMESPACE",
        "GIT_CONFIG_PARAMETERS",
        "GIT_PROTOCOL",
        "REMOTE_USER",
        "HTTP_CONTENT_ENCODING",
        "HTTP_GIT_PROTOCOL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_PROJECT_ROOT", &shared.root)
        .env("GIT_HTTP_EXPORT_ALL", "1")
        .env("GATEWAY_INTERFACE", "CGI/1.1")
        .env("SERVER_PROTOCOL", "HTTP/1.1")
        .env("SERVER_NAME", "127.0.0.1")
        .env("SCRIPT_NAME", "")
        .env("REQUEST_METHOD", &request.method)
        .env("REQUEST_URI", &request.target)
        .env("PATH_INFO", percent_decode(path))
        .env("QUERY_STRING", query)
        .env("CONTENT_LENGTH", body.len().to_string())
        .env("REMOTE_ADDR", "127.0.0.1")
        // Push is allowed for anyone who got past auth; the repos may be
        // owned by another uid than the test process.
        .env("GIT_CONFIG_COUNT", "3")
        .env("GIT_CONFIG_KEY_0", "http.receivepack")
        .env("GIT_CONFIG_VALUE_0", "true")
        .env("GIT_CONFIG_KEY_1", "uploadpack.allowFilter")
        .env("GIT_CONFIG_VALUE_1", "true")
        .env("GIT_CONFIG_KEY_2", "safe.directory")
        .env("GIT_CONFIG_VALUE_2", "*");
    if let Some(ct) = request.header("Content-Type") {
        cmd.env("CONTENT_TYPE", ct);
    }
    if let Some(user) = user {
        cmd.env("REMOTE_USER", user).env("AUTH_TYPE", "Basic");
    }
    if let Some(proto) = request.header("Git-Protocol") {
        // http-backend copies HTTP_GIT_PROTOCOL to GIT_PROTOCOL itself; set
        // both so protocol v2 works whatever the git version.
        cmd.env("GIT_PROTOCOL", proto).env("HTTP_GIT_PROTOCOL", proto);
    }
    if let Some(encoding) = request.header("Content-Encoding") {
        // http-backend inflates gzip / x-gzip bodies itself.
        cmd.env("HTTP_CONTENT_ENCODING", encoding);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;

    // Feed stdin and drain stderr on their own threads so a CGI that writes
    // before reading all of its input cannot deadlock us.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feeder = thread::spawn(move || {
        let _ = stdin.write_all(&body);
    });
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let stderr_reader = thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    });
    let mut output = Vec::new();
    child.stdout.take().expect("piped stdout").read_to_end(&mut output)?;
    let _ = feeder.join();
    let stderr = stderr_reader.join().unwrap_or_default();
    let status = child.wait()?;

    let response = parse_cgi_output(&output).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("malformed CGI output (exit {status}): {stderr}"),
        )
    })?;
    Ok((response, stderr))
}

/// Splits CGI output into headers (with `Status:`) and body.
fn parse_cgi_output(output: &[u8]) -> Option<Response> {
    let (head_len, sep_len) = find(output, b"\r\n\r\n")
        .map(|i| (i, 4))
        .or_else(|| find(output, b"\n\n").map(|i| (i, 2)))?;
    let head = std::str::from_utf8(&output[..head_len]).ok()?;
    let mut response = Response {
        status: 200,
        reason: "OK".into(),
        headers: Vec::new(),
        body: output[head_len + sep_len..].to_vec(),
    };
    for line in head.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("Status") {
            let (code, reason) = value.split_once(' ').unwrap_or((value, ""));
            response.status = code.parse().ok()?;
            response.reason = reason.to_string();
        } else if !["Content-Length", "Connection", "Transfer-Encoding"]
            .iter()
            .any(|h| name.eq_ignore_ascii_case(h))
        {
            response.headers.push((name.to_string(), value.to_string()));
        }
    }
    Some(response)
}

fn write_response(stream: &mut TcpStream, response: &Response, pace: Option<(usize, Duration)>, stopping: &AtomicBool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, response.reason);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", response.body.len()));
    stream.write_all(head.as_bytes())?;
    match pace {
        None => stream.write_all(&response.body)?,
        Some((bytes, pause)) => {
            for chunk in response.body.chunks(bytes.max(1)) {
                if stopping.load(Ordering::SeqCst) {
                    return Ok(());
                }
                stream.write_all(chunk)?;
                stream.flush()?;
                thread::sleep(pause);
            }
        }
    }
    stream.flush()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
