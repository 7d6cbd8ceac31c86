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

use crate::behaviour::Profile;
use crate::target::AuthMethod;

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
}

pub struct EmulatorHandle {
    pub base_url: String,
}

/// The documented default clients (`main`, `post`, `other`, `public`, `jwt`).
pub fn default_clients() -> Vec<EmulatedClient> {
    vec![]
}

pub const DEFAULT_USER: (&str, &str) = ("alice", "alice-password");

/// Defect names with a one-line description each.
pub fn defects() -> Vec<(&'static str, &'static str)> {
    vec![]
}

pub async fn start(_config: EmulatorConfig, _port: u16) -> anyhow::Result<EmulatorHandle> {
    anyhow::bail!("emulator not built yet")
}

/// The `jwt` client's key pair: TEST ONLY, shipped in `keys/` so the emulator
/// and its documentation work without setup. Never use it anywhere else.
pub const TEST_CLIENT_PRIVATE_KEY_PEM: &str = "";
pub const TEST_CLIENT_PUBLIC_KEY_PEM: &str = "";
pub const TEST_CLIENT_KEY_ALG: &str = "ES256";
pub const TEST_CLIENT_KEY_KID: &str = "jwt-test-only";
