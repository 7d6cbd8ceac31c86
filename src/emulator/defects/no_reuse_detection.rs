//! Defect `no-reuse-detection`: presenting an invalidated refresh token does not revoke its family.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-reuse-detection"
    }
    fn description(&self) -> &'static str {
        "presenting an invalidated refresh token does not revoke its family"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.reuse_detection = false;
    }
}
