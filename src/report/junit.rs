//! JUnit XML (the Jenkins xunit `junit-10.xsd` dialect that GitHub Actions,
//! GitLab and Jenkins all read).
//!
//! The XML is written here rather than through the `junit-report` crate: that
//! crate writes a suite `time` as a raw `f64` (which can exceed the 3 decimals
//! the schema allows), always stamps a wall-clock `timestamp` (output could
//! not be compared between runs), and puts texts into CDATA that `]]>` breaks.
//! Here every text is escaped (no CDATA at all), every string is cleaned of
//! ANSI escapes and characters XML 1.0 forbids, redacted once more, and cut.
//!
//! Mapping (docs/outcomes.md):
//! - one `<testsuite>` per target, in first-seen order; one `<testcase>` per
//!   record: `classname` = target, `name` = scenario id;
//! - fail → `<failure type="spec-violation|profile-mismatch">`;
//! - error → `<error type="error">`; skip → `<skipped message=reason>`;
//! - not run (another trial's error, which the reason names) →
//!   `<skipped message="not run: reason">`;
//! - warn → a passing testcase whose `system-out` starts with `WARN`; with
//!   `strict`, a `<failure>` whose type is the finding's kind.
//!
//! Every testcase has a `system-out` with the outcome, the level and the
//! clauses (the scenario's and its findings').

use super::atomic::write_atomic;
use super::fingerprint::FingerprintDiff;
use super::text::{clean, cut, escape_attr, escape_text, MAX_ATTR, MAX_TEXT};
use super::view::clauses;
use crate::record::{FailKind, Outcome, TrialRecord};
use crate::redact::Redactor;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// Seconds with at most 3 decimals (rounded to the millisecond).
pub(crate) fn seconds(d: Duration) -> String {
    let ms = (d.as_nanos() + 500_000) / 1_000_000;
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The failure type of a warning made a failure by `--strict`.
fn warn_kind(r: &TrialRecord) -> FailKind {
    r.findings
        .iter()
        .find(|f| !f.precondition)
        .or(r.findings.first())
        .map(|f| f.kind)
        .unwrap_or(FailKind::SpecViolation)
}

struct Ctx<'a> {
    redactor: &'a Redactor,
}

impl Ctx<'_> {
    /// Clean, redact, cut: the text is then ready to escape.
    fn prep(&self, s: &str, max: usize) -> String {
        cut(&self.redactor.redact(&clean(s)), max)
    }
    fn attr(&self, s: &str) -> String {
        escape_attr(&self.prep(s, MAX_ATTR))
    }
    /// An attribute on one line: the first line of `s`.
    fn attr_line(&self, s: &str) -> String {
        let cleaned = clean(s);
        let first = cleaned.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        escape_attr(&cut(&self.redactor.redact(first.trim()), MAX_ATTR))
    }
    fn text(&self, s: &str) -> String {
        escape_text(&self.prep(s, MAX_TEXT))
    }
}

fn system_out(r: &TrialRecord, strict: bool) -> String {
    let mut s = String::new();
    match &r.outcome {
        Outcome::Warn => {
            let _ = writeln!(
                s,
                "WARN{}: {}",
                if strict { " (failing: --strict)" } else { "" },
                r.message
            );
        }
        Outcome::Skip { reason } => {
            let _ = writeln!(s, "SKIP: {reason}");
        }
        Outcome::NotRun { reason } => {
            let _ = writeln!(s, "NOT RUN: {reason}");
        }
        Outcome::Error { cause } if r.message.is_empty() => {
            let _ = writeln!(s, "ERROR: {cause}");
        }
        Outcome::Error { cause } => {
            let _ = writeln!(s, "ERROR: {cause}: {}", r.message);
        }
        o => {
            let _ = writeln!(s, "{}: {}", o.label().to_uppercase(), r.message);
        }
    }
    let _ = writeln!(s, "title: {}", r.title);
    let _ = writeln!(s, "level: {}", r.level);
    let cl = clauses(r);
    if !cl.is_empty() {
        let _ = writeln!(s, "clauses: {}", cl.join(", "));
    }
    if let Some(b) = &r.baseline {
        let _ = writeln!(s, "baseline: {b}");
    }
    if !r.observations.is_empty() {
        s.push_str("observations:\n");
        for (k, v) in &r.observations {
            let _ = writeln!(s, "  {k} = {v}");
        }
    }
    if matches!(r.outcome, Outcome::Warn) {
        s.push('\n');
        s.push_str(&r.details());
    }
    s
}

/// The failure text: the record's details, with every clause listed.
fn failure_text(r: &TrialRecord) -> String {
    let mut s = r.details();
    let cl = clauses(r);
    if !cl.is_empty() && cl.len() > r.refs.len() {
        let _ = writeln!(s, "\nall clauses: {}", cl.join(", "));
    }
    s
}

/// The element that says a testcase's outcome (none for a pass, or a
/// warning without `--strict`).
fn outcome_element(cx: &Ctx<'_>, r: &TrialRecord, strict: bool) -> String {
    let mut s = String::new();
    match &r.outcome {
        Outcome::Pass => {}
        Outcome::Warn => {
            if strict {
                let _ = writeln!(
                    s,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    warn_kind(r).as_str(),
                    cx.attr_line(&format!("WARN (strict): {}", r.message)),
                    cx.text(&failure_text(r))
                );
            }
        }
        Outcome::Fail { kind } => {
            let _ = writeln!(
                s,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                kind.as_str(),
                cx.attr_line(&r.message),
                cx.text(&failure_text(r))
            );
        }
        Outcome::Error { cause } => {
            let _ = writeln!(
                s,
                "      <error type=\"error\" message=\"{}\">{}</error>",
                cx.attr_line(cause),
                cx.text(&format!("cause: {cause}\n{}", failure_text(r)))
            );
        }
        Outcome::Skip { reason } => {
            let _ = writeln!(s, "      <skipped message=\"{}\"/>", cx.attr(reason));
        }
        Outcome::NotRun { reason } => {
            let _ = writeln!(
                s,
                "      <skipped message=\"{}\"/>",
                cx.attr(&format!("not run: {reason}"))
            );
        }
    }
    s
}

