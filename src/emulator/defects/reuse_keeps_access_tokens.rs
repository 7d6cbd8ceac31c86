//! Defect `reuse-keeps-access-tokens`: reuse detection revokes the family's refresh tokens but not its access tokens.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "reuse-keeps-access-tokens"
    }
    fn description(&self) -> &'static str {
        "reuse detection revokes the family's refresh tokens but not its access tokens"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.reuse_revokes_access_tokens = false;
    }
}
