//! id_tokens (OIDC Core §2, §12.2): signed ES256 with the key in the JWKS.
//! `iat` is the family's virtual now; `auth_time` stays the original
//! authentication; `nonce` only on the original grant's id_token; `at_hash`
//! hashes the access token issued with it (OIDC Core §3.1.3.6, §3.3.2.11).

use super::app::App;
use super::clock::secs;
use super::defects::Quirk;
use super::store::Family;
pub use super::wire::IdTokenClaims;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The id_token for `family` at family time `now_ms`, issued with
/// `access_token`; None for grants without a user.
pub(crate) fn issue(
    app: &App,
    family: &Family,
    now_ms: i64,
    refresh: bool,
    access_token: &str,
) -> Option<String> {
    let user = family.user.as_ref()?;
    let iat = secs(now_ms);
    let mut claims = IdTokenClaims {
        iss: app.issuer.clone(),
        sub: user.sub.clone(),
        aud: family.client.id().to_string(),
        exp: iat + family.client.behaviour.access_ttl_ms / 1000,
        iat,
        auth_time: family.auth_time,
        nonce: if refresh { None } else { family.nonce.clone() },
        azp: family.client.id().to_string(),
        at_hash: Some(at_hash(access_token)),
    };
    if refresh {
        app.defects
            .refreshed_id_token(&mut claims, family.nonce.as_deref(), family.original_iat);
    }
    let mut jwt = app.key.sign(&claims);
    if refresh && app.defects.quirk(Quirk::CorruptRefreshedIdTokenSignature) {
        corrupt_signature(&mut jwt);
    }
    Some(jwt)
}

/// The left half of the SHA-256 of the token (the key signs ES256), base64url.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// Change one character in the middle of the signature segment.
fn corrupt_signature(jwt: &mut String) {
    let at = jwt.len().saturating_sub(20);
    let replacement = if jwt.as_bytes().get(at) == Some(&b'A') {
        "B"
    } else {
        "A"
    };
    if jwt.is_char_boundary(at) && jwt.is_char_boundary(at + 1) {
        jwt.replace_range(at..at + 1, replacement);
    }
}
