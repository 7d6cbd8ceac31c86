//! The trials a reader must look at, before the matrix: failures and errors
//! (warnings too under `--strict`); and the warnings, after it. Each with its
//! name, title, level and clauses (linked), message, findings and the
//! redacted exchanges that show them.

use super::esc::{anchor, exchange, refs, Esc};
use super::verdict::listed_as_failure;
use crate::record::{Outcome, TrialRecord};
use crate::report::view::clauses;
use std::fmt::Write as _;

/// One listed trial; `index` is its place in the records (its anchor).
fn item(e: &Esc, index: usize, r: &TrialRecord) -> String {
    let label = r.outcome.label();
    let kind = match &r.outcome {
        Outcome::Fail { kind } => format!(" <span class=\"kind\">{}</span>", kind.as_str()),
        Outcome::Warn if r.level == crate::scenario::model::Level::Info => {
            " <span class=\"kind\">info</span>".to_string()
        }
        _ => String::new(),
    };
    let mut s = format!(
        "<article class=\"item {label}\" id=\"{}\">\n<h3><span class=\"badge\">{}</span>{kind} <span class=\"name\">{}</span></h3>\n",
        anchor(index),
        label.to_uppercase(),
        e.t(&r.name),
    );
    let _ = writeln!(
        s,
        "<p class=\"about\">{} · <span class=\"level\">{}</span> · {}</p>",
        e.t(&r.title),
        r.level,
        refs(e, &clauses(r))
    );
    let message = match &r.outcome {
        Outcome::Error { cause } if r.message.is_empty() => cause.clone(),
        Outcome::Error { cause } => format!("{cause}: {}", r.message),
        _ => r.message.clone(),
    };
    if !message.is_empty() {
        let _ = writeln!(s, "<p class=\"message\">{}</p>", e.labelled(&message));
    }
    if !r.findings.is_empty() {
        s.push_str("<ul class=\"findings\">");
        for f in &r.findings {
            let _ = write!(s, "<li>{}</li>", e.labelled(&f.describe()));
        }
        s.push_str("</ul>\n");
    }
    if let Some(b) = &r.baseline {
        let _ = writeln!(s, "<p class=\"baseline\">baseline: {}</p>", e.t(b));
    }
    for i in r.shown_exchanges() {
        s.push_str(&exchange(e, i, &r.transcript[i]));
        s.push('\n');
    }
    s.push_str("</article>\n");
    s
}

/// The failures and errors section, empty when there are none.
pub(super) fn failures(e: &Esc, records: &[TrialRecord], strict: bool) -> String {
    // Failures (with warnings under --strict) first, then errors, in run order.
    let mut listed: Vec<(usize, &TrialRecord)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| listed_as_failure(r, strict))
        .collect();
    listed.sort_by_key(|(i, r)| (matches!(r.outcome, Outcome::Error { .. }), *i));
    if listed.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<section id=\"failures\" class=\"listed\">\n<h2>Failures and errors ({})</h2>\n",
        listed.len()
    );
    for (i, r) in listed {
        s.push_str(&item(e, i, r));
    }
    s.push_str("</section>\n");
    s
}

/// The warnings: legal but worth knowing (none under `--strict`, where
/// they are listed with the failures).
pub(super) fn warnings(e: &Esc, records: &[TrialRecord], strict: bool) -> String {
    let listed: Vec<(usize, &TrialRecord)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.outcome, Outcome::Warn) && !listed_as_failure(r, strict))
        .collect();
    if listed.is_empty() {
        return String::new();
    }
    let mut s = format!(
        "<section id=\"warnings\" class=\"listed\">\n<h2>Warnings ({}): a should or info expectation did not hold</h2>\n",
        listed.len()
    );
    for (i, r) in listed {
        s.push_str(&item(e, i, r));
    }
    s.push_str("</section>\n");
    s
}
