//! `refresh-conformance list`: the catalog grouped by area, with coverage counts.

use super::input_errors;
use clap::Args;
use refresh_conformance::scenario::load;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ListArgs {
    /// text, json, or markdown (the README's catalog table).
    #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown"])]
    pub format: String,
    /// Extra scenario folders (repeatable).
    #[arg(long = "scenarios", value_name = "DIR")]
    pub scenarios: Vec<PathBuf>,
    /// Leave out the built-in catalog.
    #[arg(long)]
    pub no_builtin: bool,
}

pub fn list(a: ListArgs) -> i32 {
    let scenarios = match super::load_scenarios(!a.no_builtin, &a.scenarios) {
        Ok(s) => s,
        Err(e) => return input_errors(&e),
    };
    if a.format == "json" {
        let items: Vec<serde_json::Value> = scenarios
            .iter()
            .map(|s| {
                serde_json::json!({
                    "id": s.id(), "area": s.area(), "title": s.file.title, "level": s.file.level,
                    "refs": s.file.refs, "when": s.file.when, "client": s.client(),
                    "guarded_by": s.file.guarded_by, "ignored": s.file.ignored, "origin": s.origin,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&items).unwrap_or_default()
        );
        return 0;
    }
    if a.format == "markdown" {
        print!(
            "{}",
            refresh_conformance::scenario::catalog_table::markdown(&scenarios)
        );
        return 0;
    }
    let mut by_area: BTreeMap<&str, Vec<&load::Scenario>> = BTreeMap::new();
    for s in &scenarios {
        by_area.entry(s.area()).or_default().push(s);
    }
    for (area, list) in &by_area {
        let must = list
            .iter()
            .filter(|s| s.file.level == refresh_conformance::scenario::model::Level::Must)
            .count();
        println!("{area} ({} scenarios, {must} must)", list.len());
        for s in list {
            println!("  {:<46} {:<6} {}", s.id(), s.file.level, s.file.title);
            println!("  {:<46} refs: {}", "", s.file.refs.join(", "));
            if !s.file.when.is_empty() {
                println!("  {:<46} when: {}", "", s.file.when.join(", "));
            }
        }
    }
    println!("{} scenarios in {} areas", scenarios.len(), by_area.len());
    0
}
