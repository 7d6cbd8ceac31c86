//! Scopes: space-separated lists compared as sets (order-free), known names only.

use super::error::{Cause, OAuthError};
use std::sync::Arc;

/// The scopes the emulator knows; every client and user may obtain all of them.
pub(crate) const KNOWN_SCOPES: &[&str] = &[
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "read",
    "write",
];

/// Scope when a user grant omits `scope`.
pub(crate) const DEFAULT_USER_SCOPE: &str = "openid profile";
/// Scope when a client_credentials grant omits `scope`.
pub(crate) const DEFAULT_CLIENT_SCOPE: &str = "read write";

/// A scope list in the order it was granted, without duplicates.
pub(crate) type Scope = Arc<[String]>;

/// The scopes an emulator of `profile` knows: the generic ones, and those
/// its `[scopes]` and `init` template name (the vendor's form, such as
/// IDCS's `urn:opc:idm:__myscopes__`), so the template works against it.
pub(crate) fn known_for(profile: &crate::behaviour::Profile) -> Vec<String> {
    let mut lists = vec![profile.scopes.clone()];
    if let Some(s) = profile.init.as_ref().and_then(|i| i.scopes.as_ref()) {
        lists.push(s.as_scopes());
    }
    let mut out: Vec<String> = KNOWN_SCOPES.iter().map(|s| s.to_string()).collect();
    for l in lists {
        for s in [l.granted, l.narrower, l.extra].into_iter().flatten() {
            for w in s.split_whitespace() {
                if !out.iter().any(|o| o == w) {
                    out.push(w.to_string());
                }
            }
        }
    }
    out
}

/// Parse and validate requested scope; names not in `known` → `invalid_scope`.
pub fn parse(raw: &str, known: &[String]) -> Result<Vec<String>, OAuthError> {
    let mut out: Vec<String> = Vec::new();
    for s in raw.split(' ').filter(|s| !s.is_empty()) {
        if !known.iter().any(|k| k == s) {
            return Err(OAuthError::invalid_scope(
                Cause::UnknownScope,
                format!("unknown scope `{s}`"),
            ));
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

pub(crate) fn contains(scope: &[String], name: &str) -> bool {
    scope.iter().any(|s| s == name)
}

pub(crate) fn is_subset(a: &[String], b: &[String]) -> bool {
    a.iter().all(|s| contains(b, s))
}

pub(crate) fn join(scope: &[String]) -> String {
    scope.join(" ")
}
