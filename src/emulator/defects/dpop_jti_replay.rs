//! Defect `dpop-jti-replay`: a DPoP proof is accepted again with the same jti (RFC 9449 §11.1).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-jti-replay"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof is accepted again with the same jti (RFC 9449 §11.1)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopJtiReplayed
    }
}
