//! House rules, enforced (ARCHITECTURE.md, "Dependency rules" and "Size"):
//! - top-level modules import only along the flow, by the table below;
//! - the submodules of a module have no import cycle;
//! - no source file is over 500 lines, no function over 100 lines (outside
//!   table-like code, listed with its reason).
//!
//! Each rule is also run on a fixture that breaks it, so the check itself is
//! shown able to fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod lex;
use lex::{code_only, functions};

/// Which top-level modules each module may import. The order is the flow:
/// leaves first; a module never imports the module that consumes it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("oauth", &[]),
    ("doc", &[]),
    ("clause", &[]),
    ("redact", &["oauth"]),
    ("behaviour", &["clause", "doc", "oauth"]),
    ("scenario", &["behaviour", "clause", "doc", "oauth"]),
    ("emulator", &["behaviour", "doc", "oauth"]),
    ("target", &["behaviour", "doc", "emulator", "oauth"]),
    ("judge", &["clause", "oauth", "scenario"]),
    ("record", &["clause", "scenario"]),
    (
        "run",
        &[
            "behaviour",
            "judge",
            "oauth",
            "record",
            "redact",
            "scenario",
            "target",
        ],
    ),
    ("report", &["clause", "doc", "record", "redact", "scenario"]),
    // The probe consumes the runner's records; only the CLI imports it.
    (
        "probe",
        &["behaviour", "record", "redact", "run", "scenario", "target"],
    ),
];

/// Functions allowed over 100 lines, each with why (table-like code).
const LONG_FUNCTIONS: &[(&str, &str, &str)] = &[
    (
        "src/report/sample.rs",
        "sample_records",
        "fixture data: one literal record after another",
    ),
    (
        "src/target/init.rs",
        "template",
        "the commented target file, written out line by line",
    ),
];

const MAX_FILE_LINES: usize = 500;
const MAX_FN_LINES: usize = 100;

