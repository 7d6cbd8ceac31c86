//! Live waits and their progress. A waiting trial only sleeps: it holds no
//! worker and no HTTP permit, so waits overlap whatever `--test-threads` says.
//!
//! Progress goes to the run's [`Progress`] (the console draws it on stderr;
//! stdout stays the trial lines'): on a terminal one status line, redrawn in
//! place once a second, names the waiting trials and the time left; without
//! a terminal, one plain line per wait.

use super::progress::Progress;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The waits of one run, and where they are shown.
pub struct Waits {
    board: Mutex<Board>,
    progress: Arc<dyn Progress>,
}

/// Waits in progress: id → (trial, step, end).
#[derive(Default)]
struct Board {
    next_id: u64,
    waits: BTreeMap<u64, (String, String, Instant)>,
    ticker: bool,
}

impl Waits {
    pub fn new(progress: Arc<dyn Progress>) -> Arc<Waits> {
        Arc::new(Waits {
            board: Mutex::new(Board::default()),
            progress,
        })
    }

    /// Sleep `d` for `step` of `trial`, showing progress.
    pub(crate) async fn sleep(self: &Arc<Self>, trial: &str, step: &str, d: Duration) {
        if !self.progress.live() {
            self.progress.note(&format!(
                "waiting {} for {trial} (step `{step}`)",
                humantime::format_duration(d)
            ));
            tokio::time::sleep(d).await;
            return;
        }
        let end = Instant::now() + d;
        let _entry = Entry::add(self, trial, step, end);
        tokio::time::sleep_until(end).await;
    }

    /// Redraw the status line once a second; clear it and stop when no wait
    /// is left. The line is drawn under the board's lock, so a line of
    /// waits that have ended is never drawn (the progress never takes the
    /// board's lock: no deadlock).
    async fn tick(self: Arc<Self>) {
        loop {
            {
                let mut b = self.board.lock();
                if b.waits.is_empty() {
                    b.ticker = false;
                    self.progress.status(None);
                    return;
                }
                let now = Instant::now();
                self.progress
                    .status(Some(&|width| status_line(&b.waits, now, width)));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// Removes its wait from the board when the wait ends or the trial is dropped.
struct Entry(Arc<Waits>, u64);

impl Entry {
    fn add(waits: &Arc<Waits>, trial: &str, step: &str, end: Instant) -> Entry {
        let mut b = waits.board.lock();
        let id = b.next_id;
        b.next_id += 1;
        b.waits
            .insert(id, (trial.to_string(), step.to_string(), end));
        if !b.ticker {
            b.ticker = true;
            tokio::spawn(waits.clone().tick());
        }
        Entry(waits.clone(), id)
    }
}

impl Drop for Entry {
    /// The last wait ending clears the status line at once (not at the next tick).
    fn drop(&mut self) {
        let mut b = self.0.board.lock();
        b.waits.remove(&self.1);
        if b.waits.is_empty() {
            self.0.progress.status(None);
        }
    }
}

/// "waiting (3): okta/expiry/a 12s, okta/expiry/b 40s, …" — soonest first,
/// cut to `width` characters.
fn status_line(
    waits: &BTreeMap<u64, (String, String, Instant)>,
    now: Instant,
    width: usize,
) -> String {
    let mut list: Vec<(&String, Duration)> = waits
        .values()
        .map(|(trial, _, end)| (trial, end.saturating_duration_since(now)))
        .collect();
    list.sort_by_key(|(_, left)| *left);
    let mut line = format!("waiting ({}):", list.len());
    for (i, (trial, left)) in list.iter().enumerate() {
        let item = format!(" {trial} {}", short(*left));
        let more = list.len() - i - 1;
        let reserve = if more > 0 { 12 } else { 0 };
        if line.chars().count() + item.chars().count() + reserve > width {
            line.push_str(&format!(" … {} more", more + 1));
            break;
        }
        line.push_str(&item);
        if more > 0 {
            line.push(',');
        }
    }
    line.chars().take(width).collect()
}

/// Whole seconds, humantime style ("1m 5s").
fn short(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs_f64().ceil() as u64)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_lists_the_soonest_first_and_fits() {
        let now = Instant::now();
        let mut w = BTreeMap::new();
        w.insert(
            1,
            (
                "t/expiry/b".into(),
                "wait".into(),
                now + Duration::from_secs(65),
            ),
        );
        w.insert(
            2,
            (
                "t/expiry/a".into(),
                "wait".into(),
                now + Duration::from_millis(11_200),
            ),
        );
        let l = status_line(&w, now, 100);
        assert_eq!(l, "waiting (2): t/expiry/a 12s, t/expiry/b 1m 5s");
        let l = status_line(&w, now, 40);
        assert!(l.chars().count() <= 40 && l.contains("more"), "{l}");
    }
}
