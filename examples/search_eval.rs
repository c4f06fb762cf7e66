//! Evaluation of the duplicate search on the real corpus: self-search, leave-one-out, and the
//! distributions the thresholds were chosen from.
//!
//! Usage: cargo run --release --example search_eval [-- CORPUS_UPSTREAM_DIR]
//! (default: $CONNECTOR_PUBLISH_CORPUS/upstream)

use connector_publish::catalog::search::{self, compare, Query, Verdict};
use connector_publish::catalog::{Index, IndexedConnector};
use connector_publish::connector::{Category, ConnectorPackage};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn main() {
    let root = std::env::args_os().nth(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(
            std::env::var_os("CONNECTOR_PUBLISH_CORPUS").expect("give the corpus upstream folder or set CONNECTOR_PUBLISH_CORPUS"),
        )
        .join("upstream")
    });
    let mut folders = Vec::new();
    for category in Category::ALL {
        for entry in std::fs::read_dir(root.join(category.folder())).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                folders.push((category, entry.path()));
            }
        }
    }
    folders.sort();
    let connectors: Vec<IndexedConnector> = folders
        .par_iter()
        .map(|(category, path)| {
            let package = ConnectorPackage::load(path).unwrap();
            let fingerprint = package.fingerprint().and_then(Result::ok);
            IndexedConnector {
                folder: format!("{}/{}", category.folder(), path.file_name().unwrap().to_string_lossy()),
                category: *category,
                swagger: package.swagger_file().map(|f| f.name.clone()),
                blob: None,
                properties_blob: None,
                fingerprint,
                error: None,
            }
        })
        .collect();
    let index = Index {
        format: 0,
        commit: "corpus".into(),
        connectors,
    };
    let n = index.connectors.len();

    let before = search::Thresholds {
        extended: false,
        ..search::THRESHOLDS
    };
    let after = search::THRESHOLDS;
    let mut loo_by_rules = Vec::new();
    for (name, t) in [("before (issue 25's rules off)", &before), ("after", &after)] {
        println!("== Rules {name} ==");
        // Self-search: every connector must find itself first, as a duplicate.
        let self_misses: Vec<String> = index
            .connectors
            .par_iter()
            .filter_map(|c| {
                let fp = c.fingerprint.clone()?;
                let found = search::search_with(&index, &Query::Connector(fp, Some(c.folder.clone())), None, &|_| None, t);
                match found.first() {
                    Some(first) if first.folder == c.folder && first.verdict == Verdict::Duplicate => None,
                    Some(first) => Some(format!("{} -> first {} ({:?})", c.folder, first.folder, first.verdict)),
                    None => Some(format!("{} -> nothing", c.folder)),
                }
            })
            .collect();
        println!("Self-search: {}/{} find themselves first as duplicate", n - self_misses.len(), n);
        for m in &self_misses {
            println!("  miss: {m}");
        }

        // Leave-one-out: with its own folder removed, how many connectors still get a duplicate?
        let results: Vec<(String, Vec<search::Candidate>)> = index
            .connectors
            .par_iter()
            .filter_map(|c| {
                let fp = c.fingerprint.clone()?;
                Some((
                    c.folder.clone(),
                    search::search_with(&index, &Query::Connector(fp, None), Some(&c.folder), &|_| None, t),
                ))
            })
            .collect();
        let mut loo: Vec<(String, String, f64, String)> = results
            .iter()
            .filter_map(|(folder, found)| {
                let first = found.first()?;
                (first.verdict == Verdict::Duplicate)
                    .then(|| (folder.clone(), first.folder.clone(), first.score, first.evidence.join("; ")))
            })
            .collect();
        loo.sort_by(|a, b| a.0.cmp(&b.0));
        println!();
        println!(
            "Leave-one-out: {} of {} connectors ({:.1}%) get a duplicate verdict",
            loo.len(),
            n,
            100.0 * loo.len() as f64 / n as f64
        );
        println!("| connector | duplicate of | score | evidence |");
        println!("| --- | --- | ---: | --- |");
        for (a, b, score, why) in &loo {
            println!("| {a} | {b} | {score:.2} | {why} |");
        }
        println!();
        loo_by_rules.push(results);
    }

    // Every verdict the new rules changed, over every (connector, candidate) pair of leave-one-out.
    let verdicts = |results: &[(String, Vec<search::Candidate>)]| -> BTreeMap<(String, String), (Verdict, String)> {
        results
            .iter()
            .flat_map(|(q, found)| {
                found
                    .iter()
                    .map(move |c| ((q.clone(), c.folder.clone()), (c.verdict, c.evidence.join("; "))))
            })
            .collect()
    };
    let (old, new) = (verdicts(&loo_by_rules[0]), verdicts(&loo_by_rules[1]));
    let keys: BTreeSet<&(String, String)> = old.keys().chain(new.keys()).collect();
    let show = |v: Option<&(Verdict, String)>| v.map_or("not listed".to_string(), |(v, _)| format!("{v:?}").to_lowercase());
    let changed: Vec<_> = keys
        .into_iter()
        .filter(|k| old.get(*k).map(|v| v.0) != new.get(*k).map(|v| v.0))
        .collect();
    println!(
        "Verdicts changed by the new rules (leave-one-out, every listed pair): {}",
        changed.len()
    );
    println!("| connector | candidate | before | after | why (after) |");
    println!("| --- | --- | --- | --- | --- |");
    for k in changed {
        let why = new.get(k).or(old.get(k)).map_or("", |v| v.1.as_str());
        println!("| {} | {} | {} | {} | {why} |", k.0, k.1, show(old.get(k)), show(new.get(k)));
    }
    println!();

    // Distributions over every pair on the same real host: the neighbours the thresholds must
    // keep apart, and the duplicates they must catch.
    let fps: Vec<(&str, &connector_publish::connector::Fingerprint)> = index
        .connectors
        .iter()
        .filter_map(|c| Some((c.folder.as_str(), c.fingerprint.as_ref()?)))
        .collect();
    let mut buckets = [0usize; 11];
    let mut same_host_pairs = 0;
    let mut title_pairs = Vec::new();
    for i in 0..fps.len() {
        for j in i + 1..fps.len() {
            let cmp = compare(fps[i].1, fps[j].1);
            if cmp.same_real_host {
                same_host_pairs += 1;
                buckets[(cmp.containment * 10.0).floor() as usize] += 1;
            }
            if cmp.title >= 0.8 && !cmp.same_real_host {
                title_pairs.push((fps[i].0, fps[j].0, cmp.title, cmp.common, cmp.containment));
            }
        }
    }
    println!();
    println!("Pairs on the same real host: {same_host_pairs}; share of the smaller connector's operations in common:");
    for (i, b) in buckets.iter().enumerate() {
        println!("  {:>3}%{}: {b}", i * 10, if i == 10 { "" } else { "+" });
    }
    println!();
    println!(
        "Pairs with similar titles (>= 0.8) on different or placeholder hosts: {}",
        title_pairs.len()
    );
    for (a, b, t, common, cont) in title_pairs.iter().filter(|p| p.3 > 0).take(40) {
        println!("  {a} ~ {b}: title {t:.2}, {common} ops in common ({:.0}%)", cont * 100.0);
    }
}
