//! OAuth error responses (RFC 6749 §5.2), with the cause kept so defects can
//! rewrite exactly the errors they are about.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why the request failed: defects key on this, never on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Malformed,
    MethodNotAllowed,
    BodyTooLarge,
    RepeatedParam,
    UnknownParam,
    MissingGrantType,
    UnsupportedGrant,
    MissingRefreshToken,
    /// Never issued by this server (or not a refresh token).
    UnknownRefreshToken,
    /// Issued, but revoked or rotated away.
    DeadRefreshToken,
    /// Issued, but past its absolute or idle lifetime.
    ExpiredRefreshToken,
    OtherClientsToken,
    ClientAuth,
    /// Two client-authentication methods, or credentials in the query string.
    AuthMethodConflict,
    UnauthorizedClient,
    WidenedScope,
    UnknownScope,
    /// Bad or replayed code, PKCE mismatch.
    BadGrant,
    /// An invalid DPoP proof (RFC 9449 §4.3).
    DpopProof,
    /// A proof missing where one is required, or by a key other than the
    /// refresh token's (§5).
    DpopUnbound,
    /// The password grant's username or password is wrong.
    BadCredentials,
    /// A DPoP proof without a nonce this server issued and still honours (§8).
    DpopNonce,
}

#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    pub status: StatusCode,
    pub error: String,
    pub description: String,
    pub cause: Cause,
    /// The client tried HTTP Basic: a 401 carries `WWW-Authenticate: Basic`.
    pub basic_challenge: bool,
    /// Render as an HTML page (a defect).
    pub html: bool,
    /// A fresh nonce for the `DPoP-Nonce` header (RFC 9449 §8.1).
    pub dpop_nonce: Option<String>,
}

impl OAuthError {
    pub fn new(
        status: StatusCode,
        error: &str,
        cause: Cause,
        description: impl Into<String>,
    ) -> OAuthError {
        OAuthError {
            status,
            error: error.to_string(),
            description: description.into(),
            cause,
            basic_challenge: false,
            html: false,
            dpop_nonce: None,
        }
    }
    pub(crate) fn invalid_request(cause: Cause, d: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", cause, d)
    }
    pub(crate) fn invalid_grant(cause: Cause, d: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", cause, d)
    }
    pub(crate) fn invalid_scope(cause: Cause, d: impl Into<String>) -> OAuthError {
        OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", cause, d)
    }
    pub(crate) fn invalid_client(basic: bool, d: impl Into<String>) -> OAuthError {
        let mut e = OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            Cause::ClientAuth,
            d,
        );
        e.basic_challenge = basic;
        e
    }
}

pub(crate) const REALM_CHALLENGE: &str = "Basic realm=\"refresh-conformance emulator\"";

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = if self.html {
            let page = format!(
                "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>{}</h1><p>{}</p></body></html>",
                html_escape(&self.error),
                html_escape(&self.description)
            );
            (
                self.status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        } else {
            let body =
                serde_json::json!({ "error": self.error, "error_description": self.description });
            (self.status, axum::Json(body)).into_response()
        };
        if self.basic_challenge && self.status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(REALM_CHALLENGE),
            );
        }
        if let Some(v) = self.dpop_nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
            resp.headers_mut().insert("dpop-nonce", v);
        }
        resp
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
