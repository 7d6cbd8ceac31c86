//! Defect `id-token-nonce-changed`: a refreshed id_token carries a nonce different from the original.

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-nonce-changed"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token carries a nonce different from the original"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, nonce: Option<&str>, _iat: i64) {
        c.nonce = Some(format!("{}-changed", nonce.unwrap_or("nonce")));
    }
}
