//! `command`: an external program (a login script) prints the token
//! response JSON on stdout.

use super::{Stop, Trial};
use crate::judge::Response;
use crate::target::Client;
use std::collections::BTreeMap;

pub(super) async fn obtain(
    t: &mut Trial<'_>,
    step: &str,
    client: &Client,
    argv: &[String],
    scope: &str,
    params: &BTreeMap<String, String>,
) -> Result<Response, Stop> {
    let target = &t.env().target;
    let vars = crate::target::command::command_vars_with_params(target, client, scope, params);
    let json = crate::target::command::run_grant_command(argv, &vars, target.http.timeout * 6)
        .await
        .map_err(|e| Stop::Error(format!("grant source command failed: {}", t.redact(&e))))?;
    Ok(t.synthetic(step, "command", json, scope))
}
