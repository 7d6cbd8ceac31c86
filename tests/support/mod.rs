//! A scriptable IdP on 127.0.0.1 for the engine's own tests: each test says
//! what the token, revocation and introspection endpoints answer. It logs the
//! order requests arrive in.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Response, StatusCode, Uri};
use refresh_conformance::behaviour::Profile;
use refresh_conformance::emulator::EmulatedClient;
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::{RunEnv, RunOptions};
use refresh_conformance::run::permits::Permits;
use refresh_conformance::target::{emulated, AuthMethod, Target};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What a request looked like.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub form: HashMap<String, String>,
    pub headers: HeaderMap,
    /// The client's end of the connection the request came on.
    pub peer: std::net::SocketAddr,
}

pub type Script = Arc<dyn Fn(&Seen) -> Response<Body> + Send + Sync>;

pub struct TestIdp {
    pub base_url: String,
    pub log: Arc<Mutex<Vec<Seen>>>,
}

pub fn json(status: u16, v: serde_json::Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .header("pragma", "no-cache")
        .body(Body::from(v.to_string()))
        .unwrap()
}

pub fn raw(status: u16, content_type: &str, body: impl Into<Body>) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

/// A well-behaved token response for grants.
pub fn token_response(rt: &str) -> Response<Body> {
    json(
        200,
        serde_json::json!({"access_token": format!("at-{rt}-{}", rand::random::<u64>()), "token_type": "Bearer",
            "expires_in": 3600, "refresh_token": rt, "scope": "openid offline_access read"}),
    )
}

pub async fn start(script: Script) -> TestIdp {
    let log: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let l2 = log.clone();
    let app = axum::Router::new().fallback(
        move |axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<
            std::net::SocketAddr,
        >,
              method: Method,
              uri: Uri,
              headers: HeaderMap,
              body: String| {
            let script = script.clone();
            let log = l2.clone();
            async move {
                let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
                    .chain(url::form_urlencoded::parse(
                        uri.query().unwrap_or("").as_bytes(),
                    ))
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                let seen = Seen {
                    method: method.to_string(),
                    path: uri.path().to_string(),
                    form,
                    headers,
                    peer,
                };
                // The engine's client preflight (a bogus refresh token) gets what a
                // correct IdP answers, so scripts and request counts see only trials.
                if is_preflight(&seen) {
                    return json(400, serde_json::json!({"error": "invalid_grant"}));
                }
                log.lock().unwrap().push(seen.clone());
                script(&seen)
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, app).await;
    });
    TestIdp { base_url, log }
}

/// The engine's client preflight: a refresh with its bogus token.
pub fn is_preflight(seen: &Seen) -> bool {
    seen.form
        .get("refresh_token")
        .is_some_and(|t| t.starts_with("refresh-conformance-preflight-"))
}

pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

/// A live-style target (real clock) for a test IdP with one basic client `main`
/// and a second `other`, using the password grant.
pub fn target_for(base_url: &str, profile_toml: &str) -> Target {
    let profile = Profile::parse("test-profile", profile_toml).expect("test profile");
    let clients = vec![
        EmulatedClient {
            role: "main".into(),
            id: "main".into(),
            auth: AuthMethod::ClientSecretBasic,
            secret: Some("main-secret-canary".into()),
            public_key_pem: None,
            redirect_uris: vec![],
        },
        EmulatedClient {
            role: "other".into(),
            id: "other".into(),
            auth: AuthMethod::ClientSecretBasic,
            secret: Some("other-secret-canary".into()),
            public_key_pem: None,
            redirect_uris: vec![],
        },
    ];
    let mut t = emulated::describe(base_url, profile, &clients, Some("test-idp".into()), false);
    t.http.timeout = std::time::Duration::from_secs(2);
    t
}

/// What trials against `target` share: a redactor of its own and 4 HTTP
/// permits.
pub fn env_for(target: Target, opts: RunOptions) -> RunEnv {
    RunEnv::new(target, Arc::new(Redactor::new()), Permits::new(4), opts).unwrap()
}

pub const PROFILE: &str = r#"
name = "test"
[behaviour]
new_refresh_token = "always"
previous_refresh_token = "invalidated"
grace_period = "1s"
[scopes]
granted = "openid offline_access read"
narrower = "openid offline_access"
extra = "write"
"#;

/// Run the whole catalog against every built-in profile's emulator with
/// `defects`, in-process and in parallel; records sorted by trial name.
pub fn run_catalog(
    rt: &tokio::runtime::Runtime,
    scenarios: &Arc<Vec<refresh_conformance::scenario::Scenario>>,
    defects: &[String],
) -> Vec<refresh_conformance::record::TrialRecord> {
    rt.block_on(async {
        let permits = refresh_conformance::run::permits::Permits::new(32);
        let mut set = tokio::task::JoinSet::new();
        for profile in refresh_conformance::behaviour::builtin_profiles() {
            let target = emulated::start(profile, defects, None)
                .await
                .expect("emulator starts");
            let redactor = Arc::new(refresh_conformance::redact::Redactor::new());
            let env = Arc::new(
                RunEnv::new(target, redactor, permits.clone(), RunOptions::default()).unwrap(),
            );
            for i in 0..scenarios.len() {
                let (env, scenarios) = (env.clone(), scenarios.clone());
                set.spawn(async move {
                    let s = &scenarios[i];
                    let name = format!("{}/{}", env.target.name, s.id());
                    let skip = refresh_conformance::run::plan::applicability(&env.target, s);
                    refresh_conformance::run::execute(&env, s, name, skip).await
                });
            }
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            out.push(r.expect("trial task"));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    })
}
