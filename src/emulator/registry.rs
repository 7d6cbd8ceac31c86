//! Who the emulator knows: registered clients (with their resolved
//! behaviour and assertion keys), users, and issued authorization codes.
//! Data only: the token store and the app state both hold these.

use super::behaviour::Behaviour;
use super::EmulatedClient;
use crate::oauth::AuthMethod;
use jsonwebtoken::{Algorithm, DecodingKey};
use std::sync::Arc;

pub struct Client {
    pub info: EmulatedClient,
    pub behaviour: Behaviour,
    /// private_key_jwt: the registered public key and the algorithms it may sign with.
    pub assertion_key: Option<(DecodingKey, Vec<Algorithm>)>,
}

impl Client {
    pub fn id(&self) -> &str {
        &self.info.id
    }
    pub fn is_public(&self) -> bool {
        self.info.auth == AuthMethod::None
    }
}

pub struct User {
    pub name: String,
    pub password: String,
    /// Stable, opaque subject identifier (id_token `sub`).
    pub sub: String,
}

/// An issued authorization code (single use).
#[derive(Clone)]
pub struct Code {
    pub client_id: String,
    /// The redirect_uri the authorize request carried, if it carried one.
    pub redirect_uri: Option<String>,
    pub scope: Vec<String>,
    pub nonce: Option<String>,
    pub challenge: Option<(String, String)>,
    pub user: Arc<User>,
    pub auth_time: i64,
    /// Real time, ms.
    pub expires_at: i64,
}
