//! The shared state of one running emulator: registered clients (with their
//! resolved behaviour and parsed assertion keys), users, the token store, the
//! signing key and the active defects.

use super::behaviour::Behaviour;
use super::defects::Defects;
pub use super::registry::{Client, Code, User};
use super::signing::SigningKey;
use super::store::Store;
use super::EmulatorConfig;
use crate::oauth::AuthMethod;
use jsonwebtoken::{Algorithm, DecodingKey};
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) struct App {
    pub issuer: String,
    pub token_endpoint: String,
    pub clients: HashMap<String, Arc<Client>>,
    pub users: HashMap<String, Arc<User>>,
    pub store: Store,
    pub codes: Mutex<super::codes::Codes>,
    pub used_codes: super::used_codes::UsedCodes,
    /// Seen client-assertion `jti`s (client id + jti → exp seconds).
    pub jtis: Mutex<super::jti::Jtis>,
    /// Seen DPoP proof `jti`s (key thumbprint + jti → the end of its iat window).
    pub dpop_jtis: Mutex<super::jti::Jtis>,
    /// Some client's behaviour says `dpop_nonce = "required"`: every DPoP
    /// proof at the token endpoint needs a nonce (`dpop_nonce.rs`).
    pub dpop_nonce_required: bool,
    pub dpop_nonce_key: super::dpop_nonce::NonceKey,
    pub key: SigningKey,
    pub defects: Defects,
    /// Random bytes per minted token.
    pub token_bytes: usize,
    /// Scope names it grants (`scope::known_for`).
    pub scopes: Vec<String>,
}

impl App {
    pub fn new(config: &EmulatorConfig, base_url: &str, defects: Defects) -> anyhow::Result<App> {
        let mut clients = HashMap::new();
        for c in &config.clients {
            let public = c.auth == AuthMethod::None;
            let mut behaviour = Behaviour::resolve(&config.profile.for_client(&c.role), public)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "profile `{}`, client `{}`: {e}",
                        config.profile.name,
                        c.role
                    )
                })?;
            defects.behaviour(&mut behaviour);
            let assertion_key = match (&c.auth, &c.public_key_pem) {
                (AuthMethod::PrivateKeyJwt, Some(pem)) => {
                    Some(parse_public_key(pem).map_err(|e| {
                        anyhow::anyhow!("client `{}`: cannot read its public key: {e}", c.id)
                    })?)
                }
                (AuthMethod::PrivateKeyJwt, None) => {
                    anyhow::bail!(
                        "client `{}` uses private_key_jwt but has no public key",
                        c.id
                    )
                }
                _ => None,
            };
            if matches!(
                c.auth,
                AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost
            ) && c.secret.is_none()
            {
                anyhow::bail!(
                    "client `{}` uses {} but has no secret",
                    c.id,
                    c.auth.as_str()
                );
            }
            let client = Client {
                info: c.clone(),
                behaviour,
                assertion_key,
            };
            if clients.insert(c.id.clone(), Arc::new(client)).is_some() {
                anyhow::bail!("client id `{}` is registered twice", c.id);
            }
        }
        let users = config
            .users
            .iter()
            .map(|(name, password)| {
                let user = User {
                    name: name.clone(),
                    password: password.clone(),
                    sub: subject_for(name),
                };
                (name.clone(), Arc::new(user))
            })
            .collect();
        let dpop_nonce_required = clients.values().any(|c| c.behaviour.dpop_nonce_required);
        Ok(App {
            issuer: base_url.to_string(),
            token_endpoint: format!("{base_url}/oauth2/token"),
            clients,
            users,
            store: Store::default(),
            codes: Mutex::new(Default::default()),
            used_codes: Default::default(),
            jtis: Mutex::new(Default::default()),
            dpop_jtis: Mutex::new(Default::default()),
            dpop_nonce_required,
            dpop_nonce_key: super::dpop_nonce::NonceKey::generate(),
            key: SigningKey::generate()?,
            defects,
            token_bytes: config.token_bytes.unwrap_or(32),
            scopes: super::scope::known_for(&config.profile),
        })
    }

    pub fn client(&self, id: &str) -> Option<Arc<Client>> {
        self.clients.get(id).cloned()
    }

    /// A fresh token value: 256 random bits, base64url (RFC 6749 §10.10).
    pub(crate) fn mint(&self) -> String {
        use base64::Engine;
        use rand::Rng;
        if let Some(v) = self.defects.token_value() {
            return v;
        }
        let mut bytes = vec![0u8; self.token_bytes];
        rand::rng().fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}

/// Same user, same `sub`, across runs; opaque so nobody keys on the name.
fn subject_for(name: &str) -> String {
    let digest = Sha256::digest(format!("refresh-conformance-user:{name}").as_bytes());
    let hex: String = digest.iter().take(10).map(|b| format!("{b:02x}")).collect();
    format!("u-{hex}")
}

/// A PEM public key (EC, RSA or Ed25519) and the JWS algorithms it verifies.
fn parse_public_key(pem: &str) -> anyhow::Result<(DecodingKey, Vec<Algorithm>)> {
    use Algorithm::*;
    if let Ok(k) = DecodingKey::from_ec_pem(pem.as_bytes()) {
        return Ok((k, vec![ES256, ES384]));
    }
    if let Ok(k) = DecodingKey::from_rsa_pem(pem.as_bytes()) {
        return Ok((k, vec![RS256, RS384, RS512, PS256, PS384, PS512]));
    }
    if let Ok(k) = DecodingKey::from_ed_pem(pem.as_bytes()) {
        return Ok((k, vec![EdDSA]));
    }
    anyhow::bail!("not a PEM EC, RSA or Ed25519 public key")
}
