//! Defect `dpop-nonce-optional`: a DPoP proof without a nonce is accepted and never challenged; only a nonce that is present is checked (RFC 9449 §8).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-nonce-optional"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof without a nonce is accepted, never challenged with use_dpop_nonce (RFC 9449 §8)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopNonceOptional
    }
}
