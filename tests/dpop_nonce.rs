//! DPoP nonces (RFC 9449 §8) against a scriptable IdP that demands one: the
//! suite answers the `use_dpop_nonce` challenge once with the server's
//! nonce, remembers it for later requests, and shows proofs only redacted.

mod support;

use axum::body::Body;
use axum::http::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use refresh_conformance::record::Outcome;
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::target::DpopAlg;
use std::sync::Arc;
use support::*;

const NONCE: &str = "server-nonce-1";

const GRANT_AND_REFRESH: &str = r#"
id = "t/dpop"
title = "dpop"
refs = ["rfc9449#8"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200, present = ["access_token"] }
"#;

/// The `nonce` claim of the request's DPoP proof, if it has a proof.
fn proof_nonce(seen: &Seen) -> Option<Option<String>> {
    let proof = seen.headers.get("dpop")?.to_str().ok()?;
    let payload = URL_SAFE_NO_PAD.decode(proof.split('.').nth(1)?).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    Some(claims["nonce"].as_str().map(str::to_string))
}

fn demands_nonce(seen: &Seen) -> Response<Body> {
    match proof_nonce(seen) {
        Some(Some(n)) if n == NONCE => {
            let rt = format!("RT-{}-canary-token-value", rand::random::<u32>());
            token_response(&rt)
        }
        Some(_) => {
            let mut r = json(400, serde_json::json!({"error": "use_dpop_nonce"}));
            r.headers_mut().insert("dpop-nonce", NONCE.parse().unwrap());
            r
        }
        None => json(400, serde_json::json!({"error": "invalid_dpop_proof"})),
    }
}

#[tokio::test]
async fn a_nonce_challenge_is_answered_once_and_the_nonce_remembered() {
    let idp = start(Arc::new(demands_nonce)).await;
    let mut target = target_for(&idp.base_url, PROFILE);
    target.clients.get_mut("main").unwrap().dpop = Some(DpopAlg::Es256);
    let env = env_for(target, RunOptions::default());
    let s = load_text("t.toml", GRANT_AND_REFRESH, false, false).unwrap();
    let r = refresh_conformance::run::execute(&env, &s, "test-idp/t".into(), None).await;
    assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    let nonces: Vec<Option<Option<String>>> =
        idp.log.lock().unwrap().iter().map(proof_nonce).collect();
    let with = || Some(Some(NONCE.to_string()));
    // The grant: challenged without a nonce, answered once with it; the
    // refresh carries the remembered nonce at once.
    assert_eq!(nonces, vec![Some(None), with(), with()]);
    let shown = format!("{:?}", r.transcript);
    assert!(shown.contains("‹dpop:"), "{shown}");
    assert!(!shown.contains("eyJ"), "a proof shown unredacted: {shown}");
}
