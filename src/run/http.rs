//! Sending for trials, over the target's one client (`target/http.rs`): a
//! capped body read, a requests-per-second cap, and 429/503 retries within a bound.

use crate::target::{HttpSettings, Target};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest a connection warm-up before a race may take.
const WARM_TIMEOUT: Duration = Duration::from_secs(2);

/// Idle pooled connections are dropped after this (see the builder).
pub use crate::target::http::POOL_IDLE;

/// Bodies larger than this are not read (the cap is reported as an error).
pub(crate) const MAX_BODY: usize = 4 << 20;

/// A request to send.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
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
    pub(crate) fn post_form(url: &str, form: Vec<(String, String)>) -> Request {
        Request {
            method: "POST".into(),
            url: url.into(),
            form: Some(form),
            ..Default::default()
        }
    }
    /// The URL with its query string.
    pub(crate) fn full_url(&self) -> String {
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
    pub(crate) fn body_text(&self) -> String {
        match (&self.form, &self.body) {
            (Some(f), _) => form_encode(f),
            (None, Some(b)) => b.clone(),
            (None, None) => String::new(),
        }
    }
}

pub(crate) fn form_encode(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// What came back.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

/// Transport trouble: the harness could not judge.
#[derive(Debug, Clone)]
pub(crate) struct TransportError(pub String);

pub struct Http {
    client: reqwest::Client,
    settings: HttpSettings,
    next_slot: tokio::sync::Mutex<Instant>,
    /// 429/503 handling: attempts and total wait.
    pub max_attempts: u32,
    pub max_retry_wait: Duration,
}

impl Http {
    pub(crate) fn for_target(target: &Target) -> Result<Http, String> {
        let s = &target.http;
        let client = crate::target::http::http_client(s, target.live)?;
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

    /// The request as reqwest will send it; the target's extra headers are
    /// the client's default headers.
    fn build(&self, req: &Request) -> Result<reqwest::Request, TransportError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| TransportError(format!("invalid HTTP method `{}`", req.method)))?;
        let mut rb = self.client.request(method, req.full_url());
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
        rb.build().map_err(|e| TransportError(describe(&e)))
    }

    /// Send once (after pacing), reading at most `MAX_BODY` bytes.
    async fn send_once(&self, req: &Request) -> Result<Reply, TransportError> {
        self.pace().await;
        let built = self.build(req)?;
        execute(&self.client, built).await
    }

    /// Send, retrying only after 429/503 within bounds, by the rules of
    /// [`super::retry`]: the server's `Retry-After` (seconds or HTTP date) or
    /// vendor reset header, else backoff from 1 s. Never retries after a
    /// timeout or a reset, and retries a request that consumes a token (a
    /// refresh) only after 429: a replayed refresh token would trip reuse detection.
    pub(crate) async fn send(&self, req: &Request) -> Result<Reply, TransportError> {
        let mut attempt = 1;
        let mut waited = Duration::ZERO;
        loop {
            let reply = self.send_once(req).await?;
            if !super::retry::is_retryable_status(reply.status) {
                return Ok(reply);
            }
            let plan = super::retry::plan_retry(
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
            let Some(delay) = plan else {
                return Err(TransportError(give_up(self, req, &reply, attempt, waited)));
            };
            tokio::time::sleep(delay).await;
            waited += delay;
            attempt += 1;
        }
    }

    /// Send the requests at once, for a race. Each is paced first (a race
    /// is a burst: the rate cap holds on average), one connection per
    /// request is opened beforehand, every request is built, and all wait at
    /// a barrier and are released together, so they reach the server within
    /// a moment of each other instead of one connection set-up apart. Never
    /// retried: a retried member would no longer race.
    pub(crate) async fn send_together(
        &self,
        reqs: &[Request],
    ) -> Vec<Result<Reply, TransportError>> {
        for _ in reqs {
            self.pace().await;
        }
        if let Some(first) = reqs.first() {
            self.warm(&first.full_url(), reqs.len()).await;
        }
        let barrier = Arc::new(tokio::sync::Barrier::new(reqs.len()));
        let mut set = tokio::task::JoinSet::new();
        for (i, req) in reqs.iter().enumerate() {
            let built = self.build(req);
            let (client, barrier) = (self.client.clone(), barrier.clone());
            set.spawn(async move {
                barrier.wait().await;
                let reply = match built {
                    Ok(b) => execute(&client, b).await,
                    Err(e) => Err(e),
                };
                (i, reply)
            });
        }
        let mut replies: Vec<(usize, Result<Reply, TransportError>)> = Vec::new();
        while let Some(joined) = set.join_next().await {
            if let Ok(x) = joined {
                replies.push(x);
            }
        }
        replies.sort_by_key(|(i, _)| *i);
        replies.into_iter().map(|(_, r)| r).collect()
    }

    /// Open `n` pooled connections to `url`'s origin: `n` OPTIONS requests
    /// at once, their answers read (a little) and ignored. A race then does
    /// not wait on TCP and TLS set-up, whose length varies per connection.
    /// Bounded: a server that does not answer costs `WARM_TIMEOUT` once.
    async fn warm(&self, url: &str, n: usize) {
        let barrier = Arc::new(tokio::sync::Barrier::new(n));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let (client, barrier, url) = (self.client.clone(), barrier.clone(), url.to_string());
            set.spawn(async move {
                barrier.wait().await;
                let sent = client
                    .request(reqwest::Method::OPTIONS, &url)
                    .timeout(WARM_TIMEOUT)
                    .send()
                    .await;
                // The answer is read to its end so the connection returns to the pool.
                if let Ok(mut resp) = sent {
                    let mut read = 0;
                    while let Ok(Some(c)) = resp.chunk().await {
                        read += c.len();
                        if read > 64 << 10 {
                            break;
                        }
                    }
                }
            });
        }
        while set.join_next().await.is_some() {}
    }
}

/// Send a built request, reading at most `MAX_BODY` bytes of the answer.
async fn execute(
    client: &reqwest::Client,
    built: reqwest::Request,
) -> Result<Reply, TransportError> {
    let start = Instant::now();
    let mut resp = client
        .execute(built)
        .await
        .map_err(|e| TransportError(describe(&e)))?;
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

/// Why a 429/503 ended the request.
fn give_up(http: &Http, req: &Request, reply: &Reply, attempt: u32, waited: Duration) -> String {
    if req.consuming && reply.status != 429 {
        return format!(
            "status {} to a request that uses up its token: not retried (the token may already have been consumed; a replay would trip reuse detection)",
            reply.status
        );
    }
    let asked =
        super::retry::retry_after(reply.status, &reply.headers, std::time::SystemTime::now())
            .map(|d| format!("; the server asked to wait {}s", d.as_secs()))
            .unwrap_or_default();
    format!(
        "status {} after {attempt} attempt(s) ({}s waited{asked}; retry bound {} attempts / {}s)",
        reply.status,
        waited.as_secs(),
        http.max_attempts,
        http.max_retry_wait.as_secs()
    )
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
