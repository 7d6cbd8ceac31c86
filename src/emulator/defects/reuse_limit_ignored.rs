//! Defect `reuse-limit-ignored`: a used refresh token's reuse allowance (Keycloak's Refresh Token Max Reuse) never runs out.

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "reuse-limit-ignored"
    }
    fn description(&self) -> &'static str {
        "where a used refresh token may be reused a set number of times (refresh_token_max_reuse), it is accepted again after that many reuses, and no reuse is ever detected"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        // Only where an allowance exists: a single-use token stays single use.
        if b.max_reuse > 0 {
            b.max_reuse = u64::MAX;
        }
    }
}
