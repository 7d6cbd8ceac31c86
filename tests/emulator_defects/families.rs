//! Defects of grace windows, reuse detection, code reuse and what a refresh accepts.

use super::*;

/// Authorize as `public`, then exchange the code: (the code, the token response).
async fn code_and_tokens(e: &Emu) -> (String, Resp) {
    let code = e.authorize(GRANTED, None).await;
    let tokens = exchange(e, &code, CODE_VERIFIER).await;
    (code, tokens)
}

async fn exchange(e: &Emu, code: &str, verifier: &str) -> Resp {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("code_verifier", verifier),
    ];
    e.token("public", &form).await
}

defect_test!(code_reuse_accepted, "code-reuse-accepted", |d| {
    let e = with("okta", d).await;
    let (code, first) = code_and_tokens(&e).await;
    first.ok();
    exchange(&e, &code, CODE_VERIFIER).await.ok();
});
defect_test!(code_reuse_keeps_tokens, "code-reuse-keeps-tokens", |d| {
    for (defects, survives) in [(vec![], false), (vec![d], true)] {
        let e = start(profile("okta"), &defects).await;
        let (code, first) = code_and_tokens(&e).await;
        let first = first.ok();
        exchange(&e, &code, CODE_VERIFIER)
            .await
            .expect_error(400, "invalid_grant");
        let r = e.refresh("public", first.str("refresh_token"), None).await;
        assert_eq!(r.status == 200, survives, "{defects:?}: {}", r.text);
    }
});

defect_test!(
    grace_retry_revoked_successor,
    "grace-retry-revoked-successor",
    |d| {
        // okta-org: every client rotates with a 30 s grace window (okta's
        // confidential clients do not rotate by default).
        let e = with("okta-org", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        e.refresh("main", g.str("refresh_token"), None).await.ok();
        let retry = e.refresh("main", g.str("refresh_token"), None).await.ok();
        e.refresh("main", retry.str("refresh_token"), None)
            .await
            .expect_error(400, "invalid_grant");
    }
);
defect_test!(
    grace_for_every_generation,
    "grace-for-every-generation",
    |d| {
        for (defects, accepted) in [(vec![], false), (vec![d], true)] {
            let e = start(profile("okta-org"), &defects).await;
            let two_back = e.refresh_two_generations_back().await;
            assert_eq!(
                two_back.status == 200,
                accepted,
                "{defects:?}: {}",
                two_back.text
            );
        }
    }
);
defect_test!(
    reuse_keeps_access_tokens,
    "reuse-keeps-access-tokens",
    |d| {
        for (defects, active) in [(vec![], false), (vec![d], true)] {
            let e = start(profile("oauth21-bcp"), &defects).await;
            let g = e.grant("public", GRANTED).await.ok();
            let r = e.refresh("public", g.str("refresh_token"), None).await.ok();
            e.refresh("public", g.str("refresh_token"), None)
                .await
                .expect_error(400, "invalid_grant");
            assert_eq!(e.active(r.str("access_token")).await, active, "{defects:?}");
        }
    }
);
defect_test!(
    reuse_revokes_session_families,
    "reuse-revokes-session-families",
    |d| {
        for (defects, other_lives) in [(vec![], true), (vec![d], false)] {
            let e = start(profile("oauth21-bcp"), &defects).await;
            let g = e.code_grant(GRANTED, Some("one-sign-in")).await.ok();
            let other = e.code_grant(GRANTED, Some("one-sign-in")).await.ok();
            e.refresh("public", g.str("refresh_token"), None).await.ok();
            e.refresh("public", g.str("refresh_token"), None).await;
            let r = e.refresh("public", other.str("refresh_token"), None).await;
            assert_eq!(r.status == 200, other_lives, "{defects:?}: {}", r.text);
        }
    }
);
defect_test!(
    explicit_scope_drops_offline_access,
    "explicit-scope-drops-offline-access",
    |d| {
        let e = with("rfc6749", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        let r = e
            .refresh("main", g.str("refresh_token"), Some(GRANTED))
            .await
            .ok();
        assert_eq!(r.scope_set(), sorted("openid profile read"));
    }
);
defect_test!(
    access_token_as_refresh_token,
    "access-token-as-refresh-token",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        e.refresh("main", g.str("access_token"), None).await.ok();
    }
);
