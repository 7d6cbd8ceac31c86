//! Defect `revoking-dead-token-refused`: revoking an unknown or already revoked token answers 400 instead of 200 (RFC 7009 §2.2).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "revoking-dead-token-refused"
    }
    fn description(&self) -> &'static str {
        "revoking an unknown or already revoked token answers 400 instead of 200 (RFC 7009 §2.2)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::RefuseRevokingDeadTokens
    }
}
