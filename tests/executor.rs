//! The executor against a scriptable loopback IdP: verdicts for broken
//! responses, redaction in records, and overlapping waits.

mod support;

use refresh_conformance::record::{FailKind, Outcome};
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::{RunEnv, RunOptions};
use refresh_conformance::scenario::load::load_text;
use std::sync::Arc;
use support::*;

const ROTATE: &str = r#"
id = "t/rotate"
title = "rotation"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200, content_type = "application/json", present = ["access_token"] }
"#;

async fn run_one(
    script: Script,
    scenario: &str,
    opts: RunOptions,
) -> refresh_conformance::record::TrialRecord {
    let idp = start(script).await;
    let target = target_for(&idp.base_url, PROFILE);
    let env = env_for(target, opts);
    let s = load_text("t.toml", scenario, false, false).unwrap();
    refresh_conformance::run::execute(&env, &s, "test-idp/t".into(), None).await
}

fn refresh_answers(f: impl Fn() -> axum::response::Response + Send + Sync + 'static) -> Script {
    Arc::new(
        move |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
            Some("password") => token_response("RT-ORIGINAL-canary-token-value"),
            _ => f(),
        },
    )
}

#[tokio::test]
async fn a_good_refresh_passes() {
    let r = run_one(
        refresh_answers(|| token_response("RT-NEW-canary-token-value")),
        ROTATE,
        RunOptions::default(),
    )
    .await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
}

#[tokio::test]
async fn html_with_200_is_a_failure_with_an_excerpt() {
    let r = run_one(
        refresh_answers(|| raw(200, "text/html", "<html><body>Sign in</body></html>")),
        ROTATE,
        RunOptions::default(),
    )
    .await;
    assert_eq!(
        r.outcome,
        Outcome::Fail {
            kind: FailKind::SpecViolation
        },
        "{}",
        r.details()
    );
    let d = r.details();
    assert!(d.contains("Content-Type") && d.contains("text/html"), "{d}");
    assert!(d.contains("Sign in"), "the excerpt shows the body: {d}");
}

#[tokio::test]
async fn empty_and_truncated_bodies_fail_with_the_clause() {
    for body in ["", "{\"access_token\": \"abc"] {
        let b = body.to_string();
        let r = run_one(
            refresh_answers(move || raw(200, "application/json", b.clone())),
            ROTATE,
            RunOptions::default(),
        )
        .await;
        assert!(
            matches!(r.outcome, Outcome::Fail { .. }),
            "{body:?}: {}",
            r.details()
        );
        assert!(r.details().contains("rfc6749#6"), "{}", r.details());
    }
}

#[tokio::test]
async fn a_failing_grant_is_an_error_not_a_failure() {
    let script: Script =
        Arc::new(|_: &Seen| json(400, serde_json::json!({"error": "unauthorized_client"})));
    let r = run_one(script, ROTATE, RunOptions::default()).await;
    assert!(
        matches!(r.outcome, Outcome::Error { .. }),
        "{}",
        r.details()
    );
    assert!(r.message.contains("precondition"), "{}", r.message);
}

#[tokio::test]
async fn a_closed_port_is_an_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let env = RunEnv::new(
        target_for(&base, PROFILE),
        Arc::new(Redactor::new()),
        refresh_conformance::run::permits::Permits::new(1),
        RunOptions::default(),
    )
    .unwrap();
    let s = load_text("t.toml", ROTATE, false, false).unwrap();
    let r = refresh_conformance::run::execute(&env, &s, "x".into(), None).await;
    assert!(
        matches!(r.outcome, Outcome::Error { .. }),
        "{}",
        r.details()
    );
    assert!(r.message.contains("could not connect"), "{}", r.message);
}

#[tokio::test]
async fn records_never_hold_tokens_or_secrets() {
    let r = run_one(
        refresh_answers(|| token_response("RT-NEW-canary-token-value")),
        ROTATE,
        RunOptions::default(),
    )
    .await;
    let all = serde_json::to_string(&r).unwrap();
    for canary in [
        "RT-ORIGINAL-canary-token-value",
        "RT-NEW-canary-token-value",
        "main-secret-canary",
        "alice-password",
    ] {
        assert!(!all.contains(canary), "{canary} leaked: {all}");
    }
    assert!(
        all.contains("‹rt:grant›"),
        "tokens keep stable labels: {all}"
    );
}

