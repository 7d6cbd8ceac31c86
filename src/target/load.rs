//! Loading a user's target file (docs/target-file.md).
//!
//! Two stages:
//! - [`parse_target`] (`parse/`): structure only (keys, types, values, references), every
//!   problem reported as `path:line:column: message`. Needs no environment:
//!   `validate` and `init`'s output use it.
//! - resolution (`resolve/`): reads secrets (environment variables, files relative
//!   to the target file), PEM keys, the baseline, and builds the [`Target`]
//!   the engine runs against. Fails before any request is sent.
//!
//! TOML by default; a `.json` file with the same structure is accepted.

use super::files::relative_to;
use super::model::TargetFile;
use super::parse::parse_doc;
use super::resolve::resolve;
use super::Target;
use crate::doc::Doc;
use std::path::Path;

/// Parse and structurally validate a target file's text (TOML, or JSON when
/// `path` ends in `.json`). Every problem is reported, located.
pub fn parse_target(path: &Path, text: &str) -> Result<TargetFile, Vec<String>> {
    let doc = Doc::parse(path, text).map_err(|e| vec![e])?;
    parse_doc(path, &doc)
}

/// [`parse_target`], then resolution, for the file at `path`.
pub fn load_target(path: &Path) -> Result<Target, Vec<String>> {
    let text = read(path)?;
    let doc = Doc::parse(path, &text).map_err(|e| vec![e])?;
    let file = parse_doc(path, &doc)?;
    resolve(path, file, Some(&doc))
}

/// Check a target file without reading secrets (no environment needed).
/// Also checks the baseline file it names, when that file exists. Empty = valid.
pub fn validate_target(path: &Path) -> Vec<String> {
    let text = match read(path) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let doc = match Doc::parse(path, &text) {
        Ok(d) => d,
        Err(e) => return vec![e],
    };
    match parse_doc(path, &doc) {
        Err(e) => e,
        Ok(file) => match &file.baseline {
            Some(b) => {
                let bpath = relative_to(path, b);
                match std::fs::metadata(&bpath) {
                    Ok(_) => super::baseline::load_baseline(&bpath)
                        .err()
                        .unwrap_or_default(),
                    Err(e) => vec![doc.at_value(
                        &["baseline"],
                        &format!("cannot read the baseline file `{}`: {e}", bpath.display()),
                    )],
                }
            }
            None => vec![],
        },
    }
}

fn read(path: &Path) -> Result<String, Vec<String>> {
    crate::doc::read::read_text_capped(path, crate::doc::read::MAX_USER_FILE)
        .map_err(|e| vec![format!("cannot read the target file: {e}")])
}

// ---------------------------------------------------------------- parsing
