//! Defect `rotated-token-introspects-active`: a rotated-away (invalidated) refresh token still introspects as active.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rotated-token-introspects-active"
    }
    fn description(&self) -> &'static str {
        "a rotated-away (invalidated) refresh token still introspects as active"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::RotatedTokensIntrospectActive
    }
}
