//! DPoP at the token endpoint (RFC 9449). A request may carry one proof in
//! its `DPoP` header (§4.1); the emulator checks it (§4.3: `typ`, an
//! asymmetric `alg`, a public `jwk`, the signature, `htm`, `htu`, `iat`
//! within a window, a `jti` not seen before), requires one from a client
//! whose behaviour is `sender_constrained = "dpop"`, and binds what it issues
//! to the proof's key (§5): every access token (`token_type: DPoP`, `cnf.jkt`
//! at introspection), and a public client's refresh tokens, which then need
//! a proof by the same key. Confidential clients' refresh tokens are not
//! bound: client authentication already constrains them (§5).

use super::app::App;
use super::clock::real_now_ms;
use super::defects::Quirk;
use super::error::{Cause, OAuthError};
use super::registry::Client;
use super::store::Token;
use super::wire::TokenBody;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{jwk::Jwk, Algorithm, DecodingKey, Validation};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// `iat` is accepted this many seconds either side of now (§11.1 leaves
/// the window to the server; a few minutes is common).
pub(crate) const IAT_WINDOW_SECS: i64 = 300;

/// A proof that passed every check: the thumbprint of its key (RFC 7638).
pub(crate) struct Proof {
    pub jkt: Arc<str>,
    /// Its `nonce` claim (§8), checked by `dpop_nonce.rs`.
    pub nonce: Option<String>,
}

fn bad(why: impl Into<String>) -> OAuthError {
    invalid_dpop_proof(Cause::DpopProof, why)
}

/// No proof where one is needed, or one by the wrong key.
fn unbound(why: impl Into<String>) -> OAuthError {
    invalid_dpop_proof(Cause::DpopUnbound, why)
}

fn invalid_dpop_proof(cause: Cause, why: impl Into<String>) -> OAuthError {
    OAuthError::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", cause, why)
}

/// The request's proof, checked; None when it carries none. `now_ms` is the
/// clock of the presented token's family (real time for a grant).
pub(crate) fn verify(
    app: &App,
    headers: &HeaderMap,
    now_ms: i64,
) -> Result<Option<Proof>, OAuthError> {
    let mut all = headers.get_all("dpop").iter();
    let Some(raw) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(bad("more than one DPoP header (RFC 9449 §4.3)"));
    }
    let jwt = raw
        .to_str()
        .map_err(|_| bad("the DPoP header is not text"))?;
    let header = decode_part(jwt, 0).ok_or_else(|| bad("the DPoP proof is not a JWT"))?;
    if header.get("typ").and_then(|v| v.as_str()) != Some("dpop+jwt") {
        return Err(bad("the proof's typ is not dpop+jwt"));
    }
    let alg = header
        .get("alg")
        .and_then(|v| v.as_str())
        .and_then(asymmetric)
        .ok_or_else(|| bad("the proof's alg is not an asymmetric signature algorithm"))?;
    let jwk_json = header
        .get("jwk")
        .filter(|j| j.get("d").is_none())
        .ok_or_else(|| bad("the proof carries no public jwk"))?;
    let jwk: Jwk =
        serde_json::from_value(jwk_json.clone()).map_err(|_| bad("the proof's jwk is invalid"))?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| bad("the proof's jwk is unusable"))?;
    let mut v = Validation::new(alg);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.validate_aud = false;
    let claims = jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &v)
        .map_err(|_| bad("the proof's signature does not verify with its jwk"))?
        .claims;
    check_claims(app, &claims, now_ms)?;
    let jkt = thumbprint(jwk_json).ok_or_else(|| bad("the proof's jwk has no thumbprint"))?;
    let jti = claims.get("jti").and_then(|v| v.as_str()).unwrap_or("");
    // Remembered on real time: families' virtual clocks jump ahead, and one
    // family's jump must not forget another's proofs. A proof is acceptable
    // for at most the width of the window, so that long is enough.
    let real = real_now_ms() / 1000;
    let first = app
        .dpop_jtis
        .lock()
        .first_use(&jkt, jti, real + 2 * IAT_WINDOW_SECS, real);
    if !first && !app.defects.quirk(Quirk::DpopJtiReplayed) {
        return Err(bad("the proof's jti was already used (RFC 9449 §11.1)"));
    }
    let nonce = claims
        .get("nonce")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(Some(Proof {
        jkt: jkt.into(),
        nonce,
    }))
}

