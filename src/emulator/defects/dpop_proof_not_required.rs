//! Defect `dpop-proof-not-required`: a DPoP-bound refresh token (and a client registered for DPoP) is accepted without a proof (RFC 9449 §5).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-proof-not-required"
    }
    fn description(&self) -> &'static str {
        "a DPoP-bound refresh token (and a client registered for DPoP) is accepted without a proof (RFC 9449 §5)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopProofNotRequired
    }
}
