//! Defect `get-accepted`: GET on the token endpoint with query parameters is served like POST.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "get-accepted"
    }
    fn description(&self) -> &'static str {
        "GET on the token endpoint with query parameters is served like POST"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptGet
    }
}
