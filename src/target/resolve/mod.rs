//! Resolving a parsed target file into the [`Target`] the engine runs
//! against: reads secrets (environment variables, files relative to the
//! target file), PEM keys, the baseline and the profile. Fails before any
//! request is sent; errors name the file, the key and the variable or file
//! involved, never a value. Clients in `client.rs`, grant sources in
//! `grant.rs`, secrets in `secrets.rs`.

mod client;
mod grant;
mod secrets;

use super::files::{load_profile, relative_to, DEFAULT_TIMEOUT};
use super::model::TargetFile;
use super::{Clock, Endpoints, HttpSettings, Target};
use crate::behaviour::BehaviourSet;
use crate::doc::Doc;
use secrets::{header_is_credential, Secrets};
use std::collections::BTreeMap;
use std::path::Path;

/// One resolution: where problems point, and what it has collected.
pub(super) struct Resolver<'a> {
    path: &'a Path,
    /// Present when the text is at hand: errors then say `file:line:col`.
    doc: Option<&'a Doc>,
    secrets: Secrets,
    errors: Vec<String>,
}

impl Resolver<'_> {
    /// `file:line:col: msg` at the value of `path` when the text is at hand,
    /// else `file: key.path: msg`.
    fn at(&self, path: &[&str], msg: &str) -> String {
        match self.doc {
            Some(d) => d.at_value(path, msg),
            None => format!("{}: {}: {msg}", self.path.display(), path.join(".")),
        }
    }

    /// The value, or None with its error kept.
    fn keep<T>(&mut self, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.errors.push(e)).ok()
    }
}

pub(super) fn resolve(
    path: &Path,
    file: TargetFile,
    doc: Option<&Doc>,
) -> Result<Target, Vec<String>> {
    let mut r = Resolver {
        path,
        doc,
        secrets: Secrets::default(),
        errors: Vec::new(),
    };
    let profile = load_profile(path, &file.profile).map_err(|e| r.at(&["profile"], &e));
    let profile = r.keep(profile);
    let behaviour = BehaviourSet::from_table(&file.behaviour).unwrap_or_else(|(k, m)| {
        let e = r.at(&["behaviour", &k], &m);
        r.errors.push(e);
        BehaviourSet::default()
    });
    // The target-wide grant source, resolved once (its secrets are read once).
    let target_grant = file
        .grant
        .as_ref()
        .and_then(|g| r.grant(g, "the target-wide [grant]", &["grant"], "target"));
    let mut clients = BTreeMap::new();
    for (role, c) in &file.clients {
        if let Some(client) = r.client(role, c, target_grant.as_ref()) {
            clients.insert(role.clone(), client);
        }
    }
    let http = r.http(&file);
    let baseline = match &file.baseline {
        Some(b) => match super::baseline::load_baseline(&relative_to(path, b)) {
            Ok(b) => b,
            Err(e) => {
                r.errors.extend(e);
                BTreeMap::new()
            }
        },
        None => BTreeMap::new(),
    };
    let clock = r.clock(&file);
    let (Some(profile), true) = (profile, r.errors.is_empty()) else {
        return Err(r.errors);
    };
    let scopes = file.scopes.clone().unwrap_or_default().or(&profile.scopes);
    let accepted_issuer = match file.accept_issuer_quirk {
        Some(true) => profile
            .discovery
            .issuer_quirk
            .as_ref()
            .map(|q| q.issuer.clone()),
        _ => None,
    };
    Ok(Target {
        name: file.name.clone(),
        profile,
        behaviour,
        endpoints: Endpoints {
            issuer: file.issuer.clone(),
            // Empty until discovery fills it when only `issuer` is given.
            token: file.token_endpoint.clone().unwrap_or_default(),
            revocation: file.revocation_endpoint.clone(),
            introspection: file.introspection_endpoint.clone(),
            authorization: file.authorization_endpoint.clone(),
            jwks: file.jwks_uri.clone(),
            allowed_hosts: file.allowed_endpoint_hosts.clone(),
            accepted_issuer,
        },
        clients,
        scopes,
        http,
        clock,
        live: true,
        baseline,
        secrets: r.secrets.0,
    })
}

impl Resolver<'_> {
    /// Timeout, trust roots (checked readable now), rate and extra headers
    /// (credential-like ones registered as secrets).
    fn http(&mut self, file: &TargetFile) -> HttpSettings {
        let mut headers = Vec::new();
        for (name, value) in &file.headers {
            if header_is_credential(name) {
                self.secrets
                    .add(value, format!("‹header:{}›", name.to_ascii_lowercase()));
            }
            headers.push((name.clone(), value.clone()));
        }
        let timeout = file
            .timeout
            .as_deref()
            .and_then(|t| humantime::parse_duration(t).ok())
            .unwrap_or(DEFAULT_TIMEOUT);
        let ca_bundle = file.ca_bundle.as_deref().map(|c| relative_to(self.path, c));
        if let Some(ca) = &ca_bundle {
            if let Err(m) = check_ca_bundle(ca) {
                let e = self.at(&["ca_bundle"], &m);
                self.errors.push(e);
            }
        }
        HttpSettings {
            timeout,
            ca_bundle,
            rate: file.rate,
            headers,
        }
    }

    /// Virtual time through the emulator's control endpoint, or real sleeping.
    fn clock(&mut self, file: &TargetFile) -> Clock {
        if file.emulator_control != Some(true) {
            return Clock::Real;
        }
        let origin = file
            .token_endpoint
            .as_deref()
            .or(file.issuer.as_deref())
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization());
        match origin {
            Some(o) => Clock::Virtual {
                control_url: format!("{o}/_emulator/advance"),
            },
            None => {
                let e = self.at(
                    &["emulator_control"],
                    "`emulator_control` needs `token_endpoint` or `issuer`",
                );
                self.errors.push(e);
                Clock::Real
            }
        }
    }
}

fn check_ca_bundle(ca: &Path) -> Result<(), String> {
    let bytes = crate::doc::read::read_capped(ca, crate::doc::read::MAX_USER_FILE)
        .map_err(|e| format!("cannot read `ca_bundle` file: {e}"))?;
    match reqwest::Certificate::from_pem_bundle(&bytes) {
        Ok(certs) if !certs.is_empty() => Ok(()),
        _ => Err(format!(
            "`ca_bundle` file `{}` is not a bundle of PEM certificates (-----BEGIN CERTIFICATE-----)",
            ca.display()
        )),
    }
}
