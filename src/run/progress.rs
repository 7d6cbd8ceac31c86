//! What the runner tells as it goes: the plan, each trial as it ends
//! (completion order) and the live waits. The runner prints nothing itself:
//! the CLI wires the console to a [`Progress`]; without one, waits are shown
//! on stderr ([`Stderr`]) and nothing else is.

use super::plan::Planned;
use crate::record::TrialRecord;
use std::io::{IsTerminal, Write};

/// Where the runner reports. Called from the trials' tasks: implementations
/// take their own lock, and the runner holds none while it calls them.
pub trait Progress: Send + Sync {
    /// The plan, before the first trial starts. `filtered_out`: trials the
    /// FILTER words, `--skip` or `--ignored` left out.
    fn planned(&self, _plan: &[Planned], _filtered_out: usize) {}

    /// A trial ended (also one cut short by an interrupt).
    fn finished(&self, _record: &TrialRecord) {}

    /// Whether waits are shown as one status line redrawn in place (a
    /// terminal); otherwise as one [`note`](Progress::note) per wait.
    fn live(&self) -> bool;

    /// The waits status line, redrawn in place: `render` makes it for the
    /// columns it may use; `None` clears it.
    fn status(&self, render: Option<&dyn Fn(usize) -> String>);

    /// A line about the run for the user (stderr).
    fn note(&self, line: &str);
}

/// Waits on stderr, as a status line on a terminal; nothing else.
pub struct Stderr;

impl Progress for Stderr {
    fn live(&self) -> bool {
        std::io::stderr().is_terminal()
    }

    fn status(&self, render: Option<&dyn Fn(usize) -> String>) {
        let line = render.map(|r| r(columns())).unwrap_or_default();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
    }

    fn note(&self, line: &str) {
        eprintln!("{line}");
    }
}

/// `COLUMNS`, else 100, less the last column.
fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100usize)
        .saturating_sub(1)
        .max(20)
}
