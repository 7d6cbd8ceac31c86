//! An expectation's checks: its setting, conditions, clauses, JSONPaths,
//! regular expressions and JSON types.

use super::super::model::{Expect, Matcher, Step};
use super::{path, Problems};
use crate::behaviour::{vocab, Condition};

const JSON_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "array", "null",
];

pub(super) fn check_expect(
    p: &mut Problems<'_>,
    at: &[String],
    name: &str,
    step: &Step,
    e: &Expect,
) {
    if let Some(setting) = &e.setting {
        if vocab::key_def(setting).is_none() && !vocab::is_user_key(setting) {
            p.at(
                &path(at, &["setting"]),
                format!(
                    "step `{name}`: setting: {}",
                    vocab::unknown_key_message(setting)
                ),
            );
        }
    }
    for (i, w) in e.when.iter().enumerate() {
        if let Err(m) = Condition::parse(w) {
            p.at(
                &path(at, &["when", &i.to_string()]),
                format!("step `{name}`: when: {m}"),
            );
        }
    }
    for (i, r) in e.refs.iter().enumerate() {
        if !crate::clause::is_valid(r) {
            p.at(
                &path(at, &["refs", &i.to_string()]),
                format!("step `{name}`: malformed ref `{r}`"),
            );
        }
    }
    for key in e.json.keys() {
        if let Err(m) = serde_json_path::JsonPath::parse(key) {
            p.at_key(
                &path(at, &["json", key]),
                format!("step `{name}`: JSONPath `{key}`: {m}"),
            );
        }
    }
    let mut matchers: Vec<(Vec<&str>, &str, &Matcher)> = e
        .json
        .iter()
        .map(|(k, m)| (vec!["json", k.as_str()], k.as_str(), m))
        .collect();
    matchers.extend(
        e.headers
            .iter()
            .map(|(k, m)| (vec!["headers", k.as_str()], k.as_str(), m)),
    );
    if let Some(idt) = &e.id_token {
        matchers.extend(
            idt.claims
                .iter()
                .map(|(k, m)| (vec!["id_token", "claims", k.as_str()], k.as_str(), m)),
        );
    }
    for (keys, what, m) in matchers {
        check_matcher(p, &path(at, &keys), name, what, m);
    }
    if !e.count.is_empty() && step.concurrent.is_none() {
        p.at_key(
            &path(at, &["count"]),
            format!("step `{name}`: `count` applies to concurrent steps only"),
        );
    }
    if e.successors.is_some() && step.concurrent.is_none() {
        p.at_key(
            &path(at, &["successors"]),
            format!("step `{name}`: `successors` applies to concurrent steps only"),
        );
    }
}

fn check_matcher(p: &mut Problems<'_>, at: &[&str], name: &str, what: &str, m: &Matcher) {
    let here = |k: &'static str| -> Vec<&str> { at.iter().copied().chain([k]).collect() };
    if let Some(re) = &m.matches {
        if let Err(x) = regex::Regex::new(re) {
            p.at(
                &here("matches"),
                format!("step `{name}`: `{what}` matches: {x}"),
            );
        }
    }
    if let Some(t) = &m.json_type {
        if !JSON_TYPES.contains(&t.as_str()) {
            p.at(&here("type"), format!("step `{name}`: `{what}` type `{t}`{} (string, number, integer, boolean, object, array, null)", crate::doc::suggest(t, JSON_TYPES)));
        }
    }
}
