//! The OAuth vocabulary every layer shares: client authentication methods,
//! grant-source kinds, the scopes a target uses, token field names and the
//! endpoints a scenario may address. A leaf: it imports nothing of the crate,
//! so behaviour, targets, the emulator and the engine all speak it without
//! depending on one another (ARCHITECTURE.md, "Dependency rules").

use serde::{Deserialize, Serialize};

/// How a client authenticates at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2,
/// OIDC Core §9); `none` is a public client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The default only so that file types can list their keys (`field_names`);
    /// a target file always states `auth`.
    #[default]
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
    None,
}

impl AuthMethod {
    /// Every method, in the order messages list them.
    pub(crate) const ALL: [AuthMethod; 4] = [
        AuthMethod::ClientSecretBasic,
        AuthMethod::ClientSecretPost,
        AuthMethod::PrivateKeyJwt,
        AuthMethod::None,
    ];

    pub fn parse(s: &str) -> Option<AuthMethod> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
        }
    }

    /// The names, for "one of …" messages and hints.
    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(AuthMethod::as_str).collect()
    }

    /// Methods that need a client secret.
    pub(crate) fn uses_secret(&self) -> bool {
        matches!(
            self,
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
        )
    }
}

/// Where a client's fresh grants come from (docs/target-file.md, "Grant sources").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantKind {
    /// The default only so that file types can list their keys.
    #[default]
    Password,
    Command,
    RefreshTokenEnv,
    AuthorizationCode,
}

impl GrantKind {
    pub(crate) const ALL: [GrantKind; 4] = [
        GrantKind::Password,
        GrantKind::Command,
        GrantKind::RefreshTokenEnv,
        GrantKind::AuthorizationCode,
    ];

    pub fn parse(s: &str) -> Option<GrantKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            GrantKind::Password => "password",
            GrantKind::Command => "command",
            GrantKind::RefreshTokenEnv => "refresh_token_env",
            GrantKind::AuthorizationCode => "authorization_code",
        }
    }

    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(GrantKind::as_str).collect()
    }

    /// The keys of a `[grant]` table this kind reads (besides `kind`).
    pub(crate) fn keys(&self) -> &'static [&'static str] {
        match self {
            GrantKind::Password | GrantKind::AuthorizationCode => {
                &["username", "password", "params"]
            }
            GrantKind::Command => &["command", "scope_selectable", "repeatable"],
            GrantKind::RefreshTokenEnv => &["env"],
        }
    }
}

/// Scopes the catalog uses (`{{scopes.granted}}`, ...).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scopes {
    /// What `grant` asks for by default; must include `offline_access` where required.
    #[serde(default)]
    pub granted: Option<String>,
    /// A strict subset of `granted` that still yields a refresh token.
    #[serde(default)]
    pub narrower: Option<String>,
    /// A scope this client CAN obtain, left out of `granted`.
    #[serde(default)]
    pub extra: Option<String>,
}

impl Scopes {
    pub(crate) const KEYS: [&'static str; 3] = ["granted", "narrower", "extra"];

    /// `self`'s values, each falling back to `defaults`'.
    pub(crate) fn or(self, defaults: &Scopes) -> Scopes {
        Scopes {
            granted: self.granted.or_else(|| defaults.granted.clone()),
            narrower: self.narrower.or_else(|| defaults.narrower.clone()),
            extra: self.extra.or_else(|| defaults.extra.clone()),
        }
    }
}

/// Response fields that hold tokens, with the label kind the redactor gives
/// each (`‹rt:grant›`). One list: the trial registers these from parsed
/// responses and the token scanner finds them in bodies that do not parse.
pub const TOKEN_FIELDS: &[(&str, &str)] = &[
    ("refresh_token", "rt"),
    ("access_token", "at"),
    ("id_token", "idt"),
    ("device_code", "code"),
    ("code", "code"),
];

/// The client roles scenarios name: `main` (required of every target), `other`
/// (a second confidential client), `public` (a public client). User
/// scenarios may name roles of their own starting with `x_`.
pub const CLIENT_ROLES: [&str; 3] = ["main", "other", "public"];

/// A role a scenario may name: one of [`CLIENT_ROLES`], or a user role `x_*`.
pub fn is_client_role(role: &str) -> bool {
    CLIENT_ROLES.contains(&role) || (role.starts_with("x_") && role.len() > 2)
}

/// The `client_assertion_type` of JWT client assertions (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The endpoints a scenario's `request` step may address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Revocation,
    Introspection,
    Authorization,
}

impl Endpoint {
    pub(crate) const ALL: [Endpoint; 4] = [
        Endpoint::Token,
        Endpoint::Revocation,
        Endpoint::Introspection,
        Endpoint::Authorization,
    ];

    pub fn parse(s: &str) -> Option<Endpoint> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            Endpoint::Token => "token",
            Endpoint::Revocation => "revocation",
            Endpoint::Introspection => "introspection",
            Endpoint::Authorization => "authorization",
        }
    }

    pub(crate) fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(Endpoint::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_parse() {
        for m in AuthMethod::ALL {
            assert_eq!(AuthMethod::parse(m.as_str()), Some(m));
        }
        for k in GrantKind::ALL {
            assert_eq!(GrantKind::parse(k.as_str()), Some(k));
        }
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::parse(e.as_str()), Some(e));
        }
        assert_eq!(AuthMethod::parse("basic"), None);
    }

    #[test]
    fn serde_names_match_the_message_names() {
        for m in AuthMethod::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
        }
        for k in GrantKind::ALL {
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
    }
}
