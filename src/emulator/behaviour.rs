//! The profile's behaviour as the token service reads it: one typed, resolved
//! set per client (profile values, then `[clients.ROLE.behaviour]`, then the
//! defects' overrides), computed once at start.

use crate::behaviour::{BehaviourSet, Value};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Previous {
    Invalidated,
    Valid,
    ValidInGrace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RotatedExpiry {
    Original,
    Renewed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdTokenOnRefresh {
    Always,
    WhenOpenid,
    Never,
}

/// Durations are milliseconds; a zero ttl in the profile means "no limit"
/// (`None`), which also makes the key falsy in `when` conditions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Behaviour {
    pub offline_access_required: bool,
    pub refresh_token_for_client_credentials: bool,
    /// `new_refresh_token` resolved for this client (`public_clients` → auth = none).
    pub rotate: bool,
    pub previous: Previous,
    pub grace_ms: i64,
    /// `grace_applies_to = every_used_token`: each used token keeps its own
    /// grace window, older generations included (Ory Hydra).
    pub grace_every_used: bool,
    /// `refresh_token_max_reuse`: with `Previous::Invalidated`, a used token
    /// is accepted this many more times (1 + max_reuse uses in all).
    pub max_reuse: u64,
    pub reuse_detection: bool,
    /// `reuse_revokes_access_tokens`: reuse detection also ends the family's access tokens.
    pub reuse_revokes_access_tokens: bool,
    /// `concurrent_refresh = same_successor`: refreshes of one token that
    /// arrive together all get the successor pair the first one minted.
    pub same_successor: bool,
    pub access_ttl_ms: i64,
    pub absolute_ttl_ms: Option<i64>,
    pub idle_ttl_ms: Option<i64>,
    pub rotated_expiry: RotatedExpiry,
    /// `scope_on_refresh = honoured`.
    pub scope_honoured: bool,
    pub id_token_on_refresh: IdTokenOnRefresh,
    pub introspects_refresh_tokens: bool,
    pub revocation_revokes_access_tokens: bool,
    /// `sender_constrained = dpop`: token requests need a DPoP proof.
    pub dpop_required: bool,
    /// Its DPoP proofs must carry a nonce the emulator issued (RFC 9449 §8).
    pub dpop_nonce_required: bool,
}

impl Behaviour {
    /// Resolve a behaviour set for one client. Keys the set leaves out take
    /// RFC 6749-leaning defaults, so a profile written in a test may be partial.
    pub(crate) fn resolve(set: &BehaviourSet, public_client: bool) -> anyhow::Result<Behaviour> {
        let get = |k: &str| set.values.get(k).map(|s| &s.value);
        let flag = |k: &str, d: bool| get(k).and_then(Value::as_bool).unwrap_or(d);
        let text =
            |k: &str, d: &'static str| get(k).and_then(Value::as_str).unwrap_or(d).to_string();
        let ms = |k: &str, d: Duration| -> i64 {
            get(k)
                .and_then(Value::as_duration)
                .unwrap_or(d)
                .as_millis()
                .min(i64::MAX as u128) as i64
        };
        let limit = |k: &str| Some(ms(k, Duration::ZERO)).filter(|v| *v > 0);
        let sender_constrained = text("sender_constrained", "none");
        if sender_constrained == "mtls" {
            anyhow::bail!("sender_constrained = \"mtls\" is not emulated (the emulator has no TLS); use \"none\" or \"dpop\"");
        }
        let access_ttl_ms = ms("access_token_ttl", Duration::from_secs(3600));
        if access_ttl_ms < 1000 {
            anyhow::bail!("access_token_ttl must be at least 1s for the emulator");
        }
        Ok(Behaviour {
            offline_access_required: flag("offline_access_required", false),
            refresh_token_for_client_credentials: flag(
                "refresh_token_for_client_credentials",
                false,
            ),
            rotate: match text("new_refresh_token", "always").as_str() {
                "never" => false,
                "public_clients" => public_client,
                _ => true,
            },
            previous: match text("previous_refresh_token", "invalidated").as_str() {
                "valid" => Previous::Valid,
                "valid_in_grace" => Previous::ValidInGrace,
                _ => Previous::Invalidated,
            },
            grace_ms: ms("grace_period", Duration::ZERO),
            grace_every_used: text("grace_applies_to", "previous_token") == "every_used_token",
            max_reuse: get("refresh_token_max_reuse")
                .and_then(Value::as_count)
                .unwrap_or(0),
            reuse_detection: flag("reuse_detection", false),
            reuse_revokes_access_tokens: flag("reuse_revokes_access_tokens", true),
            same_successor: text("concurrent_refresh", "one_succeeds") == "same_successor",
            access_ttl_ms,
            absolute_ttl_ms: limit("refresh_token_absolute_ttl"),
            idle_ttl_ms: limit("refresh_token_idle_ttl"),
            rotated_expiry: match text("rotated_token_expiry", "original").as_str() {
                "renewed" => RotatedExpiry::Renewed,
                _ => RotatedExpiry::Original,
            },
            scope_honoured: text("scope_on_refresh", "honoured") != "ignored",
            id_token_on_refresh: match text("id_token_on_refresh", "when_openid_requested").as_str()
            {
                "always" => IdTokenOnRefresh::Always,
                "never" => IdTokenOnRefresh::Never,
                _ => IdTokenOnRefresh::WhenOpenid,
            },
            introspects_refresh_tokens: flag("introspects_refresh_tokens", true),
            revocation_revokes_access_tokens: flag("revocation_revokes_access_tokens", true),
            dpop_required: sender_constrained == "dpop",
            dpop_nonce_required: text("dpop_nonce", "none") == "required",
        })
    }
}
