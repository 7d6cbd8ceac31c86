//! `content_type = "application/json"`: the media type's essence, parameters ignored.

use super::{Mismatch, Response};

/// `application/json;charset=UTF-8` → `application/json`.
pub(crate) fn essence(v: &str) -> String {
    v.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(crate) fn check(expected: &str, r: &Response) -> Option<Mismatch> {
    let actual = r.header("content-type").map(essence);
    if actual.as_deref() == Some(expected.trim().to_ascii_lowercase().as_str()) {
        return None;
    }
    Some(Mismatch::new(
        "Content-Type",
        expected,
        actual.unwrap_or_else(|| "no Content-Type".into()),
    ))
}
