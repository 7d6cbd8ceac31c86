//! `client_credentials`: `grant_type=client_credentials` (RFC 6749 §4.4),
//! which should not issue a refresh token (§4.4.3).

use super::{Produced, Stop, Trial};
use crate::run::http::Request;
use crate::scenario::model::{AuthMode, ClientCredentialsAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &ClientCredentialsAction,
) -> Result<Produced, Stop> {
    let client = t.client(a.client.as_ref())?;
    let token_url = t.env().target.endpoints.token.clone();
    let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
    let scope = a.scope.as_ref().map(|s| t.render(s)).transpose()?;
    if let Some(s) = &scope {
        form.push(("scope".into(), s.clone()));
    }
    form.extend(t.params(step)?);
    let mut req = Request::post_form(&token_url, form);
    t.authenticate(&client, a.auth.unwrap_or(AuthMode::Default), &mut req)?;
    // A DPoP client proves a fresh key here too (RFC 9449 §5); no family starts.
    t.dpop_begin_grant(&client)?;
    let r = t.send_grant_request(name, req, scope).await;
    t.dpop_end_grant(name, false);
    Ok(Produced::one(r?))
}
