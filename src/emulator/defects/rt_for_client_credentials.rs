//! Defect `rt-for-client-credentials`: client_credentials grants return a refresh token (RFC 6749 §4.4.3: SHOULD NOT).

use super::super::behaviour::Behaviour;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rt-for-client-credentials"
    }
    fn description(&self) -> &'static str {
        "client_credentials grants return a refresh token (RFC 6749 §4.4.3: SHOULD NOT)"
    }
    fn behaviour(&self, b: &mut Behaviour) {
        b.refresh_token_for_client_credentials = true;
    }
}
