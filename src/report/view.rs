//! What the writers share about a set of records: totals, the clauses of a
//! record, and the matrix arrangement (targets × areas × scenarios). Every
//! writer reads records through here or directly; none borrows from another.

use crate::record::{Outcome, TrialRecord};
use serde::Serialize;

/// The clauses of a record: its scenario's refs, then its findings' refs, without repeats.
pub(crate) fn clauses(r: &TrialRecord) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in r
        .refs
        .iter()
        .chain(r.findings.iter().flat_map(|f| f.refs.iter()))
    {
        if !out.contains(c) {
            out.push(c.clone());
        }
    }
    out
}

/// Records arranged as the matrix: targets (first-seen order), areas and
/// scenarios (first-seen order), a record per (scenario, target) when run.
pub(crate) struct Matrix<'a> {
    pub targets: Vec<&'a str>,
    pub areas: Vec<(&'a str, Vec<Row<'a>>)>,
}

pub(crate) struct Row<'a> {
    /// The first record seen for this scenario: title, level and refs.
    pub first: &'a TrialRecord,
    pub cells: Vec<Option<&'a TrialRecord>>,
}

pub(crate) fn area_of(scenario: &str) -> &str {
    scenario.split_once('/').map_or(scenario, |(a, _)| a)
}

impl<'a> Matrix<'a> {
    pub fn new(records: &'a [TrialRecord]) -> Self {
        let mut targets: Vec<&str> = Vec::new();
        for r in records {
            if !targets.contains(&r.target.as_str()) {
                targets.push(&r.target);
            }
        }
        let mut areas: Vec<(&str, Vec<Row>)> = Vec::new();
        for r in records {
            let ti = targets.iter().position(|t| *t == r.target).expect("seen");
            let area = area_of(&r.scenario);
            let ai = match areas.iter().position(|(a, _)| *a == area) {
                Some(i) => i,
                None => {
                    areas.push((area, Vec::new()));
                    areas.len() - 1
                }
            };
            let rows = &mut areas[ai].1;
            let row = match rows.iter().position(|row| row.first.scenario == r.scenario) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push(Row {
                        first: r,
                        cells: vec![None; targets.len()],
                    });
                    rows.last_mut().expect("pushed")
                }
            };
            row.cells.resize(targets.len(), None);
            row.cells[ti] = Some(r);
        }
        for (_, rows) in &mut areas {
            for row in rows {
                row.cells.resize(targets.len(), None);
            }
        }
        Matrix { targets, areas }
    }
}

/// Per-outcome counts: failures, errors, warnings and trials not run apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Totals {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub error: usize,
    /// Not run because of another trial's error (a client that cannot authenticate).
    pub not_run: usize,
}

impl Totals {
    pub(crate) fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Pass => self.pass += 1,
            Outcome::Warn => self.warn += 1,
            Outcome::Fail { .. } => self.fail += 1,
            Outcome::Skip { .. } => self.skip += 1,
            Outcome::Error { .. } => self.error += 1,
            Outcome::NotRun { .. } => self.not_run += 1,
        }
    }

    /// Counts of the outcomes as recorded.
    pub(crate) fn of(records: &[TrialRecord]) -> Totals {
        Totals::judged(records, false)
    }

    /// Counts as judged: under `--strict` a warning counts as a failure
    /// (what the exit code says).
    pub(crate) fn judged(records: &[TrialRecord], strict: bool) -> Totals {
        let mut t = Totals::default();
        for r in records {
            if r.outcome.is_failure(strict) {
                t.fail += 1;
            } else {
                t.add(&r.outcome);
            }
        }
        t
    }
}

/// Totals per target, in first-seen order.
pub(crate) fn totals(records: &[TrialRecord]) -> Vec<(String, Totals)> {
    let mut out: Vec<(String, Totals)> = Vec::new();
    for r in records {
        let i = match out.iter().position(|(t, _)| *t == r.target) {
            Some(i) => i,
            None => {
                out.push((r.target.clone(), Totals::default()));
                out.len() - 1
            }
        };
        out[i].1.add(&r.outcome);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_groups_by_area_in_first_seen_order() {
        let recs = crate::report::sample::sample_records();
        let m = Matrix::new(&recs);
        assert_eq!(
            m.targets,
            ["emulated-okta", "emulated-keycloak", "okta-staging"]
        );
        let areas: Vec<_> = m.areas.iter().map(|(a, _)| *a).collect();
        assert_eq!(areas, ["rotation", "scope", "oidc", "revocation", "expiry"]);
        assert_eq!(m.areas[0].1.len(), 2);
        assert!(m
            .areas
            .iter()
            .all(|(_, rows)| rows.iter().all(|r| r.cells.iter().all(Option::is_some))));
        assert_eq!(area_of("plain"), "plain");
    }
}
