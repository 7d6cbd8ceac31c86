//! Loading a user's target file (DESIGN.md "Targets (contract)").
//!
//! Two stages:
//! - [`parse_target`]: structure only (keys, types, values, references), every
//!   problem reported as `path:line:column: message`. Needs no environment:
//!   `validate` and `init`'s output use it.
//! - [`resolve_target`]: reads secrets (environment variables, files relative
//!   to the target file), PEM keys, the baseline, and builds the [`Target`]
//!   the engine runs against. Fails before any request is sent.
//!
//! TOML by default; a `.json` file with the same structure is accepted.

use super::doc::{suggest, type_name, Doc};
use super::model::{ClientFile, GrantFile, SecretRef, TargetFile};
use super::{
    AssertionKey, AuthMethod, Client, Clock, Endpoints, GrantSource, HttpSettings, Scopes, Target,
};
use crate::behaviour::{builtin_profile, builtin_profiles, BehaviourSet, Profile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

const TOP_KEYS: &[&str] = &[
    "name",
    "profile",
    "issuer",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "authorization_endpoint",
    "jwks_uri",
    "timeout",
    "ca_bundle",
    "rate",
    "headers",
    "baseline",
    "emulator_control",
    "clients",
    "scopes",
    "grant",
    "behaviour",
];
const CLIENT_KEYS: &[&str] = &[
    "id",
    "auth",
    "secret",
    "key",
    "alg",
    "kid",
    "audience",
    "refresh_params",
    "grant",
    "behaviour",
];
const GRANT_KEYS: &[&str] = &[
    "kind",
    "username",
    "password",
    "command",
    "env",
    "scope_selectable",
    "repeatable",
    "params",
];
const SCOPE_KEYS: &[&str] = &["granted", "narrower", "extra"];
const AUTH_METHODS: &[&str] = &[
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
    "none",
];
const GRANT_KINDS: &[&str] = &[
    "password",
    "command",
    "refresh_token_env",
    "authorization_code",
];
const ENDPOINT_KEYS: &[&str] = &[
    "issuer",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "authorization_endpoint",
    "jwks_uri",
];
/// The default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Parse and structurally validate a target file's text (TOML, or JSON when
/// `path` ends in `.json`). Every problem is reported, located.
pub fn parse_target(path: &Path, text: &str) -> Result<TargetFile, Vec<String>> {
    let doc = Doc::parse(path, text).map_err(|e| vec![e])?;
    parse_doc(path, &doc)
}

/// Build the runnable [`Target`] from a parsed file: reads secrets, keys and
/// the baseline. Relative paths are relative to `path`'s directory. Errors
/// name the file, the key and the variable or file involved, never a value.
pub fn resolve_target(path: &Path, file: TargetFile) -> Result<Target, Vec<String>> {
    resolve(path, file, None)
}

/// [`parse_target`] + [`resolve_target`] for the file at `path`.
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
    std::fs::read_to_string(path).map_err(|e| {
        vec![format!(
            "{}: cannot read the target file: {e}",
            path.display()
        )]
    })
}

/// `rel` relative to the directory of `file`.
pub fn relative_to(file: &Path, rel: &str) -> PathBuf {
    let p = Path::new(rel);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(p),
        _ => p.to_path_buf(),
    }
}

/// A profile name, or a path to a profile file (ending in `.toml`) relative
/// to the target file.
fn is_profile_path(name: &str) -> bool {
    name.ends_with(".toml")
}

fn load_profile(target_path: &Path, name: &str) -> Result<Profile, String> {
    if is_profile_path(name) {
        let p = relative_to(target_path, name);
        let text = std::fs::read_to_string(&p)
            .map_err(|e| format!("cannot read profile file `{}`: {e}", p.display()))?;
        Profile::parse(&p.display().to_string(), &text)
    } else {
        builtin_profile(name).ok_or_else(|| {
            let known: Vec<String> = builtin_profiles().into_iter().map(|p| p.name).collect();
            let names: Vec<&str> = known.iter().map(String::as_str).collect();
            format!(
                "unknown profile `{name}`{} (built in: {}; or give a profile file ending in `.toml`)",
                suggest(name, &names),
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            )
        })
    }
}