/// Renders the records as one JUnit XML document.
pub fn junit_xml(records: &[TrialRecord], strict: bool, redactor: &Redactor) -> String {
    junit_xml_with_drift(records, strict, None, redactor)
}

/// [`junit_xml`], with behaviour drift against the fingerprint as failing
/// testcases: a `fingerprint` suite with one `drift` testcase per target whose
/// behaviour changed (drift fails the run, so it fails in JUnit too).
pub fn junit_xml_with_drift(
    records: &[TrialRecord],
    strict: bool,
    drift: Option<&FingerprintDiff>,
    redactor: &Redactor,
) -> String {
    let cx = Ctx { redactor };
    let mut targets: Vec<&str> = Vec::new();
    for r in records {
        if !targets.contains(&r.target.as_str()) {
            targets.push(&r.target);
        }
    }
    let is_failure = |r: &TrialRecord| r.outcome.is_failure(strict);
    let count =
        |rs: &[&TrialRecord], f: &dyn Fn(&TrialRecord) -> bool| rs.iter().filter(|r| f(r)).count();

    let mut suites = String::new();
    let (mut all_tests, mut all_fail, mut all_err) = (0, 0, 0);
    for t in &targets {
        let rs: Vec<&TrialRecord> = records.iter().filter(|r| r.target == *t).collect();
        let fails = count(&rs, &is_failure);
        let errors = count(&rs, &|r| matches!(r.outcome, Outcome::Error { .. }));
        let skipped = count(&rs, &|r| {
            matches!(r.outcome, Outcome::Skip { .. } | Outcome::NotRun { .. })
        });
        // A suite's time is the wall time its trials span (they overlap),
        // not the sum of theirs.
        let time = crate::record::wall_time(rs.iter().copied());
        all_tests += rs.len();
        all_fail += fails;
        all_err += errors;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">",
            cx.attr(t),
            rs.len(),
            seconds(time)
        );
        for r in rs {
            let _ = writeln!(
                suites,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">",
                cx.attr(&r.scenario),
                cx.attr(t),
                seconds(r.duration)
            );
            suites.push_str(&outcome_element(&cx, r, strict));
            let _ = writeln!(
                suites,
                "      <system-out>{}</system-out>",
                cx.text(&system_out(r, strict))
            );
            suites.push_str("    </testcase>\n");
        }
        suites.push_str("  </testsuite>\n");
    }
    if let Some(d) = drift.filter(|d| d.is_drift()) {
        let n = drift_suite(&cx, d, &mut suites);
        all_tests += n;
        all_fail += n;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"refresh-conformance\" tests=\"{all_tests}\" failures=\"{all_fail}\" errors=\"{all_err}\" time=\"{}\">\n{suites}</testsuites>\n",
        seconds(crate::record::wall_time(records))
    )
}

/// The `fingerprint` suite: one failing `drift` testcase per target whose
/// behaviour changed. Returns how many.
fn drift_suite(cx: &Ctx<'_>, d: &FingerprintDiff, suites: &mut String) -> usize {
    let mut by_target: Vec<(&str, Vec<&crate::report::fingerprint::Change>)> = Vec::new();
    for c in &d.changed {
        let t = c.trial.split('/').next().unwrap_or("");
        match by_target.iter_mut().find(|(x, _)| *x == t) {
            Some((_, v)) => v.push(c),
            None => by_target.push((t, vec![c])),
        }
    }
    let n = by_target.len();
    let _ = writeln!(
        suites,
        "  <testsuite name=\"fingerprint\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\" time=\"0.000\">"
    );
    for (t, changes) in by_target {
        let lines: Vec<String> = changes
            .iter()
            .map(|c| {
                format!(
                    "{}: {}: {} → {}",
                    c.trial,
                    c.key,
                    c.old.as_deref().unwrap_or("(absent)"),
                    c.new.as_deref().unwrap_or("(absent)")
                )
            })
            .collect();
        let _ = writeln!(
            suites,
            "    <testcase name=\"drift\" classname=\"{}\" time=\"0.000\">\n      <failure type=\"drift\" message=\"{}\">{}</failure>\n    </testcase>",
            cx.attr(t),
            cx.attr(&format!("{} change(s) in behaviour against the fingerprint (accept with --accept-drift)", changes.len())),
            cx.text(&lines.join("\n"))
        );
    }
    suites.push_str("  </testsuite>\n");
    n
}

/// Writes [`junit_xml_with_drift`] to `path` atomically.
pub fn write_junit(
    path: &Path,
    records: &[TrialRecord],
    strict: bool,
    drift: Option<&FingerprintDiff>,
    redactor: &Redactor,
) -> std::io::Result<()> {
    let xml = junit_xml_with_drift(records, strict, drift, redactor);
    write_atomic(path, xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_has_three_decimals() {
        assert_eq!(seconds(Duration::from_micros(1_234_567)), "1.235");
        assert_eq!(seconds(Duration::ZERO), "0.000");
        assert_eq!(seconds(Duration::from_millis(61_001)), "61.001");
        assert_eq!(seconds(Duration::from_nanos(499_999)), "0.000");
    }
}
