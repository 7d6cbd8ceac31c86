//! Defect `dpop-htu-ignored`: a DPoP proof whose htu names another URL is accepted (RFC 9449 §4.3).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-htu-ignored"
    }
    fn description(&self) -> &'static str {
        "a DPoP proof whose htu names another URL is accepted (RFC 9449 §4.3)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopHtuIgnored
    }
}
