//! The rule that keeps the house reading one way: a module imports only modules on its own floor
//! or lower, and there are no import circles between top-level modules. The floors are the
//! pipeline's order, written down in CONTRIBUTING.md ("Floors"); this test reads every
//! `crate::…` path outside `#[cfg(test)]` sections and fails on one that runs upward.

/// Lowest first. Modules on one floor may import each other as long as no circle forms.
const FLOORS: &[&[&str]] = &[
    // Ground: how a command ends, the config file and the real services' addresses, what a
    // secret looks like and the one mask.
    &["exit", "config", "secrets"],
    // Printing (styles, the masked writer) and the network (one client, limits, git over it).
    &["output"],
    &["net"],
    // The connector folder: files as bytes, tolerant JSON, fingerprint, category, names.
    &["connector"],
    // Where a connector comes from: an environment (the Power Apps API) or a folder.
    &["powerplatform"],
    &["source", "scaffold"],
    // The gate, then the certification package (its rules speak the gate's severities).
    &["check"],
    &["certification"],
    // Upstream: the mirror, the index, the duplicate search.
    &["catalog"],
    &["plan"],
    &["publish"],
    // After the pull request: what GitHub's answers mean (the certification bot).
    &["follow"],
    // Commands and what they print.
    &["report"],
    &["commands", "cli"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

/// Every top-level module each top-level module imports (outside tests), with where.
fn imports() -> std::collections::BTreeMap<String, Vec<(String, String)>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.clone()];
    let mut found: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
    let path_re = regex::Regex::new(r"crate::([a-z_][a-z0-9_]*)").unwrap();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&root).unwrap();
        let top = rel.components().next().unwrap().as_os_str().to_string_lossy();
        let top = top.trim_end_matches(".rs").to_string();
        if matches!(top.as_str(), "lib" | "main" | "layers") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for c in path_re.captures_iter(line) {
                let target = c[1].to_string();
                if target != top {
                    found
                        .entry(top.clone())
                        .or_default()
                        .push((target, format!("{}:{}", rel.display(), n + 1)));
                }
            }
        }
    }
    found
}

#[test]
fn no_module_imports_a_higher_floor() {
    let mut wrong = Vec::new();
    for (module, targets) in imports() {
        let Some(from) = floor_of(&module) else {
            wrong.push(format!("{module} is on no floor: add it to FLOORS and to CONTRIBUTING.md"));
            continue;
        };
        for (target, at) in targets {
            match floor_of(&target) {
                None => wrong.push(format!("{at}: {target} is on no floor")),
                Some(to) if to > from => wrong.push(format!("{at}: {module} (floor {from}) imports {target} (floor {to})")),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "imports that run upward:\n{}", wrong.join("\n"));
}

#[test]
fn no_import_circles() {
    let graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = imports()
        .into_iter()
        .map(|(m, t)| (m, t.into_iter().map(|(t, _)| t).collect()))
        .collect();
    // A depth-first search that reports the first circle it closes.
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            let mut circle = stack[i..].to_vec();
            circle.push(node.to_string());
            return Some(circle);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = Default::default();
    for node in graph.keys() {
        if let Some(circle) = visit(node, &graph, &mut Vec::new(), &mut done) {
            panic!("an import circle: {}", circle.join(" -> "));
        }
    }
}

#[test]
fn the_floors_name_every_module_once() {
    let all: Vec<&str> = FLOORS.iter().flat_map(|f| f.iter().copied()).collect();
    let unique: std::collections::BTreeSet<&str> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len(), "a module on two floors");
    // A layering test that reads nothing would pass on anything.
    assert!(imports().len() >= 10, "the source tree was not read");
}
