//! Each defect changes what it says it changes (an HTTP-level check per
//! defect; the catalog's defect matrix checks that nothing else changes).
//! `every_defect_is_checked_here` keeps this file in step with the registry.

#[path = "../emulator_support/mod.rs"]
mod emulator_support;

use emulator_support::*;
use std::sync::Arc;

pub(crate) const CHECKED: &[&str] = &[
    "rt-without-offline-access",
    "rt-for-client-credentials",
    "no-cache-control",
    "no-pragma",
    "expires-in-string",
    "expires-in-millis",
    "wrong-token-type",
    "short-tokens",
    "wrong-content-type",
    "same-access-token",
    "unknown-param-rejected",
    "widened-scope-accepted",
    "widened-scope-wrong-error",
    "omitted-scope-narrowed",
    "narrowed-scope-ignored",
    "rotated-token-narrowed",
    "scope-order-sensitive",
    "previous-token-valid",
    "no-new-refresh-token",
    "rotated-token-withheld",
    "grace-never-closes",
    "no-grace",
    "no-reuse-detection",
    "unrotated-token-dies",
    "race-double-spend",
    "reuse-limit-ignored",
    "no-reuse-allowance",
    "refresh-expiry-ignored",
    "idle-expiry-ignored",
    "access-expiry-ignored",
    "rotated-expiry-flipped",
    "cross-client-refresh",
    "no-client-auth",
    "wrong-basic-challenge",
    "public-client-refused",
    "query-credentials-accepted",
    "two-auth-methods-accepted",
    "revocation-ignored",
    "revocation-keeps-access-tokens",
    "cross-client-revocation",
    "rotated-token-introspects-active",
    "errors-with-status-200",
    "html-error-bodies",
    "missing-token-wrong-error",
    "garbage-token-wrong-error",
    "unsupported-grant-wrong-error",
    "repeated-param-accepted",
    "get-accepted",
    "unregistered-error-code",
    "id-token-sub-changes",
    "id-token-nonce-on-refresh",
    "id-token-nonce-changed",
    "id-token-bad-signature",
    "id-token-iat-stale",
    "id-token-auth-time-changes",
    "id-token-aud-changes",
    "id-token-iss-changes",
    "dpop-proof-not-required",
    "dpop-any-key",
    "dpop-htu-ignored",
    "dpop-htm-ignored",
    "dpop-stale-iat",
    "dpop-jti-replay",
    "dpop-access-token-unbound",
    "dpop-confidential-bound",
    "explicit-scope-drops-offline-access",
    "grace-retry-revoked-successor",
    "grace-for-every-generation",
    "reuse-keeps-access-tokens",
    "reuse-revokes-session-families",
    "code-reuse-accepted",
    "code-reuse-keeps-tokens",
    "revoking-dead-token-refused",
    "revocation-without-client-auth",
    "introspection-without-client-auth",
    "access-token-as-refresh-token",
    "wrong-password-invalid-request",
    "id-token-azp-changes",
    "id-token-at-hash-wrong",
    "dpop-nonce-ignored",
    "dpop-nonce-optional",
    "dpop-proof-error-invalid-request",
];

#[test]
pub(crate) fn every_defect_is_checked_here() {
    let mut registered: Vec<&str> = refresh_conformance::emulator::defects()
        .iter()
        .map(|(n, _)| *n)
        .collect();
    let mut checked = CHECKED.to_vec();
    registered.sort();
    checked.sort();
    assert_eq!(registered, checked);
    for (name, description) in refresh_conformance::emulator::defects() {
        assert!(
            !description.is_empty() && !description.contains('\n'),
            "{name}"
        );
    }
}

pub(crate) async fn with(profile_name: &str, defect: &str) -> Emu {
    start(profile(profile_name), &[defect]).await
}

pub(crate) async fn custom(behaviour: &str, defect: &str) -> Emu {
    start(profile_with(behaviour), &[defect]).await
}

/// Grant then refresh as `main` with the okta profile and `defect`.
pub(crate) async fn grant_refresh(defect: &str) -> (Emu, Resp, Resp) {
    let e = with("okta", defect).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await;
    (e, g, r)
}

macro_rules! defect_test {
    ($fn:ident, $name:literal, |$d:ident| $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $fn() {
            let $d: &str = $name;
            $body
        }
    };
}

// ---- issuance
defect_test!(
    rt_without_offline_access,
    "rt-without-offline-access",
    |d| {
        let e = with("okta", d).await;
        assert!(e
            .grant("main", "openid profile")
            .await
            .ok()
            .opt("refresh_token")
            .is_some());
    }
);
defect_test!(
    rt_for_client_credentials,
    "rt-for-client-credentials",
    |d| {
        let e = with("okta", d).await;
        let r = e
            .token(
                "main",
                &[("grant_type", "client_credentials"), ("scope", "read")],
            )
            .await
            .ok();
        assert!(r.opt("refresh_token").is_some());
    }
);
defect_test!(no_cache_control, "no-cache-control", |d| {
    let (_, g, r) = grant_refresh(d).await;
    assert!(g.header("cache-control").is_none() && r.header("cache-control").is_none());
    assert_eq!(r.header("pragma"), Some("no-cache"));
});
defect_test!(no_pragma, "no-pragma", |d| {
    let (_, g, _) = grant_refresh(d).await;
    assert!(g.header("pragma").is_none());
    assert_eq!(g.header("cache-control"), Some("no-store"));
});
defect_test!(expires_in_string, "expires-in-string", |d| {
    let (_, _, r) = grant_refresh(d).await;
    assert_eq!(r.json["expires_in"], "3600");
});
defect_test!(expires_in_millis, "expires-in-millis", |d| {
    let (_, _, r) = grant_refresh(d).await;
    assert_eq!(r.json["expires_in"], 3_600_000);
});
defect_test!(wrong_token_type, "wrong-token-type", |d| {
    let (_, _, r) = grant_refresh(d).await;
    assert_eq!(r.str("token_type"), "mac");
});
defect_test!(short_tokens, "short-tokens", |d| {
    let (_, g, r) = grant_refresh(d).await;
    for t in [
        g.str("access_token"),
        g.str("refresh_token"),
        r.str("refresh_token"),
    ] {
        assert!(
            t.len() == 8 && t.chars().all(|c| c.is_ascii_hexdigit()),
            "{t}"
        );
    }
});
defect_test!(wrong_content_type, "wrong-content-type", |d| {
    let (_, _, r) = grant_refresh(d).await;
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert!(r.json["access_token"].is_string(), "the body is still JSON");
});
defect_test!(same_access_token, "same-access-token", |d| {
    let (_, g, r) = grant_refresh(d).await;
    assert_eq!(r.ok().str("access_token"), g.str("access_token"));
});

// The macro above is defined before these, so they can use it.
mod clients;
mod dpop;
mod endpoints;
mod families;
mod oidc;
mod refresh;
