//! `scope = { eq | ne | subset_of | includes | excludes }`: scope as a set, order-free.

use super::{Mismatch, Response};
use crate::scenario::model::ScopeMatcher;
use crate::scenario::template::Unresolved;
use std::collections::BTreeSet;

pub(crate) fn set(s: &str) -> BTreeSet<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn show(s: &BTreeSet<String>) -> String {
    format!("{{{}}}", s.iter().cloned().collect::<Vec<_>>().join(" "))
}

pub(crate) fn check(
    m: &ScopeMatcher,
    r: &Response,
    render: &mut dyn FnMut(&str) -> Result<String, Unresolved>,
) -> Result<Vec<Mismatch>, Unresolved> {
    let mut out = Vec::new();
    let Some(actual) = r.effective_scope() else {
        out.push(Mismatch::new(
            "scope",
            "a scope (in the response, or requested)",
            format!("none (status {})", r.status),
        ));
        return Ok(out);
    };
    let actual = set(&actual);
    let mut want = |t: &Option<String>| -> Result<Option<BTreeSet<String>>, Unresolved> {
        t.as_ref().map(|t| render(t).map(|s| set(&s))).transpose()
    };
    if let Some(w) = want(&m.eq)? {
        if w != actual {
            out.push(Mismatch::new(
                "scope",
                format!("equal to {}", show(&w)),
                show(&actual),
            ));
        }
    }
    if let Some(w) = want(&m.ne)? {
        if w == actual {
            out.push(Mismatch::new(
                "scope",
                format!("not {}", show(&w)),
                show(&actual),
            ));
        }
    }
    if let Some(w) = want(&m.subset_of)? {
        if !actual.is_subset(&w) {
            out.push(Mismatch::new(
                "scope",
                format!("within {}", show(&w)),
                show(&actual),
            ));
        }
    }
    if let Some(w) = want(&m.includes)? {
        if !w.is_subset(&actual) {
            out.push(Mismatch::new(
                "scope",
                format!("including {}", show(&w)),
                show(&actual),
            ));
        }
    }
    if let Some(w) = want(&m.excludes)? {
        if !w.is_disjoint(&actual) {
            out.push(Mismatch::new(
                "scope",
                format!("without {}", show(&w)),
                show(&actual),
            ));
        }
    }
    Ok(out)
}
