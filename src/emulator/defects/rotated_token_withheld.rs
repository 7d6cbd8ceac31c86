//! Defect `rotated-token-withheld`: a refresh that rotates consumes the presented refresh token but answers without the new one (the client is stranded).

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "rotated-token-withheld"
    }
    fn description(&self) -> &'static str {
        "a refresh that rotates consumes the presented refresh token but answers without the new one (the client is stranded, RFC 6749 §6)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::WithholdRotatedRefreshToken
    }
}
