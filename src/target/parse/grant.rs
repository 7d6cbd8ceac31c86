//! A `[grant]` table (target-wide or a client's): its kind and the keys that
//! kind reads.

use super::{dotted, type_name, Checker, GRANT_KEYS};
use crate::oauth::GrantKind;

impl Checker<'_> {
    pub(super) fn grant(&mut self, path: &[&str], v: &toml::Value, emulator_control: bool) {
        let Some(t) = self.table(path, v) else { return };
        self.unknown_keys(path, t, &GRANT_KEYS, "a grant source");
        let Some(kind) = self.grant_kind(path, t) else {
            return;
        };
        self.unused_grant_keys(path, t, kind);
        let at = |k: &'static str| -> Vec<&str> {
            let mut p = path.to_vec();
            p.push(k);
            p
        };
        let require = |c: &mut Self, k: &'static str, what: &str| {
            if !t.contains_key(k) {
                c.key_err(
                    path,
                    format!("grant kind `{}` needs `{k}` ({what})", kind.as_str()),
                );
                false
            } else {
                true
            }
        };
        match kind {
            GrantKind::Password | GrantKind::AuthorizationCode => {
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
                if kind == GrantKind::AuthorizationCode && !emulator_control {
                    self.value_err(
                        &at("kind"),
                        "grant kind `authorization_code` works only against a `refresh-conformance emulate` server \
                         (set `emulator_control = true`); for a real IdP use `command` with a login script"
                            .into(),
                    );
                }
            }
            GrantKind::Command => {
                if require(self, "command", "the program and its arguments, e.g. [\"./login.sh\", \"{{client.id}}\", \"{{scope}}\"]") {
                    self.command(&at("command"), &t["command"]);
                }
                for k in ["scope_selectable", "repeatable"] {
                    if let Some(v) = t.get(k) {
                        let mut p = path.to_vec();
                        p.push(k);
                        self.boolean(&p, v);
                    }
                }
            }
            GrantKind::RefreshTokenEnv => {
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

    /// The grant's `kind`, or None (reported) when missing or unknown.
    fn grant_kind(&mut self, path: &[&str], t: &toml::Table) -> Option<GrantKind> {
        let names = GrantKind::names();
        let Some(k) = t.get("kind") else {
            self.key_err(
                path,
                format!(
                    "`{}` needs `kind` (one of {})",
                    dotted(path),
                    names.join(" | ")
                ),
            );
            return None;
        };
        let mut at = path.to_vec();
        at.push("kind");
        let k = self.string(&at, k)?;
        let kind = GrantKind::parse(k);
        if kind.is_none() {
            self.value_err(
                &at,
                format!(
                    "unknown grant kind `{k}`{} (one of {})",
                    super::suggest(k, &names),
                    names.join(" | ")
                ),
            );
        }
        kind
    }

    /// Keys of the grant format that this kind does not read.
    fn unused_grant_keys(&mut self, path: &[&str], t: &toml::Table, kind: GrantKind) {
        for k in t.keys() {
            let k = k.as_str();
            if k == "kind" || !GRANT_KEYS.iter().any(|g| g == k) || kind.keys().contains(&k) {
                continue;
            }
            let mut p = path.to_vec();
            p.push(k);
            let extra = if kind == GrantKind::RefreshTokenEnv
                && (k == "repeatable" || k == "scope_selectable")
            {
                " (a seed refresh token is neither repeatable nor scope-selectable)"
            } else {
                ""
            };
            self.key_err(
                &p,
                format!("`{k}` is not used by grant kind `{}`{extra}", kind.as_str()),
            );
        }
    }

    /// `command = ["./login.sh", "{{client.id}}", ...]`: a program, then arguments
    /// with known placeholders only.
    fn command(&mut self, at: &[&str], v: &toml::Value) {
        let items = match v {
            toml::Value::Array(a) if a.is_empty() => {
                return self.value_err(
                    at,
                    "`command` must not be empty: give the program and its arguments".into(),
                )
            }
            toml::Value::Array(a) => a,
            other => {
                return self.value_err(
                    at,
                    format!(
                        "`command` must be an array of strings (program, then arguments), not {}",
                        type_name(other)
                    ),
                )
            }
        };
        for (i, item) in items.iter().enumerate() {
            let idx = i.to_string();
            let mut p = at.to_vec();
            p.push(&idx);
            let Some(s) = self.string(&p, item) else {
                continue;
            };
            if i == 0 && s.trim().is_empty() {
                self.value_err(
                    &p,
                    "the program (first element of `command`) must not be empty".into(),
                );
            }
            let known = crate::target::command::COMMAND_VARS;
            for name in crate::target::command::placeholders(s) {
                if !known.contains(&name.as_str()) {
                    let list: Vec<String> = known.iter().map(|k| format!("{{{{{k}}}}}")).collect();
                    self.value_err(
                        &p,
                        format!(
                            "unknown placeholder `{{{{{name}}}}}`{} (known: {})",
                            super::suggest(&name, known),
                            list.join(", ")
                        ),
                    );
                }
            }
        }
    }
}