#[tokio::test]
async fn a_live_wait_beyond_max_wait_is_a_skip_that_says_why() {
    let scenario = ROTATE.replace(
        "[[step]]\nname = \"rotate\"",
        "[[step]]\nwait = { duration = \"2h\" }\n[[step]]\nname = \"rotate\"",
    );
    let opts = RunOptions {
        max_wait: std::time::Duration::from_secs(60),
        ..Default::default()
    };
    let r = run_one(
        refresh_answers(|| token_response("RT-NEW-canary-token-value")),
        &scenario,
        opts,
    )
    .await;
    match &r.outcome {
        Outcome::Skip { reason } => assert!(
            reason.contains("2h") && reason.contains("--max-wait"),
            "{reason}"
        ),
        other => panic!("expected skip, got {other:?}"),
    }
}

const SIGNED: &str = r#"
id = "t/sig"
title = "signature"
refs = ["oidc-core#12.2"]
level = "must"
[[step]]
grant = {}
[[step]]
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200, id_token = { signature = true } }
"#;

/// An id_token signature is never a pass without keys to verify it with
/// (it used to pass for `alg=none` when the JWKS was unusable): a JWKS that
/// does not load is an error, and a target that publishes none is skipped
/// before the first request.
#[tokio::test]
async fn an_id_token_signature_without_usable_keys_is_never_a_pass() {
    // An unsigned id_token, and a "JWKS" endpoint that answers HTML.
    let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    let script: Script = Arc::new(move |seen: &Seen| {
        if seen.path.ends_with("/jwks") {
            return raw(200, "text/html", "<html>not a key set</html>");
        }
        json(
            200,
            serde_json::json!({
                "access_token": "at-canary-value-1234", "token_type": "Bearer",
                "expires_in": 3600, "refresh_token": format!("rt-{}", rand::random::<u32>()),
                "id_token": unsigned,
            }),
        )
    });
    let idp = start(script).await;
    let s = load_text("t.toml", SIGNED, false, false).unwrap();
    for (jwks, want) in [
        (Some(format!("{}/jwks", idp.base_url)), "error"),
        (None, "skip"),
    ] {
        let mut target = target_for(&idp.base_url, PROFILE);
        target.endpoints.jwks = jwks;
        let env = env_for(target, RunOptions::default());
        let r = refresh_conformance::run::execute(&env, &s, "test-idp/t/sig".into(), None).await;
        assert_eq!(r.outcome.label(), want, "{}", r.details());
        match want {
            "error" => assert!(r.message.contains("cannot be checked"), "{}", r.message),
            _ => {
                assert!(r.message.contains("publishes no JWKS"), "{}", r.message);
                assert!(r.transcript.is_empty(), "skipped before any request");
            }
        }
    }
}

/// Scenarios about a confidential client's credentials do not apply to a
/// target whose main client is public (Okta's SPA and native apps): a skip
/// before the first request that says so, never a spec violation.
#[tokio::test]
async fn confidential_client_scenarios_do_not_apply_to_a_public_main_client() {
    let catalog = refresh_conformance::scenario::load::builtin().unwrap();
    let mut target = target_for("http://127.0.0.1:9", PROFILE);
    let main = target.clients.get_mut("main").unwrap();
    main.auth = refresh_conformance::oauth::AuthMethod::None;
    main.secret = None;
    for id in [
        "client/confidential-client-must-authenticate",
        "client/wrong-basic-secret-challenge",
        "client/two-auth-methods-refused",
        "client/query-string-credentials-refused",
        "issuance/no-refresh-token-for-client-credentials",
    ] {
        let s = catalog.iter().find(|s| s.id() == id).unwrap();
        let why = refresh_conformance::run::plan::applicability(&target, s);
        assert!(
            why.as_deref()
                .is_some_and(|w| w.contains("client_type == confidential") && w.contains("public")),
            "{id}: {why:?}"
        );
    }
}

const NEEDS_ID_TOKEN: &str = r#"
id = "t/idt"
title = "id_token on refresh"
refs = ["oidc-core#12.2"]
level = "must"
[[step]]
grant = {}
needs = ["id_token"]
[[step]]
refresh = { token = "{{grant.refresh_token}}", scope = "openid offline_access" }
needs = ["id_token"]
expect = { status = 200, id_token = { claims = { sub = { eq = "{{grant.id_token.claims.sub}}" } } } }
"#;

