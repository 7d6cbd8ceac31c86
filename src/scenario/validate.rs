//! Static checks of a parsed scenario: everything `validate` reports without
//! running anything. Each problem is `path:line:column: message`.

use super::model::{Expect, ScenarioFile, Step, ACTION_KEYS};
use super::template;
use crate::behaviour::{vocab, Condition};
use crate::locate;
use std::collections::BTreeSet;
use std::time::Duration;

/// A concurrent group is bounded (a million requests is refused).
pub const MAX_CONCURRENT: u32 = 1000;
/// A literal wait longer than this is refused.
pub const MAX_LITERAL_WAIT: Duration = Duration::from_secs(400 * 24 * 3600);

const DOCS: &[&str] = &[
    "rfc6749",
    "rfc6750",
    "rfc7009",
    "rfc7523",
    "rfc7662",
    "rfc8414",
    "rfc8707",
    "rfc9449",
    "rfc9700",
    "oauth21",
    "oidc-core",
    "oidc-discovery",
];
const RESERVED: &[&str] = &["scopes", "behaviour", "client", "target"];

/// A wait's duration: a humantime duration (`"90s"`, `"1h 30m"`) or a bare
/// number of seconds (`"3600"`, `"1.5"`), as an IdP's `expires_in` reads.
pub fn parse_wait(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return Err(format!("`{t}` is not a non-negative number of seconds"));
        }
        return Duration::try_from_secs_f64(secs).map_err(|e| format!("`{t}`: {e}"));
    }
    humantime::parse_duration(t).map_err(|e| e.to_string())
}

