//! The console: libtest-style output on stdout, written as trials end
//! (`test NAME ... ok`, or one character each with `-q`), then the
//! `failures:` section and the summary line; the live waits status line on
//! stderr. Both go through one lock ([`terminal`]): a trial line first clears
//! the status line, which is then redrawn below it.
//!
//! Like every writer, it reads records only, and cleans and redacts every
//! text once more before it reaches the terminal.

mod end;
mod line;
mod terminal;
mod unstated;

pub use end::Uncounted;

use super::text::clean;
use super::view::Totals;
use crate::record::TrialRecord;
use crate::redact::Redactor;
use parking_lot::Mutex;
use std::io::IsTerminal;
use std::sync::Arc;
use terminal::Terminal;

/// `--color`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `-q`: one character per trial.
    pub quiet: bool,
    pub color: Color,
    /// `--strict`: a warning is shown and counted as a failure.
    pub strict: bool,
}

/// `-q` characters per line, as libtest.
const QUIET_COLUMNS: usize = 88;

pub struct Console {
    settings: Settings,
    colour: bool,
    redactor: Arc<Redactor>,
    state: Mutex<State>,
}

/// Everything behind the one lock.
struct State {
    term: Terminal,
    /// Names are padded to this.
    width: usize,
    /// Trials to show, and shown so far (for `-q`'s `N/M` at each line end).
    running: usize,
    shown: usize,
    /// After the summary: no status line any more.
    finished: bool,
}

impl State {
    /// One `-q` character; `N/M` and a new line every 88 and after the last.
    fn quiet(&mut self, c: &str) {
        self.shown += 1;
        let mut s = c.to_string();
        if self.shown % QUIET_COLUMNS == 0 || self.shown == self.running {
            s.push_str(&format!(" {}/{}\n", self.shown, self.running));
        }
        self.term.out(&s);
    }
}

impl Console {
    /// On stdout and stderr; colours and the status line where they are terminals.
    pub fn stdio(settings: Settings, redactor: Arc<Redactor>) -> Console {
        let colour = match settings.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => colour_by_default(),
        };
        let live = std::io::stderr().is_terminal();
        let term = Terminal::new(
            Box::new(std::io::stdout()),
            Box::new(std::io::stderr()),
            live,
            terminal::columns,
        );
        Console::with(settings, colour, redactor, term)
    }

    fn with(settings: Settings, colour: bool, redactor: Arc<Redactor>, term: Terminal) -> Console {
        Console {
            settings,
            colour,
            redactor,
            state: Mutex::new(State {
                term,
                width: 0,
                running: 0,
                shown: 0,
                finished: false,
            }),
        }
    }

    /// `--list`: `NAME: test` per trial, as libtest.
    pub fn list<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        let mut s = String::new();
        for n in names {
            s.push_str(&format!("{}: test\n", self.one_line(n)));
        }
        self.state.lock().term.out(&s);
    }

    /// Before the first trial: `running N tests`. `names`: every trial that
    /// will be shown, to align the statuses.
    pub fn start<'a>(&self, running: usize, names: impl IntoIterator<Item = &'a str>) {
        let mut st = self.state.lock();
        st.width = names
            .into_iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0);
        st.running = running;
        let s = if running == 1 { "" } else { "s" };
        st.term.out(&format!("\nrunning {running} test{s}\n"));
    }

    /// A scenario marked `ignored` that was not asked for.
    pub fn ignored(&self, name: &str) {
        let mut st = self.state.lock();
        if self.settings.quiet {
            let c = line::paint("i", line::YELLOW, self.colour);
            st.quiet(&c);
        } else {
            let l = line::ignored_line(&self.one_line(name), st.width, self.colour);
            st.term.out(&l);
        }
    }

    /// A trial ended: its line (or character), at once.
    pub fn trial(&self, r: &TrialRecord) {
        let strict = self.settings.strict;
        let mut st = self.state.lock();
        if self.settings.quiet {
            st.quiet(&line::quiet_char(r, strict, self.colour));
        } else {
            let l = line::trial_line(r, strict, st.width, self.colour, &|s| self.one_line(s));
            st.term.out(&l);
        }
    }

    /// After the last trial: the failures and the summary line.
    pub fn finish(&self, records: &[TrialRecord], uncounted: &Uncounted) {
        let strict = self.settings.strict;
        let mut s = end::failures(records, strict, &|s| self.text(s));
        s.push_str(&unstated::unstated_skips(records, &|s| self.text(s)));
        let totals = Totals::judged(records, strict);
        s.push_str(&end::result_line(&totals, uncounted, self.colour));
        let mut st = self.state.lock();
        st.term.status(None);
        st.finished = true;
        st.term.out(&s);
    }

    /// Whether the waits status line is drawn (stderr is a terminal).
    pub fn live(&self) -> bool {
        self.state.lock().term.live()
    }

    /// The waits status line, rendered for the columns it may use; `None` clears it.
    pub fn status(&self, render: Option<&dyn Fn(usize) -> String>) {
        let mut st = self.state.lock();
        if !st.finished {
            st.term.status(render);
        }
    }

    /// A line for the user on stderr.
    pub fn note(&self, line: &str) {
        let l = format!("{}\n", self.one_line(line));
        self.state.lock().term.err(&l);
    }

    /// A text for the terminal: no escape sequence or control character
    /// from an IdP, nothing unredacted.
    fn text(&self, s: &str) -> String {
        self.redactor.redact(&clean(s)).replace('\r', "")
    }

    /// [`text`](Console::text) on one line.
    fn one_line(&self, s: &str) -> String {
        self.text(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `--color auto`: on when stdout is a terminal, unless `NO_COLOR` is set or
/// `TERM` is `dumb`; `CLICOLOR_FORCE` forces it.
fn colour_by_default() -> bool {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty() && x != "0");
    if set("CLICOLOR_FORCE") {
        return true;
    }
    if std::env::var_os("NO_COLOR").is_some_and(|x| !x.is_empty()) {
        return false;
    }
    std::io::stdout().is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb")
}
