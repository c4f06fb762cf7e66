//! Evaluation of the gate: over the corpus's real merged pull requests (`replays/`), how many would a
//! real `submit` let through? Microsoft accepted every one of them, so each one the gate stops is a
//! contributor stopped for nothing (or a rule newer than the merge).
//!
//! New connectors are judged as they are (every error blocks); updates are judged by what they
//! change: findings the `before/` folder already has are pre-existing and do not block, as
//! `submit --update` does. `--strict` shows what blocking on every error would cost.
//!
//! Prints the share let through, then the per-rule table: how many replays each rule fires on,
//! and how many it blocks (new errors).
//!
//! Usage: cargo run --release --example gate_eval [-- REPLAYS_DIR [--strict]]
//! (default `$CONNECTOR_PUBLISH_CORPUS/replays`)

use connector_publish::check::{self, Severity, RULES};
use connector_publish::connector::{Category, ConnectorPackage};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

struct Outcome {
    case: String,
    kind: String,
    fired: BTreeSet<&'static str>,
    blocked_by: BTreeSet<&'static str>,
    pre_existing: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let strict = args.iter().any(|a| a == "--strict");
    let root = args.iter().find(|a| !a.starts_with("--")).map(PathBuf::from).unwrap_or_else(|| {
        let corpus = std::env::var_os("CONNECTOR_PUBLISH_CORPUS").expect("give the corpus replays folder or set CONNECTOR_PUBLISH_CORPUS");
        PathBuf::from(corpus).join("replays")
    });
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("meta.json").is_file())
        .collect();
    cases.sort();

    let started = Instant::now();
    let outcomes: Vec<Outcome> = cases
        .par_iter()
        .map(|dir| {
            let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).unwrap()).unwrap();
            let category = Category::from_folder(meta["category"].as_str().unwrap()).expect("category");
            let kind = meta["kind"].as_str().unwrap().to_string();
            let folder = meta["folder"].as_str().unwrap().to_string();
            let after = ConnectorPackage::load(&dir.join("after")).unwrap();
            let mut report = check::check(&after, category);
            let before = dir.join("before");
            if kind == "update" && before.is_dir() {
                let old = ConnectorPackage::load(&before).unwrap();
                let upstream = check::check(&old, category);
                report.apply_baseline(&upstream, format!("{folder} before the pull request"));
            }
            // The certification package as `submit` checks it: these pull requests predate it in
            // independent publishers' pull requests (2025), so as with `--without-package`.
            report
                .findings
                .extend(connector_publish::certification::bot::check_folder(&after, category, true).findings);
            let fired = report.findings.iter().map(|f| f.rule).collect();
            let blocked_by = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error && (strict || !f.pre_existing))
                .map(|f| f.rule)
                .collect();
            Outcome {
                case: format!("{} {folder}", dir.file_name().unwrap().to_string_lossy()),
                kind,
                fired,
                blocked_by,
                pre_existing: report.pre_existing(),
            }
        })
        .collect();
    let elapsed = started.elapsed();

    let total = outcomes.len();
    let through = outcomes.iter().filter(|o| o.blocked_by.is_empty()).count();
    let by_kind = |k: &str| {
        let all = outcomes.iter().filter(|o| o.kind == k).count();
        let ok = outcomes.iter().filter(|o| o.kind == k && o.blocked_by.is_empty()).count();
        (ok, all)
    };
    let (new_ok, new_all) = by_kind("new");
    let (upd_ok, upd_all) = by_kind("update");
    println!(
        "Gate over {total} real merged pull requests ({}): a real run lets {through} through ({:.1}%)",
        if strict {
            "--strict: every error blocks"
        } else {
            "updates judged against before/"
        },
        100.0 * through as f64 / total.max(1) as f64
    );
    println!("  new connectors: {new_ok}/{new_all}; updates: {upd_ok}/{upd_all}");
    println!(
        "  pre-existing findings recognised in updates: {}",
        outcomes.iter().map(|o| o.pre_existing).sum::<usize>()
    );
    println!("  checked in {:.2} s", elapsed.as_secs_f64());

    let mut fired: BTreeMap<&str, usize> = BTreeMap::new();
    let mut blocked: BTreeMap<&str, usize> = BTreeMap::new();
    for o in &outcomes {
        for r in &o.fired {
            *fired.entry(r).or_default() += 1;
        }
        for r in &o.blocked_by {
            *blocked.entry(r).or_default() += 1;
        }
    }
    println!();
    println!("| rule | validator error | severity | fires on | blocks |");
    println!("|---|---|---|---|---|");
    let mut rows: Vec<_> = RULES.iter().filter(|r| fired.contains_key(r.id)).collect();
    rows.sort_by_key(|r| {
        (
            std::cmp::Reverse(blocked.get(r.id).copied().unwrap_or(0)),
            std::cmp::Reverse(fired[r.id]),
            r.id,
        )
    });
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.id,
            r.validator.unwrap_or("—"),
            match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            fired[r.id],
            blocked.get(r.id).copied().unwrap_or(0)
        );
    }
    let silent = RULES.iter().filter(|r| !fired.contains_key(r.id)).count();
    println!("({silent} of {} rules fire on none of these pull requests)", RULES.len());

    let stopped: Vec<_> = outcomes.iter().filter(|o| !o.blocked_by.is_empty()).collect();
    if !stopped.is_empty() {
        println!();
        println!("Stopped ({}):", stopped.len());
        for o in stopped {
            println!(
                "  {} [{}]: {}",
                o.case,
                o.kind,
                o.blocked_by.iter().copied().collect::<Vec<_>>().join(", ")
            );
        }
    }
}
