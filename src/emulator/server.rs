//! The router: every path of the emulator's interface.

use super::app::App;
use super::token_endpoint::BODY_LIMIT;
use super::{advance, authorize, discovery, introspect, revoke, stats, token_endpoint};
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;
use std::sync::Arc;

pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(discovery::openid_configuration),
        )
        .route("/oauth2/jwks", get(discovery::jwks))
        // `any`: wrong methods get an OAuth error body, not a bare 405.
        .route("/oauth2/token", any(token_endpoint::token))
        .route("/oauth2/revoke", any(revoke::revoke))
        .route("/oauth2/introspect", any(introspect::introspect))
        .route(
            "/oauth2/authorize",
            get(authorize::authorize).post(authorize::authorize),
        )
        .route("/_emulator/advance", post(advance::advance))
        .route("/_emulator/stats", get(stats::stats))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}
