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

/// Parse and validate requested scope; unknown names → `invalid_scope`.
pub fn parse(raw: &str) -> Result<Vec<String>, OAuthError> {
    let mut out: Vec<String> = Vec::new();
    for s in raw.split(' ').filter(|s| !s.is_empty()) {
        if !KNOWN_SCOPES.contains(&s) {
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
