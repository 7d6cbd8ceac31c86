//! DPoP (RFC 9449) at the emulator: each defect accepts a refresh the clean
//! emulator refuses; hostile proofs are refused.

use super::*;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// A P-256 proof key, made here so the test does not trust the suite's own.
struct Key(EcdsaKeyPair);

/// What a proof claims; `None` fields take the correct value.
#[derive(Default, Clone)]
struct Claims<'a> {
    htm: Option<&'a str>,
    htu: Option<String>,
    iat_shift: i64,
    jti: Option<&'a str>,
    /// The `nonce` claim (RFC 9449 §8); none when absent.
    nonce: Option<&'a str>,
}

impl Key {
    fn new() -> Key {
        Key(EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap())
    }

    fn proof(&self, e: &Emu, c: Claims<'_>) -> String {
        let p = self.0.public_key().as_ref();
        let jwk = serde_json::json!({ "kty": "EC", "crv": "P-256",
            "x": URL_SAFE_NO_PAD.encode(&p[1..33]), "y": URL_SAFE_NO_PAD.encode(&p[33..65]) });
        let header = serde_json::json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": jwk });
        let jti = format!("{}", rand_id());
        let mut claims = serde_json::json!({
            "htm": c.htm.unwrap_or("POST"),
            "htu": c.htu.unwrap_or_else(|| e.url("/oauth2/token")),
            "iat": real_now().saturating_add(c.iat_shift),
            "jti": c.jti.unwrap_or(&jti),
        });
        if let Some(n) = c.nonce {
            claims["nonce"] = n.into();
        }
        let mut out = URL_SAFE_NO_PAD.encode(header.to_string());
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
        let sig = self.0.sign(&SystemRandom::new(), out.as_bytes()).unwrap();
        out.push('.');
        out.push_str(&URL_SAFE_NO_PAD.encode(sig.as_ref()));
        out
    }
}

