//! Defect `introspection-without-client-auth`: an introspection request without client authentication is answered (RFC 7662 §2.1).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "introspection-without-client-auth"
    }
    fn description(&self) -> &'static str {
        "an introspection request without client authentication is answered (RFC 7662 §2.1)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SkipClientAuthOnIntrospection
    }
}
