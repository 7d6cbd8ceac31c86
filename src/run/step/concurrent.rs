//! `concurrent`: the same refresh sent `count` times at once (races),
//! released together from a barrier over connections opened beforehand;
//! with `successors` expected, each distinct refresh token the successes
//! carried is presented once more; with `rounds`, the race is repeated on
//! fresh grants until its expectations fail.

use super::{Produced, Stop, Trial};
use crate::judge::successors::{identical_note, is_success};
use crate::judge::Successor;
use crate::scenario::model::{ConcurrentAction, Step};
use crate::scenario::validate::step_name;

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &ConcurrentAction,
) -> Result<Produced, Stop> {
    // One request per copy: a client assertion's `jti` is single-use (RFC 7523 §3).
    let presented = t.render(&a.refresh.token)?;
    let mut reqs = Vec::new();
    let mut scope = None;
    for _ in 0..a.count {
        let (req, s, _) = super::refresh::request_with(t, name, &a.refresh, step, &presented)?;
        reqs.push(req);
        scope = s;
    }
    let group = t.send_group(name, reqs, scope).await;
    for r in group.iter().flatten() {
        t.follow_rotation(&presented, r);
    }
    let wants = step
        .expect
        .iter()
        .flat_map(|e| e.all())
        .any(|e| e.successors.is_some());
    let successors = if wants {
        try_successors(t, name, step, a, &presented, &group).await?
    } else {
        Vec::new()
    };
    if let Some(note) = identical_note(&successors) {
        t.add_note(name, note);
    }
    Ok(Produced {
        group,
        successors,
        ..Default::default()
    })
}

/// Each distinct refresh token the group's successes carried, in the order
/// first seen, presented once more (as the race's request was): does it
/// still refresh? Transport trouble on a try is an error of the trial.
async fn try_successors(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &ConcurrentAction,
    presented: &str,
    group: &[Result<crate::judge::Response, String>],
) -> Result<Vec<Successor>, Stop> {
    let mut distinct: Vec<(String, usize)> = Vec::new();
    for r in group.iter().flatten().filter(|r| is_success(r)) {
        let Some(rt) = r.field_str("refresh_token") else {
            continue;
        };
        match distinct.iter_mut().find(|(v, _)| v == rt) {
            Some((_, n)) => *n += 1,
            None => distinct.push((rt.to_string(), 1)),
        }
    }
    let mut out = Vec::new();
    for (i, (token, carried_by)) in distinct.into_iter().enumerate() {
        let try_name = format!("{name}.successor[{i}]");
        let (req, scope, _) = super::refresh::request_with(t, &try_name, &a.refresh, step, &token)?;
        let r = t.send(&try_name, req, scope).await?;
        t.follow_rotation(&token, &r);
        if let Some(next) = r.field_str("refresh_token").filter(|_| is_success(&r)) {
            t.set_live_token(next);
        }
        out.push(Successor {
            carried_by,
            presented: token == presented,
            live: is_success(&r),
        });
    }
    Ok(out)
}

/// A concurrent step with `rounds`: race, and while its expectations hold,
/// race again on a fresh token: the one a successor's try just obtained when
/// the step presents `{{<grant>.current_refresh_token}}`, else a new grant.
/// True when the trial must stop here.
pub(super) async fn run_rounds(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &ConcurrentAction,
) -> Result<bool, Stop> {
    let rounds = a.rounds.unwrap_or(1).max(1);
    // Without reuse detection (stated), the token a successor's try just
    // obtained is fresh: the next round races it and needs no new grant.
    // Elsewhere the racers that lost may have ended the family.
    let may_carry = t.view().get("reuse_detection").and_then(|v| v.as_bool()) == Some(false);
    let mut round = 1;
    let mut carried = false;
    while round <= rounds {
        if round > 1 && !carried {
            match regrant(t, name, a).await? {
                Regrant::Ready => {}
                Regrant::Cannot => break,
                Regrant::Halt => return Ok(true),
            }
        }
        let raced = t.render(&a.refresh.token)?;
        t.take_live_token();
        let before = t.findings_len();
        let halt = super::run_step(t, name, step).await?;
        let found = t.findings_len() > before;
        if found && carried && t.findings()[before..].iter().all(|f| f.precondition) {
            // The carried token was no longer usable after all: this round
            // again, on a new grant.
            t.truncate_findings(before);
            carried = false;
            continue;
        }
        if found {
            t.annotate_findings(before, &format!(" (in round {round} of {rounds})"));
            return Ok(halt);
        }
        if halt {
            return Ok(true);
        }
        let next = t.render(&a.refresh.token)?;
        carried = may_carry && next != raced && t.take_live_token().as_deref() == Some(&next);
        round += 1;
    }
    Ok(false)
}

enum Regrant {
    Ready,
    /// One more round cannot be set up; a note says why.
    Cannot,
    /// The new grant failed its expectations.
    Halt,
}

/// Run again the grant step that started the presented token's family, so
/// that the next round presents a fresh token. A grant source that is not
/// repeatable (a seed token, a single grant) allows no more rounds.
async fn regrant(t: &mut Trial<'_>, name: &str, a: &ConcurrentAction) -> Result<Regrant, Stop> {
    let presented = t.render(&a.refresh.token)?;
    let steps = &t.scenario().file.steps;
    let Some(grant) = t.family_of(&presented).and_then(|g| {
        steps
            .iter()
            .find(|s| s.grant.is_some() && step_name(s).as_deref() == Some(g.as_str()))
            .map(|s| (g, s))
    }) else {
        t.add_note(
            &format!("{name}.rounds"),
            format!("step `{name}` raced once: its token comes from no grant step, so no fresh one can be had"),
        );
        return Ok(Regrant::Cannot);
    };
    let (grant_name, grant_step) = grant;
    let client = t.client(grant_step.grant.as_ref().and_then(|g| g.client.as_ref()))?;
    if let Some(source) = client.grant.as_ref().filter(|s| !s.repeatable()) {
        t.add_note(
            &format!("{name}.rounds"),
            format!(
                "step `{name}` raced once: client `{}`'s grant source ({}) is not repeatable, so no fresh grant for another round",
                client.role,
                source.kind()
            ),
        );
        return Ok(Regrant::Cannot);
    }
    let before = t.findings_len();
    let halt = super::run_step(t, &grant_name, grant_step).await?;
    Ok(if halt || t.findings_len() > before {
        Regrant::Halt
    } else {
        Regrant::Ready
    })
}
