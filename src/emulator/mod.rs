//! The embedded emulated IdP: a real OAuth 2.0 / OIDC token service on
//! 127.0.0.1 whose behaviour comes from a profile, with per-family virtual
//! time and injectable defects.
//!
//! INTERFACE (the runner and `emulated:` targets depend on exactly this):
//! - `start(config, port)` binds 127.0.0.1:port (0 = ephemeral) and serves on the current tokio runtime.
//! - Paths under `handle.base_url` (which is also the issuer):
//!   `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`,
//!   `/oauth2/jwks`, `/oauth2/token`, `/oauth2/revoke`, `/oauth2/introspect`,
//!   `/oauth2/authorize` (non-interactive: username/password as parameters, 302 to redirect_uri with code),
//!   `POST /_emulator/advance` with JSON `{"tokens": [...], "seconds": N}`: advance the
//!   virtual clock of every token family those tokens belong to.
//! - `GET /_emulator/stats`: `{"tokens": N, "codes": N}`, the state it holds.
//!
//! Behaviour choices where the specs allow several are documented in the
//! module that makes them (refresh.rs, client_auth.rs, authorize.rs,
//! introspect.rs, revoke.rs); a zero ttl in a profile means "no limit".

pub mod cli;
pub mod config_file;
pub mod defects;
mod jti;
mod listen;

mod advance;
mod app;
mod authorize;
mod behaviour;
mod client_auth;
mod clock;
mod codes;
mod discovery;
mod dpop;
mod dpop_nonce;
mod error;
mod grants;
mod history;
mod id_token;
mod introspect;
mod issue;
mod params;
mod prune;
mod refresh;
mod registry;
mod revoke;
mod scope;
mod server;
mod signing;
mod stats;
mod store;
mod token_endpoint;
mod token_response;
mod used_codes;
mod wire;

use crate::behaviour::Profile;
use crate::oauth::AuthMethod;

/// A client the emulator accepts.
#[derive(Debug, Clone)]
pub struct EmulatedClient {
    /// The catalog role it plays (`main`, `post`, `other`, `public`, `jwt`).
    pub role: String,
    pub id: String,
    pub auth: AuthMethod,
    pub secret: Option<String>,
    /// PEM public key for private_key_jwt.
    pub public_key_pem: Option<String>,
    pub redirect_uris: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub profile: Profile,
    pub clients: Vec<EmulatedClient>,
    /// (username, password)
    pub users: Vec<(String, String)>,
    pub defects: Vec<String>,
    /// Random bytes per minted token (default 32: 43 base64url characters).
    /// `[tokens] bytes` in `emulate --config`; long tokens test the reports'
    /// redaction of tokens longer than any excerpt.
    pub token_bytes: Option<usize>,
}

pub struct EmulatorHandle {
    pub base_url: String,
}

/// The documented default clients (`main`, `post`, `other`, `public`, `jwt`).
pub fn default_clients() -> Vec<EmulatedClient> {
    let confidential = |role: &str, auth: AuthMethod, secret: &str| EmulatedClient {
        role: role.into(),
        id: role.into(),
        auth,
        secret: Some(secret.into()),
        public_key_pem: None,
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
    };
    vec![
        confidential("main", AuthMethod::ClientSecretBasic, "main-secret"),
        confidential("post", AuthMethod::ClientSecretPost, "post-secret"),
        confidential("other", AuthMethod::ClientSecretBasic, "other-secret"),
        EmulatedClient {
            role: "public".into(),
            id: "public".into(),
            auth: AuthMethod::None,
            secret: None,
            public_key_pem: None,
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        },
        EmulatedClient {
            role: "jwt".into(),
            id: "jwt".into(),
            auth: AuthMethod::PrivateKeyJwt,
            secret: None,
            public_key_pem: Some(TEST_CLIENT_PUBLIC_KEY_PEM.into()),
            redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        },
    ]
}

/// The redirect URI every default client is registered with.
pub(crate) const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1/callback";

pub const DEFAULT_USER: (&str, &str) = ("alice", "alice-password");

/// Defect names with a one-line description each.
pub fn defects() -> Vec<(&'static str, &'static str)> {
    defects::catalog()
}

/// Bind 127.0.0.1:`port` (0 = ephemeral) and serve on the current tokio
/// runtime until it shuts down. Unknown defect names, unusable profiles and
/// bad client registrations are errors.
pub async fn start(config: EmulatorConfig, port: u16) -> anyhow::Result<EmulatorHandle> {
    let defects = defects::Defects::select(&config.defects)?;
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| anyhow::anyhow!("cannot bind 127.0.0.1:{port}: {e}"))?;
    let base_url = format!("http://127.0.0.1:{}", listener.local_addr()?.port());
    let app = std::sync::Arc::new(app::App::new(&config, &base_url, defects)?);
    let router = server::router(app);
    tokio::spawn(listen::serve(listener, router));
    Ok(EmulatorHandle { base_url })
}

/// The `jwt` client's key pair: TEST ONLY, shipped in `keys/` so the emulator
/// and its documentation work without setup. Never use it anywhere else.
pub const TEST_CLIENT_PRIVATE_KEY_PEM: &str = include_str!("../../keys/jwt-client.test-only.pem");
pub(crate) const TEST_CLIENT_PUBLIC_KEY_PEM: &str =
    include_str!("../../keys/jwt-client.test-only.pub.pem");
pub(crate) const TEST_CLIENT_KEY_ALG: &str = "ES256";
pub const TEST_CLIENT_KEY_KID: &str = "jwt-test-only";
