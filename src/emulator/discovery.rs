//! Discovery (OIDC Discovery §3, RFC 8414 §2) and the JWKS.

use super::app::App;
use axum::extract::State;
use axum::Json;
use serde_json::json;
use std::sync::Arc;

pub(crate) fn document(app: &App) -> serde_json::Value {
    let base = &app.issuer;
    let auth_methods = [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ];
    let assertion_algs = [
        "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA",
    ];
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": app.token_endpoint,
        "jwks_uri": format!("{base}/oauth2/jwks"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "introspection_endpoint": format!("{base}/oauth2/introspect"),
        "scopes_supported": app.scopes,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "code_challenge_methods_supported": ["S256", "plain"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp"],
    })
}

pub(crate) async fn openid_configuration(State(app): State<Arc<App>>) -> Json<serde_json::Value> {
    Json(document(&app))
}

pub(crate) async fn jwks(State(app): State<Arc<App>>) -> Json<serde_json::Value> {
    Json(app.key.jwks.clone())
}
