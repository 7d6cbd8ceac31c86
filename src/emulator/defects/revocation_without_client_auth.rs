//! Defect `revocation-without-client-auth`: a revocation request without client authentication is accepted and revokes the token (RFC 7009 §2.1).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "revocation-without-client-auth"
    }
    fn description(&self) -> &'static str {
        "a revocation request without client authentication is accepted and revokes the token (RFC 7009 §2.1)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SkipClientAuthOnRevocation
    }
}
