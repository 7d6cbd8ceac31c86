//! `command`: an external program (a login script) prints the token
//! response JSON on stdout. For a DPoP client it gets a proof by the new
//! family's key (`RC_DPOP_PROOF`) to send with its token request.

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
    let proof = t.dpop_grant_proof(step);
    let target = &t.env().target;
    let mut vars = crate::target::command::command_vars_with_params(target, client, scope, params);
    if let Some(proof) = proof {
        vars.insert("dpop_proof".to_string(), proof);
    }
    let json = crate::target::command::run_grant_command(argv, &vars, target.http.timeout * 6)
        .await
        .map_err(|e| Stop::Error(format!("grant source command failed: {}", t.redact(&e))))?;
    Ok(t.synthetic(step, "command", json, scope))
}
