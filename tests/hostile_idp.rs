//! Hostile IdP responses (issue 9). A raw HTTP/1.1 server on 127.0.0.1 answers
//! grants correctly and then answers the token, revocation and introspection
//! endpoints with one hostile response per case. Each test runs real
//! scenarios through the runner (small ones written here, plus catalog files
//! loaded from the repository) and checks that every trial ends as the
//! mapping in docs/when-things-go-wrong.md says — fail when the IdP broke a
//! rule a scenario checks, error when the harness could not judge — with a
//! message naming the cause, that the run goes on, that no token value
//! reaches a record or the JUnit file, that the JUnit file is valid, and that
//! the whole run finishes in bounded time.

mod support;

use refresh_conformance::record::{Outcome, TrialRecord};
use refresh_conformance::redact::Redactor;
use refresh_conformance::run::env::RunOptions;
use refresh_conformance::run::plan::Filters;
use refresh_conformance::run::runner::{self, Console};
use refresh_conformance::scenario::load::load_text;
use refresh_conformance::scenario::Scenario;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Per-request timeout of the test target (the trickle and the hang end here).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);
/// Per-trial timeout.
const TRIAL_TIMEOUT: Duration = Duration::from_secs(8);
/// A whole case (five or six trials, run concurrently) must finish within this.
const RUN_BOUND: Duration = Duration::from_secs(25);

// ---------------------------------------------------------------- scenarios

/// What the catalog checks of a refresh response: status, media type, fields,
/// and `expires_in` as a positive number of seconds under a year.
const TOKEN: &str = r#"
id = "hostile/token-response"
title = "A refresh is answered with a JSON token response"
refs = ["rfc6749#5.1"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
name = "rotate"
refresh = { token = "{{grant.refresh_token}}" }
expect = { status = 200, content_type = "application/json", present = ["access_token"], json = { "$.expires_in" = { type = "number", gt = 0, le = 31536000 } } }
"#;

/// A revocation is 200 whatever the body (RFC 7009 §2.2: the client ignores
/// it); a request without `token` is a 400 JSON `invalid_request` (§2.2.1).
const REVOCATION: &str = r#"
id = "hostile/revocation"
title = "Revocation answers 200, and a malformed revocation request a JSON error"
refs = ["rfc7009#2.2", "rfc7009#2.2.1", "rfc6749#5.2"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
revoke = { token = "{{grant.refresh_token}}", token_type_hint = "refresh_token" }
expect = { status = 200 }
[[step]]
name = "no_token"
request = { endpoint = "revocation", auth = "default", form = { token_type_hint = "refresh_token" } }
expect = { status = 400, content_type = "application/json", error = "invalid_request" }
"#;

const INTROSPECTION: &str = r#"
id = "hostile/introspection"
title = "Introspection answers a JSON object with a boolean active"
refs = ["rfc7662#2.2"]
level = "must"
[[step]]
grant = {}
expect = { status = 200, present = ["refresh_token"] }
[[step]]
introspect = { token = "{{grant.refresh_token}}", token_type_hint = "refresh_token" }
expect = { status = 200, content_type = "application/json", active = true }
"#;

/// Catalog files run as they ship.
const CATALOG: &[&str] = &["issuance/expires-in-number", "issuance/expires-in-seconds"];

fn scenarios() -> Vec<Scenario> {
    let mut out: Vec<Scenario> = [
        ("token.toml", TOKEN),
        ("revocation.toml", REVOCATION),
        ("introspection.toml", INTROSPECTION),
    ]
    .iter()
    .map(|(origin, text)| load_text(origin, text, false, false).unwrap_or_else(|e| panic!("{e:?}")))
    .collect();
    for id in CATALOG {
        let origin = format!("scenarios/{id}.toml");
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&origin)).unwrap();
        out.push(load_text(&origin, &text, false, true).unwrap_or_else(|e| panic!("{e:?}")));
    }
    out
}

// ---------------------------------------------------------------- the server

