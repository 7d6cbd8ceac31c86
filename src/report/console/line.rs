//! One trial as the console shows it: `test NAME ... STATUS` (or one
//! character with `-q`), libtest's form with the outcomes libtest lacks.

use crate::record::{Outcome, TrialRecord};

pub(super) const GREEN: &str = "\x1b[32m";
pub(super) const RED: &str = "\x1b[31m";
pub(super) const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// `text` in `colour` when colours are on.
pub(super) fn paint(text: &str, colour: &str, on: bool) -> String {
    if on {
        format!("{colour}{text}{RESET}")
    } else {
        text.to_string()
    }
}

/// What a trial line says, and what the quiet character is.
struct Shown {
    word: &'static str,
    /// Said after the word, in parentheses: the warning, the reason.
    why: Option<String>,
    quiet: char,
    colour: &'static str,
}

fn shown(r: &TrialRecord, strict: bool) -> Shown {
    let s = |word, why: Option<&str>, quiet, colour| Shown {
        word,
        why: why.map(str::to_string),
        quiet,
        colour,
    };
    match &r.outcome {
        Outcome::Pass => s("ok", None, '.', GREEN),
        Outcome::Warn if strict => s("FAILED", Some("warn, --strict"), 'F', RED),
        Outcome::Warn => s("warn", Some(&r.message), 'w', YELLOW),
        Outcome::Fail { .. } => s("FAILED", None, 'F', RED),
        Outcome::Error { .. } => s("ERROR", None, 'E', RED),
        Outcome::Skip { reason } => s("ignored", Some(reason), 'i', YELLOW),
        Outcome::NotRun { reason } => s("not run", Some(reason), 'n', YELLOW),
    }
}

/// `test NAME ... ok`, `... warn (MESSAGE)`, `... FAILED`, `... ERROR`,
/// `... ignored (REASON)`, `... not run (REASON)`; the name padded to
/// `width`. `one_line` makes a text safe for one terminal line.
pub(super) fn trial_line(
    r: &TrialRecord,
    strict: bool,
    width: usize,
    colour: bool,
    one_line: &dyn Fn(&str) -> String,
) -> String {
    let s = shown(r, strict);
    let status = match &s.why {
        Some(why) => format!("{} ({})", s.word, one_line(why)),
        None => s.word.to_string(),
    };
    format!(
        "test {:<width$} ... {}\n",
        one_line(&r.name),
        paint(&status, s.colour, colour)
    )
}

/// A trial marked `ignored` and not asked for: libtest's plain `ignored`.
pub(super) fn ignored_line(name: &str, width: usize, colour: bool) -> String {
    format!(
        "test {name:<width$} ... {}\n",
        paint("ignored", YELLOW, colour)
    )
}

/// `.` ok, `w` warn, `F` failed, `E` error, `i` ignored, `n` not run.
pub(super) fn quiet_char(r: &TrialRecord, strict: bool, colour: bool) -> String {
    let s = shown(r, strict);
    paint(&s.quiet.to_string(), s.colour, colour)
}

/// The label of a failure, an error or a warning made a failure, at the
/// head of its entry under `failures:`; None for the others.
pub(super) fn failure_label(o: &Outcome, strict: bool) -> Option<&'static str> {
    match o {
        Outcome::Fail { .. } => Some("FAIL"),
        Outcome::Warn if strict => Some("WARN (failing: --strict)"),
        Outcome::Error { .. } => Some("ERROR (the harness could not judge)"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FailKind;
    use crate::report::sample::record;

    fn line(o: Outcome, message: &str, strict: bool) -> String {
        let r = record("t", "a/b", o, message);
        trial_line(&r, strict, 6, false, &|s| s.to_string())
    }

    #[test]
    fn every_outcome_has_its_own_word_and_a_warning_shows_its_message() {
        assert_eq!(line(Outcome::Pass, "ok", false), "test t/a/b  ... ok\n");
        assert_eq!(
            line(Outcome::Warn, "should: step `x`: y", false),
            "test t/a/b  ... warn (should: step `x`: y)\n"
        );
        assert_eq!(
            line(Outcome::Warn, "m", true),
            "test t/a/b  ... FAILED (warn, --strict)\n"
        );
        let fail = Outcome::Fail {
            kind: FailKind::SpecViolation,
        };
        assert_eq!(line(fail, "m", false), "test t/a/b  ... FAILED\n");
        let error = Outcome::Error { cause: "c".into() };
        assert_eq!(line(error, "c", false), "test t/a/b  ... ERROR\n");
        let skip = Outcome::Skip { reason: "r".into() };
        assert_eq!(line(skip, "r", false), "test t/a/b  ... ignored (r)\n");
        let not_run = Outcome::NotRun { reason: "r".into() };
        assert_eq!(line(not_run, "r", false), "test t/a/b  ... not run (r)\n");
    }

    #[test]
    fn colours_only_when_asked() {
        let r = record("t", "a/b", Outcome::Pass, "ok");
        assert_eq!(quiet_char(&r, false, false), ".");
        assert_eq!(quiet_char(&r, false, true), "\x1b[32m.\x1b[0m");
        assert_eq!(ignored_line("t/x", 3, false), "test t/x ... ignored\n");
    }
}
