//! Defects of revocation, introspection, the password grant and refreshed id_tokens' azp and at_hash.

use super::*;

defect_test!(
    revoking_dead_token_refused,
    "revoking-dead-token-refused",
    |d| {
        let e = with("okta", d).await;
        assert_eq!(e.revoke("main", "never-issued").await.status, 400);
        let g = e.grant("main", GRANTED).await.ok();
        assert_eq!(e.revoke("main", g.str("refresh_token")).await.status, 200);
        assert_eq!(e.revoke("main", g.str("refresh_token")).await.status, 400);
    }
);
defect_test!(
    revocation_without_client_auth,
    "revocation-without-client-auth",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        let r = e.revoke_anonymously(g.str("refresh_token")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .expect_error(400, "invalid_grant");
    }
);
defect_test!(
    introspection_without_client_auth,
    "introspection-without-client-auth",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        let r = e.introspect_anonymously(g.str("access_token")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["active"], true);
    }
);
defect_test!(
    wrong_password_invalid_request,
    "wrong-password-invalid-request",
    |d| {
        let e = with("okta", d).await;
        let form = [
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "not-her-password"),
        ];
        e.token("main", &form)
            .await
            .expect_error(400, "invalid_request");
    }
);
defect_test!(id_token_azp_changes, "id-token-azp-changes", |d| {
    let (a, b, _) = super::oidc::id_tokens(d, 0.0).await;
    assert_eq!(a["azp"], "public");
    assert_ne!(b["azp"], "public");
});
defect_test!(id_token_at_hash_wrong, "id-token-at-hash-wrong", |d| {
    let (a, b, r) = super::oidc::id_tokens(d, 0.0).await;
    let hash = |t: &str| {
        use base64::Engine;
        let digest = <sha2::Sha256 as sha2::Digest>::digest(t.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    };
    assert!(a["at_hash"].is_string(), "the original id_token has one");
    assert_ne!(b["at_hash"], hash(r.str("access_token")).as_str());
});
