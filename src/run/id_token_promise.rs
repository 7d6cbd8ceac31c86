//! `id_token_on_refresh` as a promise: when the behaviour view says a refresh
//! returns an id_token (`always`, or `when_openid_requested` with `openid`
//! asked for) and the response carries none, the scenarios that need it
//! cannot judge the id_token, but the IdP has not done what its profile or
//! target states: a profile-mismatch failure naming the setting, not a skip.

use super::trial::Trial;
use crate::judge::Response;
use crate::record::{FailKind, Finding};
use crate::scenario::model::{Level, Step};

/// The finding, when `step` is a refresh whose response breaks the promise.
pub(super) fn broken(t: &Trial<'_>, name: &str, step: &Step, r: &Response) -> Option<Finding> {
    let needs_id_token = step
        .needs
        .iter()
        .any(|n| n == "id_token" || n.starts_with("id_token."));
    if step.refresh.is_none() || !needs_id_token || r.field("id_token").is_some() {
        return None;
    }
    let stated = t.view().get("id_token_on_refresh")?;
    let asked_openid = r
        .requested_scope
        .as_deref()
        .is_some_and(|s| s.split_whitespace().any(|x| x == "openid"));
    let expected = match stated.as_str()? {
        "always" => "an id_token (`id_token_on_refresh` = always)".to_string(),
        "when_openid_requested" if asked_openid => {
            "an id_token (`id_token_on_refresh` = when_openid_requested, and `openid` was asked for)"
                .to_string()
        }
        _ => return None,
    };
    Some(Finding {
        step: name.to_string(),
        level: Level::Must,
        kind: FailKind::ProfileMismatch,
        setting: Some("id_token_on_refresh".into()),
        refs: vec!["oidc-core#12.2".into()],
        check: "id_token".into(),
        expected,
        actual: format!("none in the refresh response (status {})", r.status),
        precondition: false,
        exchange: t.last_exchange(),
    })
}
