//! Static checks of a parsed scenario: everything `validate` reports without
//! running anything. Each problem is located at its key or value through the
//! file's [`Doc`] (`path:line:column: message`), never by searching the text.
//! File-level checks here; a step's in `step.rs`, an expectation's in `expect.rs`.

mod expect;
mod step;

use super::model::ScenarioFile;
use crate::behaviour::Condition;
use crate::doc::{Doc, Located};
use std::time::Duration;

pub(crate) use step::collect_strings;
pub use step::step_name;

/// A concurrent group is bounded (a million requests is refused).
pub(crate) const MAX_CONCURRENT: u32 = 1000;
/// The most times a step may `repeat`.
pub(crate) const MAX_REPEAT: u64 = 100;
/// A literal wait longer than this is refused.
pub(crate) const MAX_LITERAL_WAIT: Duration = Duration::from_secs(400 * 24 * 3600);

/// A wait's duration: a humantime duration (`"90s"`, `"1h 30m"`) or a bare
/// number of seconds (`"3600"`, `"1.5"`), as an IdP's `expires_in` reads.
pub fn parse_wait(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return Err(format!("`{t}` is not a non-negative number of seconds"));
        }
        return Duration::try_from_secs_f64(secs).map_err(|e| format!("`{t}`: {e}"));
    }
    humantime::parse_duration(t).map_err(|e| e.to_string())
}

/// Where problems go: each at a key path of the file.
pub(super) struct Problems<'a> {
    doc: &'a Doc,
    found: Vec<Located>,
}

impl Problems<'_> {
    /// A problem with the value at `path` (or its nearest known ancestor).
    fn at(&mut self, path: &[&str], message: String) {
        self.found.push(self.doc.value(path, &message));
    }
    /// A problem with the key at `path`.
    fn at_key(&mut self, path: &[&str], message: String) {
        self.found.push(self.doc.key(path, &message));
    }
}

/// Validate; returns the parsed `when` conditions.
pub(crate) fn validate(
    doc: &Doc,
    s: &ScenarioFile,
    builtin: bool,
) -> Result<Vec<Condition>, Vec<String>> {
    let mut p = Problems {
        doc,
        found: Vec::new(),
    };
    let conditions = check_header(&mut p, s, builtin);
    if s.steps.is_empty() {
        p.at_key(&["id"], "a scenario needs at least one [[step]]".into());
    }
    step::check_steps(&mut p, &s.steps);
    if p.found.is_empty() {
        Ok(conditions)
    } else {
        Err(crate::doc::locate::render_sorted(p.found))
    }
}

/// `id`, `title`, `refs`, `when`: the scenario's header.
fn check_header(p: &mut Problems<'_>, s: &ScenarioFile, builtin: bool) -> Vec<Condition> {
    let id_ok = !s.id.is_empty()
        && s.id.contains('/')
        && s.id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_/.".contains(c));
    if !id_ok {
        p.at(
            &["id"],
            format!(
                "id `{}` must be `<area>/<name>` in lowercase letters, digits, - and _",
                s.id
            ),
        );
    }
    let origin = p.doc.origin.clone();
    if builtin {
        let expected = format!("scenarios/{}.toml", s.id);
        if origin != expected && origin != format!("scenarios/{}.json", s.id) {
            p.at(
                &["id"],
                format!(
                    "built-in scenario id `{}` must match its path (expected {expected})",
                    s.id
                ),
            );
        }
    }
    if s.title.trim().is_empty() {
        p.at(&["title"], "title is empty".into());
    }
    if s.refs.is_empty() {
        p.at(
            &["refs"],
            "refs is empty: every scenario cites the clause it enforces".into(),
        );
    }
    for (i, r) in s.refs.iter().enumerate() {
        if !crate::clause::is_valid(r) {
            p.at(&["refs", &i.to_string()], format!("malformed ref `{r}` (expected `<doc>#<section>` with doc one of {}, `seed:NNN` or `vendor:<name>`)", crate::clause::DOCS.join(", ")));
        }
    }
    if let Some(role) = &s.client {
        if !crate::oauth::is_client_role(role) {
            p.at(&["client"], unknown_role_message(role));
        }
    }
    let mut conditions = Vec::new();
    for (i, w) in s.when.iter().enumerate() {
        match Condition::parse(w) {
            Ok(c) => conditions.push(c),
            Err(m) => p.at(&["when", &i.to_string()], format!("when: {m}")),
        }
    }
    conditions
}

/// "unknown client role `mian` (did you mean `main`?) ...".
fn unknown_role_message(role: &str) -> String {
    let roles = crate::oauth::CLIENT_ROLES;
    format!(
        "unknown client role `{role}`{} (roles: {}; user roles start with `x_`)",
        crate::doc::suggest(role, &roles),
        roles.join(", ")
    )
}

/// Problems with `guarded_by` names that are not defects of the emulator.
/// The caller passes the emulator's defect names, so that scenarios (loaded
/// before anything runs) do not depend on the emulator.
pub fn unknown_defects(doc: &Doc, s: &ScenarioFile, known: &[&str]) -> Vec<String> {
    s.guarded_by
        .iter()
        .enumerate()
        .filter(|(_, d)| !known.contains(&d.as_str()))
        .map(|(i, d)| {
            doc.at_value(
                &["guarded_by", &i.to_string()],
                &format!(
                    "guarded_by: unknown defect `{d}`{} (see `refresh-conformance emulate --list-defects`)",
                    crate::doc::suggest(d, known)
                ),
            )
        })
        .collect()
}

/// The key path of step `i` in the file.
fn step_path(i: usize) -> [String; 2] {
    ["step".to_string(), i.to_string()]
}

/// `base` + `more`, as the `&[&str]` a [`Doc`] takes.
fn path<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}
