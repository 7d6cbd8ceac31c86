//! The HTML report: ONE self-contained file (inline CSS, no script, no
//! external asset; its content security policy lets it load nothing, so it
//! contacts no host). Top to bottom:
//!
//! 1. the overall verdict (`verdict.rs`): failed / errors / passed, with
//!    `N failures · N errors · N warnings · drift`;
//! 2. the failures and errors (`failures.rs`): name, clauses (linked),
//!    message, findings and redacted exchanges;
//! 3. the behaviour drift against the fingerprint, when there is any (`drift.rs`);
//! 4. the matrix (`matrix.rs`): scenarios grouped by area × targets, each
//!    cell graded in colour AND text, linking to its explanation;
//! 5. the warnings, listed as the failures are (`failures.rs`).
//!
//! The layout (`style.rs`) wraps long JSON and tokens inside their boxes and
//! fits six targets in a 1400 px window. The markup is XHTML-compatible
//! (every element closed, attributes quoted, only XML's predefined entities)
//! so that it parses as XML too. Every text is cleaned, redacted again, cut
//! and escaped (`esc.rs`).
//!
//! [`index_json`] has the same data for machines.

mod drift;
mod esc;
mod failures;
mod json;
mod matrix;
mod style;
mod verdict;

pub use json::index_json;

use crate::record::TrialRecord;
use crate::redact::Redactor;
use esc::Esc;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the report says about the run itself (the caller fills it; reports
/// never read the clock, so output stays reproducible).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportMeta {
    /// Heading; `refresh-conformance report` when empty.
    pub title: String,
    /// The tool's version (`env!("CARGO_PKG_VERSION")`).
    pub tool_version: String,
    /// When the run happened (RFC 3339), if the caller wants it shown.
    pub generated_at: Option<String>,
    /// The command line, redacted by the writer.
    pub command: Option<String>,
    /// `--strict`: warnings count as failures.
    pub strict: bool,
    /// Target name → profile it follows, when known.
    pub profiles: BTreeMap<String, String>,
    /// Behaviour drift against the fingerprint, when there is any.
    pub drift: Option<super::fingerprint::FingerprintDiff>,
}

impl ReportMeta {
    fn title(&self) -> &str {
        if self.title.is_empty() {
            "refresh-conformance report"
        } else {
            &self.title
        }
    }
}

/// The line under the banner: version, time, strictness, command.
fn meta_line(e: &Esc, meta: &ReportMeta) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !meta.tool_version.is_empty() {
        parts.push(format!("refresh-conformance {}", e.t(&meta.tool_version)));
    }
    if let Some(g) = &meta.generated_at {
        parts.push(format!("run at {}", e.t(g)));
    }
    if meta.strict {
        parts.push("strict: warnings count as failures".into());
    }
    if let Some(c) = &meta.command {
        parts.push(format!("<code>{}</code>", e.t(c)));
    }
    format!("<p class=\"meta\">{}</p>\n", parts.join(" · "))
}

/// Renders the whole report as one self-contained HTML file.
pub fn html_report(records: &[TrialRecord], meta: &ReportMeta, redactor: &Redactor) -> String {
    let e = Esc { redactor };
    let drift = meta.drift.as_ref().filter(|d| d.is_drift());
    let targets = crate::report::view::Matrix::new(records).targets.len();
    let v = verdict::Verdict::new(records, meta.strict, drift, targets);
    let title = e.t(meta.title());
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        style::CSP,
        v.state_word(),
        title,
        style::CSS
    );
    h.push_str(&verdict::banner(&v));
    h.push_str(&meta_line(&e, meta));
    h.push_str(&failures::failures(&e, records, meta.strict));
    if let Some(d) = drift {
        h.push_str(&drift::drift(&e, d));
    }
    h.push_str(&matrix::matrix(&e, records, meta));
    h.push_str(&failures::warnings(&e, records, meta.strict));
    h.push_str("</body>\n</html>\n");
    h
}
