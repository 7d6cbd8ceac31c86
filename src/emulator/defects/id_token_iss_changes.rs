//! Defect `id-token-iss-changes`: a refreshed id_token has a different iss.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-iss-changes"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token has a different iss"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        c.iss.push_str("/other");
    }
}
