//! Defect `unknown-param-rejected`: unknown token request parameters are refused with invalid_request (RFC 6749 §3.2: ignore them).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "unknown-param-rejected"
    }
    fn description(&self) -> &'static str {
        "unknown token request parameters are refused with invalid_request (RFC 6749 §3.2: ignore them)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::RejectUnknownParams
    }
}
