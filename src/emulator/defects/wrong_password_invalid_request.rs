//! Defect `wrong-password-invalid-request`: a wrong password answers invalid_request instead of invalid_grant.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "wrong-password-invalid-request"
    }
    fn description(&self) -> &'static str {
        "a password grant with a wrong password answers invalid_request instead of invalid_grant (RFC 6749 §5.2)"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::BadCredentials {
            e.error = "invalid_request".into();
        }
    }
}
