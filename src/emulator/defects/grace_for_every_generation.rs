//! Defect `grace-for-every-generation`: every rotated-out generation keeps its grace window, not only the newest token's predecessor (django-oauth-toolkit #1617).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "grace-for-every-generation"
    }
    fn description(&self) -> &'static str {
        "every rotated-out generation keeps its grace window, not only the newest token's predecessor (django-oauth-toolkit #1617)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::GraceForEveryGeneration
    }
}
