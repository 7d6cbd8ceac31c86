//! `run`'s console: the report's console printer, told by the runner's
//! progress as trials end (the runner imports no report code).

use refresh_conformance::record::TrialRecord;
use refresh_conformance::report::console::{self, Console};
use refresh_conformance::run::plan::Planned;
use refresh_conformance::run::progress::Progress;
use std::sync::Arc;

/// `--color`: auto, always, never.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

impl From<ColorArg> for console::Color {
    fn from(c: ColorArg) -> console::Color {
        match c {
            ColorArg::Auto => console::Color::Auto,
            ColorArg::Always => console::Color::Always,
            ColorArg::Never => console::Color::Never,
        }
    }
}

/// What `--list` and the console show of a plan: the trials that run and
/// the scenarios marked `ignored` (with `--ignored`, only those run).
pub fn shown(plan: &[Planned]) -> impl Iterator<Item = &Planned> {
    plan.iter().filter(|p| p.runs || p.ignored)
}

/// Scenarios marked `ignored` and not asked for.
pub fn ignored(plan: &[Planned]) -> usize {
    plan.iter().filter(|p| !p.runs && p.ignored).count()
}

pub struct ToConsole(pub Arc<Console>);

impl Progress for ToConsole {
    fn planned(&self, plan: &[Planned], _filtered_out: usize) {
        // As libtest: `running N tests` counts the ignored ones too.
        let names: Vec<&str> = shown(plan).map(|p| p.name.as_str()).collect();
        self.0.start(names.len(), names);
        for p in plan.iter().filter(|p| !p.runs && p.ignored) {
            self.0.ignored(&p.name);
        }
    }

    fn finished(&self, record: &TrialRecord) {
        self.0.trial(record);
    }

    fn live(&self) -> bool {
        self.0.live()
    }

    fn status(&self, render: Option<&dyn Fn(usize) -> String>) {
        self.0.status(render);
    }

    fn note(&self, line: &str) {
        self.0.note(line);
    }
}
