//! One HTTP client per target: timeouts, trust roots, no redirects followed,
//! a capped body read, a requests-per-second cap, and 429/503 retries within a bound.

use crate::target::{HttpSettings, Target};
use std::time::{Duration, Instant};

/// Bodies larger than this are not read (the cap is reported as an error).
pub const MAX_BODY: usize = 4 << 20;

/// A request to send.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    /// Form pairs (sent as application/x-www-form-urlencoded) ...
    pub form: Option<Vec<(String, String)>>,
    /// ... or a raw body.
    pub body: Option<String>,
    /// Presents a refresh token or a code: never repeated after a timeout or reset.
    pub consuming: bool,
}

impl Request {
    pub fn post_form(url: &str, form: Vec<(String, String)>) -> Request {
        Request {
            method: "POST".into(),
            url: url.into(),
            form: Some(form),
            ..Default::default()
        }
    }
    /// The URL with its query string.
    pub fn full_url(&self) -> String {
        if self.query.is_empty() {
            return self.url.clone();
        }
        let q = form_encode(&self.query);
        if self.url.contains('?') {
            format!("{}&{q}", self.url)
        } else {
            format!("{}?{q}", self.url)
        }
    }
    pub fn body_text(&self) -> String {
        match (&self.form, &self.body) {
            (Some(f), _) => form_encode(f),
            (None, Some(b)) => b.clone(),
            (None, None) => String::new(),
        }
    }
}

pub fn form_encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

/// Transport trouble: the harness could not judge.
#[derive(Debug, Clone)]
pub struct TransportError(pub String);

pub struct Http {
    client: reqwest::Client,
    settings: HttpSettings,
    next_slot: tokio::sync::Mutex<Instant>,
    /// 429/503 handling: attempts and total wait.
    pub max_attempts: u32,
    pub max_retry_wait: Duration,
}

impl Http {
    pub fn for_target(target: &Target) -> Result<Http, String> {
        let s = &target.http;
        let mut b = reqwest::Client::builder()
            .timeout(s.timeout)
            .connect_timeout(s.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            // Drop pooled connections before common servers' keep-alive timeout
            // closes them (Node.js: 5 s): reusing a connection the server is
            // closing gives "connection reset" on a request it never saw.
            .pool_idle_timeout(Duration::from_secs(4))
            .user_agent(concat!("refresh-conformance/", env!("CARGO_PKG_VERSION")));
        if !target.live {
            b = b.no_proxy();
        }
        if let Some(path) = &s.ca_bundle {
            let pem =
                std::fs::read(path).map_err(|e| format!("ca_bundle {}: {e}", path.display()))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                format!(
                    "ca_bundle {}: not a PEM certificate bundle: {e}",
                    path.display()
                )
            })?;
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        let client = b.build().map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Http {
            client,
            settings: s.clone(),
            next_slot: tokio::sync::Mutex::new(Instant::now()),
            max_attempts: 3,
            max_retry_wait: Duration::from_secs(30),
        })
    }

    async fn pace(&self) {
        let Some(rate) = self.settings.rate.filter(|r| *r > 0.0) else {
            return;
        };
        let gap = Duration::from_secs_f64(1.0 / rate);
        let wait_until = {
            let mut next = self.next_slot.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + gap;
            slot
        };
        tokio::time::sleep_until(wait_until.into()).await;
    }

    /// Send once (after pacing), reading at most `MAX_BODY` bytes.
    async fn send_once(&self, req: &Request) -> Result<Reply, TransportError> {
        self.pace().await;
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| TransportError(format!("invalid HTTP method `{}`", req.method)))?;
        let mut rb = self.client.request(method, req.full_url());
        for (k, v) in &self.settings.headers {
            rb = rb.header(k, v);
        }
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        if let Some(form) = &req.form {
            rb = rb
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_encode(form));
        } else if let Some(body) = &req.body {
            rb = rb.body(body.clone());
        }
        let start = Instant::now();
        let mut resp = rb.send().await.map_err(|e| TransportError(describe(&e)))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(c)) => {
                    if body.len() + c.len() > MAX_BODY {
                        return Err(TransportError(format!(
                            "response body larger than the {} MiB cap (status {status})",
                            MAX_BODY >> 20
                        )));
                    }
                    body.extend_from_slice(&c);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(TransportError(format!(
                        "reading the body (status {status}): {}",
                        describe(&e)
                    )))
                }
            }
        }
        Ok(Reply {
            status,
            headers,
            body,
            elapsed: start.elapsed(),
        })
    }

    /// Send, retrying only after 429/503 (honouring Retry-After and the Okta /
    /// Auth0 reset headers), within bounds. A consuming request (a refresh) is
    /// retried only after 429, and never after a timeout or reset: a replayed
    /// refresh token would trip reuse detection.
    pub async fn send(&self, req: &Request) -> Result<Reply, TransportError> {
        let mut attempt = 1;
        let mut waited = Duration::ZERO;
        loop {
            let reply = self.send_once(req).await?;
            if !super::retry::is_retryable_status(reply.status) {
                return Ok(reply);
            }
            let delay = super::retry::plan_retry(
                Some(reply.status),
                &reply.headers,
                attempt,
                self.max_attempts,
                waited,
                self.max_retry_wait,
                req.consuming,
                Duration::from_millis(500),
                std::time::SystemTime::now(),
            );
            let Some(delay) = delay else {
                if attempt == 1 && req.consuming && reply.status == 503 {
                    // Not retried: a proxy may have answered after the IdP rotated the token.
                    return Ok(reply);
                }
                return Err(TransportError(format!(
                    "status {} after {attempt} attempt(s), {}s waited (retry bound: {} attempts, {}s)",
                    reply.status,
                    waited.as_secs(),
                    self.max_attempts,
                    self.max_retry_wait.as_secs()
                )));
            };
            tokio::time::sleep(delay).await;
            waited += delay;
            attempt += 1;
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "request failed".to_string()
    };
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(&format!(": {x}"));
        src = x.source();
    }
    s
}
