//! Defect `id-token-nonce-on-refresh`: a refreshed id_token carries the original nonce (OIDC Core §12.2: SHOULD NOT).

use super::super::wire::IdTokenClaims;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-nonce-on-refresh"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token carries the original nonce (OIDC Core §12.2: SHOULD NOT)"
    }
    fn refreshed_id_token(&self, c: &mut IdTokenClaims, nonce: Option<&str>, _iat: i64) {
        c.nonce = nonce.map(str::to_string);
    }
}
