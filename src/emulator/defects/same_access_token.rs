//! Defect `same-access-token`: a refresh returns the previously issued access token value.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "same-access-token"
    }
    fn description(&self) -> &'static str {
        "a refresh returns the previously issued access token value"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::SameAccessToken
    }
}
