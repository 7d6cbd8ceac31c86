//! `password`: the resource owner password credentials grant (RFC 6749 §4.3),
//! for test users of IdPs that still offer it.

use super::{Stop, Trial};
use crate::judge::Response;
use crate::run::http::Request;
use crate::scenario::model::AuthMode;
use crate::target::Client;
use std::collections::BTreeMap;

pub(super) async fn obtain(
    t: &mut Trial<'_>,
    step: &str,
    client: &Client,
    (username, password, extra): (&str, &str, &BTreeMap<String, String>),
    scope: &str,
    params: &BTreeMap<String, String>,
) -> Result<Response, Stop> {
    let token_url = t.env().target.endpoints.token.clone();
    let mut form = vec![
        ("grant_type".to_string(), "password".to_string()),
        ("username".to_string(), username.to_string()),
        ("password".to_string(), password.to_string()),
        ("scope".to_string(), scope.to_string()),
    ];
    form.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    form.extend(params.iter().map(|(k, v)| (k.clone(), v.clone())));
    let mut req = Request::post_form(&token_url, form);
    req.consuming = true;
    t.authenticate(client, AuthMode::Default, &mut req)?;
    t.send_grant_request(step, req, Some(scope.to_string()))
        .await
}
