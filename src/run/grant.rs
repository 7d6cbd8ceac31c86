//! Grant sources: how a `grant` step obtains a fresh grant with a refresh token.

use super::auth;
use super::http::Request;
use super::trial::{Stop, Trial};
use crate::judge::Response;
use crate::scenario::model::AuthMode;
use crate::target::{Client, GrantSource};
use base64::Engine;
use sha2::Digest;
use std::collections::BTreeMap;

impl Trial<'_> {
    /// Obtain a grant for `client` with `scope`; the token response as a Response.
    pub async fn obtain_grant(
        &mut self,
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
        if explicit_scope && !source.scope_selectable() {
            return Err(Stop::Skip(format!(
                "step `{step}` asks for scope \"{scope}\", but client `{}`'s grant source ({}) cannot choose scopes",
                client.role,
                source.kind()
            )));
        }
        if let GrantSource::RefreshTokenEnv { .. } = source {
            // A seed is only a refresh token: a grant step expecting more cannot be judged.
            if let Some(field) = self
                .expected_grant_fields(step)
                .into_iter()
                .find(|f| f != "refresh_token")
            {
                return Err(Stop::Skip(format!(
                    "step `{step}` expects `{field}` in the grant response; client `{}`'s grant source (refresh_token_env) supplies only a refresh token",
                    client.role
                )));
            }
        }
        if !source.repeatable() {
            // One seed serves one token family: one grant per run.
            if let Err(holder) = self.env.claim_grant(&client.role, self.scenario.id()) {
                let what = match source {
                    GrantSource::RefreshTokenEnv { .. } => "the seed token",
                    _ => "its single grant",
                };
                let by = if holder == self.scenario.id() {
                    "an earlier step of this trial".to_string()
                } else {
                    format!("`{holder}`")
                };
                return Err(Stop::Skip(format!(
                    "client `{}`'s grant source ({}) is not repeatable: only one trial can use {what} ({by} has it)",
                    client.role,
                    source.kind()
                )));
            }
        }
        let token_url = self.env.target.endpoints.token.clone();
        match source {
            GrantSource::Password {
                username,
                password,
                params: extra,
            } => {
                let mut form = vec![
                    ("grant_type".to_string(), "password".to_string()),
                    ("username".to_string(), username),
                    ("password".to_string(), password),
                    ("scope".to_string(), scope.to_string()),
                ];
                form.extend(extra);
                form.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
                let mut req = Request::post_form(&token_url, form);
                req.consuming = true;
                auth::apply(
                    client,
                    AuthMode::Default,
                    &mut req,
                    &token_url,
                    self.now(),
                    &self.token_redactor,
                )?;
                self.send(step, req, Some(scope.to_string())).await
            }
            GrantSource::AuthorizationCode {
                username,
                password,
                redirect_uri,
            } => {
                let authz = self
                    .env
                    .target
                    .endpoints
                    .authorization
                    .clone()
                    .ok_or_else(|| {
                        Stop::Error(
                            "the authorization_code grant source needs an authorization endpoint"
                                .into(),
                        )
                    })?;
                let verifier = format!(
                    "{:032x}{:032x}",
                    rand::random::<u128>(),
                    rand::random::<u128>()
                );
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(sha2::Sha256::digest(verifier.as_bytes()));
                self.token_redactor.add_token(&verifier, "pkce", step);
                let mut form = vec![
                    ("response_type".to_string(), "code".to_string()),
                    ("client_id".to_string(), client.id.clone()),
                    ("redirect_uri".to_string(), redirect_uri.clone()),
                    ("scope".to_string(), scope.to_string()),
                    (
                        "state".to_string(),
                        format!("{:016x}", rand::random::<u64>()),
                    ),
                    ("code_challenge".to_string(), challenge),
                    ("code_challenge_method".to_string(), "S256".to_string()),
                    ("username".to_string(), username),
                    ("password".to_string(), password),
                ];
                form.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
                let authorize_step = format!("{step}:authorize");
                let reply = self
                    .send(&authorize_step, Request::post_form(&authz, form), None)
                    .await?;
                let location = reply.header("location").unwrap_or_default().to_string();
                let code = url::Url::parse(&location)
                    .ok()
                    .and_then(|u| u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()))
                    .ok_or_else(|| {
                        Stop::Error(format!(
                            "grant source authorization_code: the authorize step answered {} without a code ({})",
                            reply.status,
                            self.redact(&reply.excerpt())
                        ))
                    })?;
                self.token_redactor.add_token(&code, "code", step);
                let form = vec![
                    ("grant_type".to_string(), "authorization_code".to_string()),
                    ("code".to_string(), code),
                    ("redirect_uri".to_string(), redirect_uri),
                    ("code_verifier".to_string(), verifier),
                ];
                let mut req = Request::post_form(&token_url, form);
                req.consuming = true;
                auth::apply(
                    client,
                    AuthMode::Default,
                    &mut req,
                    &token_url,
                    self.now(),
                    &self.token_redactor,
                )?;
                self.send(step, req, Some(scope.to_string())).await
            }
            GrantSource::Command { argv, .. } => {
                let vars = crate::target::command::command_vars_with_params(
                    &self.env.target,
                    client,
                    scope,
                    params,
                );
                let json = crate::target::command::run_grant_command(
                    &argv,
                    &vars,
                    self.env.target.http.timeout * 6,
                )
                .await
                .map_err(|e| {
                    Stop::Error(format!("grant source command failed: {}", self.redact(&e)))
                })?;
                Ok(self.synthetic(step, "command", json, scope))
            }
            GrantSource::RefreshTokenEnv { var, token } => {
                let current = self.env.seed_token(&var, &token);
                let json = serde_json::json!({ "refresh_token": current });
                Ok(self.synthetic(step, "refresh_token_env", json, scope))
            }
        }
    }

    /// The response fields the grant step named `step` expects to be present.
    fn expected_grant_fields(&self, step: &str) -> Vec<String> {
        self.scenario
            .file
            .steps
            .iter()
            .find(|s| crate::scenario::validate::step_name(s).as_deref() == Some(step))
            .and_then(|s| s.expect.as_ref())
            .map(|e| e.all().iter().flat_map(|x| x.present.clone()).collect())
            .unwrap_or_default()
    }

    /// A grant response that did not come over HTTP (command output, a seed token).
    fn synthetic(
        &mut self,
        step: &str,
        source: &str,
        json: serde_json::Value,
        scope: &str,
    ) -> Response {
        let body = json.to_string();
        let reply = super::http::Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into_bytes(),
            elapsed: std::time::Duration::ZERO,
        };
        let req = Request {
            method: "GRANT".into(),
            url: format!("({source} grant source)"),
            ..Default::default()
        };
        let (resp, ex) = self.to_response(step, &req, Ok(reply), Some(scope.to_string()));
        self.transcript.push(ex);
        resp.unwrap_or_default()
    }
}
