//! Defect `id-token-auth-time-changes`: a refreshed id_token has a later auth_time than the original.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-auth-time-changes"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token has a later auth_time than the original"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        c.auth_time = c.iat.max(c.auth_time + 1);
    }
}
