//! Defect `id-token-bad-signature`: a refreshed id_token's signature does not verify against the JWKS.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "id-token-bad-signature"
    }
    fn description(&self) -> &'static str {
        "a refreshed id_token's signature does not verify against the JWKS"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::CorruptRefreshedIdTokenSignature
    }
}
