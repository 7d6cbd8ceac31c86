//! `refresh_token_env`: a seed refresh token from the environment. Rotation
//! replaces it, so the next trial presents the newest token.

use super::Trial;
use crate::judge::Response;

pub(super) fn obtain(
    t: &mut Trial<'_>,
    step: &str,
    var: &str,
    token: &str,
    scope: &str,
) -> Response {
    let current = t.env().seed_token(var, token);
    let json = serde_json::json!({ "refresh_token": current });
    t.synthetic(step, "refresh_token_env", json, scope)
}
