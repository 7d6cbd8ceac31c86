//! Defect `wrong-basic-challenge`: failed HTTP Basic client authentication answers 400 without WWW-Authenticate.

use super::super::error::{Cause, OAuthError};
use super::Defect;
use axum::http::StatusCode;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "wrong-basic-challenge"
    }
    fn description(&self) -> &'static str {
        "failed HTTP Basic client authentication answers 400 without WWW-Authenticate"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::ClientAuth && e.basic_challenge {
            e.status = StatusCode::BAD_REQUEST;
            e.basic_challenge = false;
        }
    }
}
