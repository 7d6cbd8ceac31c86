//! The grants that start a token family: password, authorization_code (PKCE
//! S256 and plain) and client_credentials.

use super::app::{App, Client, User};
use super::client_auth::authenticate;
use super::clock::{real_now_ms, secs};
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::params::Params;
use super::scope::{self, contains, DEFAULT_CLIENT_SCOPE, DEFAULT_USER_SCOPE};
use super::store::Family;
use super::token_response::TokenBody;
use super::{id_token, issue};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::Arc;

fn require_client(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
) -> Result<Arc<Client>, OAuthError> {
    authenticate(app, headers, params, real_now_ms())?
        .ok_or_else(|| OAuthError::invalid_client(false, "client authentication required"))
}

pub(crate) fn password(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
) -> Result<TokenBody, OAuthError> {
    let client = require_client(app, headers, params)?;
    let (Some(name), Some(password)) = (params.get("username"), params.get("password")) else {
        return Err(OAuthError::invalid_request(
            Cause::Malformed,
            "username and password are required",
        ));
    };
    let user = app
        .users
        .get(name)
        .filter(|u| u.password == password)
        .cloned()
        .ok_or_else(|| {
            OAuthError::invalid_grant(Cause::BadCredentials, "wrong username or password")
        })?;
    let scope = scope::parse(
        params.get("scope").unwrap_or(DEFAULT_USER_SCOPE),
        &app.scopes,
    )?;
    let now = real_now_ms();
    Ok(start_family(
        app,
        client,
        Some(user),
        scope,
        params.get("nonce").map(str::to_string),
        secs(now),
        false,
    )
    .0)
}

pub(crate) fn authorization_code(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
) -> Result<TokenBody, OAuthError> {
    let client = require_client(app, headers, params)?;
    let value = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request(Cause::Malformed, "code is required"))?;
    let bad = |m: &str| OAuthError::invalid_grant(Cause::BadGrant, m.to_string());
    // Single use: the code is gone whether or not the exchange succeeds.
    let taken = if app.defects.quirk(Quirk::AcceptCodeReuse) {
        app.codes.lock().get(value).cloned()
    } else {
        app.codes.lock().remove(value)
    };
    let Some(code) = taken else {
        revoke_if_used(app, value);
        return Err(bad("unknown or used authorization code"));
    };
    if code.client_id != client.id() {
        return Err(bad("the code was issued to another client"));
    }
    if real_now_ms() > code.expires_at {
        return Err(bad("the authorization code expired"));
    }
    if let Some(uri) = &code.redirect_uri {
        if params.get("redirect_uri") != Some(uri.as_str()) {
            return Err(bad("redirect_uri differs from the authorization request's"));
        }
    }
    match (&code.challenge, params.get("code_verifier")) {
        (Some((challenge, method)), Some(verifier)) => {
            let computed = if method == "S256" {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()))
            } else {
                verifier.to_string()
            };
            if computed != *challenge {
                return Err(bad("code_verifier does not match the code_challenge"));
            }
        }
        (Some(_), None) => return Err(bad("code_verifier is required")),
        (None, Some(_)) => return Err(bad("no code_challenge was sent for this code")),
        (None, None) => {}
    }
    let (body, family) = start_family(
        app,
        client,
        Some(code.user),
        code.scope,
        code.nonce,
        code.auth_time,
        false,
    );
    app.used_codes.record(value, &family, code.expires_at);
    Ok(body)
}

/// RFC 6749 §4.1.2: a code used twice SHOULD revoke the tokens issued from it.
fn revoke_if_used(app: &App, code: &str) {
    if let Some(family) = app.used_codes.family(code) {
        if !app.defects.quirk(Quirk::CodeReuseKeepsTokens) {
            family.revoke_all();
        }
    }
}

pub(crate) fn client_credentials(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
) -> Result<TokenBody, OAuthError> {
    let client = require_client(app, headers, params)?;
    if client.is_public() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            Cause::UnauthorizedClient,
            "public clients cannot use client_credentials",
        ));
    }
    let scope = scope::parse(
        params.get("scope").unwrap_or(DEFAULT_CLIENT_SCOPE),
        &app.scopes,
    )?;
    Ok(start_family(app, client, None, scope, None, secs(real_now_ms()), true).0)
}

/// Issue the original tokens of a new family (its clock starts at real now).
fn start_family(
    app: &App,
    client: Arc<Client>,
    user: Option<Arc<User>>,
    scope: Vec<String>,
    nonce: Option<String>,
    auth_time: i64,
    client_credentials: bool,
) -> (TokenBody, Arc<Family>) {
    let b = client.behaviour.clone();
    let family = Arc::new(Family::new(client, user, auth_time, nonce));
    let now = family.now_ms();
    let scope: scope::Scope = scope.into();
    let with_refresh = if client_credentials {
        b.refresh_token_for_client_credentials
    } else {
        !b.offline_access_required || contains(&scope, "offline_access")
    };
    let refresh_token = with_refresh.then(|| {
        issue::refresh_token(
            app,
            &family,
            scope.clone(),
            now,
            b.absolute_ttl_ms.map(|t| now + t),
            0,
        )
    });
    let access_token = issue::access_token(app, &family, scope.clone(), now);
    let id_token = if contains(&scope, "openid") {
        id_token::issue(app, &family, now, false, &access_token)
    } else {
        None
    };
    let body = TokenBody {
        access_token,
        token_type: "Bearer",
        expires_in: (b.access_ttl_ms / 1000).into(),
        refresh_token,
        scope: scope::join(&scope),
        id_token,
    };
    (body, family)
}
