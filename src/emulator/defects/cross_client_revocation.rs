//! Defect `cross-client-revocation`: another client's revocation request revokes my token (RFC 7009 §2.1).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "cross-client-revocation"
    }
    fn description(&self) -> &'static str {
        "another client's revocation request revokes my token (RFC 7009 §2.1)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SkipClientBindingOnRevocation
    }
}
