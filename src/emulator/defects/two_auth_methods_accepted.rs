//! Defect `two-auth-methods-accepted`: a request using two client authentication methods at once is accepted.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "two-auth-methods-accepted"
    }
    fn description(&self) -> &'static str {
        "a request using two client authentication methods at once is accepted"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptTwoAuthMethods
    }
}
