//! Defect `grace-never-closes`: the old refresh token's grace period never ends.

use super::super::behaviour::{Behaviour, Previous};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "grace-never-closes"
    }
    fn description(&self) -> &'static str {
        "the old refresh token's grace period never ends"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        if b.previous == Previous::ValidInGrace {
            b.grace_ms = i64::MAX / 4;
        }
    }
}