/// `htm`, `htu`, `iat` and `jti` (§4.3 items 8–11).
fn check_claims(app: &App, c: &serde_json::Value, now_ms: i64) -> Result<(), OAuthError> {
    let text = |k: &str| c.get(k).and_then(|v| v.as_str());
    if text("htm") != Some("POST") && !app.defects.quirk(Quirk::DpopHtmIgnored) {
        return Err(bad("the proof's htm is not this request's method"));
    }
    let htu = text("htu").map(|u| u.split(['?', '#']).next().unwrap_or(u));
    if htu != Some(app.token_endpoint.as_str()) && !app.defects.quirk(Quirk::DpopHtuIgnored) {
        return Err(bad("the proof's htu is not this endpoint's URL"));
    }
    let iat = c
        .get("iat")
        .and_then(|v| v.as_i64())
        .ok_or_else(|| bad("the proof has no iat"))?;
    // Saturating: a hostile iat (i64::MIN) must not overflow.
    let off = iat.saturating_sub(now_ms / 1000).unsigned_abs();
    if off > IAT_WINDOW_SECS as u64 && !app.defects.quirk(Quirk::DpopIatUnchecked) {
        return Err(bad("the proof's iat is outside the accepted window"));
    }
    if text("jti").is_none_or(str::is_empty) {
        return Err(bad("the proof has no jti"));
    }
    Ok(())
}

/// A client registered for DPoP must send a proof.
pub(crate) fn require(app: &App, client: &Client, proof: Option<&Proof>) -> Result<(), OAuthError> {
    if client.behaviour.dpop_required
        && proof.is_none()
        && !app.defects.quirk(Quirk::DpopProofNotRequired)
    {
        return Err(unbound("this client must send a DPoP proof (RFC 9449 §5)"));
    }
    Ok(())
}

/// A bound refresh token needs a proof by its key (§5).
pub(crate) fn check_binding(
    app: &App,
    token: &Token,
    proof: Option<&Proof>,
) -> Result<(), OAuthError> {
    let Some(bound) = token.state.lock().jkt.clone() else {
        return Ok(());
    };
    match proof {
        None if !app.defects.quirk(Quirk::DpopProofNotRequired) => Err(unbound(
            "the refresh token is DPoP-bound: a proof is required (RFC 9449 §5)",
        )),
        Some(p) if p.jkt != bound && !app.defects.quirk(Quirk::DpopAnyKey) => Err(unbound(
            "the proof's key is not the one the refresh token is bound to (RFC 9449 §5)",
        )),
        _ => Ok(()),
    }
}

/// Bind what a successful response issued to the proof's key.
pub(crate) fn bind(app: &App, body: &mut TokenBody, proof: Option<&Proof>) {
    let Some(p) = proof else {
        return;
    };
    if !app.defects.quirk(Quirk::DpopAccessTokenUnbound) {
        if let Some(t) = app.store.get(&body.access_token) {
            t.state.lock().jkt = Some(p.jkt.clone());
            body.token_type = "DPoP";
        }
    }
    let Some(rt) = body.refresh_token.as_deref().and_then(|v| app.store.get(v)) else {
        return;
    };
    let bind_rt = rt.family.client.is_public() || app.defects.quirk(Quirk::DpopConfidentialBound);
    let mut state = rt.state.lock();
    if bind_rt && state.jkt.is_none() {
        state.jkt = Some(p.jkt.clone());
    }
}

fn asymmetric(alg: &str) -> Option<Algorithm> {
    use Algorithm::*;
    let a = match alg {
        "ES256" => ES256,
        "ES384" => ES384,
        "RS256" => RS256,
        "RS384" => RS384,
        "RS512" => RS512,
        "PS256" => PS256,
        "PS384" => PS384,
        "PS512" => PS512,
        "EdDSA" => EdDSA,
        _ => return None,
    };
    Some(a)
}

fn decode_part(jwt: &str, i: usize) -> Option<serde_json::Value> {
    let seg = jwt.split('.').nth(i)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(seg).ok()?).ok()
}

/// RFC 7638: SHA-256 over the required members in lexicographic order.
pub(crate) fn thumbprint(jwk: &serde_json::Value) -> Option<String> {
    let s = |k: &str| jwk.get(k).and_then(|v| v.as_str());
    let canonical = match s("kty")? {
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            s("crv")?,
            s("x")?,
            s("y")?
        ),
        "RSA" => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, s("e")?, s("n")?),
        "OKP" => format!(r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#, s("crv")?, s("x")?),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}
