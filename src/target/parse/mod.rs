//! Parsing a target file: structure only (keys, types, values, references),
//! every problem located at its key or value through the file's [`Doc`],
//! with a hint where a known name is close. Needs no environment. The keys
//! a table may hold come from its serde type in `model.rs`, so the format
//! is described once. Top level in `top.rs`, clients in `client.rs`, grant
//! sources in `grant.rs`; the value checks they share are here.

mod client;
mod grant;
mod top;

use super::model::{ClientFile, GrantFile, TargetFile};
use crate::behaviour::BehaviourSet;
use crate::doc::locate::render_sorted;
use crate::doc::{serde_message, suggest, type_name, Doc, Located};
use crate::oauth::Scopes;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

/// The keys of each table, from the serde types.
static TOP_KEYS: LazyLock<Vec<String>> = LazyLock::new(super::model::field_names::<TargetFile>);
static CLIENT_KEYS: LazyLock<Vec<String>> = LazyLock::new(super::model::field_names::<ClientFile>);
static GRANT_KEYS: LazyLock<Vec<String>> = LazyLock::new(super::model::field_names::<GrantFile>);
static SCOPE_KEYS: LazyLock<Vec<String>> = LazyLock::new(super::model::field_names::<Scopes>);

/// Keys that name an endpoint URL.
const ENDPOINT_KEYS: &[&str] = &[
    "issuer",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "authorization_endpoint",
    "jwks_uri",
];

pub(super) struct Checker<'a> {
    doc: &'a Doc,
    path: &'a Path,
    json: bool,
    errors: Vec<Located>,
}

pub(super) fn dotted(path: &[&str]) -> String {
    path.join(".")
}

