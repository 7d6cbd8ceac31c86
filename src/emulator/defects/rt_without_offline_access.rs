//! Defect `rt-without-offline-access`: issues a refresh token without offline_access even where the profile requires it.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rt-without-offline-access"
    }
    fn description(&self) -> &'static str {
        "issues a refresh token without offline_access even where the profile requires it"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.offline_access_required = false;
    }
}
