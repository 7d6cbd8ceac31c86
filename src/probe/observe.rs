//! From the questions' answers to one line per vocabulary key: the value
//! seen and the observation behind it, or why it could not be seen. Nothing
//! is guessed: a value is stated only when an answer shows it.

use super::questions::{self as q, REUSES, ROTATION_DELAY};
use super::read::{Answer, Reply};
use crate::behaviour::Value;
use crate::record::TrialRecord;
use std::time::Duration;

/// One key's line of the block.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub key: &'static str,
    /// None: not observed (`note` says why).
    pub value: Option<Value>,
    /// For measured durations: the range the true value lies in.
    pub range: Option<(Duration, Duration)>,
    pub note: String,
}

impl Line {
    pub(crate) fn seen(key: &'static str, value: Value, note: impl Into<String>) -> Line {
        Line {
            key,
            value: Some(value),
            range: None,
            note: note.into(),
        }
    }
    pub(crate) fn unseen(key: &'static str, why: impl Into<String>) -> Line {
        Line {
            key,
            value: None,
            range: None,
            note: why.into(),
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn secs(s: u64) -> Value {
    Value::Duration(Duration::from_secs(s))
}

/// What the rotation question showed, for the grace search and the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rotation {
    /// No new refresh token: the previous-token keys do not apply.
    None,
    /// The previous token was accepted this many more times (< REUSES).
    Reuses(usize),
    /// Accepted every time it was presented at once: valid, or a grace window.
    Kept,
}

/// Why the probe cannot go on: the base question did not get a grant and a
/// refresh. `harness` when no answer came (not the IdP's doing).
#[derive(Debug)]
pub(crate) struct Fatal {
    pub harness: bool,
    pub message: String,
}

/// The rotation question: the grant and the first refresh must work.
pub(crate) fn rotation(records: &[TrialRecord]) -> Result<(Rotation, Vec<Line>), Fatal> {
    let fatal = |harness, message: String| Fatal { harness, message };
    let a = Answer::find(records, q::ROTATION)
        .ok_or_else(|| fatal(true, "the rotation question did not run".into()))?;
    let grant = a.step("grant").ok_or_else(|| {
        fatal(
            a.record.outcome.label() == "error",
            format!("no grant: {}", a.stopped().unwrap_or_default()),
        )
    })?;
    if !grant.ok() || !grant.has("refresh_token") {
        let what = if grant.ok() {
            "a grant with no refresh token (check the scopes and the client's refresh token settings)".to_string()
        } else {
            format!("the grant was refused ({})", grant.said())
        };
        return Err(fatal(false, what));
    }
    let rotate = a.step("rotate").ok_or_else(|| {
        fatal(
            a.harness_error().is_some(),
            format!("no refresh: {}", a.stopped().unwrap_or_default()),
        )
    })?;
    if !rotate.ok() {
        return Err(fatal(
            false,
            format!("the first refresh was refused ({})", rotate.said()),
        ));
    }
    let mut lines = vec![sender_constrained(&grant)];
    let new = match (grant.str("refresh_token"), rotate.str("refresh_token")) {
        (_, None) => None,
        (Some(g), Some(r)) if g == r => Some(false),
        _ => Some(true),
    };
    if new != Some(true) {
        let seen = match new {
            None => "the refresh response carried no refresh_token",
            _ => "the refresh response carried the same refresh token",
        };
        lines.push(Line::seen("new_refresh_token", text("never"), seen));
        return Ok((Rotation::None, lines));
    }
    lines.push(Line::seen(
        "new_refresh_token",
        text("always"),
        "the refresh response carried a new refresh token",
    ));
    let accepted = (1..=REUSES)
        .take_while(|i| a.step(&format!("again{i}")).is_some_and(|r| r.ok()))
        .count();
    if accepted == REUSES {
        return Ok((Rotation::Kept, lines));
    }
    let refused = a
        .step(&format!("again{}", accepted + 1))
        .map(|r| r.said())
        .unwrap_or_else(|| "no answer".into());
    let how = if accepted == 0 {
        format!("the previous token presented again at once: {refused}")
    } else {
        format!("the previous token was accepted {accepted} more time(s), then {refused}")
    };
    lines.push(Line::seen(
        "previous_refresh_token",
        text("invalidated"),
        &how,
    ));
    lines.push(Line::seen(
        "refresh_token_max_reuse",
        Value::Count(accepted as u64),
        how,
    ));
    lines.push(reuse_line(a.step("successor"), "after the refused replay"));
    Ok((Rotation::Reuses(accepted), lines))
}

/// Reuse detection: what the successor got after the previous token was refused.
pub(crate) fn reuse_line(successor: Option<Reply>, when: &str) -> Line {
    match successor {
        Some(r) if r.ok() => Line::seen(
            "reuse_detection",
            Value::Bool(false),
            format!("the newest refresh token still worked {when}"),
        ),
        Some(r) if r.status == 400 || r.status == 401 => Line::seen(
            "reuse_detection",
            Value::Bool(true),
            format!("the newest refresh token was refused {when} ({})", r.said()),
        ),
        Some(r) => Line::unseen(
            "reuse_detection",
            format!("the newest refresh token got {} {when}", r.said()),
        ),
        None => Line::unseen("reuse_detection", "the newest refresh token got no answer"),
    }
}

fn sender_constrained(grant: &Reply) -> Line {
    match grant.str("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => Line::seen(
            "sender_constrained",
            text("none"),
            "token_type Bearer, and refresh worked without a key proof",
        ),
        Some(t) if t.eq_ignore_ascii_case("dpop") => {
            Line::seen("sender_constrained", text("dpop"), "token_type DPoP")
        }
        other => Line::unseen(
            "sender_constrained",
            format!("token_type {}", other.unwrap_or("absent")),
        ),
    }
}

/// A duration in seconds from a response number, if it is one.
fn whole_secs(n: Option<f64>) -> Option<u64> {
    n.filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.round() as u64)
}

