//! Running trials: plan (target × scenario), execute steps over HTTP, judge,
//! and hand TrialRecords to the reports.

pub mod auth;
mod cancellable;
mod dpop;
pub mod env;
mod grant;
pub mod grants_needed;
pub mod http;
mod id_token_promise;
pub mod interrupt;
mod judge_step;
pub mod outcome;
pub mod permits;
pub mod plan;
pub mod preflight;
pub mod progress;
pub mod retry;
pub mod runner;
mod step;
pub mod trial;
mod wait_plan;
pub mod waits;

use crate::record::TrialRecord;
use crate::scenario::Scenario;
use env::RunEnv;
use std::time::Instant;
use trial::{Stop, Trial};

/// Run a trial's steps: what [`execute`] does, without the record (tests
/// interleave trials with it, see [`Trial::continue_with`]).
pub async fn run_steps(trial: &mut Trial<'_>) -> Result<(), Stop> {
    step::run_steps(trial).await
}

/// Run one scenario against one target; never panics on IdP input.
pub async fn execute(
    env: &RunEnv,
    scenario: &Scenario,
    name: String,
    plan_skip: Option<String>,
) -> TrialRecord {
    let start = Instant::now();
    let mut trial = Trial::new(env, scenario);
    let stop = match plan_skip {
        Some(reason) => Some(Stop::Skip(reason)),
        None => {
            match tokio::time::timeout(env.opts.trial_timeout, step::run_steps(&mut trial)).await {
                Ok(Ok(())) => None,
                Ok(Err(stop)) => Some(stop),
                Err(_) => Some(Stop::Error(format!(
                    "the trial took longer than its {} timeout",
                    humantime::format_duration(env.opts.trial_timeout)
                ))),
            }
        }
    };
    let (outcome, message) = outcome::decide(stop.as_ref(), trial.findings());
    let (outcome, message, baseline) =
        outcome::apply_baseline(outcome, message, env.target.baseline.get(scenario.id()));
    let began = trial.began().unwrap_or(start);
    let redact = |s: &str| trial.redact(s);
    let message = redact(&message);
    let notes: Vec<String> = trial.notes().iter().map(|n| redact(n)).collect();
    let message = match outcome {
        crate::record::Outcome::Pass if !notes.is_empty() => {
            format!("{message}; note: {}", notes.join("; "))
        }
        _ => message,
    };
    let done = trial.finish();
    TrialRecord {
        name,
        target: env.target.name.clone(),
        scenario: scenario.id().to_string(),
        title: scenario.file.title.clone(),
        level: scenario.file.level,
        refs: scenario.file.refs.clone(),
        outcome,
        message,
        findings: done.findings,
        transcript: done.transcript,
        observations: done.observations,
        duration: began.elapsed(),
        started: crate::record::since_origin(began),
        baseline,
    }
}
