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
//! The certification package (`package check` and `package build`, issue 26), against 4 × the
//! package's size or 200 MB, whichever is larger: an intro.md inflating to 127 MiB of
//! one-character headings (28 MB zipped; 2.2 GB before it was read as a stream), a
//! customizations.xml of 786k elements × 26 attributes (1.7 GB before attributes were counted as
//! the file streams), and `build` of a 120 MiB package (508 MB before the package was streamed
//! into the output and cut out of it in place). `MEMORY_BENCH_ONLY=package` runs only these.
//!
//! | case (debug build) | package | peak after |
//! | --- | --- | --- |
//! | check: intro.md of 127 MiB of one-character headings (valid) | 42 MB | 51 MB (1.2 ×) |
//! | check: 786k elements × 26 attributes (refused, exit 1) | 25 MB | 67 MB (2.6 ×) |
//! | build: a 120 MiB package | 120 MB | 130 MB (1.1 ×) |
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

// --- certification packages (`package check` / `build`), built a block at a time -------------

/// Writes an entry's bytes a block at a time.
type Writer<'a> = Box<dyn FnOnce(&mut dyn std::io::Write) + 'a>;

/// What goes in one entry of a generated zip.
enum Part<'a> {
    Bytes(&'a [u8]),
    /// A file, copied in.
    File(&'a std::path::Path),
    /// Written by the closure, a block at a time.
    Gen(Writer<'a>),
}

/// Write the zip `path` of `parts`, each `(name, part, stored)`, streaming: the bench never holds
/// a large entry (a forked child starts from the bench's size).
fn write_zip(path: &std::path::Path, parts: Vec<(&str, Part, bool)>) {
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut w = zip::ZipWriter::new(file);
    for (name, part, stored) in parts {
        let method = if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(name, SimpleFileOptions::default().compression_method(method).large_file(false))
            .unwrap();
        match part {
            Part::Bytes(b) => w.write_all(b).unwrap(),
            Part::File(p) => {
                std::io::copy(&mut std::fs::File::open(p).unwrap(), &mut w).unwrap();
            }
            Part::Gen(f) => f(&mut w),
        }
    }
    w.finish().unwrap().flush().unwrap();
}

const INTRO: &str = "Breweries.\n\n## Prerequisites\n\nNone.\n\n## How to get credentials\n\nNone needed.\n\n## Known issues and limitations\n\nNone known.\n";

/// customizations.xml of a connector (and a flow) solution, with `extra` inside `<Entities>`.
fn customizations_xml(flow: bool, extra: &mut dyn FnMut(&mut dyn std::io::Write), out: &mut dyn std::io::Write) {
    let name = "new_5Fbench";
    write!(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml><Entities>").unwrap();
    extra(out);
    let workflows = if flow {
        "<Workflows><Workflow WorkflowId=\"{1}\" Name=\"Flow\"><JsonFileName>/Workflows/Flow-1.json</JsonFileName></Workflow></Workflows>"
    } else {
        "<Workflows />"
    };
    write!(
        out,
        "</Entities>{workflows}<Connectors><Connector><name>{name}</name><displayname>Bench</displayname>\
         <openapidefinition>/Connector/{name}_openapidefinition.json</openapidefinition>\
         <connectionparameters>/Connector/{name}_connectionparameters.json</connectionparameters></Connector></Connectors></ImportExportXml>"
    )
    .unwrap();
}

/// A solution zip at `path`, `extra` written into its customizations.xml.
fn write_solution(path: &std::path::Path, flow: bool, mut extra: impl FnMut(&mut dyn std::io::Write) + 'static) {
    let name = "new_5Fbench";
    let swagger = format!("Connector/{name}_openapidefinition.json");
    let params = format!("Connector/{name}_connectionparameters.json");
    let mut parts = vec![
        ("[Content_Types].xml", Part::Bytes(b"<Types />"), false),
        ("solution.xml", Part::Bytes(b"<ImportExportXml />"), false),
        (
            "customizations.xml",
            Part::Gen(Box::new(move |w: &mut dyn std::io::Write| customizations_xml(flow, &mut extra, w))),
            false,
        ),
        (
            swagger.as_str(),
            Part::Bytes(br#"{"swagger": "2.0", "info": {"title": "Bench"}, "paths": {}}"#),
            false,
        ),
        (params.as_str(), Part::Bytes(b"{}"), false),
    ];
    if flow {
        parts.push(("Workflows/Flow-1.json", Part::Bytes(b"{}"), false));
    }
    write_zip(path, parts);
}

/// The three package cases: the certification package (or, for `build`, the Package Deployer
/// package) at a path under `dir`, and the run's arguments.
fn package_cases(dir: &std::path::Path) -> Vec<(&'static str, PathBuf, Vec<String>)> {
    std::fs::create_dir_all(dir).unwrap();
    let connector = dir.join("Connector.zip");
    write_solution(&connector, false, |_| {});
    let flow = dir.join("Flow.zip");
    write_solution(&flow, true, |_| {});
    let noise = |len: usize| {
        move |w: &mut dyn std::io::Write| {
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut block = vec![0u8; 1 << 16];
            let mut written = 0;
            while written < len {
                for chunk in block.chunks_mut(8) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
                }
                let take = (len - written).min(block.len());
                w.write_all(&block[..take]).unwrap();
                written += take;
            }
        }
    };
    let deployer = |path: &std::path::Path, flow_zip: &std::path::Path, dll: Option<usize>| {
        let mut parts = vec![
            ("PkgAssets/ImportConfig.xml", Part::Bytes(b"<configdatastorage />"), false),
            ("PkgAssets/Connector.zip", Part::File(&connector), true),
            ("PkgAssets/Flow.zip", Part::File(flow_zip), true),
        ];
        if let Some(len) = dll {
            parts.push(("BenchPackage.dll", Part::Gen(Box::new(noise(len))), true));
        }
        write_zip(path, parts);
    };
    let mut cases = Vec::new();

    // 1. intro.md inflating to 127 MiB of one-character headings (`# q`), 28 MB compressed.
    let small_package = dir.join("Bench.pdpkg.zip");
    deployer(&small_package, &flow, None);
    let intro_case = dir.join("intro-headings.zip");
    write_zip(
        &intro_case,
        vec![
            (
                "intro.md",
                Part::Gen(Box::new(|w: &mut dyn std::io::Write| {
                    w.write_all(INTRO.as_bytes()).unwrap();
                    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
                    let mut line = *b"# q\n";
                    let mut block = Vec::with_capacity(1 << 16);
                    for _ in 0..(127 << 20) / 4 / (1 << 14) {
                        block.clear();
                        for _ in 0..1 << 14 {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            line[2] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?"[(x >> 58) as usize];
                            line[0] = if x & 1 == 0 { b'#' } else { b'-' };
                            block.extend_from_slice(&line);
                        }
                        w.write_all(&block).unwrap();
                    }
                })),
                false,
            ),
            ("Bench.pdpkg.zip", Part::File(&small_package), true),
        ],
    );
    cases.push((
        "check: intro.md of 127 MiB of one-character headings",
        intro_case.clone(),
        vec!["package".into(), "check".into(), intro_case.display().to_string()],
    ));

    // 2. customizations.xml with ~786k elements of 26 attributes (126 MB inflated).
    let crowded = dir.join("Flow-crowded.zip");
    write_solution(&crowded, true, |w| {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut element = Vec::with_capacity(200);
        for _ in 0..786_000 {
            element.clear();
            element.extend_from_slice(b"<e");
            for name in b'a'..=b'z' {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                element.extend_from_slice(&[b' ', name, b'=', b'"', b'A' + (x >> 59) as u8, b'"']);
            }
            element.extend_from_slice(b"/>");
            w.write_all(&element).unwrap();
        }
    });
    let crowded_package = dir.join("Bench-crowded.pdpkg.zip");
    deployer(&crowded_package, &crowded, None);
    let xml_case = dir.join("attributes.zip");
    write_zip(
        &xml_case,
        vec![
            ("intro.md", Part::Bytes(INTRO.as_bytes()), false),
            ("Bench.pdpkg.zip", Part::File(&crowded_package), true),
        ],
    );
    cases.push((
        "check: customizations.xml, 786k elements x 26 attributes",
        xml_case.clone(),
        vec!["package".into(), "check".into(), xml_case.display().to_string()],
    ));

    // 3. build with a 120 MiB Package Deployer package (a large dll beside the assets).
    let big_package = dir.join("Big.pdpkg.zip");
    deployer(&big_package, &flow, Some(120 << 20));
    let intro = dir.join("intro.md");
    std::fs::write(&intro, INTRO).unwrap();
    let out = dir.join("built.zip");
    cases.push((
        "build: a 120 MiB package",
        big_package.clone(),
        vec![
            "package".into(),
            "build".into(),
            "--intro".into(),
            intro.display().to_string(),
            "--package".into(),
            big_package.display().to_string(),
            "-o".into(),
            out.display().to_string(),
            "--force".into(),
        ],
    ));
    for p in [connector, flow, small_package, crowded, crowded_package] {
        let _ = std::fs::remove_file(p);
    }
    cases
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

    let mut failures = 0;
    // The certification package: under 4 × the package's size or 200 MB, whichever is larger.
    println!("peak resident memory of `package check` / `build`, against 4 × the package or 200 MB:");
    let expected = [0, 1, 0];
    for ((case, file, args), exit) in package_cases(&root.join("packages")).into_iter().zip(expected) {
        let size = std::fs::metadata(&file).unwrap().len();
        let mut command = Command::new(&bin);
        command.args(&args).env("CONNECTOR_PUBLISH_CACHE", &cache);
        let (peak, code) = peak_of(command);
        let limit = (4 * size).max(200 * MB as u64);
        let ok = code == exit && peak <= limit;
        if !ok {
            failures += 1;
        }
        println!(
            "  {case:<58} package {:>4} MB  exit {code}  peak {:>4} MB  = {:.1} × the package  (limit {} MB)  {}",
            size / MB as u64,
            peak / MB as u64,
            peak as f64 / size as f64,
            limit / MB as u64,
            if ok { "ok" } else { "OVER" }
        );
    }
    if std::env::var_os("MEMORY_BENCH_ONLY").is_some_and(|v| v == "package") {
        println!("{failures} case(s) over the limit");
        std::process::exit(if failures > 0 { 1 } else { 0 });
    }

    println!("peak resident memory of one run, against 4 × the largest input and 500 MB:");
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
                .env("CONNECTOR_PUBLISH_TEST_POLL_MS", "20")
                .env("CONNECTOR_PUBLISH_TEST_RETRY_MS", "20")
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
