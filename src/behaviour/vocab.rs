//! The behaviour vocabulary (docs/profiles.md): every key, its type and meaning.
//! Profiles, targets' `[behaviour]` and `[clients.NAME.behaviour]` use these keys.

use std::time::Duration;

/// The type of a vocabulary key's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Duration,
    /// A non-negative whole number (a count).
    Count,
    /// One of the listed strings.
    Enum(&'static [&'static str]),
}

/// One key of the vocabulary.
#[derive(Debug, Clone, Copy)]
pub struct KeyDef {
    pub key: &'static str,
    pub kind: Kind,
    pub meaning: &'static str,
}

pub const VOCABULARY: &[KeyDef] = &[
    KeyDef {
        key: "offline_access_required",
        kind: Kind::Bool,
        meaning: "a refresh token is issued only when offline_access is in the scope",
    },
    KeyDef {
        key: "refresh_token_for_client_credentials",
        kind: Kind::Bool,
        meaning: "client_credentials returns a refresh token (spec: SHOULD NOT)",
    },
    KeyDef {
        key: "new_refresh_token",
        kind: Kind::Enum(&["always", "never", "public_clients"]),
        meaning: "whether a refresh response carries a new refresh token",
    },
    KeyDef {
        key: "previous_refresh_token",
        kind: Kind::Enum(&["invalidated", "valid", "valid_in_grace"]),
        meaning: "what becomes of the presented token once a new one is issued",
    },
    KeyDef {
        key: "grace_period",
        kind: Kind::Duration,
        meaning: "how long valid_in_grace lasts",
    },
    KeyDef {
        key: "grace_applies_to",
        kind: Kind::Enum(&["previous_token", "every_used_token"]),
        meaning: "which rotated-out tokens valid_in_grace covers: only the one the newest token replaced (Okta, django-oauth-toolkit), or each used token for its own grace_period (Ory Hydra)",
    },
    KeyDef {
        key: "refresh_token_max_reuse",
        kind: Kind::Count,
        meaning: "how many more times a used refresh token is accepted before it is invalidated (Keycloak's Refresh Token Max Reuse); 0: single use",
    },
    KeyDef {
        key: "reuse_detection",
        kind: Kind::Bool,
        meaning: "presenting an invalidated token revokes the whole family (RFC 9700 §4.14.2)",
    },
    KeyDef {
        key: "reuse_revokes_access_tokens",
        kind: Kind::Bool,
        meaning: "reuse detection also revokes the family's access tokens, not only its refresh tokens",
    },
    KeyDef {
        key: "concurrent_refresh",
        kind: Kind::Enum(&["one_succeeds", "same_successor"]),
        meaning: "refreshes of one invalidated-on-use token that arrive together: one succeeds and the others are refused, or all succeed with the same successor pair (an idempotent retry)",
    },
    KeyDef {
        key: "access_token_ttl",
        kind: Kind::Duration,
        meaning: "access token lifetime",
    },
    KeyDef {
        key: "refresh_token_absolute_ttl",
        kind: Kind::Duration,
        meaning: "refresh token lifetime from the original grant",
    },
    KeyDef {
        key: "refresh_token_idle_ttl",
        kind: Kind::Duration,
        meaning: "a refresh token dies when unused this long",
    },
    KeyDef {
        key: "rotated_token_expiry",
        kind: Kind::Enum(&["original", "renewed"]),
        meaning: "a new refresh token keeps the family's expiry, or gets a fresh one",
    },
    KeyDef {
        key: "scope_on_refresh",
        kind: Kind::Enum(&["honoured", "ignored"]),
        meaning: "a requested narrower scope is applied, or the scope parameter is ignored",
    },
    KeyDef {
        key: "id_token_on_refresh",
        kind: Kind::Enum(&["always", "when_openid_requested", "never"]),
        meaning: "whether a refresh response carries an id_token",
    },
    KeyDef {
        key: "introspects_refresh_tokens",
        kind: Kind::Bool,
        meaning: "the introspection endpoint answers for refresh tokens",
    },
    KeyDef {
        key: "revocation_revokes_access_tokens",
        kind: Kind::Bool,
        meaning: "revoking a refresh token kills its access tokens (RFC 7009 SHOULD)",
    },
    KeyDef {
        key: "sender_constrained",
        kind: Kind::Enum(&["none", "dpop", "mtls"]),
        meaning: "refresh tokens are bound to a key",
    },
    KeyDef {
        key: "dpop_nonce",
        kind: Kind::Enum(&["none", "required"]),
        meaning: "the token endpoint demands a nonce it issued in every DPoP proof (RFC 9449 §8)",
    },
];

/// Keys a trial knows without anyone stating them, derived from the target.
/// Scenarios read them (`when = ["client_type == confidential"]`); profiles
/// and targets cannot state them.
pub const DERIVED: &[KeyDef] = &[
    KeyDef {
        key: "client_type",
        kind: Kind::Enum(&["confidential", "public"]),
        meaning: "the trial's client authenticates (confidential) or not (`auth = \"none\"`: public)",
    },
    KeyDef {
        key: "dpop_proofs",
        kind: Kind::Bool,
        meaning: "the trial's client sends DPoP proofs (RFC 9449): `dpop = true` on it, or an emulated profile's `sender_constrained = \"dpop\"`",
    },
];

/// A key scenarios may read: a vocabulary key or a derived one.
pub(crate) fn key_def(key: &str) -> Option<&'static KeyDef> {
    VOCABULARY.iter().chain(DERIVED).find(|d| d.key == key)
}

