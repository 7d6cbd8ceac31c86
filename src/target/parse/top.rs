//! The top level of a target file: name, profile, endpoints, HTTP
//! settings, scopes, and the client table.

use super::{type_name, Checker, ENDPOINT_KEYS, SCOPE_KEYS, TOP_KEYS};
use crate::target::files::load_profile;

impl Checker<'_> {
    pub(super) fn check(&mut self) {
        let root = &self.doc.root;
        self.unknown_keys(&[], root, &TOP_KEYS, "the target file");
        self.name_and_profile();
        self.endpoints();
        self.http_settings();
        let emulator_control = match root.get("emulator_control") {
            Some(v) => self.boolean(&["emulator_control"], v).unwrap_or(false),
            None => false,
        };
        self.scopes();
        if let Some(v) = root.get("grant") {
            self.grant(&["grant"], v, emulator_control);
        }
        if let Some(v) = root.get("behaviour") {
            self.behaviour(&["behaviour"], v);
        }
        self.clients(emulator_control);
    }

    fn name_and_profile(&mut self) {
        let root = &self.doc.root;
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
                    match load_profile(self.path, p) {
                        Err(e) => self.value_err(&["profile"], e),
                        Ok(profile) => self.issuer_quirk(&profile),
                    }
                }
            }
        }
    }

    fn endpoints(&mut self) {
        let root = &self.doc.root;
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
        if let Some(v) = root.get("allowed_endpoint_hosts") {
            self.allowed_hosts(v);
        }
        if let Some(v) = root.get("timeout") {
            self.duration(&["timeout"], v);
        }
        for k in ["ca_bundle", "baseline"] {
            if let Some(v) = root.get(k) {
                self.non_empty_string(&[k], v);
            }
        }
    }

    /// `accept_issuer_quirk = true` needs a profile that declares one.
    fn issuer_quirk(&mut self, profile: &crate::behaviour::Profile) {
        let key = "accept_issuer_quirk";
        let Some(v) = self.doc.root.get(key) else {
            return;
        };
        if self.boolean(&[key], v) == Some(true) && profile.discovery.issuer_quirk.is_none() {
            self.value_err(
                &[key],
                format!("profile `{}` declares no issuer quirk ([discovery] issuer_quirk), so there is none to accept; the metadata's `issuer` must equal `issuer`", profile.name),
            );
        }
    }

    /// `allowed_endpoint_hosts = ["host", "host:port"]`: names, not URLs.
    fn allowed_hosts(&mut self, v: &toml::Value) {
        let key = "allowed_endpoint_hosts";
        let Some(list) = v.as_array() else {
            self.value_err(
                &[key],
                format!("`{key}` must be a list of host names (\"login.example.com\" or \"host:port\"), not {}", type_name(v)),
            );
            return;
        };
        for (i, item) in list.iter().enumerate() {
            let idx = i.to_string();
            let ok = item.as_str().is_some_and(|h| {
                !h.is_empty()
                    && url::Url::parse(&format!("https://{h}/"))
                        .is_ok_and(|u| u.path() == "/" && u.username().is_empty())
                    && !h.contains('/')
                    && !h.contains('@')
            });
            if !ok {
                self.value_err(
                    &[key, &idx],
                    format!("`{key}` entries are a host or host:port, without scheme or path (e.g. \"oauth2.googleapis.com\"), not {item}"),
                );
            }
        }
    }

    fn http_settings(&mut self) {
        let root = &self.doc.root;
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
    }

    fn scopes(&mut self) {
        let root = &self.doc.root;
        if let Some(v) = root.get("scopes") {
            if let Some(t) = self.table(&["scopes"], v) {
                self.unknown_keys(&["scopes"], t, &SCOPE_KEYS, "[scopes]");
                for (k, v) in t {
                    self.string(&["scopes", k], v);
                }
            }
        }
    }

    fn clients(&mut self, emulator_control: bool) {
        let root = &self.doc.root;
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
