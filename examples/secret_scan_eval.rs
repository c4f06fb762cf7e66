//! Evaluation of the secret scan on the 290 real merged pull requests of the corpus (`replays/*/after`).
//!
//! Prints every hit (replay, file:line:col, rule, the masked value) with the verdict a person gave
//! it after looking at the file (the `REVIEWED` list below): `real` (a credential that looks
//! issued: it should stop a submission) or `false` (a false positive). A hit nobody reviewed is
//! flagged `UNREVIEWED`, and a reviewed hit that no longer fires is listed as gone, so the list
//! stays true as the scan changes. Then the counts, and the speed: loading is not timed, the scan
//! of every replay is (the target is the whole corpus in under 3 s).
//!
//! With `--upstream`, it lists instead every hit on the corpus's `upstream/` (every connector as
//! published, about 1,000): no verdicts there, the list is for comparing two versions of the scan
//! (`diff` the output of each) and reviewing what changed.
//!
//! Usage: cargo run --release --example secret_scan_eval [-- [--upstream] CORPUS]
//! CORPUS defaults to `$CONNECTOR_PUBLISH_CORPUS`.

use connector_publish::check::scan_secrets;
use connector_publish::connector::ConnectorPackage;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Real,
    /// No corpus hit is judged false today; this is how one would be recorded.
    #[allow(dead_code)]
    False,
}
use Verdict::{False, Real};

/// Every hit on the corpus, judged by reading the file around it: (replay, file, rule, masked
/// value as printed, verdict, why).
///
/// Reviewed 2026-12 on the 290 replays: no credential-format, key, password or generic-assignment
/// hit at all (the corpus's readmes show `Bearer YOUR_ACCESS_TOKEN`, `"password": "Your-API-Password"`
/// and the like, all placeholders); the three hits are OAuth client ids, which the scan reports
/// as a warning (an id is not a secret, issue 10), and they are real ids of registered apps.
/// Not flagged, on purpose: b15d7ca4e8's readme shows a sample token of digits and one `x`
/// (`1670035114445x6313…`) in a "like in the example below" response: low entropy, documented as
/// an example.
///
/// Re-run 2026-12 after the scan learned unquoted assignments (`api_key: …`, `Password=…;`,
/// `?api_key=…`), `clientSecret` outside apiProperties, JSON-escaped strings, truncated and
/// base64 PEM keys, `AuthenticationHeaderValue("Bearer", …)` and binary files: no new hit on the
/// replays. On `--upstream` one new hit, reviewed and judged false: Connect Bridge's readme links
/// its installer as `download.php?id=202&token=…`, a download link's token, not a credential; a
/// URL's bare `token=` is no longer a key-like name. Not flagged, on purpose: ORB Intelligence's
/// swagger shows `?api_key=<a GUID>` in example responses; a GUID is read as an id.
const REVIEWED: &[(&str, &str, &str, &str, Verdict, &str)] = &[
    (
        "018ce6cdcf",
        "apiProperties.json",
        "secret-client-id",
        "the OAuth client id \"60mOMrhl23bdJmprB0pDzrLF7MXCqyzHMTitaOZeU7E\" looks real",
        Real,
        "a generated OAuth client id in oAuthSettings.clientId: a real id, a warning",
    ),
    (
        "023decc8eb",
        "apiProperties.json",
        "secret-client-id",
        "the OAuth client id \"a45b191f-fd2a-4dfe-b883-2eb19d179ca9\" looks real",
        Real,
        "an Azure AD application id (GUID) in oAuthSettings.clientId: a real id, a warning",
    ),
    (
        "f5a58e00cf",
        "apiProperties.json",
        "secret-client-id",
        "the OAuth client id \"a45b191f-fd2a-4dfe-b883-2eb19d179ca9\" looks real",
        Real,
        "the same Azure AD application id in the connector's next version: a real id, a warning",
    ),
];

fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let upstream = args.iter().position(|a| a == "--upstream").map(|i| args.remove(i)).is_some();
    let corpus = args
        .into_iter()
        .next()
        .or_else(|| std::env::var_os("CONNECTOR_PUBLISH_CORPUS"))
        .map(PathBuf::from)
        .expect("give the corpus folder or set CONNECTOR_PUBLISH_CORPUS");
    if upstream {
        return list_upstream(&corpus.join("upstream"));
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus.join("replays"))
        .expect("the corpus's replays/ folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("after").is_dir())
        .collect();
    cases.sort();
    let packages: Vec<(String, ConnectorPackage)> = cases
        .iter()
        .map(|c| {
            let name = c.file_name().unwrap().to_string_lossy().into_owned();
            (name, ConnectorPackage::load(&c.join("after")).expect("a replay's after/ folder"))
        })
        .collect();
    let bytes: usize = packages.iter().flat_map(|(_, p)| &p.files).map(|f| f.bytes.len()).sum();

    let started = Instant::now();
    // One thread: the figure is what one `validate` costs, summed.
    let results: Vec<_> = packages.iter().map(|(name, p)| (name, scan_secrets(p))).collect();
    let elapsed = started.elapsed();
    // The text scan alone (no JSON parsing), to see where the time goes.
    let started = Instant::now();
    let text_hits: usize = packages
        .iter()
        .flat_map(|(_, p)| &p.files)
        .map(|f| connector_publish::secrets::scan_text(&f.bytes).len())
        .sum();
    let text_elapsed = started.elapsed();

    let (mut real, mut false_hits, mut unreviewed) = (0, 0, 0);
    let mut seen = BTreeSet::new();
    for (name, findings) in &results {
        for f in findings {
            let at = f.position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
            let masked = masked_value(&f.message);
            let review = REVIEWED
                .iter()
                .find(|r| r.0 == name.as_str() && r.1 == f.file && r.2 == f.rule && r.3 == masked);
            let label = match review {
                Some(r) => {
                    seen.insert((r.0, r.1, r.2, r.3));
                    match r.4 {
                        Real => {
                            real += 1;
                            format!("real  ({})", r.5)
                        }
                        False => {
                            false_hits += 1;
                            format!("false ({})", r.5)
                        }
                    }
                }
                None => {
                    unreviewed += 1;
                    "UNREVIEWED".to_string()
                }
            };
            println!("{name} {}{at} [{}] {:?} {masked}: {label}", f.file, f.rule, f.severity);
            if review.is_none() {
                println!(
                    "    (\"{name}\", \"{}\", \"{}\", \"{masked}\", ?, \"\"),  // {}",
                    f.file, f.rule, f.message
                );
            }
        }
    }
    for r in REVIEWED.iter().filter(|r| !seen.contains(&(r.0, r.1, r.2, r.3))) {
        println!("gone: a reviewed hit no longer fires: {} {} [{}] {}", r.0, r.1, r.2, r.3);
    }
    println!();
    println!(
        "{} replays, {} files, {:.1} MB scanned",
        packages.len(),
        packages.iter().map(|(_, p)| p.files.len()).sum::<usize>(),
        bytes as f64 / 1e6
    );
    let errors = results
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.severity == connector_publish::check::Severity::Error)
        .count();
    println!(
        "hits: {} (real {real}, false {false_hits}, unreviewed {unreviewed}); errors (would stop a submission): {errors}; connectors with a hit: {}",
        real + false_hits + unreviewed,
        results.iter().filter(|(_, f)| !f.is_empty()).count()
    );
    println!(
        "scan time: {:.2} s for the whole corpus, JSON parsing included ({:.0} MB/s; target under 3 s)",
        elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / elapsed.as_secs_f64()
    );
    println!(
        "  of which the text scan of every file: {:.2} s ({:.0} MB/s, {text_hits} raw hits)",
        text_elapsed.as_secs_f64(),
        bytes as f64 / 1e6 / text_elapsed.as_secs_f64()
    );
}

/// Every secret finding on every published connector, one line each, in a stable order.
fn list_upstream(root: &std::path::Path) {
    let mut folders = Vec::new();
    for category in connector_publish::connector::Category::ALL {
        let dir = root.join(category.folder());
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                folders.push(entry.path());
            }
        }
    }
    folders.sort();
    let (mut hits, mut with_hit, mut elapsed) = (BTreeMap::<&str, usize>::new(), 0, std::time::Duration::ZERO);
    for folder in &folders {
        let package = ConnectorPackage::load(folder).expect("a connector folder");
        let started = Instant::now();
        let findings = scan_secrets(&package);
        elapsed += started.elapsed();
        let name = folder.strip_prefix(root).unwrap_or(folder).display();
        with_hit += usize::from(!findings.is_empty());
        for f in findings {
            let at = f.position.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default();
            println!("{name}/{}{at} [{}] {:?} {}", f.file, f.rule, f.severity, f.message);
            *hits.entry(f.rule).or_default() += 1;
        }
    }
    println!();
    println!("{} connectors, {with_hit} with a hit; hits by rule: {hits:?}", folders.len());
    println!("scan time: {:.2} s", elapsed.as_secs_f64());
}

/// The masked value a finding message ends with (`ghp_…(40 chars)`), or the message itself.
fn masked_value(message: &str) -> String {
    match message.rfind(": ") {
        Some(i) if message.ends_with("chars)") => message[i + 2..].to_string(),
        _ => message.to_string(),
    }
}
