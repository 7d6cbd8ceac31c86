//! `/oauth2/token`: request reading (method, content type, size cap, repeated
//! and query-string parameters) and dispatch by grant type.

use super::app::App;
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::params::{Params, TOKEN_PARAMS};
use super::token_response::{finish, TokenBody};
use super::{dpop, dpop_nonce, grants, refresh};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use std::sync::Arc;

/// Request bodies above this are refused with 413.
pub(crate) const BODY_LIMIT: usize = 64 * 1024;

pub(crate) async fn token(State(app): State<Arc<App>>, req: Request) -> Response {
    let result = handle(&app, req).await;
    finish(&app, result)
}

async fn handle(app: &Arc<App>, req: Request) -> Result<TokenBody, OAuthError> {
    let (parts, body) = req.into_parts();
    let params = read_params(app, &parts.method, &parts.headers, parts.uri.query(), body).await?;
    if app.defects.quirk(Quirk::RejectUnknownParams) {
        if let Some(k) = params.keys().find(|k| !TOKEN_PARAMS.contains(k)) {
            return Err(OAuthError::invalid_request(
                Cause::UnknownParam,
                format!("unknown parameter `{k}`"),
            ));
        }
    }
    let headers = &parts.headers;
    let clock = params
        .get("refresh_token")
        .and_then(|v| app.store.get(v))
        .map(|t| t.family.now_ms())
        .unwrap_or_else(real_now_ms);
    let proof = dpop::verify(app, headers, clock)?;
    // Before any grant is processed: a challenged request (its code, its
    // refresh token) must still work when sent again with the nonce.
    if let Some(p) = &proof {
        let (required, key) = (app.dpop_nonce_required, &app.dpop_nonce_key);
        dpop_nonce::check(required, key, &app.defects, p.nonce.as_deref())?;
    }
    let mut body = match params.get("grant_type") {
        None => Err(OAuthError::invalid_request(
            Cause::MissingGrantType,
            "grant_type is required",
        )),
        Some("refresh_token") => refresh::refresh(app, headers, &params, proof.as_ref()).await,
        Some("password") => grants::password(app, headers, &params),
        Some("authorization_code") => grants::authorization_code(app, headers, &params),
        Some("client_credentials") => grants::client_credentials(app, headers, &params),
        Some(other) => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            Cause::UnsupportedGrant,
            format!("grant_type `{other}` is not supported"),
        )),
    }?;
    // A grant's client is known once it authenticated: one registered for
    // DPoP that sent no proof gets an error, and the tokens minted stay unseen.
    if let Some(t) = app.store.get(&body.access_token) {
        dpop::require(app, &t.family.client, proof.as_ref())?;
    }
    dpop::bind(app, &mut body, proof.as_ref());
    Ok(body)
}

/// The form parameters of a token, revocation or introspection request.
/// POST only (RFC 6749 §3.2); client credentials in the query string are
/// refused (§2.3.1).
pub(crate) async fn read_params(
    app: &App,
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: axum::body::Body,
) -> Result<Params, OAuthError> {
    let allow_repeats = app.defects.quirk(Quirk::AcceptRepeatedParams);
    let raw_query = query.unwrap_or("").as_bytes();
    if *method == Method::GET && app.defects.quirk(Quirk::AcceptGet) {
        return Params::parse(raw_query, allow_repeats);
    }
    if *method != Method::POST {
        return Err(OAuthError::invalid_request(
            Cause::MethodNotAllowed,
            "use POST (RFC 6749 §3.2)",
        ));
    }
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let form = ct
            .to_str()
            .map(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
            .unwrap_or(false);
        if !form {
            return Err(OAuthError::invalid_request(
                Cause::Malformed,
                "the body must be application/x-www-form-urlencoded",
            ));
        }
    }
    let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        OAuthError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request",
            Cause::BodyTooLarge,
            "request body too large",
        )
    })?;
    let mut params = Params::parse(&bytes, allow_repeats)?;
    let query = Params::parse(raw_query, true)?;
    let query_credentials = ["client_secret", "client_assertion"]
        .iter()
        .any(|k| query.has(k));
    if query_credentials {
        if !app.defects.quirk(Quirk::AcceptQueryCredentials) {
            return Err(OAuthError::invalid_request(
                Cause::AuthMethodConflict,
                "client credentials in the query string are not allowed (RFC 6749 §2.3.1)",
            ));
        }
        params.merge_missing(&query);
    }
    Ok(params)
}
