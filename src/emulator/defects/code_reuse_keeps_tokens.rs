//! Defect `code-reuse-keeps-tokens`: a reused authorization code is refused but the tokens issued from it stay valid (RFC 6749 §4.1.2).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "code-reuse-keeps-tokens"
    }
    fn description(&self) -> &'static str {
        "a reused authorization code is refused but the tokens issued from it stay valid (RFC 6749 §4.1.2)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::CodeReuseKeepsTokens
    }
}
