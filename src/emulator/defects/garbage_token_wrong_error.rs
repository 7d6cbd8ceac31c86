//! Defect `garbage-token-wrong-error`: an unknown refresh token answers 401 invalid_client instead of 400 invalid_grant.

use super::super::error::{Cause, OAuthError};
use super::Defect;
use axum::http::StatusCode;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "garbage-token-wrong-error"
    }
    fn description(&self) -> &'static str {
        "an unknown refresh token answers 401 invalid_client instead of 400 invalid_grant"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::UnknownRefreshToken {
            e.status = StatusCode::UNAUTHORIZED;
            e.error = "invalid_client".into();
        }
    }
}
