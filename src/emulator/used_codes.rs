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
pub(crate) struct UsedCodes(Mutex<Used>);

#[derive(Default)]
struct Used {
    map: HashMap<String, (Weak<Family>, i64)>,
    /// Expired entries are swept when the map reaches this size, then set
    /// to twice what is left: O(1) amortized per insert (a sweep on every
    /// insert was quadratic under a load of code flows).
    sweep_at: usize,
}

impl UsedCodes {
    /// `code` (alive until `expires_at`, real ms) started `family`.
    pub(crate) fn record(&self, code: &str, family: &Arc<Family>, expires_at: i64) {
        let mut used = self.0.lock();
        if used.map.len() >= used.sweep_at.max(FIRST_SWEEP) {
            let now = real_now_ms();
            used.map.retain(|_, (_, until)| *until > now);
            used.sweep_at = 2 * used.map.len();
        }
        used.map
            .insert(code.to_string(), (Arc::downgrade(family), expires_at));
    }

    /// The family an already exchanged `code` started, if it is still known
    /// and the code has not expired.
    pub(crate) fn family(&self, code: &str) -> Option<Arc<Family>> {
        let used = self.0.lock();
        let (f, until) = used.map.get(code)?;
        (*until > real_now_ms()).then(|| f.upgrade()).flatten()
    }

    /// How many exchanged codes are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_used_codes_are_forgotten_once_the_map_doubles() {
        let used = UsedCodes::default();
        let config = crate::emulator::EmulatorConfig {
            profile: crate::behaviour::builtin_profile("okta").unwrap(),
            clients: crate::emulator::default_clients(),
            users: vec![],
            defects: vec![],
            token_bytes: None,
        };
        let app = crate::emulator::app::App::new(
            &config,
            "http://127.0.0.1:1",
            crate::emulator::defects::Defects::select(&[]).unwrap(),
        )
        .unwrap();
        let family = Arc::new(Family::new(app.client("main").unwrap(), None, 0, None));
        let past = real_now_ms() - 1;
        for i in 0..FIRST_SWEEP {
            used.record(&format!("old-{i}"), &family, past);
        }
        assert_eq!(used.len(), FIRST_SWEEP);
        used.record("new", &family, real_now_ms() + 60_000);
        assert_eq!(used.len(), 1, "the expired codes were swept");
        assert!(used.family("new").is_some());
        assert!(used.family("old-0").is_none());
    }
}
