//! Live waits and their progress. A waiting trial only sleeps: it holds no
//! worker and no HTTP permit, so waits overlap whatever `--test-threads` says.
//!
//! Progress goes to stderr (stdout stays libtest's): on a terminal one status
//! line, redrawn in place once a second, names the waiting trials and the time
//! left; without a terminal, one plain line per wait.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;
use tokio::time::Instant;

/// Waits in progress: id → (trial, step, end).
struct Board {
    next_id: u64,
    waits: BTreeMap<u64, (String, String, Instant)>,
    ticker: bool,
}

static BOARD: Mutex<Board> = Mutex::new(Board {
    next_id: 0,
    waits: BTreeMap::new(),
    ticker: false,
});

/// Sleep `d` for `step` of `trial`, showing progress on stderr.
pub(crate) async fn sleep(trial: &str, step: &str, d: Duration) {
    if !std::io::stderr().is_terminal() {
        eprintln!(
            "waiting {} for {trial} (step `{step}`)",
            humantime::format_duration(d)
        );
        tokio::time::sleep(d).await;
        return;
    }
    let end = Instant::now() + d;
    let _entry = Entry::add(trial, step, end);
    tokio::time::sleep_until(end).await;
}

/// Removes its wait from the board when the wait ends or the trial is dropped.
struct Entry(u64);

impl Entry {
    fn add(trial: &str, step: &str, end: Instant) -> Entry {
        let mut b = BOARD.lock();
        let id = b.next_id;
        b.next_id += 1;
        b.waits
            .insert(id, (trial.to_string(), step.to_string(), end));
        if !b.ticker {
            b.ticker = true;
            // The first draw starts on a line of its own so that a partial
            // libtest line (`test x ... ` with --test-threads 1) is kept.
            eprintln!();
            tokio::spawn(tick());
        }
        Entry(id)
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        BOARD.lock().waits.remove(&self.0);
    }
}

/// Redraw the status line once a second; clear it and stop when no wait is left.
async fn tick() {
    loop {
        let line = {
            let mut b = BOARD.lock();
            if b.waits.is_empty() {
                b.ticker = false;
                None
            } else {
                Some(status_line(&b.waits, Instant::now(), width()))
            }
        };
        let done = line.is_none();
        {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K{}", line.unwrap_or_default());
            let _ = err.flush();
        }
        if done {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100usize)
        .saturating_sub(1)
        .max(20)
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
