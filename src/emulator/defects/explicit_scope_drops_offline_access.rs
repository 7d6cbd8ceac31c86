//! Defect `explicit-scope-drops-offline-access`: a refresh with an explicit scope equal to the original loses offline_access where it is not required (RFC 6749 §6).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "explicit-scope-drops-offline-access"
    }
    fn description(&self) -> &'static str {
        "a refresh with an explicit scope equal to the original loses offline_access where it is not required (RFC 6749 §6)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::ExplicitScopeDropsOffline
    }
}
