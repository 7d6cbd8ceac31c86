//! Authorization codes already exchanged, with the family each started
//! (RFC 6749 §4.1.2): a second use is refused and, as the RFC advises,
//! revokes the tokens issued from the code. Kept until the code would have
//! expired; weak, so the family's own lifetime is the store's business.

use super::clock::real_now_ms;
use super::store::Family;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

#[derive(Default)]
pub(crate) struct UsedCodes(Mutex<HashMap<String, (Weak<Family>, i64)>>);

impl UsedCodes {
    /// `code` (alive until `expires_at`, real ms) started `family`.
    pub(crate) fn record(&self, code: &str, family: &Arc<Family>, expires_at: i64) {
        let now = real_now_ms();
        let mut used = self.0.lock();
        used.retain(|_, (_, until)| *until > now);
        used.insert(code.to_string(), (Arc::downgrade(family), expires_at));
    }

    /// The family an already exchanged `code` started, if it is still known.
    pub(crate) fn family(&self, code: &str) -> Option<Arc<Family>> {
        self.0.lock().get(code).and_then(|(f, _)| f.upgrade())
    }
}
