//! Observations: the facts a step showed, free of token values and timestamps,
//! so identical runs give identical observations (fingerprints, HTML, snapshots).

use super::Trial;
use crate::judge::Response;
use crate::scenario::model::Step;

/// Lifetimes in coarse buckets: stable across runs, telling across configurations.
pub fn lifetime_bucket(secs: f64) -> &'static str {
    match secs {
        s if s <= 0.0 => "≤0",
        s if s <= 60.0 => "≤1m",
        s if s <= 600.0 => "≤10m",
        s if s <= 3600.0 => "≤1h",
        s if s <= 86400.0 => "≤1d",
        s if s <= 30.0 * 86400.0 => "≤30d",
        s if s <= 31_536_000.0 => "≤1y",
        _ => ">1y",
    }
}

impl Trial<'_> {
    pub(crate) fn observe(&mut self, name: &str, step: &Step, r: &Response) {
        let mut put = |k: &str, v: String| {
            self.observations.insert(format!("{name}.{k}"), v);
        };
        put("status", r.status.to_string());
        if let Some(e) = r.field_str("error") {
            put("error", e.to_string());
        }
        match &r.json {
            Some(serde_json::Value::Object(o)) => {
                let mut keys: Vec<&str> = o
                    .keys()
                    .map(String::as_str)
                    .filter(|k| *k != "error_description")
                    .collect();
                keys.sort();
                put("fields", keys.join(" "));
            }
            Some(_) => put("body", "json (not an object)".into()),
            None if r.body.is_empty() => put("body", "empty".into()),
            None => put("body", "not json".into()),
        }
        if let Some(s) = r.field_str("scope") {
            let mut set: Vec<&str> = s.split_whitespace().collect();
            set.sort();
            set.dedup();
            put("scope", set.join(" "));
        }
        match r.field("expires_in") {
            Some(serde_json::Value::Number(n)) => put(
                "expires_in",
                lifetime_bucket(n.as_f64().unwrap_or(0.0)).into(),
            ),
            Some(other) => put(
                "expires_in",
                format!(
                    "not a number ({})",
                    if other.is_string() { "string" } else { "other" }
                ),
            ),
            None => {}
        }
        if let Some(a) = r.field("active").and_then(|v| v.as_bool()) {
            put("active", a.to_string());
        }
        if let Some(a) = &step.refresh {
            let presented = self.render(&a.token).unwrap_or_default();
            let v = match r.field_str("refresh_token") {
                _ if r.status != 200 => return,
                None => "none",
                Some(t) if t == presented => "same",
                Some(_) => "new",
            };
            self.observations
                .insert(format!("{name}.new_refresh_token"), v.into());
        }
    }

    pub(crate) fn observe_group(&mut self, name: &str, group: &[Result<Response, String>]) {
        let mut by: std::collections::BTreeMap<String, u32> = Default::default();
        for r in group {
            let k = match r {
                Ok(r) => match r.field_str("error") {
                    Some(e) => format!("{} {e}", r.status),
                    None => r.status.to_string(),
                },
                Err(_) => "transport error".into(),
            };
            *by.entry(k).or_default() += 1;
        }
        let tally = by
            .iter()
            .map(|(k, v)| format!("{v}×{k}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.observations.insert(format!("{name}.outcomes"), tally);
    }
}