#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    Html200,
    Html500,
    Truncated,
    Empty,
    Huge,
    Trickle,
    Reset,
    Hang,
    TooMany {
        retry_after: u64,
    },
    /// 429 (Retry-After: 0) the first time a token is presented, then the right answer.
    TooManyOnce,
    Unavailable,
    WrongContentType,
    DuplicateKeys,
    NonUtf8,
    ExpiresString,
    ExpiresNegative,
    ExpiresHuge,
    ErrorWith200,
    Redirect {
        status: u16,
    },
    /// Every answer correct (the TLS control).
    Good,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Endpoint {
    Token,
    Revocation,
    Introspection,
}

struct Req {
    path: String,
    form: HashMap<String, String>,
}

struct State {
    case: Case,
    /// Where redirects point: a second listener that must never be contacted.
    elsewhere: String,
    next: AtomicUsize,
    /// Requests that got the case's hostile answer.
    hostile: AtomicUsize,
    presented: Mutex<HashSet<String>>,
}

struct Hostile {
    base_url: String,
    state: Arc<State>,
    /// Connections the other origin accepted.
    elsewhere_hits: Arc<AtomicUsize>,
}

async fn start(case: Case) -> Hostile {
    let (elsewhere, elsewhere_hits) = start_elsewhere().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let state = Arc::new(State {
        case,
        elsewhere,
        next: AtomicUsize::new(0),
        hostile: AtomicUsize::new(0),
        presented: Mutex::default(),
    });
    let s = state.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if case == Case::Reset {
                // Dropping the socket then sends an RST instead of a FIN.
                stream.set_zero_linger().unwrap();
            }
            let s = s.clone();
            tokio::spawn(async move { serve(stream, s).await });
        }
    });
    Hostile {
        base_url,
        state,
        elsewhere_hits,
    }
}

/// The "other origin" of the redirect cases: counts connections, answers nothing useful.
async fn start_elsewhere() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/oauth2/token", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            h.fetch_add(1, Ordering::SeqCst);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    (url, hits)
}

