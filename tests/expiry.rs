//! Expiry at full speed: --max-wait skips that name the setting, waits read
//! as bare seconds, the clock skew allowance, the probe-once rule for
//! consuming requests, the introspection re-probe, and per-trial virtual
//! clocks. No timed assertions: request counts and outcomes only.

mod support;

use refresh_conformance::behaviour::Profile;
use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::trial::Trial;
use refresh_conformance::scenario::load::{load_text, Scenario};
use refresh_conformance::target::{emulated, Target};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const LIVE_PROFILE: &str = r#"
name = "test"
[behaviour]
new_refresh_token = "always"
previous_refresh_token = "invalidated"
refresh_token_absolute_ttl = "1h"
[scopes]
granted = "openid offline_access read"
"#;

fn scenario(text: &str) -> Scenario {
    load_text("t.toml", text, false, false).unwrap_or_else(|e| panic!("{e:?}"))
}

async fn run_live(script: Script, text: &str, opts: RunOptions) -> (TrialRecord, TestIdp) {
    let idp = start(script).await;
    let env = env_for(target_for(&idp.base_url, LIVE_PROFILE), opts);
    let r =
        refresh_conformance::run::execute(&env, &scenario(text), "test-idp/t".into(), None).await;
    (r, idp)
}

fn count(idp: &TestIdp, pred: impl Fn(&Seen) -> bool) -> usize {
    idp.log.lock().unwrap().iter().filter(|s| pred(s)).count()
}

fn is_refresh(s: &Seen) -> bool {
    s.form.get("grant_type").map(String::as_str) == Some("refresh_token")
}

fn is_introspect(s: &Seen) -> bool {
    s.path.contains("introspect")
}

fn grants_ok() -> Script {
    Arc::new(
        |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
            Some("password") => token_response("RT-1"),
            _ => json(400, serde_json::json!({"error": "invalid_grant"})),
        },
    )
}

fn skip_reason(r: &TrialRecord) -> &str {
    match &r.outcome {
        Outcome::Skip { reason } => reason,
        other => panic!("expected a skip, got {other:?}: {}", r.details()),
    }
}

const ABSOLUTE: &str = r#"
id = "t/absolute"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
[[step]]
wait = { duration = "{{behaviour.refresh_token_absolute_ttl}}", skew = true }
[[step]]
name = "expired"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 400, error = "invalid_grant" }
"#;

#[tokio::test]
async fn max_wait_skips_before_the_first_request_and_names_the_setting() {
    let opts = RunOptions {
        max_wait: Duration::from_secs(60),
        ..Default::default()
    };
    let (r, idp) = run_live(grants_ok(), ABSOLUTE, opts).await;
    let reason = skip_reason(&r);
    for needle in ["refresh_token_absolute_ttl", "1h 5s", "--max-wait", "1m"] {
        assert!(reason.contains(needle), "{needle:?} missing: {reason}");
    }
    assert_eq!(
        count(&idp, |_| true),
        0,
        "no grant is spent on a skipped trial"
    );
}

#[tokio::test]
async fn max_wait_counts_every_wait_of_the_scenario() {
    // Two halves of 40s each: each is below --max-wait, together they are not.
    let text = ABSOLUTE.replace(
        "[[step]]\nwait = { duration = \"{{behaviour.refresh_token_absolute_ttl}}\", skew = true }",
        "[[step]]\nname = \"a\"\nwait = { duration = \"40s\" }\n[[step]]\nname = \"b\"\nwait = { duration = \"40s\" }",
    );
    let opts = RunOptions {
        max_wait: Duration::from_secs(60),
        ..Default::default()
    };
    let (r, idp) = run_live(grants_ok(), &text, opts).await;
    let reason = skip_reason(&r);
    assert!(
        reason.contains("1m 20s") && reason.contains("step `a`") && reason.contains("step `b`"),
        "{reason}"
    );
    assert_eq!(count(&idp, |_| true), 0);
}

#[tokio::test]
async fn a_wait_on_the_reported_expires_in_is_bare_seconds_and_checked_against_max_wait() {
    let text = ABSOLUTE.replace(
        "{{behaviour.refresh_token_absolute_ttl}}",
        "{{grant.expires_in}}",
    );
    let opts = RunOptions {
        max_wait: Duration::from_secs(60),
        ..Default::default()
    };
    let (r, idp) = run_live(grants_ok(), &text, opts).await;
    let reason = skip_reason(&r);
    // token_response reports expires_in = 3600.
    assert!(
        reason.contains("`expires_in` = 3600 from step `grant`") && reason.contains("--max-wait"),
        "{reason}"
    );
    assert_eq!(count(&idp, is_refresh), 0);
}

