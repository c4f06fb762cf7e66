//! Shared helpers for integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The real corpus, from `CONNECTOR_PUBLISH_CORPUS`. `None` (with a notice) when the variable is
/// unset; a panic when it is set and the data is missing, so CI cannot pass without it.
pub fn corpus() -> Option<PathBuf> {
    let Some(root) = std::env::var_os("CONNECTOR_PUBLISH_CORPUS") else {
        eprintln!("SKIPPED: CONNECTOR_PUBLISH_CORPUS is not set; set it to the corpus folder to run this test");
        return None;
    };
    let root = PathBuf::from(root);
    let root = if root.is_relative() {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(root)
    } else {
        root
    };
    for sub in [
        "upstream/certified-connectors",
        "upstream/independent-publisher-connectors",
        "upstream/custom-connectors",
        "replays",
    ] {
        assert!(root.join(sub).is_dir(), "CONNECTOR_PUBLISH_CORPUS={} lacks {sub}", root.display());
    }
    Some(root)
}

/// Every connector folder of the corpus's upstream, with the category folder it sits in.
pub fn upstream_connectors(root: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for category in ["certified-connectors", "independent-publisher-connectors", "custom-connectors"] {
        for entry in std::fs::read_dir(root.join("upstream").join(category)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                out.push((category.to_string(), entry.path()));
            }
        }
    }
    out.sort();
    out
}
