//! Defect `previous-token-valid`: the old refresh token keeps working after rotation (where invalidated, or after the grace period).

use super::super::behaviour::{Behaviour, Previous};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "previous-token-valid"
    }
    fn description(&self) -> &'static str {
        "the old refresh token keeps working after rotation (where invalidated, or after the grace period)"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.previous = Previous::Valid;
    }
}
