//! `error = "invalid_grant"` and `error_registered = true`.

use super::{Mismatch, Response};

/// RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 6750 §3.1 and the IANA "OAuth Extensions Error" registry.
pub(crate) const REGISTERED: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "access_denied",
    "unsupported_response_type",
    "server_error",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
    "unsupported_token_type",
    "invalid_target",
    "invalid_dpop_proof",
    "use_dpop_nonce",
    "interaction_required",
    "login_required",
    "account_selection_required",
    "consent_required",
    "invalid_request_uri",
    "invalid_request_object",
    "request_not_supported",
    "request_uri_not_supported",
    "registration_not_supported",
    "authorization_pending",
    "slow_down",
    "expired_token",
    "invalid_authorization_details",
    "insufficient_user_authentication",
    "invalid_redirect_uri",
    "invalid_client_metadata",
    "invalid_software_statement",
    "unapproved_software_statement",
    "invalid_binding_message",
    "invalid_user_code",
    "transaction_failed",
];

fn actual_error(r: &Response) -> String {
    match (&r.json, r.field("error")) {
        (None, _) => r.body_summary(),
        (Some(_), None) => format!("status {} without `error` ({})", r.status, r.excerpt()),
        (Some(_), Some(v)) => format!(
            "{} (status {})",
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string()),
            r.status
        ),
    }
}

pub(crate) fn check(expected: &[String], r: &Response) -> Option<Mismatch> {
    if r.field_str("error")
        .is_some_and(|e| expected.iter().any(|x| x == e))
    {
        return None;
    }
    Some(Mismatch::new(
        "error",
        expected.join(" or "),
        actual_error(r),
    ))
}

pub(crate) fn check_registered(r: &Response) -> Option<Mismatch> {
    match r.field_str("error") {
        Some(e) if REGISTERED.contains(&e) => None,
        Some(e) => Some(Mismatch::new(
            "error code",
            "a code from RFC 6749 §5.2 or the IANA OAuth Extensions Error registry",
            format!("unregistered `{e}`"),
        )),
        None => Some(Mismatch::new(
            "error code",
            "a JSON `error` code",
            actual_error(r),
        )),
    }
}