/// Read one request (bounded: 64 KiB of headers, 1 MiB of body, 10 s).
async fn read_request<S: AsyncRead + Unpin>(r: &mut BufReader<S>) -> Option<Req> {
    let fut = async {
        let mut line = String::new();
        r.read_line(&mut line).await.ok()?;
        let path = line.split_whitespace().nth(1)?.to_string();
        let mut len = 0usize;
        let mut header_bytes = 0;
        loop {
            let mut h = String::new();
            let n = r.read_line(&mut h).await.ok()?;
            header_bytes += n;
            if n == 0 || header_bytes > 64 << 10 {
                return None;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().ok()?;
                }
            }
        }
        if len > 1 << 20 {
            return None;
        }
        let mut body = vec![0; len];
        r.read_exact(&mut body).await.ok()?;
        let query = path
            .split_once('?')
            .map(|(_, q)| q.to_string())
            .unwrap_or_default();
        let form = url::form_urlencoded::parse(&body)
            .chain(url::form_urlencoded::parse(query.as_bytes()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Some(Req {
            path: path.split('?').next().unwrap_or("").to_string(),
            form,
        })
    };
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .ok()
        .flatten()
}

fn response(status: u16, content_type: &str, extra: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\n", body.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// The right answer of an endpoint: (status, JSON body or None for an empty body).
fn correct(endpoint: Endpoint, req: &Req, n: usize) -> (u16, Option<serde_json::Value>) {
    match endpoint {
        Endpoint::Token => (
            200,
            Some(
                serde_json::json!({"access_token": format!("AT-{n}-canary-access-token"), "token_type": "Bearer",
                "expires_in": 3600, "refresh_token": format!("RT-{n}-canary-refresh-token"), "scope": "openid offline_access read"}),
            ),
        ),
        Endpoint::Revocation if req.form.contains_key("token") => (200, None),
        Endpoint::Revocation => (
            400,
            Some(
                serde_json::json!({"error": "invalid_request", "error_description": "token is missing"}),
            ),
        ),
        Endpoint::Introspection => (
            200,
            Some(
                serde_json::json!({"active": true, "scope": "openid offline_access read", "client_id": "main", "token_type": "refresh_token"}),
            ),
        ),
    }
}

/// The checked member of an endpoint's answer, and a conflicting second value for it.
fn checked_member(endpoint: Endpoint) -> (&'static str, &'static str) {
    match endpoint {
        Endpoint::Token => ("expires_in", "\"3600\""),
        Endpoint::Revocation => ("error", "\"server_error\""),
        Endpoint::Introspection => ("active", "false"),
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, state: Arc<State>) {
    let mut r = BufReader::new(stream);
    // Bounded: a connection serves at most 100 requests.
    for _ in 0..100 {
        let Some(req) = read_request(&mut r).await else {
            return;
        };
        let n = state.next.fetch_add(1, Ordering::SeqCst);
        let endpoint = match req.path.as_str() {
            "/oauth2/token" => Endpoint::Token,
            "/oauth2/revoke" => Endpoint::Revocation,
            "/oauth2/introspect" => Endpoint::Introspection,
            _ => {
                let _ = r
                    .get_mut()
                    .write_all(&response(404, "text/plain", &[], b"not found"))
                    .await;
                continue;
            }
        };
        // Grants are answered correctly: the trial reaches the hostile step.
        if endpoint == Endpoint::Token
            && req.form.get("grant_type").map(String::as_str) == Some("password")
        {
            let (st, body) = correct(endpoint, &req, n);
            let _ = r
                .get_mut()
                .write_all(&response(
                    st,
                    "application/json",
                    &[],
                    body.unwrap().to_string().as_bytes(),
                ))
                .await;
            continue;
        }
        // The client preflight presents a token this IdP never issued: it gets the
        // right answer (invalid_grant), so every count below is about the trials' requests.
        let presented = req.form.get("refresh_token").or(req.form.get("token"));
        if presented.is_some_and(|t| !t.starts_with("RT-")) {
            let body = serde_json::json!({"error": "invalid_grant"}).to_string();
            let (st, body) = if endpoint == Endpoint::Token {
                (400, body)
            } else {
                (200, "{}".to_string())
            };
            let _ = r
                .get_mut()
                .write_all(&response(st, "application/json", &[], body.as_bytes()))
                .await;
            continue;
        }
        if !answer(&mut r, &state, endpoint, &req, n).await {
            return;
        }
    }
}

/// Answer one non-grant request; false when the connection is finished.
async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    state: &State,
    endpoint: Endpoint,
    req: &Req,
    n: usize,
) -> bool {
    let presented = req
        .form
        .get("refresh_token")
        .or(req.form.get("token"))
        .cloned()
        .unwrap_or_default();
    let (status, body) = correct(endpoint, req, n);
    let body_text = body.as_ref().map(|b| b.to_string()).unwrap_or_default();
    let w = r.get_mut();
    let counts = |s: &State| s.hostile.fetch_add(1, Ordering::SeqCst);
    let html = |title: &str| {
        format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1><p>Your session for {presented} has ended. Please sign in.</p></body></html>")
    };
    let expires = |v: &str| -> Option<Vec<u8>> {
        if endpoint != Endpoint::Token {
            return None;
        }
        let mut b = body.clone().unwrap();
        b["expires_in"] = serde_json::Value::Null;
        Some(
            b.to_string()
                .replace("\"expires_in\":null", &format!("\"expires_in\":{v}"))
                .into_bytes(),
        )
    };
    let out: Vec<u8> = match state.case {
        Case::Good => response(status, "application/json", &[], body_text.as_bytes()),
        Case::Html200 => response(
            200,
            "text/html; charset=utf-8",
            &[],
            html("Sign in").as_bytes(),
        ),
        Case::Html500 => response(
            500,
            "text/html",
            &[],
            html("500 Internal Server Error").as_bytes(),
        ),
        Case::Truncated => response(
            status,
            "application/json",
            &[],
            &body_text.as_bytes()[..body_text.len() / 2],
        ),
        Case::Empty => response(status, "application/json", &[], b""),
        Case::WrongContentType => response(status, "text/plain", &[], body_text.as_bytes()),
        Case::DuplicateKeys => {
            let (key, other) = checked_member(endpoint);
            let text = match body_text.strip_suffix('}') {
                Some(head) => format!("{head},\"{key}\":{other}}}"),
                None => format!("{{\"{key}\":1,\"{key}\":{other}}}"),
            };
            response(status, "application/json", &[], text.as_bytes())
        }
        Case::NonUtf8 => {
            let text = match body_text.strip_suffix('}') {
                Some(head) => format!("{head},\"x_note\":\"@@\"}}"),
                None => "{\"x_note\":\"@@\"}".to_string(),
            };
            let mut bytes = text.into_bytes();
            let at = bytes.windows(2).position(|w| w == b"@@").unwrap();
            bytes.splice(at..at + 2, [0xff, 0xfe, 0xc3]);
            response(status, "application/json", &[], &bytes)
        }
        Case::ExpiresString => match expires("\"3600\"") {
            Some(b) => response(200, "application/json", &[], &b),
            None => response(status, "application/json", &[], body_text.as_bytes()),
        },
        Case::ExpiresNegative => match expires("-3600") {
            Some(b) => response(200, "application/json", &[], &b),
            None => response(status, "application/json", &[], body_text.as_bytes()),
        },
        Case::ExpiresHuge => match expires("1000000000000000000000000000000000000") {
            Some(b) => response(200, "application/json", &[], &b),
            None => response(status, "application/json", &[], body_text.as_bytes()),
        },
        Case::ErrorWith200 => {
            let code = if endpoint == Endpoint::Introspection {
                "invalid_token"
            } else {
                "invalid_grant"
            };
            response(
                200,
                "application/json",
                &[],
                serde_json::json!({ "error": code }).to_string().as_bytes(),
            )
        }
        Case::TooMany { retry_after } => response(
            429,
            "text/plain",
            &[("retry-after", retry_after.to_string())],
            b"slow down",
        ),
        Case::TooManyOnce => {
            if state
                .presented
                .lock()
                .unwrap()
                .insert(format!("{endpoint:?}:{presented}"))
            {
                response(
                    429,
                    "text/plain",
                    &[("retry-after", "0".into())],
                    b"slow down",
                )
            } else {
                let _ = w
                    .write_all(&response(
                        status,
                        "application/json",
                        &[],
                        body_text.as_bytes(),
                    ))
                    .await;
                return true;
            }
        }
        Case::Unavailable => response(
            503,
            "text/html",
            &[],
            html("Service Unavailable").as_bytes(),
        ),
        Case::Redirect { status: code } => {
            let location = format!("{}?moved=1", state.elsewhere);
            response(
                code,
                "text/html",
                &[("location", location)],
                b"<a href=\"elsewhere\">moved</a>",
            )
        }
        Case::Huge => {
            counts(state);
            // 100 MB announced and streamed in 64 KiB pieces until the client hangs up.
            const TOTAL: usize = 100_000_000;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {TOTAL}\r\n\r\n");
            if w.write_all(head.as_bytes()).await.is_err()
                || w.write_all(b"{\"access_token\":\"").await.is_err()
            {
                return false;
            }
            let chunk = vec![b'A'; 64 << 10];
            let mut sent = 17;
            while sent + chunk.len() <= TOTAL {
                if w.write_all(&chunk).await.is_err() {
                    return false;
                }
                sent += chunk.len();
            }
            return false;
        }
        Case::Trickle => {
            counts(state);
            // (An empty body, the revocation's, would be complete at once: trickle one anyway.)
            let text = if body_text.is_empty() {
                "{\"revoked\": true}".to_string()
            } else {
                body_text.clone()
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                text.len()
            );
            if w.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            for b in text.bytes() {
                if w.write_all(&[b]).await.is_err() || w.flush().await.is_err() {
                    return false;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            return false;
        }
        Case::Reset => {
            counts(state);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body_text.len().max(40)
            );
            let _ = w.write_all(head.as_bytes()).await;
            let _ = w
                .write_all(&body_text.as_bytes()[..body_text.len() / 2])
                .await;
            let _ = w.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // The caller drops the socket with SO_LINGER 0: an RST, not a FIN.
            return false;
        }
        Case::Hang => {
            counts(state);
            // Accepted, read, never answered (bounded: the client gives up long before).
            tokio::time::sleep(Duration::from_secs(30)).await;
            return false;
        }
    };
    if state.case != Case::Good {
        counts(state);
    }
    w.write_all(&out).await.is_ok()
}

// ---------------------------------------------------------------- running a case

struct Run {
    records: Vec<TrialRecord>,
    junit: String,
    elapsed: Duration,
    hostile_requests: usize,
    elsewhere_hits: usize,
}

fn run_case(case: Case) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let idp = rt.block_on(start(case));
    let mut target = support::target_for(&idp.base_url, support::PROFILE);
    target.http.timeout = REQUEST_TIMEOUT;
    run_target(&rt, target, idp.state.clone(), idp.elsewhere_hits.clone())
}

fn run_target(
    rt: &tokio::runtime::Runtime,
    target: refresh_conformance::target::Target,
    state: Arc<State>,
    elsewhere: Arc<AtomicUsize>,
) -> Run {
    let logfile = tempfile::NamedTempFile::new().unwrap();
    let console = Console {
        test_threads: Some(4),
        logfile: Some(logfile.path().display().to_string()),
        ..Default::default()
    };
    let opts = RunOptions {
        trial_timeout: TRIAL_TIMEOUT,
        ..Default::default()
    };
    let redactor = Arc::new(Redactor::new());
    let start = Instant::now();
    let result = runner::run(
        rt,
        vec![target],
        scenarios(),
        &Filters::default(),
        &opts,
        &console,
        redactor.clone(),
    )
    .unwrap();
    let elapsed = start.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    refresh_conformance::report::write_junit(&path, &result.records, false, &redactor).unwrap();
    validate_junit(&path);
    let junit = std::fs::read_to_string(&path).unwrap();
    Run {
        records: result.records,
        junit,
        elapsed,
        hostile_requests: state.hostile.load(Ordering::SeqCst),
        elsewhere_hits: elsewhere.load(Ordering::SeqCst),
    }
}

/// `xmllint --noout --schema tests/data/junit-10.xsd`; required under CI.
fn validate_junit(path: &Path) {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is required under CI (apt-get install libxml2-utils)"
        );
        eprintln!("note: xmllint not found, schema validation skipped");
        return;
    }
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmllint rejected the report:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a trial must end as, and words its message (or details) must contain.
#[derive(Debug, Clone, Copy)]
enum Want {
    Pass,
    Fail(&'static str),
    Error(&'static str),
}

const T: &str = "test-idp/hostile/token-response";
const R: &str = "test-idp/hostile/revocation";
const I: &str = "test-idp/hostile/introspection";
const N: &str = "test-idp/issuance/expires-in-number";
const S: &str = "test-idp/issuance/expires-in-seconds";

/// Run `case` and check every trial against `want` (trial name → outcome).
fn check(case: Case, want: &[(&str, Want)]) -> Run {
    let run = run_case(case);
    assert_eq!(
        run.records.len(),
        5,
        "the run goes on: every trial has a record"
    );
    assert!(run.elapsed < RUN_BOUND, "{case:?}: took {:?}", run.elapsed);
    for (name, w) in want {
        let r = run
            .records
            .iter()
            .find(|r| r.name == *name)
            .unwrap_or_else(|| panic!("no record {name}"));
        let d = r.details();
        match (w, &r.outcome) {
            (Want::Pass, Outcome::Pass) => {}
            (Want::Fail(needle), Outcome::Fail { .. })
            | (Want::Error(needle), Outcome::Error { .. }) => {
                assert!(
                    d.contains(needle),
                    "{case:?} {name}: the message names the cause `{needle}`:\n{d}"
                );
            }
            _ => panic!("{case:?} {name}: wanted {w:?}, got {:?}\n{d}", r.outcome),
        }
    }
    // Redaction: no token or secret value in any record or in the JUnit file.
    let all = format!(
        "{}{}",
        serde_json::to_string(&run.records).unwrap(),
        run.junit
    );
    for canary in [
        "canary-refresh-token",
        "canary-access-token",
        "main-secret-canary",
        "alice-password",
    ] {
        assert!(!all.contains(canary), "{case:?}: {canary} leaked");
    }
    run
}

fn all(w: Want) -> Vec<(&'static str, Want)> {
    [T, R, I, N, S].iter().map(|n| (*n, w)).collect()
}

// ---------------------------------------------------------------- one test per case

#[test]
fn html_with_200_fails_where_json_is_required() {
    let run = check(
        Case::Html200,
        &[
            (T, Want::Fail("Content-Type")),
            (
                R,
                Want::Fail("step `no_token`: status: expected 400, got 200"),
            ),
            (I, Want::Fail("Content-Type")),
            (N, Want::Fail("not JSON")),
            (S, Want::Fail("not JSON")),
        ],
    );
    // The excerpt shows the page, with the token it echoed replaced by its label.
    let t = run.records.iter().find(|r| r.name == T).unwrap().details();
    assert!(t.contains("Sign in") && t.contains("‹rt:grant"), "{t}");
}

#[test]
fn html_error_page_with_500_fails_on_status() {
    check(
        Case::Html500,
        &[
            (T, Want::Fail("expected 200, got 500")),
            (R, Want::Fail("expected 200, got 500")),
            (I, Want::Fail("expected 200, got 500")),
            (N, Want::Fail("expected 200, got 500")),
            (S, Want::Fail("expected 200, got 500")),
        ],
    );
}

#[test]
fn truncated_json_fails_naming_the_parse_error() {
    check(
        Case::Truncated,
        &[
            (T, Want::Fail("not JSON (EOF while parsing")),
            (R, Want::Fail("not JSON (EOF while parsing")),
            (I, Want::Fail("not JSON (EOF while parsing")),
            (N, Want::Fail("not JSON (EOF while parsing")),
            (S, Want::Fail("not JSON")),
        ],
    );
}

#[test]
fn empty_body_fails() {
    check(
        Case::Empty,
        &[
            (T, Want::Fail("not JSON (empty body)")),
            // An empty 200 is the usual revocation answer; the malformed request still needs a JSON error.
            (R, Want::Fail("step `no_token`: error: expected invalid_request, got status 400, not JSON (empty body)")),
            (I, Want::Fail("not JSON (empty body)")),
            (N, Want::Fail("not JSON (empty body)")),
            (S, Want::Fail("not JSON (empty body)")),
        ],
    );
}

#[test]
fn a_100_mb_body_is_an_error_at_the_cap() {
    let run = check(Case::Huge, &all(Want::Error("larger than the 4 MiB cap")));
    assert_eq!(run.hostile_requests, 5, "no retry after a capped read");
}

#[test]
fn a_trickling_body_is_an_error_at_the_request_timeout() {
    let run = check(Case::Trickle, &all(Want::Error("timed out")));
    assert_eq!(run.hostile_requests, 5, "never retried after a timeout");
}

#[test]
fn a_reset_mid_response_is_an_error_and_not_retried() {
    let run = check(Case::Reset, &all(Want::Error("reset by peer")));
    assert_eq!(
        run.hostile_requests, 5,
        "never retried after a reset: a replayed refresh token trips reuse detection"
    );
}

#[test]
fn an_accepted_connection_never_answered_is_an_error() {
    let run = check(Case::Hang, &all(Want::Error("timed out")));
    assert_eq!(run.hostile_requests, 5, "never retried after a timeout");
}

#[test]
fn status_429_with_retry_after_is_retried_then_an_error() {
    let run = check(
        Case::TooMany { retry_after: 1 },
        &all(Want::Error("status 429 after 3 attempt(s)")),
    );
    assert_eq!(
        run.hostile_requests, 15,
        "three attempts per request, no more"
    );
}

#[test]
fn status_429_asking_to_wait_past_the_bound_is_an_error_at_once() {
    let run = check(
        Case::TooMany { retry_after: 3600 },
        &all(Want::Error("status 429 after 1 attempt(s)")),
    );
    assert_eq!(run.hostile_requests, 5);
    assert!(run.elapsed < Duration::from_secs(10), "{:?}", run.elapsed);
}

#[test]
fn status_429_once_is_retried_and_passes() {
    let run = check(Case::TooManyOnce, &all(Want::Pass));
    assert_eq!(
        run.hostile_requests,
        5 + 1,
        "one 429 per presented token (the revocation scenario sends two requests)"
    );
}

#[test]
fn status_503_is_retried_within_the_bound_then_an_error_but_never_for_a_refresh() {
    let refresh = Want::Error("status 503 to a request that uses up its token: not retried");
    let run = check(
        Case::Unavailable,
        &[
            (T, refresh),
            (R, Want::Error("status 503 after 3 attempt(s)")),
            (I, Want::Error("status 503 after 3 attempt(s)")),
            (N, refresh),
            (S, refresh),
        ],
    );
    // A 503 may come from a proxy after the IdP rotated the token: refreshes are sent once.
    assert_eq!(run.hostile_requests, 1 + 3 + 3 + 1 + 1);
}

#[test]
fn json_under_a_wrong_content_type_fails_where_the_type_is_checked() {
    check(
        Case::WrongContentType,
        &[
            (
                T,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            (
                R,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            (
                I,
                Want::Fail("Content-Type: expected application/json, got text/plain"),
            ),
            // These two check expires_in only: the body is right, so they pass.
            (N, Want::Pass),
            (S, Want::Pass),
        ],
    );
}

#[test]
fn duplicate_json_keys_fail_as_ambiguous() {
    check(
        Case::DuplicateKeys,
        &[
            (T, Want::Fail("duplicate member `expires_in`")),
            (R, Want::Fail("duplicate member `error`")),
            (I, Want::Fail("duplicate member `active`")),
            (N, Want::Fail("duplicate member `expires_in`")),
            (S, Want::Fail("duplicate member `expires_in`")),
        ],
    );
}

#[test]
fn non_utf8_bytes_fail() {
    check(
        Case::NonUtf8,
        &[
            (T, Want::Fail("not JSON")),
            (R, Want::Fail("not JSON")),
            (I, Want::Fail("not JSON")),
            (N, Want::Fail("not JSON")),
            (S, Want::Fail("not JSON")),
        ],
    );
}

#[test]
fn expires_in_as_a_string_fails() {
    check(
        Case::ExpiresString,
        &[
            (
                T,
                Want::Fail("expected a JSON number, got a JSON string (\"3600\")"),
            ),
            (R, Want::Pass),
            (I, Want::Pass),
            (N, Want::Fail("expected a JSON number, got a JSON string")),
            (S, Want::Fail("expected a number le 31536000, got \"3600\"")),
        ],
    );
}

#[test]
fn negative_expires_in_fails() {
    check(
        Case::ExpiresNegative,
        &[
            (T, Want::Fail("$.expires_in")),
            (R, Want::Pass),
            (I, Want::Pass),
            (N, Want::Fail("$.expires_in")),
            (S, Want::Pass),
        ],
    );
}

#[test]
fn astronomically_large_expires_in_fails_the_year_bound_without_overflow() {
    check(
        Case::ExpiresHuge,
        &[
            (T, Want::Fail("$.expires_in")),
            (R, Want::Pass),
            (I, Want::Pass),
            // A positive number: the type check holds; the lifetime bound does not.
            (N, Want::Pass),
            (S, Want::Fail("no access token lives longer than a year")),
        ],
    );
}

#[test]
fn an_error_answered_with_200_fails() {
    check(
        Case::ErrorWith200,
        &[
            (
                T,
                Want::Fail("`access_token`: expected present, got absent"),
            ),
            (
                R,
                Want::Fail("step `no_token`: status: expected 400, got 200"),
            ),
            (I, Want::Fail("introspection active")),
            (N, Want::Fail("$.expires_in")),
            (S, Want::Fail("$.expires_in")),
        ],
    );
}

#[test]
fn redirects_to_another_origin_are_reported_not_followed() {
    for status in [302, 307] {
        let run = check(
            Case::Redirect { status },
            &all(Want::Fail("redirect to http://127.0.0.1:")),
        );
        assert_eq!(
            run.elsewhere_hits, 0,
            "{status}: the other origin received nothing"
        );
        assert!(
            run.records[0]
                .details()
                .contains(&format!("got {status} redirect")),
            "{}",
            run.records[0].details()
        );
    }
}

// ---------------------------------------------------------------- TLS

struct Pki {
    ca_pem: String,
    leaf_der: Vec<u8>,
    key_der: Vec<u8>,
}

/// A throwaway CA and a leaf for 127.0.0.1, generated per test.
fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_der: leaf.der().to_vec(),
        key_der: leaf_key.serialize_der(),
    }
}

async fn start_tls(pki: &Pki) -> (String, Arc<State>, Arc<AtomicUsize>) {
    use tokio_rustls::rustls;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(
                pki.leaf_der.clone(),
            )],
            rustls::pki_types::PrivateKeyDer::Pkcs8(pki.key_der.clone().into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let state = Arc::new(State {
        case: Case::Good,
        elsewhere: String::new(),
        next: AtomicUsize::new(0),
        hostile: AtomicUsize::new(0),
        presented: Mutex::default(),
    });
    let handshakes = Arc::new(AtomicUsize::new(0));
    let (s, h) = (state.clone(), handshakes.clone());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, s, h) = (acceptor.clone(), s.clone(), h.clone());
            tokio::spawn(async move {
                if let Ok(Ok(tls)) =
                    tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await
                {
                    h.fetch_add(1, Ordering::SeqCst);
                    serve(tls, s).await;
                }
            });
        }
    });
    (base_url, state, handshakes)
}

