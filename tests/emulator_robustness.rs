//! No form body, header or JSON may panic the emulator: proptest throws
//! arbitrary and near-valid requests at the token, revocation, introspection,
//! authorize and advance endpoints and checks every answer is a well-formed
//! HTTP response with an expected status and, for OAuth errors, a JSON error.

mod emulator_support;
use emulator_support::*;
use proptest::prelude::*;
use std::sync::OnceLock;

struct Fixture {
    rt: tokio::runtime::Runtime,
    emu: Emu,
    refresh_token: String,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (emu, refresh_token) = rt.block_on(async {
            let emu = start(profile_with("previous_refresh_token = \"valid\""), &[]).await;
            let g = emu.grant("main", GRANTED).await.ok();
            let rt = g.str("refresh_token").to_string();
            (emu, rt)
        });
        Fixture {
            rt,
            emu,
            refresh_token,
        }
    })
}

const KEYS: &[&str] = &[
    "grant_type",
    "refresh_token",
    "scope",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
    "username",
    "password",
    "code",
    "redirect_uri",
    "code_verifier",
    "nonce",
    "token",
];
const VALUES: &[&str] = &[
    "refresh_token",
    "password",
    "authorization_code",
    "client_credentials",
    "main",
    "public",
    "jwt",
    "alice",
    "alice-password",
    "openid offline_access",
    "openid write",
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    "eyJhbGciOiJFUzI1NiJ9.e30.AAAA",
    "",
    "%",
    "%ZZ",
    "+",
    "\u{0}",
    "é",
];

fn pair() -> impl Strategy<Value = (String, String)> {
    let key = prop_oneof![
        proptest::sample::select(KEYS).prop_map(str::to_string),
        "[a-z_%=&+]{0,12}"
    ];
    let value = prop_oneof![
        proptest::sample::select(VALUES).prop_map(str::to_string),
        Just("RT".to_string()),
        any::<String>(),
    ];
    (key, value)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(pair(), 0..8).prop_map(|pairs| {
            let rt = &fixture().refresh_token;
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in &pairs {
                s.append_pair(k, if v == "RT" { rt } else { v });
            }
            s.finish().into_bytes()
        }),
        proptest::collection::vec(any::<u8>(), 0..512),
    ]
}

fn authorization() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        Just(Some(basic("main", "main-secret").into_bytes())),
        "Basic [A-Za-z0-9+/=:%]{0,40}".prop_map(|s| Some(s.into_bytes())),
        proptest::collection::vec(32u8..127, 0..64).prop_map(Some),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(Some("application/x-www-form-urlencoded".to_string())),
        Just(None),
        "[ -~]{0,40}".prop_map(Some),
    ]
}

fn send(
    path: &str,
    method: reqwest::Method,
    body: Vec<u8>,
    auth: Option<Vec<u8>>,
    ct: Option<String>,
) -> (u16, String, Option<String>) {
    let f = fixture();
    f.rt.block_on(async {
        let mut req = f.emu.http.request(method, f.emu.url(path)).body(body);
        if let Some(a) = auth.and_then(|a| reqwest::header::HeaderValue::from_bytes(&a).ok()) {
            req = req.header("authorization", a);
        }
        if let Some(c) = ct.and_then(|c| reqwest::header::HeaderValue::from_str(&c).ok()) {
            req = req.header("content-type", c);
        }
        let r = req
            .send()
            .await
            .expect("the emulator answers (no panic, no dropped connection)");
        let status = r.status().as_u16();
        let ctype = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (status, r.text().await.unwrap(), ctype)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn token_endpoint_never_panics(body in body(), auth in authorization(), ct in content_type(), get in any::<bool>()) {
        let method = if get { reqwest::Method::GET } else { reqwest::Method::POST };
        let (status, text, ctype) = send("/oauth2/token", method, body, auth, ct);
        prop_assert!([200, 400, 401, 405, 413].contains(&status), "status {status}: {text}");
        prop_assert!(ctype.unwrap_or_default().starts_with("application/json"));
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON body");
        if status != 200 {
            prop_assert!(v["error"].is_string(), "{text}");
        } else {
            prop_assert!(v["access_token"].is_string(), "{text}");
        }
    }

    #[test]
    fn other_endpoints_never_panic(body in body(), auth in authorization(), which in 0usize..4) {
        let path = ["/oauth2/revoke", "/oauth2/introspect", "/oauth2/authorize", "/_emulator/advance"][which];
        let (status, text, _) = send(path, reqwest::Method::POST, body, auth, Some("application/x-www-form-urlencoded".into()));
        prop_assert!([200, 302, 400, 401, 413, 415, 422].contains(&status), "{path}: status {status}: {text}");
    }

    #[test]
    fn advance_accepts_only_well_formed_json(tokens in proptest::collection::vec(any::<String>(), 0..4), seconds in any::<f64>()) {
        let body = serde_json::json!({"tokens": tokens, "seconds": seconds}).to_string().into_bytes();
        let (status, text, _) = send("/_emulator/advance", reqwest::Method::POST, body, None, Some("application/json".into()));
        let ok = seconds.is_finite() && (0.0..=1e10).contains(&seconds);
        prop_assert_eq!(status, if ok { 200 } else { 400 }, "{}", text);
    }
}