#[test]
fn wait_durations_accept_bare_seconds() {
    use refresh_conformance::scenario::validate::parse_wait;
    assert_eq!(parse_wait("3600").unwrap(), Duration::from_secs(3600));
    assert_eq!(parse_wait(" 1.5 ").unwrap(), Duration::from_millis(1500));
    assert_eq!(parse_wait("1h 30m").unwrap(), Duration::from_secs(5400));
    assert!(parse_wait("-3").is_err() && parse_wait("soon").is_err());
}

/// A scenario that waits (a short literal wait plus the skew) then probes
/// with a refresh, which consumes the token.
fn probe_after_wait() -> String {
    ABSOLUTE.replace("{{behaviour.refresh_token_absolute_ttl}}", "0")
}

fn short_skew() -> RunOptions {
    RunOptions {
        clock_skew: Duration::from_millis(50),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_expiry_probe_answered_503_is_sent_once() {
    let script: Script =
        Arc::new(
            |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
                Some("password") => token_response("RT-1"),
                _ => json(503, serde_json::json!({"error": "temporarily_unavailable"})),
            },
        );
    let (r, idp) = run_live(script, &probe_after_wait(), short_skew()).await;
    assert_eq!(count(&idp, is_refresh), 1, "{}", r.details());
    assert!(r.outcome != Outcome::Pass, "{}", r.details());
}

#[tokio::test]
async fn an_expiry_probe_whose_connection_resets_is_sent_once() {
    let script: Script = Arc::new(|seen: &Seen| {
        match seen.form.get("grant_type").map(String::as_str) {
            Some("password") => token_response("RT-1"),
            // The handler dies: the connection closes without a response.
            _ => panic!("connection reset (intended by the test)"),
        }
    });
    let (r, idp) = run_live(script, &probe_after_wait(), short_skew()).await;
    assert_eq!(count(&idp, is_refresh), 1, "{}", r.details());
    assert!(
        matches!(r.outcome, Outcome::Error { .. }),
        "{}",
        r.details()
    );
}

const REPROBE: &str = r#"
id = "t/reprobe"
title = "t"
refs = ["rfc7662#2.2"]
level = "must"
[[step]]
grant = {}
[[step]]
wait = { duration = "0" }
[[step]]
name = "expired"
introspect = { token = "{{grant.access_token}}", token_type_hint = "access_token" }
retry_until_skew = true
expect = { status = 200, active = false }
"#;

/// Introspection answers active for the first `active_for` calls.
fn introspection(active_for: usize) -> Script {
    let calls = Arc::new(AtomicUsize::new(0));
    Arc::new(move |seen: &Seen| {
        if is_introspect(seen) {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            return json(200, serde_json::json!({ "active": n < active_for }));
        }
        token_response("RT-1")
    })
}

fn skew_500ms() -> RunOptions {
    // Pauses of 100 ms: five re-probes at most.
    RunOptions {
        clock_skew: Duration::from_millis(500),
        ..Default::default()
    }
}

#[tokio::test]
async fn introspection_is_re_probed_until_it_holds() {
    let (r, idp) = run_live(introspection(2), REPROBE, skew_500ms()).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    assert_eq!(count(&idp, is_introspect), 3);
    assert!(r.findings.is_empty());
}

#[tokio::test]
async fn introspection_re_probes_stop_when_the_skew_runs_out() {
    let (r, idp) = run_live(introspection(usize::MAX), REPROBE, skew_500ms()).await;
    assert!(matches!(r.outcome, Outcome::Fail { .. }), "{}", r.details());
    assert_eq!(
        count(&idp, is_introspect),
        6,
        "one probe and five re-probes"
    );
    assert_eq!(r.findings.len(), 1, "only the last probe's verdict counts");
    assert!(r.message.contains("after 6 probes"), "{}", r.message);
}

#[tokio::test]
async fn without_retry_until_skew_introspection_is_probed_once() {
    let text = REPROBE.replace("retry_until_skew = true\n", "");
    let (r, idp) = run_live(introspection(2), &text, skew_500ms()).await;
    assert!(matches!(r.outcome, Outcome::Fail { .. }), "{}", r.details());
    assert_eq!(count(&idp, is_introspect), 1);
}

#[test]
fn retry_until_skew_is_refused_on_consuming_steps() {
    let text = ABSOLUTE.replace(
        "name = \"expired\"\n",
        "name = \"expired\"\nretry_until_skew = true\n",
    );
    let Err(errs) = load_text("t.toml", &text, false, false) else {
        panic!("retry_until_skew on a refresh step was accepted");
    };
    assert!(
        errs.iter()
            .any(|e| e.contains("retry_until_skew") && e.contains("introspect steps only")),
        "{errs:?}"
    );
}

// --- Virtual time on the emulator --------------------------------------

const SHORT_ACCESS: &str = r#"
name = "short-access"
[behaviour]
new_refresh_token = "always"
previous_refresh_token = "invalidated"
access_token_ttl = "35s"
refresh_token_absolute_ttl = "1d"
introspects_refresh_tokens = true
[scopes]
granted = "openid offline_access read"
"#;

async fn emulator(profile: &str) -> Target {
    let p = Profile::parse("short-access.toml", profile).unwrap();
    emulated::start(p, &[], None).await.unwrap()
}

const SKEWED: &str = r#"
id = "t/skewed"
title = "t"
refs = ["rfc7662#2.2"]
level = "must"
[[step]]
grant = {}
[[step]]
wait = { duration = "10s", skew = true }
[[step]]
name = "probe"
introspect = { token = "{{grant.access_token}}", token_type_hint = "access_token" }
expect = { status = 200, active = false }
"#;

#[tokio::test]
async fn the_skew_allowance_is_added_to_expiry_waits() {
    // A 35 s access token: 10 s + 30 s of skew outlives it, 10 s alone does not.
    let target = emulator(SHORT_ACCESS).await;
    let s = scenario(SKEWED);
    let with = env_for(
        target.clone(),
        RunOptions {
            clock_skew: Duration::from_secs(30),
            ..Default::default()
        },
    );
    let r = refresh_conformance::run::execute(&with, &s, "e/t".into(), None).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    let without = env_for(
        target,
        RunOptions {
            clock_skew: Duration::ZERO,
            ..Default::default()
        },
    );
    let r = refresh_conformance::run::execute(&without, &s, "e/t".into(), None).await;
    assert!(matches!(r.outcome, Outcome::Fail { .. }), "{}", r.details());
}

#[tokio::test]
async fn virtual_re_probes_advance_the_trials_clock() {
    // Waits 30 s of a 35 s lifetime, then re-probes within a 10 s skew
    // allowance: the 1 s pauses are virtual, and the token expires during them.
    let target = emulator(SHORT_ACCESS).await;
    let text = REPROBE.replace("duration = \"0\"", "duration = \"30s\"");
    let env = env_for(
        target,
        RunOptions {
            clock_skew: Duration::from_secs(10),
            ..Default::default()
        },
    );
    let r = refresh_conformance::run::execute(&env, &scenario(&text), "e/t".into(), None).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    let probes = r.transcript.iter().filter(|e| e.step == "expired").count();
    assert!(probes > 1, "the first probe still saw an active token");
}

#[tokio::test]
async fn two_trials_on_one_emulator_keep_their_own_clocks() {
    let env = env_for(emulator(SHORT_ACCESS).await, RunOptions::default());
    // Trial B takes its grant first ...
    let b_grant = scenario(
        r#"
id = "t/b"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
"#,
    );
    let mut b = Trial::new(&env, &b_grant);
    refresh_conformance::run::run_steps(&mut b).await.unwrap();
    assert!(b.findings().is_empty());

    // ... trial A then waits a day: its own tokens expire ...
    let a = scenario(
        r#"
id = "t/a"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
[[step]]
wait = { duration = "1d", skew = true }
[[step]]
name = "access"
introspect = { token = "{{grant.access_token}}", token_type_hint = "access_token" }
expect = { status = 200, active = false }
[[step]]
name = "refresh"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 400, error = "invalid_grant" }
"#,
    );
    let r = refresh_conformance::run::execute(&env, &a, "e/t/a".into(), None).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());

    // ... while B's, granted before A's wait and probed after it, stay valid.
    let mut b_probe = scenario(
        r#"
id = "t/b"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
[[step]]
name = "access"
introspect = { token = "{{grant.access_token}}", token_type_hint = "access_token" }
expect = { status = 200, active = true }
[[step]]
name = "refresh"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200 }
"#,
    );
    // Continue trial B where it stopped: its remaining steps only.
    b_probe.file.steps.remove(0);
    b.continue_with(&b_probe);
    refresh_conformance::run::run_steps(&mut b).await.unwrap();
    assert!(
        b.findings().is_empty(),
        "{:?}",
        b.findings().iter().map(|f| &f.check).collect::<Vec<_>>()
    );
    assert_eq!(b.offset(), Duration::ZERO, "B's clock never moved");
}
