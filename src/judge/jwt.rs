//! A JWT's header and claims as JSON, without verifying it: what the
//! id_token and at_hash checks read.

use base64::Engine;

/// The claims of a JWT, without verifying it.
pub fn claims(jwt: &str) -> Option<serde_json::Value> {
    part(jwt, 1)
}

/// The header of a JWT, whatever its alg (jsonwebtoken's decoder refuses
/// algs it does not know).
pub(crate) fn header(jwt: &str) -> Option<serde_json::Value> {
    part(jwt, 0)
}

/// Part `i` of a JWT as JSON.
fn part(jwt: &str, i: usize) -> Option<serde_json::Value> {
    let text = jwt.split('.').nth(i)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}
