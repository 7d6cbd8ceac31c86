//! `concurrent`: the same refresh sent `count` times at once (races).

use super::{Produced, Stop, Trial};
use crate::scenario::model::{ConcurrentAction, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &ConcurrentAction,
) -> Result<Produced, Stop> {
    // One request per copy: a client assertion's `jti` is single-use (RFC 7523 §3).
    let mut reqs = Vec::new();
    let mut scope = None;
    for _ in 0..a.count {
        let (req, s) = super::refresh::request(t, &a.refresh, step)?;
        reqs.push(req);
        scope = s;
    }
    let presented = t.render(&a.refresh.token)?;
    let group = t.send_group(name, reqs, scope).await;
    for r in group.iter().flatten() {
        t.follow_rotation(&presented, r);
    }
    Ok(Produced {
        group,
        ..Default::default()
    })
}
