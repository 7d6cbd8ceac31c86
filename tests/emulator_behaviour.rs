//! Each vocabulary key is honoured by the emulator (one focused test per key),
//! over real HTTP on 127.0.0.1.

mod emulator_support;
use emulator_support::*;

async fn emu(behaviour: &str) -> Emu {
    start(profile_with(behaviour), &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_access_required() {
    let e = emu("offline_access_required = true").await;
    let without = e.grant("main", "openid profile").await.ok();
    assert!(without.opt("refresh_token").is_none(), "{}", without.text);
    let with = e.grant("main", "openid offline_access").await.ok();
    assert!(with.opt("refresh_token").is_some());

    let e = emu("offline_access_required = false").await;
    assert!(e
        .grant("main", "openid profile")
        .await
        .ok()
        .opt("refresh_token")
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_for_client_credentials() {
    for (value, expected) in [(true, true), (false, false)] {
        let e = emu(&format!("refresh_token_for_client_credentials = {value}")).await;
        let r = e
            .token(
                "main",
                &[("grant_type", "client_credentials"), ("scope", "read")],
            )
            .await
            .ok();
        assert_eq!(
            r.opt("refresh_token").is_some(),
            expected,
            "{value}: {}",
            r.text
        );
        assert!(r.opt("id_token").is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_refresh_token() {
    let e = emu("new_refresh_token = \"always\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    assert_ne!(r.str("refresh_token"), g.str("refresh_token"));

    let e = emu("new_refresh_token = \"never\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    assert_eq!(
        r.str("refresh_token"),
        g.str("refresh_token"),
        "the same token comes back"
    );
    e.refresh("main", g.str("refresh_token"), None).await.ok();

    let e = emu("new_refresh_token = \"public_clients\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .ok()
            .str("refresh_token"),
        g.str("refresh_token")
    );
    let g = e.grant("public", GRANTED).await.ok();
    assert_ne!(
        e.refresh("public", g.str("refresh_token"), None)
            .await
            .ok()
            .str("refresh_token"),
        g.str("refresh_token")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_client_behaviour_overrides_the_profile() {
    // oauth21-bcp: confidential tokens kept, the public client's rotated.
    let e = start(profile("oauth21-bcp"), &[]).await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .ok()
            .str("refresh_token"),
        g.str("refresh_token")
    );
    let g = e.grant("public", GRANTED).await.ok();
    let r = e.refresh("public", g.str("refresh_token"), None).await.ok();
    assert_ne!(r.str("refresh_token"), g.str("refresh_token"));
    e.refresh("public", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_refresh_token() {
    let e = emu("previous_refresh_token = \"invalidated\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");

    let e = emu("previous_refresh_token = \"valid\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", r.str("refresh_token"), None).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_period() {
    let e = emu("previous_refresh_token = \"valid_in_grace\"\ngrace_period = \"30s\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let old = g.str("refresh_token");
    e.refresh("main", old, None).await.ok();
    e.advance(&[old], 20.0).await;
    e.refresh("main", old, None).await.ok();
    e.advance(&[old], 11.0).await;
    e.refresh("main", old, None)
        .await
        .expect_error(400, "invalid_grant");
}

/// `grace_applies_to`: a token two generations back, inside its grace window,
/// is accepted only when every used token keeps its own window (Ory Hydra).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grace_applies_to() {
    for (value, accepted) in [("previous_token", false), ("every_used_token", true)] {
        let e = emu(&format!(
            "previous_refresh_token = \"valid_in_grace\"\ngrace_period = \"30s\"\ngrace_applies_to = \"{value}\""
        ))
        .await;
        let two_back = e.refresh_two_generations_back().await;
        assert_eq!(
            two_back.status == 200,
            accepted,
            "{value}: {}",
            two_back.text
        );
    }
}

/// Keycloak's Refresh Token Max Reuse: 1 + N uses of one refresh token, then
/// refused (and, with reuse detection, the newest token dies too); its
/// introspection stays active while uses remain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_max_reuse() {
    let e = emu("refresh_token_max_reuse = 2\nreuse_detection = true").await;
    let g = e.grant("main", GRANTED).await.ok();
    let old = g.str("refresh_token");
    let mut newest = String::new();
    for used in 1..=3 {
        newest = e
            .refresh("main", old, None)
            .await
            .ok()
            .str("refresh_token")
            .to_string();
        let active = e.introspect(old).await["active"] == serde_json::Value::Bool(true);
        assert_eq!(active, used < 3, "after {used} uses of 3");
    }
    e.refresh("main", old, None)
        .await
        .expect_error(400, "invalid_grant");
    e.refresh("main", &newest, None)
        .await
        .expect_error(400, "invalid_grant");
    // 0 (the default): single use.
    let e = emu("refresh_token_max_reuse = 0").await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reuse_detection() {
    for on in [true, false] {
        let e = emu(&format!("reuse_detection = {on}")).await;
        let g = e.grant("main", GRANTED).await.ok();
        let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .expect_error(400, "invalid_grant");
        assert_eq!(
            e.active(r.str("access_token")).await,
            !on,
            "access token after replay"
        );
        let next = e.refresh("main", r.str("refresh_token"), None).await;
        if on {
            next.expect_error(400, "invalid_grant");
        } else {
            next.ok();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_token_ttl() {
    let e = emu("access_token_ttl = \"10m\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(g.json["expires_in"], 600);
    let at = g.str("access_token");
    e.advance(&[at], 590.0).await;
    assert!(e.active(at).await);
    e.advance(&[at], 20.0).await;
    assert!(!e.active(at).await);
    assert_eq!(e.introspect(at).await, serde_json::json!({"active": false}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_absolute_ttl() {
    let e = emu("refresh_token_absolute_ttl = \"1h\"\nnew_refresh_token = \"never\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    e.advance(&[rt], 3500.0).await;
    e.refresh("main", rt, None).await.ok();
    e.advance(&[rt], 200.0).await;
    e.refresh("main", rt, None)
        .await
        .expect_error(400, "invalid_grant");
    // 0s means no limit.
    let e = emu("refresh_token_absolute_ttl = \"0s\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 10.0 * 365.0 * 86400.0)
        .await;
    e.refresh("main", g.str("refresh_token"), None).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_token_idle_ttl() {
    let e = emu("refresh_token_idle_ttl = \"1h\"\nnew_refresh_token = \"never\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    for _ in 0..3 {
        e.advance(&[rt], 3000.0).await;
        e.refresh("main", rt, None).await.ok();
    }
    e.advance(&[rt], 3700.0).await;
    e.refresh("main", rt, None)
        .await
        .expect_error(400, "invalid_grant");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_token_expiry() {
    for (rule, survives) in [("original", false), ("renewed", true)] {
        let e = emu(&format!(
            "refresh_token_absolute_ttl = \"1h\"\nrotated_token_expiry = \"{rule}\""
        ))
        .await;
        let g = e.grant("main", GRANTED).await.ok();
        e.advance(&[g.str("refresh_token")], 3000.0).await;
        let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
        e.advance(&[r.str("refresh_token")], 1200.0).await;
        let after = e.refresh("main", r.str("refresh_token"), None).await;
        assert_eq!(after.status == 200, survives, "{rule}: {}", after.text);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_on_refresh() {
    let e = emu("scope_on_refresh = \"honoured\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .refresh("main", g.str("refresh_token"), Some(NARROWER))
        .await
        .ok();
    assert_eq!(r.scope_set(), sorted(NARROWER));
    // The new refresh token keeps the original scope (RFC 6749 §6).
    let again = e.refresh("main", r.str("refresh_token"), None).await.ok();
    assert_eq!(again.scope_set(), sorted(GRANTED));
    e.refresh("main", again.str("refresh_token"), Some("openid write"))
        .await
        .expect_error(400, "invalid_scope");

    let e = emu("scope_on_refresh = \"ignored\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .refresh("main", g.str("refresh_token"), Some(NARROWER))
        .await
        .ok();
    assert_eq!(r.scope_set(), sorted(GRANTED));
    e.refresh("main", r.str("refresh_token"), Some("openid write"))
        .await
        .expect_error(400, "invalid_scope");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn id_token_on_refresh() {
    let cases = [
        ("always", true, true),
        ("when_openid_requested", true, false),
        ("never", false, false),
    ];
    for (rule, with_openid, without_openid) in cases {
        let e = emu(&format!("id_token_on_refresh = \"{rule}\"")).await;
        let g = e.grant("main", GRANTED).await.ok();
        assert!(
            g.opt("id_token").is_some(),
            "the original grant with openid has an id_token"
        );
        let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
        assert_eq!(
            r.opt("id_token").is_some(),
            with_openid,
            "{rule} with openid"
        );
        let r = e
            .refresh("main", r.str("refresh_token"), Some("offline_access read"))
            .await
            .ok();
        assert_eq!(
            r.opt("id_token").is_some(),
            without_openid,
            "{rule} without openid"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn introspects_refresh_tokens() {
    let e = emu("introspects_refresh_tokens = true").await;
    let g = e.grant("main", GRANTED).await.ok();
    let v = e.introspect(g.str("refresh_token")).await;
    assert_eq!(v["active"], true);
    assert_eq!(v["client_id"], "main");

    let e = emu("introspects_refresh_tokens = false").await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(
        e.introspect(g.str("refresh_token")).await,
        serde_json::json!({"active": false})
    );
    assert!(e.active(g.str("access_token")).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_revokes_access_tokens() {
    for on in [true, false] {
        let e = emu(&format!("revocation_revokes_access_tokens = {on}")).await;
        let g = e.grant("main", GRANTED).await.ok();
        assert_eq!(e.revoke("main", g.str("refresh_token")).await.status, 200);
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .expect_error(400, "invalid_grant");
        assert_eq!(e.active(g.str("access_token")).await, !on);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_constrained() {
    let e = emu("sender_constrained = \"none\"").await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(g.str("token_type"), "Bearer");
    let (u, p) = refresh_conformance::emulator::DEFAULT_USER;
    let err = refresh_conformance::emulator::start(
        refresh_conformance::emulator::EmulatorConfig {
            profile: profile_with("sender_constrained = \"mtls\""),
            clients: refresh_conformance::emulator::default_clients(),
            users: vec![(u.into(), p.into())],
            defects: vec![],
            token_bytes: None,
        },
        0,
    )
    .await
    .err()
    .expect("mtls is refused, not silently ignored");
    assert!(err.to_string().contains("sender_constrained"), "{err}");
}
