//! The runner: every planned trial is spawned as a tokio task up front; the
//! libtest-mimic closures only wait for their own trial's record. A pool of permits
//! bounds trials mid-HTTP, so waiting trials hold nothing and waits overlap.

use super::env::{RunEnv, RunOptions};
use super::interrupt::Cancel;
use super::plan::{plan, Filters, Planned};
use crate::record::{Outcome, TrialRecord};
use crate::redact::Redactor;
use crate::scenario::Scenario;
use crate::target::Target;
use libtest_mimic::{Arguments, Completion, Trial};
use std::sync::Arc;

/// Trials mid-HTTP at once when `--test-threads` is not given.
pub(crate) const DEFAULT_HTTP_TRIALS: usize = 16;

/// How libtest-mimic prints.
#[derive(Debug, Clone, Default)]
pub struct Console {
    pub list: bool,
    pub quiet: bool,
    pub test_threads: Option<usize>,
    pub color: Option<libtest_mimic::ColorSetting>,
    /// Write libtest output here instead of stdout (tests).
    pub logfile: Option<String>,
}

pub struct RunResult {
    /// Records of trials that ran, in plan order.
    pub records: Vec<TrialRecord>,
    pub planned: Vec<Planned>,
}

/// Plan, execute and print. Records come back for the reports.
pub fn run(
    rt: &tokio::runtime::Runtime,
    targets: Vec<Target>,
    scenarios: Vec<Scenario>,
    filters: &Filters,
    opts: &RunOptions,
    console: &Console,
    redactor: Arc<Redactor>,
) -> Result<RunResult, String> {
    let never = Cancel::never();
    run_with_cancel(
        rt, targets, scenarios, filters, opts, console, redactor, &never,
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
    console: &Console,
    redactor: Arc<Redactor>,
    cancel: &Cancel,
) -> Result<RunResult, String> {
    let planned = plan(&targets, &scenarios, filters);
    let strict = opts.strict;
    // The documented default (16): not the core count, since trials mostly
    // wait on the network. (Until the redesign, the constant was not applied.)
    let threads = console.test_threads.unwrap_or(DEFAULT_HTTP_TRIALS).max(1);
    let permits = super::permits::Permits::new(threads);
    let scenarios = Arc::new(scenarios);
    let mut envs = Vec::new();
    for t in targets {
        let mut env = RunEnv::new(t, redactor.clone(), permits.clone(), opts.clone())?;
        env.cancel = cancel.clone();
        envs.push(Arc::new(env));
    }

    let mut trials = Vec::new();
    let mut handles = Vec::new();
    for p in &planned {
        if !p.runs || console.list {
            // Never run: libtest-mimic decides from the same flags as the plan
            // (ignored scenarios print `ignored`, the others are filtered out
            // under --ignored), and should it call this anyway, it is a skip:
            // a trial that did not run is never shown as passed.
            let why = not_run_reason(p, filters);
            let t =
                Trial::ignorable_test(p.name.clone(), move || Ok(Completion::ignored_with(why)));
            trials.push(t.with_ignored_flag(p.ignored));
            handles.push(None);
            continue;
        }
        let env = envs[p.target].clone();
        let scenarios = scenarios.clone();
        let (si, name, skip) = (p.scenario, p.name.clone(), p.skip.clone());
        let cancel = cancel.clone();
        let handle = rt.spawn(async move {
            super::cancellable::execute(&env, &scenarios[si], name, skip, &cancel).await
        });
        let (tx, rx) = std::sync::mpsc::channel::<TrialRecord>();
        handles.push(Some(rx));
        let rt_handle = rt.handle().clone();
        let trial = Trial::ignorable_test(p.name.clone(), move || {
            let record = rt_handle
                .block_on(handle)
                .map_err(|e| format!("trial task failed: {e}"))?;
            let result = completion(&record, strict);
            let _ = tx.send(record);
            result
        })
        .with_ignored_flag(p.ignored);
        trials.push(trial);
    }

    let args = Arguments {
        list: console.list,
        quiet: console.quiet,
        test_threads: Some(threads),
        color: console.color,
        logfile: console.logfile.clone(),
        // FILTER words were applied by the plan; ignoring follows the same
        // flags, so what libtest-mimic runs is exactly what the plan runs.
        ignored: filters.ignored,
        include_ignored: filters.include_ignored,
        ..Arguments::default()
    };
    let _conclusion = libtest_mimic::run(&args, trials);

    let records = handles
        .into_iter()
        .flatten()
        .filter_map(|rx| rx.try_recv().ok())
        .collect();
    Ok(RunResult { records, planned })
}

/// Why a planned trial does not run.
fn not_run_reason(p: &Planned, filters: &Filters) -> String {
    if p.ignored {
        "ignored: run with --ignored or --include-ignored".into()
    } else if filters.ignored {
        "not run: --ignored runs only scenarios marked `ignored`".into()
    } else {
        "not run".into()
    }
}

fn completion(r: &TrialRecord, strict: bool) -> Result<Completion, libtest_mimic::Failed> {
    match &r.outcome {
        Outcome::Pass => Ok(Completion::Completed),
        Outcome::Warn if r.outcome.is_failure(strict) => {
            Err(format!("WARN (failing: --strict)\n{}", r.details()).into())
        }
        Outcome::Warn => {
            eprintln!("warning: {}: {}", r.name, r.message);
            Ok(Completion::Completed)
        }
        Outcome::Skip { reason } => Ok(Completion::ignored_with(reason)),
        Outcome::Fail { .. } | Outcome::Error { .. } => {
            let label = if matches!(r.outcome, Outcome::Error { .. }) {
                "ERROR (the harness could not judge)"
            } else {
                "FAIL"
            };
            Err(format!("{label}\n{}", r.details()).into())
        }
    }
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
