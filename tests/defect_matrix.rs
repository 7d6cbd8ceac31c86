//! The defect matrix: proof that every check of the catalog can fail.
//!
//! 1. Every built-in profile's emulator passes the whole catalog: no failure,
//!    no warning, no error; except a profile's `[known_deviations]`, which
//!    must fail with a clause of their scenario and be shown as known deviations.
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

/// Trials the clean emulator must fail, reported as known deviations: a
/// profile's `[known_deviations]` documents behaviour a clause forbids, so
/// failing is the true verdict (a pass would be the lie). Trial name →
/// scenario id.
fn documented_violations() -> BTreeMap<String, String> {
    refresh_conformance::behaviour::builtin_profiles()
        .iter()
        .flat_map(|p| {
            p.known_deviations
                .keys()
                .map(move |id| (format!("emulated-{}/{id}", p.name), id.clone()))
        })
        .collect()
}

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
    let known: BTreeSet<&str> = emulator::defects().iter().map(|d| d.0).collect();
    let mut problems = guards_cover_everything(&scenarios, &known);
    problems.extend(the_clean_emulator_passes(&rt, &scenarios));
    let mut matrix = String::new();
    for defect in &known {
        let caught = each_defect_is_caught(&rt, &scenarios, defect, &mut problems);
        matrix.push_str(&format!(
            "{defect:<34} {}\n",
            caught.into_iter().collect::<Vec<_>>().join(", ")
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

/// Every scenario guarded, every defect guarding.
fn guards_cover_everything(scenarios: &[Scenario], known: &BTreeSet<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut guarded: BTreeSet<&str> = BTreeSet::new();
    for s in scenarios {
        if s.file.guarded_by.is_empty() {
            problems.push(format!("{} is guarded by no defect", s.id()));
        }
        for d in &s.file.guarded_by {
            guarded.insert(d.as_str());
        }
    }
    for d in known {
        if !guarded.contains(d) {
            problems.push(format!("defect {d} guards no scenario"));
        }
    }
    problems
}

/// The clean emulator passes everything that applies, and every scenario
/// applies to some built-in profile.
fn the_clean_emulator_passes(
    rt: &tokio::runtime::Runtime,
    scenarios: &Arc<Vec<Scenario>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut applied: BTreeSet<String> = BTreeSet::new();
    let documented = documented_violations();
    let records = run_catalog(rt, scenarios, &[]);
    for trial in documented.keys() {
        if !records.iter().any(|r| &r.name == trial) {
            problems.push(format!(
                "{trial}: a profile's [known_deviations] names no scenario of the catalog"
            ));
        }
    }
    for r in &records {
        if documented.contains_key(&r.name) {
            let refs = &scenarios
                .iter()
                .find(|s| s.id() == r.scenario)
                .unwrap()
                .file
                .refs;
            let failed_with_clause = matches!(&r.outcome, Outcome::Skip { reason } if reason.starts_with("known deviation"))
                && r.message.contains("(was: ")
                && refs.iter().any(|c| r.message.contains(c.as_str()));
            if !failed_with_clause {
                problems.push(format!(
                    "clean emulator: {} is a documented deviation but did not fail with its clause: {} — {}",
                    r.name,
                    r.outcome.label(),
                    r.message
                ));
            }
            applied.insert(r.scenario.clone());
            continue;
        }
        match &r.outcome {
            Outcome::Pass => {
                applied.insert(r.scenario.clone());
            }
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
        if !applied.contains(s.id()) {
            problems.push(format!(
                "{} applies to no built-in profile, so nothing proves it",
                s.id()
            ));
        }
    }
    problems
}

/// Under `defect`, its guarded scenarios fail with their clause and the
/// others stay as they were. The scenarios that caught it.
fn each_defect_is_caught(
    rt: &tokio::runtime::Runtime,
    scenarios: &Arc<Vec<Scenario>>,
    defect: &str,
    problems: &mut Vec<String>,
) -> BTreeSet<String> {
    let by_id: BTreeMap<&str, &Scenario> = scenarios.iter().map(|s| (s.id(), s)).collect();
    let mut caught: BTreeSet<String> = BTreeSet::new();
    let mut collateral: BTreeSet<String> = BTreeSet::new();
    let documented = documented_violations();
    for r in &run_catalog(rt, scenarios, &[defect.to_string()]) {
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
        if !detected(r) || documented.contains_key(&r.name) {
            continue;
        }
        if !guards {
            if !TOUCH_ALL_ERRORS.contains(&defect) {
                collateral.insert(format!("{} ({})", r.name, r.message));
            }
        } else if s.file.refs.iter().any(|c| r.details().contains(c.as_str())) {
            caught.insert(s.id().to_string());
        } else {
            problems.push(format!(
                "{defect}: {} failed without naming a clause: {}",
                r.name, r.message
            ));
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
    caught
}

/// OIDC Core §12.2: a refreshed id_token SHOULD NOT carry a nonce, and one it
/// carries MUST be the original. A different nonce is a failure; the
/// original repeated is a warning (both were warnings once).
#[test]
fn a_changed_nonce_fails_and_a_repeated_one_warns() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let scenarios: Vec<Scenario> = load::builtin()
        .unwrap()
        .into_iter()
        .filter(|s| s.id() == "oidc/id-token-nonce-absent")
        .collect();
    let scenarios = Arc::new(scenarios);
    for (defect, want) in [
        ("id-token-nonce-changed", "fail"),
        ("id-token-nonce-on-refresh", "warn"),
    ] {
        let records = run_catalog(&rt, &scenarios, &[defect.to_string()]);
        let judged: Vec<_> = records
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::Skip { .. }))
            .collect();
        assert!(!judged.is_empty(), "{defect}: no profile judged it");
        for r in judged {
            assert_eq!(r.outcome.label(), want, "{defect}: {}", r.details());
            assert!(r.details().contains("oidc-core#12.2"), "{}", r.details());
        }
    }
}

/// One scenario against a fresh emulator of `profile` with `defects`.
fn run_scenario(
    profile: refresh_conformance::behaviour::Profile,
    defects: &[&str],
    id: &str,
) -> TrialRecord {
    use refresh_conformance::run::env::{RunEnv, RunOptions};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let s = load::builtin()
        .unwrap()
        .into_iter()
        .find(|s| s.id() == id)
        .unwrap_or_else(|| panic!("no scenario {id}"));
    let defects: Vec<String> = defects.iter().map(|d| d.to_string()).collect();
    rt.block_on(async {
        let target = refresh_conformance::target::emulated::start(profile, &defects, None)
            .await
            .unwrap();
        let env = RunEnv::new(
            target,
            Arc::new(refresh_conformance::redact::Redactor::new()),
            refresh_conformance::run::permits::Permits::new(4),
            RunOptions::default(),
        )
        .unwrap();
        let skip = refresh_conformance::run::plan::applicability(&env.target, &s);
        refresh_conformance::run::execute(&env, &s, format!("t/{id}"), skip).await
    })
}

fn builtin(name: &str) -> refresh_conformance::behaviour::Profile {
    refresh_conformance::behaviour::builtin_profile(name).unwrap()
}

/// django-oauth-toolkit answers refreshes that race one rotation with the
/// successor pair that rotation minted: one token, not a fork. A pass, with
/// a note saying so (it was a failure once).
#[test]
fn identical_successors_of_a_race_pass_with_a_note() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/profiles/rfc6749.toml"
    ))
    .unwrap()
    .replace(
        "concurrent_refresh = { value = \"one_succeeds\"",
        "concurrent_refresh = { value = \"same_successor\"",
    );
    let profile = refresh_conformance::behaviour::Profile::parse("idempotent", &text).unwrap();
    let r = run_scenario(profile, &[], "rotation/concurrent-single-winner");
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    assert!(
        r.message.contains("note: ")
            && r.message
                .contains("all with the same new refresh token (an idempotent retry, not a fork)"),
        "{}",
        r.message
    );
}

