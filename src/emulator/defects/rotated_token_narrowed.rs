//! Defect `rotated-token-narrowed`: the new refresh token takes the narrowed scope (RFC 6749 §6: it keeps the original).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rotated-token-narrowed"
    }
    fn description(&self) -> &'static str {
        "the new refresh token takes the narrowed scope (RFC 6749 §6: it keeps the original)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::RotatedTokenTakesNarrowedScope
    }
}
