//! `package check` time against the number of XML attributes in customizations.xml (issue 26).
//!
//! One `<Connector>` element with N distinct attributes took time in N² (the XML parser's check
//! for duplicate attributes): 200,000 attributes, a 734 KB zip, took 73 s. Attributes are now
//! counted in one linear pass as the file streams, before it is held or parsed: more than 256 on
//! one element (or a million in all) and the file is refused without being parsed. Two shapes,
//! 20k / 100k / 200k attributes each:
//!
//! - all on one `<Connector>`: refused at the 257th attribute, so the time hardly moves;
//! - 26 per element (what Dataverse's elements look like, in number): parsed whole, the time
//!   grows with N, linearly (200k / 20k should be about 10 ×, not 100 ×).
//!
//! Figures (debug build, 2 shared cores), best of 3:
//!
//! | attributes | one element (refused) | 26 per element (parsed) |
//! | --- | --- | --- |
//! | 20k | 0.001 s | 0.015 s |
//! | 100k | 0.002 s | 0.088 s |
//! | 200k | 0.008 s (was 73 s) | 0.176 s (11.4 × 20k's) |
//!
//! Usage: cargo run --release --example xml_attribute_time (in-process, no network).

use connector_publish::certification::{self, archive::Limits, Options};
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const NAME: &str = "new_5Fbench";

fn solution(flow: bool, connector_attributes: &str, entities: &str) -> Vec<u8> {
    let workflows = if flow {
        "<Workflows><Workflow WorkflowId=\"{1}\" Name=\"Flow\"><JsonFileName>/Workflows/Flow-1.json</JsonFileName></Workflow></Workflows>"
    } else {
        "<Workflows />"
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ImportExportXml><Entities>{entities}</Entities>{workflows}<Connectors>\
         <Connector{connector_attributes}><name>{NAME}</name><openapidefinition>/Connector/{NAME}_openapidefinition.json</openapidefinition>\
         </Connector></Connectors></ImportExportXml>"
    );
    let swagger = format!("Connector/{NAME}_openapidefinition.json");
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types />"),
        ("solution.xml", b"<ImportExportXml />"),
        ("customizations.xml", xml.as_bytes()),
        (&swagger, br#"{"swagger": "2.0", "info": {"title": "Bench"}, "paths": {}}"#),
    ];
    if flow {
        entries.push(("Workflows/Flow-1.json", b"{}"));
    }
    zip_of(&entries)
}

/// The certification package with `connector_attributes` on the connector solution's
/// `<Connector>` and `entities` in the flow solution's `<Entities>`.
fn package(connector_attributes: &str, entities: &str) -> Vec<u8> {
    let deployer = zip_of(&[
        ("PkgAssets/ImportConfig.xml", b"<configdatastorage />"),
        ("PkgAssets/Connector.zip", &solution(false, connector_attributes, "")),
        ("PkgAssets/Flow.zip", &solution(true, "", entities)),
    ]);
    let intro = "Bench.\n\n## Prerequisites\n\nNone.\n\n## How to get credentials\n\nNone.\n\n## Known issues and limitations\n\nNone.\n";
    zip_of(&[("intro.md", intro.as_bytes()), ("Bench.pdpkg.zip", &deployer)])
}

/// Best of three, and the number of error findings.
fn time(bytes: &[u8]) -> (Duration, usize, String) {
    let options = Options {
        plugin: false,
        limits: Limits::default(),
    };
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..3 {
        let started = Instant::now();
        let inspection = certification::check("bench.zip", bytes.to_vec(), &options);
        best = best.min(started.elapsed());
        last = Some(inspection.report);
    }
    let report = last.unwrap();
    let first = report
        .findings
        .iter()
        .find(|f| f.rule == "solution-customizations")
        .map(|f| f.message.clone())
        .unwrap_or_else(|| "parsed, no finding".into());
    (best, report.errors(), first)
}

fn main() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut value = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % 1_000_000
    };
    println!("package check time against attributes in customizations.xml (best of 3):");
    let mut failures = 0;
    for (shape, one_element) in [("all on one <Connector>", true), ("26 per element", false)] {
        let mut times = Vec::new();
        for n in [20_000usize, 100_000, 200_000] {
            let bytes = if one_element {
                let attrs: String = (0..n).map(|i| format!(" a{i}=\"{}\"", value())).collect();
                package(&attrs, "")
            } else {
                let mut entities = String::new();
                for _ in 0..n / 26 {
                    entities.push_str("<e");
                    for i in 0..26 {
                        entities.push_str(&format!(" a{i}=\"{}\"", value()));
                    }
                    entities.push_str("/>");
                }
                package("", &entities)
            };
            let (took, errors, said) = time(&bytes);
            println!(
                "  {shape:<24} {n:>7} attributes  zip {:>5} KB  {:>8.3} s  {:>6.2} µs/attribute  {errors} error(s): {said}",
                bytes.len() >> 10,
                took.as_secs_f64(),
                took.as_secs_f64() * 1e6 / n as f64,
            );
            times.push(took.as_secs_f64());
        }
        let growth = times[2] / times[0].max(1e-6);
        let ok = times[2] < 2.0 && growth < 20.0;
        if !ok {
            failures += 1;
        }
        println!(
            "  {shape}: 200k takes {growth:.1} × the time of 20k (10 × is linear, 100 × quadratic); 200k in {:.3} s  {}",
            times[2],
            if ok { "ok" } else { "OVER" }
        );
    }
    if failures > 0 {
        std::process::exit(1);
    }
}
