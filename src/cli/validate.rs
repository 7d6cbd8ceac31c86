//! `refresh-conformance validate PATH...`: scenario and target files, checked without running.

use super::EXIT_INPUT;
use clap::Args;
use refresh_conformance::scenario::load;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario or target files, or folders of them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Is this file a target (has `profile`, no `step`)?
fn is_target(path: &Path) -> bool {
    let Ok(text) = refresh_conformance::doc::read::read_text_capped(
        path,
        refresh_conformance::doc::read::MAX_USER_FILE,
    ) else {
        return false;
    };
    let keys: Vec<String> = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    } else {
        text.parse::<toml::Table>()
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    };
    keys.iter().any(|k| k == "profile") && !keys.iter().any(|k| k == "step" || k == "id")
}

pub fn validate(a: ValidateArgs) -> i32 {
    let mut errors = Vec::new();
    let mut ids: BTreeMap<String, String> = load::builtin()
        .unwrap_or_default()
        .into_iter()
        .map(|s| (s.id().to_string(), s.origin))
        .collect();
    let mut checked = 0;
    for p in &a.paths {
        let files = match load::files_under(p) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for f in files {
            checked += 1;
            if is_target(&f) {
                errors.extend(validate_target(&f));
                continue;
            }
            match load::load_file(&f) {
                Ok(s) => {
                    errors.extend(load::unknown_defects(
                        std::slice::from_ref(&s),
                        &super::defect_names(),
                    ));
                    let origin = f.display().to_string();
                    if let Some(first) = ids.insert(s.id().to_string(), origin.clone()) {
                        let same_file = Path::new(&first).canonicalize().ok()
                            == f.canonicalize().ok()
                            || Path::new(&first).ends_with(format!("{}.toml", s.id()));
                        if !same_file
                            || first.starts_with("scenarios/") && !origin.ends_with(&first)
                        {
                            errors.push(format!(
                                "{origin}:1:1: duplicate scenario id `{}` (also in {first})",
                                s.id()
                            ));
                        }
                    }
                }
                Err(e) => errors.extend(e),
            }
        }
    }
    for e in &errors {
        eprintln!("{e}");
    }
    if errors.is_empty() {
        println!("{checked} file(s) valid");
        0
    } else {
        eprintln!("{} problem(s) in {checked} file(s)", errors.len());
        EXIT_INPUT
    }
}

fn validate_target(path: &Path) -> Vec<String> {
    refresh_conformance::target::load::validate_target(path)
}
