//! `id_token = { signature = true, claims = {...} }` on the response's id_token.

use super::{matcher, Mismatch, Response, SignatureCheck};
use crate::scenario::model::IdTokenExpect;
use crate::scenario::template::Unresolved;

use super::jwt::claims;

pub(crate) fn check(
    e: &IdTokenExpect,
    r: &Response,
    render: &mut dyn FnMut(&str) -> Result<String, Unresolved>,
    verify: &dyn Fn(&str) -> SignatureCheck,
) -> Result<Vec<Mismatch>, Unresolved> {
    let mut out = Vec::new();
    let Some(jwt) = r.field_str("id_token") else {
        out.push(Mismatch::new("id_token", "present", "absent"));
        return Ok(out);
    };
    if e.signature == Some(true) {
        match verify(jwt) {
            SignatureCheck::Valid => {}
            SignatureCheck::Invalid(why) => out.push(Mismatch::new(
                "id_token signature",
                "valid against the JWKS",
                why,
            )),
            // Without keys there is nothing to check against: never a pass.
            SignatureCheck::Unavailable(why) => {
                return Err(Unresolved::Error(format!(
                    "the id_token signature cannot be checked: {why}"
                )))
            }
        }
    }
    let Some(c) = claims(jwt) else {
        out.push(Mismatch::new(
            "id_token",
            "a JWT with a JSON payload",
            "undecodable",
        ));
        return Ok(out);
    };
    if e.at_hash == Some(true) {
        out.extend(super::at_hash::check(jwt, &c, r.field_str("access_token")));
    }
    for (name, m) in &e.claims {
        out.extend(matcher::check(
            &format!("id_token claim `{name}`"),
            m,
            c.get(name),
            render,
        )?);
    }
    Ok(out)
}
