//! `emulated:<profile>` targets: the embedded emulator started in-process,
//! described as an ordinary target so the executor needs no special case
//! beyond the virtual clock.

use super::{Client, Clock, Endpoints, GrantSource, HttpSettings, Scopes, Target};
use crate::behaviour::{BehaviourSet, Profile};
use crate::emulator::{self, EmulatedClient, EmulatorConfig};
use std::collections::BTreeMap;

pub(crate) const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// Start an emulator for `profile` with `defects` on the current runtime and
/// describe it as a target named `emulated-<profile>` (or `name`).
pub async fn start(
    profile: Profile,
    defects: &[String],
    name: Option<String>,
) -> anyhow::Result<Target> {
    let clients = emulator::default_clients();
    let (user, password) = emulator::DEFAULT_USER;
    let handle = emulator::start(
        EmulatorConfig {
            profile: profile.clone(),
            clients: clients.clone(),
            users: vec![(user.into(), password.into())],
            defects: defects.to_vec(),
            token_bytes: None,
        },
        0,
    )
    .await?;
    Ok(describe(&handle.base_url, profile, &clients, name, true))
}

/// The target description of an emulator at `base_url` with these clients.
pub fn describe(
    base_url: &str,
    profile: Profile,
    clients: &[EmulatedClient],
    name: Option<String>,
    virtual_clock: bool,
) -> Target {
    let (user, password) = emulator::DEFAULT_USER;
    let mut secrets = vec![(password.to_string(), "‹secret:password›".to_string())];
    let mut out = BTreeMap::new();
    for c in clients {
        let grant = if c.auth == super::AuthMethod::None {
            GrantSource::AuthorizationCode {
                username: user.into(),
                password: password.into(),
                redirect_uri: REDIRECT_URI.into(),
            }
        } else {
            GrantSource::Password {
                username: user.into(),
                password: password.into(),
                params: BTreeMap::new(),
            }
        };
        if let Some(s) = &c.secret {
            secrets.push((s.clone(), format!("‹secret:{}›", c.role)));
        }
        let key = (c.auth == super::AuthMethod::PrivateKeyJwt).then(|| super::AssertionKey {
            pem: emulator::TEST_CLIENT_PRIVATE_KEY_PEM.to_string(),
            alg: emulator::TEST_CLIENT_KEY_ALG.to_string(),
            kid: Some(emulator::TEST_CLIENT_KEY_KID.to_string()),
            audience: None,
        });
        if let Some(k) = &key {
            secrets.push((k.pem.clone(), format!("‹key:{}›", c.role)));
        }
        out.insert(
            c.role.clone(),
            Client {
                role: c.role.clone(),
                id: c.id.clone(),
                auth: c.auth,
                secret: c.secret.clone(),
                key,
                refresh_params: BTreeMap::new(),
                grant: Some(grant),
                behaviour: BehaviourSet::default(),
                dpop: dpop_client(&profile, &c.role),
            },
        );
    }
    let scopes = Scopes {
        granted: profile
            .scopes
            .granted
            .clone()
            .or(Some("openid offline_access profile read".into())),
        narrower: profile
            .scopes
            .narrower
            .clone()
            .or(Some("openid offline_access".into())),
        extra: profile.scopes.extra.clone().or(Some("write".into())),
    };
    let baseline = documented_baseline(&profile);
    Target {
        name: name.unwrap_or_else(|| format!("emulated-{}", profile.name)),
        endpoints: Endpoints {
            issuer: Some(base_url.to_string()),
            token: format!("{base_url}/oauth2/token"),
            revocation: Some(format!("{base_url}/oauth2/revoke")),
            introspection: Some(format!("{base_url}/oauth2/introspect")),
            authorization: Some(format!("{base_url}/oauth2/authorize")),
            jwks: Some(format!("{base_url}/oauth2/jwks")),
            allowed_hosts: vec![],
            accepted_issuer: None,
        },
        profile,
        behaviour: BehaviourSet::default(),
        clients: out,
        scopes,
        http: HttpSettings::default(),
        clock: if virtual_clock {
            Clock::Virtual {
                control_url: format!("{base_url}/_emulator/advance"),
            }
        } else {
            Clock::Real
        },
        live: false,
        baseline,
        secrets,
    }
}

/// The profile's documented deviations, as this target's baseline: the
/// emulator reproduces them, and the run shows them as known deviations.
fn documented_baseline(profile: &Profile) -> super::baseline::Baseline {
    profile
        .known_deviations
        .iter()
        .map(|(id, d)| {
            let entry = super::baseline::BaselineEntry {
                outcome: d.outcome.clone(),
                reason: format!("documented by the profile: {} ({})", d.reason, d.source),
                intermittent: false,
            };
            (id.clone(), entry)
        })
        .collect()
}

/// The profile makes this client's tokens DPoP-bound: it sends proofs.
fn dpop_client(profile: &Profile, role: &str) -> Option<super::DpopAlg> {
    let set = profile.for_client(role);
    let v = set.values.get("sender_constrained")?.value.as_str()?;
    (v == "dpop").then_some(super::DpopAlg::Es256)
}
