//! The state of one running trial: captures, token families, the transcript,
//! findings and observations. Template lookups resolve against it.

use super::env::RunEnv;
use super::http::{Reply, Request};
use crate::behaviour::BehaviourView;
use crate::judge::Response;
use crate::record::{Exchange, Finding};
use crate::scenario::template::{self, Unresolved};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

/// Why a trial stopped early.
#[derive(Debug, Clone)]
pub enum Stop {
    Skip(String),
    Error(String),
}

impl From<Unresolved> for Stop {
    fn from(u: Unresolved) -> Stop {
        match u {
            Unresolved::Skip(s) => Stop::Skip(s),
            Unresolved::Error(s) => Stop::Error(s),
        }
    }
}

/// Response fields that hold tokens: registered with the redactor as they arrive.
const TOKEN_FIELDS: &[(&str, &str)] = &[
    ("refresh_token", "rt"),
    ("access_token", "at"),
    ("id_token", "idt"),
    ("device_code", "code"),
    ("code", "code"),
];

pub struct Trial<'a> {
    pub env: &'a RunEnv,
    pub scenario: &'a Scenario,
    pub view: BehaviourView,
    /// Responses by step name.
    pub responses: HashMap<String, Response>,
    /// Grant step name → the family's current refresh token.
    pub families: HashMap<String, String>,
    /// Refresh token value → the grant step whose family it belongs to.
    pub token_family: HashMap<String, String>,
    /// Every token obtained in this trial (to advance their families' clocks).
    pub tokens: Vec<String>,
    /// Virtual time this trial has advanced (emulator targets).
    pub offset: Duration,
    pub transcript: Vec<Exchange>,
    pub findings: Vec<Finding>,
    pub observations: BTreeMap<String, String>,
    /// This trial's tokens (the run's redactor holds the target's secrets):
    /// per trial, so a large run does not grow one automaton quadratically.
    pub token_redactor: crate::report::redact::Redactor,
    /// The HTTP permit, held from the first request until the trial waits:
    /// a trial mid-steps is not sent to the back of the queue between two
    /// requests (its fresh tokens could expire there on a live target).
    pub permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl<'a> Trial<'a> {
    pub fn new(env: &'a RunEnv, scenario: &'a Scenario) -> Trial<'a> {
        Trial {
            view: env.target.behaviour_view(scenario.client()),
            env,
            scenario,
            responses: HashMap::new(),
            families: HashMap::new(),
            token_family: HashMap::new(),
            tokens: Vec::new(),
            offset: Duration::ZERO,
            transcript: Vec::new(),
            findings: Vec::new(),
            observations: BTreeMap::new(),
            token_redactor: crate::report::redact::Redactor::new(),
            permit: None,
        }
    }

    /// Redact this trial's tokens and the target's secrets.
    pub fn redact(&self, text: &str) -> String {
        self.env.redactor.redact(&self.token_redactor.redact(text))
    }

    /// The trial's clock: real time plus any virtual time it advanced.
    pub fn now(&self) -> SystemTime {
        SystemTime::now() + self.offset
    }

    pub fn render(&self, text: &str) -> Result<String, Unresolved> {
        template::render(text, &mut |path| self.lookup(path))
    }

    fn lookup(&self, path: &[String]) -> Result<String, Unresolved> {
        let target = &self.env.target;
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["scopes", which] => {
                let v = match *which {
                    "granted" => &target.scopes.granted,
                    "narrower" => &target.scopes.narrower,
                    _ => &target.scopes.extra,
                };
                v.clone().ok_or_else(|| {
                    Unresolved::Skip(format!(
                        "the target states no scopes.{which} (set it under [scopes])"
                    ))
                })
            }
            ["behaviour", key] => self
                .view
                .get(key)
                .map(|v| v.render())
                .ok_or_else(|| Unresolved::Skip(self.view.unknown_reason(key))),
            ["client", role, field] => {
                let c = target.clients.get(*role).ok_or_else(|| {
                    Unresolved::Skip(format!(
                        "the target has no `{role}` client (add [clients.{role}])"
                    ))
                })?;
                Ok(if *field == "id" {
                    c.id.clone()
                } else {
                    c.auth.as_str().to_string()
                })
            }
            ["target", "name"] => Ok(target.name.clone()),
            ["target", "issuer"] => target
                .endpoints
                .issuer
                .clone()
                .ok_or_else(|| Unresolved::Skip("the target states no issuer".into())),
            [step, rest @ ..] => self.capture(step, rest),
            [] => Err(Unresolved::Error("empty template path".into())),
        }
    }

    fn capture(&self, step: &str, rest: &[&str]) -> Result<String, Unresolved> {
        if rest == ["current_refresh_token"] {
            return self.families.get(step).cloned().ok_or_else(|| {
                Unresolved::Error(format!(
                    "step `{step}` started no token family with a refresh token"
                ))
            });
        }
        let r = self.responses.get(step).ok_or_else(|| {
            Unresolved::Error(format!("step `{step}` has no response to capture from"))
        })?;
        let missing = |what: &str| {
            Unresolved::Error(format!(
                "step `{step}`'s response (status {}) has no {what}: {}",
                r.status,
                r.excerpt()
            ))
        };
        match rest {
            ["status"] => Ok(r.status.to_string()),
            ["scope"] => r.effective_scope().ok_or_else(|| missing("scope")),
            ["header", name] => r
                .header(name)
                .map(str::to_string)
                .ok_or_else(|| missing(&format!("header {name}"))),
            ["id_token", "claims", claim] => {
                let jwt = r.field_str("id_token").ok_or_else(|| missing("id_token"))?;
                let claims = crate::judge::id_token_claims(jwt)
                    .ok_or_else(|| missing("decodable id_token"))?;
                claims
                    .get(*claim)
                    .map(value_text)
                    .ok_or_else(|| missing(&format!("id_token claim `{claim}`")))
            }
            [field] => r
                .field(field)
                .map(value_text)
                .ok_or_else(|| missing(&format!("`{field}`"))),
            other => Err(Unresolved::Error(format!(
                "`{step}.{}` is not a capture",
                other.join(".")
            ))),
        }
    }

    /// Send one request for `step`, record the redacted exchange, return the response.
    pub async fn send(
        &mut self,
        step: &str,
        req: Request,
        requested_scope: Option<String>,
    ) -> Result<Response, Stop> {
        let outcome = self.env.http.send(&req).await;
        let (response, exchange) = self.to_response(step, &req, outcome, requested_scope);
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
    pub fn to_response(
        &mut self,
        step: &str,
        req: &Request,
        outcome: Result<Reply, super::http::TransportError>,
        requested_scope: Option<String>,
    ) -> (Result<Response, String>, Exchange) {
        // Tokens in the response are registered before anything is redacted.
        // Strict: duplicate member names make a body ambiguous, so it is not judged as JSON.
        let json: Option<serde_json::Value> = match &outcome {
            Ok(reply) => crate::judge::strict_json::parse(&reply.body).ok(),
            Err(_) => None,
        };
        // Tokens in a body that did not parse (truncated, duplicate members, not UTF-8) are redacted too.
        if let Ok(reply) = &outcome {
            for (kind, value) in super::token_scan::scan(&String::from_utf8_lossy(&reply.body)) {
                self.token_redactor.add_token(&value, kind, step);
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
                ex.response_body = crate::judge::excerpt(&red(&body), 2000);
                let r = Response {
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
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}
