//! Defect `no-reuse-allowance`: a used refresh token is refused at once, although refresh_token_max_reuse allows reusing it.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-reuse-allowance"
    }
    fn description(&self) -> &'static str {
        "a used refresh token is refused at its first reuse, although refresh_token_max_reuse allows reusing it"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.max_reuse = 0;
    }
}
