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
//!
//! [tokens]
//! bytes = 240                       # random bytes per token (default 32); 16..=4096
//! ```
//! A file with `[[clients]]` replaces every default client; one with
//! `[[users]]` replaces the default user. These are test credentials for a
//! loopback emulator, which is why they may be written in the file.

use super::EmulatedClient;
use crate::doc::read::{read_text_capped, MAX_USER_FILE};
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
    tokens: Option<TokensEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensEntry {
    bytes: usize,
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

/// What a config file sets; None for a section the file leaves out.
pub struct Loaded {
    pub clients: Option<Vec<EmulatedClient>>,
    pub users: Option<Vec<(String, String)>>,
    pub token_bytes: Option<usize>,
}

pub(crate) fn load(path: &Path) -> anyhow::Result<Loaded> {
    let text = read_text_capped(path, MAX_USER_FILE).map_err(|e| anyhow::anyhow!(e))?;
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
                read_text_capped(&dir.join(&f), MAX_USER_FILE)
                    .map_err(|e| anyhow::anyhow!("client `{}`: {e}", c.id))?,
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
    let token_bytes = match file.tokens {
        // Below 16 bytes a token breaks RFC 6749 §10.10 (that is the
        // `short-tokens` defect's job); above 4096 it is a hostile IdP's.
        Some(t) if !(16..=4096).contains(&t.bytes) => {
            anyhow::bail!("[tokens] bytes = {}: must be 16..=4096", t.bytes)
        }
        t => t.map(|t| t.bytes),
    };
    Ok(Loaded {
        clients: (!clients.is_empty()).then_some(clients),
        users: (!users.is_empty()).then_some(users),
        token_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::path::Path;

    #[test]
    fn token_bytes_are_read_and_bounded() {
        let ok = parse("[tokens]\nbytes = 240\n", Path::new(".")).unwrap();
        assert_eq!(ok.token_bytes, Some(240));
        assert_eq!(parse("", Path::new(".")).unwrap().token_bytes, None);
        for bad in ["8", "5000"] {
            let e = parse(&format!("[tokens]\nbytes = {bad}\n"), Path::new("."))
                .err()
                .expect("out of range");
            assert!(e.to_string().contains("16..=4096"), "{e}");
        }
    }
}
