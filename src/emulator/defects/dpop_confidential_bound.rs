//! Defect `dpop-confidential-bound`: a confidential client's refresh tokens are bound to its DPoP key, so a new key is refused (RFC 9449 §5).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-confidential-bound"
    }
    fn description(&self) -> &'static str {
        "a confidential client's refresh tokens are bound to its DPoP key, so a new key is refused (RFC 9449 §5)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopConfidentialBound
    }
}