// ---------------------------------------------------------------- parsing

struct Checker<'a> {
    doc: &'a Doc,
    path: &'a Path,
    json: bool,
    errors: Vec<String>,
}

fn dotted(path: &[&str]) -> String {
    path.join(".")
}

impl Checker<'_> {
    fn key_err(&mut self, path: &[&str], msg: String) {
        self.errors.push(self.doc.at_key(path, &msg));
    }
    fn value_err(&mut self, path: &[&str], msg: String) {
        self.errors.push(self.doc.at_value(path, &msg));
    }

    fn unknown_keys(&mut self, path: &[&str], table: &toml::Table, known: &[&str], what: &str) {
        for k in table.keys() {
            if !known.contains(&k.as_str()) {
                let mut p = path.to_vec();
                p.push(k);
                self.key_err(
                    &p,
                    format!(
                        "unknown key `{}` in {what}{}",
                        dotted(&p),
                        suggest(k, known)
                    ),
                );
            }
        }
    }

    fn string<'v>(&mut self, path: &[&str], v: &'v toml::Value) -> Option<&'v str> {
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

    fn non_empty_string<'v>(&mut self, path: &[&str], v: &'v toml::Value) -> Option<&'v str> {
        let s = self.string(path, v)?;
        if s.trim().is_empty() {
            self.value_err(path, format!("`{}` must not be empty", dotted(path)));
            return None;
        }
        Some(s)
    }

    fn boolean(&mut self, path: &[&str], v: &toml::Value) -> Option<bool> {
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

    fn table<'v>(&mut self, path: &[&str], v: &'v toml::Value) -> Option<&'v toml::Table> {
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

    fn string_table(&mut self, path: &[&str], v: &toml::Value) -> Option<BTreeMap<String, String>> {
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

    fn url(&mut self, path: &[&str], v: &toml::Value) {
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

    fn duration(&mut self, path: &[&str], v: &toml::Value) {
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

    fn secret_example(&self, key: &str) -> (String, String) {
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
    fn secret_ref(&mut self, path: &[&str], v: &toml::Value) {
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

    fn env_name(&mut self, path: &[&str], name: &str) {
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

    fn behaviour(&mut self, path: &[&str], v: &toml::Value) {
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

    fn grant(&mut self, path: &[&str], v: &toml::Value, emulator_control: bool) {
        let Some(t) = self.table(path, v) else { return };
        self.unknown_keys(path, t, GRANT_KEYS, "a grant source");
        let at = |k: &'static str| -> Vec<&str> {
            let mut p = path.to_vec();
            p.push(k);
            p
        };
        let kind = match t.get("kind") {
            None => {
                self.key_err(
                    path,
                    format!(
                        "`{}` needs `kind` (one of {})",
                        dotted(path),
                        GRANT_KINDS.join(" | ")
                    ),
                );
                return;
            }
            Some(k) => match self.string(&at("kind"), k) {
                Some(k) if GRANT_KINDS.contains(&k) => k.to_string(),
                Some(k) => {
                    self.value_err(
                        &at("kind"),
                        format!(
                            "unknown grant kind `{k}`{} (one of {})",
                            suggest(k, GRANT_KINDS),
                            GRANT_KINDS.join(" | ")
                        ),
                    );
                    return;
                }
                None => return,
            },
        };
        let used: &[&str] = match kind.as_str() {
            "password" => &["kind", "username", "password", "params"],
            "authorization_code" => &["kind", "username", "password", "params"],
            "command" => &["kind", "command", "scope_selectable", "repeatable"],
            _ => &["kind", "env"],
        };
        for k in t.keys() {
            if GRANT_KEYS.contains(&k.as_str()) && !used.contains(&k.as_str()) {
                let mut p = path.to_vec();
                p.push(k);
                let extra = if kind == "refresh_token_env"
                    && (k == "repeatable" || k == "scope_selectable")
                {
                    " (a seed refresh token is neither repeatable nor scope-selectable)"
                } else {
                    ""
                };
                self.key_err(
                    &p,
                    format!("`{k}` is not used by grant kind `{kind}`{extra}"),
                );
            }
        }
        let require = |c: &mut Self, k: &'static str, what: &str| {
            if !t.contains_key(k) {
                c.key_err(path, format!("grant kind `{kind}` needs `{k}` ({what})"));
                false
            } else {
                true
            }
        };
        match kind.as_str() {
            "password" | "authorization_code" => {
                if require(self, "username", "the resource owner's user name") {
                    self.non_empty_string(&at("username"), &t["username"]);
                }
                if require(
                    self,
                    "password",
                    "`password = { env = \"VARIABLE\" }` or `{ file = \"...\" }`",
                ) {
                    self.secret_ref(&at("password"), &t["password"]);
                }
                if let Some(p) = t.get("params") {
                    self.string_table(&at("params"), p);
                }
                if kind == "authorization_code" && !emulator_control {
                    self.value_err(
                        &at("kind"),
                        "grant kind `authorization_code` works only against a `refresh-conformance emulate` server \
                         (set `emulator_control = true`); for a real IdP use `command` with a login script"
                            .into(),
                    );
                }
            }
            "command" => {
                if require(self, "command", "the program and its arguments, e.g. [\"./login.sh\", \"{{client.id}}\", \"{{scope}}\"]") {
                    match &t["command"] {
                        toml::Value::Array(a) if a.is_empty() => {
                            self.value_err(&at("command"), "`command` must not be empty: give the program and its arguments".into())
                        }
                        toml::Value::Array(a) => {
                            for (i, item) in a.iter().enumerate() {
                                let idx = i.to_string();
                                let mut p = at("command");
                                p.push(&idx);
                                if let Some(s) = self.string(&p, item) {
                                    if i == 0 && s.trim().is_empty() {
                                        self.value_err(&p, "the program (first element of `command`) must not be empty".into());
                                    }
                                    let known = super::command::COMMAND_VARS;
                                    for name in super::command::placeholders(s) {
                                        if !known.contains(&name.as_str()) {
                                            let list: Vec<String> = known.iter().map(|k| format!("{{{{{k}}}}}")).collect();
                                            self.value_err(
                                                &p,
                                                format!("unknown placeholder `{{{{{name}}}}}`{} (known: {})", suggest(&name, known), list.join(", ")),
                                            );
                                        }
                                    }
                                }
                            }
                        }
                        other => self.value_err(
                            &at("command"),
                            format!("`command` must be an array of strings (program, then arguments), not {}", type_name(other)),
                        ),
                    }
                }
                for k in ["scope_selectable", "repeatable"] {
                    if let Some(v) = t.get(k) {
                        let mut p = path.to_vec();
                        p.push(k);
                        self.boolean(&p, v);
                    }
                }
            }
            _ => {
                if require(
                    self,
                    "env",
                    "the environment variable holding a seed refresh token",
                ) {
                    if let Some(name) = self.non_empty_string(&at("env"), &t["env"]) {
                        self.env_name(&at("env"), name);
                    }
                }
            }
        }
    }

    fn client(&mut self, role: &str, v: &toml::Value, emulator_control: bool) {
        let path = ["clients", role];
        let Some(t) = self.table(&path, v) else {
            return;
        };
        self.unknown_keys(&path, t, CLIENT_KEYS, "a client");
        let at = |k: &'static str| -> [&str; 3] { ["clients", role, k] };
        match t.get("id") {
            Some(id) => {
                self.non_empty_string(&at("id"), id);
            }
            None => self.key_err(&path, format!("client `{role}` needs `id` (its client_id)")),
        }
        let auth = match t.get("auth") {
            None => {
                self.key_err(
                    &path,
                    format!(
                        "client `{role}` needs `auth` (one of {})",
                        AUTH_METHODS.join(" | ")
                    ),
                );
                None
            }
            Some(a) => match self.string(&at("auth"), a) {
                Some(a) if AUTH_METHODS.contains(&a) => Some(a.to_string()),
                Some(a) => {
                    self.value_err(
                        &at("auth"),
                        format!(
                            "unknown auth method `{a}`{} (one of {})",
                            suggest(a, AUTH_METHODS),
                            AUTH_METHODS.join(" | ")
                        ),
                    );
                    None
                }
                None => None,
            },
        };
        if let Some(s) = t.get("secret") {
            self.secret_ref(&at("secret"), s);
        }
        if let Some(k) = t.get("key") {
            self.secret_ref(&at("key"), k);
        }
        if let Some(alg) = t.get("alg") {
            if let Some(a) = self.string(&at("alg"), alg) {
                if !super::assertion::ALGORITHMS.contains(&a) {
                    self.value_err(
                        &at("alg"),
                        format!(
                            "unsupported `alg` `{a}` (one of {})",
                            super::assertion::ALGORITHMS.join(", ")
                        ),
                    );
                }
            }
        }
        for k in ["kid", "audience"] {
            if let Some(v) = t.get(k) {
                self.non_empty_string(&["clients", role, k], v);
            }
        }
        if let Some(auth) = &auth {
            let secret_auth = auth.starts_with("client_secret_");
            if secret_auth && !t.contains_key("secret") {
                let (env_ex, file_ex) = self.secret_example("secret");
                self.key_err(
                    &path,
                    format!("client `{role}` uses `{auth}` and needs `{env_ex}` or `{file_ex}`"),
                );
            }
            if !secret_auth && t.contains_key("secret") {
                self.key_err(
                    &at("secret"),
                    format!("`secret` is not used with auth = \"{auth}\""),
                );
            }
            if auth == "private_key_jwt" {
                if !t.contains_key("key") {
                    let (env_ex, file_ex) = self.secret_example("key");
                    self.key_err(
                        &path,
                        format!("client `{role}` uses `private_key_jwt` and needs a PEM private key: `{file_ex}` or `{env_ex}`"),
                    );
                }
            } else {
                for k in ["key", "alg", "kid", "audience"] {
                    if t.contains_key(k) {
                        self.key_err(&["clients", role, k], format!("`{k}` is used only with auth = \"private_key_jwt\", not \"{auth}\""));
                    }
                }
            }
        }
        if let Some(p) = t.get("refresh_params") {
            self.string_table(&at("refresh_params"), p);
        }
        if let Some(g) = t.get("grant") {
            self.grant(&at("grant"), g, emulator_control);
        }
        if let Some(b) = t.get("behaviour") {
            self.behaviour(&at("behaviour"), b);
        }
    }

    fn check(&mut self) {
        let root = &self.doc.root;
        self.unknown_keys(&[], root, TOP_KEYS, "the target file");
        match root.get("name") {
            None => self.key_err(
                &[],
                "the target needs `name` (trial names are <name>/<scenario-id>)".into(),
            ),
            Some(v) => {
                if let Some(n) = self.non_empty_string(&["name"], v) {
                    if !n
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    {
                        self.value_err(&["name"], format!("`name` `{n}` may contain only letters, digits, `-`, `_` and `.` (it starts every trial name)"));
                    }
                }
            }
        }
        match root.get("profile") {
            None => self.key_err(
                &[],
                "the target needs `profile` (the vendor profile it follows)".into(),
            ),
            Some(v) => {
                if let Some(p) = self.non_empty_string(&["profile"], v) {
                    if let Err(e) = load_profile(self.path, p) {
                        self.value_err(&["profile"], e);
                    }
                }
            }
        }
        for k in ENDPOINT_KEYS {
            if let Some(v) = root.get(*k) {
                self.url(&[k], v);
            }
        }
        if !root.contains_key("issuer") && !root.contains_key("token_endpoint") {
            self.key_err(
                &[],
                "the target needs `issuer` (endpoints are discovered) or `token_endpoint` (and optionally revocation_endpoint, introspection_endpoint)".into(),
            );
        }
        if let Some(v) = root.get("timeout") {
            self.duration(&["timeout"], v);
        }
        for k in ["ca_bundle", "baseline"] {
            if let Some(v) = root.get(k) {
                self.non_empty_string(&[k], v);
            }
        }
        if let Some(v) = root.get("rate") {
            match v {
                toml::Value::Integer(n) if *n > 0 => {}
                toml::Value::Float(f) if *f > 0.0 && f.is_finite() => {}
                toml::Value::Integer(_) | toml::Value::Float(_) => self.value_err(
                    &["rate"],
                    "`rate` (requests per second) must be greater than zero".into(),
                ),
                other => self.value_err(
                    &["rate"],
                    format!(
                        "`rate` must be a number of requests per second, not {}",
                        type_name(other)
                    ),
                ),
            }
        }
        if let Some(v) = root.get("headers") {
            if let Some(h) = self.string_table(&["headers"], v) {
                for (name, value) in h {
                    if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                        self.key_err(
                            &["headers", &name],
                            format!("`{name}` is not a valid HTTP header name"),
                        );
                    } else if reqwest::header::HeaderValue::from_str(&value).is_err() {
                        self.value_err(
                            &["headers", &name],
                            format!(
                                "the value of header `{name}` is not a valid HTTP header value"
                            ),
                        );
                    }
                }
            }
        }
        let emulator_control = match root.get("emulator_control") {
            Some(v) => self.boolean(&["emulator_control"], v).unwrap_or(false),
            None => false,
        };
        if let Some(v) = root.get("scopes") {
            if let Some(t) = self.table(&["scopes"], v) {
                self.unknown_keys(&["scopes"], t, SCOPE_KEYS, "[scopes]");
                for (k, v) in t {
                    self.string(&["scopes", k], v);
                }
            }
        }
        if let Some(v) = root.get("grant") {
            self.grant(&["grant"], v, emulator_control);
        }
        if let Some(v) = root.get("behaviour") {
            self.behaviour(&["behaviour"], v);
        }
        match root.get("clients") {
            None => self.key_err(
                &[],
                "the target needs `[clients.main]` (the catalog's main client)".into(),
            ),
            Some(v) => {
                if let Some(t) = self.table(&["clients"], v) {
                    if !t.contains_key("main") {
                        self.key_err(
                            &["clients"],
                            "the target needs `[clients.main]` (the catalog's main client)".into(),
                        );
                    }
                    for (role, c) in t {
                        if role.is_empty()
                            || !role
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                        {
                            self.key_err(
                                &["clients", role],
                                format!("client role `{role}` may contain only letters, digits, `_` and `-` (roles the catalog uses: main, other, public)"),
                            );
                        }
                        self.client(role, c, emulator_control);
                    }
                }
            }
        }
    }
}

/// Sort `path:line:col: message` errors by line and column (stable).
fn sort_by_location(errors: &mut [String]) {
    fn key(e: &str) -> (usize, usize) {
        let mut it = e.splitn(4, ':').skip(1);
        let line = it.next().and_then(|l| l.parse().ok()).unwrap_or(0);
        let col = it.next().and_then(|c| c.parse().ok()).unwrap_or(0);
        (line, col)
    }
    errors.sort_by_key(|e| key(e));
}

fn parse_doc(path: &Path, doc: &Doc) -> Result<TargetFile, Vec<String>> {
    let mut c = Checker {
        doc,
        path,
        json: super::doc::is_json(path),
        errors: vec![],
    };
    c.check();
    if !c.errors.is_empty() {
        sort_by_location(&mut c.errors);
        return Err(c.errors);
    }
    toml::Value::Table(doc.root.clone())
        .try_into::<TargetFile>()
        .map_err(|e| vec![format!("{}:1:1: {}", doc.origin, e.message().trim())])
}

// ---------------------------------------------------------------- resolving

/// Where to point resolve errors: `file:line:col` when the text is at hand,
/// else `file: key.path`.
struct Where<'a> {
    origin: String,
    doc: Option<&'a Doc>,
}

impl Where<'_> {
    fn at(&self, path: &[&str], msg: &str) -> String {
        match self.doc {
            Some(d) => d.at_value(path, msg),
            None => format!("{}: {}: {msg}", self.origin, dotted(path)),
        }
    }
}

/// Read a secret reference. `who` is "client `main`" or "the target-wide grant".
fn read_secret(
    target_path: &Path,
    r: &SecretRef,
    who: &str,
    keypath: &[&str],
    w: &Where<'_>,
    trim: bool,
) -> Result<String, String> {
    let key = dotted(keypath);
    match r {
        SecretRef::Env { env } => match std::env::var(env) {
            Ok(v) if v.trim().is_empty() => Err(w.at(
                keypath,
                &format!("{who}: environment variable `{env}` ({key}) is set but empty"),
            )),
            Ok(v) => Ok(if trim {
                v.trim_end_matches(['\r', '\n']).to_string()
            } else {
                v
            }),
            Err(std::env::VarError::NotPresent) => Err(w.at(
                keypath,
                &format!("{who}: environment variable `{env}` ({key}) is not set"),
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(w.at(
                keypath,
                &format!("{who}: environment variable `{env}` ({key}) is not valid UTF-8"),
            )),
        },
        SecretRef::File { file } => {
            let p = relative_to(target_path, file);
            match std::fs::read_to_string(&p) {
                Ok(v) if v.trim().is_empty() => Err(w.at(
                    keypath,
                    &format!("{who}: file `{}` ({key}) is empty", p.display()),
                )),
                Ok(v) => Ok(if trim {
                    v.trim_end_matches(['\r', '\n']).to_string()
                } else {
                    v
                }),
                Err(e) => Err(w.at(
                    keypath,
                    &format!("{who}: cannot read file `{}` ({key}): {e}", p.display()),
                )),
            }
        }
        SecretRef::Literal(_) => Err(w.at(
            keypath,
            &format!("{who}: `{key}` must be {{ env = \"...\" }} or {{ file = \"...\" }}"),
        )),
    }
}

struct Secrets(Vec<(String, String)>);

impl Secrets {
    fn add(&mut self, value: &str, label: String) {
        if !value.is_empty() && !self.0.iter().any(|(v, _)| v == value) {
            self.0.push((value.to_string(), label));
        }
    }
}

fn header_is_credential(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "authorization",
        "cookie",
        "key",
        "token",
        "secret",
        "password",
        "credential",
        "auth",
    ]
    .iter()
    .any(|w| n.contains(w))
}

#[allow(clippy::too_many_arguments)]
fn resolve_grant(
    path: &Path,
    g: &GrantFile,
    who: &str,
    keypath: &[&str],
    label_owner: &str,
    w: &Where<'_>,
    secrets: &mut Secrets,
    errors: &mut Vec<String>,
) -> Option<GrantSource> {
    let at = |k: &'static str| -> Vec<&str> {
        let mut p = keypath.to_vec();
        p.push(k);
        p
    };
    match g.kind.as_str() {
        "password" | "authorization_code" => {
            let username = g.username.clone().unwrap_or_default();
            let password = match g
                .password
                .as_ref()
                .map(|r| read_secret(path, r, who, &at("password"), w, true))
            {
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    errors.push(e);
                    return None;
                }
                None => return None,
            };
            secrets.add(&password, format!("‹password:{label_owner}›"));
            if g.kind == "password" {
                Some(GrantSource::Password {
                    username,
                    password,
                    params: g.params.clone(),
                })
            } else {
                let redirect_uri = g
                    .params
                    .get("redirect_uri")
                    .cloned()
                    .unwrap_or_else(|| super::emulated::REDIRECT_URI.to_string());
                Some(GrantSource::AuthorizationCode {
                    username,
                    password,
                    redirect_uri,
                })
            }
        }
        "command" => {
            let mut argv = g.command.clone().unwrap_or_default();
            if let Some(program) = argv.first_mut() {
                // `./login.sh` is relative to the target file, not to wherever the tool runs.
                if program.contains('/') && Path::new(program.as_str()).is_relative() {
                    *program = relative_to(path, program).display().to_string();
                }
            }
            Some(GrantSource::Command {
                argv,
                scope_selectable: g.scope_selectable.unwrap_or(true),
                repeatable: g.repeatable.unwrap_or(true),
            })
        }
        "refresh_token_env" => {
            let var = g.env.clone().unwrap_or_default();
            match read_secret(
                path,
                &SecretRef::Env { env: var.clone() },
                who,
                &at("env"),
                w,
                true,
            ) {
                Ok(token) => {
                    let label = if secrets.0.iter().any(|(_, l)| l == "‹rt:seed›") {
                        format!("‹rt:seed-{label_owner}›")
                    } else {
                        "‹rt:seed›".to_string()
                    };
                    secrets.add(&token, label);
                    Some(GrantSource::RefreshTokenEnv { var, token })
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        }
        other => {
            errors.push(w.at(&at("kind"), &format!("{who}: unknown grant kind `{other}`")));
            None
        }
    }
}

fn origin_of(u: &str) -> Option<String> {
    url::Url::parse(u)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

fn resolve(path: &Path, file: TargetFile, doc: Option<&Doc>) -> Result<Target, Vec<String>> {
    let w = Where {
        origin: path.display().to_string(),
        doc,
    };
    let mut errors = Vec::new();
    let mut secrets = Secrets(Vec::new());

    let profile = match load_profile(path, &file.profile) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.push(w.at(&["profile"], &e));
            None
        }
    };
    let behaviour = BehaviourSet::from_table(&file.behaviour).unwrap_or_else(|(k, m)| {
        errors.push(w.at(&["behaviour", &k], &m));
        BehaviourSet::default()
    });

    // The target-wide grant source, resolved once (its secrets are read once).
    let target_grant = file.grant.as_ref().and_then(|g| {
        resolve_grant(
            path,
            g,
            "the target-wide [grant]",
            &["grant"],
            "target",
            &w,
            &mut secrets,
            &mut errors,
        )
    });

    let mut clients = BTreeMap::new();
    for (role, c) in &file.clients {
        if let Some(client) = resolve_client(
            path,
            role,
            c,
            target_grant.as_ref(),
            &w,
            &mut secrets,
            &mut errors,
        ) {
            clients.insert(role.clone(), client);
        }
    }

    let mut headers = Vec::new();
    for (name, value) in &file.headers {
        if header_is_credential(name) {
            secrets.add(value, format!("‹header:{}›", name.to_ascii_lowercase()));
        }
        headers.push((name.clone(), value.clone()));
    }
    let timeout = file
        .timeout
        .as_deref()
        .and_then(|t| humantime::parse_duration(t).ok())
        .unwrap_or(DEFAULT_TIMEOUT);
    let ca_bundle = file.ca_bundle.as_deref().map(|c| relative_to(path, c));
    if let Some(ca) = &ca_bundle {
        match std::fs::read(ca) {
            Ok(bytes) => match reqwest::Certificate::from_pem_bundle(&bytes) {
                Ok(certs) if !certs.is_empty() => {}
                _ => errors.push(w.at(
                    &["ca_bundle"],
                    &format!("`ca_bundle` file `{}` is not a bundle of PEM certificates (-----BEGIN CERTIFICATE-----)", ca.display()),
                )),
            },
            Err(e) => errors.push(w.at(&["ca_bundle"], &format!("cannot read `ca_bundle` file `{}`: {e}", ca.display()))),
        }
    }

    let baseline = match &file.baseline {
        Some(b) => match super::baseline::load_baseline(&relative_to(path, b)) {
            Ok(b) => b,
            Err(e) => {
                errors.extend(e);
                BTreeMap::new()
            }
        },
        None => BTreeMap::new(),
    };

    let clock = if file.emulator_control == Some(true) {
        match file
            .token_endpoint
            .as_deref()
            .or(file.issuer.as_deref())
            .and_then(origin_of)
        {
            Some(o) => Clock::Virtual {
                control_url: format!("{o}/_emulator/advance"),
            },
            None => {
                errors.push(w.at(
                    &["emulator_control"],
                    "`emulator_control` needs `token_endpoint` or `issuer`",
                ));
                Clock::Real
            }
        }
    } else {
        Clock::Real
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let profile = profile.expect("checked above");
    let file_scopes = file.scopes.clone().unwrap_or_default();
    let scopes = Scopes {
        granted: file_scopes
            .granted
            .or_else(|| profile.scopes.granted.clone()),
        narrower: file_scopes
            .narrower
            .or_else(|| profile.scopes.narrower.clone()),
        extra: file_scopes.extra.or_else(|| profile.scopes.extra.clone()),
    };
    Ok(Target {
        name: file.name.clone(),
        profile,
        behaviour,
        endpoints: Endpoints {
            issuer: file.issuer.clone(),
            // Empty until discovery fills it when only `issuer` is given.
            token: file.token_endpoint.clone().unwrap_or_default(),
            revocation: file.revocation_endpoint.clone(),
            introspection: file.introspection_endpoint.clone(),
            authorization: file.authorization_endpoint.clone(),
            jwks: file.jwks_uri.clone(),
        },
        clients,
        scopes,
        http: HttpSettings {
            timeout,
            ca_bundle,
            rate: file.rate,
            headers,
        },
        clock,
        live: true,
        baseline,
        secrets: secrets.0,
    })
}

fn resolve_client(
    path: &Path,
    role: &str,
    c: &ClientFile,
    target_grant: Option<&GrantSource>,
    w: &Where<'_>,
    secrets: &mut Secrets,
    errors: &mut Vec<String>,
) -> Option<Client> {
    let who = format!("client `{role}`");
    let n_errors = errors.len();
    let Some(auth) = AuthMethod::parse(&c.auth) else {
        errors.push(w.at(
            &["clients", role, "auth"],
            &format!("{who}: unknown auth method `{}`", c.auth),
        ));
        return None;
    };
    let secret = match &c.secret {
        Some(r) => match read_secret(path, r, &who, &["clients", role, "secret"], w, true) {
            Ok(s) => {
                secrets.add(&s, format!("‹secret:{role}›"));
                Some(s)
            }
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let key = match &c.key {
        Some(r) => match read_secret(path, r, &who, &["clients", role, "key"], w, false) {
            Ok(pem) => {
                secrets.add(&pem, format!("‹key:{role}›"));
                let source = match r {
                    SecretRef::Env { env } => format!("environment variable `{env}`"),
                    SecretRef::File { file } => {
                        format!("file `{}`", relative_to(path, file).display())
                    }
                    SecretRef::Literal(_) => "the target file".into(),
                };
                let alg = match &c.alg {
                    Some(a) => Some(a.clone()),
                    None => super::assertion::infer_alg(&pem).map(str::to_string),
                };
                match alg {
                    None => {
                        errors.push(w.at(
                            &["clients", role, "key"],
                            &format!("{who}: the key from {source} is neither an RSA (RS256) nor a P-256 (ES256) private key in PEM"),
                        ));
                        None
                    }
                    Some(alg) => {
                        let key = AssertionKey {
                            pem,
                            alg: alg.clone(),
                            kid: c.kid.clone(),
                            audience: c.audience.clone(),
                        };
                        // Sign once now, so a bad key is an input error and not a failed trial.
                        match super::assertion::client_assertion(
                            &key,
                            &c.id,
                            "https://check.invalid/",
                            std::time::SystemTime::now(),
                        ) {
                            Ok(_) => Some(key),
                            Err(e) => {
                                errors.push(w.at(
                                    &["clients", role, "key"],
                                    &format!("{who}: the key from {source} cannot sign {alg}: {e}"),
                                ));
                                None
                            }
                        }
                    }
                }
            }
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let behaviour = BehaviourSet::from_table(&c.behaviour).unwrap_or_else(|(k, m)| {
        errors.push(w.at(&["clients", role, "behaviour", &k], &m));
        BehaviourSet::default()
    });
    let grant = match &c.grant {
        Some(g) => resolve_grant(
            path,
            g,
            &who,
            &["clients", role, "grant"],
            role,
            w,
            secrets,
            errors,
        ),
        None => target_grant.cloned(),
    };
    if errors.len() > n_errors {
        return None;
    }
    Some(Client {
        role: role.to_string(),
        id: c.id.clone(),
        auth,
        secret,
        key,
        refresh_params: c.refresh_params.clone(),
        grant,
        behaviour,
    })
}
