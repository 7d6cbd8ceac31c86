//! What the scope, openid, offline_access, revocation and client_credentials
//! questions showed, one line per key.

use super::observe::Line;
use super::questions as q;
use super::read::{Answer, Reply};
use crate::behaviour::Value;
use crate::record::TrialRecord;
use std::collections::BTreeSet;

fn set(s: &str) -> BTreeSet<&str> {
    s.split_whitespace().collect()
}

fn not_run(a: Option<&Answer>) -> String {
    a.and_then(|a| a.stopped())
        .unwrap_or_else(|| "no answer".into())
}

/// scope_on_refresh: the scope a narrower refresh reported, or the new
/// access token's introspected scope when the response names none.
pub(crate) fn scope(records: &[TrialRecord], granted: &str, narrower: &str) -> Line {
    const K: &str = "scope_on_refresh";
    let a = Answer::find(records, q::SCOPE);
    let Some(narrow) = a.as_ref().and_then(|a| a.step("narrow")) else {
        return Line::unseen(K, format!("no narrower refresh: {}", not_run(a.as_ref())));
    };
    if !narrow.ok() {
        return Line::unseen(
            K,
            format!("a refresh asking for \"{narrower}\" got {}", narrow.said()),
        );
    }
    let introspected = a
        .as_ref()
        .and_then(|a| a.step("at"))
        .filter(|r| r.ok() && r.active() == Some(true));
    let (got, whence) = match (narrow.str("scope"), introspected.as_ref()) {
        (Some(s), _) => (s.to_string(), "the refresh response's scope"),
        (None, Some(r)) if r.str("scope").is_some() => (
            r.str("scope").unwrap_or_default().to_string(),
            "the new access token's introspected scope",
        ),
        _ => {
            return Line::unseen(
                K,
                "the refresh response names no scope, and introspection did not show one",
            )
        }
    };
    if set(&got) == set(narrower) {
        Line::seen(
            K,
            Value::Text("honoured".into()),
            format!("asked for \"{narrower}\": {whence} is that"),
        )
    } else if set(&got) == set(granted) {
        Line::seen(
            K,
            Value::Text("ignored".into()),
            format!("asked for \"{narrower}\": {whence} is the granted \"{granted}\""),
        )
    } else {
        Line::unseen(
            K,
            format!("asked for \"{narrower}\": {whence} is \"{got}\", neither that nor the granted scope"),
        )
    }
}

/// id_token_on_refresh, from the rotation question's refresh (granted
/// scope) and the refresh of a grant without openid.
pub(crate) fn id_token(records: &[TrialRecord], openid: bool) -> Line {
    const K: &str = "id_token_on_refresh";
    let with = Answer::find(records, q::ROTATION).and_then(|a| a.step("rotate"));
    let Some(with) = with.filter(Reply::ok) else {
        return Line::unseen(K, "no refresh");
    };
    let has = with.has("id_token");
    if !openid {
        return if has {
            Line::seen(
                K,
                Value::Text("always".into()),
                "an id_token on refresh, and openid is not in the granted scope",
            )
        } else {
            Line::unseen(
                K,
                "no id_token, but openid is not in the granted scope: cannot tell never from when_openid_requested",
            )
        };
    }
    if !has {
        return Line::seen(
            K,
            Value::Text("never".into()),
            "no id_token on refresh, with openid in the scope",
        );
    }
    let a = Answer::find(records, q::NO_OPENID);
    match a.as_ref().and_then(|a| a.step("refresh")) {
        Some(r) if r.ok() && r.has("id_token") => Line::seen(
            K,
            Value::Text("always".into()),
            "an id_token on refresh, with openid and without it",
        ),
        Some(r) if r.ok() => Line::seen(
            K,
            Value::Text("when_openid_requested".into()),
            "an id_token on refresh with openid, none without it",
        ),
        Some(r) => Line::unseen(
            K,
            format!(
                "an id_token with openid; a refresh without openid got {}",
                r.said()
            ),
        ),
        None => Line::unseen(
            K,
            format!(
                "an id_token with openid; without it: {}",
                not_run(a.as_ref())
            ),
        ),
    }
}

/// offline_access_required: a grant without offline_access, or (when the
/// granted scope lacks it) the rotation question's grant.
pub(crate) fn offline_access(records: &[TrialRecord], in_granted: bool) -> Line {
    const K: &str = "offline_access_required";
    if !in_granted {
        let grant = Answer::find(records, q::ROTATION).and_then(|a| a.step("grant"));
        return match grant {
            Some(g) if g.ok() && g.has("refresh_token") => Line::seen(
                K,
                Value::Bool(false),
                "a refresh token without offline_access in the scope",
            ),
            _ => Line::unseen(K, "no grant to look at"),
        };
    }
    let a = Answer::find(records, q::NO_OFFLINE);
    match a.as_ref().and_then(|a| a.step("grant")) {
        Some(g) if g.ok() && g.has("refresh_token") => Line::seen(
            K,
            Value::Bool(false),
            "a grant without offline_access carried a refresh token",
        ),
        Some(g) if g.ok() => Line::seen(
            K,
            Value::Bool(true),
            "a grant without offline_access carried no refresh token",
        ),
        Some(g) => Line::unseen(
            K,
            format!("a grant without offline_access got {}", g.said()),
        ),
        None => Line::unseen(
            K,
            format!("no grant without offline_access: {}", not_run(a.as_ref())),
        ),
    }
}

/// revocation_revokes_access_tokens: the access token introspected after
/// its refresh token was revoked.
pub(crate) fn revocation(records: &[TrialRecord]) -> Line {
    const K: &str = "revocation_revokes_access_tokens";
    let a = Answer::find(records, q::REVOCATION);
    let step = |n: &str| a.as_ref().and_then(|a| a.step(n));
    let (Some(before), Some(revoke), Some(after)) = (step("before"), step("revoke"), step("after"))
    else {
        return Line::unseen(K, format!("not observed: {}", not_run(a.as_ref())));
    };
    if !(before.ok() && before.active() == Some(true)) {
        return Line::unseen(
            K,
            format!("a fresh access token introspected {}", before.said()),
        );
    }
    if !revoke.ok() {
        return Line::unseen(
            K,
            format!("revoking the refresh token got {}", revoke.said()),
        );
    }
    match after.active() {
        Some(false) => Line::seen(
            K,
            Value::Bool(true),
            "after the refresh token was revoked, its access token introspected inactive",
        ),
        Some(true) => Line::seen(
            K,
            Value::Bool(false),
            "after the refresh token was revoked, its access token introspected active",
        ),
        None => Line::unseen(
            K,
            format!("introspection after revocation got {}", after.said()),
        ),
    }
}

/// refresh_token_for_client_credentials: the client_credentials response.
pub(crate) fn client_credentials(records: &[TrialRecord]) -> Line {
    const K: &str = "refresh_token_for_client_credentials";
    let a = Answer::find(records, q::CLIENT_CREDENTIALS);
    match a.as_ref().and_then(|a| a.step("cc")) {
        Some(r) if r.ok() => Line::seen(
            K,
            Value::Bool(r.has("refresh_token")),
            if r.has("refresh_token") {
                "the client_credentials response carried a refresh token"
            } else {
                "the client_credentials response carried no refresh token"
            },
        ),
        Some(r) => Line::unseen(K, format!("the client_credentials grant got {}", r.said())),
        None => Line::unseen(K, format!("not observed: {}", not_run(a.as_ref()))),
    }
}
