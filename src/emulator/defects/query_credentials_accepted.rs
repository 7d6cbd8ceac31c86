//! Defect `query-credentials-accepted`: client credentials in the token request's query string are accepted.

use super::Defect;
use super::Quirk;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "query-credentials-accepted"
    }
    fn description(&self) -> &'static str {
        "client credentials in the token request's query string are accepted"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::AcceptQueryCredentials
    }
}
