//! The judge: expectations → mismatches. One file per expectation kind; the
//! executor turns mismatches into findings with level, kind and clauses.

mod active;
mod at_hash;
mod content_type;
mod count;
mod error;
mod fields;
mod headers;
mod id_token;
pub use jwt::claims as id_token_claims;
mod json;
pub mod jwks;
mod jwt;
pub mod matcher;
mod scope;
mod status;
pub mod strict_json;
pub(crate) mod successors;
pub(crate) use successors::Successor;

use crate::scenario::model::Expect;
use crate::scenario::template::Unresolved;

/// One HTTP response as the judge sees it (headers with lower-case names).
#[derive(Debug, Clone, Default)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body parsed as JSON, whatever the content type says.
    pub json: Option<serde_json::Value>,
    /// The scope this request asked for (effective scope when the response omits `scope`).
    pub requested_scope: Option<String>,
    /// The body as outputs may show it: redacted, whole. Excerpts are cut
    /// from this, so a cut never splits a secret the redactor would have
    /// recognised whole.
    pub shown: String,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// All values of a header, joined as a list (RFC 9110 §5.3).
    pub(crate) fn header_joined(&self, name: &str) -> Option<String> {
        let vals: Vec<&str> = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!vals.is_empty()).then(|| vals.join(", "))
    }
    /// A top-level JSON field, `null` counting as absent.
    pub(crate) fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.json.as_ref()?.get(name).filter(|v| !v.is_null())
    }
    pub(crate) fn field_str(&self, name: &str) -> Option<&str> {
        self.field(name)?.as_str()
    }
    /// The granted scope: the response's `scope`, else what was requested.
    pub(crate) fn effective_scope(&self) -> Option<String> {
        self.field_str("scope")
            .map(str::to_string)
            .or_else(|| self.requested_scope.clone())
    }
    /// A short excerpt of the (redacted) body for messages.
    pub(crate) fn excerpt(&self) -> String {
        excerpt(&self.shown, 200)
    }
    /// Why the body is not JSON (None when it is): empty, truncated, duplicate
    /// member names, not UTF-8 (RFC 8259 §8.1), ...
    pub(crate) fn json_problem(&self) -> Option<String> {
        if self.json.is_some() {
            return None;
        }
        if self.body.trim().is_empty() {
            return Some("empty body".into());
        }
        // `body` is the lossy text: when it parses, only the invalid UTF-8 was wrong.
        Some(match strict_json::parse(self.body.as_bytes()) {
            Err(e) => e.to_string(),
            Ok(_) => "not valid UTF-8 (RFC 8259 §8.1)".into(),
        })
    }
    /// `status N: excerpt`, saying why the body is not JSON when it is not.
    pub(crate) fn body_summary(&self) -> String {
        match self.json_problem() {
            Some(p) => format!("status {}, not JSON ({p}): {}", self.status, self.excerpt()),
            None => format!("status {}: {}", self.status, self.excerpt()),
        }
    }
}

pub(crate) fn excerpt(s: &str, n: usize) -> String {
    let t: String = s.chars().take(n).collect();
    let t = t.replace(['\n', '\r'], " ");
    if s.chars().count() > n {
        format!("{t}…")
    } else {
        t
    }
}

/// Result of checking an id_token signature against the target's JWKS.
pub(crate) enum SignatureCheck {
    Valid,
    Invalid(String),
    /// The keys could not be had (the JWKS did not load, or holds no key):
    /// without keys a signature is never judged valid; the trial is an error.
    Unavailable(String),
}

/// What the judge needs besides the expectation.
pub(crate) struct Ctx<'a> {
    pub response: Option<&'a Response>,
    /// Responses of a concurrent group (Err: transport trouble).
    pub group: &'a [Result<Response, String>],
    /// The distinct refresh tokens the group's successes carried, tried again.
    pub successors: &'a [Successor],
    pub render: &'a mut dyn FnMut(&str) -> Result<String, Unresolved>,
    pub verify_id_token: &'a dyn Fn(&str) -> SignatureCheck,
    /// A revocation response: RFC 7009 §2.2 conveys everything in the
    /// status and the client ignores the body, so an `error` member sent
    /// with 200 is no error response (Keycloak answers an unknown token so).
    pub body_ignored_on_success: bool,
}

/// A check that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mismatch {
    pub check: String,
    pub expected: String,
    pub actual: String,
    /// The clauses actually broken, when they are not the expectation's
    /// (an error sent with status 200 breaks RFC 6749 §5.2 whatever the
    /// expectation checks): a spec violation naming no setting.
    pub breaks: Option<Vec<String>>,
}

impl Mismatch {
    pub fn new(
        check: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Mismatch {
        Mismatch {
            check: check.into(),
            expected: expected.into(),
            actual: actual.into(),
            breaks: None,
        }
    }

    /// The mismatch breaks `clause`, whatever the expectation names.
    pub fn breaking(mut self, clause: &str) -> Mismatch {
        self.breaks = Some(vec![clause.to_string()]);
        self
    }
}

/// Check every key of one expectation table.
pub(crate) fn judge(e: &Expect, ctx: &mut Ctx) -> Result<Vec<Mismatch>, Unresolved> {
    let mut out = Vec::new();
    if !e.count.is_empty() {
        out.extend(count::check(&e.count, ctx.group));
    }
    if let Some(s) = &e.successors {
        out.extend(successors::check(s, ctx.successors, ctx.group));
    }
    let Some(r) = ctx.response else {
        return Ok(out);
    };
    if let Some(s) = &e.status {
        let error_on_success =
            status::error_with_success_status(r).filter(|_| !ctx.body_ignored_on_success);
        if let Some(error) = error_on_success {
            // Judged as the error it is: its status breaks §5.2, and a
            // success expected is a refusal, not missing fields.
            out.push(status::error_status_mismatch(r, &error));
            if s.to_vec().contains(&r.status) {
                out.push(status::refused_mismatch(r, &error));
                return Ok(out);
            }
        } else {
            out.extend(status::check(&s.to_vec(), r));
        }
    }
    if let Some(codes) = &e.error {
        out.extend(error::check(&codes.to_vec(), r));
    }
    if let Some(true) = e.error_registered {
        out.extend(error::check_registered(r));
    }
    out.extend(fields::check(&e.present, &e.absent, r));
    if let Some(ct) = &e.content_type {
        out.extend(content_type::check(ct, r));
    }
    out.extend(json::check(&e.json, r, ctx.render)?);
    out.extend(headers::check(&e.headers, r, ctx.render)?);
    if let Some(s) = &e.scope {
        out.extend(scope::check(s, r, ctx.render)?);
    }
    if let Some(a) = e.active {
        out.extend(active::check(a, r));
    }
    if let Some(idt) = &e.id_token {
        out.extend(id_token::check(idt, r, ctx.render, ctx.verify_id_token)?);
    }
    Ok(out)
}
