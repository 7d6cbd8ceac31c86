//! A step's checks: one action, its name, its templates, and each action's
//! values.

use super::super::model::{Step, ACTION_KEYS};
use super::super::template;
use super::{expect, path, step_path, Problems, MAX_CONCURRENT, MAX_LITERAL_WAIT, MAX_REPEAT};
use crate::behaviour::vocab;
use std::collections::BTreeSet;

/// Races per concurrent step: each round after the first costs a fresh grant.
pub(crate) const MAX_ROUNDS: u32 = 20;

const RESERVED: &[&str] = &["scopes", "behaviour", "client", "target"];

/// The name captures use: `name`, else the action key.
pub fn step_name(step: &Step) -> Option<String> {
    step.name
        .clone()
        .or_else(|| step.action_key().map(str::to_string))
}

pub(super) fn check_steps(p: &mut Problems<'_>, steps: &[Step]) {
    let mut earlier: BTreeSet<String> = BTreeSet::new();
    let all_names: BTreeSet<String> = steps.iter().filter_map(step_name).collect();
    for (i, step) in steps.iter().enumerate() {
        let at = step_path(i);
        let label = step_name(step).unwrap_or_else(|| format!("#{}", i + 1));
        let anchor = if step.name.is_some() {
            path(&at, &["name"])
        } else {
            path(&at, &[])
        };
        match step.action_count() {
            0 => p.at_key(
                &anchor,
                format!(
                    "step `{label}` has no action (one of {})",
                    ACTION_KEYS.join(", ")
                ),
            ),
            1 => {}
            _ => p.at_key(
                &anchor,
                format!("step `{label}` has several actions; give each its own [[step]]"),
            ),
        }
        let Some(name) = step_name(step) else {
            continue;
        };
        check_name(p, &anchor, &name, &earlier);
        check_templates(p, &at, step, &name, &earlier, &all_names);
        check_actions(p, &at, step, &name);
        if let Some(exp) = &step.expect {
            let many = matches!(exp, super::super::model::Expectations::Many(_));
            for (j, e) in exp.all().into_iter().enumerate() {
                let j = j.to_string();
                let base = if many {
                    path(&at, &["expect", &j])
                } else {
                    path(&at, &["expect"])
                };
                let base: Vec<String> = base.iter().map(|s| s.to_string()).collect();
                expect::check_expect(p, &base, &name, step, e);
            }
        }
        earlier.insert(name);
    }
}

fn check_name(p: &mut Problems<'_>, anchor: &[&str], name: &str, earlier: &BTreeSet<String>) {
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        p.at(
            anchor,
            format!("step name `{name}` may hold letters, digits, _ and - only"),
        );
    }
    if RESERVED.contains(&name) {
        p.at(
            anchor,
            format!("step name `{name}` is reserved (scopes, behaviour, client, target)"),
        );
    }
    if earlier.contains(name) {
        p.at(
            anchor,
            format!("duplicate step name `{name}`: name the steps (`name = \"...\"`)"),
        );
    }
}

/// Every string in the step: its `{{...}}` references must name something
/// that exists when the step runs.
fn check_templates(
    p: &mut Problems<'_>,
    at: &[String],
    step: &Step,
    name: &str,
    earlier: &BTreeSet<String>,
    all_names: &BTreeSet<String>,
) {
    let value = serde_json::to_value(step).unwrap_or_default();
    let mut strings = Vec::new();
    collect_strings(&value, &mut Vec::new(), &mut strings);
    for (keys, text_value) in strings {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let here = path(at, &keys);
        match template::references(&text_value) {
            Err(m) => p.at(&here, format!("step `{name}`: {m}")),
            Ok(refs) => {
                for r in refs {
                    if let Some(m) = check_path(&r, earlier, all_names, name) {
                        p.at(&here, format!("step `{name}`: {m}"));
                    }
                }
            }
        }
    }
}

/// The values of the step's action: client roles, counts, waits, endpoints, methods.
fn check_actions(p: &mut Problems<'_>, at: &[String], step: &Step, name: &str) {
    check_roles(p, at, step, name);
    if let Some(c) = &step.concurrent {
        if c.count == 0 || c.count > MAX_CONCURRENT {
            p.at(
                &path(at, &["concurrent", "count"]),
                format!(
                    "step `{name}`: concurrent count {} is outside 1..={MAX_CONCURRENT}",
                    c.count
                ),
            );
        }
        if let Some(r) = c.rounds.filter(|r| *r == 0 || *r > MAX_ROUNDS) {
            p.at(
                &path(at, &["concurrent", "rounds"]),
                format!("step `{name}`: concurrent rounds {r} is outside 1..={MAX_ROUNDS}"),
            );
        }
    }
    check_repeat(p, at, step, name);
    if step.retry_until_skew && step.introspect.is_none() {
        p.at_key(
            &path(at, &["retry_until_skew"]),
            format!(
                "step `{name}`: retry_until_skew repeats the request, so it is allowed on introspect steps only: a {} step may consume a token (a refresh that still succeeds has used it up), so an expiry probe sends it once",
                step.action_key().unwrap_or("multi-action")
            ),
        );
    }
    if let Some(w) = &step.wait {
        if let Some(f) = w.fraction {
            if !(f > 0.0 && f <= 1.0) {
                p.at(
                    &path(at, &["wait", "fraction"]),
                    format!("step `{name}`: wait fraction {f} is outside (0, 1]"),
                );
            }
        }
        if !w.duration.contains("{{") {
            let here = path(at, &["wait", "duration"]);
            match super::parse_wait(&w.duration) {
                Ok(d) if d > MAX_LITERAL_WAIT => p.at(
                    &here,
                    format!(
                        "step `{name}`: a wait of {} is longer than the {} a scenario may wait",
                        w.duration,
                        humantime::format_duration(MAX_LITERAL_WAIT)
                    ),
                ),
                Ok(_) => {}
                Err(e) => p.at(
                    &here,
                    format!("step `{name}`: wait duration `{}`: {e}", w.duration),
                ),
            }
        }
    }
    if let Some(r) = &step.request {
        if crate::oauth::Endpoint::parse(&r.endpoint).is_none() {
            p.at(&path(at, &["request", "endpoint"]), format!("step `{name}`: endpoint `{}`{} (expected token, revocation, introspection or authorization)", r.endpoint, crate::doc::suggest(&r.endpoint, &crate::oauth::Endpoint::names())));
        }
        if let Some(m) = &r.method {
            if m.is_empty() || !m.chars().all(|c| c.is_ascii_alphabetic()) {
                p.at(
                    &path(at, &["request", "method"]),
                    format!("step `{name}`: method `{m}` is not an HTTP method"),
                );
            }
        }
    }
}

