//! `status = 200` / `status = [400, 401]`.

use super::{Mismatch, Response};

pub(crate) fn check(expected: &[u16], r: &Response) -> Option<Mismatch> {
    if expected.contains(&r.status) {
        return None;
    }
    let want = expected
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    let actual = match r
        .header("location")
        .filter(|_| (300..400).contains(&r.status))
    {
        // Redirects are never followed (credentials stay with the origin they were configured for).
        Some(to) => format!(
            "{} redirect to {to} (not followed: a token request is never sent on to another URL)",
            r.status
        ),
        None => format!("{} ({})", r.status, r.excerpt()),
    };
    Some(Mismatch::new("status", want, actual))
}
