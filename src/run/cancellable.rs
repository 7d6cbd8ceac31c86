//! One trial under the run's cancellation: a trial that has not started when
//! the run is cancelled does not run; a running one gets [`GRACE`] and is
//! then cut short, and either becomes an "interrupted" error record.

use super::env::RunEnv;
use super::interrupt::{Cancel, GRACE, INTERRUPTED};
use crate::record::{Outcome, TrialRecord};
use crate::scenario::Scenario;
use std::time::Instant;

/// Run one trial, unless the run is cancelled: before it starts, it does not
/// run; while it runs, it gets [`GRACE`] and is then cut short.
pub async fn execute(
    env: &RunEnv,
    scenario: &Scenario,
    name: String,
    plan_skip: Option<String>,
    cancel: &Cancel,
) -> TrialRecord {
    let start = Instant::now();
    if cancel.is_cancelled() {
        return interrupted(env, scenario, name, start, cancel);
    }
    let grace_over = async {
        cancel.cancelled().await;
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        biased;
        r = super::execute(env, scenario, name.clone(), plan_skip) => r,
        _ = grace_over => interrupted(env, scenario, name, start, cancel),
    }
}

/// The record of a trial the interrupt cut short.
pub(crate) fn interrupted(
    env: &RunEnv,
    scenario: &Scenario,
    name: String,
    start: Instant,
    cancel: &Cancel,
) -> TrialRecord {
    let by = cancel
        .signal()
        .map(|s| format!(" ({})", s.name()))
        .unwrap_or_default();
    error_record(env, scenario, name, start, format!("{INTERRUPTED}{by}"))
}

/// The record of a trial that ended in harness trouble before its steps could
/// record anything.
pub(crate) fn error_record(
    env: &RunEnv,
    scenario: &Scenario,
    name: String,
    start: Instant,
    message: String,
) -> TrialRecord {
    TrialRecord {
        name,
        target: env.target.name.clone(),
        scenario: scenario.id().to_string(),
        title: scenario.file.title.clone(),
        level: scenario.file.level,
        refs: scenario.file.refs.clone(),
        outcome: Outcome::Error {
            cause: message.clone(),
        },
        message,
        findings: vec![],
        transcript: vec![],
        observations: Default::default(),
        duration: start.elapsed(),
        started: crate::record::since_origin(start),
        baseline: None,
    }
}