/// Lifetimes and introspection: the lifetimes question.
pub(crate) fn lifetimes(records: &[TrialRecord], rotation: Rotation) -> Vec<Line> {
    let Some(a) = Answer::find(records, q::LIFETIMES) else {
        return vec![];
    };
    let grant = a.step("grant");
    let mut lines = vec![];
    let at = a.step("at");
    lines.push(
        match (
            grant.as_ref().and_then(|g| whole_secs(g.num("expires_in"))),
            at,
        ) {
            (Some(s), _) => Line::seen("access_token_ttl", secs(s), format!("expires_in {s}")),
            (None, Some(r)) if r.num("exp").is_some() && r.num("iat").is_some() => {
                let s = (r.num("exp").unwrap() - r.num("iat").unwrap()).max(0.0) as u64;
                Line::seen(
                    "access_token_ttl",
                    secs(s),
                    format!("introspection exp - iat = {s}"),
                )
            }
            _ => Line::unseen(
                "access_token_ttl",
                "no expires_in, and introspection gave no exp and iat",
            ),
        },
    );
    let before = a.step("before");
    lines.push(introspects(before.as_ref(), &a));
    lines.push(absolute_ttl(grant.as_ref(), before.as_ref()));
    lines.push(rotated_expiry(&a, before.as_ref(), rotation));
    lines
}

fn introspects(before: Option<&Reply>, a: &Answer) -> Line {
    const K: &str = "introspects_refresh_tokens";
    match before {
        Some(r) if r.ok() && r.active() == Some(true) => Line::seen(
            K,
            Value::Bool(true),
            "a fresh refresh token introspected active",
        ),
        Some(r) if r.ok() && r.active() == Some(false) => Line::seen(
            K,
            Value::Bool(false),
            "a fresh refresh token introspected inactive",
        ),
        Some(r) => Line::unseen(K, format!("introspecting a refresh token got {}", r.said())),
        None => Line::unseen(
            K,
            format!(
                "not introspected: {}",
                a.stopped().unwrap_or_else(|| "no answer".into())
            ),
        ),
    }
}

fn absolute_ttl(grant: Option<&Reply>, before: Option<&Reply>) -> Line {
    const K: &str = "refresh_token_absolute_ttl";
    if let Some(s) = grant.and_then(|g| whole_secs(g.num("refresh_token_expires_in"))) {
        return Line::seen(K, secs(s), format!("refresh_token_expires_in {s}"));
    }
    let Some(r) = before.filter(|r| r.ok() && r.active() == Some(true)) else {
        return Line::unseen(
            K,
            "no refresh_token_expires_in, and no active introspection",
        );
    };
    let Some(exp) = r.num("exp") else {
        return Line::unseen(
            K,
            "introspection shows no exp: no absolute lifetime, or one it does not show",
        );
    };
    // iat when the IdP gives it; otherwise the grant response's Date (±1 s).
    let (from, what) = match (r.num("iat"), grant.and_then(|g| g.date)) {
        (Some(iat), _) => (iat, "exp - iat"),
        (None, Some(d)) => (d as f64, "exp - the grant's Date"),
        (None, None) => return Line::unseen(K, "introspection shows exp but no iat"),
    };
    let s = (exp - from).max(0.0).round() as u64;
    let mut line = Line::seen(
        K,
        secs(s),
        format!("refresh token introspection {what} = {s}"),
    );
    if what != "exp - iat" {
        line.range = Some((
            Duration::from_secs(s.saturating_sub(2)),
            Duration::from_secs(s + 2),
        ));
    }
    line
}

fn rotated_expiry(a: &Answer, before: Option<&Reply>, rotation: Rotation) -> Line {
    const K: &str = "rotated_token_expiry";
    if rotation == Rotation::None {
        return Line::unseen(K, "no new refresh token to compare");
    }
    let after = a.step("after");
    let exps = (
        before.and_then(|r| r.num("exp")),
        after.as_ref().and_then(|r| r.num("exp")),
    );
    let (Some(b), Some(n)) = exps else {
        return Line::unseen(K, "introspection did not show both tokens' exp");
    };
    let moved = n - b;
    if moved.abs() <= 1.0 {
        Line::seen(
            K,
            text("original"),
            format!("rotated {ROTATION_DELAY}s after the grant, the new token's exp is the same"),
        )
    } else if moved >= ROTATION_DELAY as f64 - 1.0 {
        Line::seen(
            K,
            text("renewed"),
            format!("rotated {ROTATION_DELAY}s after the grant, the new token's exp is {moved:.0}s later"),
        )
    } else {
        Line::unseen(K, format!("the new token's exp moved by {moved:.0}s"))
    }
}
