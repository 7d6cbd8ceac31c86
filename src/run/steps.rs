//! Executing a scenario's steps against a target, and judging each step.

use super::auth;
use super::http::Request;
use super::trial::{Stop, Trial};
use crate::judge::{self, Response, SignatureCheck};
use crate::record::{FailKind, Finding};
use crate::scenario::model::{AuthMode, Level, RefreshAction, Step, WaitAction};
use crate::scenario::template::Unresolved;
use crate::scenario::validate::step_name;
use crate::target::{Client, Clock};
use std::time::Duration;

/// What a step produced for the judge.
#[derive(Default)]
struct Produced {
    response: Option<Response>,
    group: Vec<Result<Response, String>>,
}

impl Trial<'_> {
    /// Run every step; Err(Stop) ends the trial as skip or error.
    ///
    /// A trial holds one permit from its first HTTP step until it waits (or
    /// ends): a trial in the middle of its steps is not sent to the back of
    /// the queue between two requests, where on a live target its fresh
    /// tokens could expire behind other trials' grants; a waiting trial
    /// holds nothing (DESIGN.md, The runner).
    pub async fn run_steps(&mut self) -> Result<(), Stop> {
        // A trial that would wait too long is skipped before it spends a request.
        self.check_total_wait()?;
        self.preflight_clients().await?;
        for step in &self.scenario.file.steps {
            let name = step_name(step).unwrap_or_default();
            if let Some(w) = &step.wait {
                self.wait(&name, w).await?;
                continue;
            }
            // retry_until_skew (introspect only): re-probe until the expectations
            // hold or the clock skew allowance is used up.
            let mut allowance = if step.retry_until_skew {
                self.env.opts.clock_skew
            } else {
                Duration::ZERO
            };
            let mut probes = 0;
            loop {
                let findings_before = self.findings.len();
                let halt = self.run_step(&name, step).await?;
                probes += 1;
                if self.findings.len() > findings_before && !allowance.is_zero() {
                    // Not yet: forget this probe's verdict, pause, probe again.
                    self.findings.truncate(findings_before);
                    let pause = reprobe_pause(self.env.opts.clock_skew).min(allowance);
                    allowance -= pause;
                    self.pause(pause).await?;
                    continue;
                }
                if probes > 1 {
                    let note = format!(
                        " (still, after {probes} probes over the {} clock skew allowance)",
                        humantime::format_duration(self.env.opts.clock_skew)
                    );
                    for f in &mut self.findings[findings_before..] {
                        f.actual.push_str(&note);
                    }
                }
                if halt {
                    return Ok(());
                }
                break;
            }
        }
        Ok(())
    }

    /// One non-wait step: send (holding an HTTP permit), capture, observe, judge.
    /// True when the trial must stop here.
    async fn run_step(&mut self, name: &str, step: &Step) -> Result<bool, Stop> {
        let name = name.to_string();
        let produced = {
            if self.permit.is_none() {
                let permits = self.env.permits.clone();
                self.permit = Some(
                    permits
                        .acquire_owned()
                        .await
                        .map_err(|_| Stop::Error("run cancelled".into()))?,
                );
            }
            if self.transcript.is_empty() && self.env.cancel.is_cancelled() {
                // Interrupted before this trial sent anything: it does not start.
                return Err(Stop::Error(super::interrupt::INTERRUPTED.into()));
            }
            self.run_action(&name, step).await?
        };
        if let Some(r) = &produced.response {
            for field in &step.needs {
                let present = match field.strip_prefix("id_token.claims.") {
                    Some(claim) => r
                        .field_str("id_token")
                        .and_then(crate::judge::id_token_claims)
                        .is_some_and(|c| c.get(claim).is_some_and(|v| !v.is_null())),
                    None => r.field(field).is_some(),
                };
                if !present {
                    return Err(Stop::Skip(format!(
                            "step `{name}`: the response (status {}) carries no `{field}`, which this scenario needs",
                            r.status
                        )));
                }
            }
            self.observe(&name, step, r);
            self.responses.insert(name.clone(), r.clone());
        } else {
            self.observe_group(&name, &produced.group);
        }
        self.judge_step(&name, step, &produced).await
    }

    fn client(&self, role: Option<&String>) -> Result<Client, Stop> {
        let role = role.map(String::as_str).unwrap_or("main");
        self.env.target.clients.get(role).cloned().ok_or_else(|| {
            Stop::Skip(format!(
                "the target has no `{role}` client (add [clients.{role}])"
            ))
        })
    }

    fn endpoint(&self, which: &str) -> Result<String, Stop> {
        let e = &self.env.target.endpoints;
        let v = match which {
            "token" => Some(e.token.clone()),
            "revocation" => e.revocation.clone(),
            "introspection" => e.introspection.clone(),
            _ => e.authorization.clone(),
        };
        v.ok_or_else(|| Stop::Skip(format!("the target has no {which} endpoint")))
    }

    fn params(&self, step: &Step) -> Result<Vec<(String, String)>, Stop> {
        let mut out = Vec::new();
        for (k, v) in &step.params {
            out.push((k.clone(), self.render(v)?));
        }
        Ok(out)
    }

    async fn run_action(&mut self, name: &str, step: &Step) -> Result<Produced, Stop> {
        let token_url = self.env.target.endpoints.token.clone();
        if let Some(g) = &step.grant {
            let client = self.client(g.client.as_ref())?;
            let scope = self.render(g.scope.as_deref().unwrap_or("{{scopes.granted}}"))?;
            let params = self.params(step)?.into_iter().collect();
            let r = self
                .obtain_grant(name, &client, &scope, g.scope.is_some(), &params)
                .await?;
            if r.status == 200 {
                if let Some(rt) = r.field_str("refresh_token") {
                    self.families.insert(name.to_string(), rt.to_string());
                    self.token_family.insert(rt.to_string(), name.to_string());
                }
            }
            return Ok(Produced {
                response: Some(r),
                ..Default::default()
            });
        }
        if let Some(a) = &step.refresh {
            let req = self.refresh_request(a, step)?;
            let presented = self.render(&a.token)?;
            let scope = req.1.clone();
            let r = self.send(name, req.0, scope).await?;
            self.follow_rotation(&presented, &r);
            return Ok(Produced {
                response: Some(r),
                ..Default::default()
            });
        }
        if let Some(a) = &step.concurrent {
            // One request per copy: a client assertion's `jti` is single-use (RFC 7523 §3).
            let mut reqs = Vec::new();
            let mut scope = None;
            for _ in 0..a.count {
                let (req, s) = self.refresh_request(&a.refresh, step)?;
                reqs.push(req);
                scope = s;
            }
            let presented = self.render(&a.refresh.token)?;
            let group = self.send_group(name, reqs, scope).await;
            for r in group.iter().flatten() {
                self.follow_rotation(&presented, r);
            }
            return Ok(Produced {
                group,
                ..Default::default()
            });
        }
        // Revocation (RFC 7009) and introspection (RFC 7662) share one shape.
        let token_request = step
            .revoke
            .as_ref()
            .map(|a| {
                (
                    "revocation",
                    &a.client,
                    &a.token,
                    &a.token_type_hint,
                    a.auth,
                )
            })
            .or_else(|| {
                step.introspect.as_ref().map(|a| {
                    (
                        "introspection",
                        &a.client,
                        &a.token,
                        &a.token_type_hint,
                        a.auth,
                    )
                })
            });
        if let Some((endpoint, client, token, hint, auth_mode)) = token_request {
            let client = self.client(client.as_ref())?;
            let url = self.endpoint(endpoint)?;
            let mut form = vec![("token".to_string(), self.render(token)?)];
            if let Some(h) = hint {
                form.push(("token_type_hint".into(), self.render(h)?));
            }
            form.extend(self.params(step)?);
            let mut req = Request::post_form(&url, form);
            auth::apply(
                &client,
                auth_mode.unwrap_or(AuthMode::Default),
                &mut req,
                &token_url,
                self.now(),
                &self.token_redactor,
            )?;
            let r = self.send(name, req, None).await?;
            return Ok(Produced {
                response: Some(r),
                ..Default::default()
            });
        }
        if let Some(a) = &step.client_credentials {
            let client = self.client(a.client.as_ref())?;
            let mut form = vec![("grant_type".to_string(), "client_credentials".to_string())];
            let scope = a.scope.as_ref().map(|s| self.render(s)).transpose()?;
            if let Some(s) = &scope {
                form.push(("scope".into(), s.clone()));
            }
            form.extend(self.params(step)?);
            let mut req = Request::post_form(&token_url, form);
            auth::apply(
                &client,
                a.auth.unwrap_or(AuthMode::Default),
                &mut req,
                &token_url,
                self.now(),
                &self.token_redactor,
            )?;
            let r = self.send(name, req, scope).await?;
            return Ok(Produced {
                response: Some(r),
                ..Default::default()
            });
        }
        if let Some(a) = &step.request {
            let url = self.endpoint(&a.endpoint)?;
            let mut req = Request {
                method: a
                    .method
                    .clone()
                    .unwrap_or_else(|| "POST".into())
                    .to_ascii_uppercase(),
                url,
                ..Default::default()
            };
            for (k, v) in &a.query {
                req.query.push((k.clone(), self.render(v)?));
            }
            for (k, v) in &a.headers {
                req.headers.push((k.to_ascii_lowercase(), self.render(v)?));
            }
            if let Some(f) = &a.form {
                let mut pairs = Vec::new();
                for (k, v) in f.pairs() {
                    pairs.push((k, self.render(&v)?));
                }
                pairs.extend(self.params(step)?);
                req.form = Some(pairs);
            } else if let Some(b) = &a.body {
                req.body = Some(self.render(b)?);
            } else if !step.params.is_empty() {
                req.form = Some(self.params(step)?);
            }
            let mode = a.auth.unwrap_or(AuthMode::Omit);
            if mode != AuthMode::Omit {
                let client = self.client(a.client.as_ref())?;
                auth::apply(
                    &client,
                    mode,
                    &mut req,
                    &token_url,
                    self.now(),
                    &self.token_redactor,
                )?;
            }
            if req.method == "GET" {
                // A GET carries its parameters in the query string.
                if let Some(f) = req.form.take() {
                    req.query.extend(f);
                }
            }
            req.consuming = true;
            let r = self.send(name, req, None).await?;
            return Ok(Produced {
                response: Some(r),
                ..Default::default()
            });
        }
        Err(Stop::Error(format!("step `{name}` has no action")))
    }

    /// The refresh request for an action, and the scope it asks for.
    fn refresh_request(
        &self,
        a: &RefreshAction,
        step: &Step,
    ) -> Result<(Request, Option<String>), Stop> {
        let client = self.client(a.client.as_ref())?;
        let token_url = self.env.target.endpoints.token.clone();
        let mut form = vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            ("refresh_token".to_string(), self.render(&a.token)?),
        ];
        let scope = a.scope.as_ref().map(|s| self.render(s)).transpose()?;
        if let Some(s) = &scope {
            form.push(("scope".into(), s.clone()));
        }
        form.extend(
            client
                .refresh_params
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        form.extend(self.params(step)?);
        let mut req = Request::post_form(&token_url, form);
        req.consuming = true;
        auth::apply(
            &client,
            a.auth.unwrap_or(AuthMode::Default),
            &mut req,
            &token_url,
            self.now(),
            &self.token_redactor,
        )?;
        // Omitted scope means the original: the family's original scope is the effective one.
        let family_scope = self
            .token_family
            .get(&self.render(&a.token)?)
            .and_then(|g| self.responses.get(g))
            .and_then(|r| r.effective_scope());
        Ok((req, scope.or(family_scope)))
    }

    /// Track the family's current refresh token when a refresh succeeds.
    fn follow_rotation(&mut self, presented: &str, r: &Response) {
        let Some(family) = self.token_family.get(presented).cloned() else {
            return;
        };
        if r.status != 200 {
            return;
        }
        if let Some(new) = r.field_str("refresh_token") {
            self.families.insert(family.clone(), new.to_string());
            self.token_family.insert(new.to_string(), family);
            if new != presented {
                self.env.update_seed(presented, new);
            }
        }
    }

    /// The requests at once (copies of one request, each with its own client assertion).
    async fn send_group(
        &mut self,
        name: &str,
        reqs: Vec<Request>,
        scope: Option<String>,
    ) -> Vec<Result<Response, String>> {
        let mut set = tokio::task::JoinSet::new();
        for (i, req) in reqs.iter().enumerate() {
            let http = self.env.http.clone();
            let req = req.clone();
            set.spawn(async move { (i, http.send(&req).await) });
        }
        let mut replies = Vec::new();
        while let Some(joined) = set.join_next().await {
            if let Ok(x) = joined {
                replies.push(x);
            }
        }
        replies.sort_by_key(|(i, _)| *i);
        let mut out = Vec::new();
        for (i, reply) in replies {
            let (resp, ex) =
                self.to_response(&format!("{name}[{i}]"), &reqs[i], reply, scope.clone());
            // Keep the transcript readable: the first few exchanges of a large group.
            if i < 5 {
                self.transcript.push(ex);
            }
            out.push(resp);
        }
        out
    }

    /// The duration a wait step asks for (fraction and skew applied), and
    /// what it comes from in words (for skip messages).
    fn wait_duration(&self, name: &str, w: &WaitAction) -> Result<Duration, Stop> {
        let text = self.render(&w.duration)?;
        let mut d = crate::scenario::validate::parse_wait(&text).map_err(|e| {
            Stop::Error(format!(
                "step `{name}`: wait `{text}` is not a duration: {e}"
            ))
        })?;
        if let Some(f) = w.fraction {
            d = d.mul_f64(f.clamp(0.0, 1.0));
        }
        if w.skew {
            d += self.env.opts.clock_skew;
        }
        if d > crate::scenario::validate::MAX_LITERAL_WAIT {
            return Err(Stop::Skip(format!(
                "step `{name}` would wait {}, beyond any run",
                humantime::format_duration(d)
            )));
        }
        Ok(d)
    }

    /// Live targets: skip before the first request when the waits whose
    /// length is known up front (literal, or behaviour values) add up to more
    /// than --max-wait. Waits on captures are checked when they come.
    fn check_total_wait(&self) -> Result<(), Stop> {
        if !matches!(self.env.target.clock, Clock::Real) {
            return Ok(());
        }
        let mut total = Duration::ZERO;
        let mut parts = Vec::new();
        let mut keys = Vec::new();
        for step in &self.scenario.file.steps {
            let Some(w) = &step.wait else { continue };
            let refs = crate::scenario::template::references(&w.duration).unwrap_or_default();
            if refs
                .iter()
                .any(|p| p.first().map(String::as_str) != Some("behaviour"))
            {
                continue;
            }
            let name = step_name(step).unwrap_or_default();
            let d = self.wait_duration(&name, w)?;
            total += d;
            parts.push(format!("step `{name}`: {}", self.wait_source(w, d)));
            keys.extend(wait_keys(w));
        }
        if total > self.env.opts.max_wait {
            return Err(Stop::Skip(format!(
                "this scenario would wait {} ({}), longer than --max-wait {}: {}",
                humantime::format_duration(total),
                parts.join("; "),
                humantime::format_duration(self.env.opts.max_wait),
                max_wait_advice(&keys)
            )));
        }
        Ok(())
    }

    /// "`refresh_token_absolute_ttl` = 7d × 0.5 + clock skew 5s".
    fn wait_source(&self, w: &WaitAction, total: Duration) -> String {
        let refs = crate::scenario::template::references(&w.duration).unwrap_or_default();
        let base = match refs.as_slice() {
            [] => format!("`{}`", w.duration),
            paths => paths
                .iter()
                .map(|p| match p.as_slice() {
                    [b, key] if b == "behaviour" => match self.view.get(key) {
                        Some(v) => format!("`{key}` = {}", v.render()),
                        None => format!("`{key}`"),
                    },
                    [step, rest @ ..] => match self.render(&format!("{{{{{}}}}}", p.join("."))) {
                        Ok(v) => format!("`{}` = {v} from step `{step}`", rest.join(".")),
                        Err(_) => format!("`{}` from step `{step}`", rest.join(".")),
                    },
                    [] => String::new(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut s = base;
        if let Some(f) = w.fraction {
            s.push_str(&format!(" × {f}"));
        }
        if w.skew {
            s.push_str(&format!(
                " + clock skew {}",
                humantime::format_duration(self.env.opts.clock_skew)
            ));
        }
        format!("{s}, {}", humantime::format_duration(total))
    }

    /// A wait: virtual on the emulator, real (and overlapping) on live targets.
    async fn wait(&mut self, name: &str, w: &WaitAction) -> Result<(), Stop> {
        let d = self.wait_duration(name, w)?;
        match &self.env.target.clock {
            Clock::Virtual { .. } => self.advance_virtual(d).await?,
            Clock::Real => {
                // A waiting trial holds no HTTP permit: waits overlap.
                self.permit = None;
                // `offset` is what this trial has already waited.
                if self.offset + d > self.env.opts.max_wait {
                    return Err(Stop::Skip(format!(
                        "step `{name}` would wait {} ({}){}, longer than --max-wait {}: {}",
                        humantime::format_duration(d),
                        self.wait_source(w, d),
                        if self.offset.is_zero() {
                            String::new()
                        } else {
                            format!(
                                " after {} already waited",
                                humantime::format_duration(self.offset)
                            )
                        },
                        humantime::format_duration(self.env.opts.max_wait),
                        max_wait_advice(&wait_keys(w))
                    )));
                }
                let trial = format!("{}/{}", self.env.target.name, self.scenario.id());
                super::waits::sleep(&trial, name, d).await;
                self.offset += d;
            }
        }
        Ok(())
    }

    /// Move the virtual clock of this trial's token families forward.
    async fn advance_virtual(&mut self, d: Duration) -> Result<(), Stop> {
        let Clock::Virtual { control_url } = &self.env.target.clock else {
            return Ok(());
        };
        let secs = d.as_secs_f64().ceil() as u64;
        let body = serde_json::json!({ "tokens": self.tokens, "seconds": secs });
        let req = Request {
            method: "POST".into(),
            url: control_url.clone(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Some(body.to_string()),
            ..Default::default()
        };
        let reply = self
            .env
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
        self.offset += Duration::from_secs(secs);
        Ok(())
    }

    /// The pause between re-probes: slept on a live target (holding no
    /// permit), virtual time on the emulator.
    async fn pause(&mut self, d: Duration) -> Result<(), Stop> {
        match &self.env.target.clock {
            Clock::Virtual { .. } => self.advance_virtual(d).await,
            Clock::Real => {
                self.permit = None;
                tokio::time::sleep(d).await;
                self.offset += d;
                Ok(())
            }
        }
    }

    /// Judge a step's expectations; true when the trial must stop here.
    async fn judge_step(
        &mut self,
        name: &str,
        step: &Step,
        produced: &Produced,
    ) -> Result<bool, Stop> {
        let Some(exp) = &step.expect else {
            return Ok(false);
        };
        let jwks = if exp.all().iter().any(|e| {
            e.id_token
                .as_ref()
                .is_some_and(|i| i.signature == Some(true))
        }) {
            Some(self.jwks().await)
        } else {
            None
        };
        let verify = |jwt: &str| verify_signature(jwt, jwks.as_ref());
        let default_precondition = step.precondition.unwrap_or(step.grant.is_some());
        let exchange = self.transcript.len().checked_sub(1);
        let mut halt = false;
        for e in exp.all() {
            let mut applies = true;
            for w in &e.when {
                let c = crate::behaviour::Condition::parse(w).map_err(Stop::Error)?;
                match c.eval(&self.view) {
                    Ok(holds) => applies &= holds,
                    Err(key) => return Err(Stop::Skip(self.view.unknown_reason(&key))),
                }
            }
            if !applies {
                continue;
            }
            let mismatches = {
                let this = &*self;
                let mut render = |t: &str| -> Result<String, Unresolved> { this.render(t) };
                let mut ctx = judge::Ctx {
                    response: produced.response.as_ref(),
                    group: &produced.group,
                    render: &mut render,
                    verify_id_token: &verify,
                };
                judge::judge(e, &mut ctx)?
            };
            let level = e.level.unwrap_or(self.scenario.file.level);
            let precondition = e.precondition.unwrap_or(default_precondition);
            for m in mismatches {
                halt |= precondition || level == Level::Must;
                let check = match &e.because {
                    Some(b) => format!("{} ({b})", m.check),
                    None => m.check,
                };
                self.findings.push(Finding {
                    step: name.to_string(),
                    level,
                    kind: if e.setting.is_some() {
                        FailKind::ProfileMismatch
                    } else {
                        FailKind::SpecViolation
                    },
                    setting: e.setting.clone(),
                    refs: if e.refs.is_empty() {
                        self.scenario.file.refs.clone()
                    } else {
                        e.refs.clone()
                    },
                    check: self.redact(&check),
                    expected: self.redact(&m.expected),
                    actual: self.redact(&m.actual),
                    precondition,
                    exchange,
                });
            }
        }
        Ok(halt)
    }

    async fn jwks(&self) -> Result<jsonwebtoken::jwk::JwkSet, String> {
        let url = self.env.target.endpoints.jwks.clone();
        let http = self.env.http.clone();
        self.env
            .jwks
            .get_or_init(|| async move {
                let url = url.ok_or_else(|| "no jwks_uri".to_string())?;
                let req = Request {
                    method: "GET".into(),
                    url: url.clone(),
                    ..Default::default()
                };
                let reply = http
                    .send(&req)
                    .await
                    .map_err(|e| format!("JWKS {url}: {}", e.0))?;
                serde_json::from_slice(&reply.body)
                    .map_err(|e| format!("JWKS {url}: not a JWK set: {e}"))
            })
            .await
            .clone()
    }
}

fn verify_signature(
    jwt: &str,
    jwks: Option<&Result<jsonwebtoken::jwk::JwkSet, String>>,
) -> SignatureCheck {
    let Some(Ok(set)) = jwks else {
        return SignatureCheck::NoJwks;
    };
    let header = match jsonwebtoken::decode_header(jwt) {
        Ok(h) => h,
        Err(e) => return SignatureCheck::Invalid(format!("undecodable JWT header: {e}")),
    };
    let jwk = match &header.kid {
        Some(kid) => set.find(kid),
        None if set.keys.len() == 1 => set.keys.first(),
        None => None,
    };
    let Some(jwk) = jwk else {
        return SignatureCheck::Invalid(format!("no JWKS key matches kid {:?}", header.kid));
    };
    let key = match jsonwebtoken::DecodingKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => return SignatureCheck::Invalid(format!("JWKS key unusable: {e}")),
    };
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_aud = false;
    v.validate_nbf = false;
    v.required_spec_claims.clear();
    match jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &v) {
        Ok(_) => SignatureCheck::Valid,
        Err(e) => SignatureCheck::Invalid(format!("{e}")),
    }
}

/// The pause between re-probes of a `retry_until_skew` step: a fifth of the
/// skew allowance, between 100 ms and 1 s.
fn reprobe_pause(skew: Duration) -> Duration {
    (skew / 5).clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// The behaviour keys a wait's duration reads.
fn wait_keys(w: &WaitAction) -> Vec<String> {
    crate::scenario::template::references(&w.duration)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p.as_slice() {
            [b, key] if b == "behaviour" => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// What to change when a wait is longer than --max-wait.
fn max_wait_advice(keys: &[String]) -> String {
    let mut keys: Vec<&String> = keys.iter().collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        "raise --max-wait, or configure shorter token lifetimes on the test tenant".into()
    } else {
        let list = keys
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        format!(
            "raise --max-wait, or configure a shorter {list} on the test tenant and state it in the target's [behaviour]"
        )
    }
}
