//! The emulator's protocol surface: discovery, JWKS and id_token signatures,
//! client authentication methods, error shapes and headers, authorize, and
//! per-family virtual time.

mod emulator_support;
use emulator_support::*;
use serde_json::Value;

async fn okta() -> Emu {
    start(profile("okta"), &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_documents_name_every_endpoint() {
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
async fn id_tokens_verify_against_the_jwks_and_carry_oidc_claims() {
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
async fn nonce_only_on_the_original_id_token_and_iat_follows_the_family_clock() {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_authentication_method_refreshes() {
    let e = okta().await;
    for client in ["main", "post", "other", "public", "jwt"] {
        let g = e.grant(client, GRANTED).await.ok();
        let r = e.refresh(client, g.str("refresh_token"), None).await.ok();
        assert_eq!(r.str("token_type"), "Bearer", "{client}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_credentials_are_form_urlencoded() {
    // RFC 6749 §2.3.1: an id/secret with reserved characters is encoded before base64.
    let mut clients = refresh_conformance::emulator::default_clients();
    clients[0].id = "a b:c".into();
    clients[0].secret = Some("s%e:c+r t".into());
    let handle = refresh_conformance::emulator::start(
        refresh_conformance::emulator::EmulatorConfig {
            profile: profile("okta"),
            clients,
            users: vec![("alice".into(), "alice-password".into())],
            defects: vec![],
        },
        0,
    )
    .await
    .unwrap();
    let e = Emu {
        base: handle.base_url,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    };
    let form = [("grant_type", "client_credentials"), ("scope", "read")];
    e.post_form("/oauth2/token", &form, Some(basic("a b:c", "s%e:c+r t")))
        .await
        .ok();
    e.post_form("/oauth2/token", &form, Some(basic("a b:c", "wrong")))
        .await
        .expect_error(401, "invalid_client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_basic_secret_is_401_with_a_basic_challenge() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", g.str("refresh_token")),
            ],
            Some(basic("main", "nope")),
        )
        .await;
    r.expect_error(401, "invalid_client");
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .starts_with("Basic realm="));
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_authentication_failures() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", rt)];
    // Confidential client sending only client_id.
    let mut f = refresh.to_vec();
    f.push(("client_id", "main"));
    e.post_form("/oauth2/token", &f, None)
        .await
        .expect_error(401, "invalid_client");
    // No client at all.
    e.post_form("/oauth2/token", &refresh, None)
        .await
        .expect_error(401, "invalid_client");
    // Two methods at once.
    let mut f = refresh.to_vec();
    f.extend([("client_id", "main"), ("client_secret", "main-secret")]);
    e.post_form("/oauth2/token", &f, Some(basic("main", "main-secret")))
        .await
        .expect_error(400, "invalid_request");
    // Credentials in the query string.
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&refresh[..])
        .append_pair("client_id", "post")
        .finish();
    let r = e
        .send(
            e.http
                .post(e.url("/oauth2/token?client_secret=post-secret"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        )
        .await;
    assert!(
        matches!(r.error(), Some("invalid_request" | "invalid_client")),
        "{}",
        r.text
    );
    // A public client presenting a secret.
    let r = e
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("client_id", "public"),
                ("client_secret", "x"),
            ],
            None,
        )
        .await;
    r.expect_error(401, "invalid_client");
    // Registered for basic, using post.
    let r = e
        .post_form(
            "/oauth2/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt),
                ("client_id", "main"),
                ("client_secret", "main-secret"),
            ],
            None,
        )
        .await;
    r.expect_error(401, "invalid_client");
    // The token still works for its owner: failed attempts consumed nothing.
    e.refresh("main", rt, None).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_key_jwt_assertions_are_checked() {
    let e = okta().await;
    let aud = e.url("/oauth2/token");
    let now = real_now();
    let cc = |jwt: String| {
        vec![
            ("grant_type".to_string(), "client_credentials".to_string()),
            (
                "client_assertion_type".into(),
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ),
            ("client_assertion".into(), jwt),
        ]
    };
    let post = |form: Vec<(String, String)>| {
        let e = &e;
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            e.post_form("/oauth2/token", &form, None).await
        }
    };
    let good = assertion(&aud, now, "jti-1");
    post(cc(good.clone())).await.ok();
    post(cc(good)).await.expect_error(401, "invalid_client"); // replayed jti
    post(cc(assertion(&e.base, now, "jti-2"))).await.ok(); // issuer as aud
    post(cc(assertion(
        "https://elsewhere.example/token",
        now,
        "jti-3",
    )))
    .await
    .expect_error(401, "invalid_client");
    post(cc(assertion(&aud, now - 7200, "jti-4")))
        .await
        .expect_error(401, "invalid_client"); // expired
                                              // Signed by another key.
    let other = aws_lc_rs::signature::EcdsaKeyPair::generate(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
    )
    .unwrap();
    let der = other.to_pkcs8v1().unwrap();
    let key = jsonwebtoken::EncodingKey::from_ec_der(der.as_ref());
    let claims = serde_json::json!({"iss": "jwt", "sub": "jwt", "aud": aud, "iat": now, "exp": now + 300, "jti": "jti-5"});
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
        &claims,
        &key,
    )
    .unwrap();
    post(cc(forged)).await.expect_error(401, "invalid_client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_assertions_on_refresh_use_the_family_clock() {
    let e = okta().await;
    let g = e.grant("jwt", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    e.advance(&[rt], 86400.0).await;
    let later = real_now() + 86400;
    let r = e
        .as_client(
            "/oauth2/token",
            "jwt",
            &[("grant_type", "refresh_token"), ("refresh_token", rt)],
            later,
        )
        .await;
    r.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_responses_follow_rfc6749_section_5() {
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
async fn malformed_requests_get_the_right_errors() {
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
async fn oversized_bodies_are_refused() {
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
async fn authorize_redirects_with_code_and_state_or_error() {
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
async fn virtual_time_advances_only_the_named_family() {
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
async fn revocation_and_introspection_require_client_authentication() {
    let e = okta().await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .post_form(
            "/oauth2/introspect",
            &[("token", g.str("access_token"))],
            None,
        )
        .await;
    assert_eq!(r.status, 401);
    let r = e
        .post_form("/oauth2/revoke", &[("token", g.str("refresh_token"))], None)
        .await;
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
async fn unknown_defects_are_refused_with_the_known_list() {
    let (u, p) = refresh_conformance::emulator::DEFAULT_USER;
    let err = refresh_conformance::emulator::start(
        refresh_conformance::emulator::EmulatorConfig {
            profile: profile("okta"),
            clients: refresh_conformance::emulator::default_clients(),
            users: vec![(u.into(), p.into())],
            defects: vec!["no-such-defect".into()],
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
