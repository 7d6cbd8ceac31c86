//! Ctrl-C (SIGINT) and SIGTERM during a run.
//!
//! The first signal cancels the run: no new trial starts (a trial that has not
//! sent its first request stops there), running trials get [`GRACE`] to
//! finish and are then cancelled, and each unfinished trial becomes an error
//! record "interrupted before it finished". The reports are then written from
//! the records as usual, and the command exits 130 (SIGINT) or 143 (SIGTERM).
//! A second signal exits at once — but never in the middle of writing a
//! report file (see [`Interrupts::critical`]; report files are written
//! atomically anyway, so a reader never sees half of one).

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How long running trials are given after the first signal.
pub const GRACE: Duration = Duration::from_secs(2);
/// The error of a trial cut short.
pub const INTERRUPTED: &str = "interrupted before it finished";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    /// Exit codes (docs/outcomes.md): 128 + the signal number.
    pub fn exit_code(self) -> i32 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
    pub(crate) fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// The trials' view of cancellation: cheap to clone, never fires unless its
/// [`Interrupts`] does.
#[derive(Clone)]
pub struct Cancel {
    rx: watch::Receiver<Option<Signal>>,
}

impl Cancel {
    /// A cancellation that never comes (library callers, tests).
    pub(crate) fn never() -> Cancel {
        let (_tx, rx) = watch::channel(None);
        Cancel { rx }
    }
    pub fn signal(&self) -> Option<Signal> {
        *self.rx.borrow()
    }
    pub(crate) fn is_cancelled(&self) -> bool {
        self.signal().is_some()
    }
    /// Resolves when the run is cancelled (never, for [`Cancel::never`]).
    pub(crate) async fn cancelled(&self) {
        let mut rx = self.rx.clone();
        if rx.wait_for(|s| s.is_some()).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The source of cancellation: OS signals ([`Interrupts::listen`]) or a test's
/// [`Interrupts::trigger`].
pub struct Interrupts {
    tx: Arc<watch::Sender<Option<Signal>>>,
    critical: Arc<parking_lot::Mutex<()>>,
}

impl Default for Interrupts {
    fn default() -> Self {
        Interrupts {
            tx: Arc::new(watch::channel(None).0),
            critical: Arc::default(),
        }
    }
}

impl Interrupts {
    /// Without OS signals: cancel with [`Interrupts::trigger`].
    pub fn manual() -> Interrupts {
        Interrupts::default()
    }

    /// Listen for SIGINT and SIGTERM on `rt` from now on. The first cancels the
    /// run; the second exits the process at once (with the first one's code),
    /// after any report write in progress.
    pub fn listen(rt: &tokio::runtime::Handle) -> Interrupts {
        let me = Interrupts::default();
        let (tx, critical) = (me.tx.clone(), me.critical.clone());
        // Register the handlers before returning, so no signal slips between.
        let signals = rt.block_on(async { Signals::new() });
        rt.spawn(async move {
            let Some(mut signals) = signals else { return };
            let first = signals.next().await;
            tx.send_replace(Some(first));
            eprintln!(
                "\n{}: no new trials start; running trials get {}s to finish, then the reports are written. Press Ctrl-C again to exit at once.",
                first.name(),
                GRACE.as_secs()
            );
            signals.next().await;
            let _wait_for_writes = critical.lock();
            eprintln!("interrupted again: exiting now");
            std::process::exit(first.exit_code());
        });
        me
    }

    pub fn cancel(&self) -> Cancel {
        Cancel {
            rx: self.tx.subscribe(),
        }
    }

    /// The first signal received, if any.
    pub fn signal(&self) -> Option<Signal> {
        *self.tx.borrow()
    }

    /// Cancel as if `signal` arrived (tests).
    pub fn trigger(&self, signal: Signal) {
        self.tx.send_replace(Some(signal));
    }

    /// Run `f` (a report write) so that a second signal waits for it to end.
    pub fn critical<T>(&self, f: impl FnOnce() -> T) -> T {
        let _g = self.critical.lock();
        f()
    }
}

struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> Option<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Some(Signals {
            int: signal(SignalKind::interrupt()).ok()?,
            term: signal(SignalKind::terminate()).ok()?,
        })
    }
    #[cfg(not(unix))]
    fn new() -> Option<Signals> {
        Some(Signals {})
    }
    #[cfg(unix)]
    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.int.recv() => Signal::Interrupt,
            _ = self.term.recv() => Signal::Terminate,
        }
    }
    #[cfg(not(unix))]
    async fn next(&mut self) -> Signal {
        let _ = tokio::signal::ctrl_c().await;
        Signal::Interrupt
    }
}
