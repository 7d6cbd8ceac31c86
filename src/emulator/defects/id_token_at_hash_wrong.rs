//! Defect `id-token-at-hash-wrong`: a refreshed id_token's at_hash does not hash the new access token.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-at-hash-wrong"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token's at_hash does not hash the access token issued with it (OIDC Core §3.1.3.6)"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, _nonce: Option<&str>, _iat: i64) {
        // The left half of a SHA-256 of nothing in particular: well formed, wrong.
        c.at_hash = Some("AAAAAAAAAAAAAAAAAAAAAA".into());
    }
}
