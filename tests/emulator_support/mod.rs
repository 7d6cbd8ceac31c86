//! Shared helpers for the emulator's HTTP-level tests: start an emulator on
//! 127.0.0.1, talk to it as each default client, advance virtual time.
#![allow(dead_code)]

use base64::Engine;
use refresh_conformance::behaviour::{builtin_profile, Profile};
use refresh_conformance::emulator::{self, EmulatorConfig};
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};

pub const GRANTED: &str = "openid offline_access profile read";
pub const NARROWER: &str = "openid offline_access";
/// The PKCE code verifier of the `public` client's authorizations.
pub const CODE_VERIFIER: &str = "a-long-enough-code-verifier-for-pkce-0123456789";

pub struct Emu {
    pub base: String,
    pub http: reqwest::Client,
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    pub fn error(&self) -> Option<&str> {
        self.json.get("error").and_then(Value::as_str)
    }
    pub fn str(&self, k: &str) -> &str {
        self.json
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no `{k}` in {}", self.text))
    }
    pub fn opt(&self, k: &str) -> Option<&str> {
        self.json.get(k).and_then(Value::as_str)
    }
    pub fn header(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }
    pub fn scope_set(&self) -> Vec<String> {
        let mut v: Vec<String> = self.str("scope").split(' ').map(str::to_string).collect();
        v.sort();
        v
    }
    #[track_caller]
    pub fn ok(self) -> Resp {
        assert_eq!(
            self.status, 200,
            "expected 200, got {}: {}",
            self.status, self.text
        );
        self
    }
    #[track_caller]
    pub fn expect_error(&self, status: u16, error: &str) {
        assert_eq!(
            (self.status, self.error()),
            (status, Some(error)),
            "body: {}",
            self.text
        );
    }
}

pub fn sorted(scope: &str) -> Vec<String> {
    let mut v: Vec<String> = scope.split(' ').map(str::to_string).collect();
    v.sort();
    v
}

pub fn profile(name: &str) -> Profile {
    builtin_profile(name).unwrap_or_else(|| panic!("no built-in profile {name}"))
}

/// A profile from `[behaviour]` lines over RFC-ish defaults.
pub fn profile_with(behaviour: &str) -> Profile {
    let text = format!("name = \"test\"\n[behaviour]\n{behaviour}\n");
    Profile::parse("test-profile", &text).expect("test profile parses")
}

