//! The target file format (docs/target-file.md), as serde types: the one
//! description of which keys each table holds ([`field_names`]); the
//! parser checks values against it, located (`parse/`).

use crate::oauth::{AuthMethod, GrantKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A user's `target.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: String,
    pub profile: String,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub token_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub introspection_endpoint: Option<String>,
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// Hosts (`host` or `host:port`) other than the issuer's that discovered
    /// endpoints may name; credentials are sent nowhere else.
    #[serde(default)]
    pub allowed_endpoint_hosts: Vec<String>,
    /// The metadata may name the issuer quirk the profile declares
    /// (`[discovery] issuer_quirk`, Oracle IDCS's global issuer) instead of
    /// `issuer`, which stays this tenant's URL.
    #[serde(default)]
    pub accept_issuer_quirk: Option<bool>,
    /// Per-request timeout (humantime).
    #[serde(default)]
    pub timeout: Option<String>,
    /// PEM file of extra trust roots for a private CA.
    #[serde(default)]
    pub ca_bundle: Option<String>,
    /// Requests per second cap.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Extra headers on every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Known deviations file (baseline format).
    #[serde(default)]
    pub baseline: Option<String>,
    /// The target is a `refresh-conformance emulate` server: waits advance its
    /// virtual clocks through its control endpoint instead of sleeping.
    #[serde(default)]
    pub emulator_control: Option<bool>,
    #[serde(default)]
    pub clients: BTreeMap<String, ClientFile>,
    #[serde(default)]
    pub scopes: Option<crate::oauth::Scopes>,
    /// Target-wide grant source for clients without their own.
    #[serde(default)]
    pub grant: Option<GrantFile>,
    /// Behaviour values over the profile's (vocabulary keys and `x_*`).
    #[serde(default)]
    pub behaviour: toml::Table,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFile {
    pub id: String,
    pub auth: AuthMethod,
    #[serde(default)]
    pub secret: Option<SecretRef>,
    /// PEM private key for private_key_jwt.
    #[serde(default)]
    pub key: Option<SecretRef>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub kid: Option<String>,
    /// Client assertion `aud` (default: the token endpoint URL).
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub refresh_params: BTreeMap<String, String>,
    /// Send DPoP proofs (RFC 9449) on this client's token requests.
    #[serde(default)]
    pub dpop: bool,
    /// The DPoP proof algorithm: `ES256` (default) or `RS256`.
    #[serde(default)]
    pub dpop_alg: Option<String>,
    #[serde(default)]
    pub grant: Option<GrantFile>,
    #[serde(default)]
    pub behaviour: toml::Table,
}

/// A secret is never written in a file: it comes from the environment or a file.
/// (Literal strings are refused with a message saying how to fix it.)
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum SecretRef {
    Env {
        env: String,
    },
    File {
        file: String,
    },
    /// Only to refuse it with a helpful message.
    Literal(String),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GrantFile {
    pub kind: GrantKind,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<SecretRef>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    /// For refresh_token_env: the variable holding a seed refresh token.
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub scope_selectable: Option<bool>,
    #[serde(default)]
    pub repeatable: Option<bool>,
    /// Extra parameters for the grant request.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

/// The keys of a table, read off its serde type: every field of `T` appears
/// when a default value is serialized (none is skipped), so the parser's
/// lists of known keys cannot drift from the types.
pub(crate) fn field_names<T: Default + Serialize>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_list_every_key_of_the_format() {
        let top = field_names::<TargetFile>();
        assert!(top.iter().any(|k| k == "token_endpoint") && top.iter().any(|k| k == "clients"));
        assert_eq!(top.len(), 20);
        assert_eq!(field_names::<ClientFile>().len(), 12);
        assert_eq!(field_names::<GrantFile>().len(), 8);
        assert_eq!(
            field_names::<crate::oauth::Scopes>(),
            ["extra", "granted", "narrower"]
        );
    }
}
