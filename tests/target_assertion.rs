//! RFC 7523 client assertions, verified with the matching public keys
//! (test-only keys in tests/data/keys).

use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use refresh_conformance::target::assertion::client_assertion;
use refresh_conformance::target::AssertionKey;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn read(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/keys")
            .join(name),
    )
    .unwrap()
}

fn key(file: &str, alg: &str, kid: Option<&str>, audience: Option<&str>) -> AssertionKey {
    AssertionKey {
        pem: read(file),
        alg: alg.into(),
        kid: kid.map(Into::into),
        audience: audience.map(Into::into),
    }
}

fn verify(jwt: &str, public: &str, alg: Algorithm, aud: &str) -> serde_json::Value {
    let dk = match alg {
        Algorithm::RS256 => DecodingKey::from_rsa_pem(read(public).as_bytes()).unwrap(),
        _ => DecodingKey::from_ec_pem(read(public).as_bytes()).unwrap(),
    };
    let mut v = Validation::new(alg);
    v.set_audience(&[aud]);
    v.set_issuer(&["client-1"]);
    v.set_required_spec_claims(&["exp", "iat", "aud", "iss", "sub"]);
    decode::<serde_json::Value>(jwt, &dk, &v).unwrap().claims
}

#[test]
fn rs256_and_es256_in_every_pem_form_verify() {
    let token_endpoint = "https://idp.example/oauth2/v1/token";
    for (file, public, alg) in [
        ("rsa-pkcs8.pem", "rsa-public.pem", Algorithm::RS256),
        ("rsa-pkcs1.pem", "rsa-public.pem", Algorithm::RS256),
        ("ec-pkcs8.pem", "ec-public.pem", Algorithm::ES256),
        ("ec-sec1.pem", "ec-public.pem", Algorithm::ES256),
    ] {
        let alg_name = format!("{alg:?}");
        let k = key(file, &alg_name, Some("kid-1"), None);
        let now = SystemTime::now();
        let jwt = client_assertion(&k, "client-1", token_endpoint, now)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let header = decode_header(&jwt).unwrap();
        assert_eq!(header.alg, alg, "{file}");
        assert_eq!(header.kid.as_deref(), Some("kid-1"));
        let claims = verify(&jwt, public, alg, token_endpoint);
        assert_eq!(claims["iss"], "client-1");
        assert_eq!(claims["sub"], "client-1");
        assert_eq!(claims["aud"], token_endpoint);
        let iat = claims["iat"].as_u64().unwrap();
        assert_eq!(iat, now.duration_since(UNIX_EPOCH).unwrap().as_secs());
        assert_eq!(claims["exp"].as_u64().unwrap(), iat + 60);
        assert!(
            claims["jti"].as_str().unwrap().len() >= 22,
            "at least 128 bits"
        );
    }
}

#[test]
fn audience_override_for_fixed_audience_idps() {
    // Oracle IDCS expects a fixed audience rather than the token endpoint URL.
    let k = key(
        "rsa-pkcs8.pem",
        "RS256",
        None,
        Some("https://identity.oraclecloud.com/"),
    );
    let jwt = client_assertion(
        &k,
        "client-1",
        "https://tenant.identity.oraclecloud.com/oauth2/v1/token",
        SystemTime::now(),
    )
    .unwrap();
    assert_eq!(decode_header(&jwt).unwrap().kid, None);
    let claims = verify(
        &jwt,
        "rsa-public.pem",
        Algorithm::RS256,
        "https://identity.oraclecloud.com/",
    );
    assert_eq!(claims["aud"], "https://identity.oraclecloud.com/");
}

#[test]
fn jti_is_fresh_and_time_follows_the_given_clock() {
    let k = key("ec-pkcs8.pem", "ES256", None, None);
    let virtual_now = UNIX_EPOCH + Duration::from_secs(2_000_000_000);
    let a = client_assertion(&k, "client-1", "aud", virtual_now).unwrap();
    let b = client_assertion(&k, "client-1", "aud", virtual_now).unwrap();
    let claims = |jwt: &str| {
        let mut v = Validation::new(Algorithm::ES256);
        v.validate_exp = false;
        v.set_audience(&["aud"]);
        decode::<serde_json::Value>(
            jwt,
            &DecodingKey::from_ec_pem(read("ec-public.pem").as_bytes()).unwrap(),
            &v,
        )
        .unwrap()
        .claims
    };
    let (ca, cb) = (claims(&a), claims(&b));
    assert_ne!(ca["jti"], cb["jti"]);
    assert_eq!(ca["iat"], 2_000_000_000u64);
    assert_eq!(ca["exp"], 2_000_000_060u64);
}

#[test]
fn wrong_key_or_algorithm_is_an_error_without_key_material() {
    let pem = read("ec-pkcs8.pem");
    let k = AssertionKey {
        pem: pem.clone(),
        alg: "RS256".into(),
        kid: None,
        audience: None,
    };
    let e = client_assertion(&k, "c", "aud", SystemTime::now()).unwrap_err();
    assert!(e.contains("RS256"), "{e}");
    let body_line = pem.lines().nth(1).unwrap();
    assert!(!e.contains(body_line));
    let k = AssertionKey {
        pem: "not a key".into(),
        alg: "ES256".into(),
        kid: None,
        audience: None,
    };
    assert!(client_assertion(&k, "c", "aud", SystemTime::now())
        .unwrap_err()
        .contains("no PEM private key"));
    let k = AssertionKey {
        pem,
        alg: "HS256".into(),
        kid: None,
        audience: None,
    };
    assert!(client_assertion(&k, "c", "aud", SystemTime::now())
        .unwrap_err()
        .contains("unsupported"));
    let k = AssertionKey {
        pem: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"
            .into(),
        alg: "RS256".into(),
        kid: None,
        audience: None,
    };
    assert!(client_assertion(&k, "c", "aud", SystemTime::now())
        .unwrap_err()
        .contains("encrypted"));
}
