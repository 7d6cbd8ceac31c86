//! Defects of refresh, scope, rotation and expiry.

use super::*;

// ---- refresh and scope
defect_test!(unknown_param_rejected, "unknown-param-rejected", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.token(
        "main",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", g.str("refresh_token")),
            ("x_extra", "1"),
        ],
    )
    .await
    .expect_error(400, "invalid_request");
});
defect_test!(widened_scope_accepted, "widened-scope-accepted", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .refresh(
            "main",
            g.str("refresh_token"),
            Some(&format!("{GRANTED} write")),
        )
        .await
        .ok();
    assert!(r.scope_set().contains(&"write".to_string()));
});
defect_test!(
    widened_scope_wrong_error,
    "widened-scope-wrong-error",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        e.refresh(
            "main",
            g.str("refresh_token"),
            Some(&format!("{GRANTED} write")),
        )
        .await
        .expect_error(400, "invalid_grant");
    }
);
defect_test!(omitted_scope_narrowed, "omitted-scope-narrowed", |d| {
    let (_, _, r) = grant_refresh(d).await;
    assert_eq!(r.ok().scope_set(), sorted("openid offline_access profile"));
});
defect_test!(narrowed_scope_ignored, "narrowed-scope-ignored", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(
        e.refresh("main", g.str("refresh_token"), Some(NARROWER))
            .await
            .ok()
            .scope_set(),
        sorted(GRANTED)
    );
});
defect_test!(rotated_token_narrowed, "rotated-token-narrowed", |d| {
    let e = with("okta", d).await;
    let g = e.grant("public", GRANTED).await.ok();
    let r = e
        .refresh("public", g.str("refresh_token"), Some(NARROWER))
        .await
        .ok();
    assert_eq!(
        e.refresh("public", r.str("refresh_token"), None)
            .await
            .ok()
            .scope_set(),
        sorted(NARROWER)
    );
});
defect_test!(scope_order_sensitive, "scope-order-sensitive", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh(
        "main",
        g.str("refresh_token"),
        Some("read profile offline_access openid"),
    )
    .await
    .expect_error(400, "invalid_scope");
});

// ---- rotation
defect_test!(previous_token_valid, "previous-token-valid", |d| {
    let e = with("rfc6749", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(no_new_refresh_token, "no-new-refresh-token", |d| {
    let e = with("rfc6749", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .ok()
            .str("refresh_token"),
        g.str("refresh_token")
    );
});
defect_test!(rotated_token_withheld, "rotated-token-withheld", |d| {
    let e = with("rfc6749", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    assert_eq!(r.opt("refresh_token"), None, "{}", r.text);
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});
defect_test!(grace_never_closes, "grace-never-closes", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.advance(&[g.str("refresh_token")], 3600.0).await;
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(no_grace, "no-grace", |d| {
    let e = with("okta", d).await;
    let g = e.grant("public", GRANTED).await.ok();
    e.refresh("public", g.str("refresh_token"), None).await.ok();
    e.refresh("public", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});
defect_test!(no_reuse_detection, "no-reuse-detection", |d| {
    let e = custom("reuse_detection = true", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
    e.refresh("main", r.str("refresh_token"), None).await.ok();
});
defect_test!(unrotated_token_dies, "unrotated-token-dies", |d| {
    let e = custom("new_refresh_token = \"never\"", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});
defect_test!(race_double_spend, "race-double-spend", |d| {
    let e = Arc::new(custom("previous_refresh_token = \"invalidated\"", d).await);
    // Its window is real time: a race on a loaded machine may miss it, so a
    // few fresh tokens are raced until one is double-spent.
    let mut seen = Vec::new();
    for _ in 0..10 {
        let g = e.grant("main", GRANTED).await.ok();
        let rt = g.str("refresh_token").to_string();
        let barrier = Arc::new(tokio::sync::Barrier::new(30));
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let (e, rt, b) = (e.clone(), rt.clone(), barrier.clone());
                tokio::spawn(async move {
                    b.wait().await;
                    e.refresh("main", &rt, None).await.status
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            ok += (t.await.unwrap() == 200) as usize;
        }
        if ok > 1 {
            return;
        }
        seen.push(ok);
    }
    panic!("never more than one success: {seen:?}");
});

// Keycloak's Refresh Token Max Reuse 1: a used token is accepted once more, then refused.
defect_test!(reuse_limit_ignored, "reuse-limit-ignored", |d| {
    let e = with("keycloak-revoke", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    for _ in 0..4 {
        e.refresh("main", g.str("refresh_token"), None).await.ok();
    }
});
defect_test!(no_reuse_allowance, "no-reuse-allowance", |d| {
    let e = with("keycloak-revoke", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});

// ---- expiry
defect_test!(refresh_expiry_ignored, "refresh-expiry-ignored", |d| {
    let e = custom("refresh_token_absolute_ttl = \"1h\"", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 7200.0).await;
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(idle_expiry_ignored, "idle-expiry-ignored", |d| {
    let e = custom("refresh_token_idle_ttl = \"1h\"", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 7200.0).await;
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(access_expiry_ignored, "access-expiry-ignored", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("access_token")], 7200.0).await;
    assert!(e.active(g.str("access_token")).await);
});
defect_test!(rotated_expiry_flipped, "rotated-expiry-flipped", |d| {
    let e = custom(
        "refresh_token_absolute_ttl = \"1h\"\nrotated_token_expiry = \"original\"",
        d,
    )
    .await;
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 3000.0).await;
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.advance(&[r.str("refresh_token")], 1200.0).await;
    e.refresh("main", r.str("refresh_token"), None).await.ok();
});