/// A refresh as `client` (`main` or `public`) with `proof` in the DPoP header.
async fn refresh(e: &Emu, client: &str, rt: &str, proof: Option<String>) -> Resp {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", rt)];
    if client == "public" {
        form.push(("client_id", "public"));
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let mut req = e
        .http
        .post(e.url("/oauth2/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    if client == "main" {
        req = req.header("authorization", basic("main", "main-secret"));
    }
    if let Some(p) = proof {
        req = req.header("dpop", p);
    }
    e.send(req).await
}

/// A public client's refresh token, bound to `key` by a refresh with its proof.
async fn bound_public_token(e: &Emu, key: &Key) -> String {
    let g = e.grant("public", GRANTED).await.ok();
    let r = refresh(
        e,
        "public",
        g.str("refresh_token"),
        Some(key.proof(e, Claims::default())),
    )
    .await
    .ok();
    assert_eq!(r.str("token_type"), "DPoP");
    r.str("refresh_token").to_string()
}

/// `bad` proof on a confidential refresh: refused clean, accepted under `d`.
async fn bad_proof_accepted(d: &str, bad: Claims<'_>) {
    for (defects, accepted) in [(vec![], false), (vec![d], true)] {
        let e = start(profile_with(""), &defects).await;
        let g = e.grant("main", GRANTED).await.ok();
        let key = Key::new();
        let r = refresh(
            &e,
            "main",
            g.str("refresh_token"),
            Some(key.proof(&e, bad.clone())),
        )
        .await;
        assert_eq!(r.status == 200, accepted, "{defects:?}: {}", r.text);
        if !accepted {
            r.expect_error(400, "invalid_dpop_proof");
        }
    }
}

defect_test!(dpop_proof_not_required, "dpop-proof-not-required", |d| {
    let key = Key::new();
    let clean = custom("", "no-pragma").await;
    let rt = bound_public_token(&clean, &key).await;
    refresh(&clean, "public", &rt, None)
        .await
        .expect_error(400, "invalid_dpop_proof");
    let e = custom("", d).await;
    let rt = bound_public_token(&e, &key).await;
    refresh(&e, "public", &rt, None).await.ok();
});
defect_test!(dpop_any_key, "dpop-any-key", |d| {
    let (key, other) = (Key::new(), Key::new());
    let clean = custom("", "no-pragma").await;
    let rt = bound_public_token(&clean, &key).await;
    let p = other.proof(&clean, Claims::default());
    refresh(&clean, "public", &rt, Some(p))
        .await
        .expect_error(400, "invalid_dpop_proof");
    let e = custom("", d).await;
    let rt = bound_public_token(&e, &key).await;
    refresh(&e, "public", &rt, Some(other.proof(&e, Claims::default())))
        .await
        .ok();
});
defect_test!(dpop_htu_ignored, "dpop-htu-ignored", |d| {
    let htu = Some("http://127.0.0.1:1/elsewhere".to_string());
    bad_proof_accepted(
        d,
        Claims {
            htu,
            ..Default::default()
        },
    )
    .await;
});
defect_test!(dpop_htm_ignored, "dpop-htm-ignored", |d| {
    bad_proof_accepted(
        d,
        Claims {
            htm: Some("GET"),
            ..Default::default()
        },
    )
    .await;
});
defect_test!(dpop_stale_iat, "dpop-stale-iat", |d| {
    bad_proof_accepted(
        d,
        Claims {
            iat_shift: -3600,
            ..Default::default()
        },
    )
    .await;
});
defect_test!(dpop_jti_replay, "dpop-jti-replay", |d| {
    for (defects, accepted) in [(vec![], false), (vec![d], true)] {
        let e = start(profile_with(""), &defects).await;
        let key = Key::new();
        let proof = key.proof(
            &e,
            Claims {
                jti: Some("once"),
                ..Default::default()
            },
        );
        let g = e.grant("main", GRANTED).await.ok();
        let r = refresh(&e, "main", g.str("refresh_token"), Some(proof.clone()))
            .await
            .ok();
        let again = refresh(&e, "main", r.str("refresh_token"), Some(proof)).await;
        assert_eq!(again.status == 200, accepted, "{defects:?}: {}", again.text);
    }
});
defect_test!(
    dpop_proof_error_invalid_request,
    "dpop-proof-error-invalid-request",
    |d| {
        // An invalid proof is still refused, only under another code; a proof
        // by the wrong key (a binding error, not an invalid proof) keeps its code.
        let stale = Claims {
            iat_shift: -3600,
            ..Default::default()
        };
        for (defects, code) in [(vec![], "invalid_dpop_proof"), (vec![d], "invalid_request")] {
            let e = start(profile_with(""), &defects).await;
            let g = e.grant("main", GRANTED).await.ok();
            let p = Key::new().proof(&e, stale.clone());
            refresh(&e, "main", g.str("refresh_token"), Some(p))
                .await
                .expect_error(400, code);
            let key = Key::new();
            let rt = bound_public_token(&e, &key).await;
            let other = Key::new().proof(&e, Claims::default());
            refresh(&e, "public", &rt, Some(other))
                .await
                .expect_error(400, "invalid_dpop_proof");
        }
    }
);
defect_test!(
    dpop_access_token_unbound,
    "dpop-access-token-unbound",
    |d| {
        let e = custom("", d).await;
        let key = Key::new();
        let g = e.grant("main", GRANTED).await.ok();
        let r = refresh(
            &e,
            "main",
            g.str("refresh_token"),
            Some(key.proof(&e, Claims::default())),
        )
        .await
        .ok();
        assert_eq!(r.str("token_type"), "Bearer");
        assert!(e
            .introspect(r.str("access_token"))
            .await
            .get("cnf")
            .is_none());
    }
);
defect_test!(dpop_confidential_bound, "dpop-confidential-bound", |d| {
    for (defects, accepted) in [(vec![], true), (vec![d], false)] {
        let e = start(profile_with(""), &defects).await;
        let g = e.grant("main", GRANTED).await.ok();
        let first = Key::new().proof(&e, Claims::default());
        let r = refresh(&e, "main", g.str("refresh_token"), Some(first))
            .await
            .ok();
        let new_key = Key::new().proof(&e, Claims::default());
        let again = refresh(&e, "main", r.str("refresh_token"), Some(new_key)).await;
        assert_eq!(again.status == 200, accepted, "{defects:?}: {}", again.text);
    }
});

/// The clean emulator binds what a proof came with: `token_type` DPoP and
/// `cnf.jkt` at introspection, the proof key's RFC 7638 thumbprint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proof_binds_the_access_token_to_its_key() {
    let e = start(profile_with(""), &[]).await;
    let key = Key::new();
    let proof = key.proof(&e, Claims::default());
    let jwk = &claims_part(&proof, 0)["jwk"];
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap()
    );
    let jkt = URL_SAFE_NO_PAD.encode(<sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes()));
    let g = e.grant("main", GRANTED).await.ok();
    let r = refresh(&e, "main", g.str("refresh_token"), Some(proof))
        .await
        .ok();
    assert_eq!(r.str("token_type"), "DPoP");
    let i = e.introspect(r.str("access_token")).await;
    assert_eq!(i["cnf"]["jkt"], jkt.as_str());
    assert_eq!(i["token_type"], "DPoP");
}

