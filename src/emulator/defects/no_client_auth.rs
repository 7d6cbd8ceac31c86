//! Defect `no-client-auth`: a confidential client's refresh without any client credentials is accepted.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "no-client-auth"
    }
    fn description(&self) -> &'static str {
        "a confidential client's refresh without any client credentials is accepted"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SkipClientAuthOnRefresh
    }
}
