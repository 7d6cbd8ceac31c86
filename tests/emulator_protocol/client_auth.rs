//! Client authentication at the emulator: every method, Basic encoding, failures, assertions.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn every_client_authentication_method_refreshes() {
    let e = okta().await;
    for client in ["main", "post", "other", "public", "jwt"] {
        let g = e.grant(client, GRANTED).await.ok();
        let r = e.refresh(client, g.str("refresh_token"), None).await.ok();
        assert_eq!(r.str("token_type"), "Bearer", "{client}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn basic_credentials_are_form_urlencoded() {
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
            token_bytes: None,
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
pub(crate) async fn bad_basic_secret_is_401_with_a_basic_challenge() {
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
pub(crate) async fn client_authentication_failures() {
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
pub(crate) async fn private_key_jwt_assertions_are_checked() {
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
    // An expiry a day ahead would keep its jti remembered for a day.
    let claims = serde_json::json!({"iss": "jwt", "sub": "jwt", "aud": aud, "iat": now, "exp": now + 86_400, "jti": "jti-6"});
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(refresh_conformance::emulator::TEST_CLIENT_KEY_KID.into());
    let key = jsonwebtoken::EncodingKey::from_ec_pem(
        refresh_conformance::emulator::TEST_CLIENT_PRIVATE_KEY_PEM.as_bytes(),
    )
    .unwrap();
    let long_lived = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    post(cc(long_lived))
        .await
        .expect_error(401, "invalid_client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
pub(crate) async fn client_assertions_on_refresh_use_the_family_clock() {
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
