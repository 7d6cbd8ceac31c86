//! A Markdown summary for `$GITHUB_STEP_SUMMARY` (GitHub Actions) or a GitLab
//! merge-request note: totals per target, the failures and errors with their
//! clauses (as links), the warnings, and the behaviour drift.
//!
//! GitHub caps a step summary at 1 MiB: tables are limited to
//! [`MAX_ROWS`] rows and cells are cut.

use super::fingerprint::FingerprintDiff;
use super::text::clean;
use super::view::clauses;
use super::view::totals;
use crate::record::{Outcome, TrialRecord};
use crate::redact::Redactor;
use std::fmt::Write as _;

/// Rows per table, at most.
pub(crate) const MAX_ROWS: usize = 100;
/// Characters per table cell, at most.
const MAX_CELL: usize = 300;

struct Md<'a> {
    redactor: &'a Redactor,
}

impl Md<'_> {
    /// Text for a table cell: one line, markup-neutral, cut.
    fn cell(&self, s: &str) -> String {
        let s = self.redactor.redact(&clean(s));
        let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = String::new();
        for (i, c) in one_line.chars().enumerate() {
            if i >= MAX_CELL {
                out.push('…');
                break;
            }
            match c {
                '|' => out.push_str("\\|"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                c => out.push(c),
            }
        }
        out
    }

    /// An inline code span that survives backticks inside `s`.
    fn code(&self, s: &str) -> String {
        let s = self
            .cell(s)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let mut longest = 0;
        let mut run = 0;
        for c in s.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        let fence = "`".repeat(longest + 1);
        let pad = if s.starts_with('`') || s.ends_with('`') {
            " "
        } else {
            ""
        };
        format!("{fence}{pad}{s}{pad}{fence}")
    }

    fn clauses(&self, r: &TrialRecord) -> String {
        clauses(r)
            .iter()
            .map(|c| match crate::clause::url(c) {
                Some(u) => format!("[{}]({u})", self.cell(c)),
                None => self.cell(c),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn outcome_cell(r: &TrialRecord) -> String {
    match &r.outcome {
        Outcome::Fail { kind } => format!("❌ fail ({})", kind.as_str()),
        Outcome::Error { .. } => "💥 error".into(),
        Outcome::Warn => "⚠️ warn".into(),
        Outcome::Skip { .. } => "⏭️ skip".into(),
        Outcome::NotRun { .. } => "⏸️ not run".into(),
        Outcome::Pass => "✅ pass".into(),
    }
}

fn table(md: &Md, s: &mut String, rows: &[&TrialRecord]) {
    s.push_str("| trial | outcome | message | clauses |\n|---|---|---|---|\n");
    for r in rows.iter().take(MAX_ROWS) {
        let msg = match &r.outcome {
            Outcome::Error { cause } if r.message.is_empty() => cause.clone(),
            Outcome::Error { cause } => format!("{cause}: {}", r.message),
            _ => {
                let mut m = r.message.clone();
                if let Some(f) = r.findings.first() {
                    m.push_str(" — ");
                    m.push_str(&f.describe());
                }
                m
            }
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md.code(&r.name),
            outcome_cell(r),
            md.cell(&msg),
            md.clauses(r)
        );
    }
    if rows.len() > MAX_ROWS {
        let _ = writeln!(
            s,
            "\n… and {} more (see the JUnit or HTML report).",
            rows.len() - MAX_ROWS
        );
    }
}

/// Renders the summary.
///
/// `strict`: warnings count as failures (`--strict`), as in the exit code.
pub fn summary_markdown(
    records: &[TrialRecord],
    drift: Option<&FingerprintDiff>,
    redactor: &Redactor,
    strict: bool,
) -> String {
    let md = Md { redactor };
    let drifted = drift.is_some_and(FingerprintDiff::is_drift);
    let mut s = headline(&md, records, drifted, strict);
    outcomes(&md, &mut s, records);
    if let Some(d) = drift {
        drift_section(&md, &mut s, d);
    }
    s
}

/// The verdict line and the per-target table.
fn headline(md: &Md<'_>, records: &[TrialRecord], drifted: bool, strict: bool) -> String {
    let tot = totals(records);
    let all = super::view::Totals::of(records);
    let mut s = String::from("## refresh-conformance\n\n");
    let verdict = if all.fail > 0 {
        "❌ **failed**"
    } else if strict && records.iter().any(|r| r.outcome.is_failure(true)) {
        "❌ **failed: warnings under --strict**"
    } else if drifted {
        "❌ **failed: behaviour drift**"
    } else if all.error > 0 {
        "💥 **errors**"
    } else {
        "✅ **passed**"
    };
    // Trials not run (a client that cannot authenticate) are rare: their
    // count and column appear when there are some.
    let with_not_run = all.not_run > 0;
    let not_run = match with_not_run {
        true => format!(", {} not run", all.not_run),
        false => String::new(),
    };
    let _ = writeln!(
        s,
        "{verdict}: {} trial(s) on {} target(s) — {} pass, {} warn, {} fail, {} error, {} skip{not_run}\n",
        records.len(),
        tot.len(),
        all.pass,
        all.warn,
        all.fail,
        all.error,
        all.skip,
    );
    if !tot.is_empty() {
        let (head, rule) = match with_not_run {
            true => (" not run |", "---:|"),
            false => ("", ""),
        };
        let _ = writeln!(
            s,
            "| target | pass | warn | fail | error | skip |{head} result |\n|---|---:|---:|---:|---:|---:|{rule}---|"
        );
        for (t, n) in &tot {
            let result = if n.fail > 0 {
                "❌ fail"
            } else if n.error > 0 {
                "💥 error"
            } else {
                "✅ ok"
            };
            let not_run = match with_not_run {
                true => format!(" {} |", n.not_run),
                false => String::new(),
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |{not_run} {result} |",
                md.code(t),
                n.pass,
                n.warn,
                n.fail,
                n.error,
                n.skip
            );
        }
        s.push('\n');
    }
    s
}

/// Failures and errors, then warnings (folded).
fn outcomes(md: &Md<'_>, s: &mut String, records: &[TrialRecord]) {
    let bad: Vec<&TrialRecord> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail { .. } | Outcome::Error { .. }))
        .collect();
    if !bad.is_empty() {
        s.push_str("### Failures and errors\n\n");
        table(md, s, &bad);
        let not_run = records
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::NotRun { .. }))
            .count();
        if not_run > 0 {
            let _ = writeln!(
                s,
                "\n{not_run} more trial(s) not run because of these errors: each names the error it follows from."
            );
        }
        s.push('\n');
    }
    let warns: Vec<&TrialRecord> = records
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Warn))
        .collect();
    if !warns.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>Warnings ({})</summary>\n",
            warns.len()
        );
        table(md, s, &warns);
        s.push_str("\n</details>\n\n");
    }
}