#[test]
fn an_untrusted_certificate_is_an_error_and_a_trusted_one_works() {
    let pki = pki();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (base, state, handshakes) = rt.block_on(start_tls(&pki));
    let mut target = support::target_for(&base, support::PROFILE);
    target.http.timeout = REQUEST_TIMEOUT;

    // Not trusted: every trial is an error naming the certificate; nothing is sent.
    let run = run_target(&rt, target.clone(), state.clone(), Arc::default());
    assert_eq!(run.records.len(), 5);
    for r in &run.records {
        match &r.outcome {
            Outcome::Error { cause } => assert!(
                cause.contains("could not connect") && cause.to_lowercase().contains("certificate"),
                "{cause}"
            ),
            other => panic!(
                "{}: an untrusted certificate must be an error, got {other:?}",
                r.name
            ),
        }
    }
    assert_eq!(
        handshakes.load(Ordering::SeqCst),
        0,
        "no TLS session was ever completed"
    );
    assert_eq!(
        state.next.load(Ordering::SeqCst),
        0,
        "no request (and no credential) reached the server"
    );

    // The control: the same server trusted through ca_bundle passes, so the error above was the trust decision.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    target.http.ca_bundle = Some(ca);
    let run = run_target(&rt, target, state.clone(), Arc::default());
    for r in &run.records {
        assert_eq!(r.outcome, Outcome::Pass, "{}", r.details());
    }
    assert!(handshakes.load(Ordering::SeqCst) > 0);
}

// ---------------------------------------------------------------- zero linger for the reset case

/// Sanity check of the server itself: the reset case really sends an RST.
#[test]
fn the_reset_case_sends_a_reset() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let idp = start(Case::Reset).await;
        let addr = idp.base_url.trim_start_matches("http://").to_string();
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"POST /oauth2/token HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
            .await
            .unwrap();
        let mut buf = Vec::new();
        let e = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
            .await
            .unwrap();
        assert_eq!(
            e.map_err(|e| e.kind()).unwrap_err(),
            std::io::ErrorKind::ConnectionReset,
            "{:?}",
            String::from_utf8_lossy(&buf)
        );
    });
}
