//! Running a trial's steps. Each action has its own file here with one
//! `run` function; this file runs the steps in order, holds the HTTP permit
//! while a trial is mid-steps, checks `needs`, records observations, and
//! hands each step's product to the judge (`run/judge_step.rs`).

mod client_credentials;
mod concurrent;
mod grant;
mod introspect;
mod refresh;
mod request;
mod revoke;
pub(super) mod wait;

pub(super) use super::judge_step::Produced;
use super::trial::{Stop, Trial};
use crate::judge::Response;
use crate::oauth::Endpoint;
use crate::scenario::model::{Action, AuthMode, Step};
use crate::scenario::validate::step_name;
use std::time::Duration;

/// Run every step; Err(Stop) ends the trial as skip or error.
///
/// A trial holds one permit from its first HTTP step until it waits (or
/// ends): a trial in the middle of its steps is not sent to the back of the
/// queue between two requests, where on a live target its fresh tokens could
/// expire behind other trials' grants; a waiting trial holds nothing
/// (docs/outcomes.md, "The runner").
pub(super) async fn run_steps(t: &mut Trial<'_>) -> Result<(), Stop> {
    // A trial that would wait too long, or has nothing to check a signature
    // against, is skipped before it spends a request.
    super::wait_plan::check_total_wait(t)?;
    check_jwks_published(t)?;
    t.preflight_clients().await?;
    for step in &t.scenario().file.steps {
        let name = step_name(step).unwrap_or_default();
        if let Some(Action::Wait(w)) = step.action() {
            wait::run(t, &name, w).await?;
            continue;
        }
        if let Some(Action::Concurrent(c)) = step.action() {
            if c.rounds.unwrap_or(1) > 1 {
                if concurrent::run_rounds(t, &name, step, c).await? {
                    return Ok(());
                }
                continue;
            }
        }
        for _ in 0..repeat_count(t, &name, step)? {
            let before = t.findings_len();
            if run_probed(t, &name, step).await? {
                return Ok(());
            }
            if t.findings_len() > before {
                break;
            }
        }
    }
    Ok(())
}

/// How many times a step is sent: its `repeat` (rendered), else once.
fn repeat_count(t: &Trial<'_>, name: &str, step: &Step) -> Result<u64, Stop> {
    let Some(r) = &step.repeat else { return Ok(1) };
    let text = t.render(r)?;
    match text.trim().parse::<u64>() {
        Ok(n) if n <= crate::scenario::validate::MAX_REPEAT => Ok(n),
        _ => Err(Stop::Error(format!(
            "step `{name}`: repeat `{r}` is `{text}`, not a whole number in 0..={}",
            crate::scenario::validate::MAX_REPEAT
        ))),
    }
}

/// One step, re-probed while `retry_until_skew` (introspect only) allows:
/// until its expectations hold or the clock skew allowance is used up.
/// True when the trial must stop here.
async fn run_probed(t: &mut Trial<'_>, name: &str, step: &Step) -> Result<bool, Stop> {
    let skew = t.env().opts.clock_skew;
    let mut allowance = if step.retry_until_skew {
        skew
    } else {
        Duration::ZERO
    };
    let mut probes = 0;
    loop {
        let before = t.findings_len();
        let halt = run_step(t, name, step).await?;
        probes += 1;
        if t.findings_len() > before && !allowance.is_zero() {
            // Not yet: forget this probe's verdict, pause, probe again.
            t.truncate_findings(before);
            let pause = reprobe_pause(skew).min(allowance);
            allowance -= pause;
            wait::pause(t, pause).await?;
            continue;
        }
        if probes > 1 {
            let note = format!(
                " (still, after {probes} probes over the {} clock skew allowance)",
                humantime::format_duration(skew)
            );
            t.annotate_findings(before, &note);
        }
        return Ok(halt);
    }
}

