//! Two things the Keycloak interop needed, against a scriptable loopback IdP:
//! a step's `repeat` (Keycloak's Refresh Token Max Reuse is a count), and a
//! live trial's clock (a client assertion made after a real wait is dated
//! now, not now plus the wait).

mod support;

use base64::Engine;
use refresh_conformance::emulator::EmulatedClient;
use refresh_conformance::oauth::AuthMethod;
use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::target::emulated;
use refresh_conformance::target::Target;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use support::*;

const PROFILE: &str = r#"
name = "test"
[behaviour]
new_refresh_token = "always"
previous_refresh_token = "invalidated"
refresh_token_max_reuse = 3
[scopes]
granted = "openid offline_access read"
"#;

const REUSE: &str = r#"
id = "t/reuse"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
[[step]]
name = "reuse"
refresh = { token = "{{grant.refresh_token}}" }
repeat = "REPEAT"
expect = { status = 200 }
"#;

async fn run(target: Target, text: &str) -> TrialRecord {
    let scenario = load_text("t.toml", text, false, false).unwrap_or_else(|e| panic!("{e:?}"));
    let env = env_for(target, RunOptions::default());
    refresh_conformance::run::execute(&env, &scenario, "test-idp/t".into(), None).await
}

fn refreshes(idp: &TestIdp) -> usize {
    idp.log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| {
            s.form.get("grant_type").map(String::as_str) == Some("refresh_token")
                && !is_preflight(s)
        })
        .count()
}

/// Refreshes answer 200 for the first `ok` calls, then invalid_grant.
fn refresh_ok_for(ok: usize) -> Script {
    let calls = Arc::new(AtomicUsize::new(0));
    Arc::new(move |seen: &Seen| {
        if seen.form.get("grant_type").map(String::as_str) == Some("refresh_token")
            && !is_preflight(seen)
            && calls.fetch_add(1, Ordering::SeqCst) >= ok
        {
            return json(400, serde_json::json!({"error": "invalid_grant"}));
        }
        token_response("RT-1")
    })
}

#[tokio::test]
async fn repeat_sends_a_refresh_step_the_behaviour_count_of_times() {
    let idp = start(refresh_ok_for(usize::MAX)).await;
    let text = REUSE.replace("REPEAT", "{{behaviour.refresh_token_max_reuse}}");
    let r = run(target_for(&idp.base_url, PROFILE), &text).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    assert_eq!(refreshes(&idp), 3);
}

#[tokio::test]
async fn repeat_zero_sends_nothing_and_a_literal_count_works() {
    for (repeat, sent) in [("0", 0), ("2", 2)] {
        let idp = start(refresh_ok_for(usize::MAX)).await;
        let r = run(
            target_for(&idp.base_url, PROFILE),
            &REUSE.replace("REPEAT", repeat),
        )
        .await;
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
        assert_eq!(refreshes(&idp), sent, "repeat = {repeat}");
    }
}

#[tokio::test]
async fn repeat_stops_at_the_first_response_that_fails_its_expectations() {
    let idp = start(refresh_ok_for(1)).await;
    let text = REUSE.replace("REPEAT", "{{behaviour.refresh_token_max_reuse}}");
    let r = run(target_for(&idp.base_url, PROFILE), &text).await;
    assert!(matches!(r.outcome, Outcome::Fail { .. }), "{}", r.details());
    assert_eq!(refreshes(&idp), 2, "the second refresh failed: no third");
    assert_eq!(r.findings.len(), 1, "{}", r.details());
}

#[test]
fn repeat_is_refused_off_refresh_steps_and_out_of_bounds() {
    let on_grant = REUSE.replace(
        "[[step]]\ngrant = {}\n",
        "[[step]]\ngrant = {}\nrepeat = \"2\"\n",
    );
    let too_many = REUSE.replace("REPEAT", "101");
    let not_a_number = REUSE.replace("REPEAT", "twice");
    for (text, want) in [
        (on_grant, "refresh steps only"),
        (too_many, "0..=100"),
        (not_a_number, "0..=100"),
    ] {
        let Err(errs) = load_text("t.toml", &text, false, false) else {
            panic!("accepted: {text}");
        };
        assert!(
            errs.iter()
                .any(|e| e.contains("repeat") && e.contains(want)),
            "{errs:?}"
        );
    }
}

/// The `iat` of the client assertion each refresh carried, in seconds.
fn assertion_iats(idp: &TestIdp) -> Vec<u64> {
    idp.log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.form.get("grant_type").map(String::as_str) == Some("refresh_token"))
        .filter_map(|s| s.form.get("client_assertion").cloned())
        .map(|jwt| {
            let payload = jwt.split('.').nth(1).unwrap().to_string();
            let claims: serde_json::Value = serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .unwrap(),
            )
            .unwrap();
            claims["iat"].as_u64().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_client_assertion_after_a_live_wait_is_dated_now() {
    let idp = start(refresh_ok_for(usize::MAX)).await;
    let clients = [EmulatedClient {
        role: "main".into(),
        id: "jwt".into(),
        auth: AuthMethod::PrivateKeyJwt,
        secret: None,
        public_key_pem: None,
        redirect_uris: vec![],
    }];
    let profile = refresh_conformance::behaviour::Profile::parse("t", PROFILE).unwrap();
    let target = emulated::describe(
        &idp.base_url,
        profile,
        &clients,
        Some("test-idp".into()),
        false,
    );
    let text = r#"
id = "t/wait"
title = "t"
refs = ["rfc7523#3"]
level = "must"
[[step]]
grant = {}
[[step]]
wait = { duration = "3s" }
[[step]]
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200 }
"#;
    let r = run(target, text).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    let iats = assertion_iats(&idp);
    assert!(!iats.is_empty(), "no client assertion seen");
    for iat in iats {
        assert!(
            iat <= now + 1,
            "assertion dated {iat}, {}s ahead of now",
            iat.saturating_sub(now)
        );
    }
}
