//! `json = { "$.path" = matcher }`: RFC 9535 JSONPath over the body.

use super::{matcher, Mismatch, Response};
use crate::scenario::model::Matcher;
use crate::scenario::template::Unresolved;
use std::collections::BTreeMap;

pub(crate) fn check(
    paths: &BTreeMap<String, Matcher>,
    r: &Response,
    render: &mut dyn FnMut(&str) -> Result<String, Unresolved>,
) -> Result<Vec<Mismatch>, Unresolved> {
    let mut out = Vec::new();
    for (path, m) in paths {
        let Some(body) = &r.json else {
            out.push(Mismatch::new(path.clone(), "a JSON body", r.body_summary()));
            continue;
        };
        let jp = serde_json_path::JsonPath::parse(path)
            .map_err(|e| Unresolved::Error(format!("JSONPath `{path}`: {e}")))?;
        let nodes = jp.query(body).all();
        let first = nodes.first().copied();
        out.extend(matcher::check(path, m, first, render)?);
    }
    Ok(out)
}
