//! Defect `access-token-as-refresh-token`: an access token presented as a refresh token is accepted and refreshed (RFC 6749 §6 wants the refresh token).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "access-token-as-refresh-token"
    }
    fn description(&self) -> &'static str {
        "an access token presented as a refresh token is accepted and refreshed (RFC 6749 §6 wants the refresh token)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptAccessTokenAsRefresh
    }
}
