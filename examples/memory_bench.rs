//! Peak memory against input size: issue 14's limit is about 4 × the largest input file, and under
//! 500 MB for anything GitHub would accept (files under 100 MB). Each case runs the binary as a
//! child process on a generated connector folder and reads the child's peak resident set
//! (`wait4`'s `ru_maxrss`): `validate`, `submit --dry-run --patch`, and a real `submit` that forks,
//! pushes and opens the pull request on the loopback peers of the tests (the fake GitHub API and a
//! real `git http-backend`).
//!
//! The swagger cases are JSON whose size in memory is not its size on disk: millions of tiny
//! values (`{"a":1}` is 7 bytes and was a few hundred in the parsed tree and the position map:
//! validate peaked at 2 GB on the 23 MB file), one 30 MB string, a million numbers, and a 20 MB
//! key above 90,000 elements (its pointer was once copied into every element's). Past 100,000
//! values the file is refused with `json-too-many-values`, and a member name over 4,096 bytes
//! with `json-key-too-long`, so `validate` and the dry run exit 1 on the first, third and fourth,
//! as they should; the real submit is not run for them.
//!
//! Figures (debug build, 2 cores), before the value budget and the hashed position map -> after:
//!
//! | case | validate | submit --dry-run --patch | submit |
//! | --- | --- | --- | --- |
//! | 23 MB of tiny objects | 2005 MB (87 ×) -> 65 MB (2.9 ×) | 2056 MB -> 88 MB (3.8 ×) | not run |
//! | a 30 MB string | 106 MB (3.6 ×) -> 77 MB (2.6 ×) | 171 MB -> 120 MB (4.0 ×) | 142 MB -> 112 MB (3.7 ×) |
//! | 1M numbers (22 MB) | 264 MB (12 ×) -> 48 MB (2.2 ×) | 300 MB -> 86 MB (3.9 ×) | not run |
//! | a 20 MB key | killed at 23 GB -> 57 MB (2.7 ×) | killed -> 81 MB (3.9 ×) | killed -> not run |
//!
//! What is left at 4 × (the dry run of the 30 MB string, a swagger 30 times the platform's 1 MB
//! limit) is the file's bytes (the package), the parsed string (the check) and the blob in the dry
//! run's in-memory object store, three copies, plus the process itself. (The patch's text buffer
//! no longer holds the one 30 MB line whole: `plan/diff.rs` cuts a line longer than a chunk, and
//! the title and description checks read a word at a time, where they made three copies.)
//!
//! Usage: cargo build --release && cargo run --release --example memory_bench
//! (the release binary when built, else the debug one). No network beyond loopback.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/support/git_http.rs"]
mod git_http;
#[path = "../tests/support/github.rs"]
mod github;
#[path = "../tests/support/http.rs"]
mod http;
use common::git;

use std::path::PathBuf;
use std::process::Command;

const MB: usize = 1024 * 1024;
const TOKEN: &str = "ghp_benchtoken000000000000000000000000000";
/// Stands for the long key's head, which is made at run time.
const LONG_KEY_HEAD: &str = "(a 20 MB key)";

/// Write `len` random-looking bytes (a PNG header first when `png`) to `path`, a block at a time:
/// they do not compress, the worst case. (The bench itself stays small: a child's peak as
/// `wait4` reports it includes its parent's peak at the fork, so a bench that held the file
/// would measure itself.)
fn write_noise(path: &std::path::Path, len: usize, png: bool) {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut written = 0;
    if png {
        out.write_all(b"\x89PNG\r\n\x1a\n").unwrap();
        written += 8;
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while written < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let take = (len - written).min(8);
        out.write_all(&x.to_le_bytes()[..take]).unwrap();
        written += take;
    }
    out.flush().unwrap();
}

/// Append lines of prose to the text file at `path` until it is `len` bytes, a line at a time.
fn grow_text(path: &std::path::Path, len: usize) {
    use std::io::Write as _;
    let mut written = std::fs::metadata(path).unwrap().len() as usize;
    let file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    let mut out = std::io::BufWriter::new(file);
    let line = b"A line of documentation that goes on and on, as some readmes do.\n";
    while written < len {
        out.write_all(line).unwrap();
        written += line.len();
    }
    out.flush().unwrap();
}

/// The clean connector's swagger with `definitions.Blob` appended: `head` once, `item` repeated
/// (comma separated) until the file is about `len` bytes, then `tail`; written a block at a time.
fn grow_swagger(path: &std::path::Path, len: usize, head: &str, item: &str, tail: &str) {
    use std::io::Write as _;
    let clean = std::fs::read_to_string(path).unwrap();
    let open = clean.trim_end().strip_suffix('}').expect("the swagger is an object");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(out, "{open},\n  \"definitions\": {{\"Blob\": {head}").unwrap();
    let mut written = open.len() + head.len() + 30;
    let mut first = true;
    while written + tail.len() + 4 < len {
        if !first {
            out.write_all(b",").unwrap();
        }
        out.write_all(item.as_bytes()).unwrap();
        written += item.len() + 1;
        first = false;
    }
    write!(out, "{tail}}}\n}}\n").unwrap();
    out.flush().unwrap();
}

