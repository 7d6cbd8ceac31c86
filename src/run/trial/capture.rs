//! Templates resolved against the trial: `{{scopes.*}}`, `{{behaviour.*}}`,
//! `{{client.<role>.*}}`, `{{target.*}}` and captures of earlier responses.

use super::Trial;
use crate::scenario::template::{self, Unresolved};

impl Trial<'_> {
    /// Keep the code exchange of grant step `step` for `{{step.code}}` and co.
    pub(crate) fn keep_code_exchange(
        &mut self,
        step: &str,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) {
        let fields = [
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect_uri),
        ];
        let kept = fields
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        self.code_exchanges.insert(step.to_string(), kept);
    }

    pub fn render(&self, text: &str) -> Result<String, Unresolved> {
        template::render(text, &mut |path| self.lookup(path))
    }

    fn lookup(&self, path: &[String]) -> Result<String, Unresolved> {
        let target = &self.env.target;
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        match p.as_slice() {
            ["scopes", which] => {
                let v = match *which {
                    "granted" => &target.scopes.granted,
                    "narrower" => &target.scopes.narrower,
                    _ => &target.scopes.extra,
                };
                v.clone().ok_or_else(|| {
                    Unresolved::Skip(format!(
                        "the target states no scopes.{which} (set it under [scopes])"
                    ))
                })
            }
            ["behaviour", key] => self
                .view
                .get(key)
                .map(|v| v.render())
                .ok_or_else(|| Unresolved::Skip(self.view.unknown_reason(key))),
            ["client", role, field] => {
                let c = target.clients.get(*role).ok_or_else(|| {
                    Unresolved::Skip(format!(
                        "the target has no `{role}` client (add [clients.{role}])"
                    ))
                })?;
                match *field {
                    "id" => Ok(c.id.clone()),
                    "username" => password_username(c),
                    _ => Ok(c.auth.as_str().to_string()),
                }
            }
            ["target", "name"] => Ok(target.name.clone()),
            ["target", "issuer"] => target
                .endpoints
                .issuer
                .clone()
                .ok_or_else(|| Unresolved::Skip("the target states no issuer".into())),
            [step, rest @ ..] => self.capture(step, rest),
            [] => Err(Unresolved::Error("empty template path".into())),
        }
    }

    fn capture(&self, step: &str, rest: &[&str]) -> Result<String, Unresolved> {
        if rest == ["current_refresh_token"] {
            return self.families.get(step).cloned().ok_or_else(|| {
                Unresolved::Error(format!(
                    "step `{step}` started no token family with a refresh token"
                ))
            });
        }
        if rest == ["dpop_jkt"] {
            return self.dpop_jkt(step).ok_or_else(|| {
                Unresolved::Skip(format!(
                    "step `{step}` made no DPoP-bound grant (its client sends no proofs)"
                ))
            });
        }
        if let [field @ ("code" | "code_verifier" | "redirect_uri")] = rest {
            if let Some(exchange) = self.code_exchanges.get(step) {
                return Ok(exchange[*field].clone());
            }
            if self.scenario.file.steps.iter().any(|s| {
                s.grant.is_some()
                    && crate::scenario::validate::step_name(s).as_deref() == Some(step)
            }) {
                return Err(Unresolved::Skip(format!(
                    "`{step}.{field}` is the grant's authorization code exchange, and step `{step}`'s grant source is not a code flow"
                )));
            }
        }
        let r = self.responses.get(step).ok_or_else(|| {
            Unresolved::Error(format!("step `{step}` has no response to capture from"))
        })?;
        let missing = |what: &str| {
            Unresolved::Error(format!(
                "step `{step}`'s response (status {}) has no {what}: {}",
                r.status,
                r.excerpt()
            ))
        };
        match rest {
            ["status"] => Ok(r.status.to_string()),
            ["scope"] => r.effective_scope().ok_or_else(|| missing("scope")),
            ["header", name] => r
                .header(name)
                .map(str::to_string)
                .ok_or_else(|| missing(&format!("header {name}"))),
            ["id_token", "claims", claim] => {
                let jwt = r.field_str("id_token").ok_or_else(|| missing("id_token"))?;
                let claims = crate::judge::id_token_claims(jwt)
                    .ok_or_else(|| missing("decodable id_token"))?;
                claims
                    .get(*claim)
                    .map(value_text)
                    .ok_or_else(|| missing(&format!("id_token claim `{claim}`")))
            }
            [field] => r
                .field(field)
                .map(value_text)
                .ok_or_else(|| missing(&format!("`{field}`"))),
            other => Err(Unresolved::Error(format!(
                "`{step}.{}` is not a capture",
                other.join(".")
            ))),
        }
    }
}

/// The username of a password grant source: a scenario that sends the
/// password grant itself is about that grant, so any other source is a skip.
fn password_username(c: &crate::target::Client) -> Result<String, Unresolved> {
    match &c.grant {
        Some(crate::target::GrantSource::Password { username, .. }) => Ok(username.clone()),
        other => Err(Unresolved::Skip(format!(
            "client `{}`'s grant source is {}, not the password grant",
            c.role,
            other.as_ref().map(|g| g.kind()).unwrap_or("not stated")
        ))),
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}