/// A fork is judged by what matters: distinct successors that each still
/// refresh after the race, naming the setting the IdP states.
#[test]
fn a_fork_is_reported_as_live_distinct_successors() {
    let r = run_scenario(
        builtin("rfc6749"),
        &["race-double-spend"],
        "rotation/concurrent-single-winner",
    );
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    let f = &r.findings[0];
    assert_eq!(
        f.check,
        "distinct refresh tokens still working after the race"
    );
    assert!(f.actual.contains("a fork"), "{}", f.actual);
    assert_eq!(f.setting.as_deref(), Some("previous_refresh_token"));
}

/// A refresh answered 200 without a new refresh token, the presented one
/// revoked: the client is stranded (RFC 6749 §6), not a `new_refresh_token`
/// mismatch.
#[test]
fn a_stranded_client_is_reported_as_stranded() {
    let r = run_scenario(
        builtin("rfc6749"),
        &["rotated-token-withheld"],
        "rotation/new-refresh-token-issued",
    );
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    assert!(
        r.message
            .starts_with("spec-violation: step `rotate`: client stranded: ")
            && r.message
                .contains("the IdP revoked the presented refresh token without issuing a new one")
            && r.message.ends_with("[rfc6749#6]"),
        "{}",
        r.message
    );
    assert!(
        r.findings.iter().all(|f| f.setting.is_none()),
        "{}",
        r.details()
    );
}

/// An old token that still refreshes is what breaks
/// `rotated-token-introspects-inactive` there: introspection calling it
/// active is right. The message names the invalidation setting and its
/// clause, not introspection.
#[test]
fn a_still_valid_old_token_is_named_as_the_invalidation_setting() {
    let r = run_scenario(
        builtin("rfc6749"),
        &["previous-token-valid"],
        "revocation/rotated-token-introspects-inactive",
    );
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    let f = &r.findings[0];
    assert_eq!(f.setting.as_deref(), Some("previous_refresh_token"));
    assert_eq!(f.refs, ["rfc6749#6", "rfc9700#4.14.2"]);
    assert!(!r.message.contains("introspection"), "{}", r.message);
}

/// An error body sent with status 200 breaks RFC 6749 §5.2, whatever
/// setting the expectation names: a spec violation citing that clause.
#[test]
fn an_error_sent_with_status_200_is_reported_as_breaking_5_2() {
    let r = run_scenario(
        builtin("rfc6749"),
        &["errors-with-status-200"],
        "rotation/previous-token-refused",
    );
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    let f = &r.findings[0];
    assert_eq!(f.check, "status of an error response");
    assert_eq!(f.setting, None);
    assert_eq!(f.refs, ["rfc6749#5.2"]);
    assert!(r.message.starts_with("spec-violation: "), "{}", r.message);
}
