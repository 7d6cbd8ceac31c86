//! The emulator's id_token signing key: a P-256 key generated in memory at
//! start (ES256), parsed once and published in the JWKS. Signing goes straight
//! to aws-lc-rs with the pre-parsed key: that is the hot path of every refresh
//! that returns an id_token.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub(crate) struct SigningKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
    /// base64url(JSON header), constant for the key.
    header_b64: String,
    /// The JWK Set document served at `/oauth2/jwks`.
    pub jwks: serde_json::Value,
}

impl SigningKey {
    pub(crate) fn generate() -> anyhow::Result<SigningKey> {
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| anyhow::anyhow!("cannot generate the P-256 signing key"))?;
        let point = pair.public_key().as_ref();
        // Uncompressed SEC1 point: 0x04 || x || y.
        anyhow::ensure!(
            point.len() == 65 && point[0] == 4,
            "unexpected P-256 public key encoding"
        );
        let x = URL_SAFE_NO_PAD.encode(&point[1..33]);
        let y = URL_SAFE_NO_PAD.encode(&point[33..65]);
        // RFC 7638 thumbprint as kid.
        let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()));
        let header = serde_json::json!({ "alg": "ES256", "typ": "JWT", "kid": kid });
        let header_b64 = URL_SAFE_NO_PAD.encode(header.to_string());
        let jwks = serde_json::json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "x": x, "y": y, "use": "sig", "alg": "ES256", "kid": kid
        }]});
        Ok(SigningKey {
            pair,
            rng: SystemRandom::new(),
            header_b64,
            jwks,
        })
    }

    /// A compact JWS over `claims`.
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let mut out = String::with_capacity(self.header_b64.len() + payload.len() * 4 / 3 + 100);
        out.push_str(&self.header_b64);
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut out);
        let sig = self
            .pair
            .sign(&self.rng, out.as_bytes())
            .map(|s| s.as_ref().to_vec())
            .unwrap_or_default();
        out.push('.');
        URL_SAFE_NO_PAD.encode_string(&sig, &mut out);
        out
    }
}
