//! Defect `revocation-ignored`: the revocation endpoint answers 200 but revokes nothing.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "revocation-ignored"
    }
    fn description(&self) -> &'static str {
        "the revocation endpoint answers 200 but revokes nothing"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::IgnoreRevocation
    }
}
