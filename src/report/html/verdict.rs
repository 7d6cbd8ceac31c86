//! The overall verdict, at the top of the page: one word in the colour of
//! the run (failed, errors, passed, or nothing judged) and what makes it:
//! `N failures · N errors · N warnings · drift`.

use crate::record::{Outcome, TrialRecord};
use crate::report::fingerprint::FingerprintDiff;
use crate::report::view::Totals;
use std::fmt::Write as _;

/// The state of a run, as its exit code decides it (docs/outcomes.md), with
/// drift failing the run too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// A failure (a warning under `--strict`), or behaviour drift: exit 1.
    Failed,
    /// An error and no failure: exit 3.
    Errors,
    /// Something was judged and nothing failed.
    Passed,
    /// No trial was judged (none run, or every one skipped): not a pass.
    NothingJudged,
}

impl State {
    fn class(self) -> &'static str {
        match self {
            State::Failed => "failed",
            State::Errors => "errors",
            State::Passed => "passed",
            State::NothingJudged => "none",
        }
    }
    fn word(self) -> &'static str {
        match self {
            State::Failed => "failed",
            State::Errors => "errors",
            State::Passed => "passed",
            State::NothingJudged => "nothing judged",
        }
    }
}

pub(super) struct Verdict {
    pub(super) all: Totals,
    pub(super) strict: bool,
    /// Behaviour changes against the fingerprint.
    pub(super) drift: usize,
    pub(super) targets: usize,
    pub(super) state: State,
}

impl Verdict {
    pub(super) fn new(
        records: &[TrialRecord],
        strict: bool,
        drift: Option<&FingerprintDiff>,
        targets: usize,
    ) -> Self {
        let mut all = Totals::default();
        for r in records {
            all.add(&r.outcome);
        }
        let drift = drift.map_or(0, |d| d.changed.len());
        let failing = records.iter().any(|r| r.outcome.is_failure(strict));
        let state = if failing || drift > 0 {
            State::Failed
        } else if all.error > 0 {
            State::Errors
        } else if all.pass + all.warn > 0 {
            State::Passed
        } else {
            State::NothingJudged
        };
        Verdict {
            all,
            strict,
            drift,
            targets,
            state,
        }
    }
}

impl Verdict {
    /// The verdict in one word, for the page title.
    pub(super) fn state_word(&self) -> &'static str {
        self.state.word()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The banner.
pub(super) fn banner(v: &Verdict) -> String {
    let a = &v.all;
    let mut parts: Vec<String> = Vec::new();
    if a.fail > 0 {
        let n = plural(a.fail, "failure", "failures");
        parts.push(format!("<a href=\"#failures\">{n}</a>"));
    }
    if a.error > 0 {
        let n = plural(a.error, "error", "errors");
        parts.push(format!("<a href=\"#failures\">{n}</a>"));
    }
    if a.warn > 0 {
        let n = plural(a.warn, "warning", "warnings");
        parts.push(if v.strict {
            format!("<a href=\"#failures\">{n}</a> (failures under --strict)")
        } else {
            format!("<a href=\"#warnings\">{n}</a>")
        });
    }
    if v.drift > 0 {
        let n = plural(v.drift, "change", "changes");
        parts.push(format!(
            "<a href=\"#drift\">drift</a> ({n} against the fingerprint)"
        ));
    }
    let mut s = format!(
        "<section id=\"verdict\" class=\"verdict {}\">\n<p class=\"word\">{}</p>\n",
        v.state.class(),
        v.state.word()
    );
    if !parts.is_empty() {
        let _ = writeln!(s, "<p class=\"counts\">{}</p>", parts.join(" · "));
    }
    let trials = a.pass + a.warn + a.fail + a.error + a.skip;
    let _ = writeln!(
        s,
        "<p class=\"scope\">{} on {}: {} pass, {} skipped</p>\n</section>",
        plural(trials, "trial", "trials"),
        plural(v.targets, "target", "targets"),
        a.pass,
        a.skip
    );
    s
}

/// Whether a record is listed with the failures (else, when not a pass or
/// skip, with the warnings).
pub(super) fn listed_as_failure(r: &TrialRecord, strict: bool) -> bool {
    r.outcome.is_failure(strict) || matches!(r.outcome, Outcome::Error { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FailKind;
    use crate::report::fingerprint::Change;
    use crate::report::sample::record;

    fn recs(outcomes: &[Outcome]) -> Vec<TrialRecord> {
        outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| record("t", &format!("a/s{i}"), o.clone(), ""))
            .collect()
    }

    #[test]
    fn the_state_follows_the_exit_code_and_drift() {
        let fail = Outcome::Fail {
            kind: FailKind::SpecViolation,
        };
        let err = Outcome::Error { cause: "x".into() };
        let skip = Outcome::Skip { reason: "x".into() };
        let st = |o: &[Outcome], strict, drift: Option<&FingerprintDiff>| {
            Verdict::new(&recs(o), strict, drift, 1).state
        };
        assert_eq!(
            st(&[Outcome::Pass, fail.clone(), err.clone()], false, None),
            State::Failed
        );
        assert_eq!(
            st(&[Outcome::Pass, err.clone()], false, None),
            State::Errors
        );
        assert_eq!(
            st(&[Outcome::Pass, Outcome::Warn], false, None),
            State::Passed
        );
        assert_eq!(
            st(&[Outcome::Pass, Outcome::Warn], true, None),
            State::Failed
        );
        assert_eq!(
            st(std::slice::from_ref(&skip), false, None),
            State::NothingJudged
        );
        assert_eq!(st(&[], false, None), State::NothingJudged);
        let drift = FingerprintDiff {
            changed: vec![Change {
                trial: "t/a/s0".into(),
                key: "outcome".into(),
                old: Some("pass".into()),
                new: Some("skip".into()),
            }],
            ..Default::default()
        };
        assert_eq!(st(&[Outcome::Pass], false, Some(&drift)), State::Failed);
        let v = Verdict::new(
            &recs(&[fail, err, Outcome::Warn, skip]),
            false,
            Some(&drift),
            1,
        );
        let b = banner(&v);
        assert!(b.contains("class=\"verdict failed\""), "{b}");
        assert!(
            b.contains("1 failure</a> · <a href=\"#failures\">1 error</a> · <a href=\"#warnings\">1 warning</a> · <a href=\"#drift\">drift</a> (1 change against the fingerprint)"),
            "{b}"
        );
        assert!(b.contains("4 trials on 1 target: 0 pass, 1 skipped"), "{b}");
    }
}
