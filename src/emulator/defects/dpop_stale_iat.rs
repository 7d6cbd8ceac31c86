//! Defect `dpop-stale-iat`: a DPoP proof with an iat an hour old is accepted (RFC 9449 §4.3, §11.1).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-stale-iat"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof with an iat an hour old is accepted (RFC 9449 §4.3, §11.1)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopIatUnchecked
    }
}
