//! Defect `expires-in-string`: expires_in is a JSON string instead of a number.

use super::super::wire::TokenBody;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "expires-in-string"
    }
    fn description(&self) -> &'static str {
        "expires_in is a JSON string instead of a number"
    }
    fn success_body(&self, body: &mut TokenBody) {
        body.expires_in = serde_json::Value::String(body.expires_in.to_string());
    }
}
