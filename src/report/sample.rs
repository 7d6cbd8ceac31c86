//! A small, realistic set of records covering every outcome, for the
//! writers' tests, snapshots and documentation (`report` demo output).

use crate::record::{Exchange, FailKind, Finding, Outcome, TrialRecord};
use crate::scenario::model::Level;
use std::collections::BTreeMap;
use std::time::Duration;

fn obs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn exchange(step: &str, body: &str, status: u16, response: &str) -> Exchange {
    Exchange {
        step: step.into(),
        method: "POST".into(),
        url: "http://127.0.0.1:41234/oauth2/v1/token".into(),
        request_headers: vec![
            ("authorization".into(), "Basic ‹basic:main›".into()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        request_body: body.into(),
        status: Some(status),
        response_headers: vec![("content-type".into(), "application/json".into())],
        response_body: response.into(),
        transport_error: None,
        elapsed_ms: 3,
        id_token: None,
    }
}

/// One record; the fields a test rarely cares about get plain defaults.
pub fn record(target: &str, scenario: &str, outcome: Outcome, message: &str) -> TrialRecord {
    TrialRecord {
        name: format!("{target}/{scenario}"),
        target: target.into(),
        scenario: scenario.into(),
        title: format!("Title of {scenario}"),
        level: Level::Must,
        refs: vec!["rfc6749#6".into()],
        outcome,
        message: message.into(),
        findings: vec![],
        transcript: vec![],
        observations: BTreeMap::new(),
        duration: Duration::from_millis(12),
        started: Duration::ZERO,
        baseline: None,
    }
}

/// Three targets × six scenarios, with every outcome kind.
pub fn sample_records() -> Vec<TrialRecord> {
    let mut out = Vec::new();
    let targets = ["emulated-okta", "emulated-keycloak", "okta-staging"];
    for (ti, t) in targets.iter().enumerate() {
        // rotation/new-token: pass everywhere, observations differ.
        let mut r = record(
            t,
            "rotation/new-token",
            Outcome::Pass,
            "a refresh returned a new refresh token",
        );
        r.title = "A refresh response carries a new refresh token".into();
        r.refs = vec![
            "rfc6749#6".into(),
            "rfc9700#4.14.2".into(),
            "seed:003".into(),
        ];
        r.observations = obs(&[
            ("grant.refresh_token", "present"),
            ("rotate.new_refresh_token", "yes"),
            ("rotate.status", "200"),
        ]);
        out.push(r);

        // rotation/previous-token-refused: fail on keycloak (grace), pass elsewhere.
        let mut r = record(
            t,
            "rotation/previous-token-refused",
            Outcome::Pass,
            "the previous refresh token was refused",
        );
        r.title = "Once a new refresh token is issued, the previous one is refused".into();
        r.refs = vec![
            "rfc6749#6".into(),
            "rfc9700#4.14.2".into(),
            "seed:004".into(),
        ];
        r.transcript = vec![
            exchange(
                "grant",
                "grant_type=password&username=alice&password=‹secret:password›&scope=openid+offline_access",
                200,
                "{\"access_token\":\"‹at:grant›\",\"refresh_token\":\"‹rt:grant›\",\"token_type\":\"Bearer\",\"expires_in\":3600}",
            ),
            exchange(
                "rotate",
                "grant_type=refresh_token&refresh_token=‹rt:grant›",
                200,
                "{\"access_token\":\"‹at:rotate›\",\"refresh_token\":\"‹rt:rotate›\"}",
            ),
            exchange(
                "replay",
                "grant_type=refresh_token&refresh_token=‹rt:grant›",
                200,
                "{\"access_token\":\"‹at:replay›\",\"refresh_token\":\"‹rt:replay›\"}",
            ),
        ];
        r.observations = obs(&[("replay.status", "400"), ("replay.error", "invalid_grant")]);
        if ti == 1 {
            r.outcome = Outcome::Fail {
                kind: FailKind::ProfileMismatch,
            };
            r.message =
                "the previous refresh token ‹rt:grant› was still accepted after rotation".into();
            r.findings = vec![Finding {
                step: "replay".into(),
                level: Level::Must,
                kind: FailKind::ProfileMismatch,
                setting: Some("previous_refresh_token".into()),
                refs: vec!["rfc9700#4.14.2".into()],
                check: "status".into(),
                expected: "400".into(),
                actual: "200".into(),
                precondition: false,
                exchange: Some(2),
            }];
            r.observations = obs(&[("replay.status", "200"), ("replay.error", "(none)")]);
        }
        out.push(r);

        // scope/omitted-returns-original: warn on okta targets.
        let mut r = record(
            t,
            "scope/omitted-returns-original",
            Outcome::Pass,
            "the original scope was returned",
        );
        r.title = "A refresh without `scope` keeps the original scope".into();
        r.refs = vec!["rfc6749#6".into()];
        r.level = Level::Should;
        r.observations = obs(&[("rotate.scope", "{offline_access, openid, profile}")]);
        if ti != 1 {
            r.outcome = Outcome::Warn;
            r.message = "the response omitted `scope` (legal when unchanged, worth knowing)".into();
            r.findings = vec![Finding {
                step: "rotate".into(),
                level: Level::Should,
                kind: FailKind::SpecViolation,
                setting: None,
                refs: vec!["rfc6749#5.1".into()],
                check: "$.scope".into(),
                expected: "present".into(),
                actual: "absent".into(),
                precondition: false,
                exchange: None,
            }];
            r.observations = obs(&[("rotate.scope", "(omitted)")]);
        }
        out.push(r);

        // oidc/id-token-on-refresh: skip on keycloak, spec fail on staging.
        let mut r = record(
            t,
            "oidc/id-token-on-refresh",
            Outcome::Pass,
            "an id_token with the same sub was returned",
        );
        r.title = "An id_token returned on refresh keeps iss, sub and aud".into();
        r.refs = vec!["oidc-core#12.2".into()];
        r.observations = obs(&[
            ("rotate.id_token", "present"),
            ("rotate.id_token.sub", "same"),
        ]);
        match ti {
            1 => {
                r.outcome = Outcome::Skip {
                    reason: "behaviour `id_token_on_refresh` is unknown for this target".into(),
                };
                r.message = String::new();
                r.observations.clear();
            }
            2 => {
                r.outcome = Outcome::Fail {
                    kind: FailKind::SpecViolation,
                };
                r.message = "the refreshed id_token has a different `sub`".into();
                r.findings = vec![Finding {
                    step: "rotate".into(),
                    level: Level::Must,
                    kind: FailKind::SpecViolation,
                    setting: None,
                    refs: vec!["oidc-core#12.2".into()],
                    check: "id_token.claims.sub".into(),
                    expected: "= grant.id_token.claims.sub".into(),
                    actual: "a different subject".into(),
                    precondition: false,
                    exchange: Some(0),
                }];
                r.observations = obs(&[
                    ("rotate.id_token", "present"),
                    ("rotate.id_token.sub", "different"),
                ]);
                let mut x = exchange(
                    "rotate",
                    "grant_type=refresh_token&refresh_token=‹rt:grant›",
                    200,
                    r#"{"access_token":"‹at:rotate›","refresh_token":"‹rt:rotate›","id_token":"‹id_token:rotate›","token_type":"Bearer","expires_in":3600}"#,
                );
                x.id_token = Some(crate::record::IdTokenShown {
                    label: "‹id_token:rotate›".into(),
                    claims: Some(serde_json::json!({
                        "iss": "https://staging.example/oauth2/default",
                        "sub": "u-other-subject",
                        "aud": "main",
                        "iat": 1767225600,
                        "exp": 1767229200,
                    })),
                });
                r.transcript = vec![x];
            }
            _ => {}
        }
        out.push(r);

        // revocation/revokes-family: error on staging.
        let mut r = record(
            t,
            "revocation/revokes-family",
            Outcome::Pass,
            "revoking the refresh token revoked its access tokens",
        );
        r.title = "Revoking a refresh token revokes the access tokens of its grant".into();
        r.refs = vec!["rfc7009#2.1".into(), "vendor:okta".into()];
        r.level = Level::Should;
        r.observations = obs(&[("revoke.status", "200"), ("introspect.active", "false")]);
        if ti == 2 {
            r.outcome = Outcome::Error {
                cause: "connection refused (127.0.0.1:9)".into(),
            };
            r.message = "the revocation endpoint could not be reached".into();
            r.transcript = vec![Exchange {
                step: "revoke".into(),
                method: "POST".into(),
                url: "https://staging.example/oauth2/v1/revoke".into(),
                request_body: "token=‹rt:grant›&token_type_hint=refresh_token".into(),
                transport_error: Some("connection refused".into()),
                ..Exchange::default()
            }];
            r.observations.clear();
        }
        out.push(r);

        // expiry/idle-ttl: skipped (max-wait) on staging, known deviation on okta.
        let mut r = record(
            t,
            "expiry/idle-ttl",
            Outcome::Pass,
            "an unused refresh token died after its idle lifetime",
        );
        r.title = "A refresh token unused for its idle lifetime is refused".into();
        r.refs = vec!["rfc6749#1.5".into(), "seed:001".into()];
        r.duration = Duration::from_millis(1234);
        r.observations = obs(&[("probe.status", "400"), ("lifetime", "≈ 7d")]);
        match ti {
            0 => {
                r.outcome = Outcome::Skip {
                    reason: "known deviation: idle lifetime not enforced; vendor case 1234".into(),
                };
                r.baseline = Some("idle lifetime not enforced; vendor case 1234".into());
            }
            2 => {
                r.outcome = Outcome::Skip {
                    reason: "wait of 7d exceeds --max-wait 5m".into(),
                };
                r.observations.clear();
            }
            _ => {}
        }
        out.push(r);
    }
    out
}

/// Two targets where nothing fails: passes, a skip and no warning.
pub fn sample_passing_records() -> Vec<TrialRecord> {
    sample_records()
        .into_iter()
        .filter(|r| r.target != "okta-staging")
        .map(|mut r| {
            if !matches!(r.outcome, Outcome::Skip { .. }) {
                r.outcome = Outcome::Pass;
                r.findings.clear();
            }
            r
        })
        .collect()
}

/// The targets of [`sample_wide_records`]: six, some with long names.
pub const WIDE_TARGETS: [&str; 6] = [
    "emulated-okta",
    "emulated-keycloak",
    "emulated-auth0",
    "emulated-entra",
    "okta-staging-eu-west-1-tenant-acme-corporation",
    "keycloak-production-realm-customers",
];

/// A compact JSON body of about 1.5 kB on one line, with long unbroken values.
fn long_json() -> String {
    let claims: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "\"https://claims.example.com/custom/attribute-{i}\":\"value-{i}-{}\"",
                "x".repeat(40)
            )
        })
        .collect();
    format!(
        "{{\"access_token\":\"‹at:rotate›\",\"refresh_token\":\"‹rt:rotate›\",\"id_token\":\"‹idt:rotate›\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"scope\":\"openid profile email offline_access https://api.example.com/scopes/read:everything-in-the-tenant\",\"error_uri\":\"https://idp.example.com/docs/errors/{}\",\"extra\":{{{}}}}}",
        "a-very-long-path-segment-".repeat(8),
        claims.join(",")
    )
}

/// Six targets (two with long names) × the sample scenarios: failures whose
/// exchanges carry long one-line JSON, errors, warnings and skips.
pub fn sample_wide_records() -> Vec<TrialRecord> {
    let base = sample_records();
    let mut out = Vec::new();
    for (ti, t) in WIDE_TARGETS.iter().enumerate() {
        // Cycle the three sample targets' columns over the six.
        let src = ["emulated-okta", "emulated-keycloak", "okta-staging"][ti % 3];
        for r in base.iter().filter(|r| r.target == src) {
            let mut r = r.clone();
            r.name = format!("{t}/{}", r.scenario);
            r.target = t.to_string();
            for x in &mut r.transcript {
                if !x.response_body.is_empty() {
                    x.response_body = long_json();
                }
            }
            if matches!(r.outcome, Outcome::Fail { .. }) && r.transcript.is_empty() {
                r.transcript = vec![exchange(
                    "rotate",
                    "grant_type=refresh_token&refresh_token=‹rt:grant›",
                    200,
                    &long_json(),
                )];
                for f in &mut r.findings {
                    f.exchange = Some(0);
                    f.actual = format!("\"{}\"", "sub-0123456789abcdef".repeat(8));
                }
            }
            out.push(r);
        }
    }
    out
}
