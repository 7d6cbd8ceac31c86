//! Defect `grace-retry-revoked-successor`: a retry inside the grace window gets a successor that is already revoked (django-oauth-toolkit #702).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "grace-retry-revoked-successor"
    }
    fn description(&self) -> &'static str {
        "a retry inside the grace window gets a successor that is already revoked (django-oauth-toolkit #702)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::GraceRetryRevokedSuccessor
    }
}
