//! The code's own rules, held by a test so they cannot regress unnoticed: no source file
//! over 600 lines, a `//!` line on each saying what it owns, and no import cycle between
//! the top-level modules. (Functions over 100 lines are clippy's `too_many_lines`, set in
//! clippy.toml.)

use std::path::{Path, PathBuf};

const LONGEST_FILE: usize = 600;

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 50, "the source tree was not found");
    files
}

#[test]
fn no_source_file_is_over_600_lines() {
    let long: Vec<String> = sources()
        .into_iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            (lines > LONGEST_FILE).then(|| format!("{}: {lines} lines", path.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these along what they own: {long:#?}"
    );
}

#[test]
fn every_source_file_says_what_it_owns() {
    let silent: Vec<String> = sources()
        .into_iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap().starts_with("//! "))
        .map(|path| path.display().to_string())
        .collect();
    assert!(silent.is_empty(), "no //! line: {silent:#?}");
}

/// The top-level module a source file belongs to (`src/db/read.rs` → `db`).
fn top_module(path: &Path) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let first = path
        .strip_prefix(&src)
        .unwrap()
        .components()
        .next()
        .unwrap();
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// Which top-level modules each one names as `crate::x` outside comments and unit tests.
fn module_graph() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let files = sources();
    let tops: std::collections::BTreeSet<String> = files.iter().map(|p| top_module(p)).collect();
    let mut graph = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    for path in files.iter().filter(|p| !p.ends_with("tests.rs")) {
        let me = top_module(path);
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests {").next().unwrap();
        for line in code.lines().map(|l| l.split("//").next().unwrap()) {
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                rest = &rest[at + 7..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let names: Vec<String> = if name.is_empty() && rest.starts_with('{') {
                    let group = &rest[1..rest.find('}').unwrap_or(rest.len())];
                    group
                        .split(',')
                        .map(|n| n.trim().split("::").next().unwrap().to_string())
                        .collect()
                } else {
                    vec![name]
                };
                for n in names {
                    if n != me && tops.contains(&n) {
                        graph.entry(me.clone()).or_default().insert(n);
                    }
                }
            }
        }
    }
    graph
}

#[test]
fn no_two_top_level_modules_depend_on_each_other_through_any_path() {
    let graph = module_graph();
    assert!(graph.len() > 10, "the module graph was not read: {graph:?}");
    // Depth-first from each module: reaching itself again is a cycle.
    for start in graph.keys() {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<Vec<String>> = vec![vec![start.clone()]];
        while let Some(path) = stack.pop() {
            let last = path.last().unwrap();
            for next in graph.get(last).into_iter().flatten() {
                assert!(
                    next != start,
                    "import cycle: {} -> {next}",
                    path.join(" -> ")
                );
                if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
}
