//! Defect `repeated-param-accepted`: a repeated token request parameter is accepted (the first one wins).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "repeated-param-accepted"
    }
    fn description(&self) -> &'static str {
        "a repeated token request parameter is accepted (the first one wins)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptRepeatedParams
    }
}
