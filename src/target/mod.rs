//! Targets: the IdP a trial talks to, resolved from a target file or from
//! `emulated:<profile>`. Executors read only these resolved types.

pub mod assertion;
pub mod baseline;
pub mod command;
pub mod discovery;
pub mod emulated;
pub mod files;
pub mod http;
pub mod init;
mod init_blocks;
pub mod load;
pub mod model;
mod parse;
mod resolve;

use crate::behaviour::{BehaviourSet, Profile};
pub use crate::oauth::{AuthMethod, GrantKind, Scopes};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct Endpoints {
    pub issuer: Option<String>,
    pub token: String,
    pub revocation: Option<String>,
    pub introspection: Option<String>,
    pub authorization: Option<String>,
    pub jwks: Option<String>,
    /// `allowed_endpoint_hosts`: where discovered endpoints may point
    /// besides the issuer's own host and port.
    pub allowed_hosts: Vec<String>,
    /// An `issuer` member the metadata may name besides `issuer`: the
    /// profile's issuer quirk, when the target accepts it.
    pub accepted_issuer: Option<String>,
}

/// A private key for client assertions.
#[derive(Clone)]
pub struct AssertionKey {
    pub pem: String,
    pub alg: String,
    pub kid: Option<String>,
    pub audience: Option<String>,
}

impl std::fmt::Debug for AssertionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AssertionKey {{ alg: {}, kid: {:?} }}",
            self.alg, self.kid
        )
    }
}

/// How a client obtains fresh grants with a refresh token.
#[derive(Debug, Clone)]
pub enum GrantSource {
    Password {
        username: String,
        password: String,
        params: BTreeMap<String, String>,
    },
    /// An external program printing the token response JSON on stdout.
    Command {
        argv: Vec<String>,
        scope_selectable: bool,
        repeatable: bool,
    },
    /// A seed refresh token from the environment: neither repeatable nor scope-selectable.
    RefreshTokenEnv { var: String, token: String },
    /// The emulator's non-interactive authorize step + code exchange with PKCE.
    AuthorizationCode {
        username: String,
        password: String,
        redirect_uri: String,
    },
}

impl GrantSource {
    pub(crate) fn scope_selectable(&self) -> bool {
        match self {
            GrantSource::Command {
                scope_selectable, ..
            } => *scope_selectable,
            GrantSource::RefreshTokenEnv { .. } => false,
            _ => true,
        }
    }
    pub(crate) fn repeatable(&self) -> bool {
        match self {
            GrantSource::Command { repeatable, .. } => *repeatable,
            GrantSource::RefreshTokenEnv { .. } => false,
            _ => true,
        }
    }
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            GrantSource::Password { .. } => "password",
            GrantSource::Command { .. } => "command",
            GrantSource::RefreshTokenEnv { .. } => "refresh_token_env",
            GrantSource::AuthorizationCode { .. } => "authorization_code",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    pub role: String,
    pub id: String,
    pub auth: AuthMethod,
    pub secret: Option<String>,
    pub key: Option<AssertionKey>,
    pub refresh_params: BTreeMap<String, String>,
    pub grant: Option<GrantSource>,
    pub behaviour: BehaviourSet,
    /// Sends DPoP proofs (RFC 9449) with this algorithm: `dpop = true` in
    /// the target file, or `sender_constrained = "dpop"` on an emulated profile.
    pub dpop: Option<DpopAlg>,
}

/// The algorithm of a client's DPoP proof keys (a fresh key per grant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DpopAlg {
    Es256,
    Rs256,
}

impl DpopAlg {
    pub const NAMES: &'static [&'static str] = &["ES256", "RS256"];

    pub fn parse(name: &str) -> Option<DpopAlg> {
        match name {
            "ES256" => Some(DpopAlg::Es256),
            "RS256" => Some(DpopAlg::Rs256),
            _ => None,
        }
    }
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.auth == AuthMethod::None
    }
}

#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub timeout: Duration,
    pub ca_bundle: Option<std::path::PathBuf>,
    pub rate: Option<f64>,
    pub headers: Vec<(String, String)>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            timeout: Duration::from_secs(10),
            ca_bundle: None,
            rate: None,
            headers: vec![],
        }
    }
}

/// How waits are carried out.
#[derive(Debug, Clone)]
pub enum Clock {
    /// Real sleeping.
    Real,
    /// The emulator's control endpoint advances the trial's token families.
    Virtual { control_url: String },
}

/// A resolved target.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub profile: Profile,
    /// This target's `[behaviour]` over the profile.
    pub behaviour: BehaviourSet,
    pub endpoints: Endpoints,
    pub clients: BTreeMap<String, Client>,
    pub scopes: Scopes,
    pub http: HttpSettings,
    pub clock: Clock,
    /// `emulated:` targets use unverified profile values as written.
    pub live: bool,
    /// Known deviations: scenario id → (outcome, reason).
    pub baseline: baseline::Baseline,
    /// Every secret of the target with its redaction label, for the redactor.
    pub secrets: Vec<(String, String)>,
}

impl Target {
    /// The layered behaviour for a trial whose primary client is `role`.
    pub(crate) fn behaviour_view(&self, role: &str) -> crate::behaviour::BehaviourView {
        let profile_client = self.profile.for_client(role);
        let empty = BehaviourSet::default();
        let client = self.clients.get(role);
        let client_set = client.map(|c| &c.behaviour).unwrap_or(&empty);
        let mut view = crate::behaviour::BehaviourView::new(
            &[&profile_client, &self.behaviour, client_set],
            self.live,
            client.is_some_and(|c| c.is_public()),
        );
        view.client_dpop = client.is_some_and(|c| c.dpop.is_some());
        view
    }
}
