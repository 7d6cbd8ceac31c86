//! Defect `wrong-token-type`: token_type is "mac" instead of Bearer.

use super::super::wire::TokenBody;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "wrong-token-type"
    }
    fn description(&self) -> &'static str {
        "token_type is \"mac\" instead of Bearer"
    }
    fn success_body(&self, body: &mut TokenBody) {
        body.token_type = "mac";
    }
}
