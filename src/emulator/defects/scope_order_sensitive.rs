//! Defect `scope-order-sensitive`: a refresh scope equal as a set but in another order is refused with invalid_scope.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "scope-order-sensitive"
    }
    fn description(&self) -> &'static str {
        "a refresh scope equal as a set but in another order is refused with invalid_scope"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::ScopeOrderSensitive
    }
}