/// Is `r` a ref in DESIGN.md's grammar?
pub fn valid_ref(r: &str) -> bool {
    if let Some(n) = r.strip_prefix("seed:") {
        return n.len() == 3 && n.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(n) = r.strip_prefix("vendor:") {
        return !n.trim().is_empty();
    }
    match r.split_once('#') {
        Some((doc, sec)) => {
            DOCS.contains(&doc)
                && !sec.is_empty()
                && sec
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        }
        None => false,
    }
}

/// Validate; returns the parsed `when` conditions.
pub fn validate(
    origin: &str,
    text: &str,
    s: &ScenarioFile,
    builtin: bool,
) -> Result<Vec<Condition>, Vec<String>> {
    let mut errs = Vec::new();
    let mut err =
        |needle: &str, msg: String| errs.push(locate::at_text(origin, text, needle, &msg));

    let id_ok = !s.id.is_empty()
        && s.id.contains('/')
        && s.id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_/.".contains(c));
    if !id_ok {
        err(
            &s.id,
            format!(
                "id `{}` must be `<area>/<name>` in lowercase letters, digits, - and _",
                s.id
            ),
        );
    }
    if builtin {
        let expected = format!("scenarios/{}.toml", s.id);
        if origin != expected && origin != format!("scenarios/{}.json", s.id) {
            err(
                &s.id,
                format!(
                    "built-in scenario id `{}` must match its path (expected {expected})",
                    s.id
                ),
            );
        }
    }
    if s.title.trim().is_empty() {
        err("title", "title is empty".into());
    }
    if s.refs.is_empty() {
        err(
            "refs",
            "refs is empty: every scenario cites the clause it enforces".into(),
        );
    }
    for r in &s.refs {
        if !valid_ref(r) {
            err(r, format!("malformed ref `{r}` (expected `<doc>#<section>` with doc one of {}, `seed:NNN` or `vendor:<name>`)", DOCS.join(", ")));
        }
    }
    let mut conditions = Vec::new();
    for w in &s.when {
        match Condition::parse(w) {
            Ok(c) => conditions.push(c),
            Err(m) => err(w, format!("when: {m}")),
        }
    }
    let known_defects: Vec<&str> = crate::emulator::defects().iter().map(|d| d.0).collect();
    if !known_defects.is_empty() {
        for d in &s.guarded_by {
            if !known_defects.contains(&d.as_str()) {
                err(d, format!("guarded_by: unknown defect `{d}` (see `refresh-conformance emulate --list-defects`)"));
            }
        }
    }
    if s.steps.is_empty() {
        err("id", "a scenario needs at least one [[step]]".into());
    }

    let mut earlier: BTreeSet<String> = BTreeSet::new();
    let all_names: BTreeSet<String> = s.steps.iter().filter_map(step_name).collect();
    for (i, step) in s.steps.iter().enumerate() {
        let label = step_name(step).unwrap_or_else(|| format!("#{}", i + 1));
        let anchor = step
            .name
            .clone()
            .map(|n| format!("\"{n}\""))
            .unwrap_or_else(|| "[[step]]".into());
        match step.action_count() {
            0 => err(
                &anchor,
                format!(
                    "step `{label}` has no action (one of {})",
                    ACTION_KEYS.join(", ")
                ),
            ),
            1 => {}
            _ => err(
                &anchor,
                format!("step `{label}` has several actions; give each its own [[step]]"),
            ),
        }
        let Some(name) = step_name(step) else {
            continue;
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            err(
                &name,
                format!("step name `{name}` may hold letters, digits, _ and - only"),
            );
        }
        if RESERVED.contains(&name.as_str()) {
            err(
                &name,
                format!("step name `{name}` is reserved (scopes, behaviour, client, target)"),
            );
        }
        if earlier.contains(&name) {
            err(
                &name,
                format!("duplicate step name `{name}`: name the steps (`name = \"...\"`)"),
            );
        }

        // Templates: every string in the step.
        let value = serde_json::to_value(step).unwrap_or_default();
        let mut strings = Vec::new();
        collect_strings(&value, &mut strings);
        for text_value in strings {
            match template::references(&text_value) {
                Err(m) => err(&text_value, format!("step `{name}`: {m}")),
                Ok(refs) => {
                    for path in refs {
                        if let Some(m) = check_path(&path, &earlier, &all_names, &name) {
                            err(&text_value, format!("step `{name}`: {m}"));
                        }
                    }
                }
            }
        }
        if let Some(c) = &step.concurrent {
            if c.count == 0 || c.count > MAX_CONCURRENT {
                err(
                    "count",
                    format!(
                        "step `{name}`: concurrent count {} is outside 1..={MAX_CONCURRENT}",
                        c.count
                    ),
                );
            }
        }
        if step.retry_until_skew && step.introspect.is_none() {
            err(
                "retry_until_skew",
                format!(
                    "step `{name}`: retry_until_skew repeats the request, so it is allowed on introspect steps only: a {} step may consume a token (a refresh that still succeeds has used it up), so an expiry probe sends it once",
                    step.action_key().unwrap_or("multi-action")
                ),
            );
        }
        if let Some(w) = &step.wait {
            if let Some(f) = w.fraction {
                if !(f > 0.0 && f <= 1.0) {
                    err(
                        "fraction",
                        format!("step `{name}`: wait fraction {f} is outside (0, 1]"),
                    );
                }
            }
            if !w.duration.contains("{{") {
                match parse_wait(&w.duration) {
                    Ok(d) if d > MAX_LITERAL_WAIT => err(
                        &w.duration,
                        format!(
                            "step `{name}`: a wait of {} is longer than the {} a scenario may wait",
                            w.duration,
                            humantime::format_duration(MAX_LITERAL_WAIT)
                        ),
                    ),
                    Ok(_) => {}
                    Err(e) => err(
                        &w.duration,
                        format!("step `{name}`: wait duration `{}`: {e}", w.duration),
                    ),
                }
            }
        }
        if let Some(r) = &step.request {
            if !["token", "revocation", "introspection", "authorization"]
                .contains(&r.endpoint.as_str())
            {
                err(&r.endpoint, format!("step `{name}`: endpoint `{}` (expected token, revocation, introspection or authorization)", r.endpoint));
            }
            if let Some(m) = &r.method {
                if m.is_empty() || !m.chars().all(|c| c.is_ascii_alphabetic()) {
                    err(
                        m,
                        format!("step `{name}`: method `{m}` is not an HTTP method"),
                    );
                }
            }
        }
        if let Some(exp) = &step.expect {
            for e in exp.all() {
                check_expect(&name, step, e, &mut err);
            }
        }
        earlier.insert(name);
    }
    if errs.is_empty() {
        Ok(conditions)
    } else {
        Err(errs)
    }
}

/// The name captures use: `name`, else the action key.
pub fn step_name(step: &Step) -> Option<String> {
    step.name
        .clone()
        .or_else(|| step.action_key().map(str::to_string))
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
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
            if path.len() != 2 || !["granted", "narrower", "extra"].contains(&path[1].as_str()) {
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
            if path.len() != 3 || !["id", "auth"].contains(&path[2].as_str()) {
                return Some(format!(
                    "`{}`: expected client.<role>.id or client.<role>.auth",
                    path.join(".")
                ));
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

fn check_expect(name: &str, step: &Step, e: &Expect, err: &mut impl FnMut(&str, String)) {
    if let Some(setting) = &e.setting {
        if vocab::key_def(setting).is_none() && !vocab::is_user_key(setting) {
            err(
                setting,
                format!(
                    "step `{name}`: setting: {}",
                    vocab::unknown_key_message(setting)
                ),
            );
        }
    }
    for w in &e.when {
        if let Err(m) = Condition::parse(w) {
            err(w, format!("step `{name}`: when: {m}"));
        }
    }
    for r in &e.refs {
        if !valid_ref(r) {
            err(r, format!("step `{name}`: malformed ref `{r}`"));
        }
    }
    for path in e.json.keys() {
        if let Err(m) = serde_json_path::JsonPath::parse(path) {
            err(path, format!("step `{name}`: JSONPath `{path}`: {m}"));
        }
    }
    let mut matchers: Vec<(&str, &super::model::Matcher)> =
        e.json.iter().map(|(k, m)| (k.as_str(), m)).collect();
    matchers.extend(e.headers.iter().map(|(k, m)| (k.as_str(), m)));
    if let Some(idt) = &e.id_token {
        matchers.extend(idt.claims.iter().map(|(k, m)| (k.as_str(), m)));
    }
    for (what, m) in matchers {
        if let Some(re) = &m.matches {
            if let Err(x) = regex::Regex::new(re) {
                err(re, format!("step `{name}`: `{what}` matches: {x}"));
            }
        }
        if let Some(t) = &m.json_type {
            if ![
                "string", "number", "integer", "boolean", "object", "array", "null",
            ]
            .contains(&t.as_str())
            {
                err(t, format!("step `{name}`: `{what}` type `{t}` (string, number, integer, boolean, object, array, null)"));
            }
        }
    }
    if !e.count.is_empty() && step.concurrent.is_none() {
        err(
            "count",
            format!("step `{name}`: `count` applies to concurrent steps only"),
        );
    }
}
