//! `refresh`: `grant_type=refresh_token` at the token endpoint (RFC 6749 §6);
//! a success moves the token family to its new refresh token. A success
//! without the new refresh token the step expected is looked at twice
//! (`stranded`): was the presented one kept, or revoked?

use super::{Produced, Stop, Trial};
use crate::judge::successors::is_success;
use crate::judge::Response;
use crate::record::{FailKind, Finding};
use crate::run::dpop::ProofKey;
use crate::run::http::Request;
use crate::scenario::model::{AuthMode, DpopMode, Level, RefreshAction, Step};
use std::sync::Arc;

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &RefreshAction,
) -> Result<Produced, Stop> {
    let presented = t.render(&a.token)?;
    let (req, scope, new_key) = request_with(t, name, a, step, &presented)?;
    let client = t.client(a.client.as_ref())?;
    let mode = a.dpop.unwrap_or(DpopMode::Proof);
    // Only a correct proof answers a nonce challenge: a wrong one is there to be refused.
    let answers = client.dpop.is_some() && matches!(mode, DpopMode::Proof | DpopMode::OtherKey);
    let key = match (&new_key, answers) {
        (_, false) => None,
        (Some(k), true) => Some(k.clone()),
        (None, true) => t.dpop_family_key(&presented),
    };
    let r = t.send_token(name, req, scope, key).await?;
    t.dpop_after_refresh(&presented, &r, new_key);
    t.follow_rotation(&presented, &r);
    Ok(Produced::one(r))
}

/// A refresh request, the scope it asks for, and its proof's key when new.
pub(super) type Built = (Request, Option<String>, Option<Arc<ProofKey>>);

/// The refresh request for an action presenting `token` (already rendered:
/// a token value is never read as a template), and the scope it asks for
/// (an omitted scope means the family's original one), with the action's
/// DPoP proof for a DPoP client and the key that signed it when it is new
/// (`other_key`).
pub(super) fn request_with(
    t: &mut Trial<'_>,
    name: &str,
    a: &RefreshAction,
    step: &Step,
    token: &str,
) -> Result<Built, Stop> {
    let client = t.client(a.client.as_ref())?;
    let token_url = t.env().target.endpoints.token.clone();
    let token = token.to_string();
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
    let mode = a.dpop.unwrap_or(DpopMode::Proof);
    let new_key = t.dpop_refresh_proof(name, &client, &token, mode, &mut req)?;
    Ok((req, scope.or_else(|| t.family_scope(&token)), new_key))
}

/// A refresh answered with success but no `refresh_token`, where the step
/// expected one (a must finding about it, which stops the trial): before it
/// is called a `new_refresh_token` mismatch, the presented token is sent
/// once more. Refused: the IdP revoked it without issuing a new one, so the
/// client is stranded (RFC 6749 §6: a server may revoke the old token only
/// after issuing a new one); that finding replaces the ones about the
/// missing field. Still working: they stand, saying the token was kept.
pub(super) async fn stranded(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &RefreshAction,
    r: &Response,
    before: usize,
) -> Result<(), Stop> {
    if !is_success(r) || r.field("refresh_token").is_some() {
        return Ok(());
    }
    let about_the_token = |f: &Finding| {
        !f.precondition
            && f.level == Level::Must
            && ["`refresh_token`", "$.refresh_token", "$['refresh_token']"]
                .iter()
                .any(|p| f.check.starts_with(p))
    };
    if !t.findings()[before..].iter().any(about_the_token) {
        return Ok(());
    }
    let presented = t.render(&a.token)?;
    let again_name = format!("{name}.again");
    let (req, scope, _) = request_with(t, &again_name, a, step, &presented)?;
    let again = t.send(&again_name, req, scope).await?;
    let mut found = t.take_findings_since(before);
    if is_success(&again) {
        for f in found.iter_mut().filter(|f| about_the_token(f)) {
            f.actual.push_str(
                " (the presented refresh token still refreshes: it was kept, not rotated)",
            );
        }
    } else {
        found.retain(|f| !about_the_token(f));
        let refused = match again.field_str("error") {
            Some(e) => format!("{} {e}", again.status),
            None => again.status.to_string(),
        };
        found.insert(
            0,
            Finding {
                step: name.to_string(),
                level: Level::Must,
                kind: FailKind::SpecViolation,
                setting: None,
                refs: vec!["rfc6749#6".into()],
                check: "client stranded".into(),
                expected: "a new refresh token, or the presented one still usable (RFC 6749 §6)"
                    .into(),
                actual: format!(
                    "the IdP revoked the presented refresh token without issuing a new one: the refresh answered {} without `refresh_token`, and the presented token, sent again, got {refused}",
                    r.status
                ),
                precondition: false,
                exchange: t.last_exchange(),
            },
        );
    }
    for f in found {
        t.add_finding(f);
    }
    Ok(())
}
