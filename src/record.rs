//! TrialRecord: the one thing every report is written from. Everything in it
//! is already redacted (the executor redacts before it stores).

use crate::scenario::model::Level;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// The kinds of failure (JUnit `<failure type=...>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailKind {
    /// A MUST of a spec is broken.
    SpecViolation,
    /// The IdP did not do what its profile or target states.
    ProfileMismatch,
}

impl FailKind {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            FailKind::SpecViolation => "spec-violation",
            FailKind::ProfileMismatch => "profile-mismatch",
        }
    }
}

/// Outcomes (docs/outcomes.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "outcome")]
pub enum Outcome {
    Pass,
    Warn,
    Fail {
        kind: FailKind,
    },
    Skip {
        reason: String,
    },
    Error {
        cause: String,
    },
    /// The trial was not run because of another trial's error (a client
    /// that cannot authenticate: its first trial is the error, the others
    /// are not run and name it). Neither a pass nor a second error.
    #[serde(rename = "not-run")]
    NotRun {
        reason: String,
    },
}

impl Outcome {
    /// Whether this outcome counts as a failure of the IdP: a failure, or a
    /// warning under `--strict`. The one place `--strict` is decided; the
    /// console, the exit code and every report ask here.
    pub(crate) fn is_failure(&self, strict: bool) -> bool {
        match self {
            Outcome::Fail { .. } => true,
            Outcome::Warn => strict,
            _ => false,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail { .. } => "fail",
            Outcome::Skip { .. } => "skip",
            Outcome::Error { .. } => "error",
            Outcome::NotRun { .. } => "not-run",
        }
    }
}

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub step: String,
    pub level: Level,
    pub kind: FailKind,
    /// The behaviour key a profile-mismatch names.
    pub setting: Option<String>,
    pub refs: Vec<String>,
    /// What was checked ("status", "$.refresh_token", "scope").
    pub check: String,
    pub expected: String,
    pub actual: String,
    /// Failed as a precondition: the trial is an error, not a failure.
    pub precondition: bool,
    /// Index into the transcript of the exchange that shows it.
    pub exchange: Option<usize>,
}

impl Finding {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "step `{}`: {}: expected {}, got {}",
            self.step, self.check, self.expected, self.actual
        );
        if let Some(setting) = &self.setting {
            s.push_str(&format!(" (behaviour `{setting}` states otherwise)"));
        }
        if !self.refs.is_empty() {
            s.push_str(&format!(" [{}]", self.refs.join(", ")));
        }
        s
    }
}

/// One HTTP exchange, redacted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub step: String,
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// The body as text, redacted, cut to an excerpt.
    pub response_body: String,
    /// Transport trouble (timeout, reset, cap), when there is no response.
    pub transport_error: Option<String>,
    pub elapsed_ms: u64,
    /// The response's id_token: its label and its decoded claims (header and
    /// signature dropped), redacted, for a reader to see what the IdP said
    /// while the token itself never appears.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<IdTokenShown>,
}

/// An id_token as shown in reports: its redaction label and claims.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdTokenShown {
    pub label: String,
    /// `None` when the id_token did not decode as a JWT.
    pub claims: Option<serde_json::Value>,
}

impl Exchange {
    /// A compact, already-redacted rendering for failure messages.
    pub fn render(&self) -> String {
        let mut s = format!("> {} {}\n", self.method, self.url);
        for (k, v) in &self.request_headers {
            s.push_str(&format!("> {k}: {v}\n"));
        }
        if !self.request_body.is_empty() {
            s.push_str(&format!("> \n> {}\n", self.request_body));
        }
        match (self.status, &self.transport_error) {
            (_, Some(e)) => s.push_str(&format!("< (no response: {e})\n")),
            (Some(st), None) => {
                s.push_str(&format!("< {st}\n"));
                for (k, v) in &self.response_headers {
                    s.push_str(&format!("< {k}: {v}\n"));
                }
                if !self.response_body.is_empty() {
                    s.push_str(&format!("< \n< {}\n", self.response_body));
                }
                if let Some(t) = &self.id_token {
                    s.push_str(&t.render());
                }
            }
            (None, None) => {}
        }
        s
    }
}

