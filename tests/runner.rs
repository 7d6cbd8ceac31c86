//! The runner: waiting trials hold no permit, so waits overlap even with
//! --test-threads 1 (shown by request order, not by timing); filters; exit codes.

mod support;

use refresh_conformance::record::Outcome;
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::plan::Filters;
use refresh_conformance::run::runner::{self, Settings};
use refresh_conformance::scenario::load::load_text;
use std::sync::Arc;
use support::*;

fn scenario(id: &str, wait: &str) -> refresh_conformance::scenario::Scenario {
    let text = format!(
        r#"
id = "t/{id}"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {{}}
[[step]]
wait = {{ duration = "{wait}" }}
[[step]]
name = "rotate"
refresh = {{ token = "{{{{grant.refresh_token}}}}" }}
expect = {{ status = 200 }}
"#
    );
    load_text(&format!("{id}.toml"), &text, false, false).unwrap()
}

#[test]
fn waits_overlap_with_one_test_thread() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let script: Script = Arc::new(|seen: &Seen| {
        let rt = format!(
            "rt-{}",
            seen.form.get("grant_type").cloned().unwrap_or_default()
        );
        token_response(&format!("{rt}-{}", rand::random::<u32>()))
    });
    let idp = rt.block_on(start(script));
    let target = target_for(&idp.base_url, PROFILE);
    let settings = Settings {
        test_threads: Some(1),
        ..Default::default()
    };
    let scenarios = vec![
        scenario("a", "1s"),
        scenario("b", "1s"),
        scenario("c", "1s"),
    ];
    let result = runner::run(
        &rt,
        vec![target],
        scenarios,
        &Filters::default(),
        &RunOptions::default(),
        &settings,
        Arc::new(Redactor::new()),
    )
    .unwrap();
    assert_eq!(result.records.len(), 3);
    assert!(
        result.records.iter().all(|r| r.outcome == Outcome::Pass),
        "{:?}",
        result
            .records
            .iter()
            .map(|r| r.details())
            .collect::<Vec<_>>()
    );
    let order: Vec<String> = idp
        .log
        .lock()
        .unwrap()
        .iter()
        // The client preflight (a bogus refresh token, once per client) is no trial's refresh.
        .filter(|s| {
            !s.form
                .get("refresh_token")
                .is_some_and(|t| t.starts_with("refresh-conformance-preflight-"))
        })
        .map(|s| s.form.get("grant_type").cloned().unwrap_or_default())
        .collect();
    // Every grant arrives before any refresh: all three trials were waiting at once.
    let first_refresh = order.iter().position(|g| g == "refresh_token").unwrap();
    assert_eq!(
        order[..first_refresh]
            .iter()
            .filter(|g| *g == "password")
            .count(),
        3,
        "{order:?}"
    );
}

#[test]
fn filters_are_ored_exact_and_skip() {
    let f = Filters {
        words: vec!["rotation".into(), "scope/".into()],
        ..Default::default()
    };
    assert!(
        f.selects("okta/rotation/x") && f.selects("okta/scope/y") && !f.selects("okta/expiry/z")
    );
    let f = Filters {
        words: vec!["okta/rotation/x".into()],
        exact: true,
        ..Default::default()
    };
    assert!(f.selects("okta/rotation/x") && !f.selects("okta/rotation/xy"));
    let f = Filters {
        skip: vec!["expiry".into()],
        ..Default::default()
    };
    assert!(f.selects("okta/rotation/x") && !f.selects("okta/expiry/z"));
}

#[test]
fn exit_codes_follow_the_contract() {
    let rec = |o: Outcome| refresh_conformance::record::TrialRecord {
        name: "t/x".into(),
        target: "t".into(),
        scenario: "x".into(),
        title: "x".into(),
        level: refresh_conformance::scenario::model::Level::Must,
        refs: vec![],
        outcome: o,
        message: String::new(),
        findings: vec![],
        transcript: vec![],
        observations: Default::default(),
        duration: Default::default(),
        started: Default::default(),
        baseline: None,
    };
    let fail = Outcome::Fail {
        kind: refresh_conformance::record::FailKind::SpecViolation,
    };
    let err = Outcome::Error { cause: "x".into() };
    assert_eq!(
        runner::exit_code(
            &[
                rec(Outcome::Pass),
                rec(Outcome::Skip { reason: "r".into() })
            ],
            false
        ),
        0
    );
    assert_eq!(runner::exit_code(&[rec(Outcome::Warn)], false), 0);
    assert_eq!(runner::exit_code(&[rec(Outcome::Warn)], true), 1);
    assert_eq!(runner::exit_code(&[rec(err.clone())], false), 3);
    assert_eq!(runner::exit_code(&[rec(err), rec(fail)], false), 1);
}

