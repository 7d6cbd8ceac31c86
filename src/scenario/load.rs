//! Loading scenario files: the built-in catalog (compiled in) and user folders.

use super::model::ScenarioFile;
use super::validate;
use crate::behaviour::Condition;
use crate::doc::{locate, Doc};
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

static CATALOG: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/scenarios");

/// Files larger than this are refused (a scenario is a few KiB).
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: ScenarioFile,
    /// `scenarios/<area>/<name>.toml` for built-ins, the user's path otherwise.
    pub origin: String,
    pub builtin: bool,
    pub conditions: Vec<Condition>,
    /// The file as written, to locate problems found after loading.
    pub doc: Arc<Doc>,
}

impl Scenario {
    pub fn id(&self) -> &str {
        &self.file.id
    }
    /// The area: the id's first segment.
    pub fn area(&self) -> &str {
        self.file.id.split('/').next().unwrap_or("")
    }
    /// The primary client role.
    pub fn client(&self) -> &str {
        self.file.client.as_deref().unwrap_or("main")
    }
}

/// Parse one file's text (TOML, or JSON when `json`) into the language's
/// types. A wrong type, an unknown key (with a hint) or a missing one is
/// located at the key or value serde stopped at.
pub fn parse(origin: &str, text: &str, json: bool) -> Result<ScenarioFile, String> {
    if json {
        serde_json::from_str(text).map_err(|e| locate::json_error(origin, &e))
    } else {
        toml::from_str(text).map_err(|e| locate::toml_error(origin, text, &e))
    }
}

/// Parse and validate one file.
pub fn load_text(
    origin: &str,
    text: &str,
    json: bool,
    builtin: bool,
) -> Result<Scenario, Vec<String>> {
    let doc = if json {
        Doc::parse_json_scenario(origin, text)
    } else {
        Doc::parse_toml(origin, text)
    }
    .map_err(|e| vec![e])?;
    let file = parse(origin, text, json).map_err(|e| vec![e])?;
    let conditions = validate::validate(&doc, &file, builtin)?;
    Ok(Scenario {
        file,
        origin: origin.to_string(),
        builtin,
        conditions,
        doc: Arc::new(doc),
    })
}

/// The built-in catalog.
pub fn builtin() -> Result<Vec<Scenario>, Vec<String>> {
    let mut files = Vec::new();
    collect_embedded(&CATALOG, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in files {
        let origin = format!("scenarios/{path}");
        match load_text(&origin, text, path.ends_with(".json"), true) {
            Ok(s) => out.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn collect_embedded<'a>(dir: &'a Dir<'a>, out: &mut Vec<(String, &'a str)>) {
    for f in dir.files() {
        let p = f.path().to_string_lossy().to_string();
        if p.ends_with(".toml") || p.ends_with(".json") {
            out.push((p, f.contents_utf8().unwrap_or("")));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// Scenario files under `path` (a file or a folder, recursively), sorted.
pub fn files_under(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        // A file, or something that is not one: reading it says which.
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let p = entry.path();
            let ft = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", p.display()))?;
            if ft.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "toml" || e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Load one user file from disk.
pub fn load_file(path: &Path) -> Result<Scenario, Vec<String>> {
    let origin = path.display().to_string();
    // Only a regular file, and never more than the cap (a FIFO or a
    // symlink to a device named `*.toml` must not hang or exhaust memory).
    let bytes = crate::doc::read::read_capped(path, MAX_FILE_BYTES).map_err(|e| vec![e])?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (l, c) = locate::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        vec![format!("{origin}:{l}:{c}: not valid UTF-8")]
    })?;
    load_text(&origin, &text, origin.ends_with(".json"), false)
}

/// Problems with the scenarios' `guarded_by` names, against the emulator's
/// defects (`known`, passed in by the caller).
pub fn unknown_defects(scenarios: &[Scenario], known: &[&str]) -> Vec<String> {
    scenarios
        .iter()
        .flat_map(|s| validate::unknown_defects(&s.doc, &s.file, known))
        .collect()
}

/// The built-in catalog (when `with_builtin`) plus every file under `dirs`;
/// duplicate ids are an error naming both files.
pub fn load_all(with_builtin: bool, dirs: &[PathBuf]) -> Result<Vec<Scenario>, Vec<String>> {
    let mut errors = Vec::new();
    let mut all = Vec::new();
    if with_builtin {
        match builtin() {
            Ok(s) => all.extend(s),
            Err(e) => errors.extend(e),
        }
    }
    for dir in dirs {
        match files_under(dir) {
            Ok(files) => {
                if files.is_empty() {
                    errors.push(format!(
                        "{}: no scenario files (*.toml, *.json) here",
                        dir.display()
                    ));
                }
                for f in files {
                    match load_file(&f) {
                        Ok(s) => all.push(s),
                        Err(e) => errors.extend(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for s in &all {
        if let Some(first) = seen.insert(s.id().to_string(), s.origin.clone()) {
            errors.push(format!(
                "{}:1:1: duplicate scenario id `{}` (also in {first})",
                s.origin,
                s.id()
            ));
        }
    }
    if errors.is_empty() {
        Ok(all)
    } else {
        Err(errors)
    }
}