impl IdTokenShown {
    /// `  (id_token ‹id_token:refresh› claims, signature dropped: {...})`
    pub fn render(&self) -> String {
        match &self.claims {
            Some(c) => format!(
                "  (id_token {} claims, signature dropped: {})\n",
                self.label, c
            ),
            None => format!("  (id_token {} does not decode as a JWT)\n", self.label),
        }
    }
}

/// Everything a run learned from one trial.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrialRecord {
    /// `<target>/<scenario-id>`.
    pub name: String,
    pub target: String,
    pub scenario: String,
    pub title: String,
    pub level: Level,
    pub refs: Vec<String>,
    pub outcome: Outcome,
    /// A one-paragraph explanation of the outcome, redacted.
    pub message: String,
    pub findings: Vec<Finding>,
    pub transcript: Vec<Exchange>,
    /// Facts derived by the judge: `step.key` → value (no token values, no timestamps).
    pub observations: BTreeMap<String, String>,
    /// The trial's wall time, from its first request (or from its start,
    /// when it sent none) to its end.
    pub duration: Duration,
    /// When that began, since a fixed instant of the process: only
    /// differences mean anything (a suite's wall time from its trials').
    #[serde(default)]
    pub started: Duration,
    /// Known deviation from the target's baseline, when one matched.
    pub baseline: Option<String>,
}

/// The fixed instant `started` counts from.
static ORIGIN: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// `at` as an offset from the process's fixed instant.
pub fn since_origin(at: std::time::Instant) -> Duration {
    at.saturating_duration_since(*ORIGIN.get_or_init(std::time::Instant::now))
}

/// The wall time the records span: from the first start to the last end.
pub fn wall_time<'a>(records: impl IntoIterator<Item = &'a TrialRecord>) -> Duration {
    let mut span: Option<(Duration, Duration)> = None;
    for r in records {
        let (s, e) = (r.started, r.started + r.duration);
        span = Some(match span {
            None => (s, e),
            Some((a, b)) => (a.min(s), b.max(e)),
        });
    }
    span.map(|(a, b)| b - a).unwrap_or_default()
}

/// How the exchanges of a client preflight are named: `preflight:<role>`,
/// then `preflight:<role>:<endpoint>` for its confirmation.
pub const PREFLIGHT_STEP: &str = "preflight:";

impl TrialRecord {
    /// The exchanges that show the outcome: the ones the findings point at;
    /// with none, for a failure, warning or error, the last one, or, when a
    /// client preflight stopped the trial, every preflight exchange (what was
    /// sent and what the IdP answered, its confirmation too).
    pub fn shown_exchanges(&self) -> Vec<usize> {
        let mut shown: Vec<usize> = self.findings.iter().filter_map(|f| f.exchange).collect();
        shown.sort();
        shown.dedup();
        let explained = matches!(
            self.outcome,
            Outcome::Pass | Outcome::Skip { .. } | Outcome::NotRun { .. }
        );
        if shown.is_empty() && !explained {
            let last = self.transcript.len().checked_sub(1);
            match last.filter(|i| self.transcript[*i].step.starts_with(PREFLIGHT_STEP)) {
                Some(_) => shown.extend(
                    (0..self.transcript.len())
                        .filter(|i| self.transcript[*i].step.starts_with(PREFLIGHT_STEP)),
                ),
                None => shown.extend(last),
            }
        }
        shown.retain(|i| *i < self.transcript.len());
        shown
    }

    /// The full text for a failure, error or warning: message, findings and the exchanges that show them.
    pub fn details(&self) -> String {
        let mut s = format!("{}: {}\n", self.scenario, self.message);
        if !self.refs.is_empty() {
            s.push_str(&format!("clauses: {}\n", self.refs.join(", ")));
        }
        for f in &self.findings {
            s.push_str(&format!("- {}\n", f.describe()));
        }
        for i in self.shown_exchanges() {
            if let Some(x) = self.transcript.get(i) {
                s.push_str(&format!(
                    "\nexchange #{} (step `{}`):\n{}",
                    i + 1,
                    x.step,
                    x.render()
                ));
            }
        }
        s
    }
}
