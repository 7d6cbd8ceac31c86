//! Defects of the id_token on refresh.

use super::*;

// ---- oidc
pub(crate) async fn id_tokens(
    defect: &str,
    advance: f64,
) -> (serde_json::Value, serde_json::Value, Resp) {
    let e = with("okta", defect).await;
    let g = e.code_grant(GRANTED, Some("n-1")).await.ok();
    e.advance(&[g.str("refresh_token")], advance).await;
    let r = e.refresh("public", g.str("refresh_token"), None).await.ok();
    (claims(g.str("id_token")), claims(r.str("id_token")), r)
}
defect_test!(id_token_sub_changes, "id-token-sub-changes", |d| {
    let (a, b, _) = id_tokens(d, 0.0).await;
    assert_ne!(a["sub"], b["sub"]);
});
defect_test!(
    id_token_nonce_on_refresh,
    "id-token-nonce-on-refresh",
    |d| {
        let (_, b, _) = id_tokens(d, 0.0).await;
        assert_eq!(b["nonce"], "n-1");
    }
);
defect_test!(id_token_nonce_changed, "id-token-nonce-changed", |d| {
    let (_, b, _) = id_tokens(d, 0.0).await;
    assert!(b["nonce"].is_string() && b["nonce"] != "n-1");
});
defect_test!(id_token_bad_signature, "id-token-bad-signature", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_str(&e.send(e.http.get(e.url("/oauth2/jwks"))).await.text).unwrap();
    let verifies = |jwt: &str| {
        let key = jsonwebtoken::DecodingKey::from_jwk(&set.keys[0]).unwrap();
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        v.set_audience(&["main"]);
        jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &v).is_ok()
    };
    assert!(verifies(g.str("id_token")));
    assert!(!verifies(r.str("id_token")));
});
defect_test!(id_token_iat_stale, "id-token-iat-stale", |d| {
    let (a, b, _) = id_tokens(d, 600.0).await;
    assert_eq!(a["iat"], b["iat"]);
});
defect_test!(
    id_token_auth_time_changes,
    "id-token-auth-time-changes",
    |d| {
        let (a, b, _) = id_tokens(d, 0.0).await;
        assert_ne!(a["auth_time"], b["auth_time"]);
    }
);
defect_test!(id_token_aud_changes, "id-token-aud-changes", |d| {
    let (a, b, _) = id_tokens(d, 0.0).await;
    assert_ne!(a["aud"], b["aud"]);
});
defect_test!(id_token_iss_changes, "id-token-iss-changes", |d| {
    let (a, b, _) = id_tokens(d, 0.0).await;
    assert_ne!(a["iss"], b["iss"]);
});
