//! Defect `access-expiry-ignored`: introspection reports access tokens active after they expired.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "access-expiry-ignored"
    }
    fn description(&self) -> &'static str {
        "introspection reports access tokens active after they expired"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::IgnoreAccessExpiry
    }
}
