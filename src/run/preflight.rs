//! The client preflight (docs/outcomes.md: a client whose credentials do
//! not work is a harness error, not an IdP failure).
//!
//! Before a trial's first step, every client the scenario uses is checked
//! once per (target, role): a refresh with a bogus refresh token, using the
//! client's own authentication. `invalid_grant` (or any other answer that
//! does not blame the client) means the credentials work. `invalid_client`
//! or a 401 means they may not: because some IdPs answer `invalid_client`
//! for any unknown token (an IdP behaviour the catalog judges), the verdict
//! is confirmed at the revocation (or introspection) endpoint with the same
//! credentials and the same bogus token, which must answer 200 when the
//! credentials work (RFC 7009 §2.2, RFC 7662 §2.2). Any other answer
//! (`unauthorized_client` included) is left for the trial's own steps to
//! judge: a grant refused there is a precondition error naming the answer.
//!
//! A failed preflight makes the trial that ran it (the first to use the
//! client) an error whose message names the cause, with the preflight's
//! (redacted) exchanges in its transcript; every other trial using that
//! client is not run, and names that error (one set-up mistake, one error).
//! A transport failure is left to the steps to report.

use super::http::Request;
use super::trial::{Stop, Trial};
use crate::judge::Response;
use crate::record::PREFLIGHT_STEP;
use crate::scenario::model::{AuthMode, Step};
use crate::scenario::Scenario;
use crate::target::Client;
use std::collections::BTreeSet;

pub use super::env::Preflight;

/// The client roles a scenario's steps send requests as, in step order.
pub(crate) fn roles_used(scenario: &Scenario) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for step in &scenario.file.steps {
        if let Some(role) = step_role(step) {
            if seen.insert(role.clone()) {
                out.push(role);
            }
        }
    }
    out
}

fn step_role(step: &Step) -> Option<String> {
    let role = |c: &Option<String>| Some(c.clone().unwrap_or_else(|| "main".to_string()));
    if let Some(a) = &step.grant {
        return role(&a.client);
    }
    if let Some(a) = &step.refresh {
        return role(&a.client);
    }
    if let Some(a) = &step.concurrent {
        return role(&a.refresh.client);
    }
    if let Some(a) = &step.revoke {
        return role(&a.client);
    }
    if let Some(a) = &step.introspect {
        return role(&a.client);
    }
    if let Some(a) = &step.client_credentials {
        return role(&a.client);
    }
    if let Some(a) = &step.request {
        if a.auth.unwrap_or(AuthMode::Omit) != AuthMode::Omit {
            return role(&a.client);
        }
    }
    None
}

/// A refresh token no IdP has issued.
fn bogus_token() -> String {
    format!(
        "refresh-conformance-preflight-{:032x}",
        rand::random::<u128>()
    )
}

impl Trial<'_> {
    /// Preflight every client this trial uses (each once per target); the
    /// first failing one stops the trial: with the error if this trial ran
    /// that preflight, else as not run, naming the trial that did.
    pub(crate) async fn preflight_clients(&mut self) -> Result<(), Stop> {
        let env = self.env();
        let me = format!("{}/{}", env.target.name, self.scenario().id());
        for role in roles_used(self.scenario()) {
            // A role the target lacks is skipped by the step that needs it.
            let (Some(cell), Some(client)) =
                (env.preflight.get(&role), env.target.clients.get(&role))
            else {
                continue;
            };
            let found = cell
                .get_or_init(|| async {
                    let _permit = env.permits.acquire(false).await;
                    Preflight {
                        owner: me.clone(),
                        ..self.preflight(client).await
                    }
                })
                .await;
            let Some(e) = &found.error else { continue };
            if found.owner == me {
                self.add_exchanges(&found.exchanges);
                return Err(Stop::Error(e.clone()));
            }
            return Err(Stop::NotRun(format!(
                "client `{role}` cannot authenticate: see the error of {}",
                found.owner
            )));
        }
        Ok(())
    }

    async fn preflight(&mut self, client: &Client) -> Preflight {
        let role = &client.role;
        let token_url = self.env().target.endpoints.token.clone();
        let bogus = bogus_token();
        let mut form = vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            ("refresh_token".to_string(), bogus.clone()),
        ];
        form.extend(
            client
                .refresh_params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let mut out = Preflight::default();
        let step = format!("{PREFLIGHT_STEP}{role}");
        let Some(r) = self
            .preflight_send(
                &step,
                client,
                Request::post_form(&token_url, form),
                &mut out,
            )
            .await
        else {
            return out;
        };
        let error = r.field_str("error").unwrap_or_default().to_string();
        if error != "invalid_client" && r.status != 401 {
            return out;
        }
        let answered = if error.is_empty() {
            format!("status {}", r.status)
        } else {
            format!("{error} (status {})", r.status)
        };
        // Some IdPs answer invalid_client for any unknown token: ask an
        // endpoint that must accept working credentials with a bogus token.
        let e = &self.env().target.endpoints;
        let confirm = e
            .revocation
            .clone()
            .map(|u| ("revocation", u))
            .or_else(|| e.introspection.clone().map(|u| ("introspection", u)));
        let mut confirmation = String::new();
        if let Some((which, url)) = confirm {
            let form = vec![
                ("token".to_string(), bogus),
                ("token_type_hint".to_string(), "refresh_token".to_string()),
            ];
            let step = format!("{PREFLIGHT_STEP}{role}:{which}");
            match self
                .preflight_send(&step, client, Request::post_form(&url, form), &mut out)
                .await
            {
                Some(c) if (200..300).contains(&c.status) => {
                    // The credentials work: the token endpoint's answer is the IdP's own behaviour.
                    out.exchanges.clear();
                    return out;
                }
                Some(c) => {
                    confirmation = format!(
                        "; the {which} endpoint refused the same credentials too (status {})",
                        c.status
                    )
                }
                None => {}
            }
        }
        out.error = Some(format!(
            "client `{role}`: preflight refresh with a bogus token answered {answered}: the client id/secret/key or its grant-type configuration is wrong{confirmation} (check [clients.{role}] and the secret it reads)"
        ));
        out
    }

    /// Send one preflight request with the client's own authentication.
    async fn preflight_send(
        &mut self,
        step: &str,
        client: &Client,
        mut req: Request,
        out: &mut Preflight,
    ) -> Option<Response> {
        if self
            .authenticate(client, AuthMode::Default, &mut req)
            .is_err()
        {
            // A client that cannot authenticate at all is reported by its steps.
            return None;
        }
        let reply = self.env().http.send(&req).await;
        let (response, exchange) = self.receive(step, &req, reply, None);
        out.exchanges.push(exchange);
        response.ok()
    }
}
