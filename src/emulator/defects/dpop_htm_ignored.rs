//! Defect `dpop-htm-ignored`: a DPoP proof whose htm is not the request's method is accepted (RFC 9449 §4.3).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-htm-ignored"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof whose htm is not the request's method is accepted (RFC 9449 §4.3)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopHtmIgnored
    }
}
