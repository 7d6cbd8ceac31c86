//! An IDCS-shaped loopback server: metadata that names Oracle's global
//! issuer `https://identity.oraclecloud.com/` for the tenant, with IDCS's
//! paths. The `idcs` init template, pointed at it, loads and discovers with
//! `accept_issuer_quirk = true`, `issuer` staying the tenant's URL; without
//! it, and for a real mismatch, discovery is refused, and the message never
//! advises copying another host's issuer into the target file.

use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use refresh_conformance::behaviour::builtin_profile;
use refresh_conformance::target::discovery::discover;
use refresh_conformance::target::init::template;
use refresh_conformance::target::load::{load_target, validate_target};
use std::sync::{Arc, Mutex};

const GLOBAL_ISSUER: &str = "https://identity.oraclecloud.com/";
const TEMPLATE_HOST: &str = "https://idcs-REPLACE.identity.oraclecloud.com";

/// The `issuer` member the server's metadata names, and every path asked for.
#[derive(Clone)]
struct Idcs {
    issuer: Arc<Mutex<String>>,
    seen: Arc<Mutex<Vec<String>>>,
    base: String,
}

async fn handler(State(s): State<Idcs>, uri: Uri) -> Response {
    s.seen.lock().unwrap().push(uri.path().to_string());
    if uri.path() != "/.well-known/openid-configuration" {
        return (axum::http::StatusCode::NOT_FOUND, "not found").into_response();
    }
    // IDCS's own layout: /oauth2/v1/* and the signing keys under /admin/v1.
    let b = &s.base;
    let body = serde_json::json!({
        "issuer": *s.issuer.lock().unwrap(),
        "authorization_endpoint": format!("{b}/oauth2/v1/authorize"),
        "token_endpoint": format!("{b}/oauth2/v1/token"),
        "revocation_endpoint": format!("{b}/oauth2/v1/revoke"),
        "introspection_endpoint": format!("{b}/oauth2/v1/introspect"),
        "userinfo_endpoint": format!("{b}/oauth2/v1/userinfo"),
        "jwks_uri": format!("{b}/admin/v1/SigningCert/jwk"),
        "scopes_supported": ["openid", "profile", "offline_access", "email"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_jwt"],
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn start() -> Idcs {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let s = Idcs {
        issuer: Arc::new(Mutex::new(GLOBAL_ISSUER.to_string())),
        seen: Arc::default(),
        base,
    };
    let app = Router::new().fallback(handler).with_state(s.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    s
}

/// The `idcs` init template as printed, pointed at the server (the tenant
/// host replaced), with the client secret read from a file beside it.
fn target_file(dir: &std::path::Path, base: &str, accept: bool) -> std::path::PathBuf {
    let text = template(&builtin_profile("idcs").unwrap());
    assert!(text.contains("accept_issuer_quirk = true"), "{text}");
    let mut text = text.replace(TEMPLATE_HOST, base).replace(
        "{ env = \"IDCS_MAIN_CLIENT_SECRET\" }",
        "{ file = \"main-secret\" }",
    );
    if !accept {
        text = text.replace("accept_issuer_quirk = true", "");
    }
    std::fs::write(dir.join("main-secret"), "idcs-test-secret\n").unwrap();
    let path = dir.join("idcs.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

#[tokio::test]
async fn the_idcs_template_discovers_a_tenant_whose_metadata_names_the_global_issuer() {
    let s = start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = target_file(dir.path(), &s.base, true);
    assert_eq!(validate_target(&path), Vec::<String>::new());
    let mut t = load_target(&path).unwrap();
    assert_eq!(t.endpoints.issuer.as_deref(), Some(s.base.as_str()));
    discover(&mut t, &http()).await.unwrap();
    // `issuer` stays the tenant's URL: metadata came from the tenant only.
    assert_eq!(t.endpoints.issuer.as_deref(), Some(s.base.as_str()));
    assert_eq!(
        *s.seen.lock().unwrap(),
        vec!["/.well-known/openid-configuration"]
    );
    let b = &s.base;
    assert_eq!(t.endpoints.token, format!("{b}/oauth2/v1/token"));
    assert_eq!(
        t.endpoints.revocation,
        Some(format!("{b}/oauth2/v1/revoke"))
    );
    assert_eq!(
        t.endpoints.introspection,
        Some(format!("{b}/oauth2/v1/introspect"))
    );
    assert_eq!(
        t.endpoints.jwks,
        Some(format!("{b}/admin/v1/SigningCert/jwk"))
    );
    assert_eq!(
        t.endpoints.authorization,
        Some(format!("{b}/oauth2/v1/authorize"))
    );
    assert_eq!(
        t.scopes.granted.as_deref(),
        Some("openid offline_access urn:opc:idm:__myscopes__")
    );
}

#[tokio::test]
async fn without_accepting_the_quirk_the_message_names_it_and_never_advises_copying() {
    let s = start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = target_file(dir.path(), &s.base, false);
    let mut t = load_target(&path).unwrap();
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(
        e.contains(&format!("names issuer `{GLOBAL_ISSUER}`")),
        "{e}"
    );
    assert!(e.contains("known quirk of profile `idcs`"), "{e}");
    assert!(e.contains("accept_issuer_quirk = true"), "{e}");
    assert!(!e.contains("copy"), "{e}");
}

#[tokio::test]
async fn a_real_mismatch_is_still_refused_without_advice_to_fetch_elsewhere() {
    let s = start().await;
    *s.issuer.lock().unwrap() = "https://evil.example/".to_string();
    let dir = tempfile::tempdir().unwrap();
    // Accepting the quirk accepts Oracle's global issuer, nothing else.
    let path = target_file(dir.path(), &s.base, true);
    let mut t = load_target(&path).unwrap();
    let e = discover(&mut t, &http()).await.unwrap_err();
    assert!(e.contains("names issuer `https://evil.example/`"), "{e}");
    assert!(e.contains("must be identical"), "{e}");
    assert!(e.contains("another host"), "{e}");
    assert!(!e.contains("copy") && !e.contains("into `issuer`"), "{e}");
    assert!(t.endpoints.token.ends_with("/oauth2/v1/token"));
    assert_eq!(
        t.endpoints.jwks, None,
        "nothing is taken from the refused document"
    );
}
