//! Defect `widened-scope-wrong-error`: a widened scope on refresh is refused with invalid_grant instead of invalid_scope.

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "widened-scope-wrong-error"
    }
    fn description(&self) -> &'static str {
        "a widened scope on refresh is refused with invalid_grant instead of invalid_scope"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::WidenedScope {
            e.error = "invalid_grant".into();
        }
    }
}
