//! The HTTP permits trials share (`--test-threads`), with one rule a plain
//! semaphore cannot keep: a trial coming back from a wait goes before trials
//! that have not started yet. A resumed trial's tokens are ageing (on a live
//! target they can expire in a queue of unstarted trials); an unstarted one
//! has nothing to lose by waiting.

use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::oneshot;

/// A pool of permits, handed out first to trials resuming after a wait.
pub struct Permits {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    free: usize,
    /// Trials resuming after a wait.
    resuming: VecDeque<oneshot::Sender<Permit>>,
    /// Trials that have not sent a request yet.
    starting: VecDeque<oneshot::Sender<Permit>>,
}

/// One permit; returned to the pool when dropped.
pub struct Permit {
    pool: Option<Arc<Permits>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            pool.release();
        }
    }
}

impl Permits {
    pub fn new(n: usize) -> Arc<Permits> {
        Arc::new(Permits {
            state: Mutex::new(State {
                free: n,
                ..Default::default()
            }),
        })
    }

    /// A permit: at once when one is free and nobody with a better claim
    /// waits; else in turn, resuming trials before starting ones.
    pub async fn acquire(self: &Arc<Self>, resuming: bool) -> Permit {
        let rx = {
            let mut s = self.state.lock();
            let ahead = !s.resuming.is_empty() || (!resuming && !s.starting.is_empty());
            if s.free > 0 && !ahead {
                s.free -= 1;
                return Permit {
                    pool: Some(self.clone()),
                };
            }
            let (tx, rx) = oneshot::channel();
            if resuming {
                s.resuming.push_back(tx);
            } else {
                s.starting.push_back(tx);
            }
            rx
        };
        // The pool only drops a sender after handing its permit on, so the
        // channel always delivers; a cancelled waiter's permit comes back
        // through `release` (its `send` fails and the permit goes on).
        match rx.await {
            Ok(p) => p,
            Err(_) => Permit { pool: None },
        }
    }

    /// Hand a returned permit to the next waiter, or keep it free.
    fn release(self: Arc<Self>) {
        let mut s = self.state.lock();
        loop {
            let Some(tx) = s.resuming.pop_front().or_else(|| s.starting.pop_front()) else {
                s.free += 1;
                return;
            };
            let permit = Permit {
                pool: Some(self.clone()),
            };
            match tx.send(permit) {
                Ok(()) => return,
                // The waiter is gone: try the next one, without this permit
                // releasing itself (we are already releasing it).
                Err(mut p) => {
                    p.pool = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_resuming_trial_goes_before_starting_ones() {
        let pool = Permits::new(1);
        let held = pool.acquire(false).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, resuming) in [("start-1", false), ("start-2", false), ("resume", true)] {
            let (pool, order) = (pool.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _p = pool.acquire(resuming).await;
                order.lock().push(name);
            }));
            tokio::task::yield_now().await;
        }
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock(), ["resume", "start-1", "start-2"]);
    }

    #[tokio::test]
    async fn a_cancelled_waiter_does_not_lose_the_permit() {
        let pool = Permits::new(1);
        let held = pool.acquire(false).await;
        let waiting = {
            let pool = pool.clone();
            tokio::spawn(async move {
                let _p = pool.acquire(false).await;
            })
        };
        tokio::task::yield_now().await;
        waiting.abort();
        let _ = waiting.await;
        drop(held);
        // The permit is free again for the next comer.
        let again =
            tokio::time::timeout(std::time::Duration::from_secs(1), pool.acquire(false)).await;
        assert!(again.is_ok());
    }
}
