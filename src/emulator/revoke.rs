//! `/oauth2/revoke` (RFC 7009): the client must authenticate; only its own
//! tokens are revoked; the answer is 200 whatever the token (§2.2).
//! Revoking a refresh token revokes every refresh token of its family and,
//! when `revocation_revokes_access_tokens`, its access tokens; revoking an
//! access token revokes only that token.

use super::app::App;
use super::client_auth::authenticate;
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::store::{Kind, Status, Token};
use super::token_endpoint::read_params;
use super::token_response::no_store;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub(crate) async fn revoke(State(app): State<Arc<App>>, req: Request) -> Response {
    let mut resp = match handle(&app, req).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    };
    no_store(resp.headers_mut());
    resp
}

async fn handle(app: &App, req: Request) -> Result<(), OAuthError> {
    let (parts, body) = req.into_parts();
    let params = read_params(app, &parts.method, &parts.headers, parts.uri.query(), body).await?;
    let token = params.get("token").and_then(|t| app.store.get(t));
    let clock = token
        .as_ref()
        .map(|t| t.family.now_ms())
        .unwrap_or_else(real_now_ms);
    let unauthenticated = || {
        let owner = token.as_ref().map(|t| t.family.client.clone());
        owner.filter(|_| app.defects.quirk(Quirk::SkipClientAuthOnRevocation))
    };
    let client = authenticate(app, &parts.headers, &params, clock)?
        .or_else(unauthenticated)
        .ok_or_else(|| OAuthError::invalid_client(false, "client authentication required"))?;
    if !params.has("token") {
        return Err(OAuthError::invalid_request(
            Cause::Malformed,
            "token is required",
        ));
    }
    let dead = token.as_ref().is_none_or(|t| is_revoked(t));
    if dead && app.defects.quirk(Quirk::RefuseRevokingDeadTokens) {
        return Err(OAuthError::invalid_request(
            Cause::Malformed,
            "unknown or revoked token",
        ));
    }
    let Some(token) = token else { return Ok(()) };
    let family = &token.family;
    let owner = family.client.id() == client.id();
    if (!owner && !app.defects.quirk(Quirk::SkipClientBindingOnRevocation))
        || app.defects.quirk(Quirk::IgnoreRevocation)
    {
        return Ok(());
    }
    match token.kind {
        Kind::Refresh => {
            family.refresh_revoked.store(true, Ordering::SeqCst);
            if family.client.behaviour.revocation_revokes_access_tokens {
                family.access_revoked.store(true, Ordering::SeqCst);
            }
        }
        Kind::Access => token.state.lock().status = Status::Revoked,
    }
    Ok(())
}

/// Already revoked (RFC 7009 §2.2 answers it with 200 all the same).
fn is_revoked(t: &Token) -> bool {
    match t.kind {
        Kind::Refresh => t.family.refresh_revoked.load(Ordering::SeqCst),
        Kind::Access => {
            t.family.access_revoked.load(Ordering::SeqCst)
                || t.state.lock().status == Status::Revoked
        }
    }
}
