//! `refresh`: `grant_type=refresh_token` at the token endpoint (RFC 6749 §6);
//! a success moves the token family to its new refresh token.

use super::{Produced, Stop, Trial};
use crate::run::http::Request;
use crate::scenario::model::{AuthMode, RefreshAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &RefreshAction,
) -> Result<Produced, Stop> {
    let (req, scope) = request(t, a, step)?;
    let presented = t.render(&a.token)?;
    let r = t.send(name, req, scope).await?;
    t.follow_rotation(&presented, &r);
    Ok(Produced::one(r))
}

/// The refresh request for an action, and the scope it asks for (an
/// omitted scope means the family's original one).
pub(super) fn request(
    t: &Trial<'_>,
    a: &RefreshAction,
    step: &Step,
) -> Result<(Request, Option<String>), Stop> {
    let client = t.client(a.client.as_ref())?;
    let token_url = t.env().target.endpoints.token.clone();
    let token = t.render(&a.token)?;
    let mut form = vec![
        ("grant_type".to_string(), "refresh_token".to_string()),
        ("refresh_token".to_string(), token.clone()),
    ];
    let scope = a.scope.as_ref().map(|s| t.render(s)).transpose()?;
    if let Some(s) = &scope {
        form.push(("scope".into(), s.clone()));
    }
    form.extend(
        client
            .refresh_params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    form.extend(t.params(step)?);
    let mut req = Request::post_form(&token_url, form);
    req.consuming = true;
    t.authenticate(&client, a.auth.unwrap_or(AuthMode::Default), &mut req)?;
    Ok((req, scope.or_else(|| t.family_scope(&token))))
}
