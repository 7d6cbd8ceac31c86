//! Defect `no-new-refresh-token`: refreshes do not issue a new refresh token although new_refresh_token says always.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-new-refresh-token"
    }
    fn description(&self) -> &'static str {
        "refreshes do not issue a new refresh token although new_refresh_token says always"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.rotate = false;
    }
}
