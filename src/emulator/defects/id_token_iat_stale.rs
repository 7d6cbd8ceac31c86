//! Defect `id-token-iat-stale`: a refreshed id_token copies the original iat.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-iat-stale"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token copies the original iat"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, iat: i64) {
        c.iat = iat;
    }
}
