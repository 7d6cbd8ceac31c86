//! The probe's questions, written in the scenario language so that the
//! runner sends them with the target's authentication, grant source, HTTP
//! settings and redaction. They carry no expectations: `read.rs` reads what
//! came back. Every trial uses the client in the `main` role (`--client`
//! puts the chosen one there).

use crate::scenario::load::load_text;
use crate::scenario::Scenario;
use std::time::Duration;

/// Trial ids the observations read (`probe/<question>`).
pub(crate) const ROTATION: &str = "probe/rotation";
pub(crate) const LIFETIMES: &str = "probe/lifetimes";
pub(crate) const SCOPE: &str = "probe/scope";
pub(crate) const NO_OPENID: &str = "probe/no-openid";
pub(crate) const NO_OFFLINE: &str = "probe/no-offline-access";
pub(crate) const REVOCATION: &str = "probe/revocation";
pub(crate) const CLIENT_CREDENTIALS: &str = "probe/client-credentials";
/// `probe/grace-<seconds>s`: the previous token presented that long after rotation.
pub(crate) const GRACE_PREFIX: &str = "probe/grace-";

/// How many times the rotation question presents the previous token again:
/// more accepted uses than this is "valid" (or a grace window), fewer a reuse count.
pub(crate) const REUSES: usize = 3;

/// Seconds between a grant and its rotation in the lifetimes question, so a
/// renewed expiry differs from the original one.
pub(crate) const ROTATION_DELAY: u64 = 3;

fn head(id: &str, title: &str) -> String {
    format!("id = \"{id}\"\ntitle = \"{title}\"\nrefs = [\"rfc6749#6\"]\nlevel = \"info\"\n")
}

fn rotation() -> String {
    let mut s = head(ROTATION, "rotation, the previous token, reuse");
    s.push_str(
        "[[step]]\nname = \"grant\"\ngrant = {}\n\n\
         [[step]]\nname = \"rotate\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\n",
    );
    for i in 1..=REUSES {
        s.push_str(&format!(
            "\n[[step]]\nname = \"again{i}\"\nrefresh = {{ token = \"{{{{grant.refresh_token}}}}\" }}\n"
        ));
    }
    s.push_str(
        "\n[[step]]\nname = \"successor\"\nrefresh = { token = \"{{rotate.refresh_token}}\" }\n",
    );
    s
}

fn lifetimes() -> String {
    head(LIFETIMES, "lifetimes from expires_in and introspection")
        + "[[step]]\nname = \"grant\"\ngrant = {}\n\n\
           [[step]]\nname = \"at\"\nintrospect = { token = \"{{grant.access_token}}\", token_type_hint = \"access_token\" }\n\n\
           [[step]]\nname = \"before\"\nintrospect = { token = \"{{grant.refresh_token}}\", token_type_hint = \"refresh_token\" }\n\n"
        + &format!("[[step]]\nwait = {{ duration = \"{ROTATION_DELAY}s\" }}\n\n")
        + "[[step]]\nname = \"rotate\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\n\n\
           [[step]]\nname = \"after\"\nintrospect = { token = \"{{rotate.refresh_token}}\", token_type_hint = \"refresh_token\" }\n"
}

fn scope() -> String {
    head(SCOPE, "a narrower scope on refresh")
        + "[[step]]\nname = \"grant\"\ngrant = {}\n\n\
           [[step]]\nname = \"narrow\"\nrefresh = { token = \"{{grant.refresh_token}}\", scope = \"{{scopes.narrower}}\" }\n\n\
           [[step]]\nname = \"at\"\nintrospect = { token = \"{{narrow.access_token}}\", token_type_hint = \"access_token\" }\n"
}

/// A grant without `scope`; with `refresh`, a refresh of it too.
fn without(id: &str, title: &str, scope: &str, refresh: bool) -> String {
    let mut s = head(id, title)
        + &format!(
            "[[step]]\nname = \"grant\"\ngrant = {{ scope = \"{{{{scopes.granted | without:{scope}}}}}\" }}\n"
        );
    if refresh {
        s.push_str(
            "\n[[step]]\nname = \"refresh\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\n",
        );
    }
    s
}

fn revocation() -> String {
    head(REVOCATION, "what revoking a refresh token does to its access token")
        + "[[step]]\nname = \"grant\"\ngrant = {}\n\n\
           [[step]]\nname = \"before\"\nintrospect = { token = \"{{grant.access_token}}\", token_type_hint = \"access_token\" }\n\n\
           [[step]]\nname = \"revoke\"\nrevoke = { token = \"{{grant.refresh_token}}\", token_type_hint = \"refresh_token\" }\n\n\
           [[step]]\nname = \"after\"\nintrospect = { token = \"{{grant.access_token}}\", token_type_hint = \"access_token\" }\n"
}

fn client_credentials() -> String {
    head(CLIENT_CREDENTIALS, "a refresh token for client_credentials")
        + "[[step]]\nname = \"cc\"\nclient_credentials = {}\n"
}

/// The previous token presented `after` its rotation, then the successor.
fn grace(after: Duration) -> String {
    let secs = after.as_secs();
    head(
        &format!("{GRACE_PREFIX}{secs}s"),
        "the previous token after a wait",
    ) + "[[step]]\nname = \"grant\"\ngrant = {}\n\n\
           [[step]]\nname = \"rotate\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\n\n"
        + &format!("[[step]]\nwait = {{ duration = \"{secs}s\" }}\n\n")
        + "[[step]]\nname = \"late\"\nrefresh = { token = \"{{grant.refresh_token}}\" }\n\n\
           [[step]]\nname = \"successor\"\nrefresh = { token = \"{{rotate.refresh_token}}\" }\n"
}

/// What the first round asks. `openid` and `offline_access`: whether the
/// granted scope holds them (the question without them is asked only then).
pub(crate) fn first_round(openid: bool, offline_access: bool) -> Vec<String> {
    let mut out = vec![
        rotation(),
        lifetimes(),
        scope(),
        revocation(),
        client_credentials(),
    ];
    if openid {
        out.push(without(
            NO_OPENID,
            "an id_token without openid",
            "openid",
            true,
        ));
    }
    if offline_access {
        out.push(without(
            NO_OFFLINE,
            "a refresh token without offline_access",
            "offline_access",
            false,
        ));
    }
    out
}

/// Waits for the grace window search, one trial each (they run side by side).
pub(crate) fn grace_round(offsets: &[Duration]) -> Vec<String> {
    offsets.iter().map(|d| grace(*d)).collect()
}

/// Load the questions; they are ours, so a problem is a bug, reported as such.
pub(crate) fn load(texts: &[String]) -> Result<Vec<Scenario>, String> {
    texts
        .iter()
        .map(|t| {
            load_text("probe question", t, false, false)
                .map_err(|e| format!("internal error in a probe question: {}", e.join("; ")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_loads_as_a_scenario() {
        let mut texts = first_round(true, true);
        texts.extend(grace_round(&[
            Duration::from_secs(1),
            Duration::from_secs(30),
        ]));
        let loaded = load(&texts).unwrap();
        assert_eq!(loaded.len(), 9);
        assert!(loaded.iter().any(|s| s.id() == "probe/grace-30s"));
    }
}
