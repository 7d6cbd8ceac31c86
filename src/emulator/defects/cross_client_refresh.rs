//! Defect `cross-client-refresh`: a refresh token issued to another client is accepted.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "cross-client-refresh"
    }
    fn description(&self) -> &'static str {
        "a refresh token issued to another client is accepted"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SkipClientBindingOnRefresh
    }
}
