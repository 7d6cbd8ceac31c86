//! Verifying a JWT's signature with the IdP's published keys (RFC 7517),
//! claims unchecked: the id_token judge asks for the signature only.

use super::SignatureCheck;
use jsonwebtoken::jwk::JwkSet;

/// `jwt` against `jwks` (None or an error: the keys could not be had).
pub(crate) fn verify_signature(jwt: &str, jwks: Option<&Result<JwkSet, String>>) -> SignatureCheck {
    let set = match jwks {
        Some(Ok(set)) => set,
        Some(Err(why)) => return SignatureCheck::Unavailable(why.clone()),
        None => return SignatureCheck::Unavailable("the JWKS was not fetched".into()),
    };
    if set.keys.is_empty() {
        return SignatureCheck::Unavailable("the JWKS holds no key".into());
    }
    let header = match jsonwebtoken::decode_header(jwt) {
        Ok(h) => h,
        Err(e) => return SignatureCheck::Invalid(format!("undecodable JWT header: {e}")),
    };
    let jwk = match &header.kid {
        Some(kid) => set.find(kid),
        None if set.keys.len() == 1 => set.keys.first(),
        None => None,
    };
    let Some(jwk) = jwk else {
        return SignatureCheck::Invalid(format!("no JWKS key matches kid {:?}", header.kid));
    };
    let key = match jsonwebtoken::DecodingKey::from_jwk(jwk) {
        Ok(k) => k,
        Err(e) => return SignatureCheck::Invalid(format!("JWKS key unusable: {e}")),
    };
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_aud = false;
    v.validate_nbf = false;
    v.required_spec_claims.clear();
    match jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &v) {
        Ok(_) => SignatureCheck::Valid,
        Err(e) => SignatureCheck::Invalid(format!("{e}")),
    }
}
