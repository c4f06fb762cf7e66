//! The package model over every real connector of the corpus (about 1,000): every folder loads,
//! every swagger file yields a fingerprint, every JSON file yields data, and the inferred
//! category matches the folder Microsoft put the connector in.

use crate::common;

use connector_publish::check;
use connector_publish::connector::{category, json, Category, ConnectorPackage, KnownFile};

#[test]
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn every_corpus_connector_loads_fingerprints_and_is_categorised() {
    let root = common::corpus();
    let connectors = common::upstream_connectors(&root);
    assert!(connectors.len() > 900, "only {} connectors in the corpus", connectors.len());

    let mut swagger_files = 0;
    let mut fingerprinted = 0;
    let mut non_strict = Vec::new();
    let mut unreadable = Vec::new();
    let mut matched = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for (folder, path) in &connectors {
        let package = ConnectorPackage::load(path).unwrap_or_else(|e| panic!("{e}"));
        // Checking must not panic on any real connector.
        let inferred_properties = package.json(KnownFile::ApiProperties).and_then(Result::ok);
        let inference = category::infer(inferred_properties.as_ref().map(|d| &d.value));
        check::check(&package, inference.category);

        for file in &package.files {
            if file.name.to_ascii_lowercase().ends_with(".json") {
                match json::parse(&file.bytes) {
                    Ok(doc) if !doc.is_strict() => non_strict.push(format!("{}/{}", path.display(), file.name)),
                    Ok(_) => {}
                    Err(e) => unreadable.push(format!("{}/{}: {e}", path.display(), file.name)),
                }
            }
        }
        if package.swagger_file().is_some() {
            swagger_files += 1;
            match package.fingerprint() {
                Some(Ok(fp)) if !fp.operations.is_empty() || fp.title.is_some() => fingerprinted += 1,
                other => panic!("{}: no fingerprint: {other:?}", path.display()),
            }
        }
        let expected = Category::from_folder(folder).unwrap();
        let entry = matched.entry(folder.as_str()).or_default();
        entry.1 += 1;
        if inference.category == expected {
            entry.0 += 1;
        }
    }
    assert!(
        unreadable.is_empty(),
        "JSON files no data could be recovered from:\n{}",
        unreadable.join("\n")
    );
    assert_eq!(fingerprinted, swagger_files);
    // The corpus README promises real quirks; make sure they were met, not skipped.
    assert!(
        non_strict.len() >= 15,
        "expected the corpus's non-strict JSON files, found {}",
        non_strict.len()
    );
    eprintln!(
        "{fingerprinted}/{swagger_files} swagger files fingerprinted, {} non-strict JSON files recovered",
        non_strict.len()
    );
    for (folder, (ok, total)) in &matched {
        let share = *ok as f64 / *total as f64;
        eprintln!("category inferred right for {folder}: {ok}/{total} ({:.1}%)", share * 100.0);
        if *folder != "custom-connectors" {
            assert!(share >= 0.98, "{folder}: inferred category matches for only {:.1}%", share * 100.0);
        }
    }
}

#[test]
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn every_readme_casing_of_the_corpus_is_recognised() {
    let root = common::corpus();
    let mut casings = std::collections::BTreeSet::new();
    for (_, path) in common::upstream_connectors(&root) {
        let package = ConnectorPackage::load(&path).unwrap();
        if let Some(readme) = package.file(KnownFile::Readme) {
            casings.insert(readme.name.clone());
        }
    }
    for name in ["readme.md", "README.md", "Readme.md", "README.MD"] {
        assert!(casings.contains(name), "no {name} recognised; saw {casings:?}");
    }
}

/// Every webhook of the corpus (about 190 connectors; `x-ms-notification-content` on the path
/// item, as create-webhook-trigger.md writes it) gets no notification finding: the rules used to
/// look on the operation and warned on every one of them.
#[test]
#[ignore = "needs the real corpus in CONNECTOR_PUBLISH_CORPUS; .ci/run sets it and runs ignored tests"]
fn the_corpus_webhooks_get_no_notification_finding() {
    let root = common::corpus();
    let mut webhooks = 0;
    let mut flagged = Vec::new();
    for (_, path) in common::upstream_connectors(&root) {
        let package = ConnectorPackage::load(&path).unwrap();
        let Some(swagger) = package.swagger_file() else { continue };
        if !String::from_utf8_lossy(&swagger.bytes).contains("x-ms-notification-content") {
            continue;
        }
        webhooks += 1;
        let report = check::check(&package, Category::Certified);
        for f in &report.findings {
            if matches!(f.rule, "notification-content-missing" | "webhook-notification-url-missing") {
                flagged.push(format!("{}: {} {}", path.display(), f.rule, f.message));
            }
        }
    }
    assert!(webhooks > 150, "only {webhooks} webhook connectors found");
    assert!(flagged.is_empty(), "{}", flagged.join("\n"));
}
