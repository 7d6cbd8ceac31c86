//! Defect `unregistered-error-code`: a dead, expired or unknown refresh token answers the unregistered code token_expired.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "unregistered-error-code"
    }
    fn description(&self) -> &'static str {
        "a dead, expired or unknown refresh token answers the unregistered code token_expired"
    }
    fn error(&self, e: &mut OAuthError) {
        if matches!(
            e.cause,
            Cause::UnknownRefreshToken | Cause::DeadRefreshToken
        ) {
            e.error = "token_expired".into();
        }
    }
}
