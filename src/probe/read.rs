//! Reading the probe's trial records: what one step got back. Bodies are the
//! redacted ones (tokens are labels such as `‹rt:rotate›`), which is all the
//! probe needs: which fields came back, numbers, scopes, and whether two
//! tokens are the same label.

use crate::record::{Outcome, TrialRecord};
use serde_json::Value;

/// A question's record, or why it tells nothing.
pub(crate) struct Answer<'a> {
    pub record: &'a TrialRecord,
}

/// What one step of a question got back.
pub(crate) struct Reply {
    pub status: u16,
    pub json: Option<serde_json::Map<String, Value>>,
    pub date: Option<i64>,
}

impl Reply {
    pub(crate) fn ok(&self) -> bool {
        self.status == 200
    }
    pub(crate) fn has(&self, field: &str) -> bool {
        self.json.as_ref().is_some_and(|j| j.contains_key(field))
    }
    pub(crate) fn str(&self, field: &str) -> Option<&str> {
        self.json.as_ref()?.get(field)?.as_str()
    }
    pub(crate) fn num(&self, field: &str) -> Option<f64> {
        let v = self.json.as_ref()?.get(field)?;
        v.as_f64().or_else(|| v.as_str()?.trim().parse().ok())
    }
    pub(crate) fn active(&self) -> Option<bool> {
        self.json.as_ref()?.get("active")?.as_bool()
    }
    /// `status error` for comments: what a refusal looked like.
    pub(crate) fn said(&self) -> String {
        match self.str("error") {
            Some(e) => format!("{} {e}", self.status),
            None => self.status.to_string(),
        }
    }
}

impl<'a> Answer<'a> {
    pub(crate) fn find(records: &'a [TrialRecord], id: &str) -> Option<Answer<'a>> {
        records
            .iter()
            .find(|r| r.scenario == id)
            .map(|record| Answer { record })
    }

    /// Why the question did not run to its end, if it did not.
    pub(crate) fn stopped(&self) -> Option<String> {
        match &self.record.outcome {
            Outcome::Pass | Outcome::Warn | Outcome::Fail { .. } => None,
            Outcome::Skip { reason } | Outcome::NotRun { reason } => Some(reason.clone()),
            Outcome::Error { cause } => Some(cause.clone()),
        }
    }

    /// Harness trouble (no response, a timeout): never the IdP's answer. A
    /// question that stopped because an answer lacked what its next step
    /// needs (a grant without a refresh token) is not: that answer is read.
    pub(crate) fn harness_error(&self) -> Option<String> {
        let Outcome::Error { cause } = &self.record.outcome else {
            return None;
        };
        let t = &self.record.transcript;
        let unanswered = t.is_empty() || t.iter().any(|e| e.status.is_none());
        let answered_but_lacking = cause.contains("'s response (status");
        (unanswered || !answered_but_lacking).then(|| format!("{}: {cause}", self.record.scenario))
    }

    /// The last exchange of step `name` that got a response.
    pub(crate) fn step(&self, name: &str) -> Option<Reply> {
        let ex = self
            .record
            .transcript
            .iter()
            .rev()
            .find(|e| e.step == name && e.status.is_some())?;
        let json = match serde_json::from_str::<Value>(&ex.response_body) {
            Ok(Value::Object(o)) => Some(o),
            _ => None,
        };
        let date = ex
            .response_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("date"))
            .and_then(|(_, v)| httpdate::parse_http_date(v).ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64);
        Some(Reply {
            status: ex.status.unwrap_or_default(),
            json,
            date,
        })
    }
}
