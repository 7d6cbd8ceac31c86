//! Defect `unregistered-error-code`: an expired refresh token (absolute or idle lifetime) answers the unregistered code token_expired.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "unregistered-error-code"
    }
    fn description(&self) -> &'static str {
        "an expired refresh token (absolute or idle lifetime) answers the unregistered code token_expired"
    }
    fn error(&self, e: &mut OAuthError) {
        if matches!(e.cause, Cause::ExpiredRefreshToken) {
            e.error = "token_expired".into();
        }
    }
}