/// (path relative to the crate, text) of every `.rs` file under `dir`.
fn rust_files(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p: PathBuf = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------ dependencies

/// The module path of a source file: `src/run/step/grant.rs` → run, step, grant.
fn module_path(rel: &str) -> Vec<String> {
    let p = rel.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = p.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// Every `crate::a::b` and `super::...::x` path in the code, resolved to a
/// path from the crate root.
fn referenced_paths(rel: &str, code: &str) -> Vec<Vec<String>> {
    let here = module_path(rel);
    let mut out = Vec::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .collect();
    for w in words {
        let segs: Vec<&str> = w.split("::").filter(|s| !s.is_empty()).collect();
        let (mut base, rest): (Vec<String>, &[&str]) = match segs.first() {
            Some(&"crate") => (vec![], &segs[1..]),
            Some(&"super") => {
                let ups = segs.iter().take_while(|s| **s == "super").count();
                let mut b = here.clone();
                for _ in 0..ups {
                    b.pop();
                }
                (b, &segs[ups..])
            }
            _ => continue,
        };
        base.extend(rest.iter().map(|s| s.to_string()));
        out.push(base);
    }
    out
}

/// Edges `from → to` between top-level modules of the library.
fn top_level_edges(files: &[(String, String)]) -> BTreeSet<(String, String)> {
    let mut edges = BTreeSet::new();
    for (rel, text) in files {
        let from = module_path(rel);
        let Some(from) = from.first() else { continue };
        if ["lib", "main", "cli"].contains(&from.as_str()) {
            continue;
        }
        for p in referenced_paths(rel, &code_only(text)) {
            if let Some(to) = p.first() {
                if to != from {
                    edges.insert((from.clone(), to.clone()));
                }
            }
        }
    }
    edges
}

/// Edges the table does not allow, as "from -> to".
fn violations(edges: &BTreeSet<(String, String)>) -> Vec<String> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    edges
        .iter()
        .filter(|(f, t)| {
            allowed
                .get(f.as_str())
                .is_none_or(|ok| !ok.contains(&t.as_str()))
        })
        .map(|(f, t)| format!("{f} -> {t}"))
        .collect()
}

/// Edges between the submodules of `top` (its root file is a facade and
/// is left out; names that are not submodules are not edges).
fn submodule_edges(files: &[(String, String)], top: &str) -> BTreeSet<(String, String)> {
    let subs: BTreeSet<String> = files
        .iter()
        .map(|(rel, _)| module_path(rel))
        .filter(|p| p.len() >= 2 && p[0] == top)
        .map(|p| p[1].clone())
        .collect();
    let mut edges = BTreeSet::new();
    for (rel, text) in files {
        let from = module_path(rel);
        if from.len() < 2 || from[0] != top {
            continue;
        }
        for p in referenced_paths(rel, &code_only(text)) {
            if p.len() >= 2 && p[0] == top && subs.contains(&p[1]) && p[1] != from[1] {
                edges.insert((from[1].clone(), p[1].clone()));
            }
        }
    }
    edges
}

/// A cycle in the graph, if any, as `a -> b -> a`.
fn find_cycle(edges: &BTreeSet<(String, String)>) -> Option<String> {
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (f, t) in edges {
        graph.entry(f).or_default().push(t);
    }
    fn visit<'a>(
        n: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<String> {
        state.insert(n, 1);
        stack.push(n);
        for &m in graph.get(n).map(Vec::as_slice).unwrap_or(&[]) {
            match state.get(m) {
                Some(1) => {
                    let at = stack.iter().position(|x| *x == m).unwrap();
                    let mut c: Vec<&str> = stack[at..].to_vec();
                    c.push(m);
                    return Some(c.join(" -> "));
                }
                None => {
                    if let Some(c) = visit(m, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n, 2);
        None
    }
    let mut state = BTreeMap::new();
    let nodes: Vec<&str> = graph.keys().copied().collect();
    for n in nodes {
        if !state.contains_key(n) {
            if let Some(c) = visit(n, &graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

// ------------------------------------------------------------ sizes

fn long_functions(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in files {
        for (name, line, n) in functions(text) {
            let exempt = LONG_FUNCTIONS
                .iter()
                .any(|(f, fname, _)| f == rel && *fname == name);
            if n > MAX_FN_LINES && !exempt {
                out.push(format!("{rel}:{line}: fn {name} has {n} lines"));
            }
        }
    }
    out
}

fn long_files(files: &[(String, String)]) -> Vec<String> {
    files
        .iter()
        .map(|(rel, text)| (rel, text.lines().count()))
        .filter(|(_, n)| *n > MAX_FILE_LINES)
        .map(|(rel, n)| format!("{rel}: {n} lines"))
        .collect()
}

fn all_sources() -> Vec<(String, String)> {
    let mut files = rust_files("src");
    files.extend(rust_files("tests"));
    files
}

// ------------------------------------------------------------ the rules

#[test]
fn modules_import_only_along_the_flow() {
    let edges = top_level_edges(&rust_files("src"));
    assert!(!edges.is_empty(), "no imports found: the scanner is broken");
    let bad = violations(&edges);
    assert!(
        bad.is_empty(),
        "imports against the flow (ARCHITECTURE.md, Dependency rules): {bad:#?}"
    );
}

#[test]
fn the_allowed_table_is_a_flow_without_cycles() {
    let mut edges = BTreeSet::new();
    for (i, (from, to)) in ALLOWED.iter().enumerate() {
        for t in *to {
            edges.insert((from.to_string(), t.to_string()));
            let listed_before = ALLOWED[..i].iter().any(|(m, _)| m == t);
            assert!(listed_before, "{from} may import {t}, listed after it");
        }
    }
    assert_eq!(find_cycle(&edges), None);
}

#[test]
fn submodules_import_without_cycles() {
    let files = rust_files("src");
    let tops: BTreeSet<String> = files
        .iter()
        .map(|(rel, _)| module_path(rel))
        .filter(|p| p.len() >= 2)
        .map(|p| p[0].clone())
        .collect();
    for top in tops {
        let edges = submodule_edges(&files, &top);
        assert_eq!(find_cycle(&edges), None, "in {top}/");
    }
}

#[test]
fn no_source_file_is_over_500_lines() {
    let long = long_files(&all_sources());
    assert!(long.is_empty(), "split these files: {long:#?}");
}

#[test]
fn no_function_is_over_100_lines() {
    let long = long_functions(&all_sources());
    assert!(long.is_empty(), "split these functions: {long:#?}");
}

// ------------------------------------------------------------ the checks can fail

fn fixture(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_back_edge_is_caught() {
    let files = fixture(&[
        ("src/report/junit.rs", "use crate::run::http::Request;\n"),
        (
            "src/run/env.rs",
            "// crate::report::Redactor in a comment is no import\nuse crate::redact::Redactor;\nlet s = \"crate::report::x\";\n",
        ),
    ]);
    assert_eq!(violations(&top_level_edges(&files)), ["report -> run"]);
}

#[test]
fn a_cycle_between_submodules_is_caught() {
    let files = fixture(&[
        ("src/run/env.rs", "use super::preflight::Preflight;\n"),
        ("src/run/preflight.rs", "use super::trial::Trial;\n"),
        ("src/run/trial/mod.rs", "use super::env::RunEnv;\n"),
        ("src/run/trial/capture.rs", "use super::Trial;\n"),
    ]);
    let edges = submodule_edges(&files, "run");
    assert_eq!(
        find_cycle(&edges).as_deref(),
        Some("env -> preflight -> trial -> env")
    );
}

#[test]
fn a_long_function_and_a_long_file_are_caught() {
    let mut body = String::from("pub(crate) async fn big() {\n    let s = \"}\";\n");
    for i in 0..100 {
        body.push_str(&format!("    let x{i} = '{{';\n"));
    }
    body.push_str("}\nfn small() -> u8 { 1 }\nfn decl();\n");
    let files = fixture(&[("src/x.rs", &body)]);
    assert_eq!(long_functions(&files), ["src/x.rs:1: fn big has 103 lines"]);
    assert_eq!(long_files(&files), Vec::<String>::new());
    let files = fixture(&[("src/y.rs", &"\n".repeat(501))]);
    assert_eq!(long_files(&files), ["src/y.rs: 501 lines"]);
}
