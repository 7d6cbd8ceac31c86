//! Client authentication on a request, by the client's method or a scenario's `auth` mode.

use super::http::Request;
use crate::redact::Redactor;
use crate::scenario::model::AuthMode;
use crate::scenario::template::Unresolved;
use crate::target::{AuthMethod, Client};
use base64::Engine;
use std::time::SystemTime;

/// A secret that no IdP has issued, for wrong-secret checks.
pub(crate) const WRONG_SECRET: &str = "refresh-conformance-wrong-secret";

/// RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
pub(crate) fn basic_header(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let raw = format!("{}:{}", enc(id), enc(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

fn form(req: &mut Request) -> &mut Vec<(String, String)> {
    req.form.get_or_insert_with(Vec::new)
}

fn secret<'a>(client: &'a Client, mode: &str) -> Result<&'a str, Unresolved> {
    client.secret.as_deref().ok_or_else(|| {
        Unresolved::Skip(format!(
            "auth mode `{mode}` needs a client secret; client `{}` has none",
            client.role
        ))
    })
}

/// Add `mode`'s credentials for `client` to `req`. `audience` is the token endpoint URL
/// (the default client-assertion audience); `now` is the trial's clock.
pub(crate) fn apply(
    client: &Client,
    mode: AuthMode,
    req: &mut Request,
    audience: &str,
    now: SystemTime,
    redactor: &Redactor,
) -> Result<(), Unresolved> {
    let id = client.id.clone();
    match mode {
        AuthMode::Default => match client.auth {
            AuthMethod::ClientSecretBasic => {
                apply(client, AuthMode::Basic, req, audience, now, redactor)?
            }
            AuthMethod::ClientSecretPost => {
                apply(client, AuthMode::Post, req, audience, now, redactor)?
            }
            AuthMethod::None => form(req).push(("client_id".into(), id)),
            AuthMethod::PrivateKeyJwt => {
                let key = client.key.as_ref().ok_or_else(|| {
                    Unresolved::Error(format!(
                        "client `{}` uses private_key_jwt but has no key",
                        client.role
                    ))
                })?;
                let jwt =
                    crate::target::assertion::client_assertion(key, &client.id, audience, now)
                        .map_err(|e| Unresolved::Error(format!("client `{}`: {e}", client.role)))?;
                redactor.add_token(&jwt, "assertion", &client.role);
                let f = form(req);
                f.push(("client_id".into(), id));
                f.push((
                    "client_assertion_type".into(),
                    crate::oauth::JWT_BEARER.into(),
                ));
                f.push(("client_assertion".into(), jwt));
            }
        },
        AuthMode::ClientIdOnly => form(req).push(("client_id".into(), id)),
        AuthMode::Omit => {}
        AuthMode::Basic => {
            let s = secret(client, "basic")?;
            req.headers
                .push(("authorization".into(), basic_header(&id, s)));
        }
        AuthMode::Post => {
            let s = secret(client, "post")?.to_string();
            let f = form(req);
            f.push(("client_id".into(), id));
            f.push(("client_secret".into(), s));
        }
        AuthMode::BasicWrongSecret => req
            .headers
            .push(("authorization".into(), basic_header(&id, WRONG_SECRET))),
        AuthMode::PostWrongSecret => {
            let f = form(req);
            f.push(("client_id".into(), id));
            f.push(("client_secret".into(), WRONG_SECRET.into()));
        }
        AuthMode::BasicAndPost => {
            let s = secret(client, "basic_and_post")?.to_string();
            req.headers
                .push(("authorization".into(), basic_header(&id, &s)));
            let f = form(req);
            f.push(("client_id".into(), id));
            f.push(("client_secret".into(), s));
        }
        AuthMode::Query => {
            let s = secret(client, "query")?.to_string();
            req.query.push(("client_id".into(), id));
            req.query.push(("client_secret".into(), s));
        }
    }
    Ok(())
}
