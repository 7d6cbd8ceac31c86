//! Issued authorization codes until used or expired. Expired codes are
//! forgotten in a sweep that runs when the map has doubled since the last
//! one, so memory follows the codes still alive and each insert costs O(1)
//! amortized. An expired code and a forgotten one get the same answer
//! (`invalid_grant`). Same shape as the map it replaces (`insert`, `remove`).

use super::clock::real_now_ms;
use super::registry::Code;
use std::collections::HashMap;

/// No sweep below this many codes.
const FIRST_SWEEP: usize = 1024;

pub(crate) struct Codes {
    map: HashMap<String, Code>,
    sweep_at: usize,
}

impl Default for Codes {
    fn default() -> Self {
        Codes {
            map: HashMap::new(),
            sweep_at: FIRST_SWEEP,
        }
    }
}

impl Codes {
    pub(crate) fn insert(&mut self, value: String, code: Code) -> Option<Code> {
        if self.map.len() >= self.sweep_at {
            self.forget_expired(real_now_ms());
        }
        self.map.insert(value, code)
    }

    /// The code, left in place (the `code-reuse-accepted` defect).
    pub(crate) fn get(&self, value: &str) -> Option<&Code> {
        self.map.get(value)
    }

    /// The code, which is gone afterwards (single use).
    pub(crate) fn remove(&mut self, value: &str) -> Option<Code> {
        self.map.remove(value)
    }

    fn forget_expired(&mut self, now: i64) {
        self.map.retain(|_, c| c.expires_at >= now);
        self.sweep_at = (2 * self.map.len()).max(FIRST_SWEEP);
    }

    /// How many codes are remembered (`/_emulator/stats`).
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Code, Codes, FIRST_SWEEP};
    use crate::emulator::clock::real_now_ms;
    use crate::emulator::registry::User;
    use std::sync::Arc;

    fn code(expires_at: i64) -> Code {
        let user = Arc::new(User {
            name: "u".into(),
            password: "p".into(),
            sub: "s".into(),
        });
        Code {
            client_id: "c".into(),
            redirect_uri: None,
            scope: vec![],
            nonce: None,
            challenge: None,
            user,
            auth_time: 0,
            expires_at,
        }
    }

    #[test]
    fn expired_codes_are_forgotten_and_live_ones_kept() {
        let mut codes = Codes::default();
        let past = real_now_ms() - 1;
        for i in 0..10 * FIRST_SWEEP {
            codes.insert(format!("old{i}"), code(past));
        }
        assert!(codes.len() <= FIRST_SWEEP + 1, "{} codes kept", codes.len());
        let future = real_now_ms() + 600_000;
        for i in 0..3 * FIRST_SWEEP {
            codes.insert(format!("live{i}"), code(future));
        }
        assert!(codes.remove("live0").is_some(), "a live code was forgotten");
        assert!(codes.remove("live0").is_none(), "single use");
        assert_eq!(codes.len(), 3 * FIRST_SWEEP - 1);
    }
}
