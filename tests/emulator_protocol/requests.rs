//! Token responses, malformed requests, authorize, virtual time, revocation and introspection.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn token_responses_follow_rfc6749_section_5() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(g.header("cache-control"), Some("no-store"));
    assert_eq!(g.header("pragma"), Some("no-cache"));
    assert!(g
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert!(g.json["expires_in"].is_u64());
    assert_eq!(g.scope_set(), sorted(GRANTED));
    assert!(g.str("refresh_token").len() >= 22, "at least 128 bits");
    let err = e.refresh("main", "garbage", None).await;
    err.expect_error(400, "invalid_grant");
    assert_eq!(err.header("cache-control"), Some("no-store"));
    assert_eq!(err.header("pragma"), Some("no-cache"));
    assert!(err.opt("error_description").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn malformed_requests_get_the_right_errors() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    e.token("main", &[("grant_type", "refresh_token")])
        .await
        .expect_error(400, "invalid_request");
    e.token(
        "main",
        &[("grant_type", "refresh_token"), ("refresh_token", "")],
    )
    .await
    .expect_error(400, "invalid_request");
    e.token("main", &[("grant_type", "urn:example:nope")])
        .await
        .expect_error(400, "unsupported_grant_type");
    e.token("main", &[])
        .await
        .expect_error(400, "invalid_request");
    e.token(
        "main",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("refresh_token", rt),
        ],
    )
    .await
    .expect_error(400, "invalid_request");
    e.token(
        "main",
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "alice-password"),
            ("scope", "openid admin"),
        ],
    )
    .await
    .expect_error(400, "invalid_scope");
    e.token(
        "main",
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wrong"),
        ],
    )
    .await
    .expect_error(400, "invalid_grant");
    let get = e
        .send(
            e.http
                .get(e.url("/oauth2/token"))
                .query(&[("grant_type", "refresh_token"), ("refresh_token", rt)]),
        )
        .await;
    assert!(matches!(get.status, 400 | 405), "{}", get.status);
    // Unknown parameters and empty values are ignored.
    let r = e
        .token(
            "main",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("x_unknown", "1"),
                ("scope", ""),
            ],
        )
        .await
        .ok();
    assert_eq!(r.scope_set(), sorted(GRANTED));
    // Another client's token.
    let o = e.grant("other", GRANTED).await.ok();
    e.refresh("main", o.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
    e.refresh("other", o.str("refresh_token"), None).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn oversized_bodies_are_refused() {
    let e = okta().await;
    let big = "a".repeat(70 * 1024);
    let r = e
        .post_form(
            "/oauth2/token",
            &[("grant_type", "refresh_token"), ("refresh_token", &big)],
            Some(basic("main", "main-secret")),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn authorize_redirects_with_code_and_state_or_error() {
    let e = okta().await;
    let ok = e.code_grant(GRANTED, None).await.ok();
    assert!(ok.opt("refresh_token").is_some());
    let r = e
        .send(e.http.get(e.url("/oauth2/authorize")).query(&[
            ("response_type", "code"),
            ("client_id", "public"),
            ("redirect_uri", "http://127.0.0.1/callback"),
            ("state", "s1"),
            ("code_challenge", "abc"),
            ("username", "alice"),
            ("password", "bad"),
        ]))
        .await;
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1/callback?")
            && loc.contains("error=access_denied")
            && loc.contains("state=s1"),
        "{loc}"
    );
    let r = e
        .send(e.http.get(e.url("/oauth2/authorize")).query(&[
            ("response_type", "code"),
            ("client_id", "public"),
            ("redirect_uri", "http://evil.example/"),
        ]))
        .await;
    assert_eq!(
        r.status, 400,
        "an unregistered redirect_uri is never redirected to"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn virtual_time_advances_only_the_named_family() {
    let e = start(
        profile_with("refresh_token_absolute_ttl = \"1h\"\nnew_refresh_token = \"never\""),
        &[],
    )
    .await;
    let a = e.grant("main", GRANTED).await.ok();
    let b = e.grant("main", GRANTED).await.ok();
    // Advancing by an access token moves its whole family.
    assert_eq!(
        e.advance(
            &[a.str("access_token"), a.str("refresh_token"), "unknown"],
            3700.0
        )
        .await,
        1
    );
    e.refresh("main", a.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
    e.refresh("main", b.str("refresh_token"), None).await.ok();
    // Dead tokens can still be named.
    assert_eq!(e.advance(&[a.str("refresh_token")], 1.0).await, 1);
    let bad = e
        .send(e.http.post(e.url("/_emulator/advance")).body("{"))
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn revocation_and_introspection_require_client_authentication() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.introspect_anonymously(g.str("access_token")).await;
    assert_eq!(r.status, 401);
    let r = e.revoke_anonymously(g.str("refresh_token")).await;
    assert_eq!(r.status, 401);
    // Another client's revocation request leaves my token alone.
    assert_eq!(e.revoke("other", g.str("refresh_token")).await.status, 200);
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    // Unknown tokens: 200 on revocation, inactive on introspection.
    assert_eq!(e.revoke("main", "nope").await.status, 200);
    assert_eq!(
        e.introspect("nope").await,
        serde_json::json!({"active": false})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn unknown_defects_are_refused_with_the_known_list() {
    let (u, p) = refresh_conformance::emulator::DEFAULT_USER;
    let err = refresh_conformance::emulator::start(
        refresh_conformance::emulator::EmulatorConfig {
            profile: profile("okta"),
            clients: refresh_conformance::emulator::default_clients(),
            users: vec![(u.into(), p.into())],
            defects: vec!["no-such-defect".into()],
            token_bytes: None,
        },
        0,
    )
    .await
    .err()
    .expect("unknown defect refused")
    .to_string();
    assert!(
        err.contains("no-such-defect") && err.contains("race-double-spend"),
        "{err}"
    );
}
