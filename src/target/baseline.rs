//! Baseline files (docs/target-file.md, "Baselines"): known deviations of one target.
//!
//! ```toml
//! [expect."scope/omitted-returns-original"]
//! outcome = "fail"                      # fail | warn | skip | error
//! reason = "keeps the narrowed scope after rotation; vendor case 1234"
//! intermittent = true                   # optional: a race, not seen on every run
//! ```
//! JSON files (`.json`) with the same structure are accepted. The interop
//! expectation files use the same form.

use crate::doc::locate::render_sorted;
use crate::doc::{suggest, type_name, Doc, Located};
use std::collections::BTreeMap;
use std::path::Path;

/// Outcomes a baseline entry may expect.
pub(crate) const OUTCOMES: &[&str] = &["fail", "warn", "skip", "error"];

/// One known deviation: the outcome expected and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineEntry {
    /// One of [`OUTCOMES`].
    pub outcome: String,
    pub reason: String,
    /// The deviation depends on timing (a race) and does not show on every
    /// run: a pass is then not reported as "no longer seen".
    pub intermittent: bool,
}

/// The keys of a baseline entry.
const ENTRY_KEYS: &[&str] = &["outcome", "reason", "intermittent"];

/// Scenario id → its known deviation.
pub(crate) type Baseline = BTreeMap<String, BaselineEntry>;

/// Parse a baseline file's text. Every problem is reported, each located.
pub fn parse_baseline(path: &Path, text: &str) -> Result<Baseline, Vec<String>> {
    let doc = Doc::parse(path, text).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut out = Baseline::new();
    for (key, value) in &doc.root {
        if key != "expect" {
            errors.push(doc.key(
                &[key],
                &format!(
                    "unknown key `{key}`{} (a baseline has only [expect.\"scenario/id\"] tables)",
                    suggest(key, &["expect"])
                ),
            ));
            continue;
        }
        let Some(table) = value.as_table() else {
            errors.push(doc.value(
                &["expect"],
                &format!("`expect` must be a table, not {}", type_name(value)),
            ));
            continue;
        };
        for (id, entry) in table {
            if let Some(e) = entry_of(&doc, id, entry, &mut errors) {
                out.insert(id.clone(), e);
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(render_sorted(errors))
    }
}

/// `[expect."<id>"]`: a table of `outcome`, `reason` and, optionally, `intermittent`.
fn entry_of(
    doc: &Doc,
    id: &str,
    entry: &toml::Value,
    errors: &mut Vec<Located>,
) -> Option<BaselineEntry> {
    let here = ["expect", id];
    let Some(entry) = entry.as_table() else {
        errors.push(doc.value(
            &here,
            &format!(
                "`expect.\"{id}\"` must be a table with `outcome` and `reason`, not {}",
                type_name(entry)
            ),
        ));
        return None;
    };
    if id.trim().is_empty() {
        errors.push(doc.key(&here, "a baseline entry needs a scenario id"));
    }
    for k in entry.keys() {
        if !ENTRY_KEYS.contains(&k.as_str()) {
            errors.push(doc.key(
                &["expect", id, k],
                &format!(
                    "unknown key `{k}`{} (an entry has `outcome`, `reason` and optionally `intermittent`)",
                    suggest(k, ENTRY_KEYS)
                ),
            ));
        }
    }
    let outcome = outcome_of(doc, id, entry.get("outcome"), errors);
    let reason = reason_of(doc, id, entry.get("reason"), errors);
    let intermittent = match entry.get("intermittent") {
        None => Some(false),
        Some(toml::Value::Boolean(b)) => Some(*b),
        Some(other) => {
            errors.push(doc.value(
                &["expect", id, "intermittent"],
                &format!(
                    "`{id}`: `intermittent` must be true or false, not {}",
                    type_name(other)
                ),
            ));
            None
        }
    };
    Some(BaselineEntry {
        outcome: outcome?,
        reason: reason?,
        intermittent: intermittent?,
    })
}

fn outcome_of(
    doc: &Doc,
    id: &str,
    v: Option<&toml::Value>,
    errors: &mut Vec<Located>,
) -> Option<String> {
    let at = ["expect", id, "outcome"];
    let problem = match v {
        None => {
            errors.push(doc.key(
                &["expect", id],
                &format!(
                    "`{id}`: `outcome` is missing (one of {})",
                    OUTCOMES.join(" | ")
                ),
            ));
            return None;
        }
        Some(toml::Value::String(s)) if OUTCOMES.contains(&s.as_str()) => return Some(s.clone()),
        Some(toml::Value::String(s)) => {
            let hint = if s == "pass" {
                "; a passing scenario needs no entry".to_string()
            } else {
                suggest(s, OUTCOMES)
            };
            format!(
                "`{id}`: unknown outcome `{s}` (one of {}){hint}",
                OUTCOMES.join(" | ")
            )
        }
        Some(other) => format!(
            "`{id}`: `outcome` must be a string ({}), not {}",
            OUTCOMES.join(" | "),
            type_name(other)
        ),
    };
    errors.push(doc.value(&at, &problem));
    None
}

fn reason_of(
    doc: &Doc,
    id: &str,
    v: Option<&toml::Value>,
    errors: &mut Vec<Located>,
) -> Option<String> {
    let at = ["expect", id, "reason"];
    let problem = match v {
        None => {
            errors.push(doc.key(
                &["expect", id],
                &format!("`{id}`: `reason` is missing (say why this deviation is known)"),
            ));
            return None;
        }
        Some(toml::Value::String(s)) if s.trim().is_empty() => {
            format!("`{id}`: `reason` is empty (say why this deviation is known)")
        }
        Some(toml::Value::String(s)) => return Some(s.trim().to_string()),
        Some(other) => format!(
            "`{id}`: `reason` must be a string, not {}",
            type_name(other)
        ),
    };
    errors.push(doc.value(&at, &problem));
    None
}

/// Read and parse a baseline file.
pub(crate) fn load_baseline(path: &Path) -> Result<Baseline, Vec<String>> {
    let text = crate::doc::read::read_text_capped(path, crate::doc::read::MAX_USER_FILE)
        .map_err(|e| vec![format!("cannot read the baseline file: {e}")])?;
    parse_baseline(path, &text)
}
