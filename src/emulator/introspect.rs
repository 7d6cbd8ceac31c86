//! `/oauth2/introspect` (RFC 7662): the client must authenticate; access and
//! refresh tokens are answered (refresh tokens only when the profile says
//! `introspects_refresh_tokens`); inactive, expired, revoked or unknown
//! tokens get `{"active": false}` and nothing else (§2.2).

use super::app::App;
use super::behaviour::Previous;
use super::client_auth::authenticate;
use super::clock::{real_now_ms, secs};
use super::defects::Quirk;
use super::error::OAuthError;
use super::store::{Kind, Status, Token};
use super::token_endpoint::read_params;
use super::token_response::no_store;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub(crate) async fn introspect(State(app): State<Arc<App>>, req: Request) -> Response {
    let mut resp = match handle(&app, req).await {
        Ok(v) => axum::Json(v).into_response(),
        Err(e) => e.into_response(),
    };
    no_store(resp.headers_mut());
    resp
}

async fn handle(app: &App, req: Request) -> Result<serde_json::Value, OAuthError> {
    let (parts, body) = req.into_parts();
    let params = read_params(app, &parts.method, &parts.headers, parts.uri.query(), body).await?;
    let token = params.get("token").and_then(|t| app.store.get(t));
    let clock = token
        .as_ref()
        .map(|t| t.family.now_ms())
        .unwrap_or_else(real_now_ms);
    let caller = authenticate(app, &parts.headers, &params, clock)?;
    if caller.is_none() && !app.defects.quirk(Quirk::SkipClientAuthOnIntrospection) {
        return Err(OAuthError::invalid_client(
            false,
            "client authentication required",
        ));
    }
    if !params.has("token") {
        return Err(OAuthError::invalid_request(
            super::error::Cause::Malformed,
            "token is required",
        ));
    }
    Ok(match token.filter(|t| is_active(app, t)) {
        Some(t) => describe(app, &t),
        None => json!({ "active": false }),
    })
}

fn is_active(app: &App, t: &Token) -> bool {
    let family = &t.family;
    let b = &family.client.behaviour;
    let now = family.now_ms();
    let state = t.state.lock();
    match t.kind {
        Kind::Access => {
            !family.access_revoked.load(Ordering::SeqCst)
                && state.status != Status::Revoked
                && (t.expires_at.is_none_or(|e| now < e)
                    || app.defects.quirk(Quirk::IgnoreAccessExpiry))
        }
        Kind::Refresh => {
            if !b.introspects_refresh_tokens
                || family.refresh_revoked.load(Ordering::SeqCst)
                || state.status == Status::Revoked
            {
                return false;
            }
            let expired = t.expires_at.is_some_and(|e| now >= e)
                && !app.defects.quirk(Quirk::IgnoreAbsoluteExpiry);
            let idle = b.idle_ttl_ms.is_some_and(|i| now - state.last_used >= i)
                && !app.defects.quirk(Quirk::IgnoreIdleExpiry);
            let usable_after_rotation = match state.status {
                Status::Rotated { at } => {
                    let still_valid = match b.previous {
                        Previous::Valid => true,
                        Previous::ValidInGrace => {
                            now - at <= b.grace_ms && super::refresh::in_grace_generation(app, b, t)
                        }
                        Previous::Invalidated => state.uses <= b.max_reuse,
                    };
                    still_valid || app.defects.quirk(Quirk::RotatedTokensIntrospectActive)
                }
                _ => true,
            };
            !expired && !idle && usable_after_rotation
        }
    }
}

fn describe(app: &App, t: &Token) -> serde_json::Value {
    let family = &t.family;
    let jkt = t.state.lock().jkt.clone();
    let token_type = match (t.kind, &jkt) {
        (Kind::Refresh, _) => "refresh_token",
        (Kind::Access, Some(_)) => "DPoP",
        (Kind::Access, None) => "Bearer",
    };
    let mut v = json!({
        "active": true,
        "scope": t.scope.join(" "),
        "client_id": family.client.id(),
        "token_type": token_type,
        "iat": secs(t.issued_at),
        "iss": app.issuer,
        "aud": family.client.id(),
    });
    if let Some(e) = t.expires_at {
        v["exp"] = secs(e).into();
    }
    if let Some(j) = jkt {
        // RFC 9449 §6.2: the key the token is bound to.
        v["cnf"] = json!({ "jkt": &*j });
    }
    match &family.user {
        Some(u) => {
            v["sub"] = u.sub.clone().into();
            v["username"] = u.name.clone().into();
        }
        None => v["sub"] = family.client.id().into(),
    }
    v
}
