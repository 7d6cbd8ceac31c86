//! Defect `id-token-sub-changes`: a refreshed id_token has a different sub.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-sub-changes"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token has a different sub"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        c.sub.push_str("-refreshed");
    }
}
