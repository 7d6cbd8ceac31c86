//! The end-of-run list of skips a target could run by stating a behaviour
//! value: each distinct reason (it names the key and the exact line to add,
//! `BehaviourView::unknown_reason`) with how many trials of which target it
//! skipped, most first. Without it a user meets the same reason scattered
//! over dozens of trial lines.

use crate::record::{Outcome, TrialRecord};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The reasons this list collects start so (behaviour/mod.rs words them).
const PREFIX: &str = "behaviour `";

/// The list, or nothing when no skip was for an unstated value.
pub(super) fn unstated_skips(records: &[TrialRecord], text: &dyn Fn(&str) -> String) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in records {
        if let Outcome::Skip { reason } = &r.outcome {
            if reason.starts_with(PREFIX) {
                *counts
                    .entry((r.target.as_str(), reason.as_str()))
                    .or_default() += 1;
            }
        }
    }
    if counts.is_empty() {
        return String::new();
    }
    let total: usize = counts.values().sum();
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut s = format!(
        "\n{total} trials skipped because a behaviour value is not known for the target; each line says what to add:\n"
    );
    for ((target, reason), n) in rows {
        let _ = writeln!(s, "  {n:>4} × {}: {}", text(target), text(reason));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::record;

    #[test]
    fn unstated_values_are_listed_once_each_with_their_count() {
        let reason = "behaviour `grace_period` is unverified in the profile and the target does not state it (check it on your tenant, then add `grace_period = \"0s\"` or the value you found to the target's [behaviour])";
        let skip = |s: &str| {
            let mut r = record("okta-live", s, Outcome::Pass, "");
            r.outcome = Outcome::Skip {
                reason: reason.into(),
            };
            r
        };
        let mut other = record("okta-live", "c/d", Outcome::Pass, "");
        other.outcome = Outcome::Skip {
            reason: "not applicable: needs `x`".into(),
        };
        let recs = vec![skip("a/b"), skip("a/c"), other];
        let s = unstated_skips(&recs, &|s| s.to_string());
        assert!(s.contains("2 trials skipped"), "{s}");
        assert!(
            s.contains("   2 × okta-live: behaviour `grace_period`"),
            "{s}"
        );
        assert!(s.contains("add `grace_period = \"0s\"`"), "{s}");
        assert!(!s.contains("not applicable"), "{s}");
        assert_eq!(unstated_skips(&recs[2..], &|s| s.to_string()), "");
    }
}
