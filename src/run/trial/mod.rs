//! The state of one running trial: captures, token families, the transcript,
//! findings and observations, all private. The step actions (`run/step/`),
//! grant sources (`run/grant/`) and the preflight use the small surface
//! below; templates resolve in `capture.rs`, sending and recording in
//! `exchange.rs`, token families in `families.rs`, observations in `observe.rs`.

mod capture;
mod dpop;
mod exchange;
mod families;
mod observe;

pub use observe::lifetime_bucket;

use super::env::RunEnv;
use super::http::Request;
use crate::behaviour::BehaviourView;
use crate::judge::Response;
use crate::record::{Exchange, Finding};
use crate::redact::Redactor;
use crate::scenario::model::{AuthMode, Step};
use crate::scenario::template::Unresolved;
use crate::scenario::Scenario;
use crate::target::Client;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

/// Why a trial stopped early.
#[derive(Debug, Clone)]
pub enum Stop {
    Skip(String),
    Error(String),
    /// Not run because of another trial's error, which the reason names.
    NotRun(String),
}

impl From<Unresolved> for Stop {
    fn from(u: Unresolved) -> Stop {
        match u {
            Unresolved::Skip(s) => Stop::Skip(s),
            Unresolved::Error(s) => Stop::Error(s),
        }
    }
}

/// What a trial leaves for its record.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub transcript: Vec<Exchange>,
    pub observations: BTreeMap<String, String>,
}

pub struct Trial<'a> {
    env: &'a RunEnv,
    scenario: &'a Scenario,
    view: BehaviourView,
    /// Responses by step name.
    responses: HashMap<String, Response>,
    /// Grant step name → the family's current refresh token.
    families: HashMap<String, String>,
    /// Grant step name → its code exchange (`code`, `code_verifier`,
    /// `redirect_uri`), where the grant came from a code flow: a scenario
    /// replays it to use the code twice (RFC 6749 §4.1.2).
    code_exchanges: HashMap<String, BTreeMap<&'static str, String>>,
    /// Refresh token value → the grant step whose family it belongs to.
    token_family: HashMap<String, String>,
    /// Every token obtained in this trial (to advance their families' clocks).
    tokens: Vec<String>,
    /// Time this trial has waited (virtual on the emulator, real on live targets).
    offset: Duration,
    transcript: Vec<Exchange>,
    findings: Vec<Finding>,
    observations: BTreeMap<String, String>,
    /// Step name → a note for a pass (`ok; note: …`): what held, but oddly.
    notes: BTreeMap<String, String>,
    /// The refresh token a race's successor try obtained: still usable, so
    /// the next round may race it without a new grant.
    live_token: Option<String>,
    /// This trial's tokens (the run's redactor holds the target's secrets):
    /// per trial, so a large run does not grow one automaton quadratically.
    token_redactor: Redactor,
    /// The HTTP permit, held from the first request until the trial waits:
    /// a trial mid-steps is not sent to the back of the queue between two
    /// requests (its fresh tokens could expire there on a live target).
    permit: Option<super::permits::Permit>,
    /// When the trial first held a permit: its wall time counts from here,
    /// not from the queue it waited in.
    began: Option<std::time::Instant>,
    /// DPoP keys of the token families, and their last proofs.
    dpop: dpop::DpopState,
}

