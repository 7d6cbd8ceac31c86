//! RFC 7523 client assertions for `private_key_jwt` (seed 000: Oracle IDCS
//! accepts `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`).

use super::AssertionKey;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long an assertion is valid.
pub(crate) const LIFETIME: Duration = Duration::from_secs(60);

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    jti: String,
    iat: u64,
    exp: u64,
}

/// The algorithms a target's `alg` may name.
pub(crate) const ALGORITHMS: &[&str] = &["RS256", "ES256"];

fn algorithm(alg: &str) -> Result<Algorithm, String> {
    match alg {
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => Err(format!(
            "unsupported client assertion algorithm `{other}` (one of {})",
            ALGORITHMS.join(", ")
        )),
    }
}

/// A PEM document's label and DER body.
fn pem_blocks(pem: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut label: Option<String> = None;
    let mut body = String::new();
    for line in pem.lines() {
        let line = line.trim();
        if let Some(rest) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
        {
            label = Some(rest.to_string());
            body.clear();
        } else if line.starts_with("-----END ") {
            if let Some(l) = label.take() {
                if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
                    out.push((l, der));
                }
            }
        } else if label.is_some() && !line.contains(':') {
            body.push_str(line);
        }
    }
    out
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else if n < 0x100 {
        vec![0x81, n as u8]
    } else {
        vec![0x82, (n >> 8) as u8, n as u8]
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(content.len()));
    v.extend_from_slice(content);
    v
}

/// Wrap a SEC1 `EC PRIVATE KEY` (P-256) into a PKCS#8 `PrivateKeyInfo`.
fn sec1_to_pkcs8(sec1: &[u8]) -> Vec<u8> {
    // id-ecPublicKey 1.2.840.10045.2.1, prime256v1 1.2.840.10045.3.1.7
    const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let mut alg = EC_PUBLIC_KEY.to_vec();
    alg.extend_from_slice(P256);
    let mut content = vec![0x02, 0x01, 0x00];
    content.extend(der(0x30, &alg));
    content.extend(der(0x04, sec1));
    der(0x30, &content)
}

/// Build the signing key for `alg` from a PEM private key: PKCS#8
/// (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`, P-256).
/// Errors never contain key material.
pub(crate) fn encoding_key(pem: &str, alg: &str) -> Result<(EncodingKey, Algorithm), String> {
    let algorithm = algorithm(alg)?;
    if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
        return Err("the private key is encrypted; store it unencrypted (`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem`) and protect the file instead".into());
    }
    let blocks = pem_blocks(pem);
    if blocks.is_empty() {
        return Err(
            "no PEM private key found (expected -----BEGIN PRIVATE KEY----- or similar)".into(),
        );
    }
    let key = match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|e| format!("not a usable RSA private key for RS256 ({e}); expected PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`"))?,
        _ => match blocks.iter().find(|(l, _)| l == "EC PRIVATE KEY") {
            Some((_, sec1)) => EncodingKey::from_ec_der(&sec1_to_pkcs8(sec1)),
            None => EncodingKey::from_ec_pem(pem.as_bytes())
                .map_err(|e| format!("not a usable P-256 private key for ES256 ({e}); expected PKCS#8 `PRIVATE KEY` or SEC1 `EC PRIVATE KEY`"))?,
        },
    };
    Ok((key, algorithm))
}

/// The algorithm a PEM private key is for, when `alg` is not stated.
pub(crate) fn infer_alg(pem: &str) -> Option<&'static str> {
    ALGORITHMS.iter().copied().find(|alg| {
        encoding_key(pem, alg).is_ok_and(|(k, a)| {
            jsonwebtoken::encode(&Header::new(a), &serde_json::json!({}), &k).is_ok()
        })
    })
}

fn random_jti() -> String {
    let mut bytes = [0u8; 18];
    rand::fill(&mut bytes[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// An RFC 7523 client assertion: `iss` = `sub` = `client_id`, `aud` =
/// `key.audience` or `default_audience` (the token endpoint URL), a fresh
/// random `jti`, `iat` = `now`, `exp` = `now` + 60 s, header `kid` when set.
/// `now` comes from the trial's clock (virtual on the emulator).
pub fn client_assertion(
    key: &AssertionKey,
    client_id: &str,
    default_audience: &str,
    now: SystemTime,
) -> Result<String, String> {
    let (encoding, algorithm) = encoding_key(&key.pem, &key.alg)?;
    let mut header = Header::new(algorithm);
    header.typ = Some("JWT".into());
    header.kid = key.kid.clone();
    let iat = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the clock is before 1970".to_string())?
        .as_secs();
    let claims = Claims {
        iss: client_id,
        sub: client_id,
        aud: key.audience.as_deref().unwrap_or(default_audience),
        jti: random_jti(),
        iat,
        exp: iat + LIFETIME.as_secs(),
    };
    jsonwebtoken::encode(&header, &claims, &encoding).map_err(|e| {
        format!(
            "cannot sign the client assertion with the {} key: {e}",
            key.alg
        )
    })
}
