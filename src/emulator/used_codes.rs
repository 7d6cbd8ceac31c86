//! Authorization codes already exchanged, with the family each started
//! (RFC 6749 §4.1.2): a second use is refused and, as the RFC advises,
//! revokes the tokens issued from the code. Kept until the code would have
//! expired; weak, so the family's own lifetime is the store's business.

use super::clock::real_now_ms;
use super::store::Family;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

/// No sweep below this many codes.
const FIRST_SWEEP: usize = 1024;

#[derive(Default)]
pub(crate) struct UsedCodes(Mutex<Used<Family>>);

impl UsedCodes {
    /// `code` (alive until `expires_at`, real ms) started `family`.
    pub(crate) fn record(&self, code: &str, family: &Arc<Family>, expires_at: i64) {
        self.0
            .lock()
            .record(code, family, expires_at, real_now_ms());
    }

    /// The family an already exchanged `code` started, if it is still known
    /// and the code has not expired.
    pub(crate) fn family(&self, code: &str) -> Option<Arc<Family>> {
        self.0.lock().get(code, real_now_ms())
    }
}

/// Code → what it started, until the code's expiry (real ms).
struct Used<T> {
    map: HashMap<String, (Weak<T>, i64)>,
    /// Expired entries are swept when the map reaches this size, then it is
    /// set to twice what is left: O(1) amortized per insert (a sweep on
    /// every insert was quadratic under a load of code flows).
    sweep_at: usize,
}

impl<T> Default for Used<T> {
    fn default() -> Self {
        Used {
            map: HashMap::new(),
            sweep_at: FIRST_SWEEP,
        }
    }
}

impl<T> Used<T> {
    fn record(&mut self, code: &str, started: &Arc<T>, expires_at: i64, now: i64) {
        if self.map.len() >= self.sweep_at {
            self.map.retain(|_, (_, until)| *until > now);
            self.sweep_at = (2 * self.map.len()).max(FIRST_SWEEP);
        }
        self.map
            .insert(code.to_string(), (Arc::downgrade(started), expires_at));
    }

    fn get(&self, code: &str, now: i64) -> Option<Arc<T>> {
        let (f, until) = self.map.get(code)?;
        (*until > now).then(|| f.upgrade()).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_used_codes_are_forgotten_once_the_map_doubles() {
        let mut used = Used::<u8>::default();
        let started = Arc::new(0u8);
        let now = 1_000_000;
        for i in 0..FIRST_SWEEP {
            used.record(&format!("old-{i}"), &started, now - 1, now);
        }
        assert_eq!(used.map.len(), FIRST_SWEEP);
        used.record("new", &started, now + 60_000, now);
        assert_eq!(used.map.len(), 1, "the expired codes were swept");
        assert!(used.get("new", now).is_some());
        assert!(used.get("old-0", now).is_none());
        assert!(used.get("new", now + 60_000).is_none(), "expired");
    }
}
