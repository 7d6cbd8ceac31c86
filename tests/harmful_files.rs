//! Valid but harmful scenarios, where the harm only shows at run time because
//! a template takes its value from the IdP: an enormous expansion, a wait of
//! ten years or of an unparseable length, a wait past `--max-wait`. Each ends
//! promptly as an error or a skip saying why. (The static cases — a literal
//! ten-year wait, a concurrent group of a million, a capture cycle — are
//! refused by the loader: tests/loader.rs.)

mod support;

use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::{RunEnv, RunOptions};
use refresh_conformance::scenario::load::load_text;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

/// An IdP whose grant answers `extra` merged into a good token response.
async fn run_with_grant(extra: serde_json::Value, scenario: &str, opts: RunOptions) -> TrialRecord {
    let script: Script = Arc::new(move |_: &Seen| {
        let mut body = serde_json::json!({"access_token": "at-canary-value", "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": format!("rt-canary-{}", rand::random::<u32>()), "scope": "openid offline_access read"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        json(200, body)
    });
    let idp = start(script).await;
    let target = target_for(&idp.base_url, PROFILE);
    let env = RunEnv::new(
        target,
        Arc::new(Redactor::new()),
        refresh_conformance::run::permits::Permits::new(2),
        opts,
    )
    .unwrap();
    let s = load_text("harmful.toml", scenario, false, false).unwrap_or_else(|e| panic!("{e:?}"));
    let start = Instant::now();
    let r = refresh_conformance::run::execute(&env, &s, "test-idp/harmful".into(), None).await;
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "bounded: {:?}",
        start.elapsed()
    );
    r
}

fn scenario(middle: &str) -> String {
    format!(
        r#"
id = "harmful/x"
title = "harmful"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {{}}
expect = {{ status = 200, present = ["refresh_token"] }}
{middle}
[[step]]
name = "rotate"
refresh = {{ token = "{{{{grant.refresh_token}}}}" }}
expect = {{ status = 200 }}
"#
    )
}

#[tokio::test]
async fn a_template_that_expands_enormously_is_an_error() {
    // 600 KB from the IdP, used twice: beyond the 1 MiB a template may produce.
    let big = "A".repeat(600 << 10);
    let s = scenario("[[step]]\nname = \"pad\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\nparams = { pad = \"{{grant.access_token}}{{grant.access_token}}\" }\n");
    let r = run_with_grant(
        serde_json::json!({ "access_token": big }),
        &s,
        RunOptions::default(),
    )
    .await;
    match &r.outcome {
        Outcome::Error { cause } => assert!(cause.contains("template expands beyond"), "{cause}"),
        other => panic!("{other:?}: {}", r.details()),
    }
    assert!(
        r.message.len() < 10_000,
        "the message quotes an excerpt, not the expansion"
    );
}

#[tokio::test]
async fn a_wait_of_ten_years_taken_from_the_idp_is_a_skip() {
    let s = scenario("[[step]]\nwait = { duration = \"{{grant.expires_in}}s\" }\n");
    let r = run_with_grant(
        serde_json::json!({ "expires_in": 315_360_000u64 }),
        &s,
        RunOptions::default(),
    )
    .await;
    match &r.outcome {
        Outcome::Skip { reason } => assert!(reason.contains("beyond any run"), "{reason}"),
        other => panic!("{other:?}: {}", r.details()),
    }
}

#[tokio::test]
async fn an_astronomical_wait_taken_from_the_idp_is_an_error_not_an_overflow() {
    let s = scenario("[[step]]\nwait = { duration = \"{{grant.expires_in}}s\" }\n");
    let r = run_with_grant(
        serde_json::json!({ "expires_in": 1e300 }),
        &s,
        RunOptions::default(),
    )
    .await;
    match &r.outcome {
        Outcome::Error { cause } => assert!(cause.contains("is not a duration"), "{cause}"),
        other => panic!("{other:?}: {}", r.details()),
    }
}

#[tokio::test]
async fn a_live_wait_past_max_wait_taken_from_the_idp_is_a_skip() {
    let s = scenario("[[step]]\nwait = { duration = \"{{grant.expires_in}}s\", skew = true }\n");
    let opts = RunOptions {
        max_wait: Duration::from_secs(60),
        ..Default::default()
    };
    let r = run_with_grant(serde_json::json!({ "expires_in": 7200 }), &s, opts).await;
    match &r.outcome {
        Outcome::Skip { reason } => assert!(
            reason.contains("--max-wait") && reason.contains("2h"),
            "{reason}"
        ),
        other => panic!("{other:?}: {}", r.details()),
    }
}
