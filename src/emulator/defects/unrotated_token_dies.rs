//! Defect `unrotated-token-dies`: where new_refresh_token = never, the refresh token stops working after its first use.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "unrotated-token-dies"
    }
    fn description(&self) -> &'static str {
        "where new_refresh_token = never, the refresh token stops working after its first use"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::UnrotatedTokenDies
    }
}