fn claims_part(jwt: &str, i: usize) -> serde_json::Value {
    let seg = jwt.split('.').nth(i).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(seg).unwrap()).unwrap()
}

/// Hostile proofs are refused as `invalid_dpop_proof`, never a panic or a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_proofs_are_refused() {
    let e = start(profile_with(""), &[]).await;
    let key = Key::new();
    let extreme = key.proof(
        &e,
        Claims {
            // iat - now = i64::MIN: its absolute value overflows.
            iat_shift: i64::MIN,
            ..Default::default()
        },
    );
    let header = URL_SAFE_NO_PAD.encode(r#"{"typ":"dpop+jwt","alg":"none","jwk":{}}"#);
    for bad in [
        "not a jwt".to_string(),
        format!("{header}.e30."),
        extreme,
        "a.b.c".repeat(2000),
    ] {
        let g = e.grant("main", GRANTED).await.ok();
        refresh(&e, "main", g.str("refresh_token"), Some(bad))
            .await
            .expect_error(400, "invalid_dpop_proof");
    }
}

// ---- server nonces (RFC 9449 §8)

/// An emulator demanding DPoP nonces, under `defects`.
async fn nonce_server(defects: &[&str]) -> Emu {
    let b = r#"dpop_nonce = { value = "required", source = "rfc9449#8" }"#;
    start(profile_with(b), defects).await
}

/// A confidential refresh with a correct proof carrying `nonce`.
async fn refresh_with_nonce(e: &Emu, rt: &str, nonce: Option<&str>) -> Resp {
    let c = Claims {
        nonce,
        ..Default::default()
    };
    refresh(e, "main", rt, Some(Key::new().proof(e, c))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demanded_nonce_is_challenged_issued_and_then_honoured() {
    let e = nonce_server(&[]).await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    let r = refresh_with_nonce(&e, rt, None).await;
    r.expect_error(400, "use_dpop_nonce");
    let nonce = r
        .header("dpop-nonce")
        .expect("a DPoP-Nonce header")
        .to_string();
    for bogus in ["made-up", "1.AAAAAAAAAAAAAAAAAAAAAA", &format!("{nonce}x")] {
        let b = refresh_with_nonce(&e, rt, Some(bogus)).await;
        b.expect_error(400, "use_dpop_nonce");
        assert!(
            b.header("dpop-nonce").is_some(),
            "a fresh nonce with the refusal"
        );
    }
    // The refused requests did not consume the refresh token.
    refresh_with_nonce(&e, rt, Some(&nonce)).await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_nonces_are_refused_without_panic() {
    let e = nonce_server(&[]).await;
    let rt = e
        .grant("main", GRANTED)
        .await
        .ok()
        .str("refresh_token")
        .to_string();
    let long = "9".repeat(4000);
    for n in [
        "-9223372036854775808.AAAA",
        "9223372036854775807.AAAAAAAAAAAAAAAAAAAAAA",
        ".",
        "",
        long.as_str(),
    ] {
        refresh_with_nonce(&e, &rt, Some(n))
            .await
            .expect_error(400, "use_dpop_nonce");
    }
}

defect_test!(dpop_nonce_ignored, "dpop-nonce-ignored", |d| {
    for (defects, accepted) in [(vec![], false), (vec![d], true)] {
        let e = nonce_server(&defects).await;
        for nonce in [None, Some("made-up")] {
            let g = e.grant("main", GRANTED).await.ok();
            let r = refresh_with_nonce(&e, g.str("refresh_token"), nonce).await;
            assert_eq!(
                r.status == 200,
                accepted,
                "{defects:?} {nonce:?}: {}",
                r.text
            );
        }
    }
});
defect_test!(dpop_nonce_optional, "dpop-nonce-optional", |d| {
    let e = nonce_server(&[d]).await;
    let g = e.grant("main", GRANTED).await.ok();
    let rt = g.str("refresh_token");
    refresh_with_nonce(&e, rt, Some("made-up"))
        .await
        .expect_error(400, "use_dpop_nonce");
    refresh_with_nonce(&e, rt, None).await.ok();
});
