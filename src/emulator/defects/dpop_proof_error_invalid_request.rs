//! Defect `dpop-proof-error-invalid-request`: an invalid DPoP proof is refused, but with
//! `invalid_request` where RFC 9449 §5 names `invalid_dpop_proof` (Keycloak 26.7.3 does this).

use super::super::error::{Cause, OAuthError};
use super::Defect;

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "dpop-proof-error-invalid-request"
    }
    fn description(&self) -> &'static str {
        "an invalid DPoP proof is refused with invalid_request instead of invalid_dpop_proof (RFC 9449 §5)"
    }
    fn error(&self, e: &mut OAuthError) {
        if e.cause == Cause::DpopProof {
            e.error = "invalid_request".into();
        }
    }
}
