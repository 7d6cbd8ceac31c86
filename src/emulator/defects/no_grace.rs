//! Defect `no-grace`: the old refresh token is refused at once although previous_refresh_token = valid_in_grace.

use super::super::behaviour::{Behaviour, Previous};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-grace"
    }
    fn description(&self) -> &'static str {
        "the old refresh token is refused at once although previous_refresh_token = valid_in_grace"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        if b.previous == Previous::ValidInGrace {
            b.previous = Previous::Invalidated;
        }
    }
}
