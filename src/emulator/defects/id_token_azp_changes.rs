//! Defect `id-token-azp-changes`: a refreshed id_token's azp is not the client's id.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-azp-changes"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token's azp is not the client's id, nor the original's (OIDC Core §2, §12.2)"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        c.azp.push_str("-refreshed");
    }
}
