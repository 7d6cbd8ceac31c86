//! Races against a scriptable loopback IdP: rounds on fresh grants, and
//! requests sent on connections opened beforehand.

mod support;

use refresh_conformance::record::{FailKind, Outcome};
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::scenario::load::load_text;
use std::sync::Arc;
use support::*;

const RACE: &str = r#"
id = "t/race"
title = "race"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "race"
concurrent = { count = 4, rounds = 3, refresh = { token = "{{grant.refresh_token}}" } }
expect = { setting = "previous_refresh_token", successors = { max_live = 1 } }
"#;

/// An IdP whose first grant's token has one winner and whose later grants'
/// tokens fork: every refresh of them succeeds with a token of its own.
fn forks_from_the_second_grant() -> Script {
    let state = Arc::new(std::sync::Mutex::new((0u32, 0u32)));
    Arc::new(move |seen: &Seen| {
        let mut s = state.lock().unwrap();
        match seen.form.get("grant_type").map(String::as_str) {
            Some("password") => {
                s.0 += 1;
                token_response(&format!("rt-grant-{}-canary-value", s.0))
            }
            Some("refresh_token") => {
                let rt = seen.form.get("refresh_token").cloned().unwrap_or_default();
                s.1 += 1;
                let n = s.1;
                if rt == "rt-grant-1-canary-value" && n > 1 {
                    json(400, serde_json::json!({ "error": "invalid_grant" }))
                } else {
                    token_response(&format!("rt-successor-{n}-canary-value"))
                }
            }
            _ => json(405, serde_json::json!({ "error": "invalid_request" })),
        }
    })
}

/// A race is repeated on fresh grants while it holds: the fork that only
/// the second round shows is caught, naming the round and the setting.
#[tokio::test]
async fn a_race_in_rounds_catches_a_fork_the_first_round_missed() {
    let idp = start(forks_from_the_second_grant()).await;
    let env = env_for(target_for(&idp.base_url, PROFILE), RunOptions::default());
    let s = load_text("t.toml", RACE, false, false).unwrap();
    let r = refresh_conformance::run::execute(&env, &s, "test-idp/t/race".into(), None).await;
    assert_eq!(
        r.outcome,
        Outcome::Fail {
            kind: FailKind::ProfileMismatch
        },
        "{}",
        r.details()
    );
    let f = &r.findings[0];
    assert_eq!(f.setting.as_deref(), Some("previous_refresh_token"));
    assert!(
        f.actual
            .contains("4 of 4 concurrent refreshes succeeded with 4 distinct refresh tokens")
            && f.actual.ends_with("(in round 2 of 3)"),
        "{}",
        f.actual
    );
    let grants = idp
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.form.get("grant_type").map(String::as_str) == Some("password"))
        .count();
    assert_eq!(grants, 2, "one grant per round run");
}

/// The requests of a race go out on connections opened before it (one
/// OPTIONS request each), so none of them waits on a connection set-up
/// while the others are already at the server.
#[tokio::test]
async fn a_race_goes_out_on_connections_opened_beforehand() {
    let script: Script =
        Arc::new(
            move |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
                Some("password") => token_response("rt-original-canary-value"),
                Some(_) => json(400, serde_json::json!({ "error": "invalid_grant" })),
                None => raw(204, "text/plain", ""),
            },
        );
    let idp = start(script).await;
    let env = env_for(target_for(&idp.base_url, PROFILE), RunOptions::default());
    let plain = r#"
id = "t/race"
title = "race"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "race"
concurrent = { count = 4, refresh = { token = "{{grant.refresh_token}}" } }
expect = { count = [{ error = "invalid_grant", eq = 4 }] }
"#;
    let s = load_text("t.toml", plain, false, false).unwrap();
    let r = refresh_conformance::run::execute(&env, &s, "test-idp/t/race".into(), None).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    let log = idp.log.lock().unwrap();
    let warmed: std::collections::HashSet<_> = log
        .iter()
        .filter(|s| s.method == "OPTIONS")
        .map(|s| s.peer)
        .collect();
    let raced: Vec<_> = log
        .iter()
        .filter(|s| s.form.get("grant_type").map(String::as_str) == Some("refresh_token"))
        .map(|s| s.peer)
        .collect();
    assert_eq!(raced.len(), 4);
    assert!(
        raced.iter().all(|p| warmed.contains(p)),
        "every racing request came on a warmed connection: warmed {warmed:?}, raced {raced:?}"
    );
}
