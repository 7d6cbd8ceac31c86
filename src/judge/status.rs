//! `status = 200` / `status = [400, 401]`.

use super::{Mismatch, Response};

pub fn check(expected: &[u16], r: &Response) -> Option<Mismatch> {
    if expected.contains(&r.status) {
        return None;
    }
    let want = expected
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    Some(Mismatch::new(
        "status",
        want,
        format!("{} ({})", r.status, r.excerpt()),
    ))
}
