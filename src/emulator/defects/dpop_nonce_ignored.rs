//! Defect `dpop-nonce-ignored`: the server demands DPoP nonces but accepts a proof with none or with one it never issued (RFC 9449 §8).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-nonce-ignored"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof is accepted with no nonce or one the server never issued, though the server demands nonces (RFC 9449 §8)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopNonceIgnored
    }
}