/// One non-wait step: send (holding an HTTP permit), capture, observe, judge.
/// True when the trial must stop here.
async fn run_step(t: &mut Trial<'_>, name: &str, step: &Step) -> Result<bool, Stop> {
    t.hold_permit().await?;
    let produced = run_action(t, name, step).await?;
    let Some(r) = &produced.response else {
        t.observe_group(name, &produced.group);
        return super::judge_step::judge_step(t, name, step, &produced).await;
    };
    t.observe(name, step, r);
    t.keep_response(name, r);
    let Err(missing) = check_needs(name, step, r) else {
        let before = t.findings_len();
        let halt = super::judge_step::judge_step(t, name, step, &produced).await?;
        if let (true, Some(a)) = (halt, &step.refresh) {
            refresh::stranded(t, name, step, a, r, before).await?;
        }
        return Ok(halt);
    };
    // A needed field is missing. A request that failed is judged as it is:
    // its expectations (status, error) say why, with its exchange. It is
    // never a silent skip.
    if !(200..300).contains(&r.status) {
        let before = t.findings_len();
        let halt = super::judge_step::judge_step(t, name, step, &produced).await?;
        if halt || t.findings_len() > before {
            return Ok(true);
        }
        return Err(missing);
    }
    // An id_token the profile or target says comes back, and did not.
    if let Some(f) = super::id_token_promise::broken(t, name, step, r) {
        t.add_finding(f);
        return Ok(true);
    }
    Err(missing)
}

async fn run_action(t: &mut Trial<'_>, name: &str, step: &Step) -> Result<Produced, Stop> {
    match step.action() {
        Some(Action::Grant(a)) => grant::run(t, name, step, a).await,
        Some(Action::Refresh(a)) => refresh::run(t, name, step, a).await,
        Some(Action::Concurrent(a)) => concurrent::run(t, name, step, a).await,
        Some(Action::Revoke(a)) => revoke::run(t, name, step, a).await,
        Some(Action::Introspect(a)) => introspect::run(t, name, step, a).await,
        Some(Action::ClientCredentials(a)) => client_credentials::run(t, name, step, a).await,
        Some(Action::Request(a)) => request::run(t, name, step, a).await,
        Some(Action::Wait(_)) | None => Err(Stop::Error(format!("step `{name}` has no action"))),
    }
}

/// A scenario that checks id_token signatures against a target that
/// publishes no JWKS is skipped, saying so, before its first request.
fn check_jwks_published(t: &Trial<'_>) -> Result<(), Stop> {
    let wants = t
        .scenario()
        .file
        .steps
        .iter()
        .any(Step::checks_id_token_signature);
    if wants && t.env().target.endpoints.jwks.is_none() {
        return Err(Stop::Skip(
            "the target publishes no JWKS (no `jwks_uri` in its metadata or target file): an id_token signature cannot be verified".into(),
        ));
    }
    Ok(())
}

/// A field the scenario `needs` that the response lacks: the trial cannot judge.
fn check_needs(name: &str, step: &Step, r: &Response) -> Result<(), Stop> {
    for field in &step.needs {
        let present = match field.strip_prefix("id_token.claims.") {
            Some(claim) => r
                .field_str("id_token")
                .and_then(crate::judge::id_token_claims)
                .is_some_and(|c| c.get(claim).is_some_and(|v| !v.is_null())),
            None => r.field(field).is_some(),
        };
        if !present {
            return Err(Stop::Skip(format!(
                "step `{name}`: the response (status {}) carries no `{field}`, which this scenario needs",
                r.status
            )));
        }
    }
    Ok(())
}

/// The pause between re-probes of a `retry_until_skew` step: a fifth of the
/// skew allowance, between 100 ms and 1 s.
fn reprobe_pause(skew: Duration) -> Duration {
    (skew / 5).clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// What a revocation (RFC 7009) or an introspection (RFC 7662) sends: one
/// request shape for both.
pub(super) struct TokenCall<'a> {
    pub client: Option<&'a String>,
    pub token: &'a str,
    pub hint: Option<&'a String>,
    pub auth: Option<AuthMode>,
}

/// The token, its hint, the step's params, the client's authentication.
pub(super) async fn token_request(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    endpoint: Endpoint,
    call: TokenCall<'_>,
) -> Result<Produced, Stop> {
    let client = t.client(call.client)?;
    let url = t.endpoint(endpoint)?;
    let mut form = vec![("token".to_string(), t.render(call.token)?)];
    if let Some(h) = call.hint {
        form.push(("token_type_hint".into(), t.render(h)?));
    }
    form.extend(t.params(step)?);
    let mut req = super::http::Request::post_form(&url, form);
    t.authenticate(&client, call.auth.unwrap_or(AuthMode::Default), &mut req)?;
    let r = t.send(name, req, None).await?;
    Ok(Produced::one(r))
}
