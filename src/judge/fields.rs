//! `present = [...]` / `absent = [...]`: top-level fields of a JSON body.

use super::{Mismatch, Response};

pub(crate) fn check(present: &[String], absent: &[String], r: &Response) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if (!present.is_empty() || !absent.is_empty())
        && !r.json.as_ref().is_some_and(|j| j.is_object())
    {
        out.push(Mismatch::new("body", "a JSON object", r.body_summary()));
        return out;
    }
    for f in present {
        if r.field(f).is_none() {
            out.push(Mismatch::new(format!("`{f}`"), "present", "absent"));
        }
    }
    for f in absent {
        if r.field(f).is_some() {
            out.push(Mismatch::new(format!("`{f}`"), "absent", "present"));
        }
    }
    out
}
