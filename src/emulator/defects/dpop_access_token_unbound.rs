//! Defect `dpop-access-token-unbound`: access tokens issued with a DPoP proof are Bearer tokens, not bound to its key (RFC 9449 §5, §6).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-access-token-unbound"
    }
    fn description(&self) -> &'static str {
        "access tokens issued with a DPoP proof are Bearer tokens, not bound to its key (RFC 9449 §5, §6)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::DpopAccessTokenUnbound
    }
}
