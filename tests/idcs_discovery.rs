//! An IDCS-shaped loopback server: metadata that names Oracle's global
//! issuer `https://identity.oraclecloud.com/` for the tenant, with IDCS's
//! paths. The `idcs` init template, pointed at it, loads and discovers with
//! `accept_issuer_quirk = true`, `issuer` staying the tenant's URL; without
//! it, and for a real mismatch, discovery is refused, and the message never
//! advises copying another host's issuer into the target file.
//!
//! Live, the server's IDCS paths are served by an emulator of the `idcs`
//! profile behind it: the template as printed (URL and secrets filled in, a
//! password grant) is probed and runs the catalog, every trial passing or
//! skipping with a reason.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Uri};
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
    /// An emulator serving IDCS's paths, when the test goes live.
    upstream: Arc<Mutex<Option<String>>>,
}

/// IDCS's paths and the emulator's.
const PATHS: &[(&str, &str)] = &[
    ("/oauth2/v1/token", "/oauth2/token"),
    ("/oauth2/v1/revoke", "/oauth2/revoke"),
    ("/oauth2/v1/introspect", "/oauth2/introspect"),
    ("/oauth2/v1/authorize", "/oauth2/authorize"),
    ("/admin/v1/SigningCert/jwk", "/oauth2/jwks"),
];

/// An IDCS path passed on to the emulator, as it came.
async fn forward(
    upstream: &str,
    to: &str,
    method: Method,
    uri: &Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let mut req = http()
        .request(method, format!("{upstream}{to}{query}"))
        .body(body);
    for name in [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT] {
        if let Some(v) = headers.get(&name) {
            req = req.header(name, v);
        }
    }
    let Ok(r) = req.send().await else {
        return (axum::http::StatusCode::BAD_GATEWAY, "upstream").into_response();
    };
    let status = r.status();
    let mut out = HeaderMap::new();
    for (k, v) in r.headers() {
        if k != header::CONTENT_LENGTH && k != header::TRANSFER_ENCODING && k != header::CONNECTION
        {
            out.insert(k.clone(), v.clone());
        }
    }
    let body = r.bytes().await.unwrap_or_default();
    (status, out, body).into_response()
}

async fn handler(
    State(s): State<Idcs>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.seen.lock().unwrap().push(uri.path().to_string());
    let upstream = s.upstream.lock().unwrap().clone();
    if let (Some(up), Some((_, to))) = (upstream, PATHS.iter().find(|(p, _)| *p == uri.path())) {
        return forward(&up, to, method, &uri, headers, body).await;
    }
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
        upstream: Arc::default(),
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

/// The template filled in as a user would: the tenant's URL (done by
/// `target_file`), the client's id, a password grant for it.
fn live_target_file(dir: &std::path::Path, base: &str) -> std::path::PathBuf {
    let path = target_file(dir, base, true);
    let mut out = String::new();
    for line in std::fs::read_to_string(&path).unwrap().lines() {
        if line.starts_with("id = \"REPLACE-main") {
            out.push_str("id = \"main\"\n");
        } else if line.starts_with("kind = \"command\"") {
            out.push_str(
                "kind = \"password\"\nusername = \"alice\"\npassword = { file = \"password\" }\n",
            );
        } else if !line.starts_with("command = [\"./login.sh\"") {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(dir.join("main-secret"), "main-secret\n").unwrap();
    std::fs::write(dir.join("password"), "alice-password\n").unwrap();
    std::fs::write(&path, out).unwrap();
    path
}

/// `refresh-conformance ARGS...` (the binary), off the async runtime.
async fn binary(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_refresh-conformance"))
            .args(&args)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_idcs_template_probes_and_runs_live_against_an_idcs_shaped_server() {
    use refresh_conformance::emulator::{default_clients, start as emulate, EmulatorConfig};
    let emu = emulate(
        EmulatorConfig {
            profile: builtin_profile("idcs").unwrap(),
            clients: default_clients(),
            users: vec![("alice".into(), "alice-password".into())],
            defects: vec![],
            token_bytes: None,
        },
        0,
    )
    .await
    .unwrap();
    let s = start().await;
    *s.upstream.lock().unwrap() = Some(emu.base_url.clone());
    let dir = tempfile::tempdir().unwrap();
    let path = live_target_file(dir.path(), &s.base).display().to_string();
    let probe = binary(vec![
        "probe".into(),
        "--target".into(),
        path.clone(),
        "--max-wait".into(),
        "2s".into(),
    ])
    .await;
    let block = String::from_utf8_lossy(&probe.stdout).into_owned();
    assert_eq!(
        probe.status.code(),
        Some(0),
        "{block}{}",
        String::from_utf8_lossy(&probe.stderr)
    );
    // IDCS's scopes, its offline_access rule, its paths: all went through.
    assert!(block.contains("offline_access_required = true  # seen: a grant without offline_access carried no refresh token; agrees"), "{block}");
    assert!(
        block.contains("introspects_refresh_tokens = true"),
        "{block}"
    );
    assert!(!block.contains("main-secret") && !block.contains("alice-password"));
    let seen = s.seen.lock().unwrap().clone();
    for (idcs_path, _) in &PATHS[..3] {
        assert!(
            seen.iter().any(|p| p == idcs_path),
            "{idcs_path} never asked: {seen:?}"
        );
    }
    let text = std::fs::read_to_string(&path).unwrap() + "\n" + &block.replace("[behaviour]\n", "");
    std::fs::write(&path, text).unwrap();
    let junit = dir.path().join("junit.xml").display().to_string();
    let run = binary(vec![
        "run".into(),
        "-q".into(),
        "--target".into(),
        path,
        "--junit".into(),
        junit.clone(),
    ])
    .await;
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let cases = xml.matches("<testcase").count();
    let skipped = xml.matches("<skipped").count();
    eprintln!("idcs live: {cases} trials, {skipped} skipped");
    assert!(
        cases > 40 && cases - skipped >= 35,
        "{cases} trials, {skipped} skipped:\n{out}"
    );
}