pub(crate) fn is_derived(key: &str) -> bool {
    DERIVED.iter().any(|d| d.key == key)
}

/// User keys (`x_*`) are accepted with any value.
pub(crate) fn is_user_key(key: &str) -> bool {
    key.starts_with("x_")
}

/// A typed behaviour value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Duration(Duration),
    Count(u64),
    /// An enum value, or any value of a user `x_*` key.
    Text(String),
}

impl Value {
    /// The text used in templates and conditions (`{{behaviour.grace_period}}` → "30s").
    pub fn render(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Duration(d) => humantime::format_duration(*d).to_string(),
            Value::Count(n) => n.to_string(),
            Value::Text(s) => s.clone(),
        }
    }

    /// The value as a TOML literal for a target file's `[behaviour]` (what
    /// `init` and `probe` print): durations in their largest whole unit
    /// ("7d", "90s"), text quoted and escaped.
    pub(crate) fn toml_literal(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Count(n) => n.to_string(),
            Value::Duration(d) => toml::Value::String(duration_text(*d)).to_string(),
            Value::Text(t) => toml::Value::String(t.clone()).to_string(),
        }
    }

    /// The value `key` has for one client: `new_refresh_token =
    /// "public_clients"` becomes `always` for a public client and `never`
    /// for a confidential one; every other value is itself.
    pub(crate) fn for_client(&self, key: &str, public: bool) -> Value {
        match (self, key) {
            (Value::Text(s), "new_refresh_token") if s == "public_clients" => {
                Value::Text(if public { "always" } else { "never" }.into())
            }
            (v, _) => v.clone(),
        }
    }

    /// "flag" in a `when` condition: true, or stated and not `never`/`none`/zero.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Duration(d) => !d.is_zero(),
            Value::Count(n) => *n > 0,
            Value::Text(s) => !matches!(s.as_str(), "never" | "none" | "false" | ""),
        }
    }

    pub(crate) fn as_duration(&self) -> Option<Duration> {
        match self {
            Value::Duration(d) => Some(*d),
            _ => None,
        }
    }

    pub(crate) fn as_count(&self) -> Option<u64> {
        match self {
            Value::Count(n) => Some(*n),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// Parse a raw TOML/JSON value for `key` into a typed value, or say why not.
pub(crate) fn parse_value(key: &str, raw: &toml::Value) -> Result<Value, String> {
    if is_user_key(key) {
        return Ok(match raw {
            toml::Value::Boolean(b) => Value::Bool(*b),
            toml::Value::String(s) => Value::Text(s.clone()),
            other => Value::Text(other.to_string()),
        });
    }
    if is_derived(key) {
        return Err(format!(
            "`{key}` is known from the target itself (a client's `auth`) and cannot be stated"
        ));
    }
    let def = key_def(key).ok_or_else(|| unknown_key_message(key))?;
    match (def.kind, raw) {
        (Kind::Bool, toml::Value::Boolean(b)) => Ok(Value::Bool(*b)),
        (Kind::Bool, other) => Err(format!("`{key}` must be true or false, not {other}")),
        (Kind::Duration, toml::Value::String(s)) => humantime::parse_duration(s)
            .map(Value::Duration)
            .map_err(|e| format!("`{key}` must be a duration like \"30s\", \"1h\" or \"7d\": {e}")),
        (Kind::Duration, toml::Value::Integer(n)) if *n >= 0 => {
            Ok(Value::Duration(Duration::from_secs(*n as u64)))
        }
        (Kind::Duration, other) => Err(format!(
            "`{key}` must be a duration string like \"30s\", not {other}"
        )),
        (Kind::Count, toml::Value::Integer(n)) if *n >= 0 => Ok(Value::Count(*n as u64)),
        (Kind::Count, other) => Err(format!(
            "`{key}` must be a whole number, 0 or more, not {other}"
        )),
        (Kind::Enum(allowed), toml::Value::String(s)) if allowed.contains(&s.as_str()) => {
            Ok(Value::Text(s.clone()))
        }
        (Kind::Enum(allowed), other) => Err(format!(
            "`{key}` must be one of {}, not {other}",
            allowed.join(" | ")
        )),
    }
}

pub(crate) fn unknown_key_message(key: &str) -> String {
    let known: Vec<&str> = VOCABULARY.iter().map(|d| d.key).collect();
    format!(
        "unknown behaviour key `{key}`{} (known: {}; user keys start with `x_`)",
        crate::doc::suggest(key, &known),
        known.join(", ")
    )
}

/// A duration as a target file writes it: the largest whole unit.
pub(crate) fn duration_text(d: Duration) -> String {
    match d.as_secs() {
        0 => "0s".into(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod literal_tests {
    use super::*;

    #[test]
    fn durations_are_written_in_their_largest_whole_unit() {
        assert_eq!(duration_text(Duration::from_secs(3600)), "1h");
        assert_eq!(duration_text(Duration::from_secs(604_800)), "7d");
        assert_eq!(duration_text(Duration::from_secs(90)), "90s");
        assert_eq!(duration_text(Duration::from_secs(120)), "2m");
        assert_eq!(
            Value::Duration(Duration::from_secs(300)).toml_literal(),
            "\"5m\""
        );
    }

    #[test]
    fn text_literals_are_escaped_toml_that_reads_back() {
        let v = Value::Text("say \"hi\" \\ now".into());
        let line = format!("k = {}", v.toml_literal());
        let back: toml::Table = toml::from_str(&line).unwrap();
        assert_eq!(back["k"].as_str(), Some("say \"hi\" \\ now"));
    }
}
