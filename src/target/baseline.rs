//! Baseline files (DESIGN.md contract): known deviations of one target.
//!
//! ```toml
//! [expect."scope/omitted-returns-original"]
//! outcome = "fail"                      # fail | warn | skip | error
//! reason = "keeps the narrowed scope after rotation; vendor case 1234"
//! ```
//! JSON files (`.json`) with the same structure are accepted. The interop
//! expectation files use the same form.

use crate::doc::{suggest, type_name, Doc};
use std::collections::BTreeMap;
use std::path::Path;

/// Outcomes a baseline entry may expect.
pub const OUTCOMES: &[&str] = &["fail", "warn", "skip", "error"];

/// Scenario id → (expected outcome, reason).
pub type Baseline = BTreeMap<String, (String, String)>;

/// Parse a baseline file's text. Every problem is reported, each located.
pub fn parse_baseline(path: &Path, text: &str) -> Result<Baseline, Vec<String>> {
    let doc = Doc::parse(path, text).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut out = Baseline::new();
    for (key, value) in &doc.root {
        if key != "expect" {
            errors.push(doc.at_key(
                &[key],
                &format!(
                    "unknown key `{key}`{} (a baseline has only [expect.\"scenario/id\"] tables)",
                    suggest(key, &["expect"])
                ),
            ));
            continue;
        }
        let Some(table) = value.as_table() else {
            errors.push(doc.at_value(
                &["expect"],
                &format!("`expect` must be a table, not {}", type_name(value)),
            ));
            continue;
        };
        for (id, entry) in table {
            let here = ["expect", id.as_str()];
            let Some(entry) = entry.as_table() else {
                errors.push(doc.at_value(
                    &here,
                    &format!(
                        "`expect.\"{id}\"` must be a table with `outcome` and `reason`, not {}",
                        type_name(entry)
                    ),
                ));
                continue;
            };
            if id.trim().is_empty() {
                errors.push(doc.at_key(&here, "a baseline entry needs a scenario id"));
            }
            for k in entry.keys() {
                if k != "outcome" && k != "reason" {
                    errors.push(doc.at_key(
                        &["expect", id, k],
                        &format!(
                            "unknown key `{k}`{} (an entry has `outcome` and `reason`)",
                            suggest(k, &["outcome", "reason"])
                        ),
                    ));
                }
            }
            let outcome = match entry.get("outcome") {
                None => {
                    errors.push(doc.at_key(
                        &here,
                        &format!(
                            "`{id}`: `outcome` is missing (one of {})",
                            OUTCOMES.join(" | ")
                        ),
                    ));
                    None
                }
                Some(toml::Value::String(s)) if OUTCOMES.contains(&s.as_str()) => Some(s.clone()),
                Some(toml::Value::String(s)) => {
                    let hint = if s == "pass" {
                        "; a passing scenario needs no entry"
                    } else {
                        ""
                    };
                    errors.push(doc.at_value(
                        &["expect", id, "outcome"],
                        &format!(
                            "`{id}`: unknown outcome `{s}` (one of {}){hint}",
                            OUTCOMES.join(" | ")
                        ),
                    ));
                    None
                }
                Some(other) => {
                    errors.push(doc.at_value(
                        &["expect", id, "outcome"],
                        &format!(
                            "`{id}`: `outcome` must be a string ({}), not {}",
                            OUTCOMES.join(" | "),
                            type_name(other)
                        ),
                    ));
                    None
                }
            };
            let reason = match entry.get("reason") {
                None => {
                    errors.push(doc.at_key(
                        &here,
                        &format!("`{id}`: `reason` is missing (say why this deviation is known)"),
                    ));
                    None
                }
                Some(toml::Value::String(s)) if s.trim().is_empty() => {
                    errors.push(doc.at_value(
                        &["expect", id, "reason"],
                        &format!("`{id}`: `reason` is empty (say why this deviation is known)"),
                    ));
                    None
                }
                Some(toml::Value::String(s)) => Some(s.trim().to_string()),
                Some(other) => {
                    errors.push(doc.at_value(
                        &["expect", id, "reason"],
                        &format!(
                            "`{id}`: `reason` must be a string, not {}",
                            type_name(other)
                        ),
                    ));
                    None
                }
            };
            if let (Some(o), Some(r)) = (outcome, reason) {
                out.insert(id.clone(), (o, r));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Read and parse a baseline file.
pub fn load_baseline(path: &Path) -> Result<Baseline, Vec<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![format!(
            "{}: cannot read the baseline file: {e}",
            path.display()
        )]
    })?;
    parse_baseline(path, &text)
}
