//! Defect `expires-in-millis`: expires_in is in milliseconds instead of seconds.

use super::super::wire::TokenBody;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "expires-in-millis"
    }
    fn description(&self) -> &'static str {
        "expires_in is in milliseconds instead of seconds"
    }
    fn success_body(&self, body: &mut TokenBody) {
        if let Some(n) = body.expires_in.as_i64() {
            body.expires_in = (n * 1000).into();
        }
    }
}
