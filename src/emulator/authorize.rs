//! `/oauth2/authorize`: a NON-INTERACTIVE authorization endpoint for tests.
//!
//! GET with a query string or POST with a form, parameters:
//! `response_type=code`, `client_id`, `redirect_uri` (must be registered;
//! optional when the client has exactly one), `scope`, `state`, `nonce`,
//! `code_challenge`, `code_challenge_method` (`S256` or `plain`, default
//! `plain`; required for public clients), and — instead of a login page —
//! the resource owner's `username` and `password`.
//!
//! Success: `302 Found` to `redirect_uri?code=...&state=...`; the code is
//! single use and lives 10 minutes. Errors about the client or the
//! redirect_uri are a 400 JSON body (never redirected); the others redirect
//! with `error` (`access_denied` for bad credentials, `invalid_scope`,
//! `unsupported_response_type`, `invalid_request`) and `state`.
//!
//! Example: `curl -si "$BASE/oauth2/authorize?response_type=code&client_id=public&redirect_uri=http://127.0.0.1/callback&scope=openid%20offline_access&state=xyz&code_challenge=$CHALLENGE&code_challenge_method=S256&username=alice&password=alice-password"`

use super::app::{App, Code};
use super::clock::{real_now_ms, secs};
use super::params::Params;
use super::scope::{self, DEFAULT_USER_SCOPE};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

const CODE_TTL_MS: i64 = 10 * 60 * 1000;

pub(crate) async fn authorize(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let raw = if parts.method == Method::POST {
        match axum::body::to_bytes(body, super::token_endpoint::BODY_LIMIT).await {
            Ok(b) => b.to_vec(),
            Err(_) => return bad_request("request body too large"),
        }
    } else {
        parts.uri.query().unwrap_or("").as_bytes().to_vec()
    };
    let params = match Params::parse(&raw, false) {
        Ok(p) => p,
        Err(e) => return bad_request(&e.description),
    };
    let Some(client) = params.get("client_id").and_then(|id| app.client(id)) else {
        return bad_request("unknown or missing client_id");
    };
    let redirect_uri = match params.get("redirect_uri") {
        Some(u) if client.info.redirect_uris.iter().any(|r| r == u) => u.to_string(),
        Some(_) => return bad_request("redirect_uri is not registered for this client"),
        None if client.info.redirect_uris.len() == 1 => client.info.redirect_uris[0].clone(),
        None => return bad_request("redirect_uri is required"),
    };
    let state = params.get("state");
    let fail = |error: &str, description: &str| {
        redirect(
            &redirect_uri,
            &[("error", error), ("error_description", description)],
            state,
        )
    };
    if params.get("response_type") != Some("code") {
        return fail(
            "unsupported_response_type",
            "only response_type=code is supported",
        );
    }
    let user = match (params.get("username"), params.get("password")) {
        (Some(n), Some(p)) => match app.users.get(n).filter(|u| u.password == p) {
            Some(u) => u.clone(),
            None => return fail("access_denied", "wrong username or password"),
        },
        _ => {
            return fail(
                "invalid_request",
                "username and password are required (non-interactive authorize)",
            )
        }
    };
    let scope = match scope::parse(
        params.get("scope").unwrap_or(DEFAULT_USER_SCOPE),
        &app.scopes,
    ) {
        Ok(s) => s,
        Err(e) => return fail("invalid_scope", &e.description),
    };
    let challenge = match (
        params.get("code_challenge"),
        params.get("code_challenge_method"),
    ) {
        (Some(c), m @ (None | Some("plain") | Some("S256"))) => {
            Some((c.to_string(), m.unwrap_or("plain").to_string()))
        }
        (Some(_), Some(_)) => {
            return fail(
                "invalid_request",
                "code_challenge_method must be S256 or plain",
            )
        }
        (None, _) if client.is_public() => {
            return fail("invalid_request", "public clients must use PKCE")
        }
        (None, _) => None,
    };
    let now = real_now_ms();
    let code = app.mint();
    app.codes.lock().insert(
        code.clone(),
        Code {
            client_id: client.id().to_string(),
            redirect_uri: params.get("redirect_uri").map(str::to_string),
            scope,
            nonce: params.get("nonce").map(str::to_string),
            challenge,
            user,
            auth_time: secs(now),
            expires_at: now + CODE_TTL_MS,
        },
    );
    redirect(&redirect_uri, &[("code", &code)], state)
}

fn redirect(uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut url = match url::Url::parse(uri) {
        Ok(u) => u,
        Err(_) => return bad_request("redirect_uri is not a URL"),
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn bad_request(description: &str) -> Response {
    let body = serde_json::json!({ "error": "invalid_request", "error_description": description });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}
