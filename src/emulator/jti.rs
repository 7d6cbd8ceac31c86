//! Replay protection for client assertions (RFC 7523 §3 item 7): each `jti`
//! of a client is accepted once, and forgotten once its assertion has
//! expired, so memory follows the assertions still alive, not all ever seen.
//! Each check costs O(log n): expired entries leave from the front of a
//! queue ordered by expiry, never by a scan of the whole set.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

#[derive(Default)]
pub(crate) struct Jtis {
    live: HashSet<String>,
    by_exp: BinaryHeap<Reverse<(i64, String)>>,
}

impl Jtis {
    /// Remember `client`'s `jti` until `exp` (seconds); false for a replay.
    pub(crate) fn first_use(&mut self, client: &str, jti: &str, exp: i64, now: i64) -> bool {
        while let Some(Reverse((e, _))) = self.by_exp.peek() {
            if *e > now {
                break;
            }
            if let Some(Reverse((_, key))) = self.by_exp.pop() {
                self.live.remove(&key);
            }
        }
        let key = format!("{client}\u{0}{jti}");
        if !self.live.insert(key.clone()) {
            return false;
        }
        self.by_exp.push(Reverse((exp, key)));
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.live.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Jtis;

    #[test]
    fn a_jti_is_refused_while_alive_and_forgotten_once_expired() {
        let mut j = Jtis::default();
        assert!(j.first_use("c", "a", 100, 0));
        assert!(!j.first_use("c", "a", 100, 50), "replay");
        assert!(j.first_use("other", "a", 100, 50), "per client");
        for i in 0..10_000 {
            assert!(j.first_use("c", &format!("x{i}"), 200 + i, 60));
        }
        assert_eq!(j.len(), 10_002);
        // Past every expiry: all forgotten by the next check.
        assert!(j.first_use("c", "late", 99_999, 20_000));
        assert_eq!(j.len(), 1);
    }
}
