//! Endpoint discovery against a tiny metadata server on 127.0.0.1:0.

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use refresh_conformance::behaviour::Profile;
use refresh_conformance::target::discovery::discover;
use refresh_conformance::target::{Clock, Endpoints, HttpSettings, Scopes, Target};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// status, content type, body
type Answer = (u16, &'static str, String);

/// What the server answers at which path; every request path is recorded.
#[derive(Clone, Default)]
struct Server {
    routes: Arc<Mutex<BTreeMap<String, Answer>>>,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn handler(State(s): State<Server>, uri: Uri) -> Response {
    s.seen.lock().unwrap().push(uri.path().to_string());
    match s.routes.lock().unwrap().get(uri.path()) {
        Some((status, ctype, body)) => (
            StatusCode::from_u16(*status).unwrap(),
            [(header::CONTENT_TYPE, *ctype)],
            body.clone(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

async fn start() -> (String, Server) {
    let server = Server::default();
    let app = Router::new().fallback(handler).with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, server)
}

fn route(s: &Server, path: &str, status: u16, ctype: &'static str, body: String) {
    s.routes
        .lock()
        .unwrap()
        .insert(path.to_string(), (status, ctype, body));
}

fn metadata(issuer: &str) -> String {
    serde_json::json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/v1/token"),
        "revocation_endpoint": format!("{issuer}/v1/revoke"),
        "introspection_endpoint": format!("{issuer}/v1/introspect"),
        "authorization_endpoint": format!("{issuer}/v1/authorize"),
        "jwks_uri": format!("{issuer}/v1/keys"),
    })
    .to_string()
}

fn target(issuer: &str) -> Target {
    Target {
        name: "disc".into(),
        profile: Profile::parse("p.toml", "name = \"p\"").unwrap(),
        behaviour: Default::default(),
        endpoints: Endpoints {
            issuer: Some(issuer.into()),
            ..Default::default()
        },
        clients: BTreeMap::new(),
        scopes: Scopes::default(),
        http: HttpSettings::default(),
        clock: Clock::Real,
        live: true,
        baseline: BTreeMap::new(),
        secrets: vec![],
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn issuer_without_path_uses_openid_configuration() {
    let (base, s) = start().await;
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "application/json",
        metadata(&base),
    );
    let mut t = target(&base);
    discover(&mut t, &http()).await.unwrap();
    assert_eq!(t.endpoints.token, format!("{base}/v1/token"));
    assert_eq!(t.endpoints.revocation, Some(format!("{base}/v1/revoke")));
    assert_eq!(
        t.endpoints.introspection,
        Some(format!("{base}/v1/introspect"))
    );
    assert_eq!(
        t.endpoints.authorization,
        Some(format!("{base}/v1/authorize"))
    );
    assert_eq!(t.endpoints.jwks, Some(format!("{base}/v1/keys")));
}

#[tokio::test]
async fn issuer_with_path_falls_back_to_rfc8414_inserted_form() {
    let (base, s) = start().await;
    let issuer = format!("{base}/tenant1");
    route(
        &s,
        "/.well-known/oauth-authorization-server/tenant1",
        200,
        "application/json",
        metadata(&issuer),
    );
    let mut t = target(&issuer);
    // Explicit values in the file win.
    t.endpoints.revocation = Some("https://explicit.example/revoke".into());
    discover(&mut t, &http()).await.unwrap();
    assert_eq!(t.endpoints.token, format!("{issuer}/v1/token"));
    assert_eq!(
        t.endpoints.revocation.as_deref(),
        Some("https://explicit.example/revoke")
    );
    assert_eq!(
        *s.seen.lock().unwrap(),
        vec![
            "/tenant1/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server/tenant1"
        ]
    );
}

#[tokio::test]
async fn issuer_with_path_openid_configuration_appended() {
    let (base, s) = start().await;
    let issuer = format!("{base}/oauth2/default");
    route(
        &s,
        "/oauth2/default/.well-known/openid-configuration",
        200,
        "application/json",
        metadata(&issuer),
    );
    let mut t = target(&issuer);
    discover(&mut t, &http()).await.unwrap();
    assert_eq!(t.endpoints.token, format!("{issuer}/v1/token"));
}

#[tokio::test]
async fn html_answer_is_a_clear_error() {
    let (base, s) = start().await;
    let html = "<!doctype html><html><body>Sign in</body></html>".to_string();
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "text/html; charset=utf-8",
        html.clone(),
    );
    route(
        &s,
        "/.well-known/oauth-authorization-server",
        200,
        "text/html",
        html,
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(
        e.contains(&format!(
            "GET {base}/.well-known/openid-configuration: answered HTML"
        )),
        "{e}"
    );
    assert!(e.contains("is the issuer URL right?"), "{e}");
    assert!(e.contains("token_endpoint"), "{e}");
}

#[tokio::test]
async fn not_found_and_non_json_name_each_url() {
    let (base, s) = start().await;
    route(
        &s,
        "/.well-known/oauth-authorization-server",
        200,
        "application/json",
        "{not json".into(),
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(
        e.contains(&format!(
            "GET {base}/.well-known/openid-configuration: HTTP 404"
        )),
        "{e}"
    );
    assert!(e.contains(&format!("GET {base}/.well-known/oauth-authorization-server: answered something that is not JSON")), "{e}");
}

#[tokio::test]
async fn issuer_mismatch_is_refused() {
    let (base, s) = start().await;
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "application/json",
        metadata("https://other.example"),
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(e.contains("names issuer `https://other.example`"), "{e}");
    assert!(e.contains("must be identical"), "{e}");
}

#[tokio::test]
async fn oversized_metadata_is_refused() {
    let (base, s) = start().await;
    let big = format!(
        "{{\"issuer\": \"{base}\", \"pad\": \"{}\"}}",
        "x".repeat(2 << 20)
    );
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "application/json",
        big,
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(e.contains("larger than 1 MiB"), "{e}");
}

#[tokio::test]
async fn explicit_token_endpoint_tolerates_missing_metadata() {
    let (base, _s) = start().await;
    let mut t = target(&base);
    t.endpoints.token = format!("{base}/token");
    discover(&mut t, &http()).await.unwrap();
    assert_eq!(t.endpoints.token, format!("{base}/token"));
    assert_eq!(t.endpoints.revocation, None);
}

#[tokio::test]
async fn no_issuer_needs_token_endpoint() {
    let mut t = target("https://unused.example");
    t.endpoints.issuer = None;
    assert!(discover(&mut t, &http())
        .await
        .unwrap_err()
        .contains("neither `issuer` nor `token_endpoint`"));
    t.endpoints.token = "https://idp.example/token".into();
    discover(&mut t, &http()).await.unwrap();
}

#[tokio::test]
async fn connection_refused_is_reported() {
    // Bind and drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut t = target(&format!("http://127.0.0.1:{port}"));
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(e.contains("cannot connect"), "{e}");
}

/// Metadata whose token endpoint is `token` and every other endpoint the issuer's.
fn metadata_with_token(issuer: &str, token: &str) -> String {
    let mut m: serde_json::Value = serde_json::from_str(&metadata(issuer)).unwrap();
    m["token_endpoint"] = token.into();
    m.to_string()
}

#[tokio::test]
async fn a_discovered_endpoint_on_another_port_is_refused_unless_allowed() {
    let (base, s) = start().await;
    let (elsewhere, other) = start().await;
    let token = format!("{elsewhere}/v1/token");
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "application/json",
        metadata_with_token(&base, &token),
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(
        e.contains("`token_endpoint`")
            && e.contains("refused")
            && e.contains("allowed_endpoint_hosts"),
        "{e}"
    );
    assert!(t.endpoints.token.is_empty(), "nothing is filled in");
    // Allowed by host:port: used, and the run is told.
    let mut t = target(&base);
    t.endpoints.allowed_hosts = vec![elsewhere.trim_start_matches("http://").to_string()];
    let notes = discover(&mut t, &http()).await.unwrap();
    assert_eq!(t.endpoints.token, token);
    assert!(
        notes.len() == 1 && notes[0].contains("`allowed_endpoint_hosts` allows"),
        "{notes:?}"
    );
    assert!(
        other.seen.lock().unwrap().is_empty(),
        "discovery itself never calls it"
    );
}

#[tokio::test]
async fn a_discovered_endpoint_with_userinfo_is_refused_even_on_the_same_host() {
    let (base, s) = start().await;
    let token = base.replace("http://", "http://user:pw@") + "/v1/token";
    route(
        &s,
        "/.well-known/openid-configuration",
        200,
        "application/json",
        metadata_with_token(&base, &token),
    );
    let mut t = target(&base);
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(e.contains("carries credentials"), "{e}");
}