/// A trial that does not run has no record (it is never a pass): with
/// `--ignored` only the ignored scenario runs and the other is filtered out;
/// without it the ignored scenario is planned, not run, and not counted as
/// filtered out (the console shows it as `ignored`: tests/console.rs).
#[test]
fn trials_that_do_not_run_have_no_record_and_are_counted_apart() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let script: Script = Arc::new(|_: &Seen| token_response("rt-1"));
    let idp = rt.block_on(start(script));
    let ignored = {
        let text = r#"
id = "t/long"
title = "t"
refs = ["rfc6749#6"]
level = "must"
ignored = true
[[step]]
grant = {}
"#;
        load_text("long.toml", text, false, false).unwrap()
    };
    for (filters, ran, filtered_out) in [
        (
            Filters {
                ignored: true,
                ..Default::default()
            },
            "test-idp/t/long",
            1,
        ),
        (Filters::default(), "test-idp/t/a", 0),
    ] {
        let result = runner::run(
            &rt,
            vec![target_for(&idp.base_url, PROFILE)],
            vec![scenario("a", "0s"), ignored.clone()],
            &filters,
            &RunOptions::default(),
            &Settings::default(),
            Arc::new(Redactor::new()),
        )
        .unwrap();
        let names: Vec<&str> = result.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, [ran]);
        assert_eq!(result.records[0].outcome, Outcome::Pass);
        assert_eq!(result.filtered_out, filtered_out);
    }
}

/// A trial coming back from a wait goes before trials that have not started
/// (one permit, more trials than permits): on a live target its tokens would
/// otherwise age, even expire, in the queue of unstarted trials. Shown by the
/// order of requests, not by timing.
#[test]
fn a_trial_resuming_after_a_wait_goes_before_unstarted_trials() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let script: Script = Arc::new(|seen: &Seen| {
        let who = seen.form.get("x_trial").cloned().unwrap_or_default();
        if who.starts_with('b') {
            // The unstarted trials hold the only permit for a while.
            std::thread::sleep(std::time::Duration::from_millis(150));
        }
        token_response(&format!("rt-{who}-{}", rand::random::<u32>()))
    });
    let idp = rt.block_on(start(script));
    let trial = |id: &str, steps: &str| {
        let text = format!(
            "id = \"t/{id}\"\ntitle = \"t\"\nrefs = [\"rfc6749#6\"]\nlevel = \"must\"\n{steps}"
        );
        load_text(&format!("{id}.toml"), &text, false, false).unwrap()
    };
    let a = trial(
        "a",
        r#"[[step]]
grant = {}
params = { x_trial = "a" }
[[step]]
wait = { duration = "50ms" }
[[step]]
refresh = { token = "{{grant.refresh_token}}" }
params = { x_trial = "a" }
expect = { status = 200 }"#,
    );
    let b = |n: u32| {
        trial(
            &format!("b{n}"),
            // A short wait first (it holds no permit), so that `a` starts first.
            &format!("[[step]]\nwait = {{ duration = \"10ms\" }}\n[[step]]\ngrant = {{}}\nparams = {{ x_trial = \"b{n}\" }}"),
        )
    };
    let settings = Settings {
        test_threads: Some(1),
        ..Default::default()
    };
    let result = runner::run(
        &rt,
        vec![target_for(&idp.base_url, PROFILE)],
        vec![a, b(1), b(2), b(3)],
        &Filters::default(),
        &RunOptions::default(),
        &settings,
        Arc::new(Redactor::new()),
    )
    .unwrap();
    assert!(result.records.iter().all(|r| r.outcome == Outcome::Pass));
    let order: Vec<String> = idp
        .log
        .lock()
        .unwrap()
        .iter()
        .map(|s| {
            let who = s.form.get("x_trial").cloned().unwrap_or_default();
            let what = s.form.get("grant_type").cloned().unwrap_or_default();
            format!("{who}:{what}")
        })
        .collect();
    // a's grant, the one unstarted trial that took the permit while a
    // waited, then a's refresh: not behind every other unstarted trial.
    let refresh = order.iter().position(|o| o == "a:refresh_token").unwrap();
    assert_eq!(order[0], "a:password", "{order:?}");
    assert!(
        refresh <= 2,
        "the resumed trial waited behind unstarted ones: {order:?}"
    );
}
