//! Client authentication at the token, revocation and introspection endpoints:
//! client_secret_basic (RFC 6749 §2.3.1, id and secret form-urlencoded before
//! base64), client_secret_post, private_key_jwt (RFC 7523 §3) and none
//! (public clients send only `client_id`). A client must use the method it is
//! registered with.

use super::app::{App, Client};
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::params::Params;
use axum::http::{header, HeaderMap};
use base64::Engine;
use serde::Deserialize;
use std::sync::Arc;

use crate::oauth::JWT_BEARER;
/// How far in the future a client assertion's `iat` may be, and how old.
const IAT_FUTURE_S: i64 = 60;
const IAT_PAST_S: i64 = 3600;
/// The furthest `exp` an assertion may carry (RFC 7523 §3 lets the server
/// limit it; the suite's own assertions live 60 s).
const MAX_ASSERTION_LIFETIME_S: i64 = 3600;

/// The client that authenticated, or None when the request carried no client
/// identification at all (the caller decides whether that is allowed).
/// `now_ms` is the clock assertion `exp`/`iat` are checked against: the
/// family's virtual clock when the request concerns a known token.
pub(crate) fn authenticate(
    app: &App,
    headers: &HeaderMap,
    params: &Params,
    now_ms: i64,
) -> Result<Option<Arc<Client>>, OAuthError> {
    let basic = basic_credentials(headers);
    let secret = params.get("client_secret");
    let assertion = params.get("client_assertion");
    let methods = basic.is_some() as u8 + secret.is_some() as u8 + assertion.is_some() as u8;
    if methods > 1 && !app.defects.quirk(Quirk::AcceptTwoAuthMethods) {
        return Err(OAuthError::invalid_request(
            Cause::AuthMethodConflict,
            "more than one client authentication method in one request (RFC 6749 §2.3)",
        ));
    }
    if let Some(basic) = basic {
        let (id, secret) = basic.map_err(|m| OAuthError::invalid_client(true, m))?;
        if params.get("client_id").is_some_and(|c| c != id) {
            return Err(OAuthError::invalid_client(
                true,
                "client_id differs from the Basic credentials",
            ));
        }
        return check_secret(
            app,
            &id,
            &secret,
            crate::oauth::AuthMethod::ClientSecretBasic,
            true,
        )
        .map(Some);
    }
    if let Some(secret) = secret {
        let id = params
            .get("client_id")
            .ok_or_else(|| OAuthError::invalid_client(false, "client_secret without client_id"))?;
        let method = match app.client(id) {
            // Under the query-credentials defect the query stands in for the registered method.
            Some(c) if params.query_credentials => c.info.auth,
            _ => crate::oauth::AuthMethod::ClientSecretPost,
        };
        return check_secret(app, id, secret, method, false).map(Some);
    }
    if let Some(jwt) = assertion {
        return check_assertion(app, jwt, params, now_ms).map(Some);
    }
    match params.get("client_id") {
        None => Ok(None),
        Some(id) => match app.client(id) {
            Some(c) if c.is_public() => Ok(Some(c)),
            Some(_) => Err(OAuthError::invalid_client(
                false,
                "this client must authenticate",
            )),
            None => Err(OAuthError::invalid_client(false, "unknown client")),
        },
    }
}

/// `Some(Ok((id, secret)))` for a well-formed Basic header, `Some(Err)` for a
/// malformed one, None when there is no Basic header.
fn basic_credentials(headers: &HeaderMap) -> Option<Result<(String, String), &'static str>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let parsed = (|| {
        let raw = engine
            .decode(rest.trim())
            .map_err(|_| "Basic credentials are not base64")?;
        let text = String::from_utf8(raw).map_err(|_| "Basic credentials are not UTF-8")?;
        let (id, secret) = text.split_once(':').ok_or("Basic credentials lack ':'")?;
        Ok((form_decode(id), form_decode(secret)))
    })();
    Some(parsed)
}

/// RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64.
fn form_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn check_secret(
    app: &App,
    id: &str,
    secret: &str,
    method: crate::oauth::AuthMethod,
    basic: bool,
) -> Result<Arc<Client>, OAuthError> {
    let client = app
        .client(id)
        .ok_or_else(|| OAuthError::invalid_client(basic, "unknown client"))?;
    // An IdP that takes credentials from the query string takes them as the
    // client's own, whatever method it registered (defect query-credentials-accepted).
    let lenient = app
        .defects
        .quirk(super::defects::Quirk::AcceptQueryCredentials)
        && client.info.secret.is_some()
        && method == crate::oauth::AuthMethod::ClientSecretPost;
    if client.info.auth != method && !lenient {
        return Err(OAuthError::invalid_client(
            basic,
            format!(
                "client is registered for {}, not {}",
                client.info.auth.as_str(),
                method.as_str()
            ),
        ));
    }
    match &client.info.secret {
        Some(s) if constant_time_eq(s.as_bytes(), secret.as_bytes()) => Ok(client),
        _ => Err(OAuthError::invalid_client(
            basic,
            "client authentication failed",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<serde_json::Value>,
    exp: Option<f64>,
    iat: Option<f64>,
    jti: Option<String>,
}

/// RFC 7523 §3: signature by the registered key, iss = sub = client_id, aud
/// names this server, exp in the future, iat recent, jti not replayed.
fn check_assertion(
    app: &App,
    jwt: &str,
    params: &Params,
    now_ms: i64,
) -> Result<Arc<Client>, OAuthError> {
    let fail =
        |m: &str| OAuthError::invalid_client(false, format!("client assertion rejected: {m}"));
    if params.get("client_assertion_type") != Some(JWT_BEARER) {
        return Err(OAuthError::invalid_request(
            Cause::Malformed,
            format!("client_assertion_type must be {JWT_BEARER}"),
        ));
    }
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| fail("not a JWT"))?;
    let unverified: AssertionClaims = jsonwebtoken::dangerous::insecure_decode(jwt)
        .map(|d| d.claims)
        .map_err(|_| fail("unreadable claims"))?;
    let id = unverified
        .iss
        .clone()
        .or_else(|| params.get("client_id").map(str::to_string))
        .ok_or_else(|| fail("no iss"))?;
    let client = app.client(&id).ok_or_else(|| fail("unknown client"))?;
    let (key, algs) = client
        .assertion_key
        .as_ref()
        .ok_or_else(|| fail("client is not registered for private_key_jwt"))?;
    if !algs.contains(&header.alg) {
        return Err(fail("algorithm does not match the registered key"));
    }
    let mut validation = jsonwebtoken::Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<AssertionClaims>(jwt, key, &validation)
        .map_err(|_| fail("bad signature"))?
        .claims;
    if claims.iss.as_deref() != Some(client.id()) || claims.sub.as_deref() != Some(client.id()) {
        return Err(fail("iss and sub must both be the client_id"));
    }
    if params.get("client_id").is_some_and(|c| c != client.id()) {
        return Err(fail("client_id differs from the assertion's iss"));
    }
    let audiences: Vec<&str> = match &claims.aud {
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
        _ => vec![],
    };
    let accepted = |a: &str| {
        let a = a.trim_end_matches('/');
        a == app.issuer
            || a == app.token_endpoint
            || a.starts_with(&format!("{}/oauth2/", app.issuer))
    };
    if !audiences.iter().any(|a| accepted(a)) {
        return Err(fail("aud must name the token endpoint or the issuer"));
    }
    let now = now_ms as f64 / 1000.0;
    let exp = claims.exp.ok_or_else(|| fail("no exp"))?;
    if exp <= now {
        return Err(fail("expired"));
    }
    // Its jti is remembered until it expires: a far expiry would be kept
    // (and grow memory) for as long.
    if exp > now + MAX_ASSERTION_LIFETIME_S as f64 {
        return Err(fail("exp more than an hour ahead"));
    }
    if let Some(iat) = claims.iat {
        if iat > now + IAT_FUTURE_S as f64 || iat < now - IAT_PAST_S as f64 {
            return Err(fail("iat too far from now"));
        }
    }
    let jti = claims.jti.ok_or_else(|| fail("no jti"))?;
    remember_jti(app, client.id(), &jti, exp as i64).map_err(|_| fail("jti replayed"))?;
    Ok(client)
}

fn remember_jti(app: &App, client: &str, jti: &str, exp: i64) -> Result<(), ()> {
    let now = real_now_ms() / 1000;
    if app.jtis.lock().first_use(client, jti, exp, now) {
        Ok(())
    } else {
        Err(())
    }
}
