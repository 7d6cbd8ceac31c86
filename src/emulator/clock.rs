//! Time. Each token family reads "now" as real time plus its own offset
//! (advanced through `/_emulator/advance`), so parallel trials never disturb
//! each other and nothing ever sleeps.

use std::time::{SystemTime, UNIX_EPOCH};

/// Real wall-clock time in milliseconds since the Unix epoch.
pub(crate) fn real_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Whole seconds for JWT and introspection timestamps.
pub(crate) fn secs(ms: i64) -> i64 {
    ms.div_euclid(1000)
}
