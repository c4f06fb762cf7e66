//! Peak memory against input size: issue 14's limit is about 4 × the largest input file, and under
//! 500 MB for anything GitHub would accept (files under 100 MB). Each case runs the release binary
//! as a child process on a generated connector folder and reads the child's peak resident set
//! (`wait4`'s `ru_maxrss`).
//!
//! Usage: cargo build --release && cargo run --release --example memory_bench
//! (the release binary when built, else the debug one).
//! The upstream is a one-connector local repository made here, so no network is used.

#[path = "../tests/common/mod.rs"]
mod common;
use common::git;

use std::path::PathBuf;
use std::process::Command;

const MB: usize = 1024 * 1024;

/// Random-looking bytes (a PNG header first when `png`): they do not compress, the worst case.
fn noise(len: usize, png: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    if png {
        out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    }
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Peak resident memory of the child, in bytes, and its exit code.
// The child is reaped by `wait4` (which gives its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn peak_of(mut command: Command) -> (u64, i32) {
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
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("upstream");
    std::fs::create_dir_all(work.join("certified-connectors/DeepL")).unwrap();
    std::fs::write(
        work.join("certified-connectors/DeepL/apiDefinition.swagger.json"),
        r#"{"swagger": "2.0", "info": {"title": "DeepL"}, "host": "api.deepl.com", "basePath": "/v2", "paths": {"/translate": {"post": {}}}}"#,
    )
    .unwrap();
    git(&work, &["init", "-q"]);
    git(&work, &["add", "-A"]);
    git(&work, &["commit", "-qm", "upstream"]);
    let cache = root.path().join("cache");

    println!("peak resident memory of one run (release build), against 4 × the largest input and 500 MB:");
    let mut failures = 0;
    for (case, size, file, png) in [
        ("a 90 MB icon.png", 90 * MB, "icon.png", true),
        ("a 90 MB screenshot (an extra file)", 90 * MB, "screenshot.bin", false),
        ("a 30 MB readme", 30 * MB, "readme.md", false),
    ] {
        let folder = root.path().join("Open Brewery DB");
        let _ = std::fs::remove_dir_all(&folder);
        common::write_clean_connector(&folder);
        let bytes = if file == "readme.md" {
            let mut text = std::fs::read(folder.join("readme.md")).unwrap();
            while text.len() < size {
                text.extend_from_slice(b"A line of documentation that goes on and on, as some readmes do.\n");
            }
            text
        } else {
            noise(size, png)
        };
        std::fs::write(folder.join(file), &bytes).unwrap();
        drop(bytes);
        let patch = root.path().join("change.patch");
        for (what, args) in [
            ("validate", vec!["validate".to_string(), folder.display().to_string()]),
            (
                "submit --dry-run --patch",
                vec![
                    "submit".into(),
                    "--dry-run".into(),
                    "--patch".into(),
                    patch.display().to_string(),
                    "--upstream".into(),
                    work.display().to_string(),
                    "--author".into(),
                    "Bench <bench@example.com>".into(),
                    folder.display().to_string(),
                ],
            ),
        ] {
            let mut command = Command::new(&bin);
            command
                .args(&args)
                .env("CONNECTOR_PUBLISH_CACHE", &cache)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env_remove("GH_TOKEN")
                .env_remove("GITHUB_TOKEN");
            let (peak, code) = peak_of(command);
            let ratio = peak as f64 / size as f64;
            let ok = ratio <= 4.0 && peak < 500 * MB as u64;
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
