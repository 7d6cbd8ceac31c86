//! Judging a step: each expectation that applies is checked by `judge/`;
//! its mismatches become findings with level, kind, clauses and the
//! exchange that shows them.

use super::trial::{Stop, Trial};
use crate::judge::{self, jwks::verify_signature, Response};
use crate::record::{FailKind, Finding};
use crate::scenario::model::{Expect, Level, Step};
use crate::scenario::template::Unresolved;

/// What a step produced for the judge: one response, or a group's.
#[derive(Default)]
pub(super) struct Produced {
    pub response: Option<Response>,
    pub group: Vec<Result<Response, String>>,
    /// A race's distinct successor refresh tokens, each tried once more.
    pub successors: Vec<judge::Successor>,
}

impl Produced {
    pub(super) fn one(r: Response) -> Produced {
        Produced {
            response: Some(r),
            ..Default::default()
        }
    }
}

/// The longest a finding's check, expected or actual text may be (after redaction).
const MAX_SHOWN: usize = 240;

/// Judge a step's expectations; true when the trial must stop here.
pub(super) async fn judge_step(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    produced: &Produced,
) -> Result<bool, Stop> {
    let Some(exp) = &step.expect else {
        return Ok(false);
    };
    let wants_jwks = step.checks_id_token_signature();
    let jwks = if wants_jwks {
        Some(jwks(t).await)
    } else {
        None
    };
    let verify = |jwt: &str| verify_signature(jwt, jwks.as_ref());
    let default_precondition = step.precondition.unwrap_or(step.grant.is_some());
    let mut halt = false;
    for e in exp.all() {
        if !applies(t, e)? {
            continue;
        }
        let mismatches = {
            let this = &*t;
            let mut render = |s: &str| -> Result<String, Unresolved> { this.render(s) };
            let mut ctx = judge::Ctx {
                response: produced.response.as_ref(),
                group: &produced.group,
                successors: &produced.successors,
                render: &mut render,
                verify_id_token: &verify,
                body_ignored_on_success: step.revoke.is_some(),
            };
            judge::judge(e, &mut ctx)?
        };
        let level = e.level.unwrap_or(t.scenario().file.level);
        let precondition = e.precondition.unwrap_or(default_precondition);
        for m in mismatches {
            halt |= precondition || level == Level::Must;
            let check = match &e.because {
                Some(b) => format!("{} ({b})", m.check),
                None => m.check,
            };
            // A mismatch that breaks a clause of its own names that clause
            // and no setting: the setting is not what went wrong.
            let setting = if m.breaks.is_some() {
                None
            } else {
                e.setting.clone()
            };
            let refs = match (&m.breaks, e.refs.is_empty()) {
                (Some(b), _) => b.clone(),
                (None, true) => t.scenario().file.refs.clone(),
                (None, false) => e.refs.clone(),
            };
            let f = Finding {
                step: name.to_string(),
                level,
                kind: if setting.is_some() {
                    FailKind::ProfileMismatch
                } else {
                    FailKind::SpecViolation
                },
                setting,
                refs,
                // Redact first, then cut: a cut token would no longer be recognised.
                check: judge::excerpt(&t.redact(&check), MAX_SHOWN),
                expected: judge::excerpt(&t.redact(&m.expected), MAX_SHOWN),
                actual: judge::excerpt(&t.redact(&m.actual), MAX_SHOWN),
                precondition,
                exchange: t.last_exchange(),
            };
            t.add_finding(f);
        }
    }
    Ok(halt)
}

/// Whether the expectation's `when` conditions hold; an unknown value skips.
fn applies(t: &Trial<'_>, e: &Expect) -> Result<bool, Stop> {
    let mut holds = true;
    for w in &e.when {
        let c = crate::behaviour::Condition::parse(w).map_err(Stop::Error)?;
        match c.eval(t.view()) {
            Ok(h) => holds &= h,
            Err(key) => return Err(Stop::Skip(t.view().unknown_reason(&key))),
        }
    }
    Ok(holds)
}

/// The target's JWKS, fetched once per target.
async fn jwks(t: &Trial<'_>) -> Result<jsonwebtoken::jwk::JwkSet, String> {
    let env = t.env();
    let url = env.target.endpoints.jwks.clone();
    let http = env.http.clone();
    env.jwks
        .get_or_init(|| async move {
            let url = url.ok_or_else(|| "no jwks_uri".to_string())?;
            let req = super::http::Request {
                method: "GET".into(),
                url: url.clone(),
                ..Default::default()
            };
            let reply = http
                .send(&req)
                .await
                .map_err(|e| format!("JWKS {url}: {}", e.0))?;
            serde_json::from_slice(&reply.body)
                .map_err(|e| format!("JWKS {url}: not a JWK set: {e}"))
        })
        .await
        .clone()
}
