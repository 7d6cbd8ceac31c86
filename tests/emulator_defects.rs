//! Each defect changes what it says it changes (an HTTP-level check per
//! defect; the catalog's defect matrix checks that nothing else changes).
//! `every_defect_is_checked_here` keeps this file in step with the registry.

mod emulator_support;
use emulator_support::*;
use std::sync::Arc;

const CHECKED: &[&str] = &[
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
    "grace-never-closes",
    "no-grace",
    "no-reuse-detection",
    "unrotated-token-dies",
    "race-double-spend",
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
];

#[test]
fn every_defect_is_checked_here() {
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

async fn with(profile_name: &str, defect: &str) -> Emu {
    start(profile(profile_name), &[defect]).await
}

async fn custom(behaviour: &str, defect: &str) -> Emu {
    start(profile_with(behaviour), &[defect]).await
}

/// Grant then refresh as `main` with the okta profile and `defect`.
async fn grant_refresh(defect: &str) -> (Emu, Resp, Resp) {
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
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .refresh("main", g.str("refresh_token"), Some(NARROWER))
        .await
        .ok();
    assert_eq!(
        e.refresh("main", r.str("refresh_token"), None)
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
defect_test!(grace_never_closes, "grace-never-closes", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.advance(&[g.str("refresh_token")], 3600.0).await;
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(no_grace, "no-grace", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
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
    assert!(ok > 1, "{ok}");
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

// ---- client binding and authentication
defect_test!(cross_client_refresh, "cross-client-refresh", |d| {
    let e = with("okta", d).await;
    let o = e.grant("other", GRANTED).await.ok();
    e.refresh("main", o.str("refresh_token"), None).await.ok();
});
defect_test!(no_client_auth, "no-client-auth", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.post_form(
        "/oauth2/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", g.str("refresh_token")),
        ],
        None,
    )
    .await
    .ok();
});
defect_test!(wrong_basic_challenge, "wrong-basic-challenge", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", g.str("refresh_token")),
            ],
            Some(basic("main", "bad")),
        )
        .await;
    r.expect_error(400, "invalid_client");
    assert!(r.header("www-authenticate").is_none());
});
defect_test!(public_client_refused, "public-client-refused", |d| {
    let e = with("okta", d).await;
    let g = e.grant("public", GRANTED).await.ok();
    e.refresh("public", g.str("refresh_token"), None)
        .await
        .expect_error(401, "invalid_client");
});
defect_test!(
    query_credentials_accepted,
    "query-credentials-accepted",
    |d| {
        let e = with("okta", d).await;
        // Whatever method the client is registered for (post, basic).
        for (client, secret) in [("post", "post-secret"), ("main", "main-secret")] {
            let g = e.grant(client, GRANTED).await.ok();
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("grant_type", "refresh_token"),
                    ("refresh_token", g.str("refresh_token")),
                ])
                .finish();
            let url = e.url(&format!(
                "/oauth2/token?client_id={client}&client_secret={secret}"
            ));
            let req = e
                .http
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            e.send(req).await.ok();
        }
    }
);
defect_test!(
    two_auth_methods_accepted,
    "two-auth-methods-accepted",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", g.str("refresh_token")),
            ("client_id", "main"),
            ("client_secret", "main-secret"),
        ];
        e.post_form("/oauth2/token", &form, Some(basic("main", "main-secret")))
            .await
            .ok();
    }
);

// ---- revocation and introspection
defect_test!(revocation_ignored, "revocation-ignored", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    assert_eq!(e.revoke("main", g.str("refresh_token")).await.status, 200);
    e.refresh("main", g.str("refresh_token"), None).await.ok();
});
defect_test!(
    revocation_keeps_access_tokens,
    "revocation-keeps-access-tokens",
    |d| {
        let e = with("okta", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        e.revoke("main", g.str("refresh_token")).await;
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .expect_error(400, "invalid_grant");
        assert!(e.active(g.str("access_token")).await);
    }
);
defect_test!(cross_client_revocation, "cross-client-revocation", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.revoke("other", g.str("refresh_token")).await;
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});
defect_test!(
    rotated_token_introspects_active,
    "rotated-token-introspects-active",
    |d| {
        let e = with("rfc6749", d).await;
        let g = e.grant("main", GRANTED).await.ok();
        e.refresh("main", g.str("refresh_token"), None).await.ok();
        assert!(e.active(g.str("refresh_token")).await);
    }
);

// ---- errors
defect_test!(errors_with_status_200, "errors-with-status-200", |d| {
    let e = with("okta", d).await;
    e.refresh("main", "garbage", None)
        .await
        .expect_error(200, "invalid_grant");
});
defect_test!(html_error_bodies, "html-error-bodies", |d| {
    let e = with("okta", d).await;
    let r = e.refresh("main", "garbage", None).await;
    assert_eq!(r.status, 400);
    assert!(
        r.header("content-type").unwrap().starts_with("text/html") && r.text.contains("<html"),
        "{}",
        r.text
    );
});
defect_test!(
    missing_token_wrong_error,
    "missing-token-wrong-error",
    |d| {
        let e = with("okta", d).await;
        e.token("main", &[("grant_type", "refresh_token")])
            .await
            .expect_error(400, "invalid_grant");
    }
);
defect_test!(
    garbage_token_wrong_error,
    "garbage-token-wrong-error",
    |d| {
        let e = with("okta", d).await;
        e.refresh("main", "garbage", None)
            .await
            .expect_error(401, "invalid_client");
    }
);
defect_test!(
    unsupported_grant_wrong_error,
    "unsupported-grant-wrong-error",
    |d| {
        let e = with("okta", d).await;
        e.token("main", &[("grant_type", "urn:example:nope")])
            .await
            .expect_error(400, "invalid_request");
    }
);
defect_test!(repeated_param_accepted, "repeated-param-accepted", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    e.token(
        "main",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("refresh_token", rt),
        ],
    )
    .await
    .ok();
});
defect_test!(get_accepted, "get-accepted", |d| {
    let e = with("okta", d).await;
    let g = e.grant("main", GRANTED).await.ok();
    let req = e
        .http
        .get(e.url("/oauth2/token"))
        .query(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", g.str("refresh_token")),
        ])
        .header("authorization", basic("main", "main-secret"));
    e.send(req).await.ok();
});
defect_test!(unregistered_error_code, "unregistered-error-code", |d| {
    // Only expiry is answered with the unregistered code: unknown and revoked
    // tokens keep invalid_grant, so the defect breaks one behaviour.
    let e = with("wso2", d).await;
    e.refresh("main", "garbage", None)
        .await
        .expect_error(400, "invalid_grant");
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 86400.0 + 60.0).await;
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "token_expired");
    let g = e.grant("main", GRANTED).await.ok();
    e.revoke("main", g.str("refresh_token")).await;
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
});

// ---- oidc
async fn id_tokens(defect: &str, advance: f64) -> (serde_json::Value, serde_json::Value, Resp) {
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
