//! Evaluation: run `validate` over every connector of the corpus and print, per rule, how many
//! connectors it fires on, and how long the whole run and one typical connector take.
//!
//! Microsoft accepted every one of these connectors, so an error rule that fires on a large share
//! of them is either wrong or newer than the connector; this table is how rules get reviewed.
//!
//! Usage: cargo run --release --example validate_corpus [-- DIR]
//! DIR is the corpus's `upstream/` (every connector, default `$CONNECTOR_PUBLISH_CORPUS/upstream`)
//! or its `replays/` (the `after/` folder of each merged PR that added a new connector: what
//! recent accepted submissions look like, so rules newer than old connectors can be judged).

use connector_publish::check::validate_folder as validate;
use connector_publish::check::{Severity, RULES};
use connector_publish::connector::Category;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let root = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        let corpus = std::env::var_os("CONNECTOR_PUBLISH_CORPUS").expect("give the corpus upstream folder or set CONNECTOR_PUBLISH_CORPUS");
        PathBuf::from(corpus).join("upstream")
    });
    let mut folders = Vec::new();
    let replays = root.file_name().is_some_and(|n| n == "replays");
    if replays {
        for entry in std::fs::read_dir(&root).expect("replays folder") {
            let dir = entry.unwrap().path();
            let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("meta.json")).expect("meta.json")).unwrap();
            if meta["kind"] == "new" {
                let category = Category::from_folder(meta["category"].as_str().unwrap()).expect("category");
                folders.push((category, dir.join("after")));
            }
        }
    }
    for category in Category::ALL.into_iter().filter(|_| !replays) {
        let dir = root.join(category.folder());
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                folders.push((category, entry.path()));
            }
        }
    }
    folders.sort();

    let started = Instant::now();
    let results: Vec<_> = folders
        .par_iter()
        .map(|(category, path)| {
            // Check each connector as the category of the folder it was accepted into.
            let v = validate(path, Some(*category)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let rules: BTreeSet<&'static str> = v.report.findings.iter().map(|f| f.rule).collect();
            (*category, rules, v.report.errors() > 0)
        })
        .collect();
    let elapsed = started.elapsed();

    let mut per_rule: BTreeMap<&str, BTreeMap<Category, usize>> = BTreeMap::new();
    let mut totals: BTreeMap<Category, usize> = BTreeMap::new();
    let mut clean: BTreeMap<Category, usize> = BTreeMap::new();
    for (category, rules, has_errors) in &results {
        *totals.entry(*category).or_default() += 1;
        if !has_errors {
            *clean.entry(*category).or_default() += 1;
        }
        for r in rules {
            *per_rule.entry(r).or_default().entry(*category).or_default() += 1;
        }
    }

    println!(
        "Connectors: {} ({} certified, {} independent publisher, {} custom)",
        results.len(),
        totals.get(&Category::Certified).unwrap_or(&0),
        totals.get(&Category::IndependentPublisher).unwrap_or(&0),
        totals.get(&Category::Custom).unwrap_or(&0)
    );
    println!(
        "Without errors: certified {}, independent publisher {}, custom {}",
        clean.get(&Category::Certified).unwrap_or(&0),
        clean.get(&Category::IndependentPublisher).unwrap_or(&0),
        clean.get(&Category::Custom).unwrap_or(&0)
    );
    println!();
    println!("| rule | severity | certified | independent publisher | custom | share of all |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for rule in RULES {
        let counts = per_rule.get(rule.id).cloned().unwrap_or_default();
        let n: usize = counts.values().sum();
        let sev = if rule.severity == Severity::Error { "error" } else { "warning" };
        let c = |cat| counts.get(&cat).copied().unwrap_or(0);
        println!(
            "| {} | {sev} | {} | {} | {} | {:.1}% |",
            rule.id,
            c(Category::Certified),
            c(Category::IndependentPublisher),
            c(Category::Custom),
            100.0 * n as f64 / results.len() as f64
        );
    }
    println!();
    println!(
        "Whole corpus: {:.2} s on {} threads",
        elapsed.as_secs_f64(),
        rayon::current_num_threads()
    );

    // One typical connector, single-threaded, best of 20 runs.
    let typical = root.join("certified-connectors/DeepL");
    if typical.is_dir() {
        let best = (0..20)
            .map(|_| {
                let t = Instant::now();
                validate(&typical, None).unwrap();
                t.elapsed()
            })
            .min()
            .unwrap();
        println!("One connector ({}): {:.1} ms", typical.display(), best.as_secs_f64() * 1e3);
    }
}