/// `repeat`: on refresh steps only; a literal count within bounds.
fn check_repeat(p: &mut Problems<'_>, at: &[String], step: &Step, name: &str) {
    let Some(r) = &step.repeat else { return };
    let here = path(at, &["repeat"]);
    if step.refresh.is_none() {
        p.at_key(
            &here,
            format!(
                "step `{name}`: repeat is allowed on refresh steps only, not on a {} step",
                step.action_key().unwrap_or("multi-action")
            ),
        );
    } else if !r.contains("{{") {
        match r.trim().parse::<u64>() {
            Ok(n) if n <= MAX_REPEAT => {}
            _ => p.at(
                &here,
                format!("step `{name}`: repeat `{r}` is not a whole number in 0..={MAX_REPEAT} (or a template such as `{{{{behaviour.refresh_token_max_reuse}}}}`)"),
            ),
        }
    }
}

/// The client role each action names.
fn check_roles(p: &mut Problems<'_>, at: &[String], step: &Step, name: &str) {
    use super::super::model::Action;
    let (key, role) = match step.action() {
        Some(Action::Grant(a)) => ("grant", &a.client),
        Some(Action::Refresh(a)) => ("refresh", &a.client),
        Some(Action::Revoke(a)) => ("revoke", &a.client),
        Some(Action::Introspect(a)) => ("introspect", &a.client),
        Some(Action::ClientCredentials(a)) => ("client_credentials", &a.client),
        Some(Action::Request(a)) => ("request", &a.client),
        Some(Action::Concurrent(a)) => ("concurrent", &a.refresh.client),
        Some(Action::Wait(_)) | None => return,
    };
    let Some(role) = role else { return };
    if !crate::oauth::is_client_role(role) {
        let mut keys = vec![key];
        if key == "concurrent" {
            keys.push("refresh");
        }
        keys.push("client");
        p.at(
            &path(at, &keys),
            format!("step `{name}`: {}", super::unknown_role_message(role)),
        );
    }
}

/// Every string of a serialized step (or steps) with its key path.
pub(crate) fn collect_strings(
    v: &serde_json::Value,
    at: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, String)>,
) {
    match v {
        serde_json::Value::String(s) => out.push((at.clone(), s.clone())),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(i.to_string());
                collect_strings(x, at, out);
                at.pop();
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                at.push(k.clone());
                collect_strings(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn check_path(
    path: &[String],
    earlier: &BTreeSet<String>,
    all: &BTreeSet<String>,
    current: &str,
) -> Option<String> {
    let root = path[0].as_str();
    match root {
        "scopes" => {
            if path.len() != 2 || !crate::oauth::Scopes::KEYS.contains(&path[1].as_str()) {
                return Some(format!(
                    "`{}`: scopes are scopes.granted, scopes.narrower, scopes.extra",
                    path.join(".")
                ));
            }
        }
        "behaviour" => {
            if path.len() != 2 {
                return Some(format!("`{}`: expected behaviour.<key>", path.join(".")));
            }
            if vocab::key_def(&path[1]).is_none() && !vocab::is_user_key(&path[1]) {
                return Some(vocab::unknown_key_message(&path[1]));
            }
        }
        "client" => {
            if path.len() != 3 || !["id", "auth", "username"].contains(&path[2].as_str()) {
                return Some(format!(
                    "`{}`: expected client.<role>.id, client.<role>.auth or client.<role>.username",
                    path.join(".")
                ));
            }
            if !crate::oauth::is_client_role(&path[1]) {
                return Some(super::unknown_role_message(&path[1]));
            }
        }
        "target" => {
            if path.len() != 2 || !["name", "issuer"].contains(&path[1].as_str()) {
                return Some(format!(
                    "`{}`: expected target.name or target.issuer",
                    path.join(".")
                ));
            }
        }
        step if earlier.contains(step) => {
            if path.len() < 2 {
                return Some(format!(
                    "`{step}`: name a field of the step's response, e.g. `{step}.refresh_token`"
                ));
            }
        }
        step if step == current => {
            return Some(format!(
                "`{}` refers to this step itself (a capture cycle)",
                path.join(".")
            ));
        }
        step if all.contains(step) => {
            return Some(format!(
                "`{}` refers to step `{step}`, which runs after this one",
                path.join(".")
            ));
        }
        other => {
            return Some(format!(
                "`{}`: no earlier step named `{other}` (nor scopes, behaviour, client, target)",
                path.join(".")
            ));
        }
    }
    None
}