impl Checker<'_> {
    pub(super) fn key_err(&mut self, path: &[&str], msg: String) {
        self.errors.push(self.doc.key(path, &msg));
    }
    pub(super) fn value_err(&mut self, path: &[&str], msg: String) {
        self.errors.push(self.doc.value(path, &msg));
    }

    pub(super) fn unknown_keys(
        &mut self,
        path: &[&str],
        table: &toml::Table,
        known: &[String],
        what: &str,
    ) {
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        for k in table.keys() {
            if !known.contains(&k.as_str()) {
                let mut p = path.to_vec();
                p.push(k);
                self.key_err(
                    &p,
                    format!(
                        "unknown key `{}` in {what}{}",
                        dotted(&p),
                        suggest(k, &known)
                    ),
                );
            }
        }
    }

    pub(super) fn string<'v>(&mut self, path: &[&str], v: &'v toml::Value) -> Option<&'v str> {
        match v {
            toml::Value::String(s) => Some(s),
            other => {
                self.value_err(
                    path,
                    format!(
                        "`{}` must be a string, not {}",
                        dotted(path),
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    pub(super) fn non_empty_string<'v>(
        &mut self,
        path: &[&str],
        v: &'v toml::Value,
    ) -> Option<&'v str> {
        let s = self.string(path, v)?;
        if s.trim().is_empty() {
            self.value_err(path, format!("`{}` must not be empty", dotted(path)));
            return None;
        }
        Some(s)
    }

    pub(super) fn boolean(&mut self, path: &[&str], v: &toml::Value) -> Option<bool> {
        match v {
            toml::Value::Boolean(b) => Some(*b),
            other => {
                self.value_err(
                    path,
                    format!(
                        "`{}` must be true or false, not {}",
                        dotted(path),
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    pub(super) fn table<'v>(
        &mut self,
        path: &[&str],
        v: &'v toml::Value,
    ) -> Option<&'v toml::Table> {
        match v {
            toml::Value::Table(t) => Some(t),
            other => {
                self.value_err(
                    path,
                    format!(
                        "`{}` must be a table, not {}",
                        dotted(path),
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    pub(super) fn string_table(
        &mut self,
        path: &[&str],
        v: &toml::Value,
    ) -> Option<BTreeMap<String, String>> {
        let t = self.table(path, v)?;
        let mut out = BTreeMap::new();
        for (k, v) in t {
            let mut p = path.to_vec();
            p.push(k);
            if let Some(s) = self.string(&p, v) {
                out.insert(k.clone(), s.to_string());
            }
        }
        Some(out)
    }

    pub(super) fn url(&mut self, path: &[&str], v: &toml::Value) {
        let Some(s) = self.non_empty_string(path, v) else {
            return;
        };
        match url::Url::parse(s) {
            Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {
                if u.host_str().is_none_or(str::is_empty) {
                    self.value_err(path, format!("`{}`: `{s}` has no host", dotted(path)));
                } else if path == ["issuer"] && (u.query().is_some() || u.fragment().is_some()) {
                    self.value_err(
                        path,
                        "`issuer` must not have a query or fragment (RFC 8414 §2)".into(),
                    );
                }
            }
            Ok(u) => self.value_err(
                path,
                format!(
                    "`{}` must be an http or https URL, not `{}:`",
                    dotted(path),
                    u.scheme()
                ),
            ),
            Err(e) => self.value_err(path, format!("`{}`: `{s}` is not a URL: {e}", dotted(path))),
        }
    }

    pub(super) fn duration(&mut self, path: &[&str], v: &toml::Value) {
        let Some(s) = self.string(path, v) else {
            return;
        };
        match humantime::parse_duration(s) {
            Ok(d) if d.is_zero() => {
                self.value_err(path, format!("`{}` must be longer than zero", dotted(path)))
            }
            Ok(_) => {}
            Err(e) => self.value_err(
                path,
                format!(
                    "`{}`: `{s}` is not a duration like \"10s\", \"500ms\" or \"1m\": {e}",
                    dotted(path)
                ),
            ),
        }
    }

    pub(super) fn secret_example(&self, key: &str) -> (String, String) {
        let file = if key == "key" {
            "keys/client.pem"
        } else {
            "secrets/client-secret"
        };
        if self.json {
            (
                format!("\"{key}\": {{\"env\": \"VARIABLE\"}}"),
                format!("\"{key}\": {{\"file\": \"{file}\"}}"),
            )
        } else {
            (
                format!("{key} = {{ env = \"VARIABLE\" }}"),
                format!("{key} = {{ file = \"{file}\" }}"),
            )
        }
    }

    /// A `{ env = "NAME" }` / `{ file = "path" }` reference. Literal values are
    /// refused without ever quoting them.
    pub(super) fn secret_ref(&mut self, path: &[&str], v: &toml::Value) {
        let key = path.last().copied().unwrap_or("secret");
        let (env_ex, file_ex) = self.secret_example(key);
        match v {
            toml::Value::String(_) => self.value_err(
                path,
                format!(
                    "`{}` is written literally in the target file; secrets are never read from it. \
                     Write `{env_ex}` to read it from an environment variable, or `{file_ex}` to read it \
                     from a file (relative to this target file)",
                    dotted(path)
                ),
            ),
            toml::Value::Table(t) => {
                for k in t.keys() {
                    if k != "env" && k != "file" {
                        let mut p = path.to_vec();
                        p.push(k);
                        self.key_err(&p, format!("unknown key `{k}` in `{}` (use `{env_ex}` or `{file_ex}`)", dotted(path)));
                    }
                }
                match (t.get("env"), t.get("file")) {
                    (Some(_), Some(_)) => {
                        self.value_err(path, format!("`{}`: give either `env` or `file`, not both", dotted(path)))
                    }
                    (None, None) => self.value_err(path, format!("`{}` needs `env` or `file`: `{env_ex}` or `{file_ex}`", dotted(path))),
                    (Some(e), None) => {
                        let mut p = path.to_vec();
                        p.push("env");
                        if let Some(name) = self.non_empty_string(&p, e) {
                            self.env_name(&p, name);
                        }
                    }
                    (None, Some(f)) => {
                        let mut p = path.to_vec();
                        p.push("file");
                        self.non_empty_string(&p, f);
                    }
                }
            }
            other => self.value_err(
                path,
                format!("`{}` must be `{env_ex}` or `{file_ex}`, not {}", dotted(path), type_name(other)),
            ),
        }
    }

    pub(super) fn env_name(&mut self, path: &[&str], name: &str) {
        if name.contains('=') || name.contains('\0') || name.chars().any(char::is_whitespace) {
            self.value_err(
                path,
                format!(
                    "`{}`: `{name}` is not an environment variable name",
                    dotted(path)
                ),
            );
        }
    }

    pub(super) fn behaviour(&mut self, path: &[&str], v: &toml::Value) {
        let Some(t) = self.table(path, v) else { return };
        for (k, raw) in t {
            let mut one = toml::Table::new();
            one.insert(k.clone(), raw.clone());
            if let Err((key, msg)) = BehaviourSet::from_table(&one) {
                let mut p = path.to_vec();
                p.push(&key);
                self.key_err(&p, format!("{}: {msg}", dotted(path)));
            }
        }
    }
}

/// Check `doc` as a target file, then build its serde types.
pub(super) fn parse_doc(path: &Path, doc: &Doc) -> Result<TargetFile, Vec<String>> {
    let mut c = Checker {
        doc,
        path,
        json: crate::doc::is_json(path),
        errors: vec![],
    };
    c.check();
    if !c.errors.is_empty() {
        return Err(render_sorted(c.errors));
    }
    toml::Value::Table(doc.root.clone())
        .try_into::<TargetFile>()
        .map_err(|e| {
            vec![format!(
                "{}:1:1: {}",
                doc.origin,
                serde_message(e.message())
            )]
        })
}
