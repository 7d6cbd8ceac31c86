//! Defect `revocation-keeps-access-tokens`: revoking a refresh token leaves its access tokens active.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "revocation-keeps-access-tokens"
    }
    fn description(&self) -> &'static str {
        "revoking a refresh token leaves its access tokens active"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.revocation_revokes_access_tokens = false;
    }
}