impl<'a> Trial<'a> {
    pub fn new(env: &'a RunEnv, scenario: &'a Scenario) -> Trial<'a> {
        Trial {
            view: env.target.behaviour_view(scenario.client()),
            env,
            scenario,
            responses: HashMap::new(),
            code_exchanges: HashMap::new(),
            families: HashMap::new(),
            token_family: HashMap::new(),
            tokens: Vec::new(),
            offset: Duration::ZERO,
            transcript: Vec::new(),
            findings: Vec::new(),
            observations: BTreeMap::new(),
            notes: BTreeMap::new(),
            live_token: None,
            token_redactor: Redactor::new(),
            permit: None,
            began: None,
            dpop: Default::default(),
        }
    }

    /// Go on with another scenario's steps in this trial's state (captures,
    /// token families, clock): how a test interleaves two trials.
    pub fn continue_with(&mut self, scenario: &'a Scenario) {
        self.scenario = scenario;
    }

    pub(crate) fn env(&self) -> &'a RunEnv {
        self.env
    }

    pub(crate) fn scenario(&self) -> &'a Scenario {
        self.scenario
    }

    pub(crate) fn view(&self) -> &BehaviourView {
        &self.view
    }

    /// Redact this trial's tokens and the target's secrets.
    pub fn redact(&self, text: &str) -> String {
        self.env.redactor.redact(&self.token_redactor.redact(text))
    }

    /// A value the trial made that must never be shown (a PKCE verifier, a code).
    pub fn add_token(&self, value: &str, kind: &str, step: &str) {
        self.token_redactor.add_token(value, kind, step);
    }

    /// The trial's clock (client assertions' `iat`): real time, plus the
    /// virtual time it advanced on an emulator. A live target's waits are
    /// real sleeps, already in the real time: adding them again would date
    /// an assertion after a wait that far into the future (Keycloak refuses
    /// it: "Token was issued in the future").
    pub(crate) fn now(&self) -> SystemTime {
        match self.env.target.clock {
            crate::target::Clock::Virtual { .. } => SystemTime::now() + self.offset,
            crate::target::Clock::Real => SystemTime::now(),
        }
    }

    /// Time this trial has waited so far.
    pub fn offset(&self) -> Duration {
        self.offset
    }

    pub(crate) fn add_offset(&mut self, d: Duration) {
        self.offset += d;
    }

    /// Every refresh and access token the trial obtained.
    pub(crate) fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// Take an HTTP permit if the trial holds none: a trial that has already
    /// sent requests (it is resuming after a wait) goes before trials that
    /// have not started. A trial interrupted before it sent anything does
    /// not start.
    pub(crate) async fn hold_permit(&mut self) -> Result<(), Stop> {
        if self.permit.is_none() {
            let resuming = self.began.is_some();
            self.permit = Some(self.env.permits.acquire(resuming).await);
        }
        if self.transcript.is_empty() && self.env.cancel.is_cancelled() {
            return Err(Stop::Error(super::interrupt::INTERRUPTED.into()));
        }
        self.began.get_or_insert_with(std::time::Instant::now);
        Ok(())
    }

    /// A waiting trial holds no permit: waits overlap.
    pub(crate) fn release_permit(&mut self) {
        self.permit = None;
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub(crate) fn findings_len(&self) -> usize {
        self.findings.len()
    }

    /// Forget the findings after the first `n` (a re-probe's verdict).
    pub(crate) fn truncate_findings(&mut self, n: usize) {
        self.findings.truncate(n);
    }

    /// Take the findings after the first `n` out (to put back the ones that stand).
    pub(crate) fn take_findings_since(&mut self, n: usize) -> Vec<Finding> {
        self.findings.split_off(n)
    }

    /// Append `note` to what the findings after the first `n` saw.
    pub(crate) fn annotate_findings(&mut self, n: usize, note: &str) {
        for f in &mut self.findings[n..] {
            f.actual.push_str(note);
        }
    }

    pub(crate) fn add_finding(&mut self, f: Finding) {
        self.findings.push(f);
    }

    /// The index of the last recorded exchange, for findings to point at.
    pub(crate) fn last_exchange(&self) -> Option<usize> {
        self.transcript.len().checked_sub(1)
    }

    /// Exchanges made elsewhere (a client's preflight) that explain this trial's stop.
    pub(crate) fn add_exchanges(&mut self, exchanges: &[Exchange]) {
        self.transcript.extend(exchanges.iter().cloned());
    }

    /// Keep a step's response for later captures.
    pub(crate) fn keep_response(&mut self, name: &str, r: &Response) {
        self.responses.insert(name.to_string(), r.clone());
    }

    /// When the trial first held a permit, if it did.
    pub(crate) fn began(&self) -> Option<std::time::Instant> {
        self.began
    }

    /// What the trial leaves for its record.
    pub(crate) fn finish(self) -> Outcome {
        Outcome {
            findings: self.findings,
            transcript: self.transcript,
            observations: self.observations,
        }
    }

    pub(crate) fn notes(&self) -> Vec<String> {
        self.notes.values().cloned().collect()
    }

    pub(crate) fn set_live_token(&mut self, token: &str) {
        self.live_token = Some(token.to_string());
    }

    pub(crate) fn take_live_token(&mut self) -> Option<String> {
        self.live_token.take()
    }

    /// A note for the pass message, the first one per step (redacted when shown).
    pub(crate) fn add_note(&mut self, step: &str, note: String) {
        self.notes.entry(step.to_string()).or_insert(note);
    }

    /// The client playing `role` (default `main`), or a skip naming it.
    pub fn client(&self, role: Option<&String>) -> Result<Client, Stop> {
        let role = role.map(String::as_str).unwrap_or("main");
        self.env.target.clients.get(role).cloned().ok_or_else(|| {
            Stop::Skip(format!(
                "the target has no `{role}` client (add [clients.{role}])"
            ))
        })
    }

    /// The URL of an endpoint, or a skip when the target has none.
    pub(crate) fn endpoint(&self, which: crate::oauth::Endpoint) -> Result<String, Stop> {
        use crate::oauth::Endpoint;
        let e = &self.env.target.endpoints;
        let v = match which {
            Endpoint::Token => Some(e.token.clone()),
            Endpoint::Revocation => e.revocation.clone(),
            Endpoint::Introspection => e.introspection.clone(),
            Endpoint::Authorization => e.authorization.clone(),
        };
        v.ok_or_else(|| Stop::Skip(format!("the target has no {} endpoint", which.as_str())))
    }

    /// The step's extra `params`, rendered.
    pub(crate) fn params(&self, step: &Step) -> Result<Vec<(String, String)>, Stop> {
        let mut out = Vec::new();
        for (k, v) in &step.params {
            out.push((k.clone(), self.render(v)?));
        }
        Ok(out)
    }

    /// The one place a request gets its client authentication: `mode`'s
    /// credentials for `client`, assertions signed on the trial's clock for
    /// the token endpoint, and their values registered for redaction.
    pub(crate) fn authenticate(
        &self,
        client: &Client,
        mode: AuthMode,
        req: &mut Request,
    ) -> Result<(), Stop> {
        let audience = &self.env.target.endpoints.token;
        super::auth::apply(
            client,
            mode,
            req,
            audience,
            self.now(),
            &self.token_redactor,
        )?;
        Ok(())
    }
}