/// Behaviour drift against the fingerprint.
fn drift_section(md: &Md<'_>, s: &mut String, d: &FingerprintDiff) {
    s.push_str("### Behaviour drift\n\n");
    if d.changed.is_empty() {
        s.push_str("No behaviour drift against the fingerprint.\n");
    } else {
        let _ = writeln!(
            s,
            "{} change(s) against the fingerprint (accept with `--accept-drift`):\n",
            d.changed.len()
        );
        s.push_str("| trial | observation | before | now |\n|---|---|---|---|\n");
        for c in d.changed.iter().take(MAX_ROWS) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                md.code(&c.trial),
                md.code(&c.key),
                md.cell(c.old.as_deref().unwrap_or("(absent)")),
                md.cell(c.new.as_deref().unwrap_or("(absent)"))
            );
        }
        if d.changed.len() > MAX_ROWS {
            let _ = writeln!(s, "\n… and {} more.", d.changed.len() - MAX_ROWS);
        }
    }
    for (title, list) in [
        ("New scenarios (not drift)", &d.added),
        ("Scenarios no longer run (not drift)", &d.removed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n{title}: {}", list.len());
            for t in list.iter().take(MAX_ROWS) {
                let _ = writeln!(s, "- {}", md.code(t));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FailKind;
    use crate::report::fingerprint::{diff, from_records};
    use crate::report::sample::{record, sample_records};

    #[test]
    fn totals_failures_and_clauses() {
        let s = summary_markdown(&sample_records(), None, &Redactor::new(), false);
        assert!(s.starts_with("## refresh-conformance\n"));
        assert!(s.contains("❌ **failed**: 18 trial(s) on 3 target(s) — 10 pass, 2 warn, 2 fail, 1 error, 3 skip"), "{s}");
        assert!(
            s.contains("| `emulated-keycloak` | 4 | 0 | 1 | 0 | 1 | ❌ fail |"),
            "{s}"
        );
        assert!(
            s.contains("| `emulated-okta` | 4 | 1 | 0 | 0 | 1 | ✅ ok |"),
            "{s}"
        );
        assert!(s.contains("### Failures and errors"));
        assert!(s.contains("| `emulated-keycloak/rotation/previous-token-refused` | ❌ fail (profile-mismatch) |"), "{s}");
        assert!(
            s.contains(
                "[rfc9700#4.14.2](https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2), seed:004"
            ),
            "{s}"
        );
        assert!(
            s.contains("💥 error | connection refused (127.0.0.1:9): the revocation endpoint"),
            "{s}"
        );
        assert!(s.contains("<details><summary>Warnings (2)</summary>"));
        assert!(!s.contains("Behaviour drift"));
    }

    #[test]
    fn trials_not_run_are_counted_apart_from_the_one_error() {
        let mut recs = vec![record(
            "t",
            "a/first",
            Outcome::Error {
                cause: "client `main` cannot authenticate".into(),
            },
            "client `main` cannot authenticate",
        )];
        for id in ["a/second", "a/third"] {
            let reason = "client `main` cannot authenticate: see the error of t/a/first";
            let not_run = Outcome::NotRun {
                reason: reason.into(),
            };
            recs.push(record("t", id, not_run, reason));
        }
        let s = summary_markdown(&recs, None, &Redactor::new(), false);
        assert!(
            s.contains("💥 **errors**: 3 trial(s) on 1 target(s) — 0 pass, 0 warn, 0 fail, 1 error, 0 skip, 2 not run"),
            "{s}"
        );
        assert!(
            s.contains("| target | pass | warn | fail | error | skip | not run | result |"),
            "{s}"
        );
        assert!(
            s.contains("| `t` | 0 | 0 | 0 | 1 | 0 | 2 | 💥 error |"),
            "{s}"
        );
        assert_eq!(
            s.matches("| `t/a/").count(),
            1,
            "only the error is listed: {s}"
        );
        assert!(
            s.contains("2 more trial(s) not run because of these errors"),
            "{s}"
        );
    }

    #[test]
    fn drift_section() {
        let old = sample_records();
        let mut new = sample_records();
        new[0]
            .observations
            .insert("rotate.new_refresh_token".into(), "no".into());
        new.push(record(
            "emulated-okta",
            "rotation/brand-new",
            Outcome::Pass,
            "ok",
        ));
        let d = diff(&from_records(&old), &from_records(&new));
        let s = summary_markdown(&new, Some(&d), &Redactor::new(), false);
        assert!(s.contains("### Behaviour drift"));
        assert!(
            s.contains(
                "| `emulated-okta/rotation/new-token` | `rotate.new_refresh_token` | yes | no |"
            ),
            "{s}"
        );
        assert!(
            s.contains("New scenarios (not drift): 1\n- `emulated-okta/rotation/brand-new`"),
            "{s}"
        );
        let same = diff(&from_records(&old), &from_records(&old));
        let s = summary_markdown(&old, Some(&same), &Redactor::new(), false);
        assert!(s.contains("No behaviour drift"));
    }

    #[test]
    fn cells_are_neutralised_and_redacted() {
        let r = record(
            "t|x",
            "a/`b`",
            Outcome::Fail {
                kind: FailKind::SpecViolation,
            },
            "line1\nline2 | <img src=x> \u{1b}[31mCANARY-1234567890\u{1b}[0m",
        );
        let red = Redactor::new();
        red.add_secret("CANARY-1234567890", "‹secret:main›");
        let s = summary_markdown(&[r], None, &red, false);
        assert!(!s.contains("CANARY"));
        assert!(!s.contains('\u{1b}'));
        assert!(
            s.contains("line1 line2 \\| &lt;img src=x&gt; ‹secret:main›"),
            "{s}"
        );
        assert!(s.contains("| `` t\\|x/a/`b` `` |"), "{s}");
        let all_pass = summary_markdown(
            &[record("t", "a/b", Outcome::Pass, "ok")],
            None,
            &red,
            false,
        );
        let warned = [record("t", "a/b", Outcome::Warn, "should: x")];
        assert!(summary_markdown(&warned, None, &red, false).contains("✅ **passed**"));
        let strict = summary_markdown(&warned, None, &red, true);
        assert!(
            strict.contains("failed: warnings under --strict"),
            "{strict}"
        );
        assert!(all_pass.contains("✅ **passed**"));
        assert!(!all_pass.contains("Failures"));
    }
}
