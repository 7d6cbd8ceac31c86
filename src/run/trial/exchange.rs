//! Sending: one request or a group at once, every token in a reply
//! registered with the trial's redactor before anything is recorded, and the
//! redacted exchange appended to the transcript.

use super::{Stop, Trial};
use crate::judge::Response;
use crate::oauth::TOKEN_FIELDS;
use crate::record::{Exchange, IdTokenShown};
use crate::run::http::{Reply, Request, TransportError};

/// Token-like values a response may hold before its body is withheld.
const MAX_SCANNED_TOKENS: usize = 64;

impl Trial<'_> {
    /// Send one request for `step`, record the redacted exchange, return the response.
    pub(crate) async fn send(
        &mut self,
        step: &str,
        req: Request,
        requested_scope: Option<String>,
    ) -> Result<Response, Stop> {
        let outcome = self.env.http.send(&req).await;
        let (response, exchange) = self.receive(step, &req, outcome, requested_scope);
        self.transcript.push(exchange);
        response.map_err(|e| {
            Stop::Error(format!(
                "step `{step}`: {} {}: {}",
                req.method,
                req.url,
                self.redact(&e)
            ))
        })
    }

    /// Turn a reply into a Response, registering every token in it, and a redacted Exchange.
    pub(crate) fn receive(
        &mut self,
        step: &str,
        req: &Request,
        outcome: Result<Reply, TransportError>,
        requested_scope: Option<String>,
    ) -> (Result<Response, String>, Exchange) {
        // Tokens in the response are registered before anything is redacted.
        // Strict: duplicate member names make a body ambiguous, so it is not judged as JSON.
        let json: Option<serde_json::Value> = match &outcome {
            Ok(reply) => crate::judge::strict_json::parse(&reply.body).ok(),
            Err(_) => None,
        };
        // Tokens in a body that did not parse (truncated, duplicate members, not UTF-8) are redacted too.
        // A body with more token-like values than a token response can hold
        // is withheld from every output instead: registering thousands of
        // values would cost time no trial timeout can interrupt.
        let mut withheld = None;
        if let Ok(reply) = &outcome {
            let found = crate::redact::token_scan::scan(&String::from_utf8_lossy(&reply.body));
            if found.len() > MAX_SCANNED_TOKENS {
                withheld = Some(format!(
                    "(body withheld: {} bytes holding {} token-like values, more than the {MAX_SCANNED_TOKENS} a token response can carry)",
                    reply.body.len(),
                    found.len()
                ));
            } else {
                for (kind, value) in found {
                    self.token_redactor.add_token(&value, kind, step);
                }
            }
        }
        if let Some(obj) = json.as_ref().and_then(|j| j.as_object()) {
            for (field, kind) in TOKEN_FIELDS {
                if let Some(v) = obj.get(*field).and_then(|v| v.as_str()) {
                    self.token_redactor.add_token(v, kind, step);
                    if *kind == "rt" || *kind == "at" {
                        self.tokens.push(v.to_string());
                    }
                }
            }
        }
        let red = |s: &str| self.redact(s);
        let mut ex = Exchange {
            step: step.to_string(),
            method: req.method.clone(),
            url: red(&req.full_url()),
            request_headers: req
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), red(v)))
                .collect(),
            request_body: red(&req.body_text()),
            ..Default::default()
        };
        match outcome {
            Err(e) => {
                ex.transport_error = Some(red(&e.0));
                (Err(e.0), ex)
            }
            Ok(reply) => {
                let body = String::from_utf8_lossy(&reply.body).into_owned();
                ex.status = Some(reply.status);
                ex.elapsed_ms = reply.elapsed.as_millis() as u64;
                ex.response_headers = reply
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), red(v)))
                    .collect();
                let shown = withheld.unwrap_or_else(|| red(&body));
                ex.response_body = crate::judge::excerpt(&shown, 2000);
                ex.id_token = json.as_ref().and_then(|j| self.id_token_shown(j));
                let r = Response {
                    shown,
                    status: reply.status,
                    headers: reply.headers,
                    body,
                    json,
                    requested_scope,
                };
                (Ok(r), ex)
            }
        }
    }

    /// The label and redacted claims of a response's id_token, if it has one.
    fn id_token_shown(&self, json: &serde_json::Value) -> Option<IdTokenShown> {
        let jwt = json.get("id_token")?.as_str()?;
        Some(IdTokenShown {
            label: self.redact(jwt),
            claims: crate::judge::id_token_claims(jwt).map(|c| {
                self.env
                    .redactor
                    .redact_json(&self.token_redactor.redact_json(&c))
            }),
        })
    }

    /// The requests at once (copies of one request, each with its own client
    /// assertion), released together (`Http::send_together`).
    pub(crate) async fn send_group(
        &mut self,
        name: &str,
        reqs: Vec<Request>,
        scope: Option<String>,
    ) -> Vec<Result<Response, String>> {
        let replies = self.env.http.send_together(&reqs).await;
        let mut out = Vec::new();
        for (i, reply) in replies.into_iter().enumerate() {
            let (resp, ex) = self.receive(&format!("{name}[{i}]"), &reqs[i], reply, scope.clone());
            // Keep the transcript readable: the first few exchanges of a large group.
            if i < 5 {
                self.transcript.push(ex);
            }
            out.push(resp);
        }
        out
    }

    /// A response that did not come over HTTP (a grant command's output, a
    /// seed token), recorded like one.
    pub(crate) fn synthetic(
        &mut self,
        step: &str,
        source: &str,
        json: serde_json::Value,
        scope: &str,
    ) -> Response {
        let body = json.to_string();
        let reply = Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into_bytes(),
            elapsed: std::time::Duration::ZERO,
        };
        let req = Request {
            method: "GRANT".into(),
            url: format!("({source} grant source)"),
            ..Default::default()
        };
        let (resp, ex) = self.receive(step, &req, Ok(reply), Some(scope.to_string()));
        self.transcript.push(ex);
        resp.unwrap_or_default()
    }
}
