//! The bounded search for a grace window: the previous token is presented
//! once per trial, each trial waiting a different time after rotation (they
//! wait side by side). A coarse round doubles the wait up to `--max-wait`;
//! a fine round splits the gap between the last acceptance and the first
//! refusal. The window is reported as the longest wait that was accepted.

use super::observe::{reuse_line, Line};
use super::questions::GRACE_PREFIX;
use super::read::Answer;
use crate::behaviour::Value;
use crate::record::TrialRecord;
use std::time::Duration;

/// At most this many trials in the fine round.
const FINE_STEPS: u64 = 6;

/// 1s, 2s, 4s … up to `max_wait` (whole seconds).
pub(crate) fn coarse(max_wait: Duration) -> Vec<Duration> {
    let max = max_wait.as_secs();
    let mut out = vec![];
    let mut s = 1;
    while s <= max {
        out.push(Duration::from_secs(s));
        s *= 2;
    }
    if out.last().is_some_and(|l| l.as_secs() < max) {
        out.push(Duration::from_secs(max));
    }
    out
}

/// Waits strictly between `accepted` and `refused` seconds.
pub(crate) fn fine(accepted: u64, refused: u64) -> Vec<Duration> {
    let step = (refused - accepted).div_ceil(FINE_STEPS).max(1);
    (1..)
        .map(|i| accepted + i * step)
        .take_while(|s| *s < refused)
        .map(Duration::from_secs)
        .collect()
}

/// What the trials showed: the longest accepted wait, the shortest refused
/// one (with that trial's successor answer), and harness errors.
pub(crate) struct Search {
    pub accepted: u64,
    pub refused: Option<u64>,
    pub errors: Vec<String>,
}

pub(crate) fn read(records: &[TrialRecord], previous: Option<&Search>) -> Search {
    let mut s = Search {
        accepted: previous.map_or(0, |p| p.accepted),
        refused: previous.and_then(|p| p.refused),
        errors: vec![],
    };
    for r in records {
        let Some(secs) = r
            .scenario
            .strip_prefix(GRACE_PREFIX)
            .and_then(|x| x.strip_suffix('s'))
            .and_then(|x| x.parse::<u64>().ok())
        else {
            continue;
        };
        let a = Answer { record: r };
        match a.step("late") {
            Some(late) if late.ok() => s.accepted = s.accepted.max(secs),
            Some(_) => s.refused = Some(s.refused.map_or(secs, |x| x.min(secs))),
            None => s.errors.push(format!(
                "{}: {}",
                r.scenario,
                a.stopped().unwrap_or_else(|| "no answer".into())
            )),
        }
    }
    s
}

/// The lines a finished search gives: previous_refresh_token, grace_period
/// and reuse_detection.
pub(crate) fn lines(s: &Search, records: &[TrialRecord], max_wait: Duration) -> Vec<Line> {
    let a = s.accepted;
    let Some(b) = s.refused.filter(|b| *b > a) else {
        let why = if s.errors.is_empty() {
            format!("the previous token was still accepted {a}s after rotation, the longest wait (--max-wait {}); a longer grace window would look the same", humantime::format_duration(max_wait))
        } else {
            format!("the search did not finish: {}", s.errors.join("; "))
        };
        let mut out = vec![];
        if s.errors.is_empty() && a > 0 {
            out.push(Line::seen(
                "previous_refresh_token",
                Value::Text("valid".into()),
                why.clone(),
            ));
        } else {
            out.push(Line::unseen("previous_refresh_token", why.clone()));
        }
        out.push(Line::unseen("grace_period", "no window found".to_string()));
        out.push(Line::unseen(
            "reuse_detection",
            "the previous token was never refused, so reuse could not be tried",
        ));
        return out;
    };
    let note = format!(
        "the previous token was accepted at once and {a}s after rotation, refused {b}s after"
    );
    let mut grace = Line::seen(
        "grace_period",
        Value::Duration(Duration::from_secs(a)),
        &note,
    );
    grace.range = Some((Duration::from_secs(a), Duration::from_secs(b)));
    let successor = records
        .iter()
        .find(|r| r.scenario == format!("{GRACE_PREFIX}{b}s"))
        .and_then(|r| Answer { record: r }.step("successor"));
    vec![
        Line::seen(
            "previous_refresh_token",
            Value::Text("valid_in_grace".into()),
            note,
        ),
        grace,
        reuse_line(
            successor,
            &format!("after the previous token was refused {b}s after rotation"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coarse_round_doubles_up_to_the_max_wait() {
        let s: Vec<u64> = coarse(Duration::from_secs(20))
            .iter()
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(s, [1, 2, 4, 8, 16, 20]);
        assert!(coarse(Duration::from_millis(500)).is_empty());
    }

    #[test]
    fn the_fine_round_splits_the_gap_in_at_most_six() {
        let s: Vec<u64> = fine(16, 32).iter().map(|d| d.as_secs()).collect();
        assert_eq!(s, [19, 22, 25, 28, 31]);
        let s: Vec<u64> = fine(2, 4).iter().map(|d| d.as_secs()).collect();
        assert_eq!(s, [3]);
        assert!(fine(2, 3).is_empty());
    }
}