pub async fn start(profile: Profile, defects: &[&str]) -> Emu {
    let (u, p) = emulator::DEFAULT_USER;
    let config = EmulatorConfig {
        profile,
        clients: emulator::default_clients(),
        users: vec![(u.into(), p.into())],
        defects: defects.iter().map(|d| d.to_string()).collect(),
        token_bytes: None,
    };
    let handle = emulator::start(config, 0).await.expect("emulator starts");
    Emu {
        base: handle.base_url,
        http: reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

pub fn real_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A client assertion for the `jwt` client, signed with the shipped test key.
pub fn assertion(aud: &str, now: i64, jti: &str) -> String {
    let claims = serde_json::json!({
        "iss": "jwt", "sub": "jwt", "aud": aud, "iat": now, "exp": now + 300, "jti": jti,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some(emulator::TEST_CLIENT_KEY_KID.into());
    let key =
        jsonwebtoken::EncodingKey::from_ec_pem(emulator::TEST_CLIENT_PRIVATE_KEY_PEM.as_bytes())
            .unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

pub fn basic(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
    )
}

impl Emu {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let r = req.send().await.expect("request reaches the emulator");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            text,
            json,
        }
    }

    /// POST a raw form to `path`.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        authorization: Option<String>,
    ) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut req = self
            .http
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(a) = authorization {
            req = req.header("authorization", a);
        }
        self.send(req).await
    }

    /// POST to `path` authenticated as `client` (its registered method);
    /// `clock` is the time client assertions are made at.
    pub async fn as_client(
        &self,
        path: &str,
        client: &str,
        form: &[(&str, &str)],
        clock: i64,
    ) -> Resp {
        let mut form: Vec<(&str, &str)> = form.to_vec();
        let jwt;
        let mut auth = None;
        match client {
            "main" => auth = Some(basic("main", "main-secret")),
            "other" => auth = Some(basic("other", "other-secret")),
            "post" => form.extend([("client_id", "post"), ("client_secret", "post-secret")]),
            "public" => form.push(("client_id", "public")),
            "jwt" => {
                jwt = assertion(&self.url("/oauth2/token"), clock, &format!("{}", rand_id()));
                form.extend([
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", jwt.as_str()),
                ]);
            }
            other => panic!("unknown test client {other}"),
        }
        self.post_form(path, &form, auth).await
    }

    pub async fn token(&self, client: &str, form: &[(&str, &str)]) -> Resp {
        self.as_client("/oauth2/token", client, form, real_now())
            .await
    }

    /// A fresh grant for `client`: password grant, or authorize + PKCE for `public`.
    pub async fn grant(&self, client: &str, scope: &str) -> Resp {
        if client == "public" {
            return self.code_grant(scope, None).await;
        }
        self.token(
            client,
            &[
                ("grant_type", "password"),
                ("username", "alice"),
                ("password", "alice-password"),
                ("scope", scope),
            ],
        )
        .await
    }

    /// Authorize as `public` (alice, PKCE with `CODE_VERIFIER`): the code.
    pub async fn authorize(&self, scope: &str, nonce: Option<&str>) -> String {
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            <sha2::Sha256 as sha2::Digest>::digest(CODE_VERIFIER.as_bytes()),
        );
        let mut q = vec![
            ("response_type", "code"),
            ("client_id", "public"),
            ("redirect_uri", "http://127.0.0.1/callback"),
            ("scope", scope),
            ("state", "st"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("username", "alice"),
            ("password", "alice-password"),
        ];
        if let Some(n) = nonce {
            q.push(("nonce", n));
        }
        let r = self
            .send(self.http.get(self.url("/oauth2/authorize")).query(&q))
            .await;
        assert_eq!(r.status, 302, "authorize: {}", r.text);
        let location = url::Url::parse(r.header("location").unwrap()).unwrap();
        location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .to_string()
    }

    pub async fn code_grant(&self, scope: &str, nonce: Option<&str>) -> Resp {
        let code = self.authorize(scope, nonce).await;
        self.token(
            "public",
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1/callback"),
                ("code_verifier", CODE_VERIFIER),
            ],
        )
        .await
    }

    pub async fn refresh(&self, client: &str, rt: &str, scope: Option<&str>) -> Resp {
        let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", rt)];
        if let Some(s) = scope {
            form.push(("scope", s));
        }
        self.token(client, &form).await
    }

    /// A grant as `main`, two rotations, then the grant's refresh token
    /// again: two generations back, still inside any grace window.
    pub async fn refresh_two_generations_back(&self) -> Resp {
        let g = self.grant("main", GRANTED).await.ok();
        let r1 = self
            .refresh("main", g.str("refresh_token"), None)
            .await
            .ok();
        self.refresh("main", r1.str("refresh_token"), None)
            .await
            .ok();
        self.refresh("main", g.str("refresh_token"), None).await
    }

    pub async fn advance(&self, tokens: &[&str], seconds: f64) -> u64 {
        let r = self
            .send(
                self.http
                    .post(self.url("/_emulator/advance"))
                    .json(&serde_json::json!({"tokens": tokens, "seconds": seconds})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["advanced"].as_u64().unwrap()
    }

    pub async fn introspect(&self, token: &str) -> Value {
        let r = self
            .as_client(
                "/oauth2/introspect",
                "main",
                &[("token", token)],
                real_now(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json
    }

    pub async fn active(&self, token: &str) -> bool {
        self.introspect(token).await["active"] == Value::Bool(true)
    }

    pub async fn revoke(&self, client: &str, token: &str) -> Resp {
        self.as_client("/oauth2/revoke", client, &[("token", token)], real_now())
            .await
    }

    /// Introspection of `token` with no client authentication at all.
    pub async fn introspect_anonymously(&self, token: &str) -> Resp {
        self.post_form("/oauth2/introspect", &[("token", token)], None)
            .await
    }

    /// Revocation of `token` with no client authentication at all.
    pub async fn revoke_anonymously(&self, token: &str) -> Resp {
        self.post_form("/oauth2/revoke", &[("token", token)], None)
            .await
    }
}

pub fn rand_id() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    (real_now() as u128) << 64 | N.fetch_add(1, Ordering::Relaxed) as u128
}

/// The claims of a JWT, unverified.
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}
