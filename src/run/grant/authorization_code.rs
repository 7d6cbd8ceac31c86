//! `authorization_code`: the emulator's non-interactive authorize step, then
//! the code exchange with PKCE S256 (RFC 7636).

use super::{Stop, Trial};
use crate::judge::Response;
use crate::run::http::Request;
use crate::scenario::model::AuthMode;
use crate::target::Client;
use base64::Engine;
use sha2::Digest;
use std::collections::BTreeMap;

pub(super) async fn obtain(
    t: &mut Trial<'_>,
    step: &str,
    client: &Client,
    (username, password, redirect_uri): (&str, &str, &str),
    scope: &str,
    params: &BTreeMap<String, String>,
) -> Result<Response, Stop> {
    let authz = t
        .env()
        .target
        .endpoints
        .authorization
        .clone()
        .ok_or_else(|| {
            Stop::Error(
                "the authorization_code grant source needs an authorization endpoint".into(),
            )
        })?;
    let verifier = format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    );
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    t.add_token(&verifier, "pkce", step);
    let mut form = vec![
        ("response_type".to_string(), "code".to_string()),
        ("client_id".to_string(), client.id.clone()),
        ("redirect_uri".to_string(), redirect_uri.to_string()),
        ("scope".to_string(), scope.to_string()),
        (
            "state".to_string(),
            format!("{:016x}", rand::random::<u64>()),
        ),
        ("code_challenge".to_string(), challenge),
        ("code_challenge_method".to_string(), "S256".to_string()),
        ("username".to_string(), username.to_string()),
        ("password".to_string(), password.to_string()),
    ];
    form.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
    let authorize_step = format!("{step}:authorize");
    let reply = t
        .send(&authorize_step, Request::post_form(&authz, form), None)
        .await?;
    let code = code_of(&reply).ok_or_else(|| {
        Stop::Error(format!(
            "grant source authorization_code: the authorize step answered {} without a code ({})",
            reply.status,
            t.redact(&reply.excerpt())
        ))
    })?;
    t.add_token(&code, "code", step);
    t.keep_code_exchange(step, &code, &verifier, redirect_uri);
    let form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code),
        ("redirect_uri".to_string(), redirect_uri.to_string()),
        ("code_verifier".to_string(), verifier),
    ];
    let token_url = t.env().target.endpoints.token.clone();
    let mut req = Request::post_form(&token_url, form);
    req.consuming = true;
    t.authenticate(client, AuthMode::Default, &mut req)?;
    t.send_grant_request(step, req, Some(scope.to_string()))
        .await
}

/// The `code` of the authorize step's redirect.
fn code_of(reply: &Response) -> Option<String> {
    let location = reply.header("location")?;
    url::Url::parse(location)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
}
