//! The emulator's protocol surface: discovery, JWKS and id_token signatures,
//! client authentication methods, error shapes and headers, authorize, and
//! per-family virtual time.

mod client_auth;
#[path = "../emulator_support/mod.rs"]
mod emulator_support;
mod requests;

use emulator_support::*;
use serde_json::Value;

pub(crate) async fn okta() -> Emu {
    start(profile("okta"), &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn discovery_documents_name_every_endpoint() {
    let e = okta().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let d = e.send(e.http.get(e.url(path))).await;
        assert_eq!(d.status, 200);
        assert_eq!(d.json["issuer"], e.base.as_str());
        assert_eq!(d.json["token_endpoint"], e.url("/oauth2/token"));
        assert_eq!(d.json["jwks_uri"], e.url("/oauth2/jwks"));
        assert_eq!(d.json["revocation_endpoint"], e.url("/oauth2/revoke"));
        assert_eq!(
            d.json["introspection_endpoint"],
            e.url("/oauth2/introspect")
        );
        let methods = d.json["token_endpoint_auth_methods_supported"]
            .as_array()
            .unwrap();
        for m in [
            "client_secret_basic",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ] {
            assert!(methods.iter().any(|v| v == m), "{m}");
        }
        let grants = d.json["grant_types_supported"].as_array().unwrap();
        assert!(grants.iter().any(|g| g == "refresh_token"));
        assert!(d.json["scopes_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "offline_access"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn id_tokens_verify_against_the_jwks_and_carry_oidc_claims() {
    let e = okta().await;
    let jwks = e.send(e.http.get(e.url("/oauth2/jwks"))).await;
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(&jwks.text).unwrap();
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    let mut subs = vec![];
    for (jwt, refreshed) in [(g.str("id_token"), false), (r.str("id_token"), true)] {
        let header = jsonwebtoken::decode_header(jwt).unwrap();
        assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
        let jwk = set
            .find(header.kid.as_deref().unwrap())
            .expect("kid is in the JWKS");
        let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        v.set_audience(&["main"]);
        v.set_issuer(&[e.base.as_str()]);
        let c = jsonwebtoken::decode::<Value>(jwt, &key, &v)
            .expect("signature verifies")
            .claims;
        assert_eq!(c["azp"], "main");
        assert!(
            c["auth_time"].is_i64() && c["iat"].is_i64() && c["exp"].as_i64() > c["iat"].as_i64()
        );
        assert!(
            c.get("nonce").is_none(),
            "no nonce was sent (refreshed: {refreshed})"
        );
        subs.push(c["sub"].clone());
    }
    assert_eq!(subs[0], subs[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn nonce_only_on_the_original_id_token_and_iat_follows_the_family_clock() {
    let e = okta().await;
    let g = e.code_grant(GRANTED, Some("n-123")).await.ok();
    let original = claims(g.str("id_token"));
    assert_eq!(original["nonce"], "n-123");
    e.advance(&[g.str("refresh_token")], 600.0).await;
    let r = e.refresh("public", g.str("refresh_token"), None).await.ok();
    let refreshed = claims(r.str("id_token"));
    assert!(refreshed.get("nonce").is_none());
    assert_eq!(refreshed["auth_time"], original["auth_time"]);
    assert!(refreshed["iat"].as_i64().unwrap() >= original["iat"].as_i64().unwrap() + 600);
    // The password grant takes a nonce parameter too.
    let p = e
        .token(
            "main",
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "alice-password"),
                ("scope", GRANTED),
                ("nonce", "pw-n"),
            ],
        )
        .await
        .ok();
    assert_eq!(claims(p.str("id_token"))["nonce"], "pw-n");
}
