//! Defect `unsupported-grant-wrong-error`: an unsupported grant_type answers invalid_request instead of unsupported_grant_type.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "unsupported-grant-wrong-error"
    }
    fn description(&self) -> &'static str {
        "an unsupported grant_type answers invalid_request instead of unsupported_grant_type"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::UnsupportedGrant {
            e.error = "invalid_request".into();
        }
    }
}
