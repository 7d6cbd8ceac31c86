//! Defect `narrowed-scope-ignored`: a requested narrower scope is not applied although scope_on_refresh = honoured.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "narrowed-scope-ignored"
    }
    fn description(&self) -> &'static str {
        "a requested narrower scope is not applied although scope_on_refresh = honoured"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.scope_honoured = false;
    }
}
