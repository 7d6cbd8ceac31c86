//! How long a scenario's waits are, where each length comes from, and the
//! `--max-wait` check made before a live trial spends its first request.

use super::trial::{Stop, Trial};
use crate::scenario::model::WaitAction;
use crate::scenario::template::references;
use crate::scenario::validate::{parse_wait, step_name, MAX_LITERAL_WAIT};
use crate::target::Clock;
use std::time::Duration;

/// The duration a wait step asks for (fraction and skew applied).
pub(crate) fn wait_duration(t: &Trial<'_>, name: &str, w: &WaitAction) -> Result<Duration, Stop> {
    let text = t.render(&w.duration)?;
    let mut d = parse_wait(&text).map_err(|e| {
        Stop::Error(format!(
            "step `{name}`: wait `{text}` is not a duration: {e}"
        ))
    })?;
    if let Some(f) = w.fraction {
        d = d.mul_f64(f.clamp(0.0, 1.0));
    }
    if w.skew {
        d += t.env().opts.clock_skew;
    }
    if d > MAX_LITERAL_WAIT {
        return Err(Stop::Skip(format!(
            "step `{name}` would wait {}, beyond any run",
            humantime::format_duration(d)
        )));
    }
    Ok(d)
}

/// Live targets: skip before the first request when the waits whose
/// length is known up front (literal, or behaviour values) add up to more
/// than --max-wait. Waits on captures are checked when they come.
pub(crate) fn check_total_wait(t: &Trial<'_>) -> Result<(), Stop> {
    if !matches!(t.env().target.clock, Clock::Real) {
        return Ok(());
    }
    let mut total = Duration::ZERO;
    let mut parts = Vec::new();
    let mut keys = Vec::new();
    for step in &t.scenario().file.steps {
        let Some(w) = &step.wait else { continue };
        let refs = references(&w.duration).unwrap_or_default();
        if refs
            .iter()
            .any(|p| p.first().map(String::as_str) != Some("behaviour"))
        {
            continue;
        }
        let name = step_name(step).unwrap_or_default();
        let d = wait_duration(t, &name, w)?;
        total += d;
        parts.push(format!("step `{name}`: {}", wait_source(t, w, d)));
        keys.extend(wait_keys(w));
    }
    let max_wait = t.env().opts.max_wait;
    if total > max_wait {
        return Err(Stop::Skip(format!(
            "this scenario would wait {} ({}), longer than --max-wait {}: {}",
            humantime::format_duration(total),
            parts.join("; "),
            humantime::format_duration(max_wait),
            max_wait_advice(&keys)
        )));
    }
    Ok(())
}

/// "`refresh_token_absolute_ttl` = 7d × 0.5 + clock skew 5s".
pub(crate) fn wait_source(t: &Trial<'_>, w: &WaitAction, total: Duration) -> String {
    let refs = references(&w.duration).unwrap_or_default();
    let mut s = match refs.as_slice() {
        [] => format!("`{}`", w.duration),
        paths => paths
            .iter()
            .map(|p| match p.as_slice() {
                [b, key] if b == "behaviour" => match t.view().get(key) {
                    Some(v) => format!("`{key}` = {}", v.render()),
                    None => format!("`{key}`"),
                },
                [step, rest @ ..] => match t.render(&format!("{{{{{}}}}}", p.join("."))) {
                    Ok(v) => format!("`{}` = {v} from step `{step}`", rest.join(".")),
                    Err(_) => format!("`{}` from step `{step}`", rest.join(".")),
                },
                [] => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
    if let Some(f) = w.fraction {
        s.push_str(&format!(" × {f}"));
    }
    if w.skew {
        s.push_str(&format!(
            " + clock skew {}",
            humantime::format_duration(t.env().opts.clock_skew)
        ));
    }
    format!("{s}, {}", humantime::format_duration(total))
}

/// The behaviour keys a wait's duration reads.
pub(crate) fn wait_keys(w: &WaitAction) -> Vec<String> {
    references(&w.duration)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p.as_slice() {
            [b, key] if b == "behaviour" => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// What to change when a wait is longer than --max-wait.
pub(crate) fn max_wait_advice(keys: &[String]) -> String {
    let mut keys: Vec<&String> = keys.iter().collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        "raise --max-wait, or configure shorter token lifetimes on the test tenant".into()
    } else {
        let list = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        format!(
            "raise --max-wait, or configure a shorter {list} on the test tenant and state it in the target's [behaviour]"
        )
    }
}
