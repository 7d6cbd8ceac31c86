//! Defect `errors-with-status-200`: token endpoint errors are sent with HTTP status 200.

use super::super::error::OAuthError;
use super::Defect;
use axum::http::StatusCode;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "errors-with-status-200"
    }
    fn description(&self) -> &'static str {
        "token endpoint errors are sent with HTTP status 200"
    }
    fn error(&self, e: &mut OAuthError) {
        e.status = StatusCode::OK;
    }
}
