//! PLACEHOLDER: replaced by the target branch's RFC 7523 implementation at merge.
use super::AssertionKey;
use std::time::SystemTime;

pub fn client_assertion(
    key: &AssertionKey,
    client_id: &str,
    default_audience: &str,
    now: SystemTime,
) -> Result<String, String> {
    let iat = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let alg = match key.alg.as_str() {
        "RS256" => jsonwebtoken::Algorithm::RS256,
        "ES256" => jsonwebtoken::Algorithm::ES256,
        other => return Err(format!("unsupported alg {other}")),
    };
    let ek = match alg {
        jsonwebtoken::Algorithm::RS256 => {
            jsonwebtoken::EncodingKey::from_rsa_pem(key.pem.as_bytes())
        }
        _ => jsonwebtoken::EncodingKey::from_ec_pem(key.pem.as_bytes()),
    }
    .map_err(|e| format!("client key: {e}"))?;
    let mut header = jsonwebtoken::Header::new(alg);
    header.kid = key.kid.clone();
    let jti: u128 = rand::random();
    let claims = serde_json::json!({
        "iss": client_id, "sub": client_id,
        "aud": key.audience.clone().unwrap_or_else(|| default_audience.to_string()),
        "iat": iat, "exp": iat + 60, "jti": format!("{jti:032x}"),
    });
    jsonwebtoken::encode(&header, &claims, &ek).map_err(|e| format!("client assertion: {e}"))
}
