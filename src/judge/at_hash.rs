//! `id_token = { at_hash = true }`: the id_token's `at_hash` is the left half
//! of the hash of the access token it came with, base64url (OIDC Core
//! §3.1.3.6, §3.3.2.11), the hash being the one of the id_token's `alg`.

use super::Mismatch;
use base64::Engine;
use sha2::{Digest, Sha256, Sha384, Sha512};

const CHECK: &str = "id_token claim `at_hash`";

/// Mismatches of `claims.at_hash` (from a JWT with header `jwt`) against `access_token`.
pub(crate) fn check(
    jwt: &str,
    claims: &serde_json::Value,
    access_token: Option<&str>,
) -> Option<Mismatch> {
    let expected = "the hash of the response's access_token";
    let Some(claimed) = claims.get("at_hash") else {
        return Some(Mismatch::new(CHECK, expected, "absent"));
    };
    let Some(claimed) = claimed.as_str() else {
        return Some(Mismatch::new(CHECK, expected, "not a string"));
    };
    let Some(access_token) = access_token else {
        return Some(Mismatch::new(
            CHECK,
            expected,
            "no access_token in the response to hash",
        ));
    };
    let alg = header_alg(jwt).unwrap_or_default();
    let Some(computed) = hash_half(&alg, access_token) else {
        return Some(Mismatch::new(
            CHECK,
            "an id_token alg with a defined hash",
            format!("alg `{alg}`"),
        ));
    };
    (claimed != computed).then(|| {
        Mismatch::new(
            CHECK,
            expected,
            format!("another value (with alg `{alg}`): it does not hash this access token"),
        )
    })
}

fn header_alg(jwt: &str) -> Option<String> {
    super::jwt::header(jwt)?
        .get("alg")?
        .as_str()
        .map(str::to_string)
}

/// The left half of the digest the alg names (EdDSA: SHA-512, as OIDC's
/// registry of Ed25519 says), base64url; None for an alg without one.
fn hash_half(alg: &str, token: &str) -> Option<String> {
    let digest: Vec<u8> = match alg {
        "EdDSA" | "RS512" | "PS512" | "ES512" | "HS512" => Sha512::digest(token).to_vec(),
        "RS384" | "PS384" | "ES384" | "HS384" => Sha384::digest(token).to_vec(),
        a if a.ends_with("256") || a == "ES256K" => Sha256::digest(token).to_vec(),
        _ => return None,
    };
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jwt(alg: &str) -> String {
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!(r#"{{"alg":"{alg}"}}"#));
        format!("{h}.e30.sig")
    }

    #[test]
    fn holds_for_the_oidc_core_example() {
        // OIDC Core A.3: this access token, RS256, gives at_hash 77QmUPtjPfzWtF2AnpK9RQ.
        let at = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        let c = json!({ "at_hash": "77QmUPtjPfzWtF2AnpK9RQ" });
        assert!(check(&jwt("RS256"), &c, Some(at)).is_none());
    }

    #[test]
    fn fails_for_another_token_a_missing_claim_or_an_unhashable_alg() {
        let c = json!({ "at_hash": "77QmUPtjPfzWtF2AnpK9RQ" });
        let other = check(&jwt("RS256"), &c, Some("another-token")).unwrap();
        assert!(other.actual.contains("does not hash"), "{}", other.actual);
        assert_eq!(
            check(&jwt("ES256"), &json!({}), Some("t")).unwrap().actual,
            "absent"
        );
        assert!(check(&jwt("none"), &c, Some("t"))
            .unwrap()
            .expected
            .contains("alg"));
        assert!(check(&jwt("RS256"), &c, None).is_some());
    }

    #[test]
    fn uses_the_hash_of_the_alg() {
        let token = "token-value";
        for (alg, len) in [("ES256", 22), ("ES384", 32), ("EdDSA", 43)] {
            let h = hash_half(alg, token).unwrap();
            assert_eq!(h.len(), len, "{alg}");
            let c = json!({ "at_hash": h });
            assert!(check(&jwt(alg), &c, Some(token)).is_none(), "{alg}");
        }
    }
}
