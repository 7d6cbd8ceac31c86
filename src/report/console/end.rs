//! The end of the console: the `failures:` section (each failure and error
//! with its details, as libtest prints a failed test's output) and the
//! summary line, which counts failures, errors, warnings and trials not run
//! apart.

use super::line::{failure_label, paint, GREEN, RED};
use crate::record::TrialRecord;
use crate::report::view::Totals;
use std::fmt::Write as _;
use std::time::Duration;

/// What the summary line counts besides the records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uncounted {
    /// Scenarios marked `ignored` and not asked for.
    pub ignored: usize,
    /// Left out by the FILTER words, `--skip` or `--ignored`.
    pub filtered_out: usize,
    pub elapsed: Duration,
}

/// `failures:`, then `---- NAME ----` and the details of each failure or
/// error (plan order), then their names; empty when there is none.
/// `text` makes the details safe for the terminal.
pub(super) fn failures(
    records: &[TrialRecord],
    strict: bool,
    text: &dyn Fn(&str) -> String,
) -> String {
    let failing: Vec<(&TrialRecord, &str)> = records
        .iter()
        .filter_map(|r| failure_label(&r.outcome, strict).map(|l| (r, l)))
        .collect();
    if failing.is_empty() {
        return String::new();
    }
    let mut s = String::from("\nfailures:\n\n");
    for (r, label) in &failing {
        let _ = writeln!(s, "---- {} ----", text(&r.name));
        let _ = writeln!(s, "{label}\n{}", text(&r.details()).trim_end());
        s.push('\n');
    }
    s.push_str("\nfailures:\n");
    for (r, _) in &failing {
        let _ = writeln!(s, "    {}", text(&r.name));
    }
    s
}

/// `test result: ok. 280 passed; 0 failed; 0 errors; 5 warnings; 74 ignored;
/// 0 not run; 0 filtered out; finished in 0.21s`. The result is `FAILED`
/// with a failure (a warning under `--strict` is one), else `ERROR` with an
/// error, else `ok`: what the exit code says.
pub(super) fn result_line(t: &Totals, u: &Uncounted, colour: bool) -> String {
    let (word, c) = if t.fail > 0 {
        ("FAILED", RED)
    } else if t.error > 0 {
        ("ERROR", RED)
    } else {
        ("ok", GREEN)
    };
    format!(
        "\ntest result: {}. {} passed; {} failed; {} errors; {} warnings; {} ignored; {} not run; {} filtered out; finished in {:.2}s\n\n",
        paint(word, c, colour),
        t.pass,
        t.fail,
        t.error,
        t.warn,
        t.skip + u.ignored,
        t.not_run,
        u.filtered_out,
        u.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{FailKind, Outcome};
    use crate::report::sample::record;

    fn records() -> Vec<TrialRecord> {
        let fail = Outcome::Fail {
            kind: FailKind::SpecViolation,
        };
        vec![
            record("t", "a/pass", Outcome::Pass, "ok"),
            record("t", "a/warn", Outcome::Warn, "should: w"),
            record("t", "a/fail", fail, "spec-violation: f"),
            record("t", "a/error", Outcome::Error { cause: "e".into() }, "e"),
            record(
                "t",
                "a/not-run",
                Outcome::NotRun { reason: "n".into() },
                "n",
            ),
            record("t", "a/skip", Outcome::Skip { reason: "s".into() }, "s"),
        ]
    }

    #[test]
    fn the_summary_line_counts_failures_errors_warnings_and_not_run_apart() {
        let u = Uncounted {
            ignored: 2,
            filtered_out: 3,
            elapsed: Duration::from_millis(210),
        };
        let t = Totals::judged(&records(), false);
        assert_eq!(
            result_line(&t, &u, false),
            "\ntest result: FAILED. 1 passed; 1 failed; 1 errors; 1 warnings; 3 ignored; 1 not run; 3 filtered out; finished in 0.21s\n\n"
        );
        let t = Totals::judged(&records(), true);
        assert!(result_line(&t, &u, false).contains("1 passed; 2 failed; 1 errors; 0 warnings;"));
        let t = Totals::judged(&records()[3..], false);
        assert!(result_line(&t, &u, false).starts_with("\ntest result: ERROR. 0 passed"));
        let t = Totals::judged(&records()[..2], false);
        assert!(result_line(&t, &u, false).starts_with("\ntest result: ok."));
    }

    #[test]
    fn failures_list_each_failure_and_error_once_and_nothing_else() {
        let s = failures(&records(), false, &|s| s.to_string());
        assert!(
            s.starts_with("\nfailures:\n\n---- t/a/fail ----\nFAIL\na/fail: spec-violation: f\n"),
            "{s}"
        );
        assert!(
            s.contains("---- t/a/error ----\nERROR (the harness could not judge)\n"),
            "{s}"
        );
        assert!(
            s.ends_with("\nfailures:\n    t/a/fail\n    t/a/error\n"),
            "{s}"
        );
        assert!(!s.contains("a/warn") && !s.contains("a/not-run"), "{s}");
        let strict = failures(&records(), true, &|s| s.to_string());
        assert!(
            strict.contains("---- t/a/warn ----\nWARN (failing: --strict)\n"),
            "{strict}"
        );
        assert_eq!(failures(&records()[..1], false, &|s| s.to_string()), "");
    }
}
