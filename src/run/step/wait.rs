//! `wait`: virtual on the emulator (its control endpoint advances this
//! trial's token families), real and overlapping on live targets (the trial
//! holds no HTTP permit while it sleeps).

use super::{Stop, Trial};
use crate::run::http::Request;
use crate::run::wait_plan::{max_wait_advice, wait_duration, wait_keys, wait_source};
use crate::scenario::model::WaitAction;
use crate::target::Clock;
use std::time::Duration;

pub async fn run(t: &mut Trial<'_>, name: &str, w: &WaitAction) -> Result<(), Stop> {
    let d = wait_duration(t, name, w)?;
    if let Clock::Virtual { .. } = &t.env().target.clock {
        return advance_virtual(t, d).await;
    }
    t.release_permit();
    let max_wait = t.env().opts.max_wait;
    // `offset` is what this trial has already waited.
    if t.offset() + d > max_wait {
        let already = if t.offset().is_zero() {
            String::new()
        } else {
            format!(
                " after {} already waited",
                humantime::format_duration(t.offset())
            )
        };
        return Err(Stop::Skip(format!(
            "step `{name}` would wait {} ({}){already}, longer than --max-wait {}: {}",
            humantime::format_duration(d),
            wait_source(t, w, d),
            humantime::format_duration(max_wait),
            max_wait_advice(&wait_keys(w))
        )));
    }
    let trial = format!("{}/{}", t.env().target.name, t.scenario().id());
    t.env().waits.sleep(&trial, name, d).await;
    t.add_offset(d);
    Ok(())
}

/// Move the virtual clock of this trial's token families forward.
async fn advance_virtual(t: &mut Trial<'_>, d: Duration) -> Result<(), Stop> {
    let Clock::Virtual { control_url } = &t.env().target.clock else {
        return Ok(());
    };
    let secs = d.as_secs_f64().ceil() as u64;
    let body = serde_json::json!({ "tokens": t.tokens(), "seconds": secs });
    let req = Request {
        method: "POST".into(),
        url: control_url.clone(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(body.to_string()),
        ..Default::default()
    };
    let reply = t
        .env()
        .http
        .send(&req)
        .await
        .map_err(|e| Stop::Error(format!("advancing the emulator's clock: {}", e.0)))?;
    if reply.status != 200 {
        return Err(Stop::Error(format!(
            "advancing the emulator's clock: status {}",
            reply.status
        )));
    }
    t.add_offset(Duration::from_secs(secs));
    Ok(())
}

/// The pause between re-probes: slept on a live target (holding no
/// permit), virtual time on the emulator.
pub(crate) async fn pause(t: &mut Trial<'_>, d: Duration) -> Result<(), Stop> {
    if let Clock::Virtual { .. } = &t.env().target.clock {
        return advance_virtual(t, d).await;
    }
    t.release_permit();
    tokio::time::sleep(d).await;
    t.add_offset(d);
    Ok(())
}
