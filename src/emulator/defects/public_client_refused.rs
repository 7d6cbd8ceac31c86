//! Defect `public-client-refused`: a public client's refresh with client_id only is refused with invalid_client.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "public-client-refused"
    }
    fn description(&self) -> &'static str {
        "a public client's refresh with client_id only is refused with invalid_client"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::RefusePublicClientRefresh
    }
}