/// How a case makes its large file in the clean connector folder.
#[derive(Clone, Copy)]
enum Make {
    /// Random bytes (after a PNG signature when true).
    Noise(bool),
    /// Prose, line after line.
    Text,
    /// A swagger grown by [`grow_swagger`] (head, item, tail).
    Swagger(&'static str, &'static str, &'static str),
}

/// Peak resident memory of the child, in bytes, and its exit code.
// The child is reaped by `wait4` (which gives its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn peak_of(mut command: Command) -> (u64, i32) {
    // A child made by vfork (what `spawn` uses) starts with its parent's peak, which includes
    // cargo's and the loopback servers'; a forked one starts from the bench's current size.
    // SAFETY: the closure calls nothing; it only makes `spawn` fork.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, || Ok(()));
    }
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed");
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    (usage.ru_maxrss as u64 * 1024, code)
}

fn main() {
    // The release binary when there is one (memory hardly depends on the profile), else debug.
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let bin = ["release", "debug"]
        .iter()
        .map(|p| target.join(p).join("connector-publish"))
        .find(|b| b.exists())
        .expect("build it first: cargo build --release");
    println!("binary: {}", bin.display());
    let temp = tempfile::tempdir().unwrap();
    // MEMORY_BENCH_KEEP=DIR builds the cases in DIR and leaves them there, to profile one by hand
    // (heaptrack target/release/connector-publish submit --dry-run ...).
    let kept = std::env::var_os("MEMORY_BENCH_KEEP").map(PathBuf::from);
    let root = kept.as_deref().unwrap_or(temp.path());
    let work = root.join("upstream");
    std::fs::create_dir_all(work.join("certified-connectors/DeepL")).unwrap();
    std::fs::write(
        work.join("certified-connectors/DeepL/apiDefinition.swagger.json"),
        r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "basePath": "/v2", "paths": {"/translate": {"post": {}}}}"#,
    )
    .unwrap();
    git(&work, &["init", "-q", "-b", "dev"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "upstream"]);
    let cache = root.join("cache");
    // Upstream and the fork served over smart HTTP; GitHub's API as the tests' fake.
    let served = root.join("served");
    std::fs::create_dir_all(served.join("microsoft")).unwrap();
    git(
        &served.join("microsoft"),
        &["clone", "-q", "--bare", work.to_str().unwrap(), "PowerPlatformConnectors.git"],
    );
    let server = git_http::GitHttpServer::start(&served, Some(("x-access-token", TOKEN)));
    let (served_fork, served_merge) = (served.clone(), served.clone());
    let fake = github::FakeGitHub::start(
        github::FakeGitHubConfig {
            git_base_url: server.base_url(),
            ..Default::default()
        }
        .user(TOKEN, "octo")
        .repo("microsoft/PowerPlatformConnectors")
        .on_fork(move |f| {
            std::fs::create_dir_all(served_fork.join(&f.owner)).unwrap();
            let upstream = served_fork.join("microsoft/PowerPlatformConnectors.git");
            git(
                &served_fork.join(&f.owner),
                &["clone", "-q", "--bare", upstream.to_str().unwrap(), &format!("{}.git", f.repo)],
            );
        })
        .on_merge_upstream(move |m| {
            let fork = served_merge.join(format!("{}/{}.git", m.owner, m.repo));
            let upstream = served_merge.join("microsoft/PowerPlatformConnectors.git");
            git(&fork, &["fetch", "-q", upstream.to_str().unwrap(), &format!("+{0}:{0}", m.branch)]);
            github::MergeUpstreamResult::FastForward
        }),
    );
    let upstream = server.url_with_credentials("microsoft/PowerPlatformConnectors.git", "x-access-token", TOKEN);

    println!("peak resident memory of one run, against 4 × the largest input and 500 MB:");
    let mut failures = 0;
    const SWAGGER: &str = "apiDefinition.swagger.json";
    // The exit code each run should have: the swaggers over the value budget are refused (1).
    let cases = [
        ("a 90 MB icon.png", 90 * MB, "icon.png", Make::Noise(true), 0),
        (
            "a 90 MB screenshot (an extra file)",
            90 * MB,
            "screenshot.bin",
            Make::Noise(false),
            0,
        ),
        ("a 30 MB readme", 30 * MB, "readme.md", Make::Text, 0),
        (
            "a 23 MB swagger of tiny objects",
            23 * MB,
            SWAGGER,
            Make::Swagger(r#"{"type": "object", "example": ["#, r#"{"a":1}"#, "]}"),
            1,
        ),
        (
            "a swagger with a 30 MB string",
            30 * MB,
            SWAGGER,
            Make::Swagger(
                r#"{"type": "string", "example": ""#,
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "\"}",
            ),
            0,
        ),
        (
            "a swagger of 1M numbers (22 MB)",
            22 * MB,
            SWAGGER,
            Make::Swagger(r#"{"type": "array", "example": ["#, "123456789.0123456789", "]}"),
            1,
        ),
        (
            "a swagger with a 20 MB key",
            20 * MB + 900_000,
            SWAGGER,
            // 20 MB of key, then 90,000 elements of 10 bytes: refused at the key.
            Make::Swagger(LONG_KEY_HEAD, "123456789", "]}}"),
            1,
        ),
    ];
    for (n, (case, size, file, make, exit)) in cases.into_iter().enumerate() {
        let folder = root.join("Open Brewery DB");
        let _ = std::fs::remove_dir_all(&folder);
        common::write_clean_connector(&folder);
        match make {
            Make::Noise(png) => write_noise(&folder.join(file), size, png),
            Make::Text => grow_text(&folder.join(file), size),
            Make::Swagger(head, item, tail) => {
                let head = if head == LONG_KEY_HEAD {
                    format!(r#"{{"type": "object", "example": {{"{}": ["#, "k".repeat(20 * MB))
                } else {
                    head.to_string()
                };
                grow_swagger(&folder.join(file), size, &head, item, tail)
            }
        }
        let patch = root.join("change.patch");
        let folder_arg = folder.display().to_string();
        let submit = |extra: &[&str]| -> Vec<String> {
            let mut args: Vec<String> = ["submit", "--upstream", &upstream, "--github-api", &fake.url()]
                .iter()
                .map(|a| a.to_string())
                .collect();
            // An independent publisher's folder without its certification package.
            args.extend(["--author", "Bench <bench@example.com>", "--without-package"].map(String::from));
            if exit != 0 {
                // A swagger that is not read gives no folder name: name it, so the dry run goes
                // through the plan and the patch, and stops on the findings.
                args.extend(["--name", "Open Brewery DB"].map(String::from));
            }
            args.extend(extra.iter().map(|a| a.to_string()));
            args.push(folder_arg.clone());
            args
        };
        let branch = format!("bench-{n}-{file}");
        let mut runs = vec![
            (
                "validate",
                vec!["validate".to_string(), "--without-package".to_string(), folder_arg.clone()],
            ),
            (
                "submit --dry-run --patch",
                submit(&["--dry-run", "--patch", patch.to_str().unwrap()]),
            ),
            (
                "submit (fork, push, PR)",
                submit(&["--yes", "--allow-duplicate", "bench", "--branch", &branch]),
            ),
        ];
        if exit != 0 {
            // Refused: a real run stops where the dry run does.
            runs.pop();
        }
        for (what, args) in runs {
            let mut command = Command::new(&bin);
            command
                .args(&args)
                .env("CONNECTOR_PUBLISH_CACHE", &cache)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("CONNECTOR_PUBLISH_POLL_MS", "20")
                .env("GH_TOKEN", TOKEN)
                .env_remove("GITHUB_TOKEN");
            let (peak, mut code) = peak_of(command);
            // The real run's file is on the fork's branch, whole (an independent publisher's
            // icon is not submitted).
            if what.starts_with("submit (") && code == 0 && file != "icon.png" {
                let size = std::fs::metadata(folder.join(file)).unwrap().len();
                let fork = served.join("octo/PowerPlatformConnectors.git");
                let sizes = git(&fork, &["ls-tree", "-r", "-l", &branch]);
                if !sizes
                    .lines()
                    .any(|l| l.ends_with(&format!("/{file}")) && l.contains(&format!(" {size}\t")))
                {
                    println!("  (the fork's branch {branch} lacks the {size}-byte {file})");
                    code = -2;
                }
            }
            let ratio = peak as f64 / size as f64;
            // A run that failed measured nothing: it counts against the bench.
            let ok = code == exit && ratio <= 4.0 && peak < 500 * MB as u64;
            if !ok {
                failures += 1;
            }
            println!(
                "  {what:<26} {case:<36} exit {code}  peak {:>4} MB  = {ratio:.1} × the file  {}",
                peak / MB as u64,
                if ok { "ok" } else { "OVER" }
            );
        }
    }
    println!("{failures} case(s) over the limit");
    if failures > 0 {
        std::process::exit(1);
    }
}
