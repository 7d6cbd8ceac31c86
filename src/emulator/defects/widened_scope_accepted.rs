//! Defect `widened-scope-accepted`: a refresh asking for more scope than granted succeeds with the widened scope.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "widened-scope-accepted"
    }
    fn description(&self) -> &'static str {
        "a refresh asking for more scope than granted succeeds with the widened scope"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptWidenedScope
    }
}
