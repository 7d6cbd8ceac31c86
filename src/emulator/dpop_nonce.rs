//! Server-chosen DPoP nonces (RFC 9449 §8). Stateless: a nonce is the second
//! it was issued and a MAC of it under a key drawn when the emulator starts,
//! so nothing is stored per nonce and a nonce it never issued cannot verify.
//! It is honoured for `WINDOW_SECS` of real time (families' virtual clocks
//! jump ahead and must not age another family's nonce).

use super::clock::real_now_ms;
use super::defects::{Defects, Quirk};
use super::error::{Cause, OAuthError};
use axum::http::StatusCode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// How long an issued nonce is honoured (§8 leaves it to the server).
pub(crate) const WINDOW_SECS: i64 = 300;
/// MAC bytes kept in a nonce: 128 bits.
const MAC_LEN: usize = 16;

/// The MAC key, one per emulator.
pub(crate) struct NonceKey([u8; 32]);

impl NonceKey {
    pub(crate) fn generate() -> NonceKey {
        NonceKey(rand::random())
    }

    fn mac(&self, secs: i64) -> [u8; MAC_LEN] {
        // Fixed-length key and message: SHA-256(key || secs) is a sound MAC here.
        let d = Sha256::new()
            .chain_update(self.0)
            .chain_update(secs.to_be_bytes())
            .finalize();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&d[..MAC_LEN]);
        out
    }

    /// A fresh nonce: `<second>.<mac>`.
    pub(crate) fn issue(&self) -> String {
        let secs = real_now_ms() / 1000;
        format!("{secs}.{}", URL_SAFE_NO_PAD.encode(self.mac(secs)))
    }

    /// Issued by this key and still inside its window.
    pub(crate) fn honours(&self, nonce: &str) -> bool {
        let Some((secs, mac)) = nonce.split_once('.') else {
            return false;
        };
        let (Ok(secs), Ok(mac)) = (secs.parse::<i64>(), URL_SAFE_NO_PAD.decode(mac)) else {
            return false;
        };
        let age = (real_now_ms() / 1000).saturating_sub(secs);
        let fresh = (-1..=WINDOW_SECS).contains(&age);
        let expected = self.mac(secs);
        // Constant time over the MAC: no early exit on the first differing byte.
        let same = mac.len() == MAC_LEN
            && expected
                .iter()
                .zip(&mac)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        fresh && same
    }
}

/// When the emulator demands nonces (`required`), a proof's `nonce` must be
/// one `key` honours; otherwise `use_dpop_nonce` with a fresh one in
/// `DPoP-Nonce` (§8). Takes no `App`: `app.rs` holds the key.
pub(crate) fn check(
    required: bool,
    key: &NonceKey,
    defects: &Defects,
    nonce: Option<&str>,
) -> Result<(), OAuthError> {
    if !required || defects.quirk(Quirk::DpopNonceIgnored) {
        return Ok(());
    }
    let why = match nonce {
        None if defects.quirk(Quirk::DpopNonceOptional) => return Ok(()),
        None => "this server requires a DPoP nonce in the proof (RFC 9449 §8)",
        Some(n) if key.honours(n) => return Ok(()),
        Some(_) => "the proof's nonce was not issued by this server or has expired (RFC 9449 §8)",
    };
    let mut e = OAuthError::new(
        StatusCode::BAD_REQUEST,
        "use_dpop_nonce",
        Cause::DpopNonce,
        why,
    );
    e.dpop_nonce = Some(key.issue());
    Err(e)
}
