//! Defect `missing-token-wrong-error`: a refresh without refresh_token answers invalid_grant instead of invalid_request.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "missing-token-wrong-error"
    }
    fn description(&self) -> &'static str {
        "a refresh without refresh_token answers invalid_grant instead of invalid_request"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::MissingRefreshToken {
            e.error = "invalid_grant".into();
        }
    }
}
