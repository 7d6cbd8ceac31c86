//! The hostile IdP: a raw HTTP/1.1 server on 127.0.0.1 that answers grants
//! correctly and everything else as its case says (`answer.rs`).

use super::*;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Case {
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
    /// 16,000 `access_token` members in one body.
    TokenFlood,
    Redirect {
        status: u16,
    },
    /// Every answer correct (the TLS control).
    Good,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Endpoint {
    Token,
    Revocation,
    Introspection,
}

pub(crate) struct Req {
    pub(crate) path: String,
    pub(crate) form: HashMap<String, String>,
}

pub(crate) struct State {
    pub(crate) case: Case,
    /// Where redirects point: a second listener that must never be contacted.
    pub(crate) elsewhere: String,
    pub(crate) next: AtomicUsize,
    /// Requests that got the case's hostile answer.
    pub(crate) hostile: AtomicUsize,
    pub(crate) presented: Mutex<HashSet<String>>,
}

pub(crate) struct Hostile {
    pub(crate) base_url: String,
    pub(crate) state: Arc<State>,
    /// Connections the other origin accepted.
    pub(crate) elsewhere_hits: Arc<AtomicUsize>,
}

pub(crate) async fn start(case: Case) -> Hostile {
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
pub(crate) async fn start_elsewhere() -> (String, Arc<AtomicUsize>) {
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
pub(crate) async fn read_request<S: AsyncRead + Unpin>(r: &mut BufReader<S>) -> Option<Req> {
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

pub(crate) fn response(
    status: u16,
    content_type: &str,
    extra: &[(&str, String)],
    body: &[u8],
) -> Vec<u8> {
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
pub(crate) fn correct(endpoint: Endpoint, req: &Req, n: usize) -> (u16, Option<serde_json::Value>) {
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
pub(crate) fn checked_member(endpoint: Endpoint) -> (&'static str, &'static str) {
    match endpoint {
        Endpoint::Token => ("expires_in", "\"3600\""),
        Endpoint::Revocation => ("error", "\"server_error\""),
        Endpoint::Introspection => ("active", "false"),
    }
}

pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(stream: S, state: Arc<State>) {
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
        if !super::answer::answer(&mut r, &state, endpoint, &req, n).await {
            return;
        }
    }
}
