//! What the emulator puts on the wire: the token response body and the
//! id_token claims. Data only, so that defects (which rewrite them) depend
//! on these types and not on the code that builds them.

use serde::Serialize;

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct TokenBody {
    pub access_token: String,
    pub token_type: &'static str,
    /// A JSON number of seconds (a `Value` so defects can break it).
    pub expires_in: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Always sent, even when equal to the request's.
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

/// The claims of an id_token (OIDC Core §2, §12.2 on refresh).
#[derive(Debug, Clone, Serialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub azp: String,
    /// OIDC Core §3.1.3.6: the access token issued with this id_token, hashed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
}
