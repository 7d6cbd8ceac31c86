//! A profile's sections besides its behaviour values: `[discovery]` (known
//! quirks of the vendor's metadata, as data) and `[init]` (how `init
//! --profile NAME` lays out a target file for this vendor: endpoints,
//! scopes in the vendor's form, the client authentication its
//! documentation shows), each with its source (docs/profiles.md).

use super::source;
use crate::doc::{serde_message, type_name, Doc, Located};
use crate::oauth::{AuthMethod, Scopes};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[discovery]`: what the vendor's metadata does that the specs do not allow.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DiscoveryQuirks {
    /// The `issuer` member the vendor's metadata names for every tenant
    /// (Oracle IDCS: `https://identity.oraclecloud.com/`), which a target
    /// may accept with `accept_issuer_quirk = true`.
    pub issuer_quirk: Option<IssuerQuirk>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IssuerQuirk {
    pub issuer: String,
    pub source: String,
}

/// `[init]`: the vendor's shape of a target file.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitTemplate {
    /// The vendor page for the endpoint layout.
    pub source: String,
    /// Comment lines the template starts with (what to know before filling it in).
    #[serde(default)]
    pub notes: Vec<String>,
    /// An example issuer URL in the vendor's form.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Endpoints written as active keys (the vendor needs them explicit).
    #[serde(default)]
    pub endpoints: BTreeMap<String, String>,
    /// Endpoints shown commented (discovery finds them).
    #[serde(default)]
    pub discovered_endpoints: BTreeMap<String, String>,
    #[serde(default)]
    pub allowed_endpoint_hosts: Vec<String>,
    /// Scopes in the vendor's form (the profile's `[scopes]` are the emulator's).
    #[serde(default)]
    pub scopes: Option<InitScopes>,
    /// Per client role (`main`, `public`, `other`).
    #[serde(default)]
    pub clients: BTreeMap<String, InitClient>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitScopes {
    pub granted: String,
    pub narrower: String,
    pub extra: String,
    pub source: String,
}

impl InitScopes {
    pub fn as_scopes(&self) -> Scopes {
        Scopes {
            granted: Some(self.granted.clone()),
            narrower: Some(self.narrower.clone()),
            extra: Some(self.extra.clone()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitClient {
    pub auth: AuthMethod,
    pub source: String,
    /// Other authentication methods the vendor documents, shown commented.
    #[serde(default)]
    pub also: Vec<InitAlternative>,
    /// Extra form parameters the vendor's refresh request carries.
    #[serde(default)]
    pub refresh_params: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitAlternative {
    pub auth: AuthMethod,
    pub source: String,
}

/// Endpoint keys an `[init]` may name (the target file's).
pub(crate) const ENDPOINT_KEYS: &[&str] = &[
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "authorization_endpoint",
    "jwks_uri",
];

/// Client roles an `[init]` may shape.
const ROLES: &[&str] = &["main", "other", "public"];

pub(super) fn discovery_at(doc: &Doc, problems: &mut Vec<Located>) -> DiscoveryQuirks {
    let Some(v) = doc.root.get("discovery") else {
        return DiscoveryQuirks::default();
    };
    let Some(t) = v.as_table() else {
        problems.push(doc.value(
            &["discovery"],
            &format!("`discovery` must be a table, not {}", type_name(v)),
        ));
        return DiscoveryQuirks::default();
    };
    let mut quirks = DiscoveryQuirks::default();
    for (k, v) in t {
        if k != "issuer_quirk" {
            problems.push(doc.key(
                &["discovery", k],
                &format!(
                    "unknown key `discovery.{k}` (a profile's [discovery] has `issuer_quirk`)"
                ),
            ));
            continue;
        }
        let at = ["discovery", "issuer_quirk"];
        let (issuer, src) = match v.as_table() {
            Some(q) => (q.get("value"), q.get("source")),
            None => (None, None),
        };
        let (Some(toml::Value::String(issuer)), Some(toml::Value::String(src))) = (issuer, src)
        else {
            problems.push(doc.value(
                &at,
                "`issuer_quirk` is `{ value = \"https://issuer.the.metadata.names/\", source = \"https://…\" }`",
            ));
            continue;
        };
        if url::Url::parse(issuer).is_err() {
            problems.push(doc.value(
                &[&at[..], &["value"]].concat(),
                &format!("`{issuer}` is not a URL"),
            ));
        }
        if let Err(e) = source::parse(src) {
            problems.push(doc.value(&[&at[..], &["source"]].concat(), &e));
        }
        quirks.issuer_quirk = Some(IssuerQuirk {
            issuer: issuer.clone(),
            source: src.clone(),
        });
    }
    quirks
}

pub(super) fn init_at(doc: &Doc, problems: &mut Vec<Located>) -> Option<InitTemplate> {
    let v = doc.root.get("init")?;
    let init: InitTemplate = match v.clone().try_into() {
        Ok(i) => i,
        Err(e) => {
            let msg = serde_message(&e.to_string());
            problems.push(doc.value(&["init"], &format!("[init]: {msg}")));
            return None;
        }
    };
    let check_source = |path: &[&str], s: &str, problems: &mut Vec<Located>| {
        if let Err(e) = source::parse(s) {
            problems.push(doc.value(path, &e));
        }
    };
    check_source(&["init", "source"], &init.source, problems);
    if let Some(s) = &init.scopes {
        check_source(&["init", "scopes", "source"], &s.source, problems);
    }
    let urls = init
        .issuer
        .iter()
        .map(|u| (vec!["init", "issuer"], u))
        .chain(
            init.endpoints
                .iter()
                .map(|(k, u)| (vec!["init", "endpoints", k], u)),
        )
        .chain(
            init.discovered_endpoints
                .iter()
                .map(|(k, u)| (vec!["init", "discovered_endpoints", k], u)),
        );
    for (path, u) in urls {
        if !url::Url::parse(u).is_ok_and(|u| u.scheme() == "https" || u.scheme() == "http") {
            problems.push(doc.value(&path, &format!("`{u}` is not an http(s) URL")));
        }
    }
    for table in ["endpoints", "discovered_endpoints"] {
        let keys = if table == "endpoints" {
            &init.endpoints
        } else {
            &init.discovered_endpoints
        };
        for k in keys.keys().filter(|k| !ENDPOINT_KEYS.contains(&k.as_str())) {
            problems.push(doc.key(
                &["init", table, k],
                &format!(
                    "unknown endpoint `{k}` (one of {})",
                    ENDPOINT_KEYS.join(", ")
                ),
            ));
        }
    }
    for (role, c) in &init.clients {
        if !ROLES.contains(&role.as_str()) {
            problems.push(doc.key(
                &["init", "clients", role],
                &format!("unknown client role `{role}` (one of {})", ROLES.join(", ")),
            ));
        }
        check_source(&["init", "clients", role, "source"], &c.source, problems);
        for (i, a) in c.also.iter().enumerate() {
            let i = i.to_string();
            check_source(
                &["init", "clients", role, "also", &i, "source"],
                &a.source,
                problems,
            );
        }
    }
    Some(init)
}
