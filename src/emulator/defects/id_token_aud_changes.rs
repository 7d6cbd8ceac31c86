//! Defect `id-token-aud-changes`: a refreshed id_token has a different aud.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-aud-changes"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token has a different aud"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        c.aud.push_str("-refreshed");
    }
}
