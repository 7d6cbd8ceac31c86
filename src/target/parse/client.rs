//! A `[clients.<role>]` table: its id, authentication method and the keys
//! that method needs.

use super::{Checker, CLIENT_KEYS};
use crate::oauth::AuthMethod;

impl Checker<'_> {
    pub(super) fn client(&mut self, role: &str, v: &toml::Value, emulator_control: bool) {
        let path = ["clients", role];
        let Some(t) = self.table(&path, v) else {
            return;
        };
        self.unknown_keys(&path, t, &CLIENT_KEYS, "a client");
        let at = |k: &'static str| -> [&str; 3] { ["clients", role, k] };
        match t.get("id") {
            Some(id) => {
                self.non_empty_string(&at("id"), id);
            }
            None => self.key_err(&path, format!("client `{role}` needs `id` (its client_id)")),
        }
        let auth = self.auth_method(role, t);
        if let Some(s) = t.get("secret") {
            self.secret_ref(&at("secret"), s);
        }
        if let Some(k) = t.get("key") {
            self.secret_ref(&at("key"), k);
        }
        if let Some(alg) = t.get("alg") {
            if let Some(a) = self.string(&at("alg"), alg) {
                let algs = crate::target::assertion::ALGORITHMS;
                if !algs.contains(&a) {
                    self.value_err(
                        &at("alg"),
                        format!(
                            "unsupported `alg` `{a}`{} (one of {})",
                            super::suggest(a, algs),
                            algs.join(", ")
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
        if let Some(auth) = auth {
            self.keys_for_auth(role, t, auth);
        }
        self.dpop(role, t);
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

    /// The client's `auth`, or None (reported) when missing or unknown.
    fn auth_method(&mut self, role: &str, t: &toml::Table) -> Option<AuthMethod> {
        let names = AuthMethod::names();
        let Some(a) = t.get("auth") else {
            self.key_err(
                &["clients", role],
                format!(
                    "client `{role}` needs `auth` (one of {})",
                    names.join(" | ")
                ),
            );
            return None;
        };
        let at = ["clients", role, "auth"];
        let a = self.string(&at, a)?;
        let method = AuthMethod::parse(a);
        if method.is_none() {
            self.value_err(
                &at,
                format!(
                    "unknown auth method `{a}`{} (one of {})",
                    super::suggest(a, &names),
                    names.join(" | ")
                ),
            );
        }
        method
    }

    /// A secret where the method uses one, a key for `private_key_jwt`, and
    /// neither where the method has no use for it.
    fn keys_for_auth(&mut self, role: &str, t: &toml::Table, auth: AuthMethod) {
        let path = ["clients", role];
        let name = auth.as_str();
        if auth.uses_secret() && !t.contains_key("secret") {
            let (env_ex, file_ex) = self.secret_example("secret");
            self.key_err(
                &path,
                format!("client `{role}` uses `{name}` and needs `{env_ex}` or `{file_ex}`"),
            );
        }
        if !auth.uses_secret() && t.contains_key("secret") {
            self.key_err(
                &["clients", role, "secret"],
                format!("`secret` is not used with auth = \"{name}\""),
            );
        }
        if auth == AuthMethod::PrivateKeyJwt {
            if !t.contains_key("key") {
                let (env_ex, file_ex) = self.secret_example("key");
                self.key_err(
                    &path,
                    format!("client `{role}` uses `private_key_jwt` and needs a PEM private key: `{file_ex}` or `{env_ex}`"),
                );
            }
            return;
        }
        for k in ["key", "alg", "kid", "audience"] {
            if t.contains_key(k) {
                self.key_err(
                    &["clients", role, k],
                    format!("`{k}` is used only with auth = \"private_key_jwt\", not \"{name}\""),
                );
            }
        }
    }
}

impl Checker<'_> {
    /// `dpop` (a bool) and `dpop_alg` (only with `dpop = true`).
    fn dpop(&mut self, role: &str, t: &toml::Table) {
        let on = match t.get("dpop") {
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => {
                self.value_err(
                    &["clients", role, "dpop"],
                    "`dpop` must be true or false".to_string(),
                );
                false
            }
            None => false,
        };
        let Some(alg) = t.get("dpop_alg") else {
            return;
        };
        let at = ["clients", role, "dpop_alg"];
        if let Some(a) = self.string(&at, alg) {
            let names = crate::target::DpopAlg::NAMES;
            if crate::target::DpopAlg::parse(a).is_none() {
                self.value_err(
                    &at,
                    format!(
                        "unsupported `dpop_alg` `{a}`{} (one of {})",
                        super::suggest(a, names),
                        names.join(", ")
                    ),
                );
            } else if !on {
                self.key_err(
                    &at,
                    "`dpop_alg` is used only with `dpop = true`".to_string(),
                );
            }
        }
    }
}
