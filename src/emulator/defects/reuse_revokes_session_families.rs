//! Defect `reuse-revokes-session-families`: reuse detection revokes every
//! family of the user and client signed in with the same authorization
//! request nonce, not only the reused token's. The nonce stands for "one
//! sign-in session" so the defect reaches only the families of the trial
//! that asks for it (trials share the emulator and its one user).

use super::{Defect, Quirk};

pub(crate) struct D;

impl Defect for D {
    fn name(&self) -> &'static str {
        "reuse-revokes-session-families"
    }
    fn description(&self) -> &'static str {
        "reuse detection revokes every family of the user and client from the same sign-in (nonce), not only the reused token's (RFC 9700 §4.14.2)"
    }
    fn quirk(&self, q: Quirk) -> bool {
        q == Quirk::ReuseRevokesSessionFamilies
    }
}
