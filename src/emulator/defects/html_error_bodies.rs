//! Defect `html-error-bodies`: token endpoint errors are HTML pages instead of JSON.

use super::super::error::OAuthError;
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "html-error-bodies"
    }
    fn description(&self) -> &'static str {
        "token endpoint errors are HTML pages instead of JSON"
    }
    fn error(&self, e: &mut OAuthError) {
        e.html = true;
    }
}
