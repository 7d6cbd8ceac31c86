//! `headers = { "cache-control" = matcher }`: case-insensitive names; repeated headers joined.

use super::{matcher, Mismatch, Response};
use crate::scenario::model::Matcher;
use crate::scenario::template::Unresolved;
use std::collections::BTreeMap;

pub(crate) fn check(
    headers: &BTreeMap<String, Matcher>,
    r: &Response,
    render: &mut dyn FnMut(&str) -> Result<String, Unresolved>,
) -> Result<Vec<Mismatch>, Unresolved> {
    let mut out = Vec::new();
    for (name, m) in headers {
        let value = r.header_joined(name).map(serde_json::Value::String);
        out.extend(matcher::check(
            &format!("header {name}"),
            m,
            value.as_ref(),
            render,
        )?);
    }
    Ok(out)
}
