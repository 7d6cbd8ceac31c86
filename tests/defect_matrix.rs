//! The defect matrix: proof that every check of the catalog can fail.
//!
//! 1. Every built-in profile's emulator passes the whole catalog: no failure,
//!    no warning, no error.
//! 2. For each emulator defect, the scenarios that name it in `guarded_by`
//!    fail (or warn, for should/info scenarios) on at least one profile, with
//!    one of their clauses in the message; scenarios that do not name it do
//!    not start failing.
//! 3. Every scenario is guarded by at least one defect, and every defect guards one.
//!
//! Under a defect, a scenario whose set-up depends on the broken behaviour may
//! end as "precondition not met" (an error, honestly): only other errors count.
//!
//! It prints the matrix (defect × failing scenarios). Virtual time: nothing sleeps.

mod support;

use refresh_conformance::emulator;
use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::scenario::{load, Scenario};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use support::run_catalog;

/// Defects that by nature touch every error response: collateral failures of
/// error-checking scenarios are expected, not a sign of a sloppy defect.
const TOUCH_ALL_ERRORS: &[&str] = &["errors-with-status-200", "html-error-bodies"];

fn detected(r: &TrialRecord) -> bool {
    matches!(r.outcome, Outcome::Fail { .. } | Outcome::Warn)
}

#[test]
fn every_check_can_fail() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let scenarios = Arc::new(load::builtin().expect("catalog loads"));
    let by_id: BTreeMap<&str, &Scenario> = scenarios.iter().map(|s| (s.id(), s)).collect();
    let known: BTreeSet<&str> = emulator::defects().iter().map(|d| d.0).collect();
    let mut problems = Vec::new();

    // Every scenario guarded, every defect guarding.
    let mut guarded: BTreeSet<&str> = BTreeSet::new();
    for s in scenarios.iter() {
        if s.file.guarded_by.is_empty() {
            problems.push(format!("{} is guarded by no defect", s.id()));
        }
        for d in &s.file.guarded_by {
            guarded.insert(d.as_str());
        }
    }
    for d in &known {
        if !guarded.contains(d) {
            problems.push(format!("defect {d} guards no scenario"));
        }
    }

    // The clean emulator passes everything that applies.
    let clean = run_catalog(&rt, &scenarios, &[]);
    let mut applied: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &clean {
        match &r.outcome {
            Outcome::Pass => *applied.entry(by_id[r.scenario.as_str()].id()).or_default() += 1,
            Outcome::Skip { .. } => {}
            other => problems.push(format!(
                "clean emulator: {} is {} — {}",
                r.name,
                other.label(),
                r.message
            )),
        }
    }
    for s in scenarios.iter() {
        if !applied.contains_key(s.id()) {
            problems.push(format!(
                "{} applies to no built-in profile, so nothing proves it",
                s.id()
            ));
        }
    }

    // Each defect: its guarded scenarios fail with their clause; others stay as they were.
    let mut matrix = String::new();
    for defect in &known {
        let records = run_catalog(&rt, &scenarios, &[defect.to_string()]);
        let mut caught: BTreeSet<&str> = BTreeSet::new();
        let mut collateral: BTreeSet<String> = BTreeSet::new();
        for r in &records {
            let s = by_id[r.scenario.as_str()];
            let guards = s.file.guarded_by.iter().any(|g| g == defect);
            // A defect may leave a scenario unable to set up its check (no new
            // token to replay): that is an honest error. Any other error is harness trouble.
            if matches!(r.outcome, Outcome::Error { .. })
                && !r.message.starts_with("precondition not met")
            {
                problems.push(format!(
                    "{defect}: {} is an error (the harness could not judge): {}",
                    r.name, r.message
                ));
            }
            if !detected(r) {
                continue;
            }
            if guards {
                let text = r.details();
                if s.file.refs.iter().any(|c| text.contains(c.as_str())) {
                    caught.insert(s.id());
                } else {
                    problems.push(format!(
                        "{defect}: {} failed without naming a clause: {}",
                        r.name, r.message
                    ));
                }
            } else if !TOUCH_ALL_ERRORS.contains(defect) {
                collateral.insert(format!("{} ({})", r.name, r.message));
            }
        }
        for s in scenarios
            .iter()
            .filter(|s| s.file.guarded_by.iter().any(|g| g == defect))
        {
            if !caught.contains(s.id()) {
                problems.push(format!(
                    "defect {defect} goes undetected by {}, which claims to guard it",
                    s.id()
                ));
            }
        }
        for c in &collateral {
            problems.push(format!("defect {defect} also fails {c}, which does not name it: the defect breaks more than one behaviour, or the scenario should list it"));
        }
        matrix.push_str(&format!(
            "{defect:<34} {}\n",
            caught.iter().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    println!("defect × scenarios that caught it\n{matrix}");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
