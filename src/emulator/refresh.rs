//! The refresh_token grant (RFC 6749 §6): client binding, scope rules,
//! rotation, grace, reuse detection and expiry, each read from the token
//! owner's resolved behaviour and checked against the family's virtual clock.
//! Check-and-consume of the presented token happens under that token's lock,
//! so concurrent refreshes of one token cannot double-spend it (unless a
//! defect splits them; `concurrent_refresh = same_successor` answers the
//! requests that race one rotation with its response instead).

use super::app::{App, Client};
use super::behaviour::{Behaviour, IdTokenOnRefresh, Previous, RotatedExpiry};
use super::client_auth::authenticate;
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::params::Params;
use super::scope::{self, contains, is_subset, Scope};
use super::store::{Kind, Status, Token, TokenState};
use super::token_response::TokenBody;
use super::{dpop, id_token, issue};
use axum::http::HeaderMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Where validating the presented token and consuming it are separate steps
/// (the `race-double-spend` defect; `concurrent_refresh = same_successor`),
/// this much real time passes between them, as a database round trip would
/// on a real server: requests that land within it race. Only those pay it.
pub(crate) const VALIDATION_WINDOW: std::time::Duration = std::time::Duration::from_millis(2);

/// Why a presented refresh token cannot be used.
enum Dead {
    /// Revoked.
    Plain(&'static str),
    /// Past its absolute or idle lifetime.
    Expired(&'static str),
    /// Invalidated by rotation: reuse detection may revoke the family.
    Reused,
}

pub(crate) async fn refresh(
    app: &Arc<App>,
    headers: &HeaderMap,
    params: &Params,
    proof: Option<&dpop::Proof>,
) -> Result<TokenBody, OAuthError> {
    let presented = params.get("refresh_token");
    let token = presented.and_then(|v| app.store.get(v)).filter(|t| {
        t.kind == Kind::Refresh || app.defects.quirk(Quirk::AcceptAccessTokenAsRefresh)
    });
    let client = refreshing_client(app, headers, params, token.as_deref())?;
    let Some(presented) = presented else {
        return Err(OAuthError::invalid_request(
            Cause::MissingRefreshToken,
            "refresh_token is required",
        ));
    };
    let Some(token) = token else {
        return Err(OAuthError::invalid_grant(
            Cause::UnknownRefreshToken,
            "unknown refresh token",
        ));
    };
    if token.family.client.id() != client.id()
        && !app.defects.quirk(Quirk::SkipClientBindingOnRefresh)
    {
        return Err(OAuthError::invalid_grant(
            Cause::OtherClientsToken,
            "the refresh token was issued to another client",
        ));
    }
    dpop::require(app, &client, proof)?;
    dpop::check_binding(app, &token, proof)?;
    let b = &token.family.client.behaviour;
    let now = token.family.now_ms();
    let effective = effective_scope(app, b, &token.scope, params.get("scope"))?;
    let body = spend(app, b, &token, presented, effective.into(), now).await?;
    app.store.touch(&token);
    Ok(body)
}

/// The authenticated client (on the token family's clock, for assertions),
/// or the token's own client under the defect that skips authentication.
fn refreshing_client(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
    token: Option<&Token>,
) -> Result<Arc<Client>, OAuthError> {
    let auth_clock = token.map(|t| t.family.now_ms()).unwrap_or_else(real_now_ms);
    let client = match authenticate(app, headers, params, auth_clock)? {
        Some(c) => c,
        None => match token {
            Some(t) if app.defects.quirk(Quirk::SkipClientAuthOnRefresh) => t.family.client.clone(),
            _ => {
                return Err(OAuthError::invalid_client(
                    false,
                    "client authentication required",
                ))
            }
        },
    };
    if client.is_public() && app.defects.quirk(Quirk::RefusePublicClientRefresh) {
        return Err(OAuthError::invalid_client(
            false,
            "client authentication failed",
        ));
    }
    Ok(client)
}

/// Check and consume the presented token, and answer with its successor.
/// One critical section, unless validation and consumption are split: the
/// race defect then consumes without checking again (every request that
/// passed the check succeeds), and `same_successor` answers a request whose
/// token was rotated while it was in flight with that rotation's response.
async fn spend(
    app: &App,
    b: &Behaviour,
    token: &Token,
    presented: &str,
    effective: Scope,
    now: i64,
) -> Result<TokenBody, OAuthError> {
    let racy = app.defects.quirk(Quirk::NonAtomicRefresh);
    if racy || b.same_successor {
        let checked = check(app, b, token, &token.state.lock(), now);
        checked.map_err(|dead| refused(app, b, token, dead))?;
        tokio::time::sleep(VALIDATION_WINDOW).await;
    }
    let mut state = token.state.lock();
    if !racy {
        if let (true, Status::Rotated { .. }, Some(answered)) =
            (b.same_successor, state.status, &state.successor)
        {
            return Ok((**answered).clone());
        }
        if let Err(dead) = check(app, b, token, &state, now) {
            drop(state);
            return Err(refused(app, b, token, dead));
        }
    }
    let grace_retry = matches!(state.status, Status::Rotated { .. });
    consume(app, b, &mut state, now);
    let body = successor(app, token, presented, effective, now);
    if grace_retry && app.defects.quirk(Quirk::GraceRetryRevokedSuccessor) {
        revoke_successor(app, &body);
    }
    if b.same_successor {
        state.successor = Some(Arc::new(body.clone()));
    }
    Ok(body)
}

/// The `grace-retry-revoked-successor` defect: the successor handed to a
/// retry is already dead (django-oauth-toolkit #702).
fn revoke_successor(app: &App, body: &TokenBody) {
    let minted = body.refresh_token.as_deref().and_then(|v| app.store.get(v));
    if let Some(t) = minted {
        t.state.lock().status = Status::Revoked;
    }
}

/// The error for a token that cannot be used; a reused (rotated-out) token
/// revokes its family where reuse detection is on.
fn refused(app: &App, b: &Behaviour, token: &Token, dead: Dead) -> OAuthError {
    match dead {
        Dead::Reused => {
            if b.reuse_detection {
                revoke_on_reuse(app, b, token);
            }
            OAuthError::invalid_grant(
                Cause::DeadRefreshToken,
                "the refresh token was invalidated by rotation",
            )
        }
        Dead::Plain(why) => OAuthError::invalid_grant(Cause::DeadRefreshToken, why),
        Dead::Expired(why) => OAuthError::invalid_grant(Cause::ExpiredRefreshToken, why),
    }
}

/// Reuse detection ends the token's family: its refresh tokens, and its
/// access tokens where the behaviour says so; never another family.
fn revoke_on_reuse(app: &App, b: &Behaviour, token: &Token) {
    let family = &token.family;
    let mut families = vec![family.clone()];
    if let (Some(user), Some(nonce)) = (family.user.as_ref(), family.nonce.as_ref()) {
        if app.defects.quirk(Quirk::ReuseRevokesSessionFamilies) {
            families = app.store.families_of(family.client.id(), &user.sub);
            families.retain(|f| f.nonce.as_ref() == Some(nonce));
        }
    }
    for f in families {
        f.refresh_revoked.store(true, Ordering::SeqCst);
        if b.reuse_revokes_access_tokens {
            f.access_revoked.store(true, Ordering::SeqCst);
        }
    }
}

/// The response to a successful refresh: a rotated (or the same) refresh
/// token, a new access token with the effective scope, and an id_token
/// where the behaviour issues one.
fn successor(app: &App, token: &Token, presented: &str, effective: Scope, now: i64) -> TokenBody {
    let family = &token.family;
    let b = &family.client.behaviour;
    let refresh_token = if b.rotate {
        let rt_scope = if app.defects.quirk(Quirk::RotatedTokenTakesNarrowedScope) {
            effective.clone()
        } else {
            token.scope.clone()
        };
        let expires_at = match b.rotated_expiry {
            RotatedExpiry::Original => token.expires_at,
            RotatedExpiry::Renewed => b.absolute_ttl_ms.map(|t| now + t),
        };
        let generation = token.generation + 1;
        let minted = issue::refresh_token(app, family, rt_scope, now, expires_at, generation);
        // The presented token is already consumed: the client is left with none.
        (!app.defects.quirk(Quirk::WithholdRotatedRefreshToken)).then_some(minted)
    } else {
        Some(presented.to_string())
    };
    let previous_access = app
        .defects
        .quirk(Quirk::SameAccessToken)
        .then(|| family.last_access.lock().clone())
        .flatten();
    let access_token = match previous_access {
        Some(v) => v.to_string(),
        None => issue::access_token(app, family, effective.clone(), now),
    };
    let with_id_token = match b.id_token_on_refresh {
        IdTokenOnRefresh::Always => true,
        IdTokenOnRefresh::WhenOpenid => contains(&effective, "openid"),
        IdTokenOnRefresh::Never => false,
    };
    let id_token = with_id_token
        .then(|| id_token::issue(app, family, now, true, &access_token))
        .flatten();
    TokenBody {
        access_token,
        token_type: "Bearer",
        expires_in: (b.access_ttl_ms / 1000).into(),
        refresh_token,
        scope: scope::join(&effective),
        id_token,
    }
}

/// The scope of the new access token. Omitted → the token's scope; wider →
/// invalid_scope; narrower → applied when honoured, else the token's scope.
fn effective_scope(
    app: &App,
    b: &Behaviour,
    granted: &[String],
    requested: Option<&str>,
) -> Result<Vec<String>, OAuthError> {
    let Some(raw) = requested else {
        let mut s = granted.to_vec();
        app.defects.omitted_scope(&mut s);
        return Ok(s);
    };
    let requested = scope::parse(raw, &app.scopes).map_err(|mut e| {
        e.cause = Cause::WidenedScope;
        e
    })?;
    let widened = !is_subset(&requested, granted);
    if widened && !app.defects.quirk(Quirk::AcceptWidenedScope) {
        return Err(OAuthError::invalid_scope(
            Cause::WidenedScope,
            "the requested scope exceeds the scope originally granted (RFC 6749 §6)",
        ));
    }
    if app.defects.quirk(Quirk::ScopeOrderSensitive)
        && !widened
        && requested.len() == granted.len()
        && requested != granted
    {
        return Err(OAuthError::invalid_scope(
            Cause::WidenedScope,
            "the requested scope differs from the original",
        ));
    }
    let equal = !widened && is_subset(granted, &requested);
    if equal && !b.offline_access_required && app.defects.quirk(Quirk::ExplicitScopeDropsOffline) {
        return Ok(requested
            .into_iter()
            .filter(|s| s != "offline_access")
            .collect());
    }
    Ok(if b.scope_honoured || widened {
        requested
    } else {
        granted.to_vec()
    })
}

/// May the presented token be used now?
fn check(
    app: &App,
    b: &Behaviour,
    token: &Token,
    state: &TokenState,
    now: i64,
) -> Result<(), Dead> {
    if token.family.refresh_revoked.load(Ordering::SeqCst) || state.status == Status::Revoked {
        return Err(Dead::Plain("the refresh token was revoked"));
    }
    if token.expires_at.is_some_and(|e| now >= e) && !app.defects.quirk(Quirk::IgnoreAbsoluteExpiry)
    {
        return Err(Dead::Expired("the refresh token expired"));
    }
    if b.idle_ttl_ms
        .is_some_and(|idle| now - state.last_used >= idle)
        && !app.defects.quirk(Quirk::IgnoreIdleExpiry)
    {
        return Err(Dead::Expired(
            "the refresh token expired after being unused too long",
        ));
    }
    match (state.status, b.previous) {
        (Status::Rotated { at }, Previous::ValidInGrace)
            if now - at <= b.grace_ms && in_grace_generation(app, b, token) =>
        {
            Ok(())
        }
        (Status::Rotated { .. }, Previous::Valid) => Ok(()),
        // Keycloak's Refresh Token Max Reuse: 1 + max_reuse uses in all.
        (Status::Rotated { .. }, Previous::Invalidated) if state.uses <= b.max_reuse => Ok(()),
        (Status::Rotated { .. }, _) => Err(Dead::Reused),
        _ => Ok(()),
    }
}

/// Only the newest token's immediate predecessor keeps its grace window,
/// unless the behaviour gives every used token its own.
pub(crate) fn in_grace_generation(app: &App, b: &Behaviour, token: &Token) -> bool {
    b.grace_every_used
        || !token.family.superseded_twice(token.generation)
        || app.defects.quirk(Quirk::GraceForEveryGeneration)
}

/// Record the use: rotation marks the token (its grace starts now), a kept
/// token just resets its idle timer; every use is counted (max reuse).
fn consume(app: &App, b: &Behaviour, state: &mut TokenState, now: i64) {
    state.last_used = now;
    state.uses += 1;
    if b.rotate {
        if b.previous != Previous::Valid && state.status == Status::Active {
            state.status = Status::Rotated { at: now };
        }
    } else if app.defects.quirk(Quirk::UnrotatedTokenDies) {
        state.status = Status::Revoked;
    }
}
