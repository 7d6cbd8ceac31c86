//! The runner: every planned trial is spawned as a tokio task up front and
//! handed to the run's [`Progress`] as it ends (completion order); the
//! records come back in plan order for the reports. A pool of permits bounds
//! trials mid-HTTP, so waiting trials hold nothing and waits overlap. The
//! runner prints nothing: the CLI wires the console to its progress.

use super::env::{RunEnv, RunOptions};
use super::interrupt::Cancel;
use super::plan::{plan, Filters, Planned};
use super::progress::{Progress, Stderr};
use super::waits::Waits;
use crate::record::{Outcome, TrialRecord};
use crate::redact::Redactor;
use crate::scenario::Scenario;
use crate::target::Target;
use std::sync::Arc;

/// Trials mid-HTTP at once when `--test-threads` is not given.
pub(crate) const DEFAULT_HTTP_TRIALS: usize = 16;

/// How the runner runs, besides the trials' own options.
#[derive(Clone, Default)]
pub struct Settings {
    /// Plan only: nothing runs (`--list`).
    pub list: bool,
    /// Trials in the middle of HTTP at once (default 16).
    pub test_threads: Option<usize>,
    /// Told the plan, each trial as it ends, and the live waits; without
    /// one, waits are shown on stderr and nothing else is.
    pub progress: Option<Arc<dyn Progress>>,
}

pub struct RunResult {
    /// Records of trials that ran, in plan order.
    pub records: Vec<TrialRecord>,
    pub planned: Vec<Planned>,
    /// Trials the FILTER words, `--skip` or `--ignored` left out.
    pub filtered_out: usize,
}

/// Plan and execute. Records come back for the reports.
pub fn run(
    rt: &tokio::runtime::Runtime,
    targets: Vec<Target>,
    scenarios: Vec<Scenario>,
    filters: &Filters,
    opts: &RunOptions,
    settings: &Settings,
    redactor: Arc<Redactor>,
) -> Result<RunResult, String> {
    let never = Cancel::never();
    run_with_cancel(
        rt, targets, scenarios, filters, opts, settings, redactor, &never,
    )
}

/// [`run`], cancellable: after `cancel` fires no trial starts, running ones
/// get [`GRACE`](super::interrupt::GRACE), and unfinished ones come back as
/// "interrupted" error records.
#[allow(clippy::too_many_arguments)]
pub fn run_with_cancel(
    rt: &tokio::runtime::Runtime,
    targets: Vec<Target>,
    scenarios: Vec<Scenario>,
    filters: &Filters,
    opts: &RunOptions,
    settings: &Settings,
    redactor: Arc<Redactor>,
    cancel: &Cancel,
) -> Result<RunResult, String> {
    let planned = plan(&targets, &scenarios, filters);
    // Not selected by the words, or left out by --ignored; a scenario marked
    // `ignored` and not asked for is counted as ignored, not filtered out.
    let filtered_out = targets.len() * scenarios.len() - planned.len()
        + planned.iter().filter(|p| !p.runs && !p.ignored).count();
    let progress = settings
        .progress
        .clone()
        .unwrap_or_else(|| Arc::new(Stderr));
    // The documented default (16): not the core count, since trials mostly
    // wait on the network.
    let threads = settings.test_threads.unwrap_or(DEFAULT_HTTP_TRIALS).max(1);
    let permits = super::permits::Permits::new(threads);
    let waits = Waits::new(progress.clone());
    let scenarios = Arc::new(scenarios);
    let mut envs = Vec::new();
    for t in targets {
        let mut env = RunEnv::new(t, redactor.clone(), permits.clone(), opts.clone())?;
        env.cancel = cancel.clone();
        env.waits = waits.clone();
        envs.push(Arc::new(env));
    }
    progress.planned(&planned, filtered_out);
    if settings.list {
        return Ok(RunResult {
            records: vec![],
            planned,
            filtered_out,
        });
    }

    let mut handles = Vec::new();
    for p in planned.iter().filter(|p| p.runs) {
        let env = envs[p.target].clone();
        let scenarios = scenarios.clone();
        let (si, name, skip) = (p.scenario, p.name.clone(), p.skip.clone());
        let (cancel, progress) = (cancel.clone(), progress.clone());
        let handle = rt.spawn(async move {
            let record =
                super::cancellable::execute(&env, &scenarios[si], name, skip, &cancel).await;
            progress.finished(&record);
            record
        });
        handles.push((p, handle));
    }
    let records = rt.block_on(async {
        let mut records = Vec::with_capacity(handles.len());
        for (p, handle) in handles {
            let record = match handle.await {
                Ok(r) => r,
                // Harness trouble is an error, and the trial is still reported.
                Err(e) => {
                    let env = &envs[p.target];
                    let r = super::cancellable::error_record(
                        env,
                        &scenarios[p.scenario],
                        p.name.clone(),
                        std::time::Instant::now(),
                        format!("the trial's task failed: {e}"),
                    );
                    progress.finished(&r);
                    r
                }
            };
            records.push(record);
        }
        records
    });
    Ok(RunResult {
        records,
        planned,
        filtered_out,
    })
}

/// Exit codes (docs/outcomes.md): 0 clean, 1 failures, 3 errors only.
pub fn exit_code(records: &[TrialRecord], strict: bool) -> i32 {
    let fail = records.iter().any(|r| r.outcome.is_failure(strict));
    let error = records
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Error { .. }));
    if fail {
        1
    } else if error {
        3
    } else {
        0
    }
}
