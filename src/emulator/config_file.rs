//! `emulate --config FILE`: clients and users that replace the defaults.
//!
//! ```toml
//! [[clients]]
//! role = "main"                     # catalog role; defaults to the id
//! id = "my-app"
//! auth = "client_secret_basic"      # client_secret_post | private_key_jwt | none
//! secret = "my-secret"              # for the client_secret_* methods
//! public_key_file = "keys/app.pub.pem"   # or public_key_pem = "..."; for private_key_jwt
//! redirect_uris = ["http://127.0.0.1/callback"]
//!
//! [[users]]
//! username = "bob"
//! password = "bob-password"
//! ```
//! A file with `[[clients]]` replaces every default client; one with
//! `[[users]]` replaces the default user. These are test credentials for a
//! loopback emulator, which is why they may be written in the file.

use super::EmulatedClient;
use crate::oauth::AuthMethod;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    clients: Vec<ClientEntry>,
    #[serde(default)]
    users: Vec<UserEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientEntry {
    role: Option<String>,
    id: String,
    auth: String,
    secret: Option<String>,
    public_key_pem: Option<String>,
    public_key_file: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    username: String,
    password: String,
}

/// Clients and users from `path`; None for a section the file leaves out.
pub(crate) type Loaded = (Option<Vec<EmulatedClient>>, Option<Vec<(String, String)>>);

pub(crate) fn load(path: &Path) -> anyhow::Result<Loaded> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    parse(&text, path.parent().unwrap_or(Path::new(".")))
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Parse a config file's text; relative key files resolve against `dir`.
pub fn parse(text: &str, dir: &Path) -> anyhow::Result<Loaded> {
    let file: ConfigFile = toml::from_str(text)?;
    let mut clients = Vec::new();
    for c in file.clients {
        let auth = AuthMethod::parse(&c.auth).ok_or_else(|| {
            anyhow::anyhow!(
                "client `{}`: auth `{}` is not one of client_secret_basic, client_secret_post, private_key_jwt, none",
                c.id,
                c.auth
            )
        })?;
        let public_key_pem = match (c.public_key_pem, c.public_key_file) {
            (Some(p), _) => Some(p),
            (None, Some(f)) => Some(
                std::fs::read_to_string(dir.join(&f))
                    .map_err(|e| anyhow::anyhow!("client `{}`: {f}: {e}", c.id))?,
            ),
            (None, None) => None,
        };
        clients.push(EmulatedClient {
            role: c.role.unwrap_or_else(|| c.id.clone()),
            id: c.id,
            auth,
            secret: c.secret,
            public_key_pem,
            redirect_uris: c.redirect_uris,
        });
    }
    let users: Vec<(String, String)> = file
        .users
        .into_iter()
        .map(|u| (u.username, u.password))
        .collect();
    Ok((
        (!clients.is_empty()).then_some(clients),
        (!users.is_empty()).then_some(users),
    ))
}
