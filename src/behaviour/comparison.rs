//! The vendor comparison: every profile's documented defaults side by side,
//! each value linked to its source. The README's table between the
//! `vendors:start` / `vendors:end` markers is this output
//! (`refresh-conformance profiles --format markdown`; `tests/docs_in_sync.rs`
//! keeps it in sync).

use super::source;
use super::{BehaviourSet, Profile, Stated, Value};

/// How a row's cell is made from its profile.
type Cell = fn(&Profile) -> String;

/// The columns: heading, and the cell.
const COLUMNS: &[(&str, Cell)] = &[
    ("offline_access required", |p| {
        plain(p, "offline_access_required")
    }),
    ("rotation", |p| cell(p, "new_refresh_token", rotation)),
    ("grace window", grace),
    ("reuse detection", |p| plain(p, "reuse_detection")),
    ("absolute lifetime", |p| {
        cell(p, "refresh_token_absolute_ttl", lifetime)
    }),
    ("idle lifetime", |p| {
        cell(p, "refresh_token_idle_ttl", lifetime)
    }),
    ("rotated token's expiry", |p| {
        plain(p, "rotated_token_expiry")
    }),
    ("scope narrowing", |p| plain(p, "scope_on_refresh")),
    ("id_token on refresh", |p| plain(p, "id_token_on_refresh")),
];

/// The Markdown table (with its legend) for `profiles`, in their order.
pub fn markdown(profiles: &[Profile]) -> String {
    let mut out = String::from(
        "Each value links to the vendor page (or seed, or clause) it comes from; a value in *italics* is **unverified**: the documentation does not settle it (the profile says why), so on a live target it counts as unknown until the target states it. \"public clients: …\" is a client role's own value.\n\n",
    );
    out.push_str("| profile |");
    for (h, _) in COLUMNS {
        out.push_str(&format!(" {h} |"));
    }
    out.push_str("\n| --- |");
    for _ in COLUMNS {
        out.push_str(" --- |");
    }
    out.push('\n');
    for p in profiles {
        out.push_str(&format!("| `{}` {} |", p.name, escape(&p.title)));
        for (_, f) in COLUMNS {
            out.push_str(&format!(" {} |", f(p)));
        }
        out.push('\n');
    }
    out
}

fn plain(p: &Profile, key: &str) -> String {
    cell(p, key, |v| match v {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        other => other.render(),
    })
}

/// The profile's value of `key` shown by `show`, linked, with a client
/// role's differing value after it.
fn cell(p: &Profile, key: &str, show: fn(&Value) -> String) -> String {
    let mut text = one(p.behaviour.values.get(key), show);
    for (role, set) in &p.clients {
        if let Some(s) = own(set, key) {
            text.push_str(&format!("; {role} clients: {}", one(Some(s), show)));
        }
    }
    text
}

fn own<'a>(set: &'a BehaviourSet, key: &str) -> Option<&'a Stated> {
    set.values.get(key)
}

fn one(stated: Option<&Stated>, show: fn(&Value) -> String) -> String {
    let Some(s) = stated else {
        return "—".into();
    };
    let shown = escape(&show(&s.value));
    let refs = s
        .source
        .as_deref()
        .and_then(|src| source::parse(src).ok())
        .unwrap_or_default();
    let linked = match refs.iter().find_map(|r| r.url.clone()) {
        Some(url) => format!("[{shown}]({})", url.replace(')', "%29").replace('|', "%7C")),
        None => match refs.first() {
            Some(r) => format!("{shown} ({})", r.reference),
            None => shown,
        },
    };
    if s.unverified {
        format!("*{linked}*")
    } else {
        linked
    }
}

fn rotation(v: &Value) -> String {
    match v.as_str() {
        Some("always") => "every refresh".into(),
        Some("never") => "no".into(),
        Some("public_clients") => "public clients only".into(),
        _ => v.render(),
    }
}

fn lifetime(v: &Value) -> String {
    match v.as_duration() {
        Some(d) if d.is_zero() => "none".into(),
        Some(d) => duration(d),
        None => v.render(),
    }
}

/// Whole days, hours or minutes where they divide evenly (`90 days`, not humantime's months).
fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match s {
        _ if s % 86_400 == 0 => unit(s / 86_400, "day"),
        _ if s % 3_600 == 0 => unit(s / 3_600, "hour"),
        _ if s % 60 == 0 => unit(s / 60, "minute"),
        _ => humantime::format_duration(d).to_string(),
    }
}

/// `previous_refresh_token` and `grace_period` in one cell.
fn grace(p: &Profile) -> String {
    let mut parts = vec![grace_of(&p.behaviour)];
    for (role, set) in &p.clients {
        if set.values.contains_key("previous_refresh_token")
            || set.values.contains_key("grace_period")
        {
            let mut merged = p.behaviour.clone();
            merged.overlay(set);
            parts.push(format!("{role} clients: {}", grace_of(&merged)));
        }
    }
    parts.join("; ")
}

fn grace_of(set: &BehaviourSet) -> String {
    let previous = set.values.get("previous_refresh_token");
    match previous.and_then(|s| s.value.as_str()) {
        Some("valid_in_grace") => one(set.values.get("grace_period"), |v| match v.as_duration() {
            Some(d) => duration(d),
            None => v.render(),
        }),
        Some("valid") => one(previous, |_| "old token stays valid".into()),
        Some(_) => one(previous, |_| "none".into()),
        None => "—".into(),
    }
}

fn escape(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
