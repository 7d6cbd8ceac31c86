//! Defect `refresh-expiry-ignored`: refresh_token_absolute_ttl is not enforced.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "refresh-expiry-ignored"
    }
    fn description(&self) -> &'static str {
        "refresh_token_absolute_ttl is not enforced"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::IgnoreAbsoluteExpiry
    }
}
