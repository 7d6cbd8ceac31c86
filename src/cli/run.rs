//! `refresh-conformance run`: load → plan → execute → judge → report.

use super::console::{self, ColorArg, ToConsole};
use super::{input_errors, parse_duration};
use clap::Args;
use refresh_conformance::redact::Redactor;
use refresh_conformance::report::console::{self as printer, Console, Uncounted};
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::interrupt::Interrupts;
use refresh_conformance::run::plan::Filters;
use refresh_conformance::run::runner::{self, Settings};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Run trials whose name (`<target>/<scenario-id>`) contains any of these words.
    pub filters: Vec<String>,
    /// A target file, or `emulated:<profile>` (repeatable; default: every built-in profile on the emulator).
    #[arg(long = "target", value_name = "FILE|emulated:PROFILE")]
    pub targets: Vec<String>,
    /// A folder (or file) of extra scenarios (repeatable).
    #[arg(long = "scenarios", value_name = "DIR")]
    pub scenarios: Vec<PathBuf>,
    /// Leave out the built-in catalog (run only --scenarios).
    #[arg(long)]
    pub no_builtin: bool,
    /// Inject an emulator defect into every emulated: target (repeatable; see `emulate --list-defects`).
    #[arg(long = "defect", value_name = "NAME")]
    pub defects: Vec<String>,
    /// Write a JUnit XML report here (atomically; also when trials fail).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Warnings count as failures.
    #[arg(long)]
    pub strict: bool,
    /// List the trials instead of running them.
    #[arg(long)]
    pub list: bool,
    /// FILTER words must match trial names exactly.
    #[arg(long)]
    pub exact: bool,
    /// Skip trials whose name contains this (repeatable).
    #[arg(long = "skip", value_name = "FILTER")]
    pub skip: Vec<String>,
    /// Run only scenarios marked `ignored = true`.
    #[arg(long)]
    pub ignored: bool,
    /// Run scenarios marked `ignored = true` too.
    #[arg(long)]
    pub include_ignored: bool,
    /// Trials in the middle of HTTP at once (waiting trials do not count).
    #[arg(long, value_name = "N")]
    pub test_threads: Option<usize>,
    /// One character per trial.
    #[arg(short, long)]
    pub quiet: bool,
    /// Colour: auto, always, never.
    #[arg(long, value_enum)]
    pub color: Option<ColorArg>,
    /// A live scenario whose waits add up to more than this is skipped, saying how long it would have waited and what to change.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    pub max_wait: Duration,
    /// Tolerance added to expiry waits (lifetime + skew, then probe once).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    pub clock_skew: Duration,
    /// Record behaviour observations here; later runs fail on drift from it.
    #[arg(long, value_name = "FILE")]
    pub fingerprint: Option<PathBuf>,
    /// Accept the drift: rewrite the fingerprint file (whole, unfiltered runs only).
    #[arg(long)]
    pub accept_drift: bool,
    /// Write a self-contained HTML matrix (scenarios × targets) here, and its data beside it (`x.html` → `x.json`).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write a Markdown summary here (e.g. "$GITHUB_STEP_SUMMARY", appended to).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// A trial that runs longer is an error.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub trial_timeout: Duration,
}

pub fn run(a: RunArgs) -> i32 {
    let scenarios = match super::load_scenarios(!a.no_builtin, &a.scenarios) {
        Ok(s) => s,
        Err(e) => return input_errors(&e),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return input_errors(&[format!("cannot start the async runtime: {e}")]),
    };
    // A long run must not end in a path it cannot write: check before any
    // request (discovery included).
    if !a.list {
        let files = [
            a.junit.as_deref(),
            a.fingerprint.as_deref(),
            a.summary.as_deref(),
        ];
        let unwritable = super::reports::check_writable(&files, a.html.as_deref());
        if !unwritable.is_empty() {
            return input_errors(&unwritable);
        }
    }
    // From here on Ctrl-C / SIGTERM end the run cleanly (reports written, exit 130/143).
    let interrupts = Interrupts::listen(rt.handle());
    let targets = match rt.block_on(super::targets::resolve(&a.targets, &a.defects)) {
        Ok(t) => t,
        Err(e) => return input_errors(&e),
    };
    let profiles: std::collections::BTreeMap<String, String> = targets
        .iter()
        .map(|t| (t.name.clone(), t.profile.name.clone()))
        .collect();
    let filters = filters_of(&a);
    let opts = options_of(&a);
    let grants_needed = a.list.then(|| {
        let needs = refresh_conformance::run::grants_needed::count(&targets, &scenarios, &filters);
        refresh_conformance::run::grants_needed::render(&targets, &needs)
    });
    let redactor = Arc::new(Redactor::new());
    let console = Arc::new(Console::stdio(printer_of(&a), redactor.clone()));
    let settings = Settings {
        list: a.list,
        test_threads: a.test_threads,
        progress: (!a.list).then(|| Arc::new(ToConsole(console.clone())) as _),
    };
    let started = std::time::Instant::now();
    let result = match runner::run_with_cancel(
        &rt,
        targets,
        scenarios,
        &filters,
        &opts,
        &settings,
        redactor.clone(),
        &interrupts.cancel(),
    ) {
        Ok(r) => r,
        Err(e) => return input_errors(&[e]),
    };
    if a.list {
        console.list(console::shown(&result.planned).map(|p| p.name.as_str()));
        for line in grants_needed.unwrap_or_default() {
            eprintln!("{line}");
        }
        return 0;
    }
    let uncounted = Uncounted {
        ignored: console::ignored(&result.planned),
        filtered_out: result.filtered_out,
        elapsed: started.elapsed(),
    };
    console.finish(&result.records, &uncounted);
    let interrupted = interrupts.signal();
    let outputs = super::reports::Outputs {
        junit: a.junit.as_deref(),
        fingerprint: a.fingerprint.as_deref(),
        accept_drift: a.accept_drift,
        html: a.html.as_deref(),
        summary: a.summary.as_deref(),
        strict: a.strict,
        filtered: !a.filters.is_empty() || !a.skip.is_empty() || a.ignored,
        interrupted: interrupted.is_some(),
        profiles,
    };
    // A second Ctrl-C waits for the report files being written.
    let written =
        interrupts.critical(|| super::reports::write(&outputs, &result.records, &redactor));
    let code = match interrupted {
        Some(signal) => signal.exit_code(),
        None => runner::exit_code(&result.records, a.strict).max(written),
    };
    rt.shutdown_timeout(Duration::from_millis(200));
    code
}

fn filters_of(a: &RunArgs) -> Filters {
    Filters {
        words: a.filters.clone(),
        exact: a.exact,
        skip: a.skip.clone(),
        ignored: a.ignored,
        include_ignored: a.include_ignored,
    }
}

fn options_of(a: &RunArgs) -> RunOptions {
    RunOptions {
        strict: a.strict,
        max_wait: a.max_wait,
        clock_skew: a.clock_skew,
        trial_timeout: a.trial_timeout,
    }
}

fn printer_of(a: &RunArgs) -> printer::Settings {
    printer::Settings {
        quiet: a.quiet,
        color: a.color.unwrap_or_default().into(),
        strict: a.strict,
    }
}
