//! `active = true|false`: RFC 7662 introspection.

use super::{Mismatch, Response};

pub(crate) fn check(expected: bool, r: &Response) -> Option<Mismatch> {
    match r.field("active").and_then(|v| v.as_bool()) {
        Some(a) if a == expected => None,
        Some(a) => Some(Mismatch::new(
            "introspection active",
            expected.to_string(),
            a.to_string(),
        )),
        None => Some(Mismatch::new(
            "introspection active",
            expected.to_string(),
            format!("no boolean `active` ({})", r.body_summary()),
        )),
    }
}
