//! The built-in profiles: each parses, states every vocabulary key with a
//! source, starts an emulator, and the profiles differ where the vendors do.

mod emulator_support;
use emulator_support::*;
use refresh_conformance::behaviour::{builtin_profiles, vocab::VOCABULARY};

const EXPECTED: &[&str] = &[
    "auth0",
    "cognito",
    "curity",
    "duende-identityserver",
    "entra-id",
    "google",
    "idcs",
    "keycloak",
    "keycloak-revoke",
    "oauth21-bcp",
    "okta",
    "okta-org",
    "ory-hydra",
    "pingfederate",
    "pingone",
    "rfc6749",
    "rfc9449",
    "rfc9449-nonce",
    "salesforce",
    "wso2",
    "zitadel",
];

#[test]
fn every_profile_states_every_key_with_a_source() {
    let profiles = builtin_profiles();
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, EXPECTED);
    for p in &profiles {
        assert!(!p.description.is_empty(), "{}", p.name);
        for def in VOCABULARY {
            let stated = p
                .behaviour
                .values
                .get(def.key)
                .unwrap_or_else(|| panic!("{} does not state {}", p.name, def.key));
            assert!(
                stated.source.as_deref().is_some_and(|s| !s.is_empty()),
                "{}: {} has no source",
                p.name,
                def.key
            );
        }
        assert!(
            p.scopes.granted.is_some() && p.scopes.narrower.is_some() && p.scopes.extra.is_some(),
            "{}",
            p.name
        );
    }
}

/// Every source is a link, a seed or a clause (the loader refuses free-text
/// labels), and every unverified value says why after its reference.
#[test]
fn every_source_is_a_link_and_every_unverified_value_says_why() {
    use refresh_conformance::behaviour::source;
    for p in builtin_profiles() {
        let sets = std::iter::once(("profile".to_string(), &p.behaviour))
            .chain(p.clients.iter().map(|(r, s)| (format!("client {r}"), s)));
        for (where_, set) in sets {
            for (key, stated) in &set.values {
                let src = stated.source.as_deref().unwrap_or_default();
                let refs =
                    source::parse(src).unwrap_or_else(|e| panic!("{} {where_} {key}: {e}", p.name));
                if stated.unverified {
                    assert!(
                        refs.iter().any(|r| !r.note.is_empty()),
                        "{} {where_} {key} is unverified without a reason: {src}",
                        p.name
                    );
                }
            }
        }
        if let Some(q) = &p.discovery.issuer_quirk {
            source::parse(&q.source).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_profile_serves_a_grant_and_a_refresh_for_every_client() {
    for p in builtin_profiles() {
        let e = start(p.clone(), &[]).await;
        // A DPoP profile's clients must prove a key (RFC 9449 §5): a grant
        // without a proof is refused. Their grants and refreshes with proofs
        // run in the catalog (the defect matrix) and tests/emulator_defects/dpop.rs.
        let dpop = p
            .behaviour
            .values
            .get("sender_constrained")
            .map(|s| &s.value)
            == Some(&refresh_conformance::behaviour::Value::Text("dpop".into()));
        for client in ["main", "post", "other", "public", "jwt"] {
            if dpop {
                let r = e.grant(client, GRANTED).await;
                r.expect_error(400, "invalid_dpop_proof");
                continue;
            }
            let g = e.grant(client, GRANTED).await.ok();
            let rt = g
                .opt("refresh_token")
                .unwrap_or_else(|| panic!("{}: {client} got no refresh token", p.name))
                .to_string();
            e.refresh(client, &rt, None).await.ok();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_differences_show_on_the_wire() {
    // okta: a public client's tokens rotate with a 30 s grace window; a
    // confidential client keeps its refresh token.
    let e = start(profile("okta"), &[]).await;
    let g = e.grant("public", GRANTED).await.ok();
    e.refresh("public", g.str("refresh_token"), None).await.ok();
    e.refresh("public", g.str("refresh_token"), None).await.ok();
    e.advance(&[g.str("refresh_token")], 31.0).await;
    e.refresh("public", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
    let g = e.grant("main", GRANTED).await.ok();
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    assert_eq!(r.str("refresh_token"), g.str("refresh_token"));

    // wso2: no offline_access needed, one-day lifetime renewed on rotation.
    let e = start(profile("wso2"), &[]).await;
    let g = e.grant("main", "openid profile").await.ok();
    e.advance(&[g.str("refresh_token")], 80000.0).await;
    let r = e.refresh("main", g.str("refresh_token"), None).await.ok();
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");
    e.advance(&[r.str("refresh_token")], 80000.0).await;
    e.refresh("main", r.str("refresh_token"), None).await.ok();

    // idcs: offline_access required, 7-day lifetime.
    let e = start(profile("idcs"), &[]).await;
    assert!(e
        .grant("main", "openid profile")
        .await
        .ok()
        .opt("refresh_token")
        .is_none());
    let g = e.grant("main", GRANTED).await.ok();
    e.advance(&[g.str("refresh_token")], 7.0 * 86400.0 + 1.0)
        .await;
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");

    // ory-hydra: the scope parameter of a refresh is not applied (the original
    // comes back, and says so), and a rotated-out token is refused at once.
    let e = start(profile("ory-hydra"), &[]).await;
    let g = e.grant("main", GRANTED).await.ok();
    let r = e
        .refresh(
            "main",
            g.str("refresh_token"),
            Some("openid offline_access"),
        )
        .await
        .ok();
    assert_eq!(r.scope_set(), sorted(GRANTED));
    assert_ne!(r.str("refresh_token"), g.str("refresh_token"));
    e.refresh("main", g.str("refresh_token"), None)
        .await
        .expect_error(400, "invalid_grant");

    // pingfederate: wider scope is an error, omitted means the original.
    let e = start(profile("pingfederate"), &[]).await;
    let g = e.grant("main", GRANTED).await.ok();
    e.refresh(
        "main",
        g.str("refresh_token"),
        Some(&format!("{GRANTED} write")),
    )
    .await
    .expect_error(400, "invalid_scope");
    assert_eq!(
        e.refresh("main", g.str("refresh_token"), None)
            .await
            .ok()
            .scope_set(),
        sorted(GRANTED)
    );
}