/// A step that `needs` a field is never a silent skip when the request
/// failed (the refresh's own expectations fail, with its exchange), nor when
/// the target states that the field comes back (a profile mismatch naming
/// the setting). Both were skips, and the run exited 0.
#[tokio::test]
async fn a_missing_needed_field_after_a_request_is_judged_not_skipped() {
    let id_token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    let grant = move || {
        json(
            200,
            serde_json::json!({
                "access_token": "at-canary-value-1234", "token_type": "Bearer", "expires_in": 3600,
                "refresh_token": "rt-canary-value-5678", "id_token": id_token,
                "scope": "openid offline_access",
            }),
        )
    };
    let refused: Script =
        Arc::new(
            move |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
                Some("password") => grant(),
                _ => json(400, serde_json::json!({ "error": "invalid_grant" })),
            },
        );
    let without: Script =
        Arc::new(
            move |seen: &Seen| match seen.form.get("grant_type").map(String::as_str) {
                Some("password") => grant(),
                _ => token_response("rt-canary-value-9999"),
            },
        );
    let s = load_text("t.toml", NEEDS_ID_TOKEN, false, false).unwrap();
    for (script, stated, want, words) in [
        (refused, None, "fail", "status"),
        (
            without.clone(),
            Some("always"),
            "fail",
            "id_token_on_refresh",
        ),
        (without, None, "skip", "carries no `id_token`"),
    ] {
        let idp = start(script).await;
        let mut target = target_for(&idp.base_url, PROFILE);
        if let Some(v) = stated {
            let mut t = toml::Table::new();
            t.insert("id_token_on_refresh".into(), toml::Value::String(v.into()));
            target.behaviour =
                refresh_conformance::behaviour::BehaviourSet::from_table(&t).unwrap();
        }
        let env = env_for(target, RunOptions::default());
        let r = refresh_conformance::run::execute(&env, &s, "test-idp/t/idt".into(), None).await;
        assert_eq!(r.outcome.label(), want, "{}", r.details());
        assert!(r.details().contains(words), "{}", r.details());
        assert!(
            r.transcript.iter().any(|e| e.step == "refresh"),
            "the refresh exchange is kept: {}",
            r.details()
        );
        if stated.is_some() {
            let f = &r.findings[0];
            assert_eq!(f.kind, FailKind::ProfileMismatch);
            assert_eq!(f.setting.as_deref(), Some("id_token_on_refresh"));
        }
    }
}

/// Redact first, then cut: a 300-character token cut to fit a message no
/// longer matches the redactor, and its raw prefix used to reach every
/// output. Neither a finding's value nor a body excerpt may hold any of it.
#[tokio::test]
async fn long_tokens_are_redacted_before_anything_is_cut() {
    let long = format!("LONGRT{}", "q7Zx".repeat(80));
    let prefix = long[..40].to_string();
    let value = long.clone();
    let json_case = r#"
id = "t/long"
title = "t"
refs = ["rfc6749#6"]
level = "must"
[[step]]
grant = {}
[[step]]
refresh = { token = "{{grant.refresh_token}}" }
expect = { json = { "$.refresh_token" = { eq = "another" } } }
"#;
    let r = run_one(
        refresh_answers(move || token_response(&value)),
        json_case,
        RunOptions::default(),
    )
    .await;
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    assert!(!r.details().contains(&prefix), "{}", r.details());
    // A body that is not JSON: the excerpt in the message is cut from the redacted text.
    let form_body = format!("refresh_token={long}&token_type=Bearer");
    let status_case = json_case.replace(
        r#"expect = { json = { "$.refresh_token" = { eq = "another" } } }"#,
        "expect = { status = 200 }",
    );
    let r = run_one(
        refresh_answers(move || raw(400, "text/plain", form_body.clone())),
        &status_case,
        RunOptions::default(),
    )
    .await;
    assert_eq!(r.outcome.label(), "fail", "{}", r.details());
    assert!(!r.details().contains(&prefix), "{}", r.details());
    assert!(!r.message.contains(&prefix), "{}", r.message);
}
