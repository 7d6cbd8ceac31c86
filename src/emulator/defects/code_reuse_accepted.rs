//! Defect `code-reuse-accepted`: an authorization code can be exchanged twice (RFC 6749 §4.1.2).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "code-reuse-accepted"
    }
    fn description(&self) -> &'static str {
        "an authorization code can be exchanged twice (RFC 6749 §4.1.2)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptCodeReuse
    }
}
