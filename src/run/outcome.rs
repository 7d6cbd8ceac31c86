//! From findings (or an early stop) to the trial's outcome and message.

use super::trial::Stop;
use crate::record::{FailKind, Finding, Outcome};
use crate::scenario::model::Level;

///
/// The outcome follows the findings' levels only: `--strict` is applied after
/// the target's baseline (by the exit code, the console and JUnit), so that a
/// baseline entry `outcome = "warn"` still matches a warning under `--strict`.
pub(crate) fn decide(stop: Option<&Stop>, findings: &[Finding]) -> (Outcome, String) {
    let more = |n: usize| {
        if n > 1 {
            format!(" (+{} more)", n - 1)
        } else {
            String::new()
        }
    };
    if let Some(p) = findings.iter().find(|f| f.precondition) {
        let n = findings.iter().filter(|f| f.precondition).count();
        let msg = format!(
            "precondition not met, so the check could not be made: {}{}",
            p.describe(),
            more(n)
        );
        return (Outcome::Error { cause: msg.clone() }, msg);
    }
    match stop {
        Some(Stop::Error(e)) => return (Outcome::Error { cause: e.clone() }, e.clone()),
        Some(Stop::Skip(s)) if findings.is_empty() => {
            return (Outcome::Skip { reason: s.clone() }, s.clone())
        }
        Some(Stop::NotRun(s)) => return (Outcome::NotRun { reason: s.clone() }, s.clone()),
        _ => {}
    }
    let failing: Vec<&Finding> = findings.iter().filter(|f| f.level == Level::Must).collect();
    if let Some(first) = failing.first() {
        let kind = if failing.iter().any(|f| f.kind == FailKind::SpecViolation)
            && first.kind != FailKind::SpecViolation
        {
            FailKind::SpecViolation
        } else {
            first.kind
        };
        let msg = format!(
            "{}: {}{}",
            kind.as_str(),
            first.describe(),
            more(failing.len())
        );
        return (Outcome::Fail { kind }, msg);
    }
    if let Some(first) = findings.first() {
        // No "WARN" here: every writer labels the outcome itself.
        let msg = format!(
            "{}: {}{}",
            first.level,
            first.describe(),
            more(findings.len())
        );
        return (Outcome::Warn, msg);
    }
    (Outcome::Pass, "ok".into())
}

/// A baseline's known deviation: a matching outcome becomes a skip; a pass is a
/// warning that the entry can go, unless the entry is `intermittent` (a race
/// that does not show on every run), where a pass stays a pass.
pub(crate) fn apply_baseline(
    outcome: Outcome,
    message: String,
    expected: Option<&crate::target::baseline::BaselineEntry>,
) -> (Outcome, String, Option<String>) {
    let Some(crate::target::baseline::BaselineEntry {
        outcome: label,
        reason,
        intermittent,
    }) = expected
    else {
        return (outcome, message, None);
    };
    if outcome.label() == label {
        let r = format!("known deviation: {reason}");
        return (
            Outcome::Skip { reason: r.clone() },
            format!("{r} (was: {message})"),
            Some(reason.clone()),
        );
    }
    if outcome == Outcome::Pass && *intermittent {
        let m =
            format!("ok (the baseline's intermittent `{label}` did not show this run: {reason})");
        return (Outcome::Pass, m, Some(reason.clone()));
    }
    if outcome == Outcome::Pass {
        let m = format!(
            "the baseline expects `{label}` ({reason}), but it passed: no longer seen; remove it"
        );
        return (Outcome::Warn, m, Some(reason.clone()));
    }
    (outcome, message, Some(reason.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::baseline::BaselineEntry;

    fn entry(outcome: &str, intermittent: bool) -> BaselineEntry {
        BaselineEntry {
            outcome: outcome.into(),
            reason: "vendor case 1234".into(),
            intermittent,
        }
    }

    fn fail() -> Outcome {
        Outcome::Fail {
            kind: FailKind::SpecViolation,
        }
    }

    #[test]
    fn a_matching_outcome_becomes_a_known_deviation() {
        for intermittent in [false, true] {
            let (o, m, b) =
                apply_baseline(fail(), "boom".into(), Some(&entry("fail", intermittent)));
            assert!(
                matches!(&o, Outcome::Skip { reason } if reason == "known deviation: vendor case 1234"),
                "{o:?}"
            );
            assert_eq!(m, "known deviation: vendor case 1234 (was: boom)");
            assert_eq!(b.as_deref(), Some("vendor case 1234"));
        }
    }

    #[test]
    fn a_pass_is_no_longer_seen_unless_the_deviation_is_intermittent() {
        let (o, m, _) = apply_baseline(Outcome::Pass, "ok".into(), Some(&entry("fail", false)));
        assert_eq!(o, Outcome::Warn);
        assert!(m.contains("no longer seen; remove it"), "{m}");

        let (o, m, b) = apply_baseline(Outcome::Pass, "ok".into(), Some(&entry("fail", true)));
        assert_eq!(o, Outcome::Pass);
        assert!(
            m.starts_with("ok (") && m.contains("did not show this run"),
            "{m}"
        );
        assert_eq!(b.as_deref(), Some("vendor case 1234"));
    }

    #[test]
    fn another_non_pass_outcome_is_kept_even_when_intermittent() {
        let err = Outcome::Error {
            cause: "refused".into(),
        };
        let (o, m, _) = apply_baseline(err.clone(), "refused".into(), Some(&entry("fail", true)));
        assert_eq!(o, err);
        assert_eq!(m, "refused");
    }
}
