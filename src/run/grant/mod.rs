//! Grant sources: how a `grant` step obtains a fresh grant with a refresh
//! token. One file per source; this file checks that the source can serve
//! the step (scope selection, repeatability, what the step expects) and
//! dispatches on [`GrantSource`].

mod authorization_code;
mod command;
mod password;
mod refresh_token_env;

use super::trial::{Stop, Trial};
use crate::judge::Response;
use crate::target::{Client, GrantSource};
use std::collections::BTreeMap;

/// Obtain a grant for `client` with `scope`; the token response as a Response.
pub(crate) async fn obtain(
    t: &mut Trial<'_>,
    step: &str,
    client: &Client,
    scope: &str,
    explicit_scope: bool,
    params: &BTreeMap<String, String>,
) -> Result<Response, Stop> {
    let source = client.grant.clone().ok_or_else(|| {
        Stop::Skip(format!(
            "client `{}` has no grant source (add [clients.{}.grant] or a target [grant])",
            client.role, client.role
        ))
    })?;
    check_can_serve(t, step, client, &source, scope, explicit_scope)?;
    match source {
        GrantSource::Password {
            username,
            password,
            params: extra,
        } => {
            password::obtain(
                t,
                step,
                client,
                (&username, &password, &extra),
                scope,
                params,
            )
            .await
        }
        GrantSource::AuthorizationCode {
            username,
            password,
            redirect_uri,
        } => {
            let login = (username.as_str(), password.as_str(), redirect_uri.as_str());
            authorization_code::obtain(t, step, client, login, scope, params).await
        }
        GrantSource::Command { argv, .. } => {
            command::obtain(t, step, client, &argv, scope, params).await
        }
        GrantSource::RefreshTokenEnv { var, token } => {
            Ok(refresh_token_env::obtain(t, step, &var, &token, scope))
        }
    }
}

/// A skip when the source cannot serve this step: it cannot choose the
/// scope asked for, supplies less than the step expects, or (not
/// repeatable) already serves another trial.
fn check_can_serve(
    t: &Trial<'_>,
    step: &str,
    client: &Client,
    source: &GrantSource,
    scope: &str,
    explicit_scope: bool,
) -> Result<(), Stop> {
    if explicit_scope && !source.scope_selectable() {
        return Err(Stop::Skip(format!(
            "step `{step}` asks for scope \"{scope}\", but client `{}`'s grant source ({}) cannot choose scopes",
            client.role,
            source.kind()
        )));
    }
    if replays_code(t.scenario(), step) && !matches!(source, GrantSource::AuthorizationCode { .. })
    {
        return Err(Stop::Skip(format!(
            "a later step sends `{step}`'s authorization code again, and client `{}`'s grant source ({}) is not a code flow that keeps it",
            client.role,
            source.kind()
        )));
    }
    if let GrantSource::RefreshTokenEnv { .. } = source {
        // A seed is only a refresh token: a grant step expecting more cannot be judged.
        if let Some(field) = expected_fields(t, step)
            .into_iter()
            .find(|f| f != "refresh_token")
        {
            return Err(Stop::Skip(format!(
                "step `{step}` expects `{field}` in the grant response; client `{}`'s grant source (refresh_token_env) supplies only a refresh token",
                client.role
            )));
        }
    }
    if source.repeatable() {
        return Ok(());
    }
    // One seed serves one token family: one grant per run.
    let id = t.scenario().id();
    let Err(holder) = t.env().claim_grant(&client.role, id) else {
        return Ok(());
    };
    let what = match source {
        GrantSource::RefreshTokenEnv { .. } => "the seed token",
        _ => "its single grant",
    };
    let by = if holder == id {
        "an earlier step of this trial".to_string()
    } else {
        format!("`{holder}`")
    };
    Err(Stop::Skip(format!(
        "client `{}`'s grant source ({}) is not repeatable: only one trial can use {what} ({by} has it)",
        client.role,
        source.kind()
    )))
}

/// The response fields the grant step named `step` expects to be present.
fn expected_fields(t: &Trial<'_>, step: &str) -> Vec<String> {
    t.scenario()
        .file
        .steps
        .iter()
        .find(|s| crate::scenario::validate::step_name(s).as_deref() == Some(step))
        .and_then(|s| s.expect.as_ref())
        .map(|e| e.all().iter().flat_map(|x| x.present.clone()).collect())
        .unwrap_or_default()
}

/// Does a step of `scenario` replay grant step `step`'s code exchange
/// (`{{step.code}}` and co.)? Decided before the grant, so a source that
/// keeps no code costs no login.
pub(crate) fn replays_code(scenario: &crate::scenario::Scenario, step: &str) -> bool {
    let steps = serde_json::to_value(&scenario.file.steps).unwrap_or_default();
    let mut texts = Vec::new();
    crate::scenario::validate::collect_strings(&steps, &mut Vec::new(), &mut texts);
    texts.iter().any(|(_, text)| {
        crate::scenario::template::references(text)
            .unwrap_or_default()
            .iter()
            .any(|p| {
                p.len() == 2 && p[0] == step && ["code", "code_verifier"].contains(&p[1].as_str())
            })
    })
}

#[cfg(test)]
mod tests {
    use super::replays_code;

    #[test]
    fn only_a_scenario_that_sends_the_code_again_replays_its_grant() {
        let all = crate::scenario::load::builtin().unwrap();
        let by_id = |id: &str| all.iter().find(|s| s.file.id == id).unwrap();
        assert!(replays_code(by_id("issuance/code-reuse-refused"), "grant"));
        assert!(!replays_code(
            by_id("rotation/new-refresh-token-issued"),
            "grant"
        ));
    }
}
