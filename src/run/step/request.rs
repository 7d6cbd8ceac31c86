//! `request`: any request to a named endpoint, for malformed input; it is
//! never retried after a timeout (it may consume a token).

use super::{Produced, Stop, Trial};
use crate::oauth::Endpoint;
use crate::run::http::Request;
use crate::scenario::model::{AuthMode, RawRequest, Step};

pub(super) async fn run(
    t: &mut Trial<'_>,
    name: &str,
    step: &Step,
    a: &RawRequest,
) -> Result<Produced, Stop> {
    let endpoint = Endpoint::parse(&a.endpoint).unwrap_or(Endpoint::Authorization);
    let url = t.endpoint(endpoint)?;
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
        req.query.push((k.clone(), t.render(v)?));
    }
    for (k, v) in &a.headers {
        req.headers.push((k.to_ascii_lowercase(), t.render(v)?));
    }
    if let Some(f) = &a.form {
        let mut pairs = Vec::new();
        for (k, v) in f.pairs() {
            pairs.push((k, t.render(&v)?));
        }
        pairs.extend(t.params(step)?);
        req.form = Some(pairs);
    } else if let Some(b) = &a.body {
        req.body = Some(t.render(b)?);
    } else if !step.params.is_empty() {
        req.form = Some(t.params(step)?);
    }
    let mode = a.auth.unwrap_or(AuthMode::Omit);
    if mode != AuthMode::Omit {
        let client = t.client(a.client.as_ref())?;
        t.authenticate(&client, mode, &mut req)?;
    }
    if req.method == "GET" {
        // A GET carries its parameters in the query string.
        if let Some(f) = req.form.take() {
            req.query.extend(f);
        }
    }
    req.consuming = true;
    let r = t.send(name, req, None).await?;
    Ok(Produced::one(r))
}
