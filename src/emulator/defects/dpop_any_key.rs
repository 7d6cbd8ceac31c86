//! Defect `dpop-any-key`: a DPoP-bound refresh token is accepted with a proof by any key (RFC 9449 §5).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-any-key"
    }
    fn description(&self) -> &'static str {
        "a DPoP-bound refresh token is accepted with a proof by any key (RFC 9449 §5)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopAnyKey
    }
}
