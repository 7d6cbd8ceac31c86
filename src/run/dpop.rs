//! DPoP proofs (RFC 9449 §4): a key pair made in memory for one token family
//! (ES256, or RS256 for a server that needs it) and the proof JWTs signed
//! with it. The private key never leaves this file; proofs are secrets and
//! are registered with the trial's redactor by the caller before they are
//! sent.

use crate::target::DpopAlg;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    EcdsaKeyPair, KeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

enum Signer {
    Ec(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// One proof key: its public JWK and RFC 7638 thumbprint (`cnf.jkt`).
pub(crate) struct ProofKey {
    signer: Signer,
    rng: SystemRandom,
    alg: &'static str,
    jwk: serde_json::Value,
    /// base64url SHA-256 of the canonical JWK (RFC 7638 §3).
    pub jkt: String,
}

/// What a proof claims (RFC 9449 §4.2).
pub(crate) struct ProofClaims<'a> {
    pub htm: &'a str,
    /// The request URL; its query and fragment are dropped (§4.2 `htu`).
    pub url: &'a str,
    /// Seconds since the epoch, on the trial's clock.
    pub iat: i64,
    pub nonce: Option<&'a str>,
}

impl ProofKey {
    pub(crate) fn generate(alg: DpopAlg) -> Result<ProofKey, String> {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let (signer, alg, jwk, canonical) = match alg {
            DpopAlg::Es256 => {
                let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
                    .map_err(|_| "cannot generate a P-256 DPoP key".to_string())?;
                let point = pair.public_key().as_ref();
                if point.len() != 65 || point[0] != 4 {
                    return Err("unexpected P-256 public key encoding".into());
                }
                let (x, y) = (b64(&point[1..33]), b64(&point[33..65]));
                let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
                let jwk = serde_json::json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y });
                (Signer::Ec(pair), "ES256", jwk, canonical)
            }
            DpopAlg::Rs256 => {
                let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                    .map_err(|_| "cannot generate an RSA DPoP key".to_string())?;
                let public = pair.public_key();
                let n = b64(public.modulus().big_endian_without_leading_zero());
                let e = b64(public.exponent().big_endian_without_leading_zero());
                let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
                let jwk = serde_json::json!({ "kty": "RSA", "n": n, "e": e });
                (Signer::Rsa(pair), "RS256", jwk, canonical)
            }
        };
        Ok(ProofKey {
            signer,
            rng: SystemRandom::new(),
            alg,
            jwk,
            jkt: thumbprint(&canonical),
        })
    }

    /// A fresh proof: a new random `jti` every time.
    pub(crate) fn proof(&self, c: &ProofClaims<'_>) -> String {
        use rand::Rng;
        let mut jti = [0u8; 16];
        rand::rng().fill_bytes(&mut jti);
        let header = serde_json::json!({ "typ": "dpop+jwt", "alg": self.alg, "jwk": self.jwk });
        let mut claims = serde_json::json!({
            "jti": URL_SAFE_NO_PAD.encode(jti),
            "htm": c.htm,
            "htu": htu(c.url),
            "iat": c.iat,
        });
        if let Some(n) = c.nonce {
            claims["nonce"] = n.into();
        }
        let mut out = URL_SAFE_NO_PAD.encode(header.to_string());
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let sig = match &self.signer {
            Signer::Ec(p) => p
                .sign(&self.rng, out.as_bytes())
                .map(|s| s.as_ref().to_vec())
                .unwrap_or_default(),
            Signer::Rsa(p) => {
                let mut sig = vec![0u8; p.public_modulus_len()];
                match p.sign(&RSA_PKCS1_SHA256, &self.rng, out.as_bytes(), &mut sig) {
                    Ok(()) => sig,
                    Err(_) => Vec::new(),
                }
            }
        };
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(sig));
        out
    }
}

/// `htu`: the URL without its query and fragment (RFC 9449 §4.2).
pub(crate) fn htu(url: &str) -> String {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    url[..end].to_string()
}

fn thumbprint(canonical: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(jwt: &str, i: usize) -> serde_json::Value {
        let seg = jwt.split('.').nth(i).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(seg).unwrap()).unwrap()
    }

    #[test]
    fn a_proof_carries_its_public_key_and_verifies_with_it() {
        for alg in [DpopAlg::Es256, DpopAlg::Rs256] {
            let k = ProofKey::generate(alg).unwrap();
            let claims = ProofClaims {
                htm: "POST",
                url: "https://idp.example/token?x=1#f",
                iat: 1_700_000_000,
                nonce: Some("n1"),
            };
            let p = k.proof(&claims);
            let h = part(&p, 0);
            assert_eq!(h["typ"], "dpop+jwt");
            assert_eq!(h["alg"], k.alg);
            assert!(h["jwk"].get("d").is_none(), "no private part");
            let c = part(&p, 1);
            assert_eq!(c["htu"], "https://idp.example/token");
            assert_eq!(c["htm"], "POST");
            assert_eq!(c["nonce"], "n1");
            assert_ne!(c["jti"], part(&k.proof(&claims), 1)["jti"], "fresh jti");
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(h["jwk"].clone()).unwrap();
            let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
            let mut v = jsonwebtoken::Validation::new(jwk_alg(alg));
            v.required_spec_claims.clear();
            v.validate_exp = false;
            jsonwebtoken::decode::<serde_json::Value>(&p, &key, &v).expect("verifies");
        }
    }

    fn jwk_alg(a: DpopAlg) -> jsonwebtoken::Algorithm {
        match a {
            DpopAlg::Es256 => jsonwebtoken::Algorithm::ES256,
            DpopAlg::Rs256 => jsonwebtoken::Algorithm::RS256,
        }
    }

    /// RFC 7638 §3.1's example key and thumbprint.
    #[test]
    fn the_thumbprint_is_rfc7638s() {
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        let canonical = format!(r#"{{"e":"AQAB","kty":"RSA","n":"{n}"}}"#);
        assert_eq!(
            thumbprint(&canonical),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
